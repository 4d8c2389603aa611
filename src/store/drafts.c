/* drafts: the store operations on drafts of the report form (schema:
 * migration 6 in migrate.c). The store holds sealed bytes only; sealing,
 * the id and the expiry are domain/draft.c's. */
#include "store/store.h"

#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "store/backend.h"

static struct store_val sv_blob(const void *p, size_t len)
{
	return (struct store_val){.type = STORE_BLOB, .p = p, .len = len};
}

/* Copies a blob column into out (wiping what it held); NULL leaves *has
 * false. */
static int col_blob(const struct store_val *v, struct buf *out, bool *has)
{
	*has = false;
	if (v->type == STORE_NULL)
		return 0;
	if (v->type != STORE_BLOB && v->type != STORE_TEXT)
		return -EIO;
	if (!out)
		return 0;
	if (out->data)
		sodium_memzero(out->data, out->cap);
	buf_reset(out);
	if (v->len && buf_append(out, v->p, v->len))
		return -ENOMEM;
	*has = true;
	return 0;
}

struct get_ctx {
	struct store_draft *out;
	bool found;
};

static int get_row(void *vctx, const struct store_val *c, size_t n)
{
	struct get_ctx *g = vctx;
	if (n != 3 || c[0].type != STORE_INT)
		return -EIO;
	g->found = true;
	g->out->seal_id = c[0].i;
	int rc = col_blob(&c[1], g->out->sealed, &g->out->has_sealed);
	return rc ? rc : col_blob(&c[2], g->out->receipt, &g->out->has_receipt);
}

int store_draft_get(struct store *s, const unsigned char id[STORE_DRAFT_ID_BYTES], const char *org,
                    const char *now, struct store_draft *out)
{
	if (!s || !id || !org || !now || !out)
		return -EINVAL;
	out->has_sealed = out->has_receipt = false;
	struct get_ctx g = {out, false};
	struct store_val p[] = {sv_blob(id, STORE_DRAFT_ID_BYTES), sv_text(org), sv_text(now)};
	int rc = store_read_exec(s, STMT_DRAFT_GET, p, 3, get_row, &g);
	if (!rc && !g.found)
		rc = STORE_NOT_FOUND;
	return rc;
}

struct put_ctx {
	const unsigned char *id;
	const char *org, *expires_at, *now;
	int64_t seal_id;
	const void *sealed;
	size_t len;
};

static int put_txn(struct store_tx *tx, void *vctx)
{
	struct put_ctx *c = vctx;
	struct store_val now[] = {sv_text(c->now)};
	int rc = store_tx_exec(tx, STMT_DRAFT_PURGE, now, 1, NULL, NULL);
	if (rc)
		return rc;
	struct store_val p[] = {sv_blob(c->id, STORE_DRAFT_ID_BYTES), sv_text(c->org),
	                        sv_int(c->seal_id), sv_text(c->expires_at),
	                        sv_blob(c->sealed, c->len)};
	return store_tx_exec(tx, STMT_DRAFT_PUT, p, 5, NULL, NULL);
}

int store_draft_put(struct store *s, const unsigned char id[STORE_DRAFT_ID_BYTES], const char *org,
                    int64_t seal_id, const char *expires_at, const char *now, const void *sealed,
                    size_t len)
{
	if (!s || !id || !org || !expires_at || !now || !sealed || !len)
		return -EINVAL;
	struct put_ctx c = {id, org, expires_at, now, seal_id, sealed, len};
	return store_txn(s, put_txn, &c);
}

struct take_ctx {
	const unsigned char *id;
	const char *org, *now;
	int64_t *seal_id;
	struct buf *out;
	bool found;
};

static int take_txn(struct store_tx *tx, void *vctx)
{
	struct take_ctx *t = vctx;
	t->found = false;
	struct buf receipt = BUF_INIT;
	struct store_draft dr = {.sealed = t->out, .receipt = &receipt};
	struct get_ctx g = {&dr, false};
	struct store_val p[] = {sv_blob(t->id, STORE_DRAFT_ID_BYTES), sv_text(t->org),
	                        sv_text(t->now)};
	int rc = store_tx_exec(tx, STMT_DRAFT_GET, p, 3, get_row, &g);
	buf_free(&receipt);
	if (rc || !g.found || !dr.has_sealed || dr.has_receipt)
		return rc;
	int64_t taken = 0;
	rc = store_tx_exec(tx, STMT_DRAFT_TAKE, p, 1, store_row_int, &taken);
	if (!rc && taken == dr.seal_id) {
		*t->seal_id = dr.seal_id;
		t->found = true;
	}
	return rc;
}

int store_draft_take(struct store *s, const unsigned char id[STORE_DRAFT_ID_BYTES], const char *org,
                     const char *now, int64_t *seal_id, struct buf *out)
{
	if (!s || !id || !org || !now || !seal_id || !out)
		return -EINVAL;
	struct take_ctx t = {id, org, now, seal_id, out, false};
	int rc = store_txn(s, take_txn, &t);
	if (!rc && !t.found)
		rc = STORE_NOT_FOUND;
	return rc;
}

struct sent_ctx {
	const unsigned char *id;
	const void *receipt;
	size_t len;
	const void *sealed;
	size_t sealed_len;
};

static int sent_txn(struct store_tx *tx, void *vctx)
{
	struct sent_ctx *c = vctx;
	struct store_val p[] = {sv_blob(c->id, STORE_DRAFT_ID_BYTES), sv_blob(c->receipt, c->len),
	                        sv_blob(c->sealed, c->sealed_len)};
	return store_tx_exec(tx, STMT_DRAFT_SENT, p, 3, NULL, NULL);
}

int store_draft_sent(struct store *s, const unsigned char id[STORE_DRAFT_ID_BYTES],
                     const void *receipt, size_t len, const void *sealed, size_t sealed_len)
{
	if (!s || !id || !receipt || !len || !sealed || !sealed_len)
		return -EINVAL;
	struct sent_ctx c = {id, receipt, len, sealed, sealed_len};
	return store_txn(s, sent_txn, &c);
}

static int delete_txn(struct store_tx *tx, void *vctx)
{
	struct store_val p[] = {sv_blob(vctx, STORE_DRAFT_ID_BYTES)};
	return store_tx_exec(tx, STMT_DRAFT_DELETE, p, 1, NULL, NULL);
}

int store_draft_delete(struct store *s, const unsigned char id[STORE_DRAFT_ID_BYTES])
{
	if (!s || !id)
		return -EINVAL;
	return store_txn(s, delete_txn, (void *)id);
}

struct claim_ctx {
	const unsigned char *id;
	const char *org, *expires_at, *now;
	bool claimed;
};

static int claim_txn(struct store_tx *tx, void *vctx)
{
	struct claim_ctx *c = vctx;
	c->claimed = false;
	struct store_val now[] = {sv_text(c->now)};
	int rc = store_tx_exec(tx, STMT_DRAFT_PURGE, now, 1, NULL, NULL);
	if (rc)
		return rc;
	struct store_val p[] = {sv_blob(c->id, STORE_DRAFT_ID_BYTES), sv_text(c->org), sv_int(1),
	                        sv_text(c->expires_at)};
	return store_tx_exec(tx, STMT_DRAFT_CLAIM, p, 4, store_row_found, &c->claimed);
}

int store_draft_claim(struct store *s, const unsigned char id[STORE_DRAFT_ID_BYTES],
                      const char *org, const char *expires_at, const char *now)
{
	if (!s || !id || !org || !expires_at || !now)
		return -EINVAL;
	struct claim_ctx c = {id, org, expires_at, now, false};
	int rc = store_txn(s, claim_txn, &c);
	if (!rc && !c.claimed)
		rc = STORE_DUPLICATE;
	return rc;
}
