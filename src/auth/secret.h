/* secret: the random bearer secrets of staff access (session ids, API
 * tokens, recovery codes) and their keyed hashes, which is all the store
 * keeps of them: a stolen database without the key file can neither use
 * nor test them.
 *
 * Owns the formats: a session id and an API token are 32 random bytes as
 * 64 lower-case hex digits; a recovery code is 50 random bits as ten
 * characters of an unambiguous alphabet, "XXXXX-XXXXX" (read back case-
 * and dash-insensitively). */
#ifndef SIGNAAL_AUTH_SECRET_H
#define SIGNAAL_AUTH_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define SECRET_KEY_BYTES  32u
#define SECRET_HASH_BYTES 32u
#define SECRET_HEX_LEN    64u
#define RECOVERY_CODE_LEN 11u

/* What a hash is for: part of the hashed input, so that a session id's
 * hash is never a token's. */
enum secret_kind {
	SECRET_SESSION = 1,
	SECRET_TOKEN = 2,
	SECRET_RECOVERY = 3,
	SECRET_CSRF = 4, /* a staff form's token, from its session's hash */
};

/* A new session id or token (CSPRNG). */
void secret_new_hex(char out[SECRET_HEX_LEN + 1]);
/* True when s has that form (64 lower-case hex digits). */
bool secret_hex_valid(const char *s);
/* A new recovery code, "XXXXX-XXXXX". */
void secret_new_recovery(char out[RECOVERY_CODE_LEN + 1]);
/* The canonical form of a typed recovery code (upper case, no dashes or
 * spaces) into out (11 bytes): false when it cannot be one. */
bool secret_recovery_normal(const char *in, char out[RECOVERY_CODE_LEN]);
/* Keyed BLAKE2b of text for kind. 0 or -EIO. */
int secret_hash(const unsigned char key[SECRET_KEY_BYTES], enum secret_kind kind, const char *text,
                unsigned char out[SECRET_HASH_BYTES]);

#endif
