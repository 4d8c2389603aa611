/* gzip: one-shot gzip compression (zlib) of data served many times. */
#ifndef SIGNAAL_UTIL_GZIP_H
#define SIGNAAL_UTIL_GZIP_H

#include <stdbool.h>
#include <stddef.h>

/* Compresses in[0..len) at the highest level. *out (caller frees) stays
 * NULL when compression saves too little to be worth a second variant.
 * Returns 0 or -ENOMEM. */
int gzip_bytes(const unsigned char *in, size_t len, unsigned char **out, size_t *outlen);
/* True when an Accept-Encoding header value (may be NULL) allows gzip;
 * "gzip;q=0" refuses it. */
bool gzip_accepted(const char *accept_encoding);

#endif
