/* inbox: the pages of an organisation's reports that staff read
 * (store_inbox_page, store.h).
 *
 * Owns: reading one page in one statement and grouping its rows (one per
 * report and form) into reports. What the page means (deadlines, the
 * cursor's form, who may read it) is the domain's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/store.h"
#include "util/str.h"

struct page_ctx {
	struct store_inbox_page *p;
	size_t cap;
};

static int page_row(void *vctx, const struct store_val *c, size_t n)
{
	struct page_ctx *g = vctx;
	struct store_inbox_page *p = g->p;
	if (n != 14 || c[11].type != STORE_INT)
		return -EIO;
	struct store_inbox_row *last = p->n ? &p->rows[p->n - 1] : NULL;
	if (!last || c[0].type != STORE_INT || last->r.id != c[0].i) {
		if (p->n == g->cap)
			return -EIO; /* more reports than the LIMIT asked for */
		last = &p->rows[p->n];
		int rc = store_report_cols(&last->r, c);
		if (rc)
			return rc;
		p->n++;
		last->acute_danger = c[11].i != 0;
		if (c[12].type == STORE_TEXT) {
			last->suggestion = strndup(c[12].p, c[12].len);
			if (!last->suggestion)
				return -ENOMEM;
		} else if (c[12].type != STORE_NULL) {
			return -EIO;
		}
	}
	return store_report_form_col(&last->r, &c[13]);
}

void store_inbox_page_free(struct store_inbox_page *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->rows[i].suggestion);
	free(p->rows);
	p->rows = NULL;
	p->n = 0;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

int store_inbox_page(struct store *s, const char *org, const struct store_inbox_filter *f,
                     const struct store_inbox_after *after, size_t limit,
                     struct store_inbox_page *out)
{
	static const struct store_inbox_filter none = {0};
	if (!f)
		f = &none;
	if (limit < 1 || limit > INBOX_PAGE_MAX + 1 || !str_is_id(org, ID_MAX_LEN))
		return -EINVAL;
	/* The first page starts after a date later than any. */
	const char *on = "9999-12-31";
	int64_t id = INT64_MAX;
	if (after && after->received_on[0]) {
		if (strlen(after->received_on) != STORE_DATE_LEN || after->id < 1)
			return -EINVAL;
		on = after->received_on;
		id = after->id;
	}
	struct store_inbox_page p = {.rows = calloc(limit, sizeof *p.rows)};
	if (!p.rows)
		return -ENOMEM;
	struct page_ctx g = {.p = &p, .cap = limit};
	struct store_val v[] = {sv_text(org),
	                        sv_text(on),
	                        sv_int(id),
	                        sv_text(or_empty(f->status)),
	                        sv_text(or_empty(f->district)),
	                        sv_text(or_empty(f->form)),
	                        sv_text(or_empty(f->received_by)),
	                        sv_int((int64_t)limit)};
	int rc = store_read_exec(s, STMT_INBOX_PAGE, v, sizeof v / sizeof v[0], page_row, &g);
	if (rc) {
		store_inbox_page_free(&p);
		return rc;
	}
	store_inbox_page_free(out);
	*out = p;
	return 0;
}
