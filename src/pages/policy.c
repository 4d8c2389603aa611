/* policy: who may call a route. See policy.h. */
#include "pages/policy.h"

#include "auth/csrf.h"
#include "pages/page.h"

const struct route_policy policy_public = {.anyone = true};
const struct route_policy policy_audit_admin = {.anyone = false};

int policy_authorize(const struct route_policy *policy, struct req *req, struct resp *resp)
{
	if (policy && policy->anyone)
		return 0;
	page_error(req, resp, 403);
	return 1;
}

bool policy_is_public(const struct route_policy *policy)
{
	return policy && policy->anyone;
}

bool policy_csrf_ok(const struct req *req)
{
	return csrf_check(req->site->csrf_key, req);
}
