/* sealed: the personal fields of reports and messages opened into JSON,
 * for the reporter's follow-up (domain/intake.c) and staff reading
 * (domain/reportview.c) alike.
 *
 * Owns: what a sealed report holds once opened (one JSON object: the
 * personal fields as domain/intake.c wrote them) and a message's JSON
 * ({"author", "at", "text"}). Plaintext lives only in the returned JSON
 * and in wiped buffers; a blob that does not open is logged by its id
 * only and is -EIO (never shown, never guessed at). */
#ifndef SIGNAAL_DOMAIN_SEALED_H
#define SIGNAAL_DOMAIN_SEALED_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct seal_key;
struct store_message;

/* Appends each of msgs[0..n) of report_id, opened, to list. 0, -EIO, or
 * -ENOMEM. */
int sealed_messages_json(const struct seal_key *key, int64_t report_id,
                         const struct store_message *msgs, size_t n, json_t *list);
/* *out (caller owns) = the opened personal fields of report id: an
 * object. 0, -EIO, or -ENOMEM. */
int sealed_report_json(const struct seal_key *key, int64_t id, const void *sealed, size_t len,
                       json_t **out);

#endif
