/* Staff access through the real server: login with a password and a TOTP
 * code computed here with liboath, enrolment, the role x route table
 * (anonymous, each role, a user of the other organisation; every staff
 * route of src/routes.c must have a row), API tokens (401/403), the same
 * answer for an unknown login, fixation, CSRF bound to the session,
 * logout, a disabled user and revoked tokens, reuse of a code, the
 * throttle's answer, and the headers and look of staff pages. Users and
 * tokens are made with the CLI (signaal user add, token create). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>
#include <liboath/oath.h>

#include "harness.h"
#include "pages/policy.h"
#include "routes.h"

static struct srv S;
static const char *const extra_orgs[] = {"utrecht", NULL};
#define PASS "rode-fiets-langs-het-kanaal"

/* A logged-in user: its cookie header, the session's CSRF token, its
 * TOTP secret and an API token. */
struct who {
	const char *login, *org, *roles;
	char cookie[200];
	char csrf[80];
	char secret[32];
	size_t secret_len;
	char token[80];
	long step; /* the TOTP step last used */
};

enum {
	W_INTAKE,
	W_HANDLER,
	W_CARE,
	W_ANALYST,
	W_ADMIN,
	W_OTHER,
	W_N
};
static struct who users[W_N] = {
    [W_INTAKE] = {.login = "intake1", .org = "velsen", .roles = "intake"},
    [W_HANDLER] = {.login = "hand1", .org = "velsen", .roles = "handler"},
    [W_CARE] = {.login = "care1", .org = "velsen", .roles = "care"},
    [W_ANALYST] = {.login = "analyst1", .org = "velsen", .roles = "analyst"},
    [W_ADMIN] = {.login = "admin1", .org = "velsen", .roles = "admin"},
    [W_OTHER] = {.login = "uadmin", .org = "utrecht", .roles = "admin,handler"},
};

/* Runs the CLI on the server's data directory with input on stdin; the
 * output's last word into last (may be NULL). Exit status. */
static int cli(const char *input, const char *args, char *last, size_t lastsz)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "printf '%%s\\n' '%s' | '%s' --data '%s/var' %s 2>&1",
	         input ? input : "", signaal_bin(), S.dir, args);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	char line[512] = "", all[4096] = "";
	while (fgets(line, sizeof line, p))
		strncat(all, line, sizeof all - strlen(all) - 1);
	int st = pclose(p);
	if (last) {
		size_t n = strlen(all);
		while (n && (all[n - 1] == '\n' || all[n - 1] == ' '))
			all[--n] = '\0';
		const char *w = strrchr(all, ' ');
		snprintf(last, lastsz, "%s", w ? w + 1 : all);
	}
	if (st != 0)
		fprintf(stderr, "signaal %s: %s\n", args, all);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The value of a cookie set by r ("name=value" up to ';') as a Cookie
 * header. */
static bool set_cookie(const struct res *r, char *out, size_t outsz)
{
	char sc[256];
	if (!res_header(r, "Set-Cookie", sc, sizeof sc))
		return false;
	snprintf(out, outsz, "Cookie: %.*s", (int)strcspn(sc, ";"), sc);
	return true;
}

/* The hidden csrf field of a page. */
static bool form_csrf(const struct res *r, char *out, size_t outsz)
{
	const char *f = strstr(buf_str(&r->body), "name=\"csrf\" value=\"");
	if (!f)
		return false;
	f += strlen("name=\"csrf\" value=\"");
	snprintf(out, outsz, "%.*s", (int)strcspn(f, "\""), f);
	return true;
}

static long post_form(const char *path, const char *cookie, const char *body, struct res *r)
{
	const char *h[] = {cookie, NULL};
	assert_int_equal(http_post(&S, path, "application/x-www-form-urlencoded", body,
	                           strlen(body), cookie ? h : NULL, r),
	                 0);
	return r->status;
}

static long get_with(const char *path, const char *header, struct res *r)
{
	const char *h[] = {header, NULL};
	assert_int_equal(http_get(&S, path, header ? h : NULL, r), 0);
	return r->status;
}

/* The TOTP code of step for w. */
static void code_of(const struct who *w, long step, char out[7])
{
	assert_int_equal(
	    oath_totp_generate(w->secret, w->secret_len, (time_t)step * 30, 30, 0, 6, out),
	    OATH_OK);
}

/* Logs in with the password: a half session's cookie into w->cookie.
 * Returns the status of the POST. */
static long password_step(struct who *w, const char *password, struct res *r)
{
	char cookie[256], token[128], body[512];
	assert_int_equal(
	    http_csrf(&S, "/staf/inloggen", cookie, sizeof cookie, token, sizeof token), 0);
	snprintf(body, sizeof body, "csrf=%s&login=%s&password=%s", token, w->login, password);
	long st = post_form("/staf/inloggen", cookie, body, r);
	if (st == 303)
		assert_true(set_cookie(r, w->cookie, sizeof w->cookie));
	return st;
}

/* Enrolment of w's half session with a code computed here; then w's
 * full session's cookie and CSRF token. */
static void enrol_second_factor(struct who *w)
{
	struct res r;
	assert_int_equal(get_with("/staf/tweede-stap-instellen", w->cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "<svg "));
	const char *sec = strstr(buf_str(&r.body), "signaal-receipt__code\">");
	assert_non_null(sec);
	sec += strlen("signaal-receipt__code\">");
	char b32[64];
	size_t k = 0;
	for (; *sec && *sec != '<' && k < sizeof b32 - 1; sec++)
		if (*sec != ' ')
			b32[k++] = *sec;
	b32[k] = '\0';
	char *raw = NULL;
	size_t rawlen = 0;
	assert_int_equal(oath_base32_decode(b32, k, &raw, &rawlen), OATH_OK);
	assert_int_equal(rawlen, 20);
	memcpy(w->secret, raw, rawlen);
	w->secret_len = rawlen;
	free(raw);
	char csrf[80], code[7], body[256];
	assert_true(form_csrf(&r, csrf, sizeof csrf));
	res_free(&r);
	w->step = (long)(time(NULL) / 30);
	code_of(w, w->step, code);
	snprintf(body, sizeof body, "csrf=%s&code=%s", csrf, code);
	assert_int_equal(post_form("/staf/tweede-stap-instellen", w->cookie, body, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "signaal-recovery-codes"));
	char half[200];
	snprintf(half, sizeof half, "%s", w->cookie);
	assert_true(set_cookie(&r, w->cookie, sizeof w->cookie));
	/* A new id after the second factor. */
	assert_string_not_equal(half, w->cookie);
	res_free(&r);
	assert_int_equal(get_with("/staf/account", w->cookie, &r), 200);
	assert_true(form_csrf(&r, w->csrf, sizeof w->csrf));
	res_free(&r);
}

/* The first login of w: password, enrolment with a code computed here. */
static void enrol(struct who *w)
{
	struct res r;
	assert_int_equal(password_step(w, PASS, &r), 303);
	res_free(&r);
	enrol_second_factor(w);
}

static int setup(void **state)
{
	(void)state;
	oath_init();
	srv_extra_orgs = extra_orgs;
	int rc = suite_start(&S, NULL);
	srv_extra_orgs = NULL;
	if (rc)
		return rc;
	char args[256];
	for (int i = 0; i < W_N; i++) {
		snprintf(args, sizeof args, "user add --org %s --role %s %s", users[i].org,
		         users[i].roles, users[i].login);
		if (cli(PASS, args, NULL, 0) != 0)
			return -1;
		snprintf(args, sizeof args, "token create %s --days 2", users[i].login);
		if (cli(NULL, args, users[i].token, sizeof users[i].token) != 0)
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return suite_stop(&S);
}

static void logins_enrol(void **state)
{
	(void)state;
	for (int i = 0; i < W_N; i++)
		enrol(&users[i]);
}

/* --- the role x route table ------------------------------------------------ */

/* Who asks: no one, or users[k]. */
enum {
	A_ANON = W_N,
	A_N
};

struct row {
	const char *method, *path;
	long expect[A_N]; /* per W_* and A_ANON */
};

/* Pages: 302 to the login without a session, 403 for a role that may not;
 * POSTs: 303 to the login, and with a session the missing CSRF token is
 * 403 (the token's own tests are below). The API: 401 without a token,
 * 403 for a role that may not. Columns: intake, handler, care, analyst,
 * admin, other organisation's admin+handler, anonymous. */
static const struct row table[] = {
    {"GET", "/staf", {200, 200, 200, 200, 200, 200, 302}},
    {"GET", "/staf/account", {200, 200, 200, 200, 200, 200, 302}},
    {"GET", "/staf/beheer", {403, 403, 403, 403, 200, 200, 302}},
    {"POST", "/staf/beheer/account", {403, 403, 403, 403, 403, 403, 303}},
    {"GET", "/staf/beheer/nieuw", {403, 403, 403, 403, 200, 200, 302}},
    {"POST", "/staf/beheer/nieuw", {403, 403, 403, 403, 403, 403, 303}},
    /* ":id" is no account. */
    {"GET", "/staf/beheer/rollen/:id", {403, 403, 403, 403, 404, 404, 302}},
    {"POST", "/staf/beheer/rollen/:id", {403, 403, 403, 403, 403, 403, 303}},
    {"GET", "/staf/beheer/tokens", {403, 403, 403, 403, 200, 200, 302}},
    {"POST", "/staf/beheer/tokens", {403, 403, 403, 403, 403, 403, 303}},
    {"POST", "/staf/beheer/tokens/intrekken", {403, 403, 403, 403, 403, 403, 303}},
    {"GET", "/staf/beheer/audit", {403, 403, 403, 403, 200, 200, 302}},
    {"GET", "/staf/beheer/audit.csv", {403, 403, 403, 403, 200, 200, 302}},
    {"GET", "/staf/inloggen", {200, 200, 200, 200, 200, 200, 200}},
    /* Without the form's token: the form again, saying so. */
    {"POST", "/staf/inloggen", {400, 400, 400, 400, 400, 400, 400}},
    /* A full session at a step of the login goes on to the work place. */
    {"GET", "/staf/code", {302, 302, 302, 302, 302, 302, 302}},
    {"POST", "/staf/code", {403, 403, 403, 403, 403, 403, 303}},
    {"GET", "/staf/wachtwoord-kiezen", {302, 302, 302, 302, 302, 302, 302}},
    {"POST", "/staf/wachtwoord-kiezen", {403, 403, 403, 403, 403, 403, 303}},
    {"GET", "/staf/tweede-stap-instellen", {302, 302, 302, 302, 302, 302, 302}},
    {"POST", "/staf/tweede-stap-instellen", {403, 403, 403, 403, 403, 403, 303}},
    {"POST", "/staf/uitloggen", {403, 403, 403, 403, 403, 403, 303}},
    {"POST", "/staf/account/wachtwoord", {403, 403, 403, 403, 403, 403, 303}},
    {"POST", "/staf/account/herstelcodes", {403, 403, 403, 403, 403, 403, 303}},
    {"POST", "/staf/account/overal-uitloggen", {403, 403, 403, 403, 403, 403, 303}},
    {"GET", "/api/v1/me", {200, 200, 200, 200, 200, 200, 401}},
    {"GET", "/api/v1/users", {403, 403, 403, 403, 200, 200, 401}},
    /* Reading reports: intake, handler and care (care reads nothing yet);
     * ":id" is no report, so the readers get 404. */
    {"GET", "/staf/meldingen", {200, 200, 200, 403, 403, 200, 302}},
    {"GET", "/staf/meldingen/:id", {404, 404, 404, 403, 403, 404, 302}},
    {"GET", "/api/v1/reports", {200, 200, 200, 403, 403, 200, 401}},
    {"GET", "/api/v1/reports/:id", {404, 404, 404, 403, 403, 404, 401}},
};
#define NTABLE (sizeof table / sizeof table[0])

static bool is_staff_route(const struct route *rt)
{
	return strncmp(rt->pattern, "/staf", 5) == 0 || !policy_is_public(rt->policy);
}

static void every_staff_route_has_a_row(void **state)
{
	(void)state;
	for (size_t i = 0; i < site_nroutes; i++) {
		const struct route *rt = &site_routes[i];
		if (!is_staff_route(rt))
			continue;
		for (unsigned m = HTTP_GET; m <= HTTP_POST; m <<= 1) {
			if (!(rt->methods & m) || m == HTTP_HEAD)
				continue;
			bool found = false;
			for (size_t k = 0; k < NTABLE; k++)
				found |=
				    strcmp(table[k].path, rt->pattern) == 0 &&
				    strcmp(table[k].method, m == HTTP_GET ? "GET" : "POST") == 0;
			if (!found)
				fail_msg("%s %s has no row in the role x route table",
				         m == HTTP_GET ? "GET" : "POST", rt->pattern);
		}
	}
}

static void role_route_table(void **state)
{
	(void)state;
	for (size_t k = 0; k < NTABLE; k++) {
		const struct row *row = &table[k];
		bool api = strncmp(row->path, "/api/", 5) == 0;
		for (int a = 0; a < A_N; a++) {
			char header[200] = "";
			if (a != A_ANON) {
				if (api)
					snprintf(header, sizeof header, "Authorization: Bearer %s",
					         users[a].token);
				else
					snprintf(header, sizeof header, "%s", users[a].cookie);
			}
			struct res r;
			long st = strcmp(row->method, "GET") == 0
			              ? get_with(row->path, header[0] ? header : NULL, &r)
			              : post_form(row->path, header[0] ? header : NULL, "x=1", &r);
			if (st != row->expect[a])
				fail_msg("%s %s as %s: %ld, expected %ld", row->method, row->path,
				         a == A_ANON ? "anonymous" : users[a].login, st,
				         row->expect[a]);
			char loc[128];
			if (st == 302 || st == 303) {
				assert_true(res_header(&r, "Location", loc, sizeof loc));
				if (a == A_ANON)
					assert_string_equal(loc, POLICY_LOGIN_PATH);
			}
			if (api && st == 401)
				assert_true(res_header(&r, "WWW-Authenticate", loc, sizeof loc));
			res_free(&r);
		}
	}
}

/* Each organisation sees only its own accounts, by page and by API. */
static void other_organisation_sees_nothing(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(get_with("/staf/beheer", users[W_OTHER].cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "uadmin"));
	assert_null(strstr(buf_str(&r.body), "hand1"));
	assert_non_null(strstr(buf_str(&r.body), "Gemeente Utrecht"));
	res_free(&r);
	assert_int_equal(get_with("/staf/beheer", users[W_ADMIN].cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "hand1"));
	assert_null(strstr(buf_str(&r.body), "uadmin"));
	res_free(&r);
	char h[200];
	snprintf(h, sizeof h, "Authorization: Bearer %s", users[W_OTHER].token);
	assert_int_equal(get_with("/api/v1/users", h, &r), 200);
	assert_null(strstr(buf_str(&r.body), "admin1"));
	assert_non_null(strstr(buf_str(&r.body), "\"uadmin\""));
	res_free(&r);
	snprintf(h, sizeof h, "Authorization: Bearer %s", users[W_HANDLER].token);
	assert_int_equal(get_with("/api/v1/me", h, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "\"organisation\":\"velsen\""));
	assert_non_null(strstr(buf_str(&r.body), "\"roles\":[\"handler\"]"));
	res_free(&r);
}

static void staff_pages_look_and_headers(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(get_with("/staf", users[W_HANDLER].cookie, &r), 200);
	char v[128];
	assert_true(res_header(&r, "Cache-Control", v, sizeof v));
	assert_string_equal(v, "no-store");
	assert_null(strstr(buf_str(&r.body), "Snel weg"));
	assert_null(strstr(buf_str(&r.body), "quick-exit"));
	assert_non_null(strstr(buf_str(&r.body), "Gemeente Velsen"));
	assert_non_null(strstr(buf_str(&r.body), "Behandelaar"));
	res_free(&r);
	assert_int_equal(get_with("/en/staf", users[W_HANDLER].cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "Handler"));
	res_free(&r);
	assert_int_equal(get_with("/staf/inloggen", NULL, &r), 200);
	assert_null(strstr(buf_str(&r.body), "Snel weg"));
	res_free(&r);
	assert_int_equal(get_with("/staf/beheer", users[W_HANDLER].cookie, &r), 403);
	assert_null(strstr(buf_str(&r.body), "Snel weg"));
	res_free(&r);
	/* Every staff page says who works in which organisation and role,
	 * the audit log too. */
	assert_int_equal(get_with("/staf/beheer/audit", users[W_ADMIN].cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "signaal-staff-who"));
	assert_non_null(strstr(buf_str(&r.body), "<strong>admin1</strong>"));
	assert_non_null(strstr(buf_str(&r.body), "Beheerder"));
	res_free(&r);
	/* The session cookie's attributes. */
	struct who w = {.login = "hand1"};
	assert_int_equal(password_step(&w, PASS, &r), 303);
	assert_true(res_header(&r, "Set-Cookie", v, sizeof v));
	assert_true(strncmp(v, POLICY_SESSION_COOKIE "=", strlen(POLICY_SESSION_COOKIE) + 1) == 0);
	assert_non_null(strstr(v, "; Path=/"));
	assert_non_null(strstr(v, "; HttpOnly"));
	assert_non_null(strstr(v, "; SameSite=Strict"));
	res_free(&r);
}

/* --- administration on the web ---------------------------------------------- */

/* The one-time password and the token the admin pages showed: never in
 * the server's log (secrets_never_in_the_log). */
static char shown_once[64], shown_token[80];

/* The text of the element with id="ID" up to its '<'. */
static bool element_text(const struct res *r, const char *id, char *out, size_t outsz)
{
	char key[64];
	snprintf(key, sizeof key, "id=\"%s\">", id);
	const char *f = strstr(buf_str(&r->body), key);
	if (!f)
		return false;
	f += strlen(key);
	snprintf(out, outsz, "%.*s", (int)strcspn(f, "<"), f);
	return out[0] != '\0';
}

/* The account id in the roles link of login on who's admin page. */
static void user_id_of(const struct who *w, const char *login, char *out, size_t outsz)
{
	struct res r;
	assert_int_equal(get_with("/staf/beheer", w->cookie, &r), 200);
	char key[96];
	snprintf(key, sizeof key, "<span class=\"signaal-visually-hidden\"> %s</span>", login);
	const char *end = strstr(buf_str(&r.body), key);
	assert_non_null(end);
	const char *f = NULL;
	for (const char *p = buf_str(&r.body); (p = strstr(p, "/staf/beheer/rollen/")) && p < end;
	     p++)
		f = p;
	assert_non_null(f);
	f += strlen("/staf/beheer/rollen/");
	snprintf(out, outsz, "%.*s", (int)strcspn(f, "\""), f);
	res_free(&r);
}

/* Whether the audit log holds an entry ACTION of actor with object. */
static bool audited_as(const char *action, const char *actor, const char *object,
                       const char *result)
{
	char args[160], out[4096], want[160];
	snprintf(args, sizeof args, "audit list --action %s --actor user:%s", action, actor);
	if (cli(NULL, args, out, sizeof out) != 0)
		return false;
	snprintf(want, sizeof want, "\t%s\t%s\t%s", action, object, result);
	return strstr(out, want) != NULL;
}

static bool audited(const char *action, const char *actor, const char *object)
{
	return audited_as(action, actor, object, "ok");
}

/* An admin adds an account of their organisation: a one-time password,
 * shown once and never cached, with which the first login sets a
 * password and enrols; a login that exists, a login out of shape and no
 * role are refused next to the field, with everything typed kept. */
static void admin_adds_a_user(void **state)
{
	(void)state;
	struct who *adm = &users[W_ADMIN];
	struct res r;
	char body[512], cc[64];
	assert_int_equal(get_with("/staf/beheer/nieuw", adm->cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "name=\"login\""));
	assert_non_null(strstr(buf_str(&r.body), "value=\"af\""));
	res_free(&r);
	/* Without the form's token nothing happens. */
	assert_int_equal(
	    post_form("/staf/beheer/nieuw", adm->cookie, "login=nieuw0&role=handler", &r), 403);
	res_free(&r);
	snprintf(body, sizeof body, "csrf=%s&login=nieuw1&role=handler&role=af", adm->csrf);
	assert_int_equal(post_form("/staf/beheer/nieuw", adm->cookie, body, &r), 200);
	assert_true(res_header(&r, "Cache-Control", cc, sizeof cc));
	assert_string_equal(cc, "no-store");
	char once[64];
	assert_true(element_text(&r, "eenmalig-wachtwoord", once, sizeof once));
	srv_secret(&S, once);
	snprintf(shown_once, sizeof shown_once, "%s", once);
	res_free(&r);
	assert_true(audited("user.add", "admin1", "user:nieuw1"));

	/* The first login: the one-time password, a new one, the second factor. */
	struct who w = {.login = "nieuw1"};
	assert_int_equal(password_step(&w, once, &r), 303);
	res_free(&r);
	assert_int_equal(get_with("/staf", w.cookie, &r), 302);
	char loc[96];
	assert_true(res_header(&r, "Location", loc, sizeof loc));
	assert_string_equal(loc, "/staf/wachtwoord-kiezen");
	res_free(&r);
	assert_int_equal(get_with("/staf/wachtwoord-kiezen", w.cookie, &r), 200);
	char csrf[80];
	assert_true(form_csrf(&r, csrf, sizeof csrf));
	res_free(&r);
	snprintf(body, sizeof body, "csrf=%s&password=%s&password2=%s", csrf, PASS, PASS);
	assert_int_equal(post_form("/staf/wachtwoord-kiezen", w.cookie, body, &r), 303);
	res_free(&r);
	enrol_second_factor(&w);
	assert_int_equal(get_with("/staf", w.cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "Behandelaar (aandachtsfunctionaris)"));
	assert_non_null(strstr(buf_str(&r.body), "Gemeente Velsen"));
	res_free(&r);

	/* A login that exists (here or in another organisation). */
	snprintf(body, sizeof body, "csrf=%s&login=uadmin&role=intake&role=analyst", adm->csrf);
	assert_int_equal(post_form("/staf/beheer/nieuw", adm->cookie, body, &r), 400);
	const char *html = buf_str(&r.body);
	assert_non_null(strstr(html, "Deze inlognaam bestaat al"));
	assert_non_null(strstr(html, "id=\"login-error\""));
	assert_non_null(strstr(html, "value=\"uadmin\""));
	assert_non_null(strstr(html, "value=\"intake\" checked"));
	assert_non_null(strstr(html, "value=\"analyst\" checked"));
	assert_null(strstr(html, "value=\"admin\" checked"));
	assert_null(strstr(html, "eenmalig-wachtwoord"));
	res_free(&r);
	/* Out of shape, and no role. */
	snprintf(body, sizeof body, "csrf=%s&login=Nieuw%%202", adm->csrf);
	assert_int_equal(post_form("/staf/beheer/nieuw", adm->cookie, body, &r), 400);
	html = buf_str(&r.body);
	assert_non_null(strstr(html, "kleine letters"));
	assert_non_null(strstr(html, "value=\"Nieuw 2\""));
	assert_non_null(strstr(html, "Kies minstens één rol."));
	res_free(&r);
	/* Aandachtsfunctionaris without handler. */
	snprintf(body, sizeof body, "csrf=%s&login=nieuw2&role=intake&role=af", adm->csrf);
	assert_int_equal(post_form("/staf/beheer/nieuw", adm->cookie, body, &r), 400);
	assert_non_null(strstr(buf_str(&r.body), "alleen samen met Behandelaar"));
	assert_non_null(strstr(buf_str(&r.body), "value=\"af\" checked"));
	res_free(&r);
	/* The other organisation's admin does not see the new account; the
	 * one refused for its missing form token was never made. */
	assert_int_equal(get_with("/staf/beheer", users[W_OTHER].cookie, &r), 200);
	assert_null(strstr(buf_str(&r.body), "nieuw1"));
	res_free(&r);
	assert_int_equal(get_with("/staf/beheer", adm->cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "nieuw1"));
	assert_null(strstr(buf_str(&r.body), "nieuw0"));
	res_free(&r);
}

/* Roles: changed within the own organisation only, audited; an admin
 * keeps their own admin role and is told why. */
static void admin_changes_roles(void **state)
{
	(void)state;
	struct who *adm = &users[W_ADMIN];
	struct res r;
	char id[32], path[96], body[512], loc[128];
	user_id_of(adm, "nieuw1", id, sizeof id);
	snprintf(path, sizeof path, "/staf/beheer/rollen/%s", id);
	assert_int_equal(get_with(path, adm->cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "value=\"handler\" checked"));
	assert_non_null(strstr(buf_str(&r.body), "value=\"af\" checked"));
	res_free(&r);
	assert_int_equal(post_form(path, adm->cookie, "role=intake", &r), 403);
	res_free(&r);
	snprintf(body, sizeof body, "csrf=%s&role=intake&role=analyst", adm->csrf);
	assert_int_equal(post_form(path, adm->cookie, body, &r), 303);
	assert_true(res_header(&r, "Location", loc, sizeof loc));
	assert_string_equal(loc, "/staf/beheer?klaar=rollen");
	res_free(&r);
	assert_int_equal(get_with(loc, adm->cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "De rollen zijn veranderd."));
	assert_non_null(strstr(buf_str(&r.body), "Intake, Analist"));
	res_free(&r);
	assert_true(audited("user.roles", "admin1", "user:nieuw1"));
	/* No role at all: refused, the form again. */
	snprintf(body, sizeof body, "csrf=%s", adm->csrf);
	assert_int_equal(post_form(path, adm->cookie, body, &r), 400);
	assert_non_null(strstr(buf_str(&r.body), "Kies minstens één rol."));
	res_free(&r);

	/* One's own admin role stays. */
	user_id_of(adm, "admin1", id, sizeof id);
	snprintf(path, sizeof path, "/staf/beheer/rollen/%s", id);
	snprintf(body, sizeof body, "csrf=%s&role=handler", adm->csrf);
	assert_int_equal(post_form(path, adm->cookie, body, &r), 400);
	assert_non_null(strstr(buf_str(&r.body), "eigen rol Beheerder"));
	assert_non_null(strstr(buf_str(&r.body), "value=\"handler\" checked"));
	res_free(&r);
	assert_int_equal(get_with("/staf/beheer", adm->cookie, &r), 200);
	res_free(&r);

	/* Another organisation's account does not exist here. */
	user_id_of(&users[W_OTHER], "uadmin", id, sizeof id);
	snprintf(path, sizeof path, "/staf/beheer/rollen/%s", id);
	assert_int_equal(get_with(path, adm->cookie, &r), 404);
	assert_non_null(strstr(buf_str(&r.body), "Dit account bestaat niet in je organisatie."));
	res_free(&r);
	snprintf(body, sizeof body, "csrf=%s&role=intake", adm->csrf);
	assert_int_equal(post_form(path, adm->cookie, body, &r), 404);
	res_free(&r);
	assert_int_equal(get_with("/staf/beheer", users[W_OTHER].cookie, &r), 200);
	res_free(&r);
}

/* The token's id in the row of the token list of login (the first). */
static bool token_id_of(const struct res *r, const char *login, char *out, size_t outsz)
{
	char key[96];
	snprintf(key, sizeof key, "data-login=\"%s\" data-id=\"", login);
	const char *f = strstr(buf_str(&r->body), key);
	if (!f)
		return false;
	f += strlen(key);
	snprintf(out, outsz, "%.*s", (int)strcspn(f, "\""), f);
	return true;
}

/* API tokens: the list without secrets, made for an account of the own
 * organisation and shown once, working on the API, revoked (401). */
static void admin_tokens(void **state)
{
	(void)state;
	struct who *adm = &users[W_ADMIN];
	struct res r;
	char body[512], cc[64], tok[80], id[32], loc[128], h[200];
	assert_int_equal(get_with("/staf/beheer/tokens", adm->cookie, &r), 200);
	assert_true(token_id_of(&r, "hand1", id, sizeof id));
	assert_false(token_id_of(&r, "uadmin", id, sizeof id));
	for (int i = 0; i < W_N; i++)
		assert_null(strstr(buf_str(&r.body), users[i].token));
	res_free(&r);
	assert_int_equal(post_form("/staf/beheer/tokens", adm->cookie, "login=hand1&days=5", &r),
	                 403);
	res_free(&r);
	snprintf(body, sizeof body, "csrf=%s&login=hand1&days=5", adm->csrf);
	assert_int_equal(post_form("/staf/beheer/tokens", adm->cookie, body, &r), 200);
	assert_true(res_header(&r, "Cache-Control", cc, sizeof cc));
	assert_string_equal(cc, "no-store");
	assert_true(element_text(&r, "token-eenmalig", tok, sizeof tok));
	assert_int_equal(strlen(tok), 64);
	srv_secret(&S, tok);
	snprintf(shown_token, sizeof shown_token, "%s", tok);
	res_free(&r);
	snprintf(h, sizeof h, "Authorization: Bearer %s", tok);
	assert_int_equal(get_with("/api/v1/reports", h, &r), 200);
	res_free(&r);
	/* Listed, never with the token itself. */
	assert_int_equal(get_with("/staf/beheer/tokens", adm->cookie, &r), 200);
	assert_null(strstr(buf_str(&r.body), tok));
	res_free(&r);
	char out[4096];
	assert_int_equal(
	    cli(NULL, "audit list --action token.create --actor user:admin1", out, sizeof out), 0);
	const char *t = strstr(out, "\ttoken.create\ttoken:");
	assert_non_null(t);
	t += strlen("\ttoken.create\ttoken:");
	snprintf(id, sizeof id, "%.*s", (int)strcspn(t, "\t"), t);

	/* Revoked: 303 back to the list, then 401. */
	assert_int_equal(post_form("/staf/beheer/tokens/intrekken", adm->cookie, "id=1", &r), 403);
	res_free(&r);
	snprintf(body, sizeof body, "csrf=%s&id=%s", adm->csrf, id);
	assert_int_equal(post_form("/staf/beheer/tokens/intrekken", adm->cookie, body, &r), 303);
	assert_true(res_header(&r, "Location", loc, sizeof loc));
	assert_string_equal(loc, "/staf/beheer/tokens?klaar=ingetrokken");
	res_free(&r);
	assert_int_equal(get_with(loc, adm->cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "De token is ingetrokken."));
	res_free(&r);
	assert_int_equal(get_with("/api/v1/reports", h, &r), 401);
	res_free(&r);
	char object[64];
	snprintf(object, sizeof object, "token:%s", id);
	assert_true(audited("token.revoke", "admin1", object));

	/* Days out of range: the form again with the account still chosen. */
	snprintf(body, sizeof body, "csrf=%s&login=hand1&days=0", adm->csrf);
	assert_int_equal(post_form("/staf/beheer/tokens", adm->cookie, body, &r), 400);
	assert_non_null(strstr(buf_str(&r.body), "id=\"days-error\""));
	assert_non_null(strstr(buf_str(&r.body), "value=\"hand1\" selected"));
	assert_non_null(strstr(buf_str(&r.body), "value=\"0\""));
	assert_null(strstr(buf_str(&r.body), "token-eenmalig"));
	res_free(&r);

	/* Another organisation's account and token do not exist here. */
	snprintf(body, sizeof body, "csrf=%s&login=uadmin&days=5", adm->csrf);
	assert_int_equal(post_form("/staf/beheer/tokens", adm->cookie, body, &r), 404);
	assert_non_null(strstr(buf_str(&r.body), "Dit account bestaat niet in je organisatie."));
	assert_null(strstr(buf_str(&r.body), "token-eenmalig"));
	res_free(&r);
	assert_int_equal(get_with("/staf/beheer/tokens", users[W_OTHER].cookie, &r), 200);
	char uid[32];
	assert_true(token_id_of(&r, "uadmin", uid, sizeof uid));
	res_free(&r);
	snprintf(body, sizeof body, "csrf=%s&id=%s", adm->csrf, uid);
	assert_int_equal(post_form("/staf/beheer/tokens/intrekken", adm->cookie, body, &r), 404);
	assert_non_null(strstr(buf_str(&r.body), "Deze token bestaat niet in je organisatie."));
	res_free(&r);
	snprintf(h, sizeof h, "Authorization: Bearer %s", users[W_OTHER].token);
	assert_int_equal(get_with("/api/v1/me", h, &r), 200);
	res_free(&r);
}

/* Replaces every needle in b by as many '*'. */
static void blank(struct buf *b, const char *needle)
{
	size_t n = strlen(needle);
	for (char *p = strstr(b->data, needle); p; p = strstr(p + n, needle))
		memset(p, '*', n);
}

static void unknown_login_answers_like_wrong_password(void **state)
{
	(void)state;
	struct res a, b;
	struct who wrong = {.login = "analyst1"}, unknown = {.login = "nobody99"};
	assert_int_equal(password_step(&wrong, "not-the-password-at-all", &a), 400);
	assert_int_equal(password_step(&unknown, "not-the-password-at-all", &b), 400);
	char ca[80], cb[80];
	assert_true(form_csrf(&a, ca, sizeof ca));
	assert_true(form_csrf(&b, cb, sizeof cb));
	/* The same page but for the login typed and the form's token. */
	blank(&a.body, ca);
	blank(&b.body, cb);
	blank(&a.body, "analyst1");
	blank(&b.body, "nobody99");
	assert_string_equal(buf_str(&a.body), buf_str(&b.body));
	assert_non_null(strstr(buf_str(&a.body), "De inlognaam of het wachtwoord klopt niet"));
	char v[64];
	assert_false(res_header(&a, "Set-Cookie", v, sizeof v) &&
	             strncmp(v, POLICY_SESSION_COOKIE, strlen(POLICY_SESSION_COOKIE)) == 0);
	res_free(&a);
	res_free(&b);
}

static void fixation_new_id_at_login(void **state)
{
	(void)state;
	/* An id planted before login is never the session's. */
	const char *planted = "Cookie: " POLICY_SESSION_COOKIE
	                      "=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	struct res r;
	assert_int_equal(get_with("/staf", planted, &r), 302);
	res_free(&r);
	struct who w = {.login = "care1"};
	assert_int_equal(password_step(&w, PASS, &r), 303);
	res_free(&r);
	assert_null(strstr(w.cookie, "00112233445566778899"));
	assert_int_equal(get_with("/staf", planted, &r), 302);
	res_free(&r);
	/* The half session only reaches the steps of the login. */
	assert_int_equal(get_with("/staf/account", w.cookie, &r), 302);
	char loc[64];
	assert_true(res_header(&r, "Location", loc, sizeof loc));
	assert_string_equal(loc, "/staf/code");
	res_free(&r);
}

static void code_used_once(void **state)
{
	(void)state;
	struct who *w = &users[W_ANALYST];
	struct who again = *w;
	struct res r;
	assert_int_equal(password_step(&again, PASS, &r), 303);
	res_free(&r);
	assert_int_equal(get_with("/staf/code", again.cookie, &r), 200);
	char csrf[80], code[7], body[200];
	assert_true(form_csrf(&r, csrf, sizeof csrf));
	res_free(&r);
	/* The enrolment's code, once more. */
	code_of(w, w->step, code);
	snprintf(body, sizeof body, "csrf=%s&code=%s", csrf, code);
	assert_int_equal(post_form("/staf/code", again.cookie, body, &r), 400);
	assert_non_null(strstr(buf_str(&r.body), "al gebruikt"));
	res_free(&r);
	/* A later step's code is fine: the next one (one step of drift
	 * ahead) while the enrolment's step lasts, else the current one. */
	long now = (long)(time(NULL) / 30);
	code_of(w, now > w->step ? now : w->step + 1, code);
	snprintf(body, sizeof body, "csrf=%s&code=%s", csrf, code);
	assert_int_equal(post_form("/staf/code", again.cookie, body, &r), 303);
	res_free(&r);
}

static void csrf_bound_to_the_session(void **state)
{
	(void)state;
	struct res r;
	char body[512];
	/* Without a token, with another session's token, with a public
	 * form's token: 403, and the password stays. */
	snprintf(body, sizeof body,
	         "old=%s&password=x-blauwe-boot-op-de-rivier&password2=x-blauwe-"
	         "boot-op-de-rivier",
	         PASS);
	assert_int_equal(post_form("/staf/account/wachtwoord", users[W_CARE].cookie, body, &r),
	                 403);
	res_free(&r);
	snprintf(body, sizeof body,
	         "csrf=%s&old=%s&password=x-blauwe-boot-op-de-rivier&password2=x-blauwe-"
	         "boot-op-de-rivier",
	         users[W_INTAKE].csrf, PASS);
	assert_int_equal(post_form("/staf/account/wachtwoord", users[W_CARE].cookie, body, &r),
	                 403);
	res_free(&r);
	char cookie[256], token[128];
	assert_int_equal(
	    http_csrf(&S, "/staf/inloggen", cookie, sizeof cookie, token, sizeof token), 0);
	char both[512];
	snprintf(both, sizeof both, "%s; %s", users[W_CARE].cookie, cookie + strlen("Cookie: "));
	snprintf(body, sizeof body, "csrf=%s", token);
	assert_int_equal(post_form("/staf/uitloggen", both, body, &r), 403);
	res_free(&r);
	assert_int_equal(get_with("/staf", users[W_CARE].cookie, &r), 200);
	res_free(&r);
	/* With its own token the form works. */
	snprintf(body, sizeof body, "csrf=%s", users[W_CARE].csrf);
	assert_int_equal(post_form("/staf/account/herstelcodes", users[W_CARE].cookie, body, &r),
	                 200);
	assert_non_null(strstr(buf_str(&r.body), "signaal-recovery-codes"));
	res_free(&r);
}

static void logout_ends_the_session(void **state)
{
	(void)state;
	struct who *w = &users[W_CARE];
	struct res r;
	char body[128], v[200];
	snprintf(body, sizeof body, "csrf=%s", w->csrf);
	assert_int_equal(post_form("/staf/uitloggen", w->cookie, body, &r), 303);
	assert_true(res_header(&r, "Set-Cookie", v, sizeof v));
	assert_non_null(strstr(v, "Max-Age=0"));
	assert_true(res_header(&r, "Location", v, sizeof v));
	assert_string_equal(v, POLICY_LOGIN_PATH);
	res_free(&r);
	assert_int_equal(get_with("/staf", w->cookie, &r), 302);
	res_free(&r);
}

static void disabled_user_and_revoked_token_stop_at_once(void **state)
{
	(void)state;
	struct who *w = &users[W_INTAKE];
	struct res r;
	char h[200];
	snprintf(h, sizeof h, "Authorization: Bearer %s", w->token);
	assert_int_equal(get_with("/staf", w->cookie, &r), 200);
	res_free(&r);
	assert_int_equal(cli(NULL, "user disable intake1", NULL, 0), 0);
	assert_int_equal(get_with("/staf", w->cookie, &r), 302);
	res_free(&r);
	assert_int_equal(get_with("/api/v1/me", h, &r), 401);
	res_free(&r);
	assert_int_equal(cli(NULL, "user enable intake1", NULL, 0), 0);
	assert_int_equal(get_with("/api/v1/me", h, &r), 200);
	res_free(&r);
	/* A revoked token. */
	char out[128];
	FILE *p;
	char cmd[512], id[32] = "";
	snprintf(cmd, sizeof cmd, "'%s' --data '%s/var' token list intake1", signaal_bin(), S.dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, sizeof out, p));
	pclose(p);
	snprintf(id, sizeof id, "%.*s", (int)strcspn(out, "\t"), out);
	snprintf(cmd, sizeof cmd, "token revoke %s", id);
	assert_int_equal(cli(NULL, cmd, NULL, 0), 0);
	assert_int_equal(get_with("/api/v1/me", h, &r), 401);
	res_free(&r);
	assert_int_equal(get_with("/api/v1/me", "Authorization: Bearer nonsense", &r), 401);
	res_free(&r);
}

/* The admin page acts on accounts of the admin's own organisation only. */
static void admin_acts_on_own_organisation(void **state)
{
	(void)state;
	assert_int_equal(cli(PASS, "user add --org velsen --role intake temp1", NULL, 0), 0);
	assert_int_equal(cli(NULL, "token create temp1 --days 5", NULL, 0), 0);
	struct who *adm = &users[W_ADMIN];
	struct res r;
	char body[256];
	assert_int_equal(get_with("/staf/beheer/tokens", adm->cookie, &r), 200);
	assert_null(strstr(buf_str(&r.body), "Account uitgezet"));
	res_free(&r);
	snprintf(body, sizeof body, "csrf=%s&login=uadmin&action=disable", adm->csrf);
	assert_int_equal(post_form("/staf/beheer/account", adm->cookie, body, &r), 404);
	res_free(&r);
	/* The attempt on another organisation's account is written down. */
	assert_true(audited_as("user.disable", "admin1", "user:uadmin", "denied"));
	assert_false(audited("user.disable", "admin1", "user:uadmin"));
	snprintf(body, sizeof body, "csrf=%s&login=admin1&action=disable", adm->csrf);
	assert_int_equal(post_form("/staf/beheer/account", adm->cookie, body, &r), 400);
	res_free(&r);
	/* Post/redirect/get: the list says what was done. */
	char loc[128];
	snprintf(body, sizeof body, "csrf=%s&login=temp1&action=disable", adm->csrf);
	assert_int_equal(post_form("/staf/beheer/account", adm->cookie, body, &r), 303);
	assert_true(res_header(&r, "Location", loc, sizeof loc));
	assert_string_equal(loc, "/staf/beheer?klaar=uitgezet");
	res_free(&r);
	assert_int_equal(get_with(loc, adm->cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "Het account is uitgezet."));
	res_free(&r);
	snprintf(body, sizeof body, "csrf=%s&login=temp1&action=reset-2fa", adm->csrf);
	assert_int_equal(post_form("/staf/beheer/account", adm->cookie, body, &r), 303);
	assert_true(res_header(&r, "Location", loc, sizeof loc));
	assert_string_equal(loc, "/staf/beheer?klaar=tweede-stap");
	res_free(&r);
	assert_int_equal(get_with(loc, adm->cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "De tweede stap is gewist."));
	res_free(&r);
	/* A value of klaar that means nothing says nothing. */
	assert_int_equal(get_with("/staf/beheer?klaar=%3Cb%3E", adm->cookie, &r), 200);
	assert_null(strstr(buf_str(&r.body), "is uitgezet"));
	assert_null(strstr(buf_str(&r.body), "<b>"));
	res_free(&r);
	/* Its token is listed as not working, not as active. */
	assert_int_equal(get_with("/staf/beheer/tokens", adm->cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "Account uitgezet"));
	res_free(&r);
	/* The other organisation's admin is untouched, temp1 is disabled. */
	assert_int_equal(get_with("/staf", users[W_OTHER].cookie, &r), 200);
	res_free(&r);
	struct who t = {.login = "temp1"};
	assert_int_equal(password_step(&t, PASS, &r), 400);
	res_free(&r);
}

static void throttle_says_how_long(void **state)
{
	(void)state;
	assert_int_equal(cli(PASS, "user add --org velsen --role handler slow1", NULL, 0), 0);
	struct who w = {.login = "slow1"};
	struct res r;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(password_step(&w, "not-the-password-at-all", &r), 400);
		res_free(&r);
	}
	/* Now even the right password waits, and the page says how long. */
	assert_int_equal(password_step(&w, PASS, &r), 429);
	assert_non_null(strstr(buf_str(&r.body), "Probeer het over"));
	char v[16];
	assert_true(res_header(&r, "Retry-After", v, sizeof v));
	res_free(&r);
}

/* --- reading reports ------------------------------------------------------ */

static json_t *json_of(const struct res *r)
{
	json_t *v = json_loads(buf_str(&r->body), 0, NULL);
	if (!v)
		fail_msg("not JSON: %.200s", buf_str(&r->body));
	return v;
}

static long api_get(int who, const char *path, struct res *r)
{
	char h[200];
	snprintf(h, sizeof h, "Authorization: Bearer %s", users[who].token);
	return get_with(path, h, r);
}

/* A report sent through the public API is read by the organisation's
 * intake and handler (list, page and API; the words as text; the view
 * audited), and by nobody of another organisation, nor by care yet. */
static void reading_reports(void **state)
{
	(void)state;
	static const char body[] = "{\"org\":\"velsen\",\"kind\":\"report\","
	                           "\"reporter_role\":\"bystander\",\"anonymous\":true,"
	                           "\"description\":\"<b>VOORBEELD leesproef</b>\\nregel twee\"}";
	struct res r;
	assert_int_equal(
	    http_post(&S, "/api/v1/reports", "application/json", body, strlen(body), NULL, &r), 0);
	assert_int_equal(r.status, 201);
	res_free(&r);

	/* The list: newest first, so the report just sent leads; no words. */
	assert_int_equal(api_get(W_HANDLER, "/api/v1/reports", &r), 200);
	assert_null(strstr(buf_str(&r.body), "leesproef"));
	char cc[128];
	assert_true(res_header(&r, "Cache-Control", cc, sizeof cc));
	assert_non_null(strstr(cc, "no-store"));
	json_t *list = json_of(&r);
	res_free(&r);
	json_t *first = json_array_get(json_object_get(list, "reports"), 0);
	assert_non_null(first);
	char id[32], ref[64];
	snprintf(id, sizeof id, "%s", json_string_value(json_object_get(first, "id")));
	snprintf(ref, sizeof ref, "%s", json_string_value(json_object_get(first, "reference")));
	assert_null(json_object_get(first, "description"));
	json_decref(list);
	char path[96], api[96];
	snprintf(path, sizeof path, "/staf/meldingen/%s", id);
	snprintf(api, sizeof api, "/api/v1/reports/%s", id);

	/* The page: the inbox links it; the view shows the words as text. */
	assert_int_equal(get_with("/staf/meldingen", users[W_INTAKE].cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), path));
	res_free(&r);
	assert_int_equal(get_with(path, users[W_HANDLER].cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "&lt;b&gt;VOORBEELD leesproef&lt;/b&gt;"));
	assert_null(strstr(buf_str(&r.body), "<b>VOORBEELD"));
	assert_null(strstr(buf_str(&r.body), "Snel weg"));
	res_free(&r);
	assert_int_equal(api_get(W_INTAKE, api, &r), 200);
	json_t *v = json_of(&r);
	assert_string_equal(json_string_value(json_object_get(v, "description")),
	                    "<b>VOORBEELD leesproef</b>\nregel twee");
	json_decref(v);
	res_free(&r);

	/* Another organisation: not found, in the list nor by id. */
	assert_int_equal(get_with(path, users[W_OTHER].cookie, &r), 404);
	assert_null(strstr(buf_str(&r.body), "leesproef"));
	res_free(&r);
	assert_int_equal(api_get(W_OTHER, api, &r), 404);
	res_free(&r);
	assert_int_equal(api_get(W_OTHER, "/api/v1/reports", &r), 200);
	assert_null(strstr(buf_str(&r.body), ref));
	res_free(&r);
	/* Care: nothing referred to care yet. */
	assert_int_equal(api_get(W_CARE, "/api/v1/reports", &r), 200);
	assert_null(strstr(buf_str(&r.body), ref));
	res_free(&r);
	assert_int_equal(api_get(W_CARE, api, &r), 404);
	res_free(&r);
	/* Analyst and a bare admin: refused before anything is read. */
	assert_int_equal(api_get(W_ANALYST, api, &r), 403);
	res_free(&r);
	assert_int_equal(get_with(path, users[W_ADMIN].cookie, &r), 403);
	res_free(&r);

	/* A filter that is no status: 400 naming it. */
	assert_int_equal(api_get(W_HANDLER, "/api/v1/reports?status=open", &r), 400);
	assert_non_null(strstr(buf_str(&r.body), "\"field\":\"status\""));
	res_free(&r);
	assert_int_equal(api_get(W_HANDLER, "/api/v1/reports?status=closed", &r), 200);
	assert_null(strstr(buf_str(&r.body), ref));
	res_free(&r);

	/* Each view of the words was audited, with the reader and the id. */
	const char *readers[] = {"hand1", "intake1"};
	for (size_t k = 0; k < 2; k++) {
		char args[160], out[512], want[96];
		snprintf(args, sizeof args, "audit list --action report.view --actor user:%s",
		         readers[k]);
		assert_int_equal(cli(NULL, args, out, sizeof out), 0);
		snprintf(want, sizeof want, "\treport.view\treport:%s\tok", id);
		if (!strstr(out, want))
			fail_msg("no view of %s by %s in the audit log: %s", id, readers[k], out);
	}
}

/* Sends body to the public API; id gets the new report's id. The list
 * orders one day's reports by their random ids: the new report is the id
 * that was not there before. */
static void new_report(const char *body, char id[32])
{
	struct res r;
	assert_int_equal(api_get(W_HANDLER, "/api/v1/reports?limit=1000", &r), 200);
	json_t *before = json_of(&r);
	res_free(&r);
	assert_int_equal(
	    http_post(&S, "/api/v1/reports", "application/json", body, strlen(body), NULL, &r), 0);
	if (r.status != 201)
		fail_msg("report refused: %s", buf_str(&r.body));
	res_free(&r);
	assert_int_equal(api_get(W_HANDLER, "/api/v1/reports?limit=1000", &r), 200);
	json_t *after = json_of(&r);
	res_free(&r);
	id[0] = '\0';
	size_t i, k;
	json_t *x, *y;
	json_array_foreach(json_object_get(after, "reports"), i, x)
	{
		const char *xi = json_string_value(json_object_get(x, "id"));
		bool old = false;
		json_array_foreach(json_object_get(before, "reports"), k, y) old =
		    old || strcmp(xi, json_string_value(json_object_get(y, "id"))) == 0;
		if (!old)
			snprintf(id, 32, "%s", xi);
	}
	json_decref(before);
	json_decref(after);
	assert_true(id[0] != '\0');
}

/* Everything the reporter gave reaches the reader: since, where the
 * person is now, and the people with their role and age group in words. */
static void report_view_shows_every_answer(void **state)
{
	(void)state;
	static const char body[] =
	    "{\"org\":\"velsen\",\"kind\":\"report\",\"reporter_role\":\"bystander\","
	    "\"anonymous\":true,\"description\":\"VOORBEELD alles gezien\","
	    "\"since\":\"VOORBEELD sinds de zomer\","
	    "\"safety\":{\"location_now\":\"VOORBEELD in de loods\"},"
	    "\"people\":[{\"role\":\"exploiter\",\"minor\":\"no\"}]}";
	struct res r;
	char id[32], path[96];
	new_report(body, id);
	snprintf(path, sizeof path, "/api/v1/reports/%s", id);
	assert_int_equal(api_get(W_HANDLER, path, &r), 200);
	json_t *v = json_of(&r);
	res_free(&r);
	const char *since = json_string_value(json_object_get(v, "since"));
	const char *now =
	    json_string_value(json_object_get(json_object_get(v, "safety"), "location_now"));
	assert_non_null(since);
	assert_non_null(now);
	assert_string_equal(since, "VOORBEELD sinds de zomer");
	assert_string_equal(now, "VOORBEELD in de loods");
	json_decref(v);
	snprintf(path, sizeof path, "/staf/meldingen/%s", id);
	assert_int_equal(get_with(path, users[W_HANDLER].cookie, &r), 200);
	const char *html = buf_str(&r.body);
	assert_non_null(strstr(html, "VOORBEELD sinds de zomer"));
	assert_non_null(strstr(html, "VOORBEELD in de loods"));
	assert_non_null(strstr(html, "Mogelijk uitbuiter."));
	assert_non_null(strstr(html, "Minderjarig: Nee."));
	assert_null(strstr(html, "exploiter"));
	res_free(&r);
}

/* Whether the history of v (the API's report) holds an entry of action
 * by actor. */
static bool history_has(const json_t *v, const char *action, const char *actor)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(v, "history"), i, e)
	{
		const char *a = json_string_value(json_object_get(e, "actor"));
		if (strcmp(json_string_value(json_object_get(e, "action")), action) == 0 &&
		    (!actor || (a && strcmp(a, actor) == 0)))
			return true;
	}
	return false;
}

/* The history of a report: received, then each earlier view by whom (the
 * view being made shows from the next one on), nothing of another
 * report; the non-personal answers in the form's words; a stored detail
 * that is no code is shown escaped. */
static void report_history_and_answers(void **state)
{
	(void)state;
	static const char body[] =
	    "{\"org\":\"velsen\",\"kind\":\"report\",\"reporter_role\":\"bystander\","
	    "\"anonymous\":true,\"description\":\"VOORBEELD geschiedenis\","
	    "\"sector\":\"harbour\",\"frequency\":\"often\",\"subject_aware\":\"no\","
	    "\"involved\":[\"police\",\"school\"],"
	    "\"safety\":{\"threats\":\"yes\",\"weapons\":\"unknown\"}}";
	struct res r;
	char id[32], path[96], api[96];
	new_report(body, id);
	snprintf(path, sizeof path, "/staf/meldingen/%s", id);
	snprintf(api, sizeof api, "/api/v1/reports/%s", id);

	/* intake1 looks first; hand1 then sees that look, not its own. */
	assert_int_equal(get_with(path, users[W_INTAKE].cookie, &r), 200);
	res_free(&r);
	assert_int_equal(get_with(path, users[W_HANDLER].cookie, &r), 200);
	const char *html = buf_str(&r.body);
	assert_non_null(strstr(html, "Melding ontvangen"));
	assert_non_null(strstr(html, ", intake1: Melding bekeken"));
	assert_null(strstr(html, ", hand1: Melding bekeken"));
	/* The answers in the words of the form, never the codes. */
	const char *answers = strstr(html, "id=\"report-answers\"");
	assert_non_null(answers);
	assert_non_null(strstr(answers, "In de haven of op een schip"));
	assert_non_null(strstr(answers, "Vaak of steeds"));
	assert_non_null(strstr(answers, "De politie<br>School<br>"));
	assert_non_null(strstr(answers, "Wordt er gedreigd of geweld gebruikt?</dt><dd>Ja<br>"));
	assert_non_null(strstr(answers, "Zijn er wapens?</dt><dd>Weet ik niet<br>"));
	assert_non_null(strstr(answers, "Weet de persoon van deze melding? (niet verplicht)</dt>"
	                                "<dd>Nee<br>"));
	assert_null(strstr(html, "harbour"));
	res_free(&r);
	assert_int_equal(get_with(path, users[W_HANDLER].cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), ", hand1: Melding bekeken"));
	res_free(&r);
	/* English through gettext. */
	char en[128];
	snprintf(en, sizeof en, "/en%s", path);
	assert_int_equal(get_with(en, users[W_HANDLER].cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "In the harbour or on a ship"));
	assert_non_null(strstr(buf_str(&r.body), ", intake1: Report viewed"));
	res_free(&r);

	/* The API: received and the three views before this one, oldest
	 * first; the views of the other reports never. */
	assert_int_equal(api_get(W_INTAKE, api, &r), 200);
	json_t *v = json_of(&r);
	res_free(&r);
	json_t *h = json_object_get(v, "history");
	assert_int_equal(json_array_size(h), 5);
	json_t *first = json_array_get(h, 0);
	assert_string_equal(json_string_value(json_object_get(first, "action")), "received");
	assert_string_equal(json_string_value(json_object_get(first, "at")),
	                    json_string_value(json_object_get(v, "received_on")));
	assert_true(json_is_null(json_object_get(first, "actor")));
	const char *who[] = {"user:intake1", "user:hand1", "user:hand1", "user:hand1"};
	for (size_t i = 0; i < 4; i++) {
		json_t *e = json_array_get(h, i + 1);
		assert_string_equal(json_string_value(json_object_get(e, "action")), "report.view");
		assert_string_equal(json_string_value(json_object_get(e, "actor")), who[i]);
		assert_string_equal(json_string_value(json_object_get(e, "result")), "ok");
		assert_true(
		    strcmp(json_string_value(json_object_get(e, "at")),
		           json_string_value(json_object_get(json_array_get(h, i), "at"))) >= 0);
	}
	assert_int_equal(json_integer_value(json_object_get(v, "history_more")), 0);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(v, "details"), "sector")), "harbour");
	json_decref(v);

	/* A stored detail that is no code (written behind the server's
	 * back) is shown as text. */
	char sql[256];
	struct buf out = BUF_INIT;
	snprintf(sql, sizeof sql,
	         "UPDATE reports SET details = '{\"sector\":\"<b>haven</b>\","
	         "\"involved\":[\"<i>x</i>\"]}' WHERE id = %s RETURNING id",
	         id);
	assert_int_equal(srv_change(&S, sql, &out), 0);
	assert_non_null(strstr(buf_str(&out), id));
	buf_free(&out);
	assert_int_equal(get_with(path, users[W_HANDLER].cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "&lt;b&gt;haven&lt;/b&gt;"));
	assert_non_null(strstr(buf_str(&r.body), "&lt;i&gt;x&lt;/i&gt;"));
	assert_null(strstr(buf_str(&r.body), "<b>haven"));
	assert_null(strstr(buf_str(&r.body), "<i>x"));
	res_free(&r);
}

/* A state change is in the history: the example reports of `init --demo`
 * were given their states by a command, and each change was recorded.
 * Read through a second server (organisations are loaded at start) by a
 * handler of that organisation; velsen's handler does not find them. */
static void history_shows_a_state_change(void **state)
{
	(void)state;
	assert_int_equal(cli(NULL,
	                     "init --org voorbeeld --name 'Gemeente Voorbeeld' --region nl --demo",
	                     NULL, 0),
	                 0);
	struct srv s2;
	assert_int_equal(srv_start_beside(&s2, &S), 0);
	struct srv keep = S;
	S = s2;
	struct who vb = {.login = "vb1", .org = "voorbeeld", .roles = "handler"};
	assert_int_equal(cli(PASS, "user add --org voorbeeld --role handler vb1", NULL, 0), 0);
	assert_int_equal(cli(NULL, "token create vb1 --days 1", vb.token, sizeof vb.token), 0);
	enrol(&vb);
	char h[200];
	snprintf(h, sizeof h, "Authorization: Bearer %s", vb.token);
	struct res r;
	assert_int_equal(get_with("/api/v1/reports?status=investigating&limit=1", h, &r), 200);
	json_t *list = json_of(&r);
	res_free(&r);
	json_t *first = json_array_get(json_object_get(list, "reports"), 0);
	assert_non_null(first);
	char path[96], api[96];
	snprintf(api, sizeof api, "/api/v1/reports/%s",
	         json_string_value(json_object_get(first, "id")));
	snprintf(path, sizeof path, "/staf/meldingen/%s",
	         json_string_value(json_object_get(first, "id")));
	json_decref(list);
	assert_int_equal(get_with(api, h, &r), 200);
	json_t *v = json_of(&r);
	res_free(&r);
	assert_true(history_has(v, "received", NULL));
	assert_true(history_has(v, "report.change", NULL));
	assert_false(history_has(v, "report.view", "user:hand1"));
	json_decref(v);
	assert_int_equal(get_with(path, vb.cookie, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), ": Status of uitkomst gewijzigd"));
	assert_non_null(strstr(buf_str(&r.body), "Opdrachtregel ("));
	assert_null(strstr(buf_str(&r.body), "intake1"));
	res_free(&r);
	/* Another organisation's handler: not found. */
	assert_int_equal(get_with(path, users[W_HANDLER].cookie, &r), 404);
	res_free(&r);
	S = keep;
	assert_int_equal(srv_stop(&s2), 0);
}

/* URL-safe base64 without padding of s, as the inbox's cursor is. */
static void cursor_of(const char *s, char *out, size_t outsz)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t n = strlen(s), k = 0;
	for (size_t i = 0; i < n && k + 5 < outsz; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		out[k++] = abc[(v >> 18) & 63];
		out[k++] = abc[(v >> 12) & 63];
		if (i + 1 < n)
			out[k++] = abc[(v >> 6) & 63];
		if (i + 2 < n)
			out[k++] = abc[v & 63];
	}
	out[k] = '\0';
}

/* Filters and cursors made by hand: a filter that is no value and a
 * cursor that is no place (bad base64, overlong, a negative, zero or
 * huge id or arrival, no date, the form before arrival was in it) are
 * named and refused with 400, on the page and in the API, never echoed
 * as markup; the largest arrival and id are a place. */
static void inbox_refuses_crafted_queries(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(get_with("/staf/meldingen?status=open", users[W_INTAKE].cookie, &r), 400);
	assert_non_null(strstr(buf_str(&r.body), "Kies een van de statussen."));
	assert_non_null(strstr(buf_str(&r.body), "id=\"f-status\""));
	res_free(&r);
	assert_int_equal(get_with("/staf/meldingen?district=%22%3E%3Cscript%3Ex%3C%2Fscript%3E",
	                          users[W_INTAKE].cookie, &r),
	                 200);
	assert_null(strstr(buf_str(&r.body), "<script>x"));
	res_free(&r);

	char big[200];
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	const char *plain_bad[] = {"2026-01-01:-1",  "2026-01-01:0",
	                           "2026-01-01:5",   "2026-01-01:-1:5",
	                           "2026-01-01:5:0", "2026-01-01:99999999999999999999",
	                           "2026-13-01:5",   "2026-01-01;5",
	                           "2026-01-01:",    "x"};
	char cursors[13][220];
	size_t nc = 0;
	snprintf(cursors[nc++], sizeof cursors[0], "%s", "!!!!");
	snprintf(cursors[nc++], sizeof cursors[0], "%s", big);
	snprintf(cursors[nc++], sizeof cursors[0], "%s", "MjAyNi0wMS0wMTo1==");
	for (size_t i = 0; i < sizeof plain_bad / sizeof plain_bad[0]; i++)
		cursor_of(plain_bad[i], cursors[nc++], sizeof cursors[0]);
	for (size_t i = 0; i < nc; i++) {
		char path[sizeof cursors[0] + 64];
		snprintf(path, sizeof path, "/staf/meldingen?after=%.219s", cursors[i]);
		long st = get_with(path, users[W_HANDLER].cookie, &r);
		if (st != 400)
			fail_msg("page with cursor %s: %ld", cursors[i], st);
		assert_non_null(strstr(buf_str(&r.body), "Begin opnieuw bij de eerste pagina"));
		res_free(&r);
		snprintf(path, sizeof path, "/api/v1/reports?after=%.219s", cursors[i]);
		st = api_get(W_HANDLER, path, &r);
		if (st != 400)
			fail_msg("API with cursor %s: %ld", cursors[i], st);
		assert_non_null(strstr(buf_str(&r.body), "\"field\":\"after\""));
		res_free(&r);
	}
	char c[96], path[160];
	cursor_of("2026-01-01:9223372036854775807:9223372036854775807", c, sizeof c);
	snprintf(path, sizeof path, "/api/v1/reports?after=%s", c);
	assert_int_equal(api_get(W_HANDLER, path, &r), 200);
	res_free(&r);
	assert_int_equal(api_get(W_HANDLER, "/api/v1/reports?limit=0", &r), 400);
	res_free(&r);
	assert_int_equal(api_get(W_HANDLER, "/api/v1/reports?limit=1001", &r), 400);
	res_free(&r);
	assert_int_equal(api_get(W_HANDLER, "/api/v1/reports?limit=18446744073709551617", &r), 400);
	res_free(&r);
}

static void secrets_never_in_the_log(void **state)
{
	(void)state;
	char *log = srv_log(&S);
	assert_non_null(log);
	assert_null(strstr(log, PASS));
	assert_true(shown_once[0] && shown_token[0]);
	assert_null(strstr(log, shown_once));
	assert_null(strstr(log, shown_token));
	for (int i = 0; i < W_N; i++) {
		assert_null(strstr(log, users[i].token));
		const char *sid = strchr(users[i].cookie, '=');
		if (sid)
			assert_null(strstr(log, sid + 1));
		char *b32 = NULL;
		size_t n = 0;
		assert_int_equal(oath_base32_encode(users[i].secret, users[i].secret_len, &b32, &n),
		                 OATH_OK);
		/* The TOTP secret as the enrolment page shows it, without padding. */
		b32[strcspn(b32, "=")] = '\0';
		assert_null(strstr(log, b32));
		free(b32);
	}
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_staff_route_has_a_row),
	    cmocka_unit_test(logins_enrol),
	    cmocka_unit_test(role_route_table),
	    cmocka_unit_test(other_organisation_sees_nothing),
	    cmocka_unit_test(staff_pages_look_and_headers),
	    cmocka_unit_test(admin_adds_a_user),
	    cmocka_unit_test(admin_changes_roles),
	    cmocka_unit_test(admin_tokens),
	    /* before the tests that log users out or disable them */
	    cmocka_unit_test(reading_reports),
	    cmocka_unit_test(inbox_refuses_crafted_queries),
	    cmocka_unit_test(report_view_shows_every_answer),
	    cmocka_unit_test(report_history_and_answers),
	    cmocka_unit_test(history_shows_a_state_change),
	    cmocka_unit_test(unknown_login_answers_like_wrong_password),
	    cmocka_unit_test(fixation_new_id_at_login),
	    cmocka_unit_test(code_used_once),
	    cmocka_unit_test(csrf_bound_to_the_session),
	    cmocka_unit_test(logout_ends_the_session),
	    cmocka_unit_test(disabled_user_and_revoked_token_stop_at_once),
	    cmocka_unit_test(admin_acts_on_own_organisation),
	    cmocka_unit_test(throttle_says_how_long),
	    cmocka_unit_test(secrets_never_in_the_log),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
