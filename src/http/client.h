/* client: who a client is, as far as Signaal may know: a keyed hash of
 * its address, never the address itself.
 *
 * Owns the reading of client addresses: the peer of a connection (from
 * libmicrohttpd or, for the accepting thread, from accept(2)), the trusted
 * proxy's X-Forwarded-For, and the comparison with the trusted proxy. An
 * address is turned at once into a keyed hash (BLAKE2b with a key made at
 * random at start and never written) or compared, and never kept, logged
 * or stored. No other file reads a client address; scripts/check enforces
 * it. The throttles (throttle.h) and the table of connections (conns.h)
 * count under these keys. */
#ifndef SIGNAAL_HTTP_CLIENT_H
#define SIGNAAL_HTTP_CLIENT_H

#include <stdbool.h>

#include "http/http.h"

struct sockaddr;

/* The source key of a request: a keyed hash of the client's network part
 * (an IPv4 address or an IPv6 /64), in memory only. The client is the
 * connection's peer, or, when the request came through the trusted proxy
 * ([server] trusted_proxy), the last address of its X-Forwarded-For. */
void client_key(const struct req *req, unsigned char key[16]);
/* True when the request's connection comes from addr (AF_INET: 4 bytes,
 * AF_INET6: 16; the trusted proxy). */
bool client_peer_is(const struct req *req, int family, const unsigned char addr[16]);
/* The source key of a connection from its peer address sa (as accept(2)
 * gave it): the same as client_key() of a request on it without a
 * proxy. */
void client_addr_key(const struct sockaddr *sa, unsigned char key[16]);
/* True when sa is addr (family AF_INET: 4 bytes, AF_INET6: 16). */
bool client_addr_is(const struct sockaddr *sa, int family, const unsigned char addr[16]);
/* The last address of an X-Forwarded-For value v: the one the trusted
 * proxy itself added. Takes "a.b.c.d", "a.b.c.d:port", "v6", "[v6]" and
 * "[v6]:port", with a zone ("%eth0") ignored, into addr (AF_INET: 4
 * bytes, AF_INET6: 16; an IPv4-mapped address as IPv4). Returns its
 * family, or 0 when it is not an address. Used by client_key(); public
 * for tests/fuzz/fuzz_forwarded_for.c only: the caller must hash or
 * compare addr and never keep, log or store it. */
int client_forwarded_for(const char *v, unsigned char addr[16]);

#endif
