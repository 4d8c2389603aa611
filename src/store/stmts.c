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
};
