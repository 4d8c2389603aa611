/* staff_reports: the staff API's reads of reports (contract.md, "Staff
 * API"): GET /api/v1/reports (the list, no free text or personal data)
 * and GET /api/v1/reports/ID (one report; its personal fields for the
 * roles that may see them, each such view audited). Access is the route
 * policy's (a bearer token of intake, handler or care); what each role
 * reads is site/staffread.h's. Answers are personal: never cached. */
#include <errno.h>

#include "api/api.h"
#include "domain/accounts.h"
#include "site/site.h"
#include "site/staffread.h"
#include "util/i18n.h"
#include "util/str.h"

/* The database is busy (-EBUSY): 503 and when to try again. */
static int busy(struct req *req, struct resp *resp)
{
	int rc = api_fail(req, resp, 503, NULL, _("Het is nu erg druk. Probeer het zo opnieuw."));
	return rc ? rc : site_retry_after(resp, STAFF_BUSY_RETRY_S);
}

int api_staff_reports(struct req *req, struct resp *resp)
{
	resp->personal = true;
	struct inbox_query q = {.status = req_query(req, "status"),
	                        .form = req_query(req, "form"),
	                        .district = req_query(req, "district"),
	                        .overdue = req_query(req, "overdue"),
	                        .limit = req_query(req, "limit"),
	                        .after = req_query(req, "after")};
	const char *assigned = req_query(req, "assigned");
	if (assigned && *assigned && !str_is_id(assigned, ID_MAX_LEN) &&
	    !accounts_login_valid(assigned))
		return api_fail(req, resp, 400, "assigned", _("Geef een inlognaam."));
	json_t *out = NULL;
	struct inbox_error err = {0};
	int rc = staffread_inbox(req->site, req->principal, &q, &out, &err);
	if (rc == INBOX_BAD_QUERY)
		return api_fail(req, resp, 400, err.field, err.message);
	if (rc == -EBUSY)
		return busy(req, resp);
	if (rc)
		return rc;
	/* Nobody is assigned a report yet (handling comes later): a filter
	 * on an assignee finds none. */
	if (assigned && *assigned &&
	    (json_array_clear(json_object_get(out, "reports")) ||
	     json_object_set_new(out, "next", json_null()))) {
		json_decref(out);
		return -ENOMEM;
	}
	return api_answer(resp, 200, out);
}

int api_staff_report(struct req *req, struct resp *resp)
{
	resp->personal = true;
	json_t *out = NULL;
	int rc = staffread_report(req->site, req->principal, req->params[0], &out);
	if (rc == REPORTVIEW_NOT_FOUND)
		return api_fail(req, resp, 404, "id", _("Deze melding bestaat niet."));
	if (rc == -EBUSY)
		return busy(req, resp);
	if (rc)
		return rc;
	return api_answer(resp, 200, out);
}
