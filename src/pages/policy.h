/* policy: who may call a route. http.h leaves struct route_policy opaque;
 * this defines it and the checks the dispatcher runs through the hooks
 * of server_opts (authorize, policy_public, csrf_ok), so that no handler
 * checks access or a form's token itself.
 *
 * A staff route names the roles that may call it. The dispatcher resolves
 * the principal (user, organisation, roles) from the staff session cookie
 * (pages) or the bearer token (API) before the handler, into
 * req->principal:
 *  - a page without a session (or an expired one) redirects to the login
 *    page; a session half-way through its login (password given, second
 *    factor not yet) goes to its next step unless the route is one of
 *    those steps (.half); a role that may not: the 403 page;
 *  - the API: no token or a bad one is 401, a role that may not is 403
 *    (contract.md).
 * A staff POST's CSRF token is bound to the session (struct principal's
 * csrf); a public form's to its cookie (auth/csrf.h). */
#ifndef SIGNAAL_PAGES_POLICY_H
#define SIGNAAL_PAGES_POLICY_H

#include <stdbool.h>

#include "http/http.h"

struct route_policy {
	bool anyone; /* public: no login, nothing personal beyond a form's token */
	/* Staff: the roles (auth/roles.h) of which a principal needs one. */
	unsigned roles;
	bool api;  /* a bearer token (API), not a session cookie (pages) */
	bool half; /* a step of the login: a half session may call it too */
	/* With anyone: open to all, yet part of the staff workspace (the login
	 * page), so served only on the staff listener when there is one. */
	bool staff_door;
};

/* The policy of every public page and the public API. */
extern const struct route_policy policy_public;
/* The staff login page: anyone may open it, but it is no public page
 * (policy_is_public() says false: with [staff] listen it is not served on
 * the public listener). */
extern const struct route_policy policy_staff_door;
/* Staff pages: the login's own steps (a half session), any role, and
 * per role set; the staff API likewise. */
extern const struct route_policy policy_staff_step;
extern const struct route_policy policy_staff;
extern const struct route_policy policy_staff_admin;
extern const struct route_policy policy_api_staff;
extern const struct route_policy policy_api_admin;
/* Reading reports: intake, handler and care (site/staffread.h says what
 * each reads). */
extern const struct route_policy policy_staff_reports;
extern const struct route_policy policy_api_reports;

/* The name of the staff session cookie for a request over https (the
 * "__Host-" prefix) or plain http (loopback development). */
#define POLICY_SESSION_COOKIE      "signaal_staff"
#define POLICY_SESSION_COOKIE_HOST "__Host-signaal_staff"
const char *policy_session_cookie(bool secure);
/* The login page and the page of each step of a half session. */
#define POLICY_LOGIN_PATH "/staf/inloggen"
const char *policy_step_path(int next);

/* server_opts.authorize: 0 lets the request through (req->principal set
 * for a staff route); 1 when resp holds the refusal (a redirect to the
 * login page, a 403 page, a 401 or 403 of the API); -errno on failure. */
int policy_authorize(const struct route_policy *policy, struct req *req, struct resp *resp);
/* server_opts.policy_public. */
bool policy_is_public(const struct route_policy *policy);
/* server_opts.csrf_ok: a staff form's token fits its session; a public
 * form's token fits the visitor's cookie. */
bool policy_csrf_ok(const struct req *req);

#endif
