/* listen: Signaal's own listen sockets (the main one and, with [staff]
 * listen, the staff one) and the thread that accepts on them, admits each
 * connection to the one table of connections (conns.h) and hands it to
 * libmicrohttpd. See server_int.h for how the server's files divide. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "http/server_int.h"
#include "http/client.h"
#include "http/throttle.h"
#include "util/log.h"

/* A listening TCP socket on addr, or -errno. */
int listen_on(const struct sockaddr *addr, socklen_t len)
{
	int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int on = 1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
	    (addr->sa_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0) ||
	    bind(fd, addr, len) != 0 || listen(fd, HTTP_LISTEN_BACKLOG) != 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* The port of a bound IPv4 or IPv6 address. */
static uint16_t port_of(const struct sockaddr_storage *a)
{
	return ntohs(a->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)a)->sin6_port
	                                      : ((const struct sockaddr_in *)a)->sin_port);
}

/* A connection's local address is the staff listener's bound address
 * (its port, and its address unless that is the wildcard). Two listening
 * sockets never share an address and port (bind refuses it, also over a
 * wildcard), so the local address tells the listeners apart. */
bool listen_is_staff(const struct server *srv, struct MHD_Connection *conn)
{
	if (srv->staff_fd < 0)
		return false;
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct sockaddr_storage local = {0};
	socklen_t len = sizeof local;
	if (!ci || getsockname(ci->connect_fd, (struct sockaddr *)&local, &len) != 0)
		return false; /* unknown: the public side, which shows less */
	const struct sockaddr_storage *st = &srv->staff_addr;
	if (local.ss_family != st->ss_family || port_of(&local) != port_of(st))
		return false;
	if (st->ss_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)st)->sin6_addr;
		return IN6_IS_ADDR_UNSPECIFIED(a) ||
		       memcmp(a, &((struct sockaddr_in6 *)&local)->sin6_addr, sizeof *a) == 0;
	}
	const struct in_addr *a = &((const struct sockaddr_in *)st)->sin_addr;
	return a->s_addr == htonl(INADDR_ANY) ||
	       a->s_addr == ((struct sockaddr_in *)&local)->sin_addr.s_addr;
}

/* Logs, at most once a minute and without any address, how many
 * connections were refused for their source's limit. */
static void say_refused(struct server *srv, uint64_t now, uint64_t *last)
{
	if (srv->refused_source == 0 || now - *last < 60000u)
		return;
	log_warn("refused %u connections from sources that held %u connections already",
	         srv->refused_source, srv->opts.max_per_source);
	srv->refused_source = 0;
	*last = now;
}

/* Hands one waiting connection to libmicrohttpd, or refuses it for its
 * source's limit. The address is hashed (throttle.c) and not looked at. */
static void accept_one(struct server *srv, int listen_fd, unsigned *complaints)
{
	struct timespec pause = {0, 10 * 1000 * 1000};
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int fd = accept4(listen_fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN)
			return;
		/* Out of descriptors or memory: wait a little instead of
		 * spinning; say so once per run of failures. */
		if ((*complaints)++ == 0)
			log_warn("accepting a connection failed: %s", strerror(errno));
		nanosleep(&pause, NULL);
		return;
	}
	*complaints = 0;
	unsigned char source[16];
	client_addr_key((const struct sockaddr *)&ss, source);
	bool exempt =
	    client_addr_is((const struct sockaddr *)&ss, srv->proxy_family, srv->proxy_addr);
	enum conns_admit a = conns_admit(srv->conns, fd, source, exempt, conns_now_ms());
	if (a != CONNS_ADMITTED) {
		/* CONNS_FULL cannot happen here (checked before accepting by
		 * this same thread); closing is the answer to both. */
		if (a == CONNS_SOURCE_FULL)
			srv->refused_source++;
		close(fd);
		return;
	}
	int one = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	/* Closes fd itself when it cannot take it. */
	if (MHD_add_connection(srv->daemon, fd, (struct sockaddr *)&ss, len) != MHD_YES)
		conns_refused(srv->conns, fd);
}

/* The accepting thread: hands every connection of both listeners (one
 * table, one limit) to libmicrohttpd, which
 * spreads them over its worker threads, until server_stop() writes to the
 * wake pipe. It also keeps the deadlines of conns.h. At the connection
 * limit it closes the oldest idle connection for a new client, and when
 * none is idle leaves new clients waiting in the kernel's backlog.
 *
 * The limit is counted here, from accept(2) on, and not taken from
 * libmicrohttpd: a connection handed over with MHD_add_connection() is
 * counted by libmicrohttpd only once its worker thread takes it in. In
 * 0.9.75 a worker that then finds itself over its limit leaves its
 * cleanup mutex locked (daemon.c, new_connection_process_(): the "Firm
 * check under lock" branch has no unlock) and deadlocks at its next
 * cleanup: the server answers nothing, ever, and MHD_stop_daemon() hangs.
 * So libmicrohttpd's own limit is set far above ours (server_start) and
 * never reached. */
void *listen_accept_loop(void *arg)
{
	struct server *srv = arg;
	unsigned complaints = 0;
	/* Without a staff listener its entry is -1, which poll(2) skips. */
	struct pollfd pf[3] = {{.fd = srv->wake[0], .events = POLLIN},
	                       {.fd = srv->listen_fd, .events = POLLIN},
	                       {.fd = srv->staff_fd, .events = POLLIN}};
	struct timespec pause = {0, 10 * 1000 * 1000};
	uint64_t last_reap = 0, last_said = 0;
	for (;;) {
		if (poll(pf, 3, (int)HTTP_REAP_INTERVAL_MS) < 0 && errno != EINTR) {
			log_error("waiting for connections failed: %s", strerror(errno));
			nanosleep(&pause, NULL);
			continue;
		}
		if (pf[0].revents || atomic_load(&srv->stopping))
			break;
		uint64_t now = conns_now_ms();
		if (now - last_reap >= HTTP_REAP_INTERVAL_MS) {
			conns_reap(srv->conns, now);
			say_refused(srv, now, &last_said);
			last_reap = now;
		}
		if (!(pf[1].revents & POLLIN) && !(pf[2].revents & POLLIN))
			continue;
		if (conns_full(srv->conns)) {
			/* Prefer the new client over one that idles; give the cut
			 * connection's worker a moment to close it (a short one:
			 * the kernel's backlog may hold many clients, and each
			 * waits for all before it). */
			struct timespec brief = {0, 1000 * 1000};
			nanosleep(conns_make_room(srv->conns, now) ? &brief : &pause, NULL);
			continue;
		}
		/* One from each listener that has one waiting: neither can
		 * starve the other. */
		for (int i = 1; i < 3; i++)
			if ((pf[i].revents & POLLIN) && !conns_full(srv->conns))
				accept_one(srv, pf[i].fd, &complaints);
	}
	return NULL;
}
