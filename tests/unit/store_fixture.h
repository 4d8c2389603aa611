/* store_fixture: a fresh store per test on either backend, for the unit
 * tests that read and write through the store. Under tests/pg/with-pg
 * (SIGNAAL_TEST_STORE_URL set) it is the throwaway PostgreSQL database,
 * emptied first; else a SQLite file in a temporary directory. Call
 * store_fixture_init() once in main().
 *
 * Tests that must reach past the store (read a column as stored, leave
 * what an older version or another program would have) do it here, on
 * whichever backend: store_fixture_exec(), store_fixture_exec_file(),
 * store_fixture_query(). SQL given to them must be valid on both. */
#ifndef SIGNAAL_TEST_STORE_FIXTURE_H
#define SIGNAAL_TEST_STORE_FIXTURE_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#ifdef SIGNAAL_HAVE_PG
#include <libpq-fe.h>
#endif

#include "store/sqlite.h"
#include "store/store.h"
#include "tmpdir.h"
#include "util/buf.h"

struct store_fixture {
	char dir[64];
	char db[96];
	struct store *s;
};

/* The PostgreSQL database under test, or NULL for SQLite files. */
static const char *store_fixture_pg_url;

static inline void store_fixture_init(void)
{
	store_fixture_pg_url = getenv("SIGNAAL_TEST_STORE_URL");
	if (store_fixture_pg_url && !*store_fixture_pg_url)
		store_fixture_pg_url = NULL;
}

/* Runs sql (one or more statements, no result) on the PostgreSQL database
 * under test. 0 or -1 (with the reason on stderr). */
static inline int store_fixture_pg_exec(const char *sql)
{
#ifdef SIGNAAL_HAVE_PG
	PGconn *c = PQconnectdb(store_fixture_pg_url);
	int rc = -1;
	if (PQstatus(c) == CONNECTION_OK) {
		PGresult *r = PQexec(c, sql);
		rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
		if (rc)
			fprintf(stderr, "pg: %s\n", PQerrorMessage(c));
		PQclear(r);
	}
	PQfinish(c);
	return rc;
#else
	(void)sql;
	return -1;
#endif
}

/* Drops every table of the PostgreSQL database under test. */
static inline int store_fixture_pg_reset(void)
{
	return store_fixture_pg_exec("SET client_min_messages = warning;"
	                             "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
}

static inline int store_fixture_sqlite_exec_cb(sqlite3 *db, void *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "sqlite: %s\n", msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return rc == SQLITE_OK ? 0 : -EIO;
}

/* Runs sql (no result) on the database of s, an open store of either
 * backend, past the store (on SQLite: its writer connection). 0 or -EIO. */
static inline int store_fixture_exec(struct store *s, const char *sql)
{
	if (store_fixture_pg_url)
		return store_fixture_pg_exec(sql) ? -EIO : 0;
	return store_sqlite_raw(s, true, store_fixture_sqlite_exec_cb, (void *)sql);
}

/* Runs sql (no result) on a database that no store has open: under
 * with-pg the PostgreSQL database, else the SQLite file db. 0 or -EIO. */
static inline int store_fixture_exec_file(const char *db, const char *sql)
{
	if (store_fixture_pg_url)
		return store_fixture_pg_exec(sql) ? -EIO : 0;
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK
	             ? store_fixture_sqlite_exec_cb(h, (void *)sql)
	             : -EIO;
	sqlite3_close(h);
	return rc;
}

/* One value read past the store: sql's first column of its first row;
 * sql may bind id as $1 (written "$1" on both backends; SQLite reads it
 * as a numbered parameter). */
struct store_fixture_row {
	int64_t id;          /* $1, when sql has it */
	long long v;         /* the value as a number */
	unsigned char *blob; /* a blob's bytes (malloc'd; free it), else NULL */
	size_t len;          /* bytes of blob */
	char text[512];      /* a text's value (cut to fit) */
};

struct store_fixture_query_ctx {
	const char *sql;
	struct store_fixture_row *row;
};

static inline int store_fixture_query_cb(sqlite3 *db, void *ctx)
{
	struct store_fixture_query_ctx *q = ctx;
	struct store_fixture_row *row = q->row;
	sqlite3_stmt *st = NULL;
	int rc = -EIO;
	if (sqlite3_prepare_v2(db, q->sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_bind_parameter_count(st) == 1)
		sqlite3_bind_int64(st, 1, row->id);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	row->v = sqlite3_column_int64(st, 0);
	if (sqlite3_column_type(st, 0) == SQLITE_BLOB) {
		row->len = (size_t)sqlite3_column_bytes(st, 0);
		row->blob = malloc(row->len ? row->len : 1);
		if (!row->blob)
			goto out;
		memcpy(row->blob, sqlite3_column_blob(st, 0), row->len);
	} else if (sqlite3_column_type(st, 0) == SQLITE_TEXT) {
		snprintf(row->text, sizeof row->text, "%s",
		         (const char *)sqlite3_column_text(st, 0));
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Reads row from the database of s (an open store of either backend).
 * 0, or -EIO when sql fails or has no row. */
static inline int store_fixture_query(struct store *s, const char *sql,
                                      struct store_fixture_row *row)
{
	struct store_fixture_query_ctx q = {sql, row};
	if (!store_fixture_pg_url)
		return store_sqlite_raw(s, false, store_fixture_query_cb, &q);
#ifdef SIGNAAL_HAVE_PG
	PGconn *c = PQconnectdb(store_fixture_pg_url);
	PGresult *r = NULL;
	int rc = -EIO;
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)row->id);
	const char *params[] = {id};
	if (PQstatus(c) != CONNECTION_OK)
		goto out;
	r = PQexecParams(c, sql, strstr(sql, "$1") ? 1 : 0, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1) {
		fprintf(stderr, "pg: %s\n", PQerrorMessage(c));
		goto out;
	}
	const char *v = PQgetvalue(r, 0, 0);
	row->v = strtoll(v, NULL, 10);
	if (PQftype(r, 0) == 17 /* bytea */ && !PQgetisnull(r, 0, 0)) {
		unsigned char *b = PQunescapeBytea((const unsigned char *)v, &row->len);
		row->blob = b ? malloc(row->len ? row->len : 1) : NULL;
		if (row->blob)
			memcpy(row->blob, b, row->len);
		PQfreemem(b);
		if (!row->blob)
			goto out;
	} else {
		snprintf(row->text, sizeof row->text, "%s", v);
	}
	rc = 0;
out:
	PQclear(r);
	PQfinish(c);
	return rc;
#else
	(void)sql;
	return -EIO;
#endif
}

/* An empty, migrated store in f->s. 0 or -1 (with the reason on stderr). */
static inline int store_fixture_open(struct store_fixture *f)
{
	strcpy(f->dir, "/tmp/signaal-test-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof f->db, "%s/test.db", f->dir);
	if (store_fixture_pg_url && store_fixture_pg_reset())
		return -1;
	struct buf err = BUF_INIT;
	int rc = store_fixture_pg_url ? store_open(store_fixture_pg_url, 0, &f->s, &err)
	                              : store_open_sqlite(f->db, &f->s, &err);
	if (rc)
		fprintf(stderr, "open: %s\n", buf_str(&err));
	buf_free(&err);
	return rc ? -1 : 0;
}

static inline void store_fixture_close(struct store_fixture *f)
{
	store_close(f->s);
	f->s = NULL;
	tmpdir_remove(f->dir);
}

#endif
