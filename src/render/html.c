#include "render/html.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

/* ASCII bytes that end a run of plain text: the five HTML specials and
 * NUL. Bytes >= 0x80 end it too (UTF-8 that must be validated). A table
 * lookup per byte keeps the common case, plain text, a tight loop. */
static const unsigned char special[128] = {
    [0] = 1, ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1,
};

static inline bool plain(unsigned char c)
{
	return c < 0x80 && !special[c];
}

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Length of the well-formed UTF-8 sequence at p (at most n bytes), or 0 when
 * ill-formed; *bad then gets how many bytes one U+FFFD replaces: the
 * maximal subpart, as Unicode recommends, so a truncated sequence costs one
 * replacement character and never swallows the following ASCII. */
static size_t utf8_seq(const unsigned char *p, size_t n, size_t *bad)
{
	unsigned char c = p[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		*bad = 1;
		return 0;
	}
	size_t k = 1;
	for (; k < len && k < n; k++) {
		unsigned char b = p[k];
		if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80)
			break;
	}
	if (k == len)
		return len;
	*bad = k;
	return 0;
}

int html_escape(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int rc;
	while (i < n) {
		size_t start = i;
		while (i < n && plain(p[i]))
			i++;
		if (i > start && (rc = buf_append(out, p + start, i - start)))
			return rc;
		if (i >= n)
			break;
		const char *rep;
		size_t replen, adv = 1;
		switch (p[i]) {
		case 0:
			i++;
			continue;
		case '&':
			rep = "&amp;";
			replen = 5;
			break;
		case '<':
			rep = "&lt;";
			replen = 4;
			break;
		case '>':
			rep = "&gt;";
			replen = 4;
			break;
		case '"':
			rep = "&quot;";
			replen = 6;
			break;
		case '\'':
			rep = "&#39;";
			replen = 5;
			break;
		default: {
			size_t bad = 0;
			size_t len = utf8_seq(p + i, n - i, &bad);
			if (len) {
				rep = (const char *)p + i;
				replen = len;
				adv = len;
			} else {
				rep = replacement;
				replen = 3;
				adv = bad;
			}
		}
		}
		if ((rc = buf_append(out, rep, replen)))
			return rc;
		i += adv;
	}
	/* An empty input must still leave a valid (NUL-terminated) buffer. */
	return buf_append(out, "", 0);
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool html_url_allowed(const char *s, size_t n)
{
	static const char *const ok[] = {"http", "https", "mailto", "tel"};
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	/* The URL parser strips leading C0 controls and spaces. */
	while (i < n && p[i] <= 0x20)
		i++;
	char scheme[8];
	size_t len = 0;
	bool fits = true;
	for (; i < n; i++) {
		unsigned char c = p[i];
		/* ...and ignores tab and newlines anywhere: "java\tscript:". */
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '/' || c == '?' || c == '#')
			return true; /* path, query or fragment before any colon */
		if (c == ':')
			break;
		if (len < sizeof scheme)
			scheme[len] = (char)c;
		else
			fits = false;
		len++;
	}
	if (i >= n)
		return true; /* no colon: relative */
	if (!fits || len == 0 || !is_alpha((unsigned char)scheme[0]))
		return false;
	for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) {
		if (strlen(ok[k]) == len && strncasecmp(ok[k], scheme, len) == 0)
			return true;
	}
	return false;
}

int html_escape_url(struct buf *out, const char *s, size_t n)
{
	if (!html_url_allowed(s, n))
		return buf_append(out, "#", 1);
	return html_escape(out, s, n);
}
