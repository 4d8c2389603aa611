/* Tests of the inbox (domain/inbox.c, store/inbox.c) and the working-day
 * arithmetic of its deadlines (domain/workdays.c), on SQLite and, under
 * tests/pg/with-pg, PostgreSQL. Two organisations share the store; the
 * inbox of one never lists the other's reports. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "audit/audit.h"
#include "crypto/seal.h"
#include "domain/inbox.h"
#include "domain/reportview.h"
#include "domain/workdays.h"
#include "store/audit.h"
#include "store/stmts.h"
#include "store/store.h"
#include "store_fixture.h"
#ifdef SIGNAAL_HAVE_PG
#include "store/pg.h"
#endif
#include "util/buf.h"
#include "util/str.h"

/* --- working days ---------------------------------------------------- */

static void triage_due_dates(void **state)
{
	(void)state;
	/* received, due: written out by hand from a calendar of 2026 (1 March
	 * 2026 is a Sunday) and the years around it. */
	static const char *const cases[][2] = {
	    {"2026-03-02", "2026-03-09"}, /* Monday -> Monday */
	    {"2026-03-06", "2026-03-13"}, /* Friday -> Friday */
	    {"2026-03-07", "2026-03-16"}, /* Saturday: counted from Monday */
	    {"2026-03-08", "2026-03-16"}, /* Sunday */
	    {"2026-03-04", "2026-03-11"}, /* Wednesday */
	    {"2026-12-29", "2027-01-05"}, /* over the year's end */
	    {"2028-02-25", "2028-03-03"}, /* a leap year: 29 February counts */
	    {"2027-02-25", "2027-03-04"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char due[WORKDAYS_DATE_BUF];
		assert_int_equal(workdays_triage_due(cases[i][0], due), 0);
		if (strcmp(due, cases[i][1]) != 0)
			fail_msg("received %s: due %s, want %s", cases[i][0], due, cases[i][1]);
	}
	char out[WORKDAYS_DATE_BUF];
	const char *bad[] = {"2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01",
	                     "2026-01-32", "20260101",   "",           "9999-12-31"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (workdays_triage_due(bad[i], out) != -EINVAL)
			fail_msg("\"%s\" was taken", bad[i]);
	assert_true(workdays_date_valid("2028-02-29"));
	assert_false(workdays_date_valid("2100-02-29"));
	assert_true(workdays_date_valid("2000-02-29"));
}

static void overdue_cutoffs(void **state)
{
	(void)state;
	/* today, the last receipt date that is overdue today */
	static const char *const cases[][2] = {
	    {"2026-03-16", "2026-03-06"}, /* Monday: the Friday's deadline passed */
	    {"2026-03-17", "2026-03-09"}, /* Tuesday: the weekend's and Monday's too */
	    {"2026-03-14", "2026-03-06"}, /* Saturday: the Friday's passed yesterday */
	    {"2026-03-13", "2026-03-05"}, /* Friday: the last Friday's is today */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char cut[WORKDAYS_DATE_BUF], due[WORKDAYS_DATE_BUF];
		assert_int_equal(workdays_overdue_cutoff(cases[i][0], cut), 0);
		if (strcmp(cut, cases[i][1]) != 0)
			fail_msg("today %s: cutoff %s, want %s", cases[i][0], cut, cases[i][1]);
		/* and by definition: its deadline passed */
		assert_int_equal(workdays_triage_due(cut, due), 0);
		assert_true(strcmp(due, cases[i][0]) < 0);
	}
	char cut[WORKDAYS_DATE_BUF];
	assert_int_equal(workdays_overdue_cutoff("2026-02-30", cut), -EINVAL);
}

/* --- the inbox ------------------------------------------------------- */

static const char *const velsen_districts[] = {"IJmuiden", "Driehuis"};
static const char *const forms_sexual[] = {"sexual"};
static const char *const forms_labour_criminal[] = {"labour", "criminal"};

#define TODAY   "2026-03-16"
#define NVELSEN 23

struct fx {
	struct store_fixture sf;
};

static void add_org(struct store *s, const char *id, const char *name, const char *region,
                    const char *const *districts, size_t nd)
{
	struct store_org o = {.public_min_cell = 5};
	snprintf(o.id, sizeof o.id, "%s", id);
	snprintf(o.name, sizeof o.name, "%s", name);
	snprintf(o.region, sizeof o.region, "%s", region);
	assert_int_equal(store_org_create(s, &o, districts, nd), 0);
}

/* velsen: NVELSEN reports, several a day (ties in the order), every
 * status, two kinds of forms, with and without a district; utrecht: 3. */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f || store_fixture_open(&f->sf))
		return -1;
	*state = f;
	struct store *s = f->sf.s;
	add_org(s, "velsen", "Gemeente Velsen", "kennemerland", velsen_districts, 2);
	add_org(s, "utrecht", "Gemeente Utrecht", "utrecht", NULL, 0);
	static const char *const statuses[] = {"received", "assessing", "investigating", "referred",
	                                       "closed"};
	struct store_report_import rows[NVELSEN];
	char refs[NVELSEN][16], dates[NVELSEN][WORKDAYS_DATE_BUF];
	for (int i = 0; i < NVELSEN; i++) {
		snprintf(refs[i], sizeof refs[i], "V-%03d", i);
		/* three a day from 1 March on: ties on every date */
		snprintf(dates[i], sizeof dates[i], "2026-03-%02d", 1 + i / 3);
		rows[i] = (struct store_report_import){.reference = refs[i],
		                                       .received_on = dates[i],
		                                       .channel = "phone",
		                                       .reporter_role = "professional",
		                                       .kind = "report",
		                                       .forms = i % 2 ? forms_sexual
		                                                      : forms_labour_criminal,
		                                       .nforms = i % 2 ? 1 : 2,
		                                       .district = i % 4 == 0   ? "IJmuiden"
		                                                   : i % 4 == 1 ? "Driehuis"
		                                                                : NULL,
		                                       .concrete = "pending",
		                                       .status = statuses[i % 5],
		                                       .outcome = "none"};
	}
	if (store_report_insert_imported(s, "velsen", rows, NVELSEN, NULL) != 0)
		return -1;
	struct store_report_import other[3];
	for (int i = 0; i < 3; i++) {
		other[i] = rows[i];
		other[i].district = NULL;
	}
	return store_report_insert_imported(s, "utrecht", other, 3, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_fixture_close(&f->sf);
	free(f);
	return 0;
}

static json_t *list(struct fx *f, const char *org, struct inbox_query q)
{
	json_t *out = NULL;
	struct inbox_error err = {0};
	int rc = inbox_list(f->sf.s, org, &q, TODAY, &out, &err);
	if (rc)
		fail_msg("inbox_list: %d (%s: %s)", rc, err.field ? err.field : "-",
		         err.message ? err.message : "-");
	/* The staff API writes the list as text without the tree: the same
	 * bytes as jansson's dump of the tree, for every list of the tests
	 * below. */
	char *want = json_dumps(out, JSON_COMPACT);
	struct buf text = BUF_INIT;
	assert_int_equal(buf_puts(&text, "before"), 0);
	assert_int_equal(inbox_list_write(f->sf.s, org, &q, TODAY, &text, &err), 0);
	assert_non_null(want);
	if (strncmp(buf_str(&text), "before", 6) != 0 || strcmp(buf_str(&text) + 6, want) != 0)
		fail_msg("inbox_list_write: %s\nwant: %s", buf_str(&text), want);
	free(want);
	buf_free(&text);
	return out;
}

/* Walking the pages with their cursors gives every report of the
 * organisation once, newest first (within a day the last stored first:
 * the fixture imports them in the order of their references), and
 * nothing of another. */
static void pages_cover_every_report_once(void **state)
{
	struct fx *f = *state;
	json_t *all = list(f, "velsen", (struct inbox_query){.limit = "1000"});
	json_t *reports = json_object_get(all, "reports");
	assert_int_equal(json_array_size(reports), NVELSEN);
	assert_true(json_is_null(json_object_get(all, "next")));
	for (size_t i = 1; i < json_array_size(reports); i++) {
		json_t *a = json_array_get(reports, i - 1), *b = json_array_get(reports, i);
		int c = strcmp(json_string_value(json_object_get(a, "received_on")),
		               json_string_value(json_object_get(b, "received_on")));
		int r = strcmp(json_string_value(json_object_get(a, "reference")),
		               json_string_value(json_object_get(b, "reference")));
		if (c < 0 || (c == 0 && r <= 0))
			fail_msg("rows %zu and %zu out of order", i - 1, i);
		if (strncmp(json_string_value(json_object_get(a, "reference")), "V-", 2) != 0)
			fail_msg("a report of another organisation");
	}
	for (int size = 1; size <= 5; size++) {
		char lim[4], cursor[128] = "";
		snprintf(lim, sizeof lim, "%d", size);
		size_t seen = 0, pages = 0;
		for (;;) {
			json_t *p =
			    list(f, "velsen", (struct inbox_query){.limit = lim, .after = cursor});
			json_t *r = json_object_get(p, "reports");
			assert_true(json_array_size(r) <= (size_t)size);
			for (size_t i = 0; i < json_array_size(r); i++)
				assert_true(json_equal(json_array_get(r, i),
				                       json_array_get(reports, seen + i)));
			seen += json_array_size(r);
			pages++;
			const char *next = json_string_value(json_object_get(p, "next"));
			if (!next) {
				json_decref(p);
				break;
			}
			assert_true(strlen(next) < sizeof cursor);
			strcpy(cursor, next);
			json_decref(p);
			assert_true(pages <= NVELSEN);
		}
		assert_int_equal(seen, NVELSEN);
		/* "next" only when more follow: no empty last page */
		assert_int_equal(pages, (NVELSEN + size - 1) / size);
	}
	json_decref(all);
	json_t *u = list(f, "utrecht", (struct inbox_query){0});
	assert_int_equal(json_array_size(json_object_get(u, "reports")), 3);
	json_decref(u);
}

static size_t count(struct fx *f, struct inbox_query q)
{
	json_t *p = list(f, "velsen", q);
	size_t n = json_array_size(json_object_get(p, "reports"));
	json_decref(p);
	return n;
}

static void filters(void **state)
{
	struct fx *f = *state;
	/* i % 5 == 4: closed (4, 9, 14, 19) */
	assert_int_equal(count(f, (struct inbox_query){.status = "closed"}), 4);
	/* odd i: sexual (11 of 23); even: labour and criminal (12) */
	assert_int_equal(count(f, (struct inbox_query){.form = "sexual"}), 11);
	assert_int_equal(count(f, (struct inbox_query){.form = "criminal"}), 12);
	assert_int_equal(count(f, (struct inbox_query){.form = "organ_removal"}), 0);
	/* i % 4 == 1: Driehuis (1, 5, 9, 13, 17, 21) */
	assert_int_equal(count(f, (struct inbox_query){.district = "Driehuis"}), 6);
	assert_int_equal(count(f, (struct inbox_query){.district = "Atlantis"}), 0);
	assert_int_equal(count(f, (struct inbox_query){.district = "Driehuis",
	                                               .form = "sexual",
	                                               .status = "assessing"}),
	                 2); /* 1 and 21 */
	/* Overdue on 2026-03-16: still received (i % 5 == 0) and received on
	 * or before 6 March (i < 18): 0, 5, 10, 15. */
	assert_int_equal(count(f, (struct inbox_query){.overdue = "yes"}), 4);
	assert_int_equal(count(f, (struct inbox_query){.overdue = "yes", .status = "closed"}), 0);
}

static json_t *find_ref(json_t *reports, const char *ref)
{
	size_t i;
	json_t *x;
	json_array_foreach(reports, i,
	                   x) if (strcmp(json_string_value(json_object_get(x, "reference")), ref) ==
	                          0) return x;
	fail_msg("%s not listed", ref);
	return NULL;
}

/* Each row as the contract's staff API gives it: its columns, the triage
 * deadline, overdue, the forms as given, and no free text. */
static void rows_as_the_contract(void **state)
{
	struct fx *f = *state;
	json_t *p = list(f, "velsen", (struct inbox_query){0});
	json_t *r = json_object_get(p, "reports");
	json_t *x = find_ref(r, "V-015"); /* 6 March, received, sexual */
	assert_string_equal(json_string_value(json_object_get(x, "received_on")), "2026-03-06");
	assert_string_equal(json_string_value(json_object_get(x, "triage_due")), "2026-03-13");
	assert_true(json_is_true(json_object_get(x, "overdue")));
	assert_string_equal(json_string_value(json_object_get(x, "status")), "received");
	assert_true(json_is_null(json_object_get(x, "assigned_to")));
	assert_true(json_is_null(json_object_get(x, "district")));
	assert_true(json_is_false(json_object_get(x, "anonymous")));
	assert_true(json_is_false(json_object_get(x, "acute_danger")));
	assert_int_equal(json_array_size(json_object_get(x, "suggested_forms")), 0);
	json_t *y = find_ref(r, "V-020"); /* 7 March, received: due on the 16th */
	assert_string_equal(json_string_value(json_object_get(y, "triage_due")), "2026-03-16");
	assert_true(json_is_false(json_object_get(y, "overdue")));
	assert_string_equal(json_string_value(json_object_get(y, "district")), "IJmuiden");
	json_t *forms = json_object_get(y, "forms");
	assert_int_equal(json_array_size(forms), 2);
	assert_string_equal(json_string_value(json_array_get(forms, 0)), "labour");
	assert_string_equal(json_string_value(json_array_get(forms, 1)), "criminal");
	static const char *const keys[] = {
	    "id",         "reference",       "received_on", "kind",
	    "channel",    "reporter_role",   "anonymous",   "acute_danger",
	    "forms",      "suggested_forms", "district",    "concrete",
	    "status",     "outcome",         "triage_due",  "overdue",
	    "assigned_to"};
	assert_int_equal(json_object_size(x), sizeof keys / sizeof keys[0]);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!json_object_get(x, keys[i]))
			fail_msg("no \"%s\"", keys[i]);
	json_decref(p);
}

/* A report from the web form carries its suggestion: the inbox lists the
 * suggested forms beside the given ones. */
static void suggested_forms_listed(void **state)
{
	struct fx *f = *state;
	static const unsigned char sealed[] = {1, 2, 3};
	static const char *const forms[] = {"unknown"};
	unsigned char hash[STORE_RECEIPT_HASH_BYTES];
	memset(hash, 7, sizeof hash);
	char ref[REPORT_MAX_REFERENCE + 1];
	struct store_report_new r = {.id = 99,
	                             .org = "velsen",
	                             .ref_prefix = "W2026-",
	                             .reference_out = ref,
	                             .receipt_hash = hash,
	                             .received_on = "2026-03-15",
	                             .channel = "web",
	                             .reporter_role = "bystander",
	                             .anonymous = true,
	                             .kind = "report",
	                             .acute_danger = true,
	                             .forms = forms,
	                             .nforms = 1,
	                             .sealed = sealed,
	                             .sealed_len = sizeof sealed,
	                             .suggestion = "[{\"form\":\"labour\",\"signals\":[\"a\"]},"
	                                           "{\"form\":\"sexual\",\"signals\":[\"b\"]}]"};
	int res;
	assert_int_equal(store_reports_insert_batch(f->sf.s, &r, 1, &res), 0);
	assert_int_equal(res, 0);
	json_t *p = list(f, "velsen", (struct inbox_query){.limit = "1"});
	json_t *x = json_array_get(json_object_get(p, "reports"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "id")), "99");
	assert_string_equal(json_string_value(json_object_get(x, "reference")), ref);
	assert_true(json_is_true(json_object_get(x, "acute_danger")));
	json_t *s = json_object_get(x, "suggested_forms");
	assert_int_equal(json_array_size(s), 2);
	assert_string_equal(json_string_value(json_array_get(s, 0)), "labour");
	assert_string_equal(json_string_value(json_array_get(s, 1)), "sexual");
	json_decref(p);
}

/* Reports on one page with different suggestions, some alike, more
 * distinct ones than the page remembers (MEMO_SUGGESTIONS), some none:
 * each lists its own suggested forms. */
static void suggested_forms_per_report(void **state)
{
	struct fx *f = *state;
	static const unsigned char sealed[] = {1, 2, 3};
	static const char *const forms[] = {"unknown"};
	enum {
		N = 24
	};
	char sugg[N][96];
	for (int i = 0; i < N; i++) {
		unsigned char hash[STORE_RECEIPT_HASH_BYTES];
		memset(hash, 100 + i, sizeof hash);
		char ref[REPORT_MAX_REFERENCE + 1];
		/* i % 3: labour; sexual and criminal; none. From 12 on every
		 * text differs (its signal), with the same forms. */
		if (i % 3 == 0)
			snprintf(sugg[i], sizeof sugg[i],
			         "[{\"form\":\"labour\",\"signals\":[\"s%d\"]}]", i < 12 ? 0 : i);
		else if (i % 3 == 1)
			snprintf(sugg[i], sizeof sugg[i],
			         "[{\"form\":\"sexual\",\"signals\":[\"s%d\"]},"
			         "{\"form\":\"criminal\",\"signals\":[\"t\"]}]",
			         i < 12 ? 0 : i);
		struct store_report_new r = {.id = 200 + i,
		                             .org = "velsen",
		                             .ref_prefix = "W2026-",
		                             .reference_out = ref,
		                             .receipt_hash = hash,
		                             .received_on = "2026-03-15",
		                             .channel = "web",
		                             .reporter_role = "bystander",
		                             .anonymous = true,
		                             .kind = "report",
		                             .forms = forms,
		                             .nforms = 1,
		                             .sealed = sealed,
		                             .sealed_len = sizeof sealed,
		                             .suggestion = i % 3 == 2 ? NULL : sugg[i]};
		int res;
		assert_int_equal(store_reports_insert_batch(f->sf.s, &r, 1, &res), 0);
		assert_int_equal(res, 0);
	}
	json_t *p = list(f, "velsen", (struct inbox_query){.limit = "1000"});
	size_t k, seen = 0;
	json_t *x;
	json_array_foreach(json_object_get(p, "reports"), k, x)
	{
		uint64_t id;
		assert_int_equal(
		    str_parse_u64(json_string_value(json_object_get(x, "id")), 1, INT64_MAX, &id),
		    0);
		if (id < 200 || id >= 200 + N)
			continue;
		seen++;
		json_t *s = json_object_get(x, "suggested_forms");
		int i = (int)id - 200;
		if (i % 3 == 0) {
			assert_int_equal(json_array_size(s), 1);
			assert_string_equal(json_string_value(json_array_get(s, 0)), "labour");
		} else if (i % 3 == 1) {
			assert_int_equal(json_array_size(s), 2);
			assert_string_equal(json_string_value(json_array_get(s, 0)), "sexual");
			assert_string_equal(json_string_value(json_array_get(s, 1)), "criminal");
		} else {
			assert_int_equal(json_array_size(s), 0);
		}
	}
	assert_int_equal(seen, N);
	json_decref(p);
}

/* Reports of one day keep only their date and a random id: the inbox
 * lists them newest first all the same, by their order of arrival, and
 * its cursor keeps that order from page to page. Here the ids fall in
 * the other order (300, 100, 200 as they come, each in a batch of its
 * own as the intake's writer may store them). */
static void same_day_newest_first(void **state)
{
	struct fx *f = *state;
	static const unsigned char sealed[] = {1, 2, 3};
	static const char *const forms[] = {"unknown"};
	static const int64_t ids[] = {300, 100, 200};
	for (size_t i = 0; i < 3; i++) {
		unsigned char hash[STORE_RECEIPT_HASH_BYTES];
		memset(hash, 50 + (int)i, sizeof hash);
		struct store_report_new r = {.id = ids[i],
		                             .org = "velsen",
		                             .ref_prefix = "W2026-",
		                             .receipt_hash = hash,
		                             .received_on = "2026-03-16",
		                             .channel = "web",
		                             .reporter_role = "bystander",
		                             .anonymous = true,
		                             .kind = "report",
		                             .forms = forms,
		                             .nforms = 1,
		                             .sealed = sealed,
		                             .sealed_len = sizeof sealed};
		int res;
		assert_int_equal(store_reports_insert_batch(f->sf.s, &r, 1, &res), 0);
		assert_int_equal(res, 0);
	}
	static const char *const want[] = {"200", "100", "300"};
	json_t *p = list(f, "velsen", (struct inbox_query){.limit = "3"});
	json_t *r = json_object_get(p, "reports");
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(r, i), "id")),
		                    want[i]);
	json_decref(p);
	/* One at a time by the cursor: the same order, then the day before. */
	char cursor[128] = "";
	for (size_t i = 0; i < 4; i++) {
		p = list(f, "velsen", (struct inbox_query){.limit = "1", .after = cursor});
		json_t *x = json_array_get(json_object_get(p, "reports"), 0);
		if (i < 3)
			assert_string_equal(json_string_value(json_object_get(x, "id")), want[i]);
		else
			assert_string_equal(json_string_value(json_object_get(x, "received_on")),
			                    "2026-03-08");
		snprintf(cursor, sizeof cursor, "%s",
		         json_string_value(json_object_get(p, "next")));
		json_decref(p);
	}
}

static void refused_queries(void **state)
{
	struct fx *f = *state;
	static const struct {
		struct inbox_query q;
		const char *field;
	} cases[] = {
	    {{.status = "open"}, "status"},
	    {{.form = "Sexual"}, "form"},
	    {{.district = "a\nb"}, "district"},
	    {{.overdue = "no"}, "overdue"},
	    {{.limit = "0"}, "limit"},
	    {{.limit = "1001"}, "limit"},
	    {{.limit = "10x"}, "limit"},
	    {{.limit = ""}, "limit"},
	    {{.after = "not a cursor"}, "after"},
	    {{.after = "MjAyNi0wMy0wMQ"}, "after"},     /* "2026-03-01": no id */
	    {{.after = "MjAyNi0wMi0zMDo1"}, "after"},   /* "2026-02-30:5" */
	    {{.after = "MjAyNi0wMy0wMTotNQ"}, "after"}, /* "2026-03-01:-5" */
	    /* a cursor of the order before arrival (migration 12) */
	    {{.after = "MjAyNi0wMy0wMTo1"}, "after"},     /* "2026-03-01:5" */
	    {{.after = "MjAyNi0wMy0wMTp4OjU"}, "after"},  /* "2026-03-01:x:5" */
	    {{.after = "MjAyNi0wMy0wMTotMTo1"}, "after"}, /* "2026-03-01:-1:5" */
	    {{.after = "MjAyNi0wMy0wMTozOg"}, "after"},   /* "2026-03-01:3:" */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *out = NULL;
		struct inbox_error err = {0};
		int rc = inbox_list(f->sf.s, "velsen", &cases[i].q, TODAY, &out, &err);
		if (rc != INBOX_BAD_QUERY || !err.field || strcmp(err.field, cases[i].field) != 0 ||
		    !err.message)
			fail_msg("case %zu: %d, field %s", i, rc, err.field ? err.field : "-");
		assert_null(out);
		struct inbox_error werr = {0};
		struct buf text = BUF_INIT;
		assert_int_equal(
		    inbox_list_write(f->sf.s, "velsen", &cases[i].q, TODAY, &text, &werr),
		    INBOX_BAD_QUERY);
		assert_string_equal(werr.field, err.field);
		assert_ptr_equal(werr.message, err.message);
		buf_free(&text);
	}
	/* a good cursor of the form, to show the bad ones fail for their
	 * content: "2026-03-01:0:5" */
	json_t *out = NULL;
	struct inbox_error err = {0};
	struct inbox_query q = {.after = "MjAyNi0wMy0wMTowOjU"};
	assert_int_equal(inbox_list(f->sf.s, "velsen", &q, TODAY, &out, &err), 0);
	json_decref(out);
}

/* --- one report ------------------------------------------------------- */

static const unsigned char master[32] = {42};

/* A web report of velsen with sealed personal fields and a message from
 * the reporter; its id is 777. sealed_for: the id the fields are sealed
 * under (777, or another to damage it). */
#define GOOD_SUGGESTION "[{\"form\":\"labour\",\"signals\":[\"debt\"]}]"

static void add_report_with(struct fx *f, int64_t sealed_for, const char *suggestion)
{
	struct seal_key k;
	assert_int_equal(seal_key_derive(master, &k), 0);
	const char *personal = "{\"description\": \"VOORBEELD <b>vet</b>\\nregel 2\","
	                       " \"place\": \"IJmuiden\", \"since\": \"zomer\","
	                       " \"safety\": {\"location_now\": \"thuis\"},"
	                       " \"people\": [{\"age\": \"16\"}]}";
	struct buf sealed = BUF_INIT, msg = BUF_INIT;
	assert_int_equal(seal_encrypt(&k, (uint64_t)sealed_for, SEAL_REPORT, personal,
	                              strlen(personal), &sealed),
	                 0);
	assert_int_equal(seal_encrypt(&k, 777, SEAL_MESSAGE, "nog iets", 8, &msg), 0);
	static const char *const forms[] = {"labour"};
	static const char *const signals[] = {"no_papers", "debt"};
	unsigned char hash[STORE_RECEIPT_HASH_BYTES];
	memset(hash, 9, sizeof hash);
	struct store_report_new r = {.id = 777,
	                             .org = "velsen",
	                             .ref_prefix = "W2026-",
	                             .receipt_hash = hash,
	                             .received_on = "2026-03-10",
	                             .channel = "web",
	                             .reporter_role = "victim",
	                             .anonymous = true,
	                             .kind = "report",
	                             .forms = forms,
	                             .nforms = 1,
	                             .signals = signals,
	                             .nsignals = 2,
	                             .sealed = sealed.data,
	                             .sealed_len = sealed.len,
	                             .suggestion = suggestion,
	                             .details = "{\"sector\":\"harbour\"}"};
	int res;
	assert_int_equal(store_reports_insert_batch(f->sf.s, &r, 1, &res), 0);
	assert_int_equal(res, 0);
	assert_int_equal(store_message_add(f->sf.s, 777, "reporter", "2026-03-11", msg.data,
	                                   msg.len, NULL, NULL),
	                 0);
	buf_free(&sealed);
	buf_free(&msg);
	seal_key_wipe(&k);
}

static void add_sealed_report(struct fx *f, int64_t sealed_for)
{
	add_report_with(f, sealed_for, GOOD_SUGGESTION);
}

static json_t *view(struct fx *f, const char *org, const char *id, bool personal, int want)
{
	struct report_reader *rr;
	assert_int_equal(report_reader_new(master, &rr), 0);
	json_t *out = NULL;
	int rc = report_view(rr, f->sf.s, org, id, personal, TODAY, &out);
	if (rc != want)
		fail_msg("report_view(%s, %s): %d, want %d", org, id, rc, want);
	assert_true(want == 0 ? out != NULL : out == NULL);
	/* The staff API writes the view as text: the same bytes as
	 * jansson's dump of report_view's answer, or the same refusal. */
	struct buf text = BUF_INIT;
	char rid[REPORTVIEW_ID_BUF];
	assert_int_equal(buf_puts(&text, "before"), 0);
	assert_int_equal(report_view_write(rr, f->sf.s, org, id, personal, TODAY, &text, rid),
	                 want);
	if (out) {
		char *dumped = json_dumps(out, JSON_COMPACT);
		assert_non_null(dumped);
		if (strncmp(buf_str(&text), "before", 6) != 0 ||
		    strcmp(buf_str(&text) + 6, dumped) != 0)
			fail_msg("report_view_write: %s\nwant: %s", buf_str(&text), dumped);
		assert_string_equal(rid, json_string_value(json_object_get(out, "id")));
		free(dumped);
	}
	buf_free(&text);
	report_reader_free(rr);
	return out;
}

static void report_view_whole(void **state)
{
	struct fx *f = *state;
	add_sealed_report(f, 777);
	json_t *o = view(f, "velsen", "777", true, 0);
	assert_string_equal(json_string_value(json_object_get(o, "description")),
	                    "VOORBEELD <b>vet</b>\nregel 2");
	assert_string_equal(json_string_value(json_object_get(o, "place")), "IJmuiden");
	assert_true(json_is_null(json_object_get(o, "when")));
	assert_string_equal(json_string_value(json_object_get(o, "since")), "zomer");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(o, "safety"), "location_now")),
	    "thuis");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(o, "details"), "sector")), "harbour");
	assert_true(json_is_null(json_object_get(o, "contact")));
	assert_int_equal(json_array_size(json_object_get(o, "people")), 1);
	json_t *m = json_array_get(json_object_get(o, "messages"), 0);
	assert_string_equal(json_string_value(json_object_get(m, "text")), "nog iets");
	assert_string_equal(json_string_value(json_object_get(m, "author")), "reporter");
	json_t *sig = json_object_get(o, "signals");
	assert_int_equal(json_array_size(sig), 2);
	assert_string_equal(json_string_value(json_array_get(sig, 0)), "debt");
	json_t *sg = json_array_get(json_object_get(o, "suggestion"), 0);
	assert_string_equal(json_string_value(json_object_get(sg, "form")), "labour");
	assert_string_equal(json_string_value(json_object_get(o, "triage_due")), "2026-03-17");
	assert_true(json_is_array(json_object_get(o, "history")));
	json_decref(o);

	/* Without personal data: the list's fields, signals and suggestion;
	 * no personal field and no message. */
	o = view(f, "velsen", "777", false, 0);
	static const char *const hidden[] = {"description", "place",   "when",
	                                     "people",      "contact", "messages"};
	for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
		if (json_object_get(o, hidden[i]))
			fail_msg("\"%s\" shown without personal data", hidden[i]);
	assert_int_equal(json_array_size(json_object_get(o, "signals")), 2);
	json_decref(o);
}

/* A history longer than a view shows: the newest REPORT_HISTORY_MAX
 * entries after the receipt, the older ones counted; the API's text
 * (view() compares it) is the same as the tree's dump. */
static void report_view_long_history(void **state)
{
	struct fx *f = *state;
	add_sealed_report(f, 777);
	struct audit_key key;
	assert_int_equal(audit_key_derive(master, &key), 0);
	static const char *const actors[] = {"user:anna", "cli:root", "system"};
	for (size_t i = 0; i < REPORT_HISTORY_MAX + 3; i++) {
		struct audit_entry e = {actors[i % 3], "velsen",
		                        i % 2 ? AUDIT_REPORT_VIEW : AUDIT_REPORT_CHANGE,
		                        "report:777", i % 5 ? AUDIT_OK : AUDIT_DENIED};
		assert_int_equal(audit_append_alone(f->sf.s, &key, &e), 0);
	}
	audit_key_wipe(&key);
	json_t *o = view(f, "velsen", "777", true, 0);
	json_t *h = json_object_get(o, "history");
	assert_int_equal(json_array_size(h), REPORT_HISTORY_MAX + 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(h, 0), "action")),
	                    "received");
	assert_int_equal(json_integer_value(json_object_get(o, "history_more")), 3);
	json_decref(o);
}

static void report_view_not_found(void **state)
{
	struct fx *f = *state;
	add_sealed_report(f, 777);
	/* another organisation's report is not found, as one that is not */
	view(f, "utrecht", "777", true, REPORTVIEW_NOT_FOUND);
	view(f, "velsen", "778", true, REPORTVIEW_NOT_FOUND);
	const char *bad[] = {"0", "-777", "777 ", "0x309", "", "99999999999999999999", "7.77"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		view(f, "velsen", bad[i], true, REPORTVIEW_NOT_FOUND);
}

/* Fields sealed under another id do not open: an error, never shown. */
static void report_view_damaged(void **state)
{
	struct fx *f = *state;
	add_sealed_report(f, 778);
	view(f, "velsen", "777", true, -EIO);
	json_decref(view(f, "velsen", "777", false, 0));
}

/* A stored suggestion that is not JSON (or not a list) is no suggestion:
 * the report is still shown, and the log says so. */
static void report_view_bad_suggestion(void **state)
{
	struct fx *f = *state;
	add_report_with(f, 777, "[{\"form\":\"labour\",");
	json_t *o = view(f, "velsen", "777", true, 0);
	assert_true(json_is_array(json_object_get(o, "suggestion")));
	assert_int_equal(json_array_size(json_object_get(o, "suggestion")), 0);
	assert_int_equal(json_array_size(json_object_get(o, "signals")), 2);
	json_decref(o);
}

static void report_view_suggestion_not_a_list(void **state)
{
	struct fx *f = *state;
	add_report_with(f, 777, "{\"form\":\"labour\"}");
	json_t *o = view(f, "velsen", "777", false, 0);
	assert_true(json_is_array(json_object_get(o, "suggestion")));
	assert_int_equal(json_array_size(json_object_get(o, "suggestion")), 0);
	json_decref(o);
}

static int count_row(void *ctx, const struct store_audit_row *row)
{
	(void)row;
	++*(int *)ctx;
	return 0;
}

/* The report with its forms, signals, messages and history in one call
 * (one round trip); another organisation's report is not found and
 * leaves no messages behind. */
static void report_read_with_extras(void **state)
{
	struct fx *f = *state;
	add_sealed_report(f, 777);
	int rows = 0;
	struct store_report_extra x = {.messages = true,
	                               .history_object = "report:777",
	                               .history_limit = 5,
	                               .history_row = count_row,
	                               .history_ctx = &rows};
	struct store_report_full r = {0};
	assert_int_equal(store_report_read(f->sf.s, "velsen", 777, &r, &x), 0);
	assert_int_equal(r.row.r.id, 777);
	assert_int_equal(r.row.r.nforms, 1);
	assert_int_equal(r.nsignals, 2);
	assert_non_null(r.sealed);
	assert_int_equal(x.nmsgs, 1);
	assert_string_equal(x.msgs[0].author, "reporter");
	assert_int_equal(x.history_total, 0);
	assert_int_equal(rows, 0);
	store_messages_free(x.msgs, x.nmsgs);
	store_report_full_free(&r);

	x.msgs = (struct store_message *)&x; /* reset by the call */
	assert_int_equal(store_report_read(f->sf.s, "utrecht", 777, &r, &x), STORE_NOT_FOUND);
	assert_null(x.msgs);
	assert_int_equal(x.nmsgs, 0);
	assert_null(r.sealed);
	/* without extras: as store_report_get */
	struct store_report_extra none = {0};
	assert_int_equal(store_report_read(f->sf.s, "velsen", 777, &r, &none), 0);
	assert_null(none.msgs);
	assert_int_equal(r.nsignals, 2);
	store_report_full_free(&r);
}

#ifdef SIGNAAL_HAVE_PG
/* A column of pg_prepared_statements for statement id on the connection
 * the store used last (its pool hands out the last one released). */
static long long plans(struct store *s, const char *column, enum stmt_id id)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT %s FROM pg_prepared_statements WHERE name = 's%u'",
	         column, (unsigned)id);
	long long v = -1;
	assert_int_equal(store_pg_raw_int(s, sql, &v), 0);
	return v;
}
#endif

/* On PostgreSQL the inbox page runs with its generic plan from the first
 * page on (stmt_pg_generic), where auto mode planned every page anew;
 * a statement read after it is planned as before (custom plans first). */
static void inbox_generic_plan_on_pg(void **state)
{
	struct fx *f = *state;
#ifdef SIGNAAL_HAVE_PG
	struct store *s = f->sf.s;
	for (int i = 0; i < 7; i++) {
		json_decref(list(f, "velsen", (struct inbox_query){.limit = "5"}));
		struct store_report_full r = {0};
		assert_int_equal(store_report_get(s, "velsen", 1, &r), STORE_NOT_FOUND);
		store_report_full_free(&r);
	}
	json_decref(list(f, "velsen", (struct inbox_query){.limit = "5"}));
	assert_int_equal(plans(s, "custom_plans", STMT_INBOX_PAGE), 0);
	assert_true(plans(s, "generic_plans", STMT_INBOX_PAGE) >= 8);
	assert_true(plans(s, "custom_plans", STMT_REPORT_GET) >= 5);
#else
	(void)f;
#endif
}

int main(void)
{
	store_fixture_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(triage_due_dates),
	    cmocka_unit_test(overdue_cutoffs),
	    cmocka_unit_test_setup_teardown(pages_cover_every_report_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(filters, setup, teardown),
	    cmocka_unit_test_setup_teardown(rows_as_the_contract, setup, teardown),
	    cmocka_unit_test_setup_teardown(suggested_forms_listed, setup, teardown),
	    cmocka_unit_test_setup_teardown(suggested_forms_per_report, setup, teardown),
	    cmocka_unit_test_setup_teardown(same_day_newest_first, setup, teardown),
	    cmocka_unit_test_setup_teardown(refused_queries, setup, teardown),
	    cmocka_unit_test_setup_teardown(report_view_whole, setup, teardown),
	    cmocka_unit_test_setup_teardown(report_view_long_history, setup, teardown),
	    cmocka_unit_test_setup_teardown(report_view_not_found, setup, teardown),
	    cmocka_unit_test_setup_teardown(report_view_damaged, setup, teardown),
	    cmocka_unit_test_setup_teardown(report_view_bad_suggestion, setup, teardown),
	    cmocka_unit_test_setup_teardown(report_view_suggestion_not_a_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(report_read_with_extras, setup, teardown),
	    /* last: PostgreSQL only */
	    cmocka_unit_test_setup_teardown(inbox_generic_plan_on_pg, setup, teardown),
	};
	size_t n = sizeof tests / sizeof tests[0] - (store_fixture_pg_url ? 0 : 1);
	return _cmocka_run_group_tests(store_fixture_pg_url ? "inbox-pg" : "inbox", tests, n, NULL,
	                               NULL);
}
