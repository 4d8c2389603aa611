/* Tests of crypto/seal: sealed values open only with the same key, record
 * id and purpose, and any change to them is refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "crypto/keyfile.h"
#include "crypto/seal.h"

static const unsigned char master[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                         12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                         23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const char text[] = "Ik zag drie mensen in een busje, Kanaalstraat 12";

static void seal_text(struct seal_key *k, uint64_t id, struct buf *out)
{
	assert_int_equal(seal_key_derive(master, k), 0);
	assert_int_equal(seal_encrypt(k, id, SEAL_REPORT, text, strlen(text), out), 0);
	assert_int_equal(out->len, strlen(text) + SEAL_OVERHEAD);
}

static void test_round_trip(void **state)
{
	(void)state;
	struct seal_key k;
	struct buf s = BUF_INIT, p = BUF_INIT;
	seal_text(&k, 4242, &s);
	/* The plaintext does not appear in the sealed bytes. */
	assert_null(memmem(s.data, s.len, "busje", 5));
	assert_int_equal(seal_decrypt(&k, 4242, SEAL_REPORT, s.data, s.len, &p), 0);
	assert_int_equal(p.len, strlen(text));
	assert_string_equal(p.data, text);
	seal_key_wipe(&k);
	buf_free(&s);
	buf_free(&p);
}

static void test_empty_plaintext(void **state)
{
	(void)state;
	struct seal_key k;
	struct buf s = BUF_INIT, p = BUF_INIT;
	assert_int_equal(seal_key_derive(master, &k), 0);
	assert_int_equal(seal_encrypt(&k, 1, SEAL_MESSAGE, NULL, 0, &s), 0);
	assert_int_equal(s.len, SEAL_OVERHEAD);
	assert_int_equal(seal_decrypt(&k, 1, SEAL_MESSAGE, s.data, s.len, &p), 0);
	assert_int_equal(p.len, 0);
	buf_free(&s);
	buf_free(&p);
}

static void test_nonce_random(void **state)
{
	(void)state;
	struct seal_key k;
	struct buf a = BUF_INIT, b = BUF_INIT;
	seal_text(&k, 7, &a);
	seal_text(&k, 7, &b);
	assert_int_equal(a.len, b.len);
	assert_memory_not_equal(a.data, b.data, a.len);
	buf_free(&a);
	buf_free(&b);
}

static void test_every_tampered_byte_refused(void **state)
{
	(void)state;
	struct seal_key k;
	struct buf s = BUF_INIT, p = BUF_INIT;
	seal_text(&k, 99, &s);
	for (size_t i = 0; i < s.len; i++) {
		s.data[i] ^= 0x01;
		assert_int_equal(seal_decrypt(&k, 99, SEAL_REPORT, s.data, s.len, &p),
		                 SEAL_INVALID);
		assert_int_equal(p.len, 0);
		s.data[i] ^= 0x01;
	}
	assert_int_equal(seal_decrypt(&k, 99, SEAL_REPORT, s.data, s.len, &p), 0);
	buf_free(&s);
	buf_free(&p);
}

static void test_wrong_id_purpose_key(void **state)
{
	(void)state;
	struct seal_key k, other;
	struct buf s = BUF_INIT, p = BUF_INIT;
	seal_text(&k, 1000, &s);
	assert_int_equal(seal_decrypt(&k, 1001, SEAL_REPORT, s.data, s.len, &p), SEAL_INVALID);
	assert_int_equal(seal_decrypt(&k, 1000ull | (1ull << 56), SEAL_REPORT, s.data, s.len, &p),
	                 SEAL_INVALID);
	assert_int_equal(seal_decrypt(&k, 1000, SEAL_MESSAGE, s.data, s.len, &p), SEAL_INVALID);
	unsigned char m2[32];
	memcpy(m2, master, 32);
	m2[31] ^= 1;
	assert_int_equal(seal_key_derive(m2, &other), 0);
	assert_int_equal(seal_decrypt(&other, 1000, SEAL_REPORT, s.data, s.len, &p), SEAL_INVALID);
	buf_free(&s);
	buf_free(&p);
}

static void test_truncated_and_version(void **state)
{
	(void)state;
	struct seal_key k;
	struct buf s = BUF_INIT, p = BUF_INIT;
	seal_text(&k, 5, &s);
	for (size_t n = 0; n < s.len; n++)
		assert_int_equal(seal_decrypt(&k, 5, SEAL_REPORT, s.data, n, &p), SEAL_INVALID);
	assert_int_equal(seal_decrypt(&k, 5, SEAL_REPORT, NULL, 0, &p), SEAL_INVALID);
	s.data[0] = 2; /* a version this code does not know */
	assert_int_equal(seal_decrypt(&k, 5, SEAL_REPORT, s.data, s.len, &p), SEAL_INVALID);
	buf_free(&s);
	buf_free(&p);
}

static void test_appends_and_limits(void **state)
{
	(void)state;
	struct seal_key k;
	struct buf s = BUF_INIT;
	assert_int_equal(seal_key_derive(master, &k), 0);
	assert_int_equal(buf_puts(&s, "xy"), 0);
	assert_int_equal(seal_encrypt(&k, 5, SEAL_REPORT, "abc", 3, &s), 0);
	assert_int_equal(s.len, 2 + 3 + SEAL_OVERHEAD);
	assert_memory_equal(s.data, "xy", 2);
	assert_int_equal(seal_encrypt(&k, 5, SEAL_REPORT, "a", SEAL_MAX_PLAINTEXT + 1, &s),
	                 -EINVAL);
	assert_int_equal(s.len, 2 + 3 + SEAL_OVERHEAD);
	seal_key_wipe(&k);
	static const unsigned char zero[32];
	assert_memory_equal(k.k, zero, 32);
	seal_key_wipe(NULL);
	buf_free(&s);
}

/* Keys of different purposes differ even from one master key. */
static void test_key_separate_from_receipts(void **state)
{
	(void)state;
	struct seal_key k;
	unsigned char r[32];
	assert_int_equal(seal_key_derive(master, &k), 0);
	assert_int_equal(keyfile_derive(master, KEYFILE_CTX_RECEIPT, SEAL_KEY_ID, r, 32), 0);
	assert_memory_not_equal(k.k, r, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_empty_plaintext),
	    cmocka_unit_test(test_nonce_random),
	    cmocka_unit_test(test_every_tampered_byte_refused),
	    cmocka_unit_test(test_wrong_id_purpose_key),
	    cmocka_unit_test(test_truncated_and_version),
	    cmocka_unit_test(test_appends_and_limits),
	    cmocka_unit_test(test_key_separate_from_receipts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
