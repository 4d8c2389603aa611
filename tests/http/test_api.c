/* HTTP tests of the public JSON API against the real binary: the signal
 * list, every validation path of POST /api/v1/reports (each naming its
 * field), content types, body size, the intake throttle, and following a
 * report up with its receipt, including the throttle on guessing. */
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
#include "limits.h"

static struct srv S;
static char signal_code[128]; /* a valid code, from GET /api/v1/signals */

HTTP_SUITE(S, "[intake]\nmax_reports_per_minute = 10000\n")

/* --- Helpers ---------------------------------------------------------- */

static json_t *body_json(const struct res *r)
{
	json_error_t je;
	json_t *v = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, &je);
	if (!v)
		fail_msg("answer is not JSON (%s): %s", je.text, buf_str(&r->body));
	return v;
}

static void assert_json_answer(const struct res *r)
{
	char ct[128], cc[128];
	assert_true(res_header(r, "Content-Type", ct, sizeof ct));
	if (strncmp(ct, "application/json", 16) != 0)
		fail_msg("Content-Type %s", ct);
	assert_true(res_header(r, "Cache-Control", cc, sizeof cc));
	assert_string_equal(cc, "no-store");
}

static void post_raw(const char *path, const char *ctype, const char *body, size_t len,
                     struct res *r)
{
	assert_int_equal(http_post(&S, path, ctype, body, len, NULL, r), 0);
}

static void post(const char *path, const char *body, struct res *r)
{
	post_raw(path, "application/json", body, strlen(body), r);
}

static void post_v(const char *path, json_t *v, struct res *r)
{
	char *s = json_dumps(v, JSON_COMPACT);
	assert_non_null(s);
	post(path, s, r);
	free(s);
}

/* Expects 400 naming field, with a non-empty message. */
static void expect_400(struct res *r, const char *field)
{
	if (r->status != 400)
		fail_msg("expected 400 on %s, got %ld: %s", field, r->status, buf_str(&r->body));
	assert_json_answer(r);
	json_t *v = body_json(r);
	json_t *e = json_object_get(v, "error");
	const char *f = json_string_value(json_object_get(e, "field"));
	const char *m = json_string_value(json_object_get(e, "message"));
	if (!f || strcmp(f, field) != 0)
		fail_msg("expected field %s, got %s (%s)", field, f ? f : "(none)",
		         buf_str(&r->body));
	assert_non_null(m);
	assert_true(strlen(m) > 5);
	json_decref(v);
}

/* A valid anonymous report. */
static json_t *base(void)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:b, s:s, s:[s], s:[s], s:s, s:s}", "org", "velsen",
	                 "kind", "report", "reporter_role", "bystander", "anonymous", 1,
	                 "acute_danger", 0, "description", "Ik zag iemand die in de loods sliep.",
	                 "signals", signal_code, "forms", "labour", "district", "IJmuiden", "place",
	                 "bij de haven");
}

/* A valid report that is not anonymous. */
static json_t *base_open(void)
{
	json_t *v = base();
	json_object_set_new(v, "anonymous", json_false());
	json_object_set_new(v, "contact",
	                    json_pack("{s:s, s:s, s:s}", "name", "Piet de Vries", "phone",
	                              "06 12345678", "email", "piet@example.nl"));
	return v;
}

static void report_expect(json_t *v, const char *field)
{
	struct res r;
	post_v("/api/v1/reports", v, &r);
	json_decref(v);
	expect_400(&r, field);
	res_free(&r);
}

static json_t *with(json_t *v, const char *key, json_t *value)
{
	json_object_set_new(v, key, value);
	return v;
}

static json_t *without(json_t *v, const char *key)
{
	json_object_del(v, key);
	return v;
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static bool receipt_shape(const char *s)
{
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	if (!s || strlen(s) != 19)
		return false;
	for (int i = 0; i < 19; i++) {
		if (i % 5 == 4) {
			if (s[i] != '-')
				return false;
		} else if (!strchr(alphabet, s[i]) || s[i] == '\0') {
			return false;
		}
	}
	return true;
}

/* Submits v (consumed); returns the receipt (caller frees). */
static char *submit(json_t *v)
{
	struct res r;
	post_v("/api/v1/reports", v, &r);
	json_decref(v);
	if (r.status != 201)
		fail_msg("expected 201, got %ld: %s", r.status, buf_str(&r.body));
	assert_json_answer(&r);
	json_t *a = body_json(&r);
	const char *receipt = json_string_value(json_object_get(a, "receipt"));
	assert_string_equal(json_string_value(json_object_get(a, "status")), "received");
	assert_int_equal(json_object_size(a), 2);
	if (!receipt_shape(receipt))
		fail_msg("receipt %s", receipt ? receipt : "(none)");
	char *out = strdup(receipt);
	json_decref(a);
	res_free(&r);
	return out;
}

/* --- GET /api/v1/signals ---------------------------------------------- */

static void signals_list(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/api/v1/signals", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_json_answer(&r);
	json_t *v = body_json(&r);
	assert_true(json_is_array(v));
	assert_true(json_array_size(v) > 10);
	size_t i;
	json_t *s;
	json_array_foreach(v, i, s)
	{
		assert_int_equal(json_object_size(s), 4);
		const char *keys[] = {"code", "form", "group", "text"};
		for (int k = 0; k < 4; k++) {
			const char *t = json_string_value(json_object_get(s, keys[k]));
			if (!t || !*t)
				fail_msg("signal %zu: no %s", i, keys[k]);
		}
	}
	/* A form signal, for the reports below. */
	json_array_foreach(v, i, s)
	{
		if (strcmp(json_string_value(json_object_get(s, "form")), "labour") == 0) {
			snprintf(signal_code, sizeof signal_code, "%s",
			         json_string_value(json_object_get(s, "code")));
			break;
		}
	}
	assert_true(signal_code[0] != '\0');

	/* English under /en: same codes, other texts. */
	struct res e;
	assert_int_equal(http_get(&S, "/en/api/v1/signals", NULL, &e), 0);
	assert_int_equal(e.status, 200);
	json_t *en = body_json(&e);
	assert_int_equal(json_array_size(en), json_array_size(v));
	json_t *a = json_array_get(v, 0), *b = json_array_get(en, 0);
	assert_string_equal(json_string_value(json_object_get(a, "code")),
	                    json_string_value(json_object_get(b, "code")));
	assert_string_not_equal(json_string_value(json_object_get(a, "text")),
	                        json_string_value(json_object_get(b, "text")));
	json_decref(en);
	json_decref(v);
	res_free(&e);
	res_free(&r);

	/* Only GET (and HEAD). */
	assert_int_equal(http_post(&S, "/api/v1/signals", "application/json", "{}", 2, NULL, &r),
	                 0);
	assert_int_equal(r.status, 405);
	res_free(&r);
}

/* --- POST /api/v1/reports: accepted ---------------------------------- */

static void report_anonymous_201(void **state)
{
	(void)state;
	free(submit(base()));
}

static void report_open_201(void **state)
{
	(void)state;
	json_t *v = base_open();
	json_object_set_new(v, "acute_danger", json_true());
	json_object_set_new(v, "when", json_string("vorige week"));
	json_object_set_new(v, "people",
	                    json_pack("[{s:s, s:s, s:s, s:s, s:s}, {s:s}]", "age", "ongeveer 16",
	                              "minor", "yes", "gender", "jongen", "nationality", "onbekend",
	                              "language", "Pools", "minor", "unknown"));
	free(submit(v));
}

static void report_advice_201(void **state)
{
	(void)state;
	json_t *v = base();
	json_object_set_new(v, "kind", json_string("advice"));
	json_object_set_new(v, "reporter_role", json_string("professional"));
	json_object_set_new(v, "anonymous", json_false());
	json_object_set_new(v, "contact", json_pack("{s:s}", "email", "zorg@example.nl"));
	free(submit(v));
}

/* The fields of issue 8 through the API: stored, the non-personal ones as
 * details (figures count persons from them), the rest sealed. */
static void report_new_fields_201(void **state)
{
	(void)state;
	json_t *v = base_open();
	json_object_del(v, "anonymous");
	json_object_set_new(v, "reporter_state", json_string("confidential"));
	json_object_set_new(v, "reporter_role", json_string("professional"));
	json_object_set_new(v, "subject_aware", json_string("no"));
	json_object_set_new(v, "talked_with", json_string("yes"));
	json_object_set_new(v, "involved", json_pack("[s, s]", "police_complaint", "school"));
	json_object_set_new(v, "sector", json_string("harbour"));
	json_object_set_new(v, "since", json_string("sinds de zomer"));
	json_object_set_new(v, "frequency", json_string("often"));
	json_object_set_new(v, "safety",
	                    json_pack("{s:s, s:s, s:s, s:s, s:s}", "location_now", "op het schip",
	                              "safe_contact", "no", "threats", "yes", "weapons", "unknown",
	                              "reporter_safe", "yes"));
	json_object_set_new(v, "professional",
	                    json_pack("{s:s, s:s, s:[s]}", "organisation", "GGD", "function",
	                              "arts", "meldcode_steps", "signals"));
	json_object_set_new(v, "people",
	                    json_pack("[{s:s, s:s, s:s, s:s, s:s}, {s:s}]", "role", "victim",
	                              "minor", "yes", "name", "Zeemeeuw-4471", "birth_date", "2010",
	                              "address", "Kade 1", "role", "exploiter"));
	free(submit(v));
	struct buf out = BUF_INIT;
	assert_int_equal(srv_query(&S,
	                           "SELECT details, anonymous FROM reports"
	                           " WHERE details LIKE '%harbour%'",
	                           &out),
	                 0);
	const char *d = buf_str(&out);
	assert_non_null(strstr(d, "\"reporter_state\":\"confidential\""));
	assert_non_null(strstr(d, "\"people\":[{\"minor\":\"yes\",\"role\":\"victim\"},"
	                          "{\"role\":\"exploiter\"}]"));
	assert_non_null(strstr(d, "\"involved\":[\"police_complaint\",\"school\"]"));
	assert_non_null(strstr(d, "\"meldcode_steps\":[\"signals\"]"));
	assert_non_null(strstr(d, "|0\n"));
	/* Names and addresses are sealed, never plain. */
	assert_null(strstr(d, "Zeemeeuw"));
	assert_null(strstr(d, "Kade"));
	buf_reset(&out);
	assert_int_equal(srv_query(&S,
	                           "SELECT COUNT(*) FROM reports WHERE details LIKE"
	                           " '%Zeemeeuw%' OR suggestion LIKE '%Zeemeeuw%'",
	                           &out),
	                 0);
	assert_string_equal(buf_str(&out), "0\n");
	buf_free(&out);

	/* An advice request with the new questions keeps no people. */
	v = base();
	json_object_set_new(v, "kind", json_string("advice"));
	json_object_set_new(v, "sector", json_string("agriculture"));
	json_object_set_new(v, "subject_aware", json_string("unknown"));
	free(submit(v));
	out = (struct buf)BUF_INIT;
	assert_int_equal(
	    srv_query(&S, "SELECT details FROM reports WHERE details LIKE '%agriculture%'", &out),
	    0);
	assert_non_null(strstr(buf_str(&out), "\"subject_aware\":\"unknown\""));
	assert_non_null(strstr(buf_str(&out), "\"reporter_state\":\"anonymous\""));
	assert_null(strstr(buf_str(&out), "people"));
	buf_free(&out);
	v = base();
	json_object_set_new(v, "kind", json_string("advice"));
	json_object_set_new(v, "people", json_pack("[{s:s}]", "name", "Jan"));
	report_expect(v, "people");
}

static void report_new_fields_400(void **state)
{
	(void)state;
	report_expect(with(base(), "sector", json_string("boat")), "sector");
	report_expect(with(base(), "frequency", json_string("daily")), "frequency");
	report_expect(with(base(), "involved", json_pack("[s]", "army")), "involved");
	report_expect(with(base(), "involved", json_string("police")), "involved");
	report_expect(with(base(), "safety", json_pack("{s:s}", "threats", "ja")),
	              "safety.threats");
	report_expect(with(base(), "safety", json_pack("{s:s}", "colour", "red")), "safety.colour");
	report_expect(with(base(), "people", json_pack("[{s:s}]", "role", "boss")),
	              "people[0].role");
	report_expect(with(base(), "reporter_state", json_string("secret")), "reporter_state");
	/* anonymous true and open at once */
	report_expect(with(base(), "reporter_state", json_string("open")), "reporter_state");
	/* The professional's part is for professionals only, and once sent
	 * it needs organisation and function. */
	report_expect(with(base(), "professional", json_pack("{s:s}", "organisation", "GGD")),
	              "professional");
	json_t *v = base_open();
	json_object_set_new(v, "reporter_role", json_string("professional"));
	json_object_set_new(v, "professional", json_pack("{s:s}", "organisation", "GGD"));
	report_expect(v, "professional.function");
}

static void report_minimal_and_nulls_201(void **state)
{
	(void)state;
	/* Optional fields may be left out or null. */
	json_t *v = json_pack("{s:s, s:s, s:s, s:b, s:s, s:n, s:n, s:n, s:n, s:n}", "org", "velsen",
	                      "kind", "report", "reporter_role", "victim", "anonymous", 1,
	                      "description", "Ik moet werken zonder loon.", "signals", "forms",
	                      "district", "contact", "people");
	free(submit(v));
}

static void report_lengths_at_max(void **state)
{
	(void)state;
	char *d = repeat('a', REPORT_MAX_DESCRIPTION);
	char *p = repeat('b', REPORT_MAX_SHORT_TEXT);
	json_t *v = base();
	json_object_set_new(v, "description", json_string(d));
	json_object_set_new(v, "place", json_string(p));
	free(submit(v));
	/* Tab and newline are fine in the description. */
	free(submit(with(base(), "description", json_string("Eerste regel\n\tTweede regel"))));
	free(d);
	free(p);
}

/* Limits count characters (contract: "1-10000 characters"), also when
 * each takes four bytes, or twelve as \u escapes in the body. */
static void report_lengths_count_characters(void **state)
{
	(void)state;
	char *d = text_repeat("", "\xF0\x9F\x98\x80", REPORT_MAX_DESCRIPTION); /* emoji */
	char *p = text_repeat("", "\xF0\x9F\x98\x80", REPORT_MAX_SHORT_TEXT);
	/* 195 times é and "@x.nl": 200 characters */
	char *mail = text_repeat("", "\xC3\xA9", REPORT_MAX_SHORT_TEXT);
	memcpy(mail + 2 * (REPORT_MAX_SHORT_TEXT - 5), "@x.nl", 6);
	/* Every text at its longest: the body must still fit. */
	json_t *v = base_open();
	json_object_set_new(v, "description", json_string(d));
	json_object_set_new(v, "place", json_string(p));
	json_object_set_new(v, "when", json_string(p));
	json_t *contact = json_object_get(v, "contact");
	json_object_set_new(contact, "name", json_string(p));
	json_object_set_new(contact, "email", json_string(mail));
	json_t *people = json_array();
	for (unsigned i = 0; i < REPORT_MAX_PEOPLE; i++)
		json_array_append_new(people, json_pack("{s:s, s:s, s:s, s:s, s:s}", "age", p,
		                                        "minor", "unknown", "gender", p,
		                                        "nationality", p, "language", p));
	json_object_set_new(v, "people", people);
	char *body = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(v);
	free(mail);
	assert_true(strlen(body) > 12u * (REPORT_MAX_DESCRIPTION + 23u * REPORT_MAX_SHORT_TEXT));
	struct res r;
	post("/api/v1/reports", body, &r);
	if (r.status != 201)
		fail_msg("expected 201, got %ld: %s", r.status, buf_str(&r.body));
	res_free(&r);
	free(body);
	free(d);
	free(p);
	d = text_repeat("", "\xC3\xA9", REPORT_MAX_DESCRIPTION + 1);
	report_expect(with(base(), "description", json_string(d)), "description");
	free(d);
	p = text_repeat("", "\xC3\xA9", REPORT_MAX_SHORT_TEXT + 1);
	report_expect(with(base(), "place", json_string(p)), "place");
	free(p);
}

static void report_charset_parameter(void **state)
{
	(void)state;
	json_t *v = base();
	char *s = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	struct res r;
	post_raw("/api/v1/reports", "application/json; charset=utf-8", s, strlen(s), &r);
	assert_int_equal(r.status, 201);
	res_free(&r);
	post_raw("/api/v1/reports", "Application/JSON;charset=\"UTF-8\"", s, strlen(s), &r);
	assert_int_equal(r.status, 201);
	res_free(&r);
	free(s);
}

static void report_answer_holds_no_personal_data(void **state)
{
	(void)state;
	json_t *v = base_open();
	json_object_set_new(v, "description", json_string("GEHEIM-VERHAAL-123"));
	struct res r;
	post_v("/api/v1/reports", v, &r);
	json_decref(v);
	assert_int_equal(r.status, 201);
	assert_null(strstr(buf_str(&r.body), "GEHEIM"));
	assert_null(strstr(buf_str(&r.body), "Piet"));
	res_free(&r);
	/* An error names the field, not the value. */
	v = with(base(), "district", json_string("GEHEIM-DORP"));
	post_v("/api/v1/reports", v, &r);
	json_decref(v);
	assert_int_equal(r.status, 400);
	assert_null(strstr(buf_str(&r.body), "GEHEIM"));
	res_free(&r);
}

/* --- POST /api/v1/reports: refused, naming the field ----------------- */

static void report_body_errors(void **state)
{
	(void)state;
	static const char *const bodies[] = {
	    "",                                              /* empty */
	    "{",                                             /* invalid JSON */
	    "{\"org\": \"velsen\",}",                        /* trailing comma */
	    "{} {}",                                         /* trailing data */
	    "[]",                                            /* not an object */
	    "\"report\"",                                    /* not an object */
	    "42",                                            /* not an object */
	    "null",                                          /* not an object */
	    "{\"org\":\"velsen\",\"org\":\"velsen\"}",       /* duplicate key */
	    "{\"contact\":{\"name\":\"a\",\"name\":\"b\"}}", /* nested duplicate */
	    "{\"description\":\"a\\u0000b\"}",               /* NUL */
	};
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		struct res r;
		post("/api/v1/reports", bodies[i], &r);
		expect_400(&r, "body");
		res_free(&r);
	}
	/* Invalid UTF-8 inside a string: a 400 that names the field holding
	 * it (issue 6; the whole body was named before). */
	static const char bad_utf8[] =
	    "{\"org\":\"velsen\",\"kind\":\"report\",\"reporter_role\":\"bystander\","
	    "\"anonymous\":true,\"description\":\"caf\xe9\"}";
	struct res r;
	post("/api/v1/reports", bad_utf8, &r);
	expect_400(&r, "description");
	res_free(&r);
	static const char overlong[] =
	    "{\"org\":\"velsen\",\"kind\":\"report\",\"reporter_role\":\"bystander\","
	    "\"anonymous\":true,\"description\":\"ok\",\"place\":\"\xc0\xaf\"}";
	post("/api/v1/reports", overlong, &r);
	expect_400(&r, "place");
	res_free(&r);
	/* Outside a string it is still the body that is wrong. */
	static const char outside[] = "{\"org\":\"velsen\"}\xff";
	post("/api/v1/reports", outside, &r);
	expect_400(&r, "body");
	res_free(&r);
}

static void report_unknown_keys(void **state)
{
	(void)state;
	report_expect(with(base(), "foo", json_true()), "foo");
	report_expect(with(base(), "Org", json_string("velsen")), "Org");
	report_expect(with(base_open(), "contact",
	                   json_pack("{s:s, s:s}", "phone", "0612345678", "fax", "0231234567")),
	              "contact.fax");
	report_expect(
	    with(base(), "people", json_pack("[{s:s}, {s:s}]", "age", "20", "shoe", "42")),
	    "people[1].shoe");
	report_expect(with(base(), "channel", json_string("phone")), "channel");
}

static void report_wrong_types(void **state)
{
	(void)state;
	report_expect(with(base(), "org", json_integer(1)), "org");
	report_expect(with(base(), "kind", json_true()), "kind");
	report_expect(with(base(), "reporter_role", json_array()), "reporter_role");
	report_expect(with(base(), "anonymous", json_string("yes")), "anonymous");
	report_expect(with(base(), "anonymous", json_integer(1)), "anonymous");
	report_expect(with(base(), "acute_danger", json_string("no")), "acute_danger");
	report_expect(with(base(), "description", json_object()), "description");
	report_expect(with(base(), "signals", json_string("labour.low_pay")), "signals");
	report_expect(with(base(), "signals", json_pack("[s, i]", signal_code, 3)), "signals[1]");
	report_expect(with(base(), "forms", json_pack("[n]")), "forms[0]");
	report_expect(with(base(), "district", json_real(1.5)), "district");
	report_expect(with(base(), "place", json_false()), "place");
	report_expect(with(base(), "when", json_integer(2024)), "when");
	report_expect(with(base(), "contact", json_string("piet@example.nl")), "contact");
	report_expect(with(base_open(), "contact", json_pack("{s:i}", "phone", 612345678)),
	              "contact.phone");
	report_expect(with(base(), "people", json_object()), "people");
	report_expect(with(base(), "people", json_pack("[s]", "iemand")), "people[0]");
	report_expect(with(base(), "people", json_pack("[{s:b}]", "minor", 1)), "people[0].minor");
}

static void report_field_rules(void **state)
{
	(void)state;
	/* org */
	report_expect(without(base(), "org"), "org");
	report_expect(with(base(), "org", json_string("")), "org");
	report_expect(with(base(), "org", json_string("amsterdam")), "org");
	/* kind */
	report_expect(without(base(), "kind"), "kind");
	report_expect(with(base(), "kind", json_string("klacht")), "kind");
	/* reporter_role */
	report_expect(without(base(), "reporter_role"), "reporter_role");
	report_expect(with(base(), "reporter_role", json_string("pilot")), "reporter_role");
	report_expect(with(base(), "reporter_role", json_string("unknown")), "reporter_role");
	/* anonymous: must be answered */
	report_expect(without(base(), "anonymous"), "anonymous");
	/* description */
	report_expect(without(base(), "description"), "description");
	report_expect(with(base(), "description", json_string("")), "description");
	report_expect(with(base(), "description", json_string(" \n\t ")), "description");
	report_expect(with(base(), "description", json_string("a\001b")), "description");
	report_expect(with(base(), "description", json_string("a\033[31mb")), "description");
	report_expect(with(base(), "description", json_string("a\x7f")), "description");
	report_expect(with(base(), "description", json_string("a\xc2\x85")), "description");
	/* signals and forms */
	report_expect(with(base(), "signals", json_pack("[s]", "no.such_signal")), "signals");
	report_expect(with(base(), "signals", json_pack("[s, s]", signal_code, signal_code)),
	              "signals");
	report_expect(with(base(), "forms", json_pack("[s]", "smuggling")), "forms");
	report_expect(with(base(), "forms", json_pack("[s, s]", "labour", "unknown")), "forms");
	/* district and short texts */
	report_expect(with(base(), "district", json_string("Atlantis")), "district");
	report_expect(with(base(), "place", json_string("regel\nregel")), "place");
	report_expect(with(base(), "when", json_string("gisteren\001")), "when");
	/* contact */
	report_expect(with(base_open(), "contact", json_pack("{s:s}", "email", "geen-adres")),
	              "contact.email");
	report_expect(with(base_open(), "contact", json_pack("{s:s}", "phone", "bel me")),
	              "contact.phone");
	report_expect(with(base_open(), "contact", json_pack("{s:s}", "name", "Alleen Naam")),
	              "contact");
	report_expect(with(base_open(), "contact", json_object()), "contact");
	/* people */
	report_expect(with(base(), "people", json_pack("[{s:s}]", "minor", "misschien")),
	              "people[0].minor");
	report_expect(with(base(), "people", json_pack("[{}, {s:s}]", "age", "a\001")),
	              "people[1].age");
}

static void report_lengths_over_max(void **state)
{
	(void)state;
	char *d = repeat('a', REPORT_MAX_DESCRIPTION + 1);
	char *p = repeat('b', REPORT_MAX_SHORT_TEXT + 1);
	report_expect(with(base(), "description", json_string(d)), "description");
	report_expect(with(base(), "place", json_string(p)), "place");
	report_expect(with(base(), "when", json_string(p)), "when");
	report_expect(
	    with(base_open(), "contact", json_pack("{s:s, s:s}", "phone", "0612345678", "name", p)),
	    "contact.name");
	report_expect(with(base(), "people", json_pack("[{s:s}]", "nationality", p)),
	              "people[0].nationality");
	free(d);
	free(p);
	/* Too many signals, forms, people. */
	json_t *sig = json_array();
	for (unsigned i = 0; i <= REPORT_MAX_SIGNALS; i++)
		json_array_append_new(sig, json_string(signal_code));
	report_expect(with(base(), "signals", sig), "signals");
	json_t *forms = json_pack("[s, s, s, s, s, s]", "sexual", "labour", "criminal",
	                          "organ_removal", "unknown", "labour");
	report_expect(with(base(), "forms", forms), "forms");
	json_t *people = json_array();
	for (unsigned i = 0; i <= REPORT_MAX_PEOPLE; i++)
		json_array_append_new(people, json_pack("{s:s}", "age", "30"));
	report_expect(with(base(), "people", people), "people");
}

static void report_anonymity_rules(void **state)
{
	(void)state;
	/* Anonymous with contact details. */
	report_expect(with(base(), "contact", json_pack("{s:s}", "phone", "0612345678")),
	              "contact");
	/* A professional or municipal employee cannot report anonymously. */
	report_expect(with(base(), "reporter_role", json_string("professional")), "anonymous");
	report_expect(with(base(), "reporter_role", json_string("employee")), "anonymous");
	/* ... nor ask advice anonymously through the API's "anonymous". */
	json_t *v = with(base(), "reporter_role", json_string("employee"));
	report_expect(with(v, "kind", json_string("advice")), "anonymous");
	/* Not anonymous without a way to reach the reporter. */
	report_expect(with(base(), "anonymous", json_false()), "contact");
	/* Advice requests carry no people. */
	v = with(base(), "kind", json_string("advice"));
	report_expect(with(v, "people", json_pack("[{s:s}]", "age", "15")), "people");
}

static void report_content_types(void **state)
{
	(void)state;
	json_t *v0 = base();
	char *s = json_dumps(v0, JSON_COMPACT);
	json_decref(v0);
	static const char *const types[] = {
	    "text/plain",
	    "text/json",
	    "application/jsonp",
	    "application/json; charset=iso-8859-1",
	    "application/json-patch+json",
	    NULL,
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		struct res r;
		post_raw("/api/v1/reports", types[i], s, strlen(s), &r);
		if (r.status != 415)
			fail_msg("%s: %ld", types[i] ? types[i] : "(none)", r.status);
		assert_json_answer(&r);
		json_t *v = body_json(&r);
		assert_non_null(json_object_get(json_object_get(v, "error"), "message"));
		json_decref(v);
		res_free(&r);
	}
	free(s);
	/* Form bodies (decoded by the server before the API sees them). */
	struct res r;
	post_raw("/api/v1/reports", "application/x-www-form-urlencoded", "org=velsen", 10, &r);
	assert_int_equal(r.status, 415);
	res_free(&r);
	static const char mp[] = "--xyzzy\r\nContent-Disposition: form-data; name=\"org\"\r\n\r\n"
	                         "velsen\r\n--xyzzy--\r\n";
	post_raw("/api/v1/reports", "multipart/form-data; boundary=xyzzy", mp, sizeof mp - 1, &r);
	assert_int_equal(r.status, 415);
	res_free(&r);
	/* curl sends its own type when none is given: send one truly without. */
	char raw[512];
	snprintf(raw, sizeof raw,
	         "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
	         "Connection: close\r\n\r\n{}");
	struct buf ans = BUF_INIT;
	assert_int_equal(http_raw(&S, raw, strlen(raw), &ans), 415);
	buf_free(&ans);
}

static void report_too_large(void **state)
{
	(void)state;
	size_t n = HTTP_MAX_BODY_BYTES + 1;
	char *big = repeat(' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	struct res r;
	post_raw("/api/v1/reports", "application/json", big, n, &r);
	assert_int_equal(r.status, 413);
	res_free(&r);
	free(big);
}

/* --- POST /api/v1/follow ---------------------------------------------- */

static json_t *follow(const char *body, long want)
{
	struct res r;
	post("/api/v1/follow", body, &r);
	if (r.status != want)
		fail_msg("follow %s: expected %ld, got %ld: %s", body, want, r.status,
		         buf_str(&r.body));
	assert_json_answer(&r);
	json_t *v = body_json(&r);
	res_free(&r);
	return v;
}

static char *follow_body(const char *receipt, const char *message)
{
	json_t *v = message ? json_pack("{s:s, s:s}", "receipt", receipt, "message", message)
	                    : json_pack("{s:s}", "receipt", receipt);
	char *s = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	return s;
}

static void follow_round_trip(void **state)
{
	(void)state;
	char *receipt = submit(base());
	char *b = follow_body(receipt, NULL);
	json_t *v = follow(b, 200);
	free(b);
	assert_string_equal(json_string_value(json_object_get(v, "status")), "received");
	assert_true(json_is_array(json_object_get(v, "messages")));
	assert_int_equal(json_array_size(json_object_get(v, "messages")), 0);
	json_decref(v);

	/* Add information; it shows up in the conversation. */
	b = follow_body(receipt, "Ik zag hem vandaag weer.\r\nMet een busje.");
	v = follow(b, 200);
	free(b);
	assert_string_equal(json_string_value(json_object_get(v, "status")), "received");
	json_t *msgs = json_object_get(v, "messages");
	assert_int_equal(json_array_size(msgs), 1);
	json_t *m = json_array_get(msgs, 0);
	assert_string_equal(json_string_value(json_object_get(m, "text")),
	                    "Ik zag hem vandaag weer.\nMet een busje.");
	assert_string_equal(json_string_value(json_object_get(m, "author")), "reporter");
	json_decref(v);

	/* A message of exactly the maximum length. */
	char *longest = repeat('m', REPORT_MAX_MESSAGE);
	b = follow_body(receipt, longest);
	v = follow(b, 200);
	free(b);
	assert_int_equal(json_array_size(json_object_get(v, "messages")), 2);
	json_decref(v);
	free(longest);

	/* Other spellings: lower case, without dashes, with spaces. */
	char lower[32], bare[32], spaced[40];
	size_t k = 0;
	for (size_t i = 0; receipt[i]; i++) {
		lower[i] =
		    (char)(receipt[i] >= 'A' && receipt[i] <= 'Z' ? receipt[i] + 32 : receipt[i]);
		if (receipt[i] != '-')
			bare[k++] = receipt[i];
	}
	lower[strlen(receipt)] = '\0';
	bare[k] = '\0';
	snprintf(spaced, sizeof spaced, " %.4s %.4s %.4s %.4s ", receipt, receipt + 5, receipt + 10,
	         receipt + 15);
	const char *spellings[] = {lower, bare, spaced};
	for (int i = 0; i < 3; i++) {
		b = follow_body(spellings[i], NULL);
		v = follow(b, 200);
		free(b);
		assert_int_equal(json_array_size(json_object_get(v, "messages")), 2);
		json_decref(v);
	}
	free(receipt);
}

static void follow_message_rules(void **state)
{
	(void)state;
	char *receipt = submit(base());
	char *over = repeat('m', REPORT_MAX_MESSAGE + 1);
	char *over_chars = text_repeat("", "\xC3\xA9", REPORT_MAX_MESSAGE + 1);
	const char *bad[] = {"", "  \n\t ", "a\001b", "a\rb", "a\x7f", over, over_chars};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *b = follow_body(receipt, bad[i]);
		struct res r;
		post("/api/v1/follow", b, &r);
		expect_400(&r, "message");
		res_free(&r);
		free(b);
	}
	free(over);
	free(over_chars);
	/* A wrong receipt is said before a message's problem, as on the form
	 * (one flow, domain/followup.h). */
	char *b0 = follow_body("ZZZZ-0000-0000-0000", "  ");
	json_decref(follow(b0, 404));
	free(b0);
	/* Nothing was added. */
	char *b = follow_body(receipt, NULL);
	json_t *v = follow(b, 200);
	assert_int_equal(json_array_size(json_object_get(v, "messages")), 0);
	json_decref(v);
	free(b);
	/* The longest message counts characters; CR LF counts as one. */
	char *lines = text_repeat("", "\r\n", REPORT_MAX_MESSAGE - 1);
	char *most = malloc(strlen(lines) + 2);
	most[0] = 'x';
	strcpy(most + 1, lines);
	free(lines);
	b = follow_body(receipt, most);
	json_decref(follow(b, 200));
	free(b);
	free(most);
	free(receipt);
}

static void follow_body_errors(void **state)
{
	(void)state;
	struct res r;
	post("/api/v1/follow", "{}", &r);
	expect_400(&r, "receipt");
	res_free(&r);
	post("/api/v1/follow", "{\"receipt\": \"\"}", &r);
	expect_400(&r, "receipt");
	res_free(&r);
	post("/api/v1/follow", "{\"receipt\": 12}", &r);
	expect_400(&r, "receipt");
	res_free(&r);
	post("/api/v1/follow", "{\"receipt\": \"AAAA\", \"message\": 1}", &r);
	expect_400(&r, "message");
	res_free(&r);
	post("/api/v1/follow", "{\"receipt\": \"AAAA\", \"status\": \"closed\"}", &r);
	expect_400(&r, "status");
	res_free(&r);
	post("/api/v1/follow", "[\"AAAA\"]", &r);
	expect_400(&r, "body");
	res_free(&r);
	post("/api/v1/follow", "{\"receipt\": \"a\", \"receipt\": \"b\"}", &r);
	expect_400(&r, "body");
	res_free(&r);
	post_raw("/api/v1/follow", "text/plain", "{}", 2, &r);
	assert_int_equal(r.status, 415);
	res_free(&r);
}

static void follow_wrong_receipt(void **state)
{
	(void)state;
	/* Well-formed but unknown, and malformed: the same answer. */
	json_t *a = follow("{\"receipt\": \"ZZZZ-ZZZZ-ZZZZ-ZZZZ\"}", 404);
	json_t *b = follow("{\"receipt\": \"niet-een-code\"}", 404);
	json_t *c = follow("{\"receipt\": \"YYYY-YYYY-YYYY-YYYY\", \"message\": \"hallo\"}", 404);
	json_t *ea = json_object_get(a, "error");
	assert_string_equal(json_string_value(json_object_get(ea, "field")), "receipt");
	assert_true(json_equal(ea, json_object_get(b, "error")));
	assert_true(json_equal(ea, json_object_get(c, "error")));
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

/* --- Throttling (servers of their own) -------------------------------- */

static void intake_throttled(void **state)
{
	(void)state;
	struct srv keep = S;
	assert_int_equal(srv_start(&S, "[intake]\nmax_reports_per_minute = 3\n"), 0);
	for (int i = 0; i < 3; i++)
		free(submit(base()));
	struct res r;
	json_t *b = base();
	post_v("/api/v1/reports", b, &r);
	json_decref(b);
	assert_int_equal(r.status, 429);
	assert_json_answer(&r);
	char ra[32];
	assert_true(res_header(&r, "Retry-After", ra, sizeof ra));
	long secs = strtol(ra, NULL, 10);
	assert_true(secs >= 1 && secs <= 60);
	json_t *v = body_json(&r);
	assert_non_null(json_string_value(json_object_get(json_object_get(v, "error"), "message")));
	json_decref(v);
	res_free(&r);
	/* Following up is not affected by the intake limit. */
	json_decref(follow("{\"receipt\": \"ZZZZ-ZZZZ-ZZZZ-ZZZZ\"}", 404));
	assert_int_equal(srv_stop(&S), 0);
	S = keep;
}

/* Posts a valid report to t with the given extra header lines. */
static long post_with_headers(const struct srv *t, const char *const *hdrs)
{
	json_t *v = base();
	char *body = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	struct res r;
	assert_int_equal(
	    http_post(t, "/api/v1/reports", "application/json", body, strlen(body), hdrs, &r), 0);
	long st = r.status;
	res_free(&r);
	free(body);
	return st;
}

/* Posts a valid report to t as if through a proxy that adds xff. */
static long post_forwarded(const struct srv *t, const char *xff)
{
	char h[128];
	snprintf(h, sizeof h, "X-Forwarded-For: %s", xff);
	const char *hdrs[] = {h, NULL};
	return post_with_headers(t, hdrs);
}

/* Behind the trusted proxy each client has its own budget, named by the
 * last X-Forwarded-For address (the one the proxy added; what a client
 * puts before it, in the same line or a line of its own, cannot move it to
 * another budget). Without a trusted proxy the header is ignored. */
static void intake_throttled_behind_proxy(void **state)
{
	(void)state;
	struct srv t;
	assert_int_equal(
	    srv_start(
	        &t, "[server]\ntrusted_proxy = 127.0.0.1\n[intake]\nmax_reports_per_minute = 2\n"),
	    0);
	assert_int_equal(post_forwarded(&t, "203.0.113.7"), 201);
	assert_int_equal(post_forwarded(&t, "198.51.100.1, 203.0.113.7"), 201);
	assert_int_equal(post_forwarded(&t, "203.0.113.7"), 429);
	assert_int_equal(post_forwarded(&t, "203.0.113.7:4711"), 429); /* with a port */
	const char *two_lines[] = {"X-Forwarded-For: 10.66.0.1", "X-Forwarded-For: 203.0.113.7",
	                           NULL};
	assert_int_equal(post_with_headers(&t, two_lines), 429);
	assert_int_equal(post_forwarded(&t, "203.0.113.7, 192.0.2.44"), 201);
	assert_int_equal(post_forwarded(&t, " 2001:db8::1 "), 201);
	/* The same /64 is one source, also written with brackets and port. */
	assert_int_equal(post_forwarded(&t, "2001:db8::2"), 201);
	assert_int_equal(post_forwarded(&t, "2001:db8::3"), 429);
	assert_int_equal(post_forwarded(&t, "[2001:db8::9]:443"), 429);
	assert_int_equal(post_forwarded(&t, "fe80::1%eth0"), 201);
	/* Not an address: the proxy's own budget, said once in the log. */
	assert_int_equal(post_forwarded(&t, "unknown"), 201);
	assert_int_equal(post_forwarded(&t, "203.0.113.9 extra"), 201);
	assert_int_equal(post_forwarded(&t, "[2001:db8::1"), 429);
	char *log = srv_log(&t);
	const char *warn = strstr(log, "no readable X-Forwarded-For");
	assert_non_null(warn);
	assert_null(strstr(warn + 1, "no readable X-Forwarded-For"));
	/* Nothing of the addresses in the log. */
	assert_null(strstr(log, "203.0.113"));
	assert_null(strstr(log, "2001:db8"));
	assert_null(strstr(log, "fe80:"));
	free(log);
	/* Nor anywhere in the data directory (database, WAL, settings). Every
	 * needle holds a '.' or ':', which no hex or base64 text of a random
	 * value does ("fe80" alone turned up in one, once). */
	static const char *const addrs[] = {"203.0.113", "198.51.100", "192.0.2.44",
	                                    "2001:db8",  "fe80:",      NULL};
	const char *problem = srv_data_problem(&t, addrs);
	if (problem)
		fail_msg("%s", problem);
	assert_int_equal(srv_stop(&t), 0);

	assert_int_equal(srv_start(&t, "[intake]\nmax_reports_per_minute = 2\n"), 0);
	assert_int_equal(post_forwarded(&t, "203.0.113.1"), 201);
	assert_int_equal(post_forwarded(&t, "203.0.113.2"), 201);
	assert_int_equal(post_forwarded(&t, "203.0.113.3"), 429);
	assert_int_equal(srv_stop(&t), 0);
}

/* A trusted proxy that could never connect is refused at start. */
static void proxy_of_other_family_refused(void **state)
{
	(void)state;
	struct srv t;
	assert_int_not_equal(srv_start(&t, "[server]\ntrusted_proxy = ::1\n"), 0);
	char *log = srv_log(&t);
	assert_non_null(strstr(log, "the proxy cannot reach it"));
	free(log);
}

/* secure_cookies = auto: the CSRF cookie is Secure only when the trusted
 * proxy says the request came over HTTPS. */
static void secure_cookie_behind_proxy(void **state)
{
	(void)state;
	struct {
		const char *ini;
		const char *proto;
		bool secure;
	} cases[] = {
	    {"[server]\ntrusted_proxy = 127.0.0.1\n", "https", true},
	    {"[server]\ntrusted_proxy = 127.0.0.1\n", "http", false},
	    {"[server]\ntrusted_proxy = 127.0.0.1\n", NULL, false},
	    {"[server]\ntrusted_proxy = 10.9.8.7\n", "https", false},
	    {"", "https", false},
	    {"[server]\nsecure_cookies = on\n", NULL, true},
	    {"[server]\ntrusted_proxy = 127.0.0.1\nsecure_cookies = off\n", "https", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct srv t;
		assert_int_equal(srv_start(&t, cases[i].ini), 0);
		char h[64];
		snprintf(h, sizeof h, "X-Forwarded-Proto: %s",
		         cases[i].proto ? cases[i].proto : "");
		const char *hdrs[] = {h, NULL};
		struct res r;
		assert_int_equal(http_get(&t, "/melden", cases[i].proto ? hdrs : NULL, &r), 0);
		assert_int_equal(r.status, 200);
		char cookie[256];
		assert_true(res_header(&r, "Set-Cookie", cookie, sizeof cookie));
		if ((strstr(cookie, "; Secure") != NULL) != cases[i].secure)
			fail_msg("case %zu: Set-Cookie %s", i, cookie);
		res_free(&r);
		assert_int_equal(srv_stop(&t), 0);
	}
}

static void follow_guessing_throttled(void **state)
{
	(void)state;
	struct srv keep = S;
	assert_int_equal(srv_start(&S, "[intake]\nmax_reports_per_minute = 0\n"), 0);
	char *receipt = submit(base());
	/* Wrong guesses from one source, sharing the receipt's prefix. */
	http_source = "127.0.0.66";
	char guess[32];
	char *b;
	for (unsigned i = 0; i < FOLLOW_WRONG_PER_SOURCE; i++) {
		snprintf(guess, sizeof guess, "%.4s-0000-0000-%04u", receipt, i);
		b = follow_body(guess, NULL);
		json_decref(follow(b, 404));
		free(b);
	}
	snprintf(guess, sizeof guess, "%.4s-1111-1111-1111", receipt);
	b = follow_body(guess, NULL);
	struct res r;
	post("/api/v1/follow", b, &r);
	assert_int_equal(r.status, 429);
	char ra[32];
	assert_true(res_header(&r, "Retry-After", ra, sizeof ra));
	long secs = strtol(ra, NULL, 10);
	assert_true(secs >= 1 && secs <= (long)FOLLOW_WRONG_WINDOW_S);
	res_free(&r);
	free(b);
	/* While that source waits, even the right receipt from it is not
	 * looked up. */
	b = follow_body(receipt, NULL);
	post("/api/v1/follow", b, &r);
	assert_int_equal(r.status, 429);
	assert_null(strstr(buf_str(&r.body), "received"));
	res_free(&r);
	/* Another source, the reporter, is not locked out by that. */
	http_source = NULL;
	json_t *v = follow(b, 200);
	assert_string_equal(json_string_value(json_object_get(v, "status")), "received");
	json_decref(v);
	free(b);
	/* And its own wrong receipts are still looked up. */
	b = follow_body(guess, NULL);
	json_decref(follow(b, 404));
	free(b);
	free(receipt);
	/* The guesser's address (the connection's peer, read by
	 * http/client.c) was counted in memory only: it is neither in the
	 * log nor anywhere in the data directory. */
	char *log = srv_log(&S);
	assert_null(strstr(log, "127.0.0.66"));
	free(log);
	static const char *const peer[] = {"127.0.0.66", NULL};
	const char *problem = srv_data_problem(&S, peer);
	if (problem)
		fail_msg("%s", problem);
	assert_int_equal(srv_stop(&S), 0);
	S = keep;
}

static void no_address_in_log(void **state)
{
	(void)state;
	char *log = srv_log(&S);
	/* The only address in the log is the one the server listens on. */
	for (const char *p = log; (p = strstr(p, "127.0.0.1")) != NULL; p++) {
		const char *ls = p;
		while (ls > log && ls[-1] != '\n')
			ls--;
		assert_non_null(strstr(ls, "listen"));
	}
	assert_null(strstr(log, "SignaalTestAgent"));
	assert_null(strstr(log, "referrer.example"));
	assert_null(strstr(log, "GEHEIM"));
	free(log);
}

/* --- Bad bytes and hidden characters (issue 6, part 5) -------------------- */

/* Posts v to path with the string value "MARK" replaced by raw, which may
 * hold bytes that are not UTF-8 (jansson would not write them). */
static void post_marked(const char *path, json_t *v, const char *raw, struct res *r)
{
	char *s = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	assert_non_null(s);
	char *m = strstr(s, "\"MARK\"");
	assert_non_null(m);
	struct buf b = BUF_INIT;
	buf_append(&b, s, (size_t)(m - s) + 1);
	buf_puts(&b, raw);
	buf_puts(&b, m + 5);
	post(path, buf_str(&b), r);
	buf_free(&b);
	free(s);
}

/* An open report with a person, every text field filled. */
static json_t *base_full(void)
{
	json_t *v = base_open();
	json_object_set_new(v, "when", json_string("gisteravond"));
	json_object_set_new(v, "people",
	                    json_pack("[{s:s, s:s, s:s, s:s, s:s}]", "age", "ongeveer 17", "minor",
	                              "yes", "gender", "jongen", "nationality", "Eritrees",
	                              "language", "Tigrinya"));
	return v;
}

/* Sets the field named like the API names it ("contact.email",
 * "people[0].age") to value. */
static void set_field(json_t *v, const char *field, const char *value)
{
	if (!strncmp(field, "contact.", 8))
		json_object_set_new(json_object_get(v, "contact"), field + 8, json_string(value));
	else if (!strncmp(field, "people[0].", 10))
		json_object_set_new(json_array_get(json_object_get(v, "people"), 0), field + 10,
		                    json_string(value));
	else
		json_object_set_new(v, field, json_string(value));
}

static const char *const report_texts[] = {
    "description",
    "place",
    "when",
    "contact.name",
    "contact.phone",
    "contact.email",
    "people[0].age",
    "people[0].gender",
    "people[0].nationality",
    "people[0].language",
};

/* Bytes that are not UTF-8 in any text of a report: 400 naming the field
 * (500 "Cannot allocate memory" on the form before, "body" here). */
static void report_unreadable_bytes_name_the_field(void **state)
{
	(void)state;
	free(submit(base_full()));
	for (size_t i = 0; i < sizeof report_texts / sizeof report_texts[0]; i++) {
		json_t *v = base_full();
		set_field(v, report_texts[i], "MARK");
		struct res r;
		post_marked("/api/v1/reports", v,
		            !strcmp(report_texts[i], "contact.phone") ? "06\xff 12345678"
		                                                      : "Waarde\xffx\xc3",
		            &r);
		expect_400(&r, report_texts[i]);
		json_t *a = body_json(&r);
		const char *m =
		    json_string_value(json_object_get(json_object_get(a, "error"), "message"));
		if (!strstr(m, "tekens die we niet kunnen lezen"))
			fail_msg("%s: %s", report_texts[i], m);
		json_decref(a);
		res_free(&r);
	}
	char *log = srv_log(&S);
	assert_null(strstr(log, "Cannot allocate memory"));
	free(log);
}

/* The invisible characters that can reverse or hide text are removed from
 * every text, as on the form; U+FFFD and a lone CR are refused. */
static void report_hidden_characters(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof report_texts / sizeof report_texts[0]; i++) {
		json_t *v = base_full();
		/* "06\u202e12345678" and the like: taken, without the override */
		char value[128];
		snprintf(value, sizeof value, "%s",
		         !strcmp(report_texts[i], "contact.phone") ? "06\xE2\x80\xAE 12345678"
		         : !strcmp(report_texts[i], "contact.email")
		             ? "\xEF\xBB\xBFsam@voorbeeld.nl"
		             : "Loods\xE2\x81\xA7 7\xE2\x81\xA9");
		set_field(v, report_texts[i], value);
		free(submit(v));
		/* The mark of lost bytes is refused. */
		v = base_full();
		set_field(v, report_texts[i], "kapot \xEF\xBF\xBD");
		report_expect(v, report_texts[i]);
	}
	/* Nothing but hidden characters: an empty description. */
	report_expect(with(base(), "description", json_string("\xE2\x80\xAE\xEF\xBB\xBF")),
	              "description");
	/* A lone CR is no line break: refused; CR LF is one. */
	report_expect(with(base(), "description", json_string("een\rtwee")), "description");
	free(submit(with(base(), "description", json_string("een\r\ntwee"))));
}

/* /api/v1/follow: bytes that are not UTF-8 in the receipt or the message
 * give 400 naming the field; hidden characters are removed from a
 * message. */
static void follow_unreadable_and_hidden(void **state)
{
	(void)state;
	char *receipt = submit(base());
	/* From an address of its own: a receipt not looked up costs nothing
	 * there anyway. */
	http_source = "127.0.0.77";
	struct res r;
	post_marked("/api/v1/follow", json_pack("{s:s}", "receipt", "MARK"), "7KQ4-M2XD\xff", &r);
	expect_400(&r, "receipt");
	res_free(&r);
	post_marked("/api/v1/follow",
	            json_pack("{s:s, s:s}", "receipt", receipt, "message", "MARK"),
	            "Het busje\xff is wit", &r);
	expect_400(&r, "message");
	res_free(&r);
	char *b = follow_body(receipt, "Kapot \xEF\xBF\xBD");
	post("/api/v1/follow", b, &r);
	expect_400(&r, "message");
	res_free(&r);
	free(b);
	/* Nothing was added; then a message with an override is added
	 * without it. */
	b = follow_body(receipt, NULL);
	json_t *v = follow(b, 200);
	assert_int_equal(json_array_size(json_object_get(v, "messages")), 0);
	json_decref(v);
	free(b);
	b = follow_body(receipt, "Het busje \xE2\x80\xAEsi tiw\xE2\x80\xAC\xEF\xBB\xBF");
	v = follow(b, 200);
	free(b);
	json_t *msgs = json_object_get(v, "messages");
	assert_int_equal(json_array_size(msgs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "text")),
	                    "Het busje si tiw");
	json_decref(v);
	http_source = NULL;
	free(receipt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(signals_list),
	    cmocka_unit_test(report_anonymous_201),
	    cmocka_unit_test(report_open_201),
	    cmocka_unit_test(report_advice_201),
	    cmocka_unit_test(report_new_fields_201),
	    cmocka_unit_test(report_new_fields_400),
	    cmocka_unit_test(report_minimal_and_nulls_201),
	    cmocka_unit_test(report_lengths_at_max),
	    cmocka_unit_test(report_lengths_count_characters),
	    cmocka_unit_test(report_charset_parameter),
	    cmocka_unit_test(report_answer_holds_no_personal_data),
	    cmocka_unit_test(report_body_errors),
	    cmocka_unit_test(report_unknown_keys),
	    cmocka_unit_test(report_wrong_types),
	    cmocka_unit_test(report_field_rules),
	    cmocka_unit_test(report_lengths_over_max),
	    cmocka_unit_test(report_anonymity_rules),
	    cmocka_unit_test(report_content_types),
	    cmocka_unit_test(report_too_large),
	    cmocka_unit_test(follow_round_trip),
	    cmocka_unit_test(follow_message_rules),
	    cmocka_unit_test(follow_body_errors),
	    cmocka_unit_test(follow_wrong_receipt),
	    cmocka_unit_test(intake_throttled),
	    cmocka_unit_test(intake_throttled_behind_proxy),
	    cmocka_unit_test(proxy_of_other_family_refused),
	    cmocka_unit_test(secure_cookie_behind_proxy),
	    cmocka_unit_test(follow_guessing_throttled),
	    cmocka_unit_test(no_address_in_log),
	    cmocka_unit_test(report_unreadable_bytes_name_the_field),
	    cmocka_unit_test(report_hidden_characters),
	    cmocka_unit_test(follow_unreadable_and_hidden),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
