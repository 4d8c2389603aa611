/* store_fixture: a fresh store per test on either backend, for the unit
 * tests that read and write through the store. Under tests/pg/with-pg
 * (SIGNAAL_TEST_STORE_URL set) it is the throwaway PostgreSQL database,
 * emptied first; else a SQLite file in a temporary directory. Call
 * store_fixture_init() once in main(). */
#ifndef SIGNAAL_TEST_STORE_FIXTURE_H
#define SIGNAAL_TEST_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef SIGNAAL_HAVE_PG
#include <libpq-fe.h>
#endif

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

/* Drops every table of the PostgreSQL database under test. */
static inline int store_fixture_pg_reset(void)
{
#ifdef SIGNAAL_HAVE_PG
	PGconn *c = PQconnectdb(store_fixture_pg_url);
	int rc = -1;
	if (PQstatus(c) == CONNECTION_OK) {
		PGresult *r = PQexec(c, "SET client_min_messages = warning;"
		                        "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
		rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
		if (rc)
			fprintf(stderr, "pg reset: %s\n", PQerrorMessage(c));
		PQclear(r);
	}
	PQfinish(c);
	return rc;
#else
	return -1;
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
