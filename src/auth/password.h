/* password: staff passwords. argon2id through libsodium
 * (crypto_pwhash_str, PASSWORD_OPSLIMIT and PASSWORD_MEMLIMIT of
 * limits.h), verification that says when a hash was made with other
 * parameters (to be made again), a verification against a dummy hash
 * that takes the same time (an unknown login answers like a wrong
 * password), and the quality check: at least PASSWORD_MIN_CHARS
 * characters and libpwquality with its cracklib dictionary, refused with
 * a reason in Dutch (a msgid, translated by the caller). */
#ifndef SIGNAAL_AUTH_PASSWORD_H
#define SIGNAAL_AUTH_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes of a hash string with its NUL (crypto_pwhash_STRBYTES). */
#define PASSWORD_HASH_BYTES 128u

/* Hashes pw into out. 0, -EINVAL (too long), -ENOMEM (argon2id's memory). */
int password_hash(const char *pw, char out[PASSWORD_HASH_BYTES]);
/* True when pw matches hash (constant time inside libsodium); *rehash
 * (may be NULL) is set when the hash's parameters are not today's. */
bool password_verify(const char *hash, const char *pw, bool *rehash);
/* Spends the time of one password_verify() against a hash of today's
 * parameters that nothing matches. */
void password_verify_dummy(const char *pw);
/* 0 when pw is good enough for login; else 1 and *why the Dutch msgid of
 * the reason. login (may be NULL) is checked against too. */
int password_quality(const char *pw, const char *login, const char **why);
/* A random password of 100 bits, "xxxxx-xxxxx-xxxxx-xxxxx" (a one-time
 * password for a new account). */
#define PASSWORD_RANDOM_LEN 23u
void password_random(char out[PASSWORD_RANDOM_LEN + 1]);

#endif
