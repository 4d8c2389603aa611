/* store/audit: the rows of the audit log and its head (store/audit.h).
 * Written against the backend vtable only, like store.c. */
#include "store/audit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"

static struct store_val sv_opt(const char *s)
{
	if (s && *s)
		return sv_text(s);
	return (struct store_val){.type = STORE_NULL};
}

struct head_ctx {
	struct buf *out;
	bool found;
};

static int head_row(void *vctx, const struct store_val *c, size_t n)
{
	struct head_ctx *h = vctx;
	if (n != 1 || c[0].type != STORE_TEXT)
		return -EIO;
	h->found = true;
	buf_reset(h->out);
	return buf_append(h->out, c[0].p, c[0].len);
}

static bool fits(const char *s, size_t max, bool required)
{
	size_t n = strnlen(s, max + 1);
	return n <= max && (n > 0 || !required);
}

static bool row_valid(const struct store_audit_row *r)
{
	return r->seq > 0 && fits(r->at, STORE_TIME_LEN, true) &&
	       fits(r->actor, AUDIT_ACTOR_MAX_LEN, true) && fits(r->org, ID_MAX_LEN, false) &&
	       fits(r->action, STORE_AUDIT_CODE_MAX, true) &&
	       fits(r->object, AUDIT_OBJECT_MAX_LEN, false) &&
	       fits(r->result, STORE_AUDIT_CODE_MAX, true) && r->mac_len > 0 &&
	       r->mac_len <= STORE_AUDIT_MAC_MAX;
}

struct mac_ctx {
	unsigned char *mac;
	size_t *len;
	bool found;
};

static int mac_row(void *vctx, const struct store_val *c, size_t n)
{
	struct mac_ctx *m = vctx;
	if (n != 1)
		return -EIO;
	m->found = true;
	*m->len = 0;
	/* Anything but a MAC's bytes is a MAC that does not match. */
	if (c[0].type == STORE_BLOB && c[0].len <= STORE_AUDIT_MAC_MAX) {
		memcpy(m->mac, c[0].p, c[0].len);
		*m->len = c[0].len;
	}
	return 0;
}

struct last_ctx {
	struct mac_ctx m;
	int64_t *seq;
};

static int last_row(void *vctx, const struct store_val *c, size_t n)
{
	struct last_ctx *l = vctx;
	if (n != 2 || c[0].type != STORE_INT)
		return -EIO;
	*l->seq = c[0].i;
	return mac_row(&l->m, &c[1], 1);
}

int store_tx_audit_head_lock_last(struct store_tx *tx, const char *key, struct buf *out,
                                  int64_t *last_seq, unsigned char *mac, size_t *len)
{
	*last_seq = 0;
	*len = 0;
	struct head_ctx h = {out, false};
	struct last_ctx l = {{mac, len, false}, last_seq};
	struct store_val p[] = {sv_text(key)};
	struct store_call calls[] = {
	    {STMT_AUDIT_HEAD_LOCK, p, 1, head_row, &h, 0},
	    {STMT_AUDIT_LAST, NULL, 0, last_row, &l, 0},
	};
	int rc = store_tx_exec_many(tx, calls, 2);
	if (!rc && !h.found)
		rc = STORE_NOT_FOUND;
	return rc;
}

int store_tx_audit_insert_many(struct store_tx *tx, const struct store_audit_row *rows, size_t n,
                               const char *key, const char *value)
{
	if (n == 0 || n > AUDIT_GROUP_MAX || strlen(value) > SETTING_VALUE_MAX_LEN)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!row_valid(&rows[i]))
			return -EINVAL;
	/* Per row its insert; per (organisation, object) among them one raise
	 * of its count (migration 13) by its rows; then the head. */
	struct store_val(*p)[8] = calloc(n, sizeof *p);
	struct store_val(*cp)[3] = calloc(n, sizeof *cp);
	struct store_call *calls = calloc(2 * n + 1, sizeof *calls);
	int rc = p && cp && calls ? 0 : -ENOMEM;
	size_t ncalls = 0, ncounts = 0;
	bool found = false;
	struct store_val h[] = {sv_text(key), sv_text(value)};
	for (size_t i = 0; !rc && i < n; i++) {
		const struct store_audit_row *r = &rows[i];
		struct store_val v[] = {
		    sv_int(r->seq),     sv_text(r->at),
		    sv_text(r->actor),  sv_opt(r->org),
		    sv_text(r->action), sv_opt(r->object),
		    sv_text(r->result), {.type = STORE_BLOB, .p = r->mac, .len = r->mac_len}};
		memcpy(p[i], v, sizeof v);
		calls[ncalls++] = (struct store_call){STMT_AUDIT_INSERT, p[i], 8, NULL, NULL, 0};
		if (!r->org[0] || !r->object[0])
			continue;
		size_t k = 0;
		while (k < ncounts && (strcmp(cp[k][0].p, r->org) || strcmp(cp[k][1].p, r->object)))
			k++;
		if (k == ncounts) {
			cp[k][0] = sv_text(r->org);
			cp[k][1] = sv_text(r->object);
			cp[k][2] = sv_int(0);
			ncounts++;
		}
		cp[k][2].i++;
	}
	for (size_t k = 0; !rc && k < ncounts; k++)
		calls[ncalls++] =
		    (struct store_call){STMT_AUDIT_COUNT_ADD, cp[k], 3, NULL, NULL, 0};
	if (!rc) {
		calls[ncalls++] =
		    (struct store_call){STMT_AUDIT_HEAD_SET, h, 2, store_row_found, &found, 0};
		rc = store_tx_exec_many(tx, calls, ncalls);
	}
	if (!rc && !found)
		rc = STORE_NOT_FOUND;
	free(p);
	free(cp);
	free(calls);
	return rc;
}

struct head_max_ctx {
	struct buf *head;
	bool *have;
	int64_t *max;
	bool row;
};

static int head_max_row(void *vctx, const struct store_val *c, size_t n)
{
	struct head_max_ctx *h = vctx;
	if (n != 2 || c[1].type != STORE_INT)
		return -EIO;
	h->row = true;
	*h->max = c[1].i;
	buf_reset(h->head);
	if (c[0].type == STORE_NULL)
		return 0;
	if (c[0].type != STORE_TEXT)
		return -EIO;
	*h->have = true;
	return buf_append(h->head, c[0].p, c[0].len);
}

int store_audit_head_and_max(struct store *s, const char *key, struct buf *head, bool *have_head,
                             int64_t *max_seq)
{
	*have_head = false;
	*max_seq = 0;
	struct head_max_ctx h = {head, have_head, max_seq, false};
	struct store_val p[] = {sv_text(key)};
	int rc = store_read_exec(s, STMT_AUDIT_HEAD_MAX, p, 1, head_max_row, &h);
	if (!rc && !h.row)
		rc = -EIO;
	return rc;
}

struct range_ctx {
	store_audit_fn fn;
	void *ctx;
	struct store_audit_row row;
};

static int range_row(void *vctx, const struct store_val *c, size_t n)
{
	struct range_ctx *r = vctx;
	struct store_audit_row *w = &r->row;
	if (n != 8 || c[0].type != STORE_INT)
		return -EIO;
	w->seq = c[0].i;
	int rc = store_col_text(w->at, sizeof w->at, &c[1]);
	if (!rc)
		rc = store_col_text(w->actor, sizeof w->actor, &c[2]);
	if (!rc)
		rc = store_col_text(w->org, sizeof w->org, &c[3]);
	if (!rc)
		rc = store_col_text(w->action, sizeof w->action, &c[4]);
	if (!rc)
		rc = store_col_text(w->object, sizeof w->object, &c[5]);
	if (!rc)
		rc = store_col_text(w->result, sizeof w->result, &c[6]);
	if (!rc && (c[7].type != STORE_BLOB || c[7].len > STORE_AUDIT_MAC_MAX))
		rc = -EIO;
	if (rc) {
		/* A value that does not fit no append could have written: show
		 * it to the checker as a row that fails its MAC. */
		w->at[0] = '\0';
		w->actor[0] = '\0';
		w->mac_len = 0;
	} else {
		memcpy(w->mac, c[7].p, c[7].len);
		w->mac_len = c[7].len;
	}
	return r->fn(r->ctx, w);
}

int store_audit_range(struct store *s, int64_t after, int64_t upto, size_t limit, store_audit_fn fn,
                      void *ctx)
{
	struct range_ctx r = {.fn = fn, .ctx = ctx};
	struct store_val p[] = {sv_int(after), sv_int(upto), sv_int((int64_t)limit)};
	return store_read_exec(s, STMT_AUDIT_RANGE, p, 3, range_row, &r);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

int store_audit_page(struct store *s, const struct store_audit_filter *f, int64_t before,
                     size_t limit, store_audit_fn fn, void *ctx)
{
	if (!f->org || !*f->org)
		return -EINVAL;
	struct range_ctx r = {.fn = fn, .ctx = ctx};
	const char *until = f->at_until && *f->at_until ? f->at_until : "~";
	struct store_val p[] = {sv_text(f->org),
	                        sv_text(or_empty(f->actor)),
	                        sv_text(or_empty(f->action)),
	                        sv_text(or_empty(f->object)),
	                        sv_text(or_empty(f->at_from)),
	                        sv_text(until),
	                        sv_int(before),
	                        sv_int((int64_t)limit)};
	return store_read_exec(s, STMT_AUDIT_PAGE, p, 8, range_row, &r);
}

static int object_row(void *vctx, const struct store_val *c, size_t n)
{
	struct store_audit_object_q *o = vctx;
	struct store_audit_row *w = &o->row;
	if (n != 6 || c[0].type != STORE_INT || c[5].type != STORE_INT)
		return -EIO;
	w->seq = c[0].i;
	*o->total = c[5].i;
	int rc = store_col_text(w->at, sizeof w->at, &c[1]);
	if (!rc)
		rc = store_col_text(w->actor, sizeof w->actor, &c[2]);
	if (!rc)
		rc = store_col_text(w->action, sizeof w->action, &c[3]);
	if (!rc)
		rc = store_col_text(w->result, sizeof w->result, &c[4]);
	return rc ? rc : o->fn(o->ctx, w);
}

int store_audit_object_call(struct store_audit_object_q *q, const char *org, const char *object,
                            size_t limit, store_audit_fn fn, void *ctx, int64_t *total,
                            struct store_call *call)
{
	*total = 0;
	if (!org || !*org || !object || !*object || limit < 1 || strlen(org) > ID_MAX_LEN ||
	    strlen(object) > AUDIT_OBJECT_MAX_LEN)
		return -EINVAL;
	memset(q, 0, sizeof *q);
	q->fn = fn;
	q->ctx = ctx;
	q->total = total;
	snprintf(q->row.org, sizeof q->row.org, "%s", org);
	snprintf(q->row.object, sizeof q->row.object, "%s", object);
	q->p[0] = sv_text(org);
	q->p[1] = sv_text(object);
	q->p[2] = sv_int((int64_t)limit);
	*call = (struct store_call){STMT_AUDIT_OBJECT, q->p, 3, object_row, q, 0};
	return 0;
}

int store_audit_object(struct store *s, const char *org, const char *object, size_t limit,
                       store_audit_fn fn, void *ctx, int64_t *total)
{
	struct store_audit_object_q q;
	struct store_call call;
	int rc = store_audit_object_call(&q, org, object, limit, fn, ctx, total, &call);
	return rc ? rc : store_read_exec(s, call.id, call.params, call.nparams, call.row, call.ctx);
}
