/* audit/group: group commit of audit entries that record no change (a
 * view of a report's personal data), for the server's threads.
 *
 * Owns: the queue of entries waiting to be written and the choice of the
 * thread that writes them. Each caller returns only once its entry is
 * committed (or failed), so an entry is still durable before the data it
 * records leaves; entries that arrive while a commit is under way are
 * written together in the next transaction (audit_append_many: one look
 * at the head, one new head, one commit), instead of each in a
 * transaction of its own that waits for the head row's lock behind the
 * others. The first caller to find no commit under way writes at once:
 * alone, it waits for nobody. The chain is the one audit_append makes.
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
	pthread_cond_t cv;
	bool busy; /* a thread is writing a batch */
	struct audit_group_waiter *head, *tail;
	size_t waiting;        /* entries queued, not yet taken (under mu) */
	unsigned long batches; /* transactions run so far (under mu) */
};

/* 0 or negative errno. */
int audit_group_init(struct audit_group *g);
/* No caller may be inside audit_group_append; NULL-safe (a group never
 * initialised must be zeroed). */
void audit_group_destroy(struct audit_group *g);

/* Appends e to the chain of s under key, in a transaction of its own
 * that it may share with entries of other threads, and returns once
 * that transaction has committed: what audit_append_alone returns (0,
 * -EINVAL, AUDIT_BROKEN or negative errno; a batch that failed fails
 * every entry in it). key and s must be the same for every caller of g. */
int audit_group_append(struct audit_group *g, struct store *s, const struct audit_key *key,
                       const struct audit_entry *e);

#endif
