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
 * be UTF-8 on its own). */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* Appended without a check: room for n more bytes was reserved. */
static void put(struct buf *b, const char *p, size_t n)
{
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static int escape(struct buf *b, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[6] = {'\\', 0};
	size_t n = 2;
	switch (c) {
	case '"':
		e[1] = '"';
		break;
	case '\\':
		e[1] = '\\';
		break;
	case '\b':
		e[1] = 'b';
		break;
	case '\f':
		e[1] = 'f';
		break;
	case '\n':
		e[1] = 'n';
		break;
	case '\r':
		e[1] = 'r';
		break;
	case '\t':
		e[1] = 't';
		break;
	default:
		e[1] = 'u';
		e[2] = '0';
		e[3] = '0';
		e[4] = hex[c >> 4];
		e[5] = hex[c & 15];
		n = 6;
	}
	return buf_append(b, e, n);
}

int jsonw_str(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	/* The common case, nothing to escape, in one reservation. */
	if (n > BUF_MAX || buf_reserve(b, n + 2))
		return -ENOMEM;
	put(b, "\"", 1);
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		for (;;) {
			while (j < n && plain(p[j]))
				j++;
			if (j == n || p[j] < 0x80)
				break;
			uint32_t cp;
			int len = str_utf8_next(s + j, n - j, &cp);
			if (len < 0)
				return -EINVAL;
			j += (size_t)len;
		}
		if (j > i && buf_append(b, s + i, j - i))
			return -ENOMEM;
		if (j == n)
			break;
		if (escape(b, p[j]))
			return -ENOMEM;
		i = j + 1;
	}
	return buf_append(b, "\"", 1);
}

int jsonw_cstr(struct buf *b, const char *s)
{
	return s ? jsonw_str(b, s, strlen(s)) : buf_append(b, "null", 4);
}

int jsonw_key(struct buf *b, const char *key, int first)
{
	size_t n = strlen(key);
	if (n > BUF_MAX || buf_reserve(b, n + 4))
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
	char d[20]; /* INT64_MIN: a sign and 19 digits */
	size_t k = sizeof d;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	do {
		d[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		d[--k] = '-';
	return buf_append(b, d + k, sizeof d - k);
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
		if (buf_append(b, "{", 1))
			return -ENOMEM;
		bool first = true;
		for (void *it = json_object_iter((json_t *)v); it;
		     it = json_object_iter_next((json_t *)v, it)) {
			if (!first && buf_append(b, ",", 1))
				return -ENOMEM;
			first = false;
			if ((rc = jsonw_str(b, json_object_iter_key(it),
			                    json_object_iter_key_len(it))))
				return rc;
			if (buf_append(b, ":", 1))
				return -ENOMEM;
			if ((rc = jsonw_value(b, json_object_iter_value(it))))
				return rc;
		}
		return buf_append(b, "}", 1);
	}
	case JSON_ARRAY: {
		if (buf_append(b, "[", 1))
			return -ENOMEM;
		size_t n = json_array_size(v);
		for (size_t i = 0; i < n; i++) {
			if (i && buf_append(b, ",", 1))
				return -ENOMEM;
			if ((rc = jsonw_value(b, json_array_get(v, i))))
				return rc;
		}
		return buf_append(b, "]", 1);
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
