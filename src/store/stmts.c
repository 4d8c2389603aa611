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
    [STMT_ORG_INSERT] = {"org_insert",
                         "INSERT INTO organisations (id, name, region, public_min_cell, created_at)"
                         " VALUES ($1, $2, $3, $4, $5)"},
    [STMT_ORG_GET] = {"org_get", "SELECT id, name, region, public_min_cell FROM organisations"
                                 " WHERE id = $1"},
    [STMT_ORG_EXISTS] = {"org_exists", "SELECT 1 FROM organisations WHERE id = $1"},
    [STMT_ORG_LIST] = {"org_list", "SELECT id, name, region, public_min_cell FROM organisations"
                                   " ORDER BY id"},
    [STMT_DISTRICT_INSERT] = {"district_insert",
                              "INSERT INTO districts (org_id, name, position) VALUES ($1, $2, $3)"},
    [STMT_DISTRICT_LIST] = {"district_list", "SELECT name FROM districts WHERE org_id = $1"
                                             " ORDER BY position, name"},
    [STMT_DISTRICT_NEXT] = {"district_next",
                            "SELECT COUNT(*), COALESCE(MAX(position) + 1, 0) FROM districts"
                            " WHERE org_id = $1"},
    /* $2 before $1 on purpose: keeps binding by name (not by position in
     * the text) exercised by the tests of store_district_remove. */
    [STMT_DISTRICT_DELETE] =
        {"district_delete", "DELETE FROM districts WHERE name = $2 AND org_id = $1 RETURNING name"},
    [STMT_SETTING_GET] = {"setting_get", "SELECT value FROM settings WHERE key = $1"},
    [STMT_SETTING_SET] = {"setting_set", "INSERT INTO settings (key, value) VALUES ($1, $2)"
                                         " ON CONFLICT (key) DO UPDATE SET value = excluded.value"},
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
         " channel, reporter_role, anonymous, kind, acute_danger, district, sealed, suggestion)"
         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"},
    [STMT_REPORT_INSERT_IMPORTED] =
        {"report_insert_imported",
         "INSERT INTO reports (id, org_id, reference, received_on, channel, reporter_role,"
         " anonymous, kind, district, concrete, status, outcome)"
         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"},
    [STMT_REPORT_FORM_INSERT] = {"report_form_insert", "INSERT INTO report_forms"
                                                       " (report_id, position, form)"
                                                       " VALUES ($1, $2, $3)"},
    [STMT_REPORT_SIGNAL_INSERT] = {"report_signal_insert", "INSERT INTO report_signals"
                                                           " (report_id, signal)"
                                                           " VALUES ($1, $2)"},
    /* A range on the unique (org_id, reference) index rather than LIKE,
     * whose use of an index differs between the databases. */
    [STMT_REPORT_REF_MAX] = {"report_ref_max",
                             "SELECT MAX(reference) FROM reports WHERE org_id = $1"
                             " AND reference >= $2 AND reference <= $3"},
    [STMT_REPORT_REF_EXISTS] = {"report_ref_exists",
                                "SELECT 1 FROM reports WHERE org_id = $1 AND reference = $2"},
    [STMT_REPORT_ID_EXISTS] = {"report_id_exists", "SELECT 1 FROM reports WHERE id = $1"},
    [STMT_REPORT_BY_RECEIPT] = {"report_by_receipt", "SELECT id, org_id, kind, status FROM reports"
                                                     " WHERE receipt_hash = $1"},
    [STMT_REPORT_STATUS] = {"report_status", "SELECT status FROM reports WHERE id = $1"},
    /* One row per (report, form); the store folds them into one report.
     * position keeps the forms in the order they were given. Within a day
     * the reference orders them (its number counts up as reports arrive;
     * the id is random); COALESCE because the databases sort NULL apart. */
    [STMT_REPORT_EXPORT] =
        {"report_export",
         "SELECT r.id, r.reference, r.received_on, r.channel, r.reporter_role, r.anonymous,"
         " r.kind, r.district, r.concrete, r.status, r.outcome, f.form"
         " FROM reports r LEFT JOIN report_forms f ON f.report_id = r.id"
         " WHERE r.org_id = $1 AND r.received_on >= $2 AND r.received_on < $3"
         " ORDER BY r.received_on, COALESCE(r.reference, ''), r.id, f.position"},
    /* A message's id is random and carries no order (migration 4); seq
     * counts the messages of one report and orders its conversation. Only
     * the one writer connection inserts, so MAX + 1 cannot race. */
    [STMT_MESSAGE_NEXT] = {"message_next",
                           "SELECT COUNT(*), COALESCE(MAX(seq), 0) + 1 FROM report_messages"
                           " WHERE report_id = $1"},
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
};
