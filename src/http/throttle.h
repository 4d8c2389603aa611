/* throttle: in-memory rate limits (intake per source, receipt guessing).
 *
 * Client addresses are read only here, turned at once into a keyed hash
 * with a random key made at start and never written anywhere; the table
 * lives in memory only and forgets entries after their window. A server
 * restart forgets everything, which is the point. */
#ifndef SIGNAAL_HTTP_THROTTLE_H
#define SIGNAAL_HTTP_THROTTLE_H

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
/* The source key of a request: a keyed hash of the client address, in
 * memory only. The address is the connection's peer, or, when the request
 * came through the trusted proxy ([server] trusted_proxy), the last
 * address of its X-Forwarded-For. */
void throttle_client_key(const struct req *req, unsigned char key[16]);
/* True when the request's connection comes from addr (AF_INET: 4 bytes,
 * AF_INET6: 16; the trusted proxy). The address is compared and not kept:
 * only this module reads client addresses (scripts/check enforces it). */
bool throttle_peer_is(const struct req *req, int family, const unsigned char addr[16]);

/* Like throttle_hit() without counting: the seconds until key may hit
 * again, 0 when it may now. For limits on failures (wrong receipts): peek
 * before the costly or revealing work, hit only when it failed. */
unsigned throttle_peek(struct throttle *t, const void *key, size_t len);
/* Tests only: replaces the clock (monotonic seconds); NULL restores it. */
/* One counter for everything counted in t, whoever counts (the overall
 * limit of wrong receipts, shared by /volgen and the API): hit and peek
 * under a fixed key, so no caller can count under a key of its own. */
unsigned throttle_hit_all(struct throttle *t);
unsigned throttle_peek_all(struct throttle *t);
void throttle_set_clock(uint64_t (*now_s)(void));

#endif
