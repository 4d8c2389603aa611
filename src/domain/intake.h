/* intake: the durable write path of reports, and following them up with a
 * receipt.
 *
 * One writer thread takes queued reports and commits them together in one
 * transaction (group commit, synchronous=FULL); each submitter is answered
 * only after the commit that holds its report. Several writers relying on
 * busy_timeout starve each other (bench/intake shows why), so nothing else
 * writes reports.
 *
 * Personal data (description, place, when, contact, people, messages) is
 * sealed with XChaCha20-Poly1305 under a data key derived from the key
 * file, with the report's random 63-bit id as associated data, before it is
 * queued. The receipt is only kept as a keyed BLAKE2b hash.
 *
 * Owns: the writer thread and its queue; struct intake. */
#ifndef SIGNAAL_DOMAIN_INTAKE_H
#define SIGNAAL_DOMAIN_INTAKE_H

#include <jansson.h>
#include <stdint.h>

#include "domain/report.h"

struct store;
struct content;
struct intake;

enum {
	INTAKE_NOT_FOUND = 1, /* no report has that receipt */
	INTAKE_INVALID = 2,   /* input breaks a rule (run report_check first) */
	INTAKE_CLOSED = 3,    /* the report is closed: no more messages */
	INTAKE_BUSY = 4,      /* the queue is full; try again shortly */
};

/* "XXXX-XXXX-XXXX-XXXX": 16 symbols of Crockford base32 = 80 random bits. */
#define RECEIPT_TEXT_LEN 19

struct intake_receipt {
	char text[RECEIPT_TEXT_LEN + 1];
};

/* Starts the writer thread. master: the 32-byte key from the key file
 * (copied; subkeys derived). *out owned by the caller (intake_stop). */
int intake_start(struct store *st, const struct content *c, const unsigned char master[32],
                 struct intake **out);
/* Finishes queued work, stops the thread, wipes keys. Accepts NULL.
 * Submitters already waiting are answered (and have returned) before it
 * returns; one arriving meanwhile gets INTAKE_BUSY; none may start after
 * it returns. */
void intake_stop(struct intake *in);

/* Stores a checked report (received today, channel web unless set) and
 * fills receipt and *id. Returns only after the commit: 0, INTAKE_INVALID,
 * INTAKE_BUSY, or -errno. */
int intake_submit(struct intake *in, const struct report_org *org, const struct report_input *r,
                  struct intake_receipt *receipt, int64_t *id);

/* The status and conversation of the report with this receipt (any
 * spelling: case, dashes, spaces, O/0 and I/L/1 are normalised). *out
 * (caller owns) = {"status": "received", "kind": "report", "messages":
 * [{"author": "reporter"|"handler", "at": "2026-11-22T10:00:00Z", "text":
 * "..."}]}. Returns 0, INTAKE_NOT_FOUND (also for a malformed receipt),
 * or -errno. */
int intake_follow(struct intake *in, const char *receipt, json_t **out);

/* Adds a message from the reporter (1..REPORT_MAX_MESSAGE bytes of text,
 * checked by the caller). 0, INTAKE_NOT_FOUND, INTAKE_CLOSED (also when
 * the conversation holds REPORT_MAX_MESSAGES), INTAKE_INVALID (text the
 * caller should have refused: empty, too long, control characters),
 * -errno. */
int intake_add_message(struct intake *in, const char *receipt, const char *text);

/* Reports accepted by intake_submit and not yet answered (queued or in
 * the transaction being committed): for health checks and tests. */
size_t intake_pending(struct intake *in);

/* Normalises a typed receipt into canonical "XXXX-XXXX-XXXX-XXXX". false
 * when it cannot be one. */
bool receipt_normalise(const char *typed, char out[RECEIPT_TEXT_LEN + 1]);

#endif
