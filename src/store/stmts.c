#include "store/stmts.h"

/* Every statement of the store. Keep the text portable between SQLite and
 * PostgreSQL: standard types, $n parameters, ISO-8601 text timestamps made
 * by the caller rather than date functions of either database. */
const struct stmt_def stmt_registry[STMT__COUNT] = {
    [STMT_PING] = {"ping", "SELECT 1"},
    [STMT_MIGRATION_VERSION] = {"migration_version",
                                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"},
    [STMT_MIGRATION_RECORD] =
        {"migration_record", "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)"},
    /* SQLite: the migrating transaction began IMMEDIATE and holds the
     * database's write lock already; PostgreSQL: an advisory lock of the
     * transaction (the number is Signaal's own, arbitrary). */
    [STMT_MIGRATION_LOCK] = {"migration_lock", "SELECT 1"},
    [STMT_ORG_INSERT] = {"org_insert",
                         "INSERT INTO organisations (id, name, region, public_min_cell, created_at)"
                         " VALUES ($1, $2, $3, $4, $5)"},
    [STMT_ORG_GET] = {"org_get", "SELECT id, name, region, public_min_cell FROM organisations"
                                 " WHERE id = $1"},
    [STMT_ORG_EXISTS] = {"org_exists", "SELECT 1 FROM organisations WHERE id = $1"},
    [STMT_ORG_LIST] = {"org_list", "SELECT id, name, region, public_min_cell FROM organisations"
                                   " ORDER BY id COLLATE \"C\""},
    [STMT_DISTRICT_INSERT] = {"district_insert",
                              "INSERT INTO districts (org_id, name, position) VALUES ($1, $2, $3)"},
    [STMT_DISTRICT_LIST] = {"district_list", "SELECT name FROM districts WHERE org_id = $1"
                                             " ORDER BY position, name COLLATE \"C\""},
    [STMT_DISTRICT_COUNT] = {"district_count", "SELECT COUNT(*) FROM districts WHERE org_id = $1"},
    /* The row is created at 1 or raised by one, and the new value
     * returned, in one statement that locks the row until the transaction
     * ends: two servers never draw the same number. */
    [STMT_COUNTER_NEXT] = {"counter_next",
                           "INSERT INTO counters (org_id, name, value) VALUES ($1, $2, 1)"
                           " ON CONFLICT (org_id, name) DO UPDATE SET value = counters.value + 1"
                           " RETURNING value"},
    /* Moves a counter past numbers taken otherwise (an imported reference
     * in the generated range); the row is locked by counter_next before. */
    [STMT_COUNTER_RAISE] = {"counter_raise", "UPDATE counters SET value = $3"
                                             " WHERE org_id = $1 AND name = $2 AND value < $3"},
    /* $2 before $1 on purpose: keeps binding by name (not by position in
     * the text) exercised by the tests of store_district_remove. */
    [STMT_DISTRICT_DELETE] =
        {"district_delete", "DELETE FROM districts WHERE name = $2 AND org_id = $1 RETURNING name"},
    [STMT_SETTING_GET] = {"setting_get", "SELECT value FROM settings WHERE key = $1"},
    [STMT_SETTING_SET] = {"setting_set", "INSERT INTO settings (key, value) VALUES ($1, $2)"
                                         " ON CONFLICT (key) DO UPDATE SET value = excluded.value"},
    [STMT_REPORTS_ANY] = {"reports_any", "SELECT 1 FROM reports LIMIT 1"},
    /* One name is enough: the writer never nests them. */
    [STMT_SAVEPOINT] = {"savepoint", "SAVEPOINT batch_row"},
    [STMT_SAVEPOINT_RELEASE] = {"savepoint_release", "RELEASE SAVEPOINT batch_row"},
    [STMT_SAVEPOINT_ROLLBACK] = {"savepoint_rollback", "ROLLBACK TO SAVEPOINT batch_row"},
    [STMT_DISTRICT_EXISTS] = {"district_exists",
                              "SELECT 1 FROM districts WHERE org_id = $1 AND name = $2"},
    /* concrete, status and outcome take their defaults (pending, received,
     * none): a public report has not been looked at yet. */
    [STMT_REPORT_INSERT_WEB] =
        {"report_insert_web",
         "INSERT INTO reports (id, org_id, reference, receipt_hash, received_on, received_at,"
         " channel, reporter_role, anonymous, kind, acute_danger, district, sealed, suggestion,"
         " details)"
         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"},
    [STMT_REPORT_INSERT_IMPORTED] =
        {"report_insert_imported",
         "INSERT INTO reports (id, org_id, reference, received_on, channel, reporter_role,"
         " anonymous, kind, district, concrete, status, outcome, details)"
         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"},
    [STMT_REPORT_FORM_INSERT] = {"report_form_insert", "INSERT INTO report_forms"
                                                       " (report_id, position, form)"
                                                       " VALUES ($1, $2, $3)"},
    [STMT_REPORT_SIGNAL_INSERT] = {"report_signal_insert", "INSERT INTO report_signals"
                                                           " (report_id, signal)"
                                                           " VALUES ($1, $2)"
                                                           " ON CONFLICT DO NOTHING"},
    /* A range rather than LIKE, whose use of an index differs between the
     * databases; only read to move a counter past imported references,
     * while counter_next holds the counter's row. */
    [STMT_REPORT_REF_MAX] = {"report_ref_max",
                             "SELECT MAX(reference COLLATE \"C\") FROM reports WHERE org_id = $1"
                             " AND reference COLLATE \"C\" >= $2"
                             " AND reference COLLATE \"C\" <= $3"},
    [STMT_REPORT_REF_EXISTS] = {"report_ref_exists",
                                "SELECT 1 FROM reports WHERE org_id = $1 AND reference = $2"},
    [STMT_REPORT_ID_EXISTS] = {"report_id_exists", "SELECT 1 FROM reports WHERE id = $1"},
    [STMT_REPORT_RECEIPT_EXISTS] = {"report_receipt_exists",
                                    "SELECT 1 FROM reports WHERE receipt_hash = $1"},
    [STMT_REPORT_BY_RECEIPT] = {"report_by_receipt", "SELECT id, org_id, kind, status FROM reports"
                                                     " WHERE receipt_hash = $1"},
    [STMT_REPORT_STATUS] = {"report_status", "SELECT status FROM reports WHERE id = $1"},
    /* One row per (report, form); the store folds them into one report.
     * position keeps the forms in the order they were given. Within a day
     * the reference orders them (its number counts up as reports arrive;
     * the id is random); COALESCE because the databases sort NULL apart.
     * The range on received_on needs no collation: dates of one fixed
     * shape (digits, dashes) order alike under every locale, and the index
     * on (org_id, received_on) stays usable. */
    [STMT_REPORT_EXPORT] =
        {"report_export",
         "SELECT r.id, r.reference, r.received_on, r.channel, r.reporter_role, r.anonymous,"
         " r.kind, r.district, r.concrete, r.status, r.outcome, f.form"
         " FROM reports r LEFT JOIN report_forms f ON f.report_id = r.id"
         " WHERE r.org_id = $1 AND r.received_on >= $2 AND r.received_on < $3"
         " ORDER BY r.received_on COLLATE \"C\", COALESCE(r.reference, '') COLLATE \"C\","
         " r.id, f.position"},
    /* A message's id is random and carries no order (migration 4); seq
     * counts the messages of one report and orders its conversation. The
     * report's row holds the last seq (migration 5): raising it locks the
     * row, so two servers never give one seq twice. No row: the report
     * has $2 messages already (its existence was checked before). */
    [STMT_MESSAGE_SEQ_NEXT] = {"message_seq_next",
                               "UPDATE reports SET message_seq = message_seq + 1"
                               " WHERE id = $1 AND message_seq < $2 RETURNING message_seq"},
    [STMT_MESSAGE_ID_EXISTS] = {"message_id_exists", "SELECT 1 FROM report_messages WHERE id = $1"},
    [STMT_MESSAGE_INSERT] = {"message_insert",
                             "INSERT INTO report_messages (id, report_id, seq, author, created_at,"
                             " sealed) VALUES ($1, $2, $3, $4, $5, $6)"},
    [STMT_MESSAGE_LIST] = {"message_list", "SELECT id, seq, author, created_at, sealed"
                                           " FROM report_messages WHERE report_id = $1"
                                           " ORDER BY seq"},
    /* Any one sealed report: enough to tell whether a key opens them. */
    [STMT_REPORT_SEALED_SAMPLE] = {"report_sealed_sample",
                                   "SELECT id, sealed FROM reports WHERE sealed IS NOT NULL"
                                   " LIMIT 1"},
    /* Drafts of the report form (migration 6; store/drafts.c). Times are
     * ISO-8601 UTC text of one shape, compared as text. */
    [STMT_DRAFT_GET] = {"draft_get", "SELECT seal_id, sealed, receipt FROM drafts"
                                     " WHERE id = $1 AND org_id = $2"
                                     " AND expires_at COLLATE \"C\" > $3"},
    [STMT_DRAFT_PUT] = {"draft_put",
                        "INSERT INTO drafts (id, org_id, seal_id, expires_at, sealed, receipt)"
                        " VALUES ($1, $2, $3, $4, $5, NULL)"
                        " ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id,"
                        " seal_id = excluded.seal_id, expires_at = excluded.expires_at,"
                        " sealed = excluded.sealed, receipt = NULL"},
    /* Takes the fields of a draft to send them, once: a second send finds
     * none. */
    /* Takes the fields of a draft to send them, once, after draft_get in
     * the same transaction (RETURNING gives the new values): a second
     * send finds none. */
    [STMT_DRAFT_TAKE] = {"draft_take", "UPDATE drafts SET sealed = NULL"
                                       " WHERE id = $1 AND sealed IS NOT NULL"
                                       " AND receipt IS NULL RETURNING seal_id"},
    [STMT_DRAFT_SENT] = {"draft_sent", "UPDATE drafts SET receipt = $2, sealed = $3"
                                       " WHERE id = $1"},
    [STMT_DRAFT_DELETE] = {"draft_delete", "DELETE FROM drafts WHERE id = $1"},
    /* A one-time submission id (a follow-up message): a row only when
     * the id is new. */
    [STMT_DRAFT_CLAIM] = {"draft_claim",
                          "INSERT INTO drafts (id, org_id, seal_id, expires_at, sealed, receipt)"
                          " VALUES ($1, $2, $3, $4, NULL, NULL) ON CONFLICT (id) DO NOTHING"
                          " RETURNING seal_id"},
    [STMT_DRAFT_PURGE] = {"draft_purge", "DELETE FROM drafts WHERE expires_at COLLATE \"C\" <= $1"},
};

const char *const stmt_registry_pg[STMT__COUNT] = {
    [STMT_MIGRATION_LOCK] = "SELECT pg_advisory_xact_lock(7161720520)",
};
