/* listen: Signaal's own listen socket and the thread that accepts on it,
 * admits each connection to the table of connections (conns.h) and hands
 * it to libmicrohttpd. See server_int.h for how the server's files divide. */
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
static void accept_one(struct server *srv, unsigned *complaints)
{
	struct timespec pause = {0, 10 * 1000 * 1000};
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int fd =
	    accept4(srv->listen_fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
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

/* The accepting thread: hands every connection to libmicrohttpd, which
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
	struct pollfd pf[2] = {{.fd = srv->listen_fd, .events = POLLIN},
	                       {.fd = srv->wake[0], .events = POLLIN}};
	struct timespec pause = {0, 10 * 1000 * 1000};
	uint64_t last_reap = 0, last_said = 0;
	for (;;) {
		if (poll(pf, 2, (int)HTTP_REAP_INTERVAL_MS) < 0 && errno != EINTR) {
			log_error("waiting for connections failed: %s", strerror(errno));
			nanosleep(&pause, NULL);
			continue;
		}
		if (pf[1].revents || atomic_load(&srv->stopping))
			break;
		uint64_t now = conns_now_ms();
		if (now - last_reap >= HTTP_REAP_INTERVAL_MS) {
			conns_reap(srv->conns, now);
			say_refused(srv, now, &last_said);
			last_reap = now;
		}
		if (!(pf[0].revents & POLLIN))
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
		accept_one(srv, &complaints);
	}
	return NULL;
}
