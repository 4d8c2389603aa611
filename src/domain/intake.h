/* intake: the durable write path of reports, and following them up with a
 * receipt.
 *
 * One writer thread takes queued reports and commits them together in one
 * transaction (group commit, synchronous=FULL); each submitter is answered
 * only after the commit that holds its report: from the writer thread by a
 * callback (intake_submit_async, so an HTTP worker need not wait and a
 * batch can hold up to INTAKE_BATCH_MAX reports), or by intake_submit
 * returning. Several writers relying on busy_timeout starve each other
 * (bench/intake shows why), so nothing else writes reports.
 *
 * Personal data (description, place, when, contact, people, messages) is
 * sealed with XChaCha20-Poly1305 under a data key derived from the key
 * file, with the report's random 63-bit id as associated data, before it
 * is queued. The receipt is only kept as a keyed BLAKE2b hash. Neither the
 * id nor any column keeps the time of day a report or a reporter's message
 * arrived: only its date.
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
/* Finishes queued work (retries included), calls every pending done,
 * stops the thread, wipes keys. Accepts NULL. A submit arriving meanwhile
 * gets INTAKE_BUSY (done not called); none may start after it returns.
 * Sync submitters already waiting are answered before it returns. */
void intake_stop(struct intake *in);

/* Called once on the writer thread after the commit that holds the report
 * (rc 0, receipt filled) or on failure (rc INTAKE_INVALID/-errno; receipt
 * NULL, id 0). Must be quick and must not call into intake. receipt is
 * valid only during the call (copy it; it is wiped afterwards). */
typedef void (*intake_done_fn)(void *arg, int rc, const struct intake_receipt *receipt, int64_t id);

/* Like intake_submit but returns at once: 0 when queued (done will be
 * called exactly once, later, possibly before this function returns on
 * another thread), or INTAKE_BUSY / INTAKE_INVALID / -errno (-EINVAL for a
 * NULL in, org, r or done) without ever calling done. Everything r and org
 * point to is sealed or copied before return, so the caller may free its
 * input right after. The personal fields' plaintext stays in the queued
 * item (to seal again under a new id after a conflict) and is wiped when
 * done has been called. */
int intake_submit_async(struct intake *in, const struct report_org *org,
                        const struct report_input *r, intake_done_fn done, void *arg);

/* Stores a checked report (received today, channel web unless set) and
 * fills receipt and *id (id may be NULL). intake_submit_async, then waits
 * for its done: returns only after the commit: 0, INTAKE_INVALID,
 * INTAKE_BUSY, or -errno. */
int intake_submit(struct intake *in, const struct report_org *org, const struct report_input *r,
                  struct intake_receipt *receipt, int64_t *id);

/* The status and conversation of the report with this receipt (any
 * spelling: case, dashes, spaces, O/0 and I/L/1 are normalised). *out
 * (caller owns) = {"status": "received", "kind": "report", "messages":
 * [{"author": "reporter"|"handler", "at": "2026-11-22T10:00:00Z", "text":
 * "..."}]}, the messages in the order of the conversation; "at" of a
 * reporter's message is its date only ("2026-11-22", local). Returns 0,
 * INTAKE_NOT_FOUND (also for a malformed receipt), or -errno. */
int intake_follow(struct intake *in, const char *receipt, json_t **out);
/* The same, for the site of organisation org: a report of another
 * organisation is INTAKE_NOT_FOUND. org NULL: any organisation (the CLI). */
int intake_follow_org(struct intake *in, const char *org, const char *receipt, json_t **out);

/* Adds a message from the reporter (1..REPORT_MAX_MESSAGE characters,
 * checked by the caller), stored with its date and no time of day. 0,
 * INTAKE_NOT_FOUND, INTAKE_CLOSED (also when the conversation holds
 * REPORT_MAX_MESSAGES), INTAKE_INVALID (text the caller should have
 * refused: empty, too long, control characters), or -errno when it was
 * not stored (-ENOSPC for a full disk; intake_write_health() reports it
 * until a write succeeds). */
int intake_add_message(struct intake *in, const char *receipt, const char *text);
/* The same, only for a report of org (NULL: any). */
int intake_add_message_org(struct intake *in, const char *org, const char *receipt,
                           const char *text);

/* Reports accepted (intake_submit or _async) whose done is not yet called
 * (queued, retried, or in the transaction being committed): for health
 * checks and tests. */
size_t intake_pending(struct intake *in);

/* Whether reports can be written: 0, or the failure (negative errno,
 * -ENOSPC for a full disk; store_strerror() says it in words) of the last
 * write of a report or message, until a write succeeds again. While it
 * fails, a call commits a small probe write at most once per
 * INTAKE_PROBE_INTERVAL_S, so that freeing the disk is seen without
 * waiting for the next report. For /healthz. */
int intake_write_health(struct intake *in);

/* Normalises a typed receipt into canonical "XXXX-XXXX-XXXX-XXXX". false
 * when it cannot be one. */
bool receipt_normalise(const char *typed, char out[RECEIPT_TEXT_LEN + 1]);

#endif
