/* throttle: in-memory rate limits (intake per source, receipt guessing).
 *
 * Keys are the sources of http/client.h (keyed hashes of addresses) and
 * are hashed once more with the table's own random key; the table lives
 * in memory only and forgets entries after their window. A server restart
 * forgets everything, which is the point. Only a count that holds no
 * source (the overall rate of wrong receipts) may also be kept elsewhere,
 * through receipt_guard_share(), so that it holds across servers. */
#ifndef SIGNAAL_HTTP_THROTTLE_H
#define SIGNAAL_HTTP_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

struct throttle;

/* At most limit hits per window_s seconds per key; 0 = no limit. The
 * table holds at most slots keys (oldest forgotten first). */
int throttle_new(unsigned limit, unsigned window_s, size_t slots, struct throttle **out);
void throttle_free(struct throttle *t);
/* Counts a hit for key; returns 0 when allowed, else the seconds until
 * the next hit is allowed (for Retry-After). Thread-safe. */
unsigned throttle_hit(struct throttle *t, const void *key, size_t len);
/* Like throttle_hit() without counting: the seconds until key may hit
 * again, 0 when it may now. For limits on failures (wrong receipts): peek
 * before the costly or revealing work, hit only when it failed. */
unsigned throttle_peek(struct throttle *t, const void *key, size_t len);
/* One counter for everything counted in t, whoever counts (the overall
 * rate of wrong receipts, shared by /volgen and the API): hit and peek
 * under a fixed key, so no caller can count under a key of its own. */
unsigned throttle_hit_all(struct throttle *t);
unsigned throttle_peek_all(struct throttle *t);
/* Tests only: replaces the clock (monotonic seconds); NULL restores it. */
void throttle_set_clock(uint64_t (*now_s)(void));

/* --- Wrong receipts (/volgen and POST /api/v1/follow) -----------------
 *
 * Only wrong tries are counted, and only per source: a source that sent
 * per_source wrong receipts in window_s is not looked up until its window
 * ends. Nothing is refused for the whole site: an overall limit let 60
 * wrong receipts from anywhere lock every reporter out, and a limit per
 * receipt prefix let anyone who knew a receipt's first 4 symbols lock
 * that receipt out. A source without wrong tries of its own cannot be
 * told from a reporter, so it is always looked up. Overall the guard
 * only slows guessers down: while more than busy_per_min wrong receipts
 * a minute arrive (at this server, or at all servers together with
 * receipt_guard_share), a source that used up its tries waits until
 * busy_window_s after its first wrong one instead of window_s.
 *
 * Why that keeps guessing hopeless (FOLLOW_* in limits.h: 10 per 15
 * minutes, 10 an hour under guessing): a receipt holds 80 random bits.
 * With a million reports stored (2^20) one guess finds some report with
 * chance 2^-60. One source gets about 350,000 guesses a year (2^18.4):
 * chance 2^-41.6 a year. 100,000 sources (a botnet, or the 65,536 /64s
 * of one IPv6 /48) get 10 an hour each while guessing is on: 8.8e9 a
 * year (2^33), chance 2^-27 (1 in 130 million) a year of finding any
 * report, and 2^-47 of finding one chosen report.
 *
 * The guard sees only the source's key, never the receipt, and is asked
 * before every look-up, so a right and a wrong receipt take the same path
 * up to the look-up itself (by keyed hash, domain/intake.c); the count
 * comes after. People behind one address (a shared wifi, a carrier's NAT,
 * a proxy without X-Forwarded-For) share one budget; the message says so
 * and when to try again. */
struct receipt_guard;
/* A guard with the limits above (see FOLLOW_* in limits.h); slots: sources
 * remembered at once. busy_per_min = 0 never slows down. 0, -EINVAL or
 * -ENOMEM. The caller owns *out (receipt_guard_free). */
int receipt_guard_new(unsigned per_source, unsigned window_s, unsigned busy_per_min,
                      unsigned busy_window_s, size_t slots, struct receipt_guard **out);
void receipt_guard_free(struct receipt_guard *g);
/* Seconds source src (client_key()) must wait before a receipt
 * it sends is looked up; 0: look it up now. Ask before every look-up,
 * right or wrong. Thread-safe. */
unsigned receipt_guard_wait(struct receipt_guard *g, const unsigned char src[16]);
/* Counts a wrong receipt (well formed, not found) from src. A malformed
 * one is not looked up and not counted. Thread-safe. */
void receipt_guard_wrong(struct receipt_guard *g, const unsigned char src[16]);

/* The overall rate kept where every server sees it (site/ keeps it in the
 * database), so that guessers who spread over several servers still slow
 * each other down. It holds no source: per source, counts stay in this
 * process's memory. Either function may be NULL. */
struct receipt_guard_shared {
	/* Whether more than busy_per_min wrong receipts a minute arrive over
	 * all servers now; false when that cannot be told (then this
	 * process's own count decides alone). */
	bool (*busy)(void *ctx);
	/* Counts one wrong receipt (of any source). */
	void (*wrong)(void *ctx);
	void *ctx;
};
/* Makes g use shared beside its own overall count: a source that used up
 * its tries waits the longer window while either says busy. The shared
 * count is asked only for such a source. Call before g is used. */
void receipt_guard_share(struct receipt_guard *g, const struct receipt_guard_shared *shared);

#endif
