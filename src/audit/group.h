/* audit/group: group commit of audit entries that record no change (a
 * view of a report's personal data), for the server's threads.
 *
 * Owns: the queue of entries waiting to be written, the choice of the
 * thread that writes them, and the optional writer thread. Entries that
 * arrive while a commit is under way are written together in the next
 * transaction (audit_append_many: one look at the head, one new head,
 * one commit), instead of each in a transaction of its own that waits
 * for the head row's lock behind the others. An entry's caller learns
 * the outcome only once its transaction committed (or failed), so an
 * entry is still durable before the data it records leaves. The chain is
 * the one audit_append makes.
 *
 * Two ways in:
 *  - audit_group_append waits on its own thread: the first caller to
 *    find no commit under way writes at once (alone, it waits for
 *    nobody) and takes the entries queued meanwhile along;
 *  - audit_group_submit (after audit_group_start) returns at once and
 *    calls done later, on the thread that wrote the batch: an HTTP worker
 *    defers its answer (http.h) and goes on with other requests, so that
 *    even one worker thread gathers the views of all its connections in
 *    one commit (with one worker and a synchronous append each view
 *    waited for its own fsync, and the next view for it).
 *
 * Threads: every function may be called from any thread once
 * audit_group_init returned, until audit_group_destroy. */
#ifndef SIGNAAL_AUDIT_GROUP_H
#define SIGNAAL_AUDIT_GROUP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "audit/audit.h"

struct store;
struct audit_group_waiter;

struct audit_group {
	pthread_mutex_t mu;
	pthread_cond_t cv;     /* a batch ended (waiters and the writer) */
	pthread_cond_t wakeup; /* an entry was submitted, or stop (the writer) */
	bool busy;             /* a thread is writing a batch */
	struct audit_group_waiter *head, *tail;
	size_t waiting;        /* entries queued, not yet taken (under mu) */
	unsigned long batches; /* transactions run so far (under mu) */
	/* The writer thread (audit_group_start) and what it writes with. */
	bool running, stopping;
	pthread_t writer;
	struct store *s;
	const struct audit_key *key;
};

/* 0 or negative errno. No thread yet. */
int audit_group_init(struct audit_group *g);
/* Stops the writer (it writes what is queued first); no caller may be
 * inside audit_group_append; NULL-safe (a group never initialised must
 * be zeroed). */
void audit_group_destroy(struct audit_group *g);

/* Appends e to the chain of s under key, in a transaction of its own
 * that it may share with entries of other threads, and returns once
 * that transaction has committed: what audit_append_alone returns (0,
 * -EINVAL, AUDIT_BROKEN or negative errno; a batch that failed fails
 * every entry in it). key and s must be the same for every caller of g. */
int audit_group_append(struct audit_group *g, struct store *s, const struct audit_key *key,
                       const struct audit_entry *e);

/* Starts the writer thread of g, which writes submitted entries to s
 * under key (both must outlive it). 0 or negative errno. */
int audit_group_start(struct audit_group *g, struct store *s, const struct audit_key *key);

/* Called once per submitted entry, on the thread that wrote its batch,
 * with what audit_group_append would have returned. Must be quick. */
typedef void (*audit_group_done_fn)(void *arg, int rc);

/* Queues a copy of e for the writer and returns at once: 0 (done will be
 * called), -EINVAL (e has a field of the wrong shape), -ENODEV (no
 * writer running, or stopping: write it otherwise), -ENOMEM. */
int audit_group_submit(struct audit_group *g, const struct audit_entry *e, audit_group_done_fn done,
                       void *arg);

#endif
