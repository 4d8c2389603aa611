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

#include <stdbool.h>

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
	STMT_DISTRICT_EXISTS,
	STMT_REPORT_INSERT_WEB,
	STMT_REPORT_INSERT_WEB_ROWS,
	STMT_REPORT_INSERT_IMPORTED,
	STMT_REPORT_REF_MAX,
	STMT_REPORT_REF_EXISTS,
	STMT_REPORT_ID_EXISTS,
	STMT_REPORT_RECEIPT_EXISTS,
	STMT_REPORT_BY_RECEIPT,
	STMT_REPORT_STATUS,
	STMT_REPORT_EXPORT,
	/* A page of the inbox (store/inbox.c). */
	STMT_INBOX_PAGE,
	/* One report of an organisation, its forms and signals (inbox.c). */
	STMT_REPORT_GET,
	STMT_ORG_REPORTS_ANY,
	/* Staff's changes to a report (handling.c). */
	STMT_REPORT_SET_STATE,
	STMT_MESSAGE_SEQ_NEXT,
	STMT_MESSAGE_ID_EXISTS,
	STMT_MESSAGE_INSERT,
	STMT_MESSAGE_LIST,
	STMT_REPORT_SEALED_SAMPLE,
	/* The audit log (store/audit.c). */
	STMT_AUDIT_HEAD_LOCK,
	STMT_AUDIT_HEAD_SET,
	STMT_AUDIT_INSERT,
	STMT_AUDIT_HEAD_MAX,
	STMT_AUDIT_RANGE,
	STMT_AUDIT_PAGE,
	STMT_AUDIT_OBJECT,
	/* The intake's batch: what would refuse a new report, in one look. */
	STMT_REPORT_NEW_CHECK,
	STMT_REPORTS_SCREEN,
	STMT_REPORT_PLACE_CHECK,
	/* A counter raised by $3 at once (a batch's references). */
	STMT_COUNTER_ADD,
	/* Throttles shared by every server (migration 8): counts per window. */
	STMT_THROTTLE_HIT,
	STMT_THROTTLE_PEEK,
	STMT_THROTTLE_PURGE,
	/* Staff accounts, sessions, tokens (store/users.c, migration 9). */
	STMT_USER_INSERT,
	STMT_USER_ID_EXISTS,
	STMT_USER_LOGIN_EXISTS,
	STMT_USER_BY_LOGIN,
	STMT_USER_BY_ID,
	STMT_USER_LIST_ORG,
	STMT_USER_LIST_ALL,
	STMT_USER_SET_PASSWORD,
	STMT_USER_SET_DISABLED,
	STMT_USER_SET_ROLES,
	STMT_USER_SET_FAILED,
	STMT_USER_SET_TOTP,
	STMT_USER_TOTP_STEP,
	STMT_RECOVERY_DELETE_ALL,
	STMT_RECOVERY_INSERT,
	STMT_RECOVERY_USE,
	STMT_RECOVERY_COUNT,
	STMT_SESSION_INSERT,
	STMT_SESSION_GET,
	STMT_SESSION_USER_GET,
	STMT_SESSION_TOUCH,
	STMT_SESSION_SET_STAGE,
	STMT_SESSION_DELETE,
	STMT_SESSION_DELETE_USER,
	STMT_SESSION_DELETE_OTHERS,
	STMT_SESSION_LIST,
	STMT_SESSION_DELETE_EXPIRED,
	STMT_TOKEN_INSERT,
	STMT_TOKEN_ID_EXISTS,
	STMT_TOKEN_USER_BY_HASH,
	STMT_TOKEN_LIST_ALL,
	STMT_TOKEN_LIST_USER,
	STMT_TOKEN_LIST_ORG,
	STMT_TOKEN_REVOKE,
	STMT_TOKEN_REVOKE_ORG,
	STMT_DRAFT_GET,
	STMT_DRAFT_PUT,
	STMT_DRAFT_TAKE,
	STMT_DRAFT_SENT,
	STMT_DRAFT_DELETE,
	STMT_DRAFT_PURGE,
	STMT_DRAFT_CLAIM,
	/* A report's messages, only when it is one of organisation $2's
	 * (store_report_read reads them before it knows). */
	STMT_MESSAGE_LIST_ORG,
	/* The audit log's last entry (seq, mac): none when it is empty. */
	STMT_AUDIT_LAST,
	/* Raises the number of entries about an object (migration 13). */
	STMT_AUDIT_COUNT_ADD,
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
/* Statements PostgreSQL runs with its generic plan (plan_cache_mode =
 * force_generic_plan while they execute; the others keep the default,
 * auto): those whose generic plan was checked to be as good as the custom
 * ones (bench/staff/run prints both), where planning every execution
 * anew would only cost time. false elsewhere; SQLite plans once per
 * prepared statement anyway. */
extern const bool stmt_pg_generic[STMT__COUNT];

#endif
