/* client: see client.h. */
#include "http/client.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/log.h"

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
 * IPv4-mapped made IPv4); returns its family, or 0. With the accepting
 * thread, which hands accept(2)'s address on unread, this file is the
 * only place where a client address is read; it is compared or hashed
 * here and never kept, logged or stored. */
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

bool client_peer_is(const struct req *req, int family, const unsigned char addr[16])
{
	return client_addr_is(peer_sockaddr(req), family, addr);
}

/* See client.h. */
int client_forwarded_for(const char *v, unsigned char addr[16])
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

void client_key(const struct req *req, unsigned char key[16])
{
	pthread_once(&client_once, client_key_init);
	unsigned char raw[1 + 16] = {0};
	unsigned char addr[16];
	size_t n = 1;
	int family = 0;
	if (req && req->conn && req->via_proxy) {
		const char *xff = req_header_last(req, "X-Forwarded-For");
		family = xff ? client_forwarded_for(xff, addr) : 0;
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

void client_addr_key(const struct sockaddr *sa, unsigned char key[16])
{
	pthread_once(&client_once, client_key_init);
	unsigned char raw[1 + 16] = {0};
	unsigned char addr[16];
	size_t n = client_part(sockaddr_bytes(sa, addr), addr, raw);
	crypto_generichash(key, 16, raw, n, client_hash_key, sizeof client_hash_key);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(addr, sizeof addr);
}

bool client_addr_is(const struct sockaddr *sa, int family, const unsigned char addr[16])
{
	if (family != AF_INET && family != AF_INET6)
		return false;
	unsigned char peer[16];
	int pf = sockaddr_bytes(sa, peer);
	bool same = pf == family && memcmp(peer, addr, family == AF_INET ? 4 : 16) == 0;
	sodium_memzero(peer, sizeof peer);
	return same;
}
