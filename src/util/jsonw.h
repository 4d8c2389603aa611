/* jsonw: JSON text appended to a buf, byte for byte what jansson's
 * json_dumps(v, JSON_COMPACT) writes for the same values: no spaces,
 * object keys in their insertion order, strings escaped as jansson
 * escapes them (\" \\ \b \f \n \r \t, every other byte below 0x20 as
 * \u00XX with capital hex digits; "/", DEL and non-ASCII characters as
 * they are), and text that is not well-formed UTF-8 refused, as jansson
 * refuses to dump it. For answers written straight into a response body
 * without a tree of jansson values, and for dumping such a tree without
 * jansson's per-token callback and per-container loop check (every tree
 * Signaal builds is acyclic).
 *
 * Errors: 0, -ENOMEM (the buffer cannot grow, buf.h), -EINVAL (text that
 * is not UTF-8, or a value jansson could not dump). On an error the
 * buffer holds whatever was written before it: the caller discards it. */
#ifndef SIGNAAL_UTIL_JSONW_H
#define SIGNAAL_UTIL_JSONW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* s[0..n) as a JSON string, quotes included (a NUL byte is \u0000). */
int jsonw_str(struct buf *b, const char *s, size_t n);
/* The NUL-terminated s as a JSON string, or null when s is NULL. */
int jsonw_cstr(struct buf *b, const char *s);
/* "key": with the comma before it unless first (keys are constants of
 * the caller: written as they are, no escaping). */
int jsonw_key(struct buf *b, const char *key, int first);
/* v in decimal, as jansson writes a json_integer. */
int jsonw_int(struct buf *b, int64_t v);
/* true or false. */
int jsonw_bool(struct buf *b, int v);
/* The value v and everything in it (v must not contain itself). */
int jsonw_value(struct buf *b, const json_t *v);

#endif
