/* response: building the response a handler returns (http.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/server_int.h"
#include "limits.h"
#include "util/gzip.h"

int resp_header(struct resp *resp, const char *name, const char *value)
{
	if (resp->nheaders == RESP_MAX_HEADERS)
		return -E2BIG;
	char *v = strdup(value);
	if (!v)
		return -ENOMEM;
	if (strcasecmp(name, "Set-Cookie") == 0)
		resp->personal = true;
	resp->headers[resp->nheaders].name = name;
	resp->headers[resp->nheaders].value = v;
	resp->nheaders++;
	return 0;
}

int resp_redirect(struct resp *resp, int status, const char *location)
{
	resp->status = status;
	resp->content_type = "text/plain; charset=utf-8";
	buf_reset(&resp->body);
	return resp_header(resp, "Location", location);
}

int resp_text(struct resp *resp, int status, const char *text)
{
	resp->status = status;
	resp->content_type = "text/plain; charset=utf-8";
	buf_reset(&resp->body);
	return buf_puts(&resp->body, text);
}

int resp_json(struct resp *resp, int status, const char *json)
{
	resp->status = status;
	resp->content_type = "application/json";
	buf_reset(&resp->body);
	return buf_puts(&resp->body, json);
}

static bool has_header(const struct resp *resp, const char *name)
{
	for (size_t i = 0; i < resp->nheaders; i++)
		if (strcasecmp(resp->headers[i].name, name) == 0)
			return true;
	return false;
}

/* Why a page may be compressed although it holds a secret (a form's CSRF
 * token) next to text from the request (BREACH): an observer must make
 * the visitor's browser send many requests that carry the visitor's own
 * cookie, and every cookie is SameSite=Strict, so a request another site
 * makes gets a page for a new cookie, with a token of its own; the token
 * also holds the time and changes every second. The receipt page shows
 * the receipt once, to a POST with the form's own token. */
int resp_gzip(struct resp *resp, const char *accept_encoding)
{
	if (!resp->content_type || strncmp(resp->content_type, "text/html", 9) != 0 ||
	    has_header(resp, "Content-Encoding") || resp->status == 204 || resp->status == 304)
		return 0;
	int rc = has_header(resp, "Vary") ? 0 : resp_header(resp, "Vary", "Accept-Encoding");
	const unsigned char *data = resp->fixed ? resp->fixed : (unsigned char *)resp->body.data;
	size_t len = resp->fixed ? resp->fixed_len : resp->body.len;
	if (rc || len < HTTP_GZIP_MIN_BYTES || !gzip_accepted(accept_encoding))
		return rc;
	unsigned char *z = NULL;
	size_t zlen = 0;
	struct buf out = BUF_INIT;
	rc = gzip_bytes(data, len, &z, &zlen);
	if (rc == 0 && z)
		rc = buf_append(&out, z, zlen);
	free(z);
	if (rc == 0 && out.len)
		rc = resp_header(resp, "Content-Encoding", "gzip");
	if (rc || !out.len) {
		buf_free(&out);
		return rc;
	}
	buf_free(&resp->body);
	resp->body = out;
	resp->fixed = NULL;
	resp->fixed_len = 0;
	return 0;
}

void resp_free(struct resp *resp)
{
	if (!resp)
		return;
	buf_free(&resp->body);
	for (size_t i = 0; i < resp->nheaders; i++)
		free(resp->headers[i].value);
	resp->nheaders = 0;
}
