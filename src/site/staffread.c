/* staffread: see staffread.h. */
#include "site/staffread.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/group.h"
#include "auth/roles.h"
#include "domain/accounts.h"
#include "domain/workdays.h"
#include "site/site.h"
#include "util/buf.h"
#include "util/log.h"

/* Whether p reads reports with their personal data. */
static bool reads_reports(const struct principal *p)
{
	return (p->roles & (ROLE_INTAKE | ROLE_HANDLER)) != 0;
}

int staffread_inbox(struct site *site, const struct principal *p, const struct inbox_query *q,
                    json_t **out, struct inbox_error *err)
{
	if (!reads_reports(p)) {
		/* care: nothing is referred to care yet */
		*out = json_pack("{s:[], s:n}", "reports", "next");
		return *out ? 0 : -ENOMEM;
	}
	char today[WORKDAYS_DATE_BUF];
	workdays_today(today);
	return inbox_list(site->store, p->org, q, today, out, err);
}

int staffread_inbox_write(struct site *site, const struct principal *p, const struct inbox_query *q,
                          struct buf *out, struct inbox_error *err)
{
	if (!reads_reports(p)) /* care, as staffread_inbox() */
		return buf_puts(out, "{\"reports\":[],\"next\":null}");
	char today[WORKDAYS_DATE_BUF];
	workdays_today(today);
	return inbox_list_write(site->store, p->org, q, today, out, err);
}

/* The audit entry *a of p's view of report id (its id as the answer
 * gives it: random, no personal data). */
static int audit_entry(const struct principal *p, const char *id, struct staffread_audit *a)
{
	snprintf(a->object, sizeof a->object, "report:%s", id);
	int rc = audit_actor_user(a->actor, p->login);
	if (rc)
		return rc > 0 ? -EIO : rc;
	a->e = (struct audit_entry){a->actor, p->org, AUDIT_REPORT_VIEW, a->object, AUDIT_OK};
	return 0;
}

int staffread_report_read(struct site *site, const struct principal *p, const char *id,
                          json_t **out, struct staffread_audit *a)
{
	*out = NULL;
	if (!reads_reports(p))
		return REPORTVIEW_NOT_FOUND;
	char today[WORKDAYS_DATE_BUF];
	workdays_today(today);
	json_t *v = NULL;
	int rc = report_view(site->reader, site->store, p->org, id, true, today, &v);
	if (rc)
		return rc;
	rc = audit_entry(p, json_string_value(json_object_get(v, "id")), a);
	if (rc) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return 0;
}

int staffread_report_write(struct site *site, const struct principal *p, const char *id,
                           struct buf *out, struct staffread_audit *a)
{
	if (!reads_reports(p))
		return REPORTVIEW_NOT_FOUND;
	char today[WORKDAYS_DATE_BUF];
	workdays_today(today);
	char rid[REPORTVIEW_ID_BUF];
	int rc = report_view_write(site->reader, site->store, p->org, id, true, today, out, rid);
	return rc ? rc : audit_entry(p, rid, a);
}

void staffread_audit_failed(int rc)
{
	log_error("report view refused: its audit entry could not be written (%s)",
	          rc == AUDIT_BROKEN ? "the audit log does not verify"
	                             : strerror(rc < 0 ? -rc : EIO));
}

int staffread_report(struct site *site, const struct principal *p, const char *id, json_t **out)
{
	struct staffread_audit a;
	json_t *v = NULL;
	int rc = staffread_report_read(site, p, id, &v, &a);
	if (rc)
		return rc;
	/* Committed before the answer is made: in a transaction shared with
	 * the entries of views on other threads at that moment (group
	 * commit, audit/group.h), which each wait for it too. */
	rc = audit_group_append(&site->audit_group, site->store, &site->audit_key, &a.e);
	if (rc) {
		staffread_audit_failed(rc);
		json_decref(v);
		return rc > 0 ? -EIO : rc;
	}
	*out = v;
	return 0;
}
