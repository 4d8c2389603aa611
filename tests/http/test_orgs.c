/* HTTP tests of one server for two organisations (issue 7): velsen (region
 * kennemerland, its own districts) on any host name and utrecht (region
 * utrecht, no districts) on andere.example.nl through [hosts]. Each host
 * gets its own organisation's pages, channels and districts, from both
 * page caches; a report sent to one never shows in the other's export or
 * follow-up. Also `signaal org add` and `org list`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "harness.h"

static struct srv S;

#define HOST_UTRECHT "Host: ANDERE.example.nl:8080"
#define HOST_VELSEN  "Host: velsen.example.nl"

static const char *const extra_orgs[] = {"utrecht", NULL};

static int setup(void **state)
{
	(void)state;
	srv_extra_orgs = extra_orgs;
	int rc = suite_start(&S, "[hosts]\nandere.example.nl = utrecht\n"
	                         "velsen.example.nl = velsen\n");
	srv_extra_orgs = NULL;
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	return suite_stop(&S);
}

static void get_on(const char *host, const char *path, struct res *r)
{
	const char *h[] = {host, NULL};
	assert_int_equal(http_get(&S, path, host ? h : NULL, r), 0);
	if (r->status != 200)
		fail_msg("%s on %s: status %ld", path, host ? host : "(default)", r->status);
}

/* Every page names its own organisation, also when the other's is in the
 * server's page cache already (/ and /signalen are kept there). */
static void pages_are_the_organisations(void **state)
{
	(void)state;
	const char *paths[] = {"/", "/signalen", "/en/", "/melden"};
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
			struct res a, b, c;
			get_on(NULL, paths[i], &a);
			get_on(HOST_UTRECHT, paths[i], &b);
			get_on(HOST_VELSEN, paths[i], &c);
			const char *ab = buf_str(&a.body), *bb = buf_str(&b.body);
			if (!strstr(ab, "Gemeente Velsen") || strstr(ab, "Gemeente Utrecht"))
				fail_msg("%s (default host): not velsen's page", paths[i]);
			if (!strstr(bb, "Gemeente Utrecht") || strstr(bb, "Gemeente Velsen"))
				fail_msg("%s (%s): not utrecht's page", paths[i], HOST_UTRECHT);
			if (strcmp(ab, buf_str(&c.body)) != 0 && strcmp(paths[i], "/melden") != 0)
				fail_msg("%s: velsen's own host name differs from the default",
				         paths[i]);
			res_free(&a);
			res_free(&b);
			res_free(&c);
		}
}

/* The theme stylesheet a page links ("/assets/<hash>/theme...css") in out. */
static void linked_theme(const char *page, char *out, size_t outsz)
{
	const char *at = strstr(page, "/theme");
	while (at && at > page && at[-1] != '"')
		at--;
	if (!at)
		fail_msg("no theme stylesheet linked");
	size_t n = strcspn(at, "\"");
	assert_true(n < outsz);
	memcpy(out, at, n);
	out[n] = '\0';
}

/* Each organisation gets its own theme: utrecht's profile names its
 * colours, velsen has none and keeps the [site] colours. */
static void themes_are_the_organisations(void **state)
{
	(void)state;
	struct res a, b, ca, cb;
	char pa[256], pb[256];
	get_on(NULL, "/", &a);
	get_on(HOST_UTRECHT, "/", &b);
	linked_theme(buf_str(&a.body), pa, sizeof pa);
	linked_theme(buf_str(&b.body), pb, sizeof pb);
	if (strcmp(pa, pb) == 0)
		fail_msg("both organisations link %s", pa);
	get_on(NULL, pa, &ca);
	get_on(NULL, pb, &cb);
	assert_non_null(strstr(buf_str(&ca.body), "--signaal-colour-primary: #0b5394;"));
	assert_non_null(strstr(buf_str(&cb.body), "--signaal-colour-primary: #a00000;"));
	assert_non_null(strstr(buf_str(&cb.body), "--signaal-colour-accent: #5c5c5c;"));
	res_free(&a);
	res_free(&b);
	res_free(&ca);
	res_free(&cb);
}

/* The report form's step "where and when" on host, after the first. */
static void report_form_on(const char *host, struct res *r)
{
	char cookie[300], token[200], body[300];
	assert_int_equal(http_csrf(&S, "/melden", cookie, sizeof cookie, token, sizeof token), 0);
	int n = snprintf(body, sizeof body, "csrf=%s&step=1&danger=no", token);
	const char *h[] = {cookie, host, NULL};
	assert_int_equal(
	    http_post(&S, "/melden", "application/x-www-form-urlencoded", body, (size_t)n, h, r),
	    0);
	assert_int_equal(r->status, 303);
	res_free(r);
	assert_int_equal(http_get(&S, "/melden?stap=waar", h, r), 0);
	assert_int_equal(r->status, 200);
}

/* The report form offers velsen's districts on velsen's host only. */
static void districts_are_the_organisations(void **state)
{
	(void)state;
	struct res a, b;
	report_form_on(HOST_VELSEN, &a);
	report_form_on(HOST_UTRECHT, &b);
	assert_non_null(strstr(buf_str(&a.body), "IJmuiden"));
	assert_null(strstr(buf_str(&b.body), "IJmuiden"));
	res_free(&a);
	res_free(&b);
}

/* The wegwijzer shows the channels of the organisation's region, from the
 * site's page cache too (the same inputs on both hosts, twice). */
static void channels_are_the_regions(void **state)
{
	(void)state;
	char cookie[300], token[200];
	assert_int_equal(http_csrf(&S, "/wegwijzer", cookie, sizeof cookie, token, sizeof token),
	                 0);
	char body[400];
	int n = snprintf(body, sizeof body,
	                 "csrf=%s&role=bystander&danger=no&form=sexual&anonymous=no", token);
	for (int round = 0; round < 2; round++) {
		const char *hv[] = {cookie, NULL};
		const char *hu[] = {cookie, HOST_UTRECHT, NULL};
		struct res a, b;
		assert_int_equal(http_post(&S, "/wegwijzer", "application/x-www-form-urlencoded",
		                           body, (size_t)n, hv, &a),
		                 0);
		assert_int_equal(http_post(&S, "/wegwijzer", "application/x-www-form-urlencoded",
		                           body, (size_t)n, hu, &b),
		                 0);
		assert_int_equal(a.status, 200);
		assert_int_equal(b.status, 200);
		assert_non_null(strstr(buf_str(&a.body), "Kennemerland"));
		assert_null(strstr(buf_str(&a.body), "Veilig Thuis Utrecht"));
		assert_non_null(strstr(buf_str(&b.body), "Veilig Thuis Utrecht"));
		assert_null(strstr(buf_str(&b.body), "Kennemerland"));
		res_free(&a);
		res_free(&b);
	}
}

static char signal_code[128];

static void find_signal(void)
{
	if (signal_code[0])
		return;
	struct res r;
	get_on(NULL, "/api/v1/signals", &r);
	json_error_t je;
	json_t *v = json_loadb(buf_str(&r.body), r.body.len, 0, &je);
	size_t i;
	json_t *s;
	json_array_foreach(v, i, s)
	{
		if (strcmp(json_string_value(json_object_get(s, "form")), "labour") == 0) {
			snprintf(signal_code, sizeof signal_code, "%s",
			         json_string_value(json_object_get(s, "code")));
			break;
		}
	}
	json_decref(v);
	res_free(&r);
	assert_true(signal_code[0] != '\0');
}

/* POSTs a JSON body (v consumed) on host; returns the status, the body in
 * out (caller frees) when out is not NULL. */
static long post_json(const char *host, const char *path, json_t *v, char **out)
{
	char *text = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	assert_non_null(text);
	const char *h[] = {host, NULL};
	struct res r;
	assert_int_equal(
	    http_post(&S, path, "application/json", text, strlen(text), host ? h : NULL, &r), 0);
	free(text);
	long status = r.status;
	if (out)
		*out = strdup(buf_str(&r.body));
	res_free(&r);
	return status;
}

static json_t *report(const char *org, const char *district, const char *description)
{
	find_signal();
	json_t *v =
	    json_pack("{s:s, s:s, s:s, s:b, s:b, s:s, s:[s], s:[s]}", "org", org, "kind", "report",
	              "reporter_role", "bystander", "anonymous", 1, "acute_danger", 0,
	              "description", description, "signals", signal_code, "forms", "labour");
	if (district)
		json_object_set_new(v, "district", json_string(district));
	return v;
}

/* The receipt of a 201 answer; caller frees. */
static char *receipt_of(const char *body)
{
	json_error_t je;
	json_t *v = json_loads(body, 0, &je);
	const char *r = json_string_value(json_object_get(v, "receipt"));
	char *out = r ? strdup(r) : NULL;
	json_decref(v);
	assert_non_null(out);
	return out;
}

/* What `signaal --data DIR ARGS` prints; caller frees. */
static char *run_cli(const char *args)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "'%s' --data '%s/var' %s 2>&1", signaal_bin(), S.dir, args);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_append(&b, chunk, n);
	int st = pclose(p);
	if (st != 0)
		fail_msg("signaal %s: exit %d: %s", args, st, buf_str(&b));
	char *out = strdup(buf_str(&b));
	buf_free(&b);
	return out;
}

static size_t lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A report is the organisation of the host it was sent to: the body must
 * name it, and a district is one of its own. */
static void report_belongs_to_the_host(void **state)
{
	(void)state;
	/* velsen's body on utrecht's host, and velsen's district there. */
	char *body = NULL;
	assert_int_equal(post_json(HOST_UTRECHT, "/api/v1/reports",
	                           report("velsen", NULL, "Op de verkeerde site."), &body),
	                 400);
	assert_non_null(strstr(body, "\"org\""));
	free(body);
	assert_int_equal(post_json(HOST_UTRECHT, "/api/v1/reports",
	                           report("utrecht", "IJmuiden", "Een wijk van een ander."), &body),
	                 400);
	assert_non_null(strstr(body, "\"district\""));
	free(body);
}

/* A report of one organisation never shows in the other's follow-up or
 * export; on its own it does. */
static void reports_stay_apart(void **state)
{
	(void)state;
	char *before_u = run_cli("export reports --org utrecht --format csv");
	char *before_v = run_cli("export reports --org velsen --format csv");
	char *body = NULL;
	assert_int_equal(post_json(NULL, "/api/v1/reports",
	                           report("velsen", "IJmuiden", "Mensen slapen in de loods."),
	                           &body),
	                 201);
	char *rv = receipt_of(body);
	free(body);
	assert_int_equal(post_json(HOST_UTRECHT, "/api/v1/reports",
	                           report("utrecht", NULL, "Mensen werken er dag en nacht."),
	                           &body),
	                 201);
	char *ru = receipt_of(body);
	free(body);

	/* Follow-up: each receipt on its own host only. */
	assert_int_equal(
	    post_json(HOST_UTRECHT, "/api/v1/follow", json_pack("{s:s}", "receipt", rv), NULL),
	    404);
	assert_int_equal(post_json(NULL, "/api/v1/follow", json_pack("{s:s}", "receipt", ru), NULL),
	                 404);
	assert_int_equal(post_json(NULL, "/api/v1/follow",
	                           json_pack("{s:s, s:s}", "receipt", ru, "message", "Nog iets."),
	                           NULL),
	                 404);
	assert_int_equal(post_json(NULL, "/api/v1/follow", json_pack("{s:s}", "receipt", rv), NULL),
	                 200);
	assert_int_equal(
	    post_json(HOST_UTRECHT, "/api/v1/follow", json_pack("{s:s}", "receipt", ru), NULL),
	    200);

	/* The form /volgen likewise. */
	char cookie[300], token[200];
	assert_int_equal(http_csrf(&S, "/volgen", cookie, sizeof cookie, token, sizeof token), 0);
	char form[300];
	int n = snprintf(form, sizeof form, "csrf=%s&receipt=%s", token, rv);
	const char *hu[] = {cookie, HOST_UTRECHT, NULL};
	const char *hv[] = {cookie, NULL};
	struct res r;
	assert_int_equal(
	    http_post(&S, "/volgen", "application/x-www-form-urlencoded", form, (size_t)n, hu, &r),
	    0);
	assert_null(strstr(buf_str(&r.body), "Mensen slapen"));
	assert_int_not_equal(r.status, 200);
	res_free(&r);
	assert_int_equal(
	    http_post(&S, "/volgen", "application/x-www-form-urlencoded", form, (size_t)n, hv, &r),
	    0);
	assert_int_equal(r.status, 200);
	res_free(&r);

	/* Export: one more row each, and velsen's district only in velsen's. */
	char *after_u = run_cli("export reports --org utrecht --format csv");
	char *after_v = run_cli("export reports --org velsen --format csv");
	assert_int_equal(lines(after_u), lines(before_u) + 1);
	assert_int_equal(lines(after_v), lines(before_v) + 1);
	assert_null(strstr(after_u, "IJmuiden"));
	assert_non_null(strstr(after_v, "IJmuiden"));
	free(before_u);
	free(before_v);
	free(after_u);
	free(after_v);
	free(rv);
	free(ru);
}

/* The export writes the non-personal details of issue 8 of a report sent
 * through the API in the contract's optional columns, at the end (CSV
 * and JSON); nothing personal: no name, contact, free text. A person
 * whose role was not given is "other". */
static void export_has_the_details(void **state)
{
	(void)state;
	json_t *v = report("velsen", "IJmuiden", "Zes mannen werken op het schip, zonder pauze.");
	json_object_set_new(v, "anonymous", json_false());
	json_object_set_new(v, "reporter_state", json_string("confidential"));
	json_object_set_new(v, "contact", json_pack("{s:s}", "phone", "0612345678"));
	json_object_set_new(v, "sector", json_string("harbour"));
	json_object_set_new(v, "frequency", json_string("often"));
	json_object_set_new(v, "since", json_string("Sinds-Pinksteren-8841"));
	json_object_set_new(v, "involved", json_pack("[s, s]", "police", "school"));
	json_object_set_new(
	    v, "safety",
	    json_pack("{s:s, s:s}", "threats", "yes", "location_now", "Kade-Zeven-3390"));
	json_object_set_new(v, "people",
	                    json_pack("[{s:s, s:s, s:s}, {s:s, s:s}]", "role", "victim", "minor",
	                              "yes", "name", "Jan Zwartkop", "minor", "no", "age", "40"));
	char *body = NULL;
	assert_int_equal(post_json(NULL, "/api/v1/reports", v, &body), 201);
	free(body);
	char *csv = run_cli("export reports --org velsen --format csv");
	assert_non_null(strstr(csv, "outcome,reporter_state,sector,frequency,involved,people\r\n"));
	if (!strstr(csv, ",confidential,harbour,often,police;school,victim:yes;other:no\r\n"))
		fail_msg("no row with the details:\n%s", csv);
	char *json = run_cli("export reports --org velsen --format json");
	if (!strstr(json, "\"reporter_state\":\"confidential\",\"sector\":\"harbour\","
	                  "\"frequency\":\"often\",\"involved\":\"police;school\","
	                  "\"people\":\"victim:yes;other:no\"}"))
		fail_msg("no object with the details:\n%s", json);
	static const char *const personal[] = {"Zwartkop", "0612345678", "Pinksteren", "Kade-Zeven",
	                                       "schip"};
	for (size_t i = 0; i < sizeof personal / sizeof personal[0]; i++) {
		assert_null(strstr(csv, personal[i]));
		assert_null(strstr(json, personal[i]));
	}
	free(csv);
	free(json);
}

/* org list names both; org add refuses one that exists, and one without a
 * profile unless --name and --region describe it. */
static void org_add_and_list(void **state)
{
	(void)state;
	char *list = run_cli("org list");
	assert_non_null(strstr(list, "utrecht\tGemeente Utrecht\tutrecht\n"));
	assert_non_null(strstr(list, "velsen\tGemeente Velsen\tkennemerland\n"));
	free(list);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "'%s' --data '%s/var' org add --org utrecht >/dev/null 2>&1",
	         signaal_bin(), S.dir);
	assert_int_not_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "'%s' --data '%s/var' org add --org nergens >/dev/null 2>&1",
	         signaal_bin(), S.dir);
	assert_int_not_equal(system(cmd), 0);
	char *out = run_cli("org add --org nergens --name 'Gemeente Nergens' --region groningen");
	assert_non_null(strstr(out, "organisation nergens (Gemeente Nergens) added"));
	free(out);
	list = run_cli("org list");
	assert_non_null(strstr(list, "nergens\tGemeente Nergens\tgroningen\n"));
	free(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pages_are_the_organisations),
	    cmocka_unit_test(districts_are_the_organisations),
	    cmocka_unit_test(themes_are_the_organisations),
	    cmocka_unit_test(channels_are_the_regions),
	    cmocka_unit_test(report_belongs_to_the_host),
	    cmocka_unit_test(reports_stay_apart),
	    cmocka_unit_test(export_has_the_details),
	    cmocka_unit_test(org_add_and_list),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
