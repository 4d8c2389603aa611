/* csv: the formula-safe CSV writer; see csv.h for the rules. */
#include "render/csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

/* --- Writing ------------------------------------------------------------ */

bool csv_formula_risky(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] == '\'')
		i++;
	if (i == n)
		return false;
	switch (s[i]) {
	case '=':
	case '+':
	case '-':
	case '@':
	case '\t':
	case '\r':
		return true;
	default:
		return false;
	}
}

const char *csv_unescape_formula(const char *s)
{
	if (s && s[0] == '\'' && csv_formula_risky(s + 1, strlen(s + 1)))
		return s + 1;
	return s;
}

/* The character (or ill-formed part) at s[0..n), n > 0: returns its
 * length in bytes and sets *with to what it becomes (csv.h, "Writing"),
 * or to NULL when it stays as it is. */
static size_t char_at(const char *s, size_t n, const char **with, size_t *withlen)
{
	static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
	*with = NULL;
	if ((unsigned char)s[0] < 0x80)
		return 1;
	uint32_t cp;
	int len = str_utf8_next(s, n, &cp);
	if (len < 0 || str_cp_hidden_format(cp)) {
		*with = replacement;
		*withlen = 3;
	}
	return (size_t)(len < 0 ? -len : len);
}

/* s[0..n) made safe to show into *tmp, with *changed true; *changed false
 * (tmp untouched) when it was safe already. 0 or -ENOMEM. */
static int neutralise(const char *s, size_t n, struct buf *tmp, bool *changed)
{
	size_t from = 0;
	*changed = false;
	for (size_t i = 0; i < n;) {
		const char *with;
		size_t withlen, len = char_at(s + i, n - i, &with, &withlen);
		if (with) {
			*changed = true;
			if (buf_append(tmp, s + from, i - from) || buf_append(tmp, with, withlen))
				return -ENOMEM;
			from = i + len;
		}
		i += len;
	}
	if (*changed && buf_append(tmp, s + from, n - from))
		return -ENOMEM;
	return 0;
}

int csv_append_field(struct buf *out, const char *s, size_t n, char sep)
{
	struct buf tmp = BUF_INIT;
	bool changed;
	if (n > BUF_MAX || neutralise(s, n, &tmp, &changed)) {
		buf_free(&tmp);
		return -ENOMEM;
	}
	if (changed) {
		/* Once more with the safe text, which has nothing to change. */
		int rc = csv_append_field(out, tmp.data, tmp.len, sep);
		buf_free(&tmp);
		return rc;
	}
	bool risky = csv_formula_risky(s, n);
	bool quote = risky;
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == sep || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	size_t quotes = 0;
	for (size_t i = 0; i < n; i++)
		quotes += s[i] == '"';
	if (n > BUF_MAX || buf_reserve(out, n + quotes + 3) != 0)
		return -ENOMEM;
	if (quote)
		buf_putc(out, '"');
	if (risky)
		buf_putc(out, '\'');
	size_t from = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '"')
			continue;
		buf_append(out, s + from, i + 1 - from); /* the quote, then again */
		from = i;
	}
	buf_append(out, s + from, n - from);
	if (quote)
		buf_putc(out, '"');
	return 0;
}

void csv_writer_init(struct csv_writer *w, FILE *f, bool excel)
{
	memset(w, 0, sizeof *w);
	w->f = f;
	w->sep = excel ? ';' : ',';
	w->bom = excel;
}

int csv_field(struct csv_writer *w, const char *s)
{
	if (w->err)
		return w->err;
	if (!s)
		s = "";
	if ((w->nfields && buf_putc(&w->row, w->sep) != 0) ||
	    csv_append_field(&w->row, s, strlen(s), w->sep) != 0)
		return w->err = -ENOMEM;
	w->nfields++;
	return 0;
}

int csv_end_row(struct csv_writer *w)
{
	if (w->err)
		return w->err;
	if (buf_puts(&w->row, "\r\n") != 0)
		return w->err = -ENOMEM;
	if (w->bom) {
		w->bom = false;
		if (fwrite("\xEF\xBB\xBF", 1, 3, w->f) != 3)
			return w->err = -EIO;
	}
	if (fwrite(w->row.data, 1, w->row.len, w->f) != w->row.len)
		return w->err = -EIO;
	buf_reset(&w->row);
	w->nfields = 0;
	return 0;
}

int csv_writer_finish(struct csv_writer *w)
{
	buf_free(&w->row);
	if (!w->err && fflush(w->f) != 0)
		w->err = -EIO;
	return w->err;
}
