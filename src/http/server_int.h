/* server_int: what the files of the HTTP server share and nothing else
 * sees: the server, a request's context and a deferral. Included only by
 * server.c, request.c, response.c, defer.c, pagecache.c and listen.c.
 *
 *   server.c     libmicrohttpd's callbacks: framing, limits, dispatch,
 *                queuing with the security headers; start and stop
 *   request.c    a request's context: accessors, query and form fields
 *   response.c   building a response
 *   defer.c      deferred answers (suspend and resume)
 *   pagecache.c  rendered pages of cacheable routes, kept as responses
 *   listen.c     the listen socket and the accepting thread */
#ifndef SIGNAAL_HTTP_SERVER_INT_H
#define SIGNAAL_HTTP_SERVER_INT_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/socket.h>
#include <time.h>

#include "http/conns.h"
#include "http/server.h"
#include "http/tarpit.h"

/* A rendered page of a cacheable route, with ready responses: libmicrohttpd
 * may queue one response on many connections. */
struct cached_page {
	char *path; /* with the language: "velsen:en:/signalen" */
	struct MHD_Response *plain;
	struct MHD_Response *gz; /* NULL when gzip does not pay */
};

struct server {
	struct MHD_Daemon *daemon;
	struct server_opts opts;
	/* Our own listen socket and the thread accepting on it, which hands
	 * each connection to libmicrohttpd (MHD_add_connection). Stopping is
	 * then ours alone: MHD_quiesce_daemon() races the epoll workers of a
	 * thread pool (libmicrohttpd 0.9.75 panics with "Failed to remove
	 * listen FD from epoll set" when a worker woke first). */
	int listen_fd;
	/* The staff listener ([staff] listen), or -1: its bound address, to
	 * tell which listener a connection came in on (listen_is_staff), and
	 * the route table of the other listener, without the routes whose
	 * policy is not public (NULL without a staff listener). */
	int staff_fd;
	struct sockaddr_storage staff_addr;
	uint16_t staff_port;
	struct route *public_routes;
	size_t npublic_routes;
	/* Every open connection, counted from accept(2) on (see conns.h). */
	struct conns *conns;
	/* Holds back every 429 (see tarpit.h). */
	struct tarpit *tarpit;
	/* Connections refused for their source's limit since the last log
	 * line about it (read and reset by the accepting thread). */
	unsigned refused_source;
	int wake[2]; /* a pipe: server_stop() writes to end the accepting thread */
	pthread_t acceptor;
	/* Set by server_stop(): new requests are answered 503 with
	 * Connection: close, also on kept-alive connections. */
	atomic_bool stopping;
	/* Deferred answers alive (req_defer() until the request is done), and
	 * whether req_defer() still takes new ones. libmicrohttpd aborts when
	 * stopped with a suspended connection, so server_stop() closes
	 * deferring, under the lock, only when none is alive. */
	pthread_mutex_t defer_lock;
	unsigned deferrals;
	bool defer_closed;
	/* The trusted proxy's address (family 0: none). */
	int proxy_family;
	unsigned char proxy_addr[16];
	atomic_uint inflight;
	/* Requests whose handler ran and that are not done yet: their answer
	 * may hold something already stored (a follow-up message), so the
	 * drain timeout does not cut them off. */
	atomic_uint handling;
	uint16_t port;
	pthread_rwlock_t cache_lock;
	struct cached_page cache[RESP_CACHE_MAX];
	size_t ncache;
};

enum defer_state {
	DEFER_WAITING,
	DEFER_SUSPENDED,
	DEFER_DONE
};

/* Shared by a suspended request and the thread that will resume it; freed
 * by whichever lets go last, so neither a client that left nor a resumer
 * that is late touches freed memory. */
struct req_defer {
	pthread_mutex_t lock;
	int refs;
	enum defer_state state;
	bool req_alive;
	struct MHD_Connection *conn;
	struct server *srv;
	req_finish_fn finish;
	/* Frees what the data block owns when finish never ran (the client
	 * left); NULL when it owns nothing. */
	void (*drop)(void *data);
	max_align_t data[]; /* the handler's data block */
};

struct conn_ctx {
	struct req req;
	struct MHD_PostProcessor *pp;
	struct timespec start;
	int reject;      /* status to answer once the body is drained, or 0 */
	size_t received; /* body bytes seen, including dropped ones */
	/* The route, found as soon as the path is known: it decides how the
	 * body is read. params point into scratch. */
	const struct route *route;
	enum route_match match;
	unsigned allowed;
	char scratch[HTTP_MAX_PATH_BYTES + 1];
	struct req_defer *defer; /* a deferred answer, see http.h */
	struct server *srv;      /* for the counts of the server */
	bool dispatched;         /* the handler ran */
	void *conn_rec;          /* the connection's record in srv->conns */
	/* The request's framing is ambiguous (RFC 9112, 6.3): answer at once
	 * and close, so nothing after it is read as another request. */
	bool close;
	bool begun; /* the first call of on_request came: counted in flight */
	/* The request may reach routes whose policy is not public: it came in
	 * on the staff listener, or there is only one listener. */
	bool staff_side;
	/* Where the request line's version must start if nothing in the URI
	 * ended it early (a raw NUL); see on_uri(). */
	const char *version_at;
	char *last_field; /* name of the field being streamed by pp */
	char path[HTTP_MAX_PATH_BYTES + 1];
};

/* --- server.c --------------------------------------------------------- */
/* The security headers, Cache-Control, Content-Type and resp's own headers
 * on mr; close adds Connection: close (so does stopping). */
void srv_add_headers(struct MHD_Response *mr, const struct server *srv, const struct resp *resp,
                     bool close);
/* One access log line for the request of c (never an address). */
void srv_access_log(const struct server *srv, const struct conn_ctx *c, int status);
/* True when a Content-Type header value names a form body
 * (application/x-www-form-urlencoded or multipart/form-data, any case,
 * any parameters): the body is then read field by field. Also for
 * tests/fuzz/fuzz_content_type.c. */
bool http_is_form_type(const char *content_type);

/* --- request.c -------------------------------------------------------- */
/* Frees a request's context and everything it owns. Accepts NULL. */
void req_ctx_free(struct conn_ctx *c);
/* libmicrohttpd iterators collecting query fields and form fields into
 * the request of the conn_ctx in cls; a refusal sets its reject. */
enum MHD_Result req_query_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                size_t key_size, const char *value, size_t value_size);
enum MHD_Result req_post_field(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size);

/* --- response.c ------------------------------------------------------ */
/* Sends an HTML page (text/html) gzip-compressed when accept_encoding (the
 * request's Accept-Encoding, may be NULL) allows it and the page is at
 * least HTTP_GZIP_MIN_BYTES: the body (or the fixed body) is replaced by
 * its compressed copy and Content-Encoding: gzip added. Every HTML answer
 * gets Vary: Accept-Encoding. Other answers, and those already encoded
 * (static files), stay as they are. 0 or -ENOMEM / -E2BIG; on an error
 * the body is unchanged and may be sent as it is. */
int resp_gzip(struct resp *resp, const char *accept_encoding);

/* --- defer.c ---------------------------------------------------------- */
/* The request (from_request) or the resumer lets go of d; the last one
 * frees it and ends the deferral for server_stop(). */
void defer_release(struct req_defer *d, bool from_request);

/* --- pagecache.c ------------------------------------------------------ */
/* Queues the kept page for c's request if there is one; *hit tells. */
enum MHD_Result pagecache_serve(struct MHD_Connection *conn, struct server *srv, struct conn_ctx *c,
                                bool *hit);
/* Keeps a rendered 200 page of a cacheable route; a failure only means it
 * is rendered again next time. */
void pagecache_store(struct server *srv, const struct req *req, const struct resp *resp);
/* Frees every kept page (at stop). */
void pagecache_free(struct server *srv);

/* --- listen.c --------------------------------------------------------- */
/* A listening TCP socket on addr, or -errno. */
int listen_on(const struct sockaddr *addr, socklen_t len);
/* True when conn came in on the staff listener (srv->staff_fd). */
bool listen_is_staff(const struct server *srv, struct MHD_Connection *conn);
/* The accepting thread (pthread start routine, arg: the server). */
void *listen_accept_loop(void *arg);

#endif
