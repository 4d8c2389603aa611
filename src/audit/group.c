/* audit/group: see group.h. Leader and followers: the thread that finds
 * no batch under way takes every waiting entry (at most AUDIT_GROUP_MAX),
 * writes them in one transaction and wakes their threads; the others
 * wait on the condition variable until their entry is done or no batch
 * is under way any more (then one of them leads the next). */
#include "audit/group.h"

#include <errno.h>
#include <string.h>

#include "limits.h"
#include "store/store.h"

struct audit_group_waiter {
	const struct audit_entry *e;
	int rc;
	bool done;
	struct audit_group_waiter *next;
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
	g->busy = false;
	return 0;
}

void audit_group_destroy(struct audit_group *g)
{
	if (!g)
		return;
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

int audit_group_append(struct audit_group *g, struct store *s, const struct audit_key *key,
                       const struct audit_entry *e)
{
	/* A bad entry must not fail the others of its batch. */
	if (!audit_entry_valid(e))
		return -EINVAL;
	struct audit_group_waiter w = {.e = e};
	pthread_mutex_lock(&g->mu);
	if (g->tail)
		g->tail->next = &w;
	else
		g->head = &w;
	g->tail = &w;
	g->waiting++;
	while (!w.done && g->busy)
		pthread_cond_wait(&g->cv, &g->mu);
	if (w.done) {
		pthread_mutex_unlock(&g->mu);
		return w.rc;
	}
	/* Lead: w is still queued (only a leader takes entries), so the
	 * batch holds it. */
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
	for (struct audit_group_waiter *x = first, *end = last->next; x != end;) {
		struct audit_group_waiter *next = x->next;
		x->rc = rc;
		x->done = true;
		x = next;
	}
	g->busy = false;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
	return w.rc;
}
