/* policy: who may call a route. http.h leaves struct route_policy opaque;
 * this defines it and the checks the dispatcher runs through the hooks
 * of server_opts (authorize, policy_public, csrf_ok), so that no handler
 * checks access or a form's token itself.
 *
 * Today every route is public; staff roles come with the next issue and
 * are added here, not in handlers. */
#ifndef SIGNAAL_PAGES_POLICY_H
#define SIGNAAL_PAGES_POLICY_H

#include <stdbool.h>

#include "http/http.h"

struct route_policy {
	bool anyone; /* public: no login, nothing personal beyond a form's token */
};

/* The policy of every public page and the public API. */
extern const struct route_policy policy_public;
/* The audit log's admin page and download (pages/staff_audit.c): a
 * placeholder that nobody passes yet; it becomes "role admin" when the
 * dispatcher knows staff and their roles. */
extern const struct route_policy policy_audit_admin;

/* server_opts.authorize: 0 lets the request through; 1 when resp holds
 * the refusal (a 403 page: no route asks for more than the public policy
 * yet). */
int policy_authorize(const struct route_policy *policy, struct req *req, struct resp *resp);
/* server_opts.policy_public. */
bool policy_is_public(const struct route_policy *policy);
/* server_opts.csrf_ok: the form's token fits the visitor's cookie. */
bool policy_csrf_ok(const struct req *req);

#endif
