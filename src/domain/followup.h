/* followup: following a report up with its receipt, the one flow behind
 * the form /volgen and POST /api/v1/follow.
 *
 * The steps, in this order, each ending in its own result so that every
 * channel says it in its own words:
 *  1. the receipt: given (FOLLOWUP_NO_RECEIPT) and readable text
 *     (FOLLOWUP_UNREADABLE);
 *  2. the message to add, when there is one, by the rules of
 *     report_message_check(); its problem is said after the lookup (step
 *     4), so that a form can show it beside the conversation, and a wrong
 *     receipt is said first;
 *  3. the guard of wrong receipts, asked for every receipt before any
 *     lookup (FOLLOWUP_WAIT): while it says wait, nothing is looked up;
 *  4. the lookup: FOLLOWUP_NOT_FOUND for an unknown or malformed receipt
 *     (the same result, so an answer tells nothing but "not this one");
 *     only a well-formed receipt that was looked up counts as a wrong try;
 *  5. adding the message: FOLLOWUP_BAD_MESSAGE, FOLLOWUP_CLOSED,
 *     FOLLOWUP_BUSY or FOLLOWUP_NOT_STORED, else the conversation is read
 *     again with the new message in it.
 * A busy database (another process holds the write transaction longer
 * than the store waits and retries) is FOLLOWUP_BUSY, "try again", never
 * a fault: nothing was stored and the caller keeps everything typed.
 *
 * The guard itself (per source, in memory) belongs to the HTTP layer and
 * is passed in as callbacks: this module knows no HTTP and no address.
 *
 * Owns: the order of the steps and their results; nothing it returns
 * holds an address. */
#ifndef SIGNAAL_DOMAIN_FOLLOWUP_H
#define SIGNAAL_DOMAIN_FOLLOWUP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "domain/intake.h"

enum {
	FOLLOWUP_NO_RECEIPT = 1,  /* no receipt given */
	FOLLOWUP_UNREADABLE = 2,  /* the receipt is no readable text */
	FOLLOWUP_WAIT = 3,        /* too many wrong receipts from this source: wait */
	FOLLOWUP_NOT_FOUND = 4,   /* no report has that receipt (or it is malformed) */
	FOLLOWUP_BAD_MESSAGE = 5, /* the message breaks a rule: problem says which */
	FOLLOWUP_CLOSED = 6,      /* the report is closed: no more messages */
	FOLLOWUP_BUSY = 7,        /* busy (the database or the queue): try again */
	FOLLOWUP_NOT_STORED = 8,  /* storing the message failed: cause says why */
};

/* The throttle of wrong receipts, for one source. Either function may be
 * NULL (no throttle). */
struct followup_guard {
	/* Seconds the source must wait before a receipt of theirs is looked
	 * up; 0 when it need not. */
	unsigned (*wait)(void *ctx);
	/* A well-formed receipt of the source was looked up and is no
	 * report's. */
	void (*wrong)(void *ctx);
	void *ctx;
};

struct followup_input {
	/* The organisation whose site asks: another's report is
	 * FOLLOWUP_NOT_FOUND. NULL: any. */
	const char *org;
	const char *receipt; /* as typed (any spelling, see receipt_normalise) */
	const char *message; /* to add; NULL to only look up */
	size_t message_len;  /* bytes of message */
};

struct followup {
	/* The receipt in canonical form when it is well-formed, else "". */
	char receipt[RECEIPT_TEXT_LEN + 1];
	/* The report when it was found, as intake_follow() gives it:
	 * {"status", "kind", "messages"}; after adding, with the new message.
	 * Owned by this struct: followup_free(). */
	json_t *report;
	bool added;          /* the message was stored */
	unsigned wait;       /* FOLLOWUP_WAIT: seconds */
	const char *problem; /* FOLLOWUP_BAD_MESSAGE: Dutch msgid */
	int cause;           /* FOLLOWUP_NOT_STORED: negative errno (-ENOSPC, ...) */
};

/* Runs the flow above for q. in may be NULL (the intake did not start):
 * -ENODEV once the receipt passed the guard. Returns 0 (found; message
 * added when one was given), a FOLLOWUP_* result, or -errno (a fault in
 * looking up: -EIO, -ENOMEM). out->report is filled whenever the report
 * was found, also with FOLLOWUP_BAD_MESSAGE, _CLOSED, _BUSY and
 * _NOT_STORED; free out with followup_free() in every case. */
int followup_run(struct intake *in, const struct followup_guard *guard,
                 const struct followup_input *q, struct followup *out);

/* Releases what out holds and wipes its receipt. Accepts NULL. */
void followup_free(struct followup *out);

#endif
