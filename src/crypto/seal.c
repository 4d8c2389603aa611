/* seal: XChaCha20-Poly1305 IETF with a random nonce per value; see seal.h
 * for the format. A random 192-bit nonce never repeats in practice, so one
 * key can seal every record without a counter to keep. */
#include "crypto/seal.h"

#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "crypto/keyfile.h"

#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define AD_BYTES    10u

_Static_assert(SEAL_OVERHEAD == 1 + NONCE_BYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES,
               "SEAL_OVERHEAD matches libsodium");
_Static_assert(sizeof(((struct seal_key *)0)->k) == crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
               "key size");

int seal_key_derive(const unsigned char master[32], struct seal_key *out)
{
	int rc = keyfile_derive(master, KEYFILE_CTX_SEAL, SEAL_KEY_ID, out->k, sizeof out->k);
	if (rc)
		sodium_memzero(out->k, sizeof out->k);
	return rc ? -EIO : 0;
}

void seal_key_wipe(struct seal_key *key)
{
	if (key)
		sodium_memzero(key->k, sizeof key->k);
}

/* The version travels in the AD too, so a future format cannot be fed to
 * this one's code path by flipping the first byte. */
static void make_ad(unsigned char ad[AD_BYTES], uint64_t id, enum seal_purpose purpose)
{
	ad[0] = SEAL_VERSION;
	for (int i = 0; i < 8; i++)
		ad[1 + i] = (unsigned char)(id >> (56 - 8 * i));
	ad[9] = (unsigned char)purpose;
}

int seal_encrypt(const struct seal_key *key, uint64_t id, enum seal_purpose purpose,
                 const void *plaintext, size_t len, struct buf *out)
{
	if (!key || !out || (len && !plaintext) || len > SEAL_MAX_PLAINTEXT)
		return -EINVAL;
	if (sodium_init() < 0)
		return -EIO;
	int rc = buf_reserve(out, len + SEAL_OVERHEAD);
	if (rc)
		return rc;
	unsigned char ad[AD_BYTES];
	make_ad(ad, id, purpose);
	unsigned char *p = (unsigned char *)out->data + out->len;
	p[0] = SEAL_VERSION;
	randombytes_buf(p + 1, NONCE_BYTES);
	unsigned long long clen = 0;
	crypto_aead_xchacha20poly1305_ietf_encrypt(p + 1 + NONCE_BYTES, &clen, plaintext, len, ad,
	                                           AD_BYTES, NULL, p + 1, key->k);
	out->len += 1 + NONCE_BYTES + (size_t)clen;
	out->data[out->len] = '\0';
	return 0;
}

int seal_decrypt(const struct seal_key *key, uint64_t id, enum seal_purpose purpose,
                 const void *sealed, size_t len, struct buf *out)
{
	const unsigned char *s = sealed;
	if (!key || !out)
		return -EINVAL;
	buf_reset(out);
	if (!s || len < SEAL_OVERHEAD || len - SEAL_OVERHEAD > SEAL_MAX_PLAINTEXT ||
	    s[0] != SEAL_VERSION)
		return SEAL_INVALID;
	if (sodium_init() < 0)
		return -EIO;
	size_t plen = len - SEAL_OVERHEAD;
	int rc = buf_reserve(out, plen + 1);
	if (rc)
		return rc;
	unsigned char ad[AD_BYTES];
	make_ad(ad, id, purpose);
	unsigned long long got = 0;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)out->data, &got, NULL,
	                                               s + 1 + NONCE_BYTES, len - 1 - NONCE_BYTES,
	                                               ad, AD_BYTES, s + 1, key->k) != 0) {
		/* libsodium writes nothing on failure; keep out empty anyway. */
		buf_reset(out);
		return SEAL_INVALID;
	}
	out->len = (size_t)got;
	out->data[out->len] = '\0';
	return 0;
}
