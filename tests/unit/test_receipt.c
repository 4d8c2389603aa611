/* Tests of auth/receipt: format, randomness, normalisation of what people
 * type, keyed hashing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "auth/receipt.h"
#include "domain/intake.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void test_generate_format(void **state)
{
	(void)state;
	for (int k = 0; k < 200; k++) {
		char r[RECEIPT_TEXT_LEN + 1];
		receipt_generate(r);
		assert_int_equal(strlen(r), 19);
		for (int i = 0; i < 19; i++) {
			if (i % 5 == 4)
				assert_int_equal(r[i], '-');
			else
				assert_non_null(strchr(crockford, r[i]));
		}
		char n[RECEIPT_TEXT_LEN + 1];
		assert_true(receipt_normalise(r, n));
		assert_string_equal(n, r);
	}
}

/* 80 bits: every symbol position takes many values, and 2000 receipts do
 * not repeat. */
static void test_generate_random(void **state)
{
	(void)state;
	enum {
		N = 2000
	};
	static char seen[N][RECEIPT_TEXT_LEN + 1];
	unsigned used[19][32] = {{0}};
	for (int k = 0; k < N; k++) {
		receipt_generate(seen[k]);
		for (int i = 0; i < 19; i++)
			if (i % 5 != 4)
				used[i][strchr(crockford, seen[k][i]) - crockford]++;
		for (int j = 0; j < k; j++)
			assert_string_not_equal(seen[j], seen[k]);
	}
	for (int i = 0; i < 19; i++) {
		if (i % 5 == 4)
			continue;
		int distinct = 0;
		for (int v = 0; v < 32; v++)
			distinct += used[i][v] > 0;
		assert_int_equal(distinct, 32);
	}
}

static void test_normalise_accepts(void **state)
{
	(void)state;
	static const char *const typed[] = {
	    "7KQ4-M2XD-9TPH-3WCV", "7kq4-m2xd-9tph-3wcv",    "7KQ4 M2XD 9TPH 3WCV",
	    "7KQ4M2XD9TPH3WCV",    " 7KQ4--M2XD-9TPH-3WCV ", "7kq4 - m2xd - 9tph - 3wcv",
	};
	for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++) {
		char out[RECEIPT_TEXT_LEN + 1];
		assert_true(receipt_normalise(typed[i], out));
		assert_string_equal(out, "7KQ4-M2XD-9TPH-3WCV");
	}
	char out[RECEIPT_TEXT_LEN + 1];
	assert_true(receipt_normalise("O0OO-IiLl-0000-1111", out));
	assert_string_equal(out, "0000-1111-0000-1111");
}

static void test_normalise_rejects(void **state)
{
	(void)state;
	static const char *const typed[] = {
	    "",
	    "7KQ4-M2XD-9TPH-3WC",   /* 15 symbols */
	    "7KQ4-M2XD-9TPH-3WCVV", /* 17 */
	    "7KQ4-M2XD-9TPH-3WCU",  /* U is not a symbol */
	    "7KQ4_M2XD_9TPH_3WCV",  /* underscore */
	    "7KQ4-M2XD-9TPH-3WC\xc3\xa9",
	    "7KQ4-M2XD-9TPH-3WC\t",
	    "7KQ4.M2XD.9TPH.3WCV",
	    "                                                                  7KQ4M2XD9TPH3WCV",
	};
	for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++) {
		char out[RECEIPT_TEXT_LEN + 1] = "x";
		assert_false(receipt_normalise(typed[i], out));
		assert_string_equal(out, "");
	}
	char out[RECEIPT_TEXT_LEN + 1];
	assert_false(receipt_normalise(NULL, out));
}

static const unsigned char master[32] = {9, 8, 7};

static void test_hash(void **state)
{
	(void)state;
	struct receipt_key k, k2;
	assert_int_equal(receipt_key_derive(master, &k), 0);
	unsigned char m2[32] = {9, 8, 6};
	assert_int_equal(receipt_key_derive(m2, &k2), 0);
	unsigned char a[RECEIPT_HASH_BYTES], b[RECEIPT_HASH_BYTES], c[RECEIPT_HASH_BYTES];
	assert_int_equal(receipt_hash(&k, "7KQ4-M2XD-9TPH-3WCV", a), 0);
	assert_int_equal(receipt_hash(&k, "7KQ4-M2XD-9TPH-3WCV", b), 0);
	assert_true(receipt_hash_equal(a, b));
	assert_int_equal(receipt_hash(&k, "7KQ4-M2XD-9TPH-3WCW", c), 0);
	assert_false(receipt_hash_equal(a, c));
	assert_int_equal(receipt_hash(&k2, "7KQ4-M2XD-9TPH-3WCV", c), 0);
	assert_false(receipt_hash_equal(a, c));
	/* Only canonical text is hashed: normalise first. */
	assert_int_equal(receipt_hash(&k, "7kq4-m2xd-9tph-3wcv", c), -EINVAL);
	assert_int_equal(receipt_hash(&k, "7KQ4M2XD9TPH3WCV", c), -EINVAL);
	assert_int_equal(receipt_hash(&k, "7KQ4-M2XD-9TPH-3WCU", c), -EINVAL);
	receipt_key_wipe(&k);
	static const unsigned char zero[32];
	assert_memory_equal(k.k, zero, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_generate_format),
	    cmocka_unit_test(test_generate_random),
	    cmocka_unit_test(test_normalise_accepts),
	    cmocka_unit_test(test_normalise_rejects),
	    cmocka_unit_test(test_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
