/* csv_read: reading CSV (RFC 4180) for import.
 *
 * Owns: the CSV syntax as read and the detection of the separator. It
 * knows nothing of the columns of a report (domain/import.c checks
 * values) and nothing of writing (render/csv.h, whose formula escape
 * csv_unescape_formula() undoes after reading).
 *
 * Input is UTF-8 only; a UTF-8 byte order mark at the very start
 * is skipped. Lines end in "\r\n" or "\n"; a bare "\r" outside quotes is an
 * error. Fields may be quoted ("a ""b"" c"), and a quoted field may hold
 * separators and line ends. The separator is read from the first record
 * (the header): ';' when it has semicolons and no commas outside quotes
 * (what Excel with a Dutch locale writes), ',' otherwise. Every line,
 * field and record is bounded by CSV_MAX_* in limits.h, so memory use is
 * fixed whatever the input. A record of one empty field (an empty line) is
 * returned like any other; callers decide to skip it.
 *
 * Positions: lines are physical lines (1-based), columns count characters
 * (code points; 1-based) within a physical line, the byte order mark not
 * counted. A record carries the line where it starts. */
#ifndef SIGNAAL_UTIL_CSV_READ_H
#define SIGNAAL_UTIL_CSV_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "limits.h"

/* Syntax errors of csv_read() (positive; negative values are -errno). */
enum {
	CSV_END = 1,         /* not an error: no more records */
	CSV_BAD_UTF8,        /* a byte sequence that is not UTF-8 */
	CSV_NUL,             /* a NUL byte */
	CSV_UNTERMINATED,    /* a quoted field runs to the end of the input */
	CSV_STRAY_QUOTE,     /* a quote inside an unquoted field, or after a closing quote */
	CSV_BARE_CR,         /* a carriage return not followed by a line feed, outside quotes */
	CSV_TOO_MANY_FIELDS, /* over CSV_MAX_FIELDS */
	CSV_FIELD_TOO_LONG,  /* over CSV_MAX_FIELD_BYTES */
	CSV_RECORD_TOO_LONG, /* over CSV_MAX_RECORD_BYTES */
	CSV_LINE_TOO_LONG,   /* over CSV_MAX_LINE_BYTES */
};

struct csv_reader;

/* One record; the strings are NUL-terminated (a field never holds a NUL),
 * borrowed from the reader until the next csv_read(). */
struct csv_record {
	unsigned long line; /* physical line where the record starts */
	size_t nfields;     /* at least 1 */
	const char *const *fields;
	const size_t *lens;
};

/* Where and what the last error was. line and col point at the offending
 * character, except for CSV_UNTERMINATED (the opening quote) and
 * CSV_FIELD_TOO_LONG (the field's first character). field is the 1-based
 * index of the field being read. value is what that field held up to and
 * including the offending byte (at most CSV_MAX_FIELD_BYTES; it may hold
 * invalid UTF-8, so quote it before showing it). */
struct csv_error {
	int code;
	unsigned long line, col;
	size_t field;
	const char *value;
	size_t value_len;
};

/* Readers over a stream (not closed by the reader) or over memory (not
 * copied: data must outlive the reader). The caller owns *out:
 * csv_reader_free(). 0 or -ENOMEM. */
int csv_reader_file(FILE *f, struct csv_reader **out);
int csv_reader_mem(const char *data, size_t len, struct csv_reader **out);
void csv_reader_free(struct csv_reader *r);

/* Reads the next record into *rec. Returns 0, CSV_END after the last
 * record, a CSV_* error (then csv_reader_error() says where; every later
 * call returns the same error), or -EIO when the stream fails. */
int csv_read(struct csv_reader *r, struct csv_record *rec);
/* The last error; code 0 when there was none. Borrowed from r. */
const struct csv_error *csv_reader_error(const struct csv_reader *r);
/* The separator in use: ',' or ';' (',' before the first csv_read). */
char csv_reader_separator(const struct csv_reader *r);
/* True when the input started with a UTF-8 byte order mark. */
bool csv_reader_had_bom(const struct csv_reader *r);
/* A short English description of a CSV_* code ("a quote inside an
 * unquoted field"). Static. */
const char *csv_strerror(int code);

#endif
