/* import: checks rows of the CSV of reports; see import.h for the rules. */
#include "domain/import.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/str.h"

const char *const import_columns[] = {
    "reference", "received_on", "channel",  "reporter_role", "anonymous", "kind",
    "forms",     "district",    "concrete", "status",        "outcome",   NULL,
};

const char *const import_optional_columns[] = {
    "reporter_state", "sector", "frequency", "involved", "people", NULL,
};

static const char *const yes_no[] = {"yes", "no", NULL};

/* The name of column c, required or optional. */
static const char *column_name(int c)
{
	if (c < 0)
		return NULL;
	return c < IMPORT_NCOLUMNS ? import_columns[c]
	                           : import_optional_columns[c - IMPORT_NCOLUMNS];
}

void import_init(struct import *im, const char *const *districts, size_t ndistricts,
                 const char *today)
{
	memset(im, 0, sizeof *im);
	im->districts = districts;
	im->ndistricts = ndistricts;
	snprintf(im->today, sizeof im->today, "%s", today ? today : "");
}

void import_free(struct import *im)
{
	if (!im)
		return;
	free(im->field_col);
	free(im->rows);
	free(im->refs);
	im->field_col = NULL;
	im->rows = NULL;
	im->refs = NULL;
	im->nrows = im->caprows = im->nrefs = im->caprefs = 0;
}

/* --- Messages ------------------------------------------------------------ */

/* Length of the UTF-8 sequence at s[0..n) when it is one valid character,
 * else 0; *cp gets the character. */
static size_t utf8_char_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	int len = str_utf8_next((const char *)s, n, cp);
	return len > 0 ? (size_t)len : 0;
}

char *import_quote(const char *s, size_t n, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t limit = outsz - 4 < IMPORT_MAX_SHOWN_VALUE ? outsz - 4 : IMPORT_MAX_SHOWN_VALUE;
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		char piece[8];
		size_t plen, step = 1;
		uint32_t cp;
		unsigned char c = p[i];
		if (c < 0x20 || c == 0x7F) {
			plen = 0; /* control bytes are dropped */
		} else if (c == '"' || c == '\\') {
			piece[0] = '\\';
			piece[1] = (char)c;
			plen = 2;
		} else if (c < 0x80) {
			piece[0] = (char)c;
			plen = 1;
		} else if ((step = utf8_char_len(p + i, n - i, &cp)) != 0) {
			/* Shown by its number: a terminal would obey it and
			 * show the rest of the message reversed or not at all. */
			if (str_cp_hidden_format(cp))
				plen =
				    (size_t)snprintf(piece, sizeof piece, "\\u%04X", (unsigned)cp);
			else
				memcpy(piece, p + i, plen = step);
		} else {
			snprintf(piece, sizeof piece, "\\x%02X", c);
			plen = 4;
			step = 1;
		}
		if (o + plen > limit) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, piece, plen);
		o += plen;
		i += step;
	}
	out[o] = '\0';
	return out;
}

void import_add_error(struct import *im, unsigned long line, unsigned long col, const char *column,
                      const char *value, size_t value_len, const char *problem)
{
	if (im->nerrors++ >= IMPORT_MAX_ERRORS)
		return;
	struct import_error *e = &im->errors[im->nerrors - 1];
	memset(e, 0, sizeof *e);
	e->line = line;
	e->col = col;
	snprintf(e->column, sizeof e->column, "%s", column ? column : "");
	e->has_value = value != NULL;
	if (value)
		import_quote(value, value_len, e->value, sizeof e->value);
	snprintf(e->problem, sizeof e->problem, "%s", problem);
}

/* "is not one of a, b, c" into out. */
static void one_of(char *out, size_t outsz, const char *what, const char *const *list, size_t n)
{
	size_t o = (size_t)snprintf(out, outsz, "%s", what);
	for (size_t i = 0; i < n && list[i] && o < outsz; i++)
		o += (size_t)snprintf(out + o, outsz - o, "%s%s", i ? ", " : " ", list[i]);
	if (o >= outsz && outsz > 4)
		memcpy(out + outsz - 4, "...", 4);
}

static size_t list_len(const char *const *list)
{
	size_t n = 0;
	while (list[n])
		n++;
	return n;
}

/* --- Header -------------------------------------------------------------- */

static int column_index(const char *name)
{
	for (int i = 0; import_columns[i]; i++)
		if (strcmp(import_columns[i], name) == 0)
			return i;
	for (int i = 0; import_optional_columns[i]; i++)
		if (strcmp(import_optional_columns[i], name) == 0)
			return IMPORT_NCOLUMNS + i;
	return -1;
}

int import_header(struct import *im, unsigned long line, const char *const *fields, size_t n)
{
	free(im->field_col);
	im->field_col = calloc(n ? n : 1, sizeof *im->field_col);
	if (!im->field_col)
		return -ENOMEM;
	im->nfields = n;
	size_t first[IMPORT_NALLCOLUMNS] = {0}; /* 1-based field of each column */
	size_t before = im->nerrors;
	char problem[256], num[24];
	for (size_t i = 0; i < n; i++) {
		int c = column_index(fields[i]);
		im->field_col[i] = c;
		snprintf(num, sizeof num, "%zu", i + 1);
		if (c < 0) {
			one_of(problem, sizeof problem, "is not a column; the columns are",
			       import_columns, IMPORT_NCOLUMNS);
			import_add_error(im, line, 0, num, fields[i], strlen(fields[i]), problem);
		} else if (first[c]) {
			snprintf(problem, sizeof problem,
			         "appears twice in the header (also column %zu)", first[c]);
			import_add_error(im, line, 0, num, fields[i], strlen(fields[i]), problem);
		} else {
			first[c] = i + 1;
		}
	}
	for (int c = 0; c < IMPORT_NCOLUMNS; c++)
		if (!first[c])
			import_add_error(
			    im, line, 0, import_columns[c], NULL, 0,
			    "is missing from the header (every column of the contract is "
			    "required, in any order)");
	im->header_ok = im->nerrors == before;
	return im->header_ok ? 0 : IMPORT_INVALID;
}

/* --- Values -------------------------------------------------------------- */

bool import_date_valid(const char *s, size_t n)
{
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

/* Each checker returns NULL when the value is good (and fills row), or the
 * problem (static, or written into buf). */

static const char *check_reference(const char *s, size_t n, struct import_row *row, char *buf,
                                   size_t bufsz)
{
	if (n == 0)
		return "is empty; every report needs the organisation's own reference";
	if (!str_utf8_valid(s, n))
		return "is not valid UTF-8";
	/* Refused, not removed: a reference is compared exactly and must stay
	 * what the organisation's own system holds; the message says where. */
	if (!str_text_valid(s, n, true)) {
		for (size_t i = 0; i < n;) {
			uint32_t cp;
			i += (size_t)str_utf8_next(s + i, n - i, &cp);
			if (str_cp_hidden_format(cp))
				return "holds an invisible formatting character that can reverse "
				       "or hide text (U+202A-U+202E, U+2066-U+2069 or U+FEFF)";
			if (cp == 0xFFFD)
				return "holds U+FFFD, the mark of text that could not be read";
		}
		return "holds a control character (a line break or tab)";
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7F)
			return "holds a control character (a line break or tab)";
	}
	if (s[0] == ' ' || s[n - 1] == ' ')
		return "starts or ends with a space";
	if (str_chars(s, n) > REPORT_MAX_REFERENCE) {
		snprintf(buf, bufsz, "is longer than %u characters", REPORT_MAX_REFERENCE);
		return buf;
	}
	if (n > REPORT_MAX_REFERENCE) {
		snprintf(buf, bufsz, "is longer than %u bytes", REPORT_MAX_REFERENCE);
		return buf;
	}
	memcpy(row->reference, s, n);
	row->reference[n] = '\0';
	return NULL;
}

/* True for what a spreadsheet writes for a date in a Dutch locale:
 * D-M-YYYY or D/M/YYYY, days and months of one or two digits. */
static bool day_month_year(const char *s, size_t n)
{
	size_t i = 0, parts = 0;
	while (parts < 3) {
		size_t start = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		size_t len = i - start;
		if (parts < 2 ? len < 1 || len > 2 || i >= n || (s[i] != '-' && s[i] != '/')
		              : len != 4 || i != n)
			return false;
		i++;
		parts++;
	}
	return true;
}

static const char *check_date(const char *s, size_t n, struct import_row *row, const char *today,
                              char *buf, size_t bufsz)
{
	if (!import_date_valid(s, n)) {
		/* Excel with a Dutch locale turns 2023-03-14 into 14-3-2023 when
		 * it opens and saves a file; say so. */
		if (day_month_year(s, n))
			return "is not a date (YYYY-MM-DD; a spreadsheet may have rewritten it as "
			       "D-M-YYYY: format the column as text, or as yyyy-mm-dd)";
		return "is not a date (YYYY-MM-DD)";
	}
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	if (y < IMPORT_MIN_YEAR) {
		snprintf(buf, bufsz, "is before %d", IMPORT_MIN_YEAR);
		return buf;
	}
	memcpy(row->received_on, s, 10);
	row->received_on[10] = '\0';
	if (today[0] && strcmp(row->received_on, today) > 0) {
		snprintf(buf, bufsz, "is in the future (today is %s)", today);
		return buf;
	}
	return NULL;
}

static const char *check_enum(const char *s, const char *const *list, int *out, char *buf,
                              size_t bufsz)
{
	int i = report_value_index(list, s);
	if (i >= 0) {
		*out = i;
		return NULL;
	}
	one_of(buf, bufsz, "is not one of", list, list_len(list));
	return buf;
}

/* forms: items separated by ';', spaces around an item ignored; empty:
 * unknown. On an error, *bad and *badlen give the item to show. */
static const char *check_forms(const char *s, size_t n, struct import_row *row, const char **bad,
                               size_t *badlen, char *buf, size_t bufsz)
{
	row->nforms = 0;
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i == n) {
		row->forms[row->nforms++] =
		    (unsigned char)report_value_index(report_forms, "unknown");
		return NULL;
	}
	for (size_t start = 0; start <= n;) {
		size_t end = start;
		while (end < n && s[end] != ';')
			end++;
		size_t a = start, b = end;
		while (a < b && s[a] == ' ')
			a++;
		while (b > a && s[b - 1] == ' ')
			b--;
		char item[CONTENT_MAX_CODE_LEN + 1];
		*bad = s + a;
		*badlen = b - a;
		if (a == b)
			return "has an empty item; separate forms by a single ';'";
		int f = -1;
		if (b - a < sizeof item) {
			memcpy(item, s + a, b - a);
			item[b - a] = '\0';
			f = report_value_index(report_forms, item);
		}
		if (f < 0) {
			one_of(buf, bufsz, "is not one of", report_forms, list_len(report_forms));
			return buf;
		}
		for (size_t k = 0; k < row->nforms; k++)
			if (row->forms[k] == f)
				return "appears twice";
		if (row->nforms >= REPORT_MAX_FORMS)
			return "is one form too many";
		row->forms[row->nforms++] = (unsigned char)f;
		start = end + 1;
	}
	return NULL;
}

static const char *check_district(const struct import *im, const char *s, size_t n,
                                  struct import_row *row, char *buf, size_t bufsz)
{
	row->district = -1;
	if (n == 0)
		return NULL;
	for (size_t i = 0; i < im->ndistricts; i++) {
		if (strcmp(im->districts[i], s) == 0) {
			row->district = (int)i;
			return NULL;
		}
	}
	if (!im->ndistricts)
		return "is not a district of the organisation (it has none: leave the cell empty)";
	one_of(buf, bufsz, "is not a district of the organisation:", im->districts, im->ndistricts);
	return buf;
}

static const char *check_opt_enum(const char *s, const char *const *list, signed char *out,
                                  struct import_row *row, char *buf, size_t bufsz)
{
	if (!*s)
		return NULL;
	int i = -1;
	const char *problem = check_enum(s, list, &i, buf, bufsz);
	if (!problem) {
		*out = (signed char)i;
		row->has_details = true;
	}
	return problem;
}

/* Calls item() for each ';'-separated item of s (spaces around it
 * ignored); an empty cell has none. On an error, *bad and *badlen give the
 * item to show. */
typedef const char *(*item_fn)(const char *item, struct import_row *row, char *buf, size_t bufsz);

static const char *each_item(const char *s, size_t n, struct import_row *row, item_fn fn,
                             const char **bad, size_t *badlen, char *buf, size_t bufsz)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i == n)
		return NULL;
	row->has_details = true;
	for (size_t start = 0; start <= n;) {
		size_t end = start;
		while (end < n && s[end] != ';')
			end++;
		size_t a = start, b = end;
		while (a < b && s[a] == ' ')
			a++;
		while (b > a && s[b - 1] == ' ')
			b--;
		*bad = s + a;
		*badlen = b - a;
		if (a == b)
			return "has an empty item; separate items by a single ';'";
		char item[2 * CONTENT_MAX_CODE_LEN + 2];
		if (b - a >= sizeof item)
			return "is not a value of this column";
		memcpy(item, s + a, b - a);
		item[b - a] = '\0';
		const char *problem = fn(item, row, buf, bufsz);
		if (problem)
			return problem;
		start = end + 1;
	}
	return NULL;
}

static const char *involved_item(const char *item, struct import_row *row, char *buf, size_t bufsz)
{
	int k = report_value_index(report_involved, item);
	if (k < 0) {
		one_of(buf, bufsz, "is not one of", report_involved, list_len(report_involved));
		return buf;
	}
	if (row->involved & (1u << k))
		return "appears twice";
	row->involved |= (unsigned short)(1u << k);
	return NULL;
}

static const char *person_item(const char *item, struct import_row *row, char *buf, size_t bufsz)
{
	char *colon = strchr(item, ':');
	int minor = -1;
	if (colon) {
		*colon = '\0';
		minor = report_value_index(report_minor_values, colon + 1);
		if (minor < 0) {
			one_of(buf, bufsz, "has a minor that is not one of", report_minor_values,
			       list_len(report_minor_values));
			return buf;
		}
	}
	int role = report_value_index(report_person_roles, item);
	if (role < 0) {
		one_of(buf, bufsz, "has a role that is not one of", report_person_roles,
		       list_len(report_person_roles));
		return buf;
	}
	if (row->npeople >= REPORT_MAX_PEOPLE) {
		snprintf(buf, bufsz, "names more than %u people", REPORT_MAX_PEOPLE);
		return buf;
	}
	row->person_role[row->npeople] = (signed char)role;
	row->person_minor[row->npeople] = (signed char)minor;
	row->npeople++;
	return NULL;
}

static const char *check_involved(const char *s, size_t n, struct import_row *row, const char **bad,
                                  size_t *badlen, char *buf, size_t bufsz)
{
	return each_item(s, n, row, involved_item, bad, badlen, buf, bufsz);
}

static const char *check_people(const char *s, size_t n, struct import_row *row, const char **bad,
                                size_t *badlen, char *buf, size_t bufsz)
{
	return each_item(s, n, row, person_item, bad, badlen, buf, bufsz);
}

int import_row_details(const struct import_row *r, char **out)
{
	*out = NULL;
	if (!r->has_details && r->reporter_state < 0)
		return 0;
	struct report_input in = {0};
	in.kind = report_kinds[r->kind];
	in.anonymous = r->anonymous;
	if (r->reporter_state >= 0)
		in.reporter_state = report_states[r->reporter_state];
	if (r->sector >= 0)
		in.sector = report_sectors[r->sector];
	if (r->frequency >= 0)
		in.frequency = report_frequencies[r->frequency];
	for (size_t i = 0; report_involved[i]; i++)
		if (r->involved & (1u << i))
			in.involved[in.ninvolved++] = report_involved[i];
	for (size_t i = 0; i < r->npeople; i++) {
		in.people[i].role = report_person_roles[r->person_role[i]];
		if (r->person_minor[i] >= 0)
			in.people[i].minor = report_minor_values[r->person_minor[i]];
	}
	in.npeople = r->npeople;
	json_t *d = NULL;
	if (report_details_json(&in, &d))
		return -ENOMEM;
	*out = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	return *out ? 0 : -ENOMEM;
}

static int push(void **arr, size_t *n, size_t *cap, size_t size)
{
	if (*n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, ncap * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

int import_row(struct import *im, unsigned long line, const char *const *fields, const size_t *lens,
               size_t n)
{
	if (!im->header_ok)
		return IMPORT_INVALID;
	bool empty = true;
	for (size_t i = 0; i < n && empty; i++)
		empty = lens[i] == 0;
	if (empty)
		return 0;
	if (++im->nseen > IMPORT_MAX_ROWS) {
		char problem[96];
		snprintf(problem, sizeof problem, "the file has more than %u rows; split it",
		         IMPORT_MAX_ROWS);
		import_add_error(im, line, 0, NULL, NULL, 0, problem);
		return IMPORT_INVALID;
	}
	if (n != im->nfields) {
		char problem[96];
		snprintf(problem, sizeof problem, "has %zu fields, the header has %zu", n,
		         im->nfields);
		import_add_error(im, line, 0, NULL, NULL, 0, problem);
		return 0;
	}
	struct import_row row = {
	    .line = line, .district = -1, .reporter_state = -1, .sector = -1, .frequency = -1};
	bool ok = true, ref_ok = false;
	for (size_t i = 0; i < n; i++) {
		const char *s = fields[i], *shown = s;
		size_t len = lens[i], shown_len = len;
		char buf[256];
		const char *problem = NULL;
		if (strlen(s) != len) {
			problem = "holds a NUL byte";
		} else {
			switch (im->field_col[i]) {
			case IMPORT_REFERENCE:
				problem = check_reference(s, len, &row, buf, sizeof buf);
				ref_ok = !problem;
				break;
			case IMPORT_RECEIVED_ON:
				problem = check_date(s, len, &row, im->today, buf, sizeof buf);
				break;
			case IMPORT_CHANNEL:
				problem =
				    check_enum(s, report_channels, &row.channel, buf, sizeof buf);
				break;
			case IMPORT_REPORTER_ROLE:
				problem = check_enum(s, report_roles, &row.reporter_role, buf,
				                     sizeof buf);
				break;
			case IMPORT_ANONYMOUS: {
				int yn = 0;
				problem = check_enum(s, yes_no, &yn, buf, sizeof buf);
				row.anonymous = yn == 0;
				break;
			}
			case IMPORT_KIND:
				problem = check_enum(s, report_kinds, &row.kind, buf, sizeof buf);
				break;
			case IMPORT_FORMS:
				problem =
				    check_forms(s, len, &row, &shown, &shown_len, buf, sizeof buf);
				break;
			case IMPORT_DISTRICT:
				problem = check_district(im, s, len, &row, buf, sizeof buf);
				break;
			case IMPORT_CONCRETE:
				problem =
				    check_enum(s, report_concretes, &row.concrete, buf, sizeof buf);
				break;
			case IMPORT_STATUS:
				problem =
				    check_enum(s, report_statuses, &row.status, buf, sizeof buf);
				break;
			case IMPORT_OUTCOME:
				problem =
				    check_enum(s, report_outcomes, &row.outcome, buf, sizeof buf);
				break;
			case IMPORT_REPORTER_STATE:
				problem = check_opt_enum(s, report_states, &row.reporter_state,
				                         &row, buf, sizeof buf);
				break;
			case IMPORT_SECTOR:
				problem = check_opt_enum(s, report_sectors, &row.sector, &row, buf,
				                         sizeof buf);
				break;
			case IMPORT_FREQUENCY:
				problem = check_opt_enum(s, report_frequencies, &row.frequency,
				                         &row, buf, sizeof buf);
				break;
			case IMPORT_INVOLVED:
				problem = check_involved(s, len, &row, &shown, &shown_len, buf,
				                         sizeof buf);
				break;
			case IMPORT_PEOPLE:
				problem =
				    check_people(s, len, &row, &shown, &shown_len, buf, sizeof buf);
				break;
			default:
				problem = "is not a column";
				break;
			}
		}
		if (problem) {
			int c = im->field_col[i];
			import_add_error(im, line, 0, column_name(c), shown, shown_len, problem);
			ok = false;
		}
	}
	if (ok && row.reporter_state >= 0 &&
	    row.anonymous !=
	        (row.reporter_state == report_value_index(report_states, "anonymous"))) {
		import_add_error(im, line, 0, "reporter_state", report_states[row.reporter_state],
		                 strlen(report_states[row.reporter_state]),
		                 "does not agree with the column anonymous");
		ok = false;
	}
	if (ok && row.npeople && row.kind == REPORT_ADVICE) {
		import_add_error(im, line, 0, "people", NULL, 0,
		                 "is given for an advice request, which keeps no people");
		ok = false;
	}
	if (ref_ok) {
		if (push((void **)&im->refs, &im->nrefs, &im->caprefs, sizeof *im->refs))
			return -ENOMEM;
		im->refs[im->nrefs].line = line;
		memcpy(im->refs[im->nrefs].reference, row.reference, sizeof row.reference);
		im->nrefs++;
	}
	if (!ok)
		return 0;
	if (push((void **)&im->rows, &im->nrows, &im->caprows, sizeof *im->rows))
		return -ENOMEM;
	im->rows[im->nrows++] = row;
	return 0;
}

/* --- The file as a whole ------------------------------------------------- */

static int ref_cmp(const void *a, const void *b)
{
	const struct import_ref *x = a, *y = b;
	int c = strcmp(x->reference, y->reference);
	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int error_cmp(const void *a, const void *b)
{
	const struct import_error *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

int import_finish(struct import *im)
{
	if (im->nrefs > 1)
		qsort(im->refs, im->nrefs, sizeof *im->refs, ref_cmp);
	for (size_t i = 1, first = 0; i < im->nrefs; i++) {
		const struct import_ref *r = &im->refs[i];
		if (strcmp(im->refs[first].reference, r->reference) != 0) {
			first = i;
			continue;
		}
		char problem[96];
		snprintf(problem, sizeof problem, "appears again (first on line %lu)",
		         im->refs[first].line);
		import_add_error(im, r->line, 0, import_columns[IMPORT_REFERENCE], r->reference,
		                 strlen(r->reference), problem);
	}
	size_t kept = im->nerrors < IMPORT_MAX_ERRORS ? im->nerrors : IMPORT_MAX_ERRORS;
	/* insertion order breaks ties: a stable order for equal lines */
	for (size_t i = 1; i < kept; i++) {
		struct import_error e = im->errors[i];
		size_t j = i;
		while (j > 0 && error_cmp(&im->errors[j - 1], &e) > 0) {
			im->errors[j] = im->errors[j - 1];
			j--;
		}
		im->errors[j] = e;
	}
	return im->nerrors || !im->header_ok ? IMPORT_INVALID : 0;
}
