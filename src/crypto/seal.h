/* seal: encryption at rest of a record's personal fields.
 *
 * Owns: the sealed format and its keys. A sealed value is
 *     version (1 byte, SEAL_VERSION) | nonce (24) | XChaCha20-Poly1305
 *     IETF ciphertext with its 16-byte tag
 * The associated data is the version byte, the record id (8 bytes big-
 * endian) and a purpose tag (1 byte), so a sealed blob copied to another
 * row, or from a report into a message, no longer opens.
 *
 * The key is derived from the master key of the key file
 * (keyfile_derive(master, KEYFILE_CTX_SEAL, SEAL_KEY_ID, ...)); callers
 * keep a struct seal_key and wipe it with seal_key_wipe(). Works on bytes,
 * not rows. */
#ifndef SIGNAAL_CRYPTO_SEAL_H
#define SIGNAAL_CRYPTO_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define SEAL_VERSION 1u
/* Bytes a sealed value adds to its plaintext. */
#define SEAL_OVERHEAD (1u + 24u + 16u)
/* Number of the subkey of KEYFILE_CTX_SEAL in use; a key rotation would
 * add a version with the next number. */
#define SEAL_KEY_ID 1u

enum {
	SEAL_INVALID = 1, /* not a sealed value, or it does not open with this key and id */
};

/* What a sealed value is for: part of the associated data. */
enum seal_purpose {
	SEAL_REPORT = 1,        /* the personal fields of a report */
	SEAL_MESSAGE = 2,       /* one message of a report's conversation */
	SEAL_TOTP = 3,          /* a staff user's TOTP secret (id: the user's) */
	SEAL_DRAFT = 4,         /* the fields of a draft of the report form */
	SEAL_DRAFT_RECEIPT = 5, /* the receipt of the report a draft became */
};

struct seal_key {
	unsigned char k[32];
};

/* Derives the sealing key from the key file's master key. 0 or -EIO. */
int seal_key_derive(const unsigned char master[32], struct seal_key *out);
/* Wipes the key. Accepts NULL. */
void seal_key_wipe(struct seal_key *key);

/* Appends the sealed form of plaintext[0..len) for record id and purpose
 * to out (out is not reset). 0, -EINVAL (len over SEAL_MAX_PLAINTEXT) or
 * -ENOMEM (out unchanged then). */
int seal_encrypt(const struct seal_key *key, uint64_t id, enum seal_purpose purpose,
                 const void *plaintext, size_t len, struct buf *out);
/* Replaces out's content with the plaintext of sealed[0..len) (out->data
 * is NUL-terminated after it). SEAL_INVALID when it is truncated, tampered
 * with, of another version, or sealed under another key, id or purpose
 * (out is empty then); -ENOMEM. The caller wipes out when done
 * (sodium_memzero(out->data, out->len)) because it holds personal data. */
int seal_decrypt(const struct seal_key *key, uint64_t id, enum seal_purpose purpose,
                 const void *sealed, size_t len, struct buf *out);

/* Largest plaintext sealed (well above any report: limits.h). */
#define SEAL_MAX_PLAINTEXT (1024u * 1024u)

#endif
