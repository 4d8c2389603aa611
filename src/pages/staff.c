/* staff: the pages of staff access under /staf/: login, the second
 * factor, the first password, enrolment, the recovery codes, the staff
 * home, the account page (password, sessions, recovery codes) and logout.
 * The admin's pages are staff_admin.c's.
 *
 * Access is the route policy's (pages/policy.c): these handlers get the
 * principal in req->principal and never read a session cookie; they only
 * set the cookie of a session that accounts_* made. Every staff page
 * shows the organisation and roles one works in and has no quick exit
 * (the layout's staff mode). */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/roles.h"
#include "auth/totp.h"
#include "domain/accounts.h"
#include "http/validate.h"
#include "pages/formkit.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "site/staffread.h"
#include "pages/policy.h"
#include "store/users.h"
#include "util/i18n.h"
#include "util/str.h"

static const struct {
	unsigned bit;
	const char *label;
} role_labels[] = {
    {ROLE_INTAKE, _("Intake")},   {ROLE_HANDLER, _("Behandelaar")}, {ROLE_CARE, _("Zorg")},
    {ROLE_ANALYST, _("Analist")}, {ROLE_ADMIN, _("Beheerder")},
};

const char *staff_role_label(unsigned bit)
{
	for (size_t i = 0; i < sizeof role_labels / sizeof role_labels[0]; i++)
		if (role_labels[i].bit == bit)
			return role_labels[i].label;
	return NULL;
}

json_t *staff_roles_text(const struct req *req, unsigned roles, bool af)
{
	char out[256] = "";
	for (size_t i = 0; i < sizeof role_labels / sizeof role_labels[0]; i++) {
		if (!(roles & role_labels[i].bit))
			continue;
		if (out[0])
			strncat(out, ", ", sizeof out - strlen(out) - 1);
		strncat(out, page_tr(req, role_labels[i].label), sizeof out - strlen(out) - 1);
		if (role_labels[i].bit == ROLE_HANDLER && af) {
			strncat(out, " (", sizeof out - strlen(out) - 1);
			strncat(out, page_tr(req, _("aandachtsfunctionaris")),
			        sizeof out - strlen(out) - 1);
			strncat(out, ")", sizeof out - strlen(out) - 1);
		}
	}
	return json_string(out);
}

/* Renders a staff page: the layout's staff mode ("staff": who is logged
 * in, the organisation, the roles, the logout form's token). */
static int staff_render_frag(struct req *req, struct resp *resp, int status, const char *tmpl,
                             json_t *d, const char *frag, const char *html)
{
	const struct principal *p = req->principal;
	json_t *st = json_object();
	bool ok = st != NULL;
	if (p && p->stage == SESSION_FULL) {
		const struct org *o = site_org_find(req->site, p->org);
		ok = ok && fk_put(st, "who", json_string(p->login)) &&
		     fk_put(st, "org_name", json_string(o ? o->name : p->org)) &&
		     fk_put(st, "role_names", staff_roles_text(req, p->roles, p->af)) &&
		     fk_put(st, "logout_csrf", json_string(p->csrf)) &&
		     fk_put(st, "admin", json_boolean(p->roles & ROLE_ADMIN)) &&
		     fk_put(st, "reads", json_boolean(p->roles & STAFFREAD_ROLES));
	}
	resp->personal = true;
	ok = ok && fk_put(d, "staff", st);
	if (!ok)
		return -ENOMEM;
	return page_render_frag(req, resp, status, tmpl, d, frag, html);
}

int staff_render(struct req *req, struct resp *resp, int status, const char *tmpl, json_t *d)
{
	return staff_render_frag(req, resp, status, tmpl, d, NULL, NULL);
}

/* The alert of a form that failed: message (a msgid or text already
 * translated when raw). */
static bool put_alert(const struct req *req, json_t *d, const char *msgid)
{
	return fk_put(d, "alert", json_string(page_tr(req, msgid)));
}

static int set_session_cookie(struct req *req, struct resp *resp, const char *sid)
{
	char v[200];
	snprintf(v, sizeof v, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
	         policy_session_cookie(req->secure), sid, req->secure ? "; Secure" : "");
	return resp_header(resp, "Set-Cookie", v);
}

static int clear_session_cookie(struct req *req, struct resp *resp)
{
	char v[160];
	snprintf(v, sizeof v, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
	         policy_session_cookie(req->secure), req->secure ? "; Secure" : "");
	return resp_header(resp, "Set-Cookie", v);
}

int staff_go(struct req *req, struct resp *resp, const char *path)
{
	char to[128];
	snprintf(to, sizeof to, "%s%s", strcmp(req->lang, "en") == 0 ? "/en" : "", path);
	return resp_redirect(resp, req->method == HTTP_POST ? 303 : 302, to);
}

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

/* --- login ----------------------------------------------------------------- */

enum {
	LF_LOGIN,
	LF_PASSWORD,
	LF_NFIELDS
};
static const struct field_spec login_fields[LF_NFIELDS] = {
    [LF_LOGIN] = {.name = "login",
                  .type = FT_TEXT,
                  .required = true,
                  .maxlen = USER_LOGIN_MAX,
                  .label = _("Inlognaam"),
                  .autocomplete = "username",
                  .missing = _("Vul je inlognaam in.")},
    [LF_PASSWORD] = {.name = "password",
                     .type = FT_TEXT,
                     .required = true,
                     .maxlen = PASSWORD_MAX_BYTES,
                     .label = _("Wachtwoord"),
                     .input = "password",
                     .autocomplete = "current-password",
                     .missing = _("Vul je wachtwoord in.")},
};

static int login_form(struct req *req, struct resp *resp, int status, const char *login,
                      const char *alert, json_t *wait)
{
	json_t *d = json_object();
	bool ok =
	    d && fk_put(d, "title", json_string(page_tr(req, _("Inloggen")))) &&
	    fk_put(d, "login", fk_spec_field(req, &login_fields[LF_LOGIN], login, NULL)) &&
	    fk_put(d, "password", fk_spec_field(req, &login_fields[LF_PASSWORD], NULL, NULL)) &&
	    (!alert || put_alert(req, d, alert)) && (!wait || fk_put(d, "wait_text", wait));
	int rc = ok ? page_csrf(req, resp, d) : -ENOMEM;
	if (!rc)
		rc = staff_render(req, resp, status, "staff-login", d);
	json_decref(d);
	return rc;
}

int page_staff_login(struct req *req, struct resp *resp)
{
	if (req->method != HTTP_POST)
		return login_form(req, resp, 200, NULL, NULL, NULL);
	struct field_value v[LF_NFIELDS];
	struct field_error e[LF_NFIELDS];
	size_t nerr = validate_fields(req->form, req->nform, login_fields, LF_NFIELDS, NULL, v, e);
	const char *login = v[LF_LOGIN].sent ? v[LF_LOGIN].text : NULL;
	if (nerr)
		return login_form(req, resp, 400, login, _("Vul je inlognaam en je wachtwoord in."),
		                  NULL);
	char sid[SECRET_HEX_LEN + 1];
	unsigned wait = 0;
	int rc =
	    accounts_login(&req->site->accounts, login, v[LF_PASSWORD].text, now_s(), sid, &wait);
	if (rc == ACCOUNTS_THROTTLED) {
		site_retry_after(resp, wait);
		return login_form(req, resp, 429, login,
		                  _("Voor deze inlognaam is te vaak een verkeerd wachtwoord of een "
		                    "verkeerde code ingevuld. Daarom moet je even wachten."),
		                  site_wait_text(req, wait));
	}
	if (rc == ACCOUNTS_WRONG)
		return login_form(
		    req, resp, 400, login,
		    _("De inlognaam of het wachtwoord klopt niet. Let op hoofdletters."), NULL);
	if (rc)
		return rc < 0 ? rc : -EIO;
	rc = set_session_cookie(req, resp, sid);
	sodium_memzero(sid, sizeof sid);
	return rc ? rc : staff_go(req, resp, "/staf");
}

int page_staff_login_expired(struct req *req, struct resp *resp)
{
	return login_form(req, resp, 400, req_form(req, "login"),
	                  _("Het formulier was verlopen. Vul je gegevens nog een keer in."), NULL);
}

/* --- the steps of a half session -------------------------------------------- */

/* The step p must do, or a redirect there: true when the request is at
 * that step (next). */
static bool at_step(struct req *req, struct resp *resp, enum accounts_next next, int *rc)
{
	const struct principal *p = req->principal;
	if (p->next == next)
		return true;
	*rc = staff_go(req, resp, policy_step_path(p->next));
	return false;
}

enum {
	CF_CODE,
	CF_NFIELDS
};
static const struct field_spec code_fields[CF_NFIELDS] = {
    [CF_CODE] = {.name = "code",
                 .type = FT_TEXT,
                 .required = true,
                 .maxlen = 32,
                 .label = _("Code"),
                 .hint = _("De 6 cijfers uit je app. Lukt dat niet? Vul dan een van je "
                           "herstelcodes in."),
                 .autocomplete = "one-time-code",
                 .missing = _("Vul de code in.")},
};

static int code_form(struct req *req, struct resp *resp, int status, const char *alert,
                     json_t *wait)
{
	json_t *d = json_object();
	bool ok = d && fk_put(d, "title", json_string(page_tr(req, _("Code invullen")))) &&
	          fk_put(d, "csrf", json_string(req->principal->csrf)) &&
	          fk_put(d, "code", fk_spec_field(req, &code_fields[CF_CODE], NULL, NULL)) &&
	          (!alert || put_alert(req, d, alert)) && (!wait || fk_put(d, "wait_text", wait));
	int rc = ok ? staff_render(req, resp, status, "staff-code", d) : -ENOMEM;
	json_decref(d);
	return rc;
}

int page_staff_code(struct req *req, struct resp *resp)
{
	int rc = 0;
	if (!at_step(req, resp, NEXT_CODE, &rc))
		return rc;
	if (req->method != HTTP_POST)
		return code_form(req, resp, 200, NULL, NULL);
	struct field_value v[CF_NFIELDS];
	struct field_error e[CF_NFIELDS];
	if (validate_fields(req->form, req->nform, code_fields, CF_NFIELDS, NULL, v, e))
		return code_form(req, resp, 400, _("Vul de code in."), NULL);
	char sid[SECRET_HEX_LEN + 1];
	unsigned wait = 0;
	rc = accounts_second_factor(&req->site->accounts, req->principal, v[CF_CODE].text, now_s(),
	                            sid, &wait);
	if (rc == ACCOUNTS_THROTTLED) {
		site_retry_after(resp, wait);
		return code_form(req, resp, 429,
		                 _("Er is te vaak een verkeerde code ingevuld. Daarom moet je even "
		                   "wachten."),
		                 site_wait_text(req, wait));
	}
	if (rc == ACCOUNTS_WRONG)
		return code_form(req, resp, 400,
		                 _("Deze code klopt niet, of is al gebruikt. Wacht op de volgende "
		                   "code in je app en probeer het opnieuw."),
		                 NULL);
	if (rc == ACCOUNTS_NO_SESSION || rc == ACCOUNTS_STATE)
		return staff_go(req, resp, POLICY_LOGIN_PATH);
	if (rc)
		return rc < 0 ? rc : -EIO;
	rc = set_session_cookie(req, resp, sid);
	sodium_memzero(sid, sizeof sid);
	return rc ? rc : staff_go(req, resp, "/staf");
}

enum {
	PF_OLD,
	PF_NEW,
	PF_AGAIN,
	PF_NFIELDS
};
static const struct field_spec password_fields[PF_NFIELDS] = {
    [PF_OLD] = {.name = "old",
                .type = FT_TEXT,
                .maxlen = PASSWORD_MAX_BYTES,
                .label = _("Huidig wachtwoord"),
                .input = "password",
                .autocomplete = "current-password"},
    [PF_NEW] = {.name = "password",
                .type = FT_TEXT,
                .required = true,
                .maxlen = PASSWORD_MAX_BYTES,
                .label = _("Nieuw wachtwoord"),
                .hint = _("Minstens 12 tekens. Een paar losse woorden achter elkaar is sterk "
                          "en makkelijk te onthouden."),
                .input = "password",
                .autocomplete = "new-password",
                .missing = _("Vul een nieuw wachtwoord in.")},
    [PF_AGAIN] = {.name = "password2",
                  .type = FT_TEXT,
                  .required = true,
                  .maxlen = PASSWORD_MAX_BYTES,
                  .label = _("Nieuw wachtwoord nog een keer"),
                  .input = "password",
                  .autocomplete = "new-password",
                  .missing = _("Vul het nieuwe wachtwoord nog een keer in.")},
};

static int password_form(struct req *req, struct resp *resp, int status, const char *alert)
{
	json_t *d = json_object();
	bool ok =
	    d && fk_put(d, "title", json_string(page_tr(req, _("Kies je eigen wachtwoord")))) &&
	    fk_put(d, "csrf", json_string(req->principal->csrf)) &&
	    fk_put(d, "password", fk_spec_field(req, &password_fields[PF_NEW], NULL, NULL)) &&
	    fk_put(d, "password2", fk_spec_field(req, &password_fields[PF_AGAIN], NULL, NULL)) &&
	    (!alert || put_alert(req, d, alert));
	int rc = ok ? staff_render(req, resp, status, "staff-password", d) : -ENOMEM;
	json_decref(d);
	return rc;
}

/* Reads the new password twice: NULL and *why when it cannot be. */
static const char *new_password(const struct req *req, struct field_value *v, const char **why)
{
	struct field_error e[PF_NFIELDS];
	if (validate_fields(req->form, req->nform, password_fields, PF_NFIELDS, NULL, v, e)) {
		*why = _("Vul het nieuwe wachtwoord twee keer in.");
		return NULL;
	}
	if (strcmp(v[PF_NEW].text, v[PF_AGAIN].text) != 0) {
		*why = _("De twee nieuwe wachtwoorden zijn niet gelijk.");
		return NULL;
	}
	return v[PF_NEW].text;
}

int page_staff_password_first(struct req *req, struct resp *resp)
{
	int rc = 0;
	if (!at_step(req, resp, NEXT_PASSWORD, &rc))
		return rc;
	if (req->method != HTTP_POST)
		return password_form(req, resp, 200, NULL);
	struct field_value v[PF_NFIELDS];
	const char *why = NULL;
	const char *pw = new_password(req, v, &why);
	if (pw)
		rc = accounts_password_change(&req->site->accounts, req->principal, NULL, pw, &why);
	if (!pw || rc == ACCOUNTS_WEAK)
		return password_form(req, resp, 400, why);
	if (rc == ACCOUNTS_NO_SESSION || rc == ACCOUNTS_STATE)
		return staff_go(req, resp, POLICY_LOGIN_PATH);
	if (rc)
		return rc < 0 ? rc : -EIO;
	return staff_go(req, resp, "/staf");
}

static int recovery_page(struct req *req, struct resp *resp,
                         char codes[RECOVERY_CODES][RECOVERY_CODE_LEN + 1])
{
	json_t *d = json_object();
	json_t *list = json_array();
	bool ok = d && list;
	for (unsigned i = 0; ok && i < RECOVERY_CODES; i++)
		ok = fk_append(list, json_string(codes[i]));
	ok = ok && fk_put(d, "codes", list) &&
	     fk_put(d, "title", json_string(page_tr(req, _("Je herstelcodes"))));
	if (!ok && !d)
		json_decref(list);
	int rc = ok ? staff_render(req, resp, 200, "staff-recovery", d) : -ENOMEM;
	json_decref(d);
	return rc;
}

static int enrol_form(struct req *req, struct resp *resp, int status, const char *alert)
{
	unsigned char secret[TOTP_SECRET_BYTES];
	int rc = accounts_enrol_secret(&req->site->accounts, req->principal, secret);
	if (rc == ACCOUNTS_NO_SESSION || rc == ACCOUNTS_STATE)
		return staff_go(req, resp, POLICY_LOGIN_PATH);
	if (rc)
		return rc < 0 ? rc : -EIO;
	struct buf grouped = BUF_INIT, uri = BUF_INIT, svg = BUF_INIT;
	rc = totp_base32(secret, sizeof secret, 1, &grouped);
	if (!rc)
		rc = totp_uri(secret, sizeof secret, "Signaal", req->principal->login, &uri);
	sodium_memzero(secret, sizeof secret);
	if (!rc)
		rc = totp_qr_svg(buf_str(&uri),
		                 page_tr(req, _("QR-code om de tweede stap in je app te zetten")),
		                 &svg);
	json_t *d = rc ? NULL : json_object();
	bool ok = d && fk_put(d, "title", json_string(page_tr(req, _("Tweede stap instellen")))) &&
	          fk_put(d, "csrf", json_string(req->principal->csrf)) &&
	          fk_put(d, "secret", json_string(buf_str(&grouped))) &&
	          fk_put(d, "code", fk_spec_field(req, &code_fields[CF_CODE], NULL, NULL)) &&
	          (!alert || put_alert(req, d, alert));
	if (!rc)
		rc =
		    ok ? staff_render_frag(req, resp, status, "staff-enrol", d, "qr", buf_str(&svg))
		       : -ENOMEM;
	json_decref(d);
	sodium_memzero(grouped.data, grouped.cap);
	sodium_memzero(uri.data, uri.cap);
	buf_free(&grouped);
	buf_free(&uri);
	buf_free(&svg);
	return rc;
}

int page_staff_enrol(struct req *req, struct resp *resp)
{
	int rc = 0;
	if (!at_step(req, resp, NEXT_ENROL, &rc))
		return rc;
	if (req->method != HTTP_POST)
		return enrol_form(req, resp, 200, NULL);
	struct field_value v[CF_NFIELDS];
	struct field_error e[CF_NFIELDS];
	if (validate_fields(req->form, req->nform, code_fields, CF_NFIELDS, NULL, v, e))
		return enrol_form(req, resp, 400, _("Vul de code uit je app in."));
	char sid[SECRET_HEX_LEN + 1];
	char codes[RECOVERY_CODES][RECOVERY_CODE_LEN + 1];
	rc = accounts_enrol_confirm(&req->site->accounts, req->principal, v[CF_CODE].text, now_s(),
	                            sid, codes);
	if (rc == ACCOUNTS_WRONG)
		return enrol_form(
		    req, resp, 400,
		    _("Deze code klopt niet. Kijk of de tijd op je telefoon goed staat "
		      "en vul de code in die je app nu laat zien."));
	if (rc == ACCOUNTS_NO_SESSION || rc == ACCOUNTS_STATE)
		return staff_go(req, resp, POLICY_LOGIN_PATH);
	if (rc)
		return rc < 0 ? rc : -EIO;
	rc = set_session_cookie(req, resp, sid);
	/* The page of the full session: the header shows who is in now. */
	struct principal full;
	if (!rc && accounts_session(&req->site->accounts, sid, now_s(), &full) == 0)
		*req->principal = full;
	sodium_memzero(sid, sizeof sid);
	if (!rc)
		rc = recovery_page(req, resp, codes);
	sodium_memzero(codes, sizeof codes);
	return rc;
}

/* --- a full session ---------------------------------------------------------- */

int page_staff_home(struct req *req, struct resp *resp)
{
	json_t *d = json_pack("{s:s}", "title", page_tr(req, _("Werkplek")));
	int rc = d ? staff_render(req, resp, 200, "staff-home", d) : -ENOMEM;
	json_decref(d);
	return rc;
}

static void clock_text(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
}

static int account_page(struct req *req, struct resp *resp, int status, const char *alert,
                        const char *done)
{
	const struct principal *p = req->principal;
	struct store_session *list = NULL;
	size_t n = 0;
	int rc = store_session_list(req->site->store, p->user_id, &list, &n);
	if (rc)
		return rc < 0 ? rc : -EIO;
	int64_t recovery = 0;
	rc = store_recovery_count(req->site->store, p->user_id, &recovery);
	json_t *d = json_object();
	json_t *ses = json_array();
	bool ok = !rc && d && ses;
	for (size_t i = 0; ok && i < n; i++) {
		if (list[i].stage != SESSION_FULL)
			continue;
		char since[32], last[32];
		clock_text(list[i].created, since);
		clock_text(list[i].last_seen, last);
		bool self = sodium_memcmp(list[i].id_hash, p->session_hash, SECRET_HASH_BYTES) == 0;
		ok = fk_append(
		    ses, json_pack("{s:s, s:s, s:b}", "since", since, "last", last, "self", self));
	}
	free(list);
	ok = ok && fk_put(d, "sessions", ses) &&
	     fk_put(d, "title", json_string(page_tr(req, _("Mijn account")))) &&
	     fk_put(d, "csrf", json_string(p->csrf)) &&
	     fk_put(d, "recovery_left", json_integer(recovery)) &&
	     fk_put(d, "old", fk_spec_field(req, &password_fields[PF_OLD], NULL, NULL)) &&
	     fk_put(d, "password", fk_spec_field(req, &password_fields[PF_NEW], NULL, NULL)) &&
	     fk_put(d, "password2", fk_spec_field(req, &password_fields[PF_AGAIN], NULL, NULL)) &&
	     (!alert || put_alert(req, d, alert)) &&
	     (!done || fk_put(d, "done", json_string(page_tr(req, done))));
	if (!ok && !d)
		json_decref(ses);
	rc = rc   ? (rc < 0 ? rc : -EIO)
	     : ok ? staff_render(req, resp, status, "staff-account", d)
	          : -ENOMEM;
	json_decref(d);
	return rc;
}

int page_staff_account(struct req *req, struct resp *resp)
{
	return account_page(req, resp, 200, NULL, NULL);
}

int page_staff_account_password(struct req *req, struct resp *resp)
{
	struct field_value v[PF_NFIELDS];
	const char *why = NULL;
	const char *pw = new_password(req, v, &why);
	int rc = 0;
	if (pw && !v[PF_OLD].present) {
		pw = NULL;
		why = _("Vul je huidige wachtwoord in.");
	}
	if (pw)
		rc = accounts_password_change(&req->site->accounts, req->principal, v[PF_OLD].text,
		                              pw, &why);
	if (rc == ACCOUNTS_WRONG)
		return account_page(req, resp, 400, _("Je huidige wachtwoord klopt niet."), NULL);
	if (!pw || rc == ACCOUNTS_WEAK)
		return account_page(req, resp, 400, why, NULL);
	if (rc)
		return rc < 0 ? rc : -EIO;
	return account_page(req, resp, 200, NULL,
	                    _("Je wachtwoord is veranderd. Op andere apparaten ben je nu "
	                      "uitgelogd."));
}

int page_staff_account_recovery(struct req *req, struct resp *resp)
{
	char codes[RECOVERY_CODES][RECOVERY_CODE_LEN + 1];
	int rc = accounts_recovery_new(&req->site->accounts, req->principal, codes);
	if (!rc)
		rc = recovery_page(req, resp, codes);
	sodium_memzero(codes, sizeof codes);
	return rc < 0 ? rc : rc ? -EIO : 0;
}

static int logout(struct req *req, struct resp *resp, bool everywhere)
{
	int rc = accounts_logout(&req->site->accounts, req->principal, everywhere);
	if (rc)
		return rc < 0 ? rc : -EIO;
	rc = clear_session_cookie(req, resp);
	return rc ? rc : staff_go(req, resp, POLICY_LOGIN_PATH);
}

int page_staff_logout(struct req *req, struct resp *resp)
{
	return logout(req, resp, false);
}

int page_staff_logout_everywhere(struct req *req, struct resp *resp)
{
	return logout(req, resp, true);
}
