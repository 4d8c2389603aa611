/* CSRF tokens: a fresh token fits its cookie; an expired, tampered,
 * foreign or missing one does not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "auth/csrf.h"

static unsigned char key[CSRF_KEY_BYTES];
static const uint64_t NOW = 1790000000u;

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	randombytes_buf(key, sizeof key);
	return 0;
}

static void valid_token(void **state)
{
	(void)state;
	char cookie[CSRF_COOKIE_LEN + 1], tok[CSRF_TOKEN_MAX + 1];
	csrf_cookie_new(cookie);
	assert_true(csrf_cookie_valid(cookie));
	assert_int_equal(csrf_token(key, cookie, NOW, tok), 0);
	assert_true(csrf_verify(key, cookie, tok, NOW));
	assert_true(csrf_verify(key, cookie, tok, NOW + CSRF_MAX_AGE_S));
	/* A little clock skew between servers is tolerated. */
	assert_true(csrf_verify(key, cookie, tok, NOW - 10));
}

static void cookies_are_random(void **state)
{
	(void)state;
	char a[CSRF_COOKIE_LEN + 1], b[CSRF_COOKIE_LEN + 1];
	csrf_cookie_new(a);
	csrf_cookie_new(b);
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(a), CSRF_COOKIE_LEN);
}

static void expired_token(void **state)
{
	(void)state;
	char cookie[CSRF_COOKIE_LEN + 1], tok[CSRF_TOKEN_MAX + 1];
	csrf_cookie_new(cookie);
	assert_int_equal(csrf_token(key, cookie, NOW, tok), 0);
	assert_false(csrf_verify(key, cookie, tok, NOW + CSRF_MAX_AGE_S + 1));
	/* Nor one from far in the future. */
	assert_false(csrf_verify(key, cookie, tok, NOW - CSRF_CLOCK_SKEW_S - 1));
}

static void tampered_token(void **state)
{
	(void)state;
	char cookie[CSRF_COOKIE_LEN + 1], tok[CSRF_TOKEN_MAX + 1], bad[CSRF_TOKEN_MAX + 1];
	csrf_cookie_new(cookie);
	assert_int_equal(csrf_token(key, cookie, NOW, tok), 0);
	/* A later time with the old MAC: extending a token's life fails. */
	const char *dot = strchr(tok, '.');
	char later[CSRF_TOKEN_MAX + 8];
	snprintf(later, sizeof later, "%llu%s", (unsigned long long)NOW + 100, dot);
	strcpy(bad, later);
	assert_false(csrf_verify(key, cookie, bad, NOW + 100));
	/* One flipped MAC digit. */
	strcpy(bad, tok);
	size_t last = strlen(bad) - 1;
	bad[last] = bad[last] == '0' ? '1' : '0';
	assert_false(csrf_verify(key, cookie, bad, NOW));
	/* Truncated, extended, garbage. */
	strcpy(bad, tok);
	bad[last] = '\0';
	assert_false(csrf_verify(key, cookie, bad, NOW));
	char longer[CSRF_TOKEN_MAX + 2];
	snprintf(longer, sizeof longer, "%s0", tok);
	assert_false(csrf_verify(key, cookie, longer, NOW));
	assert_false(csrf_verify(key, cookie, "", NOW));
	assert_false(csrf_verify(key, cookie, ".", NOW));
	assert_false(csrf_verify(key, cookie, "abc.def", NOW));
	assert_false(csrf_verify(key, cookie, "-5.00", NOW));
	/* Another key. */
	unsigned char other[CSRF_KEY_BYTES];
	memcpy(other, key, sizeof other);
	other[0] ^= 1;
	assert_false(csrf_verify(other, cookie, tok, NOW));
}

static void other_cookie(void **state)
{
	(void)state;
	char a[CSRF_COOKIE_LEN + 1], b[CSRF_COOKIE_LEN + 1], tok[CSRF_TOKEN_MAX + 1];
	csrf_cookie_new(a);
	csrf_cookie_new(b);
	assert_int_equal(csrf_token(key, a, NOW, tok), 0);
	assert_false(csrf_verify(key, b, tok, NOW));
}

static void missing_parts(void **state)
{
	(void)state;
	char cookie[CSRF_COOKIE_LEN + 1], tok[CSRF_TOKEN_MAX + 1];
	csrf_cookie_new(cookie);
	assert_int_equal(csrf_token(key, cookie, NOW, tok), 0);
	assert_false(csrf_verify(key, NULL, tok, NOW));
	assert_false(csrf_verify(key, cookie, NULL, NOW));
	assert_false(csrf_verify(key, "", tok, NOW));
	assert_false(csrf_verify(NULL, cookie, tok, NOW));
	/* A cookie of the wrong shape gets no token. */
	assert_int_equal(csrf_token(key, "short", NOW, tok), -EINVAL);
	assert_false(csrf_cookie_valid("0123456789ABCDEF0123456789abcdef"));
	assert_false(csrf_cookie_valid(NULL));
}

/* Over https the cookie is "__Host-" prefixed, so that only this host,
 * over https, can set it; plain http (loopback) keeps the plain name,
 * which browsers accept without Secure. */
static void cookie_name_by_scheme(void **state)
{
	(void)state;
	assert_string_equal(csrf_cookie_name(true), "__Host-signaal_csrf");
	assert_string_equal(csrf_cookie_name(false), "signaal_csrf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(valid_token),           cmocka_unit_test(cookies_are_random),
	    cmocka_unit_test(expired_token),         cmocka_unit_test(tampered_token),
	    cmocka_unit_test(other_cookie),          cmocka_unit_test(missing_parts),
	    cmocka_unit_test(cookie_name_by_scheme),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
