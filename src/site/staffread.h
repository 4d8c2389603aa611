/* staffread: what staff may read of their organisation's reports, for the
 * inbox and report pages (pages/staff_reports.c) and the staff API
 * (api/staff_reports.c) alike.
 *
 * Owns the rules of reading (issue 9): the organisation is always the
 * principal's; intake and handler read the list and reports with their
 * personal data; care reads nothing yet (only reports referred to care,
 * which a later issue brings: an empty inbox and "not found"); analyst
 * and a bare admin never get here (the route policy refuses them). Every
 * view of a report's personal data is an audit entry, written before the
 * data leaves; when it cannot be written the report is not shown. */
#ifndef SIGNAAL_SITE_STAFFREAD_H
#define SIGNAAL_SITE_STAFFREAD_H

#include <jansson.h>

#include "audit/audit.h"
#include "domain/inbox.h"
#include "limits.h"
#include "domain/reportview.h"

struct site;
struct principal;

/* The roles that read reports (the route policies of the inbox, the
 * report view and the staff API's reads). */
#define STAFFREAD_ROLES (ROLE_INTAKE | ROLE_HANDLER | ROLE_CARE)

/* The inbox of p's organisation: as inbox_list() (today: the server's
 * date). */
int staffread_inbox(struct site *site, const struct principal *p, const struct inbox_query *q,
                    json_t **out, struct inbox_error *err);
/* The same inbox as JSON text at the end of out: inbox_list_write(). */
struct buf;
int staffread_inbox_write(struct site *site, const struct principal *p, const struct inbox_query *q,
                          struct buf *out, struct inbox_error *err);
/* Report id of p's organisation: as report_view(), with the personal
 * fields when p's roles may see them (then audited first).
 * REPORTVIEW_NOT_FOUND also for another organisation's report and for a
 * role that may see no report. */
int staffread_report(struct site *site, const struct principal *p, const char *id, json_t **out);

/* The audit entry of a view, for a caller that writes it itself. */
struct staffread_audit {
	struct audit_entry e; /* points into the buffers below */
	char actor[AUDIT_ACTOR_MAX_LEN + 1];
	char object[AUDIT_OBJECT_MAX_LEN + 1];
};
/* staffread_report in two halves, for a caller that defers its answer
 * until the entry committed (api/staff_reports.c, audit_group_submit):
 * the report (*out, caller owns) and the entry *a that must be written
 * before any of it leaves; nothing is written here. */
int staffread_report_read(struct site *site, const struct principal *p, const char *id,
                          json_t **out, struct staffread_audit *a);
/* The same with the report written at the end of out as JSON text
 * (report_view_write()); on an error out holds part of it. */
int staffread_report_write(struct site *site, const struct principal *p, const char *id,
                           struct buf *out, struct staffread_audit *a);
/* Logs that a view's entry could not be written (rc: its error). */
void staffread_audit_failed(int rc);

#endif
