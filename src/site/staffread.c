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

int staffread_report(struct site *site, const struct principal *p, const char *id, json_t **out)
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
	/* The entry names the report by its id (random, no personal data)
	 * and is committed before the answer is made: in a transaction
	 * shared with the entries of views on other threads at that moment
	 * (group commit, audit/group.h), which each wait for it too. */
	char actor[AUDIT_ACTOR_MAX_LEN + 1], object[AUDIT_OBJECT_MAX_LEN + 1];
	snprintf(object, sizeof object, "report:%s", json_string_value(json_object_get(v, "id")));
	rc = audit_actor_user(actor, p->login);
	struct audit_entry e = {actor, p->org, AUDIT_REPORT_VIEW, object, AUDIT_OK};
	if (!rc)
		rc = audit_group_append(&site->audit_group, site->store, &site->audit_key, &e);
	if (rc) {
		log_error("report view refused: its audit entry could not be written (%s)",
		          rc == AUDIT_BROKEN ? "the audit log does not verify"
		                             : strerror(rc < 0 ? -rc : EIO));
		json_decref(v);
		return rc > 0 ? -EIO : rc;
	}
	*out = v;
	return 0;
}
