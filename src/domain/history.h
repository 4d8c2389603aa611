/* history: a report's history as staff read it (the "history" of the
 * report view, /staf/meldingen/ID and GET /api/v1/reports/ID).
 *
 * Owns: turning what is stored about one report into the contract's list
 * of events, oldest first: its receipt (from the report itself), then the
 * audit entries of its organisation whose object is the report
 * ("report:ID": views of its personal data, changes, exports), at most
 * REPORT_HISTORY_MAX of them (the newest; how many older ones were left
 * out is counted). It only reads: writing the audit entry of the view
 * that reads it is staffread's, after this read, so a view is in the
 * history from the next view on and never in its own answer. */
#ifndef SIGNAAL_DOMAIN_HISTORY_H
#define SIGNAAL_DOMAIN_HISTORY_H

#include <jansson.h>
#include <stdint.h>

#include "limits.h"
#include "store/audit.h"
#include "store/store.h"

struct store;

/* *out (caller owns) = [{"at", "action", "actor", "result"}, ...] of
 * report id of org, oldest first: first {"at": received ("YYYY-MM-DD" or
 * a UTC time), "action": "received", "actor": null, "result": "ok"},
 * then one per audit entry ("at" its UTC time, "action" its code such as
 * "report.view", "actor" "user:LOGIN", "cli:NAME" or "system", "result"
 * "ok", "denied" or "failed"). *more = entries older than those given
 * that were left out (0 when none). 0, -EINVAL, -ENOMEM or a store error
 * (-EBUSY: try again). */
int report_history(struct store *s, const char *org, int64_t id, const char *received, json_t **out,
                   int64_t *more);

/* The same in two steps, for a caller that reads the audit entries with
 * other things in one round trip (store_report_read): history_begin
 * fills *h and x's history fields (object "report:ID", the limit, the
 * row function); after the read, history_end makes *out and *more as
 * report_history (received: the report's), or with rc (the read's result,
 * not 0) only frees. Every history_begin that returned 0 needs its
 * history_end. */
struct store_report_extra;
struct history_line {
	char at[STORE_TIME_LEN + 1];
	char action[STORE_AUDIT_CODE_MAX + 1];
	char actor[AUDIT_ACTOR_MAX_LEN + 1];
	char result[STORE_AUDIT_CODE_MAX + 1];
};
struct history_read {
	/* The audit entries read, newest first: plain rows rather than
	 * jansson objects (a report view's answer writes them as text). */
	struct history_line *lines; /* owned, REPORT_HISTORY_MAX of room */
	size_t n;
	char object[AUDIT_OBJECT_MAX_LEN + 1];
};
int history_begin(struct history_read *h, int64_t id, struct store_report_extra *x);
int history_end(struct history_read *h, int rc, const char *received, int64_t total, json_t **out,
                int64_t *more);
/* As history_end, the list written at the end of out as JSON text: the
 * bytes json_dumps(JSON_COMPACT) gives for history_end's *out. On an
 * error out holds part of it: the caller discards it. */
struct buf;
int history_end_write(struct history_read *h, int rc, const char *received, int64_t total,
                      struct buf *out, int64_t *more);

#endif
