/* str: small, bounded string helpers for untrusted input.
 *
 * Never atoi/sscanf on input: numbers go through str_parse_u64/i64.
 * ctype calls always get an unsigned char. */
#ifndef SIGNAAL_UTIL_STR_H
#define SIGNAAL_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The UTF-8 decoder of Signaal, incremental: a stream read a byte at a
 * time (the CSV reader) feeds it each byte; str_utf8_next() below is
 * built on it, and every module decodes through one of the two.
 * A zeroed struct utf8_dec is the start state. str_utf8_feed() returns
 * UTF8_CHAR when b completes a character (d->cp holds it), UTF8_MORE when
 * the character needs more bytes, UTF8_BAD when b cannot stand here (an
 * overlong form, a surrogate, above U+10FFFF, a continuation byte without
 * a lead, a lead byte that is never valid, or a sequence broken off by
 * b); the state is then the start state again, and the caller decides
 * whether b starts something new. */
struct utf8_dec {
	uint32_t cp;
	unsigned need;        /* continuation bytes still expected */
	unsigned char lo, hi; /* the range of the next one */
};
enum {
	UTF8_BAD = -1,
	UTF8_MORE = 0,
	UTF8_CHAR = 1
};
int str_utf8_feed(struct utf8_dec *d, unsigned char b);
/* The character at the start of a buffer, through the same decoder. Decodes the
 * character at s[0..n), n > 0: returns its length in bytes (1..4) and
 * sets *cp (a NUL byte is U+0000). When the bytes there are not
 * well-formed UTF-8 (an overlong form, a surrogate, above U+10FFFF, a
 * sequence cut short, a stray continuation byte) it returns minus the
 * length (1..3) of the maximal ill-formed subpart, the bytes that one
 * U+FFFD stands for (Unicode, chapter 3.9, "U+FFFD Substitution of
 * Maximal Subparts"): a sequence cut short costs one replacement and
 * never swallows the byte after it. *cp is then U+FFFD. */
int str_utf8_next(const char *s, size_t n, uint32_t *cp);
/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates,
 * nothing above U+10FFFF) and holds no NUL byte. */
bool str_utf8_valid(const char *s, size_t n);
/* For text that must be shown or put in JSON whatever was sent: when
 * s[0..n) is not well-formed UTF-8, *out gets a copy (caller frees,
 * NUL-terminated, *outlen bytes) in which each ill-formed subpart is one
 * U+FFFD, what a browser shows for it too; when it is well-formed, *out
 * is NULL and nothing is copied. 0 or -ENOMEM. */
int str_utf8_repair(const char *s, size_t n, char **out, size_t *outlen);
/* True for the invisible formatting characters that can reverse or hide
 * text: the bidirectional embeddings and overrides U+202A..U+202E (the
 * right-to-left override among them), the isolates U+2066..U+2069, and
 * U+FEFF (a byte order mark; as a zero-width no-break space it is
 * deprecated in favour of U+2060). */
bool str_cp_hidden_format(uint32_t cp);
/* Removes every str_cp_hidden_format() character from s[0..n) in place
 * and returns the new length; s[new length] becomes NUL, so s must hold
 * n + 1 bytes. Ill-formed bytes are kept as they are (for a text check
 * to refuse). */
size_t str_strip_hidden_format(char *s, size_t n);
/* True when s[0..n) is text a person can read: well-formed UTF-8 without
 * control characters (C0, DEL, C1) other than tab and, when multiline,
 * line feed and a carriage return directly before one (a lone CR is
 * refused), without U+FFFD (it stands for bytes that were not UTF-8, so
 * the text is damaged) and without str_cp_hidden_format() characters. */
bool str_text_valid(const char *s, size_t n, bool multiline);
/* The longest prefix of s[0..n) of at most max bytes that does not cut a
 * UTF-8 sequence in two (for cutting text to fit a buffer). */
size_t str_utf8_prefix(const char *s, size_t n, size_t max);
/* Characters (code points) in the valid UTF-8 s[0..n), with a CR LF line
 * break counting as one, as a person counts them. */
size_t str_chars(const char *s, size_t n);
/* Bytes str_i64 writes at most, with its NUL (INT64_MIN: a sign, 19
 * digits). */
#define STR_I64_BUF 21
/* v in decimal into out, as printf's %" PRId64 " writes it, NUL-ended;
 * returns its length. Written out rather than snprintf for the hot paths
 * (every integer parameter of a statement, every id of an answer), where
 * snprintf's setup cost more than the digits. */
size_t str_i64(int64_t v, char out[STR_I64_BUF]);
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
