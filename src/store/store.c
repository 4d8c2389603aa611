/* store: the backend-independent half of the store.
 *
 * Owns: validation of values against column limits, the transaction retry
 * loop, and every store_* operation written once in terms of registry
 * statements, so that a new backend only provides the vtable. */
#include "store/store.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/backend.h"
#include "store/sqlite.h"
#ifdef SIGNAAL_HAVE_PG
#include "store/pg.h"
#endif
#include "util/str.h"

void store_now(char out[STORE_TIME_LEN + 1])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	if (strftime(out, STORE_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm) != STORE_TIME_LEN)
		memcpy(out, "1970-01-01T00:00:00Z", STORE_TIME_LEN + 1);
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

int store_open(const char *url, unsigned flags, struct store **out, struct buf *err)
{
	*out = NULL;
	if (!url || !*url) {
		if (err)
			buf_puts(err, "no database given");
		return -EINVAL;
	}
	if (has_prefix(url, "postgresql://") || has_prefix(url, "postgres://")) {
#ifdef SIGNAAL_HAVE_PG
		return store_pg_open(url, out, err);
#else
		if (err)
			buf_puts(err, "this signaal was built without PostgreSQL (libpq)");
		return -ENOTSUP;
#endif
	}
	if (has_prefix(url, "sqlite:"))
		url += strlen("sqlite:");
	return store_sqlite_open(url, flags & STORE_OPEN_CREATE, out, err);
}

int store_open_sqlite(const char *path, struct store **out, struct buf *err)
{
	return store_open(path, STORE_OPEN_CREATE, out, err);
}

int store_open_sqlite_existing(const char *path, struct store **out, struct buf *err)
{
	return store_open(path, 0, out, err);
}

const char *store_backend(const struct store *s)
{
	return s->ops->name;
}

bool store_remote(const struct store *s)
{
	return s->ops->remote;
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

int store_tx_exec(struct store_tx *tx, enum stmt_id id, const struct store_val *params,
                  size_t nparams, store_row_fn row, void *ctx)
{
	return tx->s->ops->exec(tx->conn, id, params, nparams, row, ctx);
}

int store_read_exec(struct store *s, enum stmt_id id, const struct store_val *params,
                    size_t nparams, store_row_fn row, void *ctx)
{
	struct store_conn *c;
	int rc = s->ops->read_acquire(s, &c);
	if (rc)
		return rc;
	rc = s->ops->exec(c, id, params, nparams, row, ctx);
	s->ops->read_release(s, c);
	/* Reads are not retried: in WAL mode they only meet a busy database
	 * during recovery, and the busy timeout has waited already. */
	return rc == -EAGAIN ? -EBUSY : rc;
}

int store_read_many(struct store *s, struct store_call *calls, size_t n)
{
	struct store_conn *c;
	int rc = s->ops->read_acquire(s, &c);
	if (rc)
		return rc;
	struct store_tx tx = {s, c};
	rc = store_tx_exec_many(&tx, calls, n);
	s->ops->read_release(s, c);
	return rc == -EAGAIN ? -EBUSY : rc;
}

int store_tx_exec_many(struct store_tx *tx, struct store_call *calls, size_t n)
{
	if (tx->s->ops->exec_many)
		return tx->s->ops->exec_many(tx->conn, calls, n);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		calls[i].rc = rc ? -ECANCELED
		                 : tx->s->ops->exec(tx->conn, calls[i].id, calls[i].params,
		                                    calls[i].nparams, calls[i].row, calls[i].ctx);
		if (!rc)
			rc = calls[i].rc;
	}
	return rc;
}

static void backoff(const struct store_ops *ops, unsigned attempt)
{
	long ns;
	if (ops->retry_max_ms) {
		/* Random, so that two writers that met do not meet again. */
		ns = (long)randombytes_uniform(ops->retry_max_ms * 1000u + 1u) * 1000L;
	} else {
		ns = 10000000L << (attempt < 3 ? attempt : 3); /* 10, 20, 40 ms */
	}
	struct timespec ts = {ns / 1000000000L, ns % 1000000000L};
	nanosleep(&ts, NULL);
}

enum txn_kind {
	TXN_WRITE,
	TXN_LOCKED,
	TXN_RESERVE
};

static int begin_kind(struct store *s, enum txn_kind kind, struct store_conn **out)
{
	switch (kind) {
	case TXN_LOCKED:
		return s->ops->locked_begin(s, out);
	case TXN_RESERVE:
		return s->ops->reserve_begin(s, out);
	default:
		return s->ops->write_begin(s, out);
	}
}

static int txn(struct store *s, store_txn_fn fn, void *ctx, enum txn_kind kind)
{
	int rc = -EAGAIN;
	unsigned attempts = s->ops->attempts ? s->ops->attempts : STORE_TXN_ATTEMPTS;
	for (unsigned attempt = 0; attempt < attempts && rc == -EAGAIN; attempt++) {
		if (attempt)
			backoff(s->ops, attempt - 1);
		struct store_tx tx = {.s = s};
		rc = begin_kind(s, kind, &tx.conn);
		if (rc)
			continue;
		rc = fn(&tx, ctx);
		int end = s->ops->write_end(s, tx.conn, rc == 0);
		if (rc == 0)
			rc = end;
	}
	return rc == -EAGAIN ? -EBUSY : rc;
}

int store_txn(struct store *s, store_txn_fn fn, void *ctx)
{
	return txn(s, fn, ctx, TXN_WRITE);
}

int store_txn_locked(struct store *s, store_txn_fn fn, void *ctx)
{
	return txn(s, fn, ctx, TXN_LOCKED);
}

int store_txn_reserve(struct store *s, store_txn_fn fn, void *ctx)
{
	if (!s->ops->reserve_begin)
		return -ENOTSUP;
	return txn(s, fn, ctx, TXN_RESERVE);
}

bool store_reserves_apart(const struct store *s)
{
	return s->ops->reserve_begin != NULL;
}

int store_ping(struct store *s)
{
	return store_read_exec(s, STMT_PING, NULL, 0, NULL, NULL);
}

const char *store_strerror(int rc)
{
	switch (rc) {
	case -ENOSPC:
		return "no space left on device";
	case -EROFS:
		return "read-only directory (the file system is mounted read-only)";
	case -EACCES:
		return "read-only directory (no permission to write for this user)";
	case -EBUSY:
	case -EAGAIN:
		return "the database is busy (another process holds its write lock)";
	default:
		return strerror(rc < 0 ? -rc : EIO);
	}
}

static int probe_txn(struct store_tx *tx, void *vctx)
{
	(void)vctx;
	/* A value the row never held, so that the page really changes: SQLite
	 * skips writing a page whose content stays the same, and a probe that
	 * writes nothing would say "fine" on a full disk. */
	unsigned char raw[8];
	char hex[2 * sizeof raw + 1];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
	struct store_val p[] = {sv_text(STORE_PROBE_KEY), sv_text(hex)};
	return store_tx_exec(tx, STMT_SETTING_SET, p, 2, NULL, NULL);
}

int store_write_probe(struct store *s)
{
	int rc = store_txn(s, probe_txn, NULL);
	return rc > 0 ? -EIO : rc;
}

/* --- validation against column limits ----------------------------------- */

static bool valid_name(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n >= 1 && n <= NAME_MAX_LEN && str_text_valid(s, n, false);
}

static bool valid_org(const struct store_org *o)
{
	return str_is_id(o->id, ID_MAX_LEN) && str_is_id(o->region, ID_MAX_LEN) &&
	       valid_name(o->name) && o->public_min_cell >= 1 &&
	       o->public_min_cell <= (int)PUBLIC_MIN_CELL_MAX;
}

static bool valid_setting_key(const char *k)
{
	size_t n = k ? strlen(k) : 0;
	if (n == 0 || n > SETTING_KEY_MAX_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)k[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* --- row readers ---------------------------------------------------------- */

static int org_from_row(struct store_org *o, const struct store_val *c, size_t n)
{
	if (n != 4 || c[3].type != STORE_INT || c[3].i < 0 || c[3].i > PUBLIC_MIN_CELL_MAX)
		return -EIO;
	int rc = store_col_text(o->id, sizeof o->id, &c[0]);
	if (!rc)
		rc = store_col_text(o->name, sizeof o->name, &c[1]);
	if (!rc)
		rc = store_col_text(o->region, sizeof o->region, &c[2]);
	o->public_min_cell = (int)c[3].i;
	return rc;
}

int store_row_found(void *ctx, const struct store_val *c, size_t n)
{
	(void)c;
	(void)n;
	*(bool *)ctx = true;
	return 0;
}

int store_row_int(void *ctx, const struct store_val *c, size_t n)
{
	if (n != 1 || c[0].type != STORE_INT)
		return -EIO;
	*(int64_t *)ctx = c[0].i;
	return 0;
}

int store_col_text(char *dst, size_t dstsz, const struct store_val *v)
{
	if (v->type == STORE_NULL) {
		dst[0] = '\0';
		return 0;
	}
	if (v->type != STORE_TEXT || v->len >= dstsz)
		return -EIO;
	memcpy(dst, v->p, v->len);
	dst[v->len] = '\0';
	return 0;
}

/* --- organisations ---------------------------------------------------------- */

/* The next position of org's districts, from its counter row. */
static int district_position(struct store_tx *tx, const char *org, int64_t *pos)
{
	int64_t v = 0;
	struct store_val p[] = {sv_text(org), sv_text("district")};
	int rc = store_tx_exec(tx, STMT_COUNTER_NEXT, p, 2, store_row_int, &v);
	if (!rc && v < 1)
		rc = -EIO;
	*pos = v - 1;
	return rc;
}

static int org_exists(struct store_tx *tx, const char *org, bool *found)
{
	*found = false;
	struct store_val p[] = {sv_text(org)};
	return store_tx_exec(tx, STMT_ORG_EXISTS, p, 1, store_row_found, found);
}

int store_tx_org_create(struct store_tx *tx, const struct store_org *org,
                        const char *const *districts, size_t ndistricts)
{
	if (!org || !valid_org(org) || (ndistricts && !districts))
		return -EINVAL;
	if (ndistricts > STORE_MAX_DISTRICTS)
		return STORE_LIMIT;
	for (size_t i = 0; i < ndistricts; i++) {
		if (!valid_name(districts[i]))
			return -EINVAL;
		/* Checked here, not left to the primary key: a failed insert
		 * would end a PostgreSQL transaction that the caller may want to
		 * go on with. Byte equality, as the key compares. */
		for (size_t j = 0; j < i; j++)
			if (strcmp(districts[i], districts[j]) == 0)
				return STORE_CONFLICT;
	}
	bool found;
	int rc = org_exists(tx, org->id, &found);
	if (rc)
		return rc;
	if (found)
		return STORE_CONFLICT;
	char now[STORE_TIME_LEN + 1];
	store_now(now);
	struct store_val p[] = {sv_text(org->id), sv_text(org->name), sv_text(org->region),
	                        sv_int(org->public_min_cell), sv_text(now)};
	rc = store_tx_exec(tx, STMT_ORG_INSERT, p, 5, NULL, NULL);
	for (size_t i = 0; !rc && i < ndistricts; i++) {
		int64_t pos;
		rc = district_position(tx, org->id, &pos);
		struct store_val d[] = {sv_text(org->id), sv_text(districts[i]), sv_int(pos)};
		if (!rc)
			rc = store_tx_exec(tx, STMT_DISTRICT_INSERT, d, 3, NULL, NULL);
	}
	/* The checks above leave only faults (negative) here: nothing of a
	 * positive result was written. */
	return rc > 0 ? -EIO : rc;
}

struct org_create_ctx {
	const struct store_org *org;
	const char *const *districts;
	size_t ndistricts;
};

static int org_create_txn(struct store_tx *tx, void *vctx)
{
	struct org_create_ctx *c = vctx;
	return store_tx_org_create(tx, c->org, c->districts, c->ndistricts);
}

int store_org_create(struct store *s, const struct store_org *org, const char *const *districts,
                     size_t ndistricts)
{
	struct org_create_ctx c = {org, districts, ndistricts};
	return store_txn(s, org_create_txn, &c);
}

struct org_get_ctx {
	struct store_org *out;
	bool found;
};

static int org_get_row(void *vctx, const struct store_val *c, size_t n)
{
	struct org_get_ctx *g = vctx;
	g->found = true;
	return org_from_row(g->out, c, n);
}

int store_org_get(struct store *s, const char *id, struct store_org *out)
{
	if (!str_is_id(id, ID_MAX_LEN))
		return STORE_NOT_FOUND; /* no row can have such an id */
	struct org_get_ctx g = {out, false};
	struct store_val p[] = {sv_text(id)};
	int rc = store_read_exec(s, STMT_ORG_GET, p, 1, org_get_row, &g);
	if (!rc && !g.found)
		rc = STORE_NOT_FOUND;
	return rc;
}

struct org_list_ctx {
	struct store_org *v;
	size_t n, cap;
};

static int org_list_row(void *vctx, const struct store_val *c, size_t n)
{
	struct org_list_ctx *l = vctx;
	if (l->n == l->cap) {
		if (l->cap >= STORE_MAX_ORGS)
			return STORE_LIMIT;
		size_t cap = l->cap ? l->cap * 2 : 8;
		if (cap > STORE_MAX_ORGS)
			cap = STORE_MAX_ORGS;
		struct store_org *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	int rc = org_from_row(&l->v[l->n], c, n);
	if (!rc)
		l->n++;
	return rc;
}

int store_org_list(struct store *s, struct store_org **out, size_t *n)
{
	struct org_list_ctx l = {0};
	int rc = store_read_exec(s, STMT_ORG_LIST, NULL, 0, org_list_row, &l);
	if (rc) {
		free(l.v);
		l.v = NULL;
		l.n = 0;
	}
	*out = l.v;
	*n = l.n;
	return rc;
}

/* --- districts ---------------------------------------------------------------- */

void store_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

struct strv_ctx {
	char **v;
	size_t n, cap;
};

static int strv_row(void *vctx, const struct store_val *c, size_t n)
{
	struct strv_ctx *l = vctx;
	if (n != 1 || c[0].type != STORE_TEXT)
		return -EIO;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		char **v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	char *str = strndup(c[0].p, c[0].len);
	if (!str)
		return -ENOMEM;
	l->v[l->n++] = str;
	return 0;
}

int store_districts(struct store *s, const char *org, char ***names, size_t *n)
{
	struct strv_ctx l = {0};
	bool exists = false;
	int rc = STORE_NOT_FOUND;
	*names = NULL;
	*n = 0;
	if (!str_is_id(org, ID_MAX_LEN))
		goto out;
	struct store_val p[] = {sv_text(org)};
	rc = store_read_exec(s, STMT_DISTRICT_LIST, p, 1, strv_row, &l);
	if (rc || l.n)
		goto out;
	/* No districts: tell an organisation without any from a missing one. */
	rc = store_read_exec(s, STMT_ORG_EXISTS, p, 1, store_row_found, &exists);
	if (!rc && !exists)
		rc = STORE_NOT_FOUND;
out:
	if (rc) {
		store_strv_free(l.v, l.n);
		return rc;
	}
	*names = l.v;
	*n = l.n;
	return 0;
}

struct district_ctx {
	const char *org, *name;
};

int store_tx_district_add(struct store_tx *tx, const char *org, const char *name)
{
	if (!str_is_id(org, ID_MAX_LEN))
		return STORE_NOT_FOUND;
	if (!valid_name(name))
		return -EINVAL;
	bool found;
	int rc = org_exists(tx, org, &found);
	if (rc)
		return rc;
	if (!found)
		return STORE_NOT_FOUND;
	struct store_val p[] = {sv_text(org)};
	int64_t count = 0;
	rc = store_tx_exec(tx, STMT_DISTRICT_COUNT, p, 1, store_row_int, &count);
	if (rc)
		return rc;
	if (count >= (int64_t)STORE_MAX_DISTRICTS)
		return STORE_LIMIT;
	struct store_val q[] = {sv_text(org), sv_text(name)};
	found = false;
	rc = store_tx_exec(tx, STMT_DISTRICT_EXISTS, q, 2, store_row_found, &found);
	if (rc)
		return rc;
	if (found)
		return STORE_CONFLICT;
	int64_t pos;
	rc = district_position(tx, org, &pos);
	if (rc)
		return rc;
	struct store_val ins[] = {sv_text(org), sv_text(name), sv_int(pos)};
	rc = store_tx_exec(tx, STMT_DISTRICT_INSERT, ins, 3, NULL, NULL);
	return rc > 0 ? -EIO : rc;
}

static int district_add_txn(struct store_tx *tx, void *vctx)
{
	struct district_ctx *d = vctx;
	return store_tx_district_add(tx, d->org, d->name);
}

int store_district_add(struct store *s, const char *org, const char *name)
{
	struct district_ctx d = {org, name};
	return store_txn(s, district_add_txn, &d);
}

static int district_remove_txn(struct store_tx *tx, void *vctx)
{
	struct district_ctx *d = vctx;
	bool removed = false;
	struct store_val p[] = {sv_text(d->org), sv_text(d->name)};
	int rc = store_tx_exec(tx, STMT_DISTRICT_DELETE, p, 2, store_row_found, &removed);
	if (!rc && !removed)
		rc = STORE_NOT_FOUND;
	return rc;
}

int store_district_remove(struct store *s, const char *org, const char *name)
{
	if (!str_is_id(org, ID_MAX_LEN) || !valid_name(name))
		return STORE_NOT_FOUND;
	struct district_ctx d = {org, name};
	return store_txn(s, district_remove_txn, &d);
}

/* --- settings ------------------------------------------------------------------ */

struct setting_ctx {
	struct buf *out;
	bool found;
};

static int setting_row(void *vctx, const struct store_val *c, size_t n)
{
	struct setting_ctx *g = vctx;
	if (n != 1 || c[0].type != STORE_TEXT)
		return -EIO;
	g->found = true;
	buf_reset(g->out);
	return buf_append(g->out, c[0].p, c[0].len);
}

int store_setting_get(struct store *s, const char *key, struct buf *out)
{
	if (!valid_setting_key(key))
		return STORE_NOT_FOUND;
	struct setting_ctx g = {out, false};
	struct store_val p[] = {sv_text(key)};
	int rc = store_read_exec(s, STMT_SETTING_GET, p, 1, setting_row, &g);
	if (!rc && !g.found)
		rc = STORE_NOT_FOUND;
	return rc;
}

int store_tx_setting_get(struct store_tx *tx, const char *key, struct buf *out)
{
	if (!valid_setting_key(key))
		return STORE_NOT_FOUND;
	struct setting_ctx g = {out, false};
	struct store_val p[] = {sv_text(key)};
	int rc = store_tx_exec(tx, STMT_SETTING_GET, p, 1, setting_row, &g);
	if (!rc && !g.found)
		rc = STORE_NOT_FOUND;
	return rc;
}

int store_tx_setting_set(struct store_tx *tx, const char *key, const char *value)
{
	if (!valid_setting_key(key) || !value || strlen(value) > SETTING_VALUE_MAX_LEN ||
	    !str_utf8_valid(value, strlen(value)))
		return -EINVAL;
	struct store_val p[] = {sv_text(key), sv_text(value)};
	int rc = store_tx_exec(tx, STMT_SETTING_SET, p, 2, NULL, NULL);
	return rc > 0 ? -EIO : rc;
}

static int setting_set_txn(struct store_tx *tx, void *vctx)
{
	const char *const *kv = vctx;
	return store_tx_setting_set(tx, kv[0], kv[1]);
}

int store_setting_set(struct store *s, const char *key, const char *value)
{
	const char *kv[] = {key, value};
	return store_txn(s, setting_set_txn, (void *)kv);
}

/* --- throttles shared by every server ------------------------------------------ */

#define THROTTLE_WINDOW_MAX_S 86400

struct throttle_ctx {
	const char *name;
	int64_t window, window_s;
	int64_t now, before;
};

static bool valid_throttle(const char *name, int64_t window, int64_t window_s)
{
	return valid_setting_key(name) && window_s >= 1 && window_s <= THROTTLE_WINDOW_MAX_S &&
	       window >= window_s && window % window_s == 0;
}

static int throttle_hit_txn(struct store_tx *tx, void *vctx)
{
	struct throttle_ctx *t = vctx;
	struct store_val p[] = {sv_text(t->name), sv_int(t->window)};
	/* An upsert that waits for the row's lock: two servers counting at
	 * once both count (store_txn_locked). */
	int rc = store_tx_exec(tx, STMT_THROTTLE_HIT, p, 2, NULL, NULL);
	struct store_val q[] = {sv_text(t->name), sv_int(t->window - t->window_s)};
	if (!rc)
		rc = store_tx_exec(tx, STMT_THROTTLE_PURGE, q, 2, NULL, NULL);
	return rc > 0 ? -EIO : rc;
}

int store_throttle_hit(struct store *s, const char *name, int64_t window, int64_t window_s)
{
	if (!valid_throttle(name, window, window_s))
		return -EINVAL;
	struct throttle_ctx t = {.name = name, .window = window, .window_s = window_s};
	/* Not worth an fsync each: a count a crash forgets is a slow-down
	 * that starts a little later, as after a restart of a server. Where
	 * there is no such commit (SQLite) an ordinary one. */
	if (store_reserves_apart(s))
		return store_txn_reserve(s, throttle_hit_txn, &t);
	return store_txn_locked(s, throttle_hit_txn, &t);
}

static int throttle_row(void *vctx, const struct store_val *c, size_t n)
{
	struct throttle_ctx *t = vctx;
	if (n != 2 || c[0].type != STORE_INT || c[1].type != STORE_INT)
		return -EIO;
	if (c[0].i == t->window)
		t->now = c[1].i;
	else if (c[0].i == t->window - t->window_s)
		t->before = c[1].i;
	return 0;
}

int store_throttle_get(struct store *s, const char *name, int64_t window, int64_t window_s,
                       int64_t *now, int64_t *before)
{
	*now = *before = 0;
	if (!valid_throttle(name, window, window_s))
		return -EINVAL;
	struct throttle_ctx t = {.name = name, .window = window, .window_s = window_s};
	struct store_val p[] = {sv_text(name), sv_int(window - window_s), sv_int(window)};
	int rc = store_read_exec(s, STMT_THROTTLE_PEEK, p, 3, throttle_row, &t);
	if (rc)
		return rc > 0 ? -EIO : rc;
	*now = t.now;
	*before = t.before;
	return 0;
}

int store_backup(struct store *s, const char *dest_path)
{
	if (!dest_path || !*dest_path)
		return -EINVAL;
	return s->ops->backup(s, dest_path);
}

int store_backup_setting(struct store *s, const char *path, const char *key, struct buf *out)
{
	if (!path || !*path || !key)
		return -EINVAL;
	buf_reset(out);
	return s->ops->backup_setting(s, path, key, out);
}

int store_restore(struct store *s, const char *path)
{
	if (!path || !*path)
		return -EINVAL;
	return s->ops->restore(s, path);
}

int store_holds_reports(struct store *s, bool *any)
{
	*any = false;
	int rc = store_read_exec(s, STMT_REPORTS_ANY, NULL, 0, store_row_found, any);
	return rc > 0 ? -EIO : rc;
}
