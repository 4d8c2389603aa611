/* policy: who may call a route. See policy.h. */
#include "pages/policy.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/csrf.h"
#include "auth/roles.h"
#include "site/staffread.h"
#include "domain/accounts.h"
#include "pages/page.h"
#include "util/log.h"
#include "util/str.h"

const struct route_policy policy_public = {.anyone = true};
const struct route_policy policy_staff_door = {.anyone = true, .staff_door = true};
const struct route_policy policy_staff_step = {.roles = ROLE_ALL, .half = true};
const struct route_policy policy_staff = {.roles = ROLE_ALL};
const struct route_policy policy_staff_admin = {.roles = ROLE_ADMIN};
const struct route_policy policy_api_staff = {.roles = ROLE_ALL, .api = true};
const struct route_policy policy_staff_reports = {.roles = STAFFREAD_ROLES};
const struct route_policy policy_api_reports = {.roles = STAFFREAD_ROLES, .api = true};
const struct route_policy policy_api_admin = {.roles = ROLE_ADMIN, .api = true};

const char *policy_session_cookie(bool secure)
{
	return secure ? POLICY_SESSION_COOKIE_HOST : POLICY_SESSION_COOKIE;
}

const char *policy_step_path(int next)
{
	switch (next) {
	case NEXT_PASSWORD:
		return "/staf/wachtwoord-kiezen";
	case NEXT_ENROL:
		return "/staf/tweede-stap-instellen";
	case NEXT_CODE:
		return "/staf/code";
	default:
		return "/staf";
	}
}

static int api_refuse(struct resp *resp, int status, const char *message)
{
	char body[160];
	snprintf(body, sizeof body, "{\"error\":{\"field\":\"\",\"message\":\"%s\"}}", message);
	int rc = resp_json(resp, status, body);
	if (!rc && status == 401)
		rc = resp_header(resp, "WWW-Authenticate", "Bearer realm=\"signaal\"");
	return rc ? rc : 1;
}

/* "Bearer TOKEN" of the Authorization header, or NULL. */
static const char *bearer(const struct req *req)
{
	const char *h = req_header(req, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return h;
}

static int redirect(struct req *req, struct resp *resp, const char *path)
{
	char to[96];
	snprintf(to, sizeof to, "%s%s", strcmp(req->lang, "en") == 0 ? "/en" : "", path);
	int rc = resp_redirect(resp, req->method == HTTP_POST ? 303 : 302, to);
	return rc ? rc : 1;
}

int policy_authorize(const struct route_policy *policy, struct req *req, struct resp *resp)
{
	if (policy && policy->anyone)
		return 0;
	if (!policy || !policy->roles) {
		page_error(req, resp, 403);
		return 1;
	}
	struct principal *p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	int64_t now = (int64_t)time(NULL);
	struct accounts *a = &req->site->accounts;
	int rc;
	if (policy->api) {
		const char *tok = bearer(req);
		rc = tok ? accounts_token(a, tok, now, p) : ACCOUNTS_NO_SESSION;
		if (rc < 0)
			goto fail;
		if (rc) {
			free(p);
			return api_refuse(resp, 401, "Geen geldig token.");
		}
		req->principal = p;
		if (!(p->roles & policy->roles))
			return api_refuse(resp, 403, "Dit mag deze rol niet.");
		return 0;
	}
	/* A staff page's answer is for this person only. */
	resp->personal = true;
	const char *sid = req_cookie(req, policy_session_cookie(req->secure));
	rc = sid ? accounts_session(a, sid, now, p) : ACCOUNTS_NO_SESSION;
	if (rc < 0)
		goto fail;
	if (rc) {
		free(p);
		return redirect(req, resp, POLICY_LOGIN_PATH);
	}
	req->principal = p;
	if (p->stage != SESSION_FULL && !policy->half)
		return redirect(req, resp, policy_step_path(p->next));
	if (!(p->roles & policy->roles)) {
		page_error(req, resp, 403);
		return 1;
	}
	return 0;
fail:
	free(p);
	log_error("staff access could not be checked: %s", strerror(-rc));
	return rc;
}

bool policy_is_public(const struct route_policy *policy)
{
	return policy && policy->anyone && !policy->staff_door;
}

bool policy_csrf_ok(const struct req *req)
{
	const struct principal *p = req->principal;
	if (p && !p->via_token) {
		const char *t = req_form(req, CSRF_FIELD);
		return t && strlen(t) == SECRET_HEX_LEN &&
		       sodium_memcmp(t, p->csrf, SECRET_HEX_LEN) == 0;
	}
	return csrf_check(req->site->csrf_key, req);
}
