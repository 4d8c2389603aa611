/* jsonw: see jsonw.h. */
#include "util/jsonw.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "util/str.h"

/* The bytes that end a run copied as it is: the quote, the backslash,
 * the C0 controls, and every byte of a non-ASCII character (checked to
 * be UTF-8 on its own). A table: the scan is most of a string's cost. */
/* clang-format off */
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
static const unsigned char stops[256] = {
	R16(1), R16(1),                                 /* 0x00..0x1F */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20..0x2F: '"' */
	R16(0), R16(0),                                 /* 0x30..0x4F */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x50..0x5F: '\\' */
	R16(0), R16(0),                                 /* 0x60..0x7F */
	R16(1), R16(1), R16(1), R16(1),                 /* 0x80..0xBF */
	R16(1), R16(1), R16(1), R16(1),                 /* 0xC0..0xFF */
};
#undef R16
/* clang-format on */

static bool plain(unsigned char c)
{
	return !stops[c];
}

/* Whether any of the 8 bytes of w is a stop: below 0x20, '"', '\\', or
 * from 0x80 on ("Bit Twiddling Hacks", hasless and haszero: exact for
 * whether there is one, not for where). */
static bool any_stop(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');
	return ((w - ones * 0x20) & ~w & highs) | ((q - ones) & ~q & highs) |
	       ((bs - ones) & ~bs & highs) | (w & highs);
}

/* The end of the run of plain bytes of p[j..n): eight at a time while
 * none of them stops it. */
static size_t plain_run(const unsigned char *p, size_t j, size_t n)
{
	uint64_t w;
	while (n - j >= 8) {
		memcpy(&w, p + j, 8);
		if (any_stop(w))
			break;
		j += 8;
	}
	while (j < n && plain(p[j]))
		j++;
	return j;
}

/* Room for n more bytes (and the NUL), without a call when there is. */
static int room(struct buf *b, size_t n)
{
	return b->cap > b->len && b->cap - b->len > n ? 0 : buf_reserve(b, n);
}

/* Appended without a check: room for n more bytes was reserved. */
static void put(struct buf *b, const char *p, size_t n)
{
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* One byte, without a call into buf.c when there is room. */
static int put1(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		return buf_append(b, &c, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
	return 0;
}

/* The escape of c (a quote, a backslash or a C0 control) at o: returns
 * the end of it (2 or 6 bytes). */
static char *escape(char *o, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	*o++ = '\\';
	switch (c) {
	case '"':
		*o++ = '"';
		break;
	case '\\':
		*o++ = '\\';
		break;
	case '\b':
		*o++ = 'b';
		break;
	case '\f':
		*o++ = 'f';
		break;
	case '\n':
		*o++ = 'n';
		break;
	case '\r':
		*o++ = 'r';
		break;
	case '\t':
		*o++ = 't';
		break;
	default:
		*o++ = 'u';
		*o++ = '0';
		*o++ = '0';
		*o++ = hex[c >> 4];
		*o++ = hex[c & 15];
	}
	return o;
}

int jsonw_str(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	/* Room for the text as it is and its quotes; an escape reserves
	 * the few bytes more it takes. */
	if (n > BUF_MAX || room(b, n + 2))
		return -ENOMEM;
	char *o = b->data + b->len;
	*o++ = '"';
	size_t i = 0;
	for (;;) {
		size_t j = i;
		for (;;) {
			j = plain_run(p, j, n);
			if (j == n || p[j] < 0x80)
				break;
			uint32_t cp;
			int len = str_utf8_next(s + j, n - j, &cp);
			if (len < 0) {
				*o = '\0';
				b->len = (size_t)(o - b->data);
				return -EINVAL;
			}
			j += (size_t)len;
		}
		memcpy(o, s + i, j - i);
		o += j - i;
		if (j == n)
			break;
		/* Six bytes for this one, then the rest and the quote. */
		*o = '\0';
		b->len = (size_t)(o - b->data);
		if (buf_reserve(b, 6 + (n - j - 1) + 1))
			return -ENOMEM;
		o = escape(b->data + b->len, p[j]);
		i = j + 1;
	}
	*o++ = '"';
	*o = '\0';
	b->len = (size_t)(o - b->data);
	return 0;
}

int jsonw_cstr(struct buf *b, const char *s)
{
	return s ? jsonw_str(b, s, strlen(s)) : buf_append(b, "null", 4);
}

int jsonw_key(struct buf *b, const char *key, int first)
{
	size_t n = strlen(key);
	if (n > BUF_MAX || room(b, n + 4))
		return -ENOMEM;
	if (!first)
		put(b, ",", 1);
	put(b, "\"", 1);
	put(b, key, n);
	put(b, "\":", 2);
	return 0;
}

int jsonw_int(struct buf *b, int64_t v)
{
	char d[STR_I64_BUF];
	return buf_append(b, d, str_i64(v, d));
}

int jsonw_bool(struct buf *b, int v)
{
	return v ? buf_append(b, "true", 4) : buf_append(b, "false", 5);
}

int jsonw_value(struct buf *b, const json_t *v)
{
	int rc;
	if (!v)
		return -EINVAL;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		if (put1(b, '{'))
			return -ENOMEM;
		bool first = true;
		for (void *it = json_object_iter((json_t *)v); it;
		     it = json_object_iter_next((json_t *)v, it)) {
			if (!first && put1(b, ','))
				return -ENOMEM;
			first = false;
			if ((rc = jsonw_str(b, json_object_iter_key(it),
			                    json_object_iter_key_len(it))))
				return rc;
			if (put1(b, ':'))
				return -ENOMEM;
			if ((rc = jsonw_value(b, json_object_iter_value(it))))
				return rc;
		}
		return put1(b, '}');
	}
	case JSON_ARRAY: {
		if (put1(b, '['))
			return -ENOMEM;
		size_t n = json_array_size(v);
		for (size_t i = 0; i < n; i++) {
			if (i && put1(b, ','))
				return -ENOMEM;
			if ((rc = jsonw_value(b, json_array_get(v, i))))
				return rc;
		}
		return put1(b, ']');
	}
	case JSON_STRING:
		return jsonw_str(b, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return jsonw_int(b, (int64_t)json_integer_value(v));
	case JSON_TRUE:
		return buf_append(b, "true", 4);
	case JSON_FALSE:
		return buf_append(b, "false", 5);
	case JSON_NULL:
		return buf_append(b, "null", 4);
	case JSON_REAL: {
		/* Rare (no answer holds one now): jansson's own digits. */
		char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!t)
			return -EINVAL;
		rc = buf_puts(b, t);
		free(t);
		return rc;
	}
	}
	return -EINVAL;
}
