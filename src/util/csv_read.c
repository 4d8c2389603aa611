/* csv_read: the RFC 4180 reader; see csv_read.h for the rules. */
#include "util/csv_read.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

/* Bytes read from a stream at a time. */
#define CSV_CHUNK 8192u
/* The first record is read ahead to find the separator: a byte order mark
 * and one record's worth of bytes (line ends and quotes included). */
#define CSV_HEAD_MAX (3u + CSV_MAX_RECORD_BYTES + 2u * CSV_MAX_FIELDS + 2u)

enum {
	RAW_EOF = -1,  /* end of input */
	RAW_NONE = -2, /* no byte peeked */
	GET_ERR = -3,  /* get(): r->err is set */
};

struct csv_reader {
	/* the source: a stream or memory */
	FILE *f;
	const unsigned char *mem;
	size_t memlen, mempos;
	unsigned char *chunk;
	size_t clen, cpos;
	bool src_eof, io_error;
	/* the first record, read ahead and replayed */
	unsigned char *head;
	size_t hlen, hpos;
	int pending; /* a byte peeked at, or RAW_NONE */
	bool started, bom, done;
	char sep;
	/* the position of the last byte taken */
	unsigned long line, col;
	size_t line_bytes;
	/* UTF-8 check (str_utf8_feed) and where the character started */
	struct utf8_dec dec;
	unsigned long seq_line, seq_col;
	int bad; /* the byte that failed get(), or RAW_NONE */
	/* the record being read */
	char *data;
	size_t dlen;
	const char *fields[CSV_MAX_FIELDS];
	size_t lens[CSV_MAX_FIELDS];
	size_t nfields;
	struct csv_error err;
	char errval[CSV_MAX_FIELD_BYTES + 8];
};

static int reader_new(struct csv_reader **out)
{
	*out = NULL;
	struct csv_reader *r = calloc(1, sizeof *r);
	if (!r)
		return -ENOMEM;
	r->data = malloc(CSV_MAX_RECORD_BYTES + CSV_MAX_FIELDS + 1);
	if (!r->data) {
		free(r);
		return -ENOMEM;
	}
	r->pending = RAW_NONE;
	r->bad = RAW_NONE;
	r->sep = ',';
	r->line = 1;
	*out = r;
	return 0;
}

int csv_reader_file(FILE *f, struct csv_reader **out)
{
	int rc = reader_new(out);
	if (rc)
		return rc;
	(*out)->f = f;
	(*out)->chunk = malloc(CSV_CHUNK);
	if (!(*out)->chunk) {
		csv_reader_free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

int csv_reader_mem(const char *data, size_t len, struct csv_reader **out)
{
	int rc = reader_new(out);
	if (rc)
		return rc;
	(*out)->mem = (const unsigned char *)data;
	(*out)->memlen = data ? len : 0;
	return 0;
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	free(r->chunk);
	free(r->head);
	free(r->data);
	free(r);
}

const struct csv_error *csv_reader_error(const struct csv_reader *r)
{
	return &r->err;
}

char csv_reader_separator(const struct csv_reader *r)
{
	return r->sep;
}

bool csv_reader_had_bom(const struct csv_reader *r)
{
	return r->bom;
}

const char *csv_strerror(int code)
{
	switch (code) {
	case CSV_END:
		return "end of input";
	case CSV_BAD_UTF8:
		return "is not valid UTF-8 (save the file as CSV UTF-8)";
	case CSV_NUL:
		return "holds a NUL byte";
	case CSV_UNTERMINATED:
		return "opens a quote that is never closed";
	case CSV_STRAY_QUOTE:
		return "has a quote inside an unquoted field, or text after a closing quote";
	case CSV_BARE_CR:
		return "has a carriage return without a line feed";
	case CSV_TOO_MANY_FIELDS:
		return "is one field more than a row may have";
	case CSV_FIELD_TOO_LONG:
		return "is longer than a field may be";
	case CSV_RECORD_TOO_LONG:
		return "makes the row longer than allowed";
	case CSV_LINE_TOO_LONG:
		return "makes the line longer than allowed";
	default:
		return "unknown CSV error";
	}
}

/* --- Reading bytes ------------------------------------------------------ */

static int src_next(struct csv_reader *r)
{
	if (!r->f)
		return r->mempos < r->memlen ? r->mem[r->mempos++] : RAW_EOF;
	if (r->cpos == r->clen) {
		if (r->src_eof)
			return RAW_EOF;
		size_t n = fread(r->chunk, 1, CSV_CHUNK, r->f);
		if (n == 0) {
			r->io_error = ferror(r->f) != 0;
			r->src_eof = true;
			return RAW_EOF;
		}
		r->clen = n;
		r->cpos = 0;
	}
	return r->chunk[r->cpos++];
}

static int raw_next(struct csv_reader *r)
{
	if (r->pending != RAW_NONE) {
		int c = r->pending;
		r->pending = RAW_NONE;
		return c;
	}
	if (r->hpos < r->hlen)
		return r->head[r->hpos++];
	return src_next(r);
}

static int peek(struct csv_reader *r)
{
	if (r->pending == RAW_NONE)
		r->pending = raw_next(r);
	return r->pending;
}

/* Reads ahead the first record to choose the separator, and skips a byte
 * order mark. Quotes toggle: a doubled quote toggles twice. */
static int start(struct csv_reader *r)
{
	r->started = true;
	r->head = malloc(CSV_HEAD_MAX);
	if (!r->head)
		return -ENOMEM;
	bool quoted = false;
	size_t commas = 0, semicolons = 0;
	while (r->hlen < CSV_HEAD_MAX) {
		int c = src_next(r);
		if (c < 0)
			break;
		r->head[r->hlen++] = (unsigned char)c;
		if (c == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (c == ',')
			commas++;
		else if (c == ';')
			semicolons++;
		else if (c == '\n')
			break;
	}
	if (r->hlen >= 3 && memcmp(r->head, "\xEF\xBB\xBF", 3) == 0) {
		r->bom = true;
		r->hpos = 3;
	}
	r->sep = semicolons && !commas ? ';' : ',';
	return 0;
}

static int fail(struct csv_reader *r, int code, unsigned long line, unsigned long col)
{
	r->err.code = code;
	r->err.line = line;
	r->err.col = col;
	return GET_ERR;
}

/* The next byte, checked (UTF-8, NUL, line length) and counted into the
 * position; RAW_EOF, or GET_ERR with r->err set and r->bad the byte. */
static int get(struct csv_reader *r)
{
	int c = raw_next(r);
	if (c == RAW_EOF) {
		if (r->dec.need)
			return fail(r, CSV_BAD_UTF8, r->seq_line, r->seq_col);
		return RAW_EOF;
	}
	if (r->dec.need == 0) {
		r->col++;
		r->seq_line = r->line;
		r->seq_col = r->col;
		if (c == 0) {
			r->bad = c;
			return fail(r, CSV_NUL, r->line, r->col);
		}
	}
	if (str_utf8_feed(&r->dec, (unsigned char)c) == UTF8_BAD) {
		r->bad = c;
		return fail(r, CSV_BAD_UTF8, r->seq_line, r->seq_col);
	}
	if (++r->line_bytes > CSV_MAX_LINE_BYTES)
		return fail(r, CSV_LINE_TOO_LONG, r->line, r->col);
	if (c == '\n') {
		r->line++;
		r->col = 0;
		r->line_bytes = 0;
	}
	return c;
}

/* --- Records ------------------------------------------------------------ */

/* Finishes an error: the field index and the field's bytes so far, with
 * the byte that failed when it was not stored. */
static int failed(struct csv_reader *r, size_t fstart)
{
	size_t n = r->dlen - fstart;
	memcpy(r->errval, r->data + fstart, n);
	if (r->bad == 0 || r->bad >= 0x80) /* a NUL or a byte that is not UTF-8 */
		r->errval[n++] = (char)r->bad;
	r->errval[n] = '\0';
	r->err.value = r->errval;
	r->err.value_len = n;
	r->err.field = r->nfields + 1;
	return r->err.code;
}

static void end_field(struct csv_reader *r, size_t *fstart)
{
	r->data[r->dlen++] = '\0';
	r->fields[r->nfields] = r->data + *fstart;
	r->lens[r->nfields] = r->dlen - 1 - *fstart;
	r->nfields++;
	*fstart = r->dlen;
}

int csv_read(struct csv_reader *r, struct csv_record *rec)
{
	if (r->err.code)
		return r->err.code;
	if (r->io_error)
		return -EIO;
	if (r->done)
		return CSV_END;
	if (!r->started) {
		int rc = start(r);
		if (rc)
			return rc;
	}
	enum {
		F_START,
		F_PLAIN,
		F_QUOTED,
		F_QUOTE
	} st = F_START;
	unsigned long rec_line = r->line, fline = r->line, fcol = 1, qline = 0, qcol = 0;
	size_t fstart = 0, rec_bytes = 0;
	r->dlen = 0;
	r->nfields = 0;
	for (;;) {
		int c = get(r);
		if (c == GET_ERR)
			return failed(r, fstart);
		if (c == RAW_EOF) {
			if (r->io_error)
				return -EIO;
			if (st == F_QUOTED) {
				fail(r, CSV_UNTERMINATED, qline, qcol);
				return failed(r, fstart);
			}
			r->done = true;
			if (st == F_START && r->nfields == 0)
				return CSV_END;
			break;
		}
		if (st != F_QUOTED) {
			if (c == r->sep) {
				end_field(r, &fstart);
				if (r->nfields >= CSV_MAX_FIELDS) {
					fail(r, CSV_TOO_MANY_FIELDS, r->line, r->col);
					return failed(r, fstart);
				}
				st = F_START;
				fline = r->line;
				fcol = r->col + 1;
				continue;
			}
			if (c == '\n')
				break;
			if (c == '\r') {
				if (peek(r) == '\n')
					continue;
				r->bad = c;
				fail(r, CSV_BARE_CR, r->line, r->col);
				return failed(r, fstart);
			}
			if (c == '"' && st == F_START) {
				st = F_QUOTED;
				qline = r->line;
				qcol = r->col;
				continue;
			}
			if (c == '"' && st == F_QUOTE) {
				st = F_QUOTED; /* a doubled quote: one quote of content */
			} else if (c == '"' || st == F_QUOTE) {
				r->bad = c;
				fail(r, CSV_STRAY_QUOTE, r->line, r->col);
				return failed(r, fstart);
			} else {
				st = F_PLAIN;
			}
		} else if (c == '"') {
			st = F_QUOTE;
			continue;
		}
		if (r->dlen - fstart >= CSV_MAX_FIELD_BYTES) {
			fail(r, CSV_FIELD_TOO_LONG, fline, fcol);
			return failed(r, fstart);
		}
		if (rec_bytes >= CSV_MAX_RECORD_BYTES) {
			fail(r, CSV_RECORD_TOO_LONG, r->line, r->col);
			return failed(r, fstart);
		}
		r->data[r->dlen++] = (char)c;
		rec_bytes++;
	}
	end_field(r, &fstart);
	rec->line = rec_line;
	rec->nfields = r->nfields;
	rec->fields = r->fields;
	rec->lens = r->lens;
	return 0;
}
