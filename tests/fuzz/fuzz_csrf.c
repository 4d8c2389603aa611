/* Fuzzes the CSRF check (auth/csrf.c): the cookie and the token are what
 * any client may send, the time is the server's.
 *
 * Input: 8 bytes of "now" (little endian; folded into the years a server
 * runs in), 2 bytes saying where to change a token and to what, then the
 * cookie, a NUL byte, and the token.
 *  - csrf_verify() of the cookie and token as sent: true only when the
 *    cookie has the form csrf_cookie_new() makes and the token is the one
 *    csrf_token() makes for that cookie at a time inside the window
 *    (hex digits in either case), checked here by making it again;
 *  - a token made for a cookie (the sent one if valid, else one made of
 *    the input's bytes) verifies from its time until CSRF_MAX_AGE_S later
 *    and up to CSRF_CLOCK_SKEW_S early, not outside that window, not for
 *    another cookie, and not after one byte of it was changed (except the
 *    case of a hex letter). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/csrf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[CSRF_KEY_BYTES] = {7, 7, 7};

/* From 2001 to 2128: the times a server's clock shows. */
static uint64_t fold_now(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return 1000000000u + v % (1ull << 32);
}

/* Whether token is, but for hex case, csrf_token(key, cookie, t) for a t
 * in the window around now. */
static bool made_here(const char *cookie, const char *token, uint64_t now)
{
	const char *dot = strchr(token, '.');
	if (!dot || dot == token || dot - token > 20)
		return false;
	uint64_t t = 0;
	for (const char *p = token; p < dot; p++) {
		if (*p < '0' || *p > '9' || t > (UINT64_MAX - 9) / 10)
			return false;
		t = t * 10 + (uint64_t)(*p - '0');
	}
	if (t > now + CSRF_CLOCK_SKEW_S || (now > t && now - t > CSRF_MAX_AGE_S))
		return false;
	char want[CSRF_TOKEN_MAX + 1];
	if (csrf_token(key, cookie, t, want) != 0)
		return false;
	return strcasecmp(strchr(want, '.'), dot) == 0;
}

static void hex_cookie(const uint8_t *p, size_t n, char out[CSRF_COOKIE_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < CSRF_COOKIE_LEN / 2; i++) {
		uint8_t b = i < n ? p[i] : (uint8_t)i;
		out[2 * i] = hex[b >> 4];
		out[2 * i + 1] = hex[b & 15];
	}
	out[CSRF_COOKIE_LEN] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 10 || size > 1024)
		return -1;
	uint64_t now = fold_now(data);
	size_t pos = data[8];
	uint8_t to = data[9];
	data += 10;
	size -= 10;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	const char *cookie = text;
	const char *nul = memchr(text, '\0', size);
	const char *token = nul && (size_t)(nul - text) < size ? nul + 1 : "";

	bool ok = csrf_verify(key, cookie, token, now);
	if (ok != (csrf_cookie_valid(cookie) && made_here(cookie, token, now)))
		abort();
	if (csrf_verify(NULL, cookie, token, now) || csrf_verify(key, NULL, token, now) ||
	    csrf_verify(key, cookie, NULL, now))
		abort();

	char mine[CSRF_COOKIE_LEN + 1], made[CSRF_TOKEN_MAX + 1];
	if (csrf_cookie_valid(cookie))
		memcpy(mine, cookie, sizeof mine);
	else
		hex_cookie(data, size, mine);
	if (!csrf_cookie_valid(mine) || csrf_token(key, mine, now, made) != 0 ||
	    strlen(made) > CSRF_TOKEN_MAX)
		abort();
	if (!csrf_verify(key, mine, made, now) ||
	    !csrf_verify(key, mine, made, now + CSRF_MAX_AGE_S) ||
	    csrf_verify(key, mine, made, now + CSRF_MAX_AGE_S + 1) ||
	    !csrf_verify(key, mine, made, now - CSRF_CLOCK_SKEW_S) ||
	    csrf_verify(key, mine, made, now - CSRF_CLOCK_SKEW_S - 1))
		abort();
	char other[CSRF_COOKIE_LEN + 1];
	memcpy(other, mine, sizeof other);
	other[pos % CSRF_COOKIE_LEN] = other[pos % CSRF_COOKIE_LEN] == 'a' ? 'b' : 'a';
	if (csrf_verify(key, other, made, now))
		abort();
	char changed[CSRF_TOKEN_MAX + 1];
	memcpy(changed, made, sizeof changed);
	size_t at = pos % strlen(made);
	changed[at] = (char)to;
	if (to != 0 && strcasecmp(changed, made) != 0 && csrf_verify(key, mine, changed, now))
		abort();
	free(text);
	return 0;
}
