/* audit_hook: see audit_hook.h. Turns the accounts code's entries into
 * entries of the audit log (audit/audit.h) in the same transaction: its
 * action names become the log's action codes, a login becomes the actor
 * "user:LOGIN", the CLI's "os:NAME" becomes "cli:NAME", and a name that
 * is no account ("-") becomes "system" with no object (the name typed is
 * never written: it may be a password typed in the wrong field). */
#include "domain/audit_hook.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"

/* The key of the chain, derived once at start (audit_hook_start) before
 * any thread appends; read-only afterwards. */
static struct audit_key hook_key;
static bool hook_started;

int audit_hook_start(const unsigned char master[32])
{
	int rc = audit_key_derive(master, &hook_key);
	hook_started = rc == 0;
	return rc;
}

static const struct {
	const char *name;
	enum audit_action ok, refused;
} actions[] = {
    {"login", AUDIT_LOGIN, AUDIT_LOGIN_FAILED},
    {"login.password", AUDIT_LOGIN, AUDIT_LOGIN_FAILED},
    {"login.recovery", AUDIT_LOGIN, AUDIT_LOGIN_FAILED},
    {"login.failed", AUDIT_LOGIN_FAILED, AUDIT_LOGIN_FAILED},
    {"logout", AUDIT_LOGOUT, AUDIT_LOGOUT},
    {"logout.everywhere", AUDIT_LOGOUT, AUDIT_LOGOUT},
    {"password.change", AUDIT_PASSWORD_CHANGE, AUDIT_PASSWORD_CHANGE},
    {"recovery.new", AUDIT_RECOVERY_NEW, AUDIT_RECOVERY_NEW},
    {"totp.enrol", AUDIT_2FA_ENROL, AUDIT_2FA_ENROL},
    {"totp.reset", AUDIT_2FA_RESET, AUDIT_2FA_RESET},
    {"token.create", AUDIT_TOKEN_CREATE, AUDIT_TOKEN_CREATE},
    {"token.revoke", AUDIT_TOKEN_REVOKE, AUDIT_TOKEN_REVOKE},
    {"user.add", AUDIT_USER_ADD, AUDIT_USER_ADD},
    {"user.disable", AUDIT_USER_DISABLE, AUDIT_USER_DISABLE},
    {"user.enable", AUDIT_USER_ENABLE, AUDIT_USER_ENABLE},
    {"user.roles", AUDIT_USER_ROLES, AUDIT_USER_ROLES},
};

int audit_hook(struct store_tx *tx, const struct audit_hook_entry *e)
{
	if (!hook_started)
		return -EIO; /* never a change without its entry */
	bool refused = e->result && strcmp(e->result, "ok") != 0;
	int k = -1;
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(actions[i].name, e->action) == 0)
			k = (int)i;
	if (k < 0)
		return -EINVAL;
	char actor[AUDIT_ACTOR_MAX_LEN + 1];
	const char *object = e->object;
	int rc = 0;
	if (!e->actor || strcmp(e->actor, "-") == 0) {
		snprintf(actor, sizeof actor, "%s", AUDIT_ACTOR_SYSTEM);
		object = NULL;
	} else if (strncmp(e->actor, "os:", 3) == 0) {
		rc = audit_actor_cli(actor, e->actor + 3);
	} else {
		rc = audit_actor_user(actor, e->actor);
	}
	if (rc)
		return rc;
	struct audit_entry a = {.actor = actor,
	                        .org = e->org,
	                        .action = refused ? actions[k].refused : actions[k].ok,
	                        .object = object,
	                        .result = refused ? AUDIT_DENIED : AUDIT_OK};
	return audit_append(tx, &hook_key, &a);
}
