/* store: the database of Signaal, as callers see it.
 *
 * Owns: tables, rows and transactions; it knows tables, not rules, and
 * never calls up into the domain. Callers never see SQL or a backend type:
 * a struct store is opaque and a backend (sqlite.c now, pg.c later) sits
 * behind the vtable in store/backend.h.
 *
 * Threads: every function may be called from several threads at once on
 * one struct store. Reads run on a per-call borrowed read connection;
 * writes are serialised through one writer connection (store_txn).
 *
 * Errors: 0 ok; negative errno on failure (-EINVAL for input that breaks a
 * column limit, -ENOMEM, -EIO for a database error); positive values are
 * the domain errors below. */
#ifndef SIGNAAL_STORE_STORE_H
#define SIGNAAL_STORE_STORE_H

#include <stddef.h>

#include "limits.h"
#include "util/buf.h"

enum {
	STORE_NOT_FOUND = 1, /* no such row (organisation, district, setting) */
	STORE_CONFLICT = 2,  /* a uniqueness or reference constraint refused it */
	STORE_TOO_NEW = 3,   /* the database schema is newer than this program */
	STORE_LIMIT = 4,     /* a count limit of limits.h would be exceeded */
};

struct store;
/* A write transaction in progress; only valid inside a store_txn callback. */
struct store_tx;

struct store_org {
	char id[ID_MAX_LEN + 1];
	char name[NAME_MAX_LEN + 1];
	char region[ID_MAX_LEN + 1];
	int public_min_cell;
};

/* Opens (creating when missing, mode 0600) the SQLite database at path,
 * hardened, and applies pending migrations. On failure *out is NULL and err
 * (may be NULL) gets a readable reason naming the file. Returns 0,
 * STORE_TOO_NEW, or negative errno. The caller owns *out: store_close(). */
int store_open_sqlite(const char *path, struct store **out, struct buf *err);
/* Closes every connection. No other thread may still use s. Accepts NULL. */
void store_close(struct store *s);
/* 0 when the store answers a query. */
int store_ping(struct store *s);

/* Runs fn(tx, ctx) in one write transaction: committed when fn returns 0,
 * rolled back otherwise and fn's value returned. When the database is busy
 * (another process holds the write lock) the whole transaction is retried
 * up to STORE_TXN_ATTEMPTS times, so fn must have no effects outside tx
 * before it returns 0. Must not be nested (-EDEADLK). */
typedef int (*store_txn_fn)(struct store_tx *tx, void *ctx);
int store_txn(struct store *s, store_txn_fn fn, void *ctx);

/* Organisations. id and region are ids (str_is_id, ID_MAX_LEN), name is
 * one line of text (1..NAME_MAX_LEN bytes), public_min_cell
 * 1..PUBLIC_MIN_CELL_MAX. */
/* Creates org and its districts (in that order) in one transaction;
 * STORE_CONFLICT if the organisation exists or a district repeats,
 * STORE_LIMIT over STORE_MAX_DISTRICTS. */
int store_org_create(struct store *s, const struct store_org *org, const char *const *districts,
                     size_t ndistricts);
/* STORE_NOT_FOUND when there is no such organisation. */
int store_org_get(struct store *s, const char *id, struct store_org *out);
/* All organisations ordered by id. The caller owns *out (free(); NULL when
 * *n is 0). */
int store_org_list(struct store *s, struct store_org **out, size_t *n);

/* Districts of org in their configured order; STORE_NOT_FOUND when org
 * does not exist. The caller owns *names: store_strv_free(*names, *n). */
int store_districts(struct store *s, const char *org, char ***names, size_t *n);
/* Appends a district; STORE_NOT_FOUND without the org, STORE_CONFLICT if
 * it exists, STORE_LIMIT over STORE_MAX_DISTRICTS. */
int store_district_add(struct store *s, const char *org, const char *name);
/* STORE_NOT_FOUND when org has no such district; STORE_CONFLICT when rows
 * still refer to it. */
int store_district_remove(struct store *s, const char *org, const char *name);
/* Frees n strings and the array. Accepts NULL. */
void store_strv_free(char **v, size_t n);

/* Settings: key is 1..SETTING_KEY_MAX_LEN of [a-z0-9_.-], value is valid
 * UTF-8 of at most SETTING_VALUE_MAX_LEN bytes. */
/* Replaces out's content with the value; STORE_NOT_FOUND when unset. */
int store_setting_get(struct store *s, const char *key, struct buf *out);
int store_setting_set(struct store *s, const char *key, const char *value);

/* Writes a consistent online copy of the whole database to dest_path, which
 * must not exist (-EEXIST); it is created with mode 0600. Writers are not
 * blocked meanwhile. A failed backup leaves no file behind. */
int store_backup(struct store *s, const char *dest_path);

#endif
