/* defer: deferred answers (http.h): a handler's answer waits for another
 * thread while its connection is suspended, and server_stop() knows how
 * many are alive. See server_int.h for how the server's files divide. */
#include <stdlib.h>

#include "http/server_int.h"

static void deferral_done(struct server *srv);

/* The deferral ends when the last of the request and the resumer lets go
 * of its handle: only then is no thread about to touch the daemon or srv
 * for it (the resumer lets go after MHD_resume_connection returned). */
void defer_release(struct req_defer *d, bool from_request)
{
	pthread_mutex_lock(&d->lock);
	if (from_request)
		d->req_alive = false;
	bool last = --d->refs == 0;
	pthread_mutex_unlock(&d->lock);
	if (last) {
		struct server *srv = d->srv;
		if (d->drop)
			d->drop(d->data);
		pthread_mutex_destroy(&d->lock);
		free(d);
		deferral_done(srv);
	}
}

/* --- Deferred answers ------------------------------------------------ */

void *req_defer(struct req *req, req_finish_fn finish, size_t size, struct req_defer **handle)
{
	struct conn_ctx *c = (struct conn_ctx *)((char *)req - offsetof(struct conn_ctx, req));
	if (c->defer || !finish)
		return NULL;
	struct req_defer *d = calloc(1, sizeof *d + size);
	if (!d)
		return NULL;
	struct server *srv = c->srv;
	pthread_mutex_lock(&srv->defer_lock);
	bool closed = srv->defer_closed;
	if (!closed)
		srv->deferrals++;
	pthread_mutex_unlock(&srv->defer_lock);
	if (closed) {
		free(d);
		return NULL;
	}
	pthread_mutex_init(&d->lock, NULL);
	d->refs = 2; /* the request and the resumer */
	d->state = DEFER_WAITING;
	d->req_alive = true;
	d->conn = req->conn;
	d->srv = c->srv;
	d->finish = finish;
	c->defer = d;
	*handle = d;
	return d->data;
}

/* A deferral ends: its request is done or the handler let go of it. */
static void deferral_done(struct server *srv)
{
	pthread_mutex_lock(&srv->defer_lock);
	srv->deferrals--;
	pthread_mutex_unlock(&srv->defer_lock);
}

bool req_stopping(const struct req *req)
{
	const struct conn_ctx *c =
	    (const struct conn_ctx *)((const char *)req - offsetof(struct conn_ctx, req));
	return atomic_load(&c->srv->stopping);
}

void req_defer_cancel(struct req *req)
{
	struct conn_ctx *c = (struct conn_ctx *)((char *)req - offsetof(struct conn_ctx, req));
	struct req_defer *d = c->defer;
	if (!d)
		return;
	c->defer = NULL;
	defer_release(d, false); /* the resumer's reference, never handed over */
	defer_release(d, true);
}

void *req_defer_block(struct req_defer *h)
{
	return h->data;
}

void req_resume(struct req_defer *h)
{
	pthread_mutex_lock(&h->lock);
	bool suspended = h->state == DEFER_SUSPENDED;
	h->state = DEFER_DONE;
	/* Under the lock: the request cannot be completed (and its connection
	 * freed) between the check and the call. */
	if (suspended && h->req_alive)
		MHD_resume_connection(h->conn);
	pthread_mutex_unlock(&h->lock);
	defer_release(h, false);
}
