/* import: the rules of the CSV of reports (contract.md, "CSV of reports")
 * applied to rows of text, giving typed rows or errors that name the line,
 * the column and the value.
 *
 * Owns: the list of columns in the contract's order (export writes them in
 * that order too), the header rules (every column once, in any order, none
 * unknown), the value rules of each column, and the check that a reference
 * appears once in the file. Knows no CSV syntax (cli/transfer.c reads the
 * file with util/csv_read.h) and no SQL: the caller stores the rows, all or
 * nothing, and reports a reference that exists already with
 * import_add_error() so that it reads like every other error.
 *
 * Decisions beyond the contract's table:
 *  - every column is required in the header; a cell of `district` may be
 *    empty (no district), every other cell must hold a value;
 *  - `forms` may be empty, meaning `unknown`; items are separated by ';'
 *    (spaces around an item are ignored) and may not repeat;
 *  - `received_on` is a real calendar date from IMPORT_MIN_YEAR up to
 *    today, never in the future;
 *  - `reference` is 1..64 characters (and at most REPORT_MAX_REFERENCE
 *    bytes) of one line of text without control characters;
 *  - a row whose cells are all empty (what a spreadsheet writes for an
 *    empty row) is skipped;
 *  - values are compared exactly: `Yes` or `sexual ` is an error whose
 *    message shows the value in quotes and lists the values allowed. */
#ifndef SIGNAAL_DOMAIN_IMPORT_H
#define SIGNAAL_DOMAIN_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/report.h"
#include "limits.h"

/* The earliest year of received_on that import accepts. */
#define IMPORT_MIN_YEAR 2000

enum import_column {
	IMPORT_REFERENCE,
	IMPORT_RECEIVED_ON,
	IMPORT_CHANNEL,
	IMPORT_REPORTER_ROLE,
	IMPORT_ANONYMOUS,
	IMPORT_KIND,
	IMPORT_FORMS,
	IMPORT_DISTRICT,
	IMPORT_CONCRETE,
	IMPORT_STATUS,
	IMPORT_OUTCOME,
	IMPORT_NCOLUMNS
};

/* The contract's columns in the contract's order; NULL-terminated. */
extern const char *const import_columns[];

/* Columns of issue 8 that a file may have (every one optional, so that
 * every file valid before stays valid), after the required ones:
 *  - `reporter_state`: anonymous, open or confidential (must agree with
 *    `anonymous`: yes only with anonymous);
 *  - `sector`, `frequency`: one value of their list, or empty;
 *  - `involved`: ';'-separated organisations already involved, or empty;
 *  - `people`: ';'-separated persons, each `role` or `role:minor`
 *    (victim exploiter both other; minor yes no unknown), or empty; never
 *    for advice. Export writes them too, after the required ones. */
enum import_optional_column {
	IMPORT_REPORTER_STATE = IMPORT_NCOLUMNS,
	IMPORT_SECTOR,
	IMPORT_FREQUENCY,
	IMPORT_INVOLVED,
	IMPORT_PEOPLE,
	IMPORT_NALLCOLUMNS
};
#define IMPORT_NOPTIONAL (IMPORT_NALLCOLUMNS - IMPORT_NCOLUMNS)
/* Their names, in that order; NULL-terminated. */
extern const char *const import_optional_columns[];

enum {
	IMPORT_INVALID = 1, /* the file breaks a rule; see im->errors */
};

/* A checked row. Indexes point into the closed lists of domain/report.h
 * and into the districts given to import_init(). */
struct import_row {
	unsigned long line;
	char reference[REPORT_MAX_REFERENCE + 1];
	char received_on[11]; /* YYYY-MM-DD */
	int channel;          /* report_channels */
	int reporter_role;    /* report_roles */
	bool anonymous;
	int kind;                              /* report_kinds */
	unsigned char forms[REPORT_MAX_FORMS]; /* report_forms, in the order given */
	size_t nforms;                         /* 1.. (empty cell: unknown) */
	int district;                          /* index into districts, -1 for none */
	int concrete;                          /* report_concretes */
	int status;                            /* report_statuses */
	int outcome;                           /* report_outcomes */
	/* Optional columns: -1 or an index into their list. */
	signed char reporter_state, sector, frequency;
	unsigned short involved; /* bit i: report_involved[i] */
	unsigned char npeople;
	signed char person_role[REPORT_MAX_PEOPLE];  /* report_person_roles */
	signed char person_minor[REPORT_MAX_PEOPLE]; /* report_minor_values, -1 */
	bool has_details;                            /* any optional column given */
};

/* The details of a row as JSON text for the store (as
 * report_details_json() writes them), or NULL when the row has none;
 * *out caller owns. 0 or -ENOMEM. */
int import_row_details(const struct import_row *row, char **out);

/* One problem. column is a column's name, or "" when the problem is the
 * row as a whole; value is shown quoted (import_quote()) when has_value. */
struct import_error {
	unsigned long line;
	unsigned long col; /* a character column for CSV syntax errors, else 0 */
	char column[48];
	bool has_value;
	char value[IMPORT_MAX_SHOWN_VALUE + 16];
	char problem[256];
};

struct import {
	/* set by import_init */
	const char *const *districts;
	size_t ndistricts;
	char today[11];
	/* the header: the contract column of each field, -1 unknown */
	int *field_col;
	size_t nfields;
	bool header_ok;
	/* rows that passed; the caller owns nothing until import_free */
	struct import_row *rows;
	size_t nrows, caprows;
	/* every row's reference when it was valid, to find repeats */
	struct import_ref {
		unsigned long line;
		char reference[REPORT_MAX_REFERENCE + 1];
	} * refs;
	size_t nrefs, caprefs;
	size_t nseen; /* rows seen (skipped empty rows not counted) */
	/* the first IMPORT_MAX_ERRORS errors (by line after import_finish);
	 * nerrors counts them all */
	struct import_error errors[IMPORT_MAX_ERRORS];
	size_t nerrors;
};

/* Starts an import for an organisation with these districts (borrowed:
 * they must outlive im). today is "YYYY-MM-DD", the latest date allowed. */
void import_init(struct import *im, const char *const *districts, size_t ndistricts,
                 const char *today);
/* Frees what im holds. Accepts NULL. */
void import_free(struct import *im);

/* The header row (line is its line). 0 when it names every column once
 * and nothing else; IMPORT_INVALID with errors added otherwise (then rows
 * cannot be read: stop); -ENOMEM. */
int import_header(struct import *im, unsigned long line, const char *const *fields, size_t n);
/* One data row: checked, and kept when valid. 0 (also when the row had
 * errors: they are added to im), IMPORT_INVALID when the file has more
 * than IMPORT_MAX_ROWS rows (stop reading), -ENOMEM. */
int import_row(struct import *im, unsigned long line, const char *const *fields, const size_t *lens,
               size_t n);
/* After the last row: finds references that repeat and sorts the errors
 * by line. 0 when the file is valid (im->rows holds every row), else
 * IMPORT_INVALID; -ENOMEM. */
int import_finish(struct import *im);

/* Adds an error (kept when there is room, counted always). column may be
 * NULL or ""; value may be NULL (then none is shown), value_len bytes of
 * it are quoted with import_quote(). */
void import_add_error(struct import *im, unsigned long line, unsigned long col, const char *column,
                      const char *value, size_t value_len, const char *problem);

/* Writes s[0..n) for a message into out (size outsz, at least 8): valid
 * UTF-8 kept, '"' and '\' escaped with '\', control characters dropped,
 * other bytes that are not UTF-8 as \xNN, cut at IMPORT_MAX_SHOWN_VALUE
 * bytes with "..." after. Without the surrounding quotes. Returns out. */
char *import_quote(const char *s, size_t n, char *out, size_t outsz);

/* True when s is a real date "YYYY-MM-DD" (the Gregorian calendar). */
bool import_date_valid(const char *s, size_t n);

#endif
