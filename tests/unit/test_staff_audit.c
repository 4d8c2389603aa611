/* Tests of the audit log's admin page and download (pages/staff_audit.c):
 * the handlers called directly on a real site (a fresh data directory
 * made by setup_init, opened with site_open as `signaal serve` does),
 * since the route's policy lets nobody in yet (checked here too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "app/config.h"
#include "app/setup.h"
#include "audit/audit.h"
#include "domain/accounts.h"
#include "pages/pages.h"
#include "pages/policy.h"
#include "site/site.h"
#include "store/backend.h"
#include "tmpdir.h"
#include "util/log.h"

struct fx {
	char dir[64];
	struct config cfg;
	struct site *site;
	struct req req;
	struct principal admin; /* what the policy would have resolved */
	struct resp resp;
	char *names[8], *values[8];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	*state = f;
	f->admin = (struct principal){.user_id = 1, .login = "beheer", .org = "velsen"};
	const char *src = getenv("SIGNAAL_SOURCE_DIR");
	if (!src)
		src = SIGNAAL_SOURCE_DIR;
	log_set_level(LOG_ERROR);
	config_defaults(&f->cfg);
	f->cfg.log_access = false;
	snprintf(f->cfg.content_dir, sizeof f->cfg.content_dir, "%s/content", src);
	snprintf(f->cfg.templates_dir, sizeof f->cfg.templates_dir, "%s/templates", src);
	snprintf(f->cfg.static_dir, sizeof f->cfg.static_dir, "%s/static", src);
	snprintf(f->cfg.locale_dir, sizeof f->cfg.locale_dir, "%s/locale", SIGNAAL_BUILD_DIR);
	strcpy(f->dir, "/tmp/signaal-staff-audit-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	static const char *const districts[] = {"IJmuiden"};
	struct setup_org velsen = {"velsen", "Gemeente Velsen", "kennemerland", districts, 1};
	struct setup_org haarlem = {"haarlem", "Gemeente Haarlem", "kennemerland", NULL, 0};
	struct buf err = BUF_INIT;
	int rc = setup_init(f->dir, &velsen, &err);
	if (!rc)
		rc = setup_init(f->dir, &haarlem, &err);
	if (!rc)
		rc = site_open(&f->cfg, f->dir, &f->site, &err);
	if (rc)
		fprintf(stderr, "setup: %s\n", buf_str(&err));
	buf_free(&err);
	if (rc) {
		/* cmocka skips the teardown of a failed setup. */
		tmpdir_remove(f->dir);
		free(f);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	resp_free(&f->resp);
	site_close(f->site);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* A GET of path on velsen's site with query fields name=value, NULL
 * ended; the answer in f->resp (its body NUL-terminated). */
static const char *get(struct fx *f, const char *path, ...)
{
	resp_free(&f->resp);
	memset(&f->resp, 0, sizeof f->resp);
	memset(&f->req, 0, sizeof f->req);
	f->req.method = HTTP_GET;
	f->req.path = path;
	f->req.lang = "nl";
	f->req.site = f->site;
	f->req.org = site_org_find(f->site, "velsen");
	f->req.principal = &f->admin;
	va_list ap;
	va_start(ap, path);
	const char *name;
	while ((name = va_arg(ap, const char *)) && f->req.nquery < 8) {
		const char *value = va_arg(ap, const char *);
		struct http_field *q = &f->req.query[f->req.nquery++];
		q->name = (char *)name;
		q->value = (char *)value;
		q->len = strlen(value);
	}
	va_end(ap);
	int rc = strstr(path, ".csv") ? page_staff_audit_csv(&f->req, &f->resp)
	                              : page_staff_audit(&f->req, &f->resp);
	assert_int_equal(rc, 0);
	buf_putc(&f->resp.body, '\0');
	return f->resp.body.data;
}

static void add(struct fx *f, const char *actor, const char *org, enum audit_action a,
                const char *object)
{
	struct audit_entry e = {actor, org, a, object, AUDIT_OK};
	assert_int_equal(audit_append_alone(f->site->store, &f->site->audit_key, &e), 0);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Only an admin passes the pages' policy: without a session, the login. */
static void test_policy_admits_only_admins(void **state)
{
	struct fx *f = *state;
	struct req req = {.method = HTTP_GET,
	                  .path = "/staf/beheer/audit",
	                  .lang = "nl",
	                  .site = f->site,
	                  .org = f->site->default_org};
	struct resp resp = {0};
	assert_int_equal(policy_authorize(&policy_staff_admin, &req, &resp), 1);
	assert_true(resp.status == 303 || resp.status == 302);
	assert_false(policy_is_public(&policy_staff_admin));
	resp_free(&resp);
}

/* Only the reader's organisation, newest first. */
static void test_page_lists_the_organisations_entries(void **state)
{
	struct fx *f = *state;
	add(f, "user:a1", "velsen", AUDIT_REPORT_VIEW, "771");  /* 3 */
	add(f, "user:b1", "haarlem", AUDIT_REPORT_VIEW, "772"); /* 4 */
	add(f, "user:a2", "velsen", AUDIT_LOGIN, NULL);         /* 5 */
	const char *html = get(f, "/staf/beheer/audit", NULL);
	assert_int_equal(f->resp.status, 200);
	assert_true(f->resp.personal);
	assert_non_null(strstr(html, "<h1 class=\"utrecht-heading-1\">Logboek</h1>"));
	const char *a2 = strstr(html, "user:a2");
	const char *a1 = strstr(html, "user:a1");
	assert_non_null(a2);
	assert_non_null(a1);
	assert_true(a2 < a1);
	assert_non_null(strstr(html, "system.init")); /* setup_init's own entry */
	assert_null(strstr(html, "user:b1"));
	assert_null(strstr(html, "772"));
	assert_null(strstr(html, "id=\"audit-next\""));
}

static void test_page_filters(void **state)
{
	struct fx *f = *state;
	add(f, "user:a1", "velsen", AUDIT_REPORT_VIEW, "771");
	add(f, "user:a2", "velsen", AUDIT_REPORT_VIEW, "772");
	add(f, "user:a1", "velsen", AUDIT_LOGIN, NULL);
	const char *html =
	    get(f, "/staf/beheer/audit", "action", "report.view", "actor", "user:a1", NULL);
	assert_int_equal(f->resp.status, 200);
	assert_int_equal(count(html, "<td class=\"utrecht-table__cell\">user:a1</td>"), 1);
	assert_non_null(strstr(html, ">771</td>"));
	assert_null(strstr(html, ">772</td>"));
	assert_null(strstr(html, ">auth.login</td>"));
	assert_non_null(strstr(html, "<option value=\"report.view\" selected>"));
	assert_non_null(strstr(html, "value=\"user:a1\""));
	/* The download takes the same filters. */
	assert_non_null(strstr(html, "audit.csv?actor=user%3Aa1&amp;action=report.view\""));
	html = get(f, "/staf/beheer/audit", "from", "2000-01-01", "until", "2000-12-31", NULL);
	assert_int_equal(f->resp.status, 200);
	assert_non_null(strstr(html, "id=\"audit-empty\""));
}

static void test_page_refuses_a_bad_filter(void **state)
{
	struct fx *f = *state;
	add(f, "user:a1", "velsen", AUDIT_LOGIN, NULL);
	static const char *const bad[][2] = {
	    {"from", "gisteren"}, {"action", "everything"}, {"actor", "Jan Jansen"},
	    {"object", "a<b"},    {"before", "-1"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *html = get(f, "/staf/beheer/audit", bad[i][0], bad[i][1], NULL);
		assert_int_equal(f->resp.status, 400);
		assert_non_null(strstr(html, "Een filter klopt niet."));
		assert_null(strstr(html, ">user:a1</td>"));
		get(f, "/staf/beheer/audit.csv", bad[i][0], bad[i][1], NULL);
		assert_int_equal(f->resp.status, 400);
	}
	/* What was typed comes back, escaped. */
	const char *html = get(f, "/staf/beheer/audit", "object", "a\"<b", NULL);
	assert_non_null(strstr(html, "value=\"a&quot;&lt;b\""));
}

/* Keyset pages: 50 a page, then the older ones through ?before=. */
static void test_page_pages_by_keyset(void **state)
{
	struct fx *f = *state;
	for (int i = 0; i < 60; i++)
		add(f, "user:a1", "velsen", AUDIT_LOGIN, NULL); /* 3..62; 1: init, 2: haarlem */
	const char *html = get(f, "/staf/beheer/audit", "action", "auth.login", NULL);
	assert_int_equal(count(html, "<tr class=\"utrecht-table__row\">") - 1, 50);
	assert_non_null(strstr(html, ">62</td>"));
	assert_null(strstr(html, ">12</td>"));
	assert_non_null(strstr(html, "id=\"audit-next\" href=\"/staf/beheer/audit?action=auth.login"
	                             "&amp;before=13\""));
	html = get(f, "/staf/beheer/audit", "action", "auth.login", "before", "13", NULL);
	assert_int_equal(count(html, "<tr class=\"utrecht-table__row\">") - 1, 10);
	assert_non_null(strstr(html, ">12</td>"));
	assert_non_null(strstr(html, ">3</td>"));
	assert_null(strstr(html, "id=\"audit-next\""));
}

static int script_txn(struct store_tx *tx, void *sql)
{
	return tx->s->ops->script(tx->conn, sql);
}

/* A value put in behind the API's back is shown as text, and a
 * spreadsheet does not run it. */
static void test_values_are_escaped(void **state)
{
	struct fx *f = *state;
	add(f, "user:a1", "velsen", AUDIT_LOGIN, NULL);
	assert_int_equal(store_txn(f->site->store, script_txn,
	                           "UPDATE audit_log SET object = '=1+1<script>' WHERE seq = 3"),
	                 0);
	const char *html = get(f, "/staf/beheer/audit", NULL);
	assert_null(strstr(html, "<script>"));
	assert_non_null(strstr(html, "=1+1&lt;script&gt;"));
	const char *csv = get(f, "/staf/beheer/audit.csv", NULL);
	assert_non_null(strstr(csv, ",\"'=1+1<script>\","));
}

/* The download: CSV of the filters, itself an entry written first. */
static void test_download_is_csv_and_audited(void **state)
{
	struct fx *f = *state;
	add(f, "user:a1", "velsen", AUDIT_REPORT_VIEW, "771");
	add(f, "user:b1", "haarlem", AUDIT_REPORT_VIEW, "772");
	const char *csv = get(f, "/staf/beheer/audit.csv", "action", "report.view", NULL);
	assert_int_equal(f->resp.status, 200);
	assert_true(f->resp.personal);
	assert_string_equal(f->resp.content_type, "text/csv; charset=utf-8");
	assert_int_equal(f->resp.nheaders, 1);
	assert_string_equal(f->resp.headers[0].name, "Content-Disposition");
	assert_string_equal(f->resp.headers[0].value, "attachment; filename=\"audit-velsen.csv\"");
	assert_true(strncmp(csv, "number,time,actor,organisation,action,object,result\r\n3,", 55) ==
	            0);
	assert_non_null(strstr(csv, ",user:a1,velsen,report.view,771,ok\r\n"));
	assert_null(strstr(csv, "haarlem"));
	/* Its own entry: in the log, and the chain holds. */
	const char *html = get(f, "/staf/beheer/audit", "action", "audit.export", NULL);
	assert_int_equal(count(html, ">audit.export</td>"), 1);
	struct audit_verdict v;
	assert_int_equal(audit_verify(f->site->store, &f->site->audit_key, &v), 0);
	assert_true(v.ok);
	assert_int_equal(v.count, 5);
}

/* A download that cannot be recorded does not happen. */
static void test_download_refused_when_the_log_is_cut(void **state)
{
	struct fx *f = *state;
	add(f, "user:a1", "velsen", AUDIT_REPORT_VIEW, "771");
	assert_int_equal(
	    store_txn(f->site->store, script_txn, "DELETE FROM audit_log WHERE seq = 3"), 0);
	const char *body = get(f, "/staf/beheer/audit.csv", NULL);
	assert_int_equal(f->resp.status, 500);
	assert_null(strstr(body, "report.view"));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    T(test_policy_admits_only_admins),
	    T(test_page_lists_the_organisations_entries),
	    T(test_page_filters),
	    T(test_page_refuses_a_bad_filter),
	    T(test_page_pages_by_keyset),
	    T(test_values_are_escaped),
	    T(test_download_is_csv_and_audited),
	    T(test_download_refused_when_the_log_is_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
