/* receipt: the secret an anonymous reporter follows a report with.
 *
 * Owns: the receipt format (80 random bits as 16 Crockford base32 symbols,
 * shown grouped "XXXX-XXXX-XXXX-XXXX" for reading aloud; the alphabet has
 * no I, L, O or U), the normalisation of what people type, and the keyed
 * BLAKE2b hash that is all the database keeps. Without the key file a
 * copied database cannot test guesses offline.
 *
 * The text of a receipt is a secret: never log it, never store it. */
#ifndef SIGNAAL_AUTH_RECEIPT_H
#define SIGNAAL_AUTH_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>

/* Same value as in domain/intake.h, which callers of the intake use. */
#define RECEIPT_TEXT_LEN 19
/* Symbols of a receipt (5 bits each: 80 bits). */
#define RECEIPT_SYMBOLS 16u
/* Bytes of the keyed hash (the store's STORE_RECEIPT_HASH_BYTES). */
#define RECEIPT_HASH_BYTES 32u
/* Longest typed input considered (spaces and dashes included). */
#define RECEIPT_TYPED_MAX 64u

struct receipt_key {
	unsigned char k[32];
};

/* Derives the hashing key from the key file's master key. 0 or -EIO. */
int receipt_key_derive(const unsigned char master[32], struct receipt_key *out);
/* Wipes the key. Accepts NULL. */
void receipt_key_wipe(struct receipt_key *key);

/* A fresh receipt, canonical and grouped, from the system CSPRNG. */
void receipt_generate(char out[RECEIPT_TEXT_LEN + 1]);

/* Normalises a typed receipt into canonical "XXXX-XXXX-XXXX-XXXX": case is
 * ignored, spaces and dashes anywhere are dropped, O reads as 0 and I or L
 * as 1. false (out then "") for any other character, another count of
 * symbols, or more than RECEIPT_TYPED_MAX bytes. Also declared in
 * domain/intake.h. */
bool receipt_normalise(const char *typed, char out[RECEIPT_TEXT_LEN + 1]);

/* The keyed hash of a canonical receipt (as receipt_normalise writes it);
 * -EINVAL when it is not canonical. */
int receipt_hash(const struct receipt_key *key, const char *canonical,
                 unsigned char out[RECEIPT_HASH_BYTES]);

/* Constant-time comparison of two hashes. */
bool receipt_hash_equal(const unsigned char a[RECEIPT_HASH_BYTES],
                        const unsigned char b[RECEIPT_HASH_BYTES]);

#endif
