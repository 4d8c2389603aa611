/* CSV reader and writer: RFC 4180, the Dutch Excel variant (';' and a byte
 * order mark), every syntax error with its position, the bounds of
 * limits.h, formula-injection escaping and the round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "limits.h"
#include "render/csv.h"
#include "util/csv_read.h"

/* Reads all of data; returns the records as "f1|f2\n" lines with "@L "
 * before each (L = the record's line) in out, and the final code. */
static int read_all(const char *data, size_t len, char *out, size_t outsz, char *sep)
{
	struct csv_reader *r = NULL;
	assert_int_equal(csv_reader_mem(data, len, &r), 0);
	size_t o = 0;
	out[0] = '\0';
	struct csv_record rec;
	int rc;
	while ((rc = csv_read(r, &rec)) == 0) {
		o += (size_t)snprintf(out + o, outsz - o, "@%lu ", rec.line);
		for (size_t i = 0; i < rec.nfields; i++) {
			assert_int_equal(strlen(rec.fields[i]), rec.lens[i]);
			o += (size_t)snprintf(out + o, outsz - o, "%s%s", i ? "|" : "",
			                      rec.fields[i]);
		}
		o += (size_t)snprintf(out + o, outsz - o, "\n");
		assert_true(o < outsz);
	}
	if (sep)
		*sep = csv_reader_separator(r);
	csv_reader_free(r);
	return rc;
}

#define READS(input, expected)                                                               \
	do {                                                                                 \
		char out_[4096];                                                             \
		assert_int_equal(read_all(input, sizeof input - 1, out_, sizeof out_, NULL), \
		                 CSV_END);                                                   \
		assert_string_equal(out_, expected);                                         \
	} while (0)

static void reads_rfc4180(void **state)
{
	(void)state;
	READS("a,b,c\r\n1,2,3\r\n", "@1 a|b|c\n@2 1|2|3\n");
	READS("a,b\n1,2", "@1 a|b\n@2 1|2\n"); /* LF, no final line end */
	READS("a,\"b,c\",\"d \"\"e\"\"\"\r\n", "@1 a|b,c|d \"e\"\n");
	READS("a,b\r\n,\r\n\"\",x\r\n", "@1 a|b\n@2 |\n@3 |x\n"); /* empty fields */
	READS("x\n\ny\n", "@1 x\n@2 \n@3 y\n");                   /* an empty line is a record */
	READS("", "");
	READS("\n", "@1 \n");
}

static void quoted_field_spans_lines(void **state)
{
	(void)state;
	/* the record starts on line 2; the next one on line 5 */
	READS("a,b\r\n\"one\r\ntwo\nthree\",x\r\nc,d\r\n",
	      "@1 a|b\n@2 one\r\ntwo\nthree|x\n@5 c|d\n");
	READS("\"a,\"\"b\"\"\nc\"\n", "@1 a,\"b\"\nc\n");
}

static void bom_and_semicolons(void **state)
{
	(void)state;
	char out[512], sep;
	static const char excel[] = "\xEF\xBB\xBFreference;forms;district\r\n"
	                            "R1;\"sexual;labour\";IJmuiden\r\n"
	                            "R2;criminal;\"Velsen, Noord\"\r\n";
	assert_int_equal(read_all(excel, sizeof excel - 1, out, sizeof out, &sep), CSV_END);
	assert_int_equal(sep, ';');
	assert_string_equal(out, "@1 reference|forms|district\n"
	                         "@2 R1|sexual;labour|IJmuiden\n"
	                         "@3 R2|criminal|Velsen, Noord\n");
	/* a comma in the header (outside quotes) keeps ',' */
	static const char mixed[] = "a,b;c\r\n1,2;3\r\n";
	assert_int_equal(read_all(mixed, sizeof mixed - 1, out, sizeof out, &sep), CSV_END);
	assert_int_equal(sep, ',');
	assert_string_equal(out, "@1 a|b;c\n@2 1|2;3\n");
	/* a comma inside quotes does not count */
	static const char quoted[] = "\"a,x\";b\r\n1;2\r\n";
	assert_int_equal(read_all(quoted, sizeof quoted - 1, out, sizeof out, &sep), CSV_END);
	assert_int_equal(sep, ';');
	assert_string_equal(out, "@1 a,x|b\n@2 1|2\n");
	/* a byte order mark alone is an empty file; the BOM is not column 1 */
	READS("\xEF\xBB\xBF", "");
	struct csv_reader *r;
	static const char bad[] = "\xEF\xBB\xBF\"x";
	assert_int_equal(csv_reader_mem(bad, sizeof bad - 1, &r), 0);
	struct csv_record rec;
	assert_int_equal(csv_read(r, &rec), CSV_UNTERMINATED);
	assert_true(csv_reader_had_bom(r));
	assert_int_equal(csv_reader_error(r)->line, 1);
	assert_int_equal(csv_reader_error(r)->col, 1);
	csv_reader_free(r);
}

/* Reads data until an error; checks code, line, column, field and value. */
static void expect_error(const char *data, size_t len, int code, unsigned long line,
                         unsigned long col, size_t field, const char *value, size_t vlen)
{
	struct csv_reader *r;
	assert_int_equal(csv_reader_mem(data, len, &r), 0);
	struct csv_record rec;
	int rc;
	while ((rc = csv_read(r, &rec)) == 0)
		;
	assert_int_equal(rc, code);
	const struct csv_error *e = csv_reader_error(r);
	assert_int_equal(e->code, code);
	assert_int_equal(e->line, line);
	assert_int_equal(e->col, col);
	assert_int_equal(e->field, field);
	if (value) {
		assert_int_equal(e->value_len, vlen);
		assert_memory_equal(e->value, value, vlen);
	}
	assert_int_equal(csv_read(r, &rec), code); /* sticky */
	assert_string_not_equal(csv_strerror(code), "unknown CSV error");
	csv_reader_free(r);
}

#define ERR(s, code, line, col, field) \
	expect_error(s, sizeof s - 1, code, line, col, field, NULL, 0)

static void syntax_errors(void **state)
{
	(void)state;
	ERR("a,b\n1,\"open\n", CSV_UNTERMINATED, 2, 3, 2);
	ERR("a,b\n1,x\"y\n", CSV_STRAY_QUOTE, 2, 4, 2);
	ERR("a,b\n1,\"x\"y\n", CSV_STRAY_QUOTE, 2, 6, 2);
	ERR("a,b\n1,\"x\" \n", CSV_STRAY_QUOTE, 2, 6, 2);
	ERR("a,b\r1,2\n", CSV_BARE_CR, 1, 4, 2);
	ERR("a,b\n1,2\r", CSV_BARE_CR, 2, 4, 2);
	expect_error("a,b\n1,x\0y\n", 10, CSV_NUL, 2, 4, 2, "x\0", 2);
	assert_string_equal(csv_strerror(99), "unknown CSV error");
}

static void utf8_errors(void **state)
{
	(void)state;
	/* Latin-1 "café": the é is column 4 of line 2, in the third field */
	expect_error("a;b;c\r\nx;y;caf\xE9;z\r\n", 19, CSV_BAD_UTF8, 2, 8, 3, "caf\xE9", 4);
	/* the column counts characters: "é€" before the bad byte */
	ERR("h\n\xC3\xA9\xE2\x82\xAC\xFF\n", CSV_BAD_UTF8, 2, 3, 1);
	ERR("h\n\xC0\xAF\n", CSV_BAD_UTF8, 2, 1, 1);         /* overlong */
	ERR("h\n\xE0\x80\xAF\n", CSV_BAD_UTF8, 2, 1, 1);     /* overlong */
	ERR("h\n\xED\xA0\x80\n", CSV_BAD_UTF8, 2, 1, 1);     /* surrogate */
	ERR("h\n\xF4\x90\x80\x80\n", CSV_BAD_UTF8, 2, 1, 1); /* above U+10FFFF */
	ERR("h\nab\x80\n", CSV_BAD_UTF8, 2, 3, 1);           /* lone continuation */
	ERR("h\nab\xE2\x82", CSV_BAD_UTF8, 2, 3, 1);         /* cut at the end */
	ERR("h\n\"a\xE2\x82\"\n", CSV_BAD_UTF8, 2, 3, 1);    /* cut by a quote */
	READS("h\n\xF0\x9F\x98\x80,\xF4\x8F\xBF\xBF\n",
	      "@1 h\n@2 \xF0\x9F\x98\x80|\xF4\x8F\xBF\xBF\n");
}

static void bounds(void **state)
{
	(void)state;
	size_t n = CSV_MAX_FIELDS * 2 + 8;
	char *s = malloc(n);
	/* exactly CSV_MAX_FIELDS fields are fine, one more is not */
	size_t o = 0;
	for (unsigned i = 0; i < CSV_MAX_FIELDS; i++) {
		s[o++] = 'x';
		s[o++] = i + 1 < CSV_MAX_FIELDS ? ',' : '\n';
	}
	struct csv_reader *r;
	struct csv_record rec;
	assert_int_equal(csv_reader_mem(s, o, &r), 0);
	assert_int_equal(csv_read(r, &rec), 0);
	assert_int_equal(rec.nfields, CSV_MAX_FIELDS);
	csv_reader_free(r);
	s[o - 1] = ',';
	s[o++] = 'y';
	expect_error(s, o, CSV_TOO_MANY_FIELDS, 1, 2 * CSV_MAX_FIELDS, CSV_MAX_FIELDS + 1, "", 0);
	free(s);

	/* a field of CSV_MAX_FIELD_BYTES is fine, one byte more is not */
	n = CSV_MAX_RECORD_BYTES * 3;
	s = malloc(n);
	memcpy(s, "h,i\n1,", 6);
	memset(s + 6, 'a', CSV_MAX_FIELD_BYTES);
	s[6 + CSV_MAX_FIELD_BYTES] = '\n';
	assert_int_equal(csv_reader_mem(s, 7 + CSV_MAX_FIELD_BYTES, &r), 0);
	assert_int_equal(csv_read(r, &rec), 0);
	assert_int_equal(csv_read(r, &rec), 0);
	assert_int_equal(rec.lens[1], CSV_MAX_FIELD_BYTES);
	csv_reader_free(r);
	s[6 + CSV_MAX_FIELD_BYTES] = 'a';
	expect_error(s, 7 + CSV_MAX_FIELD_BYTES, CSV_FIELD_TOO_LONG, 2, 3, 2, NULL, 0);

	/* a physical line over CSV_MAX_LINE_BYTES: fields of 4000 bytes */
	o = 0;
	while (o < CSV_MAX_LINE_BYTES + 10) {
		memset(s + o, 'a', 4000);
		o += 4000;
		s[o++] = ',';
	}
	s[o++] = '\n';
	expect_error(s, o, CSV_LINE_TOO_LONG, 1, CSV_MAX_LINE_BYTES + 1,
	             CSV_MAX_LINE_BYTES / 4001 + 1, NULL, 0);

	/* a record over CSV_MAX_RECORD_BYTES: quoted fields over many lines */
	o = 0;
	s[o++] = 'h';
	s[o++] = '\n';
	for (unsigned f = 0; f < 40; f++) {
		s[o++] = '"';
		for (unsigned k = 0; k < CSV_MAX_FIELD_BYTES - 8; k++)
			s[o++] = k % 100 == 99 ? '\n' : 'b';
		s[o++] = '"';
		s[o++] = ',';
	}
	s[o++] = '\n';
	assert_true(o <= n);
	assert_int_equal(csv_reader_mem(s, o, &r), 0);
	assert_int_equal(csv_read(r, &rec), 0);
	assert_int_equal(csv_read(r, &rec), CSV_RECORD_TOO_LONG);
	csv_reader_free(r);
	free(s);
}

static void reads_a_stream(void **state)
{
	(void)state;
	/* many records over the stream's chunk size, with a BOM and ';' */
	struct buf in = BUF_INIT;
	buf_puts(&in, "\xEF\xBB\xBFn;text\r\n");
	for (int i = 0; i < 3000; i++)
		buf_printf(&in, "%d;\"line %d\r\nwith \"\"quotes\"\"; and ;\"\r\n", i, i);
	FILE *f = fmemopen(in.data, in.len, "rb");
	assert_non_null(f);
	struct csv_reader *r;
	assert_int_equal(csv_reader_file(f, &r), 0);
	struct csv_record rec;
	assert_int_equal(csv_read(r, &rec), 0);
	assert_string_equal(rec.fields[0], "n");
	assert_int_equal(csv_reader_separator(r), ';');
	for (int i = 0; i < 3000; i++) {
		assert_int_equal(csv_read(r, &rec), 0);
		assert_int_equal(rec.line, 2 + 2 * (unsigned long)i);
		char want[64];
		snprintf(want, sizeof want, "line %d\r\nwith \"quotes\"; and ;", i);
		assert_string_equal(rec.fields[1], want);
	}
	assert_int_equal(csv_read(r, &rec), CSV_END);
	assert_int_equal(csv_read(r, &rec), CSV_END);
	csv_reader_free(r);
	fclose(f);
	buf_free(&in);
}

static void formula_escaping(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\""},
	    {"+31 6 1234", "\"'+31 6 1234\""},
	    {"-2+3", "\"'-2+3\""},
	    {"@SUM(A1)", "\"'@SUM(A1)\""},
	    {"\tx", "\"'\tx\""},
	    {"\rx", "\"'\rx\""},
	    {"'=x", "\"''=x\""}, /* so that the escape can be undone */
	    {"'plain", "'plain"},
	    {"R-2023-1", "R-2023-1"},
	    {"a=b", "a=b"},
	    {"", ""},
	    {"a,b", "\"a,b\""},
	    {"a\"b", "\"a\"\"b\""},
	    {"\"", "\"\"\"\""},
	    {"a\nb", "\"a\nb\""},
	    {"a;b", "a;b"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b = BUF_INIT;
		assert_int_equal(csv_append_field(&b, cases[i].in, strlen(cases[i].in), ','), 0);
		assert_string_equal(buf_str(&b), cases[i].out);
		buf_free(&b);
	}
	struct buf b = BUF_INIT;
	assert_int_equal(csv_append_field(&b, "a;b", 3, ';'), 0);
	assert_string_equal(buf_str(&b), "\"a;b\"");
	buf_free(&b);

	assert_string_equal(csv_unescape_formula("'=cmd"), "=cmd");
	assert_string_equal(csv_unescape_formula("''=cmd"), "'=cmd");
	assert_string_equal(csv_unescape_formula("'plain"), "'plain");
	assert_string_equal(csv_unescape_formula("=raw"), "=raw");
	assert_string_equal(csv_unescape_formula("'"), "'");
	assert_true(csv_formula_risky("''-", 3));
	assert_false(csv_formula_risky("''", 2));
}

static void writer_rows(void **state)
{
	(void)state;
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	struct csv_writer w;
	csv_writer_init(&w, f, false);
	csv_field(&w, "reference");
	csv_field(&w, "district");
	assert_int_equal(csv_end_row(&w), 0);
	csv_field(&w, "=cmd");
	csv_field(&w, NULL);
	assert_int_equal(csv_end_row(&w), 0);
	assert_int_equal(csv_writer_finish(&w), 0);
	fclose(f);
	assert_string_equal(mem, "reference,district\r\n\"'=cmd\",\r\n");
	free(mem);

	f = open_memstream(&mem, &len);
	csv_writer_init(&w, f, true);
	csv_field(&w, "forms");
	csv_field(&w, "district");
	assert_int_equal(csv_end_row(&w), 0);
	csv_field(&w, "sexual;labour");
	csv_field(&w, "Velsen, Noord");
	assert_int_equal(csv_end_row(&w), 0);
	assert_int_equal(csv_writer_finish(&w), 0);
	fclose(f);
	assert_string_equal(mem, "\xEF\xBB\xBF"
	                         "forms;district\r\n\"sexual;labour\";Velsen, Noord\r\n");
	free(mem);
}

#define LRE    "\xE2\x80\xAA"
#define RLE    "\xE2\x80\xAB"
#define PDF    "\xE2\x80\xAC"
#define LRO    "\xE2\x80\xAD"
#define RLO    "\xE2\x80\xAE" /* right-to-left override */
#define LRI    "\xE2\x81\xA6"
#define RLI    "\xE2\x81\xA7"
#define FSI    "\xE2\x81\xA8"
#define PDI    "\xE2\x81\xA9"
#define BOM    "\xEF\xBB\xBF"
#define FFFD   "\xEF\xBF\xBD"
#define RLM    "\xE2\x80\x8F" /* a mark, not a control */
#define ZWJ    "\xE2\x80\x8D"
#define ARABIC "\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85"

/* Issue 6: an export never hands a spreadsheet a text that shows reversed
 * or hides a part: each right-to-left override and other bidirectional
 * control, each U+FEFF and each byte that is not UTF-8 becomes a visible
 * U+FFFD; everything else is written as it was. */
static void writer_neutralises_hidden_text(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"gnp.exe" RLO, "gnp.exe" FFFD},
	    {"a" LRE "b" RLE "c" PDF "d" LRO "e", "a" FFFD "b" FFFD "c" FFFD "d" FFFD "e"},
	    {LRI "x" RLI "y" FSI "z" PDI, FFFD "x" FFFD "y" FFFD "z" FFFD},
	    {BOM "R-1", FFFD "R-1"},
	    {"R" BOM "-1", "R" FFFD "-1"},
	    {"caf\xE9", "caf" FFFD},         /* not UTF-8 */
	    {"half \xE2\x82", "half " FFFD}, /* cut short */
	    /* hidden in front of a formula: not a formula any more */
	    {RLO "=cmd", FFFD "=cmd"},
	    /* a formula with a hidden part: escaped as one */
	    {"=cmd" RLO, "\"'=cmd" FFFD "\""},
	    /* quoting still applies */
	    {"a," RLO "b", "\"a," FFFD "b\""},
	    /* what stays as it is: Arabic, marks, joiners, emoji */
	    {ARABIC, ARABIC},
	    {"a" RLM "b" ZWJ "c", "a" RLM "b" ZWJ "c"},
	    {"caf\xC3\xA9 \xF0\x9F\x98\x80", "caf\xC3\xA9 \xF0\x9F\x98\x80"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b = BUF_INIT;
		assert_int_equal(csv_append_field(&b, cases[i].in, strlen(cases[i].in), ','), 0);
		assert_string_equal(buf_str(&b), cases[i].out);
		buf_free(&b);
	}
	/* Through the writer, in Excel's flavour: the file's own byte order
	 * mark comes first, the one in a value is neutralised. */
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	struct csv_writer w;
	csv_writer_init(&w, f, true);
	csv_field(&w, "reference");
	assert_int_equal(csv_end_row(&w), 0);
	csv_field(&w, BOM "V-1" RLO "4202");
	assert_int_equal(csv_end_row(&w), 0);
	assert_int_equal(csv_writer_finish(&w), 0);
	fclose(f);
	assert_string_equal(mem, BOM "reference\r\n" FFFD "V-1" FFFD "4202\r\n");
	free(mem);
}

/* What the writer writes, the reader reads back (after undoing the
 * formula escape), with either separator. */
static void round_trip(void **state)
{
	(void)state;
	static const char *const values[] = {
	    "plain",       "",
	    "with,comma",  "with;semicolon",
	    "\"quoted\"",  "multi\r\nline\nend",
	    "=SUM(A1:A2)", "-5",
	    "+31",         "@x",
	    "\tlead tab",  "'=already",
	    "''+",         "'",
	    "IJmuiden",    "café €",
	    "😀",           " spaced ",
	    "x\"",         "\r\n",
	};
	size_t nv = sizeof values / sizeof values[0];
	for (int excel = 0; excel < 2; excel++) {
		char *mem = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&mem, &len);
		struct csv_writer w;
		csv_writer_init(&w, f, excel);
		/* a header without separators inside, then rows of all values */
		for (size_t i = 0; i < 4; i++)
			csv_field(&w, (const char *[]){"a", "b", "c", "d"}[i]);
		csv_end_row(&w);
		for (size_t i = 0; i < nv; i++) {
			for (size_t k = 0; k < 4; k++)
				csv_field(&w, values[(i + k) % nv]);
			assert_int_equal(csv_end_row(&w), 0);
		}
		assert_int_equal(csv_writer_finish(&w), 0);
		fclose(f);
		struct csv_reader *r;
		assert_int_equal(csv_reader_mem(mem, len, &r), 0);
		struct csv_record rec;
		assert_int_equal(csv_read(r, &rec), 0);
		assert_int_equal(csv_reader_separator(r), excel ? ';' : ',');
		assert_int_equal(csv_reader_had_bom(r), excel);
		for (size_t i = 0; i < nv; i++) {
			assert_int_equal(csv_read(r, &rec), 0);
			assert_int_equal(rec.nfields, 4);
			for (size_t k = 0; k < 4; k++)
				assert_string_equal(csv_unescape_formula(rec.fields[k]),
				                    values[(i + k) % nv]);
		}
		assert_int_equal(csv_read(r, &rec), CSV_END);
		csv_reader_free(r);
		free(mem);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reads_rfc4180),
	    cmocka_unit_test(quoted_field_spans_lines),
	    cmocka_unit_test(bom_and_semicolons),
	    cmocka_unit_test(syntax_errors),
	    cmocka_unit_test(utf8_errors),
	    cmocka_unit_test(bounds),
	    cmocka_unit_test(reads_a_stream),
	    cmocka_unit_test(formula_escaping),
	    cmocka_unit_test(writer_rows),
	    cmocka_unit_test(round_trip),
	    cmocka_unit_test(writer_neutralises_hidden_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
