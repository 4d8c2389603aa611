/* setup: what `signaal init` does, apart from argument parsing and
 * resolving the organisation profile (main.c does those).
 *
 * Owns: the layout of the data directory: DIR (0700), DIR/signaal.key
 * (0600, never overwritten) and DIR/signaal.db (0600). */
#ifndef SIGNAAL_APP_SETUP_H
#define SIGNAAL_APP_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define SETUP_KEY_FILE "signaal.key"
#define SETUP_DB_FILE  "signaal.db"
/* The setting that holds the database's key check value
 * (keyfile_check_value()). */
#define SETUP_KEY_CHECK "key.check"

struct store;

/* Domain errors besides STORE_CONFLICT and STORE_TOO_NEW (store.h), kept
 * apart from those values. */
enum {
	SETUP_UNSAFE = 16,    /* directory or key file open to others, or of the wrong type */
	SETUP_BAD_KEY = 17,   /* the key file is not a Signaal key, or not this database's */
	SETUP_BAD_INPUT = 18, /* an id, name or district breaks the rules */
};

struct setup_org {
	const char *id, *name, *region;
	const char *const *districts;
	size_t ndistricts;
};

/* Creates data_dir (0700; refuses an existing directory with wider
 * permissions, owned by someone else, or a non-directory), the key file
 * DIR/signaal.key (0600), the database DIR/signaal.db with migrations, and
 * the first organisation (public_min_cell PUBLIC_MIN_CELL_DEFAULT), with
 * its audit entry in the same transaction.
 * Idempotent for the directory, key and database: an existing key is
 * checked and kept, never overwritten. An organisation with the same id
 * gives STORE_CONFLICT. The parent of data_dir must exist.
 * Returns 0, negative errno, STORE_CONFLICT, STORE_TOO_NEW, AUDIT_BROKEN
 * (the audit log does not verify: nothing added) or a SETUP_* value; err (required) names what
 * failed and why. */
int setup_init(const char *data_dir, const struct setup_org *org, struct buf *err);
/* The same, with the database at store_url ([store] url; NULL or "" is
 * DIR/signaal.db). */
int setup_init_at(const char *data_dir, const char *store_url, const struct setup_org *org,
                  struct buf *err);
/* The same, saying who adds the organisation in its audit entry: actor is
 * an actor of audit/audit.h (NULL: "system", as setup_init_at writes),
 * and the entry's action is org.add when org_add, else system.init. */
int setup_init_as(const char *data_dir, const char *store_url, const struct setup_org *org,
                  const char *actor, bool org_add, struct buf *err);

/* The database URL for store_open(): configured ([store] url) when not
 * NULL or empty, else the SQLite file DIR/signaal.db. out is replaced. */
int setup_store_url(const char *configured, const char *data_dir, struct buf *out);

/* Checks that master (from key_path) is the key db_path was made with,
 * against the key check value the database keeps (SETUP_KEY_CHECK); the
 * paths only name the files in err. A database without a check value
 * gets the one of master (see why in setup.c), after master was shown to
 * open a sealed report when there is one. Returns 0, SETUP_BAD_KEY (err
 * says the key belongs to another installation) or negative errno (err
 * says why, e.g. no space left to record the value). */
int setup_key_check(struct store *s, const unsigned char master[32], const char *db_path,
                    const char *key_path, struct buf *err);

#endif
