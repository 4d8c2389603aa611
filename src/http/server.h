/* server: runs libmicrohttpd (epoll, internal thread pool) for a route
 * table. Owns: connections, request bodies, limits, the security headers,
 * the access log and SIGTERM draining. Pages never see a client address. */
#ifndef SIGNAAL_HTTP_SERVER_H
#define SIGNAAL_HTTP_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"

struct server_opts {
	const char *host; /* numeric IPv4/IPv6 address or "localhost" */
	uint16_t port;    /* 0 picks a free port (tests) */
	/* [staff] listen: when staff_host is set, a second listener on
	 * staff_host:staff_port (0: a free port) serves every route, and the
	 * first one serves only the routes whose policy is public: it answers
	 * the others as it answers a path that does not exist (404, or 405
	 * with only the public methods). NULL: one listener serves all. Both
	 * share the connection limits and deadlines. */
	const char *staff_host;
	uint16_t staff_port;
	unsigned threads;
	/* Connections at once (0: HTTP_MAX_CONNECTIONS), per source (0: no
	 * limit), and the seconds a request's headers and its body may take
	 * (0: HTTP_HEADER_TIMEOUT_S, HTTP_BODY_TIMEOUT_S). See conns.h. */
	unsigned max_connections;
	unsigned max_per_source;
	unsigned header_timeout_s;
	unsigned body_timeout_s;
	bool access_log;
	bool secure; /* served behind https: Secure cookies, HSTS */
	/* [server] secure_cookies = auto: Secure cookies for requests that the
	 * trusted proxy marks X-Forwarded-Proto: https. */
	bool secure_auto;
	/* Numeric address of the trusted reverse proxy, or NULL / "". */
	const char *trusted_proxy;
	const struct route *routes;
	size_t nroutes;
	struct site *site;
	/* The site's check of a route's policy, run before any cache and any
	 * handler: 0 lets the request through; 1 means resp holds the
	 * refusal (a redirect to a login page, a 403 page, a 401); negative
	 * errno is a failure (500). Required. */
	int (*authorize)(const struct route_policy *policy, struct req *req, struct resp *resp);
	/* True when policy lets anyone in: only such routes may be .cache
	 * (the server refuses to start otherwise). Required. */
	bool (*policy_public)(const struct route_policy *policy);
	/* The site's CSRF check of a POST to a .csrf route. Required when a
	 * route has .csrf. */
	bool (*csrf_ok)(const struct req *req);
	/* The organisation a request is for (req->org), from its Host
	 * header; run once the headers are read, before the policy, the page
	 * cache and the handler. May be NULL: req->org stays NULL. */
	const struct org *(*org_for)(struct site *site, const struct req *req);
	/* The key the page cache keeps an organisation's pages under (its
	 * id; at most ID_MAX_LEN bytes). Required with org_for. */
	const char *(*org_key)(const struct org *org);
	/* Renders an error page (404, 405, 413, 500 ...) into resp. May be
	 * NULL: a plain text body is used then. Must not fail for 500. */
	void (*error_page)(struct req *req, struct resp *resp, int status);
};

struct server;

/* Starts listening. *out owned by the caller (server_stop). err names the
 * reason on failure. */
int server_start(const struct server_opts *opts, struct server **out, struct buf *err);
/* The port actually bound (useful with port 0). */
uint16_t server_port(const struct server *srv);
/* The port of the staff listener, or 0 when there is none. */
uint16_t server_staff_port(const struct server *srv);
/* Stops accepting, waits up to HTTP_DRAIN_TIMEOUT_S for requests in flight,
 * then closes everything and frees srv. Accepts NULL. */
void server_stop(struct server *srv);
/* Blocks until SIGTERM or SIGINT; the caller blocks those signals in every
 * thread before starting the server. Returns the signal number. */
int server_wait_signal(void);

#endif
