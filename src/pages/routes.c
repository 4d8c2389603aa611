/* routes: the route table, and the small handlers that are not pages. */
#include <errno.h>
#include <stdio.h>

#include "api/api.h"
#include "domain/intake.h"
#include "http/static.h"
#include "pages/pages.h"
#include "pages/policy.h"
#include "pages/site.h"
#include "store/store.h"

const struct route site_routes[] = {
    {HTTP_GET, "/", page_home, &policy_public, .cache = true},
    {HTTP_GET, "/vormen/:slug", page_form, &policy_public, .cache = true},
    {HTTP_GET, "/signalen", page_signals, &policy_public, .cache = true},
    {HTTP_GET, "/risicofactoren", page_risks, &policy_public, .cache = true},
    {HTTP_GET, "/wat-wij-doen", page_about, &policy_public, .cache = true},
    {HTTP_GET | HTTP_POST, "/wegwijzer", page_wegwijzer, &policy_public, .csrf = true,
     .csrf_retry = page_wegwijzer_expired},
    {HTTP_GET | HTTP_POST, "/quiz", page_quiz, &policy_public, .csrf = true,
     .csrf_retry = page_quiz_expired},
    {HTTP_GET | HTTP_POST, "/melden", page_report, &policy_public, .csrf = true,
     .csrf_retry = page_report_expired},
    {HTTP_GET | HTTP_POST, "/volgen", page_follow, &policy_public, .csrf = true,
     .csrf_retry = page_follow_expired},
    {HTTP_GET, "/healthz", page_healthz, &policy_public, .cache = false},
    {HTTP_GET, "/api/v1/signals", api_signals, &policy_public, .cache = false},
    {HTTP_POST, "/api/v1/reports", api_reports, &policy_public, .json = true},
    {HTTP_POST, "/api/v1/follow", api_follow, &policy_public, .json = true},
    {HTTP_GET, "/static/*", page_static, &policy_public, .cache = false},
    {HTTP_GET, "/assets/:fp/*", page_asset, &policy_public, .cache = false},
};
const size_t site_nroutes = sizeof site_routes / sizeof site_routes[0];

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
