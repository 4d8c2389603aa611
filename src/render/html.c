#include "render/html.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"

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
			/* An ill-formed subpart becomes one U+FFFD. */
			uint32_t cp;
			int len = str_utf8_next((const char *)p + i, n - i, &cp);
			if (len > 0) {
				rep = (const char *)p + i;
				replen = (size_t)len;
				adv = (size_t)len;
			} else {
				rep = replacement;
				replen = 3;
				adv = (size_t)-len;
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
