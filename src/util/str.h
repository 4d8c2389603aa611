/* str: small, bounded string helpers for untrusted input.
 *
 * Never atoi/sscanf on input: numbers go through str_parse_u64/i64.
 * ctype calls always get an unsigned char. */
#ifndef SIGNAAL_UTIL_STR_H
#define SIGNAAL_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates,
 * nothing above U+10FFFF) and holds no NUL byte. */
bool str_utf8_valid(const char *s, size_t n);
/* True when s[0..n) is valid UTF-8 text without control characters other
 * than newline and tab (and carriage return when allow_cr). */
bool str_text_valid(const char *s, size_t n, bool multiline);
/* Characters (code points) in the valid UTF-8 s[0..n), with a CR LF line
 * break counting as one, as a person counts them. */
size_t str_chars(const char *s, size_t n);
/* Parses a whole decimal string into [min, max]. 0 ok, -EINVAL when not
 * a number or out of range. */
int str_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* True when s is 1..maxlen chars of [a-z0-9_-]. */
bool str_is_id(const char *s, size_t maxlen);
/* strcmp that treats NULL as "". */
bool str_eq(const char *a, const char *b);
/* True when s starts with prefix. */
bool str_starts(const char *s, const char *prefix);
/* True when s ends with suffix. */
bool str_ends(const char *s, const char *suffix);

#endif
