#include "site/submit.h"

#include <errno.h>

#include "site/site.h"

/* On the writer thread, after the commit: store the result and wake the
 * request. Quick, as intake_done_fn must be. */
static void committed(void *arg, int rc, const struct intake_receipt *receipt, int64_t id)
{
	struct req_defer *h = arg;
	struct submit_result *res = req_defer_block(h);
	res->rc = rc;
	if (receipt)
		res->receipt = *receipt;
	res->id = id;
	req_resume(h);
}

int submit_deferred(struct req *req, const struct report_org *org, const struct report_input *r,
                    req_finish_fn finish)
{
	if (!req->site->intake)
		return -ENODEV;
	struct req_defer *h = NULL;
	if (!req_defer(req, finish, sizeof(struct submit_result), &h))
		return req_stopping(req) ? INTAKE_BUSY : -ENOMEM;
	int rc = intake_submit_async(req->site->intake, org, r, committed, h);
	if (rc)
		req_defer_cancel(req);
	return rc;
}

struct submit_result *submit_result(struct req *req)
{
	return req->defer_data;
}
