#include "util/str.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int str_utf8_feed(struct utf8_dec *d, unsigned char b)
{
	if (d->need == 0) {
		d->lo = 0x80;
		d->hi = 0xBF;
		if (b < 0x80) {
			d->cp = b;
			return UTF8_CHAR;
		}
		if (b >= 0xC2 && b <= 0xDF) {
			d->need = 1;
			d->cp = b & 0x1F;
		} else if (b >= 0xE0 && b <= 0xEF) {
			d->need = 2;
			d->cp = b & 0x0F;
			if (b == 0xE0)
				d->lo = 0xA0; /* overlong */
			else if (b == 0xED)
				d->hi = 0x9F; /* surrogates */
		} else if (b >= 0xF0 && b <= 0xF4) {
			d->need = 3;
			d->cp = b & 0x07;
			if (b == 0xF0)
				d->lo = 0x90; /* overlong */
			else if (b == 0xF4)
				d->hi = 0x8F; /* above U+10FFFF */
		} else {
			d->cp = 0xFFFD; /* a continuation byte, C0, C1 or F5..FF */
			return UTF8_BAD;
		}
		return UTF8_MORE;
	}
	if (b < d->lo || b > d->hi) {
		d->need = 0;
		d->cp = 0xFFFD;
		return UTF8_BAD;
	}
	d->cp = (d->cp << 6) | (b & 0x3F);
	d->lo = 0x80;
	d->hi = 0xBF;
	return --d->need ? UTF8_MORE : UTF8_CHAR;
}

int str_utf8_next(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	/* ASCII, most of any text, without the decoder (str_utf8_feed()
	 * answers the same for it): every text check walks its input here. */
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	struct utf8_dec d = {0};
	int r = str_utf8_feed(&d, p[0]);
	size_t k = 1;
	*cp = 0xFFFD;
	if (r == UTF8_BAD)
		return -1;
	while (r == UTF8_MORE) {
		/* A sequence cut short or broken off: the bytes before the
		 * one that ended it are the maximal ill-formed subpart. */
		if (k == n || (r = str_utf8_feed(&d, p[k])) == UTF8_BAD)
			return -(int)k;
		k++;
	}
	*cp = d.cp;
	return (int)k;
}

size_t str_utf8_prefix(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	/* Back up to the lead byte of the sequence that s[max] belongs to. */
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

bool str_utf8_valid(const char *s, size_t n)
{
	uint32_t cp;
	for (size_t i = 0; i < n;) {
		if ((unsigned char)s[i] - 1u < 0x7Fu) { /* ASCII but NUL */
			i++;
			continue;
		}
		int len = str_utf8_next(s + i, n - i, &cp);
		if (len < 0 || cp == 0)
			return false;
		i += (size_t)len;
	}
	return true;
}

int str_utf8_repair(const char *s, size_t n, char **out, size_t *outlen)
{
	static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
	size_t bad = 0, i;
	uint32_t cp;
	int len;
	*out = NULL;
	*outlen = 0;
	for (i = 0; i < n; i += (size_t)(len < 0 ? -len : len)) {
		if ((unsigned char)s[i] < 0x80) {
			len = 1;
			continue;
		}
		len = str_utf8_next(s + i, n - i, &cp);
		bad += len < 0;
	}
	if (!bad)
		return 0;
	/* Each subpart of 1..3 bytes becomes 3 bytes: at most n + 2 * bad. */
	char *r = malloc(n + 2 * bad + 1);
	if (!r)
		return -ENOMEM;
	size_t o = 0;
	for (i = 0; i < n;) {
		len = str_utf8_next(s + i, n - i, &cp);
		if (len < 0) {
			memcpy(r + o, replacement, 3);
			o += 3;
			i += (size_t)-len;
		} else {
			memcpy(r + o, s + i, (size_t)len);
			o += (size_t)len;
			i += (size_t)len;
		}
	}
	r[o] = '\0';
	*out = r;
	*outlen = o;
	return 0;
}

bool str_cp_hidden_format(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

size_t str_strip_hidden_format(char *s, size_t n)
{
	size_t o = 0;
	uint32_t cp;
	for (size_t i = 0; i < n;) {
		if ((unsigned char)s[i] < 0x80) { /* no hidden format is ASCII */
			s[o++] = s[i++];
			continue;
		}
		int len = str_utf8_next(s + i, n - i, &cp);
		size_t step = (size_t)(len < 0 ? -len : len);
		if (len < 0 || !str_cp_hidden_format(cp)) {
			memmove(s + o, s + i, step);
			o += step;
		}
		i += step;
	}
	s[o] = '\0';
	return o;
}

size_t str_chars(const char *s, size_t n)
{
	size_t chars = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xC0) == 0x80)
			continue; /* a continuation byte */
		if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue;
		chars++;
	}
	return chars;
}

bool str_text_valid(const char *s, size_t n, bool multiline)
{
	uint32_t cp;
	for (size_t i = 0; i < n;) {
		/* Printable ASCII is always valid: no decoding. */
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7F) {
			i++;
			continue;
		}
		int len = str_utf8_next(s + i, n - i, &cp);
		if (len < 0)
			return false;
		i += (size_t)len;
		if (cp == '\t' || (multiline && cp == '\n'))
			continue;
		/* A line break is CR LF or LF; a lone CR is no line break a
		 * browser sends (it sends CR LF), and some programs take it
		 * for one while others show the text after it over the text
		 * before it. */
		if (multiline && cp == '\r' && i < n && s[i] == '\n')
			continue;
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFD ||
		    str_cp_hidden_format(cp))
			return false;
	}
	return true;
}

size_t str_i64(int64_t v, char out[STR_I64_BUF])
{
	char d[STR_I64_BUF - 1];
	size_t k = sizeof d;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		d[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		d[--k] = '-';
	size_t n = sizeof d - k;
	memcpy(out, d + k, n);
	out[n] = '\0';
	return n;
}

int str_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	if (!s || !*s)
		return -EINVAL;
	uint64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

bool str_is_id(const char *s, size_t maxlen)
{
	if (!s)
		return false;
	size_t n = strlen(s);
	if (n == 0 || n > maxlen)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

bool str_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

bool str_starts(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends(const char *s, const char *suffix)
{
	if (!s)
		return false;
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}
