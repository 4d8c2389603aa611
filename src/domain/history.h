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

#endif
