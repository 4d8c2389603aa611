/* draft.c: drafts of the report form; see draft.h. */
#include "domain/draft.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "crypto/keyfile.h"
#include "crypto/seal.h"
#include "limits.h"
#include "store/store.h"

struct drafts {
	struct store *store;
	struct seal_key seal;
	unsigned char idkey[32];
};

int drafts_open(struct store *s, const unsigned char master[32], struct drafts **out)
{
	*out = NULL;
	struct drafts *d = sodium_malloc(sizeof *d);
	if (!d)
		return -ENOMEM;
	d->store = s;
	if (seal_key_derive(master, &d->seal) ||
	    keyfile_derive(master, KEYFILE_CTX_DRAFT, 0, d->idkey, sizeof d->idkey)) {
		sodium_free(d);
		return -EIO;
	}
	*out = d;
	return 0;
}

void drafts_close(struct drafts *d)
{
	if (d)
		sodium_free(d); /* wipes */
}

/* The draft's id and the associated data of its sealed blobs, from the
 * cookie: nothing in the store leads back to the cookie. */
static int draft_id(const struct drafts *d, const char *cookie,
                    unsigned char id[STORE_DRAFT_ID_BYTES], int64_t *seal_id)
{
	if (!cookie || !*cookie)
		return -EINVAL;
	crypto_generichash(id, STORE_DRAFT_ID_BYTES, (const unsigned char *)cookie, strlen(cookie),
	                   d->idkey, sizeof d->idkey);
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | id[i];
	*seal_id = (int64_t)(v & INT64_MAX);
	return 0;
}

static void utc(time_t t, char out[STORE_TIME_LEN + 1])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, STORE_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void wipe(struct buf *b)
{
	if (b->data)
		sodium_memzero(b->data, b->cap);
	buf_free(b);
}

/* The fields of a sealed draft, or NULL (a blob that does not open is
 * taken for no draft). */
static json_t *open_fields(const struct drafts *d, int64_t seal_id, const struct buf *sealed)
{
	struct buf plain = BUF_INIT;
	json_t *f = NULL;
	if (seal_decrypt(&d->seal, (uint64_t)seal_id, SEAL_DRAFT, sealed->data, sealed->len,
	                 &plain) == 0) {
		f = json_loadb(plain.data, plain.len, 0, NULL);
		if (f && !json_is_object(f)) {
			json_decref(f);
			f = NULL;
		}
	}
	wipe(&plain);
	return f;
}

int draft_load(struct drafts *d, const char *org, const char *cookie, json_t **fields,
               char receipt[RECEIPT_TEXT_LEN + 1])
{
	*fields = NULL;
	receipt[0] = '\0';
	unsigned char id[STORE_DRAFT_ID_BYTES];
	int64_t seal_id;
	if (!d || draft_id(d, cookie, id, &seal_id))
		return 0;
	char now[STORE_TIME_LEN + 1];
	utc(time(NULL), now);
	struct buf sealed = BUF_INIT, rcpt = BUF_INIT;
	struct store_draft dr = {.sealed = &sealed, .receipt = &rcpt};
	int rc = store_draft_get(d->store, id, org, now, &dr);
	if (rc == STORE_NOT_FOUND)
		rc = 0;
	else if (!rc) {
		if (dr.has_sealed)
			*fields = open_fields(d, dr.seal_id, &sealed);
		struct buf plain = BUF_INIT;
		if (dr.has_receipt &&
		    seal_decrypt(&d->seal, (uint64_t)dr.seal_id, SEAL_DRAFT_RECEIPT, rcpt.data,
		                 rcpt.len, &plain) == 0 &&
		    plain.len == RECEIPT_TEXT_LEN) {
			memcpy(receipt, plain.data, RECEIPT_TEXT_LEN);
			receipt[RECEIPT_TEXT_LEN] = '\0';
		}
		wipe(&plain);
	}
	wipe(&sealed);
	wipe(&rcpt);
	return rc > 0 ? -EIO : rc;
}

int draft_save(struct drafts *d, const char *org, const char *cookie, const json_t *fields)
{
	unsigned char id[STORE_DRAFT_ID_BYTES];
	int64_t seal_id;
	if (!d || !json_is_object(fields) || draft_id(d, cookie, id, &seal_id))
		return -EINVAL;
	char *text = json_dumps(fields, JSON_COMPACT);
	if (!text)
		return -ENOMEM;
	size_t n = strlen(text);
	int rc = n > DRAFT_MAX_BYTES ? -E2BIG : 0;
	struct buf sealed = BUF_INIT;
	if (!rc)
		rc = seal_encrypt(&d->seal, (uint64_t)seal_id, SEAL_DRAFT, text, n, &sealed);
	sodium_memzero(text, n);
	free(text);
	if (!rc) {
		time_t t = time(NULL);
		char now[STORE_TIME_LEN + 1], until[STORE_TIME_LEN + 1];
		utc(t, now);
		utc(t + DRAFT_MAX_AGE_S, until);
		rc = store_draft_put(d->store, id, org, seal_id, until, now, sealed.data,
		                     sealed.len);
	}
	wipe(&sealed);
	return rc > 0 ? -EIO : rc;
}

int draft_take(struct drafts *d, const char *org, const char *cookie, json_t **fields)
{
	*fields = NULL;
	unsigned char id[STORE_DRAFT_ID_BYTES];
	int64_t seal_id;
	if (!d || draft_id(d, cookie, id, &seal_id))
		return DRAFT_NONE;
	char now[STORE_TIME_LEN + 1];
	utc(time(NULL), now);
	struct buf sealed = BUF_INIT;
	int rc = store_draft_take(d->store, id, org, now, &seal_id, &sealed);
	if (rc == STORE_NOT_FOUND)
		rc = DRAFT_NONE;
	else if (!rc) {
		*fields = open_fields(d, seal_id, &sealed);
		rc = *fields ? 0 : DRAFT_NONE;
	} else if (rc > 0)
		rc = -EIO;
	wipe(&sealed);
	return rc;
}

int draft_sent(struct drafts *d, const char *cookie, const char *receipt, const json_t *shown)
{
	unsigned char id[STORE_DRAFT_ID_BYTES];
	int64_t seal_id;
	if (!d || !receipt || !json_is_object(shown) || draft_id(d, cookie, id, &seal_id))
		return -EINVAL;
	char *text = json_dumps(shown, JSON_COMPACT);
	if (!text)
		return -ENOMEM;
	struct buf sealed = BUF_INIT, fields = BUF_INIT;
	int rc = seal_encrypt(&d->seal, (uint64_t)seal_id, SEAL_DRAFT_RECEIPT, receipt,
	                      strlen(receipt), &sealed);
	if (!rc)
		rc = seal_encrypt(&d->seal, (uint64_t)seal_id, SEAL_DRAFT, text, strlen(text),
		                  &fields);
	free(text);
	if (!rc)
		rc = store_draft_sent(d->store, id, sealed.data, sealed.len, fields.data,
		                      fields.len);
	wipe(&sealed);
	wipe(&fields);
	return rc > 0 ? -EIO : rc;
}

int draft_delete(struct drafts *d, const char *cookie)
{
	unsigned char id[STORE_DRAFT_ID_BYTES];
	int64_t seal_id;
	if (!d || draft_id(d, cookie, id, &seal_id))
		return 0;
	int rc = store_draft_delete(d->store, id);
	return rc > 0 ? -EIO : rc;
}

int draft_claim(struct drafts *d, const char *org, const char *key)
{
	unsigned char id[STORE_DRAFT_ID_BYTES];
	int64_t seal_id;
	if (!d || !org || draft_id(d, key, id, &seal_id))
		return -EINVAL;
	time_t t = time(NULL);
	char now[STORE_TIME_LEN + 1], until[STORE_TIME_LEN + 1];
	utc(t, now);
	utc(t + DRAFT_MAX_AGE_S, until);
	int rc = store_draft_claim(d->store, id, org, until, now);
	if (rc == STORE_DUPLICATE)
		return DRAFT_NONE;
	return rc > 0 ? -EIO : rc;
}
