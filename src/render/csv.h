/* csv: writing CSV (RFC 4180) for export.
 *
 * Owns: the escaping of written fields (quoting and formula injection)
 * and its inverse, csv_unescape_formula(), which import applies after
 * reading. Reading is util/csv_read.h (input parsing, not output). It
 * knows nothing of the columns of a report: cli/transfer.c drives both.
 *
 * Writing. First a field is made safe to show, so that a spreadsheet
 * never shows a text reversed or hidden: each invisible formatting
 * character that can reverse or hide text (str_cp_hidden_format(): the
 * right-to-left override and the other bidirectional controls, U+FEFF)
 * and each part that is not UTF-8 becomes U+FFFD, a visible mark that
 * something was there (removing them would hide that, and import refuses
 * U+FFFD, so such a value does not come back unnoticed). A lone "\r" is
 * kept: in a quoted field a spreadsheet shows it as a line break, and
 * texts are refused with one on the way in. Fields are quoted when they
 * hold the separator, a quote, "\r" or "\n". Against formula injection
 * (OWASP, "CSV Injection") a field that starts with '=', '+', '-', '@', a
 * tab or a carriage return gets a single quote ' in front, so that a
 * spreadsheet shows it as text instead of running it; so does a field
 * that starts with ' followed by such an escaped value, which makes the
 * escape reversible: csv_unescape_formula() gives back the original, and
 * import applies it. Lines end in "\r\n".
 *
 * Output encoding: UTF-8. The default (RFC 4180, for scripts and partners)
 * has no byte order mark and ',' as separator. Excel with a Dutch locale
 * reads a comma-separated file as one column and, without a byte order
 * mark, reads UTF-8 as Windows-1252 ("cafÃ©"); for that the writer can
 * put a byte order mark first and use ';' (csv_writer_init with excel). */
#ifndef SIGNAAL_RENDER_CSV_H
#define SIGNAAL_RENDER_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "limits.h"
#include "util/buf.h"

/* True when a spreadsheet could take s for a formula, that is when the
 * writer puts a ' in front of it. */
bool csv_formula_risky(const char *s, size_t n);
/* Undoes the writer's formula escape: s + 1 when s is "'" followed by a
 * value for which csv_formula_risky() holds, s otherwise. Borrowed. */
const char *csv_unescape_formula(const char *s);

/* Appends s[0..n) to out as one field: made safe to show (see
 * "Writing"), escaped against formulas, then quoted when needed for sep.
 * 0 or -ENOMEM. */
int csv_append_field(struct buf *out, const char *s, size_t n, char sep);

/* Writes rows to a stream. A zeroed struct is not valid: use init. */
struct csv_writer {
	FILE *f;
	char sep;
	size_t nfields; /* fields written in the current row */
	bool bom;       /* a byte order mark still to be written */
	struct buf row; /* the row being built; written out by csv_end_row */
	int err;        /* first error, sticky */
};

/* excel: put a UTF-8 byte order mark first and separate by ';' (what
 * Excel with a Dutch locale opens correctly); otherwise plain RFC 4180
 * with ',' and no byte order mark. */
void csv_writer_init(struct csv_writer *w, FILE *f, bool excel);
/* Adds one field (NULL counts as ""). 0 or -ENOMEM. */
int csv_field(struct csv_writer *w, const char *s);
/* Ends the row with "\r\n" and writes it. 0, -ENOMEM or -EIO. */
int csv_end_row(struct csv_writer *w);
/* Frees the row buffer (does not close f); returns the first error seen,
 * 0 when every write succeeded. */
int csv_writer_finish(struct csv_writer *w);

#endif
