/* throttle: see throttle.h.
 *
 * A table of nslots slots, open addressing: a key's hash picks a start slot
 * and the key lives in one of the PROBE slots from there. Each slot counts
 * hits in a fixed window that opens with the key's first hit. A new key
 * takes a free or expired slot of its probe range, else the one hit least
 * recently (so with slots <= PROBE the oldest of the table goes first).
 * Keys are stored only as a keyed hash (BLAKE2b, a key made at random by
 * throttle_new), so the table never holds an address or receipt prefix. */
#include "http/throttle.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "util/log.h"

/* Slots a key may live in; bounds the work of one hit under the lock. */
#define PROBE 16u

struct slot {
	unsigned char id[16]; /* keyed hash of the key */
	uint64_t start;       /* window opened, seconds */
	uint64_t last;        /* sequence number of the last hit (eviction order) */
	unsigned count;       /* hits in the window */
	bool used;
};

struct throttle {
	pthread_mutex_t mu;
	unsigned limit;
	unsigned window_s;
	size_t nslots;
	struct slot *slots;
	uint64_t seq; /* hits so far: orders slots by recency */
	unsigned char key[crypto_generichash_KEYBYTES];
};

static uint64_t clock_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

/* Set by tests before any thread runs; read without a lock afterwards. */
static uint64_t (*now_fn)(void) = clock_now;

void throttle_set_clock(uint64_t (*now_s)(void))
{
	now_fn = now_s ? now_s : clock_now;
}

int throttle_new(unsigned limit, unsigned window_s, size_t slots, struct throttle **out)
{
	*out = NULL;
	if (limit > 0 && (window_s == 0 || slots == 0))
		return -EINVAL;
	if (sodium_init() < 0)
		return -EIO;
	struct throttle *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	t->limit = limit;
	t->window_s = window_s;
	if (limit > 0) {
		t->nslots = slots;
		t->slots = calloc(slots, sizeof *t->slots);
		if (!t->slots) {
			free(t);
			return -ENOMEM;
		}
	}
	int rc = pthread_mutex_init(&t->mu, NULL);
	if (rc != 0) {
		free(t->slots);
		free(t);
		return -rc;
	}
	randombytes_buf(t->key, sizeof t->key);
	*out = t;
	return 0;
}

void throttle_free(struct throttle *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->mu);
	if (t->slots)
		sodium_memzero(t->slots, t->nslots * sizeof *t->slots);
	free(t->slots);
	sodium_memzero(t->key, sizeof t->key);
	free(t);
}

static bool expired(const struct throttle *t, const struct slot *s, uint64_t now)
{
	return now >= s->start + t->window_s;
}

/* True when a is a better slot to give to a new key than b: a free or
 * expired slot first, else the one hit least recently. */
static bool better_spare(const struct throttle *t, const struct slot *a, const struct slot *b,
                         uint64_t now)
{
	bool af = !a->used || expired(t, a, now);
	bool bf = !b->used || expired(t, b, now);
	if (af != bf)
		return af;
	return !af && a->last < b->last;
}

/* The slot of id, or NULL. With create, a new slot (an empty, expired or
 * least recently hit one) is taken for an id not in the table. Expired
 * windows are reset. Called with the lock held. */
static struct slot *find(struct throttle *t, const unsigned char id[16], uint64_t now, bool create)
{
	uint64_t h;
	memcpy(&h, id, sizeof h);
	size_t probe = t->nslots < PROBE ? t->nslots : PROBE;
	struct slot *spare = NULL;
	for (size_t i = 0; i < probe; i++) {
		struct slot *s = &t->slots[(h + i) % t->nslots];
		if (s->used && sodium_memcmp(s->id, id, 16) == 0) {
			if (expired(t, s, now)) {
				s->start = now;
				s->count = 0;
			}
			return s;
		}
		if (!spare || better_spare(t, s, spare, now))
			spare = s;
	}
	if (!create)
		return NULL;
	memcpy(spare->id, id, 16);
	spare->used = true;
	spare->start = now;
	spare->last = t->seq;
	spare->count = 0;
	return spare;
}

static unsigned wait_of(const struct throttle *t, const struct slot *s, uint64_t now)
{
	if (!s || s->count < t->limit)
		return 0;
	uint64_t w = s->start + t->window_s - now;
	return w == 0 ? 1 : (unsigned)w;
}

static unsigned check(struct throttle *t, const void *key, size_t len, bool count)
{
	if (!t || t->limit == 0)
		return 0;
	unsigned char id[16];
	crypto_generichash(id, sizeof id, key, len, t->key, sizeof t->key);
	uint64_t now = now_fn();
	pthread_mutex_lock(&t->mu);
	struct slot *s = find(t, id, now, count);
	unsigned wait = wait_of(t, s, now);
	if (count) {
		/* A source that keeps trying while blocked stays recent, so it
		 * is not the one forgotten to make room. */
		s->last = ++t->seq;
		if (wait == 0)
			s->count++;
	}
	pthread_mutex_unlock(&t->mu);
	return wait;
}

unsigned throttle_hit(struct throttle *t, const void *key, size_t len)
{
	return check(t, key, len, true);
}

unsigned throttle_peek(struct throttle *t, const void *key, size_t len)
{
	return check(t, key, len, false);
}

static const char all_key[] = "*";

unsigned throttle_hit_all(struct throttle *t)
{
	return throttle_hit(t, all_key, sizeof all_key - 1);
}

unsigned throttle_peek_all(struct throttle *t)
{
	return throttle_peek(t, all_key, sizeof all_key - 1);
}

/* --- Wrong receipts ---------------------------------------------------- */

struct receipt_guard {
	struct throttle *source;            /* wrong receipts per source, window_s */
	struct throttle *busy;              /* the same, busy_window_s: read while guessing */
	struct throttle *all;               /* wrong receipts overall, per minute */
	struct receipt_guard_shared shared; /* the overall count of every server */
};

int receipt_guard_new(unsigned per_source, unsigned window_s, unsigned busy_per_min,
                      unsigned busy_window_s, size_t slots, struct receipt_guard **out)
{
	*out = NULL;
	if (per_source == 0 || busy_window_s < window_s)
		return -EINVAL;
	struct receipt_guard *g = calloc(1, sizeof *g);
	if (!g)
		return -ENOMEM;
	int rc = throttle_new(per_source, window_s, slots, &g->source);
	if (rc == 0)
		rc = throttle_new(per_source, busy_window_s, slots, &g->busy);
	if (rc == 0)
		rc = throttle_new(busy_per_min, 60, 1, &g->all);
	if (rc) {
		receipt_guard_free(g);
		return rc;
	}
	*out = g;
	return 0;
}

void receipt_guard_free(struct receipt_guard *g)
{
	if (!g)
		return;
	throttle_free(g->source);
	throttle_free(g->busy);
	throttle_free(g->all);
	free(g);
}

unsigned receipt_guard_wait(struct receipt_guard *g, const unsigned char src[16])
{
	if (!g)
		return 0;
	unsigned wait = throttle_peek(g->source, src, 16);
	/* Only a source that used up its own tries waits longer: the rate of
	 * others never refuses anyone on its own. So the overall counts are
	 * asked only for such a source (the shared one costs a query). */
	unsigned longer = throttle_peek(g->busy, src, 16);
	if (longer > wait &&
	    (throttle_peek_all(g->all) > 0 || (g->shared.busy && g->shared.busy(g->shared.ctx))))
		wait = longer;
	return wait;
}

void receipt_guard_wrong(struct receipt_guard *g, const unsigned char src[16])
{
	if (!g)
		return;
	throttle_hit(g->source, src, 16);
	throttle_hit(g->busy, src, 16);
	throttle_hit_all(g->all);
	if (g->shared.wrong)
		g->shared.wrong(g->shared.ctx);
}

void receipt_guard_share(struct receipt_guard *g, const struct receipt_guard_shared *shared)
{
	if (g && shared)
		g->shared = *shared;
}
