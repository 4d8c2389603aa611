/* Fuzzes the normalisation of a typed receipt (auth/receipt.c), which
 * both /volgen and POST /api/v1/follow apply to what a reporter types.
 *
 * Two checks per input:
 *  - the input as typed text is normalised exactly as receipt.h promises,
 *    compared with a plain implementation of that promise written here:
 *    at most RECEIPT_TYPED_MAX bytes, spaces and dashes dropped, case
 *    ignored, O read as 0 and I or L as 1, any other character refused,
 *    exactly RECEIPT_SYMBOLS symbols; what comes out is canonical, is its
 *    own normalisation and can be hashed;
 *  - a fresh receipt, retyped the ways people do (the input says how:
 *    other case, spaces and dashes added or left out, 0 as O, 1 as I or
 *    L), normalises back to itself, and to the same hash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/receipt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* The promise of receipt.h, written out plainly. */
static bool reference(const char *typed, char out[RECEIPT_TEXT_LEN + 1])
{
	char sym[RECEIPT_SYMBOLS];
	size_t n = 0;
	out[0] = '\0';
	if (strlen(typed) > RECEIPT_TYPED_MAX)
		return false;
	for (const char *p = typed; *p; p++) {
		char c = *p;
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == 'O')
			c = '0';
		if (c == 'I' || c == 'L')
			c = '1';
		if (!strchr(alphabet, c) || c == '\0' || n == RECEIPT_SYMBOLS)
			return false;
		sym[n++] = c;
	}
	if (n != RECEIPT_SYMBOLS)
		return false;
	size_t o = 0;
	for (size_t i = 0; i < RECEIPT_SYMBOLS; i++) {
		if (i && i % 4 == 0)
			out[o++] = '-';
		out[o++] = sym[i];
	}
	out[o] = '\0';
	return true;
}

static void check_typed(const struct receipt_key *key, const char *typed)
{
	char got[RECEIPT_TEXT_LEN + 1], want[RECEIPT_TEXT_LEN + 1];
	bool ok = receipt_normalise(typed, got);
	if (ok != reference(typed, want) || strcmp(got, want) != 0)
		abort();
	unsigned char h[RECEIPT_HASH_BYTES];
	if (!ok) {
		if (got[0] != '\0')
			abort();
		return;
	}
	char again[RECEIPT_TEXT_LEN + 1];
	if (!receipt_normalise(got, again) || strcmp(again, got) != 0 ||
	    receipt_hash(key, got, h) != 0)
		abort();
}

/* Retypes canonical as the bytes say, into out (at most RECEIPT_TYPED_MAX
 * bytes): each symbol may change case or look-alike, and be followed by
 * a space or dash; the grouping dashes may be left out. */
static void retype(const char *canonical, const uint8_t *how, size_t n, char *out)
{
	size_t o = 0, k = 0;
	for (const char *p = canonical; *p; p++) {
		uint8_t b = k < n ? how[k++] : 0;
		char c = *p;
		if (c == '-') {
			if (!(b & 1))
				out[o++] = '-';
			continue;
		}
		if ((b & 2) && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((b & 4) && c == '0')
			c = b & 8 ? 'o' : 'O';
		if ((b & 4) && c == '1')
			c = "IiLl"[(b >> 4) & 3];
		out[o++] = c;
		if (b & 64)
			out[o++] = b & 128 ? '-' : ' ';
	}
	out[o] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct receipt_key key;
	static bool have_key;
	if (!have_key) {
		unsigned char master[32] = {1, 2, 3};
		if (receipt_key_derive(master, &key) != 0)
			abort();
		have_key = true;
	}
	if (size > 4 * RECEIPT_TYPED_MAX)
		return -1;
	char typed[4 * RECEIPT_TYPED_MAX + 1];
	memcpy(typed, data, size);
	typed[size] = '\0'; /* a NUL byte ends the text, as in a C string from a form */
	check_typed(&key, typed);

	char fresh[RECEIPT_TEXT_LEN + 1], again[RECEIPT_TEXT_LEN + 1];
	char other[2 * RECEIPT_TEXT_LEN + 2];
	receipt_generate(fresh);
	check_typed(&key, fresh);
	retype(fresh, data, size, other);
	unsigned char h1[RECEIPT_HASH_BYTES], h2[RECEIPT_HASH_BYTES];
	if (!receipt_normalise(other, again) || strcmp(again, fresh) != 0 ||
	    receipt_hash(&key, fresh, h1) != 0 || receipt_hash(&key, again, h2) != 0 ||
	    !receipt_hash_equal(h1, h2))
		abort();
	return 0;
}
