/* demo: the example reports of `signaal init --demo` (make run), so that
 * a newcomer sees a working inbox.
 *
 * Owns: reading content/demo/reports.json (stories written as data, every
 * text starting with "VOORBEELD") and spreading its stories over "count"
 * reports of one organisation: dates over the last weeks (some past their
 * triage deadline), every status with a fitting outcome, the
 * organisation's districts; each sealed and suggested as the intake does
 * it. Nothing here runs in the server. */
#ifndef SIGNAAL_APP_DEMO_H
#define SIGNAAL_APP_DEMO_H

#include <stddef.h>

#include "util/buf.h"

struct store;
struct content;

/* Text every example report's texts start with. */
#define DEMO_MARK "VOORBEELD"

/* Adds the example reports of content_dir/demo/reports.json to org, which
 * must hold no reports yet (DEMO_HAS_REPORTS: nothing added), received up
 * to today ("YYYY-MM-DD"). Each report given another state than
 * "received" gets its audit entry (report.change, by actor: an audit
 * actor, see audit/audit.h). *added gets their number. err names the file
 * and the problem (DEMO_INVALID), the audit log that does not verify
 * (AUDIT_BROKEN: nothing added) or the store's failure (negative). */
int demo_load(struct store *s, const struct content *c, const char *content_dir,
              const unsigned char master[32], const char *org, const char *actor, const char *today,
              size_t *added, struct buf *err);

enum {
	DEMO_INVALID = 1,     /* the demo file is not as described */
	DEMO_HAS_REPORTS = 2, /* the organisation has reports already */
};

#endif
