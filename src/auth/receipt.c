/* receipt: generation, normalisation and keyed hashing of receipts. */
#include "auth/receipt.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/keyfile.h"

/* Crockford's base32: digits and letters without I, L, O and U, which
 * are misread or (U) make accidental words. */
static const char alphabet[33] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Subkey number of KEYFILE_CTX_RECEIPT in use. */
#define RECEIPT_KEY_ID 1u

int receipt_key_derive(const unsigned char master[32], struct receipt_key *out)
{
	int rc = keyfile_derive(master, KEYFILE_CTX_RECEIPT, RECEIPT_KEY_ID, out->k, sizeof out->k);
	if (rc)
		sodium_memzero(out->k, sizeof out->k);
	return rc ? -EIO : 0;
}

void receipt_key_wipe(struct receipt_key *key)
{
	if (key)
		sodium_memzero(key->k, sizeof key->k);
}

/* Symbols 0..15 to "XXXX-XXXX-XXXX-XXXX". */
static void group(const char sym[RECEIPT_SYMBOLS], char out[RECEIPT_TEXT_LEN + 1])
{
	size_t o = 0;
	for (size_t i = 0; i < RECEIPT_SYMBOLS; i++) {
		if (i && i % 4 == 0)
			out[o++] = '-';
		out[o++] = sym[i];
	}
	out[o] = '\0';
}

void receipt_generate(char out[RECEIPT_TEXT_LEN + 1])
{
	unsigned char raw[10]; /* 80 bits */
	char sym[RECEIPT_SYMBOLS];
	/* Without a working CSPRNG no receipt may be made at all. */
	if (sodium_init() < 0)
		abort();
	randombytes_buf(raw, sizeof raw);
	/* Every 5 bytes hold exactly 8 symbols of 5 bits. */
	for (size_t half = 0; half < 2; half++) {
		uint64_t v = 0;
		for (size_t i = 0; i < 5; i++)
			v = (v << 8) | raw[half * 5 + i];
		for (size_t i = 0; i < 8; i++)
			sym[half * 8 + i] = alphabet[(v >> (35 - 5 * i)) & 31u];
	}
	group(sym, out);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(sym, sizeof sym);
}

static int symbol_value(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		c = (unsigned char)(c - 'a' + 'A');
	if (c == 'O')
		c = '0';
	else if (c == 'I' || c == 'L')
		c = '1';
	for (int i = 0; i < 32; i++)
		if (alphabet[i] == (char)c)
			return i;
	return -1;
}

bool receipt_normalise(const char *typed, char out[RECEIPT_TEXT_LEN + 1])
{
	char sym[RECEIPT_SYMBOLS];
	size_t n = 0;
	out[0] = '\0';
	if (!typed || strnlen(typed, RECEIPT_TYPED_MAX + 1) > RECEIPT_TYPED_MAX)
		return false;
	for (const unsigned char *p = (const unsigned char *)typed; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		int v = symbol_value(*p);
		if (v < 0 || n == RECEIPT_SYMBOLS)
			return false;
		sym[n++] = alphabet[v];
	}
	if (n != RECEIPT_SYMBOLS)
		return false;
	group(sym, out);
	return true;
}

/* True for exactly what group() writes from alphabet symbols. */
static bool canonical(const char *s)
{
	if (!s || strlen(s) != RECEIPT_TEXT_LEN)
		return false;
	for (size_t i = 0; i < RECEIPT_TEXT_LEN; i++) {
		if (i % 5 == 4) {
			if (s[i] != '-')
				return false;
		} else if (!s[i] || !memchr(alphabet, s[i], 32)) {
			return false;
		}
	}
	return true;
}

int receipt_hash(const struct receipt_key *key, const char *receipt,
                 unsigned char out[RECEIPT_HASH_BYTES])
{
	if (!key || !canonical(receipt))
		return -EINVAL;
	if (sodium_init() < 0)
		return -EIO;
	/* Hash the 16 symbols without dashes: the grouping is presentation. */
	char sym[RECEIPT_SYMBOLS];
	size_t n = 0;
	for (size_t i = 0; i < RECEIPT_TEXT_LEN; i++)
		if (receipt[i] != '-')
			sym[n++] = receipt[i];
	int rc = crypto_generichash(out, RECEIPT_HASH_BYTES, (const unsigned char *)sym, n, key->k,
	                            sizeof key->k);
	sodium_memzero(sym, sizeof sym);
	return rc ? -EIO : 0;
}

bool receipt_hash_equal(const unsigned char a[RECEIPT_HASH_BYTES],
                        const unsigned char b[RECEIPT_HASH_BYTES])
{
	return sodium_memcmp(a, b, RECEIPT_HASH_BYTES) == 0;
}
