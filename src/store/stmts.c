#include "store/stmts.h"

/* Every statement of the store. Keep the text portable between SQLite and
 * PostgreSQL: standard types, $n parameters, ISO-8601 text timestamps made
 * by the caller rather than date functions of either database. */
/* One probe of a unique index each, by equality: a plan of the whole
 * list ("id IN ($1, ..., $16)") was made on a small table and read every
 * row of it (PostgreSQL's CPU per report went from 90 to 1,250 µs in
 * bench/intake/run). */
#define ID_TAKEN(n)      " EXISTS (SELECT 1 FROM reports WHERE id = $" n ")"
#define RECEIPT_TAKEN(n) " EXISTS (SELECT 1 FROM reports WHERE receipt_hash = $" n ")"
/* clang-format off */
#define SCREEN_SQL "SELECT CASE WHEN" \
	ID_TAKEN("1") " OR " ID_TAKEN("2") " OR " ID_TAKEN("3") " OR " ID_TAKEN("4") " OR " \
	ID_TAKEN("5") " OR " ID_TAKEN("6") " OR " ID_TAKEN("7") " OR " ID_TAKEN("8") " OR " \
	ID_TAKEN("9") " OR " ID_TAKEN("10") " OR " ID_TAKEN("11") " OR " ID_TAKEN("12") " OR " \
	ID_TAKEN("13") " OR " ID_TAKEN("14") " OR " ID_TAKEN("15") " OR " ID_TAKEN("16") " OR " \
	RECEIPT_TAKEN("17") " OR " RECEIPT_TAKEN("18") " OR " RECEIPT_TAKEN("19") " OR " RECEIPT_TAKEN("20") " OR " \
	RECEIPT_TAKEN("21") " OR " RECEIPT_TAKEN("22") " OR " RECEIPT_TAKEN("23") " OR " RECEIPT_TAKEN("24") " OR " \
	RECEIPT_TAKEN("25") " OR " RECEIPT_TAKEN("26") " OR " RECEIPT_TAKEN("27") " OR " RECEIPT_TAKEN("28") " OR " \
	RECEIPT_TAKEN("29") " OR " RECEIPT_TAKEN("30") " OR " RECEIPT_TAKEN("31") " OR " RECEIPT_TAKEN("32") \
	" THEN 1 ELSE 0 END"
/* clang-format on */

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
    [STMT_DISTRICT_EXISTS] = {"district_exists",
                              "SELECT 1 FROM districts WHERE org_id = $1 AND name = $2"},
    /* concrete, status and outcome take their defaults (pending, received,
     * none): a public report has not been looked at yet. */
    [STMT_REPORT_INSERT_WEB] =
        {"report_insert_web",
         "INSERT INTO reports (id, org_id, reference, receipt_hash, received_on, received_at,"
         " channel, reporter_role, anonymous, kind, acute_danger, district, sealed, suggestion,"
         " details, arrival, forms, signals)"
         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
         " $18)"},
    /* STORE_REPORTS_PER_INSERT rows of report_insert_web in one statement:
     * $1..$18 the first row, $19..$36 the second, and so on. No table is
     * read (VALUES), so no plan can turn it into a scan. */
    [STMT_REPORT_INSERT_WEB_ROWS] =
        {"report_insert_web_rows",
         "INSERT INTO reports (id, org_id, reference, receipt_hash, received_on, received_at,"
         " channel, reporter_role, anonymous, kind, acute_danger, district, sealed, suggestion,"
         " details, arrival, forms, signals) VALUES"
         " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18),"
         " ($19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34,"
         " $35, $36),"
         " ($37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, $49, $50, $51, $52,"
         " $53, $54),"
         " ($55, $56, $57, $58, $59, $60, $61, $62, $63, $64, $65, $66, $67, $68, $69, $70,"
         " $71, $72)"},
    [STMT_REPORT_INSERT_IMPORTED] =
        {"report_insert_imported",
         "INSERT INTO reports (id, org_id, reference, received_on, channel, reporter_role,"
         " anonymous, kind, district, concrete, status, outcome, details, arrival, forms)"
         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"},
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
    /* One row per report, its forms in the order they were given
     * (migration 14). Within a day the reference orders them (its number
     * counts up as reports arrive; the id is random); COALESCE because the
     * databases sort NULL apart. The range on received_on needs no
     * collation: dates of one fixed shape (digits, dashes) order alike
     * under every locale, and the index on (org_id, received_on) stays
     * usable. */
    [STMT_REPORT_EXPORT] =
        {"report_export",
         "SELECT id, reference, received_on, channel, reporter_role, anonymous, kind, district,"
         " concrete, status, outcome, forms, details FROM reports"
         " WHERE org_id = $1 AND received_on >= $2 AND received_on < $3"
         " ORDER BY received_on COLLATE \"C\", COALESCE(reference, '') COLLATE \"C\", id"},
    /* A page of reports, keyset: after ($2, $3, $4) in the order, each
     * with its forms (migration 14). Newest first: by date, then by
     * arrival (the organisation's count of its reports, migration 12),
     * then id (arrival is unique per organisation; the id keeps the order
     * total whatever a database holds). Filters that are "" pass
     * everything. A date "YYYY-MM-DD" orders alike in every collation
     * (digits in fixed places), so received_on needs no COLLATE here, and
     * the index reports_org_inbox (org_id, received_on, arrival, id)
     * serves the order and the cursor on both databases. The cursor is a
     * row value: both take it as one range of that index, walked backwards until the
     * LIMIT. (As "received_on < $2 OR (received_on = $2 AND id < $3)" PostgreSQL made
     * it a BitmapOr of two index scans, read every older report of the organisation and
     * sorted them: bench/staff/run.) The filters are CASE expressions, not "($4 = '' OR
     * status = $4)": PostgreSQL's generic plan (used once a prepared statement has run
     * a few times) cannot see which filters are "", estimated each OR as
     * selective, expected few rows and chose a bitmap scan of all the
     * organisation's reports and a sort; a CASE it estimates as passing
     * about half, so the generic plan, like the custom one, walks the
     * index backwards and stops at the LIMIT. The form filter looks for
     * " $7 " in " forms " (no code holds a space: store/reports.c) by
     * what replace() takes out, which both databases spell alike and
     * which, unlike LIKE, has no wildcard and no case folding. */
    [STMT_INBOX_PAGE] =
        {"inbox_page",
         "SELECT id, reference, received_on, channel, reporter_role, anonymous, kind, district,"
         " concrete, status, outcome, acute_danger, suggestion, forms, arrival"
         " FROM reports WHERE org_id = $1 AND (received_on, arrival, id) < ($2, $3, $4)"
         " AND CASE WHEN $5 = '' THEN TRUE ELSE status = $5 END"
         " AND CASE WHEN $6 = '' THEN TRUE ELSE district = $6 END"
         " AND CASE WHEN $7 = '' THEN TRUE ELSE length(replace(' ' || forms || ' ',"
         " ' ' || $7 || ' ', '')) < length(forms) + 2 END"
         " AND CASE WHEN $8 = '' THEN TRUE ELSE status = 'received' AND received_on <= $8 END"
         " ORDER BY received_on DESC, arrival DESC, id DESC LIMIT $9"},
    [STMT_REPORT_GET] = {"report_get",
                         "SELECT id, reference, received_on, channel, reporter_role, anonymous,"
                         " kind, district, concrete, status, outcome, acute_danger, suggestion,"
                         " received_at, sealed, details, forms, signals FROM reports"
                         " WHERE org_id = $1 AND id = $2"},
    [STMT_ORG_REPORTS_ANY] = {"org_reports_any", "SELECT 1 FROM reports WHERE org_id = $1 LIMIT 1"},
    [STMT_REPORT_SET_STATE] = {"report_set_state",
                               "UPDATE reports SET status = $3, outcome = $4, concrete = $5"
                               " WHERE org_id = $1 AND id = $2 RETURNING id"},
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
    /* The audit log (migration 7). Taking the head's row lock first
     * serializes appenders, of this process or another server: the
     * second waits, and on PostgreSQL its serializable transaction then
     * fails and is retried, so the chain stays linear. */
    [STMT_AUDIT_HEAD_LOCK] = {"audit_head_lock", "UPDATE settings SET value = value"
                                                 " WHERE key = $1 RETURNING value"},
    [STMT_AUDIT_HEAD_SET] = {"audit_head_set",
                             "UPDATE settings SET value = $2 WHERE key = $1 RETURNING key"},
    [STMT_AUDIT_INSERT] = {"audit_insert",
                           "INSERT INTO audit_log (seq, at, actor, org_id, action, object,"
                           " result, mac) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"},
    /* One statement, so one snapshot: the head and the rows agree. */
    [STMT_AUDIT_HEAD_MAX] = {"audit_head_max", "SELECT (SELECT value FROM settings WHERE key = $1),"
                                               " (SELECT COALESCE(MAX(seq), 0) FROM audit_log)"},
    /* One organisation's entries, newest first, before seq $7 (keyset
     * paging), filtered: '' is no filter; the period is a range of the
     * time's text ($5 inclusive, $6 exclusive), in byte order. */
    [STMT_AUDIT_PAGE] = {"audit_page",
                         "SELECT seq, at, actor, org_id, action, object, result, mac"
                         " FROM audit_log WHERE org_id = $1 AND ($2 = '' OR actor = $2)"
                         " AND ($3 = '' OR action = $3) AND ($4 = '' OR object = $4)"
                         " AND at COLLATE \"C\" >= $5 AND at COLLATE \"C\" < $6"
                         " AND seq < $7 ORDER BY seq DESC LIMIT $8"},
    /* One organisation's entries about one object (a report's history),
     * newest first (the index of migration 11), with how many there are
     * in all (migration 13; the same snapshot). */
    [STMT_AUDIT_OBJECT] = {"audit_object", "SELECT seq, at, actor, action, result,"
                                           " COALESCE((SELECT entries FROM audit_counts"
                                           " WHERE org_id = $1 AND object = $2), 0)"
                                           " FROM audit_log WHERE org_id = $1 AND object = $2"
                                           " ORDER BY seq DESC LIMIT $3"},
    /* $3 more entries about one object of one organisation. */
    [STMT_AUDIT_COUNT_ADD] = {"audit_count_add",
                              "INSERT INTO audit_counts (org_id, object, entries)"
                              " VALUES ($1, $2, $3) ON CONFLICT (org_id, object)"
                              " DO UPDATE SET entries = audit_counts.entries + excluded.entries"},
    [STMT_AUDIT_RANGE] = {"audit_range",
                          "SELECT seq, at, actor, org_id, action, object, result, mac"
                          " FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3"},
    /* 1 or 0: whether the random id $1 or receipt hash $2 is taken; asked
     * for one row of a screen that found one (reports_screen below), to
     * tell which. EXISTS rather than COUNT(*): the same probes of unique
     * indexes without an aggregate; each EXISTS an uncorrelated InitPlan,
     * so no plan can turn it into a scan. */
    [STMT_REPORT_NEW_CHECK] = {"report_new_check",
                               "SELECT CASE WHEN EXISTS (SELECT 1 FROM reports WHERE id = $1)"
                               " OR EXISTS (SELECT 1 FROM reports WHERE receipt_hash = $2)"
                               " THEN 1 ELSE 0 END"},
    /* 1 when any of STORE_SCREEN_ROWS random ids ($1..$16, 0 for none: no
     * id is 0; ID_TAKEN above) or receipt hashes ($17..$32, NULL for none) is taken,
     * else 0: the intake's batch asks this once per STORE_SCREEN_ROWS rows and
     * report_new_check only for the rows of a screen that found one (in
     * practice never: both are random). One report_new_check per row
     * cost PostgreSQL as much as inserting the row (bench/README.md,
     * "Forms and signals in the report's row"). */
    [STMT_REPORTS_SCREEN] = {"reports_screen", SCREEN_SQL},
    /* Whether organisation $1 exists, and whether it has district $2 (0
     * for NULL): once per organisation and district of a batch. */
    [STMT_REPORT_PLACE_CHECK] = {"report_place_check",
                                 "SELECT CASE WHEN EXISTS (SELECT 1 FROM organisations"
                                 " WHERE id = $1) THEN 1 ELSE 0 END,"
                                 " CASE WHEN EXISTS (SELECT 1 FROM districts"
                                 " WHERE org_id = $1 AND name = $2) THEN 1 ELSE 0 END"},
    /* Like counter_next, by $3 numbers at once; the new value is the last
     * of them. The row stays locked until the transaction ends. */
    [STMT_COUNTER_ADD] = {"counter_add",
                          "INSERT INTO counters (org_id, name, value) VALUES ($1, $2, $3)"
                          " ON CONFLICT (org_id, name) DO UPDATE SET value = counters.value + $3"
                          " RETURNING value"},
    /* Counts one hit of throttle $1 in the window that starts at $2
     * (seconds since the epoch). */
    [STMT_THROTTLE_HIT] = {"throttle_hit", "INSERT INTO throttle_counts (name, window_start, hits)"
                                           " VALUES ($1, $2, 1) ON CONFLICT (name, window_start)"
                                           " DO UPDATE SET hits = throttle_counts.hits + 1"},
    /* The hits of throttle $1 in the windows that start from $2 to $3. */
    [STMT_THROTTLE_PEEK] = {"throttle_peek", "SELECT window_start, hits FROM throttle_counts"
                                             " WHERE name = $1 AND window_start >= $2"
                                             " AND window_start <= $3"},
    [STMT_THROTTLE_PURGE] = {"throttle_purge", "DELETE FROM throttle_counts"
                                               " WHERE name = $1 AND window_start < $2"},
    /* Staff accounts (migration 9). A conditional UPDATE ... RETURNING
     * tells by its row whether it applied: a TOTP step is taken once
     * only, whichever server sees the code first. */
    [STMT_USER_INSERT] =
        {"user_insert",
         "INSERT INTO users (id, org_id, login, roles, af, password_hash, must_change, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"},
    [STMT_USER_ID_EXISTS] = {"user_id_exists", "SELECT 1 FROM users WHERE id = $1"},
    [STMT_USER_LOGIN_EXISTS] = {"user_login_exists", "SELECT 1 FROM users WHERE login = $1"},
    [STMT_USER_BY_LOGIN] =
        {"user_by_login",
         "SELECT id, org_id, login, roles, af, password_hash, must_change, disabled, totp_sealed, totp_enrolled, totp_last_step, failed_count, throttle_until FROM users WHERE login = $1"},
    [STMT_USER_BY_ID] =
        {"user_by_id",
         "SELECT id, org_id, login, roles, af, password_hash, must_change, disabled, totp_sealed, totp_enrolled, totp_last_step, failed_count, throttle_until FROM users WHERE id = $1"},
    [STMT_USER_LIST_ORG] =
        {"user_list_org",
         "SELECT id, org_id, login, roles, af, password_hash, must_change, disabled, totp_sealed, totp_enrolled, totp_last_step, failed_count, throttle_until FROM users WHERE org_id = $1 ORDER BY login COLLATE \"C\""},
    [STMT_USER_LIST_ALL] =
        {"user_list_all",
         "SELECT id, org_id, login, roles, af, password_hash, must_change, disabled, totp_sealed, totp_enrolled, totp_last_step, failed_count, throttle_until FROM users ORDER BY org_id COLLATE \"C\", login COLLATE \"C\""},
    [STMT_USER_SET_PASSWORD] =
        {"user_set_password",
         "UPDATE users SET password_hash = $2, must_change = $3 WHERE id = $1 RETURNING id"},
    [STMT_USER_SET_DISABLED] = {"user_set_disabled",
                                "UPDATE users SET disabled = $2 WHERE id = $1 RETURNING id"},
    [STMT_USER_SET_ROLES] = {"user_set_roles",
                             "UPDATE users SET roles = $2, af = $3 WHERE id = $1 RETURNING id"},
    [STMT_USER_SET_FAILED] =
        {"user_set_failed",
         "UPDATE users SET failed_count = $2, throttle_until = $3 WHERE id = $1 RETURNING id"},
    [STMT_USER_SET_TOTP] =
        {"user_set_totp",
         "UPDATE users SET totp_sealed = $2, totp_enrolled = $3, totp_last_step = $4 WHERE id = $1 RETURNING id"},
    [STMT_USER_TOTP_STEP] =
        {"user_totp_step",
         "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2 RETURNING id"},
    [STMT_RECOVERY_DELETE_ALL] = {"recovery_delete_all",
                                  "DELETE FROM recovery_codes WHERE user_id = $1"},
    [STMT_RECOVERY_INSERT] = {"recovery_insert",
                              "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)"},
    [STMT_RECOVERY_USE] =
        {"recovery_use",
         "DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2 RETURNING user_id"},
    [STMT_RECOVERY_COUNT] = {"recovery_count",
                             "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1"},
    [STMT_SESSION_INSERT] =
        {"session_insert",
         "INSERT INTO sessions (id_hash, user_id, stage, created, last_seen) VALUES ($1, $2, $3, $4, $5)"},
    [STMT_SESSION_GET] =
        {"session_get",
         "SELECT user_id, stage, created, last_seen FROM sessions WHERE id_hash = $1"},
    /* A request's session with its user, in one look (accounts_session). */
    [STMT_SESSION_USER_GET] =
        {"session_user_get",
         "SELECT s.user_id, s.stage, s.created, s.last_seen, u.id, u.org_id, u.login, u.roles, u.af, u.password_hash, u.must_change, u.disabled, u.totp_sealed, u.totp_enrolled, u.totp_last_step, u.failed_count, u.throttle_until"
         " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1"},
    [STMT_SESSION_TOUCH] = {"session_touch",
                            "UPDATE sessions SET last_seen = $2 WHERE id_hash = $1"},
    [STMT_SESSION_SET_STAGE] =
        {"session_set_stage",
         "UPDATE sessions SET stage = $2 WHERE id_hash = $1 RETURNING user_id"},
    [STMT_SESSION_DELETE] = {"session_delete", "DELETE FROM sessions WHERE id_hash = $1"},
    [STMT_SESSION_DELETE_USER] = {"session_delete_user", "DELETE FROM sessions WHERE user_id = $1"},
    [STMT_SESSION_DELETE_OTHERS] = {"session_delete_others",
                                    "DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2"},
    [STMT_SESSION_LIST] =
        {"session_list",
         "SELECT id_hash, stage, created, last_seen FROM sessions WHERE user_id = $1 ORDER BY created DESC, id_hash"},
    [STMT_SESSION_DELETE_EXPIRED] =
        {"session_delete_expired",
         "DELETE FROM sessions WHERE user_id = $1 AND (last_seen < $2 OR created < $3)"},
    [STMT_TOKEN_INSERT] =
        {"token_insert",
         "INSERT INTO api_tokens (id, user_id, token_hash, created, expires) VALUES ($1, $2, $3, $4, $5)"},
    [STMT_TOKEN_ID_EXISTS] = {"token_id_exists",
                              "SELECT 1 FROM api_tokens WHERE id = $1 OR token_hash = $2"},
    /* A request's API token with its user, in one look (accounts_token). */
    [STMT_TOKEN_USER_BY_HASH] =
        {"token_user_by_hash",
         "SELECT t.id, t.user_id, t.created, t.expires, t.revoked, u.id, u.org_id, u.login, u.roles, u.af, u.password_hash, u.must_change, u.disabled, u.totp_sealed, u.totp_enrolled, u.totp_last_step, u.failed_count, u.throttle_until"
         " FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1"},
    [STMT_TOKEN_LIST_ALL] =
        {"token_list_all",
         "SELECT t.id, u.login, t.created, t.expires, t.revoked, u.disabled FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY u.login COLLATE \"C\", t.created, t.id"},
    [STMT_TOKEN_LIST_USER] =
        {"token_list_user",
         "SELECT t.id, u.login, t.created, t.expires, t.revoked, u.disabled FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.user_id = $1 ORDER BY t.created, t.id"},
    [STMT_TOKEN_LIST_ORG] =
        {"token_list_org",
         "SELECT t.id, u.login, t.created, t.expires, t.revoked, u.disabled FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.org_id = $1 ORDER BY u.login COLLATE \"C\", t.created, t.id"},
    [STMT_TOKEN_REVOKE] = {"token_revoke",
                           "UPDATE api_tokens SET revoked = 1 WHERE id = $1 RETURNING user_id"},
    /* An admin revokes only a token of their own organisation's users. */
    [STMT_TOKEN_REVOKE_ORG] =
        {"token_revoke_org",
         "UPDATE api_tokens SET revoked = 1 WHERE id = $1 AND user_id IN (SELECT id FROM users WHERE org_id = $2) RETURNING user_id"},
    /* Drafts of the report form (migration 10; store/drafts.c). Times are
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
    [STMT_MESSAGE_LIST_ORG] = {"message_list_org",
                               "SELECT m.id, m.seq, m.author, m.created_at, m.sealed"
                               " FROM report_messages m JOIN reports r ON r.id = m.report_id"
                               " WHERE m.report_id = $1 AND r.org_id = $2 ORDER BY m.seq"},
    [STMT_AUDIT_LAST] = {"audit_last", "SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1"},
};

const char *const stmt_registry_pg[STMT__COUNT] = {
    [STMT_MIGRATION_LOCK] = "SELECT pg_advisory_xact_lock(7161720520)",
};

/* The inbox page: its generic plan walks reports_org_inbox backwards and
 * stops at the LIMIT like the custom one (the CASE filters above), but in
 * auto mode PostgreSQL kept planning every page (0.2-0.7 ms each), since
 * the generic plan's estimate (a LIMIT it cannot see) looks dearer. */
const bool stmt_pg_generic[STMT__COUNT] = {
    [STMT_INBOX_PAGE] = true,
};
