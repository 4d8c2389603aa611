/* Import of the CSV of reports: the header rules, every value rule of the
 * contract, repeats within the file, the order and bound of errors, and
 * how values are shown in messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/import.h"
#include "domain/report.h"

static const char *const districts[] = {"IJmuiden", "Velsen-Noord", "Velserbroek", "Driehuis"};

static const char *const header[] = {"reference", "received_on", "channel", "reporter_role",
                                     "anonymous", "kind",        "forms",   "district",
                                     "concrete",  "status",      "outcome"};

static const char *const good[] = {
    "V-2023-001", "2023-03-14", "phone",         "professional",         "no", "report", "labour",
    "IJmuiden",   "yes",        "investigating", "investigation_started"};

static void start(struct import *im)
{
	import_init(im, districts, 4, "2024-06-30");
	assert_int_equal(import_header(im, 1, header, 11), 0);
}

static int row(struct import *im, unsigned long line, const char *const *f, size_t n)
{
	size_t lens[16];
	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(f[i]);
	return import_row(im, line, f, lens, n);
}

/* A good row with column col replaced by value. */
static int row_with(struct import *im, unsigned long line, int col, const char *value)
{
	const char *f[11];
	memcpy(f, good, sizeof f);
	f[col] = value;
	return row(im, line, f, 11);
}

/* Checks that setting column col to value gives exactly one error whose
 * problem starts with want, and that the value is shown as shown. */
static void rejects(int col, const char *value, const char *shown, const char *want)
{
	struct import im;
	start(&im);
	assert_int_equal(row_with(&im, 7, col, value), 0);
	assert_int_equal(import_finish(&im), IMPORT_INVALID);
	assert_int_equal(im.nerrors, 1);
	assert_int_equal(im.nrows, 0);
	const struct import_error *e = &im.errors[0];
	assert_int_equal(e->line, 7);
	assert_string_equal(e->column, import_columns[col]);
	assert_true(e->has_value);
	assert_string_equal(e->value, shown ? shown : value);
	if (strncmp(e->problem, want, strlen(want)) != 0)
		fail_msg("problem \"%s\" does not start with \"%s\"", e->problem, want);
	import_free(&im);
}

/* The optional columns of issue 8: a file without them stays valid (every
 * other test), with them the row carries the details. */
static const char *const header16[] = {"reference", "received_on", "channel",  "reporter_role",
                                       "anonymous", "kind",        "forms",    "district",
                                       "concrete",  "status",      "outcome",  "reporter_state",
                                       "sector",    "frequency",   "involved", "people"};

static int row16(struct import *im, const char *state, const char *sector, const char *freq,
                 const char *involved, const char *people)
{
	const char *f[16];
	memcpy(f, good, sizeof good);
	f[11] = state;
	f[12] = sector;
	f[13] = freq;
	f[14] = involved;
	f[15] = people;
	return row(im, 3, f, 16);
}

static void optional_columns(void **state)
{
	(void)state;
	struct import im;
	import_init(&im, districts, 4, "2024-06-30");
	assert_int_equal(import_header(&im, 1, header16, 16), 0);
	assert_int_equal(row16(&im, "confidential", "harbour", "often", "police; school",
	                       "victim:yes;exploiter"),
	                 0);
	assert_int_equal(import_finish(&im), 0);
	assert_int_equal(im.nrows, 1);
	char *d = NULL;
	assert_int_equal(import_row_details(&im.rows[0], &d), 0);
	assert_non_null(d);
	assert_string_equal(d, "{\"frequency\":\"often\",\"involved\":[\"police\",\"school\"],"
	                       "\"people\":[{\"minor\":\"yes\",\"role\":\"victim\"},{\"role\":"
	                       "\"exploiter\"}],\"reporter_state\":\"confidential\",\"sector\":"
	                       "\"harbour\"}");
	free(d);
	import_free(&im);

	/* Empty cells: no details. */
	import_init(&im, districts, 4, "2024-06-30");
	assert_int_equal(import_header(&im, 1, header16, 16), 0);
	assert_int_equal(row16(&im, "", "", "", "", ""), 0);
	assert_int_equal(import_finish(&im), 0);
	assert_int_equal(import_row_details(&im.rows[0], &d), 0);
	assert_null(d);
	import_free(&im);

	static const struct {
		const char *cells[5];
		const char *column, *want;
	} bad[] = {
	    {{"secret", "", "", "", ""}, "reporter_state", "is not one of"},
	    {{"anonymous", "", "", "", ""}, "reporter_state", "does not agree"},
	    {{"", "boat", "", "", ""}, "sector", "is not one of"},
	    {{"", "", "daily", "", ""}, "frequency", "is not one of"},
	    {{"", "", "", "police;police", ""}, "involved", "appears twice"},
	    {{"", "", "", "army", ""}, "involved", "is not one of"},
	    {{"", "", "", "", "boss"}, "people", "has a role"},
	    {{"", "", "", "", "victim:maybe"}, "people", "has a minor"},
	    {{"", "", "", "", "victim;;other"}, "people", "has an empty item"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		import_init(&im, districts, 4, "2024-06-30");
		assert_int_equal(import_header(&im, 1, header16, 16), 0);
		assert_int_equal(row16(&im, bad[i].cells[0], bad[i].cells[1], bad[i].cells[2],
		                       bad[i].cells[3], bad[i].cells[4]),
		                 0);
		assert_int_equal(import_finish(&im), IMPORT_INVALID);
		assert_int_equal(im.nerrors, 1);
		assert_string_equal(im.errors[0].column, bad[i].column);
		if (strncmp(im.errors[0].problem, bad[i].want, strlen(bad[i].want)) != 0)
			fail_msg("%zu: \"%s\"", i, im.errors[0].problem);
		import_free(&im);
	}
	/* No people for advice. */
	import_init(&im, districts, 4, "2024-06-30");
	assert_int_equal(import_header(&im, 1, header16, 16), 0);
	const char *f[16];
	memcpy(f, good, sizeof good);
	f[5] = "advice";
	f[11] = f[12] = f[13] = f[14] = "";
	f[15] = "victim";
	assert_int_equal(row(&im, 3, f, 16), 0);
	assert_int_equal(import_finish(&im), IMPORT_INVALID);
	assert_string_equal(im.errors[0].column, "people");
	import_free(&im);
}

static void accepts(int col, const char *value)
{
	struct import im;
	start(&im);
	assert_int_equal(row_with(&im, 2, col, value), 0);
	if (import_finish(&im) != 0)
		fail_msg("%s=\"%s\": %s", import_columns[col], value, im.errors[0].problem);
	assert_int_equal(im.nrows, 1);
	import_free(&im);
}

static void good_row_is_typed(void **state)
{
	(void)state;
	struct import im;
	start(&im);
	assert_int_equal(row(&im, 2, good, 11), 0);
	const char *second[] = {"V-2023-002", "2023-12-31",      "web", "bystander", "yes",
	                        "advice",     "sexual;criminal", "",    "pending",   "closed",
	                        "none"};
	assert_int_equal(row(&im, 3, second, 11), 0);
	assert_int_equal(import_finish(&im), 0);
	assert_int_equal(im.nrows, 2);
	const struct import_row *r = &im.rows[0];
	assert_int_equal(r->line, 2);
	assert_string_equal(r->reference, "V-2023-001");
	assert_string_equal(r->received_on, "2023-03-14");
	assert_string_equal(report_channels[r->channel], "phone");
	assert_string_equal(report_roles[r->reporter_role], "professional");
	assert_false(r->anonymous);
	assert_string_equal(report_kinds[r->kind], "report");
	assert_int_equal(r->nforms, 1);
	assert_string_equal(report_forms[r->forms[0]], "labour");
	assert_int_equal(r->district, 0);
	assert_string_equal(report_concretes[r->concrete], "yes");
	assert_string_equal(report_statuses[r->status], "investigating");
	assert_string_equal(report_outcomes[r->outcome], "investigation_started");
	r = &im.rows[1];
	assert_true(r->anonymous);
	assert_int_equal(r->nforms, 2);
	assert_string_equal(report_forms[r->forms[0]], "sexual");
	assert_string_equal(report_forms[r->forms[1]], "criminal");
	assert_int_equal(r->district, -1);
	import_free(&im);
}

static void header_any_order(void **state)
{
	(void)state;
	const char *h[11], *f[11];
	for (size_t i = 0; i < 11; i++) {
		h[i] = header[10 - i];
		f[i] = good[10 - i];
	}
	struct import im;
	import_init(&im, districts, 4, "2024-06-30");
	assert_int_equal(import_header(&im, 1, h, 11), 0);
	assert_int_equal(row(&im, 2, f, 11), 0);
	assert_int_equal(import_finish(&im), 0);
	assert_string_equal(im.rows[0].reference, "V-2023-001");
	assert_int_equal(im.rows[0].district, 0);
	import_free(&im);
}

static void header_errors(void **state)
{
	(void)state;
	struct import im;
	/* unknown column */
	const char *h[12];
	memcpy(h, header, sizeof header);
	h[11] = "notes";
	import_init(&im, districts, 4, "2024-06-30");
	assert_int_equal(import_header(&im, 1, h, 12), IMPORT_INVALID);
	assert_int_equal(im.nerrors, 1);
	assert_string_equal(im.errors[0].column, "12");
	assert_string_equal(im.errors[0].value, "notes");
	assert_non_null(strstr(im.errors[0].problem, "is not a column"));
	assert_non_null(strstr(im.errors[0].problem, "received_on"));
	assert_int_equal(row(&im, 2, good, 11), IMPORT_INVALID); /* rows cannot be read */
	assert_int_equal(import_finish(&im), IMPORT_INVALID);
	import_free(&im);
	/* missing column: every one of them is required */
	for (size_t miss = 0; miss < 11; miss++) {
		const char *m[10];
		for (size_t i = 0, k = 0; i < 11; i++)
			if (i != miss)
				m[k++] = header[i];
		import_init(&im, districts, 4, "2024-06-30");
		assert_int_equal(import_header(&im, 1, m, 10), IMPORT_INVALID);
		assert_int_equal(im.nerrors, 1);
		assert_string_equal(im.errors[0].column, header[miss]);
		assert_false(im.errors[0].has_value);
		assert_non_null(strstr(im.errors[0].problem, "missing"));
		import_free(&im);
	}
	/* twice: reported at the second, and then nothing is missing */
	memcpy(h, header, sizeof header);
	h[11] = "channel";
	import_init(&im, districts, 4, "2024-06-30");
	assert_int_equal(import_header(&im, 1, h, 12), IMPORT_INVALID);
	assert_int_equal(im.nerrors, 1);
	assert_string_equal(im.errors[0].column, "12");
	assert_string_equal(im.errors[0].problem, "appears twice in the header (also column 3)");
	import_free(&im);
	/* names are exact */
	memcpy(h, header, sizeof header);
	h[0] = "Reference";
	import_init(&im, districts, 4, "2024-06-30");
	assert_int_equal(import_header(&im, 1, h, 11), IMPORT_INVALID);
	assert_int_equal(im.nerrors, 2); /* unknown "Reference", missing reference */
	import_free(&im);
}

static void reference_rules(void **state)
{
	(void)state;
	rejects(IMPORT_REFERENCE, "", NULL, "is empty");
	rejects(IMPORT_REFERENCE, "a\tb", "ab", "holds a control character");
	rejects(IMPORT_REFERENCE, "a\nb", "ab", "holds a control character");
	rejects(IMPORT_REFERENCE, " R1", NULL, "starts or ends with a space");
	char long_ref[80];
	memset(long_ref, 'x', 65);
	long_ref[65] = '\0';
	rejects(IMPORT_REFERENCE, long_ref, NULL, "is longer than 64 characters");
	long_ref[64] = '\0';
	accepts(IMPORT_REFERENCE, long_ref);
	accepts(IMPORT_REFERENCE, "=cmd");
	accepts(IMPORT_REFERENCE, "Velsen 2023/17 (café)");
	/* Issue 6: what shows a reference reversed or hides a part of it is
	 * refused, and so is the mark of bytes that could not be read. */
	rejects(IMPORT_REFERENCE, "V-1\xE2\x80\xAEx4202", "V-1\\u202Ex4202",
	        "holds an invisible formatting character");
	rejects(IMPORT_REFERENCE, "\xE2\x81\xA7V-1", "\\u2067V-1",
	        "holds an invisible formatting character");
	rejects(IMPORT_REFERENCE, "V\xEF\xBB\xBF-1", "V\\uFEFF-1",
	        "holds an invisible formatting character");
	rejects(IMPORT_REFERENCE, "V-\xEF\xBF\xBD", NULL, "holds U+FFFD");
	rejects(IMPORT_REFERENCE, "V-\xC2\x85z", NULL, "holds a control character");
}

static void date_rules(void **state)
{
	(void)state;
	rejects(IMPORT_RECEIVED_ON, "2023-02-30", NULL, "is not a date (YYYY-MM-DD)");
	rejects(IMPORT_RECEIVED_ON, "2023-02-29", NULL, "is not a date");
	rejects(IMPORT_RECEIVED_ON, "2100-02-29", NULL, "is not a date");
	rejects(IMPORT_RECEIVED_ON, "2023-13-01", NULL, "is not a date");
	rejects(IMPORT_RECEIVED_ON, "2023-00-10", NULL, "is not a date");
	rejects(IMPORT_RECEIVED_ON, "2023-04-31", NULL, "is not a date");
	rejects(IMPORT_RECEIVED_ON, "2023-4-1", NULL, "is not a date");
	rejects(IMPORT_RECEIVED_ON, "14-03-2023", NULL, "is not a date (YYYY-MM-DD; a spreadsheet");
	rejects(IMPORT_RECEIVED_ON, "14-3-2023", NULL, "is not a date (YYYY-MM-DD; a spreadsheet");
	rejects(IMPORT_RECEIVED_ON, "1/2/2023", NULL, "is not a date (YYYY-MM-DD; a spreadsheet");
	rejects(IMPORT_RECEIVED_ON, "2023-02-30", NULL, "is not a date (YYYY-MM-DD)");
	rejects(IMPORT_RECEIVED_ON, "114-3-2023", NULL, "is not a date (YYYY-MM-DD)");
	rejects(IMPORT_RECEIVED_ON, "14-3-20231", NULL, "is not a date (YYYY-MM-DD)");
	rejects(IMPORT_RECEIVED_ON, "14-3", NULL, "is not a date (YYYY-MM-DD)");
	rejects(IMPORT_RECEIVED_ON, "2023-03-14T10:00", NULL, "is not a date");
	rejects(IMPORT_RECEIVED_ON, "", NULL, "is not a date");
	rejects(IMPORT_RECEIVED_ON, "1999-12-31", NULL, "is before 2000");
	rejects(IMPORT_RECEIVED_ON, "2024-07-01", NULL, "is in the future");
	accepts(IMPORT_RECEIVED_ON, "2024-06-30");
	accepts(IMPORT_RECEIVED_ON, "2024-02-29");
	accepts(IMPORT_RECEIVED_ON, "2000-02-29");
	accepts(IMPORT_RECEIVED_ON, "2000-01-01");
	assert_false(import_date_valid("1900-02-29", 10));
	assert_true(import_date_valid("1600-02-29", 10));
	assert_false(import_date_valid("2023-12-32", 10));
}

static void enum_rules(void **state)
{
	(void)state;
	static const struct {
		int col;
		const char *const *list;
	} lists[] = {
	    {IMPORT_CHANNEL, report_channels}, {IMPORT_REPORTER_ROLE, report_roles},
	    {IMPORT_KIND, report_kinds},       {IMPORT_CONCRETE, report_concretes},
	    {IMPORT_STATUS, report_statuses},  {IMPORT_OUTCOME, report_outcomes},
	};
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		for (size_t k = 0; lists[i].list[k]; k++)
			accepts(lists[i].col, lists[i].list[k]);
		rejects(lists[i].col, "bogus", NULL, "is not one of ");
		rejects(lists[i].col, "", NULL, "is not one of ");
		char upper[64];
		snprintf(upper, sizeof upper, "%s ", lists[i].list[0]);
		rejects(lists[i].col, upper, NULL, "is not one of ");
	}
	accepts(IMPORT_ANONYMOUS, "yes");
	accepts(IMPORT_ANONYMOUS, "no");
	rejects(IMPORT_ANONYMOUS, "ja", NULL, "is not one of yes, no");
	rejects(IMPORT_ANONYMOUS, "true", NULL, "is not one of yes, no");
	rejects(IMPORT_CHANNEL, "fax", NULL,
	        "is not one of web, phone, email, in_person, internal, partner");
}

static void forms_rules(void **state)
{
	(void)state;
	accepts(IMPORT_FORMS, "sexual;labour;criminal;organ_removal;unknown");
	accepts(IMPORT_FORMS, "sexual; labour");
	rejects(IMPORT_FORMS, "sexual;trafficking", "trafficking", "is not one of sexual, labour");
	rejects(IMPORT_FORMS, "sexual,labour", NULL, "is not one of");
	rejects(IMPORT_FORMS, "labour;labour", "labour", "appears twice");
	rejects(IMPORT_FORMS, "labour;;sexual", "", "has an empty item");
	rejects(IMPORT_FORMS, "labour;", "", "has an empty item");
	/* an empty cell means unknown */
	struct import im;
	start(&im);
	assert_int_equal(row_with(&im, 2, IMPORT_FORMS, ""), 0);
	assert_int_equal(import_finish(&im), 0);
	assert_int_equal(im.rows[0].nforms, 1);
	assert_string_equal(report_forms[im.rows[0].forms[0]], "unknown");
	import_free(&im);
}

static void district_rules(void **state)
{
	(void)state;
	accepts(IMPORT_DISTRICT, "");
	accepts(IMPORT_DISTRICT, "Driehuis");
	rejects(IMPORT_DISTRICT, "Haarlem", NULL,
	        "is not a district of the organisation: IJmuiden, Velsen-Noord");
	rejects(IMPORT_DISTRICT, "ijmuiden", NULL, "is not a district");
	struct import im;
	import_init(&im, NULL, 0, "2024-06-30");
	assert_int_equal(import_header(&im, 1, header, 11), 0);
	assert_int_equal(row_with(&im, 2, IMPORT_DISTRICT, "IJmuiden"), 0);
	assert_int_equal(import_finish(&im), IMPORT_INVALID);
	assert_non_null(strstr(im.errors[0].problem, "it has none"));
	import_free(&im);
}

static void rows_as_a_whole(void **state)
{
	(void)state;
	struct import im;
	start(&im);
	/* a field short */
	assert_int_equal(row(&im, 2, good, 10), 0);
	/* an empty row (a spreadsheet's ";;;;;;;;;;") is skipped */
	const char *empty[11] = {"", "", "", "", "", "", "", "", "", "", ""};
	assert_int_equal(row(&im, 3, empty, 11), 0);
	assert_int_equal(row(&im, 4, empty, 1), 0);
	assert_int_equal(import_finish(&im), IMPORT_INVALID);
	assert_int_equal(im.nerrors, 1);
	assert_int_equal(im.errors[0].line, 2);
	assert_string_equal(im.errors[0].column, "");
	assert_false(im.errors[0].has_value);
	assert_string_equal(im.errors[0].problem, "has 10 fields, the header has 11");
	assert_int_equal(im.nseen, 1);
	import_free(&im);
	/* one row may have several errors, each named */
	start(&im);
	const char *bad[11] = {"R",      "2023-02-30", "fax", "victim", "maybe", "report",
	                       "labour", "Haarlem",    "yes", "closed", "none"};
	assert_int_equal(row(&im, 5, bad, 11), 0);
	assert_int_equal(import_finish(&im), IMPORT_INVALID);
	assert_int_equal(im.nerrors, 4);
	assert_string_equal(im.errors[0].column, "received_on");
	assert_string_equal(im.errors[1].column, "channel");
	assert_string_equal(im.errors[2].column, "anonymous");
	assert_string_equal(im.errors[3].column, "district");
	import_free(&im);
}

static void repeated_references(void **state)
{
	(void)state;
	struct import im;
	start(&im);
	const char *f[11];
	memcpy(f, good, sizeof f);
	assert_int_equal(row(&im, 2, f, 11), 0);
	f[0] = "V-2";
	assert_int_equal(row(&im, 3, f, 11), 0);
	f[0] = "V-2023-001";
	f[1] = "2023-02-30"; /* a bad row still holds its reference */
	assert_int_equal(row(&im, 4, f, 11), 0);
	f[1] = good[1];
	f[0] = "V-2";
	assert_int_equal(row(&im, 9, f, 11), 0);
	assert_int_equal(import_finish(&im), IMPORT_INVALID);
	assert_int_equal(im.nerrors, 3);
	assert_int_equal(im.errors[0].line, 4);
	assert_string_equal(im.errors[0].column, "received_on");
	assert_int_equal(im.errors[1].line, 4);
	assert_string_equal(im.errors[1].column, "reference");
	assert_string_equal(im.errors[1].value, "V-2023-001");
	assert_string_equal(im.errors[1].problem, "appears again (first on line 2)");
	assert_int_equal(im.errors[2].line, 9);
	assert_string_equal(im.errors[2].problem, "appears again (first on line 3)");
	import_free(&im);
}

static void errors_are_bounded_and_sorted(void **state)
{
	(void)state;
	struct import im;
	start(&im);
	for (unsigned long line = 100; line > 50; line--) {
		const char *f[11];
		char ref[16];
		memcpy(f, good, sizeof f);
		snprintf(ref, sizeof ref, "R%lu", line);
		f[IMPORT_REFERENCE] = ref;
		f[IMPORT_CHANNEL] = "fax";
		assert_int_equal(row(&im, line, f, 11), 0);
	}
	assert_int_equal(import_finish(&im), IMPORT_INVALID);
	assert_int_equal(im.nerrors, 50);
	/* the first IMPORT_MAX_ERRORS found, in line order */
	for (size_t i = 0; i < IMPORT_MAX_ERRORS; i++)
		assert_int_equal(im.errors[i].line, 81 + i);
	import_free(&im);
	/* an error added by the caller (a conflict in the database) */
	start(&im);
	import_add_error(&im, 3, 0, "reference", "R-1", 3, "exists already for velsen");
	assert_int_equal(import_finish(&im), IMPORT_INVALID);
	assert_string_equal(im.errors[0].value, "R-1");
	import_free(&im);
	import_free(NULL);
}

static void values_quoted_for_messages(void **state)
{
	(void)state;
	char out[IMPORT_MAX_SHOWN_VALUE + 16];
	assert_string_equal(import_quote("2023-02-30", 10, out, sizeof out), "2023-02-30");
	assert_string_equal(import_quote("a\"b\\c", 5, out, sizeof out), "a\\\"b\\\\c");
	assert_string_equal(import_quote("a\r\n\x1b[31mb\x7f", 10, out, sizeof out), "a[31mb");
	assert_string_equal(import_quote("caf\xE9 ok", 7, out, sizeof out), "caf\\xE9 ok");
	assert_string_equal(import_quote("caf\xC3\xA9", 5, out, sizeof out), "caf\xC3\xA9");
	assert_string_equal(import_quote("\xE2\x82", 2, out, sizeof out), "\\xE2\\x82");
	assert_string_equal(import_quote("x\0y", 3, out, sizeof out), "xy");
	char longv[300];
	memset(longv, 'z', sizeof longv);
	import_quote(longv, sizeof longv, out, sizeof out);
	assert_int_equal(strlen(out), IMPORT_MAX_SHOWN_VALUE + 3);
	assert_string_equal(out + IMPORT_MAX_SHOWN_VALUE, "...");
	/* a small buffer is respected */
	char small[8];
	import_quote(longv, sizeof longv, small, sizeof small);
	assert_string_equal(small, "zzzz...");
	/* a NUL inside a field is refused, not cut */
	struct import im;
	start(&im);
	const char *f[11];
	size_t lens[11];
	memcpy(f, good, sizeof f);
	for (size_t i = 0; i < 11; i++)
		lens[i] = strlen(f[i]);
	lens[2] = 7; /* "phone\0?" */
	f[2] = "phone\0x";
	assert_int_equal(import_row(&im, 2, f, lens, 11), 0);
	assert_int_equal(import_finish(&im), IMPORT_INVALID);
	assert_string_equal(im.errors[0].problem, "holds a NUL byte");
	import_free(&im);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_row_is_typed),
	    cmocka_unit_test(optional_columns),
	    cmocka_unit_test(header_any_order),
	    cmocka_unit_test(header_errors),
	    cmocka_unit_test(reference_rules),
	    cmocka_unit_test(date_rules),
	    cmocka_unit_test(enum_rules),
	    cmocka_unit_test(forms_rules),
	    cmocka_unit_test(district_rules),
	    cmocka_unit_test(rows_as_a_whole),
	    cmocka_unit_test(repeated_references),
	    cmocka_unit_test(errors_are_bounded_and_sorted),
	    cmocka_unit_test(values_quoted_for_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
