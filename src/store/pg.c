/* pg: the PostgreSQL backend of the store (libpq).
 *
 * Owns: a bounded pool of connections to one database, each set up the
 * same way (synchronous_commit = on, the counterpart of SQLite's
 * synchronous = FULL: a report is acknowledged only once its commit is on
 * disk) and holding its own prepared copy of every registry statement.
 * Writes are serializable transactions on a pooled connection, so several
 * servers may share the database; a serialization failure or deadlock is
 * -EAGAIN and store_txn runs the transaction again.
 *
 * Values: parameters go as text, except bytes (binary); results come in
 * binary and are decoded by column type, so that bytes need no escaping
 * and integers no parsing. */
#include "store/pg.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "util/log.h"
#include "util/str.h"

/* Type oids of the columns the schema has (pg_type.h is server-side). */
enum {
	OID_BYTEA = 17,
	OID_INT8 = 20,
	OID_INT2 = 21,
	OID_INT4 = 23,
	OID_TEXT = 25,
	OID_VARCHAR = 1043,
};

struct store_conn {
	PGconn *pg;
	bool prepared[STMT__COUNT];
	/* A write transaction's BEGIN (and SET LOCAL), not yet sent: it goes
	 * in one round trip with the transaction's first statement. */
	const char *begin[2];
	size_t nbegin;
	/* plan_cache_mode as this connection has it: 1 force_generic_plan,
	 * 0 the default, -1 not known (a SET in a transaction that may have
	 * been rolled back): the next statement sets it either way. */
	signed char generic;
};

struct pgq {
	char *url;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct store_conn *idle[STORE_PG_CONNS];
	size_t nidle, nopen;
	bool ready; /* migrated: new connections prepare every statement */
};

/* The store this thread is writing in, to refuse a nested store_txn
 * (which would wait for a connection the same thread holds). */
static _Thread_local const struct store *writing;

/* Statement names "s0".."sN": the registry index, nothing formatted from
 * input. */
static void stmt_name(enum stmt_id id, char out[16])
{
	char digits[STR_I64_BUF];
	out[0] = 's';
	/* STMT__COUNT is far below 10^14: the name fits in 16 bytes. */
	_Static_assert(STMT__COUNT < 100000, "statement names fit");
	str_i64((int64_t)id, digits);
	strcpy(out + 1, digits);
}

/* Maps a failed result to the store's errors; logs what an operator
 * needs (the statement and PostgreSQL's primary message: never the
 * detail, which may quote values). */
static int map_result(PGconn *pg, const PGresult *r, const char *what)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (!state) {
		log_error("store: %s: %s", what, pg ? PQerrorMessage(pg) : "no result");
		return -EIO;
	}
	if (strncmp(state, "23", 2) == 0)
		return STORE_CONFLICT;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0)
		return -EAGAIN;
	int rc = -EIO;
	if (strcmp(state, "53100") == 0)
		rc = -ENOSPC;
	else if (strcmp(state, "53200") == 0)
		rc = -ENOMEM;
	else if (strcmp(state, "25006") == 0)
		rc = -EROFS;
	else if (strncmp(state, "42501", 5) == 0)
		rc = -EACCES;
	const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	log_error("store: %s: %s (%s)", what, msg ? msg : "?", state);
	return rc;
}

static int simple(PGconn *pg, const char *sql)
{
	PGresult *r = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(r);
	int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : map_result(pg, r, sql);
	PQclear(r);
	return rc;
}

static void conn_free(struct store_conn *c)
{
	if (!c)
		return;
	PQfinish(c->pg);
	free(c);
}

/* Every connection the same: UTF-8, UTC, durable commits. */
static const char conn_setup[] = "SET client_encoding = 'UTF8';"
                                 "SET TimeZone = 'UTC';"
                                 "SET synchronous_commit = on;"
                                 "SET client_min_messages = warning;";

static int conn_prepare(struct store_conn *c, enum stmt_id id)
{
	if (c->prepared[id])
		return 0;
	char name[16];
	stmt_name(id, name);
	PGresult *r = PQprepare(c->pg, name, stmt_text(id, true), 0, NULL);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK
	             ? 0
	             : map_result(c->pg, r, stmt_registry[id].name);
	PQclear(r);
	if (!rc)
		c->prepared[id] = true;
	return rc;
}

static int conn_open(const char *url, bool prepare, struct store_conn **out, struct buf *err)
{
	*out = NULL;
	struct store_conn *c = calloc(1, sizeof *c);
	if (!c)
		return -ENOMEM;
	c->pg = PQconnectdb(url);
	if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
		/* libpq's message names host and database, never the password. */
		if (err)
			buf_printf(err, "cannot connect to PostgreSQL: %s",
			           c->pg ? PQerrorMessage(c->pg) : "out of memory");
		conn_free(c);
		return -ECONNREFUSED;
	}
	if (PQserverVersion(c->pg) < 150000) {
		if (err)
			buf_puts(err, "PostgreSQL 15 or later is needed");
		conn_free(c);
		return -ENOTSUP;
	}
	int rc = simple(c->pg, conn_setup);
	c->generic = 0;
	for (size_t i = 0; !rc && prepare && i < STMT__COUNT; i++) {
		rc = conn_prepare(c, (enum stmt_id)i);
		if (rc && err)
			buf_printf(err, "statement %s does not fit the database",
			           stmt_registry[i].name);
	}
	if (rc) {
		if (err && !err->len)
			buf_puts(err, "cannot set up a PostgreSQL connection");
		conn_free(c);
		return rc < 0 ? rc : -EIO;
	}
	*out = c;
	return 0;
}

/* --- pool ------------------------------------------------------------------- */

static int pool_acquire(struct store *s, struct store_conn **out)
{
	struct pgq *q = s->impl;
	pthread_mutex_lock(&q->lock);
	while (q->nidle == 0 && q->nopen == STORE_PG_CONNS)
		pthread_cond_wait(&q->cond, &q->lock);
	if (q->nidle) {
		*out = q->idle[--q->nidle];
		pthread_mutex_unlock(&q->lock);
		return 0;
	}
	q->nopen++;
	bool ready = q->ready;
	pthread_mutex_unlock(&q->lock);
	/* Connecting takes round trips; outside the pool lock. Before the
	 * migrations (whose tables the statements name) statements are
	 * prepared as they are first used. */
	int rc = conn_open(q->url, ready, out, NULL);
	if (rc) {
		pthread_mutex_lock(&q->lock);
		q->nopen--;
		pthread_cond_signal(&q->cond);
		pthread_mutex_unlock(&q->lock);
	}
	return rc;
}

static void pool_release(struct store *s, struct store_conn *c)
{
	struct pgq *q = s->impl;
	/* A connection that broke (a restarted server) is dropped; the next
	 * acquire opens a new one. */
	bool keep = PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) == PQTRANS_IDLE;
	if (!keep)
		conn_free(c);
	pthread_mutex_lock(&q->lock);
	if (keep)
		q->idle[q->nidle++] = c;
	else
		q->nopen--;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

/* --- vtable ------------------------------------------------------------------ */

static int pg_read_acquire(struct store *s, struct store_conn **out)
{
	return pool_acquire(s, out);
}

static void pg_read_release(struct store *s, struct store_conn *c)
{
	pool_release(s, c);
}

/* Takes a connection for a write transaction that begins with sql and
 * then set (may be NULL). They are sent with its first statement, in one
 * pipeline: a round trip less for every transaction. */
static int begin(struct store *s, struct store_conn **out, const char *sql, const char *set)
{
	if (writing == s)
		return -EDEADLK;
	struct store_conn *c;
	int rc = pool_acquire(s, &c);
	if (rc)
		return rc;
	c->begin[0] = sql;
	c->begin[1] = set;
	c->nbegin = set ? 2 : 1;
	writing = s;
	*out = c;
	return 0;
}

/* Sends a pending BEGIN on its own (before a script). */
static int flush_begin(struct store_conn *c)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < c->nbegin; i++)
		rc = simple(c->pg, c->begin[i]);
	c->nbegin = 0;
	return rc;
}

static int pg_write_begin(struct store *s, struct store_conn **out)
{
	return begin(s, out, "BEGIN ISOLATION LEVEL SERIALIZABLE", NULL);
}

/* A locking transaction (store_txn_locked): every migrator waits for the
 * migration lock first, so they run one after another, and READ
 * COMMITTED lets the one that waited see the tables the one before it
 * made; the intake's batch waits for the counter rows' locks and then
 * reads their committed values, where SERIALIZABLE would fail (and be
 * retried, and fail again while the other server keeps writing). */
static int pg_locked_begin(struct store *s, struct store_conn **out)
{
	return begin(s, out, "BEGIN ISOLATION LEVEL READ COMMITTED", NULL);
}

/* A reservation (store_txn_reserve, backend.h says why it is safe): its
 * commit does not wait for the WAL to reach the disk. synchronous_commit
 * stays on for every other transaction, and SET LOCAL ends with this one. */
static int pg_reserve_begin(struct store *s, struct store_conn **out)
{
	return begin(s, out, "BEGIN ISOLATION LEVEL READ COMMITTED",
	             "SET LOCAL synchronous_commit = off");
}

static int pg_write_end(struct store *s, struct store_conn *c, bool commit)
{
	int rc = 0;
	if (c->nbegin) {
		/* Nothing was sent: there is no transaction to end. */
		c->nbegin = 0;
		commit = false;
	} else if (commit) {
		PGresult *r = PQexec(c->pg, "COMMIT");
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = map_result(c->pg, r, "commit");
		else if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0)
			/* A statement failed inside and the transaction was
			 * aborted: the store never lets that pass silently. */
			rc = -EIO;
		PQclear(r);
		if (rc == STORE_CONFLICT)
			rc = -EIO; /* a deferred constraint: not one of ours */
	}
	if (PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		simple(c->pg, "ROLLBACK");
	if (rc || !commit)
		c->generic = -1; /* a SET in it is undone */
	writing = NULL;
	pool_release(s, c);
	return rc;
}

static int64_t be_int(const unsigned char *p, int len)
{
	uint64_t v = 0;
	for (int i = 0; i < len; i++)
		v = v << 8 | p[i];
	if (len == 2)
		return (int16_t)v;
	if (len == 4)
		return (int32_t)v;
	return (int64_t)v;
}

/* What a column's values are, looked up once per result rather than for
 * every cell (a page of the inbox is some 1,500 cells). */
enum col_kind {
	COL_INT,
	COL_TEXT,
	COL_BLOB,
	COL_OTHER /* void (an advisory lock's result) and nothing else: NULL */
};

static int col_kinds(const PGresult *r, enum col_kind kinds[STORE_MAX_COLS])
{
	int n = PQnfields(r);
	if (n < 0 || n > (int)STORE_MAX_COLS)
		return -EIO;
	for (int i = 0; i < n; i++) {
		switch (PQftype(r, i)) {
		case OID_INT2:
		case OID_INT4:
		case OID_INT8:
			kinds[i] = COL_INT;
			break;
		case OID_TEXT:
		case OID_VARCHAR:
			kinds[i] = COL_TEXT;
			break;
		case OID_BYTEA:
			kinds[i] = COL_BLOB;
			break;
		default:
			kinds[i] = COL_OTHER;
			break;
		}
	}
	return n;
}

static int read_row(const PGresult *r, int row, const enum col_kind *kinds, int n, store_row_fn fn,
                    void *ctx)
{
	struct store_val cols[STORE_MAX_COLS];
	for (int i = 0; i < n; i++) {
		struct store_val *v = &cols[i];
		memset(v, 0, sizeof *v);
		if (PQgetisnull(r, row, i)) {
			v->type = STORE_NULL;
			continue;
		}
		const unsigned char *p = (const unsigned char *)PQgetvalue(r, row, i);
		int len = PQgetlength(r, row, i);
		switch (kinds[i]) {
		case COL_INT:
			if (len != 2 && len != 4 && len != 8)
				return -EIO;
			v->type = STORE_INT;
			v->i = be_int(p, len);
			break;
		case COL_TEXT:
			/* libpq ends every value with a NUL, binary ones too. */
			v->type = STORE_TEXT;
			v->p = p;
			v->len = (size_t)len;
			break;
		case COL_BLOB:
			v->type = STORE_BLOB;
			v->p = p;
			v->len = (size_t)len;
			break;
		default:
			v->type = STORE_NULL;
			break;
		}
	}
	return fn(ctx, cols, (size_t)n);
}

/* Parameters as libpq takes them: text, except bytes (binary). */
struct bound {
	const char *values[STORE_MAX_PARAMS];
	int lengths[STORE_MAX_PARAMS], formats[STORE_MAX_PARAMS];
	char ints[STORE_MAX_PARAMS][STR_I64_BUF];
};

static int bind(struct bound *b, const struct store_val *params, size_t nparams)
{
	for (size_t k = 0; k < nparams; k++) {
		const struct store_val *v = &params[k];
		b->lengths[k] = 0;
		b->formats[k] = 0;
		switch (v->type) {
		case STORE_NULL:
			b->values[k] = NULL;
			break;
		case STORE_INT:
			str_i64(v->i, b->ints[k]);
			b->values[k] = b->ints[k];
			break;
		case STORE_TEXT:
			b->values[k] = v->p; /* NUL-terminated: sv_text() */
			break;
		case STORE_BLOB:
			if (v->len > (size_t)INT32_MAX)
				return -EINVAL;
			b->values[k] = v->len ? v->p : "";
			b->lengths[k] = (int)v->len;
			b->formats[k] = 1;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

/* The result r of statement id: rows to row (may be NULL), or the error. */
static int take_result(struct store_conn *c, enum stmt_id id, const PGresult *r, store_row_fn row,
                       void *ctx)
{
	int rc = 0;
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_TUPLES_OK) {
		int rows = PQntuples(r);
		enum col_kind kinds[STORE_MAX_COLS];
		int n = row && rows > 0 ? col_kinds(r, kinds) : 0;
		if (n < 0)
			rc = n;
		for (int i = 0; !rc && row && i < rows; i++)
			rc = read_row(r, i, kinds, n, row, ctx);
	} else if (st != PGRES_COMMAND_OK) {
		/* A wrong number of parameters is PostgreSQL's 08P01. */
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		rc = state && strcmp(state, "08P01") == 0
		         ? -EINVAL
		         : map_result(c->pg, r, stmt_registry[id].name);
	}
	return rc;
}

static int exec_pipeline(struct store_conn *c, struct store_call *calls, size_t n);

static int pg_exec(struct store_conn *c, enum stmt_id id, const struct store_val *params,
                   size_t nparams, store_row_fn row, void *ctx)
{
	if ((unsigned)id >= STMT__COUNT || nparams > STORE_MAX_PARAMS)
		return -EINVAL;
	if (c->nbegin || c->generic != (signed char)stmt_pg_generic[id]) {
		struct store_call call = {id, params, nparams, row, ctx, 0};
		return exec_pipeline(c, &call, 1);
	}
	int rc = conn_prepare(c, id);
	if (rc)
		return rc;
	struct bound b;
	rc = bind(&b, params, nparams);
	if (rc)
		return rc;
	char name[16];
	stmt_name(id, name);
	PGresult *r = PQexecPrepared(c->pg, name, (int)nparams, b.values, b.lengths, b.formats, 1);
	rc = take_result(c, id, r, row, ctx);
	PQclear(r);
	return rc;
}

/* At most this many statements are sent before their results are read
 * (limits.h says why). */
#define PIPELINE_MAX STORE_PG_PIPELINE_MAX

/* The statements that switch plan_cache_mode (stmt_pg_generic). RESET
 * returns to what the operator configured, auto unless told otherwise. */
static const char set_generic[] = "SET plan_cache_mode = force_generic_plan";
static const char set_default[] = "RESET plan_cache_mode";

/* calls[0..n), n <= PIPELINE_MAX, in one pipeline and one round trip;
 * before a call whose planning mode the connection does not have, the
 * SET that gives it, in the same pipeline. */
static int exec_pipeline(struct store_conn *c, struct store_call *calls, size_t n)
{
	bool set_before[PIPELINE_MAX] = {false};
	for (size_t i = 0; i < n; i++) {
		calls[i].rc = -ECANCELED;
		if ((unsigned)calls[i].id >= STMT__COUNT || calls[i].nparams > STORE_MAX_PARAMS)
			return calls[i].rc = -EINVAL;
		/* Prepared outside the pipeline (PQprepare waits for its answer);
		 * every statement is prepared at start already. */
		int rc = conn_prepare(c, calls[i].id);
		if (rc)
			return calls[i].rc = rc;
	}
	if (!PQenterPipelineMode(c->pg))
		return -EIO;
	size_t sent = 0, nbegin = 0;
	int rc = 0;
	for (; nbegin < c->nbegin; nbegin++) {
		if (!PQsendQueryParams(c->pg, c->begin[nbegin], 0, NULL, NULL, NULL, NULL, 0)) {
			log_error("store: begin: %s", PQerrorMessage(c->pg));
			rc = -EIO;
			break;
		}
	}
	c->nbegin = 0;
	for (; !rc && sent < n; sent++) {
		struct bound b;
		rc = bind(&b, calls[sent].params, calls[sent].nparams);
		if (rc)
			break;
		signed char want = (signed char)stmt_pg_generic[calls[sent].id];
		if (c->generic != want) {
			if (!PQsendQueryParams(c->pg, want ? set_generic : set_default, 0, NULL,
			                       NULL, NULL, NULL, 0)) {
				log_error("store: plan_cache_mode: %s", PQerrorMessage(c->pg));
				rc = -EIO;
				break;
			}
			set_before[sent] = true;
			c->generic = want;
		}
		char name[16];
		stmt_name(calls[sent].id, name);
		if (!PQsendQueryPrepared(c->pg, name, (int)calls[sent].nparams, b.values, b.lengths,
		                         b.formats, 1)) {
			log_error("store: %s: %s", stmt_registry[calls[sent].id].name,
			          PQerrorMessage(c->pg));
			rc = -EIO;
			break;
		}
	}
	bool synced = PQpipelineSync(c->pg) == 1;
	if (!synced && !rc)
		rc = -EIO;
	/* Every sent statement has its results, then NULL; an error aborts
	 * the ones after it until the sync (PGRES_PIPELINE_ABORTED). */
	int first = 0;
	for (size_t i = 0; i < nbegin; i++) {
		PGresult *r = PQgetResult(c->pg);
		if (!r) {
			first = -EIO;
			break;
		}
		if (!first && PQresultStatus(r) != PGRES_COMMAND_OK)
			first = map_result(c->pg, r, "begin");
		PQclear(r);
		while ((r = PQgetResult(c->pg)) != NULL)
			PQclear(r);
	}
	for (size_t i = 0; i < sent; i++) {
		PGresult *r;
		if (set_before[i]) {
			if (!(r = PQgetResult(c->pg))) {
				first = first ? first : -EIO;
				break;
			}
			if (!first && PQresultStatus(r) != PGRES_COMMAND_OK)
				first = map_result(c->pg, r, "plan_cache_mode");
			PQclear(r);
			while ((r = PQgetResult(c->pg)) != NULL)
				PQclear(r);
		}
		r = PQgetResult(c->pg);
		if (!r) {
			first = first ? first : -EIO;
			break;
		}
		if (PQresultStatus(r) == PGRES_PIPELINE_ABORTED)
			calls[i].rc = -ECANCELED;
		else
			calls[i].rc = take_result(c, calls[i].id, r, first ? NULL : calls[i].row,
			                          calls[i].ctx);
		PQclear(r);
		while ((r = PQgetResult(c->pg)) != NULL)
			PQclear(r);
		if (!first && calls[i].rc)
			first = calls[i].rc;
	}
	if (synced) {
		PGresult *r;
		/* Up to the sync's own result. */
		while ((r = PQgetResult(c->pg)) != NULL) {
			ExecStatusType st = PQresultStatus(r);
			PQclear(r);
			if (st == PGRES_PIPELINE_SYNC)
				break;
		}
	}
	if (!PQexitPipelineMode(c->pg) && !first && !rc)
		rc = -EIO;
	/* A failure aborts the transaction (the pipeline's own when there
	 * is no other), and a SET in it with it. */
	if (first || rc)
		c->generic = -1;
	return first ? first : rc;
}

static int pg_exec_many(struct store_conn *c, struct store_call *calls, size_t n)
{
	int rc = 0;
	for (size_t done = 0; done < n; done += PIPELINE_MAX) {
		size_t k = n - done < PIPELINE_MAX ? n - done : PIPELINE_MAX;
		if (rc) {
			for (size_t i = 0; i < k; i++)
				calls[done + i].rc = -ECANCELED;
			continue;
		}
		rc = exec_pipeline(c, calls + done, k);
	}
	return rc;
}

static int pg_script(struct store_conn *c, const char *sql)
{
	int rc = flush_begin(c);
	return rc ? rc : simple(c->pg, sql);
}

/* Backup and restore run PostgreSQL's own tools, pg_dump and pg_restore
 * (Debian's postgresql-client; found on PATH, where Debian's wrapper picks
 * the newest installed version, which must not be older than the server).
 * pg_dump reads everything in one repeatable-read snapshot: a consistent
 * copy while servers go on writing; pg_restore --single-transaction
 * replaces all or nothing. They know every type, sequence and constraint
 * of the schema, which a copy of our own would have to follow at every
 * migration. The connection reaches them as PG* environment variables,
 * never on the command line, where any user could read a password. */

/* Appends the NAME=VALUE environment of url's parameters to env (a
 * NULL-terminated copy of environ with room for them). */
static int url_env(const char *url, char **env, size_t *n, const char **dbname)
{
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &msg);
	if (!opts) {
		PQfreemem(msg);
		return -EINVAL;
	}
	int rc = 0;
	const char *user = NULL;
	for (PQconninfoOption *o = opts; o->keyword && !rc; o++) {
		if (!o->val || !*o->val)
			continue;
		if (!o->envvar) {
			log_error("store: the URL parameter %s cannot be passed to pg_dump",
			          o->keyword);
			rc = -EINVAL;
			break;
		}
		size_t len = strlen(o->envvar) + strlen(o->val) + 2;
		char *kv = malloc(len);
		if (!kv) {
			rc = -ENOMEM;
			break;
		}
		snprintf(kv, len, "%s=%s", o->envvar, o->val);
		/* Ours replace the caller's of the same name. */
		size_t klen = strlen(o->envvar) + 1;
		size_t i = 0;
		while (i < *n && strncmp(env[i], kv, klen) != 0)
			i++;
		if (i == *n)
			(*n)++;
		env[i] = kv;
		if (strcmp(o->keyword, "dbname") == 0)
			*dbname = kv + klen;
		else if (strcmp(o->keyword, "user") == 0)
			user = kv + klen;
	}
	if (!*dbname)
		*dbname = user;
	env[*n] = NULL;
	PQconninfoFree(opts);
	return rc;
}

extern char **environ;

/* Runs argv (argv[0] looked up on PATH) with the connection of url in its
 * environment; its stdout goes to out (at most STORE_PG_TOOL_OUT_MAX
 * bytes) when out is given. 0 when it exits 0; -EIO otherwise (its
 * messages are on stderr); -ENOENT when it is not installed. With
 * with_db, "-d DBNAME" is appended (pg_restore needs it to connect). */
static int run_tool(const char *url, const char **argv, bool with_db, struct buf *out)
{
	size_t nenv = 0;
	while (environ[nenv])
		nenv++;
	size_t cap = nenv + 64;
	char **env = calloc(cap + 1, sizeof *env);
	const char *args[24];
	size_t na = 0;
	int rc = env ? 0 : -ENOMEM;
	size_t mine = nenv; /* env[mine..] and replaced entries are ours */
	char **orig = NULL;
	const char *dbname = NULL;
	if (!rc) {
		memcpy(env, environ, nenv * sizeof *env);
		orig = malloc((nenv + 1) * sizeof *orig);
		rc = orig ? 0 : -ENOMEM;
	}
	if (!rc) {
		memcpy(orig, environ, nenv * sizeof *orig);
		rc = url_env(url, env, &nenv, &dbname);
	}
	if (!rc) {
		while (argv[na] && na < 20) {
			args[na] = argv[na];
			na++;
		}
		if (with_db) {
			if (!dbname) {
				log_error("store: the URL names no database");
				rc = -EINVAL;
			}
			args[na++] = "-d";
			args[na++] = dbname;
		}
		args[na] = NULL;
	}
	int pfd[2] = {-1, -1};
	if (!rc && out && pipe2(pfd, O_CLOEXEC))
		rc = -errno;
	pid_t pid = -1;
	if (!rc) {
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		if (out)
			posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
		int e = posix_spawnp(&pid, args[0], &fa, NULL, (char *const *)args, env);
		posix_spawn_file_actions_destroy(&fa);
		if (e) {
			log_error("store: cannot run %s: %s", args[0], strerror(e));
			rc = -e;
			pid = -1;
		}
	}
	if (pfd[1] >= 0)
		close(pfd[1]);
	if (pfd[0] >= 0) {
		char chunk[4096];
		ssize_t got;
		while (pid > 0 && (got = read(pfd[0], chunk, sizeof chunk)) != 0) {
			if (got < 0) {
				if (errno == EINTR)
					continue;
				rc = -errno;
				break;
			}
			if (out->len + (size_t)got > STORE_PG_TOOL_OUT_MAX) {
				rc = -EFBIG;
				break;
			}
			if (!rc)
				rc = buf_append(out, chunk, (size_t)got);
		}
		close(pfd[0]);
	}
	if (pid > 0) {
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!rc && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
			rc = WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -ENOENT : -EIO;
	}
	if (env) {
		for (size_t i = 0; i < nenv; i++)
			if (i >= mine || env[i] != orig[i])
				free(env[i]);
		free(env);
	}
	free(orig);
	return rc;
}

static int pg_backup(struct store *s, const char *dest_path)
{
	struct pgq *q = s->impl;
	int fd = open(dest_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	/* The custom format: compressed, and pg_restore can pick a table
	 * from it (store_backup_setting). */
	const char *argv[] = {"pg_dump", "--format=custom", "--no-owner", "--no-privileges",
	                      "--file",  dest_path,         NULL};
	int rc = run_tool(q->url, argv, true, NULL);
	if (!rc) {
		fd = open(dest_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fsync(fd))
			rc = -errno;
		if (fd >= 0)
			close(fd);
	}
	if (rc) {
		log_error("store: backup to %s failed: %s", dest_path, strerror(-rc));
		unlink(dest_path);
	}
	return rc;
}

static int pg_backup_setting(struct store *s, const char *path, const char *key, struct buf *out)
{
	struct pgq *q = s->impl;
	struct buf text = BUF_INIT;
	/* The settings table's rows as COPY text: "key<TAB>value" lines. */
	const char *argv[] = {"pg_restore", "--data-only", "--table=settings",
	                      "--file=-",   path,          NULL};
	int rc = run_tool(q->url, argv, false, &text);
	if (rc == -EIO)
		rc = -EINVAL; /* pg_restore said why: no archive */
	if (rc)
		goto out;
	const char *p = buf_str(&text);
	const char *copy = strstr(p, "\nCOPY public.settings ");
	if (!copy) {
		rc = -EINVAL;
		goto out;
	}
	p = strchr(copy + 1, '\n');
	rc = STORE_NOT_FOUND;
	size_t klen = strlen(key);
	while (p && p[1] && strncmp(p + 1, "\\.", 2) != 0) {
		const char *line = p + 1;
		p = strchr(line, '\n');
		size_t len = p ? (size_t)(p - line) : strlen(line);
		if (len > klen && strncmp(line, key, klen) == 0 && line[klen] == '\t') {
			const char *v = line + klen + 1;
			size_t vlen = len - klen - 1;
			/* COPY escapes with backslashes; no value of ours has one. */
			rc = memchr(v, '\\', vlen) ? -EIO : buf_append(out, v, vlen);
			break;
		}
	}
out:
	buf_free(&text);
	return rc;
}

static int pg_restore_run(struct store *s, const char *path)
{
	struct pgq *q = s->impl;
	/* Drops what the archive holds and makes it again, in one
	 * transaction: any failure leaves the database as it was. The pooled
	 * connections hold no lock while idle, so nothing waits. */
	const char *argv[] = {"pg_restore",
	                      "--clean",
	                      "--if-exists",
	                      "--no-owner",
	                      "--no-privileges",
	                      "--single-transaction",
	                      "--exit-on-error",
	                      path,
	                      NULL};
	int rc = run_tool(q->url, argv, true, NULL);
	if (rc)
		log_error("store: restore from %s failed: %s", path, strerror(-rc));
	return rc;
}

static void pg_close(struct store *s)
{
	struct pgq *q = s->impl;
	if (q) {
		for (size_t i = 0; i < q->nidle; i++)
			conn_free(q->idle[i]);
		pthread_mutex_destroy(&q->lock);
		pthread_cond_destroy(&q->cond);
		free(q->url);
		free(q);
	}
	free(s);
}

static const struct store_ops pg_ops = {
    .name = "postgresql",
    .remote = true,
    .pg = true,
    .read_acquire = pg_read_acquire,
    .read_release = pg_read_release,
    .write_begin = pg_write_begin,
    .locked_begin = pg_locked_begin,
    .reserve_begin = pg_reserve_begin,
    .exec_many = pg_exec_many,
    .attempts = STORE_PG_TXN_ATTEMPTS,
    .retry_max_ms = STORE_PG_RETRY_MAX_MS,
    .write_end = pg_write_end,
    .exec = pg_exec,
    .script = pg_script,
    .backup = pg_backup,
    .backup_setting = pg_backup_setting,
    .restore = pg_restore_run,
    .close = pg_close,
};

int store_pg_open(const char *url, struct store **out, struct buf *err)
{
	*out = NULL;
	struct store *s = calloc(1, sizeof *s);
	struct pgq *q = calloc(1, sizeof *q);
	if (!s || !q || !(q->url = strdup(url))) {
		if (q)
			free(q->url);
		free(q);
		free(s);
		return -ENOMEM;
	}
	s->ops = &pg_ops;
	s->impl = q;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	/* One connection first, to say clearly why it fails. */
	struct store_conn *c = NULL;
	int rc = conn_open(url, false, &c, err);
	if (!rc) {
		q->nopen = 1;
		pool_release(s, c);
		rc = store_migrate(s, err);
	}
	if (!rc) {
		/* Every statement prepared on the pooled connections now that
		 * the tables exist: one that does not fit the schema stops the
		 * program at start, not in the middle of a request. */
		c = NULL;
		rc = pool_acquire(s, &c);
		for (size_t i = 0; !rc && i < STMT__COUNT; i++) {
			rc = conn_prepare(c, (enum stmt_id)i);
			if (rc && err)
				buf_printf(err, "statement %s does not fit the database",
				           stmt_registry[i].name);
		}
		if (c)
			pool_release(s, c);
		pthread_mutex_lock(&q->lock);
		q->ready = true;
		pthread_mutex_unlock(&q->lock);
	}
	if (rc) {
		pg_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int store_pg_raw_int(struct store *s, const char *sql, long long *out)
{
	if (s->ops != &pg_ops)
		return -EINVAL;
	struct store_conn *c;
	int rc = pool_acquire(s, &c);
	if (rc)
		return rc;
	*out = -1;
	PGresult *r = PQexec(c->pg, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		*out = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
		rc = map_result(c->pg, r, "raw");
	PQclear(r);
	pool_release(s, c);
	return rc;
}
