/* Fuzzes the reading of the trusted proxy's X-Forwarded-For header
 * (client_forwarded_for, http/client.c), which decides whose intake
 * budget a request counts against behind the proxy.
 *
 * The input up to its first NUL is the header value. Checks:
 *  - the answer is no address, IPv4 or IPv6, and an IPv6 answer is never
 *    an IPv4-mapped address (that is given as IPv4, so one client has
 *    one key);
 *  - only the last comma-separated part counts: the part alone, and the
 *    value with anything put before it, give the same answer (a client
 *    cannot move itself to another budget by what it sends before the
 *    address the proxy adds);
 *  - an address read is read again the same from its own text, with
 *    spaces around it, with a port ("a.b.c.d:port", "[v6]:port") and in
 *    brackets ("[v6]"). */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "http/client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static void same(int fa, const unsigned char *a, int fb, const unsigned char *b)
{
	if (fa != fb || memcmp(a, b, addr_len(fa)) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 512)
		return 0;
	char v[513 + 32];
	memcpy(v, data, size);
	v[size] = '\0';
	unsigned char a[16] = {0}, b[16] = {0};
	int fa = client_forwarded_for(v, a);
	if (fa != 0 && fa != AF_INET && fa != AF_INET6)
		abort();
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (fa == AF_INET6 && memcmp(a, mapped, 12) == 0)
		abort();

	/* The last part alone. */
	const char *last = strrchr(v, ',');
	same(fa, a, client_forwarded_for(last ? last + 1 : v, b), b);
	/* Anything before it. */
	char w[2 * sizeof v + 64];
	snprintf(w, sizeof w, "203.0.113.9, [2001:db8::1]:80,%s", v);
	same(fa, a, client_forwarded_for(w, b), b);
	snprintf(w, sizeof w, "%.*s,%s", (int)(size / 2), v, v);
	same(fa, a, client_forwarded_for(w, b), b);
	if (!fa)
		return 0;

	/* Read again from its own text, in the forms a proxy writes. */
	char t[INET6_ADDRSTRLEN];
	if (!inet_ntop(fa, a, t, sizeof t))
		abort();
	same(fa, a, client_forwarded_for(t, b), b);
	snprintf(w, sizeof w, " \t%s \t", t);
	same(fa, a, client_forwarded_for(w, b), b);
	if (fa == AF_INET) {
		snprintf(w, sizeof w, "%s:8080", t);
		same(fa, a, client_forwarded_for(w, b), b);
	} else {
		snprintf(w, sizeof w, "[%s]", t);
		same(fa, a, client_forwarded_for(w, b), b);
		snprintf(w, sizeof w, "[%s]:443", t);
		same(fa, a, client_forwarded_for(w, b), b);
	}
	return 0;
}
