/* conns: the table of open connections, and who may have one.
 *
 * Owns admission and eviction of connections, so that no single source and
 * no slow client can make the site unreachable:
 *  - a global limit, counted from accept() on, so connections handed to
 *    libmicrohttpd but not yet taken in by its worker are counted too;
 *  - a limit per source (a keyed hash of the address, made by
 *    http/throttle.c; held in memory only, never logged);
 *  - deadlines for a request's headers and for its body, separate from
 *    libmicrohttpd's inactivity timeout (which a client resets with one
 *    byte at a time);
 *  - at the global limit, the oldest idle connection is closed so that a
 *    new client gets in.
 * A connection is cut with shutdown(2) on its socket: its worker thread
 * sees the end of the stream and closes it itself, so the descriptor is
 * never closed behind libmicrohttpd's back. Cutting happens under the
 * table's lock, and libmicrohttpd reports a connection closed (and only
 * then closes its descriptor) through conns_closed(), which takes the
 * same lock: a descriptor is never cut after it was closed.
 *
 * Knows nothing of HTTP or of libmicrohttpd; the server calls in. */
#ifndef SIGNAAL_HTTP_CONNS_H
#define SIGNAAL_HTTP_CONNS_H

#include <stdbool.h>
#include <stdint.h>

struct conns;

struct conns_limits {
	unsigned max_total;      /* connections at once, >= 1 */
	unsigned max_per_source; /* connections of one source at once; 0: no limit */
	unsigned header_s;       /* seconds to send a request's headers */
	unsigned body_s;         /* seconds to send a request's body */
	unsigned idle_s;         /* seconds a kept-alive connection may idle */
	/* Cuts a connection (shutdown(2) when NULL; tests record). */
	void (*cut)(int fd);
};

/* What a connection is doing; the deadline of each state counts from the
 * moment it was entered. */
enum conn_state {
	CONN_PENDING,  /* accepted, not yet taken in by libmicrohttpd */
	CONN_HEADERS,  /* waiting for (the rest of) a request's headers */
	CONN_BODY,     /* headers read, the body is coming */
	CONN_HANDLING, /* a handler runs or its answer is sent: no deadline */
	CONN_IDLE      /* kept alive after an answer, no request yet */
};

enum conns_admit {
	CONNS_ADMITTED,
	CONNS_FULL,       /* the global limit is reached */
	CONNS_SOURCE_FULL /* this source holds its limit */
};

/* A new table; *out owned by the caller (conns_free). -EINVAL, -ENOMEM. */
int conns_new(const struct conns_limits *limits, struct conns **out);
void conns_free(struct conns *t);

/* The accepting thread, before handing fd to libmicrohttpd: counts it
 * against the limits. source: the keyed hash of its address; exempt: the
 * trusted proxy, which carries many clients (its own limits apply, see
 * docs/OPERATIONS.md). Only CONNS_ADMITTED counts the connection. */
enum conns_admit conns_admit(struct conns *t, int fd, const unsigned char source[16], bool exempt,
                             uint64_t now_ms);
/* libmicrohttpd refused fd at once (MHD_add_connection failed): forget it. */
void conns_refused(struct conns *t, int fd);
/* libmicrohttpd took fd in; *ctx gets the connection's record, to be given
 * to conns_set() and conns_closed(). A connection that was not admitted
 * (cannot happen, but is not trusted) is counted if there is room, else
 * cut at once. */
void conns_started(struct conns *t, int fd, void **ctx, uint64_t now_ms);
/* libmicrohttpd closed the connection of ctx (before closing its
 * descriptor). Accepts a NULL *ctx. */
void conns_closed(struct conns *t, void **ctx);
/* The connection of ctx enters state (from a request callback). Accepts
 * NULL ctx. */
void conns_set(struct conns *t, void *ctx, enum conn_state state, uint64_t now_ms);

/* True when a new connection would be refused for the global limit. */
bool conns_full(struct conns *t);
/* At the global limit: cuts the idle connection that has idled longest (a
 * kept-alive one, or one that has been sending its headers for over
 * HTTP_HEADERS_IDLE_AFTER_MS), so a new client gets its place. A kept-alive connection counts
 * as idle until its next request's headers are complete, so one whose
 * next request is still arriving may be cut too: the browser then sends
 * it again on a new connection. Returns true when one was cut
 * or is still being closed (wait for it), false when none can be. */
bool conns_make_room(struct conns *t, uint64_t now_ms);
/* Cuts every connection past its state's deadline; returns how many. */
unsigned conns_reap(struct conns *t, uint64_t now_ms);

/* Counts, for tests and the log: connections counted, and those of them
 * cut and not yet closed. */
void conns_counts(struct conns *t, unsigned *total, unsigned *cutting);

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t conns_now_ms(void);

#endif
