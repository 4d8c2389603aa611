/* audit/list: reading the audit log back for people: one organisation's
 * entries, filtered and paged (the admin page), and as CSV (its download).
 *
 * Owns: the checks of the filters and the keyset paging (no OFFSET: a page
 * is "the entries before number N", newest first, stable while entries
 * are added). The CSV goes through render/csv.h, formula-safe. Checking
 * the chain is audit_verify()'s (audit.h): a list shows what is there. */
#ifndef SIGNAAL_AUDIT_LIST_H
#define SIGNAAL_AUDIT_LIST_H

#include <stdint.h>
#include <stdio.h>

#include "audit/audit.h"
#include "store/audit.h"

/* What to list. Strings borrowed; NULL or "" is no filter. */
struct audit_query {
	const char *org;    /* required: the organisation of the one who reads */
	const char *actor;  /* an actor exactly ("user:ID", "cli:NAME", "system") */
	int action;         /* an enum audit_action, or -1 for any */
	const char *object; /* an object exactly */
	const char *from;   /* "YYYY-MM-DD": entries of that day (UTC) and later */
	const char *until;  /* "YYYY-MM-DD": entries of that day (UTC) and earlier */
};

/* 0 when every filter has its shape (the same as an entry's fields, real
 * calendar dates); -EINVAL otherwise. */
int audit_query_check(const struct audit_query *q);

/* Called per entry, newest first; a nonzero return stops the list and
 * becomes its result. row is valid during the call only. */
typedef int (*audit_row_fn)(void *ctx, const struct store_audit_row *row);

/* Lists at most limit (1..AUDIT_PAGE_MAX) entries of q before entry number
 * before (0: from the newest). *next gets the number to pass as before
 * for the next page, 0 when there is none. -EINVAL for a bad query. */
int audit_list(struct store *s, const struct audit_query *q, int64_t before, size_t limit,
               audit_row_fn fn, void *ctx, int64_t *next);

/* Writes every entry of q, newest first, as CSV to f: a header row, then
 * number, time, actor, organisation, action, object, result. excel as
 * for csv_writer_init(). 0, -EINVAL for a bad query, or -errno. */
int audit_csv(struct store *s, const struct audit_query *q, FILE *f, bool excel);

#endif
