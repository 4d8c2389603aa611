/* staff_admin: the admin's pages of accounts and API tokens under
 * /staf/beheer (issue 9, section 6):
 *  - /staf/beheer: the accounts of the admin's organisation, with
 *    disable, enable and a reset of the second factor (POST
 *    /staf/beheer/account);
 *  - /staf/beheer/nieuw: a new account with a random one-time password,
 *    shown once on the answer, whose first login sets a password of its
 *    own and enrols the second factor (domain/accounts.h, must_change);
 *  - /staf/beheer/rollen/ID: the roles of one account (ID is the
 *    account's random id: no name in a URL), then 303 back to the list;
 *  - /staf/beheer/tokens: the organisation's API tokens without their
 *    secret (id, account, made, expiry, state), a new one (the token is
 *    shown once on the answer and never again), and revoking one (POST
 *    /staf/beheer/tokens/intrekken, then 303 back to the list).
 * An answer that shows a one-time secret is no redirect (the secret
 * would have to travel or be kept); like every staff answer it is
 * personal, so never cached (Cache-Control: no-store).
 *
 * Who may, and the form's token: the route table (policy_staff_admin,
 * .csrf; pages/policy.h); these handlers get the principal and act on its
 * organisation only: an account or token of another organisation is
 * answered as one that does not exist (404). Every change writes its
 * audit entry through domain/accounts in the change's transaction. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/password.h"
#include "auth/roles.h"
#include "domain/accounts.h"
#include "http/validate.h"
#include "pages/formkit.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "store/users.h"
#include "util/i18n.h"
#include "util/str.h"

static const char *const no_user = _("Dit account bestaat niet in je organisatie.");

static bool put_text(const struct req *req, json_t *d, const char *key, const char *msgid)
{
	return !msgid || fk_put(d, key, json_string(page_tr(req, msgid)));
}

/* Day (UTC) of t, "2026-12-02". */
static void day_of(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* --- roles on a form ---------------------------------------------------------- */

/* The options of the roles group, in this order; "af" marks a handler
 * as aandachtsfunctionaris (bit 0: no role of its own). */
static const struct {
	const char *value;
	unsigned bit;
	const char *hint;
} role_options[] = {
    {"intake", ROLE_INTAKE, _("Voert meldingen in en leest ze.")},
    {"handler", ROLE_HANDLER, _("Leest en behandelt meldingen.")},
    {"af", 0, _("Alleen samen met Behandelaar.")},
    {"care", ROLE_CARE, _("Leest alleen meldingen die naar zorg zijn doorgezet.")},
    {"analyst", ROLE_ANALYST, _("Ziet alleen cijfers, nooit een melding.")},
    {"admin", ROLE_ADMIN, _("Beheert accounts, tokens en het logboek.")},
};

static const struct field_spec role_spec = {
    .name = "role",
    .type = FT_DOMAIN_TEXT,
    .required = true,
    .label = _("Rollen"),
    .hint = _("Kies een of meer rollen."),
};

struct role_pick {
	unsigned roles;
	bool af;
	bool unknown; /* a value that is no option */
};

/* The roles ticked on the form (every "role" field). */
static void read_roles(const struct req *req, struct role_pick *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < req->nform; i++) {
		if (strcmp(req->form[i].name, "role") != 0)
			continue;
		bool known = false;
		for (size_t k = 0; k < sizeof role_options / sizeof role_options[0]; k++) {
			if (strcmp(req->form[i].value, role_options[k].value) != 0)
				continue;
			known = true;
			if (role_options[k].bit)
				out->roles |= role_options[k].bit;
			else
				out->af = true;
		}
		out->unknown |= !known;
	}
}

/* What is wrong with the roles ticked (a msgid), or NULL. */
static const char *roles_problem(const struct role_pick *r)
{
	if (r->unknown)
		return _("Kies rollen uit de lijst.");
	if (!r->roles)
		return _("Kies minstens één rol.");
	if (r->af && !(r->roles & ROLE_HANDLER))
		return _("Aandachtsfunctionaris kan alleen samen met Behandelaar. Kies ook "
		         "Behandelaar, of haal het vinkje bij Aandachtsfunctionaris weg.");
	return NULL;
}

/* The checkbox group of the roles, ticked as pick; error a msgid or NULL. */
static json_t *roles_group(const struct req *req, const struct role_pick *pick, const char *error)
{
	json_t *g = fk_spec_group(req, FK_CHECKBOX, &role_spec, error);
	bool ok = g != NULL;
	for (size_t k = 0; ok && k < sizeof role_options / sizeof role_options[0]; k++) {
		char id[32];
		snprintf(id, sizeof id, "role-%s", role_options[k].value);
		unsigned bit = role_options[k].bit;
		const char *label = bit ? staff_role_label(bit) : _("Aandachtsfunctionaris");
		bool on = bit ? (pick->roles & bit) != 0 : pick->af;
		ok = fk_option(g, id, role_options[k].value, page_tr(req, label),
		               page_tr(req, role_options[k].hint), on);
	}
	if (!ok) {
		json_decref(g);
		return NULL;
	}
	return g;
}

/* --- the list of accounts ------------------------------------------------------ */

struct admin_ctx {
	const struct req *req;
	json_t *users;
};

static int admin_user(void *vctx, const struct store_user *u)
{
	struct admin_ctx *c = vctx;
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)u->id);
	json_t *o = json_pack("{s:s, s:s, s:o, s:b, s:b}", "id", id, "login", u->login, "roles",
	                      staff_roles_text(c->req, u->roles, u->af), "disabled", u->disabled,
	                      "enrolled", u->totp_enrolled);
	return fk_append(c->users, o) ? 0 : -ENOMEM;
}

static int admin_page(struct req *req, struct resp *resp, int status, const char *alert,
                      const char *done)
{
	struct admin_ctx c = {req, json_array()};
	if (!c.users)
		return -ENOMEM;
	/* Only the principal's own organisation. */
	int rc = store_user_list(req->site->store, req->principal->org, admin_user, &c);
	json_t *d = rc ? NULL : json_object();
	bool ok = d && fk_put(d, "users", json_incref(c.users)) &&
	          fk_put(d, "title", json_string(page_tr(req, _("Beheer: accounts")))) &&
	          fk_put(d, "csrf", json_string(req->principal->csrf)) &&
	          put_text(req, d, "alert", alert) && put_text(req, d, "done", done);
	json_decref(c.users);
	if (!rc)
		rc = ok ? staff_render(req, resp, status, "staff-admin", d) : -ENOMEM;
	json_decref(d);
	return rc < 0 ? rc : rc ? -EIO : 0;
}

/* What a change said after its redirect (post/redirect/get): the value of
 * "klaar" and its message. Any other value says nothing. */
static const struct {
	const char *klaar;
	const char *done; /* msgid */
} admin_done[] = {
    {"rollen", _("De rollen zijn veranderd.")},
    {"uitgezet", _("Het account is uitgezet. Het is overal uitgelogd.")},
    {"aangezet", _("Het account is weer aangezet.")},
    {"tweede-stap", _("De tweede stap is gewist. Bij de volgende keer inloggen stelt deze "
                      "persoon hem opnieuw in.")},
};

int page_staff_admin(struct req *req, struct resp *resp)
{
	const char *klaar = req_query(req, "klaar"), *done = NULL;
	for (size_t i = 0; klaar && !done && i < sizeof admin_done / sizeof admin_done[0]; i++)
		if (strcmp(klaar, admin_done[i].klaar) == 0)
			done = admin_done[i].done;
	return admin_page(req, resp, 200, NULL, done);
}

static const char *const admin_actions[] = {"disable", "enable", "reset-2fa", NULL};
enum {
	AF_LOGIN,
	AF_ACTION,
	AF_NFIELDS
};
static const struct field_spec admin_fields[AF_NFIELDS] = {
    [AF_LOGIN] = {.name = "login", .type = FT_TEXT, .required = true, .maxlen = USER_LOGIN_MAX},
    [AF_ACTION] = {.name = "action", .type = FT_CHOICE, .required = true, .choices = admin_actions},
};

int page_staff_admin_user(struct req *req, struct resp *resp)
{
	const struct principal *p = req->principal;
	struct field_value v[AF_NFIELDS];
	struct field_error e[AF_NFIELDS];
	if (validate_fields(req->form, req->nform, admin_fields, AF_NFIELDS, NULL, v, e))
		return admin_page(req, resp, 400, _("Kies een account en wat je wilt doen."), NULL);
	const char *login = v[AF_LOGIN].text, *action = v[AF_ACTION].text;
	if (strcmp(login, p->login) == 0 && strcmp(action, "enable") != 0)
		return admin_page(
		    req, resp, 400,
		    _("Je eigen account zet je hier niet uit en je tweede stap stel je "
		      "hier niet opnieuw in: vraag dat aan een andere beheerder."),
		    NULL);
	struct accounts *a = &req->site->accounts;
	int rc = strcmp(action, "reset-2fa") == 0
	             ? accounts_user_reset_2fa(a, p->login, p->org, login)
	             : accounts_user_set_disabled(a, p->login, p->org, login,
	                                          strcmp(action, "disable") == 0);
	if (rc == ACCOUNTS_NO_USER)
		return admin_page(req, resp, 404, no_user, NULL);
	if (rc)
		return rc < 0 ? rc : -EIO;
	return staff_go(req, resp,
	                strcmp(action, "disable") == 0  ? "/staf/beheer?klaar=uitgezet"
	                : strcmp(action, "enable") == 0 ? "/staf/beheer?klaar=aangezet"
	                                                : "/staf/beheer?klaar=tweede-stap");
}

/* --- a new account ------------------------------------------------------------- */

static const struct field_spec login_spec = {
    .name = "login",
    .type = FT_TEXT,
    .required = true,
    .maxlen = USER_LOGIN_MAX,
    .label = _("Inlognaam"),
    .hint = _("Kleine letters, cijfers, een punt, een streepje of een liggend streepje. "
              "Begin met een letter. Bijvoorbeeld: j.jansen"),
    .autocomplete = "off",
    .missing = _("Vul een inlognaam in."),
};

static int add_form(struct req *req, struct resp *resp, int status, const char *login,
                    const char *login_err, const struct role_pick *pick, const char *roles_err)
{
	json_t *d = json_object();
	bool ok = d && fk_put(d, "title", json_string(page_tr(req, _("Beheer: nieuw account")))) &&
	          fk_put(d, "csrf", json_string(req->principal->csrf)) &&
	          fk_put(d, "login", fk_spec_field(req, &login_spec, login, login_err)) &&
	          fk_put(d, "roles", roles_group(req, pick, roles_err)) &&
	          (status < 400 || fk_put(d, "alert",
	                                  json_string(page_tr(req, _("Het account is nog niet "
	                                                             "gemaakt. Kijk bij de "
	                                                             "velden wat er anders "
	                                                             "moet.")))));
	int rc = ok ? staff_render(req, resp, status, "staff-admin-add", d) : -ENOMEM;
	json_decref(d);
	return rc;
}

static int added_page(struct req *req, struct resp *resp, const char *login,
                      const struct role_pick *pick, const char *once)
{
	json_t *d = json_object();
	bool ok = d && fk_put(d, "title", json_string(page_tr(req, _("Account gemaakt")))) &&
	          fk_put(d, "login", json_string(login)) &&
	          fk_put(d, "roles", staff_roles_text(req, pick->roles, pick->af)) &&
	          fk_put(d, "once", json_string(once));
	int rc = ok ? staff_render(req, resp, 200, "staff-admin-added", d) : -ENOMEM;
	json_decref(d);
	return rc;
}

int page_staff_admin_add(struct req *req, struct resp *resp)
{
	const struct principal *p = req->principal;
	struct role_pick pick = {0};
	if (req->method != HTTP_POST)
		return add_form(req, resp, 200, NULL, NULL, &pick, NULL);
	struct field_value v;
	struct field_error e;
	const char *login_err = NULL;
	if (validate_fields(req->form, req->nform, &login_spec, 1, NULL, &v, &e))
		login_err = e.message;
	else if (!accounts_login_valid(v.text))
		login_err =
		    _("Deze inlognaam kan niet. Gebruik alleen kleine letters, cijfers, een "
		      "punt, een streepje of een liggend streepje, en begin met een letter.");
	const char *login = v.sent ? v.text : NULL;
	read_roles(req, &pick);
	const char *roles_err = roles_problem(&pick);
	if (login_err || roles_err)
		return add_form(req, resp, 400, login, login_err, &pick, roles_err);
	char once[PASSWORD_RANDOM_LEN + 1];
	password_random(once);
	const char *why = NULL;
	struct accounts_new_user u = {p->org, login, pick.roles, pick.af, once, true};
	int rc = accounts_user_add(&req->site->accounts, p->login, &u, &why);
	if (!rc)
		rc = added_page(req, resp, login, &pick, once);
	sodium_memzero(once, sizeof once);
	if (rc == ACCOUNTS_EXISTS)
		return add_form(req, resp, 400, login,
		                _("Deze inlognaam bestaat al. Kies een andere."), &pick, NULL);
	if (rc == ACCOUNTS_BAD_INPUT)
		return add_form(req, resp, 400, login, NULL, &pick,
		                _("Deze rollen passen niet bij elkaar."));
	return rc < 0 ? rc : rc ? -EIO : 0;
}

/* --- roles ----------------------------------------------------------------------- */

/* The account the path names (:id), if it is of the principal's
 * organisation: 0, ACCOUNTS_NO_USER, or -errno. */
static int account_of_path(const struct req *req, struct store_user *u)
{
	uint64_t id;
	if (str_parse_u64(req->params[0], 1, (uint64_t)INT64_MAX, &id) != 0)
		return ACCOUNTS_NO_USER;
	int rc = store_user_by_id(req->site->store, (int64_t)id, u);
	if (rc == STORE_NOT_FOUND || (!rc && strcmp(u->org, req->principal->org) != 0))
		return ACCOUNTS_NO_USER;
	return rc < 0 ? rc : rc ? -EIO : 0;
}

static int roles_form(struct req *req, struct resp *resp, int status, const struct store_user *u,
                      const struct role_pick *pick, const char *error)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)u->id);
	json_t *d = json_object();
	bool ok = d &&
	          fk_put(d, "title", json_string(page_tr(req, _("Beheer: rollen veranderen")))) &&
	          fk_put(d, "csrf", json_string(req->principal->csrf)) &&
	          fk_put(d, "id", json_string(id)) && fk_put(d, "login", json_string(u->login)) &&
	          fk_put(d, "roles", roles_group(req, pick, error)) &&
	          (!error || fk_put(d, "alert",
	                            json_string(page_tr(req, _("De rollen zijn niet "
	                                                       "veranderd."))))) &&
	          fk_put(d, "self", json_boolean(strcmp(u->login, req->principal->login) == 0));
	int rc = ok ? staff_render(req, resp, status, "staff-admin-roles", d) : -ENOMEM;
	json_decref(d);
	return rc;
}

int page_staff_admin_roles(struct req *req, struct resp *resp)
{
	const struct principal *p = req->principal;
	struct store_user u;
	int rc = account_of_path(req, &u);
	if (rc == ACCOUNTS_NO_USER)
		return admin_page(req, resp, 404, no_user, NULL);
	if (rc)
		return rc;
	struct role_pick pick = {.roles = u.roles, .af = u.af};
	if (req->method != HTTP_POST)
		return roles_form(req, resp, 200, &u, &pick, NULL);
	read_roles(req, &pick);
	const char *problem = roles_problem(&pick);
	if (problem)
		return roles_form(req, resp, 400, &u, &pick, problem);
	rc = accounts_user_set_roles(&req->site->accounts, p->login, p->org, u.login, pick.roles,
	                             pick.af);
	if (rc == ACCOUNTS_SELF_ADMIN)
		return roles_form(req, resp, 400, &u, &pick,
		                  _("Je kunt je eigen rol Beheerder niet weghalen. Zo is er altijd "
		                    "iemand die de accounts kan beheren. Moet het toch? Vraag het "
		                    "dan aan een andere beheerder."));
	if (rc == ACCOUNTS_NO_USER)
		return admin_page(req, resp, 404, no_user, NULL);
	if (rc == ACCOUNTS_BAD_INPUT)
		return roles_form(req, resp, 400, &u, &pick,
		                  _("Deze rollen passen niet bij elkaar."));
	if (rc)
		return rc < 0 ? rc : -EIO;
	return staff_go(req, resp, "/staf/beheer?klaar=rollen");
}

/* --- API tokens ------------------------------------------------------------------ */

_Static_assert(TOKEN_DAYS_MAX == 366, "the days field's hint and message name 366");
_Static_assert(TOKEN_DAYS_DEFAULT == 90, "the days field's default is 90");

enum {
	TF_LOGIN,
	TF_DAYS,
	TF_NFIELDS
};
static const struct field_spec token_fields[TF_NFIELDS] = {
    [TF_LOGIN] = {.name = "login",
                  .type = FT_TEXT,
                  .required = true,
                  .maxlen = USER_LOGIN_MAX,
                  .label = _("Account"),
                  .missing = _("Kies een account.")},
    [TF_DAYS] = {.name = "days",
                 .type = FT_UINT,
                 .required = true,
                 .min = 1,
                 .max = TOKEN_DAYS_MAX,
                 .label = _("Geldig (dagen)"),
                 .hint = _("Van 1 tot 366 dagen. Daarna werkt de token niet meer."),
                 .input = "text",
                 .autocomplete = "off",
                 .missing = _("Vul in hoeveel dagen de token geldig is: van 1 tot 366."),
                 .invalid = _("Vul in hoeveel dagen de token geldig is: van 1 tot 366.")},
};

struct tokens_ctx {
	const struct req *req;
	int64_t now;
	json_t *list;
	json_t *accounts;
	const char *chosen;
};

static int token_row(void *vctx, const struct store_token *t)
{
	struct tokens_ctx *c = vctx;
	char id[24], made[11], until[11];
	snprintf(id, sizeof id, "%lld", (long long)t->id);
	day_of(t->created, made);
	day_of(t->expires, until);
	bool active = !t->revoked && !t->user_disabled && c->now < t->expires;
	const char *state = t->revoked             ? _("Ingetrokken")
	                    : c->now >= t->expires ? _("Verlopen")
	                    : t->user_disabled     ? _("Account uitgezet")
	                                           : _("Actief");
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "id", id, "login", t->login, "created",
	              made, "expires", until, "state", page_tr(c->req, state), "active", active);
	return fk_append(c->list, o) ? 0 : -ENOMEM;
}

static int token_account(void *vctx, const struct store_user *u)
{
	struct tokens_ctx *c = vctx;
	json_t *o = json_pack("{s:s, s:b}", "login", u->login, "selected",
	                      c->chosen && strcmp(c->chosen, u->login) == 0);
	return fk_append(c->accounts, o) ? 0 : -ENOMEM;
}

/* The tokens page: the list, and the form to make one with login chosen
 * and days shown as typed; errors are msgids or NULL. */
static int tokens_page(struct req *req, struct resp *resp, int status, const char *login,
                       const char *login_err, const char *days, const char *days_err,
                       const char *alert, const char *done)
{
	const char *org = req->principal->org;
	struct tokens_ctx c = {req, (int64_t)time(NULL), json_array(), json_array(), login};
	int rc = c.list && c.accounts ? 0 : -ENOMEM;
	if (!rc)
		rc = store_token_list_org(req->site->store, org, token_row, &c);
	if (!rc)
		rc = store_user_list(req->site->store, org, token_account, &c);
	json_t *d = rc ? NULL : json_object();
	bool ok =
	    d && fk_put(d, "title", json_string(page_tr(req, _("Beheer: API-tokens")))) &&
	    fk_put(d, "csrf", json_string(req->principal->csrf)) &&
	    fk_put(d, "tokens", json_incref(c.list)) &&
	    fk_put(d, "empty", json_boolean(json_array_size(c.list) == 0)) &&
	    fk_put(d, "accounts", json_incref(c.accounts)) &&
	    put_text(req, d, "login_error", login_err) &&
	    fk_put(d, "days",
	           fk_spec_field(req, &token_fields[TF_DAYS], days ? days : "90", days_err)) &&
	    put_text(req, d, "alert", alert) && put_text(req, d, "done", done);
	json_decref(c.list);
	json_decref(c.accounts);
	if (!rc)
		rc = ok ? staff_render(req, resp, status, "staff-admin-tokens", d) : -ENOMEM;
	json_decref(d);
	return rc < 0 ? rc : rc ? -EIO : 0;
}

static int token_made_page(struct req *req, struct resp *resp, const char *login, int64_t id,
                           int64_t expires, const char *token)
{
	char ids[24], until[11];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	day_of(expires, until);
	json_t *d = json_object();
	bool ok = d && fk_put(d, "title", json_string(page_tr(req, _("Token gemaakt")))) &&
	          fk_put(d, "login", json_string(login)) && fk_put(d, "id", json_string(ids)) &&
	          fk_put(d, "expires", json_string(until)) &&
	          fk_put(d, "token", json_string(token));
	int rc = ok ? staff_render(req, resp, 200, "staff-admin-token", d) : -ENOMEM;
	json_decref(d);
	return rc;
}

int page_staff_admin_tokens(struct req *req, struct resp *resp)
{
	const struct principal *p = req->principal;
	if (req->method != HTTP_POST) {
		const char *klaar = req_query(req, "klaar");
		const char *done = klaar && strcmp(klaar, "ingetrokken") == 0
		                       ? _("De token is ingetrokken. Hij werkt niet meer.")
		                       : NULL;
		return tokens_page(req, resp, 200, NULL, NULL, NULL, NULL, NULL, done);
	}
	struct field_value v[TF_NFIELDS];
	struct field_error e[TF_NFIELDS];
	validate_fields(req->form, req->nform, token_fields, TF_NFIELDS, NULL, v, e);
	const char *login = v[TF_LOGIN].sent ? v[TF_LOGIN].text : NULL;
	const char *days = v[TF_DAYS].sent ? v[TF_DAYS].text : "";
	const char *login_err = v[TF_LOGIN].present ? NULL : token_fields[TF_LOGIN].missing;
	const char *days_err = v[TF_DAYS].present ? NULL : token_fields[TF_DAYS].invalid;
	if (login_err || days_err)
		return tokens_page(req, resp, 400, login, login_err, days, days_err,
		                   _("De token is nog niet gemaakt. Kijk bij de velden wat er "
		                     "anders moet."),
		                   NULL);
	char token[SECRET_HEX_LEN + 1];
	int64_t id = 0, now = (int64_t)time(NULL);
	unsigned n = (unsigned)v[TF_DAYS].num;
	int rc = accounts_token_create(&req->site->accounts, p->login, p->org, login, n, now, token,
	                               &id);
	if (!rc)
		rc = token_made_page(req, resp, login, id, now + (int64_t)n * 86400, token);
	sodium_memzero(token, sizeof token);
	if (rc == ACCOUNTS_NO_USER || rc == ACCOUNTS_BAD_INPUT)
		return tokens_page(req, resp, 404, login, no_user, days, NULL, no_user, NULL);
	return rc < 0 ? rc : rc ? -EIO : 0;
}

static const struct field_spec revoke_spec = {
    .name = "id", .type = FT_UINT, .required = true, .min = 1, .max = INT64_MAX};

int page_staff_admin_token_revoke(struct req *req, struct resp *resp)
{
	const struct principal *p = req->principal;
	struct field_value v;
	struct field_error e;
	if (validate_fields(req->form, req->nform, &revoke_spec, 1, NULL, &v, &e))
		return tokens_page(req, resp, 400, NULL, NULL, NULL, NULL,
		                   _("Kies een token om in te trekken."), NULL);
	int rc = accounts_token_revoke(&req->site->accounts, p->login, p->org, (int64_t)v.num);
	if (rc == ACCOUNTS_NO_TOKEN)
		return tokens_page(req, resp, 404, NULL, NULL, NULL, NULL,
		                   _("Deze token bestaat niet in je organisatie."), NULL);
	if (rc)
		return rc < 0 ? rc : -EIO;
	return staff_go(req, resp, "/staf/beheer/tokens?klaar=ingetrokken");
}
