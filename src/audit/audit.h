/* audit: the append-only, chained audit log (issue 9, section 5).
 *
 * Owns: the closed set of action codes (one table, audit.c), the shape of
 * an entry's fields and their checks, the chain's MACs, the signed running
 * count kept beside the table (the setting AUDIT_HEAD_KEY) and the check
 * of the whole chain. The store (store/audit.h) only keeps rows.
 *
 * An entry is time, actor, organisation, action, object and result: never
 * a password, code, token, receipt or report text. The API cannot take
 * free text: the action and the result are enums, and the actor, the
 * organisation and the object must be short identifiers (audit_append
 * refuses anything else with -EINVAL):
 *  - actor: "system", "cli:<OS user>" (audit_actor_cli) or "user:<id>"
 *    (audit_actor_user), AUDIT_ACTOR_MAX_LEN bytes at most;
 *  - organisation: an organisation id (str_is_id), or NULL/"" for none;
 *  - object: NULL/"" or 1..AUDIT_OBJECT_MAX_LEN of [A-Za-z0-9_.:@-]
 *    (a report id, a user id, a token id, a year).
 *
 * Chain: entry n (1, 2, ...) carries mac_n = BLAKE2b-256 keyed with the
 * audit key (a subkey of the key file, KEYFILE_CTX_AUDIT) over a
 * versioned, length-prefixed encoding of n, its fields and mac_{n-1}
 * (32 zero bytes for n = 1). The head (setting AUDIT_HEAD_KEY) holds the
 * count, the last MAC and a MAC over both, so that cutting off the last
 * entries is seen too. Someone who can write the database but lacks the
 * key file can neither change, insert, remove nor reorder an entry, nor
 * cut off the end, without audit_verify() naming the first bad entry. It
 * cannot see a database rolled back as a whole (or to an older head it
 * kept a copy of); audit_verify() prints the count and head MAC so that
 * an operator can keep them elsewhere.
 *
 * Appends are serial: audit_append() first locks the head row inside the
 * caller's transaction (an UPDATE), so two servers on one PostgreSQL
 * database append one after the other (the second one's serializable
 * transaction is retried by store_txn) and the chain stays linear; on
 * SQLite the single writer does the same.
 *
 * Threads: a struct audit_key is read-only after audit_key_derive(). */
#ifndef SIGNAAL_AUDIT_AUDIT_H
#define SIGNAAL_AUDIT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "util/buf.h"

struct store;
struct store_tx;

/* The setting that holds the signed running count (the head). */
#define AUDIT_HEAD_KEY  "audit.head"
#define AUDIT_MAC_BYTES 32u

/* The actions; their codes (what the table holds) are in audit_actions[].
 * Append new ones at the end: a code once written never changes. */
enum audit_action {
	AUDIT_LOGIN,           /* auth.login */
	AUDIT_LOGIN_FAILED,    /* auth.login_failed */
	AUDIT_LOGOUT,          /* auth.logout */
	AUDIT_2FA_ENROL,       /* auth.2fa_enrol */
	AUDIT_2FA_RESET,       /* auth.2fa_reset */
	AUDIT_PASSWORD_CHANGE, /* auth.password_change */
	AUDIT_USER_ADD,        /* user.add */
	AUDIT_USER_ROLES,      /* user.roles */
	AUDIT_USER_DISABLE,    /* user.disable */
	AUDIT_USER_ENABLE,     /* user.enable */
	AUDIT_TOKEN_CREATE,    /* token.create */
	AUDIT_TOKEN_REVOKE,    /* token.revoke */
	AUDIT_REPORT_VIEW,     /* report.view: a view of a report's personal data */
	AUDIT_REPORT_CHANGE,   /* report.change */
	AUDIT_REPORT_IMPORT,   /* report.import */
	AUDIT_REPORT_EXPORT,   /* report.export */
	AUDIT_STORE_BACKUP,    /* store.backup */
	AUDIT_STORE_RESTORE,   /* store.restore */
	AUDIT_ORG_ADD,         /* org.add */
	AUDIT_INIT,            /* system.init */
	AUDIT_AUDIT_VIEW,      /* audit.view: the log read on the admin page */
	AUDIT_AUDIT_EXPORT,    /* audit.export: the log downloaded */
	AUDIT_RECOVERY_NEW,    /* auth.recovery_codes: new recovery codes made */
	AUDIT__COUNT
};

/* Codes indexed by enum audit_action; every entry is set. */
extern const char *const audit_actions[AUDIT__COUNT];

enum audit_result {
	AUDIT_OK,     /* ok: done */
	AUDIT_DENIED, /* denied: refused (wrong password, a role that may not) */
	AUDIT_FAILED, /* failed: tried and failed (an error) */
	AUDIT__RESULTS
};
extern const char *const audit_results[AUDIT__RESULTS];

/* The action of code, or -1 when code is none. */
int audit_action_find(const char *code);

/* The key of the chain's MACs. */
struct audit_key {
	unsigned char k[AUDIT_MAC_BYTES];
};

/* Derives the audit key from the key file's master key. 0 or -EINVAL. */
int audit_key_derive(const unsigned char master[32], struct audit_key *out);
/* Wipes k. Accepts NULL. */
void audit_key_wipe(struct audit_key *k);

/* Actors. out gets the actor's text; -EINVAL when the name or id does
 * not fit (then out is ""). */
int audit_actor_cli(char out[AUDIT_ACTOR_MAX_LEN + 1], const char *os_user);
int audit_actor_user(char out[AUDIT_ACTOR_MAX_LEN + 1], const char *user_id);
#define AUDIT_ACTOR_SYSTEM "system"

/* One entry to append; strings borrowed for the call. */
struct audit_entry {
	const char *actor; /* see above */
	const char *org;   /* an organisation id, or NULL/"" */
	enum audit_action action;
	const char *object; /* NULL/"" or an identifier, see above */
	enum audit_result result;
};

/* Whether e's fields all have their shape (see above). */
bool audit_entry_valid(const struct audit_entry *e);

/* Appends e, with the time now, inside the caller's transaction tx (so it
 * commits or rolls back with the change it records). Locks the head row
 * first: call it where the transaction may wait for other appenders.
 * Returns 0; -EINVAL for a field of the wrong shape (nothing written);
 * AUDIT_BROKEN when the head fails its MAC, the last entry is not the one
 * it signed (the end cut off) or a row follows it (nothing written: the
 * log must be looked into first, see audit_verify; an entry changed
 * further back is only found by audit_verify); or negative errno (return
 * it from the transaction). */
enum {
	AUDIT_BROKEN = 40, /* the chain or its head does not verify */
};
int audit_append(struct store_tx *tx, const struct audit_key *key, const struct audit_entry *e);

/* The same for e[0..n) (1 <= n <= AUDIT_GROUP_MAX), one after the other
 * in the chain, with one look at the head and one new head: all or none
 * are written (-EINVAL when any has a field of the wrong shape). On
 * PostgreSQL two round trips: the head's lock with the log's last entry,
 * then the entries with the new head (pipelined). */
int audit_append_many(struct store_tx *tx, const struct audit_key *key,
                      const struct audit_entry *const *e, size_t n);

/* The same in a transaction of its own (for an entry that records no
 * change, e.g. an export before its data leaves). */
int audit_append_alone(struct store *s, const struct audit_key *key, const struct audit_entry *e);

/* What audit_verify found. */
struct audit_verdict {
	bool ok;
	int64_t count; /* entries the head says there are */
	int64_t seen;  /* entries checked before the first bad one (all when ok) */
	int64_t bad;   /* the first bad entry's number, 0 when ok */
	char head_mac[2 * AUDIT_MAC_BYTES + 1]; /* hex, "" while the log is empty */
	char why[160];                          /* what is wrong with entry bad, in English */
};

/* Checks the whole chain and the head against key: every entry's MAC,
 * numbers 1..count without gaps, nothing after count, the head's MAC.
 * Returns 0 with out filled (out->ok says whether it holds), or negative
 * errno when the store cannot be read. Memory: AUDIT_VERIFY_BATCH rows at
 * a time; appends meanwhile are fine (only entries up to the count read
 * first are checked, and those never change). */
int audit_verify(struct store *s, const struct audit_key *key, struct audit_verdict *out);

#endif
