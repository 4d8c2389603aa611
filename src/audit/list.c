/* audit/list: see list.h. */
#include "audit/list.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "render/csv.h"
#include "util/str.h"

static bool date_ok(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static bool given(const char *s)
{
	return s && *s;
}

int audit_query_check(const struct audit_query *q)
{
	if (!q || !given(q->org) || !str_is_id(q->org, ID_MAX_LEN))
		return -EINVAL;
	if (q->action < -1 || q->action >= AUDIT__COUNT)
		return -EINVAL;
	/* The shapes of an entry's fields, checked by the one function that
	 * knows them. */
	struct audit_entry e = {.actor = given(q->actor) ? q->actor : AUDIT_ACTOR_SYSTEM,
	                        .object = q->object};
	if (!audit_entry_valid(&e))
		return -EINVAL;
	if ((given(q->from) && !date_ok(q->from)) || (given(q->until) && !date_ok(q->until)))
		return -EINVAL;
	return 0;
}

struct page_ctx {
	audit_row_fn fn;
	void *ctx;
	size_t limit, rows;
	int64_t last;
	bool more;
};

static int page_row(void *vctx, const struct store_audit_row *row)
{
	struct page_ctx *p = vctx;
	if (p->rows == p->limit) {
		p->more = true; /* the one extra row asked for */
		return 0;
	}
	p->rows++;
	p->last = row->seq;
	return p->fn(p->ctx, row);
}

/* The store's filter for q; until becomes a bound just past its day. */
static void to_filter(const struct audit_query *q, char until[16], struct store_audit_filter *f)
{
	until[0] = '\0';
	if (given(q->until))
		snprintf(until, 16, "%s~", q->until); /* '~' sorts after "T..." */
	*f = (struct store_audit_filter){
	    .org = q->org,
	    .actor = q->actor,
	    .action = q->action >= 0 ? audit_actions[q->action] : NULL,
	    .object = q->object,
	    .at_from = q->from,
	    .at_until = until,
	};
}

int audit_list(struct store *s, const struct audit_query *q, int64_t before, size_t limit,
               audit_row_fn fn, void *ctx, int64_t *next)
{
	*next = 0;
	if (audit_query_check(q) || limit < 1 || limit > AUDIT_PAGE_MAX || before < 0)
		return -EINVAL;
	char until[16];
	struct store_audit_filter f;
	to_filter(q, until, &f);
	struct page_ctx p = {.fn = fn, .ctx = ctx, .limit = limit};
	int rc = store_audit_page(s, &f, before ? before : INT64_MAX, limit + 1, page_row, &p);
	if (!rc && p.more)
		*next = p.last;
	return rc;
}

struct csv_ctx {
	struct csv_writer w;
	int64_t last;
	size_t rows;
};

static int csv_row(void *vctx, const struct store_audit_row *r)
{
	struct csv_ctx *c = vctx;
	char seq[24];
	snprintf(seq, sizeof seq, "%lld", (long long)r->seq);
	const char *v[] = {seq, r->at, r->actor, r->org, r->action, r->object, r->result};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		csv_field(&c->w, v[i]);
	c->last = r->seq;
	c->rows++;
	return csv_end_row(&c->w);
}

int audit_csv(struct store *s, const struct audit_query *q, FILE *f, bool excel)
{
	if (audit_query_check(q))
		return -EINVAL;
	static const char *const head[] = {"number", "time",   "actor", "organisation",
	                                   "action", "object", "result"};
	char until[16];
	struct store_audit_filter filt;
	to_filter(q, until, &filt);
	struct csv_ctx c = {.last = INT64_MAX};
	csv_writer_init(&c.w, f, excel);
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		csv_field(&c.w, head[i]);
	int rc = csv_end_row(&c.w);
	do {
		c.rows = 0;
		if (!rc)
			rc = store_audit_page(s, &filt, c.last, AUDIT_VERIFY_BATCH, csv_row, &c);
	} while (!rc && c.rows == AUDIT_VERIFY_BATCH);
	int fe = csv_writer_finish(&c.w);
	return rc ? rc : fe;
}
