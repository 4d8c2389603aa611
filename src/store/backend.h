/* backend: the vtable a storage backend implements, and the helpers the
 * generic store code (store.c, migrate.c) builds on.
 *
 * Owns: the split between what is generic (every store_* operation, the
 * transaction retry loop, migrations) and what a backend must provide
 * (connections, binding values to registry statements, transactions,
 * backup). A backend knows no table; store.c knows no backend. Only store/
 * includes this header (and the store tests). */
#ifndef SIGNAAL_STORE_BACKEND_H
#define SIGNAAL_STORE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "store/audit.h"
#include "store/stmts.h"
#include "store/store.h"
#include "util/buf.h"

/* A value bound to a parameter or read from a column. Column values are
 * borrowed and valid only during the row callback; text is NUL-terminated
 * there. */
enum store_type {
	STORE_NULL,
	STORE_INT,
	STORE_TEXT,
	STORE_BLOB
};
struct store_val {
	enum store_type type;
	int64_t i;
	const void *p; /* STORE_TEXT, STORE_BLOB */
	size_t len;    /* bytes at p, without a terminating NUL */
};

static inline struct store_val sv_int(int64_t i)
{
	return (struct store_val){.type = STORE_INT, .i = i};
}

static inline struct store_val sv_text(const char *s)
{
	return (struct store_val){.type = STORE_TEXT, .p = s, .len = strlen(s)};
}

/* Called for each result row; 0 goes on, anything else stops the statement
 * and becomes exec's return value. */
typedef int (*store_row_fn)(void *ctx, const struct store_val *cols, size_t ncols);

/* A backend connection; its layout belongs to the backend. */
struct store_conn;

/* One statement of store_tx_exec_many(): what exec takes, and its result. */
struct store_call {
	enum stmt_id id;
	const struct store_val *params; /* borrowed until the call returns */
	size_t nparams;
	store_row_fn row; /* may be NULL */
	void *ctx;
	int rc; /* out: exec's result; -ECANCELED when not run */
};

struct store_ops {
	const char *name;
	/* The database is reached over a socket (a thread waits for it
	 * without using the CPU), not in this process. */
	bool remote;
	/* Speaks PostgreSQL's dialect: the texts of stmt_registry_pg and of
	 * migrate.c's migrations_pg replace the common ones. */
	bool pg;
	/* Borrows a connection for reads only; the caller has it alone until
	 * read_release. May wait while all are borrowed. */
	int (*read_acquire)(struct store *s, struct store_conn **out);
	void (*read_release)(struct store *s, struct store_conn *c);
	/* Takes a connection and starts a write transaction on it: one that
	 * is serializable against every other writer, of this process or
	 * another (SQLite: the single writer connection, BEGIN IMMEDIATE;
	 * PostgreSQL: a pooled connection, ISOLATION LEVEL SERIALIZABLE).
	 * -EAGAIN when the database is busy with another writer (nothing held
	 * then); -EDEADLK when this thread already writes. */
	int (*write_begin)(struct store *s, struct store_conn **out);
	/* The same for a locking transaction (store_txn_locked): one whose
	 * operations order themselves against other writers by row locks and
	 * constraints alone, and must see, after waiting for a lock, what the
	 * writer before them committed. PostgreSQL begins READ COMMITTED here,
	 * because a serializable transaction's snapshot would date from before
	 * its wait for the lock (and it would fail where it should wait);
	 * SQLite's one writer is serial anyway. */
	int (*locked_begin)(struct store *s, struct store_conn **out);
	/* A locking transaction whose commit does not wait for the disk, for
	 * numbers reserved before the transaction that uses them
	 * (store_txn_reserve). NULL: the backend reserves inside the using
	 * transaction (SQLite, whose one writer is serial anyway). */
	int (*reserve_begin)(struct store *s, struct store_conn **out);
	/* How often store_txn tries a transaction that meets another writer,
	 * and the longest random pause (ms) before trying again; 0: the
	 * classic 10, 20, 40 ms. */
	unsigned attempts;
	unsigned retry_max_ms;
	/* Commits (commit true) or rolls back, and releases the connection.
	 * -EAGAIN when the commit met another writer (a busy database, a
	 * serialization failure, a deadlock: rolled back then, and store_txn
	 * runs the transaction again). */
	int (*write_end)(struct store *s, struct store_conn *c, bool commit);
	/* Runs registry statement id with params bound to $1..$nparams, calling
	 * row (may be NULL) per result row. Constraint violations give
	 * STORE_CONFLICT; meeting another writer (busy, serialization failure,
	 * deadlock) gives -EAGAIN, after which the transaction is lost and
	 * store_txn retries it. */
	int (*exec)(struct store_conn *c, enum stmt_id id, const struct store_val *params,
	            size_t nparams, store_row_fn row, void *ctx);
	/* Runs calls[0..n) in order on c as one pipeline (PostgreSQL: one
	 * round trip for all of them), each call's result in its rc, as exec
	 * would give it. The first call that fails stops the rest (their rc
	 * -ECANCELED): on PostgreSQL a failed statement aborts the
	 * transaction. Returns the first nonzero rc, or 0. May be NULL: then
	 * store_tx_exec_many() runs them one by one. */
	int (*exec_many)(struct store_conn *c, struct store_call *calls, size_t n);
	/* Runs constant, parameterless SQL (migrations only). */
	int (*script)(struct store_conn *c, const char *sql);
	int (*backup)(struct store *s, const char *dest_path);
	/* Reads setting key from a backup this backend made (store.h,
	 * store_backup_setting). */
	int (*backup_setting)(struct store *s, const char *path, const char *key, struct buf *out);
	/* Replaces the whole database by the backup at path (store_restore). */
	int (*restore)(struct store *s, const char *path);
	/* Frees everything including s. */
	void (*close)(struct store *s);
};

struct store {
	const struct store_ops *ops;
	void *impl; /* owned by the backend */
};

struct store_tx {
	struct store *s;
	struct store_conn *conn;
};

/* Runs a registry statement inside a write transaction. */
int store_tx_exec(struct store_tx *tx, enum stmt_id id, const struct store_val *params,
                  size_t nparams, store_row_fn row, void *ctx);
/* Runs calls[0..n) inside a write transaction, pipelined where the
 * backend can (ops->exec_many); returns the first nonzero rc (the calls
 * after it were not run), or 0. */
int store_tx_exec_many(struct store_tx *tx, struct store_call *calls, size_t n);
/* Runs a registry statement on a borrowed read connection; a busy
 * database gives -EBUSY. */
int store_read_exec(struct store *s, enum stmt_id id, const struct store_val *params,
                    size_t nparams, store_row_fn row, void *ctx);

/* Runs calls[0..n) on one borrowed read connection, pipelined where the
 * backend can (ops->exec_many): several reads in one round trip. Returns
 * the first nonzero rc (the calls after it were not run, or their rows
 * not given), or 0; a busy database gives -EBUSY. */
int store_read_many(struct store *s, struct store_call *calls, size_t n);

/* The rows of STMT_MESSAGE_LIST(_ORG) into a growing array (reports.c). */
struct store_msg_list {
	struct store_message *v;
	size_t n, cap;
};
int store_msg_list_row(void *ctx, const struct store_val *c, size_t n);

/* store_audit_object as a call for store_read_many (audit.c): fills q and
 * *call; q must outlive the call. -EINVAL as store_audit_object. */
struct store_audit_object_q {
	struct store_audit_row row;
	store_audit_fn fn;
	void *ctx;
	int64_t *total;
	struct store_val p[3];
};
int store_audit_object_call(struct store_audit_object_q *q, const char *org, const char *object,
                            size_t limit, store_audit_fn fn, void *ctx, int64_t *total,
                            struct store_call *call);

/* Row readers shared by the store's operations (store_row_fn): */
/* ctx is a bool, set true for any row. */
int store_row_found(void *ctx, const struct store_val *c, size_t n);
/* ctx is an int64_t: the row's one integer column. */
int store_row_int(void *ctx, const struct store_val *c, size_t n);
/* Copies a text column into dst (NULL becomes ""); -EIO when it is not
 * text or does not fit. */
int store_col_text(char *dst, size_t dstsz, const struct store_val *v);

/* A report's columns as export and the inbox select them, c[0..10]: id,
 * reference, received_on, channel, reporter_role, anonymous, kind,
 * district, concrete, status, outcome; r is reset first (reports.c). */
struct store_report_row;
int store_report_cols(struct store_report_row *r, const struct store_val *c);
/* The codes of a list column (a report's forms or signals, migration 14:
 * separated by one space) into out, max codes of size bytes each (with
 * their NUL), *n of them. -EIO for anything else. */
int store_codes_col(char *out, size_t size, size_t max, size_t *n, const struct store_val *c);
/* r->forms from column c. */
int store_report_forms_col(struct store_report_row *r, const struct store_val *c);

/* store_now() and STORE_TIME_LEN: store.h. */

/* The text of statement id for a backend: PostgreSQL's own where the
 * dialects differ, else the common one. */
static inline const char *stmt_text(enum stmt_id id, bool pg)
{
	return pg && stmt_registry_pg[id] ? stmt_registry_pg[id] : stmt_registry[id].sql;
}

/* store_txn with ops->locked_begin: for operations that are correct when
 * each statement sees what was committed before it, because everything
 * they rely on is held by a row lock or a constraint until they end
 * (migrations, behind STMT_MIGRATION_LOCK; the intake's batch insert,
 * whose numbers come from locked counter rows). Retried like store_txn. */
int store_txn_locked(struct store *s, store_txn_fn fn, void *ctx);
/* A locking transaction for writes whose loss in a crash harms nothing:
 * numbers reserved (counter rows raised) for a later transaction of this
 * thread that stores what uses them, and throttle counts. Its
 * commit does not wait for the disk, so the counter rows' locks are held
 * for a few round trips instead of an fsync, and the writers of several
 * servers commit their reports at the same time (PostgreSQL flushes them
 * together) instead of one after another. That loses nothing that
 * matters: the log is written in order, so the durable commit of any
 * report that uses a reserved number makes the reservation durable too;
 * a crash can only forget a reservation no stored report uses. A using
 * transaction that fails leaves its numbers unused (a gap, never a
 * repeat). Only where store_reserves_apart(); -ENOTSUP elsewhere. */
int store_txn_reserve(struct store *s, store_txn_fn fn, void *ctx);
bool store_reserves_apart(const struct store *s);

/* migrate.c: applies pending migrations in one transaction. Returns 0,
 * STORE_TOO_NEW (err says which versions) or negative errno. */
int store_migrate(struct store *s, struct buf *err);
/* The schema version this program knows (the number of migrations). */
int store_migrations_known(void);

#endif
