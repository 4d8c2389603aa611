/* Tests of the store: the SQLite backend, migrations, and every operation,
 * each in a fresh temporary directory. */
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/backend.h"
#include "store/sqlite.h"
#include "store/store.h"

struct fx {
	char dir[64];
	char db[96];
	struct store *s;
};

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
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
	store_close(f->s);
	nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
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

static long long file_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	long long v = -1;
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
	}
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
	bool writer = true;
	assert_int_equal(store_sqlite_raw(f->s, true, check_pragmas, &writer), 0);
	writer = false;
	assert_int_equal(store_sqlite_raw(f->s, false, check_pragmas, &writer), 0);
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

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_registry_complete),
	    T(test_open_creates_private_file),
	    T(test_migrations_recorded_and_idempotent),
	    T(test_pragmas_hardened),
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
	    T(test_backup),
	    T(test_newer_schema_refused),
	    T(test_world_readable_refused),
	    T(test_symlink_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
