/* intake: the durable write path of reports (group commit by one writer
 * thread) and following them up with a receipt. See intake.h.
 *
 * A submitter does the expensive, private work on its own thread (JSON of
 * the personal fields, sealing, the receipt and its hash, the suggestion),
 * queues one item and sleeps on the item's own condition variable. The
 * writer takes everything queued (up to INTAKE_BATCH_MAX), inserts it in
 * one transaction with a savepoint per row, commits once (one fsync with
 * synchronous=FULL for the whole batch) and only then wakes each submitter
 * with its row's result. A row refused for a conflict (its random id or
 * receipt exists, or its district was removed meanwhile) is sealed again
 * by its submitter under a new id and receipt and queued again.
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
#include "store/store.h"
#include "util/log.h"
#include "util/str.h"

_Static_assert(RECEIPT_HASH_BYTES == STORE_RECEIPT_HASH_BYTES, "receipt hash size");

/* Attempts with a fresh id and receipt after a conflicting row. A random
 * 63-bit id or 80-bit receipt repeats practically never, so a row that
 * keeps conflicting names a district that no longer exists. */
#define SUBMIT_ATTEMPTS 3

struct item {
	struct store_report_new row;
	int result;
	bool done;
	pthread_cond_t cond; /* signalled when done */
	struct item *next;
};

struct intake {
	struct store *st;
	const struct content *content;
	struct seal_key seal;
	struct receipt_key rkey;
	pthread_mutex_t lock;
	pthread_cond_t work; /* the writer waits for items or stop */
	struct item *head, *tail;
	size_t queued;  /* in the queue */
	size_t pending; /* queued or being written, not yet answered */
	/* Submitters inside enqueue_and_wait: intake_stop waits for them to
	 * leave, because a woken submitter still needs lock to return. */
	size_t inside;
	pthread_cond_t left; /* signalled when inside drops to 0 while stopping */
	bool stopping;
	pthread_t thread;
};

/* --- writer thread ---------------------------------------------------- */

static void write_batch(struct intake *in, struct item **items, size_t n)
{
	struct store_report_new rows[INTAKE_BATCH_MAX];
	int results[INTAKE_BATCH_MAX];
	for (size_t i = 0; i < n; i++)
		rows[i] = items[i]->row;
	int rc = store_reports_insert_batch(in->st, rows, n, results);
	if (rc)
		log_error("intake: storing %zu reports failed: %s", n, strerror(-rc));
	pthread_mutex_lock(&in->lock);
	for (size_t i = 0; i < n; i++) {
		items[i]->result = results[i];
		items[i]->done = true;
		pthread_cond_signal(&items[i]->cond);
	}
	in->pending -= n;
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
		size_t n = 0;
		while (in->head && n < INTAKE_BATCH_MAX) {
			batch[n++] = in->head;
			in->head = in->head->next;
			in->queued--;
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
	pthread_mutex_unlock(&in->lock);
	pthread_join(in->thread, NULL);
	/* Everyone is answered now, but the last ones woken may still be
	 * waiting for lock to return from their wait. */
	pthread_mutex_lock(&in->lock);
	while (in->inside)
		pthread_cond_wait(&in->left, &in->lock);
	pthread_mutex_unlock(&in->lock);
	pthread_cond_destroy(&in->left);
	pthread_cond_destroy(&in->work);
	pthread_mutex_destroy(&in->lock);
	seal_key_wipe(&in->seal);
	receipt_key_wipe(&in->rkey);
	free(in);
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

/* Queues it and waits for its commit: the row's store result. *busy
 * (then nothing was queued) when the queue is full or the intake is
 * stopping; kept apart because store and intake numbers overlap. */
static int enqueue_and_wait(struct intake *in, struct item *it, bool *busy)
{
	*busy = false;
	int rc = -pthread_cond_init(&it->cond, NULL);
	if (rc)
		return rc;
	pthread_mutex_lock(&in->lock);
	if (in->stopping || in->queued >= INTAKE_QUEUE_MAX) {
		pthread_mutex_unlock(&in->lock);
		pthread_cond_destroy(&it->cond);
		*busy = true;
		return 0;
	}
	in->inside++;
	it->done = false;
	it->next = NULL;
	if (in->tail)
		in->tail->next = it;
	else
		in->head = it;
	in->tail = it;
	in->queued++;
	in->pending++;
	pthread_cond_signal(&in->work);
	while (!it->done)
		pthread_cond_wait(&it->cond, &in->lock);
	rc = it->result;
	if (--in->inside == 0 && in->stopping)
		pthread_cond_signal(&in->left);
	pthread_mutex_unlock(&in->lock);
	pthread_cond_destroy(&it->cond);
	return rc;
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
			    put_text(po, "language", p->language))
				goto out;
		}
		if (json_object_set(o, "people", people))
			goto out;
	}
	*out = json_dumps(o, JSON_COMPACT);
	rc = *out ? 0 : -ENOMEM;
out:
	json_decref(people);
	json_decref(contact);
	json_decref(o);
	return rc;
}

/* received_on is the local date (the organisation's calendar year counts
 * in its figures), received_at the UTC instant. */
static void today(char on[STORE_DATE_LEN + 1], char at[STORE_TIME_LEN + 1])
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	if (strftime(on, STORE_DATE_LEN + 1, "%Y-%m-%d", &tm) != STORE_DATE_LEN)
		memcpy(on, "1970-01-01", STORE_DATE_LEN + 1);
	store_now(at);
}

static int64_t random_id(void)
{
	uint64_t v = 0;
	while (v == 0) {
		randombytes_buf(&v, sizeof v);
		v &= (uint64_t)INT64_MAX;
	}
	return (int64_t)v;
}

int intake_submit(struct intake *in, const struct report_org *org, const struct report_input *r,
                  struct intake_receipt *receipt, int64_t *id)
{
	char *personal = NULL, *suggestion = NULL;
	json_t *sugg = NULL;
	struct buf sealed = BUF_INIT;
	struct item it;
	char on[STORE_DATE_LEN + 1], at[STORE_TIME_LEN + 1], prefix[STORE_REF_PREFIX_MAX + 1];
	char text[RECEIPT_TEXT_LEN + 1];
	unsigned char hash[RECEIPT_HASH_BYTES];
	const char *forms_unknown[] = {"unknown"};
	int rc;

	if (!in || !org || !r || !receipt)
		return -EINVAL;
	const char *channel = given(r->channel) ? r->channel : "web";
	int kind = report_value_index(report_kinds, r->kind);
	if (kind < 0 || !str_is_id(org->id, ID_MAX_LEN) ||
	    report_value_index(report_channels, channel) < 0 ||
	    report_value_index(report_roles, r->reporter_role) < 0 || !given(r->description) ||
	    r->nforms > REPORT_MAX_FORMS || r->nsignals > REPORT_MAX_SIGNALS ||
	    r->npeople > REPORT_MAX_PEOPLE)
		return INTAKE_INVALID;
	for (size_t i = 0; i < r->nforms; i++)
		if (report_value_index(report_forms, r->forms[i]) < 0)
			return INTAKE_INVALID;

	rc = personal_json(r, kind == REPORT_ADVICE, &personal);
	if (rc)
		goto out;
	rc = report_suggest(in->content, r->signals, r->nsignals, &sugg);
	if (rc)
		goto out;
	suggestion = json_dumps(sugg, JSON_COMPACT);
	if (!suggestion) {
		rc = -ENOMEM;
		goto out;
	}
	today(on, at);
	snprintf(prefix, sizeof prefix, "%c%.4s-", strcmp(channel, "web") == 0 ? 'W' : 'M', on);

	memset(&it, 0, sizeof it);
	it.row = (struct store_report_new){
	    .org = org->id,
	    .ref_prefix = prefix,
	    .receipt_hash = hash,
	    .received_on = on,
	    .received_at = at,
	    .channel = channel,
	    .reporter_role = r->reporter_role,
	    .anonymous = r->anonymous,
	    .kind = r->kind,
	    .acute_danger = r->acute_danger,
	    .district = r->district,
	    /* No forms named means "weet ik niet" (contract). */
	    .forms = r->nforms ? r->forms : forms_unknown,
	    .nforms = r->nforms ? r->nforms : 1,
	    .signals = r->signals,
	    .nsignals = r->nsignals,
	    .suggestion = suggestion,
	};
	rc = STORE_CONFLICT;
	bool busy = false;
	for (int attempt = 0; attempt < SUBMIT_ATTEMPTS && rc == STORE_CONFLICT; attempt++) {
		it.row.id = random_id();
		receipt_generate(text);
		rc = receipt_hash(&in->rkey, text, hash);
		if (rc)
			goto out;
		buf_reset(&sealed);
		rc = seal_encrypt(&in->seal, (uint64_t)it.row.id, SEAL_REPORT, personal,
		                  strlen(personal), &sealed);
		if (rc)
			goto out;
		it.row.sealed = sealed.data;
		it.row.sealed_len = sealed.len;
		rc = enqueue_and_wait(in, &it, &busy);
	}
	if (busy)
		rc = INTAKE_BUSY;
	else if (rc == STORE_CONFLICT || rc == STORE_LIMIT || rc == -EINVAL)
		rc = INTAKE_INVALID;
	else if (rc > 0)
		rc = -EIO;
	if (rc)
		goto out;
	memcpy(receipt->text, text, sizeof text);
	if (id)
		*id = it.row.id;
out:
	if (personal) {
		sodium_memzero(personal, strlen(personal));
		free(personal);
	}
	if (sealed.data)
		sodium_memzero(sealed.data, sealed.cap);
	buf_free(&sealed);
	sodium_memzero(text, sizeof text);
	free(suggestion);
	json_decref(sugg);
	return rc;
}

/* --- follow-up ------------------------------------------------------------- */

/* The report of a typed receipt. INTAKE_NOT_FOUND also for a receipt that
 * cannot be one: the caller shows one message for both. */
static int find(struct intake *in, const char *typed, struct store_report_ref *ref)
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
	return rc == STORE_NOT_FOUND ? INTAKE_NOT_FOUND : rc > 0 ? -EIO : rc;
}

static int message_json(struct intake *in, int64_t report_id, const struct store_message *m,
                        struct buf *plain, json_t *list)
{
	int rc = seal_decrypt(&in->seal, (uint64_t)report_id, SEAL_MESSAGE, m->sealed,
	                      m->sealed_len, plain);
	if (rc == SEAL_INVALID) {
		/* Damaged or moved between reports: never shown, and said so
		 * without any content. */
		log_error("intake: message %lld does not open", (long long)m->id);
		return -EIO;
	}
	if (rc)
		return rc;
	json_t *o = json_pack("{s:s, s:s, s:s%}", "author", m->author, "at", m->created_at, "text",
	                      plain->data, plain->len);
	sodium_memzero(plain->data, plain->len);
	if (!o || json_array_append_new(list, o))
		return -ENOMEM;
	return 0;
}

int intake_follow(struct intake *in, const char *receipt, json_t **out)
{
	struct store_report_ref ref;
	struct store_message *msgs = NULL;
	size_t n = 0;
	struct buf plain = BUF_INIT;
	json_t *list = NULL, *res = NULL;
	*out = NULL;
	if (!in)
		return -EINVAL;
	int rc = find(in, receipt, &ref);
	if (rc)
		return rc;
	rc = store_messages(in->st, ref.id, &msgs, &n);
	if (rc) {
		rc = rc > 0 ? -EIO : rc;
		goto out;
	}
	list = json_array();
	rc = list ? 0 : -ENOMEM;
	for (size_t i = 0; !rc && i < n; i++)
		rc = message_json(in, ref.id, &msgs[i], &plain, list);
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
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	buf_free(&plain);
	json_decref(list);
	store_messages_free(msgs, n);
	return rc;
}

int intake_add_message(struct intake *in, const char *receipt, const char *text)
{
	struct store_report_ref ref;
	struct buf sealed = BUF_INIT;
	if (!in)
		return -EINVAL;
	size_t len = text ? strlen(text) : 0;
	int rc = find(in, receipt, &ref);
	if (rc)
		return rc;
	/* The caller checked it; checked again because this text is stored. */
	if (len == 0 || len > REPORT_MAX_MESSAGE || !str_text_valid(text, len, true))
		return INTAKE_INVALID;
	if (strcmp(ref.status, "closed") == 0)
		return INTAKE_CLOSED;
	rc = seal_encrypt(&in->seal, (uint64_t)ref.id, SEAL_MESSAGE, text, len, &sealed);
	if (rc)
		goto out;
	/* "closed" again inside the transaction: a handler may close the
	 * report between the look-up and the insert. */
	rc = store_message_add(in->st, ref.id, "reporter", sealed.data, sealed.len, "closed", NULL);
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
