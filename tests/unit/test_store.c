/* Tests of the store: the SQLite backend, migrations, and every operation,
 * each in a fresh temporary directory. With SIGNAAL_TEST_STORE_URL set
 * (tests/pg/with-pg does; meson registers the program a second time so)
 * every operation runs against that PostgreSQL database instead, emptied
 * before each test; the tests of what only SQLite has (its file, pragmas,
 * backup, the migrations of old files) are skipped there. */
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#ifdef SIGNAAL_HAVE_PG
#include <libpq-fe.h>

#include "store/pg.h"
#endif
#include "store/backend.h"
#include "store/sqlite.h"
#include "store/store.h"
#include "store_fixture.h"
#include "tmpdir.h"

struct fx {
	char dir[64];
	char db[96];
	struct store *s;
};

/* The fixture's store when it is a PostgreSQL one (for file_int). */
static struct store *pg_store;

/* Opens the fixture's database again (a second store on it with out). */
static int fx_open(struct fx *f, struct store **out)
{
	struct buf err = BUF_INIT;
	int rc = store_fixture_pg_url ? store_open(store_fixture_pg_url, 0, out, &err)
	                              : store_open_sqlite(f->db, out, &err);
	if (rc)
		fprintf(stderr, "open: %s\n", buf_str(&err));
	buf_free(&err);
	return rc;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/signaal-store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof f->db, "%s/test.db", f->dir);
	*state = f;
	if (store_fixture_pg_url) {
		if (store_fixture_pg_reset() || fx_open(f, &f->s))
			return -1;
		pg_store = f->s;
		return 0;
	}
	struct buf err = BUF_INIT;
	int rc = store_open_sqlite(f->db, &f->s, &err);
	if (rc)
		fprintf(stderr, "open: %s\n", buf_str(&err));
	buf_free(&err);
	*state = f;
	return rc ? -1 : 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	pg_store = NULL;
	store_close(f->s);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static const char *const velsen_districts[] = {"IJmuiden", "Velsen-Noord", "Velsen-Zuid",
                                               "Driehuis"};

static struct store_org velsen(void)
{
	struct store_org o = {.public_min_cell = 5};
	strcpy(o.id, "velsen");
	strcpy(o.name, "Gemeente Velsen");
	strcpy(o.region, "kennemerland");
	return o;
}

static void create_velsen(struct store *s)
{
	struct store_org o = velsen();
	assert_int_equal(store_org_create(s, &o, velsen_districts, 4), 0);
}

/* --- raw SQLite helpers -------------------------------------------------- */

static long long raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The first column of sql's first row, on the file at path or, under
 * PostgreSQL, on the fixture's database. */
static long long file_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	long long v = -1;
#ifdef SIGNAAL_HAVE_PG
	if (pg_store) {
		if (store_pg_raw_int(pg_store, sql, &v))
			v = -2;
		return v;
	}
#endif
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK)
		v = raw_int(db, sql);
	sqlite3_close(db);
	return v;
}

/* --- tests ---------------------------------------------------------------- */

static void test_registry_complete(void **state)
{
	(void)state;
	for (size_t i = 0; i < STMT__COUNT; i++) {
		assert_non_null(stmt_registry[i].name);
		assert_non_null(stmt_registry[i].sql);
		/* Only $n parameters: ?, :name and @name would not port. */
		assert_null(strchr(stmt_registry[i].sql, '?'));
		assert_null(strchr(stmt_registry[i].sql, '@'));
		if (stmt_registry_pg[i]) {
			assert_null(strchr(stmt_registry_pg[i], '?'));
			assert_null(strchr(stmt_registry_pg[i], '@'));
		}
	}
}

/* Every statement's row fits the columns a backend reads at most
 * (STORE_MAX_COLS): one with more would fail every call with -EIO.
 * SQLite's count of result columns, on the migrated schema; the
 * PostgreSQL texts differ only in dialect, not in their columns. */
static int count_columns(sqlite3 *db, void *ctx)
{
	(void)ctx;
	for (size_t i = 0; i < STMT__COUNT; i++) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(db, stmt_registry[i].sql, -1, &st, NULL) != SQLITE_OK)
			fail_msg("%s: %s", stmt_registry[i].name, sqlite3_errmsg(db));
		int n = sqlite3_column_count(st);
		sqlite3_finalize(st);
		if (n > (int)STORE_MAX_COLS)
			fail_msg("%s: %d columns, more than STORE_MAX_COLS", stmt_registry[i].name,
			         n);
	}
	return 0;
}

static void test_registry_rows_fit(void **state)
{
	struct fx *f = *state;
	assert_int_equal(store_sqlite_raw(f->s, false, count_columns, NULL), 0);
}

static void test_open_creates_private_file(void **state)
{
	struct fx *f = *state;
	struct stat st;
	assert_int_equal(stat(f->db, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(store_ping(f->s), 0);
}

static void test_migrations_recorded_and_idempotent(void **state)
{
	struct fx *f = *state;
	const char *q = "SELECT COUNT(*) FROM schema_migrations";
	assert_int_equal(file_int(f->db, q), store_migrations_known());
	assert_int_equal(file_int(f->db, "SELECT MAX(version) FROM schema_migrations"),
	                 store_migrations_known());
	store_close(f->s);
	f->s = NULL;
	struct buf err = BUF_INIT;
	assert_int_equal(store_open_sqlite(f->db, &f->s, &err), 0);
	assert_int_equal(file_int(f->db, q), store_migrations_known());
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM sqlite_schema WHERE name ="
	                                 " 'organisations'"),
	                 1);
	buf_free(&err);
}

/* Debian builds SQLite with SQLITE_SECURE_DELETE, so a connection has
 * secure_delete on whether or not the store asks for it. Every connection
 * this program opens starts with it off instead: an automatic extension
 * runs inside sqlite3_open_v2, before the store's own pragmas, so that
 * check_pragmas sees the store's setting and not the library's default. */
static int secure_delete_off(sqlite3 *db, char **err, const void *api)
{
	(void)api;
	return sqlite3_exec(db, "PRAGMA secure_delete = OFF", NULL, NULL, err);
}

static int check_pragmas(sqlite3 *db, void *ctx)
{
	bool writer = *(bool *)ctx;
	assert_int_equal(raw_int(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(raw_int(db, "PRAGMA trusted_schema"), 0);
	assert_int_equal(raw_int(db, "PRAGMA synchronous"), 2); /* FULL */
	assert_int_equal(raw_int(db, "PRAGMA secure_delete"), 1);
	assert_int_equal(raw_int(db, "PRAGMA busy_timeout"), STORE_BUSY_TIMEOUT_MS);
	assert_int_equal(raw_int(db, "PRAGMA query_only"), writer ? 0 : 1);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	int v = -1;
	assert_int_equal(sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &v), SQLITE_OK);
	assert_int_equal(v, 1);
	v = -1;
	assert_int_equal(sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, -1, &v), SQLITE_OK);
	assert_int_equal(v, 0);
	v = -1;
	assert_int_equal(sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, -1, &v), SQLITE_OK);
	assert_int_equal(v, 0);
	/* DEFENSIVE really refuses schema tampering. */
	assert_int_not_equal(sqlite3_exec(db,
	                                  "PRAGMA writable_schema = ON; UPDATE sqlite_schema"
	                                  " SET sql = '' WHERE name = 'settings'",
	                                  NULL, NULL, NULL),
	                     SQLITE_OK);
	return 0;
}

static void test_pragmas_hardened(void **state)
{
	struct fx *f = *state;
	/* The baseline really is off: a connection the store did not open. */
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(raw_int(db, "PRAGMA secure_delete"), 0);
	sqlite3_close(db);
	bool writer = true;
	assert_int_equal(store_sqlite_raw(f->s, true, check_pragmas, &writer), 0);
	writer = false;
	assert_int_equal(store_sqlite_raw(f->s, false, check_pragmas, &writer), 0);
}

/* --- a second process writing ------------------------------------------- */

/* Run as a second process (this program again, main() sees the
 * variable): takes the write lock of the file, says so with one byte on
 * stdout, holds it for the milliseconds given, then commits. */
#define HOLD_ENV "SIGNAAL_TEST_HOLD_WRITE_LOCK"
static int hold_write_lock(const char *arg)
{
	char *path = NULL;
	unsigned long ms = strtoul(arg, &path, 10);
	if (*path != ':')
		return 2;
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path + 1, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return 3;
	if (write(1, "L", 1) != 1)
		return 4;
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	int rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : 5;
	sqlite3_close(db);
	return rc;
}

/* Starts the second process on path, holding the lock for ms; returns
 * once it holds it. */
static pid_t hold_start(const char *path, unsigned ms)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	char arg[160];
	snprintf(arg, sizeof arg, "%u:%s", ms, path);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		setenv(HOLD_ENV, arg, 1);
		execl("/proc/self/exe", "test_store", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	char c = 0;
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(c, 'L');
	close(p[0]);
	return pid;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Another process holds the write lock longer than SQLite's busy timeout
 * but shorter than store_txn's attempts together: the write succeeds on a
 * later attempt. */
static void test_busy_writer_waited_for(void **state)
{
	struct fx *f = *state;
	const unsigned hold = STORE_BUSY_TIMEOUT_MS + STORE_BUSY_TIMEOUT_MS / 2;
	pid_t pid = hold_start(f->db, hold);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct store_org o = velsen();
	assert_int_equal(store_org_create(f->s, &o, velsen_districts, 4), 0);
	/* It really waited for the other process, past one busy timeout. */
	assert_true(ms_since(&t0) > STORE_BUSY_TIMEOUT_MS);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	struct store_org got;
	assert_int_equal(store_org_get(f->s, "velsen", &got), 0);
}

/* Held past every attempt: the write fails with the busy error, in
 * bounded time, instead of hanging (or succeeding only once the other
 * process lets go). */
static void test_busy_writer_too_long_is_busy(void **state)
{
	struct fx *f = *state;
	const unsigned budget = STORE_BUSY_TIMEOUT_MS * STORE_TXN_ATTEMPTS;
	pid_t pid = hold_start(f->db, 2 * budget + 2000);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct store_org o = velsen();
	int rc = store_org_create(f->s, &o, velsen_districts, 4);
	double ms = ms_since(&t0);
	kill(pid, SIGKILL);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(rc, -EBUSY);
	assert_non_null(strstr(store_strerror(rc), "busy"));
	/* Every attempt waited its busy timeout; none waited for good. */
	assert_true(ms > budget * 0.9);
	assert_true(ms < budget + 2000);
	struct store_org got;
	assert_int_not_equal(store_org_get(f->s, "velsen", &got), 0);
}

static int insert_orphan_district(struct store_tx *tx, void *ctx)
{
	(void)ctx;
	struct store_val p[] = {sv_text("nowhere"), sv_text("X"), sv_int(0)};
	return store_tx_exec(tx, STMT_DISTRICT_INSERT, p, 3, NULL, NULL);
}

static void test_foreign_keys_enforced(void **state)
{
	struct fx *f = *state;
	assert_int_equal(store_txn(f->s, insert_orphan_district, NULL), STORE_CONFLICT);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM districts"), 0);
	assert_int_equal(store_district_add(f->s, "nowhere", "X"), STORE_NOT_FOUND);
}

static void test_org_roundtrip(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	struct store_org o;
	assert_int_equal(store_org_get(f->s, "velsen", &o), 0);
	assert_string_equal(o.id, "velsen");
	assert_string_equal(o.name, "Gemeente Velsen");
	assert_string_equal(o.region, "kennemerland");
	assert_int_equal(o.public_min_cell, 5);
	char **d;
	size_t n;
	assert_int_equal(store_districts(f->s, "velsen", &d, &n), 0);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(d[i], velsen_districts[i]);
	store_strv_free(d, n);
	/* created_at is ISO-8601 UTC text. */
	assert_int_equal(file_int(f->db, "SELECT length(created_at) FROM organisations"), 20);
}

static void test_org_conflict(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	struct store_org o = velsen();
	strcpy(o.name, "Other");
	assert_int_equal(store_org_create(f->s, &o, NULL, 0), STORE_CONFLICT);
	struct store_org got;
	assert_int_equal(store_org_get(f->s, "velsen", &got), 0);
	assert_string_equal(got.name, "Gemeente Velsen");
}

static void test_org_create_atomic(void **state)
{
	struct fx *f = *state;
	struct store_org o = velsen();
	const char *const twice[] = {"IJmuiden", "IJmuiden"};
	assert_int_equal(store_org_create(f->s, &o, twice, 2), STORE_CONFLICT);
	assert_int_equal(store_org_get(f->s, "velsen", &o), STORE_NOT_FOUND);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM districts"), 0);
}

static void test_org_invalid(void **state)
{
	struct fx *f = *state;
	struct store_org o = velsen();
	strcpy(o.id, "Velsen!");
	assert_int_equal(store_org_create(f->s, &o, NULL, 0), -EINVAL);
	o = velsen();
	o.public_min_cell = 0;
	assert_int_equal(store_org_create(f->s, &o, NULL, 0), -EINVAL);
	o = velsen();
	strcpy(o.name, "two\nlines");
	assert_int_equal(store_org_create(f->s, &o, NULL, 0), -EINVAL);
	o = velsen();
	const char *const bad[] = {""};
	assert_int_equal(store_org_create(f->s, &o, bad, 1), -EINVAL);
}

static void test_not_found(void **state)
{
	struct fx *f = *state;
	struct store_org o;
	char **d = (char **)1;
	size_t n = 1;
	struct buf b = BUF_INIT;
	assert_int_equal(store_org_get(f->s, "nope", &o), STORE_NOT_FOUND);
	assert_int_equal(store_org_get(f->s, "NOT AN ID", &o), STORE_NOT_FOUND);
	assert_int_equal(store_districts(f->s, "nope", &d, &n), STORE_NOT_FOUND);
	assert_null(d);
	assert_int_equal(n, 0);
	assert_int_equal(store_setting_get(f->s, "nope", &b), STORE_NOT_FOUND);
	create_velsen(f->s);
	assert_int_equal(store_district_remove(f->s, "velsen", "Haarlem"), STORE_NOT_FOUND);
	buf_free(&b);
}

static void test_org_list(void **state)
{
	struct fx *f = *state;
	struct store_org *v;
	size_t n;
	assert_int_equal(store_org_list(f->s, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	struct store_org b = velsen();
	strcpy(b.id, "beverwijk");
	strcpy(b.name, "Gemeente Beverwijk");
	assert_int_equal(store_org_create(f->s, &b, NULL, 0), 0);
	create_velsen(f->s);
	assert_int_equal(store_org_list(f->s, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, "beverwijk");
	assert_string_equal(v[1].id, "velsen");
	free(v);
}

static void test_districts_manage(void **state)
{
	struct fx *f = *state;
	struct store_org b = velsen();
	strcpy(b.id, "empty");
	assert_int_equal(store_org_create(f->s, &b, NULL, 0), 0);
	char **d;
	size_t n;
	assert_int_equal(store_districts(f->s, "empty", &d, &n), 0);
	assert_int_equal(n, 0);
	store_strv_free(d, n);

	create_velsen(f->s);
	assert_int_equal(store_district_add(f->s, "velsen", "Velserbroek"), 0);
	assert_int_equal(store_district_add(f->s, "velsen", "Velserbroek"), STORE_CONFLICT);
	/* Removal binds $2 before $1 in the statement text. */
	assert_int_equal(store_district_remove(f->s, "velsen", "Velsen-Noord"), 0);
	assert_int_equal(store_district_remove(f->s, "velsen", "Velsen-Noord"), STORE_NOT_FOUND);
	assert_int_equal(store_districts(f->s, "velsen", &d, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(d[0], "IJmuiden");
	assert_string_equal(d[1], "Velsen-Zuid");
	assert_string_equal(d[2], "Driehuis");
	assert_string_equal(d[3], "Velserbroek");
	store_strv_free(d, n);
	/* Same name in another organisation is no conflict. */
	assert_int_equal(store_district_add(f->s, "empty", "IJmuiden"), 0);
}

static void test_district_limit(void **state)
{
	struct fx *f = *state;
	struct store_org o = velsen();
	assert_int_equal(store_org_create(f->s, &o, NULL, 0), 0);
	char name[16];
	for (unsigned i = 0; i < STORE_MAX_DISTRICTS; i++) {
		snprintf(name, sizeof name, "d%u", i);
		assert_int_equal(store_district_add(f->s, "velsen", name), 0);
	}
	assert_int_equal(store_district_add(f->s, "velsen", "one more"), STORE_LIMIT);
}

static void test_settings(void **state)
{
	struct fx *f = *state;
	struct buf b = BUF_INIT;
	assert_int_equal(store_setting_set(f->s, "retention.days", "365"), 0);
	assert_int_equal(store_setting_get(f->s, "retention.days", &b), 0);
	assert_string_equal(buf_str(&b), "365");
	assert_int_equal(store_setting_set(f->s, "retention.days", "730"), 0);
	assert_int_equal(store_setting_get(f->s, "retention.days", &b), 0);
	assert_string_equal(buf_str(&b), "730");
	assert_int_equal(store_setting_set(f->s, "Bad Key", "x"), -EINVAL);
	assert_int_equal(store_setting_set(f->s, "k", "\xff"), -EINVAL);
	buf_free(&b);
}

static int set_then_fail(struct store_tx *tx, void *ctx)
{
	(void)ctx;
	struct store_val p[] = {sv_text("k"), sv_text("v")};
	int rc = store_tx_exec(tx, STMT_SETTING_SET, p, 2, NULL, NULL);
	assert_int_equal(rc, 0);
	return 42;
}

static void test_txn_rollback(void **state)
{
	struct fx *f = *state;
	struct buf b = BUF_INIT;
	assert_int_equal(store_txn(f->s, set_then_fail, NULL), 42);
	assert_int_equal(store_setting_get(f->s, "k", &b), STORE_NOT_FOUND);
	buf_free(&b);
}

static int nested(struct store_tx *tx, void *ctx)
{
	return store_txn(tx->s, set_then_fail, ctx);
}

static void test_txn_nested_refused(void **state)
{
	struct fx *f = *state;
	assert_int_equal(store_txn(f->s, nested, NULL), -EDEADLK);
}

static void test_param_count_checked(void **state)
{
	struct fx *f = *state;
	struct store_val p[] = {sv_text("velsen"), sv_text("extra")};
	assert_int_equal(store_read_exec(f->s, STMT_ORG_EXISTS, p, 2, NULL, NULL), -EINVAL);
	assert_int_equal(store_read_exec(f->s, STMT_ORG_EXISTS, p, 0, NULL, NULL), -EINVAL);
}

struct conc {
	struct store *s;
	int errors;
	int reads;
};

static void *reader(void *arg)
{
	struct conc *c = arg;
	for (int i = 0; i < 300; i++) {
		struct store_org o;
		char **d;
		size_t n;
		if (store_org_get(c->s, "velsen", &o) || strcmp(o.name, "Gemeente Velsen"))
			c->errors++;
		if (store_districts(c->s, "velsen", &d, &n) || n < 4)
			c->errors++;
		else
			store_strv_free(d, n);
		c->reads++;
	}
	return NULL;
}

static void *writer(void *arg)
{
	struct conc *c = arg;
	char name[32];
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof name, "Wijk %d", i);
		if (store_district_add(c->s, "velsen", name))
			c->errors++;
		if (store_setting_set(c->s, "counter", name))
			c->errors++;
	}
	return NULL;
}

static void test_concurrent_reads_while_writing(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	struct conc rc[4], wc = {.s = f->s};
	pthread_t rt[4], wt;
	assert_int_equal(pthread_create(&wt, NULL, writer, &wc), 0);
	for (int i = 0; i < 4; i++) {
		rc[i] = (struct conc){.s = f->s};
		assert_int_equal(pthread_create(&rt[i], NULL, reader, &rc[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(rt[i], NULL);
		assert_int_equal(rc[i].errors, 0);
		assert_int_equal(rc[i].reads, 300);
	}
	pthread_join(wt, NULL);
	assert_int_equal(wc.errors, 0);
	char **d;
	size_t n;
	assert_int_equal(store_districts(f->s, "velsen", &d, &n), 0);
	assert_int_equal(n, 104);
	store_strv_free(d, n);
}

static void test_backup(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	assert_int_equal(store_setting_set(f->s, "k", "v"), 0);
	char dest[128];
	snprintf(dest, sizeof dest, "%s/backup.db", f->dir);
	assert_int_equal(store_backup(f->s, dest), 0);
	assert_int_equal(store_backup(f->s, dest), -EEXIST);
	struct stat st;
	assert_int_equal(stat(dest, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	struct store *b = NULL;
	struct buf err = BUF_INIT;
	assert_int_equal(store_open_sqlite(dest, &b, &err), 0);
	struct store_org o;
	assert_int_equal(store_org_get(b, "velsen", &o), 0);
	assert_string_equal(o.name, "Gemeente Velsen");
	char **d;
	size_t n;
	assert_int_equal(store_districts(b, "velsen", &d, &n), 0);
	assert_int_equal(n, 4);
	store_strv_free(d, n);
	assert_int_equal(store_setting_get(b, "k", &err), 0);
	assert_string_equal(buf_str(&err), "v");
	store_close(b);
	buf_free(&err);
}

static void test_newer_schema_refused(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(file_int(f->db, "INSERT INTO schema_migrations VALUES (99, 'x')"
	                                 " RETURNING version"),
	                 99);
	struct buf err = BUF_INIT;
	struct store *s = (struct store *)1;
	assert_int_equal(store_open_sqlite(f->db, &s, &err), STORE_TOO_NEW);
	assert_null(s);
	assert_non_null(strstr(buf_str(&err), "version 99 is newer"));
	buf_free(&err);
}

static void test_world_readable_refused(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(chmod(f->db, 0644), 0);
	struct buf err = BUF_INIT;
	struct store *s;
	assert_int_equal(store_open_sqlite(f->db, &s, &err), -EACCES);
	assert_non_null(strstr(buf_str(&err), "chmod 600"));
	buf_free(&err);
}

static void test_symlink_refused(void **state)
{
	struct fx *f = *state;
	char link[128];
	snprintf(link, sizeof link, "%s/link.db", f->dir);
	assert_int_equal(symlink(f->db, link), 0);
	struct buf err = BUF_INIT;
	struct store *s;
	assert_int_not_equal(store_open_sqlite(link, &s, &err), 0);
	assert_null(s);
	buf_free(&err);
}

/* --- reports (migration 2) ------------------------------------------------ */

static const char *const forms_labour[] = {"labour"};
static const char *const forms_two[] = {"sexual", "labour"};
static const char *const sigs[] = {"labour.low_pay", "general.fear", "labour.low_pay"};
/* How many forms or signals all reports hold together (col: forms or
 * signals, codes separated by one space since migration 14). */
#define CODES_TOTAL(col)                                                         \
	"SELECT COALESCE(SUM(CASE WHEN " col " = '' THEN 0 ELSE length(" col ")" \
	" - length(replace(" col ", ' ', '')) + 1 END), 0) FROM reports"
static const unsigned char sealed_bytes[] = {1, 2, 3, 4, 5};

static struct store_report_new new_report(int64_t id, unsigned char hash_seed,
                                          unsigned char hash[STORE_RECEIPT_HASH_BYTES])
{
	memset(hash, hash_seed, STORE_RECEIPT_HASH_BYTES);
	return (struct store_report_new){.id = id,
	                                 .org = "velsen",
	                                 .ref_prefix = "W2026-",
	                                 .receipt_hash = hash,
	                                 .received_on = "2026-03-01",
	                                 .received_at = "2026-03-01T10:00:00Z",
	                                 .channel = "web",
	                                 .reporter_role = "bystander",
	                                 .anonymous = true,
	                                 .kind = "report",
	                                 .district = "IJmuiden",
	                                 .forms = forms_labour,
	                                 .nforms = 1,
	                                 .signals = sigs,
	                                 .nsignals = 3,
	                                 .sealed = sealed_bytes,
	                                 .sealed_len = sizeof sealed_bytes,
	                                 .suggestion = "[]"};
}

static struct store_report_import imported(const char *ref, const char *date)
{
	return (struct store_report_import){.reference = ref,
	                                    .received_on = date,
	                                    .channel = "phone",
	                                    .reporter_role = "professional",
	                                    .anonymous = false,
	                                    .kind = "report",
	                                    .forms = forms_two,
	                                    .nforms = 2,
	                                    .district = "Driehuis",
	                                    .concrete = "yes",
	                                    .status = "closed",
	                                    .outcome = "referred_police"};
}

static void test_report_batch_and_receipt(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char h[3][STORE_RECEIPT_HASH_BYTES];
	char refs[3][REPORT_MAX_REFERENCE + 1];
	struct store_report_new rows[3] = {new_report(11, 1, h[0]), new_report(12, 2, h[1]),
	                                   new_report(13, 3, h[2])};
	for (int i = 0; i < 3; i++)
		rows[i].reference_out = refs[i];
	rows[2].district = NULL;
	int res[3] = {9, 9, 9};
	assert_int_equal(store_reports_insert_batch(f->s, rows, 3, res), 0);
	assert_int_equal(res[0], 0);
	assert_int_equal(res[1], 0);
	assert_int_equal(res[2], 0);
	assert_string_equal(refs[0], "W2026-000001");
	assert_string_equal(refs[1], "W2026-000002");
	assert_string_equal(refs[2], "W2026-000003");
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports"), 3);
	assert_int_equal(file_int(f->db, CODES_TOTAL("forms")), 3);
	/* The repeated signal is stored once. */
	assert_int_equal(file_int(f->db, CODES_TOTAL("signals")), 6);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports WHERE forms = 'labour'"
	                                 " AND signals = 'labour.low_pay general.fear'"),
	                 3);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports WHERE status = 'received'"
	                                 " AND concrete = 'pending' AND outcome = 'none'"),
	                 3);

	struct store_report_ref ref;
	assert_int_equal(store_report_by_receipt(f->s, h[1], &ref), 0);
	assert_int_equal(ref.id, 12);
	assert_string_equal(ref.org, "velsen");
	assert_string_equal(ref.kind, "report");
	assert_string_equal(ref.status, "received");
	unsigned char other[STORE_RECEIPT_HASH_BYTES];
	memset(other, 7, sizeof other);
	assert_int_equal(store_report_by_receipt(f->s, other, &ref), STORE_NOT_FOUND);
}

/* Step 1 of a batch asks whether an id or receipt is taken once per
 * STORE_SCREEN_ROWS rows, and whether an organisation and district exist
 * once per pair; only the rows of a screen that found one are checked one
 * by one. Each row's result is its own, in every screen, and a row left
 * out uses up no number. */
static void test_report_batch_screens(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	enum {
		N = 2 * STORE_SCREEN_ROWS + 3
	};
	unsigned char h0[2][STORE_RECEIPT_HASH_BYTES];
	struct store_report_new old[2] = {new_report(900, 200, h0[0]), new_report(901, 201, h0[1])};
	int r0[2];
	assert_int_equal(store_reports_insert_batch(f->s, old, 2, r0), 0);
	assert_int_equal(r0[0] + r0[1], 0);
	unsigned char h[N][STORE_RECEIPT_HASH_BYTES];
	struct store_report_new rows[N];
	int res[N];
	for (int i = 0; i < N; i++) {
		rows[i] = new_report(1000 + i, (unsigned char)(10 + i), h[i]);
		res[i] = 9;
	}
	rows[3].district = "Atlantis";                        /* first screen */
	rows[4].district = NULL;                              /* no district: fine */
	rows[STORE_SCREEN_ROWS + 1].id = 900;                 /* second screen: id taken */
	rows[2 * STORE_SCREEN_ROWS + 2].receipt_hash = h0[1]; /* third: receipt taken */
	rows[2 * STORE_SCREEN_ROWS].org = "haarlem";          /* no such organisation */
	assert_int_equal(store_reports_insert_batch(f->s, rows, N, res), 0);
	for (int i = 0; i < N; i++) {
		int want = 0;
		if (i == 3 || i == 2 * STORE_SCREEN_ROWS)
			want = STORE_CONFLICT;
		else if (i == STORE_SCREEN_ROWS + 1 || i == 2 * STORE_SCREEN_ROWS + 2)
			want = STORE_DUPLICATE;
		assert_int_equal(res[i], want);
	}
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports"), 2 + N - 4);
	assert_int_equal(file_int(f->db, "SELECT value FROM counters WHERE name = 'ref:W2026-'"),
	                 2 + N - 4);
}

/* A mixed batch: rows refused before step 1 among the others, places
 * shared across screens (no district, "" and NULL alike), a missing
 * district and organisation, a taken id in the last, partial screen and
 * a taken receipt; every stored row reads back with its forms and
 * signals. */
static void test_report_batch_mixed(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	enum {
		N = 40
	};
	unsigned char h0[STORE_RECEIPT_HASH_BYTES];
	struct store_report_new old = new_report(5000, 250, h0);
	int r0;
	assert_int_equal(store_reports_insert_batch(f->s, &old, 1, &r0), 0);
	assert_int_equal(r0, 0);
	static const char *const dists[] = {"IJmuiden", NULL, "", "Driehuis", "Atlantis"};
	unsigned char h[N][STORE_RECEIPT_HASH_BYTES];
	struct store_report_new rows[N];
	int res[N], want[N];
	for (int i = 0; i < N; i++) {
		rows[i] = new_report(6000 + i, (unsigned char)(i + 1), h[i]);
		rows[i].district = dists[i % 5];
		rows[i].forms = forms_two;
		rows[i].nforms = 2;
		want[i] = i % 5 == 4 ? STORE_CONFLICT : 0;
		if (i % 7 == 6) {
			rows[i].org = "haarlem";
			want[i] = STORE_CONFLICT;
		}
	}
	rows[0].id = 0;
	want[0] = -EINVAL;
	rows[17].nforms = 0;
	want[17] = -EINVAL;
	rows[39].id = -1;
	want[39] = -EINVAL;
	rows[37].id = 5000;
	want[37] = STORE_DUPLICATE; /* last screen */
	rows[20].receipt_hash = h0;
	want[20] = STORE_DUPLICATE;
	assert_int_equal(store_reports_insert_batch(f->s, rows, N, res), 0);
	int stored = 1;
	for (int i = 0; i < N; i++) {
		if (res[i] != want[i])
			fail_msg("row %d: %d, want %d", i, res[i], want[i]);
		stored += res[i] == 0;
	}
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports"), stored);
	for (int i = 0; i < N; i++) {
		if (res[i])
			continue;
		struct store_report_full full = {0};
		assert_int_equal(store_report_get(f->s, "velsen", rows[i].id, &full), 0);
		assert_int_equal(full.row.r.nforms, 2);
		assert_string_equal(full.row.r.forms[0], "sexual");
		assert_int_equal(full.nsignals, 2);
		store_report_full_free(&full);
	}
}

static size_t inbox_count(struct fx *f, const char *form)
{
	struct store_inbox_filter q = {.form = form};
	struct store_inbox_page p = {0};
	assert_int_equal(store_inbox_page(f->s, "velsen", &q, NULL, 10, &p), 0);
	size_t n = p.n;
	store_inbox_page_free(&p);
	return n;
}

/* The inbox's form filter finds a whole code among a report's forms, in
 * any place of the list, and nothing for a part of a code; two codes are
 * refused. */
static void test_inbox_form_filter_whole_codes(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	static const char *const two[] = {"labour", "criminal"}, *const one[] = {"sexual"},
	                         *const last[] = {"criminal"};
	unsigned char h[3][STORE_RECEIPT_HASH_BYTES];
	struct store_report_new rows[3] = {new_report(71, 1, h[0]), new_report(72, 2, h[1]),
	                                   new_report(73, 3, h[2])};
	rows[0].forms = two;
	rows[0].nforms = 2;
	rows[1].forms = one;
	rows[2].forms = last;
	int res[3];
	assert_int_equal(store_reports_insert_batch(f->s, rows, 3, res), 0);
	assert_int_equal(res[0] + res[1] + res[2], 0);
	assert_int_equal(inbox_count(f, ""), 3);
	assert_int_equal(inbox_count(f, "criminal"), 2);
	assert_int_equal(inbox_count(f, "labour"), 1);
	assert_int_equal(inbox_count(f, "sexual"), 1);
	assert_int_equal(inbox_count(f, "abour"), 0);
	assert_int_equal(inbox_count(f, "organ_removal"), 0);
	struct store_inbox_page p = {0};
	/* Two codes are no form. */
	struct store_inbox_filter both = {.form = "labour criminal"};
	assert_int_equal(store_inbox_page(f->s, "velsen", &both, NULL, 10, &p), -EINVAL);
	struct store_inbox_filter q = {.form = "criminal"};
	assert_int_equal(store_inbox_page(f->s, "velsen", &q, NULL, 10, &p), 0);
	assert_int_equal(p.n, 2);
	for (size_t i = 0; i < p.n; i++) {
		if (p.rows[i].r.id == 71) {
			assert_int_equal(p.rows[i].r.nforms, 2);
			assert_string_equal(p.rows[i].r.forms[0], "labour");
			assert_string_equal(p.rows[i].r.forms[1], "criminal");
		}
	}
	store_inbox_page_free(&p);
}

/* A report's signals go into its row, separated by one space (migration
 * 14): codes with a quote, a backslash or a tab are stored as given, each
 * once, and read back in byte order; a code with a space in it (the
 * separator) is refused, as a form with one is. */
static void test_report_batch_signal_codes_exact(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	static const char *const odd[] = {"g.h", "a\"b", "e\tf", "c\\d", "a\"b"};
	unsigned char h[STORE_RECEIPT_HASH_BYTES];
	struct store_report_new r = new_report(21, 4, h);
	r.signals = odd;
	r.nsignals = 5;
	int res = 9;
	assert_int_equal(store_reports_insert_batch(f->s, &r, 1, &res), 0);
	assert_int_equal(res, 0);
	assert_int_equal(file_int(f->db, CODES_TOTAL("signals")), 4);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports WHERE id = 21"
	                                 " AND signals = 'g.h a\"b e\tf c\\d'"),
	                 1);
	struct store_report_full full = {0};
	assert_int_equal(store_report_get(f->s, "velsen", 21, &full), 0);
	assert_int_equal(full.nsignals, 4);
	assert_string_equal(full.signals[0], "a\"b");
	assert_string_equal(full.signals[1], "c\\d");
	assert_string_equal(full.signals[2], "e\tf");
	assert_string_equal(full.signals[3], "g.h");
	assert_int_equal(full.row.r.nforms, 1);
	assert_string_equal(full.row.r.forms[0], "labour");
	store_report_full_free(&full);
	/* No signals: an empty list. */
	unsigned char h2[STORE_RECEIPT_HASH_BYTES];
	struct store_report_new none = new_report(22, 5, h2);
	none.nsignals = 0;
	none.signals = NULL;
	assert_int_equal(store_reports_insert_batch(f->s, &none, 1, &res), 0);
	assert_int_equal(res, 0);
	assert_int_equal(file_int(f->db, CODES_TOTAL("signals")), 4);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports WHERE id = 22"
	                                 " AND signals = ''"),
	                 1);
	assert_int_equal(store_report_get(f->s, "velsen", 22, &full), 0);
	assert_int_equal(full.nsignals, 0);
	store_report_full_free(&full);
	/* A list the store did not write: a space at its end, or two. */
	assert_int_equal(store_fixture_exec(f->s, "UPDATE reports SET forms = 'labour '"
	                                          " WHERE id = 22"),
	                 0);
	assert_int_equal(store_report_get(f->s, "velsen", 22, &full), -EIO);
	assert_int_equal(store_fixture_exec(f->s, "UPDATE reports SET forms = 'labour  sexual'"
	                                          " WHERE id = 22"),
	                 0);
	assert_int_equal(store_report_get(f->s, "velsen", 22, &full), -EIO);
	assert_int_equal(store_fixture_exec(f->s, "UPDATE reports SET forms = 'labour'"
	                                          " WHERE id = 22"),
	                 0);
	/* The separator inside a code. */
	static const char *const spaced[] = {"labour.low_pay", "general fear"};
	unsigned char h3[STORE_RECEIPT_HASH_BYTES];
	struct store_report_new bad = new_report(23, 6, h3);
	bad.signals = spaced;
	bad.nsignals = 2;
	assert_int_equal(store_reports_insert_batch(f->s, &bad, 1, &res), 0);
	assert_int_equal(res, -EINVAL);
	static const char *const spaced_form[] = {"labour exploitation"};
	bad.signals = sigs;
	bad.nsignals = 3;
	bad.forms = spaced_form;
	assert_int_equal(store_reports_insert_batch(f->s, &bad, 1, &res), 0);
	assert_int_equal(res, -EINVAL);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports"), 2);
}

/* A row that fails (same id, same receipt, a district the organisation
 * lacks, a broken column) is left out; the others of the batch commit. */
static void test_report_batch_bad_rows(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char h[6][STORE_RECEIPT_HASH_BYTES];
	struct store_report_new first = new_report(21, 1, h[0]);
	int r0;
	assert_int_equal(store_reports_insert_batch(f->s, &first, 1, &r0), 0);
	assert_int_equal(r0, 0);
	struct store_report_new rows[5] = {new_report(21, 2, h[1]), new_report(22, 1, h[2]),
	                                   new_report(23, 3, h[3]), new_report(24, 4, h[4]),
	                                   new_report(25, 5, h[5])};
	rows[2].district = "Atlantis";
	rows[3].received_on = "1 maart";
	int res[5];
	assert_int_equal(store_reports_insert_batch(f->s, rows, 5, res), 0);
	assert_int_equal(res[0], STORE_DUPLICATE); /* id exists: draw again */
	assert_int_equal(res[1], STORE_DUPLICATE); /* receipt exists: draw again */
	assert_int_equal(res[2], STORE_CONFLICT);  /* no such district */
	assert_int_equal(res[3], -EINVAL);
	assert_int_equal(res[4], 0);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports"), 2);
	/* Nothing of the failed rows is left behind. */
	assert_int_equal(file_int(f->db, CODES_TOTAL("forms")), 2);
	assert_int_equal(file_int(f->db, CODES_TOTAL("signals")), 4);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports WHERE id = 25 AND"
	                                 " reference = 'W2026-000002'"),
	                 1);
	/* A district with reports cannot be removed. */
	assert_int_equal(store_district_remove(f->s, "velsen", "IJmuiden"), STORE_CONFLICT);
}

static void test_report_reference_continues(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	struct store_report_import im[] = {imported("W2026-000041", "2026-01-02"),
	                                   imported("W2026-zz", "2026-01-03")};
	assert_int_equal(store_report_insert_imported(f->s, "velsen", im, 2, NULL), 0);
	unsigned char h[STORE_RECEIPT_HASH_BYTES];
	char ref[REPORT_MAX_REFERENCE + 1];
	struct store_report_new r = new_report(31, 1, h);
	r.reference_out = ref;
	int res;
	assert_int_equal(store_reports_insert_batch(f->s, &r, 1, &res), 0);
	assert_int_equal(res, 0);
	assert_string_equal(ref, "W2026-000042");
}

/* References imported into the range after the counter began are
 * stepped over: the batch's reserved numbers are taken, the rows get the
 * next free ones (store.h, store_reports_insert_batch). */
static void test_report_reference_steps_over_import(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char h[3][STORE_RECEIPT_HASH_BYTES];
	char ref[3][REPORT_MAX_REFERENCE + 1];
	struct store_report_new r = new_report(91, 1, h[0]);
	r.reference_out = ref[0];
	int res[2];
	assert_int_equal(store_reports_insert_batch(f->s, &r, 1, res), 0);
	assert_string_equal(ref[0], "W2026-000001");
	struct store_report_import im[] = {imported("W2026-000002", "2026-01-02"),
	                                   imported("W2026-000003", "2026-01-03")};
	assert_int_equal(store_report_insert_imported(f->s, "velsen", im, 2, NULL), 0);
	struct store_report_new rows[2] = {new_report(92, 2, h[1]), new_report(93, 3, h[2])};
	rows[0].reference_out = ref[1];
	rows[1].reference_out = ref[2];
	assert_int_equal(store_reports_insert_batch(f->s, rows, 2, res), 0);
	assert_int_equal(res[0], 0);
	assert_int_equal(res[1], 0);
	assert_string_equal(ref[1], "W2026-000004");
	assert_string_equal(ref[2], "W2026-000005");
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports"), 5);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports WHERE id = 93"
	                                 " AND reference = 'W2026-000005'"),
	                 1);
}

/* Two rows of one batch with the same random id: step 1 cannot see it
 * (neither is stored yet), the second insert fails, and that row alone is
 * left out, told to draw again; the first is stored. */
static void test_report_batch_repeat_within(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char h[2][STORE_RECEIPT_HASH_BYTES];
	char ref[REPORT_MAX_REFERENCE + 1];
	struct store_report_new rows[2] = {new_report(95, 1, h[0]), new_report(95, 2, h[1])};
	rows[0].reference_out = ref;
	int res[2] = {9, 9};
	assert_int_equal(store_reports_insert_batch(f->s, rows, 2, res), 0);
	assert_int_equal(res[0], 0);
	assert_int_equal(res[1], STORE_DUPLICATE);
	assert_string_equal(ref, "W2026-000001");
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports"), 1);
	assert_int_equal(file_int(f->db, CODES_TOTAL("forms")), 1);
}

/* The same within a batch whose rows go STORE_REPORTS_PER_INSERT to a
 * statement: the repeat fails that statement, the rerun inserts row by
 * row and leaves out only the repeat; every other row is stored, the
 * full groups and the rest alike, with its forms and signals. */
static void test_report_batch_repeat_within_rows(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	enum {
		N = 2 * STORE_REPORTS_PER_INSERT + 3
	};
	unsigned char h[N][STORE_RECEIPT_HASH_BYTES];
	struct store_report_new rows[N];
	int res[N];
	for (int i = 0; i < N; i++) {
		rows[i] = new_report(200 + i, (unsigned char)(10 + i), h[i]);
		res[i] = 9;
	}
	rows[5].id = rows[2].id; /* both in the first statement */
	assert_int_equal(store_reports_insert_batch(f->s, rows, N, res), 0);
	for (int i = 0; i < N; i++)
		assert_int_equal(res[i], i == 5 ? STORE_DUPLICATE : 0);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports"), N - 1);
	assert_int_equal(file_int(f->db, CODES_TOTAL("forms")), N - 1);
	assert_int_equal(file_int(f->db, CODES_TOTAL("signals")), 2 * (N - 1));
	assert_int_equal(file_int(f->db, "SELECT COUNT(DISTINCT reference) FROM reports"), N - 1);
	/* A batch of full statements only, without a repeat. */
	for (int i = 0; i < 2 * (int)STORE_REPORTS_PER_INSERT; i++) {
		rows[i] = new_report(400 + i, (unsigned char)(100 + i), h[i]);
		res[i] = 9;
	}
	assert_int_equal(store_reports_insert_batch(f->s, rows, 2 * STORE_REPORTS_PER_INSERT, res),
	                 0);
	for (int i = 0; i < 2 * (int)STORE_REPORTS_PER_INSERT; i++)
		assert_int_equal(res[i], 0);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports"),
	                 N - 1 + 2 * STORE_REPORTS_PER_INSERT);
}

static void test_import_all_or_nothing(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	struct store_report_import ok[] = {imported("2023-001", "2023-02-01"),
	                                   imported("2023-002", "2023-03-01")};
	ok[1].district = NULL;
	size_t bad = 99;
	assert_int_equal(store_report_insert_imported(f->s, "velsen", ok, 2, &bad), 0);
	assert_int_equal(bad, 2);

	/* A duplicate of a stored reference, one repeated within the file, an
	 * unknown district, a broken value, an unknown organisation: each
	 * rejects the whole file and names the row. */
	struct store_report_import dup[] = {imported("2023-003", "2023-04-01"),
	                                    imported("2023-001", "2023-04-02")};
	assert_int_equal(store_report_insert_imported(f->s, "velsen", dup, 2, &bad),
	                 STORE_CONFLICT);
	assert_int_equal(bad, 1);
	struct store_report_import rep[] = {imported("2023-004", "2023-04-01"),
	                                    imported("2023-005", "2023-04-01"),
	                                    imported("2023-004", "2023-04-02")};
	assert_int_equal(store_report_insert_imported(f->s, "velsen", rep, 3, &bad),
	                 STORE_CONFLICT);
	assert_int_equal(bad, 2);
	struct store_report_import dis[] = {imported("2023-006", "2023-04-01")};
	dis[0].district = "Atlantis";
	assert_int_equal(store_report_insert_imported(f->s, "velsen", dis, 1, &bad),
	                 STORE_NOT_FOUND);
	assert_int_equal(bad, 0);
	struct store_report_import inv[] = {imported("2023-007", "2023-04-01"),
	                                    imported("2023-008", "2023/04/01")};
	assert_int_equal(store_report_insert_imported(f->s, "velsen", inv, 2, &bad), -EINVAL);
	assert_int_equal(bad, 1);
	inv[1].received_on = "2023-04-01";
	inv[1].nforms = 0;
	assert_int_equal(store_report_insert_imported(f->s, "velsen", inv, 2, &bad), -EINVAL);
	const char *twice[] = {"labour", "labour"};
	inv[1].forms = twice;
	inv[1].nforms = 2;
	assert_int_equal(store_report_insert_imported(f->s, "velsen", inv, 2, &bad), -EINVAL);
	assert_int_equal(store_report_insert_imported(f->s, "haarlem", ok, 1, &bad),
	                 STORE_NOT_FOUND);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports"), 2);
	assert_int_equal(file_int(f->db, CODES_TOTAL("forms")), 4);
	/* The same reference in another organisation is no conflict. */
	struct store_org o = velsen();
	strcpy(o.id, "bloemendaal");
	assert_int_equal(store_org_create(f->s, &o, NULL, 0), 0);
	ok[0].district = NULL;
	assert_int_equal(store_report_insert_imported(f->s, "bloemendaal", ok, 2, &bad), 0);
}

struct collected {
	struct store_report_row rows[8];
	size_t n;
	int stop_after;
};

static int collect(void *ctx, const struct store_report_row *row)
{
	struct collected *c = ctx;
	if (c->n == 8)
		return -1;
	c->rows[c->n++] = *row;
	if (c->stop_after && (int)c->n == c->stop_after)
		return 77;
	return 0;
}

static void test_export(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	struct store_report_import im[] = {imported("B", "2023-05-01"), imported("A", "2023-01-31"),
	                                   imported("C", "2024-01-01")};
	im[1].forms = forms_labour;
	im[1].nforms = 1;
	im[1].district = NULL;
	im[1].anonymous = true;
	assert_int_equal(store_report_insert_imported(f->s, "velsen", im, 3, NULL), 0);
	unsigned char h[STORE_RECEIPT_HASH_BYTES];
	struct store_report_new r = new_report(41, 1, h);
	r.received_on = "2023-12-31";
	r.ref_prefix = "W2023-";
	r.forms = forms_two;
	r.nforms = 2;
	int res;
	assert_int_equal(store_reports_insert_batch(f->s, &r, 1, &res), 0);

	struct collected c = {0};
	assert_int_equal(store_report_export(f->s, "velsen", 2023, collect, &c), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.rows[0].reference, "A");
	assert_string_equal(c.rows[0].received_on, "2023-01-31");
	assert_string_equal(c.rows[0].forms_joined, "labour");
	assert_string_equal(c.rows[0].district, "");
	assert_true(c.rows[0].anonymous);
	assert_string_equal(c.rows[1].reference, "B");
	assert_int_equal(c.rows[1].nforms, 2);
	assert_string_equal(c.rows[1].forms[0], "sexual");
	assert_string_equal(c.rows[1].forms_joined, "sexual;labour");
	assert_string_equal(c.rows[1].channel, "phone");
	assert_string_equal(c.rows[1].reporter_role, "professional");
	assert_string_equal(c.rows[1].kind, "report");
	assert_string_equal(c.rows[1].district, "Driehuis");
	assert_string_equal(c.rows[1].concrete, "yes");
	assert_string_equal(c.rows[1].status, "closed");
	assert_string_equal(c.rows[1].outcome, "referred_police");
	assert_false(c.rows[1].anonymous);
	assert_string_equal(c.rows[2].reference, "W2023-000001");
	assert_string_equal(c.rows[2].concrete, "pending");
	assert_string_equal(c.rows[2].status, "received");

	memset(&c, 0, sizeof c);
	assert_int_equal(store_report_export(f->s, "velsen", 0, collect, &c), 0);
	assert_int_equal(c.n, 4);
	memset(&c, 0, sizeof c);
	c.stop_after = 1;
	assert_int_equal(store_report_export(f->s, "velsen", 0, collect, &c), 77);
	assert_int_equal(c.n, 1);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_report_export(f->s, "velsen", 2019, collect, &c), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(store_report_export(f->s, "haarlem", 2023, collect, &c), STORE_NOT_FOUND);
}

static int close_report(sqlite3 *db, void *ctx)
{
	(void)ctx;
	return sqlite3_exec(db, "UPDATE reports SET status = 'closed'", NULL, NULL, NULL) ==
	               SQLITE_OK
	           ? 0
	           : -EIO;
}

static void test_messages(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char h[STORE_RECEIPT_HASH_BYTES];
	struct store_report_new r = new_report(51, 1, h);
	int res;
	assert_int_equal(store_reports_insert_batch(f->s, &r, 1, &res), 0);
	struct store_message *m;
	size_t n;
	assert_int_equal(store_messages(f->s, 51, &m, &n), 0);
	assert_int_equal(n, 0);
	assert_null(m);
	int64_t id1, id2;
	assert_int_equal(
	    store_message_add(f->s, 51, "reporter", "2026-03-02", "ab", 2, "closed", &id1), 0);
	assert_int_equal(store_message_add(f->s, 51, "handler", NULL, "cde", 3, NULL, &id2), 0);
	assert_true(id1 > 0 && id2 > 0 && id1 != id2);
	assert_int_equal(store_message_add(f->s, 51, "someone", NULL, "x", 1, NULL, NULL), -EINVAL);
	assert_int_equal(store_message_add(f->s, 51, "reporter", NULL, "", 0, NULL, NULL), -EINVAL);
	/* A time is a date or a UTC time to the second: nothing else. */
	assert_int_equal(store_message_add(f->s, 51, "reporter", "10:00", "x", 1, NULL, NULL),
	                 -EINVAL);
	assert_int_equal(
	    store_message_add(f->s, 51, "reporter", "2026-03-02T10:00", "x", 1, NULL, NULL),
	    -EINVAL);
	assert_int_equal(store_message_add(f->s, 52, "reporter", NULL, "x", 1, NULL, NULL),
	                 STORE_NOT_FOUND);
	assert_int_equal(store_messages(f->s, 51, &m, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(m[0].id, id1);
	assert_int_equal(m[0].seq, 1);
	assert_string_equal(m[0].author, "reporter");
	assert_string_equal(m[0].created_at, "2026-03-02");
	assert_memory_equal(m[0].sealed, "ab", 2);
	assert_int_equal(m[1].id, id2);
	assert_int_equal(m[1].seq, 2);
	assert_int_equal(m[1].sealed_len, 3);
	assert_string_equal(m[1].author, "handler");
	assert_int_equal(strlen(m[1].created_at), STORE_TIME_LEN);
	store_messages_free(m, n);
	assert_int_equal(file_int(f->db,
	                          "SELECT COUNT(*) FROM report_messages"
	                          " WHERE created_at = '2026-03-02' AND author = 'reporter'"),
	                 1);

	if (store_fixture_pg_url)
		assert_int_equal(
		    file_int(f->db, "UPDATE reports SET status = 'closed' RETURNING 1"), 1);
	else
		assert_int_equal(store_sqlite_raw(f->s, true, close_report, NULL), 0);
	assert_int_equal(store_message_add(f->s, 51, "reporter", NULL, "x", 1, "closed", NULL),
	                 STORE_REFUSED);
	assert_int_equal(store_message_add(f->s, 51, "handler", NULL, "x", 1, NULL, NULL), 0);
}

/* A conversation keeps its order by its own sequence: messages on one date
 * (and ids that are random) cannot mix it up, nor can another report's
 * messages in between; the ids tell nothing of the order. */
static void test_message_order_by_sequence(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char h[2][STORE_RECEIPT_HASH_BYTES];
	struct store_report_new rows[2] = {new_report(71, 1, h[0]), new_report(72, 2, h[1])};
	int res[2];
	assert_int_equal(store_reports_insert_batch(f->s, rows, 2, res), 0);
	enum {
		N = 24
	};
	int64_t ids[N];
	for (unsigned i = 0; i < N; i++) {
		unsigned char text[1] = {(unsigned char)('a' + i)};
		assert_int_equal(store_message_add(f->s, 71, i % 3 ? "reporter" : "handler",
		                                   i % 3 ? "2026-03-02" : "2026-03-02T09:00:00Z",
		                                   text, 1, NULL, &ids[i]),
		                 0);
		assert_int_equal(
		    store_message_add(f->s, 72, "reporter", "2026-03-02", "z", 1, NULL, NULL), 0);
	}
	struct store_message *m;
	size_t n;
	assert_int_equal(store_messages(f->s, 71, &m, &n), 0);
	assert_int_equal(n, N);
	unsigned rising = 0;
	for (unsigned i = 0; i < N; i++) {
		assert_int_equal(m[i].seq, i + 1);
		assert_int_equal(m[i].id, ids[i]);
		assert_int_equal(m[i].sealed[0], 'a' + i);
		if (i && ids[i] > ids[i - 1])
			rising++;
	}
	store_messages_free(m, n);
	/* Random ids: all 23 steps rising would happen once in 23! runs. */
	assert_true(rising < N - 1);
	assert_int_equal(store_messages(f->s, 72, &m, &n), 0);
	assert_int_equal(n, N);
	assert_int_equal(m[N - 1].seq, N);
	store_messages_free(m, n);
}

static void test_message_limit(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char h[STORE_RECEIPT_HASH_BYTES];
	struct store_report_new r = new_report(61, 1, h);
	int res;
	assert_int_equal(store_reports_insert_batch(f->s, &r, 1, &res), 0);
	for (unsigned i = 0; i < REPORT_MAX_MESSAGES; i++)
		assert_int_equal(
		    store_message_add(f->s, 61, "reporter", "2026-03-02", "x", 1, NULL, NULL), 0);
	assert_int_equal(store_message_add(f->s, 61, "reporter", "2026-03-02", "x", 1, NULL, NULL),
	                 STORE_LIMIT);
}

/* --- faults and privacy (issue 6) ---------------------------------------- */

/* The server opens only a database init made: never an empty new one. */
static void test_open_existing_refuses_missing(void **state)
{
	struct fx *f = *state;
	char path[128];
	snprintf(path, sizeof path, "%s/missing.db", f->dir);
	struct buf err = BUF_INIT;
	struct store *s = (struct store *)1;
	assert_int_equal(store_open_sqlite_existing(path, &s, &err), -ENOENT);
	assert_null(s);
	assert_non_null(strstr(buf_str(&err), "does not exist"));
	struct stat st;
	assert_int_not_equal(stat(path, &st), 0);
	store_close(f->s);
	f->s = NULL;
	buf_reset(&err);
	assert_int_equal(store_open_sqlite_existing(f->db, &f->s, &err), 0);
	assert_int_equal(store_ping(f->s), 0);
	buf_free(&err);
}

/* A public report keeps only its date (no time of day); a time that is
 * given (staff) is kept, and checked. */
static void test_report_time_of_day_optional(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char h[3][STORE_RECEIPT_HASH_BYTES];
	struct store_report_new rows[3] = {new_report(31, 1, h[0]), new_report(32, 2, h[1]),
	                                   new_report(33, 3, h[2])};
	rows[0].received_at = NULL;
	rows[2].received_at = "10:00";
	int res[3];
	assert_int_equal(store_reports_insert_batch(f->s, rows, 3, res), 0);
	assert_int_equal(res[0], 0);
	assert_int_equal(res[1], 0);
	assert_int_equal(res[2], -EINVAL);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports WHERE id = 31"
	                                 " AND received_at IS NULL AND received_on = '2026-03-01'"),
	                 1);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports WHERE id = 32"
	                                 " AND received_at = '2026-03-01T10:00:00Z'"),
	                 1);
}

/* What undoes migration k (k >= 4), to bring a database back to the
 * schema of an earlier version; a new migration adds its line here. */
/* The tables of forms and signals before migration 14. */
#define PRE_14_TABLES                                                                     \
	"CREATE TABLE report_forms ("                                                     \
	" report_id BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,"           \
	" position INTEGER NOT NULL, form TEXT NOT NULL, PRIMARY KEY (report_id, form));" \
	"CREATE INDEX report_forms_form ON report_forms (form);"                          \
	"CREATE TABLE report_signals ("                                                   \
	" report_id BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,"           \
	" signal TEXT NOT NULL, PRIMARY KEY (report_id, signal));"

static const char *const undo_sql[] = {
    [4] = "DROP INDEX report_messages_seq;"
          "ALTER TABLE report_messages DROP COLUMN seq;"
          "CREATE INDEX report_messages_report ON report_messages (report_id, id);",
    /* no counters: numbers were MAX() + 1 */
    [5] = "DROP TABLE counters;"
          "ALTER TABLE reports DROP COLUMN message_seq;",
    /* the inbox's index */
    [6] = "DROP INDEX reports_org_inbox;"
          "CREATE INDEX reports_org_received ON reports (org_id, received_on);",
    /* the audit log */
    [7] = "DROP TABLE audit_log;"
          "DELETE FROM settings WHERE key = 'audit.head';",
    /* the throttles shared by the servers */
    [8] = "DROP TABLE throttle_counts;",
    /* staff accounts */
    [9] = "DROP TABLE api_tokens; DROP TABLE sessions; DROP TABLE recovery_codes;"
          "DROP TABLE users;",
    /* report details and drafts (issue 8) */
    [10] = "DROP TABLE drafts; ALTER TABLE reports DROP COLUMN details;",
    /* the index of a report's history */
    [11] = "DROP INDEX audit_log_object;",
    /* the order of arrival within an organisation */
    [12] = "DROP INDEX reports_org_inbox;"
           "CREATE INDEX reports_org_inbox ON reports (org_id, received_on, id);"
           "ALTER TABLE reports DROP COLUMN arrival;"
           "DELETE FROM counters WHERE name = 'arrival';",
    /* the counts of entries about an object */
    [13] = "DROP TABLE audit_counts;",
    /* forms and signals in tables of their own (their codes are lost) */
    [14] = PRE_14_TABLES "ALTER TABLE reports DROP COLUMN signals;"
                         "ALTER TABLE reports DROP COLUMN forms;",
};

/* Brings the database at path back to the schema before migration
 * version: undoes every migration from the newest down to it. */
static void undo_migrations_from(const char *path, int version)
{
	int newest = store_migrations_known();
	assert_int_equal(newest, (int)(sizeof undo_sql / sizeof undo_sql[0]) - 1);
	for (int k = newest; k >= version; k--) {
		sqlite3 *db = NULL;
		char sql[1024], *err = NULL;
		assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
		                 SQLITE_OK);
		snprintf(sql, sizeof sql,
		         "BEGIN; %s DELETE FROM schema_migrations WHERE version = %d; COMMIT;",
		         undo_sql[k], k);
		if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
			fail_msg("undoing migration %d: %s", k, err ? err : "?");
		sqlite3_free(err);
		sqlite3_close(db);
	}
}

/* Migration 3 drops the times of day the intake kept before. */
static void test_migration_drops_time_of_day(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char h[STORE_RECEIPT_HASH_BYTES];
	struct store_report_new r = new_report(34, 1, h);
	int res;
	assert_int_equal(store_reports_insert_batch(f->s, &r, 1, &res), 0);
	assert_int_equal(res, 0);
	store_close(f->s);
	f->s = NULL;
	/* As the database was before migration 3. */
	undo_migrations_from(f->db, 4);
	assert_int_equal(file_int(f->db, "DELETE FROM schema_migrations WHERE version = 3"
	                                 " RETURNING version"),
	                 3);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports WHERE received_at"
	                                 " IS NOT NULL"),
	                 1);
	struct buf err = BUF_INIT;
	assert_int_equal(store_open_sqlite(f->db, &f->s, &err), 0);
	buf_free(&err);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports WHERE received_at"
	                                 " IS NOT NULL"),
	                 0);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports WHERE id = 34"
	                                 " AND received_on = '2026-03-01'"),
	                 1);
}

/* Migration 4 drops the times of day of reporters' messages written
 * before (handlers' stay) and numbers every conversation in the order of
 * its old ids. */
static void test_migration_drops_message_times(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char h[2][STORE_RECEIPT_HASH_BYTES];
	struct store_report_new rows[2] = {new_report(81, 1, h[0]), new_report(82, 2, h[1])};
	int res[2];
	assert_int_equal(store_reports_insert_batch(f->s, rows, 2, res), 0);
	store_close(f->s);
	f->s = NULL;
	/* As the database was before migration 4, with messages as they were
	 * written then: ids counting up over all reports, times to the second. */
	undo_migrations_from(f->db, 4);
	assert_int_equal(
	    file_int(f->db,
	             "INSERT INTO report_messages (id, report_id, author, created_at, sealed)"
	             " VALUES (1, 81, 'reporter', '2026-03-02T23:30:01Z', x'61'),"
	             " (2, 82, 'reporter', '2026-03-02T10:00:00Z', x'7a'),"
	             " (3, 81, 'handler', '2026-03-03T08:15:00Z', x'62'),"
	             " (4, 81, 'reporter', '2026-03-03T08:20:07Z', x'63')"
	             " RETURNING 7"),
	    7);
	struct buf err = BUF_INIT;
	if (store_open_sqlite(f->db, &f->s, &err))
		fail_msg("migrating: %s", buf_str(&err));
	buf_free(&err);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM report_messages"
	                                 " WHERE author = 'reporter' AND length(created_at) <> 10"),
	                 0);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM report_messages"
	                                 " WHERE id = 3 AND created_at = '2026-03-03T08:15:00Z'"),
	                 1);
	struct store_message *m;
	size_t n;
	assert_int_equal(store_messages(f->s, 81, &m, &n), 0);
	assert_int_equal(n, 3);
	const char *want[3] = {"2026-03-02", "2026-03-03T08:15:00Z", "2026-03-03"};
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(m[i].seq, i + 1);
		assert_string_equal(m[i].created_at, want[i]);
		assert_int_equal(m[i].sealed[0], 'a' + i);
	}
	store_messages_free(m, n);
	/* A new message follows the old ones. */
	assert_int_equal(store_message_add(f->s, 81, "reporter", "2026-03-04", "d", 1, NULL, NULL),
	                 0);
	assert_int_equal(store_messages(f->s, 81, &m, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(m[3].seq, 4);
	assert_int_equal(m[3].sealed[0], 'd');
	store_messages_free(m, n);
	assert_int_equal(store_messages(f->s, 82, &m, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].seq, 1);
	assert_string_equal(m[0].created_at, "2026-03-02");
	store_messages_free(m, n);
}

/* Ids are random, so a day's reports export in the order of their
 * references (the order they arrived), not of their ids. */
static void test_export_orders_day_by_reference(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char h[3][STORE_RECEIPT_HASH_BYTES];
	struct store_report_new rows[3] = {new_report(300, 1, h[0]), new_report(200, 2, h[1]),
	                                   new_report(100, 3, h[2])};
	int res[3];
	assert_int_equal(store_reports_insert_batch(f->s, rows, 3, res), 0);
	struct collected c = {0};
	assert_int_equal(store_report_export(f->s, "velsen", 2026, collect, &c), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.rows[0].reference, "W2026-000001");
	assert_string_equal(c.rows[1].reference, "W2026-000002");
	assert_string_equal(c.rows[2].reference, "W2026-000003");
	assert_int_equal(c.rows[0].id, 300);
}

/* The probe write really writes (a new value each time), and a fault is
 * named in words an operator acts on. */
static void test_write_probe(void **state)
{
	struct fx *f = *state;
	struct buf a = BUF_INIT, b = BUF_INIT;
	assert_int_equal(store_write_probe(f->s), 0);
	assert_int_equal(store_setting_get(f->s, STORE_PROBE_KEY, &a), 0);
	assert_int_equal(store_write_probe(f->s), 0);
	assert_int_equal(store_setting_get(f->s, STORE_PROBE_KEY, &b), 0);
	assert_string_not_equal(buf_str(&a), buf_str(&b));
	buf_free(&a);
	buf_free(&b);
	assert_string_equal(store_strerror(-ENOSPC), "no space left on device");
	assert_non_null(strstr(store_strerror(-EROFS), "read-only directory"));
	assert_non_null(strstr(store_strerror(-EACCES), "read-only directory"));
}

/* A sealed report to check a key against, when there is one. */
static void test_sealed_sample(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	struct buf out = BUF_INIT;
	int64_t id = 0;
	assert_int_equal(store_report_sealed_sample(f->s, &id, &out), STORE_NOT_FOUND);
	struct store_report_import im = imported("A", "2023-01-31");
	assert_int_equal(store_report_insert_imported(f->s, "velsen", &im, 1, NULL), 0);
	assert_int_equal(store_report_sealed_sample(f->s, &id, &out), STORE_NOT_FOUND);
	unsigned char h[STORE_RECEIPT_HASH_BYTES];
	struct store_report_new r = new_report(51, 1, h);
	int res;
	assert_int_equal(store_reports_insert_batch(f->s, &r, 1, &res), 0);
	assert_int_equal(store_report_sealed_sample(f->s, &id, &out), 0);
	assert_int_equal(id, 51);
	assert_int_equal(out.len, sizeof sealed_bytes);
	assert_memory_equal(out.data, sealed_bytes, sizeof sealed_bytes);
	buf_free(&out);
}

/* --- honest under concurrency, composable (issue 7) ------------------------ */

/* Numbers come from counters, never MAX() + 1: a number once given is not
 * given again, even when the row that had it is gone. */
static void test_numbers_never_reused(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	assert_int_equal(store_district_remove(f->s, "velsen", "Driehuis"), 0);
	assert_int_equal(store_district_add(f->s, "velsen", "Santpoort"), 0);
	assert_int_equal(file_int(f->db, "SELECT position FROM districts WHERE name = 'Santpoort'"),
	                 4);

	unsigned char h[4][STORE_RECEIPT_HASH_BYTES];
	struct store_report_new rows[3] = {new_report(71, 1, h[0]), new_report(72, 2, h[1]),
	                                   new_report(73, 3, h[2])};
	for (int i = 0; i < 3; i++)
		rows[i].district = NULL;
	int res[3];
	assert_int_equal(store_reports_insert_batch(f->s, rows, 3, res), 0);
	assert_int_equal(file_int(f->db, "DELETE FROM reports WHERE reference = 'W2026-000003'"
	                                 " RETURNING id"),
	                 73);
	char ref[REPORT_MAX_REFERENCE + 1];
	struct store_report_new r = new_report(74, 4, h[3]);
	r.district = NULL;
	r.reference_out = ref;
	assert_int_equal(store_reports_insert_batch(f->s, &r, 1, res), 0);
	assert_int_equal(res[0], 0);
	assert_string_equal(ref, "W2026-000004");

	assert_int_equal(store_message_add(f->s, 71, "reporter", "2026-03-02", "a", 1, NULL, NULL),
	                 0);
	assert_int_equal(store_message_add(f->s, 71, "reporter", "2026-03-02", "b", 1, NULL, NULL),
	                 0);
	assert_int_equal(file_int(f->db, "DELETE FROM report_messages WHERE report_id = 71"
	                                 " AND seq = 2 RETURNING seq"),
	                 2);
	assert_int_equal(store_message_add(f->s, 71, "reporter", "2026-03-02", "c", 1, NULL, NULL),
	                 0);
	assert_int_equal(
	    file_int(f->db, "SELECT MAX(seq) FROM report_messages WHERE report_id = 71"), 3);
}

/* A report whose organisation or district is missing is refused as a
 * conflict (it would fail again); a repeated id or receipt is a duplicate
 * (draw again), told apart before anything fails inside the transaction. */
static void test_duplicate_apart_from_conflict(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char h[4][STORE_RECEIPT_HASH_BYTES];
	struct store_report_new first = new_report(81, 1, h[0]);
	int r0;
	assert_int_equal(store_reports_insert_batch(f->s, &first, 1, &r0), 0);
	struct store_report_new rows[4] = {new_report(82, 2, h[1]), new_report(81, 3, h[2]),
	                                   new_report(83, 1, h[3]), new_report(84, 4, h[0])};
	rows[0].org = "haarlem";
	rows[3].district = "Atlantis";
	int res[4];
	assert_int_equal(store_reports_insert_batch(f->s, rows, 4, res), 0);
	assert_int_equal(res[0], STORE_CONFLICT);
	assert_int_equal(res[1], STORE_DUPLICATE);
	/* h[3] was seeded like h[0]: the same receipt. */
	assert_int_equal(res[2], STORE_DUPLICATE);
	assert_int_equal(res[3], STORE_CONFLICT);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports"), 1);
	/* No number was used up by the rows left out. */
	assert_int_equal(file_int(f->db, "SELECT value FROM counters WHERE name = 'ref:W2026-'"),
	                 1);
}

static int compose_ok(struct store_tx *tx, void *ctx)
{
	(void)ctx;
	struct store_org o = velsen();
	int rc = store_tx_org_create(tx, &o, velsen_districts, 2);
	if (!rc)
		rc = store_tx_district_add(tx, "velsen", "Santpoort");
	if (!rc)
		rc = store_tx_setting_set(tx, "composed", "yes");
	/* A positive result wrote nothing and leaves the transaction usable. */
	if (!rc)
		rc = store_tx_org_create(tx, &o, NULL, 0) == STORE_CONFLICT ? 0 : -EPROTO;
	if (!rc)
		rc = store_tx_district_add(tx, "velsen", "Santpoort") == STORE_CONFLICT ? 0
		                                                                        : -EPROTO;
	struct buf b = BUF_INIT;
	if (!rc)
		rc = store_tx_setting_get(tx, "composed", &b);
	if (!rc && strcmp(buf_str(&b), "yes") != 0)
		rc = -EPROTO;
	buf_free(&b);
	return rc;
}

static int compose_fail(struct store_tx *tx, void *ctx)
{
	(void)ctx;
	struct store_org o = velsen();
	strcpy(o.id, "haarlem");
	int rc = store_tx_org_create(tx, &o, NULL, 0);
	if (!rc)
		rc = store_tx_setting_set(tx, "composed", "no");
	if (!rc)
		rc = store_tx_district_add(tx, "velsen", "Haarlem-Noord");
	return rc ? rc : 99;
}

struct follow_ctx {
	const unsigned char *hash;
	int64_t id;
};

/* As the follow-up does: find the report by its receipt and add the
 * message, in one transaction. */
static int follow_txn(struct store_tx *tx, void *vctx)
{
	struct follow_ctx *c = vctx;
	struct store_report_ref ref;
	int rc = store_tx_report_by_receipt(tx, c->hash, &ref);
	if (!rc)
		rc = store_tx_message_add(tx, ref.id, "reporter", "2026-03-02", "m", 1, "closed",
		                          &c->id);
	return rc;
}

/* Several operations in one transaction: all of them or none. */
static void test_txn_composes(void **state)
{
	struct fx *f = *state;
	assert_int_equal(store_txn(f->s, compose_ok, NULL), 0);
	char **d;
	size_t n;
	assert_int_equal(store_districts(f->s, "velsen", &d, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(d[2], "Santpoort");
	store_strv_free(d, n);
	struct buf b = BUF_INIT;
	assert_int_equal(store_setting_get(f->s, "composed", &b), 0);
	assert_string_equal(buf_str(&b), "yes");

	assert_int_equal(store_txn(f->s, compose_fail, NULL), 99);
	struct store_org o;
	assert_int_equal(store_org_get(f->s, "haarlem", &o), STORE_NOT_FOUND);
	assert_int_equal(store_setting_get(f->s, "composed", &b), 0);
	assert_string_equal(buf_str(&b), "yes");
	assert_int_equal(store_districts(f->s, "velsen", &d, &n), 0);
	assert_int_equal(n, 3);
	store_strv_free(d, n);
	buf_free(&b);

	unsigned char h[STORE_RECEIPT_HASH_BYTES];
	struct store_report_new r = new_report(91, 1, h);
	r.district = NULL;
	int res;
	assert_int_equal(store_reports_insert_batch(f->s, &r, 1, &res), 0);
	struct follow_ctx c = {h, 0};
	assert_int_equal(store_txn(f->s, follow_txn, &c), 0);
	struct store_message *m;
	assert_int_equal(store_messages(f->s, 91, &m, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].id, c.id);
	store_messages_free(m, n);
	unsigned char other[STORE_RECEIPT_HASH_BYTES];
	memset(other, 0x5a, sizeof other);
	c.hash = other;
	assert_int_equal(store_txn(f->s, follow_txn, &c), STORE_NOT_FOUND);
}

struct two_ctx {
	struct store *s;
	int base;
	int errors;
};

static void *two_writer(void *arg)
{
	struct two_ctx *c = arg;
	for (int i = 0; i < 30; i++) {
		unsigned char h[STORE_RECEIPT_HASH_BYTES];
		struct store_report_new r = new_report(c->base + i, 0, h);
		memcpy(h, &r.id, sizeof r.id);
		r.district = NULL;
		int res = -1;
		if (store_reports_insert_batch(c->s, &r, 1, &res) || res)
			c->errors++;
		if (store_message_add(c->s, 1000, "handler", NULL, "x", 1, NULL, NULL))
			c->errors++;
	}
	return NULL;
}

/* Two stores on one database, as two servers on one PostgreSQL: reports
 * and messages from both at once never share a reference or a seq. */
struct throttle_hitter {
	struct store *s;
	int errors;
};

enum {
	THROTTLE_HITS = 40
};

static void *throttle_hitter(void *arg)
{
	struct throttle_hitter *h = arg;
	for (int i = 0; i < THROTTLE_HITS; i++)
		if (store_throttle_hit(h->s, "follow.wrong", 6000, 60) != 0)
			h->errors++;
	return NULL;
}

/* The throttles shared by servers (migration 8): hits per window, counted
 * by two stores on one database at once (two servers) without losing
 * one; the window before is kept and older ones are forgotten; names are
 * fixed names of limits. */
static void test_throttle_shared(void **state)
{
	struct fx *f = *state;
	int64_t now = -1, before = -1;
	assert_int_equal(store_throttle_get(f->s, "follow.wrong", 6000, 60, &now, &before), 0);
	assert_int_equal(now, 0);
	assert_int_equal(before, 0);
	assert_int_equal(store_throttle_hit(f->s, "follow.wrong", 5880, 60), 0);
	assert_int_equal(store_throttle_hit(f->s, "follow.wrong", 5940, 60), 0);
	assert_int_equal(store_throttle_hit(f->s, "follow.wrong", 5940, 60), 0);
	assert_int_equal(store_throttle_hit(f->s, "other", 6000, 60), 0);
	struct store *s2 = NULL;
	assert_int_equal(fx_open(f, &s2), 0);
	struct throttle_hitter a = {f->s, 0}, b = {s2, 0};
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, throttle_hitter, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, throttle_hitter, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(a.errors, 0);
	assert_int_equal(b.errors, 0);
	/* Either store reads what both counted. */
	assert_int_equal(store_throttle_get(s2, "follow.wrong", 6000, 60, &now, &before), 0);
	store_close(s2);
	assert_int_equal(now, 2 * THROTTLE_HITS);
	assert_int_equal(before, 2);
	/* 5880 is older than the window before 6000: forgotten. */
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM throttle_counts WHERE name ="
	                                 " 'follow.wrong'"),
	                 2);
	assert_int_equal(store_throttle_get(f->s, "other", 6000, 60, &now, &before), 0);
	assert_int_equal(now, 1);
	assert_int_equal(store_throttle_hit(f->s, "Not a name!", 6000, 60), -EINVAL);
	assert_int_equal(store_throttle_hit(f->s, "follow.wrong", 6001, 60), -EINVAL);
	assert_int_equal(store_throttle_get(f->s, "follow.wrong", 6000, 0, &now, &before), -EINVAL);
	/* The table holds counts under names, nothing else. */
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM throttle_counts WHERE name NOT IN"
	                                 " ('follow.wrong', 'other')"),
	                 0);
}

static void test_two_stores_one_database(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char h[STORE_RECEIPT_HASH_BYTES];
	struct store_report_new r = new_report(1000, 200, h);
	int res;
	assert_int_equal(store_reports_insert_batch(f->s, &r, 1, &res), 0);
	struct store *s2 = NULL;
	assert_int_equal(fx_open(f, &s2), 0);
	struct two_ctx a = {f->s, 2000, 0}, b = {s2, 3000, 0};
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, two_writer, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, two_writer, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	store_close(s2);
	assert_int_equal(a.errors, 0);
	assert_int_equal(b.errors, 0);
	assert_int_equal(file_int(f->db, "SELECT COUNT(DISTINCT reference) FROM reports"), 61);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports WHERE reference ="
	                                 " 'W2026-000061'"),
	                 1);
	assert_int_equal(file_int(f->db, "SELECT COUNT(DISTINCT seq) FROM report_messages"), 60);
	assert_int_equal(file_int(f->db, "SELECT MAX(seq) FROM report_messages"), 60);
}

static void *opener(void *arg)
{
	const char *path = arg;
	struct store *s = NULL;
	int rc = store_fixture_pg_url ? store_open(store_fixture_pg_url, 0, &s, NULL)
	                              : store_open_sqlite(path, &s, NULL);
	store_close(s);
	return (void *)(intptr_t)rc;
}

/* Servers that start together on a new database apply each migration
 * once (the migration lock), and none of them fails. */
static void test_migrations_once_when_opened_together(void **state)
{
	struct fx *f = *state;
	char path[128];
	snprintf(path, sizeof path, "%s/together.db", f->dir);
	if (store_fixture_pg_url) {
		/* A database without tables, as a new one is. */
		store_close(f->s);
		f->s = pg_store = NULL;
		assert_int_equal(store_fixture_pg_reset(), 0);
	}
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, opener, path), 0);
	for (int i = 0; i < 4; i++) {
		void *rc;
		pthread_join(t[i], &rc);
		assert_int_equal((intptr_t)rc, 0);
	}
	if (store_fixture_pg_url) {
		assert_int_equal(fx_open(f, &f->s), 0);
		pg_store = f->s;
	}
	assert_int_equal(file_int(path, "SELECT COUNT(*) FROM schema_migrations"),
	                 store_migrations_known());
}

/* Migration 5 starts its counters where the rows of an older database
 * left off. */
static void test_migration_seeds_counters(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char h[3][STORE_RECEIPT_HASH_BYTES];
	struct store_report_new rows[2] = {new_report(101, 1, h[0]), new_report(102, 2, h[1])};
	int res[2];
	assert_int_equal(store_reports_insert_batch(f->s, rows, 2, res), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(
		    store_message_add(f->s, 102, "reporter", "2026-03-02", "x", 1, NULL, NULL), 0);
	store_close(f->s);
	f->s = NULL;
	undo_migrations_from(f->db, 5);
	struct buf err = BUF_INIT;
	assert_int_equal(store_open_sqlite(f->db, &f->s, &err), 0);
	buf_free(&err);
	char ref[REPORT_MAX_REFERENCE + 1];
	struct store_report_new r = new_report(103, 3, h[2]);
	r.reference_out = ref;
	assert_int_equal(store_reports_insert_batch(f->s, &r, 1, res), 0);
	assert_int_equal(res[0], 0);
	assert_string_equal(ref, "W2026-000003");
	assert_int_equal(store_message_add(f->s, 102, "reporter", "2026-03-02", "x", 1, NULL, NULL),
	                 0);
	assert_int_equal(file_int(f->db, "SELECT MAX(seq) FROM report_messages"), 4);
	assert_int_equal(store_message_add(f->s, 101, "reporter", "2026-03-02", "x", 1, NULL, NULL),
	                 0);
	assert_int_equal(file_int(f->db, "SELECT seq FROM report_messages WHERE report_id = 101"),
	                 1);
	assert_int_equal(store_district_add(f->s, "velsen", "Santpoort"), 0);
	assert_int_equal(file_int(f->db, "SELECT position FROM districts WHERE name = 'Santpoort'"),
	                 4);
}

/* Migration 12 numbers the reports there are in their order of arrival
 * as near as what was kept tells it (date, then reference, then id), and
 * starts the counter after them: the next report comes after all. */
static void test_migration_numbers_arrival(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char h[4][STORE_RECEIPT_HASH_BYTES];
	static const char *const dates[] = {"2026-03-02", "2026-03-01", "2026-03-02"};
	int res;
	for (int i = 0; i < 3; i++) {
		struct store_report_new r = new_report(501 + i, (unsigned char)(1 + i), h[i]);
		r.received_on = dates[i];
		assert_int_equal(store_reports_insert_batch(f->s, &r, 1, &res), 0);
		assert_int_equal(res, 0);
	}
	store_close(f->s);
	f->s = NULL;
	undo_migrations_from(f->db, 12);
	struct buf err = BUF_INIT;
	assert_int_equal(store_open_sqlite(f->db, &f->s, &err), 0);
	buf_free(&err);
	/* 502 (1 March) first, then 501 and 503 of 2 March by reference */
	assert_int_equal(file_int(f->db, "SELECT arrival FROM reports WHERE id = 502"), 1);
	assert_int_equal(file_int(f->db, "SELECT arrival FROM reports WHERE id = 501"), 2);
	assert_int_equal(file_int(f->db, "SELECT arrival FROM reports WHERE id = 503"), 3);
	struct store_report_new r = new_report(504, 4, h[3]);
	assert_int_equal(store_reports_insert_batch(f->s, &r, 1, &res), 0);
	assert_int_equal(res, 0);
	assert_int_equal(file_int(f->db, "SELECT arrival FROM reports WHERE id = 504"), 4);
}

/* Migration 14 moves the forms and signals of the reports there are into
 * their rows: the forms in the order of their position (not the order the
 * rows were written in), the signals each once; a report without signals
 * gets an empty list. On both backends (their texts differ). */
static void test_migration_moves_forms_and_signals(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char h[3][STORE_RECEIPT_HASH_BYTES];
	int res;
	for (int i = 0; i < 2; i++) {
		struct store_report_new r = new_report(601 + i, (unsigned char)(1 + i), h[i]);
		assert_int_equal(store_reports_insert_batch(f->s, &r, 1, &res), 0);
		assert_int_equal(res, 0);
	}
	/* As the database was before migration 14. */
	assert_int_equal(
	    store_fixture_exec(f->s, PRE_14_TABLES
	                       "INSERT INTO report_forms (report_id, position, form) VALUES"
	                       " (601, 2, 'criminal'), (601, 0, 'sexual'), (601, 1, 'labour'),"
	                       " (602, 0, 'unknown');"
	                       "INSERT INTO report_signals (report_id, signal) VALUES"
	                       " (601, 'labour.low_pay'), (601, 'general.fear');"
	                       "ALTER TABLE reports DROP COLUMN signals;"
	                       "ALTER TABLE reports DROP COLUMN forms;"
	                       "DELETE FROM schema_migrations WHERE version = 14"),
	    0);
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(fx_open(f, &f->s), 0);
	if (store_fixture_pg_url)
		pg_store = f->s;
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports WHERE id = 601"
	                                 " AND forms = 'sexual labour criminal'"),
	                 1);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports WHERE id = 602"
	                                 " AND forms = 'unknown' AND signals = ''"),
	                 1);
	struct store_report_full full = {0};
	assert_int_equal(store_report_get(f->s, "velsen", 601, &full), 0);
	assert_int_equal(full.row.r.nforms, 3);
	assert_string_equal(full.row.r.forms[0], "sexual");
	assert_string_equal(full.row.r.forms[1], "labour");
	assert_string_equal(full.row.r.forms[2], "criminal");
	assert_int_equal(full.nsignals, 2);
	assert_string_equal(full.signals[0], "general.fear");
	assert_string_equal(full.signals[1], "labour.low_pay");
	store_report_full_free(&full);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM schema_migrations"
	                                 " WHERE version = 14"),
	                 1);
	/* The tables are gone. */
	assert_int_not_equal(store_fixture_exec(f->s, "SELECT 1 FROM report_forms"), 0);
	assert_int_not_equal(store_fixture_exec(f->s, "SELECT 1 FROM report_signals"), 0);
	/* A new report after it. */
	struct store_report_new r = new_report(603, 3, h[2]);
	assert_int_equal(store_reports_insert_batch(f->s, &r, 1, &res), 0);
	assert_int_equal(res, 0);
	assert_int_equal(file_int(f->db, "SELECT COUNT(*) FROM reports WHERE id = 603"
	                                 " AND forms = 'labour'"),
	                 1);
}

/* Order is byte order, whatever the database's locale: "a-c" before "ab"
 * (a locale that skips punctuation would put "ab" first). */
static void test_order_is_bytes(void **state)
{
	struct fx *f = *state;
	const char *ids[] = {"ab", "a_c", "a-c"};
	for (int i = 0; i < 3; i++) {
		struct store_org o = velsen();
		strcpy(o.id, ids[i]);
		assert_int_equal(store_org_create(f->s, &o, NULL, 0), 0);
	}
	struct store_org *v;
	size_t n;
	assert_int_equal(store_org_list(f->s, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].id, "a-c");
	assert_string_equal(v[1].id, "a_c");
	assert_string_equal(v[2].id, "ab");
	free(v);
}

/* store_open takes a URL; no caller names a backend. */
static void test_open_url(void **state)
{
	struct fx *f = *state;
	char url[160];
	snprintf(url, sizeof url, "sqlite:%s/url.db", f->dir);
	struct store *s = NULL;
	struct buf err = BUF_INIT;
	assert_int_equal(store_open(url + 7, 0, &s, &err), -ENOENT);
	assert_null(s);
	assert_int_equal(store_open(url, STORE_OPEN_CREATE, &s, &err), 0);
	assert_string_equal(store_backend(s), "sqlite");
	store_close(s);
	assert_int_equal(store_open(url, 0, &s, &err), 0);
	store_close(s);
	assert_int_equal(store_open("", 0, &s, &err), -EINVAL);
#ifndef SIGNAAL_HAVE_PG
	buf_reset(&err);
	assert_int_equal(store_open("postgresql://localhost/x", 0, &s, &err), -ENOTSUP);
	assert_non_null(strstr(buf_str(&err), "PostgreSQL"));
#endif
	buf_free(&err);
}

/* PostgreSQL's counterpart of synchronous=FULL, on every connection: a
 * report is acknowledged only once its commit is on disk. */
static void test_pg_durable_commits(void **state)
{
	struct fx *f = *state;
	assert_int_equal(file_int(f->db, "SELECT CASE WHEN current_setting('synchronous_commit')"
	                                 " = 'on' THEN 1 ELSE 0 END"),
	                 1);
	assert_int_equal(file_int(f->db, "SELECT CASE WHEN current_setting('TimeZone')"
	                                 " = 'UTC' THEN 1 ELSE 0 END"),
	                 1);
}

/* Drafts of the report form: put, get, a one-time take, the kept receipt,
 * expiry and the purge; a one-time claim. */
static void test_drafts(void **state)
{
	struct fx *f = *state;
	create_velsen(f->s);
	unsigned char id[STORE_DRAFT_ID_BYTES], other[STORE_DRAFT_ID_BYTES];
	memset(id, 7, sizeof id);
	memset(other, 9, sizeof other);
	struct buf sealed = BUF_INIT, receipt = BUF_INIT;
	struct store_draft d = {.sealed = &sealed, .receipt = &receipt};
	const char *now = "2026-05-01T10:00:00Z", *later = "2026-05-01T12:00:00Z";
	assert_int_equal(store_draft_get(f->s, id, "velsen", now, &d), STORE_NOT_FOUND);
	assert_int_equal(store_draft_put(f->s, id, "velsen", 42, later, now, "abc", 3), 0);
	assert_int_equal(store_draft_get(f->s, id, "velsen", now, &d), 0);
	assert_int_equal(d.seal_id, 42);
	assert_true(d.has_sealed && !d.has_receipt);
	assert_int_equal(sealed.len, 3);
	assert_memory_equal(sealed.data, "abc", 3);
	/* Another organisation's site does not see it; nor after it expired. */
	assert_int_equal(store_draft_get(f->s, id, "utrecht", now, &d), STORE_NOT_FOUND);
	assert_int_equal(store_draft_get(f->s, id, "velsen", later, &d), STORE_NOT_FOUND);
	/* Replaced by a second put. */
	assert_int_equal(store_draft_put(f->s, id, "velsen", 42, later, now, "abcd", 4), 0);
	/* Taken once. */
	int64_t seal_id = 0;
	struct buf out = BUF_INIT;
	assert_int_equal(store_draft_take(f->s, id, "velsen", now, &seal_id, &out), 0);
	assert_int_equal(seal_id, 42);
	assert_int_equal(out.len, 4);
	assert_int_equal(store_draft_take(f->s, id, "velsen", now, &seal_id, &out),
	                 STORE_NOT_FOUND);
	/* The receipt kept, with what to show; never taken again. */
	assert_int_equal(store_draft_sent(f->s, id, "R", 1, "S", 1), 0);
	assert_int_equal(store_draft_get(f->s, id, "velsen", now, &d), 0);
	assert_true(d.has_receipt && d.has_sealed);
	assert_memory_equal(receipt.data, "R", 1);
	assert_int_equal(store_draft_take(f->s, id, "velsen", now, &seal_id, &out),
	                 STORE_NOT_FOUND);
	/* A claim holds once. */
	assert_int_equal(store_draft_claim(f->s, other, "velsen", later, now), 0);
	assert_int_equal(store_draft_claim(f->s, other, "velsen", later, now), STORE_DUPLICATE);
	/* Expired drafts go at the next save. */
	assert_int_equal(
	    store_draft_put(f->s, id, "velsen", 42, "2026-05-01T14:00:00Z", later, "x", 1), 0);
	assert_int_equal(store_draft_claim(f->s, other, "velsen", "2026-05-01T14:00:00Z", later),
	                 0);
	assert_int_equal(store_draft_delete(f->s, id), 0);
	assert_int_equal(store_draft_get(f->s, id, "velsen", now, &d), STORE_NOT_FOUND);
	buf_free(&out);
	buf_free(&sealed);
	buf_free(&receipt);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const char *hold = getenv(HOLD_ENV);
	if (hold)
		return hold_write_lock(hold);
	if (sqlite3_auto_extension((void (*)(void))secure_delete_off) != SQLITE_OK)
		return 1;
	store_fixture_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_registry_complete),
	    T(test_foreign_keys_enforced),
	    T(test_org_roundtrip),
	    T(test_org_conflict),
	    T(test_org_create_atomic),
	    T(test_org_invalid),
	    T(test_not_found),
	    T(test_org_list),
	    T(test_districts_manage),
	    T(test_district_limit),
	    T(test_settings),
	    T(test_txn_rollback),
	    T(test_txn_nested_refused),
	    T(test_param_count_checked),
	    T(test_concurrent_reads_while_writing),
	    T(test_report_batch_and_receipt),
	    T(test_report_batch_signal_codes_exact),
	    T(test_report_batch_screens),
	    T(test_report_batch_mixed),
	    T(test_inbox_form_filter_whole_codes),
	    T(test_migration_moves_forms_and_signals),
	    T(test_report_batch_bad_rows),
	    T(test_report_reference_continues),
	    T(test_report_reference_steps_over_import),
	    T(test_report_batch_repeat_within),
	    T(test_report_batch_repeat_within_rows),
	    T(test_import_all_or_nothing),
	    T(test_export),
	    T(test_messages),
	    T(test_message_limit),
	    T(test_message_order_by_sequence),
	    T(test_report_time_of_day_optional),
	    T(test_export_orders_day_by_reference),
	    T(test_write_probe),
	    T(test_sealed_sample),
	    T(test_numbers_never_reused),
	    T(test_duplicate_apart_from_conflict),
	    T(test_txn_composes),
	    T(test_drafts),
	    T(test_two_stores_one_database),
	    T(test_throttle_shared),
	    T(test_migrations_once_when_opened_together),
	    T(test_order_is_bytes),
	};
	/* What only the SQLite backend has: its file, pragmas, backup, and
	 * the migrations of files older programs wrote. */
	const struct CMUnitTest sqlite_only[] = {
	    T(test_registry_rows_fit),
	    T(test_open_creates_private_file),
	    T(test_migrations_recorded_and_idempotent),
	    T(test_pragmas_hardened),
	    T(test_busy_writer_waited_for),
	    T(test_busy_writer_too_long_is_busy),
	    T(test_backup),
	    T(test_newer_schema_refused),
	    T(test_world_readable_refused),
	    T(test_symlink_refused),
	    T(test_open_existing_refuses_missing),
	    T(test_migration_drops_time_of_day),
	    T(test_migration_drops_message_times),
	    T(test_migration_seeds_counters),
	    T(test_migration_numbers_arrival),
	    T(test_open_url),
	};
	/* What only the PostgreSQL backend has. */
	const struct CMUnitTest pg_only[] = {
	    T(test_pg_durable_commits),
	};
	enum {
		NT = sizeof tests / sizeof tests[0],
		NS = sizeof sqlite_only / sizeof sqlite_only[0],
		NP = sizeof pg_only / sizeof pg_only[0],
	};
	struct CMUnitTest all[NT + (NS > NP ? NS : NP)];
	memcpy(all, tests, sizeof tests);
	size_t n = NT;
	if (!store_fixture_pg_url) {
		memcpy(all + NT, sqlite_only, sizeof sqlite_only);
		n += NS;
	} else {
		memcpy(all + NT, pg_only, sizeof pg_only);
		n += NP;
	}
	return _cmocka_run_group_tests(store_fixture_pg_url ? "store-pg" : "store", all, n, NULL,
	                               NULL);
}
