/* cli: the commands of the binary besides serve and init, which main.c
 * dispatches to after parsing the options and loading the configuration.
 *
 * Owns: `import reports` and `export reports` (transfer.c), `backup` and
 * `restore` (backup.c): argument
 * checks, opening the data directory, reading and writing the files, and
 * the messages on stderr (contract.md, "The binary": FILE:LINE, the column
 * and the value). Exit status: CLI_EXIT_* below. */
#ifndef SIGNAAL_CLI_CLI_H
#define SIGNAAL_CLI_CLI_H

#include <stdbool.h>

#include "app/config.h"

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
	bool force;       /* restore --force */
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
 * the audit log exists. */
int cli_export(const struct cli_args *a, const struct config *cfg);

/* `signaal backup FILE`: a consistent copy of the store while servers
 * run; FILE must not exist (mode 0600). */
int cli_backup(const struct cli_args *a, const struct config *cfg);
/* `signaal restore FILE [--force]`: see backup.c for what it refuses. */
int cli_restore(const struct cli_args *a, const struct config *cfg);

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
