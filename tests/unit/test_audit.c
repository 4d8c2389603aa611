/* Tests of the audit log (audit/audit.h, store/audit.h): appends inside
 * the caller's transaction, the shapes of fields, and audit_verify()
 * against a log tampered with directly in the database: a row changed,
 * deleted, inserted, moved, the end cut off, the head changed. The
 * tampering runs plain SQL through the backend's script hook inside a
 * write transaction, so every test runs on SQLite and, under
 * tests/pg/with-pg (SIGNAAL_TEST_STORE_URL), on PostgreSQL. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#ifdef SIGNAAL_HAVE_PG
#include <libpq-fe.h>
#endif
#include "audit/audit.h"
#include "audit/group.h"
#include "audit/list.h"
#include "domain/history.h"
#include "store/audit.h"
#include "store/backend.h"
#include "store/store.h"
#include "store_fixture.h"
#include "tmpdir.h"

struct fx {
	char dir[64];
	char db[96];
	struct store *s;
	struct audit_key key;
};

/* A store on the fixture's database (another one for a second appender). */
static int fx_open(struct fx *f, struct store **out)
{
	struct buf err = BUF_INIT;
	int rc = store_fixture_pg_url ? store_open(store_fixture_pg_url, 0, out, &err)
	                              : store_open_sqlite(f->db, out, &err);
	if (rc)
		fprintf(stderr, "open: %s\n", buf_str(&err));
	buf_free(&err);
	return rc;
}

static void master_of(unsigned char master[32], unsigned char fill)
{
	memset(master, fill, 32);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/signaal-audit-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof f->db, "%s/test.db", f->dir);
	*state = f;
	if (store_fixture_pg_url && store_fixture_pg_reset())
		return -1;
	unsigned char master[32];
	master_of(master, 7);
	if (audit_key_derive(master, &f->key))
		return -1;
	return fx_open(f, &f->s) ? -1 : 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	audit_key_wipe(&f->key);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static struct audit_entry entry(enum audit_action a, const char *object)
{
	return (struct audit_entry){.actor = "cli:beheer",
	                            .org = "velsen",
	                            .action = a,
	                            .object = object,
	                            .result = AUDIT_OK};
}

/* Appends n entries, each in a transaction of its own. */
static void append_n(struct fx *f, int n)
{
	for (int i = 0; i < n; i++) {
		char obj[32];
		snprintf(obj, sizeof obj, "%d", 1000 + i);
		struct audit_entry e = entry(i % 2 ? AUDIT_REPORT_VIEW : AUDIT_LOGIN, obj);
		assert_int_equal(audit_append_alone(f->s, &f->key, &e), 0);
	}
}

static struct audit_verdict verify(struct fx *f)
{
	struct audit_verdict v;
	assert_int_equal(audit_verify(f->s, &f->key, &v), 0);
	return v;
}

/* Runs sql (plain, parameterless) in a write transaction on the
 * fixture's store, whichever backend: the tamperer who can write the
 * database but has no key. */
static int script_txn(struct store_tx *tx, void *sql)
{
	return tx->s->ops->script(tx->conn, sql);
}

static void tamper(struct fx *f, const char *sql)
{
	assert_int_equal(store_txn(f->s, script_txn, (void *)sql), 0);
}

static void assert_bad(struct fx *f, int64_t bad)
{
	struct audit_verdict v = verify(f);
	if (v.ok || v.bad != bad)
		fprintf(stderr, "verdict: ok %d bad %lld: %s\n", v.ok, (long long)v.bad, v.why);
	assert_false(v.ok);
	assert_int_equal(v.bad, bad);
	assert_true(v.why[0] != '\0');
}

/* --- an untouched log ------------------------------------------------- */

static void test_empty_log_verifies(void **state)
{
	struct fx *f = *state;
	struct audit_verdict v = verify(f);
	assert_true(v.ok);
	assert_int_equal(v.count, 0);
	assert_string_equal(v.head_mac, "");
}

static void test_untouched_log_verifies(void **state)
{
	struct fx *f = *state;
	append_n(f, 5);
	struct audit_verdict v = verify(f);
	assert_true(v.ok);
	assert_int_equal(v.count, 5);
	assert_int_equal(v.seen, 5);
	assert_int_equal(v.bad, 0);
	assert_int_equal(strlen(v.head_mac), 2 * AUDIT_MAC_BYTES);
}

/* More entries than one batch of the check reads. */
static void test_long_log_verifies(void **state)
{
	struct fx *f = *state;
	append_n(f, (int)AUDIT_VERIFY_BATCH + 3);
	struct audit_verdict v = verify(f);
	assert_true(v.ok);
	assert_int_equal(v.count, AUDIT_VERIFY_BATCH + 3);
	tamper(f, "UPDATE audit_log SET object = 'x' WHERE seq = 1002");
	assert_bad(f, 1002);
}

static void test_rows_hold_the_fields(void **state)
{
	struct fx *f = *state;
	append_n(f, 2);
	struct buf head = BUF_INIT;
	bool have;
	int64_t max;
	assert_int_equal(store_audit_head_and_max(f->s, AUDIT_HEAD_KEY, &head, &have, &max), 0);
	assert_true(have);
	assert_int_equal(max, 2);
	assert_true(strncmp(buf_str(&head), "2:", 2) == 0);
	buf_free(&head);
}

/* --- tampering, each detected, the first bad entry named ---------------- */

static void test_changed_row_detected(void **state)
{
	struct fx *f = *state;
	append_n(f, 5);
	tamper(f, "UPDATE audit_log SET actor = 'cli:iemand' WHERE seq = 3");
	assert_bad(f, 3);
}

static void test_changed_result_detected(void **state)
{
	struct fx *f = *state;
	append_n(f, 5);
	tamper(f, "UPDATE audit_log SET result = 'denied' WHERE seq = 5");
	assert_bad(f, 5);
}

static void test_changed_time_detected(void **state)
{
	struct fx *f = *state;
	append_n(f, 4);
	tamper(f, "UPDATE audit_log SET at = '2020-01-01T00:00:00Z' WHERE seq = 1");
	assert_bad(f, 1);
}

static void test_deleted_row_detected(void **state)
{
	struct fx *f = *state;
	append_n(f, 5);
	tamper(f, "DELETE FROM audit_log WHERE seq = 3");
	assert_bad(f, 3);
}

/* Deleted and the rest renumbered to close the gap. */
static void test_deleted_and_renumbered_detected(void **state)
{
	struct fx *f = *state;
	append_n(f, 5);
	tamper(f, "DELETE FROM audit_log WHERE seq = 2;"
	          "UPDATE audit_log SET seq = seq - 1 WHERE seq > 2");
	assert_bad(f, 2);
}

/* A copy of a real row (with its MAC) put in at 4, the later ones moved
 * up by one. */
static void test_inserted_row_detected(void **state)
{
	struct fx *f = *state;
	append_n(f, 5);
	tamper(f, "UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 4;"
	          "UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1000;"
	          "INSERT INTO audit_log (seq, at, actor, org_id, action, object, result, mac)"
	          " SELECT 4, at, actor, org_id, action, object, result, mac FROM audit_log"
	          " WHERE seq = 3");
	assert_bad(f, 4);
}

/* A row added after the last one, past the signed count. */
static void test_appended_row_detected(void **state)
{
	struct fx *f = *state;
	append_n(f, 3);
	tamper(f, "INSERT INTO audit_log (seq, at, actor, org_id, action, object, result, mac)"
	          " SELECT 4, at, actor, org_id, action, object, result, mac FROM audit_log"
	          " WHERE seq = 3");
	assert_bad(f, 4);
	/* And nobody appends after it until that is looked into. */
	struct audit_entry e = entry(AUDIT_LOGIN, NULL);
	assert_int_equal(audit_append_alone(f->s, &f->key, &e), AUDIT_BROKEN);
}

/* A row added past the end with a gap: nobody appends either (the
 * append compares the log's last entry with the head's count; it used to
 * look only at the next seq, and filled the gap). */
static void test_row_past_a_gap_refuses_append(void **state)
{
	struct fx *f = *state;
	append_n(f, 3);
	tamper(f, "INSERT INTO audit_log (seq, at, actor, org_id, action, object, result, mac)"
	          " SELECT 5, at, actor, org_id, action, object, result, mac FROM audit_log"
	          " WHERE seq = 3");
	struct audit_entry e = entry(AUDIT_LOGIN, NULL);
	assert_int_equal(audit_append_alone(f->s, &f->key, &e), AUDIT_BROKEN);
	assert_bad(f, 4);
}

static void test_reordered_rows_detected(void **state)
{
	struct fx *f = *state;
	append_n(f, 5);
	tamper(f, "UPDATE audit_log SET seq = 100 WHERE seq = 2;"
	          "UPDATE audit_log SET seq = 2 WHERE seq = 3;"
	          "UPDATE audit_log SET seq = 3 WHERE seq = 100");
	assert_bad(f, 2);
}

/* One row moved to the end: 2 becomes 6, the others move down. */
static void test_moved_row_detected(void **state)
{
	struct fx *f = *state;
	append_n(f, 5);
	tamper(f, "UPDATE audit_log SET seq = 100 WHERE seq = 2;"
	          "UPDATE audit_log SET seq = seq - 1 WHERE seq > 2 AND seq < 100;"
	          "UPDATE audit_log SET seq = 5 WHERE seq = 100");
	assert_bad(f, 2);
}

static void test_cut_off_end_detected(void **state)
{
	struct fx *f = *state;
	append_n(f, 5);
	tamper(f, "DELETE FROM audit_log WHERE seq > 3");
	assert_bad(f, 4);
	struct audit_verdict v = verify(f);
	assert_int_equal(v.count, 5);
	assert_int_equal(v.seen, 3);
}

static void test_cut_off_last_row_detected(void **state)
{
	struct fx *f = *state;
	append_n(f, 5);
	tamper(f, "DELETE FROM audit_log WHERE seq = 5");
	assert_bad(f, 5);
	/* Nobody appends after a cut-off end, which would hide it as a gap. */
	struct audit_entry e = entry(AUDIT_LOGIN, NULL);
	assert_int_equal(audit_append_alone(f->s, &f->key, &e), AUDIT_BROKEN);
	assert_bad(f, 5);
}

/* The last entry swapped for another one with a valid MAC of its own. */
static void test_last_row_replaced_refuses_append(void **state)
{
	struct fx *f = *state;
	append_n(f, 3);
	tamper(f, "UPDATE audit_log SET mac = (SELECT mac FROM audit_log WHERE seq = 2)"
	          " WHERE seq = 3");
	struct audit_entry e = entry(AUDIT_LOGIN, NULL);
	assert_int_equal(audit_append_alone(f->s, &f->key, &e), AUDIT_BROKEN);
	assert_bad(f, 3);
}

/* A change further back does not stop appends (each stays one lookup);
 * the check finds it, however many entries follow. */
static void test_change_found_after_later_appends(void **state)
{
	struct fx *f = *state;
	append_n(f, 3);
	tamper(f, "UPDATE audit_log SET object = '999' WHERE seq = 2");
	append_n(f, 2);
	assert_bad(f, 2);
}

/* Cut off, and the count lowered to match: its MAC gives it away. */
static void test_cut_off_with_count_lowered_detected(void **state)
{
	struct fx *f = *state;
	append_n(f, 5);
	tamper(f, "DELETE FROM audit_log WHERE seq > 3;"
	          "UPDATE settings SET value = '3' || substr(value, 2) WHERE key = 'audit.head'");
	struct audit_verdict v = verify(f);
	assert_false(v.ok);
	assert_non_null(strstr(v.why, "signed count"));
}

static void test_head_removed_detected(void **state)
{
	struct fx *f = *state;
	append_n(f, 2);
	tamper(f, "DELETE FROM settings WHERE key = 'audit.head'");
	struct audit_verdict v = verify(f);
	assert_false(v.ok);
	struct audit_entry e = entry(AUDIT_LOGIN, NULL);
	assert_int_equal(audit_append_alone(f->s, &f->key, &e), AUDIT_BROKEN);
}

/* The head set back to the unsigned start while entries remain. */
static void test_head_reset_detected(void **state)
{
	struct fx *f = *state;
	append_n(f, 2);
	tamper(f, "UPDATE settings SET value = '0' WHERE key = 'audit.head'");
	assert_bad(f, 1);
}

/* A changed MAC column is a changed row. */
static void test_changed_mac_detected(void **state)
{
	struct fx *f = *state;
	append_n(f, 4);
	tamper(f, "UPDATE audit_log SET mac = (SELECT mac FROM audit_log WHERE seq = 1)"
	          " WHERE seq = 2");
	assert_bad(f, 2);
}

/* Another key (another installation's key file) verifies nothing. */
static void test_other_key_fails(void **state)
{
	struct fx *f = *state;
	append_n(f, 2);
	unsigned char master[32];
	master_of(master, 8);
	struct audit_key other;
	assert_int_equal(audit_key_derive(master, &other), 0);
	struct audit_verdict v;
	assert_int_equal(audit_verify(f->s, &other, &v), 0);
	assert_false(v.ok);
	audit_key_wipe(&other);
}

/* --- appending ------------------------------------------------------------ */

struct change_ctx {
	const struct audit_key *key;
	int outcome; /* what the transaction returns after its change and entry */
};

static int change_txn(struct store_tx *tx, void *vctx)
{
	struct change_ctx *c = vctx;
	int rc = store_tx_setting_set(tx, "test.change", "done");
	struct audit_entry e = entry(AUDIT_REPORT_CHANGE, "42");
	if (!rc)
		rc = audit_append(tx, c->key, &e);
	return rc ? rc : c->outcome;
}

/* The entry commits with the change it records, or neither does. */
static void test_entry_shares_the_transaction(void **state)
{
	struct fx *f = *state;
	struct change_ctx c = {&f->key, STORE_CONFLICT};
	assert_int_equal(store_txn(f->s, change_txn, &c), STORE_CONFLICT);
	struct buf v = BUF_INIT;
	assert_int_equal(store_setting_get(f->s, "test.change", &v), STORE_NOT_FOUND);
	assert_int_equal(verify(f).count, 0);
	c.outcome = 0;
	assert_int_equal(store_txn(f->s, change_txn, &c), 0);
	assert_int_equal(store_setting_get(f->s, "test.change", &v), 0);
	struct audit_verdict vd = verify(f);
	assert_true(vd.ok);
	assert_int_equal(vd.count, 1);
	buf_free(&v);
}

/* Free text has no way in: each field's shape is checked, nothing is
 * written for a refused entry. */
static void test_fields_refuse_free_text(void **state)
{
	struct fx *f = *state;
	const struct audit_entry bad[] = {
	    {.actor = "Jan Jansen", .action = AUDIT_LOGIN, .result = AUDIT_OK},
	    {.actor = "cli:", .action = AUDIT_LOGIN, .result = AUDIT_OK},
	    {.actor = "user:12 34", .action = AUDIT_LOGIN, .result = AUDIT_OK},
	    {.actor = "system2", .action = AUDIT_LOGIN, .result = AUDIT_OK},
	    {.actor = NULL, .action = AUDIT_LOGIN, .result = AUDIT_OK},
	    {.actor = "system", .org = "Velsen Noord", .action = AUDIT_LOGIN, .result = AUDIT_OK},
	    {.actor = "system", .object = "wachtwoord geheim123", .action = AUDIT_LOGIN},
	    {.actor = "system", .object = "a\nb", .action = AUDIT_LOGIN},
	    {.actor = "system",
	     .object = "0123456789012345678901234567890123456789012345678901234567890123456789012",
	     .action = AUDIT_LOGIN},
	    {.actor = "system", .action = AUDIT__COUNT, .result = AUDIT_OK},
	    {.actor = "system", .action = (enum audit_action) - 1, .result = AUDIT_OK},
	    {.actor = "system", .action = AUDIT_LOGIN, .result = AUDIT__RESULTS},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_false(audit_entry_valid(&bad[i]));
		assert_int_equal(audit_append_alone(f->s, &f->key, &bad[i]), -EINVAL);
	}
	assert_int_equal(verify(f).count, 0);
	const struct audit_entry good[] = {
	    {.actor = "system", .action = AUDIT_LOGIN, .result = AUDIT_OK},
	    {.actor = "cli:root", .org = "velsen", .action = AUDIT_INIT},
	    {.actor = "user:u-7f3a", .object = "8812345678901234567", .action = AUDIT_REPORT_VIEW},
	    {.actor = "user:9",
	     .object = "year:2024",
	     .action = AUDIT_REPORT_EXPORT,
	     .result = AUDIT_DENIED},
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_int_equal(audit_append_alone(f->s, &f->key, &good[i]), 0);
	assert_true(verify(f).ok);
}

static void test_actor_helpers(void **state)
{
	(void)state;
	char a[AUDIT_ACTOR_MAX_LEN + 1];
	assert_int_equal(audit_actor_cli(a, "beheer"), 0);
	assert_string_equal(a, "cli:beheer");
	assert_int_equal(audit_actor_user(a, "u-12"), 0);
	assert_string_equal(a, "user:u-12");
	assert_int_equal(audit_actor_cli(a, "two words"), -EINVAL);
	assert_string_equal(a, "");
	assert_int_equal(audit_actor_user(a, ""), -EINVAL);
	assert_int_equal(audit_actor_user(a, NULL), -EINVAL);
}

static void test_action_table_complete(void **state)
{
	(void)state;
	for (int i = 0; i < AUDIT__COUNT; i++) {
		assert_non_null(audit_actions[i]);
		assert_true(strlen(audit_actions[i]) <= STORE_AUDIT_CODE_MAX);
		assert_int_equal(audit_action_find(audit_actions[i]), i);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(audit_actions[i], audit_actions[j]);
	}
	assert_int_equal(audit_action_find("nothing"), -1);
	for (int i = 0; i < AUDIT__RESULTS; i++)
		assert_non_null(audit_results[i]);
}

/* --- two appenders at once (two servers on one database) ------------------ */

#define APPENDERS  2
#define PER_THREAD 25

struct appender {
	struct fx *f;
	struct store *s;
	int failures;
};

static void *append_thread(void *arg)
{
	struct appender *a = arg;
	for (int i = 0; i < PER_THREAD; i++) {
		struct audit_entry e = entry(AUDIT_LOGIN, NULL);
		if (audit_append_alone(a->s, &a->f->key, &e))
			a->failures++;
	}
	return NULL;
}

static void test_concurrent_appenders_keep_one_chain(void **state)
{
	struct fx *f = *state;
	append_n(f, 1);
	struct appender a[APPENDERS];
	pthread_t t[APPENDERS];
	for (int i = 0; i < APPENDERS; i++) {
		a[i] = (struct appender){.f = f};
		assert_int_equal(fx_open(f, &a[i].s), 0);
	}
	for (int i = 0; i < APPENDERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, append_thread, &a[i]), 0);
	for (int i = 0; i < APPENDERS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(a[i].failures, 0);
		store_close(a[i].s);
	}
	struct audit_verdict v = verify(f);
	if (!v.ok)
		fprintf(stderr, "verdict: %s\n", v.why);
	assert_true(v.ok);
	assert_int_equal(v.count, 1 + APPENDERS * PER_THREAD);
}

/* --- several entries in one transaction ----------------------------------- */

struct many_ctx {
	const struct audit_key *key;
	const struct audit_entry *list[3];
};

static int many_txn(struct store_tx *tx, void *vctx)
{
	struct many_ctx *m = vctx;
	return audit_append_many(tx, m->key, m->list, 3);
}

/* One look at the head, three entries chained one after the other, one
 * new head; a bad entry among them writes none. */
static void test_many_entries_chain_in_one_transaction(void **state)
{
	struct fx *f = *state;
	append_n(f, 2);
	struct audit_entry e[3] = {entry(AUDIT_REPORT_VIEW, "report:1"),
	                           entry(AUDIT_REPORT_VIEW, "report:2"), entry(AUDIT_LOGIN, NULL)};
	struct many_ctx m = {&f->key, {&e[0], &e[1], &e[2]}};
	assert_int_equal(store_txn(f->s, many_txn, &m), 0);
	struct audit_verdict v = verify(f);
	assert_true(v.ok);
	assert_int_equal(v.count, 5);
	e[1].object = "free text";
	assert_int_equal(store_txn(f->s, many_txn, &m), -EINVAL);
	assert_int_equal(verify(f).count, 5);
	append_n(f, 1);
	v = verify(f);
	assert_true(v.ok);
	assert_int_equal(v.count, 6);
}

/* --- group commit (audit/group.h) ------------------------------------------ */

struct grouper {
	struct fx *f;
	struct audit_group *g;
	int n;
	int failures;
};

static void *group_thread(void *arg)
{
	struct grouper *a = arg;
	for (int i = 0; i < a->n; i++) {
		struct audit_entry e = entry(AUDIT_REPORT_VIEW, "report:7");
		if (audit_group_append(a->g, a->f->s, &a->f->key, &e))
			a->failures++;
	}
	return NULL;
}

#define GROUPED 5

/* Entries that arrive while a batch is being written wait, and are then
 * written together: one transaction for all of them, each thread back
 * only once it committed, and the chain verifies. (The batch under way
 * is played by holding busy.) */
static void test_group_writes_waiting_entries_in_one_transaction(void **state)
{
	struct fx *f = *state;
	struct audit_group g;
	assert_int_equal(audit_group_init(&g), 0);
	pthread_mutex_lock(&g.mu);
	g.busy = true;
	pthread_mutex_unlock(&g.mu);
	struct grouper a[GROUPED];
	pthread_t t[GROUPED];
	for (int i = 0; i < GROUPED; i++) {
		a[i] = (struct grouper){.f = f, .g = &g, .n = 1};
		assert_int_equal(pthread_create(&t[i], NULL, group_thread, &a[i]), 0);
	}
	for (;;) {
		pthread_mutex_lock(&g.mu);
		size_t n = g.waiting;
		pthread_mutex_unlock(&g.mu);
		if (n == GROUPED)
			break;
		usleep(1000);
	}
	assert_int_equal(verify(f).count, 0); /* nobody wrote meanwhile */
	pthread_mutex_lock(&g.mu);
	g.busy = false;
	pthread_cond_broadcast(&g.cv);
	pthread_mutex_unlock(&g.mu);
	for (int i = 0; i < GROUPED; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(a[i].failures, 0);
	}
	assert_int_equal(g.batches, 1);
	assert_int_equal(g.waiting, 0);
	struct audit_verdict v = verify(f);
	assert_true(v.ok);
	assert_int_equal(v.count, GROUPED);
	audit_group_destroy(&g);
}

#define GROUP_THREADS    8
#define GROUP_PER_THREAD 20

/* Many threads at once: every entry is written, once, in one chain. */
static void test_group_concurrent_appenders_keep_one_chain(void **state)
{
	struct fx *f = *state;
	append_n(f, 1);
	struct audit_group g;
	assert_int_equal(audit_group_init(&g), 0);
	struct grouper a[GROUP_THREADS];
	pthread_t t[GROUP_THREADS];
	for (int i = 0; i < GROUP_THREADS; i++) {
		a[i] = (struct grouper){.f = f, .g = &g, .n = GROUP_PER_THREAD};
		assert_int_equal(pthread_create(&t[i], NULL, group_thread, &a[i]), 0);
	}
	for (int i = 0; i < GROUP_THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(a[i].failures, 0);
	}
	assert_true(g.batches >= 1 && g.batches <= GROUP_THREADS * GROUP_PER_THREAD);
	struct audit_verdict v = verify(f);
	if (!v.ok)
		fprintf(stderr, "verdict: %s\n", v.why);
	assert_true(v.ok);
	assert_int_equal(v.count, 1 + GROUP_THREADS * GROUP_PER_THREAD);
	/* A bad entry is refused alone, before it could fail a batch. */
	struct audit_entry bad = entry(AUDIT_REPORT_VIEW, "free text");
	assert_int_equal(audit_group_append(&g, f->s, &f->key, &bad), -EINVAL);
	assert_int_equal(verify(f).count, 1 + GROUP_THREADS * GROUP_PER_THREAD);
	audit_group_destroy(&g);
}

/* Submitted entries (the deferred report views of the API): each done
 * callback comes once, after its entry committed; the chain verifies. */
struct submitted {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int calls, failures;
};

static void submitted_done(void *arg, int rc)
{
	struct submitted *t = arg;
	pthread_mutex_lock(&t->mu);
	t->calls++;
	t->failures += rc != 0;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

#define SUBMITTED 40

static int object_is_seq(void *ctx, const struct store_audit_row *row)
{
	char want[32];
	snprintf(want, sizeof want, "report:%lld", (long long)(row->seq - 1));
	*(int *)ctx += strcmp(row->object, want) == 0;
	return 0;
}

static void test_group_writer_writes_submitted_entries(void **state)
{
	struct fx *f = *state;
	struct audit_group g;
	assert_int_equal(audit_group_init(&g), 0);
	struct audit_entry e = entry(AUDIT_REPORT_VIEW, "report:9");
	/* no writer yet: refused, to be written otherwise */
	assert_int_equal(audit_group_submit(&g, &e, submitted_done, NULL), -ENODEV);
	assert_int_equal(audit_group_start(&g, f->s, &f->key), 0);
	struct submitted t = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
	struct audit_entry bad = entry(AUDIT_REPORT_VIEW, "free text");
	assert_int_equal(audit_group_submit(&g, &bad, submitted_done, &t), -EINVAL);
	for (int i = 0; i < SUBMITTED; i++) {
		/* the entry is copied: the caller's strings may go at once */
		char obj[32];
		snprintf(obj, sizeof obj, "report:%d", i);
		struct audit_entry x = entry(AUDIT_REPORT_VIEW, obj);
		assert_int_equal(audit_group_submit(&g, &x, submitted_done, &t), 0);
		memset(obj, 'x', sizeof obj - 1);
	}
	pthread_mutex_lock(&t.mu);
	while (t.calls < SUBMITTED)
		pthread_cond_wait(&t.cv, &t.mu);
	pthread_mutex_unlock(&t.mu);
	assert_int_equal(t.failures, 0);
	assert_true(g.batches >= 1 && g.batches <= SUBMITTED);
	audit_group_destroy(&g);
	assert_int_equal(t.calls, SUBMITTED);
	struct audit_verdict v = verify(f);
	assert_true(v.ok);
	assert_int_equal(v.count, SUBMITTED);
	/* in the order submitted, with their own objects */
	int matched = 0;
	assert_int_equal(store_audit_range(f->s, 0, SUBMITTED, SUBMITTED, object_is_seq, &matched),
	                 0);
	assert_int_equal(matched, SUBMITTED);
}

/* Stopping writes what is queued first. */
static void test_group_writer_drains_on_destroy(void **state)
{
	struct fx *f = *state;
	struct audit_group g;
	assert_int_equal(audit_group_init(&g), 0);
	assert_int_equal(audit_group_start(&g, f->s, &f->key), 0);
	struct submitted t = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
	struct audit_entry e = entry(AUDIT_REPORT_VIEW, "report:1");
	for (int i = 0; i < 5; i++)
		assert_int_equal(audit_group_submit(&g, &e, submitted_done, &t), 0);
	audit_group_destroy(&g);
	assert_int_equal(t.calls, 5);
	assert_int_equal(t.failures, 0);
	assert_int_equal(verify(f).count, 5);
}

/* --- reading back: list and CSV ------------------------------------------- */

static void add(struct fx *f, const char *actor, const char *org, enum audit_action a,
                const char *object)
{
	struct audit_entry e = {actor, org, a, object, AUDIT_OK};
	assert_int_equal(audit_append_alone(f->s, &f->key, &e), 0);
}

struct seen {
	int64_t seq[16];
	size_t n;
};

static int seen_row(void *ctx, const struct store_audit_row *r)
{
	struct seen *s = ctx;
	if (s->n < 16)
		s->seq[s->n++] = r->seq;
	return 0;
}

/* Lists q (one page of up to limit) into a "5,4,3" string. */
static const char *listed(struct fx *f, const struct audit_query *q, int64_t before, size_t limit,
                          int64_t *next)
{
	static char out[128];
	struct seen s = {0};
	int64_t nx = -1;
	assert_int_equal(audit_list(f->s, q, before, limit, seen_row, &s, &nx), 0);
	if (next)
		*next = nx;
	out[0] = '\0';
	for (size_t i = 0; i < s.n; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%lld", i ? "," : "",
		         (long long)s.seq[i]);
	return out;
}

static void fill_two_orgs(struct fx *f)
{
	add(f, "user:a1", "velsen", AUDIT_LOGIN, NULL);            /* 1 */
	add(f, "user:b1", "haarlem", AUDIT_LOGIN, NULL);           /* 2 */
	add(f, "user:a1", "velsen", AUDIT_REPORT_VIEW, "77");      /* 3 */
	add(f, "user:a2", "velsen", AUDIT_REPORT_VIEW, "78");      /* 4 */
	add(f, "cli:beheer", "velsen", AUDIT_REPORT_EXPORT, NULL); /* 5 */
	add(f, "user:b1", "haarlem", AUDIT_REPORT_VIEW, "77");     /* 6 */
	add(f, "user:a1", "velsen", AUDIT_REPORT_VIEW, "78");      /* 7 */
}

/* Only the reader's organisation, newest first; each filter narrows. */
static void test_list_filters_by_organisation(void **state)
{
	struct fx *f = *state;
	fill_two_orgs(f);
	struct audit_query q = {.org = "velsen", .action = -1};
	assert_string_equal(listed(f, &q, 0, 50, NULL), "7,5,4,3,1");
	q.org = "haarlem";
	assert_string_equal(listed(f, &q, 0, 50, NULL), "6,2");
	q.org = "bloemendaal";
	assert_string_equal(listed(f, &q, 0, 50, NULL), "");
	q = (struct audit_query){.org = "velsen", .actor = "user:a1", .action = -1};
	assert_string_equal(listed(f, &q, 0, 50, NULL), "7,3,1");
	q.action = AUDIT_REPORT_VIEW;
	assert_string_equal(listed(f, &q, 0, 50, NULL), "7,3");
	q.object = "78";
	assert_string_equal(listed(f, &q, 0, 50, NULL), "7");
	q = (struct audit_query){.org = "velsen", .object = "77", .action = -1};
	assert_string_equal(listed(f, &q, 0, 50, NULL), "3");
}

static void test_list_filters_by_period(void **state)
{
	struct fx *f = *state;
	fill_two_orgs(f);
	tamper(f, "UPDATE audit_log SET at = '2026-03-01T23:59:59Z' WHERE seq = 1;"
	          "UPDATE audit_log SET at = '2026-03-02T00:00:00Z' WHERE seq = 3;"
	          "UPDATE audit_log SET at = '2026-03-02T23:59:59Z' WHERE seq = 4;"
	          "UPDATE audit_log SET at = '2026-03-03T00:00:00Z' WHERE seq = 5");
	struct audit_query q = {
	    .org = "velsen", .action = -1, .from = "2026-03-02", .until = "2026-03-02"};
	assert_string_equal(listed(f, &q, 0, 50, NULL), "4,3");
	q.from = NULL;
	assert_string_equal(listed(f, &q, 0, 50, NULL), "4,3,1");
	q = (struct audit_query){.org = "velsen", .action = -1, .from = "2026-03-03"};
	assert_string_equal(listed(f, &q, 0, 50, NULL), "7,5");
}

/* Keyset pages: stable while entries are added meanwhile. */
static void test_list_pages_by_keyset(void **state)
{
	struct fx *f = *state;
	fill_two_orgs(f);
	struct audit_query q = {.org = "velsen", .action = -1};
	int64_t next;
	assert_string_equal(listed(f, &q, 0, 2, &next), "7,5");
	assert_int_equal(next, 5);
	add(f, "user:a1", "velsen", AUDIT_LOGOUT, NULL); /* 8: not on later pages */
	assert_string_equal(listed(f, &q, next, 2, &next), "4,3");
	assert_int_equal(next, 3);
	assert_string_equal(listed(f, &q, next, 2, &next), "1");
	assert_int_equal(next, 0);
	/* A full last page has no next either. */
	assert_string_equal(listed(f, &q, 4, 2, &next), "3,1");
	assert_int_equal(next, 0);
}

static void test_list_refuses_bad_queries(void **state)
{
	struct fx *f = *state;
	const struct audit_query bad[] = {
	    {.org = NULL, .action = -1},
	    {.org = "", .action = -1},
	    {.org = "Velsen Noord", .action = -1},
	    {.org = "velsen", .action = AUDIT__COUNT},
	    {.org = "velsen", .action = -2},
	    {.org = "velsen", .action = -1, .actor = "Jan Jansen"},
	    {.org = "velsen", .action = -1, .object = "a b"},
	    {.org = "velsen", .action = -1, .from = "2026-13-01"},
	    {.org = "velsen", .action = -1, .until = "gisteren"},
	    {.org = "velsen", .action = -1, .from = "2026-03-01' OR '1'='1"},
	};
	struct seen s = {0};
	int64_t next;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(audit_query_check(&bad[i]), -EINVAL);
		assert_int_equal(audit_list(f->s, &bad[i], 0, 10, seen_row, &s, &next), -EINVAL);
		assert_int_equal(audit_csv(f->s, &bad[i], stdout, false), -EINVAL);
	}
	struct audit_query q = {.org = "velsen", .action = -1};
	assert_int_equal(audit_list(f->s, &q, 0, 0, seen_row, &s, &next), -EINVAL);
	assert_int_equal(audit_list(f->s, &q, 0, AUDIT_PAGE_MAX + 1, seen_row, &s, &next), -EINVAL);
}

static char *csv_of(struct fx *f, const struct audit_query *q)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	assert_non_null(m);
	assert_int_equal(audit_csv(f->s, q, m, false), 0);
	fclose(m);
	return text;
}

static void test_csv_lists_the_filtered_entries(void **state)
{
	struct fx *f = *state;
	fill_two_orgs(f);
	struct audit_query q = {.org = "velsen", .action = AUDIT_REPORT_VIEW};
	char *text = csv_of(f, &q);
	char want[512];
	char at[STORE_TIME_LEN + 1];
	/* The times are now; take them from the text rather than guess. */
	const char *p = strstr(text, "\r\n7,");
	assert_non_null(p);
	memcpy(at, p + 4, STORE_TIME_LEN);
	at[STORE_TIME_LEN] = '\0';
	snprintf(want, sizeof want,
	         "number,time,actor,organisation,action,object,result\r\n"
	         "7,%s,user:a1,velsen,report.view,78,ok\r\n",
	         at);
	assert_true(strncmp(text, want, strlen(want)) == 0);
	assert_non_null(strstr(text, ",user:a2,velsen,report.view,78,ok\r\n"));
	assert_non_null(strstr(text, ",user:a1,velsen,report.view,77,ok\r\n"));
	assert_null(strstr(text, "haarlem"));
	assert_null(strstr(text, "auth.login"));
	free(text);
}

/* A value put in behind the API's back that a spreadsheet would run is
 * shown as text. */
static void test_csv_is_formula_safe(void **state)
{
	struct fx *f = *state;
	add(f, "user:a1", "velsen", AUDIT_LOGIN, NULL);
	tamper(f, "UPDATE audit_log SET actor = '=HYPERLINK(\"http://x\")',"
	          " object = '@SUM(1)' WHERE seq = 1");
	struct audit_query q = {.org = "velsen", .action = -1};
	char *text = csv_of(f, &q);
	assert_non_null(
	    strstr(text, ",\"'=HYPERLINK(\"\"http://x\"\")\",velsen,auth.login,\"'@SUM(1)\",ok"));
	free(text);
}

/* More entries than one batch of the CSV reads, none twice. */
static void test_csv_reads_in_batches(void **state)
{
	struct fx *f = *state;
	append_n(f, (int)AUDIT_VERIFY_BATCH + 2);
	struct audit_query q = {.org = "velsen", .action = -1};
	char *text = csv_of(f, &q);
	size_t lines = 0;
	for (const char *p = text; (p = strstr(p, "\r\n")); p += 2)
		lines++;
	assert_int_equal(lines, 1 + AUDIT_VERIFY_BATCH + 2);
	assert_non_null(strstr(text, "\r\n1,"));
	free(text);
}

/* A report's history: only its organisation's entries about exactly
 * that object, newest first, with how many there are; the history
 * (domain/history.h) puts them after the receipt, oldest first. */
static int seq_row(void *ctx, const struct store_audit_row *r)
{
	struct seen *s = ctx;
	assert_string_equal(r->object, "report:77");
	if (s->n < 16)
		s->seq[s->n++] = r->seq;
	return 0;
}

static void test_object_entries_of_one_organisation(void **state)
{
	struct fx *f = *state;
	add(f, "user:a1", "velsen", AUDIT_REPORT_VIEW, "report:77");  /* 1 */
	add(f, "user:b1", "haarlem", AUDIT_REPORT_VIEW, "report:77"); /* 2 */
	add(f, "user:a2", "velsen", AUDIT_REPORT_VIEW, "report:78");  /* 3 */
	add(f, "cli:x", "velsen", AUDIT_REPORT_CHANGE, "report:77");  /* 4 */
	add(f, "user:a1", "velsen", AUDIT_REPORT_VIEW, "report:770"); /* 5 */
	add(f, "user:a1", "velsen", AUDIT_LOGIN, NULL);               /* 6 */
	struct seen s = {0};
	int64_t total = -1;
	assert_int_equal(store_audit_object(f->s, "velsen", "report:77", 10, seq_row, &s, &total),
	                 0);
	assert_int_equal(total, 2);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.seq[0], 4);
	assert_int_equal(s.seq[1], 1);
	s = (struct seen){0};
	assert_int_equal(store_audit_object(f->s, "velsen", "report:77", 1, seq_row, &s, &total),
	                 0);
	assert_int_equal(total, 2);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.seq[0], 4);
	s = (struct seen){0};
	assert_int_equal(store_audit_object(f->s, "haarlem", "report:77", 10, seq_row, &s, &total),
	                 0);
	assert_int_equal(total, 1);
	assert_int_equal(s.seq[0], 2);
	s = (struct seen){0};
	assert_int_equal(
	    store_audit_object(f->s, "bloemendaal", "report:77", 10, seq_row, &s, &total), 0);
	assert_int_equal(total, 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(store_audit_object(f->s, "", "report:77", 10, seq_row, &s, &total),
	                 -EINVAL);

	json_t *h = NULL;
	int64_t more = -1;
	assert_int_equal(report_history(f->s, "velsen", 77, "2026-11-01", &h, &more), 0);
	assert_int_equal(more, 0);
	assert_int_equal(json_array_size(h), 3);
	static const char *const want[][3] = {{"2026-11-01", "received", NULL},
	                                      {NULL, "report.view", "user:a1"},
	                                      {NULL, "report.change", "cli:x"}};
	for (size_t i = 0; i < 3; i++) {
		json_t *e = json_array_get(h, i);
		if (want[i][0])
			assert_string_equal(json_string_value(json_object_get(e, "at")),
			                    want[i][0]);
		assert_string_equal(json_string_value(json_object_get(e, "action")), want[i][1]);
		if (want[i][2])
			assert_string_equal(json_string_value(json_object_get(e, "actor")),
			                    want[i][2]);
		else
			assert_true(json_is_null(json_object_get(e, "actor")));
		assert_string_equal(json_string_value(json_object_get(e, "result")), "ok");
	}
	json_decref(h);
}

/* The count of entries about an object (migration 13) is raised in the
 * transaction that adds them, once per object of a batch by its entries;
 * an entry without organisation or object counts for none. */
static void test_object_counts_of_a_batch(void **state)
{
	struct fx *f = *state;
	struct audit_entry e[3] = {entry(AUDIT_REPORT_VIEW, "report:77"),
	                           entry(AUDIT_REPORT_CHANGE, "report:77"),
	                           entry(AUDIT_LOGIN, NULL)};
	struct many_ctx m = {&f->key, {&e[0], &e[1], &e[2]}};
	assert_int_equal(store_txn(f->s, many_txn, &m), 0);
	e[1].org = "haarlem";
	assert_int_equal(store_txn(f->s, many_txn, &m), 0);
	struct seen s = {0};
	int64_t total = -1;
	assert_int_equal(store_audit_object(f->s, "velsen", "report:77", 1, seq_row, &s, &total),
	                 0);
	assert_int_equal(total, 3);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.seq[0], 4);
	assert_int_equal(store_audit_object(f->s, "haarlem", "report:77", 10, seq_row, &s, &total),
	                 0);
	assert_int_equal(total, 1);
	/* A batch that fails writes no count either. */
	e[1].object = "free text";
	assert_int_equal(store_txn(f->s, many_txn, &m), -EINVAL);
	assert_int_equal(store_audit_object(f->s, "velsen", "report:77", 1, seq_row, &s, &total),
	                 0);
	assert_int_equal(total, 3);
	struct store_fixture_row row = {0};
	assert_int_equal(store_fixture_query(f->s, "SELECT COUNT(*) FROM audit_counts", &row), 0);
	assert_int_equal(row.v, 2);
}

/* Migration 13 counts the entries that were there before it. */
static void test_migration_counts_entries(void **state)
{
	struct fx *f = *state;
	add(f, "user:a1", "velsen", AUDIT_REPORT_VIEW, "report:77");
	add(f, "user:a1", "velsen", AUDIT_REPORT_VIEW, "report:77");
	add(f, "user:b1", "haarlem", AUDIT_REPORT_VIEW, "report:77");
	add(f, "user:a1", "velsen", AUDIT_LOGIN, NULL);
	/* As the database was before migration 13 (and so before 14, which
	 * moved the forms and signals of reports into their rows). */
	assert_int_equal(
	    store_fixture_exec(f->s, "CREATE TABLE report_forms (report_id BIGINT NOT NULL,"
	                             " position INTEGER NOT NULL, form TEXT NOT NULL);"
	                             "CREATE TABLE report_signals (report_id BIGINT NOT NULL,"
	                             " signal TEXT NOT NULL);"
	                             "ALTER TABLE reports DROP COLUMN signals;"
	                             "ALTER TABLE reports DROP COLUMN forms;"
	                             "DROP TABLE audit_counts;"
	                             "DELETE FROM schema_migrations WHERE version >= 13"),
	    0);
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(fx_open(f, &f->s), 0);
	int64_t total = -1;
	struct seen s = {0};
	assert_int_equal(store_audit_object(f->s, "velsen", "report:77", 10, seq_row, &s, &total),
	                 0);
	assert_int_equal(total, 2);
	assert_int_equal(store_audit_object(f->s, "haarlem", "report:77", 10, seq_row, &s, &total),
	                 0);
	assert_int_equal(total, 1);
	add(f, "user:a1", "velsen", AUDIT_REPORT_VIEW, "report:77");
	assert_int_equal(store_audit_object(f->s, "velsen", "report:77", 10, seq_row, &s, &total),
	                 0);
	assert_int_equal(total, 3);
}

/* Beyond REPORT_HISTORY_MAX entries the history keeps the newest and
 * counts the older ones. */
static void test_history_is_bounded(void **state)
{
	struct fx *f = *state;
	for (unsigned i = 0; i < REPORT_HISTORY_MAX + 3; i++)
		add(f, i < 3 ? "user:old" : "user:new", "velsen", AUDIT_REPORT_VIEW, "report:9");
	json_t *h = NULL;
	int64_t more = -1;
	assert_int_equal(report_history(f->s, "velsen", 9, "2026-11-01", &h, &more), 0);
	assert_int_equal(more, 3);
	assert_int_equal(json_array_size(h), REPORT_HISTORY_MAX + 1);
	size_t i;
	json_t *e;
	json_array_foreach(h, i, e)
	{
		if (i)
			assert_string_equal(json_string_value(json_object_get(e, "actor")),
			                    "user:new");
	}
	json_decref(h);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    T(test_empty_log_verifies),
	    T(test_untouched_log_verifies),
	    T(test_long_log_verifies),
	    T(test_rows_hold_the_fields),
	    T(test_changed_row_detected),
	    T(test_changed_result_detected),
	    T(test_changed_time_detected),
	    T(test_deleted_row_detected),
	    T(test_deleted_and_renumbered_detected),
	    T(test_inserted_row_detected),
	    T(test_appended_row_detected),
	    T(test_row_past_a_gap_refuses_append),
	    T(test_reordered_rows_detected),
	    T(test_moved_row_detected),
	    T(test_cut_off_end_detected),
	    T(test_cut_off_last_row_detected),
	    T(test_last_row_replaced_refuses_append),
	    T(test_change_found_after_later_appends),
	    T(test_cut_off_with_count_lowered_detected),
	    T(test_head_removed_detected),
	    T(test_head_reset_detected),
	    T(test_changed_mac_detected),
	    T(test_other_key_fails),
	    T(test_entry_shares_the_transaction),
	    T(test_fields_refuse_free_text),
	    T(test_many_entries_chain_in_one_transaction),
	    T(test_group_writes_waiting_entries_in_one_transaction),
	    T(test_group_concurrent_appenders_keep_one_chain),
	    T(test_group_writer_writes_submitted_entries),
	    T(test_group_writer_drains_on_destroy),
	    T(test_actor_helpers),
	    T(test_action_table_complete),
	    T(test_concurrent_appenders_keep_one_chain),
	    T(test_list_filters_by_organisation),
	    T(test_list_filters_by_period),
	    T(test_list_pages_by_keyset),
	    T(test_list_refuses_bad_queries),
	    T(test_csv_lists_the_filtered_entries),
	    T(test_csv_is_formula_safe),
	    T(test_csv_reads_in_batches),
	    T(test_object_entries_of_one_organisation),
	    T(test_object_counts_of_a_batch),
	    T(test_migration_counts_entries),
	    T(test_history_is_bounded),
	};
	store_fixture_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
