/* conns: the global and per-source limits, the exempt proxy, deadlines of
 * each state (with explicit clock values), making room at the limit, and
 * records libmicrohttpd dropped or took in unannounced. Cutting is
 * recorded instead of shutting sockets down. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/conns.h"
#include "limits.h"

static int cuts[64];
static size_t ncuts;

static void record_cut(int fd)
{
	if (ncuts < sizeof cuts / sizeof cuts[0])
		cuts[ncuts++] = fd;
}

static bool was_cut(int fd)
{
	for (size_t i = 0; i < ncuts; i++)
		if (cuts[i] == fd)
			return true;
	return false;
}

static const unsigned char A[16] = {1}, B[16] = {2};

static struct conns *table(unsigned total, unsigned per_source)
{
	ncuts = 0;
	struct conns_limits l = {.max_total = total,
	                         .max_per_source = per_source,
	                         .header_s = 10,
	                         .body_s = 30,
	                         .idle_s = 15,
	                         .cut = record_cut};
	struct conns *t = NULL;
	assert_int_equal(conns_new(&l, &t), 0);
	return t;
}

/* Admits fd from source and has libmicrohttpd take it in at now. */
static void *open_conn(struct conns *t, int fd, const unsigned char *source, uint64_t now)
{
	assert_int_equal(conns_admit(t, fd, source, false, now), CONNS_ADMITTED);
	void *ctx = NULL;
	conns_started(t, fd, &ctx, now);
	assert_non_null(ctx);
	return ctx;
}

static void global_limit_counts_from_accept(void **state)
{
	(void)state;
	struct conns *t = table(3, 0);
	/* Handed over but not yet taken in: counted all the same. */
	assert_int_equal(conns_admit(t, 10, A, false, 0), CONNS_ADMITTED);
	assert_int_equal(conns_admit(t, 11, B, false, 0), CONNS_ADMITTED);
	assert_int_equal(conns_admit(t, 12, A, false, 0), CONNS_ADMITTED);
	assert_true(conns_full(t));
	assert_int_equal(conns_admit(t, 13, B, false, 0), CONNS_FULL);
	/* Refused at once by libmicrohttpd: the place is free again. */
	conns_refused(t, 11);
	assert_false(conns_full(t));
	void *ctx = NULL;
	conns_started(t, 10, &ctx, 0);
	conns_closed(t, &ctx);
	assert_null(ctx);
	unsigned total, cutting;
	conns_counts(t, &total, &cutting);
	assert_int_equal(total, 1);
	assert_int_equal(cutting, 0);
	conns_free(t);
}

static void per_source_limit(void **state)
{
	(void)state;
	struct conns *t = table(10, 2);
	void *a1 = open_conn(t, 1, A, 0);
	open_conn(t, 2, A, 0);
	assert_int_equal(conns_admit(t, 3, A, false, 0), CONNS_SOURCE_FULL);
	/* Another source and the trusted proxy are not held back by A. */
	assert_int_equal(conns_admit(t, 4, B, false, 0), CONNS_ADMITTED);
	assert_int_equal(conns_admit(t, 5, A, true, 0), CONNS_ADMITTED);
	assert_int_equal(conns_admit(t, 6, A, true, 0), CONNS_ADMITTED);
	conns_closed(t, &a1);
	assert_int_equal(conns_admit(t, 3, A, false, 0), CONNS_ADMITTED);
	conns_free(t);
}

static void no_source_limit_when_zero(void **state)
{
	(void)state;
	struct conns *t = table(5, 0);
	for (int fd = 1; fd <= 5; fd++)
		assert_int_equal(conns_admit(t, fd, A, false, 0), CONNS_ADMITTED);
	assert_int_equal(conns_admit(t, 6, A, false, 0), CONNS_FULL);
	conns_free(t);
}

static void deadlines_per_state(void **state)
{
	(void)state;
	struct conns *t = table(10, 0);
	void *headers = open_conn(t, 1, A, 0);
	void *body = open_conn(t, 2, A, 0);
	void *handling = open_conn(t, 3, A, 0);
	void *idle = open_conn(t, 4, A, 0);
	conns_set(t, body, CONN_BODY, 5000);
	conns_set(t, handling, CONN_HANDLING, 0);
	conns_set(t, idle, CONN_IDLE, 0);
	assert_int_equal(conns_reap(t, 9999), 0);
	/* Headers: 10 s from the connection, however it trickles. */
	assert_int_equal(conns_reap(t, 10000), 1);
	assert_true(was_cut(1));
	/* A cut connection is not cut twice while it closes. */
	assert_int_equal(conns_reap(t, 20000), 0);
	/* Kept alive: 15 s idle plus 10 s for the next headers. */
	assert_int_equal(conns_reap(t, 25000), 1);
	assert_true(was_cut(4));
	/* Body: 30 s from the end of the headers. */
	assert_int_equal(conns_reap(t, 34999), 0);
	assert_int_equal(conns_reap(t, 35000), 1);
	assert_true(was_cut(2));
	/* A handler at work (a report waiting for its commit) is never cut. */
	assert_int_equal(conns_reap(t, 10000000), 0);
	assert_false(was_cut(3));
	unsigned total, cutting;
	conns_counts(t, &total, &cutting);
	assert_int_equal(total, 4);
	assert_int_equal(cutting, 3);
	conns_closed(t, &headers);
	conns_counts(t, &total, &cutting);
	assert_int_equal(total, 3);
	assert_int_equal(cutting, 2);
	conns_free(t);
}

static void room_is_made_from_the_oldest_idle(void **state)
{
	(void)state;
	struct conns *t = table(3, 0);
	void *busy = open_conn(t, 1, A, 0);
	void *newer = open_conn(t, 2, A, 0);
	void *older = open_conn(t, 3, B, 0);
	conns_set(t, busy, CONN_HANDLING, 0);
	conns_set(t, newer, CONN_IDLE, 500);
	conns_set(t, older, CONN_IDLE, 100);
	assert_true(conns_make_room(t, 600));
	assert_int_equal(ncuts, 1);
	assert_int_equal(cuts[0], 3);
	/* While it closes, no second one is cut: its place is coming. */
	assert_true(conns_make_room(t, 700));
	assert_int_equal(ncuts, 1);
	conns_closed(t, &older);
	assert_false(conns_full(t));
	conns_free(t);
}

static void fresh_headers_are_not_idle(void **state)
{
	(void)state;
	struct conns *t = table(2, 0);
	open_conn(t, 1, A, 0);
	open_conn(t, 2, B, 0);
	/* Both are new clients still sending their headers: nobody to cut. */
	assert_false(conns_make_room(t, HTTP_HEADERS_IDLE_AFTER_MS - 1));
	assert_int_equal(ncuts, 0);
	assert_true(conns_make_room(t, HTTP_HEADERS_IDLE_AFTER_MS));
	assert_int_equal(ncuts, 1);
	conns_free(t);
}

static void busy_connections_are_never_cut_for_room(void **state)
{
	(void)state;
	struct conns *t = table(2, 0);
	void *a = open_conn(t, 1, A, 0);
	void *b = open_conn(t, 2, B, 0);
	conns_set(t, a, CONN_HANDLING, 0);
	conns_set(t, b, CONN_BODY, 0);
	assert_false(conns_make_room(t, 100000));
	assert_int_equal(ncuts, 0);
	conns_free(t);
}

static void dropped_pending_is_forgotten(void **state)
{
	(void)state;
	struct conns *t = table(2, 1);
	/* libmicrohttpd dropped fd 7 without a word: the same number coming
	 * back from accept(2) proves it was closed. */
	assert_int_equal(conns_admit(t, 7, A, false, 0), CONNS_ADMITTED);
	assert_int_equal(conns_admit(t, 7, A, false, 10), CONNS_ADMITTED);
	unsigned total, cutting;
	conns_counts(t, &total, &cutting);
	assert_int_equal(total, 1);
	/* And one never taken in is forgotten after a while. */
	assert_int_equal(conns_reap(t, 10 + HTTP_PENDING_STALE_MS - 1), 0);
	conns_counts(t, &total, &cutting);
	assert_int_equal(total, 1);
	conns_reap(t, 10 + HTTP_PENDING_STALE_MS);
	conns_counts(t, &total, &cutting);
	assert_int_equal(total, 0);
	assert_int_equal(ncuts, 0);
	conns_free(t);
}

/* A pending connection may already be closed by libmicrohttpd without a
 * word (its descriptor number free for reuse): never cut one. */
static void pending_is_never_cut(void **state)
{
	(void)state;
	struct conns *t = table(1, 0);
	assert_int_equal(conns_admit(t, 9, A, false, 0), CONNS_ADMITTED);
	assert_false(conns_make_room(t, 100000));
	conns_reap(t, 100000);
	assert_int_equal(ncuts, 0);
	conns_free(t);
}

static void unannounced_start_is_counted_or_cut(void **state)
{
	(void)state;
	struct conns *t = table(1, 0);
	void *ctx = NULL;
	conns_started(t, 5, &ctx, 0);
	assert_non_null(ctx);
	assert_true(conns_full(t));
	void *ctx2 = NULL;
	conns_started(t, 6, &ctx2, 0);
	assert_null(ctx2);
	assert_true(was_cut(6));
	conns_closed(t, &ctx2); /* a NULL record is fine */
	conns_closed(t, &ctx);
	assert_false(conns_full(t));
	conns_free(t);
}

static void bad_limits(void **state)
{
	(void)state;
	struct conns_limits l = {0};
	struct conns *t = NULL;
	assert_int_equal(conns_new(&l, &t), -22);
	conns_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(global_limit_counts_from_accept),
	    cmocka_unit_test(per_source_limit),
	    cmocka_unit_test(no_source_limit_when_zero),
	    cmocka_unit_test(deadlines_per_state),
	    cmocka_unit_test(room_is_made_from_the_oldest_idle),
	    cmocka_unit_test(fresh_headers_are_not_idle),
	    cmocka_unit_test(busy_connections_are_never_cut_for_room),
	    cmocka_unit_test(dropped_pending_is_forgotten),
	    cmocka_unit_test(pending_is_never_cut),
	    cmocka_unit_test(unannounced_start_is_counted_or_cut),
	    cmocka_unit_test(bad_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
