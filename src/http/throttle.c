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

/* The key of client keys, made once per process. */
static unsigned char client_hash_key[crypto_generichash_KEYBYTES];
static pthread_once_t client_once = PTHREAD_ONCE_INIT;

static void client_key_init(void)
{
	if (sodium_init() < 0)
		abort(); /* no randomness: nothing safe to fall back on */
	randombytes_buf(client_hash_key, sizeof client_hash_key);
}

/* The network part that one client controls, into raw (1 + up to 16
 * bytes): an IPv4 address, or an IPv6 /64 (one host gets a whole /64 and
 * could rotate inside it). Returns the length used. */
static size_t client_part(int family, const unsigned char *addr, unsigned char raw[1 + 16])
{
	if (family == AF_INET) {
		raw[0] = 4;
		memcpy(raw + 1, addr, 4);
		return 1 + 4;
	}
	if (family == AF_INET6) {
		raw[0] = 6;
		memcpy(raw + 1, addr, 8);
		return 1 + 8;
	}
	return 1;
}

/* An IPv4 address written as IPv6 (::ffff:a.b.c.d) becomes IPv4. */
static int unmap(int family, unsigned char addr[16])
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (family != AF_INET6 || memcmp(addr, mapped, 12) != 0)
		return family;
	memmove(addr, addr + 12, 4);
	return AF_INET;
}

/* A peer address (sa, or the connection's peer) into addr (4 or 16 bytes,
 * IPv4-mapped made IPv4); returns its family, or 0. The only place, with the
 * accepting thread in server.c, where a client address is read; it is
 * compared or hashed here and never kept, logged or stored. */
static int sockaddr_bytes(const struct sockaddr *sa, unsigned char addr[16])
{
	if (sa && sa->sa_family == AF_INET) {
		memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return AF_INET;
	}
	if (sa && sa->sa_family == AF_INET6) {
		memcpy(addr, ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr, 16);
		return unmap(AF_INET6, addr);
	}
	return 0;
}

/* The connection's peer, as libmicrohttpd has it, or NULL. */
static const struct sockaddr *peer_sockaddr(const struct req *req)
{
	const union MHD_ConnectionInfo *ci =
	    req && req->conn
	        ? MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS)
	        : NULL;
	return ci ? ci->client_addr : NULL;
}

static int peer_of(const struct req *req, unsigned char addr[16])
{
	return sockaddr_bytes(peer_sockaddr(req), addr);
}

bool throttle_peer_is(const struct req *req, int family, const unsigned char addr[16])
{
	return throttle_addr_is(peer_sockaddr(req), family, addr);
}

/* The last address of an X-Forwarded-For value: the one the trusted proxy
 * itself added. Takes "a.b.c.d", "a.b.c.d:port", "v6", "[v6]" and
 * "[v6]:port", with a zone ("%eth0") ignored. Returns its family, or 0
 * when it is not an address. */
static int forwarded_for(const char *v, unsigned char addr[16])
{
	const char *p = strrchr(v, ',');
	p = p ? p + 1 : v;
	p += strspn(p, " \t");
	size_t n = strcspn(p, " \t");
	if (p[n + strspn(p + n, " \t")] != '\0')
		return 0; /* something after the address */
	char tmp[INET6_ADDRSTRLEN + 8];
	if (n == 0 || n >= sizeof tmp)
		return 0;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	char *host = tmp;
	if (host[0] == '[') {
		char *close = strchr(host, ']');
		if (!close || (close[1] != '\0' && close[1] != ':'))
			return 0;
		*close = '\0';
		host++;
	} else {
		char *colon = strchr(host, ':');
		if (colon && !strchr(colon + 1, ':'))
			*colon = '\0'; /* a.b.c.d:port (one colon: not IPv6) */
	}
	char *zone = strchr(host, '%');
	if (zone)
		*zone = '\0';
	if (inet_pton(AF_INET, host, addr) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, host, addr) == 1)
		return unmap(AF_INET6, addr);
	return 0;
}

/* Said once per process: the proxy sends what we cannot read (never the
 * value itself: it may be an address). */
static atomic_bool unreadable_said;

void throttle_client_key(const struct req *req, unsigned char key[16])
{
	pthread_once(&client_once, client_key_init);
	unsigned char raw[1 + 16] = {0};
	unsigned char addr[16];
	size_t n = 1;
	int family = 0;
	if (req && req->conn && req->via_proxy) {
		const char *xff = req_header_last(req, "X-Forwarded-For");
		family = xff ? forwarded_for(xff, addr) : 0;
		if (!family && !atomic_exchange(&unreadable_said, true))
			log_warn("the trusted proxy sent no readable X-Forwarded-For address; such "
			         "requests share the proxy's own intake budget");
	}
	if (!family) /* no proxy, or it named no address: the connection's peer */
		family = peer_of(req, addr);
	n = client_part(family, addr, raw);
	crypto_generichash(key, 16, raw, n, client_hash_key, sizeof client_hash_key);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(addr, sizeof addr);
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
	struct throttle *source; /* wrong receipts per source, window_s */
	struct throttle *busy;   /* the same, busy_window_s: read while guessing */
	struct throttle *all;    /* wrong receipts overall, per minute */
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
	 * others never refuses anyone on its own. */
	if (throttle_peek_all(g->all) > 0) {
		unsigned longer = throttle_peek(g->busy, src, 16);
		wait = longer > wait ? longer : wait;
	}
	return wait;
}

void receipt_guard_wrong(struct receipt_guard *g, const unsigned char src[16])
{
	if (!g)
		return;
	throttle_hit(g->source, src, 16);
	throttle_hit(g->busy, src, 16);
	throttle_hit_all(g->all);
}

/* --- Connection sources ---------------------------------------------- */

void throttle_addr_key(const struct sockaddr *sa, unsigned char key[16])
{
	pthread_once(&client_once, client_key_init);
	unsigned char raw[1 + 16] = {0};
	unsigned char addr[16];
	size_t n = client_part(sockaddr_bytes(sa, addr), addr, raw);
	crypto_generichash(key, 16, raw, n, client_hash_key, sizeof client_hash_key);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(addr, sizeof addr);
}

bool throttle_addr_is(const struct sockaddr *sa, int family, const unsigned char addr[16])
{
	if (family != AF_INET && family != AF_INET6)
		return false;
	unsigned char peer[16];
	int pf = sockaddr_bytes(sa, peer);
	bool same = pf == family && memcmp(peer, addr, family == AF_INET ? 4 : 16) == 0;
	sodium_memzero(peer, sizeof peer);
	return same;
}
