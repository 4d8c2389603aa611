/* followup: the one flow of following a report up. See followup.h. */
#include "domain/followup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain/report.h"
#include "util/i18n.h"
#include "util/str.h"

/* A database that stays busy (store_txn() gave up after its retries: the
 * write transaction is another process's) and a full queue are worth
 * trying again in a moment; nothing was stored. */
static bool is_busy(int rc)
{
	return rc == -EBUSY || rc == -EAGAIN || rc == INTAKE_BUSY;
}

/* A lookup that failed: busy, or a fault. */
static int lookup_failed(int rc)
{
	if (is_busy(rc))
		return FOLLOWUP_BUSY;
	return rc < 0 ? rc : -EIO;
}

int followup_run(struct intake *in, const struct followup_guard *guard,
                 const struct followup_input *q, struct followup *out)
{
	memset(out, 0, sizeof *out);
	const char *typed = q->receipt;
	if (!typed || !typed[0])
		return FOLLOWUP_NO_RECEIPT;
	/* Bytes that are not text cannot be a receipt: said as it is, and
	 * nothing is looked up. */
	if (!str_text_valid(typed, strlen(typed), false))
		return FOLLOWUP_UNREADABLE;

	char *msg = NULL;
	const char *problem = NULL;
	if (q->message) {
		problem = report_message_check(q->message, q->message_len, &msg);
		if (!problem && !msg)
			return -ENOMEM;
	}
	bool wellformed = receipt_normalise(typed, out->receipt);
	if (!wellformed)
		out->receipt[0] = '\0';

	int rc;
	/* Asked for every receipt, right or wrong, before the lookup. */
	unsigned wait = guard && guard->wait ? guard->wait(guard->ctx) : 0;
	if (wait) {
		out->wait = wait;
		rc = FOLLOWUP_WAIT;
		goto out;
	}
	if (!in) {
		rc = -ENODEV;
		goto out;
	}
	/* A malformed receipt is not looked up: it costs no try. */
	if (!wellformed) {
		rc = FOLLOWUP_NOT_FOUND;
		goto out;
	}
	rc = intake_follow_org(in, q->org, out->receipt, &out->report);
	if (rc == INTAKE_NOT_FOUND) {
		if (guard && guard->wrong)
			guard->wrong(guard->ctx);
		rc = FOLLOWUP_NOT_FOUND;
		goto out;
	}
	if (rc) {
		rc = lookup_failed(rc);
		goto out;
	}
	if (!q->message)
		goto out;
	if (problem) {
		out->problem = problem;
		rc = FOLLOWUP_BAD_MESSAGE;
		goto out;
	}
	/* intake_add_message() checks "closed" again inside its transaction:
	 * a handler may close the report in between. */
	if (str_eq(json_string_value(json_object_get(out->report, "status")), "closed")) {
		rc = FOLLOWUP_CLOSED;
		goto out;
	}
	rc = intake_add_message_org(in, q->org, out->receipt, msg);
	if (rc == INTAKE_CLOSED) {
		rc = FOLLOWUP_CLOSED;
	} else if (rc == INTAKE_NOT_FOUND) {
		/* Gone between the lookup and the insert. */
		json_decref(out->report);
		out->report = NULL;
		rc = FOLLOWUP_NOT_FOUND;
	} else if (rc == INTAKE_INVALID) {
		/* report_message_check() passed, so this cannot happen; said as
		 * a problem of the text rather than as a fault. */
		out->problem =
		    _("In je tekst staan tekens die we niet kunnen lezen. Haal ze weg en "
		      "probeer het opnieuw.");
		rc = FOLLOWUP_BAD_MESSAGE;
	} else if (is_busy(rc)) {
		rc = FOLLOWUP_BUSY;
	} else if (rc < 0) {
		/* Not stored (a full disk, a read-only directory, ...); the
		 * intake's log and /healthz tell the operator why. */
		out->cause = rc;
		rc = FOLLOWUP_NOT_STORED;
	} else if (rc > 0) {
		rc = -EIO;
	} else {
		out->added = true;
		/* The conversation with the new message. Stored is stored: when
		 * reading it again fails, the earlier conversation is shown. */
		json_t *again = NULL;
		if (intake_follow_org(in, q->org, out->receipt, &again) == 0) {
			json_decref(out->report);
			out->report = again;
		} else {
			json_decref(again);
		}
	}
out:
	if (msg) {
		sodium_memzero(msg, strlen(msg));
		free(msg);
	}
	return rc;
}

void followup_free(struct followup *out)
{
	if (!out)
		return;
	json_decref(out->report);
	out->report = NULL;
	sodium_memzero(out->receipt, sizeof out->receipt);
}
