/* inbox: the pages of an organisation's reports that staff read
 * (store_inbox_page, store.h), and one report read whole
 * (store_report_get).
 *
 * Owns: reading one page in one statement; reading one report, always
 * through its organisation. What the page means (deadlines, the
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

/* acute_danger and suggestion, at c[11] and c[12]. */
static int inbox_cols(struct store_inbox_row *row, const struct store_val *c)
{
	if (c[11].type != STORE_INT)
		return -EIO;
	row->acute_danger = c[11].i != 0;
	if (c[12].type == STORE_TEXT) {
		row->suggestion = strndup(c[12].p, c[12].len);
		if (!row->suggestion)
			return -ENOMEM;
	} else if (c[12].type != STORE_NULL) {
		return -EIO;
	}
	return 0;
}

static int page_row(void *vctx, const struct store_val *c, size_t n)
{
	struct page_ctx *g = vctx;
	struct store_inbox_page *p = g->p;
	if (n != 15)
		return -EIO;
	if (p->n == g->cap)
		return -EIO; /* more reports than the LIMIT asked for */
	struct store_inbox_row *row = &p->rows[p->n];
	int rc = store_report_cols(&row->r, c);
	if (rc)
		return rc;
	p->n++;
	rc = inbox_cols(row, c);
	if (!rc)
		rc = store_report_forms_col(&row->r, &c[13]);
	if (rc)
		return rc;
	if (c[14].type != STORE_INT || c[14].i < 0)
		return -EIO;
	row->arrival = c[14].i;
	return 0;
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
	/* A form is one code: the filter looks for it between the spaces
	 * that separate a report's forms (STMT_INBOX_PAGE). */
	if (limit < 1 || limit > INBOX_PAGE_MAX + 1 || !str_is_id(org, ID_MAX_LEN) ||
	    (f->form && strchr(f->form, ' ')))
		return -EINVAL;
	/* The first page starts after a date later than any. */
	const char *on = "9999-12-31";
	int64_t arrival = INT64_MAX, id = INT64_MAX;
	if (after && after->received_on[0]) {
		if (strlen(after->received_on) != STORE_DATE_LEN || after->arrival < 0 ||
		    after->id < 1)
			return -EINVAL;
		on = after->received_on;
		arrival = after->arrival;
		id = after->id;
	}
	struct store_inbox_page p = {.rows = calloc(limit, sizeof *p.rows)};
	if (!p.rows)
		return -ENOMEM;
	struct page_ctx g = {.p = &p, .cap = limit};
	struct store_val v[] = {sv_text(org),
	                        sv_text(on),
	                        sv_int(arrival),
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

/* --- one report ------------------------------------------------------ */

struct get_ctx {
	struct store_report_full *r;
	bool found;
};

static int signal_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The forms and signals at c[16] and c[17]; the signals in byte order. */
static int lists_cols(struct store_report_full *r, const struct store_val *c)
{
	int rc = store_report_forms_col(&r->row.r, &c[16]);
	if (!rc)
		rc = store_codes_col(r->signals[0], sizeof r->signals[0], REPORT_MAX_SIGNALS,
		                     &r->nsignals, &c[17]);
	if (!rc)
		qsort(r->signals, r->nsignals, sizeof r->signals[0], signal_cmp);
	return rc;
}

static int get_row(void *vctx, const struct store_val *c, size_t n)
{
	struct get_ctx *g = vctx;
	struct store_report_full *r = g->r;
	if (n != 18 || g->found)
		return -EIO;
	g->found = true;
	int rc = store_report_cols(&r->row.r, c);
	if (!rc)
		rc = inbox_cols(&r->row, c);
	if (!rc)
		rc = lists_cols(r, c);
	if (!rc)
		rc = store_col_text(r->received_at, sizeof r->received_at, &c[13]);
	if (!rc && c[15].type == STORE_TEXT) {
		r->details = strndup(c[15].p, c[15].len);
		if (!r->details)
			rc = -ENOMEM;
	} else if (!rc && c[15].type != STORE_NULL) {
		rc = -EIO;
	}
	if (rc || c[14].type == STORE_NULL)
		return rc;
	if (c[14].type != STORE_BLOB || c[14].len == 0 || c[14].len > STORE_SEALED_MAX)
		return -EIO;
	r->sealed = malloc(c[14].len);
	if (!r->sealed)
		return -ENOMEM;
	memcpy(r->sealed, c[14].p, c[14].len);
	r->sealed_len = c[14].len;
	return 0;
}

void store_report_full_free(struct store_report_full *r)
{
	if (!r)
		return;
	free(r->row.suggestion);
	free(r->sealed);
	free(r->details);
	memset(r, 0, sizeof *r);
}

int store_report_get(struct store *s, const char *org, int64_t id, struct store_report_full *out)
{
	struct store_report_extra x = {0};
	return store_report_read(s, org, id, out, &x);
}

int store_report_read(struct store *s, const char *org, int64_t id, struct store_report_full *out,
                      struct store_report_extra *x)
{
	x->msgs = NULL;
	x->nmsgs = 0;
	x->history_total = 0;
	if (!str_is_id(org, ID_MAX_LEN) || id < 1)
		return STORE_NOT_FOUND;
	struct store_report_full *r = calloc(1, sizeof *r);
	if (!r)
		return -ENOMEM;
	struct get_ctx g = {.r = r};
	struct store_val p[] = {sv_text(org), sv_int(id)};
	/* The messages and the history are read in the same round trip as
	 * the report, before it is known to be org's: their statements filter
	 * on org themselves. */
	struct store_val q[] = {sv_int(id), sv_text(org)};
	struct store_msg_list msgs = {0};
	struct store_audit_object_q hq;
	struct store_call calls[3] = {
	    {STMT_REPORT_GET, p, 2, get_row, &g, 0},
	};
	size_t n = 1;
	if (x->messages)
		calls[n++] =
		    (struct store_call){STMT_MESSAGE_LIST_ORG, q, 2, store_msg_list_row, &msgs, 0};
	int rc = 0;
	if (x->history_row)
		rc = store_audit_object_call(&hq, org, x->history_object, x->history_limit,
		                             x->history_row, x->history_ctx, &x->history_total,
		                             &calls[n++]);
	if (!rc)
		rc = store_read_many(s, calls, n);
	if (!rc && !g.found)
		rc = STORE_NOT_FOUND;
	if (!rc) {
		store_report_full_free(out);
		*out = *r;
		x->msgs = msgs.v;
		x->nmsgs = msgs.n;
	} else {
		store_report_full_free(r);
		store_messages_free(msgs.v, msgs.n);
		x->history_total = 0;
	}
	free(r);
	return rc;
}

int store_org_reports_any(struct store *s, const char *org, bool *any)
{
	*any = false;
	struct store_val p[] = {sv_text(org)};
	return store_read_exec(s, STMT_ORG_REPORTS_ANY, p, 1, store_row_found, any);
}
