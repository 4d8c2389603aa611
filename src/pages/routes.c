/* routes: the small handlers that are not pages (the route table is
 * src/routes.c). */
#include <errno.h>
#include <stdio.h>

#include "domain/intake.h"
#include "http/static.h"
#include "pages/pages.h"
#include "pages/page.h"
#include "store/store.h"

/* 503 while the store cannot be read, or while reports cannot be written
 * (a full disk, a read-only directory: the last write failed and a probe
 * write still fails), with the cause in the body for the operator. */
int page_healthz(struct req *req, struct resp *resp)
{
	if (store_ping(req->site->store) != 0)
		return resp_text(resp, 503, "store unavailable\n");
	int w = req->site->intake ? intake_write_health(req->site->intake) : 0;
	if (w) {
		char text[160];
		snprintf(text, sizeof text, "cannot store reports: %s\n", store_strerror(w));
		return resp_text(resp, 503, text);
	}
	return resp_text(resp, 200, "ok\n");
}

static int serve_static(struct req *req, struct resp *resp, const char *path, const char *fp)
{
	int rc = statics_serve(req->site->statics, path, fp, req, resp);
	if (rc > 0) {
		page_error(req, resp, 404);
		return 0;
	}
	return rc;
}

int page_static(struct req *req, struct resp *resp)
{
	return serve_static(req, resp, req->params[0], NULL);
}

int page_asset(struct req *req, struct resp *resp)
{
	return serve_static(req, resp, req->params[1], req->params[0]);
}

int page_favicon(struct req *req, struct resp *resp)
{
	return serve_static(req, resp, "favicon.ico", NULL);
}
