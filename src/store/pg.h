/* pg: what only the PostgreSQL backend offers beyond the store interface.
 *
 * Owns nothing itself; store.c opens it for a "postgresql://" URL and the
 * tests reach raw connections through it. */
#ifndef SIGNAAL_STORE_PG_H
#define SIGNAAL_STORE_PG_H

#include "store/store.h"
#include "util/buf.h"

/* The PostgreSQL backend of store_open() (which see): url is a libpq
 * connection URI of a database that exists. */
int store_pg_open(const char *url, struct store **out, struct buf *err);

/* Tests only: runs constant sql (no parameters) on a connection of s and
 * gives the first column of its first row as an integer (-1 when there is
 * none). -EINVAL when s is not a PostgreSQL store. */
int store_pg_raw_int(struct store *s, const char *sql, long long *out);

#endif
