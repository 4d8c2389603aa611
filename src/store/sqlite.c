/* sqlite: the embedded SQLite backend of the store.
 *
 * Owns: the database file, one writer connection behind a mutex, and a
 * pool of read connections (WAL lets readers run beside the writer). Every
 * connection is hardened the same way and keeps its own prepared copy of
 * each registry statement, prepared on first use. */
#include "store/sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/backend.h"
#include "util/log.h"

struct store_conn {
	sqlite3 *db;
	sqlite3_stmt *stmts[STMT__COUNT];
};

struct sq {
	char *path;
	/* Serialises writers of this process; error-checking so that a nested
	 * store_txn fails with EDEADLK instead of hanging. */
	pthread_mutex_t wlock;
	struct store_conn *writer;
	/* Read pool: idle connections, and how many exist in all. */
	pthread_mutex_t plock;
	pthread_cond_t pcond;
	struct store_conn *idle[STORE_READ_CONNS];
	size_t nidle, nopen;
};

/* "$1".."$72" without formatting anything at run time. */
static const char *const param_names[STORE_MAX_PARAMS + 1] = {
    "",    "$1",  "$2",  "$3",  "$4",  "$5",  "$6",  "$7",  "$8",  "$9",  "$10", "$11", "$12",
    "$13", "$14", "$15", "$16", "$17", "$18", "$19", "$20", "$21", "$22", "$23", "$24", "$25",
    "$26", "$27", "$28", "$29", "$30", "$31", "$32", "$33", "$34", "$35", "$36", "$37", "$38",
    "$39", "$40", "$41", "$42", "$43", "$44", "$45", "$46", "$47", "$48", "$49", "$50", "$51",
    "$52", "$53", "$54", "$55", "$56", "$57", "$58", "$59", "$60", "$61", "$62", "$63", "$64",
    "$65", "$66", "$67", "$68", "$69", "$70", "$71", "$72"};
_Static_assert(STORE_MAX_PARAMS == 72, "param_names lists $1..$STORE_MAX_PARAMS");

/* Per-connection settings, constant and SQLite-only, so they live here and
 * not in the portable registry. secure_delete because purged reports must
 * not linger in free pages of the file. */
static const char pragmas_common[] = "PRAGMA foreign_keys = ON;"
                                     "PRAGMA trusted_schema = OFF;"
                                     "PRAGMA synchronous = FULL;"
                                     "PRAGMA secure_delete = ON;";
/* Readers cannot write even through a bug in the generic code. */
static const char pragmas_reader[] = "PRAGMA query_only = ON;";

/* The operating system's reason behind an I/O failure, when SQLite kept
 * one that an operator can act on (a full disk, a read-only directory):
 * SQLite itself only says "disk I/O error" or "unable to open database
 * file" for these. 0 when there is none. */
static int os_cause(sqlite3 *db)
{
	int e = db ? sqlite3_system_errno(db) : 0;
	switch (e) {
	case ENOSPC:
	case EDQUOT:
		return -ENOSPC;
	case EROFS:
		return -EROFS;
	case EACCES:
	case EPERM:
		return -EACCES;
	default:
		return 0;
	}
}

static int map_rc(sqlite3 *db, int rc)
{
	int cause;
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_CONSTRAINT:
		return STORE_CONFLICT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EAGAIN;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_READONLY:
		cause = os_cause(db);
		return cause ? cause : -EROFS;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_CANTOPEN:
		cause = os_cause(db);
		return cause ? cause : -ENOENT;
	case SQLITE_IOERR:
		cause = os_cause(db);
		return cause ? cause : -EIO;
	default:
		return -EIO;
	}
}

/* What went wrong, for a message: the cause in words an operator acts on
 * where there is one, else SQLite's own text. */
static const char *fault_text(sqlite3 *db, int sq)
{
	int rc = map_rc(db, sq);
	if (rc == -ENOSPC || rc == -EROFS || rc == -EACCES)
		return store_strerror(rc);
	return db ? sqlite3_errmsg(db) : sqlite3_errstr(sq);
}

static int collate_c(void *arg, int alen, const void *a, int blen, const void *b)
{
	(void)arg;
	int n = alen < blen ? alen : blen;
	int r = n > 0 ? memcmp(a, b, (size_t)n) : 0;
	return r ? r : (alen > blen) - (alen < blen);
}

static void conn_free(struct store_conn *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < STMT__COUNT; i++)
		sqlite3_finalize(c->stmts[i]);
	sqlite3_close(c->db);
	free(c);
}

static int conn_open(const char *path, bool writer, struct store_conn **out, struct buf *err)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
#ifdef SQLITE_OPEN_NOFOLLOW
	flags |= SQLITE_OPEN_NOFOLLOW;
#endif
	int rc;
	struct store_conn *c = calloc(1, sizeof *c);
	*out = NULL;
	if (!c)
		return -ENOMEM;
	int sq = sqlite3_open_v2(path, &c->db, flags, NULL);
	if (sq != SQLITE_OK) {
		if (err)
			buf_printf(err, "cannot open database %s: %s", path, fault_text(c->db, sq));
		rc = c->db ? map_rc(c->db, sq) : -ENOMEM;
		goto out;
	}
	sqlite3_extended_result_codes(c->db, 1);
	/* DEFENSIVE: no writable_schema, no direct page writes; DQS off: a
	 * double-quoted string is an identifier, as in PostgreSQL. */
	static const int off_opts[] = {SQLITE_DBCONFIG_TRUSTED_SCHEMA, SQLITE_DBCONFIG_DQS_DML,
	                               SQLITE_DBCONFIG_DQS_DDL,
	                               SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION};
	sq = sqlite3_db_config(c->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	/* The registry says COLLATE "C" where text is ordered, PostgreSQL's
	 * name for byte order; here it is byte order too. */
	if (sq == SQLITE_OK)
		sq = sqlite3_create_collation_v2(c->db, "C", SQLITE_UTF8, NULL, collate_c, NULL);
	for (size_t i = 0; sq == SQLITE_OK && i < sizeof off_opts / sizeof off_opts[0]; i++)
		sq = sqlite3_db_config(c->db, off_opts[i], 0, (int *)NULL);
	if (sq == SQLITE_OK)
		sq = sqlite3_busy_timeout(c->db, (int)STORE_BUSY_TIMEOUT_MS);
	if (sq == SQLITE_OK)
		sq = sqlite3_exec(c->db, pragmas_common, NULL, NULL, NULL);
	if (sq == SQLITE_OK && !writer)
		sq = sqlite3_exec(c->db, pragmas_reader, NULL, NULL, NULL);
	if (sq != SQLITE_OK) {
		if (err)
			buf_printf(err, "cannot configure database %s: %s", path,
			           fault_text(c->db, sq));
		rc = map_rc(c->db, sq);
		goto out;
	}
	if (writer) {
		/* WAL is a property of the file; set once by the writer, readers
		 * inherit it. */
		sqlite3_stmt *st = NULL;
		sq = sqlite3_prepare_v2(c->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
		if (sq == SQLITE_OK)
			sq = sqlite3_step(st);
		bool wal = sq == SQLITE_ROW &&
		           strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
		sqlite3_finalize(st);
		if (!wal) {
			rc = sq == SQLITE_ROW ? -EIO : map_rc(c->db, sq);
			if (err)
				buf_printf(err, "cannot switch database %s to WAL mode: %s", path,
				           sq == SQLITE_ROW ? "it stays in another mode"
				                            : fault_text(c->db, sq));
			rc = rc ? rc : -EIO;
			goto out;
		}
	}
	*out = c;
	c = NULL;
	rc = 0;
out:
	conn_free(c);
	return rc;
}

/* Checks that every parameter is written $1..$n, so that binding $k by
 * name is complete and the text stays portable to PostgreSQL. */
static bool params_portable(sqlite3_stmt *st)
{
	int n = sqlite3_bind_parameter_count(st);
	if (n < 0 || n > (int)STORE_MAX_PARAMS)
		return false;
	for (int k = 1; k <= n; k++)
		if (sqlite3_bind_parameter_index(st, param_names[k]) == 0)
			return false;
	return true;
}

static int conn_stmt(struct store_conn *c, enum stmt_id id, sqlite3_stmt **out)
{
	if ((unsigned)id >= STMT__COUNT)
		return -EINVAL;
	if (c->stmts[id]) {
		*out = c->stmts[id];
		return 0;
	}
	const struct stmt_def *d = &stmt_registry[id];
	sqlite3_stmt *st = NULL;
	int sq = sqlite3_prepare_v3(c->db, stmt_text(id, false), -1, SQLITE_PREPARE_PERSISTENT, &st,
	                            NULL);
	if (sq != SQLITE_OK) {
		log_error("store: cannot prepare %s: %s", d->name, sqlite3_errmsg(c->db));
		sqlite3_finalize(st);
		return map_rc(c->db, sq) == -EAGAIN ? -EAGAIN : -EIO;
	}
	if (!params_portable(st)) {
		log_error("store: statement %s: parameters must be $1..$n", d->name);
		sqlite3_finalize(st);
		return -EINVAL;
	}
	c->stmts[id] = st;
	*out = st;
	return 0;
}

static int bind_all(sqlite3_stmt *st, const struct store_val *p, size_t n)
{
	if (n != (size_t)sqlite3_bind_parameter_count(st))
		return -EINVAL;
	for (size_t k = 1; k <= n; k++) {
		const struct store_val *v = &p[k - 1];
		int idx = sqlite3_bind_parameter_index(st, param_names[k]);
		int sq;
		switch (v->type) {
		case STORE_NULL:
			sq = sqlite3_bind_null(st, idx);
			break;
		case STORE_INT:
			sq = sqlite3_bind_int64(st, idx, v->i);
			break;
		case STORE_TEXT:
			if (v->len > (size_t)INT32_MAX)
				return -EINVAL;
			sq = sqlite3_bind_text(st, idx, v->p, (int)v->len, SQLITE_STATIC);
			break;
		case STORE_BLOB:
			if (v->len > (size_t)INT32_MAX)
				return -EINVAL;
			sq = sqlite3_bind_blob(st, idx, v->len ? v->p : "", (int)v->len,
			                       SQLITE_STATIC);
			break;
		default:
			return -EINVAL;
		}
		if (sq != SQLITE_OK)
			return sq == SQLITE_NOMEM ? -ENOMEM : -EINVAL;
	}
	return 0;
}

static int read_row(sqlite3_stmt *st, store_row_fn row, void *ctx)
{
	struct store_val cols[STORE_MAX_COLS];
	int n = sqlite3_column_count(st);
	if (n < 0 || n > (int)STORE_MAX_COLS)
		return -EIO;
	for (int i = 0; i < n; i++) {
		struct store_val *v = &cols[i];
		memset(v, 0, sizeof *v);
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER:
			v->type = STORE_INT;
			v->i = sqlite3_column_int64(st, i);
			break;
		case SQLITE_TEXT:
			v->type = STORE_TEXT;
			v->p = sqlite3_column_text(st, i);
			v->len = (size_t)sqlite3_column_bytes(st, i);
			if (!v->p)
				return -ENOMEM;
			break;
		case SQLITE_BLOB:
			v->type = STORE_BLOB;
			v->p = sqlite3_column_blob(st, i);
			v->len = (size_t)sqlite3_column_bytes(st, i);
			break;
		case SQLITE_NULL:
			v->type = STORE_NULL;
			break;
		default:
			/* REAL never appears: the schema has no such column. */
			return -EIO;
		}
	}
	return row(ctx, cols, (size_t)n);
}

static int sq_exec(struct store_conn *c, enum stmt_id id, const struct store_val *params,
                   size_t nparams, store_row_fn row, void *ctx)
{
	sqlite3_stmt *st;
	int rc = conn_stmt(c, id, &st);
	if (rc)
		return rc;
	rc = bind_all(st, params, nparams);
	while (!rc) {
		int sq = sqlite3_step(st);
		if (sq == SQLITE_DONE)
			break;
		if (sq == SQLITE_ROW) {
			if (row)
				rc = read_row(st, row, ctx);
			continue;
		}
		rc = map_rc(c->db, sq);
		if (rc == -EIO || rc == -ENOSPC || rc == -EROFS || rc == -EACCES)
			log_error("store: %s: %s", stmt_registry[id].name, fault_text(c->db, sq));
	}
	/* Reset ends the statement's read transaction at once, so a pooled
	 * reader does not pin an old snapshot (and the WAL) while idle. */
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

static int sq_script(struct store_conn *c, const char *sql)
{
	char *msg = NULL;
	int sq = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
	if (sq != SQLITE_OK)
		log_error("store: migration: %s",
		          os_cause(c->db) || !msg ? fault_text(c->db, sq) : msg);
	sqlite3_free(msg);
	return map_rc(c->db, sq);
}

static int sq_read_acquire(struct store *s, struct store_conn **out)
{
	struct sq *q = s->impl;
	pthread_mutex_lock(&q->plock);
	while (q->nidle == 0 && q->nopen == STORE_READ_CONNS)
		pthread_cond_wait(&q->pcond, &q->plock);
	if (q->nidle) {
		*out = q->idle[--q->nidle];
		pthread_mutex_unlock(&q->plock);
		return 0;
	}
	q->nopen++;
	pthread_mutex_unlock(&q->plock);
	/* Opening takes a few system calls; do it outside the pool lock. */
	int rc = conn_open(q->path, false, out, NULL);
	if (rc) {
		pthread_mutex_lock(&q->plock);
		q->nopen--;
		pthread_cond_signal(&q->pcond);
		pthread_mutex_unlock(&q->plock);
	}
	return rc;
}

static void sq_read_release(struct store *s, struct store_conn *c)
{
	struct sq *q = s->impl;
	pthread_mutex_lock(&q->plock);
	q->idle[q->nidle++] = c;
	pthread_cond_signal(&q->pcond);
	pthread_mutex_unlock(&q->plock);
}

static int sq_write_begin(struct store *s, struct store_conn **out)
{
	struct sq *q = s->impl;
	int e = pthread_mutex_lock(&q->wlock);
	if (e)
		return -e;
	/* IMMEDIATE takes the write lock now: a deferred transaction could
	 * fail to upgrade half-way, after work that would be lost. */
	int sq = sqlite3_exec(q->writer->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (sq != SQLITE_OK) {
		pthread_mutex_unlock(&q->wlock);
		return map_rc(q->writer->db, sq);
	}
	*out = q->writer;
	return 0;
}

static int sq_write_end(struct store *s, struct store_conn *c, bool commit)
{
	struct sq *q = s->impl;
	int rc = 0;
	if (commit) {
		int sq = sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
		rc = map_rc(c->db, sq);
	}
	if (!commit || rc)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_unlock(&q->wlock);
	return rc;
}

/* Creates dest exclusively with mode 0600 before SQLite opens it, so the
 * copy of every report is never readable by others, not even briefly. */
static int create_private(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	int rc = fchmod(fd, 0600) ? -errno : 0;
	close(fd);
	if (rc)
		unlink(path);
	return rc;
}

static int sq_backup(struct store *s, const char *dest_path)
{
	struct store_conn *src = NULL;
	sqlite3 *dst = NULL;
	int rc = create_private(dest_path);
	if (rc)
		return rc;
	int flags = SQLITE_OPEN_READWRITE;
#ifdef SQLITE_OPEN_NOFOLLOW
	flags |= SQLITE_OPEN_NOFOLLOW;
#endif
	int sq = sqlite3_open_v2(dest_path, &dst, flags, NULL);
	if (sq != SQLITE_OK) {
		rc = dst ? map_rc(dst, sq) : -ENOMEM;
		goto out;
	}
	rc = sq_read_acquire(s, &src);
	if (rc)
		goto out;
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src->db, "main");
	if (!b) {
		rc = map_rc(dst, sqlite3_errcode(dst));
		rc = rc ? rc : -EIO;
		goto out;
	}
	/* All pages in one step: one read transaction, hence one consistent
	 * snapshot; in WAL mode writers go on meanwhile. */
	for (unsigned attempt = 0;; attempt++) {
		sq = sqlite3_backup_step(b, -1);
		if ((sq == SQLITE_BUSY || sq == SQLITE_LOCKED) && attempt < STORE_TXN_ATTEMPTS) {
			sqlite3_sleep(50);
			continue;
		}
		break;
	}
	int fin = sqlite3_backup_finish(b);
	if (sq != SQLITE_DONE) {
		rc = map_rc(dst, sq);
		rc = rc ? rc : -EIO;
	} else if (fin != SQLITE_OK) {
		rc = map_rc(dst, fin);
	}
	if (!rc) {
		/* The copy is only worth something once it is on disk. */
		sq = sqlite3_exec(dst, "PRAGMA synchronous = FULL; PRAGMA wal_checkpoint(TRUNCATE)",
		                  NULL, NULL, NULL);
		rc = map_rc(dst, sq);
	}
out:
	if (src)
		sq_read_release(s, src);
	if (sqlite3_close(dst) != SQLITE_OK && !rc)
		rc = -EIO;
	if (rc) {
		log_error("store: backup to %s failed: %s", dest_path, strerror(-rc));
		unlink(dest_path);
	} else {
		int fd = open(dest_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fsync(fd))
			rc = -errno;
		if (fd >= 0)
			close(fd);
	}
	return rc;
}

/* Opens a backup file read-only; -EINVAL when it is no SQLite database. */
static int open_backup(const char *path, sqlite3 **out)
{
	int flags = SQLITE_OPEN_READONLY;
#ifdef SQLITE_OPEN_NOFOLLOW
	flags |= SQLITE_OPEN_NOFOLLOW;
#endif
	int sq = sqlite3_open_v2(path, out, flags, NULL);
	if (sq == SQLITE_OK)
		/* Reading the schema tells a database from any other file. */
		sq = sqlite3_exec(*out, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
	if (sq == SQLITE_OK)
		return 0;
	int rc = sq == SQLITE_NOTADB || sq == SQLITE_CORRUPT ? -EINVAL
	         : *out                                      ? map_rc(*out, sq)
	                                                     : -ENOMEM;
	if (sq == SQLITE_CANTOPEN)
		rc = -ENOENT;
	sqlite3_close(*out);
	*out = NULL;
	return rc ? rc : -EIO;
}

static int sq_backup_setting(struct store *s, const char *path, const char *key, struct buf *out)
{
	(void)s;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = open_backup(path, &db);
	if (rc)
		return rc;
	int sq = sqlite3_prepare_v2(db, stmt_text(STMT_SETTING_GET, false), -1, &st, NULL);
	if (sq != SQLITE_OK) {
		/* No settings table: no backup of Signaal. */
		rc = -EINVAL;
		goto out;
	}
	sq = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sq == SQLITE_OK)
		sq = sqlite3_step(st);
	if (sq == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);
		rc = v ? buf_puts(out, (const char *)v) : STORE_NOT_FOUND;
	} else if (sq == SQLITE_DONE) {
		rc = STORE_NOT_FOUND;
	} else {
		rc = map_rc(db, sq);
		rc = rc ? rc : -EIO;
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

static int sq_restore(struct store *s, const char *path)
{
	struct sq *q = s->impl;
	sqlite3 *src = NULL;
	int rc = open_backup(path, &src);
	if (rc)
		return rc;
	int e = pthread_mutex_lock(&q->wlock);
	if (e) {
		sqlite3_close(src);
		return -e;
	}
	/* The writer connection is the destination: the backup API takes the
	 * database's write lock itself and replaces every page in one step,
	 * so a failure leaves the database as it was. */
	sqlite3 *dst = q->writer->db;
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		rc = map_rc(dst, sqlite3_errcode(dst));
		rc = rc ? rc : -EIO;
		goto out;
	}
	int sq;
	for (unsigned attempt = 0;; attempt++) {
		sq = sqlite3_backup_step(b, -1);
		if ((sq == SQLITE_BUSY || sq == SQLITE_LOCKED) && attempt < STORE_TXN_ATTEMPTS) {
			sqlite3_sleep(50);
			continue;
		}
		break;
	}
	int fin = sqlite3_backup_finish(b);
	if (sq != SQLITE_DONE) {
		rc = map_rc(dst, sq);
		rc = rc ? rc : -EIO;
	} else if (fin != SQLITE_OK) {
		rc = map_rc(dst, fin);
	}
	if (!rc)
		rc = map_rc(dst,
		            sqlite3_exec(dst, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL));
out:
	pthread_mutex_unlock(&q->wlock);
	sqlite3_close(src);
	if (rc)
		log_error("store: restore from %s failed: %s", path, strerror(-rc));
	return rc;
}

static void sq_close(struct store *s)
{
	struct sq *q = s->impl;
	if (q) {
		for (size_t i = 0; i < q->nidle; i++)
			conn_free(q->idle[i]);
		conn_free(q->writer);
		pthread_mutex_destroy(&q->wlock);
		pthread_mutex_destroy(&q->plock);
		pthread_cond_destroy(&q->pcond);
		free(q->path);
		free(q);
	}
	free(s);
}

static const struct store_ops sqlite_ops = {
    .name = "sqlite",
    .read_acquire = sq_read_acquire,
    .read_release = sq_read_release,
    .write_begin = sq_write_begin,
    /* BEGIN IMMEDIATE holds the write lock from the start: migrations
     * need nothing else. */
    .locked_begin = sq_write_begin,
    .write_end = sq_write_end,
    .exec = sq_exec,
    .script = sq_script,
    .backup = sq_backup,
    .backup_setting = sq_backup_setting,
    .restore = sq_restore,
    .close = sq_close,
};

/* Creates the file 0600 when missing (only when create is set) and
 * refuses an existing one that others may read: the database holds
 * reports. It is opened for writing here, because SQLite would otherwise
 * fall back to reading a file it cannot write and fail later with words
 * that do not say why. */
static int prepare_file(const char *path, bool create, struct buf *err)
{
	int fd = -1;
	if (create) {
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			int rc = fchmod(fd, 0600) ? -errno : 0;
			close(fd);
			if (rc && err)
				buf_printf(err, "cannot set mode 0600 on %s: %s", path,
				           store_strerror(rc));
			return rc;
		}
		if (errno != EEXIST) {
			int rc = -errno;
			if (err)
				buf_printf(err, "cannot create database %s: %s", path,
				           store_strerror(rc));
			return rc;
		}
	}
	struct stat st;
	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		int rc = -errno;
		if (fd >= 0)
			close(fd);
		if (err && rc == -ENOENT)
			buf_printf(err, "database %s does not exist", path);
		else if (err)
			buf_printf(err, "cannot open database %s for writing: %s", path,
			           store_strerror(rc));
		return rc;
	}
	close(fd);
	if (!S_ISREG(st.st_mode)) {
		if (err)
			buf_printf(err, "database %s is not a regular file", path);
		return -EINVAL;
	}
	if (st.st_mode & 077) {
		if (err)
			buf_printf(err,
			           "database %s has mode %04o and is open to other users; "
			           "run: chmod 600 %s",
			           path, (unsigned)(st.st_mode & 07777), path);
		return -EACCES;
	}
	return 0;
}

/* Prepares every registry statement once on the writer, so a statement
 * that does not fit the schema stops the program at start, not later in
 * the middle of a request. */
static int prepare_all(struct store_conn *c, struct buf *err)
{
	for (size_t i = 0; i < STMT__COUNT; i++) {
		sqlite3_stmt *st;
		int rc = conn_stmt(c, (enum stmt_id)i, &st);
		if (rc) {
			if (err)
				buf_printf(err, "statement %s does not fit the database: %s",
				           stmt_registry[i].name, sqlite3_errmsg(c->db));
			return rc;
		}
	}
	return 0;
}

static int open_sqlite(const char *path, bool create, struct store **out, struct buf *err)
{
	struct store *s = NULL;
	struct sq *q = NULL;
	pthread_mutexattr_t ma;
	bool ma_init = false;
	int rc;
	*out = NULL;
	if (!path || !*path) {
		if (err)
			buf_puts(err, "no database path given");
		return -EINVAL;
	}
	if (!sqlite3_threadsafe()) {
		if (err)
			buf_puts(err, "this SQLite library was built without thread support");
		return -ENOTSUP;
	}
	rc = prepare_file(path, create, err);
	if (rc)
		return rc;
	s = calloc(1, sizeof *s);
	q = calloc(1, sizeof *q);
	if (!s || !q) {
		free(s);
		free(q);
		return -ENOMEM;
	}
	s->ops = &sqlite_ops;
	s->impl = q;
	q->path = strdup(path);
	if (pthread_mutexattr_init(&ma) == 0)
		ma_init = true;
	if (!q->path || !ma_init || pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK) ||
	    pthread_mutex_init(&q->wlock, &ma)) {
		free(q->path);
		free(q);
		free(s);
		rc = -ENOMEM;
		goto out;
	}
	pthread_mutex_init(&q->plock, NULL);
	pthread_cond_init(&q->pcond, NULL);
	rc = conn_open(path, true, &q->writer, err);
	if (!rc)
		rc = store_migrate(s, err);
	if (!rc)
		rc = prepare_all(q->writer, err);
	if (rc) {
		sq_close(s);
		goto out;
	}
	*out = s;
out:
	if (ma_init)
		pthread_mutexattr_destroy(&ma);
	return rc;
}

int store_sqlite_open(const char *path, bool create, struct store **out, struct buf *err)
{
	return open_sqlite(path, create, out, err);
}

int store_sqlite_raw(struct store *s, bool writer, int (*fn)(sqlite3 *db, void *ctx), void *ctx)
{
	struct sq *q = s->impl;
	if (s->ops != &sqlite_ops)
		return -EINVAL;
	if (writer) {
		int e = pthread_mutex_lock(&q->wlock);
		if (e)
			return -e;
		int rc = fn(q->writer->db, ctx);
		pthread_mutex_unlock(&q->wlock);
		return rc;
	}
	struct store_conn *c;
	int rc = sq_read_acquire(s, &c);
	if (rc)
		return rc;
	rc = fn(c->db, ctx);
	sq_read_release(s, c);
	return rc;
}
