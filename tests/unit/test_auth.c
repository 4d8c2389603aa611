/* Tests of auth/: password hashing and quality (Dutch reasons), bearer
 * secrets and recovery codes, TOTP against RFC 6238's test vector, base32
 * and the QR code's SVG. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "auth/password.h"
#include "auth/secret.h"
#include "auth/totp.h"

static void test_password_hash_verify(void **state)
{
	(void)state;
	char h[PASSWORD_HASH_BYTES];
	assert_int_equal(password_hash("rode-fiets-langs-het-kanaal", h), 0);
	bool rehash = true;
	assert_true(password_verify(h, "rode-fiets-langs-het-kanaal", &rehash));
	assert_false(rehash);
	assert_false(password_verify(h, "rode-fiets-langs-het-kanaaL", NULL));
	char big[PASSWORD_MAX_BYTES + 2];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(password_hash(big, h), -EINVAL);
}

static void test_password_quality(void **state)
{
	(void)state;
	const char *why = NULL;
	assert_int_equal(password_quality("rode-fiets-langs-het-kanaal", "anna", &why), 0);
	assert_int_equal(password_quality("kort", "anna", &why), 1);
	assert_string_equal(why, "Kies een wachtwoord van minstens 12 tekens.");
	assert_int_equal(password_quality("strawberries", "anna", &why), 1);
	assert_non_null(strstr(why, "woordenboek"));
	assert_int_equal(password_quality("123456789012", "anna", &why), 1);
	assert_int_equal(password_quality("beheerder-velsen-x", "beheerder", &why), 1);
	assert_non_null(strstr(why, "inlognaam"));
	/* 12 characters, not 12 bytes. */
	assert_int_equal(password_quality("ééééééé", "anna", &why), 1);
	char once[PASSWORD_RANDOM_LEN + 1];
	password_random(once);
	assert_int_equal(strlen(once), PASSWORD_RANDOM_LEN);
	assert_int_equal(password_quality(once, "beheer", &why), 0);
}

static void test_secrets(void **state)
{
	(void)state;
	char a[SECRET_HEX_LEN + 1], b[SECRET_HEX_LEN + 1];
	secret_new_hex(a);
	secret_new_hex(b);
	assert_true(secret_hex_valid(a));
	assert_string_not_equal(a, b);
	assert_false(secret_hex_valid("abc"));
	unsigned char key[SECRET_KEY_BYTES] = {1}, h1[32], h2[32];
	assert_int_equal(secret_hash(key, SECRET_SESSION, a, h1), 0);
	assert_int_equal(secret_hash(key, SECRET_TOKEN, a, h2), 0);
	assert_memory_not_equal(h1, h2, 32);
	char rc[RECOVERY_CODE_LEN + 1], n[RECOVERY_CODE_LEN];
	secret_new_recovery(rc);
	assert_int_equal(rc[5], '-');
	assert_true(secret_recovery_normal(rc, n));
	assert_int_equal(strlen(n), 10);
	assert_false(secret_recovery_normal("123456", n));
	assert_false(secret_recovery_normal("ABCDE-FGHJK-M", n));
}

static void test_totp_rfc6238(void **state)
{
	(void)state;
	const unsigned char *key = (const unsigned char *)"12345678901234567890";
	char c[TOTP_DIGITS + 1];
	/* RFC 6238, appendix B (SHA-1), the last six of eight digits. */
	assert_int_equal(totp_code(key, 20, totp_step(59), c), 0);
	assert_string_equal(c, "287082");
	assert_int_equal(totp_code(key, 20, totp_step(1111111109), c), 0);
	assert_string_equal(c, "081804");
	int64_t step;
	assert_int_equal(totp_match(key, 20, 1111111109 + 30, "081 804", 0, &step), 0);
	assert_int_equal(step, totp_step(1111111109));
	assert_int_equal(totp_match(key, 20, 1111111109 + 60, "081804", 0, &step), TOTP_WRONG);
	assert_int_equal(totp_match(key, 20, 1111111109, "081804", step, &step), TOTP_WRONG);
	assert_int_equal(totp_match(key, 20, 1111111109, "08180", 0, &step), TOTP_WRONG);
	assert_int_equal(totp_match(key, 20, 1111111109, "0818041", 0, &step), TOTP_WRONG);
}

static void test_base32_uri_qr(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_int_equal(totp_base32((const unsigned char *)"12345678901234567890", 20, 0, &b), 0);
	assert_string_equal(buf_str(&b), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	assert_int_equal(totp_base32((const unsigned char *)"12345678901234567890", 20, 1, &b), 0);
	assert_string_equal(buf_str(&b), "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
	assert_int_equal(
	    totp_uri((const unsigned char *)"12345678901234567890", 20, "Signaal", "anna", &b), 0);
	assert_string_equal(buf_str(&b),
	                    "otpauth://totp/Signaal:anna?secret=GEZDGNBVGY3TQOJQGEZDGNBV"
	                    "GY3TQOJQ&issuer=Signaal&algorithm=SHA1&digits=6&period=30");
	struct buf svg = BUF_INIT;
	assert_int_equal(totp_qr_svg(buf_str(&b), "QR <code>", &svg), 0);
	assert_true(strncmp(buf_str(&svg), "<svg ", 5) == 0);
	assert_non_null(strstr(buf_str(&svg), "<title>QR &lt;code&gt;</title>"));
	assert_non_null(strstr(buf_str(&svg), "</svg>"));
	assert_null(strstr(buf_str(&svg), "GEZD"));
	buf_free(&b);
	buf_free(&svg);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_password_hash_verify),
	    cmocka_unit_test(test_password_quality),
	    cmocka_unit_test(test_secrets),
	    cmocka_unit_test(test_totp_rfc6238),
	    cmocka_unit_test(test_base32_uri_qr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
