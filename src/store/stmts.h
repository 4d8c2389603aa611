/* stmts: the registry of every SQL statement the store runs.
 *
 * Owns: the statement ids and their constant text (stmts.c). Text is never
 * formatted at run time; values are always bound. Parameters are written
 * $1..$n, which both SQLite (as named parameters) and PostgreSQL accept;
 * backends bind $k by name, so their order in the text does not matter.
 * Only portable SQL: no backend-specific types or functions. */
#ifndef SIGNAAL_STORE_STMTS_H
#define SIGNAAL_STORE_STMTS_H

enum stmt_id {
	STMT_PING,
	STMT_MIGRATION_VERSION,
	STMT_MIGRATION_RECORD,
	STMT_ORG_INSERT,
	STMT_ORG_GET,
	STMT_ORG_EXISTS,
	STMT_ORG_LIST,
	STMT_DISTRICT_INSERT,
	STMT_DISTRICT_LIST,
	STMT_DISTRICT_NEXT,
	STMT_DISTRICT_DELETE,
	STMT_SETTING_GET,
	STMT_SETTING_SET,
	/* Savepoints: one row of a batch fails without failing the others. */
	STMT_SAVEPOINT,
	STMT_SAVEPOINT_RELEASE,
	STMT_SAVEPOINT_ROLLBACK,
	STMT_DISTRICT_EXISTS,
	STMT_REPORT_INSERT_WEB,
	STMT_REPORT_INSERT_IMPORTED,
	STMT_REPORT_FORM_INSERT,
	STMT_REPORT_SIGNAL_INSERT,
	STMT_REPORT_REF_MAX,
	STMT_REPORT_REF_EXISTS,
	STMT_REPORT_ID_EXISTS,
	STMT_REPORT_BY_RECEIPT,
	STMT_REPORT_STATUS,
	STMT_REPORT_EXPORT,
	STMT_MESSAGE_NEXT,
	STMT_MESSAGE_ID_EXISTS,
	STMT_MESSAGE_INSERT,
	STMT_MESSAGE_LIST,
	STMT_REPORT_SEALED_SAMPLE,
	STMT__COUNT
};

struct stmt_def {
	const char *name; /* for logs */
	const char *sql;
};

/* Indexed by enum stmt_id; every entry is set (checked by the tests). */
extern const struct stmt_def stmt_registry[STMT__COUNT];

#endif
