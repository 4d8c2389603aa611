/* store: the database of Signaal, as callers see it.
 *
 * Owns: tables, rows and transactions; it knows tables, not rules, and
 * never calls up into the domain. Callers never see SQL or a backend type:
 * a struct store is opaque and a backend (sqlite.c now, pg.c later) sits
 * behind the vtable in store/backend.h.
 *
 * Threads: every function may be called from several threads at once on
 * one struct store. Reads run on a per-call borrowed read connection;
 * writes run in write transactions (store_txn), which the backend makes
 * serializable and store_txn retries when the database says they met
 * another writer. Several processes may share one database.
 *
 * Errors: 0 ok; negative errno on failure (-EINVAL for input that breaks a
 * column limit, -ENOMEM, -EIO for a database error); positive values are
 * the domain errors below.
 *
 * Reports (migrations 2 to 4), who calls what:
 *  - CSV import:  store_report_insert_imported() (all or nothing; a
 *                 reference that exists or repeats is STORE_CONFLICT)
 *
 * Composing: every write has a store_tx_* form that runs inside a
 * store_txn callback, so that the domain runs several of them (and later
 * an audit entry) in one transaction. A store_tx_* call that returns a
 * positive (domain) result has written nothing, so the callback may go on
 * or give up; a negative one means the transaction is lost: return it.
 *  - CSV/JSON export: store_report_export() (one callback per report, the
 *                 contract's CSV columns in struct store_report_row)
 *  - intake (domain/intake.c, the writer thread only):
 *                 store_reports_insert_batch(), store_report_by_receipt(),
 *                 store_messages(), store_message_add(). */
#ifndef SIGNAAL_STORE_STORE_H
#define SIGNAAL_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "util/buf.h"

enum {
	STORE_NOT_FOUND = 1, /* no such row (organisation, district, setting) */
	/* A constraint refused it (a name that exists, a district that does
	 * not): the same request fails again, refuse it. */
	STORE_CONFLICT = 2,
	STORE_TOO_NEW = 3, /* the database schema is newer than this program */
	STORE_LIMIT = 4,   /* a count limit of limits.h would be exceeded */
	STORE_REFUSED = 5, /* the row's state refuses the change (a closed report) */
	/* A random value the caller drew (a report's id, a receipt's hash)
	 * exists already: draw new ones and try again. Never a reason to
	 * refuse. */
	STORE_DUPLICATE = 6,
};

/* Bytes of a timestamp column, "YYYY-MM-DDTHH:MM:SSZ" (UTC). */
#define STORE_TIME_LEN 20u
/* Current UTC time in that format, for timestamp columns. */
void store_now(char out[STORE_TIME_LEN + 1]);

struct store;
/* A write transaction in progress; only valid inside a store_txn callback. */
struct store_tx;

struct store_org {
	char id[ID_MAX_LEN + 1];
	char name[NAME_MAX_LEN + 1];
	char region[ID_MAX_LEN + 1];
	int public_min_cell;
};

/* Opens the database url names and applies pending migrations:
 *  - "postgresql://..." or "postgres://..." (a libpq connection URI): a
 *    PostgreSQL database, which must exist (its tables are made here);
 *  - "sqlite:PATH" or a plain PATH: the SQLite file, hardened.
 * With STORE_OPEN_CREATE a missing SQLite file is made (mode 0600);
 * without, it gives -ENOENT (err says the database does not exist): the
 * server never starts on an empty database made by mistake, which would
 * take reports beside the real one, without the organisation and under a
 * key nobody checked. -ENOTSUP for a URL of a backend this build lacks.
 * On failure *out is NULL and err (may be NULL) gets a readable reason.
 * Returns 0, STORE_TOO_NEW, or negative errno. The caller owns *out:
 * store_close(). */
#define STORE_OPEN_CREATE 1u
int store_open(const char *url, unsigned flags, struct store **out, struct buf *err);
/* The same as store_open(path, STORE_OPEN_CREATE, ...) and
 * store_open(path, 0, ...) for a SQLite file (tests and old callers). */
int store_open_sqlite(const char *path, struct store **out, struct buf *err);
int store_open_sqlite_existing(const char *path, struct store **out, struct buf *err);
/* The name of the backend behind s ("sqlite", "postgresql"), for logs. */
const char *store_backend(const struct store *s);
/* Whether the database is another process reached over a socket
 * (PostgreSQL), so that a thread waiting for it leaves its core free. */
bool store_remote(const struct store *s);
/* Closes every connection. No other thread may still use s. Accepts NULL. */
void store_close(struct store *s);
/* 0 when the store answers a query. */
int store_ping(struct store *s);
/* Commits one small write (the setting STORE_PROBE_KEY gets a new random
 * value) to learn whether the database can be written now: 0, or the
 * negative errno of the failure (-ENOSPC on a full disk, -EROFS or
 * -EACCES in a read-only directory, -EBUSY, -EIO). Costs one commit. */
int store_write_probe(struct store *s);
/* The setting store_write_probe() writes; it means nothing else. */
#define STORE_PROBE_KEY "store.write_probe"
/* The cause of a store failure rc (negative errno) in words an operator
 * can act on: "no space left on device", "read-only directory (...)",
 * or strerror()'s text. Static, never NULL. */
const char *store_strerror(int rc);

/* Runs fn(tx, ctx) in one write transaction: committed when fn returns 0,
 * rolled back otherwise and fn's value returned. The transaction is
 * serializable: when it meets another writer (SQLite: the database is
 * busy; PostgreSQL: a serialization failure or a deadlock) the whole
 * transaction is retried (STORE_TXN_ATTEMPTS times; on PostgreSQL
 * STORE_PG_TXN_ATTEMPTS, after random pauses), so fn must have no effects
 * outside tx before it returns 0; then -EBUSY. Must not be nested
 * (-EDEADLK). */
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

/* Throttles shared by every server on the database (migration 8): hits
 * counted per fixed window, for limits that hold no address (the overall
 * rate of wrong receipts); a limit per source stays in the memory of its
 * server and never comes here, not even hashed. name is the fixed name of
 * a limit (1..SETTING_KEY_MAX_LEN of [a-z0-9_.-], else -EINVAL); window
 * is the start of a window in seconds since the epoch, which the caller
 * aligns to its length window_s (1..86400). */
/* Counts one hit of name in window and forgets its windows older than the
 * one before. A crash may forget the last hits (PostgreSQL: the commit
 * does not wait for the disk; see store_txn_reserve in backend.h). */
int store_throttle_hit(struct store *s, const char *name, int64_t window, int64_t window_s);
/* The hits of name in window (*now) and in the window before (*before);
 * 0 for a window without any. */
int store_throttle_get(struct store *s, const char *name, int64_t window, int64_t window_s,
                       int64_t *now, int64_t *before);

/* The same operations inside a store_txn callback (see "Composing" above):
 * they see what tx wrote before and commit or roll back with it. */
int store_tx_org_create(struct store_tx *tx, const struct store_org *org,
                        const char *const *districts, size_t ndistricts);
int store_tx_district_add(struct store_tx *tx, const char *org, const char *name);
int store_tx_setting_get(struct store_tx *tx, const char *key, struct buf *out);
int store_tx_setting_set(struct store_tx *tx, const char *key, const char *value);

/* --- Reports ----------------------------------------------------------- *
 * The store checks column limits (lengths, counts, date shape), not the
 * closed value lists of the contract: callers pass values the domain has
 * checked (report_value_index() in domain/report.h). */

/* Bytes of the keyed hash of a receipt (auth/receipt.h). */
#define STORE_RECEIPT_HASH_BYTES 32u
/* "YYYY-MM-DD". */
#define STORE_DATE_LEN 10u
/* Bytes of a value of a closed list (channel, role, kind, form, ...). */
#define STORE_CODE_MAX_LEN 32u
/* Bytes of a signal's code: the content's limit (content/check.c), which
 * allows longer codes than the closed lists of the contract. */
#define STORE_SIGNAL_MAX_LEN CONTENT_MAX_CODE_LEN
/* A generated reference: a prefix of 1..STORE_REF_PREFIX_MAX bytes and a
 * six-digit number ("W2026-" + "000123"). */
#define STORE_REF_PREFIX_MAX 16u
#define STORE_REF_DIGITS     6u

/* One historical report for store_report_insert_imported(). Strings are
 * borrowed for the call. The store gives it a random id; it has no sealed
 * fields, no receipt and no time of day. */
struct store_report_import {
	const char *reference;     /* 1..REPORT_MAX_REFERENCE bytes, one line */
	const char *received_on;   /* "YYYY-MM-DD" */
	const char *channel;       /* report_channels */
	const char *reporter_role; /* report_roles */
	bool anonymous;
	const char *kind;         /* report_kinds */
	const char *const *forms; /* report_forms: 1..REPORT_MAX_FORMS, no repeats */
	size_t nforms;            /* (pass "unknown" when the file names none) */
	const char *district;     /* a district of the organisation, or NULL/"" */
	const char *concrete;     /* report_concretes */
	const char *status;       /* report_statuses */
	const char *outcome;      /* report_outcomes */
	const char *details;      /* JSON text of the non-personal details, or NULL */
};

/* Inserts n historical reports of org in one transaction: all of them or
 * none. Returns 0; STORE_CONFLICT when a reference exists already or
 * repeats within rows; STORE_NOT_FOUND when org does not exist or a row
 * names a district org does not have; -EINVAL when a row breaks a column
 * limit (empty or long value, bad date shape, 0 or too many forms); or
 * -errno. On a row error *bad (may be NULL) is that row's index, else n. */
int store_report_insert_imported(struct store *s, const char *org,
                                 const struct store_report_import *rows, size_t n, size_t *bad);
/* The same inside a store_txn callback (the import and its audit entry in
 * one transaction). Unlike other store_tx_* calls, a positive result may
 * follow rows already written: roll back (return it). */
int store_tx_report_insert_imported(struct store_tx *tx, const char *org,
                                    const struct store_report_import *rows, size_t n, size_t *bad);

/* One report as the contract's CSV columns (export). Filled by the store;
 * valid during the callback only (copy what must outlive it). */
struct store_report_row {
	int64_t id;
	char reference[REPORT_MAX_REFERENCE + 1]; /* "" when it has none */
	char received_on[STORE_DATE_LEN + 1];
	char channel[STORE_CODE_MAX_LEN + 1];
	char reporter_role[STORE_CODE_MAX_LEN + 1];
	bool anonymous;
	char kind[STORE_CODE_MAX_LEN + 1];
	/* forms in the order they were given; forms_joined is the CSV cell
	 * ("sexual;labour"). */
	char forms[REPORT_MAX_FORMS][STORE_CODE_MAX_LEN + 1];
	size_t nforms;
	char forms_joined[REPORT_MAX_FORMS * (STORE_CODE_MAX_LEN + 1)];
	char district[NAME_MAX_LEN + 1]; /* "" when none */
	char concrete[STORE_CODE_MAX_LEN + 1];
	char status[STORE_CODE_MAX_LEN + 1];
	char outcome[STORE_CODE_MAX_LEN + 1];
	/* The JSON text of the report's non-personal details
	 * (report_details_json()), or NULL when it has none (reports and
	 * imported rows from before issue 8). Filled by the export only. */
	const char *details;
};

/* Called once per report, with a row (and its details) valid during the
 * call only; a nonzero return stops the export and becomes
 * store_report_export()'s result. */
typedef int (*store_report_fn)(void *ctx, const struct store_report_row *row);

/* Calls fn for every report of org received in year (0: every year), in
 * order of received_on, then reference, then id, from one consistent snapshot (writers go
 * on meanwhile). STORE_NOT_FOUND when org does not exist; an organisation
 * without reports calls fn never and returns 0. */
int store_report_export(struct store *s, const char *org, int year, store_report_fn fn, void *ctx);

/* --- the inbox (store/inbox.c) ------------------------------------------ */

/* Which reports an inbox page holds; NULL or "" for any. */
struct store_inbox_filter {
	const char *status;   /* report_statuses */
	const char *form;     /* a form the reporter gave */
	const char *district; /* a district of the organisation */
	/* Only reports still "received" and received on or before this
	 * date (the overdue ones; domain/workdays.h gives the date). */
	const char *received_by;
};

/* Where a page starts: after this row of the order (newest first: by
 * received_on, then arrival, then id, all descending). A zeroed one: the
 * first page. */
struct store_inbox_after {
	char received_on[STORE_DATE_LEN + 1];
	int64_t arrival; /* >= 0 (0: a report numbered by no counter) */
	int64_t id;
};

/* One report of an inbox page: the export's columns and what the inbox
 * shows besides. */
struct store_inbox_row {
	struct store_report_row r;
	/* Its place among the organisation's reports in order of arrival
	 * (1, 2, ...): the inbox's order within a day. */
	int64_t arrival;
	bool acute_danger;
	char *suggestion; /* JSON text (owned by the page), or NULL */
};

/* An inbox page (store_inbox_page_free() frees it). */
struct store_inbox_page {
	struct store_inbox_row *rows;
	size_t n;
};

/* At most limit (1..INBOX_PAGE_MAX + 1: a page and one more, to tell
 * whether another page follows) reports of org that pass f, after
 * *after, newest first, read in one statement (one snapshot), by keyset:
 * a deep page costs what the first does. Fills *out (replacing it).
 * -EINVAL for a bad limit or cursor date. */
int store_inbox_page(struct store *s, const char *org, const struct store_inbox_filter *f,
                     const struct store_inbox_after *after, size_t limit,
                     struct store_inbox_page *out);
void store_inbox_page_free(struct store_inbox_page *p);

/* One report as staff read it (store_report_get); free with
 * store_report_full_free(). */
struct store_report_full {
	struct store_inbox_row row;
	char received_at[STORE_TIME_LEN + 1]; /* "" when only the date is kept */
	unsigned char *sealed;                /* owned; NULL when it has none */
	char *details; /* owned JSON text of the non-personal details, or NULL */
	size_t sealed_len;
	char signals[REPORT_MAX_SIGNALS][STORE_SIGNAL_MAX_LEN + 1]; /* in byte order */
	size_t nsignals;
};

/* The report id of org (another organisation's is STORE_NOT_FOUND, as one
 * that does not exist: the caller cannot tell them apart), with its forms
 * and signals. Fills *out (replacing it). */
int store_report_get(struct store *s, const char *org, int64_t id, struct store_report_full *out);

/* What store_report_read reads besides the report, in the same round trip
 * (one pipeline on PostgreSQL, one connection on SQLite). */
struct store_audit_row;
struct store_report_extra {
	/* in: also the report's messages (as store_messages) */
	bool messages;
	/* in: also the organisation's audit entries about history_object (as
	 * store_audit_object: newest first, at most history_limit, each to
	 * history_row with history_ctx) when history_row is set */
	const char *history_object;
	size_t history_limit;
	int (*history_row)(void *ctx, const struct store_audit_row *row);
	void *history_ctx;
	/* out: the messages (free with store_messages_free) and how many
	 * entries there are about history_object in all */
	struct store_message *msgs;
	size_t nmsgs;
	int64_t history_total;
};
/* store_report_get with the extras of x in the same round trip. The
 * messages are read only with the report's organisation (a report of
 * another one gives none); history_row may be called before the answer
 * is known to be STORE_NOT_FOUND (with entries of org only). On failure
 * x->msgs is NULL. */
int store_report_read(struct store *s, const char *org, int64_t id, struct store_report_full *out,
                      struct store_report_extra *x);
void store_report_full_free(struct store_report_full *r);
/* 0 (sets *any: whether org holds a report) or negative errno. */
int store_org_reports_any(struct store *s, const char *org, bool *any);

/* --- handling (store/handling.c) ----------------------------------------- */

/* Sets the status, outcome and concreteness of report id of org (values
 * of report_statuses, report_outcomes, report_concretes; the caller
 * checks them and the rules of handling). STORE_NOT_FOUND when org has
 * no such report; -EINVAL for a value out of the columns' form. */
int store_tx_report_set_state(struct store_tx *tx, const char *org, int64_t id, const char *status,
                              const char *outcome, const char *concrete);

/* One new report from the public intake (store_reports_insert_batch).
 * Strings and bytes are borrowed for the call. */
struct store_report_new {
	int64_t id; /* random, 1..INT64_MAX (no time in it); the sealed blob's associated data */
	const char *org; /* an existing organisation */
	/* The reference is ref_prefix followed by the next free six-digit
	 * number of that prefix in org ("W2026-" gives "W2026-000001", ...);
	 * written back to reference_out (may be NULL). */
	const char *ref_prefix;
	char *reference_out;               /* REPORT_MAX_REFERENCE + 1 bytes, or NULL */
	const unsigned char *receipt_hash; /* STORE_RECEIPT_HASH_BYTES */
	const char *received_on;           /* "YYYY-MM-DD" */
	/* "YYYY-MM-DDTHH:MM:SSZ" as staff enter it, or NULL: a public
	 * report keeps only its date, because a time of arrival together with
	 * a proxy's access log would link the report to an address. */
	const char *received_at;
	const char *channel;
	const char *reporter_role;
	bool anonymous;
	const char *kind;
	bool acute_danger;
	const char *district;     /* a district of org, or NULL/"" */
	const char *const *forms; /* 1..REPORT_MAX_FORMS */
	size_t nforms;
	const char *const *signals; /* 0..REPORT_MAX_SIGNALS */
	size_t nsignals;
	const void *sealed; /* the sealed personal fields, 1..STORE_SEALED_MAX bytes */
	size_t sealed_len;
	const char *suggestion; /* JSON text, or NULL */
	/* JSON text of the details that are no personal data (reporter
	 * state, sector, each person's role and minor, ...; domain/report.h
	 * report_details_json()), or NULL. */
	const char *details;
};

/* Largest sealed blob of a report or message. */
#define STORE_SEALED_MAX (256u * 1024u)

/* Inserts rows[0..n) in ONE transaction (one commit, one fsync with
 * synchronous=FULL; on PostgreSQL after a reservation of their reference
 * numbers that does not wait for the disk, see reports.c); a row that
 * fails is left out without failing the others. results[i] gets 0 for a
 * stored row, STORE_DUPLICATE when its id or receipt hash exists already
 * (draw new ones and send it again), STORE_CONFLICT when its district is
 * not (or no longer) one of the organisation's or the organisation does
 * not exist, STORE_LIMIT when its reference numbers ran out, -EINVAL when
 * it breaks a column limit. Returns 0 when the transaction committed
 * (then only results say which rows are stored), or -errno when nothing
 * was stored (results then all hold that value). Rarely a second
 * transaction stores the rows whose generated reference an import took
 * meanwhile (with new references); if that one fails, -errno is returned
 * and the rows stored before keep 0. */
int store_reports_insert_batch(struct store *s, struct store_report_new *rows, size_t n,
                               int *results);

/* What following a report needs (no personal data). */
struct store_report_ref {
	int64_t id;
	char org[ID_MAX_LEN + 1];
	char kind[STORE_CODE_MAX_LEN + 1];
	char status[STORE_CODE_MAX_LEN + 1];
};

/* The report whose receipt hashes to hash; STORE_NOT_FOUND when none. */
int store_report_by_receipt(struct store *s, const unsigned char hash[STORE_RECEIPT_HASH_BYTES],
                            struct store_report_ref *out);
int store_tx_report_by_receipt(struct store_tx *tx,
                               const unsigned char hash[STORE_RECEIPT_HASH_BYTES],
                               struct store_report_ref *out);

/* The id and sealed blob of one report that has sealed fields (any one):
 * to tell whether a key file opens this database's reports. out is
 * replaced. STORE_NOT_FOUND when no report has sealed fields. */
int store_report_sealed_sample(struct store *s, int64_t *id, struct buf *out);

/* One message of a report's conversation. */
struct store_message {
	int64_t id;                          /* random: no order in it */
	int64_t seq;                         /* 1, 2, ...: the order of the conversation */
	char author[STORE_CODE_MAX_LEN + 1]; /* "reporter" or "handler" */
	/* "YYYY-MM-DD" (a reporter's message keeps only its date) or
	 * "YYYY-MM-DDTHH:MM:SSZ": what store_message_add was given. */
	char created_at[STORE_TIME_LEN + 1];
	unsigned char *sealed; /* owned by the array (store_messages_free) */
	size_t sealed_len;
};

/* The messages of report_id in the order of the conversation (seq; several
 * may share a date), at most REPORT_MAX_MESSAGES.
 * The caller owns *out: store_messages_free(*out, *n); NULL when *n is 0.
 * A report without messages (or no such report) gives 0 and *n = 0. */
int store_messages(struct store *s, int64_t report_id, struct store_message **out, size_t *n);
/* Frees n messages and the array. Accepts NULL. */
void store_messages_free(struct store_message *v, size_t n);

/* Appends a message (author "reporter" or "handler", sealed 1..
 * STORE_SEALED_MAX bytes) to report_id as its last, with a random id,
 * atomically with the checks: STORE_NOT_FOUND without the report,
 * STORE_REFUSED when the report's status equals refuse_status (may be
 * NULL: never), STORE_LIMIT when it holds REPORT_MAX_MESSAGES already.
 * created_at is stored as given, "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ"
 * (another shape: -EINVAL), or NULL for now to the second. A reporter's
 * message should keep only its date: a time of day together with a proxy's
 * access log would link it to an address (domain/intake.c does so).
 * *id (may be NULL) gets the message's id. */
int store_message_add(struct store *s, int64_t report_id, const char *author,
                      const char *created_at, const void *sealed, size_t sealed_len,
                      const char *refuse_status, int64_t *id);
/* The same inside a store_txn callback: e.g. find the report by its
 * receipt and add the message in one transaction. */
int store_tx_message_add(struct store_tx *tx, int64_t report_id, const char *author,
                         const char *created_at, const void *sealed, size_t sealed_len,
                         const char *refuse_status, int64_t *id);

/* Writes a consistent online copy of the whole database to dest_path, which
 * must not exist (-EEXIST); it is created with mode 0600. Writers are not
 * blocked meanwhile. A failed backup leaves no file behind. */
int store_backup(struct store *s, const char *dest_path);
/* Reads setting key from the backup at path, made by store_backup of a
 * store of the same backend as s (SQLite: a database file; PostgreSQL:
 * a pg_dump archive), without changing s or the file. 0 (value in out),
 * STORE_NOT_FOUND, -EINVAL when path is no backup of this backend. */
int store_backup_setting(struct store *s, const char *path, const char *key, struct buf *out);
/* Replaces everything in s by the backup at path, all or nothing. The
 * caller checks first (the key, reports that would be lost); no other
 * process should write meanwhile. Close s afterwards and open the store
 * again: opening applies the migrations a backup of an older version
 * lacks. */
int store_restore(struct store *s, const char *path);
/* 0 (sets *any) or negative errno: whether s holds a report. */
int store_holds_reports(struct store *s, bool *any);

/* --- Drafts of the report form (store/drafts.c) ------------------------- */
/* A draft is keyed by id (a keyed hash of the form's cookie, made by
 * domain/draft.c) and holds sealed bytes only: the store never sees what
 * was typed. expires_at and now are ISO-8601 UTC (store_now()); a draft
 * past expires_at is never returned and is deleted by the purge. */
#define STORE_DRAFT_ID_BYTES 32u

struct store_draft {
	int64_t seal_id;    /* the sealed blobs' associated data */
	struct buf *sealed; /* filled when the draft has fields (else has_sealed false) */
	bool has_sealed;
	struct buf *receipt; /* filled when the draft was sent */
	bool has_receipt;
};

/* Reads the draft id of org that has not expired at now. STORE_NOT_FOUND
 * when none. sealed and receipt are replaced. */
int store_draft_get(struct store *s, const unsigned char id[STORE_DRAFT_ID_BYTES], const char *org,
                    const char *now, struct store_draft *out);
/* Creates or replaces the draft id (its receipt goes) and deletes every
 * draft expired at now. */
int store_draft_put(struct store *s, const unsigned char id[STORE_DRAFT_ID_BYTES], const char *org,
                    int64_t seal_id, const char *expires_at, const char *now, const void *sealed,
                    size_t len);
/* Takes the sealed fields of the draft to send them (they are gone from
 * the store after): out gets them. STORE_NOT_FOUND when the draft has no
 * fields (sent already, being sent, or none). */
int store_draft_take(struct store *s, const unsigned char id[STORE_DRAFT_ID_BYTES], const char *org,
                     const char *now, int64_t *seal_id, struct buf *out);
/* Keeps the sealed receipt of the report the draft became, and sealed
 * fields to show with it (never taken again: a draft with a receipt is
 * not sent twice). */
int store_draft_sent(struct store *s, const unsigned char id[STORE_DRAFT_ID_BYTES],
                     const void *receipt, size_t len, const void *sealed, size_t sealed_len);
/* Claims id once, until expires_at (a one-time submission id): 0 the
 * first time, STORE_DUPLICATE when it was claimed already. Deletes every
 * draft expired at now. */
int store_draft_claim(struct store *s, const unsigned char id[STORE_DRAFT_ID_BYTES],
                      const char *org, const char *expires_at, const char *now);
/* Deletes the draft id (none: 0). */
int store_draft_delete(struct store *s, const unsigned char id[STORE_DRAFT_ID_BYTES]);

#endif
