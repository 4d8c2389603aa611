/* audit_hook: see audit_hook.h. Turns the accounts code's entries into
 * entries of the audit log (audit/audit.h) in the same transaction: the
 * accounts code names the log's action itself; a login becomes the actor
 * "user:LOGIN", the CLI's "os:NAME" becomes "cli:NAME", and a name that
 * is no account ("-") becomes "system" with no object (the name typed is
 * never written: it may be a password typed in the wrong field). */
#include "domain/audit_hook.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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

int audit_hook(struct store_tx *tx, const struct audit_hook_entry *e)
{
	if (!hook_started)
		return -EIO; /* never a change without its entry */
	if ((unsigned)e->action >= AUDIT__COUNT || (unsigned)e->result >= AUDIT__RESULTS)
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
	                        .action = e->action,
	                        .object = object,
	                        .result = e->result};
	return audit_append(tx, &hook_key, &a);
}
