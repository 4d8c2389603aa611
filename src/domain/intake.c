/* intake: the durable write path of reports (group commit by one writer
 * thread) and following them up with a receipt. See intake.h.
 *
 * A submitter does the expensive, private work on its own thread (JSON of
 * the personal fields, sealing, the receipt and its hash, the suggestion),
 * builds one self-contained item (every string it stores is copied into
 * the item or points at a static value list, so nothing borrows the
 * caller's memory), queues it and returns. The writer takes everything
 * queued (up to INTAKE_BATCH_MAX), inserts it in one transaction (a row
 * that fails is left out, see store_reports_insert_batch), commits once
 * (one fsync with synchronous=FULL for the whole batch) and only then
 * calls each item's done with its row's result.
 * intake_submit is the same path, waiting on its own condition variable.
 *
 * A row refused for a conflict (its random id or receipt exists, or its
 * district was removed meanwhile) is given a new id and receipt and sealed
 * again by the writer, and queued again for the next batch. Re-sealing
 * needs the plaintext, so an item keeps its personal JSON until it is
 * answered, and wipes it (and its receipt) when it is freed: the same
 * lifetime the plaintext had when submitters sealed again themselves.
 *
 * Nothing here logs a receipt or any field of a report. */
#include "domain/intake.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth/receipt.h"
#include "crypto/seal.h"
#include "domain/sealed.h"
#include "domain/workdays.h"
#include "store/store.h"
#include "util/log.h"
#include "util/str.h"

_Static_assert(RECEIPT_HASH_BYTES == STORE_RECEIPT_HASH_BYTES, "receipt hash size");
_Static_assert(WORKDAYS_DATE_BUF == STORE_DATE_LEN + 1, "a date of receipt");

/* Attempts with a fresh id and receipt after a conflicting row. A 63-bit
 * random id or an 80-bit receipt repeats practically never, so a row that
 * keeps conflicting names a district that no longer exists. */
#define SUBMIT_ATTEMPTS 3

/* One queued report. Owns everything row points to: row's strings point
 * into texts, into the fixed buffers below, or at the static value lists
 * of report.h (channel, role, kind, forms: checked against those lists). */
struct item {
	struct store_report_new row;
	int attempts; /* insertions tried so far */
	intake_done_fn done;
	void *arg;
	struct item *next;
	char *personal; /* plaintext JSON, kept for sealing again; wiped */
	size_t personal_len;
	struct buf sealed;
	char *suggestion;
	char *details; /* non-personal details (report_details_json) */
	char *texts;   /* district, then the signals, each NUL-terminated */
	const char *forms[REPORT_MAX_FORMS];
	const char *signals[REPORT_MAX_SIGNALS];
	char org[ID_MAX_LEN + 1];
	char prefix[STORE_REF_PREFIX_MAX + 1];
	char on[STORE_DATE_LEN + 1];
	struct intake_receipt receipt; /* wiped */
	unsigned char hash[RECEIPT_HASH_BYTES];
};

struct intake {
	struct store *st;
	const struct content *content;
	struct seal_key seal;
	struct receipt_key rkey;
	pthread_mutex_t lock;
	pthread_cond_t work; /* the writer waits for items or stop */
	struct item *head, *tail;
	size_t queued;  /* in the queue (new items, not retries, count for the limit) */
	size_t pending; /* accepted and done not yet called */
	/* Submitters inside intake_submit_async (reading keys and content,
	 * about to take lock): intake_stop waits for them to leave. */
	size_t inside;
	pthread_cond_t left; /* signalled when inside drops to 0 while stopping */
	bool stopping;
	pthread_t thread;
	/* Writing: the failure of the last write of a report or message
	 * (negative errno) until a write succeeds, a count of the failures
	 * recorded (so a probe started before a newer failure does not clear
	 * it), and when intake_write_health() last probed (CLOCK_MONOTONIC
	 * seconds). Under lock. */
	int write_fault;
	unsigned long faults;
	time_t probed_at;
	bool probing;
};

static void item_free(struct item *it)
{
	if (!it)
		return;
	if (it->personal) {
		sodium_memzero(it->personal, it->personal_len);
		free(it->personal);
	}
	if (it->sealed.data)
		sodium_memzero(it->sealed.data, it->sealed.cap);
	buf_free(&it->sealed);
	free(it->suggestion);
	free(it->details);
	free(it->texts);
	sodium_memzero(&it->receipt, sizeof it->receipt);
	sodium_memzero(it->hash, sizeof it->hash);
	free(it);
}

/* Report ids: 63 random bits (a BIGINT, and the 8 bytes of the sealed
 * blob's associated data), nothing else. An id that held its arrival time
 * (it once held the millisecond) would link the report to an address in
 * a proxy's access log. The price is locality: new rows land on random
 * B-tree pages instead of the right edge. A repeat is a conflict, retried
 * with a new id. The id is not a secret. */
static int64_t random_id(void)
{
	uint64_t v = 0;
	while (v == 0) {
		randombytes_buf(&v, sizeof v);
		v &= (uint64_t)INT64_MAX;
	}
	return (int64_t)v;
}

/* A failure of the disk or database rather than of one report: what
 * /healthz reports until a write succeeds again. A busy database (another
 * writer held it past every retry) is contention that passes by itself,
 * not a fault to send an operator looking for. */
static bool is_write_fault(int rc)
{
	return rc < 0 && rc != -EINVAL && rc != -ENOMEM && rc != -EBUSY && rc != -EAGAIN;
}

/* Remembers how the last write went (0: it succeeded). */
static void note_write(struct intake *in, int rc)
{
	pthread_mutex_lock(&in->lock);
	if (is_write_fault(rc)) {
		in->write_fault = rc;
		in->faults++;
	} else if (rc == 0) {
		in->write_fault = 0;
	}
	pthread_mutex_unlock(&in->lock);
}

/* A new id and receipt, and the personal fields sealed under that id: on
 * the submitter's thread first, on the writer's after a conflict. */
static int item_seal(struct intake *in, struct item *it)
{
	it->row.id = random_id();
	receipt_generate(it->receipt.text);
	int rc = receipt_hash(&in->rkey, it->receipt.text, it->hash);
	if (rc)
		return rc;
	if (it->sealed.data)
		sodium_memzero(it->sealed.data, it->sealed.cap);
	buf_reset(&it->sealed);
	rc = seal_encrypt(&in->seal, (uint64_t)it->row.id, SEAL_REPORT, it->personal,
	                  it->personal_len, &it->sealed);
	if (rc)
		return rc;
	it->row.sealed = it->sealed.data;
	it->row.sealed_len = it->sealed.len;
	return 0;
}

/* A row's store result as intake_submit answers it. */
static int row_result(int rc)
{
	/* STORE_DUPLICATE here: new random values repeated SUBMIT_ATTEMPTS
	 * times, which only a broken random source does. */
	if (rc == STORE_CONFLICT || rc == STORE_DUPLICATE || rc == STORE_LIMIT || rc == -EINVAL)
		return INTAKE_INVALID;
	return rc > 0 ? -EIO : rc;
}

/* --- writer thread ---------------------------------------------------- */

/* Answers it (done called exactly once) and frees it. */
static void item_answer(struct item *it, int rc)
{
	if (rc)
		it->done(it->arg, rc, NULL, 0);
	else
		it->done(it->arg, 0, &it->receipt, it->row.id);
	item_free(it);
}

static void write_batch(struct intake *in, struct item **items, size_t n)
{
	struct store_report_new rows[INTAKE_BATCH_MAX];
	int results[INTAKE_BATCH_MAX];
	struct item *retry = NULL, *retry_last = NULL;
	size_t nretry = 0;
	for (size_t i = 0; i < n; i++)
		rows[i] = items[i]->row;
	int rc = store_reports_insert_batch(in->st, rows, n, results);
	if (rc)
		log_error("intake: storing %zu reports failed: %s", n, store_strerror(rc));
	note_write(in, rc);
	for (size_t i = 0; i < n; i++) {
		struct item *it = items[i];
		int r = results[i];
		/* Only a repeated random value is worth another try; a
		 * constraint (a district removed meanwhile) refuses it. */
		if (r == STORE_DUPLICATE && ++it->attempts < SUBMIT_ATTEMPTS) {
			r = item_seal(in, it);
			if (!r) {
				it->next = NULL;
				if (retry_last)
					retry_last->next = it;
				else
					retry = it;
				retry_last = it;
				nretry++;
				continue;
			}
		}
		item_answer(it, row_result(r));
	}
	pthread_mutex_lock(&in->lock);
	/* Retries go after what queued meanwhile: the next batch takes both.
	 * They were accepted already, so they never count against the limit
	 * and are queued even while stopping. */
	if (retry) {
		if (in->tail)
			in->tail->next = retry;
		else
			in->head = retry;
		in->tail = retry_last;
	}
	in->pending -= n - nretry;
	pthread_mutex_unlock(&in->lock);
}

static void *writer_main(void *arg)
{
	struct intake *in = arg;
	struct item *batch[INTAKE_BATCH_MAX];
	pthread_mutex_lock(&in->lock);
	for (;;) {
		while (!in->head && !in->stopping)
			pthread_cond_wait(&in->work, &in->lock);
		/* Stopping drains: the loop ends only with an empty queue. */
		if (!in->head)
			break;
		/* Everything queued, up to a full batch, in one go. */
		size_t n = 0;
		while (in->head && n < INTAKE_BATCH_MAX) {
			struct item *it = in->head;
			in->head = it->next;
			if (it->attempts == 0)
				in->queued--;
			batch[n++] = it;
		}
		if (!in->head)
			in->tail = NULL;
		pthread_mutex_unlock(&in->lock);
		write_batch(in, batch, n);
		pthread_mutex_lock(&in->lock);
	}
	pthread_mutex_unlock(&in->lock);
	return NULL;
}

int intake_start(struct store *st, const struct content *c, const unsigned char master[32],
                 struct intake **out)
{
	*out = NULL;
	if (!st || !c || !master)
		return -EINVAL;
	if (sodium_init() < 0)
		return -EIO;
	struct intake *in = calloc(1, sizeof *in);
	if (!in)
		return -ENOMEM;
	in->st = st;
	in->content = c;
	int rc = seal_key_derive(master, &in->seal);
	if (!rc)
		rc = receipt_key_derive(master, &in->rkey);
	if (rc)
		goto fail_keys;
	rc = -pthread_mutex_init(&in->lock, NULL);
	if (rc)
		goto fail_keys;
	rc = -pthread_cond_init(&in->work, NULL);
	if (rc)
		goto fail_mutex;
	rc = -pthread_cond_init(&in->left, NULL);
	if (rc)
		goto fail_work;
	rc = -pthread_create(&in->thread, NULL, writer_main, in);
	if (rc)
		goto fail_cond;
	*out = in;
	return 0;
fail_cond:
	pthread_cond_destroy(&in->left);
fail_work:
	pthread_cond_destroy(&in->work);
fail_mutex:
	pthread_mutex_destroy(&in->lock);
fail_keys:
	seal_key_wipe(&in->seal);
	receipt_key_wipe(&in->rkey);
	free(in);
	return rc;
}

void intake_stop(struct intake *in)
{
	if (!in)
		return;
	pthread_mutex_lock(&in->lock);
	in->stopping = true;
	pthread_cond_signal(&in->work);
	/* A submitter past its first check may still queue; after this
	 * none is inside and every later one answers INTAKE_BUSY. */
	while (in->inside)
		pthread_cond_wait(&in->left, &in->lock);
	pthread_mutex_unlock(&in->lock);
	/* The writer drains the queue (retries included) and calls every
	 * done before it ends. */
	pthread_join(in->thread, NULL);
	pthread_cond_destroy(&in->left);
	pthread_cond_destroy(&in->work);
	pthread_mutex_destroy(&in->lock);
	seal_key_wipe(&in->seal);
	receipt_key_wipe(&in->rkey);
	free(in);
}

int intake_write_health(struct intake *in)
{
	if (!in)
		return -EINVAL;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&in->lock);
	int rc = in->write_fault;
	unsigned long seen = in->faults;
	/* One probe at a time, and not more often than the interval: /healthz
	 * is public, and each probe costs a commit. */
	bool probe = rc && !in->probing &&
	             (in->probed_at == 0 || now.tv_sec - in->probed_at >= INTAKE_PROBE_INTERVAL_S);
	if (probe) {
		in->probing = true;
		in->probed_at = now.tv_sec;
	}
	pthread_mutex_unlock(&in->lock);
	if (!probe)
		return rc;
	int p = store_write_probe(in->st);
	pthread_mutex_lock(&in->lock);
	in->probing = false;
	/* A failure recorded while probing is newer than the probe. */
	if (in->faults == seen)
		in->write_fault = is_write_fault(p) ? p : 0;
	rc = in->write_fault;
	pthread_mutex_unlock(&in->lock);
	return rc;
}

size_t intake_pending(struct intake *in)
{
	if (!in)
		return 0;
	pthread_mutex_lock(&in->lock);
	size_t n = in->pending;
	pthread_mutex_unlock(&in->lock);
	return n;
}
/* --- submit ---------------------------------------------------------------- */

static bool given(const char *s)
{
	return s && *s;
}

/* Sets key to s when given; jansson copies it. */
static int put_text(json_t *obj, const char *key, const char *s)
{
	if (!given(s))
		return 0;
	return json_object_set_new(obj, key, json_string(s)) ? -ENOMEM : 0;
}

/* The personal fields as one JSON text (caller owns; wipe before free).
 * Advice requests keep no description of people (issue 3). */
static int personal_json(const struct report_input *r, bool advice, char **out)
{
	int rc = -ENOMEM;
	json_t *o = json_object(), *contact = NULL, *people = NULL;
	*out = NULL;
	if (!o)
		goto out;
	if (put_text(o, "description", r->description) || put_text(o, "place", r->place) ||
	    put_text(o, "when", r->when))
		goto out;
	contact = json_object();
	if (!contact || put_text(contact, "name", r->contact_name) ||
	    put_text(contact, "phone", r->contact_phone) ||
	    put_text(contact, "email", r->contact_email))
		goto out;
	if (json_object_size(contact) && json_object_set(o, "contact", contact))
		goto out;
	if (!advice && r->npeople) {
		people = json_array();
		if (!people)
			goto out;
		for (size_t i = 0; i < r->npeople && i < REPORT_MAX_PEOPLE; i++) {
			const struct report_person *p = &r->people[i];
			json_t *po = json_object();
			if (!po || json_array_append_new(people, po) ||
			    put_text(po, "age", p->age) || put_text(po, "minor", p->minor) ||
			    put_text(po, "gender", p->gender) ||
			    put_text(po, "nationality", p->nationality) ||
			    put_text(po, "language", p->language) ||
			    put_text(po, "role", p->role) || put_text(po, "name", p->name) ||
			    put_text(po, "birth_date", p->birth_date) ||
			    put_text(po, "address", p->address))
				goto out;
		}
		if (json_object_set(o, "people", people))
			goto out;
	}
	if (report_personal_extra(r, o))
		goto out;
	*out = json_dumps(o, JSON_COMPACT);
	rc = *out ? 0 : -ENOMEM;
out:
	json_decref(people);
	json_decref(contact);
	json_decref(o);
	return rc;
}

/* received_on is the local date (the organisation's calendar year counts
 * in its figures). Nothing keeps the time of day: triage due dates need
 * only the date, and the time would link the report to an address in a
 * proxy's access log (store.h, received_at). */
/* The queued item of a checked input: copies of everything it stores,
 * sealed under a first id. */
static int item_new(struct intake *in, const struct report_org *org, const struct report_input *r,
                    struct item **out)
{
	*out = NULL;
	const char *channel = given(r->channel) ? r->channel : "web";
	int kind = report_value_index(report_kinds, r->kind);
	int ch = report_value_index(report_channels, channel);
	int role = report_value_index(report_roles, r->reporter_role);
	if (kind < 0 || ch < 0 || role < 0 || !str_is_id(org->id, ID_MAX_LEN) ||
	    !given(r->description) || r->nforms > REPORT_MAX_FORMS ||
	    r->nsignals > REPORT_MAX_SIGNALS || r->npeople > REPORT_MAX_PEOPLE)
		return INTAKE_INVALID;
	struct item *it = calloc(1, sizeof *it);
	if (!it)
		return -ENOMEM;
	int rc = INTAKE_INVALID;
	/* Forms point at the static list: checked values, never copied. */
	for (size_t i = 0; i < r->nforms; i++) {
		int k = report_value_index(report_forms, r->forms[i]);
		if (k < 0)
			goto fail;
		it->forms[i] = report_forms[k];
	}
	/* No forms named means "weet ik niet" (contract). */
	if (!r->nforms)
		it->forms[0] = "unknown";
	size_t need = (r->district ? strlen(r->district) : 0) + 1;
	for (size_t i = 0; i < r->nsignals; i++) {
		if (!r->signals[i])
			goto fail;
		need += strlen(r->signals[i]) + 1;
	}
	rc = -ENOMEM;
	it->texts = malloc(need);
	if (!it->texts)
		goto fail;
	char *p = it->texts;
	size_t len = r->district ? strlen(r->district) : 0;
	memcpy(p, r->district ? r->district : "", len + 1);
	p += len + 1;
	for (size_t i = 0; i < r->nsignals; i++) {
		len = strlen(r->signals[i]);
		memcpy(p, r->signals[i], len + 1);
		it->signals[i] = p;
		p += len + 1;
	}

	rc = personal_json(r, kind == REPORT_ADVICE, &it->personal);
	if (rc)
		goto fail;
	it->personal_len = strlen(it->personal);
	json_t *sugg = NULL;
	rc = report_suggest(in->content, r->signals, r->nsignals, &sugg);
	if (rc)
		goto fail;
	it->suggestion = json_dumps(sugg, JSON_COMPACT);
	json_decref(sugg);
	rc = -ENOMEM;
	if (!it->suggestion)
		goto fail;
	json_t *details = NULL;
	rc = report_details_json(r, &details);
	if (rc)
		goto fail;
	it->details = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(details);
	rc = -ENOMEM;
	if (!it->details)
		goto fail;
	snprintf(it->org, sizeof it->org, "%s", org->id);
	workdays_today(it->on);
	snprintf(it->prefix, sizeof it->prefix, "%c%.4s-",
	         strcmp(report_channels[ch], "web") == 0 ? 'W' : 'M', it->on);
	it->sealed = (struct buf)BUF_INIT;
	it->row = (struct store_report_new){
	    .org = it->org,
	    .ref_prefix = it->prefix,
	    .receipt_hash = it->hash,
	    .received_on = it->on,
	    .received_at = NULL,
	    .channel = report_channels[ch],
	    .reporter_role = report_roles[role],
	    .anonymous = report_is_anonymous(r),
	    .kind = report_kinds[kind],
	    .acute_danger = r->acute_danger,
	    .district = r->district ? it->texts : NULL,
	    .forms = it->forms,
	    .nforms = r->nforms ? r->nforms : 1,
	    .signals = it->signals,
	    .nsignals = r->nsignals,
	    .suggestion = it->suggestion,
	    .details = it->details,
	};
	rc = item_seal(in, it);
	if (rc)
		goto fail;
	*out = it;
	return 0;
fail:
	item_free(it);
	return rc;
}

int intake_submit_async(struct intake *in, const struct report_org *org,
                        const struct report_input *r, intake_done_fn done, void *arg)
{
	if (!in || !org || !r || !done)
		return -EINVAL;
	/* Refused at once when full: no sealing for an item it cannot take. */
	pthread_mutex_lock(&in->lock);
	if (in->stopping || in->queued >= INTAKE_QUEUE_MAX) {
		pthread_mutex_unlock(&in->lock);
		return INTAKE_BUSY;
	}
	in->inside++;
	pthread_mutex_unlock(&in->lock);

	struct item *it = NULL;
	int rc = item_new(in, org, r, &it);

	pthread_mutex_lock(&in->lock);
	if (!rc && (in->stopping || in->queued >= INTAKE_QUEUE_MAX))
		rc = INTAKE_BUSY;
	if (!rc) {
		it->done = done;
		it->arg = arg;
		it->next = NULL;
		if (in->tail)
			in->tail->next = it;
		else
			in->head = it;
		in->tail = it;
		in->queued++;
		in->pending++;
		pthread_cond_signal(&in->work);
	}
	if (--in->inside == 0 && in->stopping)
		pthread_cond_signal(&in->left);
	pthread_mutex_unlock(&in->lock);
	/* Not queued: free it here, done is never called. (Queued: it may be
	 * answered and freed already, so it is not touched again.) */
	if (rc)
		item_free(it);
	return rc;
}

/* intake_submit waits for its own done. */
struct waiter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	int rc;
	int64_t id;
	struct intake_receipt receipt;
};

static void waiter_done(void *arg, int rc, const struct intake_receipt *receipt, int64_t id)
{
	struct waiter *w = arg;
	pthread_mutex_lock(&w->lock);
	w->rc = rc;
	if (receipt)
		w->receipt = *receipt;
	w->id = id;
	w->done = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

int intake_submit(struct intake *in, const struct report_org *org, const struct report_input *r,
                  struct intake_receipt *receipt, int64_t *id)
{
	if (!receipt)
		return -EINVAL;
	struct waiter w = {.done = false};
	int rc = -pthread_mutex_init(&w.lock, NULL);
	if (rc)
		return rc;
	rc = -pthread_cond_init(&w.cond, NULL);
	if (rc) {
		pthread_mutex_destroy(&w.lock);
		return rc;
	}
	rc = intake_submit_async(in, org, r, waiter_done, &w);
	if (!rc) {
		pthread_mutex_lock(&w.lock);
		while (!w.done)
			pthread_cond_wait(&w.cond, &w.lock);
		pthread_mutex_unlock(&w.lock);
		rc = w.rc;
	}
	pthread_cond_destroy(&w.cond);
	pthread_mutex_destroy(&w.lock);
	if (!rc) {
		*receipt = w.receipt;
		if (id)
			*id = w.id;
	}
	sodium_memzero(&w.receipt, sizeof w.receipt);
	return rc;
}

/* --- follow-up ------------------------------------------------------------- */

/* The report of a typed receipt. INTAKE_NOT_FOUND also for a receipt that
 * cannot be one: the caller shows one message for both. */
/* The report of a typed receipt; one of another organisation than org
 * (when org is not NULL) is not found either, so that an organisation's
 * site never shows another's report. */
static int find(struct intake *in, const char *org, const char *typed, struct store_report_ref *ref)
{
	char canon[RECEIPT_TEXT_LEN + 1];
	unsigned char hash[RECEIPT_HASH_BYTES];
	if (!receipt_normalise(typed, canon))
		return INTAKE_NOT_FOUND;
	int rc = receipt_hash(&in->rkey, canon, hash);
	sodium_memzero(canon, sizeof canon);
	if (rc)
		return rc;
	/* The lookup is by an index on the hash, not a comparison loop: a
	 * keyed hash gives an attacker no timing to learn from. */
	rc = store_report_by_receipt(in->st, hash, ref);
	if (rc == 0 && org && strcmp(ref->org, org) != 0)
		rc = STORE_NOT_FOUND;
	return rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : rc > 0 ? -EIO : rc;
}

int intake_follow(struct intake *in, const char *receipt, json_t **out)
{
	return intake_follow_org(in, NULL, receipt, out);
}

int intake_follow_org(struct intake *in, const char *org, const char *receipt, json_t **out)
{
	struct store_report_ref ref;
	struct store_message *msgs = NULL;
	size_t n = 0;
	json_t *list = NULL, *res = NULL;
	*out = NULL;
	if (!in)
		return -EINVAL;
	int rc = find(in, org, receipt, &ref);
	if (rc)
		return rc;
	rc = store_messages(in->st, ref.id, &msgs, &n);
	if (rc) {
		rc = rc > 0 ? -EIO : rc;
		goto out;
	}
	list = json_array();
	rc = list ? sealed_messages_json(&in->seal, ref.id, msgs, n, list) : -ENOMEM;
	if (rc)
		goto out;
	res =
	    json_pack("{s:s, s:s, s:O}", "status", ref.status, "kind", ref.kind, "messages", list);
	if (!res) {
		rc = -ENOMEM;
		goto out;
	}
	*out = res;
out:
	json_decref(list);
	store_messages_free(msgs, n);
	return rc;
}

int intake_add_message(struct intake *in, const char *receipt, const char *text)
{
	return intake_add_message_org(in, NULL, receipt, text);
}

int intake_add_message_org(struct intake *in, const char *org, const char *receipt,
                           const char *text)
{
	struct store_report_ref ref;
	struct buf sealed = BUF_INIT;
	if (!in)
		return -EINVAL;
	size_t len = text ? strlen(text) : 0;
	int rc = find(in, org, receipt, &ref);
	if (rc)
		return rc;
	/* The caller checked it; checked again because this text is stored. */
	if (len == 0 || len > UTF8_MAX_BYTES(REPORT_MAX_MESSAGE) ||
	    !str_text_valid(text, len, true) || str_chars(text, len) > REPORT_MAX_MESSAGE)
		return INTAKE_INVALID;
	if (strcmp(ref.status, "closed") == 0)
		return INTAKE_CLOSED;
	rc = seal_encrypt(&in->seal, (uint64_t)ref.id, SEAL_MESSAGE, text, len, &sealed);
	if (rc)
		goto out;
	/* "closed" again inside the transaction: a handler may close the
	 * report between the look-up and the insert. */
	/* Only the date, as for the report itself (workdays_today()): the time of day
	 * would link the message to an address in a proxy's access log. The
	 * store orders the conversation by its own sequence. */
	char on[STORE_DATE_LEN + 1];
	workdays_today(on);
	rc = store_message_add(in->st, ref.id, "reporter", on, sealed.data, sealed.len, "closed",
	                       NULL);
	if (rc < 0)
		log_error("intake: storing a message failed: %s", store_strerror(rc));
	note_write(in, rc);
	switch (rc) {
	case 0:
		break;
	case STORE_NOT_FOUND:
		rc = INTAKE_NOT_FOUND;
		break;
	case STORE_REFUSED:
	case STORE_LIMIT: /* a full conversation goes on by phone */
		rc = INTAKE_CLOSED;
		break;
	default:
		rc = rc > 0 ? -EIO : rc;
	}
out:
	buf_free(&sealed);
	return rc;
}
