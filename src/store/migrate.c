/* migrate: the numbered schema migrations, applied at open.
 *
 * Migrations are append-only: a released migration is never edited, a
 * change is a new entry. Each one is portable SQL (SQLite and PostgreSQL):
 * TEXT, INTEGER and BIGINT only, timestamps as ISO-8601 UTC text, bytes as
 * BYTEA (PostgreSQL's name; SQLite stores bound blobs as they are whatever
 * the declared type), booleans as INTEGER 0/1 with a CHECK. */
#include <errno.h>

#include "store/backend.h"

/* Created first, outside the numbered list, because it records the list. */
static const char migrations_table[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                       " version INTEGER PRIMARY KEY,"
                                       " applied_at TEXT NOT NULL)";

/* migrations[k] brings the schema from version k to k + 1. */
static const char *const migrations[] = {
    /* 1: organisations, their districts, global settings. */
    "CREATE TABLE organisations ("
    " id TEXT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " region TEXT NOT NULL,"
    " public_min_cell INTEGER NOT NULL DEFAULT 5,"
    " created_at TEXT NOT NULL);"
    "CREATE TABLE districts ("
    " org_id TEXT NOT NULL REFERENCES organisations (id),"
    " name TEXT NOT NULL,"
    " position INTEGER NOT NULL,"
    " PRIMARY KEY (org_id, name));"
    "CREATE TABLE settings ("
    " key TEXT PRIMARY KEY,"
    " value TEXT NOT NULL);",
    /* 2: reports, their forms, signals and conversation.
     * id is random (chosen by the caller) because it is the associated data
     * of the sealed blob, which is sealed before the writer thread inserts.
     * sealed holds description, place, when, contact and people encrypted
     * (NULL for imported history); receipt_hash is a keyed hash (NULL when
     * there is no receipt). The district is plain and checked against the
     * organisation's districts: figures count by it. */
    "CREATE TABLE reports ("
    " id BIGINT PRIMARY KEY CHECK (id > 0),"
    " org_id TEXT NOT NULL REFERENCES organisations (id),"
    " reference TEXT,"
    " receipt_hash BYTEA UNIQUE,"
    " received_on TEXT NOT NULL CHECK (length(received_on) = 10),"
    " received_at TEXT,"
    " channel TEXT NOT NULL,"
    " reporter_role TEXT NOT NULL,"
    " anonymous INTEGER NOT NULL CHECK (anonymous IN (0, 1)),"
    " kind TEXT NOT NULL,"
    " acute_danger INTEGER NOT NULL DEFAULT 0 CHECK (acute_danger IN (0, 1)),"
    " district TEXT,"
    " concrete TEXT NOT NULL DEFAULT 'pending',"
    " status TEXT NOT NULL DEFAULT 'received',"
    " outcome TEXT NOT NULL DEFAULT 'none',"
    " sealed BYTEA,"
    " suggestion TEXT,"
    " UNIQUE (org_id, reference),"
    " FOREIGN KEY (org_id, district) REFERENCES districts (org_id, name));"
    /* Figures and exports select by organisation and year. */
    "CREATE INDEX reports_org_received ON reports (org_id, received_on);"
    "CREATE TABLE report_forms ("
    " report_id BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL,"
    " form TEXT NOT NULL,"
    " PRIMARY KEY (report_id, form));"
    "CREATE INDEX report_forms_form ON report_forms (form);"
    "CREATE TABLE report_signals ("
    " report_id BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,"
    " signal TEXT NOT NULL,"
    " PRIMARY KEY (report_id, signal));"
    "CREATE TABLE report_messages ("
    " id BIGINT PRIMARY KEY,"
    " report_id BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,"
    " author TEXT NOT NULL CHECK (author IN ('reporter', 'handler')),"
    " created_at TEXT NOT NULL,"
    " sealed BYTEA NOT NULL);"
    "CREATE INDEX report_messages_report ON report_messages (report_id, id);",
    /* 3: a public report keeps only its date of receipt: its time of day
     * together with a proxy's access log would link it to an address.
     * Every received_at so far is the intake's clock (no staff enter
     * reports yet; imports have none), so all of them go. The ids of these
     * reports still hold their arrival time: an id is the associated data
     * of the sealed fields and cannot change without the key. */
    "UPDATE reports SET received_at = NULL WHERE received_at IS NOT NULL;",
    /* 4: a reporter's follow-up message keeps only its date, for the same
     * reason as migration 3: its time to the second, or its place in a
     * count of all messages (the id was MAX + 1 over every report), together
     * with a proxy's access log links the message to an address. New
     * messages get a random id, and seq (1, 2, ... within one report)
     * orders a conversation, since several messages may share a date. The
     * ids of existing messages stay (nothing portable draws new ones at
     * random); their times go. Handlers' messages keep their time. The date
     * kept of an existing message is its UTC date; new ones keep the local
     * date, like received_on. */
    "ALTER TABLE report_messages ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;"
    "UPDATE report_messages SET seq = (SELECT COUNT(*) FROM report_messages m"
    " WHERE m.report_id = report_messages.report_id AND m.id <= report_messages.id);"
    "UPDATE report_messages SET created_at = substr(created_at, 1, 10)"
    " WHERE author = 'reporter' AND length(created_at) > 10;"
    "DROP INDEX report_messages_report;"
    "CREATE UNIQUE INDEX report_messages_seq ON report_messages (report_id, seq);",
    /* 5: numbers are drawn from counter rows inside the transaction, never
     * as MAX() + 1, which two servers on one database would both read
     * alike. counters holds, per organisation, the last number given of
     * each named sequence: "district" (positions, the next is value) and
     * "ref:" + prefix (the six-digit number of generated references).
     * reports.message_seq is the last seq of its conversation. Each is
     * seeded from the rows there are: references from reports with a
     * receipt (only generated references have one, and they all end in
     * six digits). */
    "CREATE TABLE counters ("
    " org_id TEXT NOT NULL REFERENCES organisations (id),"
    " name TEXT NOT NULL,"
    " value BIGINT NOT NULL,"
    " PRIMARY KEY (org_id, name));"
    "INSERT INTO counters (org_id, name, value)"
    " SELECT org_id, 'district', MAX(position) + 1 FROM districts GROUP BY org_id;"
    "INSERT INTO counters (org_id, name, value)"
    " SELECT org_id, 'ref:' || substr(reference, 1, length(reference) - 6),"
    " MAX(CAST(substr(reference, length(reference) - 5) AS BIGINT)) FROM reports"
    " WHERE receipt_hash IS NOT NULL AND reference IS NOT NULL AND length(reference) > 6"
    " GROUP BY org_id, substr(reference, 1, length(reference) - 6);"
    "ALTER TABLE reports ADD COLUMN message_seq INTEGER NOT NULL DEFAULT 0;"
    "UPDATE reports SET message_seq = (SELECT COALESCE(MAX(seq), 0) FROM report_messages m"
    " WHERE m.report_id = reports.id);",
    /* 6: the inbox reads an organisation's reports newest first by
     * keyset (received_on, id); this index serves that order and the
     * cursor, and the range reads of export and figures that used
     * reports_org_received, which it makes redundant. */
    "CREATE INDEX reports_org_inbox ON reports (org_id, received_on, id);"
    "DROP INDEX reports_org_received;",
    /* 7: the audit log (audit/audit.h): one row per entry, numbered
     * 1, 2, ... by seq, each with its chained MAC. Rows are only added.
     * org_id is no foreign key: an entry outlives what it names, and
     * records attempts on ids that do not exist. The head (the signed
     * running count) is a setting; its row exists from here on, unsigned
     * and empty, so that the first appenders lock it like every later
     * one. */
    "CREATE TABLE audit_log ("
    " seq BIGINT PRIMARY KEY CHECK (seq > 0),"
    " at TEXT NOT NULL,"
    " actor TEXT NOT NULL,"
    " org_id TEXT,"
    " action TEXT NOT NULL,"
    " object TEXT,"
    " result TEXT NOT NULL,"
    " mac BYTEA NOT NULL);"
    /* The admin page lists one organisation's entries, newest first. */
    "CREATE INDEX audit_log_org ON audit_log (org_id, seq);"
    "INSERT INTO settings (key, value) VALUES ('audit.head', '0')"
    " ON CONFLICT (key) DO NOTHING;",
    /* 8: throttles that hold no address, shared by every server on the
     * database (the overall rate of wrong receipts): hits per named
     * throttle per window (its start in seconds since the epoch). name is
     * a fixed name of a limit, never a source: nothing here may hold an
     * address, not even hashed. Old windows are deleted as new ones are
     * counted. */
    "CREATE TABLE throttle_counts ("
    " name TEXT NOT NULL,"
    " window_start BIGINT NOT NULL,"
    " hits BIGINT NOT NULL,"
    " PRIMARY KEY (name, window_start));",
    /* 9: staff accounts, their second factor, recovery codes, sessions
     * and API tokens. users.id is random (no count of accounts in it);
     * roles is a bit set (auth/roles.h). Secrets are never stored as
     * they are: password_hash is an argon2id string, totp_sealed the
     * TOTP secret sealed with the key file, and recovery codes, session
     * ids and API tokens are keyed hashes. Times that expire (throttle,
     * sessions, tokens) are seconds since 1970, compared as numbers. */
    "CREATE TABLE users ("
    " id BIGINT PRIMARY KEY CHECK (id > 0),"
    " org_id TEXT NOT NULL REFERENCES organisations (id),"
    " login TEXT NOT NULL UNIQUE,"
    " roles INTEGER NOT NULL,"
    " af INTEGER NOT NULL DEFAULT 0 CHECK (af IN (0, 1)),"
    " password_hash TEXT NOT NULL,"
    " must_change INTEGER NOT NULL DEFAULT 0 CHECK (must_change IN (0, 1)),"
    " disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
    " totp_sealed BYTEA,"
    " totp_enrolled INTEGER NOT NULL DEFAULT 0 CHECK (totp_enrolled IN (0, 1)),"
    " totp_last_step BIGINT NOT NULL DEFAULT 0,"
    " failed_count INTEGER NOT NULL DEFAULT 0,"
    " throttle_until BIGINT NOT NULL DEFAULT 0,"
    " created_at TEXT NOT NULL);"
    "CREATE INDEX users_org ON users (org_id, login);"
    "CREATE TABLE recovery_codes ("
    " user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
    " code_hash BYTEA NOT NULL,"
    " PRIMARY KEY (user_id, code_hash));"
    "CREATE TABLE sessions ("
    " id_hash BYTEA PRIMARY KEY,"
    " user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
    " stage INTEGER NOT NULL,"
    " created BIGINT NOT NULL,"
    " last_seen BIGINT NOT NULL);"
    "CREATE INDEX sessions_user ON sessions (user_id, created);"
    "CREATE TABLE api_tokens ("
    " id BIGINT PRIMARY KEY CHECK (id > 0),"
    " user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
    " token_hash BYTEA NOT NULL UNIQUE,"
    " created BIGINT NOT NULL,"
    " expires BIGINT NOT NULL,"
    " revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)));"
    "CREATE INDEX api_tokens_user ON api_tokens (user_id);",
    /* 10 (issue 8): the details of a report that are no personal data
     * (reporter state, sector, involved organisations, each person's role
     * and minor, ...) as JSON text, for the figures to count; and the
     * drafts of the report form. A draft is keyed by a keyed hash of the
     * form's cookie, its fields are sealed (NULL once sent), receipt is the
     * sealed receipt of the report it became (so that a second send shows
     * it again), and it is deleted at expires_at (UTC). */
    "ALTER TABLE reports ADD COLUMN details TEXT;"
    "CREATE TABLE drafts ("
    " id BYTEA PRIMARY KEY,"
    " org_id TEXT NOT NULL REFERENCES organisations (id),"
    " seal_id BIGINT NOT NULL,"
    " expires_at TEXT NOT NULL,"
    " sealed BYTEA,"
    " receipt BYTEA);"
    "CREATE INDEX drafts_expires ON drafts (expires_at);",
    /* 11: a report's history (the audit entries about it) is read on every
     * view: by organisation and object, newest first. */
    "CREATE INDEX audit_log_object ON audit_log (org_id, object, seq);",
    /* 12: the inbox's order within a day. A public report keeps only its
     * date (migration 3) and its id is random, so "newest first" had no
     * order within a day but the random id. arrival numbers an
     * organisation's reports 1, 2, ... as they are stored (the counter
     * "arrival", drawn with the reference: store/reports.c), so that the
     * inbox lists a day's reports newest first, in an order that stays.
     * It is no time: it says no more than the order of the rows of one
     * organisation, which the references of each channel said already.
     * Reports stored before are numbered by date, then reference (whose
     * number counts up as reports arrive), then id: as near to their
     * arrival as what was kept allows. The index serves the inbox's
     * order and cursor (received_on, arrival, id), and the range reads
     * on (org_id, received_on) of export and figures. */
    "ALTER TABLE reports ADD COLUMN arrival BIGINT NOT NULL DEFAULT 0;"
    "CREATE TABLE report_arrival_tmp (id BIGINT PRIMARY KEY, arrival BIGINT NOT NULL);"
    "INSERT INTO report_arrival_tmp (id, arrival)"
    " SELECT id, ROW_NUMBER() OVER (PARTITION BY org_id ORDER BY received_on,"
    " COALESCE(reference, '') COLLATE \"C\", id) FROM reports;"
    "UPDATE reports SET arrival ="
    " (SELECT t.arrival FROM report_arrival_tmp t WHERE t.id = reports.id);"
    "DROP TABLE report_arrival_tmp;"
    "INSERT INTO counters (org_id, name, value)"
    " SELECT org_id, 'arrival', MAX(arrival) FROM reports GROUP BY org_id;"
    "DROP INDEX reports_org_inbox;"
    "CREATE INDEX reports_org_inbox ON reports (org_id, received_on, arrival, id);",
    /* 13: how many audit entries there are about each object of an
     * organisation. A report's history shows its newest entries and says
     * how many older ones it leaves out; counting them on every view read
     * every entry about the report, so a report looked at a thousand
     * times cost a thousand index entries (and as many heap rows on
     * PostgreSQL) per look (bench/staff). The appender raises the count
     * in the transaction that adds the entries (store/audit.c), so it is
     * as exact as the log; the entries there are now are counted here. */
    "CREATE TABLE audit_counts ("
    " org_id TEXT NOT NULL,"
    " object TEXT NOT NULL,"
    " entries BIGINT NOT NULL CHECK (entries > 0),"
    " PRIMARY KEY (org_id, object));"
    "INSERT INTO audit_counts (org_id, object, entries)"
    " SELECT org_id, object, COUNT(*) FROM audit_log"
    " WHERE org_id IS NOT NULL AND object IS NOT NULL GROUP BY org_id, object;",
    /* 14: a report's forms and signals in its own row, as their codes
     * separated by one space (no code holds one: store/reports.c checks):
     * forms in the order they were given, signals each once, read back in
     * byte order. They are written with the report and never change. The
     * intake stored a row per form and per signal beside each report,
     * each with its foreign-key check and an entry in an index under the
     * report's random id: on SQLite half the pages a new report dirtied,
     * on PostgreSQL two statements and about a third of its time per
     * report (bench/README.md, "Forms and signals in the report's row").
     * The reports there are now keep their forms in their order
     * (position; SQLite's group_concat has no order before 3.44, so it
     * takes them one place at a time, REPORT_MAX_FORMS = 5 places, as
     * many as PostgreSQL's text in migrations_pg keeps). */
    "ALTER TABLE reports ADD COLUMN forms TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE reports ADD COLUMN signals TEXT NOT NULL DEFAULT '';"
    "UPDATE reports SET forms = trim("
    " COALESCE((SELECT form FROM report_forms f WHERE f.report_id = reports.id"
    " ORDER BY position LIMIT 1 OFFSET 0), '') || ' ' ||"
    " COALESCE((SELECT form FROM report_forms f WHERE f.report_id = reports.id"
    " ORDER BY position LIMIT 1 OFFSET 1), '') || ' ' ||"
    " COALESCE((SELECT form FROM report_forms f WHERE f.report_id = reports.id"
    " ORDER BY position LIMIT 1 OFFSET 2), '') || ' ' ||"
    " COALESCE((SELECT form FROM report_forms f WHERE f.report_id = reports.id"
    " ORDER BY position LIMIT 1 OFFSET 3), '') || ' ' ||"
    " COALESCE((SELECT form FROM report_forms f WHERE f.report_id = reports.id"
    " ORDER BY position LIMIT 1 OFFSET 4), '')),"
    " signals = COALESCE((SELECT group_concat(signal, ' ') FROM report_signals s"
    " WHERE s.report_id = reports.id), '');"
    "DROP TABLE report_signals;"
    "DROP TABLE report_forms;",
};

/* PostgreSQL's text of a migration where the dialects differ (NULL: the
 * common one). */
static const char *const migrations_pg[] = {
    [13] = "ALTER TABLE reports ADD COLUMN forms TEXT NOT NULL DEFAULT '';"
           "ALTER TABLE reports ADD COLUMN signals TEXT NOT NULL DEFAULT '';"
           "UPDATE reports SET"
           " forms = COALESCE((SELECT array_to_string((array_agg(form ORDER BY"
           " position))[1:5], ' ') FROM report_forms f WHERE f.report_id = reports.id), ''),"
           " signals = COALESCE((SELECT string_agg(signal, ' ') FROM report_signals s"
           " WHERE s.report_id = reports.id), '');"
           "DROP TABLE report_signals;"
           "DROP TABLE report_forms;",
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))
_Static_assert(REPORT_MAX_FORMS == 5, "migration 14 moves 5 forms of a report at most");
_Static_assert(sizeof migrations_pg / sizeof migrations_pg[0] <=
                   sizeof migrations / sizeof migrations[0],
               "migrations_pg overrides numbered migrations only");

int store_migrations_known(void)
{
	return NMIGRATIONS;
}

struct migrate_ctx {
	int64_t found; /* version of the database before migrating */
	struct buf *err;
};

static int version_row(void *ctx, const struct store_val *cols, size_t ncols)
{
	int64_t *v = ctx;
	if (ncols != 1 || cols[0].type != STORE_INT)
		return -EIO;
	*v = cols[0].i;
	return 0;
}

static int migrate_txn(struct store_tx *tx, void *vctx)
{
	struct migrate_ctx *m = vctx;
	/* Before anything else, even the CREATE ... IF NOT EXISTS below, which
	 * PostgreSQL does not make safe against a second server doing the
	 * same at the same moment. */
	int rc = store_tx_exec(tx, STMT_MIGRATION_LOCK, NULL, 0, NULL, NULL);
	if (rc)
		return rc;
	rc = tx->s->ops->script(tx->conn, migrations_table);
	if (rc)
		return rc;
	m->found = -1;
	rc = store_tx_exec(tx, STMT_MIGRATION_VERSION, NULL, 0, version_row, &m->found);
	if (rc)
		return rc;
	if (m->found < 0)
		return -EIO;
	if (m->found > NMIGRATIONS)
		return STORE_TOO_NEW;
	for (int64_t v = m->found; v < NMIGRATIONS; v++) {
		const char *sql = migrations[v];
		if (tx->s->ops->pg &&
		    v < (int64_t)(sizeof migrations_pg / sizeof migrations_pg[0]) &&
		    migrations_pg[v])
			sql = migrations_pg[v];
		rc = tx->s->ops->script(tx->conn, sql);
		if (rc)
			return rc;
		char now[STORE_TIME_LEN + 1];
		store_now(now);
		struct store_val p[] = {sv_int(v + 1), sv_text(now)};
		rc = store_tx_exec(tx, STMT_MIGRATION_RECORD, p, 2, NULL, NULL);
		if (rc)
			return rc;
	}
	return 0;
}

int store_migrate(struct store *s, struct buf *err)
{
	struct migrate_ctx m = {.found = -1, .err = err};
	/* One transaction for all pending migrations: a crash half-way leaves
	 * the old schema, never a mix, and a second process opening at the
	 * same time waits for the migration lock (STMT_MIGRATION_LOCK) and
	 * then finds nothing to do. */
	int rc = store_txn_locked(s, migrate_txn, &m);
	if (rc == STORE_TOO_NEW) {
		if (err)
			buf_printf(err,
			           "database schema version %lld is newer than this program "
			           "(which knows up to version %d); use a newer signaal",
			           (long long)m.found, NMIGRATIONS);
	} else if (rc == STORE_CONFLICT) {
		/* A constraint refused a migration: the database was changed by
		 * hand or by another program. */
		if (err)
			buf_printf(err, "migration after version %lld was refused by a constraint",
			           (long long)m.found);
		rc = -EIO;
	} else if (rc < 0 && err) {
		buf_printf(err, "applying migrations failed: %s", strerror(-rc));
	}
	return rc;
}
