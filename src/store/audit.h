/* store/audit: the rows of the audit log (table audit_log, its migration
 * in migrate.c) and the row of its head (a setting).
 *
 * Owns: reading and writing those rows, nothing of their meaning: the
 * MACs, the head's format and the checks are audit/audit.c's. Rows are
 * only ever added (no statement here changes or removes one). */
#ifndef SIGNAAL_STORE_AUDIT_H
#define SIGNAAL_STORE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "store/store.h"
#include "util/buf.h"

/* Longest code of an action or a result. */
#define STORE_AUDIT_CODE_MAX 32u
#define STORE_AUDIT_MAC_MAX  64u

/* One entry as stored. Text is "" for a NULL column. */
struct store_audit_row {
	int64_t seq;
	char at[STORE_TIME_LEN + 1];
	char actor[AUDIT_ACTOR_MAX_LEN + 1];
	char org[ID_MAX_LEN + 1];
	char action[STORE_AUDIT_CODE_MAX + 1];
	char object[AUDIT_OBJECT_MAX_LEN + 1];
	char result[STORE_AUDIT_CODE_MAX + 1];
	unsigned char mac[STORE_AUDIT_MAC_MAX];
	size_t mac_len;
};

/* Locks the head row (setting key) for the rest of tx and reads its value
 * into out (replaced): two transactions that do this run one after the
 * other; STORE_NOT_FOUND when there is no such row. In the same round
 * trip (after the lock) it reads the log's last entry: *last_seq its seq
 * (0 when the log is empty) and its MAC into mac (at most
 * STORE_AUDIT_MAC_MAX bytes, *len its length; 0 when it is not a MAC's
 * bytes). */
int store_tx_audit_head_lock_last(struct store_tx *tx, const char *key, struct buf *out,
                                  int64_t *last_seq, unsigned char *mac, size_t *len);
/* Adds rows[0..n), 1 <= n <= AUDIT_GROUP_MAX (at, actor, action, result
 * required; org and object may be ""; mac 1..STORE_AUDIT_MAC_MAX bytes;
 * -EINVAL for a value over a column limit), then sets head key to value,
 * in one round trip (a pipeline on PostgreSQL). A taken seq is not looked
 * for first: it fails the transaction (STORE_CONFLICT), so the caller
 * knows the log's last seq (store_tx_audit_head_lock_last).
 * STORE_NOT_FOUND when there is no head row. */
int store_tx_audit_insert_many(struct store_tx *tx, const struct store_audit_row *rows, size_t n,
                               const char *key, const char *value);

/* The head's value (into head, replaced; *have_head false when there is
 * no head row) and the highest seq there is (0 when none), read together
 * from one snapshot. */
int store_audit_head_and_max(struct store *s, const char *key, struct buf *head, bool *have_head,
                             int64_t *max_seq);

/* Calls fn for the rows with after < seq <= upto in order of seq, at most
 * limit of them. A nonzero return of fn stops and is returned. */
typedef int (*store_audit_fn)(void *ctx, const struct store_audit_row *row);
int store_audit_range(struct store *s, int64_t after, int64_t upto, size_t limit, store_audit_fn fn,
                      void *ctx);

/* One organisation's entries for a list, newest first: those with seq <
 * before that match every filter given (NULL or "": none): actor,
 * action and object exactly, at_from <= at < at_until (text of
 * timestamps, compared in byte order). At most limit rows. */
struct store_audit_filter {
	const char *org;
	const char *actor;
	const char *action;
	const char *object;
	const char *at_from;
	const char *at_until;
};
int store_audit_page(struct store *s, const struct store_audit_filter *f, int64_t before,
                     size_t limit, store_audit_fn fn, void *ctx);

/* The entries of organisation org about object (exactly; a report's
 * history: "report:ID"), newest first, at most limit (>= 1) of them;
 * *total gets how many there are in all (0 when none), read in the same
 * statement. Each row has seq, at, actor, action and result (org and
 * object are the ones asked for; no MAC). -EINVAL without org or object. */
int store_audit_object(struct store *s, const char *org, const char *object, size_t limit,
                       store_audit_fn fn, void *ctx, int64_t *total);

#endif
