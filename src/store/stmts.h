/* stmts: the registry of every SQL statement the store runs.
 *
 * Owns: the statement ids and their constant text (stmts.c). Text is never
 * formatted at run time; values are always bound. Parameters are written
 * $1..$n, which both SQLite (as named parameters) and PostgreSQL accept;
 * backends bind $k by name, so their order in the text does not matter.
 * Only portable SQL: no backend-specific types or functions; where the
 * dialects really differ (a lock only PostgreSQL needs), an entry has a
 * second text for PostgreSQL and the SQLite text stays the default.
 * Text that is compared for order (ORDER BY, MAX, ranges) says COLLATE
 * "C": byte order, the same on both backends whatever locale a
 * PostgreSQL database was created with (the SQLite backend registers "C"
 * as byte order). */
#ifndef SIGNAAL_STORE_STMTS_H
#define SIGNAAL_STORE_STMTS_H

enum stmt_id {
	STMT_PING,
	STMT_MIGRATION_VERSION,
	STMT_MIGRATION_RECORD,
	/* Held until the migrating transaction ends, so that two servers
	 * starting together apply each migration once. */
	STMT_MIGRATION_LOCK,
	STMT_ORG_INSERT,
	STMT_ORG_GET,
	STMT_ORG_EXISTS,
	STMT_ORG_LIST,
	STMT_DISTRICT_INSERT,
	STMT_DISTRICT_LIST,
	STMT_DISTRICT_COUNT,
	/* Counters: the next number of a named sequence of an organisation
	 * (district positions, references per prefix), inside the
	 * transaction, never MAX() + 1. */
	STMT_COUNTER_NEXT,
	STMT_COUNTER_RAISE,
	STMT_DISTRICT_DELETE,
	STMT_SETTING_GET,
	STMT_SETTING_SET,
	STMT_REPORTS_ANY,
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
	STMT_REPORT_RECEIPT_EXISTS,
	STMT_REPORT_BY_RECEIPT,
	STMT_REPORT_STATUS,
	STMT_REPORT_EXPORT,
	STMT_MESSAGE_SEQ_NEXT,
	STMT_MESSAGE_ID_EXISTS,
	STMT_MESSAGE_INSERT,
	STMT_MESSAGE_LIST,
	STMT_REPORT_SEALED_SAMPLE,
	STMT_DRAFT_GET,
	STMT_DRAFT_PUT,
	STMT_DRAFT_TAKE,
	STMT_DRAFT_SENT,
	STMT_DRAFT_DELETE,
	STMT_DRAFT_PURGE,
	STMT_DRAFT_CLAIM,
	STMT__COUNT
};

struct stmt_def {
	const char *name; /* for logs */
	const char *sql;
};

/* Indexed by enum stmt_id; every entry is set (checked by the tests). */
extern const struct stmt_def stmt_registry[STMT__COUNT];
/* PostgreSQL's text of the few statements whose dialects differ; NULL
 * elsewhere (then stmt_registry's text serves both). */
extern const char *const stmt_registry_pg[STMT__COUNT];

#endif
