/* sealed: see sealed.h. */
#include "domain/sealed.h"

#include <errno.h>
#include <sodium.h>

#include "crypto/seal.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/log.h"

static void wipe(struct buf *b)
{
	if (b->data)
		sodium_memzero(b->data, b->cap);
	buf_free(b);
}

int sealed_messages_json(const struct seal_key *key, int64_t report_id,
                         const struct store_message *msgs, size_t n, json_t *list)
{
	struct buf plain = BUF_INIT;
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		const struct store_message *m = &msgs[i];
		rc = seal_decrypt(key, (uint64_t)report_id, SEAL_MESSAGE, m->sealed, m->sealed_len,
		                  &plain);
		if (rc == SEAL_INVALID) {
			/* Damaged or moved between reports: never shown, and
			 * said so without any content. */
			log_error("sealed: message %lld does not open", (long long)m->id);
			rc = -EIO;
			break;
		}
		if (rc)
			break;
		json_t *o = json_pack("{s:s, s:s, s:s%}", "author", m->author, "at", m->created_at,
		                      "text", plain.data, plain.len);
		sodium_memzero(plain.data, plain.len);
		if (!o || json_array_append_new(list, o))
			rc = -ENOMEM;
	}
	wipe(&plain);
	return rc;
}

int sealed_report_json(const struct seal_key *key, int64_t id, const void *sealed, size_t len,
                       json_t **out)
{
	struct buf plain = BUF_INIT;
	*out = NULL;
	int rc = seal_decrypt(key, (uint64_t)id, SEAL_REPORT, sealed, len, &plain);
	if (rc == SEAL_INVALID) {
		log_error("sealed: report %lld does not open", (long long)id);
		rc = -EIO;
	}
	if (!rc) {
		*out = json_loadb(plain.data, plain.len, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(*out)) {
			json_decref(*out);
			*out = NULL;
			log_error("sealed: report %lld holds no object", (long long)id);
			rc = -EIO;
		}
	}
	wipe(&plain);
	return rc;
}
