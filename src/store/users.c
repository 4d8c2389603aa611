/* users: staff accounts, recovery codes, sessions and API tokens. See
 * users.h. Written against the backend vtable only, like store.c. */
#include "store/users.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "util/str.h"

static struct store_val sv_blob(const void *p, size_t len)
{
	return (struct store_val){.type = STORE_BLOB, .p = p, .len = len};
}

static struct store_val sv_null(void)
{
	return (struct store_val){.type = STORE_NULL};
}

static struct store_val sv_bool(bool b)
{
	return sv_int(b ? 1 : 0);
}

/* --- reads and writes through either a transaction or a read ------------- */

struct where {
	struct store *s;
	struct store_tx *tx;
};

static int run(struct where w, enum stmt_id id, const struct store_val *p, size_t n,
               store_row_fn row, void *ctx)
{
	return w.tx ? store_tx_exec(w.tx, id, p, n, row, ctx)
	            : store_read_exec(w.s, id, p, n, row, ctx);
}

/* An UPDATE/DELETE ... RETURNING of one row: STORE_NOT_FOUND without. */
static int change(struct store_tx *tx, enum stmt_id id, const struct store_val *p, size_t n)
{
	bool found = false;
	int rc = store_tx_exec(tx, id, p, n, store_row_found, &found);
	if (rc)
		return rc;
	return found ? 0 : STORE_NOT_FOUND;
}

static bool valid_login(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > USER_LOGIN_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* --- users --------------------------------------------------------------- */

static int col_bool(const struct store_val *v, bool *out)
{
	if (v->type != STORE_INT || v->i < 0 || v->i > 1)
		return -EIO;
	*out = v->i == 1;
	return 0;
}

static int user_row(void *ctx, const struct store_val *c, size_t n)
{
	struct store_user *u = ctx;
	if (n != 13 || c[0].type != STORE_INT || c[3].type != STORE_INT ||
	    c[10].type != STORE_INT || c[11].type != STORE_INT || c[12].type != STORE_INT)
		return -EIO;
	memset(u, 0, sizeof *u);
	u->id = c[0].i;
	int rc = store_col_text(u->org, sizeof u->org, &c[1]);
	if (!rc)
		rc = store_col_text(u->login, sizeof u->login, &c[2]);
	if (!rc)
		rc = store_col_text(u->password_hash, sizeof u->password_hash, &c[5]);
	if (!rc)
		rc = col_bool(&c[4], &u->af);
	if (!rc)
		rc = col_bool(&c[6], &u->must_change);
	if (!rc)
		rc = col_bool(&c[7], &u->disabled);
	if (!rc)
		rc = col_bool(&c[9], &u->totp_enrolled);
	if (rc)
		return rc;
	if (c[8].type == STORE_BLOB) {
		if (c[8].len > sizeof u->totp_sealed)
			return -EIO;
		memcpy(u->totp_sealed, c[8].p, c[8].len);
		u->totp_sealed_len = c[8].len;
	} else if (c[8].type != STORE_NULL) {
		return -EIO;
	}
	u->roles = (unsigned)c[3].i;
	u->totp_last_step = c[10].i;
	u->failed_count = c[11].i;
	u->throttle_until = c[12].i;
	return 0;
}

static int user_get(struct where w, enum stmt_id id, struct store_val key, struct store_user *out)
{
	out->id = 0;
	int rc = run(w, id, &key, 1, user_row, out);
	if (rc)
		return rc;
	return out->id ? 0 : STORE_NOT_FOUND;
}

int store_user_by_login(struct store *s, const char *login, struct store_user *out)
{
	if (!valid_login(login))
		return STORE_NOT_FOUND;
	return user_get((struct where){.s = s}, STMT_USER_BY_LOGIN, sv_text(login), out);
}

int store_tx_user_by_login(struct store_tx *tx, const char *login, struct store_user *out)
{
	if (!valid_login(login))
		return STORE_NOT_FOUND;
	return user_get((struct where){.tx = tx}, STMT_USER_BY_LOGIN, sv_text(login), out);
}

int store_user_by_id(struct store *s, int64_t id, struct store_user *out)
{
	return user_get((struct where){.s = s}, STMT_USER_BY_ID, sv_int(id), out);
}

int store_tx_user_by_id(struct store_tx *tx, int64_t id, struct store_user *out)
{
	return user_get((struct where){.tx = tx}, STMT_USER_BY_ID, sv_int(id), out);
}

int store_tx_user_insert(struct store_tx *tx, const struct store_user *u)
{
	size_t hl = strlen(u->password_hash);
	if (u->id <= 0 || !str_is_id(u->org, ID_MAX_LEN) || !valid_login(u->login) || hl == 0 ||
	    !str_text_valid(u->password_hash, hl, false))
		return -EINVAL;
	bool found = false;
	struct store_val k[] = {sv_text(u->org)};
	int rc = store_tx_exec(tx, STMT_ORG_EXISTS, k, 1, store_row_found, &found);
	if (rc)
		return rc;
	if (!found)
		return STORE_NOT_FOUND;
	struct store_val l[] = {sv_text(u->login)};
	found = false;
	rc = store_tx_exec(tx, STMT_USER_LOGIN_EXISTS, l, 1, store_row_found, &found);
	if (rc)
		return rc;
	if (found)
		return STORE_CONFLICT;
	struct store_val i[] = {sv_int(u->id)};
	rc = store_tx_exec(tx, STMT_USER_ID_EXISTS, i, 1, store_row_found, &found);
	if (rc)
		return rc;
	if (found)
		return STORE_DUPLICATE;
	char now[STORE_TIME_LEN + 1];
	store_now(now);
	struct store_val p[] = {sv_int(u->id),           sv_text(u->org), sv_text(u->login),
	                        sv_int(u->roles),        sv_bool(u->af),  sv_text(u->password_hash),
	                        sv_bool(u->must_change), sv_text(now)};
	rc = store_tx_exec(tx, STMT_USER_INSERT, p, 8, NULL, NULL);
	return rc > 0 ? -EIO : rc;
}

struct list_ctx {
	store_user_fn fn;
	void *ctx;
	size_t n;
};

static int list_row(void *vctx, const struct store_val *c, size_t n)
{
	struct list_ctx *l = vctx;
	if (l->n++ >= USER_LIST_MAX)
		return STORE_LIMIT;
	struct store_user u;
	int rc = user_row(&u, c, n);
	return rc ? rc : l->fn(l->ctx, &u);
}

int store_user_list(struct store *s, const char *org, store_user_fn fn, void *ctx)
{
	struct list_ctx l = {fn, ctx, 0};
	if (org) {
		struct store_val p[] = {sv_text(org)};
		int rc = store_read_exec(s, STMT_USER_LIST_ORG, p, 1, list_row, &l);
		return rc == STORE_LIMIT ? 0 : rc;
	}
	int rc = store_read_exec(s, STMT_USER_LIST_ALL, NULL, 0, list_row, &l);
	return rc == STORE_LIMIT ? 0 : rc;
}

int store_tx_user_set_password(struct store_tx *tx, int64_t id, const char *hash, bool must_change)
{
	size_t hl = hash ? strlen(hash) : 0;
	if (hl == 0 || hl > STORE_PWHASH_MAX)
		return -EINVAL;
	struct store_val p[] = {sv_int(id), sv_text(hash), sv_bool(must_change)};
	return change(tx, STMT_USER_SET_PASSWORD, p, 3);
}

int store_tx_user_set_disabled(struct store_tx *tx, int64_t id, bool disabled)
{
	struct store_val p[] = {sv_int(id), sv_bool(disabled)};
	return change(tx, STMT_USER_SET_DISABLED, p, 2);
}

int store_tx_user_set_roles(struct store_tx *tx, int64_t id, unsigned roles, bool af)
{
	struct store_val p[] = {sv_int(id), sv_int(roles), sv_bool(af)};
	return change(tx, STMT_USER_SET_ROLES, p, 3);
}

int store_tx_user_set_failed(struct store_tx *tx, int64_t id, int64_t count, int64_t until)
{
	struct store_val p[] = {sv_int(id), sv_int(count), sv_int(until)};
	return change(tx, STMT_USER_SET_FAILED, p, 3);
}

int store_tx_user_set_totp(struct store_tx *tx, int64_t id, const void *sealed, size_t len,
                           bool enrolled, int64_t last_step)
{
	if (len > STORE_TOTP_SEALED_MAX || (len && !sealed))
		return -EINVAL;
	struct store_val p[] = {sv_int(id), len ? sv_blob(sealed, len) : sv_null(),
	                        sv_bool(enrolled), sv_int(last_step)};
	return change(tx, STMT_USER_SET_TOTP, p, 4);
}

int store_tx_user_totp_step(struct store_tx *tx, int64_t id, int64_t step)
{
	struct store_val p[] = {sv_int(id), sv_int(step)};
	int rc = change(tx, STMT_USER_TOTP_STEP, p, 2);
	return rc == STORE_NOT_FOUND ? STORE_REFUSED : rc;
}

/* --- recovery codes ----------------------------------------------------- */

int store_tx_recovery_replace(struct store_tx *tx, int64_t user_id,
                              const unsigned char (*hashes)[STORE_SECRET_HASH_BYTES], size_t n)
{
	struct store_val u[] = {sv_int(user_id)};
	int rc = store_tx_exec(tx, STMT_RECOVERY_DELETE_ALL, u, 1, NULL, NULL);
	for (size_t i = 0; !rc && i < n; i++) {
		for (size_t j = 0; j < i; j++)
			if (memcmp(hashes[i], hashes[j], STORE_SECRET_HASH_BYTES) == 0)
				return STORE_DUPLICATE;
	}
	for (size_t i = 0; !rc && i < n; i++) {
		struct store_val p[] = {sv_int(user_id),
		                        sv_blob(hashes[i], STORE_SECRET_HASH_BYTES)};
		rc = store_tx_exec(tx, STMT_RECOVERY_INSERT, p, 2, NULL, NULL);
	}
	return rc > 0 ? -EIO : rc;
}

int store_tx_recovery_use(struct store_tx *tx, int64_t user_id,
                          const unsigned char hash[STORE_SECRET_HASH_BYTES])
{
	struct store_val p[] = {sv_int(user_id), sv_blob(hash, STORE_SECRET_HASH_BYTES)};
	return change(tx, STMT_RECOVERY_USE, p, 2);
}

int store_recovery_count(struct store *s, int64_t user_id, int64_t *n)
{
	*n = 0;
	struct store_val p[] = {sv_int(user_id)};
	return store_read_exec(s, STMT_RECOVERY_COUNT, p, 1, store_row_int, n);
}

/* --- sessions ----------------------------------------------------------- */

int store_tx_session_insert(struct store_tx *tx, const struct store_session *ses)
{
	struct store_val p[] = {sv_blob(ses->id_hash, STORE_SECRET_HASH_BYTES),
	                        sv_int(ses->user_id), sv_int(ses->stage), sv_int(ses->created),
	                        sv_int(ses->last_seen)};
	int rc = store_tx_exec(tx, STMT_SESSION_INSERT, p, 5, NULL, NULL);
	/* 256 random bits never meet another session: a conflict is a fault. */
	return rc > 0 ? -EIO : rc;
}

static int session_row(void *ctx, const struct store_val *c, size_t n)
{
	struct store_session *o = ctx;
	if (n != 4 || c[0].type != STORE_INT || c[1].type != STORE_INT || c[2].type != STORE_INT ||
	    c[3].type != STORE_INT)
		return -EIO;
	o->user_id = c[0].i;
	o->stage = (int)c[1].i;
	o->created = c[2].i;
	o->last_seen = c[3].i;
	return 0;
}

static int session_get(struct where w, const unsigned char hash[STORE_SECRET_HASH_BYTES],
                       struct store_session *out)
{
	memset(out, 0, sizeof *out);
	struct store_val p[] = {sv_blob(hash, STORE_SECRET_HASH_BYTES)};
	int rc = run(w, STMT_SESSION_GET, p, 1, session_row, out);
	if (rc)
		return rc;
	if (!out->user_id)
		return STORE_NOT_FOUND;
	memcpy(out->id_hash, hash, STORE_SECRET_HASH_BYTES);
	return 0;
}

/* A session or token row (k columns, parsed by fn into what) followed
 * by its user's 13 columns. */
struct with_user {
	store_row_fn fn;
	void *what;
	size_t k;
	struct store_user *u;
};

static int with_user_row(void *ctx, const struct store_val *c, size_t n)
{
	struct with_user *w = ctx;
	if (n < w->k)
		return -EIO;
	int rc = w->fn(w->what, c, w->k);
	return rc ? rc : user_row(w->u, c + w->k, n - w->k);
}

/* Runs id (one parameter: hash) whose row is k columns for fn into what,
 * then the user's; STORE_NOT_FOUND without a row. */
static int read_with_user(struct store *s, enum stmt_id id,
                          const unsigned char hash[STORE_SECRET_HASH_BYTES], store_row_fn fn,
                          void *what, size_t k, struct store_user *u)
{
	u->id = 0;
	struct store_val p[] = {sv_blob(hash, STORE_SECRET_HASH_BYTES)};
	struct with_user w = {fn, what, k, u};
	int rc = store_read_exec(s, id, p, 1, with_user_row, &w);
	if (rc)
		return rc;
	return u->id ? 0 : STORE_NOT_FOUND;
}

int store_session_user_get(struct store *s, const unsigned char hash[STORE_SECRET_HASH_BYTES],
                           struct store_session *ses, struct store_user *u)
{
	memset(ses, 0, sizeof *ses);
	int rc = read_with_user(s, STMT_SESSION_USER_GET, hash, session_row, ses, 4, u);
	if (!rc && !ses->user_id)
		rc = STORE_NOT_FOUND;
	if (!rc)
		memcpy(ses->id_hash, hash, STORE_SECRET_HASH_BYTES);
	return rc;
}

int store_tx_session_get(struct store_tx *tx, const unsigned char hash[STORE_SECRET_HASH_BYTES],
                         struct store_session *out)
{
	return session_get((struct where){.tx = tx}, hash, out);
}

int store_tx_session_touch(struct store_tx *tx, const unsigned char hash[STORE_SECRET_HASH_BYTES],
                           int64_t now)
{
	struct store_val p[] = {sv_blob(hash, STORE_SECRET_HASH_BYTES), sv_int(now)};
	return store_tx_exec(tx, STMT_SESSION_TOUCH, p, 2, NULL, NULL);
}

int store_tx_session_set_stage(struct store_tx *tx,
                               const unsigned char hash[STORE_SECRET_HASH_BYTES], int stage)
{
	struct store_val p[] = {sv_blob(hash, STORE_SECRET_HASH_BYTES), sv_int(stage)};
	return change(tx, STMT_SESSION_SET_STAGE, p, 2);
}

int store_tx_session_delete(struct store_tx *tx, const unsigned char hash[STORE_SECRET_HASH_BYTES])
{
	struct store_val p[] = {sv_blob(hash, STORE_SECRET_HASH_BYTES)};
	return store_tx_exec(tx, STMT_SESSION_DELETE, p, 1, NULL, NULL);
}

int store_tx_sessions_delete_user(struct store_tx *tx, int64_t user_id, const unsigned char *keep)
{
	if (keep) {
		struct store_val p[] = {sv_int(user_id), sv_blob(keep, STORE_SECRET_HASH_BYTES)};
		return store_tx_exec(tx, STMT_SESSION_DELETE_OTHERS, p, 2, NULL, NULL);
	}
	struct store_val p[] = {sv_int(user_id)};
	return store_tx_exec(tx, STMT_SESSION_DELETE_USER, p, 1, NULL, NULL);
}

int store_tx_sessions_expire(struct store_tx *tx, int64_t user_id, int64_t idle_before,
                             int64_t created_before)
{
	struct store_val p[] = {sv_int(user_id), sv_int(idle_before), sv_int(created_before)};
	return store_tx_exec(tx, STMT_SESSION_DELETE_EXPIRED, p, 3, NULL, NULL);
}

struct ses_list {
	struct store_session *v;
	size_t n;
};

static int ses_list_row(void *vctx, const struct store_val *c, size_t n)
{
	struct ses_list *l = vctx;
	if (l->n >= 2u * SESSION_MAX_PER_USER)
		return 0;
	if (n != 4 || c[0].type != STORE_BLOB || c[0].len != STORE_SECRET_HASH_BYTES ||
	    c[1].type != STORE_INT || c[2].type != STORE_INT || c[3].type != STORE_INT)
		return -EIO;
	struct store_session *o = &l->v[l->n++];
	memcpy(o->id_hash, c[0].p, STORE_SECRET_HASH_BYTES);
	o->stage = (int)c[1].i;
	o->created = c[2].i;
	o->last_seen = c[3].i;
	return 0;
}

static int session_list(struct where w, int64_t user_id, struct store_session **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct ses_list l = {calloc(2u * SESSION_MAX_PER_USER, sizeof *l.v), 0};
	if (!l.v)
		return -ENOMEM;
	struct store_val p[] = {sv_int(user_id)};
	int rc = run(w, STMT_SESSION_LIST, p, 1, ses_list_row, &l);
	if (rc || l.n == 0) {
		free(l.v);
		return rc;
	}
	for (size_t i = 0; i < l.n; i++)
		l.v[i].user_id = user_id;
	*out = l.v;
	*n = l.n;
	return 0;
}

int store_session_list(struct store *s, int64_t user_id, struct store_session **out, size_t *n)
{
	return session_list((struct where){.s = s}, user_id, out, n);
}

int store_tx_session_list(struct store_tx *tx, int64_t user_id, struct store_session **out,
                          size_t *n)
{
	return session_list((struct where){.tx = tx}, user_id, out, n);
}

/* --- API tokens --------------------------------------------------------- */

int store_tx_token_insert(struct store_tx *tx, const struct store_token *t,
                          const unsigned char hash[STORE_SECRET_HASH_BYTES])
{
	if (t->id <= 0 || t->user_id <= 0)
		return -EINVAL;
	bool found = false;
	struct store_val e[] = {sv_int(t->id), sv_blob(hash, STORE_SECRET_HASH_BYTES)};
	int rc = store_tx_exec(tx, STMT_TOKEN_ID_EXISTS, e, 2, store_row_found, &found);
	if (rc)
		return rc;
	if (found)
		return STORE_DUPLICATE;
	struct store_val p[] = {sv_int(t->id), sv_int(t->user_id),
	                        sv_blob(hash, STORE_SECRET_HASH_BYTES), sv_int(t->created),
	                        sv_int(t->expires)};
	rc = store_tx_exec(tx, STMT_TOKEN_INSERT, p, 5, NULL, NULL);
	return rc > 0 ? -EIO : rc;
}

static int token_row(void *ctx, const struct store_val *c, size_t n)
{
	struct store_token *t = ctx;
	if (n != 5 || c[0].type != STORE_INT || c[1].type != STORE_INT || c[2].type != STORE_INT ||
	    c[3].type != STORE_INT)
		return -EIO;
	t->id = c[0].i;
	t->user_id = c[1].i;
	t->created = c[2].i;
	t->expires = c[3].i;
	return col_bool(&c[4], &t->revoked);
}

int store_token_user_by_hash(struct store *s, const unsigned char hash[STORE_SECRET_HASH_BYTES],
                             struct store_token *t, struct store_user *u)
{
	memset(t, 0, sizeof *t);
	int rc = read_with_user(s, STMT_TOKEN_USER_BY_HASH, hash, token_row, t, 5, u);
	return !rc && !t->id ? STORE_NOT_FOUND : rc;
}

struct tok_list {
	store_token_fn fn;
	void *ctx;
	size_t n;
};

static int tok_list_row(void *vctx, const struct store_val *c, size_t n)
{
	struct tok_list *l = vctx;
	if (l->n++ >= USER_LIST_MAX)
		return STORE_LIMIT;
	if (n != 6 || c[0].type != STORE_INT || c[2].type != STORE_INT || c[3].type != STORE_INT)
		return -EIO;
	struct store_token t = {.id = c[0].i, .created = c[2].i, .expires = c[3].i};
	int rc = store_col_text(t.login, sizeof t.login, &c[1]);
	if (!rc)
		rc = col_bool(&c[4], &t.revoked);
	if (!rc)
		rc = col_bool(&c[5], &t.user_disabled);
	return rc ? rc : l->fn(l->ctx, &t);
}

int store_token_list(struct store *s, int64_t user_id, store_token_fn fn, void *ctx)
{
	struct tok_list l = {fn, ctx, 0};
	int rc;
	if (user_id) {
		struct store_val p[] = {sv_int(user_id)};
		rc = store_read_exec(s, STMT_TOKEN_LIST_USER, p, 1, tok_list_row, &l);
	} else {
		rc = store_read_exec(s, STMT_TOKEN_LIST_ALL, NULL, 0, tok_list_row, &l);
	}
	return rc == STORE_LIMIT ? 0 : rc;
}

int store_token_list_org(struct store *s, const char *org, store_token_fn fn, void *ctx)
{
	struct tok_list l = {fn, ctx, 0};
	struct store_val p[] = {sv_text(org)};
	int rc = store_read_exec(s, STMT_TOKEN_LIST_ORG, p, 1, tok_list_row, &l);
	return rc == STORE_LIMIT ? 0 : rc;
}

struct revoke_ctx {
	int64_t user_id;
	bool found;
};

static int revoke_row(void *vctx, const struct store_val *c, size_t n)
{
	struct revoke_ctx *r = vctx;
	if (n != 1 || c[0].type != STORE_INT)
		return -EIO;
	r->user_id = c[0].i;
	r->found = true;
	return 0;
}

int store_tx_token_revoke(struct store_tx *tx, int64_t id, const char *org, int64_t *user_id)
{
	struct revoke_ctx r = {0, false};
	struct store_val p[] = {sv_int(id), sv_text(org ? org : "")};
	int rc = org ? store_tx_exec(tx, STMT_TOKEN_REVOKE_ORG, p, 2, revoke_row, &r)
	             : store_tx_exec(tx, STMT_TOKEN_REVOKE, p, 1, revoke_row, &r);
	if (rc)
		return rc;
	if (user_id)
		*user_id = r.user_id;
	return r.found ? 0 : STORE_NOT_FOUND;
}
