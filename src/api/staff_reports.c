/* staff_reports: the staff API's reads of reports (contract.md, "Staff
 * API"): GET /api/v1/reports (the list, no free text or personal data)
 * and GET /api/v1/reports/ID (one report; its personal fields for the
 * roles that may see them, each such view audited). Access is the route
 * policy's (a bearer token of intake, handler or care); what each role
 * reads is site/staffread.h's. Answers are personal: never cached. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "audit/group.h"
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
	struct inbox_error err = {0};
	int rc;
	if (!(assigned && *assigned)) {
		/* Written straight into the body as JSON text: the same bytes
		 * as the tree below would give, without building it. */
		rc = resp_json(resp, 200, "");
		if (!rc)
			rc =
			    staffread_inbox_write(req->site, req->principal, &q, &resp->body, &err);
		if (rc == INBOX_BAD_QUERY)
			return api_fail(req, resp, 400, err.field, err.message);
		if (rc == -EBUSY)
			return busy(req, resp);
		return rc;
	}
	json_t *out = NULL;
	rc = staffread_inbox(req->site, req->principal, &q, &out, &err);
	if (rc == INBOX_BAD_QUERY)
		return api_fail(req, resp, 400, err.field, err.message);
	if (rc == -EBUSY)
		return busy(req, resp);
	if (rc)
		return rc;
	/* Nobody is assigned a report yet (handling comes later): a filter
	 * on an assignee finds none. */
	if ((json_array_clear(json_object_get(out, "reports")) ||
	     json_object_set_new(out, "next", json_null()))) {
		json_decref(out);
		return -ENOMEM;
	}
	return api_answer(resp, 200, out);
}

/* A report whose answer waits for its audit entry's commit (the
 * deferral's block): the answer, already made, and the entry's result. */
struct view_block {
	int rc;
	size_t len;
	char json[]; /* len bytes and a NUL */
};

/* On the thread that wrote the batch: quick, as audit_group_done_fn
 * must be. */
static void view_committed(void *arg, int rc)
{
	struct req_defer *h = arg;
	struct view_block *b = req_defer_block(h);
	b->rc = rc;
	req_resume(h);
}

/* On a worker thread, once the entry committed (or failed). */
static int view_finish(struct req *req, struct resp *resp)
{
	resp->personal = true;
	struct view_block *b = req->defer_data;
	if (b->rc) {
		staffread_audit_failed(b->rc);
		if (b->rc == -EBUSY)
			return busy(req, resp);
		return b->rc > 0 ? -EIO : b->rc;
	}
	return resp_json(resp, 200, b->json);
}

int api_staff_report(struct req *req, struct resp *resp)
{
	resp->personal = true;
	struct staffread_audit a;
	/* The answer is made now, as JSON text (no tree of the history's
	 * hundred events), and leaves once its audit entry committed. */
	struct buf json = BUF_INIT;
	int rc = staffread_report_write(req->site, req->principal, req->params[0], &json, &a);
	if (rc) {
		buf_free(&json);
		if (rc == REPORTVIEW_NOT_FOUND)
			return api_fail(req, resp, 404, "id", _("Deze melding bestaat niet."));
		if (rc == -EBUSY)
			return busy(req, resp);
		return rc;
	}
	/* The entry goes to the audit log's writer (group commit with the
	 * views of other connections, audit/group.h) while this worker
	 * thread serves other requests. */
	size_t len = json.len;
	struct req_defer *h = NULL;
	struct view_block *b = req_defer(req, view_finish, sizeof *b + len + 1, &h);
	if (b) {
		b->len = len;
		memcpy(b->json, buf_str(&json), len + 1);
		rc = audit_group_submit(&req->site->audit_group, &a.e, view_committed, h);
		if (!rc) {
			buf_free(&json);
			return 0;
		}
		req_defer_cancel(req);
	}
	/* No writer (stopping) or no memory for the deferral: written here,
	 * waiting, as the report page does. */
	rc = audit_group_append(&req->site->audit_group, req->site->store, &req->site->audit_key,
	                        &a.e);
	if (rc) {
		buf_free(&json);
		staffread_audit_failed(rc);
		if (rc == -EBUSY)
			return busy(req, resp);
		return rc > 0 ? -EIO : rc;
	}
	rc = resp_json(resp, 200, buf_str(&json));
	buf_free(&json);
	return rc;
}
