/* audit/group: see group.h. Leader and followers: a thread that finds no
 * batch under way takes every waiting entry (at most AUDIT_GROUP_MAX),
 * writes them in one transaction and then tells their callers: a waiting
 * thread by its flag and the condition variable, a submitted entry by
 * its callback. The writer thread is one more such leader, woken by
 * submissions. */
#include "audit/group.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "store/store.h"

struct audit_group_waiter {
	const struct audit_entry *e;
	int rc;
	bool done;
	struct audit_group_waiter *next;
	/* Submitted entries only (heap, freed after done): the callback and
	 * the entry's copy. */
	audit_group_done_fn cb;
	void *arg;
	struct audit_group_waiter *cb_next;
	struct audit_entry copy;
	char actor[AUDIT_ACTOR_MAX_LEN + 1];
	char org[ID_MAX_LEN + 1];
	char object[AUDIT_OBJECT_MAX_LEN + 1];
};

int audit_group_init(struct audit_group *g)
{
	memset(g, 0, sizeof *g);
	int rc = pthread_mutex_init(&g->mu, NULL);
	if (rc)
		return -rc;
	rc = pthread_cond_init(&g->cv, NULL);
	if (rc) {
		pthread_mutex_destroy(&g->mu);
		return -rc;
	}
	rc = pthread_cond_init(&g->wakeup, NULL);
	if (rc) {
		pthread_cond_destroy(&g->cv);
		pthread_mutex_destroy(&g->mu);
		return -rc;
	}
	return 0;
}

void audit_group_destroy(struct audit_group *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->mu);
	bool running = g->running;
	g->stopping = true;
	pthread_cond_broadcast(&g->wakeup);
	pthread_mutex_unlock(&g->mu);
	if (running)
		pthread_join(g->writer, NULL);
	pthread_cond_destroy(&g->wakeup);
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
}

struct batch {
	const struct audit_key *key;
	const struct audit_entry *e[AUDIT_GROUP_MAX];
	size_t n;
};

static int batch_txn(struct store_tx *tx, void *vctx)
{
	struct batch *b = vctx;
	return audit_append_many(tx, b->key, b->e, b->n);
}

/* Called with g->mu held and g->busy false, the queue not empty: takes a
 * batch, writes it (without the lock), tells its callers. Returns with
 * g->mu held. */
static void lead(struct audit_group *g, struct store *s, const struct audit_key *key)
{
	g->busy = true;
	struct batch b = {.key = key};
	struct audit_group_waiter *first = g->head, *last = NULL;
	for (struct audit_group_waiter *x = first; x && b.n < AUDIT_GROUP_MAX; x = x->next) {
		b.e[b.n++] = x->e;
		last = x;
	}
	g->waiting -= b.n;
	g->head = last->next;
	if (!g->head)
		g->tail = NULL;
	pthread_mutex_unlock(&g->mu);

	int rc = store_txn(s, batch_txn, &b);

	pthread_mutex_lock(&g->mu);
	g->batches++;
	/* last->next is now the first entry after the batch, or NULL. */
	struct audit_group_waiter *cbs = NULL;
	for (struct audit_group_waiter *x = first, *end = last->next; x != end;) {
		struct audit_group_waiter *next = x->next;
		x->rc = rc;
		if (x->cb) {
			x->cb_next = cbs;
			cbs = x;
		} else {
			x->done = true;
		}
		x = next;
	}
	g->busy = false;
	pthread_cond_broadcast(&g->cv);
	pthread_cond_broadcast(&g->wakeup);
	pthread_mutex_unlock(&g->mu);
	while (cbs) {
		struct audit_group_waiter *next = cbs->cb_next;
		cbs->cb(cbs->arg, cbs->rc);
		free(cbs);
		cbs = next;
	}
	pthread_mutex_lock(&g->mu);
}

static void enqueue(struct audit_group *g, struct audit_group_waiter *w)
{
	if (g->tail)
		g->tail->next = w;
	else
		g->head = w;
	g->tail = w;
	g->waiting++;
}

int audit_group_append(struct audit_group *g, struct store *s, const struct audit_key *key,
                       const struct audit_entry *e)
{
	/* A bad entry must not fail the others of its batch. */
	if (!audit_entry_valid(e))
		return -EINVAL;
	struct audit_group_waiter w = {.e = e};
	pthread_mutex_lock(&g->mu);
	enqueue(g, &w);
	while (!w.done && g->busy)
		pthread_cond_wait(&g->cv, &g->mu);
	/* Not done and no batch under way: w is still queued (only a leader
	 * takes entries), so the batch this thread leads holds it. */
	if (!w.done)
		lead(g, s, key);
	pthread_mutex_unlock(&g->mu);
	return w.rc;
}

static void *writer_main(void *arg)
{
	struct audit_group *g = arg;
	pthread_mutex_lock(&g->mu);
	for (;;) {
		while (!g->stopping && (!g->head || g->busy))
			pthread_cond_wait(&g->wakeup, &g->mu);
		if (g->busy) { /* stopping, and a leader is writing: wait for it */
			pthread_cond_wait(&g->cv, &g->mu);
			continue;
		}
		if (!g->head)
			break; /* stopping, nothing left */
		lead(g, g->s, g->key);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

int audit_group_start(struct audit_group *g, struct store *s, const struct audit_key *key)
{
	pthread_mutex_lock(&g->mu);
	int rc = g->running || g->stopping ? -EINVAL : 0;
	if (!rc) {
		g->s = s;
		g->key = key;
		rc = -pthread_create(&g->writer, NULL, writer_main, g);
		g->running = rc == 0;
	}
	pthread_mutex_unlock(&g->mu);
	return rc;
}

int audit_group_submit(struct audit_group *g, const struct audit_entry *e, audit_group_done_fn done,
                       void *arg)
{
	if (!audit_entry_valid(e))
		return -EINVAL;
	struct audit_group_waiter *w = calloc(1, sizeof *w);
	if (!w)
		return -ENOMEM;
	snprintf(w->actor, sizeof w->actor, "%s", e->actor);
	snprintf(w->org, sizeof w->org, "%s", e->org ? e->org : "");
	snprintf(w->object, sizeof w->object, "%s", e->object ? e->object : "");
	w->copy = (struct audit_entry){w->actor, w->org, e->action, w->object, e->result};
	w->e = &w->copy;
	w->cb = done;
	w->arg = arg;
	pthread_mutex_lock(&g->mu);
	bool open = g->running && !g->stopping;
	if (open) {
		enqueue(g, w);
		pthread_cond_signal(&g->wakeup);
	}
	pthread_mutex_unlock(&g->mu);
	if (!open) {
		free(w);
		return -ENODEV;
	}
	return 0;
}
