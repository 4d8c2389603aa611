/* staff: the staff API's account endpoints (an extension of contract.md,
 * "Staff API"): GET /api/v1/me (who a token acts as) and GET /api/v1/users
 * (the accounts of the token's organisation; admin). Access is the route
 * policy's: the bearer token is resolved into req->principal before these
 * run. */
#include <errno.h>
#include <stdlib.h>

#include "api/api.h"
#include "auth/roles.h"
#include "domain/accounts.h"
#include "site/site.h"
#include "store/users.h"

static json_t *role_list(unsigned roles)
{
	json_t *a = json_array();
	for (unsigned bit = 1; a && bit <= ROLE_ADMIN; bit <<= 1)
		if ((roles & bit) && json_array_append_new(a, json_string(role_name(bit))) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static int answer(struct resp *resp, json_t *o)
{
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!text)
		return -ENOMEM;
	int rc = resp_json(resp, 200, text);
	free(text);
	resp->personal = true;
	return rc;
}

int api_me(struct req *req, struct resp *resp)
{
	const struct principal *p = req->principal;
	return answer(resp, json_pack("{s:s, s:s, s:o, s:b}", "login", p->login, "organisation",
	                              p->org, "roles", role_list(p->roles), "af", p->af));
}

static int add_user(void *ctx, const struct store_user *u)
{
	json_t *o =
	    json_pack("{s:s, s:o, s:b, s:b, s:b}", "login", u->login, "roles", role_list(u->roles),
	              "af", u->af, "disabled", u->disabled, "second_factor", u->totp_enrolled);
	return o && json_array_append_new(ctx, o) == 0 ? 0 : -ENOMEM;
}

int api_users(struct req *req, struct resp *resp)
{
	json_t *list = json_array();
	if (!list)
		return -ENOMEM;
	int rc = store_user_list(req->site->store, req->principal->org, add_user, list);
	if (rc) {
		json_decref(list);
		return rc < 0 ? rc : -EIO;
	}
	return answer(resp, json_pack("{s:o}", "users", list));
}
