/* http: the request and response types every handler sees, and the route
 * table. The server (server.c) owns connections; handlers only read a
 * validated request and fill a response.
 *
 * A handler returns 0 after filling resp (any status), or a negative errno
 * for an internal failure, which the server turns into the 500 page. */
#ifndef SIGNAAL_HTTP_H
#define SIGNAAL_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "util/buf.h"

enum http_method {
	HTTP_GET = 1 << 0,
	HTTP_HEAD = 1 << 1,
	HTTP_POST = 1 << 2,
};

/* A decoded query or form field. Both strings are owned by the request. */
struct http_field {
	char *name;
	char *value;
	size_t len; /* bytes of value, which is also NUL-terminated */
};

struct site;
struct org;
struct req_defer;
struct principal;

struct req {
	enum http_method method;
	const char *path;                     /* decoded, without query */
	const char *params[ROUTE_MAX_PARAMS]; /* captured by the route pattern */
	size_t nparams;
	struct http_field query[HTTP_MAX_FIELDS]; /* from the URL */
	size_t nquery;
	struct http_field form[HTTP_MAX_FIELDS]; /* urlencoded or multipart body */
	size_t nform;
	const char *content_type; /* borrowed from the connection, may be NULL */
	struct buf body;          /* raw body for other content types (JSON) */
	const char *lang;         /* "nl" or "en", chosen by the server */
	bool secure;              /* the site is served over https */
	/* The connection comes from the trusted proxy: its X-Forwarded-For
	 * names the client (read only by throttle_client_key()). */
	bool via_proxy;
	struct site *site;
	/* The organisation the request is for (server_opts.org_for), set
	 * before the page cache and the handler; opaque to http/. */
	const struct org *org;
	/* Who is asking, resolved by the route's policy (server_opts.authorize)
	 * from a staff session or an API token before the handler runs; NULL
	 * on public routes. Opaque to http/; owned by the request (freed with
	 * free() when it ends). Handlers never read a session themselves. */
	struct principal *principal;
	void *conn; /* the libmicrohttpd connection, for header look-ups */
	/* While a deferred answer is finished: the data block of req_defer(). */
	void *defer_data;
};

#define RESP_MAX_HEADERS 8

struct resp {
	int status;
	const char *content_type; /* static string */
	struct buf body;
	/* A static body served without copy (static files); overrides body. */
	const void *fixed;
	size_t fixed_len;
	struct {
		const char *name; /* static string */
		char *value;      /* owned */
	} headers[RESP_MAX_HEADERS];
	size_t nheaders;
	/* Set when the response may be cached by the browser; everything else
	 * gets Cache-Control: no-store (no trace in the browser of a visit). */
	const char *cache_control;
	/* The answer sets or depends on a cookie or a token (a form's CSRF
	 * token, later a session): it is for this visitor only, and neither
	 * the server's page cache nor the site's keeps it. Set-Cookie sets it
	 * (resp_header); so does anything that reads a cookie into a page. */
	bool personal;
};

/* Value of a query field, or NULL. Borrowed from req. */
const char *req_query(const struct req *r, const char *name);
/* Value of a form field, or NULL. Borrowed from req. */
const char *req_form(const struct req *r, const char *name);
/* Value of a request header (its first line), or NULL. Borrowed from the
 * connection. */
const char *req_header(const struct req *r, const char *name);
/* Value of the last line of a request header, or NULL: for headers that
 * proxies add a line to (X-Forwarded-For), where only the last one was
 * written by the proxy next to us. */
const char *req_header_last(const struct req *r, const char *name);
/* Value of a cookie, or NULL. Borrowed from the connection. */
const char *req_cookie(const struct req *r, const char *name);

/* Adds a header; value is copied; Set-Cookie makes resp personal. 0,
 * -ENOMEM or -E2BIG (too many). */
int resp_header(struct resp *resp, const char *name, const char *value);
/* Sets a redirect (303 See Other after a POST, 302 otherwise). */
int resp_redirect(struct resp *resp, int status, const char *location);
/* Plain text body with status. */
int resp_text(struct resp *resp, int status, const char *text);
/* JSON body (text already serialised) with status. */
int resp_json(struct resp *resp, int status, const char *json);
void resp_free(struct resp *resp);

/* --- Deferred answers ------------------------------------------------ */

/* A handler whose answer waits for another thread (the intake writer's
 * commit) defers it instead of blocking a worker thread: the connection is
 * suspended and no thread waits; the other thread stores its result in the
 * data block and calls req_resume(); then finish(req, resp) runs on a
 * worker thread with req->defer_data pointing at the block, and fills the
 * response.
 *
 * req_defer() returns the data block (size bytes, zeroed; it lives until
 * both the request and the resumer are done with it) and the handle for
 * the other thread, or NULL (out of memory, already deferred, or the
 * server is stopping: see req_stopping()). After
 * req_defer() the handler returns 0 without filling resp. If it cannot
 * hand the handle over after all, it calls req_defer_cancel() and answers
 * normally. */
typedef int (*req_finish_fn)(struct req *req, struct resp *resp);
void *req_defer(struct req *req, req_finish_fn finish, size_t size, struct req_defer **handle);
void req_defer_cancel(struct req *req);
/* The data block of a handle, for the other thread to write its result. */
void *req_defer_block(struct req_defer *h);
/* Wakes the request; any thread, exactly once per handle, which it then
 * gives up. Safe when the client has gone in the meantime. */
void req_resume(struct req_defer *h);
/* True once the server is stopping (SIGTERM): it takes no new work, so a
 * handler that could not defer says "try again shortly" (503). */
bool req_stopping(const struct req *req);

/* --- Routing --------------------------------------------------------- */

/* Who may call a route: opaque here and defined by the site, which checks
 * it (server_opts.authorize) in the dispatcher before any cache and any
 * handler, so that http/ knows no roles. Every route names one; a public
 * route names the site's public policy explicitly. */
struct route_policy;

typedef int (*route_fn)(struct req *req, struct resp *resp);

/* Patterns are literal segments and ":name" segments capturing one
 * non-empty segment; a final "*" captures the rest of the path. */
struct route {
	unsigned methods; /* bitmask of enum http_method; GET implies HEAD */
	const char *pattern;
	route_fn fn;
	const struct route_policy *policy; /* never NULL: the server refuses to start */
	/* The page depends only on its path and language (no query, no
	 * cookie, no form, nothing personal): the server renders it once and
	 * serves the same bytes (and a gzip variant) afterwards. */
	bool cache;
	/* The body is JSON: read raw, never decoded as a form. */
	bool json;
	/* A POST must carry the CSRF token of its form (server_opts.csrf_ok,
	 * checked in the dispatcher). Every POST route that is not .json has
	 * it (the server refuses to start otherwise). */
	bool csrf;
	/* Answers a POST whose token failed (expired, or the cookie is gone)
	 * with the form again and what was typed; NULL: a 403 page. It runs
	 * instead of fn, never after it. */
	route_fn csrf_retry;
};

enum route_match {
	ROUTE_FOUND = 0,
	ROUTE_NO_PATH = 1,   /* 404 */
	ROUTE_NO_METHOD = 2, /* 405; *allowed gets the methods of the path */
};

/* Finds the route for method and path, filling params (pointing into
 * scratch, which must hold HTTP_MAX_PATH_BYTES + 1 bytes). */
enum route_match route_find(const struct route *table, size_t n, enum http_method method,
                            const char *path, char *scratch, const char **params, size_t *nparams,
                            const struct route **found, unsigned *allowed);
/* True when the pattern is well formed; used to check tables at start. */
bool route_pattern_valid(const char *pattern);

#endif
