/* Fuzzes the CSV reader (render/csv.c) and the import rules
 * (domain/import.c) the way `signaal import reports` drives them: the
 * input is a whole file; its first record is the header, every later one
 * a row. Besides memory safety it checks what callers rely on:
 *  - a record's fields are NUL-terminated, hold no NUL and are UTF-8;
 *  - an error has a position inside the input and a 1-based field;
 *  - what the writer writes, the reader reads back (after undoing the
 *    formula escape; characters that reverse or hide text come back as
 *    U+FFFD), for every field of every record;
 *  - every kept import row has values inside the closed lists. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/import.h"
#include "domain/report.h"
#include "render/csv.h"
#include "util/buf.h"
#include "util/csv_read.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const districts[] = {"IJmuiden", "Velsen-Noord", "Driehuis"};

static size_t list_len(const char *const *l)
{
	size_t n = 0;
	while (l[n])
		n++;
	return n;
}

/* s (valid UTF-8) as the writer shows it: each character that can reverse
 * or hide text as U+FFFD (all of them are 3 bytes, as U+FFFD is). Caller
 * frees. */
static char *shown(const char *s, size_t n)
{
	char *t = malloc(n + 1);
	if (!t)
		abort();
	memcpy(t, s, n);
	t[n] = '\0';
	uint32_t cp;
	for (size_t i = 0; i < n;) {
		int len = str_utf8_next(s + i, n - i, &cp);
		if (len <= 0)
			abort();
		if (str_cp_hidden_format(cp))
			memcpy(t + i, "\xEF\xBF\xBD", 3);
		i += (size_t)len;
	}
	return t;
}

/* Writes "h,h\r\n" and the field, reads both back, compares. */
static void round_trip(const char *s, size_t n)
{
	char *want = shown(s, n);
	struct buf b = BUF_INIT;
	if (buf_puts(&b, "h,h\r\n") || csv_append_field(&b, s, n, ',') || buf_puts(&b, "\r\n"))
		abort();
	struct csv_reader *r;
	if (csv_reader_mem(b.data, b.len, &r))
		abort();
	struct csv_record rec;
	if (csv_read(r, &rec) != 0)
		abort();
	int rc = csv_read(r, &rec);
	if (rc == CSV_LINE_TOO_LONG || rc == CSV_FIELD_TOO_LONG || rc == CSV_RECORD_TOO_LONG) {
		/* the escape made it longer than the bounds */
	} else if (rc != 0 || rec.nfields != 1 ||
	           strcmp(csv_unescape_formula(rec.fields[0]), want) != 0) {
		abort();
	}
	csv_reader_free(r);
	buf_free(&b);
	free(want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_reader *r;
	if (csv_reader_mem((const char *)data, size, &r))
		return 0;
	struct import im;
	import_init(&im, districts, 3, "2024-06-30");
	struct csv_record rec;
	bool header = true;
	int rc;
	const char *fields[CSV_MAX_FIELDS];
	size_t lens[CSV_MAX_FIELDS];
	while ((rc = csv_read(r, &rec)) == 0) {
		if (rec.nfields < 1 || rec.nfields > CSV_MAX_FIELDS || rec.line < 1)
			abort();
		for (size_t i = 0; i < rec.nfields; i++) {
			if (strlen(rec.fields[i]) != rec.lens[i] ||
			    !str_utf8_valid(rec.fields[i], rec.lens[i]) ||
			    rec.lens[i] > CSV_MAX_FIELD_BYTES)
				abort();
			round_trip(rec.fields[i], rec.lens[i]);
			fields[i] = csv_unescape_formula(rec.fields[i]);
			lens[i] = rec.lens[i] - (size_t)(fields[i] - rec.fields[i]);
		}
		if (header) {
			header = false;
			if (import_header(&im, rec.line, rec.fields, rec.nfields) != 0)
				break;
		} else if (import_row(&im, rec.line, fields, lens, rec.nfields) != 0) {
			break;
		}
	}
	if (rc > 0 && rc != CSV_END) {
		const struct csv_error *e = csv_reader_error(r);
		if (e->code != rc || e->line < 1 || e->col < 1 || e->field < 1 ||
		    e->line > size + 1 || e->value_len > CSV_MAX_FIELD_BYTES + 1)
			abort();
		char shown[IMPORT_MAX_SHOWN_VALUE + 16];
		import_quote(e->value, e->value_len, shown, sizeof shown);
	}
	if (import_finish(&im) == 0) {
		for (size_t i = 0; i < im.nrows; i++) {
			const struct import_row *row = &im.rows[i];
			if (row->channel < 0 || (size_t)row->channel >= list_len(report_channels) ||
			    row->outcome < 0 || (size_t)row->outcome >= list_len(report_outcomes) ||
			    row->nforms < 1 || row->nforms > REPORT_MAX_FORMS ||
			    row->district >= 3 ||
			    !import_date_valid(row->received_on, strlen(row->received_on)) ||
			    !row->reference[0])
				abort();
		}
	}
	import_free(&im);
	csv_reader_free(r);
	return 0;
}
