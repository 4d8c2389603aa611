/* Tests of the example reports of `signaal init --demo` (app/demo.c), on
 * SQLite and, under tests/pg/with-pg, PostgreSQL: about 40 reports of the
 * organisation, every text marked VOORBEELD, spread over statuses, forms,
 * districts and dates; a second run adds nothing; a broken demo file is
 * named in the refusal and adds nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>

#include "app/demo.h"
#include "content/content.h"
#include "domain/inbox.h"
#include "domain/reportview.h"
#include "store/store.h"
#include "store_fixture.h"

static const unsigned char master[32] = {7};
static struct content *content;

#define TODAY "2026-03-16"

static int setup(void **state)
{
	struct store_fixture *f = calloc(1, sizeof *f);
	if (!f || store_fixture_open(f))
		return -1;
	*state = f;
	static const char *const d[] = {"IJmuiden", "Driehuis", "Velserbroek"};
	struct store_org o = {.public_min_cell = 5};
	strcpy(o.id, "velsen");
	strcpy(o.name, "Gemeente Velsen");
	strcpy(o.region, "kennemerland");
	return store_org_create(f->s, &o, d, 3) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	store_fixture_close(*state);
	free(*state);
	return 0;
}

static json_t *all_reports(struct store *s)
{
	json_t *out = NULL;
	struct inbox_error err;
	struct inbox_query q = {.limit = "1000"};
	assert_int_equal(inbox_list(s, "velsen", &q, TODAY, &out, &err), 0);
	return out;
}

static void examples_spread_and_marked(void **state)
{
	struct store_fixture *f = *state;
	struct buf err = BUF_INIT;
	size_t added = 0;
	int rc =
	    demo_load(f->s, content, "content", master, "velsen", "cli:test", TODAY, &added, &err);
	if (rc)
		fail_msg("demo_load: %d %s", rc, buf_str(&err));
	assert_true(added >= 30 && added <= 50);
	json_t *list = all_reports(f->s);
	json_t *reports = json_object_get(list, "reports");
	assert_int_equal(json_array_size(reports), added);
	json_t *statuses = json_object(), *forms = json_object(), *districts = json_object(),
	       *kinds = json_object();
	size_t overdue = 0, i;
	json_t *x;
	struct report_reader *rr;
	assert_int_equal(report_reader_new(master, &rr), 0);
	json_array_foreach(reports, i, x)
	{
		json_object_set(statuses, json_string_value(json_object_get(x, "status")),
		                json_true());
		json_object_set(kinds, json_string_value(json_object_get(x, "kind")), json_true());
		json_t *d = json_object_get(x, "district");
		if (json_is_string(d))
			json_object_set(districts, json_string_value(d), json_true());
		size_t k;
		json_t *fm;
		json_array_foreach(json_object_get(x, "forms"), k, fm)
		    json_object_set(forms, json_string_value(fm), json_true());
		overdue += json_is_true(json_object_get(x, "overdue"));
		assert_true(strcmp(json_string_value(json_object_get(x, "received_on")), TODAY) <=
		            0);
		json_t *v = NULL;
		assert_int_equal(report_view(rr, f->s, "velsen",
		                             json_string_value(json_object_get(x, "id")), true,
		                             TODAY, &v),
		                 0);
		/* Its history: received, and a state it was given as a change
		 * by the one who loaded the examples. */
		json_t *h = json_object_get(v, "history");
		bool changed = strcmp(json_string_value(json_object_get(x, "status")), "received");
		assert_int_equal(json_array_size(h), changed ? 2 : 1);
		assert_string_equal(
		    json_string_value(json_object_get(json_array_get(h, 0), "action")), "received");
		if (changed) {
			json_t *c = json_array_get(h, 1);
			assert_string_equal(json_string_value(json_object_get(c, "action")),
			                    "report.change");
			assert_string_equal(json_string_value(json_object_get(c, "actor")),
			                    "cli:test");
		}
		static const char *const texts[] = {"description", "place", "when"};
		for (size_t t = 0; t < 3; t++) {
			const char *s = json_string_value(json_object_get(v, texts[t]));
			if (!s || strncmp(s, DEMO_MARK, strlen(DEMO_MARK)) != 0)
				fail_msg("report %zu: %s not marked", i, texts[t]);
		}
		json_decref(v);
	}
	report_reader_free(rr);
	assert_int_equal(json_object_size(statuses), 5);
	assert_int_equal(json_object_size(kinds), 2);
	assert_true(json_object_size(forms) >= 5); /* the four forms and "unknown" */
	assert_int_equal(json_object_size(districts), 3);
	assert_true(overdue >= 1);
	json_decref(statuses);
	json_decref(forms);
	json_decref(districts);
	json_decref(kinds);
	json_decref(list);

	/* A second run adds nothing. */
	size_t first = added;
	buf_reset(&err);
	assert_int_equal(
	    demo_load(f->s, content, "content", master, "velsen", "cli:test", TODAY, &added, &err),
	    DEMO_HAS_REPORTS);
	assert_int_equal(added, 0);
	list = all_reports(f->s);
	assert_int_equal(json_array_size(json_object_get(list, "reports")), first);
	json_decref(list);
	buf_free(&err);
}

/* A demo file whose story names an unknown signal: refused with the file
 * and the story named, nothing added. */
static void broken_file_refused(void **state)
{
	struct store_fixture *f = *state;
	char dir[128], path[160];
	snprintf(dir, sizeof dir, "%s/content", f->dir);
	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/demo", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/demo/reports.json", dir);
	json_t *root = json_load_file("content/demo/reports.json", 0, NULL);
	assert_non_null(root);
	json_t *st = json_array_get(json_object_get(root, "stories"), 1);
	json_array_append_new(json_object_get(st, "signals"), json_string("sexual.nonsense"));
	assert_int_equal(json_dump_file(root, path, 0), 0);
	json_decref(root);
	struct buf err = BUF_INIT;
	size_t added = 1;
	assert_int_equal(
	    demo_load(f->s, content, dir, master, "velsen", "cli:test", TODAY, &added, &err),
	    DEMO_INVALID);
	assert_int_equal(added, 0);
	assert_non_null(strstr(buf_str(&err), "demo/reports.json: stories[1]: signals"));
	bool any = true;
	assert_int_equal(store_org_reports_any(f->s, "velsen", &any), 0);
	assert_false(any);
	buf_free(&err);
}

int main(void)
{
	store_fixture_init();
	struct buf err = BUF_INIT;
	if (content_load("content", &content, &err)) {
		fprintf(stderr, "%s\n", buf_str(&err));
		return 1;
	}
	buf_free(&err);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(examples_spread_and_marked, setup, teardown),
	    cmocka_unit_test_setup_teardown(broken_file_refused, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	content_free(content);
	return rc;
}
