/* reportview: one report as staff read it (/staf/meldingen/ID and
 * GET /api/v1/reports/ID of contract.md).
 *
 * Owns: the report's JSON: the list's fields (domain/inbox.h) and, in
 * addition, the signals, the suggestion (with the signals it rests on),
 * the history (domain/history.h: "history", oldest first, and
 * "history_more", the older events left out) and, only when the caller
 * may see personal data, the
 * opened personal fields (description, place, when, people, contact) and
 * the messages with the reporter. It opens sealed fields only then. Who
 * may see what is the caller's decision (the route policy and the
 * principal's roles); writing the audit entry of a view of personal data
 * is the caller's too, in the same request. */
#ifndef SIGNAAL_DOMAIN_REPORTVIEW_H
#define SIGNAAL_DOMAIN_REPORTVIEW_H

#include <jansson.h>
#include <stdbool.h>

struct store;
struct report_reader;

/* Positive result: no such report in this organisation (a report of
 * another organisation is not found either). */
#define REPORTVIEW_NOT_FOUND 1

/* The reader holds the key that opens reports, derived from the key
 * file's master key. 0, -EIO, -ENOMEM. */
int report_reader_new(const unsigned char master[32], struct report_reader **out);
/* Wipes the key. Accepts NULL. */
void report_reader_free(struct report_reader *rr);

/* *out (caller owns) = report id_text (decimal, as the list gives it) of
 * org on today. personal: include the opened personal fields and the
 * messages. 0, REPORTVIEW_NOT_FOUND, -EIO (a sealed field that does not
 * open), -EBUSY or another store error. */
int report_view(struct report_reader *rr, struct store *s, const char *org, const char *id_text,
                bool personal, const char *today, json_t **out);

/* As report_view, written at the end of out as JSON text: the bytes
 * json_dumps(JSON_COMPACT) gives for report_view's *out, with the
 * history written as text rather than made a tree first; id gets the
 * report's id as the answer gives it. On an error out holds part of it:
 * the caller discards it. */
#define REPORTVIEW_ID_BUF 24
struct buf;
int report_view_write(struct report_reader *rr, struct store *s, const char *org,
                      const char *id_text, bool personal, const char *today, struct buf *out,
                      char id[REPORTVIEW_ID_BUF]);

#endif
