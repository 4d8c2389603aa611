/* Throttle: the limit, window expiry (with an injected clock), Retry-After
 * values, slot eviction, 0 = unlimited, peek, a thread safety smoke
 * test, and the receipt guard (per source; slower, never refusing, under
 * guessing). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>
#include <sodium.h>

#include "http/client.h"
#include "http/throttle.h"

static uint64_t fake_now = 1000;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static int setup(void **state)
{
	(void)state;
	fake_now = 1000;
	throttle_set_clock(fake_clock);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	throttle_set_clock(NULL);
	return 0;
}

static void limit_then_wait(void **state)
{
	(void)state;
	struct throttle *t;
	assert_int_equal(throttle_new(3, 60, 64, &t), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(throttle_hit(t, "a", 1), 0);
	assert_int_equal(throttle_hit(t, "a", 1), 60);
	fake_now += 10;
	assert_int_equal(throttle_hit(t, "a", 1), 50);
	/* Another key has its own count. */
	assert_int_equal(throttle_hit(t, "b", 1), 0);
	throttle_free(t);
}

static void window_expires(void **state)
{
	(void)state;
	struct throttle *t;
	assert_int_equal(throttle_new(2, 60, 64, &t), 0);
	assert_int_equal(throttle_hit(t, "k", 1), 0);
	fake_now += 30;
	assert_int_equal(throttle_hit(t, "k", 1), 0);
	/* The window opened with the first hit: 30 s left. */
	assert_int_equal(throttle_hit(t, "k", 1), 30);
	fake_now += 29;
	assert_int_equal(throttle_hit(t, "k", 1), 1);
	fake_now += 1;
	assert_int_equal(throttle_hit(t, "k", 1), 0);
	assert_int_equal(throttle_hit(t, "k", 1), 0);
	assert_int_equal(throttle_hit(t, "k", 1), 60);
	throttle_free(t);
}

static void blocked_hits_do_not_extend(void **state)
{
	(void)state;
	struct throttle *t;
	assert_int_equal(throttle_new(1, 10, 8, &t), 0);
	assert_int_equal(throttle_hit(t, "x", 1), 0);
	for (int i = 0; i < 9; i++) {
		assert_int_equal(throttle_hit(t, "x", 1), (unsigned)(10 - i));
		fake_now++;
	}
	fake_now++;
	assert_int_equal(throttle_hit(t, "x", 1), 0);
	throttle_free(t);
}

static void peek_does_not_count(void **state)
{
	(void)state;
	struct throttle *t;
	assert_int_equal(throttle_new(2, 100, 16, &t), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(throttle_peek(t, "p", 1), 0);
	assert_int_equal(throttle_hit(t, "p", 1), 0);
	assert_int_equal(throttle_peek(t, "p", 1), 0);
	assert_int_equal(throttle_hit(t, "p", 1), 0);
	assert_int_equal(throttle_peek(t, "p", 1), 100);
	fake_now += 100;
	assert_int_equal(throttle_peek(t, "p", 1), 0);
	throttle_free(t);
}

static void zero_is_unlimited(void **state)
{
	(void)state;
	struct throttle *t;
	assert_int_equal(throttle_new(0, 0, 0, &t), 0);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(throttle_hit(t, "z", 1), 0);
	assert_int_equal(throttle_peek(t, "z", 1), 0);
	throttle_free(t);
	/* A NULL throttle (not configured) limits nothing either. */
	assert_int_equal(throttle_hit(NULL, "z", 1), 0);
	assert_int_equal(throttle_peek(NULL, "z", 1), 0);
	throttle_free(NULL);
}

static void bad_arguments(void **state)
{
	(void)state;
	struct throttle *t = (struct throttle *)1;
	assert_int_equal(throttle_new(1, 0, 8, &t), -EINVAL);
	assert_null(t);
	assert_int_equal(throttle_new(1, 10, 0, &t), -EINVAL);
	assert_null(t);
}

static void oldest_is_evicted(void **state)
{
	(void)state;
	struct throttle *t;
	/* Four slots, all within one probe range: a fifth key takes the
	 * slot of the key hit least recently. */
	assert_int_equal(throttle_new(1, 1000, 4, &t), 0);
	const char *keys[] = {"k0", "k1", "k2", "k3"};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(throttle_hit(t, keys[i], 2), 0);
		fake_now++;
	}
	for (int i = 0; i < 4; i++)
		assert_int_not_equal(throttle_peek(t, keys[i], 2), 0);
	assert_int_equal(throttle_hit(t, "k4", 2), 0);
	/* k0 was forgotten; the others are still blocked. */
	assert_int_equal(throttle_peek(t, "k0", 2), 0);
	for (int i = 1; i < 4; i++)
		assert_int_not_equal(throttle_peek(t, keys[i], 2), 0);
	assert_int_not_equal(throttle_peek(t, "k4", 2), 0);
	throttle_free(t);
}

static void expired_slot_reused_first(void **state)
{
	(void)state;
	struct throttle *t;
	assert_int_equal(throttle_new(1, 10, 2, &t), 0);
	assert_int_equal(throttle_hit(t, "old", 3), 0);
	fake_now += 5;
	assert_int_equal(throttle_hit(t, "new", 3), 0);
	fake_now += 6; /* "old" expired, "new" not */
	assert_int_equal(throttle_hit(t, "3rd", 3), 0);
	assert_int_not_equal(throttle_peek(t, "new", 3), 0);
	throttle_free(t);
}

static void many_keys_fit(void **state)
{
	(void)state;
	struct throttle *t;
	assert_int_equal(throttle_new(1, 1000, THROTTLE_SLOTS, &t), 0);
	char k[16];
	/* Far more keys than slots: nothing breaks, the table stays bounded,
	 * and recent keys are remembered. */
	for (unsigned i = 0; i < 4 * THROTTLE_SLOTS; i++) {
		snprintf(k, sizeof k, "key%u", i);
		throttle_hit(t, k, strlen(k));
	}
	snprintf(k, sizeof k, "key%u", 4 * THROTTLE_SLOTS - 1);
	assert_int_not_equal(throttle_hit(t, k, strlen(k)), 0);
	throttle_free(t);
}

static void blocked_source_keeps_its_slot(void **state)
{
	(void)state;
	struct throttle *t;
	/* Two slots: a blocked key that keeps trying stays recent, so a
	 * stream of new keys evicts the others, not the blocked one. */
	assert_int_equal(throttle_new(1, 1000, 2, &t), 0);
	assert_int_equal(throttle_hit(t, "bad", 3), 0);
	char k[16];
	for (int i = 0; i < 50; i++) {
		assert_int_not_equal(throttle_hit(t, "bad", 3), 0);
		snprintf(k, sizeof k, "new%d", i);
		assert_int_equal(throttle_hit(t, k, strlen(k)), 0);
	}
	assert_int_not_equal(throttle_peek(t, "bad", 3), 0);
	throttle_free(t);
}

struct worker {
	struct throttle *t;
	unsigned allowed;
	int id;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	char k[16];
	for (int i = 0; i < 20000; i++) {
		/* One shared key and some of the thread's own. */
		if (throttle_hit(w->t, "shared", 6) == 0)
			w->allowed++;
		snprintf(k, sizeof k, "%d-%d", w->id, i % 20);
		throttle_hit(w->t, k, strlen(k));
		throttle_peek(w->t, k, strlen(k));
	}
	return NULL;
}

static void threads_smoke(void **state)
{
	(void)state;
	throttle_set_clock(NULL); /* the real clock; the window outlasts the test */
	struct throttle *t;
	assert_int_equal(throttle_new(1000, 3600, 256, &t), 0);
	struct worker w[8];
	pthread_t th[8];
	for (int i = 0; i < 8; i++) {
		w[i] = (struct worker){t, 0, i};
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	unsigned total = 0;
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		total += w[i].allowed;
	}
	/* Exactly the limit got through on the shared key. */
	assert_int_equal(total, 1000);
	throttle_free(t);
	throttle_set_clock(fake_clock);
}

static void client_key_without_connection(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof r);
	unsigned char a[16], b[16];
	client_key(&r, a);
	client_key(&r, b);
	/* Stable within the process (no connection: one shared key). */
	assert_memory_equal(a, b, 16);
}

/* The overall counter is one, however many callers count in it, even in a
 * one-slot table (a regression: two callers with their own keys took the
 * slot from each other, and neither ever reached the limit). */
static void all_counter_is_shared(void **state)
{
	(void)state;
	struct throttle *t = NULL;
	assert_int_equal(throttle_new(3, 60, 1, &t), 0);
	assert_int_equal(throttle_hit_all(t), 0);
	assert_int_equal(throttle_peek_all(t), 0);
	assert_int_equal(throttle_hit_all(t), 0);
	assert_int_equal(throttle_hit_all(t), 0);
	assert_true(throttle_peek_all(t) > 0);
	assert_true(throttle_hit_all(t) > 0);
	fake_now += 61;
	assert_int_equal(throttle_hit_all(t), 0);
	throttle_free(t);
}

/* --- The receipt guard ------------------------------------------------ */

static const unsigned char src_a[16] = {1};
static const unsigned char src_b[16] = {2};

/* Wrong receipts count against the source that sent them, and only it. */
static void guard_per_source(void **state)
{
	(void)state;
	struct receipt_guard *g = NULL;
	assert_int_equal(receipt_guard_new(3, 60, 100, 300, 64, &g), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(receipt_guard_wait(g, src_a), 0);
		receipt_guard_wrong(g, src_a);
	}
	assert_int_equal(receipt_guard_wait(g, src_a), 60);
	/* Another source is not touched: no lockout from elsewhere. */
	assert_int_equal(receipt_guard_wait(g, src_b), 0);
	fake_now += 20;
	assert_int_equal(receipt_guard_wait(g, src_a), 40);
	/* Asking does not count. */
	assert_int_equal(receipt_guard_wait(g, src_a), 40);
	fake_now += 40;
	assert_int_equal(receipt_guard_wait(g, src_a), 0);
	receipt_guard_free(g);
}

/* Many wrong receipts overall never make a source without wrong tries of
 * its own wait, nor one that has tries left. */
static void guard_never_refuses_overall(void **state)
{
	(void)state;
	struct receipt_guard *g = NULL;
	assert_int_equal(receipt_guard_new(3, 60, 5, 300, 4096, &g), 0);
	unsigned char src[16] = {0};
	for (unsigned i = 0; i < 1000; i++) {
		memcpy(src, &i, sizeof i);
		src[15] = 9;
		receipt_guard_wrong(g, src);
	}
	assert_int_equal(receipt_guard_wait(g, src_a), 0);
	receipt_guard_wrong(g, src_a);
	receipt_guard_wrong(g, src_a);
	assert_int_equal(receipt_guard_wait(g, src_a), 0);
	receipt_guard_free(g);
}

/* Under guessing a source that used up its tries waits for the longer
 * window; when guessing stops, its own window counts again. */
static void guard_slows_down_under_guessing(void **state)
{
	(void)state;
	struct receipt_guard *g = NULL;
	assert_int_equal(receipt_guard_new(3, 60, 5, 300, 64, &g), 0);
	for (int i = 0; i < 3; i++)
		receipt_guard_wrong(g, src_a);
	assert_int_equal(receipt_guard_wait(g, src_a), 60);
	fake_now += 61; /* its own window and the overall minute are over */
	assert_int_equal(receipt_guard_wait(g, src_a), 0);
	/* Others guess: 5 wrong in a minute. */
	unsigned char src[16] = {7};
	for (unsigned char i = 0; i < 5; i++) {
		src[1] = i;
		receipt_guard_wrong(g, src);
	}
	assert_int_equal(receipt_guard_wait(g, src_a), 300 - 61);
	/* A source with tries left is not slowed down. */
	assert_int_equal(receipt_guard_wait(g, src_b), 0);
	fake_now += 60;
	assert_int_equal(receipt_guard_wait(g, src_a), 0);
	receipt_guard_free(g);
}

/* The overall count of every server (receipt_guard_share): what another
 * server counted slows down a source here that used up its tries, though
 * this server saw too few wrong receipts; each wrong receipt is passed on,
 * and the shared count is asked only for a source without tries left. */
struct shared_fake {
	bool busy;
	unsigned asked, counted;
};

static bool fake_busy(void *ctx)
{
	struct shared_fake *f = ctx;
	f->asked++;
	return f->busy;
}

static void fake_wrong(void *ctx)
{
	((struct shared_fake *)ctx)->counted++;
}

static void guard_shared_overall(void **state)
{
	(void)state;
	struct receipt_guard *g = NULL;
	assert_int_equal(receipt_guard_new(3, 60, 5, 300, 64, &g), 0);
	struct shared_fake f = {false, 0, 0};
	receipt_guard_share(g, &(struct receipt_guard_shared){fake_busy, fake_wrong, &f});
	assert_int_equal(receipt_guard_wait(g, src_a), 0);
	assert_int_equal(f.asked, 0);
	for (int i = 0; i < 3; i++)
		receipt_guard_wrong(g, src_a);
	assert_int_equal(f.counted, 3);
	/* Not busy anywhere: its own window. */
	assert_int_equal(receipt_guard_wait(g, src_a), 60);
	assert_int_equal(f.asked, 1);
	/* Busy over all servers, though this one counted only 3 of 5. */
	f.busy = true;
	assert_int_equal(receipt_guard_wait(g, src_a), 300);
	/* A source with tries left is never slowed down, and costs no query. */
	unsigned asked = f.asked;
	assert_int_equal(receipt_guard_wait(g, src_b), 0);
	assert_int_equal(f.asked, asked);
	receipt_guard_free(g);
}

static void guard_bad_arguments(void **state)
{
	(void)state;
	struct receipt_guard *g = (struct receipt_guard *)1;
	assert_int_equal(receipt_guard_new(0, 60, 5, 300, 64, &g), -EINVAL);
	assert_null(g);
	assert_int_equal(receipt_guard_new(3, 600, 5, 300, 64, &g), -EINVAL);
	assert_int_equal(receipt_guard_new(3, 60, 5, 300, 0, &g), -EINVAL);
	/* No guard: nothing to wait for, nothing counted. */
	assert_int_equal(receipt_guard_wait(NULL, src_a), 0);
	receipt_guard_wrong(NULL, src_a);
	receipt_guard_free(NULL);
	/* 0 overall: never slowed down. */
	assert_int_equal(receipt_guard_new(1, 60, 0, 300, 64, &g), 0);
	receipt_guard_wrong(g, src_a);
	fake_now += 61;
	assert_int_equal(receipt_guard_wait(g, src_a), 0);
	receipt_guard_free(g);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(limit_then_wait, setup, teardown),
	    cmocka_unit_test_setup_teardown(window_expires, setup, teardown),
	    cmocka_unit_test_setup_teardown(blocked_hits_do_not_extend, setup, teardown),
	    cmocka_unit_test_setup_teardown(peek_does_not_count, setup, teardown),
	    cmocka_unit_test_setup_teardown(zero_is_unlimited, setup, teardown),
	    cmocka_unit_test_setup_teardown(bad_arguments, setup, teardown),
	    cmocka_unit_test_setup_teardown(oldest_is_evicted, setup, teardown),
	    cmocka_unit_test_setup_teardown(expired_slot_reused_first, setup, teardown),
	    cmocka_unit_test_setup_teardown(blocked_source_keeps_its_slot, setup, teardown),
	    cmocka_unit_test_setup_teardown(many_keys_fit, setup, teardown),
	    cmocka_unit_test_setup_teardown(threads_smoke, setup, teardown),
	    cmocka_unit_test_setup_teardown(client_key_without_connection, setup, teardown),
	    cmocka_unit_test_setup_teardown(all_counter_is_shared, setup, teardown),
	    cmocka_unit_test_setup_teardown(guard_per_source, setup, teardown),
	    cmocka_unit_test_setup_teardown(guard_never_refuses_overall, setup, teardown),
	    cmocka_unit_test_setup_teardown(guard_slows_down_under_guessing, setup, teardown),
	    cmocka_unit_test_setup_teardown(guard_shared_overall, setup, teardown),
	    cmocka_unit_test_setup_teardown(guard_bad_arguments, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
