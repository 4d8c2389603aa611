/* Tests of domain/intake: the group-commit writer, sealing, receipts and
 * following up, against a real SQLite store in a temporary directory and
 * the real content/. */
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "content/content.h"
#include "crypto/seal.h"
#include "domain/followup.h"
#include "domain/intake.h"
#include "store/sqlite.h"
#include "store/store.h"
#include "store_fixture.h"

static struct content *content;

static const unsigned char master[32] = {0x51, 0x67, 0x6e, 0x61, 0x61, 0x6c};
static const char *const districts[] = {"IJmuiden", "Velsen-Noord", "Driehuis"};
static const struct report_org org = {"velsen", districts, 3};

/* Under tests/pg/with-pg (SIGNAAL_TEST_STORE_URL) the intake runs once
 * more on that PostgreSQL database, emptied before each test (the shared
 * store_fixture.h, which also reads and changes it past the store,
 * whichever backend). The tests that hook into SQLite itself (a commit
 * hook, a trigger calling a C function) run on SQLite only (main). */

struct fx {
	struct store_fixture sf;
	struct store *s; /* sf.s */
	struct intake *in;
};

static int group_setup(void **state)
{
	(void)state;
	struct buf err = BUF_INIT;
	int rc = content_load(SIGNAAL_SOURCE_DIR "/content", &content, &err);
	if (rc)
		fprintf(stderr, "content: %s\n", buf_str(&err));
	buf_free(&err);
	return rc ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	content_free(content);
	return 0;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	struct store_org o = {.public_min_cell = 5};
	strcpy(o.id, "velsen");
	strcpy(o.name, "Gemeente Velsen");
	strcpy(o.region, "kennemerland");
	int rc = store_fixture_open(&f->sf);
	f->s = f->sf.s;
	if (!rc)
		rc = store_org_create(f->s, &o, districts, 3);
	if (!rc)
		rc = intake_start(f->s, content, master, &f->in);
	if (rc)
		fprintf(stderr, "setup: %d\n", rc);
	*state = f;
	return rc ? -1 : 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	intake_stop(f->in);
	store_fixture_close(&f->sf);
	free(f);
	return 0;
}

static struct report_input report(void)
{
	struct report_input r = {
	    .org = "velsen",
	    .kind = "report",
	    .reporter_role = "bystander",
	    .anonymous = true,
	    .description = "Ik zag drie mensen in een busje slapen bij de loods",
	    .signals = {"labour.low_pay", "labour.sleeps_at_work"},
	    .nsignals = 2,
	    .forms = {"labour"},
	    .nforms = 1,
	    .district = "IJmuiden",
	    .place = "Kanaalstraat",
	    .when = "vorige week",
	    .people = {{.age = "ongeveer 30", .minor = "no", .nationality = "Pools"}},
	    .npeople = 1,
	};
	return r;
}

/* --- raw reads ------------------------------------------------------------- */

static long long raw_int(struct fx *f, const char *sql)
{
	struct store_fixture_row q = {0};
	assert_int_equal(store_fixture_query(f->s, sql, &q), 0);
	return q.v;
}

/* The plaintext of a report's sealed blob, opened as staff will. */
static json_t *unseal_report(struct fx *f, int64_t id)
{
	struct store_fixture_row q = {.id = id};
	assert_int_equal(store_fixture_query(f->s, "SELECT sealed FROM reports WHERE id = $1", &q),
	                 0);
	assert_non_null(q.blob);
	struct seal_key k;
	struct buf p = BUF_INIT;
	assert_int_equal(seal_key_derive(master, &k), 0);
	assert_int_equal(seal_decrypt(&k, (uint64_t)id, SEAL_REPORT, q.blob, q.len, &p), 0);
	/* Sealed under this id only. */
	assert_int_equal(seal_decrypt(&k, (uint64_t)id + 1, SEAL_REPORT, q.blob, q.len, &p),
	                 SEAL_INVALID);
	assert_int_equal(seal_decrypt(&k, (uint64_t)id, SEAL_REPORT, q.blob, q.len, &p), 0);
	assert_null(memmem(q.blob, q.len, "busje", 5));
	json_t *j = json_loadb(p.data, p.len, 0, NULL);
	assert_non_null(j);
	free(q.blob);
	buf_free(&p);
	return j;
}

/* --- tests ----------------------------------------------------------------- */

static void test_submit_and_follow(void **state)
{
	struct fx *f = *state;
	struct report_input r = report();
	struct intake_receipt rc;
	int64_t id = 0;
	assert_int_equal(intake_submit(f->in, &org, &r, &rc, &id), 0);
	assert_true(id > 0);
	assert_int_equal(strlen(rc.text), RECEIPT_TEXT_LEN);
	char canon[RECEIPT_TEXT_LEN + 1];
	assert_true(receipt_normalise(rc.text, canon));
	assert_string_equal(canon, rc.text);

	json_t *j = NULL;
	assert_int_equal(intake_follow(f->in, rc.text, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "received");
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "report");
	assert_int_equal(json_array_size(json_object_get(j, "messages")), 0);
	json_decref(j);

	/* What is stored: plain columns for figures, the rest sealed, the
	 * receipt only as a hash, the suggestion with its signals. */
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports"), 1);
	struct store_fixture_row q = {0};
	assert_int_equal(store_fixture_query(f->s, "SELECT suggestion FROM reports", &q), 0);
	assert_non_null(strstr(q.text, "\"form\":\"labour\""));
	assert_non_null(strstr(q.text, "labour.sleeps_at_work"));
	struct store_fixture_row q2 = {0};
	assert_int_equal(
	    store_fixture_query(f->s,
	                        "SELECT channel || ' ' || district || ' ' || kind || ' ' ||"
	                        " reference || ' ' || anonymous FROM reports",
	                        &q2),
	    0);
	char year[5];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(year, sizeof year, "%Y", &tm);
	char want[64];
	snprintf(want, sizeof want, "web IJmuiden report W%s-000001 1", year);
	assert_string_equal(q2.text, want);
	assert_int_equal(raw_int(f, "SELECT length(receipt_hash) FROM reports"), 32);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports WHERE forms = 'labour'"
	                            " AND signals = 'labour.low_pay labour.sleeps_at_work'"),
	                 1);

	json_t *p = unseal_report(f, id);
	assert_string_equal(json_string_value(json_object_get(p, "description")), r.description);
	assert_string_equal(json_string_value(json_object_get(p, "place")), "Kanaalstraat");
	assert_string_equal(json_string_value(json_object_get(p, "when")), "vorige week");
	json_t *people = json_object_get(p, "people");
	assert_int_equal(json_array_size(people), 1);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(people, 0), "nationality")), "Pools");
	assert_null(json_object_get(p, "contact"));
	json_decref(p);
}

static void test_no_forms_is_unknown_and_contact_sealed(void **state)
{
	struct fx *f = *state;
	struct report_input r = report();
	r.nforms = 0;
	r.anonymous = false;
	r.district = NULL;
	r.contact_name = "Jan";
	r.contact_email = "jan@example.nl";
	struct intake_receipt rc;
	int64_t id;
	assert_int_equal(intake_submit(f->in, &org, &r, &rc, &id), 0);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports WHERE forms = 'unknown'"), 1);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports WHERE district IS NULL"), 1);
	json_t *p = unseal_report(f, id);
	json_t *c = json_object_get(p, "contact");
	assert_string_equal(json_string_value(json_object_get(c, "email")), "jan@example.nl");
	assert_null(json_object_get(c, "phone"));
	json_decref(p);
}

static void test_advice_stores_no_people(void **state)
{
	struct fx *f = *state;
	struct report_input r = report();
	r.kind = "advice";
	struct intake_receipt rc;
	int64_t id;
	assert_int_equal(intake_submit(f->in, &org, &r, &rc, &id), 0);
	json_t *p = unseal_report(f, id);
	assert_null(json_object_get(p, "people"));
	assert_non_null(json_object_get(p, "description"));
	json_decref(p);
	json_t *j;
	assert_int_equal(intake_follow(f->in, rc.text, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "advice");
	json_decref(j);
}

static void test_follow_spellings_and_wrong(void **state)
{
	struct fx *f = *state;
	struct report_input r = report();
	struct intake_receipt rc;
	assert_int_equal(intake_submit(f->in, &org, &r, &rc, NULL), 0);
	char typed[64];
	size_t k = 0;
	/* lower case, spaces instead of dashes, O for 0, L for 1 */
	for (size_t i = 0; rc.text[i]; i++) {
		char c = rc.text[i];
		if (c == '-')
			c = ' ';
		else if (c == '0')
			c = 'o';
		else if (c == '1')
			c = 'l';
		else if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		typed[k++] = c;
	}
	typed[k] = '\0';
	json_t *j = NULL;
	assert_int_equal(intake_follow(f->in, typed, &j), 0);
	json_decref(j);

	char wrong[RECEIPT_TEXT_LEN + 1];
	memcpy(wrong, rc.text, sizeof wrong);
	wrong[0] = wrong[0] == 'Z' ? 'Y' : 'Z';
	j = NULL;
	assert_int_equal(intake_follow(f->in, wrong, &j), INTAKE_NOT_FOUND);
	assert_null(j);
	assert_int_equal(intake_follow(f->in, "hallo", &j), INTAKE_NOT_FOUND);
	assert_int_equal(intake_follow(f->in, "", &j), INTAKE_NOT_FOUND);
	assert_int_equal(intake_follow(f->in, NULL, &j), INTAKE_NOT_FOUND);
	assert_int_equal(intake_add_message(f->in, wrong, "extra"), INTAKE_NOT_FOUND);
	/* Another organisation's site finds nothing under the same receipt,
	 * and adds nothing to it; its own organisation's does. */
	assert_int_equal(intake_follow_org(f->in, "utrecht", rc.text, &j), INTAKE_NOT_FOUND);
	assert_null(j);
	assert_int_equal(intake_add_message_org(f->in, "utrecht", rc.text, "extra"),
	                 INTAKE_NOT_FOUND);
	assert_int_equal(intake_follow_org(f->in, "velsen", rc.text, &j), 0);
	assert_non_null(j);
	json_decref(j);
}

/* Closes every report, as staff will, whichever backend. */
static int close_all(struct fx *f)
{
	return store_fixture_exec(f->s, "UPDATE reports SET status = 'closed'");
}

static void test_messages(void **state)
{
	struct fx *f = *state;
	struct report_input r = report();
	struct intake_receipt rc;
	int64_t id;
	assert_int_equal(intake_submit(f->in, &org, &r, &rc, &id), 0);
	assert_int_equal(intake_add_message(f->in, rc.text, "Het busje is er weer.\nVanavond."), 0);
	assert_int_equal(intake_add_message(f->in, rc.text, "Tweede bericht"), 0);
	assert_int_equal(intake_add_message(f->in, rc.text, ""), INTAKE_INVALID);
	assert_int_equal(intake_add_message(f->in, rc.text, "bel\x07"), INTAKE_INVALID);
	char *big = malloc(REPORT_MAX_MESSAGE + 2);
	memset(big, 'a', REPORT_MAX_MESSAGE + 1);
	big[REPORT_MAX_MESSAGE + 1] = '\0';
	assert_int_equal(intake_add_message(f->in, rc.text, big), INTAKE_INVALID);
	free(big);
	json_t *j;
	assert_int_equal(intake_follow(f->in, rc.text, &j), 0);
	json_t *m = json_object_get(j, "messages");
	assert_int_equal(json_array_size(m), 2);
	json_t *m0 = json_array_get(m, 0);
	assert_string_equal(json_string_value(json_object_get(m0, "author")), "reporter");
	assert_string_equal(json_string_value(json_object_get(m0, "text")),
	                    "Het busje is er weer.\nVanavond.");
	/* A reporter's message keeps its date only (test_message_date_only). */
	assert_int_equal(strlen(json_string_value(json_object_get(m0, "at"))), STORE_DATE_LEN);
	json_decref(j);
	/* Messages are sealed under the report's id as messages. */
	struct store_fixture_row q = {0};
	assert_int_equal(store_fixture_query(
	                     f->s, "SELECT sealed FROM report_messages ORDER BY seq LIMIT 1", &q),
	                 0);
	assert_null(memmem(q.blob, q.len, "busje", 5));
	struct seal_key k;
	struct buf p = BUF_INIT;
	assert_int_equal(seal_key_derive(master, &k), 0);
	assert_int_equal(seal_decrypt(&k, (uint64_t)id, SEAL_MESSAGE, q.blob, q.len, &p), 0);
	assert_int_equal(seal_decrypt(&k, (uint64_t)id, SEAL_REPORT, q.blob, q.len, &p),
	                 SEAL_INVALID);
	free(q.blob);
	buf_free(&p);

	assert_int_equal(close_all(f), 0);
	assert_int_equal(intake_add_message(f->in, rc.text, "Nog iets"), INTAKE_CLOSED);
	assert_int_equal(intake_follow(f->in, rc.text, &j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "closed");
	assert_int_equal(json_array_size(json_object_get(j, "messages")), 2);
	json_decref(j);
}

static void test_invalid_input(void **state)
{
	struct fx *f = *state;
	struct intake_receipt rc;
	struct report_input r = report();
	r.kind = "klacht";
	assert_int_equal(intake_submit(f->in, &org, &r, &rc, NULL), INTAKE_INVALID);
	r = report();
	r.description = "";
	assert_int_equal(intake_submit(f->in, &org, &r, &rc, NULL), INTAKE_INVALID);
	r = report();
	r.forms[0] = "fraud";
	assert_int_equal(intake_submit(f->in, &org, &r, &rc, NULL), INTAKE_INVALID);
	r = report();
	r.channel = "pigeon";
	assert_int_equal(intake_submit(f->in, &org, &r, &rc, NULL), INTAKE_INVALID);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports"), 0);
}

/* --- concurrency ------------------------------------------------------------ */

enum {
	THREADS = 16,
	PER_THREAD = 25
};

struct worker {
	struct fx *f;
	bool bad; /* submits a district the organisation does not have */
	int n;
	int results[PER_THREAD];
	struct intake_receipt receipts[PER_THREAD];
	int64_t ids[PER_THREAD];
	atomic_int *finished;
};

static void *submitter(void *arg)
{
	struct worker *w = arg;
	struct report_input r = report();
	if (w->bad)
		r.district = "Atlantis";
	for (int i = 0; i < w->n; i++)
		w->results[i] = intake_submit(w->f->in, &org, &r, &w->receipts[i], &w->ids[i]);
	if (w->finished)
		atomic_fetch_add(w->finished, 1);
	return NULL;
}

static int cmp_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Many submitters at once: all answered, all receipts distinct and
 * followable, all stored, and the rows of a bad submitter (its district
 * does not exist) refused without failing the others' batches. */
static void test_concurrent_submitters(void **state)
{
	struct fx *f = *state;
	pthread_t t[THREADS];
	struct worker *w = calloc(THREADS, sizeof *w);
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){.f = f, .n = PER_THREAD, .bad = i % 8 == 7};
		assert_int_equal(pthread_create(&t[i], NULL, submitter, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	char(*all)[RECEIPT_TEXT_LEN + 1] = calloc(THREADS * PER_THREAD, sizeof *all);
	size_t good = 0;
	for (int i = 0; i < THREADS; i++) {
		for (int k = 0; k < PER_THREAD; k++) {
			if (w[i].bad) {
				assert_int_equal(w[i].results[k], INTAKE_INVALID);
				continue;
			}
			assert_int_equal(w[i].results[k], 0);
			memcpy(all[good++], w[i].receipts[k].text, RECEIPT_TEXT_LEN + 1);
			json_t *j = NULL;
			assert_int_equal(intake_follow(f->in, w[i].receipts[k].text, &j), 0);
			json_decref(j);
		}
	}
	assert_int_equal(good, (THREADS - 2) * PER_THREAD);
	qsort(all, good, sizeof *all, cmp_text);
	for (size_t i = 1; i < good; i++)
		assert_string_not_equal(all[i - 1], all[i]);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports"), (long long)good);
	assert_int_equal(raw_int(f, "SELECT COUNT(DISTINCT reference) FROM reports"),
	                 (long long)good);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports WHERE forms = 'labour'"),
	                 (long long)good);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports WHERE sealed IS NULL"), 0);
	free(all);
	free(w);
}

/* Holds the store's writer from another thread, so the intake's writer
 * waits and its queue fills. */
struct blocker {
	struct store *s;
	pthread_mutex_t m;
	pthread_cond_t c;
	bool held, release;
	pthread_t t;
};

static int block_txn(struct store_tx *tx, void *ctx)
{
	(void)tx;
	struct blocker *b = ctx;
	pthread_mutex_lock(&b->m);
	b->held = true;
	pthread_cond_broadcast(&b->c);
	while (!b->release)
		pthread_cond_wait(&b->c, &b->m);
	pthread_mutex_unlock(&b->m);
	return 0;
}

static void *block_main(void *arg)
{
	struct blocker *b = arg;
	store_txn(b->s, block_txn, b);
	return NULL;
}

static void block_start(struct blocker *b, struct store *s)
{
	memset(b, 0, sizeof *b);
	b->s = s;
	pthread_mutex_init(&b->m, NULL);
	pthread_cond_init(&b->c, NULL);
	assert_int_equal(pthread_create(&b->t, NULL, block_main, b), 0);
	pthread_mutex_lock(&b->m);
	while (!b->held)
		pthread_cond_wait(&b->c, &b->m);
	pthread_mutex_unlock(&b->m);
}

static void block_end(struct blocker *b)
{
	pthread_mutex_lock(&b->m);
	b->release = true;
	pthread_cond_broadcast(&b->c);
	pthread_mutex_unlock(&b->m);
	pthread_join(b->t, NULL);
	pthread_cond_destroy(&b->c);
	pthread_mutex_destroy(&b->m);
}

/* Waits until each of n one-report submitters is either answered or
 * waiting for its commit: no timing guesses, so a loaded machine only
 * makes the test slower. */
static void wait_settled(struct fx *f, atomic_int *finished, int n)
{
	while ((int)intake_pending(f->in) + atomic_load(finished) < n)
		usleep(1000);
}

/* With the writer stuck, the queue fills to INTAKE_QUEUE_MAX and then
 * answers INTAKE_BUSY at once; everything queued is stored afterwards. */
static void test_queue_full_busy(void **state)
{
	struct fx *f = *state;
	enum {
		N = INTAKE_QUEUE_MAX + INTAKE_BATCH_MAX + 40
	};
	struct blocker b;
	block_start(&b, f->s);
	atomic_int finished = 0;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_t *t = calloc(N, sizeof *t);
	struct worker *w = calloc(N, sizeof *w);
	for (int i = 0; i < N; i++) {
		w[i] = (struct worker){.f = f, .n = 1, .finished = &finished};
		assert_int_equal(pthread_create(&t[i], &attr, submitter, &w[i]), 0);
	}
	pthread_attr_destroy(&attr);
	wait_settled(f, &finished, N);
	/* The full queue answered the rest at once, while the writer was
	 * still stuck. */
	assert_int_equal(intake_pending(f->in) + (size_t)atomic_load(&finished), N);
	assert_true(atomic_load(&finished) >= 40);
	block_end(&b);
	int ok = 0, busy = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		if (w[i].results[0] == 0)
			ok++;
		else if (w[i].results[0] == INTAKE_BUSY)
			busy++;
	}
	assert_int_equal(ok + busy, N);
	assert_true(busy >= 40);
	assert_true(ok >= (int)INTAKE_QUEUE_MAX);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports"), ok);
	free(t);
	free(w);
}

struct stopper {
	struct fx *f;
	pthread_t t;
};

static void *stop_main(void *arg)
{
	struct stopper *s = arg;
	intake_stop(s->f->in);
	return NULL;
}

/* intake_stop finishes what is queued before it returns. */
static void test_stop_drains(void **state)
{
	struct fx *f = *state;
	enum {
		N = 100
	};
	struct blocker b;
	block_start(&b, f->s);
	atomic_int finished = 0;
	pthread_t t[N];
	struct worker *w = calloc(N, sizeof *w);
	for (int i = 0; i < N; i++) {
		w[i] = (struct worker){.f = f, .n = 1, .finished = &finished};
		assert_int_equal(pthread_create(&t[i], NULL, submitter, &w[i]), 0);
	}
	wait_settled(f, &finished, N);
	assert_int_equal(intake_pending(f->in), N);
	struct stopper s = {f, 0};
	assert_int_equal(pthread_create(&s.t, NULL, stop_main, &s), 0);
	usleep(50 * 1000);
	block_end(&b);
	pthread_join(s.t, NULL);
	f->in = NULL;
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].results[0], 0);
	}
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports"), N);
	free(w);
}

/* --- async ----------------------------------------------------------------- */

/* What one intake_submit_async answered. */
struct answer {
	atomic_int calls;
	int rc;
	int64_t id;
	bool had_receipt;
	struct intake_receipt receipt;
};

/* Counts every done of a test, to wait for them without timing guesses. */
struct answers {
	pthread_mutex_t m;
	pthread_cond_t c;
	size_t called;
};

static struct answers answers = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};

static void answers_reset(void)
{
	pthread_mutex_lock(&answers.m);
	answers.called = 0;
	pthread_mutex_unlock(&answers.m);
}

static void answers_wait(size_t n)
{
	pthread_mutex_lock(&answers.m);
	while (answers.called < n)
		pthread_cond_wait(&answers.c, &answers.m);
	pthread_mutex_unlock(&answers.m);
}

/* The writer lowers its pending count just after the done calls of a
 * batch: wait (bounded) for it to reach zero. */
static size_t pending_settled(struct intake *in)
{
	for (int i = 0; i < 500 && intake_pending(in) != 0; i++)
		usleep(10 * 1000);
	return intake_pending(in);
}

static size_t answers_called(void)
{
	pthread_mutex_lock(&answers.m);
	size_t n = answers.called;
	pthread_mutex_unlock(&answers.m);
	return n;
}

static void on_done(void *arg, int rc, const struct intake_receipt *receipt, int64_t id)
{
	struct answer *a = arg;
	/* Only the first call is kept: a second one shows in calls. */
	if (atomic_fetch_add(&a->calls, 1) == 0) {
		a->rc = rc;
		a->id = id;
		a->had_receipt = receipt != NULL;
		if (receipt)
			a->receipt = *receipt;
	}
	pthread_mutex_lock(&answers.m);
	answers.called++;
	pthread_cond_broadcast(&answers.c);
	pthread_mutex_unlock(&answers.m);
}

/* Counts the writer connection's commits. */
static atomic_int commits;

static int count_commit(void *ctx)
{
	(void)ctx;
	atomic_fetch_add(&commits, 1);
	return 0;
}

static int hook_commits(sqlite3 *db, void *ctx)
{
	sqlite3_commit_hook(db, ctx ? count_commit : NULL, NULL);
	return 0;
}

/* Each done is called exactly once, after its commit, with a receipt that
 * follows and an id whose row is sealed under it; submitted while the
 * writer is held, they share few commits (a batch takes everything queued
 * up to INTAKE_BATCH_MAX). */
static void test_async_once_each(void **state)
{
	struct fx *f = *state;
	enum {
		N = 3 * INTAKE_BATCH_MAX + 10
	};
	answers_reset();
	struct answer *a = calloc(N, sizeof *a);
	struct report_input r = report();
	atomic_store(&commits, 0);
	assert_int_equal(store_sqlite_raw(f->s, true, hook_commits, f), 0);
	struct blocker b;
	block_start(&b, f->s);
	for (int i = 0; i < N; i++)
		assert_int_equal(intake_submit_async(f->in, &org, &r, on_done, &a[i]), 0);
	assert_int_equal(intake_pending(f->in), N);
	assert_int_equal(answers_called(), 0);
	block_end(&b);
	answers_wait(N);
	/* The blocker's commit, the first batch (taken before all were
	 * queued), then full batches. */
	assert_true(atomic_load(&commits) <=
	            (int)(2 + (N + INTAKE_BATCH_MAX - 2) / INTAKE_BATCH_MAX));
	assert_int_equal(store_sqlite_raw(f->s, true, hook_commits, NULL), 0);
	assert_int_equal(pending_settled(f->in), 0);
	char(*all)[RECEIPT_TEXT_LEN + 1] = calloc(N, sizeof *all);
	for (int i = 0; i < N; i++) {
		assert_int_equal(atomic_load(&a[i].calls), 1);
		assert_int_equal(a[i].rc, 0);
		assert_true(a[i].had_receipt);
		assert_true(a[i].id > 0);
		assert_int_equal(strlen(a[i].receipt.text), RECEIPT_TEXT_LEN);
		memcpy(all[i], a[i].receipt.text, RECEIPT_TEXT_LEN + 1);
		json_t *j = NULL;
		assert_int_equal(intake_follow(f->in, a[i].receipt.text, &j), 0);
		assert_string_equal(json_string_value(json_object_get(j, "status")), "received");
		json_decref(j);
	}
	qsort(all, N, sizeof *all, cmp_text);
	for (int i = 1; i < N; i++)
		assert_string_not_equal(all[i - 1], all[i]);
	json_t *p = unseal_report(f, a[N - 1].id);
	assert_string_equal(json_string_value(json_object_get(p, "description")), r.description);
	json_decref(p);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports"), N);
	/* Nothing more arrives later. */
	for (int i = 0; i < N; i++)
		assert_int_equal(atomic_load(&a[i].calls), 1);
	free(all);
	free(a);
}

/* A refused submit never calls done: invalid input, NULL done, and a full
 * queue. */
static void test_async_refused_never_done(void **state)
{
	struct fx *f = *state;
	answers_reset();
	struct answer bad = {0};
	struct report_input r = report();
	r.kind = "klacht";
	assert_int_equal(intake_submit_async(f->in, &org, &r, on_done, &bad), INTAKE_INVALID);
	r = report();
	r.description = NULL;
	assert_int_equal(intake_submit_async(f->in, &org, &r, on_done, &bad), INTAKE_INVALID);
	r = report();
	r.forms[0] = "fraud";
	assert_int_equal(intake_submit_async(f->in, &org, &r, on_done, &bad), INTAKE_INVALID);
	r = report();
	r.signals[1] = NULL;
	assert_int_equal(intake_submit_async(f->in, &org, &r, on_done, &bad), INTAKE_INVALID);
	r = report();
	struct report_org bad_org = {"Velsen!", districts, 3};
	assert_int_equal(intake_submit_async(f->in, &bad_org, &r, on_done, &bad), INTAKE_INVALID);
	assert_int_equal(intake_submit_async(f->in, &org, &r, NULL, &bad), -EINVAL);
	assert_int_equal(intake_submit_async(NULL, &org, &r, on_done, &bad), -EINVAL);
	assert_int_equal(intake_submit_async(f->in, NULL, &r, on_done, &bad), -EINVAL);
	assert_int_equal(intake_submit_async(f->in, &org, NULL, on_done, &bad), -EINVAL);

	/* Full queue: accepted until the queue holds INTAKE_QUEUE_MAX (the
	 * writer may hold a first batch), then INTAKE_BUSY at once. */
	enum {
		N = INTAKE_QUEUE_MAX + INTAKE_BATCH_MAX + 1
	};
	struct answer *a = calloc(N, sizeof *a);
	struct blocker b;
	block_start(&b, f->s);
	int n = 0;
	while (n < N && intake_submit_async(f->in, &org, &r, on_done, &a[n]) == 0)
		n++;
	assert_true(n >= (int)INTAKE_QUEUE_MAX && n < N);
	assert_int_equal(intake_pending(f->in), n);
	for (int i = 0; i < 5; i++)
		assert_int_equal(intake_submit_async(f->in, &org, &r, on_done, &bad), INTAKE_BUSY);
	assert_int_equal(answers_called(), 0);
	block_end(&b);
	answers_wait((size_t)n);
	for (int i = 0; i < n; i++) {
		assert_int_equal(atomic_load(&a[i].calls), 1);
		assert_int_equal(a[i].rc, 0);
	}
	assert_int_equal(atomic_load(&bad.calls), 0);
	intake_stop(f->in);
	f->in = NULL;
	assert_int_equal(atomic_load(&bad.calls), 0);
	assert_int_equal(answers_called(), n);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports"), n);
	free(a);
}

static void wipe_free(char *s)
{
	memset(s, 'X', strlen(s));
	free(s);
}

/* Nothing queued borrows the caller's memory: the input is scribbled over
 * and freed right after the submit, while the writer is held (ASan sees
 * any read of it). */
static void test_async_copies_input(void **state)
{
	struct fx *f = *state;
	answers_reset();
	struct answer a = {0};
	char *org_id = strdup("velsen");
	struct report_org o = {org_id, districts, 3};
	struct report_input r = {
	    .kind = strdup("report"),
	    .reporter_role = strdup("victim"),
	    .description = strdup("Mijn baas houdt mijn paspoort"),
	    .signals = {strdup("labour.low_pay"), strdup("labour.sleeps_at_work")},
	    .nsignals = 2,
	    .forms = {strdup("labour"), strdup("sexual")},
	    .nforms = 2,
	    .district = strdup("Driehuis"),
	    .place = strdup("Loods"),
	    .contact_phone = strdup("0612345678"),
	    .channel = strdup("phone"),
	};
	struct blocker b;
	block_start(&b, f->s);
	assert_int_equal(intake_submit_async(f->in, &o, &r, on_done, &a), 0);
	wipe_free(org_id);
	wipe_free((char *)r.kind);
	wipe_free((char *)r.reporter_role);
	wipe_free((char *)r.description);
	wipe_free((char *)r.signals[0]);
	wipe_free((char *)r.signals[1]);
	wipe_free((char *)r.forms[0]);
	wipe_free((char *)r.forms[1]);
	wipe_free((char *)r.district);
	wipe_free((char *)r.place);
	wipe_free((char *)r.contact_phone);
	wipe_free((char *)r.channel);
	memset(&r, 0xA5, sizeof r);
	memset(&o, 0xA5, sizeof o);
	block_end(&b);
	answers_wait(1);
	assert_int_equal(atomic_load(&a.calls), 1);
	assert_int_equal(a.rc, 0);
	struct store_fixture_row q = {0};
	assert_int_equal(store_fixture_query(
	                     f->s,
	                     "SELECT org_id || ' ' || channel || ' ' || district || ' ' || kind ||"
	                     " ' ' || reporter_role || ' ' || substr(reference, 1, 1)"
	                     " FROM reports",
	                     &q),
	                 0);
	assert_string_equal(q.text, "velsen phone Driehuis report victim M");
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports"
	                            " WHERE signals = 'labour.low_pay labour.sleeps_at_work'"
	                            " AND forms = 'labour sexual'"),
	                 1);
	struct store_fixture_row s = {0};
	assert_int_equal(store_fixture_query(f->s, "SELECT suggestion FROM reports", &s), 0);
	assert_non_null(strstr(s.text, "labour.sleeps_at_work"));
	json_t *p = unseal_report(f, a.id);
	assert_string_equal(json_string_value(json_object_get(p, "description")),
	                    "Mijn baas houdt mijn paspoort");
	assert_string_equal(json_string_value(json_object_get(p, "place")), "Loods");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(p, "contact"), "phone")),
	    "0612345678");
	json_decref(p);
}

/* A temporary trigger on the writer connection refuses the first inserts
 * as a conflict (as a repeated id or receipt would) and notes every id
 * tried; its counts live in C, so no rollback undoes them. */
enum {
	TRIED_MAX = 16
};
static struct {
	atomic_int fail; /* inserts still to refuse */
	atomic_int n;
	int64_t ids[TRIED_MAX];
} tried;

static void fn_try(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	int k = atomic_fetch_add(&tried.n, 1);
	if (k < TRIED_MAX)
		tried.ids[k] = sqlite3_value_int64(argv[0]);
	sqlite3_result_int(ctx, atomic_fetch_sub(&tried.fail, 1) > 0);
}

static int add_trigger(sqlite3 *db, void *ctx)
{
	(void)ctx;
	if (sqlite3_create_function(db, "intake_test_try", 1, SQLITE_UTF8, NULL, fn_try, NULL,
	                            NULL) != SQLITE_OK)
		return -EIO;
	return sqlite3_exec(db,
	                    "CREATE TEMP TRIGGER intake_test BEFORE INSERT ON reports"
	                    " WHEN intake_test_try(NEW.id) BEGIN"
	                    " SELECT RAISE(ABORT, 'conflict'); END",
	                    NULL, NULL, NULL) == SQLITE_OK
	           ? 0
	           : -EIO;
}

static int drop_trigger(sqlite3 *db, void *ctx)
{
	(void)ctx;
	return sqlite3_exec(db, "DROP TRIGGER intake_test", NULL, NULL, NULL) == SQLITE_OK ? 0
	                                                                                   : -EIO;
}

/* After a conflict the writer seals the item again under a new id and
 * receipt and retries it (SUBMIT_ATTEMPTS in all); the stored row opens
 * under its final id only, and that receipt follows. A row that keeps
 * conflicting is answered INTAKE_INVALID. */
static void test_async_retry_reseals(void **state)
{
	struct fx *f = *state;
	answers_reset();
	atomic_store(&tried.n, 0);
	atomic_store(&tried.fail, 2);
	assert_int_equal(store_sqlite_raw(f->s, true, add_trigger, NULL), 0);
	struct answer a = {0};
	struct report_input r = report();
	assert_int_equal(intake_submit_async(f->in, &org, &r, on_done, &a), 0);
	answers_wait(1);
	assert_int_equal(a.rc, 0);
	assert_int_equal(atomic_load(&tried.n), 3);
	assert_true(tried.ids[0] != tried.ids[1] && tried.ids[1] != tried.ids[2]);
	assert_true(tried.ids[2] == a.id);
	json_t *p = unseal_report(f, a.id);
	assert_string_equal(json_string_value(json_object_get(p, "description")), r.description);
	json_decref(p);
	json_t *j = NULL;
	assert_int_equal(intake_follow(f->in, a.receipt.text, &j), 0);
	json_decref(j);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports"), 1);

	/* Always a conflict: three attempts, then INTAKE_INVALID. */
	answers_reset();
	atomic_store(&tried.n, 0);
	atomic_store(&tried.fail, 1000);
	struct answer b = {0};
	assert_int_equal(intake_submit_async(f->in, &org, &r, on_done, &b), 0);
	answers_wait(1);
	assert_int_equal(atomic_load(&b.calls), 1);
	assert_int_equal(b.rc, INTAKE_INVALID);
	assert_false(b.had_receipt);
	assert_int_equal(b.id, 0);
	assert_int_equal(atomic_load(&tried.n), 3);
	/* The same through intake_submit. */
	atomic_store(&tried.n, 0);
	struct intake_receipt rc;
	assert_int_equal(intake_submit(f->in, &org, &r, &rc, NULL), INTAKE_INVALID);
	assert_int_equal(atomic_load(&tried.n), 3);
	assert_int_equal(store_sqlite_raw(f->s, true, drop_trigger, NULL), 0);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports"), 1);

	/* A district that does not exist conflicts on every attempt. */
	answers_reset();
	struct answer c = {0};
	r.district = "Atlantis";
	assert_int_equal(intake_submit_async(f->in, &org, &r, on_done, &c), 0);
	answers_wait(1);
	assert_int_equal(c.rc, INTAKE_INVALID);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports"), 1);
}

/* intake_stop finishes the queued async items and calls each done once
 * before it returns. */
static void test_async_stop_drains(void **state)
{
	struct fx *f = *state;
	enum {
		N = 150
	};
	answers_reset();
	struct answer *a = calloc(N, sizeof *a);
	struct report_input r = report();
	struct blocker b;
	block_start(&b, f->s);
	for (int i = 0; i < N; i++) {
		/* A few that conflict: their retries are drained too. */
		r.district = i % 10 == 9 ? "Atlantis" : "IJmuiden";
		assert_int_equal(intake_submit_async(f->in, &org, &r, on_done, &a[i]), 0);
	}
	assert_int_equal(intake_pending(f->in), N);
	struct stopper s = {f, 0};
	assert_int_equal(pthread_create(&s.t, NULL, stop_main, &s), 0);
	usleep(50 * 1000);
	assert_int_equal(answers_called(), 0);
	block_end(&b);
	pthread_join(s.t, NULL);
	f->in = NULL;
	/* No waiting: stop returned only after every done. */
	assert_int_equal(answers_called(), N);
	int ok = 0;
	for (int i = 0; i < N; i++) {
		assert_int_equal(atomic_load(&a[i].calls), 1);
		assert_int_equal(a[i].rc, i % 10 == 9 ? INTAKE_INVALID : 0);
		ok += a[i].rc == 0;
	}
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports"), ok);
	free(a);
}

/* Many async submitters on a few threads, with BUSY retried: every done
 * exactly once, every accepted report stored, distinct receipts. */
enum {
	STRESS_THREADS = 6,
	STRESS_PER_THREAD = 400
};

struct stress {
	struct fx *f;
	int t;
	struct answer *a; /* STRESS_PER_THREAD */
	int busy;
};

static void *stress_main(void *arg)
{
	struct stress *s = arg;
	for (int i = 0; i < STRESS_PER_THREAD; i++) {
		/* Each submit builds its own input on the heap and frees it
		 * right after. */
		struct report_input *r = malloc(sizeof *r);
		*r = report();
		char *desc = malloc(64);
		snprintf(desc, 64, "melding %d van draad %d", i, s->t);
		r->description = desc;
		if ((i + s->t) % 17 == 0)
			r->district = "Atlantis";
		int rc;
		while ((rc = intake_submit_async(s->f->in, &org, r, on_done, &s->a[i])) ==
		       INTAKE_BUSY) {
			s->busy++;
			usleep(200);
		}
		free(desc);
		free(r);
		if (rc) {
			s->a[i].rc = rc;
			atomic_store(&s->a[i].calls, -1000);
		}
	}
	return NULL;
}

static void test_async_stress(void **state)
{
	struct fx *f = *state;
	enum {
		N = STRESS_THREADS * STRESS_PER_THREAD
	};
	answers_reset();
	struct answer *a = calloc(N, sizeof *a);
	struct stress s[STRESS_THREADS];
	pthread_t t[STRESS_THREADS];
	for (int i = 0; i < STRESS_THREADS; i++) {
		s[i] = (struct stress){f, i, a + i * STRESS_PER_THREAD, 0};
		assert_int_equal(pthread_create(&t[i], NULL, stress_main, &s[i]), 0);
	}
	/* Meanwhile intake_submit too: both paths share the queue. */
	struct report_input r = report();
	struct intake_receipt rc;
	for (int i = 0; i < 20; i++) {
		int e = intake_submit(f->in, &org, &r, &rc, NULL);
		assert_true(e == 0 || e == INTAKE_BUSY);
	}
	for (int i = 0; i < STRESS_THREADS; i++)
		pthread_join(t[i], NULL);
	answers_wait(N);
	size_t good = 0;
	char(*all)[RECEIPT_TEXT_LEN + 1] = calloc(N, sizeof *all);
	for (int k = 0; k < N; k++) {
		int th = k / STRESS_PER_THREAD, i = k % STRESS_PER_THREAD;
		assert_int_equal(atomic_load(&a[k].calls), 1);
		if ((i + th) % 17 == 0) {
			assert_int_equal(a[k].rc, INTAKE_INVALID);
			continue;
		}
		assert_int_equal(a[k].rc, 0);
		memcpy(all[good++], a[k].receipt.text, RECEIPT_TEXT_LEN + 1);
	}
	qsort(all, good, sizeof *all, cmp_text);
	for (size_t i = 1; i < good; i++)
		assert_string_not_equal(all[i - 1], all[i]);
	assert_int_equal(pending_settled(f->in), 0);
	long long stored = raw_int(f, "SELECT COUNT(*) FROM reports");
	assert_true(stored >= (long long)good && stored <= (long long)good + 20);
	assert_int_equal(raw_int(f, "SELECT COUNT(DISTINCT reference) FROM reports"), stored);
	json_t *j = NULL;
	assert_int_equal(intake_follow(f->in, all[good / 2], &j), 0);
	json_decref(j);
	free(all);
	free(a);
}

/* Nothing stored says when a report arrived, beyond its date: the id is
 * random (it used to hold the millisecond since 2020 in its top 42 bits)
 * and received_at stays empty. Either would link a report to an address
 * in a proxy's access log. */
static void test_no_arrival_time_kept(void **state)
{
	struct fx *f = *state;
	struct report_input r = report();
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	const int64_t now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	const int64_t since_2020 = now_ms - INT64_C(1577836800000);
	int64_t ids[8];
	for (size_t i = 0; i < 8; i++) {
		struct intake_receipt rc;
		assert_int_equal(intake_submit(f->in, &org, &r, &rc, &ids[i]), 0);
		assert_true(ids[i] > 0);
		/* Not the time of arrival: ten minutes either side are 2^-32
		 * of the 42 bits a random id has there. */
		int64_t top = ids[i] >> 21;
		if (top > since_2020 - 600000 && top < since_2020 + 600000)
			fail_msg("id %lld holds the arrival time", (long long)ids[i]);
	}
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports"), 8);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM reports WHERE received_at IS NULL"), 8);
	/* The date is kept: triage counts days. */
	char today[16];
	struct tm tm;
	time_t t = time(NULL);
	localtime_r(&t, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	struct store_fixture_row q = {0};
	assert_int_equal(store_fixture_query(f->s, "SELECT received_on FROM reports LIMIT 1", &q),
	                 0);
	assert_string_equal(q.text, today);
}

/* Today's local date, as the intake keeps it. */
static void local_today(char out[STORE_DATE_LEN + 1])
{
	struct tm tm;
	time_t t = time(NULL);
	localtime_r(&t, &tm);
	strftime(out, STORE_DATE_LEN + 1, "%Y-%m-%d", &tm);
}

/* A reporter's message keeps its date and no time of day, which with a
 * proxy's access log would link it to an address (a staff member's keeps
 * its time). Messages of one date keep the order they were written in. */
static void test_message_date_only(void **state)
{
	struct fx *f = *state;
	struct report_input r = report();
	struct intake_receipt rc;
	int64_t id;
	assert_int_equal(intake_submit(f->in, &org, &r, &rc, &id), 0);
	static const char *const texts[] = {"een", "twee", "drie", "vier", "vijf", "zes"};
	for (size_t i = 0; i < 6; i++) {
		if (i == 3) {
			/* A handler answers in between, as staff will. */
			struct seal_key k;
			struct buf sealed = BUF_INIT;
			assert_int_equal(seal_key_derive(master, &k), 0);
			assert_int_equal(seal_encrypt(&k, (uint64_t)id, SEAL_MESSAGE, texts[i],
			                              strlen(texts[i]), &sealed),
			                 0);
			assert_int_equal(store_message_add(f->s, id, "handler", NULL, sealed.data,
			                                   sealed.len, NULL, NULL),
			                 0);
			buf_free(&sealed);
			seal_key_wipe(&k);
		} else {
			assert_int_equal(intake_add_message(f->in, rc.text, texts[i]), 0);
		}
	}
	char today[STORE_DATE_LEN + 1];
	local_today(today);
	/* Stored: the date, nothing more. */
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM report_messages WHERE author = 'reporter'"
	                            " AND length(created_at) = 10"),
	                 5);
	struct store_fixture_row q = {0};
	assert_int_equal(
	    store_fixture_query(f->s,
	                        "SELECT created_at FROM report_messages WHERE author = 'reporter'"
	                        " ORDER BY seq LIMIT 1",
	                        &q),
	    0);
	assert_string_equal(q.text, today);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM report_messages WHERE author = 'handler'"
	                            " AND length(created_at) = 20"),
	                 1);
	/* Followed: in the order written, however the dates and ids fall. */
	json_t *j;
	assert_int_equal(intake_follow(f->in, rc.text, &j), 0);
	json_t *m = json_object_get(j, "messages");
	assert_int_equal(json_array_size(m), 6);
	for (size_t i = 0; i < 6; i++) {
		json_t *mi = json_array_get(m, i);
		const char *at = json_string_value(json_object_get(mi, "at"));
		assert_string_equal(json_string_value(json_object_get(mi, "text")), texts[i]);
		assert_string_equal(json_string_value(json_object_get(mi, "author")),
		                    i == 3 ? "handler" : "reporter");
		if (i == 3) {
			assert_int_equal(strlen(at), STORE_TIME_LEN);
		} else {
			assert_string_equal(at, today);
		}
	}
	json_decref(j);
}

/* Writes that work leave /healthz's answer at 0. (A full disk is tested
 * for real in tests/http/test_faults.c.) */
static void test_write_health_ok(void **state)
{
	struct fx *f = *state;
	assert_int_equal(intake_write_health(f->in), 0);
	struct report_input r = report();
	struct intake_receipt rc;
	assert_int_equal(intake_submit(f->in, &org, &r, &rc, NULL), 0);
	assert_int_equal(intake_write_health(f->in), 0);
	assert_int_equal(intake_write_health(NULL), -EINVAL);
}

/* --- the follow-up flow (domain/followup) ---------------------------------- */

struct guard_log {
	unsigned wait; /* what the guard answers */
	int asked, wrong;
};

static unsigned guard_wait(void *ctx)
{
	struct guard_log *g = ctx;
	g->asked++;
	return g->wait;
}

static void guard_wrong(void *ctx)
{
	((struct guard_log *)ctx)->wrong++;
}

static int run_followup(struct fx *f, struct guard_log *g, const char *receipt, const char *message,
                        struct followup *out)
{
	struct followup_guard guard = {.wait = guard_wait, .wrong = guard_wrong, .ctx = g};
	struct followup_input q = {
	    .receipt = receipt, .message = message, .message_len = message ? strlen(message) : 0};
	return followup_run(f ? f->in : NULL, &guard, &q, out);
}

/* The steps in their order (followup.h): the receipt's text, the guard
 * before any lookup, a malformed receipt costs no try and a wrong one
 * does, a wrong receipt is said before a message's problem, and a problem
 * or a closed report comes with the conversation. */
static void test_followup_order(void **state)
{
	struct fx *f = *state;
	struct report_input r = report();
	struct intake_receipt rc;
	assert_int_equal(intake_submit(f->in, &org, &r, &rc, NULL), 0);
	struct guard_log g = {0};
	struct followup out;

	assert_int_equal(run_followup(f, &g, "", NULL, &out), FOLLOWUP_NO_RECEIPT);
	followup_free(&out);
	assert_int_equal(run_followup(f, &g, "7KQ4\x01", NULL, &out), FOLLOWUP_UNREADABLE);
	followup_free(&out);
	assert_int_equal(g.asked, 0);

	/* Malformed: not looked up, no try. */
	assert_int_equal(run_followup(f, &g, "hallo", NULL, &out), FOLLOWUP_NOT_FOUND);
	assert_null(out.report);
	followup_free(&out);
	assert_int_equal(g.asked, 1);
	assert_int_equal(g.wrong, 0);
	/* Well-formed and wrong: one try; with a bad message too, the
	 * receipt is said first. */
	const char *wrong = "ZZZZ-0000-0000-0000";
	assert_int_equal(run_followup(f, &g, wrong, NULL, &out), FOLLOWUP_NOT_FOUND);
	followup_free(&out);
	assert_int_equal(run_followup(f, &g, wrong, "  ", &out), FOLLOWUP_NOT_FOUND);
	followup_free(&out);
	assert_int_equal(g.wrong, 2);

	/* While the guard says wait, not even the right receipt is looked
	 * up. */
	g.wait = 30;
	assert_int_equal(run_followup(f, &g, rc.text, "Nog iets", &out), FOLLOWUP_WAIT);
	assert_int_equal(out.wait, 30);
	assert_null(out.report);
	followup_free(&out);
	g.wait = 0;

	/* Found, in any spelling; the receipt comes back canonical. */
	char lower[RECEIPT_TEXT_LEN + 1];
	for (size_t i = 0; i <= RECEIPT_TEXT_LEN; i++)
		lower[i] =
		    (char)(rc.text[i] >= 'A' && rc.text[i] <= 'Z' ? rc.text[i] + 32 : rc.text[i]);
	assert_int_equal(run_followup(f, &g, lower, NULL, &out), 0);
	assert_string_equal(out.receipt, rc.text);
	assert_string_equal(json_string_value(json_object_get(out.report, "status")), "received");
	assert_false(out.added);
	followup_free(&out);

	/* A bad message: its problem, the conversation, nothing added. */
	assert_int_equal(run_followup(f, &g, rc.text, " \n ", &out), FOLLOWUP_BAD_MESSAGE);
	assert_non_null(out.problem);
	assert_non_null(out.report);
	assert_int_equal(json_array_size(json_object_get(out.report, "messages")), 0);
	followup_free(&out);

	/* Added: the conversation holds it. */
	assert_int_equal(run_followup(f, &g, rc.text, "Het busje is er weer.\r\nWit.", &out), 0);
	assert_true(out.added);
	json_t *msgs = json_object_get(out.report, "messages");
	assert_int_equal(json_array_size(msgs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "text")),
	                    "Het busje is er weer.\nWit.");
	followup_free(&out);

	/* Closed: said, with the conversation, and nothing added. */
	assert_int_equal(close_all(f), 0);
	assert_int_equal(run_followup(f, &g, rc.text, "Nog iets", &out), FOLLOWUP_CLOSED);
	assert_int_equal(json_array_size(json_object_get(out.report, "messages")), 1);
	followup_free(&out);
	assert_int_equal(g.wrong, 2);

	/* Without an intake: -ENODEV, after the guard. */
	int asked = g.asked;
	assert_int_equal(run_followup(NULL, &g, rc.text, NULL, &out), -ENODEV);
	assert_int_equal(g.asked, asked + 1);
	followup_free(&out);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_submit_and_follow),
	    T(test_no_forms_is_unknown_and_contact_sealed),
	    T(test_advice_stores_no_people),
	    T(test_follow_spellings_and_wrong),
	    T(test_messages),
	    T(test_invalid_input),
	    T(test_concurrent_submitters),
	    T(test_queue_full_busy),
	    T(test_stop_drains),
	    T(test_async_once_each),
	    T(test_async_refused_never_done),
	    T(test_async_copies_input),
	    T(test_async_retry_reseals),
	    T(test_async_stop_drains),
	    T(test_async_stress),
	    T(test_no_arrival_time_kept),
	    T(test_message_date_only),
	    T(test_write_health_ok),
	    T(test_followup_order),
	};
	/* Not on PostgreSQL: test_async_once_each (SQLite's commit hook),
	 * test_async_retry_reseals (a trigger calling a C function), and
	 * test_queue_full_busy, test_async_refused_never_done and
	 * test_async_stop_drains, which fill the
	 * queue behind a blocker holding SQLite's one writer: on PostgreSQL
	 * the intake's writer does not wait behind another transaction. */
	const struct CMUnitTest on_pg[] = {
	    T(test_submit_and_follow),
	    T(test_no_forms_is_unknown_and_contact_sealed),
	    T(test_advice_stores_no_people),
	    T(test_follow_spellings_and_wrong),
	    T(test_messages),
	    T(test_invalid_input),
	    T(test_concurrent_submitters),
	    T(test_stop_drains),
	    T(test_async_copies_input),
	    T(test_async_stress),
	    T(test_no_arrival_time_kept),
	    T(test_message_date_only),
	    T(test_write_health_ok),
	    T(test_followup_order),
	};
	store_fixture_init();
	if (store_fixture_pg_url)
		return cmocka_run_group_tests(on_pg, group_setup, group_teardown);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
