/* conns: the table of open connections. See conns.h for what it owns.
 *
 * A plain array of max_total records, scanned linearly: at 512 records a
 * scan costs far less than the accept(2) it goes with, and the accepting
 * thread is the only one that scans (callbacks of a request touch only
 * their own record). One mutex guards everything. */
#include "http/conns.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "limits.h"

struct rec {
	bool used;
	bool cut;        /* shut down by us, waiting for libmicrohttpd's close */
	bool has_source; /* counted against a source's limit */
	enum conn_state state;
	int fd;
	uint64_t since_ms; /* when state was entered */
	unsigned char source[16];
};

struct conns {
	pthread_mutex_t mu;
	struct conns_limits lim;
	unsigned total;   /* records in use */
	unsigned cutting; /* of them, cut and not yet closed */
	struct rec *recs; /* lim.max_total */
};

uint64_t conns_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void cut_socket(int fd)
{
	(void)shutdown(fd, SHUT_RDWR);
}

int conns_new(const struct conns_limits *limits, struct conns **out)
{
	if (!limits || limits->max_total == 0)
		return -EINVAL;
	struct conns *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	t->lim = *limits;
	if (!t->lim.cut)
		t->lim.cut = cut_socket;
	t->recs = calloc(t->lim.max_total, sizeof *t->recs);
	if (!t->recs) {
		free(t);
		return -ENOMEM;
	}
	int rc = pthread_mutex_init(&t->mu, NULL);
	if (rc) {
		free(t->recs);
		free(t);
		return -rc;
	}
	*out = t;
	return 0;
}

void conns_free(struct conns *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->mu);
	free(t->recs);
	free(t);
}

static void release(struct conns *t, struct rec *r)
{
	if (r->cut)
		t->cutting--;
	memset(r, 0, sizeof *r);
	t->total--;
}

static struct rec *take(struct conns *t, int fd, enum conn_state state, uint64_t now)
{
	for (unsigned i = 0; i < t->lim.max_total; i++) {
		struct rec *r = &t->recs[i];
		if (r->used)
			continue;
		r->used = true;
		r->fd = fd;
		r->state = state;
		r->since_ms = now;
		t->total++;
		return r;
	}
	return NULL;
}

/* The record of a connection that libmicrohttpd has not taken in yet. */
static struct rec *pending_of(struct conns *t, int fd)
{
	for (unsigned i = 0; i < t->lim.max_total; i++) {
		struct rec *r = &t->recs[i];
		if (r->used && r->state == CONN_PENDING && r->fd == fd)
			return r;
	}
	return NULL;
}

enum conns_admit conns_admit(struct conns *t, int fd, const unsigned char source[16], bool exempt,
                             uint64_t now_ms)
{
	pthread_mutex_lock(&t->mu);
	/* A pending record with this descriptor number is stale: the kernel
	 * only hands out a number that was closed, so libmicrohttpd dropped
	 * that connection without taking it in (it does so without a word
	 * when it cannot allocate its memory pool). */
	struct rec *stale = pending_of(t, fd);
	if (stale)
		release(t, stale);
	enum conns_admit verdict = CONNS_ADMITTED;
	if (t->total >= t->lim.max_total) {
		verdict = CONNS_FULL;
	} else if (!exempt && t->lim.max_per_source) {
		unsigned n = 0;
		for (unsigned i = 0; i < t->lim.max_total; i++) {
			const struct rec *r = &t->recs[i];
			if (r->used && r->has_source && memcmp(r->source, source, 16) == 0)
				n++;
		}
		if (n >= t->lim.max_per_source)
			verdict = CONNS_SOURCE_FULL;
	}
	if (verdict == CONNS_ADMITTED) {
		struct rec *r = take(t, fd, CONN_PENDING, now_ms);
		if (r && !exempt) {
			r->has_source = true;
			memcpy(r->source, source, 16);
		}
	}
	pthread_mutex_unlock(&t->mu);
	return verdict;
}

void conns_refused(struct conns *t, int fd)
{
	pthread_mutex_lock(&t->mu);
	struct rec *r = pending_of(t, fd);
	if (r)
		release(t, r);
	pthread_mutex_unlock(&t->mu);
}

void conns_started(struct conns *t, int fd, void **ctx, uint64_t now_ms)
{
	pthread_mutex_lock(&t->mu);
	struct rec *r = pending_of(t, fd);
	if (!r)
		r = take(t, fd, CONN_HEADERS, now_ms);
	if (r) {
		r->state = CONN_HEADERS;
		r->since_ms = now_ms;
	} else {
		t->lim.cut(fd);
	}
	*ctx = r;
	pthread_mutex_unlock(&t->mu);
}

void conns_closed(struct conns *t, void **ctx)
{
	struct rec *r = *ctx;
	if (!r)
		return;
	pthread_mutex_lock(&t->mu);
	release(t, r);
	pthread_mutex_unlock(&t->mu);
	*ctx = NULL;
}

void conns_set(struct conns *t, void *ctx, enum conn_state state, uint64_t now_ms)
{
	struct rec *r = ctx;
	if (!r)
		return;
	pthread_mutex_lock(&t->mu);
	r->state = state;
	r->since_ms = now_ms;
	pthread_mutex_unlock(&t->mu);
}

bool conns_full(struct conns *t)
{
	pthread_mutex_lock(&t->mu);
	bool full = t->total >= t->lim.max_total;
	pthread_mutex_unlock(&t->mu);
	return full;
}

static void cut(struct conns *t, struct rec *r)
{
	r->cut = true;
	t->cutting++;
	t->lim.cut(r->fd);
}

bool conns_make_room(struct conns *t, uint64_t now_ms)
{
	pthread_mutex_lock(&t->mu);
	bool room = t->cutting > 0; /* one is on its way out already */
	struct rec *oldest = NULL;
	for (unsigned i = 0; i < t->lim.max_total && !room; i++) {
		struct rec *r = &t->recs[i];
		if (!r->used || r->cut)
			continue;
		/* A fresh connection still sending its headers is a new client
		 * too: only one that takes longer than a browser would idles. */
		bool idle =
		    r->state == CONN_IDLE || (r->state == CONN_HEADERS &&
		                              now_ms - r->since_ms >= HTTP_HEADERS_IDLE_AFTER_MS);
		if (idle && (!oldest || r->since_ms < oldest->since_ms))
			oldest = r;
	}
	if (oldest) {
		cut(t, oldest);
		room = true;
	}
	pthread_mutex_unlock(&t->mu);
	return room;
}

unsigned conns_reap(struct conns *t, uint64_t now_ms)
{
	uint64_t headers = (uint64_t)t->lim.header_s * 1000u;
	uint64_t body = (uint64_t)t->lim.body_s * 1000u;
	/* Kept alive: libmicrohttpd closes a silent connection after idle_s;
	 * one that trickles the bytes of a next request gets idle_s to start
	 * it and header_s to finish it. */
	uint64_t idle = (uint64_t)(t->lim.idle_s + t->lim.header_s) * 1000u;
	unsigned n = 0;
	pthread_mutex_lock(&t->mu);
	for (unsigned i = 0; i < t->lim.max_total; i++) {
		struct rec *r = &t->recs[i];
		if (!r->used || r->cut)
			continue;
		uint64_t age = now_ms - r->since_ms;
		if (r->state == CONN_PENDING) {
			/* Never taken in: libmicrohttpd dropped it (see conns_admit). */
			if (age >= HTTP_PENDING_STALE_MS)
				release(t, r);
			continue;
		}
		bool late = (r->state == CONN_HEADERS && age >= headers) ||
		            (r->state == CONN_BODY && age >= body) ||
		            (r->state == CONN_IDLE && age >= idle);
		if (late) {
			cut(t, r);
			n++;
		}
	}
	pthread_mutex_unlock(&t->mu);
	return n;
}

void conns_counts(struct conns *t, unsigned *total, unsigned *cutting)
{
	pthread_mutex_lock(&t->mu);
	*total = t->total;
	*cutting = t->cutting;
	pthread_mutex_unlock(&t->mu);
}
