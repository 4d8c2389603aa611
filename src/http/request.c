/* request: a request's context as the handlers see it: the accessors of
 * http.h, and the collection of query and form fields within the limits
 * of limits.h. See server_int.h for how the server's files divide. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/server_int.h"
#include "util/buf.h"

static const char *field_get(const struct http_field *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return f[i].value;
	return NULL;
}

const char *req_query(const struct req *r, const char *name)
{
	return field_get(r->query, r->nquery, name);
}

const char *req_form(const struct req *r, const char *name)
{
	return field_get(r->form, r->nform, name);
}

const char *req_header(const struct req *r, const char *name)
{
	if (!r->conn)
		return NULL;
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

struct last_header {
	const char *name;
	const char *value;
};

static enum MHD_Result last_header_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                        size_t key_size, const char *value, size_t value_size)
{
	(void)kind;
	(void)key_size;
	(void)value_size;
	struct last_header *h = cls;
	if (key && strcasecmp(key, h->name) == 0)
		h->value = value;
	return MHD_YES;
}

const char *req_header_last(const struct req *r, const char *name)
{
	struct last_header h = {name, NULL};
	if (r->conn)
		MHD_get_connection_values_n(r->conn, MHD_HEADER_KIND, last_header_iter, &h);
	return h.value;
}

const char *req_cookie(const struct req *r, const char *name)
{
	if (!r->conn)
		return NULL;
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

static void fields_free(struct http_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].value);
	}
}

void req_ctx_free(struct conn_ctx *c)
{
	if (!c)
		return;
	if (c->defer)
		defer_release(c->defer, true);
	if (c->pp)
		MHD_destroy_post_processor(c->pp);
	fields_free(c->req.query, c->req.nquery);
	fields_free(c->req.form, c->req.nform);
	buf_free(&c->req.body);
	free(c->req.principal);
	free(c->last_field);
	free(c);
}

/* --- Field collection ------------------------------------------------ */

/* Adds a field; returns 0, or the HTTP status to answer (400, 500). */
static int field_add(struct http_field *f, size_t *n, const char *name, size_t nlen,
                     const char *val, size_t vlen)
{
	if (*n == HTTP_MAX_FIELDS || nlen == 0 || nlen > HTTP_MAX_FIELD_NAME ||
	    vlen > HTTP_MAX_FIELD_VALUE)
		return 400;
	if (memchr(name, '\0', nlen) || memchr(val, '\0', vlen))
		return 400;
	char *nm = strndup(name, nlen);
	char *v = malloc(vlen + 1);
	if (!nm || !v) {
		free(nm);
		free(v);
		return 500;
	}
	memcpy(v, val, vlen);
	v[vlen] = '\0';
	f[*n].name = nm;
	f[*n].value = v;
	f[*n].len = vlen;
	(*n)++;
	return 0;
}

/* True when s[0..n) holds a control byte other than TAB, CR and LF. */
static bool has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];
		if (b < 0x20 && b != '\t' && b != '\r' && b != '\n')
			return true;
	}
	return false;
}

enum MHD_Result req_query_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                size_t key_size, const char *value, size_t value_size)
{
	(void)kind;
	struct conn_ctx *c = cls;
	if (!value) {
		value = "";
		value_size = 0;
	}
	/* No query field carries a control character; unescape() turns a
	 * "%00" into one. */
	if (has_control(key, key_size) || has_control(value, value_size)) {
		c->reject = 400;
		return MHD_NO;
	}
	int st = field_add(c->req.query, &c->req.nquery, key, key_size, value, value_size);
	if (st) {
		c->reject = st;
		return MHD_NO;
	}
	return MHD_YES;
}

enum MHD_Result req_post_field(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	struct conn_ctx *c = cls;
	/* No page takes uploads (yet): refuse rather than hold files. A
	 * multipart part without a name has no key at all. */
	if (filename || !key) {
		c->reject = 400;
		return MHD_NO;
	}
	struct req *r = &c->req;
	if (off > 0 && r->nform && c->last_field && strcmp(c->last_field, key) == 0) {
		if (size == 0)
			return MHD_YES;
		struct http_field *f = &r->form[r->nform - 1];
		if (f->len + size > HTTP_MAX_FIELD_VALUE || memchr(data, '\0', size)) {
			c->reject = 400;
			return MHD_NO;
		}
		char *v = realloc(f->value, f->len + size + 1);
		if (!v) {
			c->reject = 500;
			return MHD_NO;
		}
		memcpy(v + f->len, data, size);
		f->len += size;
		v[f->len] = '\0';
		f->value = v;
		return MHD_YES;
	}
	int st = field_add(r->form, &r->nform, key, strlen(key), data ? data : "", size);
	if (st) {
		c->reject = st;
		return MHD_NO;
	}
	free(c->last_field);
	c->last_field = strdup(key);
	if (!c->last_field) {
		c->reject = 500;
		return MHD_NO;
	}
	return MHD_YES;
}
