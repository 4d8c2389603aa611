/* sqlite: what only the SQLite backend offers beyond the store interface.
 *
 * Owns nothing itself; callers outside store/ and the tests have no reason
 * to include this. */
#ifndef SIGNAAL_STORE_SQLITE_H
#define SIGNAAL_STORE_SQLITE_H

#include <sqlite3.h>
#include <stdbool.h>

#include "store/store.h"

/* The SQLite backend of store_open() (which see): create the file when
 * missing if create is set. */
int store_sqlite_open(const char *path, bool create, struct store **out, struct buf *err);

/* Tests only: runs fn on the raw handle of the writer connection (writer
 * true, holding the writer lock) or of a borrowed read connection, to
 * check what a connection really is (pragmas, limits). -EINVAL when s is
 * not an SQLite store; otherwise fn's value. */
int store_sqlite_raw(struct store *s, bool writer, int (*fn)(sqlite3 *db, void *ctx), void *ctx);

#endif
