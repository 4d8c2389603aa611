/* keyfile: the master key of a Signaal installation, in a file outside the
 * database (DIR/signaal.key), and the subkeys derived from it.
 *
 * Owns: the file format ("signaal-key v1" line, then 64 hex digits), its
 * creation (exclusive, 0600, fsync'd) and the checks on loading. A stolen
 * database without this file reveals no sealed field and no receipt.
 *
 * Callers wipe every master key and subkey with sodium_memzero when done. */
#ifndef SIGNAAL_CRYPTO_KEYFILE_H
#define SIGNAAL_CRYPTO_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define KEYFILE_KEY_BYTES 32u

enum {
	KEYFILE_INSECURE = 1, /* readable or writable by group/others, or not a regular file */
	KEYFILE_FORMAT = 2,   /* not a key file of a version this program knows */
};

/* Derivation contexts: exactly 8 characters, one per purpose, so that the
 * subkeys of different purposes never coincide even for equal ids. */
#define KEYFILE_CTX_RECEIPT "sgl-rcpt"
#define KEYFILE_CTX_SEAL    "sgl-seal"
#define KEYFILE_CTX_SESSION "sgl-sess"
#define KEYFILE_CTX_CSRF    "sgl-csrf"
#define KEYFILE_CTX_CHECK   "sgl-kchk"
#define KEYFILE_CTX_AUDIT   "sgl-audt"
#define KEYFILE_CTX_DRAFT   "sgl-drft"

/* Bytes of a key check value, and of its hex text. */
#define KEYFILE_CHECK_BYTES 32u
#define KEYFILE_CHECK_HEX   (2u * KEYFILE_CHECK_BYTES)

/* Writes a new random key to path, which must not exist (-EEXIST; a
 * symbolic link there also gives -EEXIST). Created with mode 0600 and
 * fsync'd together with its directory. On failure no file is left. 0 or
 * negative errno. */
int keyfile_create(const char *path);
/* Reads the key at path into master. Refuses a file that group or others
 * may access (KEYFILE_INSECURE; err names the chmod that fixes it), a
 * symbolic link (-ELOOP) and anything but the v1 format (KEYFILE_FORMAT).
 * master is wiped on failure. */
int keyfile_load(const char *path, unsigned char master[KEYFILE_KEY_BYTES], struct buf *err);
/* Derives len bytes (16..64) for purpose ctx and number id from master.
 * 0 or -EINVAL. */
int keyfile_derive(const unsigned char master[KEYFILE_KEY_BYTES], const char ctx[8], uint64_t id,
                   unsigned char *out, size_t len);

/* The key check value of master, as lower-case hex: a keyed BLAKE2b of a
 * fixed label under the KEYFILE_CTX_CHECK subkey. A database keeps it to
 * tell its own key file from another installation's; it reveals nothing
 * of the key (a PRF output), and never the key itself. 0 or -EIO. */
int keyfile_check_value(const unsigned char master[KEYFILE_KEY_BYTES],
                        char out[KEYFILE_CHECK_HEX + 1]);

#endif
