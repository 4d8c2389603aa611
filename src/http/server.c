/* server: libmicrohttpd glue. See server.h for what it owns.
 *
 * The request life cycle: the first call of the access handler checks the
 * method, path and header limits and prepares body handling; further calls
 * feed the body (urlencoded/multipart through libmicrohttpd's own post
 * processor, anything else into a bounded buffer); the last call routes,
 * runs the handler and queues the response with the security headers. */
#include "http/server_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "http/conns.h"
#include "http/client.h"
#include "http/throttle.h"
#include "util/gzip.h"
#include "util/log.h"
#include "util/str.h"

/* The headers every response carries (docs/SECURITY.md). The CSP has no
 * 'unsafe-inline': templates hold no inline script or style. */
static const char *const security_headers[][2] = {
    {"Content-Security-Policy",
     "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
     "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
     "frame-ancestors 'none'"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Cross-Origin-Resource-Policy", "same-origin"},
    {"Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"},
};

static const char *method_name(enum http_method m)
{
	switch (m) {
	case HTTP_GET:
		return "GET";
	case HTTP_HEAD:
		return "HEAD";
	case HTTP_POST:
		return "POST";
	}
	return "?";
}

static enum http_method parse_method(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return HTTP_GET;
	if (strcmp(m, "HEAD") == 0)
		return HTTP_HEAD;
	if (strcmp(m, "POST") == 0)
		return HTTP_POST;
	return 0;
}

/* Sums header bytes and counts headers to enforce limits.h. */
struct hdr_count {
	size_t bytes;
	size_t n;
};

static enum MHD_Result header_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
	(void)kind;
	(void)key;
	(void)value;
	struct hdr_count *h = cls;
	h->bytes += key_size + value_size + 4;
	h->n++;
	return MHD_YES;
}

/* --- Queuing --------------------------------------------------------- */

void srv_access_log(const struct server *srv, const struct conn_ctx *c, int status)
{
	if (!srv->opts.access_log || !c)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double ms = (double)(now.tv_sec - c->start.tv_sec) * 1e3 +
	            (double)(now.tv_nsec - c->start.tv_nsec) / 1e6;
	char q[160];
	/* Method, path (no query), status, duration: never an address, user
	 * agent or referrer. */
	log_info("http %s %s %d %.2fms", method_name(c->req.method),
	         log_quote(c->path, q, sizeof q), status, ms);
}

void srv_add_headers(struct MHD_Response *mr, const struct server *srv, const struct resp *resp,
                     bool close)
{
	for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
		MHD_add_response_header(mr, security_headers[i][0], security_headers[i][1]);
	if (close || atomic_load(&srv->stopping))
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONNECTION, "close");
	if (srv->opts.secure)
		MHD_add_response_header(mr, "Strict-Transport-Security",
		                        "max-age=31536000; includeSubDomains");
	MHD_add_response_header(mr, "Cache-Control",
	                        resp->cache_control ? resp->cache_control : "no-store");
	if (resp->content_type)
		MHD_add_response_header(mr, "Content-Type", resp->content_type);
	for (size_t i = 0; i < resp->nheaders; i++)
		MHD_add_response_header(mr, resp->headers[i].name, resp->headers[i].value);
}

static enum MHD_Result queue(struct MHD_Connection *conn, struct server *srv, struct conn_ctx *c,
                             struct resp *resp)
{
	struct MHD_Response *mr;
	/* A failure only means the page goes out uncompressed. */
	if (c)
		(void)resp_gzip(resp, req_header(&c->req, "Accept-Encoding"));
	if (resp->fixed)
		mr = MHD_create_response_from_buffer(resp->fixed_len, (void *)resp->fixed,
		                                     MHD_RESPMEM_PERSISTENT);
	else {
		size_t len = resp->body.len;
		char *body = buf_steal(&resp->body);
		if (!body)
			return MHD_NO;
		mr = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		if (!mr)
			free(body);
	}
	if (!mr)
		return MHD_NO;
	srv_add_headers(mr, srv, resp, c && c->close);
	enum MHD_Result ok = MHD_queue_response(conn, (unsigned)resp->status, mr);
	MHD_destroy_response(mr);
	srv_access_log(srv, c, resp->status);
	return ok;
}

static void fallback_error(struct req *req, struct resp *resp, int status)
{
	(void)req;
	const char *t = status == 404   ? "Niet gevonden.\n"
	                : status == 405 ? "Deze methode kan hier niet.\n"
	                : status == 413 ? "Het verzoek is te groot.\n"
	                : status == 431 ? "De kopregels zijn te groot.\n"
	                : status == 400 ? "Het verzoek is niet goed.\n"
	                : status == 403 ? "Dat mag hier niet.\n"
	                : status == 414 ? "Het adres is te lang.\n"
	                : status == 415 ? "Dit soort inhoud kan hier niet.\n"
	                : status == 501 ? "Deze manier van versturen kennen we niet.\n"
	                                : "Er ging iets mis.\n";
	resp_text(resp, status, t);
}

static enum MHD_Result answer_error(struct MHD_Connection *conn, struct server *srv,
                                    struct conn_ctx *c, int status)
{
	if (c)
		conns_set(srv->conns, c->conn_rec, CONN_HANDLING, conns_now_ms());
	struct resp resp = {0};
	resp.status = status;
	if (srv->opts.error_page && c)
		srv->opts.error_page(&c->req, &resp, status);
	else
		fallback_error(c ? &c->req : NULL, &resp, status);
	resp.status = status;
	enum MHD_Result ok = queue(conn, srv, c, &resp);
	resp_free(&resp);
	return ok;
}

/* The finish and drop functions of an answer held back by the tarpit: the
 * data block is the response, moved in and out. */
static int finish_held(struct req *req, struct resp *resp)
{
	struct resp *held = req->defer_data;
	*resp = *held;
	memset(held, 0, sizeof *held);
	return 0;
}

static void drop_held(void *data)
{
	resp_free(data);
}

/* Holds a 429 back for HTTP_THROTTLED_DELAY_MS (tarpit.h): the response
 * moves into a deferral that the tarpit resumes. When it cannot be
 * deferred (stopping, out of memory) it is sent at once. */
static void hold_back(struct server *srv, struct req *req, struct resp *resp)
{
	struct req_defer *h;
	struct resp *blk = req_defer(req, finish_held, sizeof *blk, &h);
	if (!blk)
		return;
	*blk = *resp;
	memset(resp, 0, sizeof *resp);
	h->drop = drop_held;
	tarpit_hold(srv->tarpit, h, conns_now_ms() + HTTP_THROTTLED_DELAY_MS);
}

static enum MHD_Result dispatch(struct MHD_Connection *conn, struct server *srv, struct conn_ctx *c)
{
	struct req *req = &c->req;
	const struct route *rt = c->route;
	unsigned allowed = c->allowed;
	conns_set(srv->conns, c->conn_rec, CONN_HANDLING, conns_now_ms());
	enum route_match m = c->match;
	if (m == ROUTE_NO_PATH)
		return answer_error(conn, srv, c, 404);
	if (m == ROUTE_NO_METHOD) {
		struct resp resp = {0};
		if (srv->opts.error_page)
			srv->opts.error_page(req, &resp, 405);
		else
			fallback_error(req, &resp, 405);
		resp.status = 405;
		char allow[32] = "";
		if (allowed & HTTP_GET)
			strcat(allow, "GET, HEAD");
		if (allowed & HTTP_POST)
			strcat(allow, allow[0] ? ", POST" : "POST");
		resp_header(&resp, "Allow", allow);
		enum MHD_Result ok = queue(conn, srv, c, &resp);
		resp_free(&resp);
		return ok;
	}
	/* A route that is not public is reached only on the staff listener
	 * when there is one (the public side's route table lacks it already;
	 * this holds whatever table a request was matched in). */
	if (!c->staff_side && !srv->opts.policy_public(rt->policy))
		return answer_error(conn, srv, c, 404);
	/* Who may call the route, before any cache and any handler; then the
	 * token of a form. A handler only ever runs for a request that
	 * passed both. */
	struct resp resp = {0};
	resp.status = 200;
	int rc = srv->opts.authorize(rt->policy, req, &resp);
	if (rc != 0) {
		if (rc < 0) {
			resp_free(&resp);
			return answer_error(conn, srv, c, 500);
		}
		enum MHD_Result ok = queue(conn, srv, c, &resp);
		resp_free(&resp);
		return ok;
	}
	route_fn fn = rt->fn;
	if (rt->csrf && req->method == HTTP_POST && !srv->opts.csrf_ok(req)) {
		if (!rt->csrf_retry) {
			resp_free(&resp);
			return answer_error(conn, srv, c, 403);
		}
		fn = rt->csrf_retry;
	}
	bool cacheable = rt->cache && req->nquery == 0 && req->nform == 0 &&
	                 (req->method == HTTP_GET || req->method == HTTP_HEAD);
	if (cacheable) {
		bool hit;
		enum MHD_Result ok = pagecache_serve(conn, srv, c, &hit);
		if (hit) {
			resp_free(&resp);
			return ok;
		}
	}
	c->dispatched = true;
	atomic_fetch_add(&srv->handling, 1);
	rc = fn(req, &resp);
	if (rc == 0 && !c->defer && resp.status == 429)
		hold_back(srv, req, &resp);
	if (rc == 0 && c->defer) {
		struct req_defer *d = c->defer;
		pthread_mutex_lock(&d->lock);
		bool wait = d->state == DEFER_WAITING;
		if (wait) {
			d->state = DEFER_SUSPENDED;
			MHD_suspend_connection(conn);
		}
		pthread_mutex_unlock(&d->lock);
		if (wait) {
			resp_free(&resp);
			return MHD_YES;
		}
		/* Already done on the other thread: finish at once. */
		req->defer_data = d->data;
		rc = d->finish(req, &resp);
	}
	/* 0 or a negative errno (http.h); a positive code (a module's own,
	 * leaked past its caller) is a failure too, never the half-made
	 * answer the handler left. */
	if (rc != 0) {
		char q[160];
		log_error("handler for %s failed: %s", log_quote(c->path, q, sizeof q),
		          rc < 0 ? strerror(-rc) : "a positive code");
		resp_free(&resp);
		return answer_error(conn, srv, c, 500);
	}
	if (cacheable)
		pagecache_store(srv, req, &resp);
	enum MHD_Result ok = queue(conn, srv, c, &resp);
	resp_free(&resp);
	return ok;
}

/* True when the proxy says the request reached it over HTTPS. */
static bool proto_https(const struct req *req)
{
	const char *p = req_header_last(req, "X-Forwarded-Proto");
	return p && strcasecmp(p, "https") == 0;
}

/* Picks the language from a "/en" path prefix, which is stripped. */
static void choose_language(struct conn_ctx *c)
{
	c->req.lang = "nl";
	if (strcmp(c->path, "/en") == 0 || str_starts(c->path, "/en/")) {
		c->req.lang = "en";
		size_t n = strlen(c->path);
		memmove(c->path, c->path + 3, n - 3 + 1);
		if (c->path[0] == '\0')
			strcpy(c->path, "/");
	}
}

bool http_is_form_type(const char *ct)
{
	if (!ct)
		return false;
	return strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0 ||
	       strncasecmp(ct, "multipart/form-data", 19) == 0;
}

/* The framing headers of a request, counted (RFC 9112, 6 and 7). */
struct framing {
	unsigned host, length, coding;
	bool bad_name; /* a header name that is not a token (RFC 9110, 5.1) */
	const char *coding_value;
};

static enum MHD_Result framing_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                    size_t key_size, const char *value, size_t value_size)
{
	(void)kind;
	(void)key_size;
	(void)value_size;
	struct framing *f = cls;
	if (!key)
		return MHD_YES;
	/* "Transfer-Encoding : chunked" is not Transfer-Encoding here, but
	 * may be to a proxy (RFC 9112, 5.1: whitespace before the colon is a
	 * 400). */
	if (key[0] == '\0' || key[strspn(key, "!#$%&'*+-.^_`|~0123456789"
	                                      "abcdefghijklmnopqrstuvwxyz"
	                                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ")] != '\0')
		f->bad_name = true;
	if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0)
		f->host++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		f->length++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		f->coding++;
		f->coding_value = value;
	}
	return MHD_YES;
}

/* 0 when the request is framed one way only; else the status to answer
 * before closing the connection. A proxy in front may frame a request
 * differently from libmicrohttpd (which lets the first Content-Length win,
 * prefers chunked over Content-Length and reads an unknown coding until
 * the connection ends); whatever it then sends on as "the rest" must not
 * be read here as another request. */
static int framing_problem(struct MHD_Connection *conn, const char *method, const char *url)
{
	/* libmicrohttpd 0.9.75 parses the request line in place: the method
	 * ends at the first space and the URL follows right after it. A gap
	 * means a NUL in the method (it would pass as "GET") or more than
	 * the one space RFC 9112 allows. */
	if (url <= method || (size_t)(url - method) != strlen(method) + 1)
		return 400;
	struct framing f = {0};
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, framing_iter, &f);
	if (f.bad_name || f.host > 1 || f.length > 1 || f.coding > 1 || (f.coding && f.length))
		return 400;
	if (f.coding && strcasecmp(f.coding_value ? f.coding_value : "", "chunked") != 0)
		return 501; /* a coding we do not know (RFC 9112, 6.1) */
	return 0;
}

/* Called again by libmicrohttpd after req_resume(): the answer is ready. */
static enum MHD_Result finish_deferred(struct MHD_Connection *conn, struct server *srv,
                                       struct conn_ctx *c)
{
	struct resp resp = {0};
	resp.status = 200;
	c->req.defer_data = c->defer->data;
	int rc = c->defer->finish(&c->req, &resp);
	if (rc < 0) {
		resp_free(&resp);
		return answer_error(conn, srv, c, 500);
	}
	enum MHD_Result ok = queue(conn, srv, c, &resp);
	resp_free(&resp);
	return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
	struct server *srv = cls;
	struct conn_ctx *c = *con_cls;

	if (!c)
		return MHD_NO; /* on_uri() could not allocate it */
	if (!c->begun) {
		c->begun = true;
		atomic_fetch_add(&srv->inflight, 1);
		clock_gettime(CLOCK_MONOTONIC, &c->start);
		c->req.site = srv->opts.site;
		c->srv = srv;
		c->req.conn = conn;
		/* Error pages too are the organisation's, so it is known first. */
		c->req.org = srv->opts.org_for ? srv->opts.org_for(srv->opts.site, &c->req) : NULL;
		c->req.via_proxy = client_peer_is(&c->req, srv->proxy_family, srv->proxy_addr);
		c->req.secure = srv->opts.secure ||
		                (c->req.via_proxy && srv->opts.secure_auto && proto_https(&c->req));
		c->req.method = parse_method(method);
		c->staff_side = srv->staff_fd < 0 || listen_is_staff(srv, conn);
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		c->conn_rec = ci ? ci->socket_context : NULL;
		conns_set(srv->conns, c->conn_rec, CONN_BODY, conns_now_ms());
		size_t ulen = strlen(url);
		if (ulen > HTTP_MAX_PATH_BYTES) {
			strcpy(c->path, "(too long)");
			c->req.path = c->path;
			c->reject = 414;
		} else {
			memcpy(c->path, url, ulen + 1);
			c->req.path = c->path;
			if (c->path[0] != '/' || !str_text_valid(c->path, ulen, false))
				c->reject = 400;
		}
		choose_language(c);
		int framing = framing_problem(conn, method, url);
		/* A raw NUL in the request target ends the URL early, so the
		 * version does not follow where it should (see on_uri()). */
		if (!framing && version != c->version_at)
			framing = 400;
		if (framing) {
			c->close = true;
			c->reject = framing;
			conns_set(srv->conns, c->conn_rec, CONN_HANDLING, conns_now_ms());
			return answer_error(conn, srv, c, framing);
		}
		/* Stopping: no new work, also not on kept-alive connections.
		 * Read after counting this request in flight (see server_stop). */
		if (!c->reject && atomic_load(&srv->stopping))
			c->reject = 503;
		struct hdr_count hc = {0};
		MHD_get_connection_values_n(conn, MHD_HEADER_KIND, header_iter, &hc);
		if (!c->reject && (hc.bytes > HTTP_MAX_HEADER_BYTES || hc.n > HTTP_MAX_HEADERS))
			c->reject = 431;
		if (!c->reject && c->req.method == 0)
			c->reject = 405;
		/* HTTP/1.1 requires Host (RFC 9112, 3.2); libmicrohttpd lets it pass. */
		if (!c->reject && strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
		    !MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST))
			c->reject = 400;
		if (!c->reject)
			MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, req_query_field,
			                            c);
		c->req.content_type =
		    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
		const char *cl =
		    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		uint64_t len = 0;
		if (!c->reject && cl && str_parse_u64(cl, 0, UINT64_MAX, &len) == 0 &&
		    len > HTTP_MAX_BODY_BYTES)
			c->reject = 413;
		/* On the public side of a staff listener, the routes whose
		 * policy is not public do not exist: their paths are 404 like
		 * any unknown one, their methods are not in a 405's Allow, and
		 * their bodies are never read as forms. */
		if (!c->reject)
			c->match =
			    route_find(c->staff_side ? srv->opts.routes : srv->public_routes,
			               c->staff_side ? srv->opts.nroutes : srv->npublic_routes,
			               c->req.method, c->req.path, c->scratch, c->req.params,
			               &c->req.nparams, &c->route, &c->allowed);
		/* JSON endpoints read the raw body whatever its type, and answer
		 * 415 themselves for a type they do not take. */
		bool json_route = c->route && c->route->json;
		if (!c->reject && c->req.method == HTTP_POST && !json_route &&
		    http_is_form_type(c->req.content_type)) {
			c->pp = MHD_create_post_processor(conn, 16 * 1024, req_post_field, c);
			if (!c->pp)
				c->reject = 400;
		}
		if (c->reject && c->reject != 413 && c->reject != 400)
			return answer_error(conn, srv, c, c->reject);
		if (c->reject == 413 || (c->reject == 400 && !*upload_size))
			return answer_error(conn, srv, c, c->reject);
		return MHD_YES;
	}

	if (*upload_size) {
		size_t n = *upload_size;
		*upload_size = 0;
		c->received += n;
		/* libmicrohttpd cannot answer in the middle of a body, so a body
		 * over the limit (chunked ones have no Content-Length to check up
		 * front) is read and dropped, and answered at its end; one that
		 * goes on far beyond the limit loses its connection instead. */
		if (c->received > HTTP_DRAIN_MAX_BYTES)
			return MHD_NO;
		if (c->reject)
			return MHD_YES;
		if (c->req.body.len + n > HTTP_MAX_BODY_BYTES) {
			c->reject = 413;
			return MHD_YES;
		}
		if (c->pp) {
			/* The byte count is kept to enforce the body limit. */
			c->req.body.len += n;
			if (MHD_post_process(c->pp, upload_data, n) != MHD_YES && !c->reject)
				c->reject = 400;
		} else if (buf_append(&c->req.body, upload_data, n) != 0) {
			c->reject = 500;
		}
		return MHD_YES;
	}

	if (c->dispatched && c->defer)
		return finish_deferred(conn, srv, c);
	if (c->reject)
		return answer_error(conn, srv, c, c->reject);
	if (c->pp)
		buf_reset(&c->req.body); /* was only a byte counter */
	return dispatch(conn, srv, c);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	(void)toe;
	struct server *srv = cls;
	struct conn_ctx *c = *con_cls;
	if (!c)
		return;
	if (c->dispatched)
		atomic_fetch_sub(&srv->handling, 1);
	/* Kept alive, the connection now waits for its next request. */
	conns_set(srv->conns, c->conn_rec, CONN_IDLE, conns_now_ms());
	bool begun = c->begun;
	req_ctx_free(c);
	*con_cls = NULL;
	if (begun)
		atomic_fetch_sub(&srv->inflight, 1);
}

/* libmicrohttpd calls this with the raw request target as soon as it has
 * read the request line, before it splits off the query and decodes it;
 * the request's context is made here. libmicrohttpd 0.9.75 reads a raw
 * NUL in the target as its end (the rest is lost, so "/x.js<NUL>.html"
 * would be served as "/x.js"): with none, the version follows right
 * after the target, which on_request() checks. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)conn;
	struct conn_ctx *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->srv = cls;
	c->version_at = uri + strlen(uri) + 1;
	return c;
}

/* libmicrohttpd reports a connection taken in and closed: the table of
 * connections follows (see conns.h). */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	struct server *srv = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		conns_started(srv->conns, ci ? ci->connect_fd : -1, socket_context, conns_now_ms());
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		conns_closed(srv->conns, socket_context);
	}
}

/* libmicrohttpd's log lines per minute, so that a flood of broken
 * connections (each one a line) cannot fill the disk. */
static pthread_mutex_t lib_log_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t lib_log_minute;
static unsigned lib_log_lines, lib_log_dropped;

/* libmicrohttpd hands its own format strings to its logger. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	uint64_t minute = conns_now_ms() / 60000u;
	pthread_mutex_lock(&lib_log_lock);
	unsigned dropped = 0;
	if (minute != lib_log_minute) {
		dropped = lib_log_dropped;
		lib_log_minute = minute;
		lib_log_lines = lib_log_dropped = 0;
	}
	bool say = lib_log_lines < HTTP_LIB_LOG_PER_MINUTE;
	if (say)
		lib_log_lines++;
	else
		lib_log_dropped++;
	pthread_mutex_unlock(&lib_log_lock);
	if (dropped)
		log_warn("microhttpd: %u more messages in the minute before left out", dropped);
	if (!say)
		return;
	char msg[256];
	vsnprintf(msg, sizeof msg, fmt, ap);
	log_warn("microhttpd: %s", msg);
}
#pragma GCC diagnostic pop

/* Decodes %XX in a request's path or in one query name or value, in
 * place. libmicrohttpd keeps the length of a query value but not of the
 * path: a "%00" there would cut "/x.js%00.html" to "/x.js". So a NUL
 * becomes a control character here, which the path check and the query
 * fields refuse (400), instead of an end. Returns the decoded length. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	size_t n = MHD_http_unescape(s);
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0')
			s[i] = '\x01';
	return n;
}

/* The route table and the hooks it needs, checked before anything
 * starts: a route that could be reached without its policy, cached while
 * not public, or posted to without a CSRF check is a programming error
 * that must not reach a visitor. */
static int routes_check(const struct server_opts *opts, struct buf *err)
{
	if (!opts->authorize || !opts->policy_public || (opts->org_for && !opts->org_key)) {
		buf_printf(err, "the server needs the authorize and policy_public hooks, and "
		                "org_key with org_for");
		return -EINVAL;
	}
	for (size_t i = 0; i < opts->nroutes; i++) {
		const struct route *rt = &opts->routes[i];
		const char *why = NULL;
		if (!route_pattern_valid(rt->pattern))
			why = "bad pattern";
		else if (!rt->fn)
			why = "no handler";
		else if (!rt->policy)
			why = "no policy (public routes say so with the public policy)";
		else if (rt->cache && !opts->policy_public(rt->policy))
			why = "kept in the page cache but not public";
		else if (rt->cache && (rt->methods & HTTP_POST))
			why = "kept in the page cache but takes POST";
		else if ((rt->methods & HTTP_POST) && !rt->json && !rt->csrf)
			why = "a form POST without a CSRF check";
		else if ((rt->csrf || rt->csrf_retry) && !opts->csrf_ok)
			why = "a CSRF check but no csrf_ok hook";
		if (why) {
			buf_printf(err, "route %zu \"%s\": %s", i, rt->pattern ? rt->pattern : "",
			           why);
			return -EINVAL;
		}
	}
	return 0;
}

/* host ("localhost" or a numeric IPv4 or IPv6 address) and port as a
 * socket address. 0 or -EINVAL. */
static int sockaddr_of(const char *host, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof *ss);
	if (!host || strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof *s4;
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof *s6;
	} else {
		return -EINVAL;
	}
	return 0;
}

/* The port of a bound socket, or fallback. */
static uint16_t bound_port(int fd, uint16_t fallback, struct sockaddr_storage *bound)
{
	socklen_t blen = sizeof *bound;
	memset(bound, 0, sizeof *bound);
	if (getsockname(fd, (struct sockaddr *)bound, &blen) != 0)
		return fallback;
	return ntohs(bound->ss_family == AF_INET6 ? ((struct sockaddr_in6 *)bound)->sin6_port
	                                          : ((struct sockaddr_in *)bound)->sin_port);
}

/* Opens the staff listener of opts and the public side's route table
 * (every route whose policy is public). 0, or negative errno with err. */
static int staff_start(struct server *srv, const struct server_opts *opts, struct buf *err)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	if (sockaddr_of(opts->staff_host, opts->staff_port, &ss, &len)) {
		buf_printf(err, "staff listen address \"%s\" is not a numeric IPv4 or IPv6 address",
		           opts->staff_host);
		return -EINVAL;
	}
	srv->public_routes = calloc(opts->nroutes ? opts->nroutes : 1, sizeof *srv->public_routes);
	if (!srv->public_routes) {
		buf_printf(err, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < opts->nroutes; i++)
		if (opts->policy_public(opts->routes[i].policy))
			srv->public_routes[srv->npublic_routes++] = opts->routes[i];
	srv->staff_fd = listen_on((struct sockaddr *)&ss, len);
	if (srv->staff_fd < 0) {
		int rc = srv->staff_fd;
		buf_printf(err, "cannot listen on %s:%u for the staff: %s", opts->staff_host,
		           (unsigned)opts->staff_port, strerror(-rc));
		return rc;
	}
	srv->staff_port = bound_port(srv->staff_fd, opts->staff_port, &srv->staff_addr);
	if (srv->staff_addr.ss_family == 0) {
		buf_printf(err, "cannot read the staff listener's address: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

int server_start(const struct server_opts *opts, struct server **out, struct buf *err)
{
	int bad = routes_check(opts, err);
	if (bad)
		return bad;
	struct server *srv = calloc(1, sizeof *srv);
	if (!srv)
		return -ENOMEM;
	srv->opts = *opts;
	atomic_init(&srv->inflight, 0);
	atomic_init(&srv->handling, 0);
	atomic_init(&srv->stopping, false);
	pthread_mutex_init(&srv->defer_lock, NULL);
	srv->wake[0] = srv->wake[1] = -1;
	srv->listen_fd = -1;
	srv->staff_fd = -1;
	pthread_rwlock_init(&srv->cache_lock, NULL);

	struct sockaddr_storage ss = {0};
	const char *host = opts->host;
	if (!host || strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC |
	                 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET;
	socklen_t sslen = 0;
	int rc = -EINVAL;
	if (sockaddr_of(host, opts->port, &ss, &sslen)) {
		buf_printf(err, "listen address \"%s\" is not a numeric IPv4 or IPv6 address",
		           opts->host);
		goto fail;
	}
	const char *proxy = opts->trusted_proxy;
	if (proxy && proxy[0]) {
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (inet_pton(AF_INET, proxy, srv->proxy_addr) == 1) {
			srv->proxy_family = AF_INET;
		} else if (inet_pton(AF_INET6, proxy, srv->proxy_addr) == 1) {
			srv->proxy_family = AF_INET6;
			if (memcmp(srv->proxy_addr, mapped, 12) == 0) {
				/* ::ffff:a.b.c.d is the IPv4 proxy a.b.c.d */
				memmove(srv->proxy_addr, srv->proxy_addr + 12, 4);
				srv->proxy_family = AF_INET;
			}
		} else {
			buf_printf(err,
			           "trusted proxy \"%s\" is not a numeric IPv4 or IPv6 address",
			           proxy);
			goto fail;
		}
		/* The socket is IPv4 or IPv6 only: a proxy of the other family
		 * could never connect, and every reporter would share its budget
		 * without a word. */
		if (srv->proxy_family != ss.ss_family) {
			buf_printf(
			    err,
			    "trusted proxy %s is an %s address, but Signaal listens on %s (%s):"
			    " the proxy cannot reach it",
			    proxy, srv->proxy_family == AF_INET ? "IPv4" : "IPv6", host,
			    ss.ss_family == AF_INET ? "IPv4" : "IPv6");
			goto fail;
		}
	}
	if (pipe2(srv->wake, O_CLOEXEC) != 0) {
		rc = -errno;
		buf_printf(err, "cannot make a pipe: %s", strerror(errno));
		goto fail;
	}
	srv->listen_fd = listen_on((struct sockaddr *)&ss, sslen);
	if (srv->listen_fd < 0) {
		rc = srv->listen_fd;
		buf_printf(err, "cannot listen on %s:%u: %s", host, (unsigned)opts->port,
		           strerror(-rc));
		goto fail;
	}
	if (opts->staff_host) {
		rc = staff_start(srv, opts, err);
		if (rc)
			goto fail;
	}
	/* One thread is libmicrohttpd's internal thread without a pool: the
	 * pool option is left out (it warns about a pool of 0 or 1). */
	unsigned threads = opts->threads ? opts->threads : HTTP_THREADS;
	struct conns_limits cl = {
	    .max_total = opts->max_connections ? opts->max_connections : HTTP_MAX_CONNECTIONS,
	    .max_per_source = opts->max_per_source,
	    .header_s = opts->header_timeout_s ? opts->header_timeout_s : HTTP_HEADER_TIMEOUT_S,
	    .body_s = opts->body_timeout_s ? opts->body_timeout_s : HTTP_BODY_TIMEOUT_S,
	    .idle_s = HTTP_CONNECTION_TIMEOUT_S,
	};
	rc = conns_new(&cl, &srv->conns);
	if (rc) {
		buf_printf(err, "cannot make the table of connections: %s", strerror(-rc));
		goto fail;
	}
	rc = tarpit_start(&srv->tarpit);
	if (rc) {
		buf_printf(err, "cannot start the thread that holds back refusals: %s",
		           strerror(-rc));
		goto fail;
	}
	/* Our limit is counted in accept_loop(); libmicrohttpd's own is set
	 * so that no worker can reach it even with every connection of ours
	 * and as many closing ones (see accept_loop() for why it must never
	 * be reached). A pool splits it evenly over the workers. */
	unsigned lib_limit = 2u * cl.max_total * threads;
	struct MHD_OptionItem pool[] = {
	    {threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)threads, NULL},
	    {MHD_OPTION_END, 0, NULL},
	};
	srv->daemon = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
	    MHD_OPTION_ARRAY, pool, MHD_OPTION_CONNECTION_LIMIT, lib_limit,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
	    srv, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)HTTP_CONNECTION_MEMORY, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)HTTP_CONNECTION_TIMEOUT_S, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_END);
	if (!srv->daemon) {
		rc = -EIO;
		buf_printf(err, "cannot start the HTTP server (threads: %u)", threads);
		goto fail;
	}
	struct sockaddr_storage bound;
	srv->port = bound_port(srv->listen_fd, opts->port, &bound);
	int prc = pthread_create(&srv->acceptor, NULL, listen_accept_loop, srv);
	if (prc) {
		rc = -prc;
		buf_printf(err, "cannot start the accepting thread: %s", strerror(prc));
		goto fail;
	}
	*out = srv;
	return 0;

fail:
	if (srv->daemon)
		MHD_stop_daemon(srv->daemon);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	if (srv->staff_fd >= 0)
		close(srv->staff_fd);
	free(srv->public_routes);
	if (srv->wake[0] >= 0) {
		close(srv->wake[0]);
		close(srv->wake[1]);
	}
	pthread_rwlock_destroy(&srv->cache_lock);
	pthread_mutex_destroy(&srv->defer_lock);
	conns_free(srv->conns);
	tarpit_stop(srv->tarpit);
	free(srv);
	return rc;
}

uint16_t server_port(const struct server *srv)
{
	return srv->port;
}

uint16_t server_staff_port(const struct server *srv)
{
	return srv->staff_fd >= 0 ? srv->staff_port : 0;
}

void server_stop(struct server *srv)
{
	if (!srv)
		return;
	/* Stop accepting: the accepting thread ends; once it is gone the
	 * socket is closed and new connections are refused. From here on new
	 * requests on open connections are answered 503 (on_request). */
	atomic_store(&srv->stopping, true);
	/* Refusals held back go out now: the drain below waits for every
	 * deferred answer. */
	tarpit_flush(srv->tarpit);
	ssize_t w;
	do
		w = write(srv->wake[1], "x", 1);
	while (w < 0 && errno == EINTR);
	pthread_join(srv->acceptor, NULL);
	close(srv->listen_fd);
	if (srv->staff_fd >= 0)
		close(srv->staff_fd);
	close(srv->wake[0]);
	close(srv->wake[1]);
	/* Requests in flight finish; idle keep-alive connections are closed
	 * by MHD_stop_daemon below. A deferred answer waits for its report's
	 * commit, which the intake always answers (bounded by the store's
	 * timeouts); a report that was accepted must get its answer, and
	 * libmicrohttpd aborts when stopped with a suspended connection. So
	 * deferred answers are waited for without a time limit, other
	 * requests for HTTP_DRAIN_TIMEOUT_S. Deferring is closed (under its
	 * lock, only when none is alive) before the daemon is stopped. */
	struct timespec tick = {0, 20 * 1000 * 1000};
	for (unsigned i = 0;; i++) {
		/* A request counts in flight until answered; a deferral lives
		 * until both its request and its resumer let go of it. A request
		 * that starts after this reads stopping and answers 503 without
		 * deferring. After the time limit only requests whose handler
		 * has not run yet (slow uploads, idle reads) are cut off. */
		bool idle = atomic_load(&srv->inflight) == 0;
		bool timed_out = i >= HTTP_DRAIN_TIMEOUT_S * 50 && atomic_load(&srv->handling) == 0;
		pthread_mutex_lock(&srv->defer_lock);
		unsigned alive = srv->deferrals;
		if ((idle || timed_out) && alive == 0)
			srv->defer_closed = true;
		bool closed = srv->defer_closed;
		pthread_mutex_unlock(&srv->defer_lock);
		if (closed)
			break;
		if (i && i % (HTTP_DRAIN_TIMEOUT_S * 50) == 0)
			log_warn("still waiting for %u reports to be stored", alive);
		nanosleep(&tick, NULL);
	}
	MHD_stop_daemon(srv->daemon);
	tarpit_stop(srv->tarpit);
	conns_free(srv->conns);
	pagecache_free(srv);
	pthread_rwlock_destroy(&srv->cache_lock);
	pthread_mutex_destroy(&srv->defer_lock);
	free(srv->public_routes);
	free(srv);
}

int server_wait_signal(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	int sig = 0;
	while (sigwait(&set, &sig) != 0)
		;
	return sig;
}
