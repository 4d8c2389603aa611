/* audit_hook: where the accounts code writes what the audit log must
 * hold (logins, failed logins, logouts, enrolment and reset of a second
 * factor, password changes, account and role changes, tokens made and
 * revoked), inside the same transaction as the change.
 *
 * audit_hook() writes them to the audit log (src/audit/) with the key
 * audit_hook_start() derived; before that it refuses (-EIO), so that no
 * change is made without its entry. Entries never hold a password, a
 * code, a token or a session id. */
#ifndef SIGNAAL_DOMAIN_AUDIT_HOOK_H
#define SIGNAAL_DOMAIN_AUDIT_HOOK_H

#include "audit/audit.h"

struct store_tx;

struct audit_hook_entry {
	const char *actor; /* a login, "os:USER" for the CLI, "-" for no account */
	const char *org;   /* the organisation, or NULL */
	enum audit_action action;
	const char *object; /* "user:LOGIN", "token:ID", or NULL */
	enum audit_result result;
};

/* Derives the audit log's key from the key file's master key; called by
 * accounts_init(), before any thread uses the accounts. 0 or -EIO. */
int audit_hook_start(const unsigned char master[32]);

/* Appends e in tx. 0, or negative errno (the transaction then fails;
 * -EINVAL for an action or result that is none). */
int audit_hook(struct store_tx *tx, const struct audit_hook_entry *e);

#endif
