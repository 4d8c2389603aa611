/* cli: the commands of the binary besides serve and init, which main.c
 * dispatches to after parsing the options and loading the configuration.
 *
 * Owns: `import reports` and `export reports` (transfer.c), `backup` and
 * `restore` (backup.c), `audit verify` and `audit list` (audit.c), and
 * the audit entries these commands (and init, org add) write, init's
 * `--demo` (demo.c): argument
 * checks, opening the data directory, reading and writing the files, and
 * the messages on stderr (contract.md, "The binary": FILE:LINE, the column
 * and the value). Exit status: CLI_EXIT_* below. */
#ifndef SIGNAAL_CLI_CLI_H
#define SIGNAAL_CLI_CLI_H

#include <stdbool.h>

#include "app/config.h"
#include "audit/audit.h"

enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_USER = 1,  /* a user error: the message names file, line, field */
	CLI_EXIT_USAGE = 2, /* bad usage */
};

/* The options main.c parsed; strings borrowed from argv, NULL when not
 * given. rest holds the words after the command. */
struct cli_args {
	const char *data_dir;
	const char *org;
	const char *year;
	const char *format;
	bool personal;
	int nrest;
	char **rest;
	bool force; /* restore --force */
	/* audit list filters */
	const char *since;
	const char *actor;
	const char *action;
	const char *role; /* user add --role */
	bool af;          /* user add --af */
	const char *days; /* token create --days */
};

/* `signaal import reports --org ID FILE.csv`: all rows or none. Prints
 * "imported N reports for ORG" on success. */
int cli_import(const struct cli_args *a, const struct config *cfg);
/* `signaal export reports --org ID [--year Y] [--format csv|json|excel]`
 * on standard output. excel is csv as Excel with a Dutch locale opens it
 * (';', a UTF-8 byte order mark). --personal is refused (exit 2) until
 * the export has personal fields. The export's audit entry is written
 * before its first row. */
int cli_export(const struct cli_args *a, const struct config *cfg);

/* `signaal backup FILE`: a consistent copy of the store while servers
 * run; FILE must not exist (mode 0600). */
int cli_backup(const struct cli_args *a, const struct config *cfg);
/* `signaal restore FILE [--force]`: see backup.c for what it refuses. */
int cli_restore(const struct cli_args *a, const struct config *cfg);

/* `signaal init --demo`: after init, the example reports of app/demo.h
 * for org, unless it has reports already (then it says so, exit 0). */
struct content;
int cli_demo(const char *data_dir, const struct config *cfg, const struct content *content,
             const char *org);

/* `signaal audit verify`: checks the whole chain; exit 1 naming the first
 * bad entry. `signaal audit list [--since DATE] [--actor LOGIN] [--action
 * A]`: the entries, oldest first. */
int cli_audit(const struct cli_args *a, const struct config *cfg);

/* The actor of this process's audit entries: "cli:" and the OS user's
 * name (or "cli:uid-N" when the name is no plain identifier). */
void cli_audit_actor(char out[AUDIT_ACTOR_MAX_LEN + 1]);
/* Loads DIR/signaal.key and derives the audit key; 0 or CLI_EXIT_USER
 * with the reason on stderr. Wipe key with audit_key_wipe(). */
int cli_audit_key(const char *data_dir, struct audit_key *key);
/* Says on stderr why an audit append failed (rc from audit_append*);
 * nothing for 0. */
void cli_audit_say(int rc);
/* Appends one entry in a transaction of its own, actor the OS user: 0 or
 * CLI_EXIT_USER with the reason on stderr. */
int cli_audit_record(struct store *s, const char *data_dir, enum audit_action action,
                     const char *org, const char *object, enum audit_result result);
/* `signaal user add|list|disable|enable|reset-2fa` (users.c). */
int cli_user(const struct cli_args *a, const struct config *cfg);
/* `signaal token create|list|revoke` (users.c). */
int cli_token(const struct cli_args *a, const struct config *cfg);
/* The staff login `init --demo` makes for org: admin and handler, a
 * one-time password printed once with the login URL; nothing when it
 * exists already. */
#define CLI_DEMO_LOGIN "beheer"
int cli_demo_login(const char *data_dir, const struct config *cfg, const char *org);

#endif
