/* draft: the drafts of the report form, kept on the server while someone
 * fills it in, so that Back, a reload, a link or the language switch lose
 * nothing typed (issue 8).
 *
 * Owns: the draft's id (a keyed BLAKE2b hash of the form's cookie, under
 * the key file's KEYFILE_CTX_DRAFT subkey: the store never holds the
 * cookie), its sealing (crypto/seal.h, SEAL_DRAFT, under the same subkey
 * as a report's fields), its lifetime (DRAFT_MAX_AGE_S from the last save;
 * expired drafts are deleted at the next save), and the one-time send: the
 * fields are taken from the store once (draft_take), so a second send, a
 * double tap or a reload finds none, and the receipt of the report they
 * became is kept sealed beside the draft until it expires, to be shown
 * again (draft_load). A draft's fields are a JSON object of the form's
 * field names and their values (a string, or a list of strings for
 * checkboxes). Knows no HTTP. */
#ifndef SIGNAAL_DOMAIN_DRAFT_H
#define SIGNAAL_DOMAIN_DRAFT_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/intake.h"

struct store;
struct drafts;

/* Derives the draft keys from the key file's master key. 0 or -errno. */
int drafts_open(struct store *s, const unsigned char master[32], struct drafts **out);
/* Wipes the keys. Accepts NULL. */
void drafts_close(struct drafts *d);

/* The draft of org under cookie: *fields (caller owns; NULL when the draft
 * has none) and receipt ("" when it was not sent yet). No draft: 0 with
 * both empty. -errno on a store fault. */
int draft_load(struct drafts *d, const char *org, const char *cookie, json_t **fields,
               char receipt[RECEIPT_TEXT_LEN + 1]);
/* Saves fields (a JSON object) as the draft of org under cookie, for
 * DRAFT_MAX_AGE_S; a receipt kept for it goes. 0, -E2BIG (over
 * DRAFT_MAX_BYTES) or -errno. */
int draft_save(struct drafts *d, const char *org, const char *cookie, const json_t *fields);
/* Takes the fields to send them (*fields: caller owns). DRAFT_NONE when
 * there are none (never saved, expired, sent or being sent). */
int draft_take(struct drafts *d, const char *org, const char *cookie, json_t **fields);
/* Keeps receipt as the answer to the draft's send, with shown (a JSON
 * object: what the receipt page needs, nothing of what was reported) as
 * the draft's fields, which are never sent again. */
int draft_sent(struct drafts *d, const char *cookie, const char *receipt, const json_t *shown);
/* Claims a one-time submission id (key: any text, e.g. "f:" and a
 * form's hidden id) for DRAFT_MAX_AGE_S: 0 the first time, DRAFT_NONE
 * when it was claimed already (a second send, a reload); -errno. Release
 * it with draft_delete(d, key) when what it guarded was not done. */
int draft_claim(struct drafts *d, const char *org, const char *key);
/* Deletes the draft (a new report from scratch). */
int draft_delete(struct drafts *d, const char *cookie);

enum {
	DRAFT_NONE = 1,
};

#endif
