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
#include "domain/intake.h"
#include "store/sqlite.h"
#include "store/store.h"

static struct content *content;

static const unsigned char master[32] = {0x51, 0x67, 0x6e, 0x61, 0x61, 0x6c};
static const char *const districts[] = {"IJmuiden", "Velsen-Noord", "Driehuis"};
static const struct report_org org = {"velsen", districts, 3};

struct fx {
	char dir[64];
	char db[96];
	struct store *s;
	struct intake *in;
};

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

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
	strcpy(f->dir, "/tmp/signaal-intake-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof f->db, "%s/signaal.db", f->dir);
	struct buf err = BUF_INIT;
	struct store_org o = {.public_min_cell = 5};
	strcpy(o.id, "velsen");
	strcpy(o.name, "Gemeente Velsen");
	strcpy(o.region, "kennemerland");
	int rc = store_open_sqlite(f->db, &f->s, &err);
	if (!rc)
		rc = store_org_create(f->s, &o, districts, 3);
	if (!rc)
		rc = intake_start(f->s, content, master, &f->in);
	if (rc)
		fprintf(stderr, "setup: %d %s\n", rc, buf_str(&err));
	buf_free(&err);
	*state = f;
	return rc ? -1 : 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	intake_stop(f->in);
	store_close(f->s);
	nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
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

struct raw_q {
	const char *sql;
	int64_t id;
	long long v;
	unsigned char *blob;
	size_t len;
	char text[512];
};

static int raw_run(sqlite3 *db, void *ctx)
{
	struct raw_q *q = ctx;
	sqlite3_stmt *st = NULL;
	int rc = -EIO;
	if (sqlite3_prepare_v2(db, q->sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_bind_parameter_count(st) == 1)
		sqlite3_bind_int64(st, 1, q->id);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	q->v = sqlite3_column_int64(st, 0);
	if (sqlite3_column_type(st, 0) == SQLITE_BLOB) {
		q->len = (size_t)sqlite3_column_bytes(st, 0);
		q->blob = malloc(q->len);
		memcpy(q->blob, sqlite3_column_blob(st, 0), q->len);
	} else if (sqlite3_column_type(st, 0) == SQLITE_TEXT) {
		snprintf(q->text, sizeof q->text, "%s", (const char *)sqlite3_column_text(st, 0));
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static long long raw_int(struct fx *f, const char *sql)
{
	struct raw_q q = {.sql = sql};
	assert_int_equal(store_sqlite_raw(f->s, false, raw_run, &q), 0);
	return q.v;
}

/* The plaintext of a report's sealed blob, opened as staff will. */
static json_t *unseal_report(struct fx *f, int64_t id)
{
	struct raw_q q = {.sql = "SELECT sealed FROM reports WHERE id = $1", .id = id};
	assert_int_equal(store_sqlite_raw(f->s, false, raw_run, &q), 0);
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
	struct raw_q q = {.sql = "SELECT suggestion FROM reports"};
	assert_int_equal(store_sqlite_raw(f->s, false, raw_run, &q), 0);
	assert_non_null(strstr(q.text, "\"form\":\"labour\""));
	assert_non_null(strstr(q.text, "labour.sleeps_at_work"));
	struct raw_q q2 = {.sql = "SELECT channel || ' ' || district || ' ' || kind || ' ' ||"
	                          " reference || ' ' || anonymous FROM reports"};
	assert_int_equal(store_sqlite_raw(f->s, false, raw_run, &q2), 0);
	char year[5];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(year, sizeof year, "%Y", &tm);
	char want[64];
	snprintf(want, sizeof want, "web IJmuiden report W%s-000001 1", year);
	assert_string_equal(q2.text, want);
	assert_int_equal(raw_int(f, "SELECT length(receipt_hash) FROM reports"), 32);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM report_forms WHERE form = 'labour'"), 1);
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM report_signals"), 2);

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
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM report_forms WHERE form = 'unknown'"), 1);
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
}

static int close_all(sqlite3 *db, void *ctx)
{
	(void)ctx;
	return sqlite3_exec(db, "UPDATE reports SET status = 'closed'", NULL, NULL, NULL) ==
	               SQLITE_OK
	           ? 0
	           : -EIO;
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
	assert_int_equal(strlen(json_string_value(json_object_get(m0, "at"))), 20);
	json_decref(j);
	/* Messages are sealed under the report's id as messages. */
	struct raw_q q = {.sql = "SELECT sealed FROM report_messages ORDER BY id LIMIT 1"};
	assert_int_equal(store_sqlite_raw(f->s, false, raw_run, &q), 0);
	assert_null(memmem(q.blob, q.len, "busje", 5));
	struct seal_key k;
	struct buf p = BUF_INIT;
	assert_int_equal(seal_key_derive(master, &k), 0);
	assert_int_equal(seal_decrypt(&k, (uint64_t)id, SEAL_MESSAGE, q.blob, q.len, &p), 0);
	assert_int_equal(seal_decrypt(&k, (uint64_t)id, SEAL_REPORT, q.blob, q.len, &p),
	                 SEAL_INVALID);
	free(q.blob);
	buf_free(&p);

	assert_int_equal(store_sqlite_raw(f->s, true, close_all, NULL), 0);
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
	assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM report_forms"), (long long)good);
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
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
