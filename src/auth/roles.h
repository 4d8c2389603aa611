/* roles: the staff roles (contract.md: intake, handler, care, analyst,
 * admin) as a bit set, their names, and the parsing of "--role a,b".
 *
 * Owns the meaning of the bits the store keeps in users.roles and the
 * route policies name (pages/policy.c). */
#ifndef SIGNAAL_AUTH_ROLES_H
#define SIGNAAL_AUTH_ROLES_H

#include <stdbool.h>
#include <stddef.h>

enum role {
	ROLE_INTAKE = 1u << 0,  /* enters reports, reads the inbox and reports */
	ROLE_HANDLER = 1u << 1, /* reads and handles reports */
	ROLE_CARE = 1u << 2,    /* only reports referred to care */
	ROLE_ANALYST = 1u << 3, /* figures only */
	ROLE_ADMIN = 1u << 4,   /* accounts, tokens, settings, the audit log */
};
#define ROLE_ALL   0x1fu
#define ROLE_STAFF ROLE_ALL
/* Bytes of every role name joined by ','. */
#define ROLES_TEXT_MAX 48u

/* The name of one role bit, or NULL. */
const char *role_name(unsigned bit);
/* Parses "handler,admin" (names, ',' between, no repeats, at least one)
 * into a bit set: 0 or -EINVAL. */
int roles_parse(const char *text, unsigned *out);
/* The set's names joined by ',' in the order above ("" for none). */
void roles_format(unsigned roles, char out[ROLES_TEXT_MAX]);

#endif
