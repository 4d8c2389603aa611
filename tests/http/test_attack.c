/* HTTP tests of the server under attack, against the real binary: a burst
 * of half-sent connections, one source holding slow headers, slow bodies
 * or idle kept-alive connections, the deadlines for headers and bodies,
 * closing the oldest idle connection at the limit, and requests framed
 * two ways (smuggling). The attacker sends from 127.0.0.66, the victim
 * from 127.0.0.77; every attack is bounded in connections and time. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define ATTACKER "127.0.0.66"
#define VICTIM   "127.0.0.77"
#define HOLD     512 /* connections one attacker tries to hold */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A non-blocking connection from source to the server, or -1. */
static int dial(const struct srv *s, const char *source)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (http_bind_source(fd, source) != 0 ||
	    (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends text on fd without waiting; a refused or closed connection is
 * simply what an attacker gets. */
static void send_some(int fd, const char *text)
{
	if (fd >= 0)
		(void)send(fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

/* The victim's share of requests answered 200 within 3 s while the
 * attacker's connections stay open; tick() keeps the attack going. */
static double victim_share(const struct srv *s, double seconds, void (*tick)(void *), void *arg)
{
	unsigned tries = 0, ok = 0;
	double end = now_s() + seconds;
	while (now_s() < end) {
		if (tick)
			tick(arg);
		http_source = VICTIM;
		struct res r;
		double t0 = now_s();
		int rc = http_get(s, "/", NULL, &r);
		double took = now_s() - t0;
		http_source = NULL;
		tries++;
		if (rc == 0 && r.status == 200 && took <= 3.0)
			ok++;
		res_free(&r);
		usleep(100 * 1000);
	}
	print_message("# victim: %u of %u requests answered within 3 s\n", ok, tries);
	return tries ? (double)ok / tries : 0;
}

/* /healthz from the victim answers within seconds. */
static bool healthy_soon(const struct srv *s, unsigned seconds)
{
	double end = now_s() + seconds;
	while (now_s() < end) {
		http_source = VICTIM;
		struct res r;
		int rc = http_get(s, "/healthz", NULL, &r);
		http_source = NULL;
		bool ok = rc == 0 && r.status == 200;
		res_free(&r);
		if (ok)
			return true;
		usleep(200 * 1000);
	}
	return false;
}

/* Bytes the server sent on fd within seconds, until it closes: returns
 * true when it closed the connection (end of stream or reset). */
static bool closed_within(int fd, double seconds)
{
	double end = now_s() + seconds;
	char tmp[4096];
	while (now_s() < end) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t n = recv(fd, tmp, sizeof tmp, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return true;
	}
	return false;
}

/* True when an answer ("ok\n" of /healthz) arrived on fd within seconds. */
static bool answered_within(int fd, double seconds)
{
	double end = now_s() + seconds;
	char tmp[4096];
	size_t got = 0;
	while (now_s() < end) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t n = recv(fd, tmp + got, sizeof tmp - 1 - got, 0);
		if (n <= 0)
			return false;
		got += (size_t)n;
		tmp[got] = '\0';
		if (strstr(tmp, "\r\n\r\nok\n"))
			return true;
	}
	return false;
}

/* --- 1. A burst must never stop the server -------------------------- */

static void burst_of_half_requests_leaves_server_answering(void **state)
{
	(void)state;
	/* No per-source limit, so that the burst reaches the global limit
	 * from one address, which is what used to deadlock libmicrohttpd. */
	struct srv s;
	assert_int_equal(srv_start(&s, "[server]\nmax_connections_per_source = 0\n"), 0);
	static int fds[600];
	for (int round = 0; round < 4; round++) {
		for (size_t i = 0; i < 600; i++)
			fds[i] = dial(&s, ATTACKER);
		usleep(200 * 1000);
		for (size_t i = 0; i < 600; i++)
			send_some(fds[i], "GET / HTTP/1.1\r\nHost: x\r\n");
		close_all(fds, 600);
	}
	bool healthy = healthy_soon(&s, 10);
	int rc = srv_stop_within(&s, 20);
	assert_true(healthy);
	assert_int_equal(rc, 0);
}

/* --- 2. One address must not make the site unreachable -------------- */

struct holder {
	const struct srv *s;
	int fds[HOLD];
	const char *line; /* sent every 5 s on each connection */
	double next;
};

static void hold_open(struct holder *h, const char *first)
{
	for (size_t i = 0; i < HOLD; i++) {
		h->fds[i] = dial(h->s, ATTACKER);
		if (i % 64 == 63)
			usleep(10 * 1000);
	}
	usleep(200 * 1000);
	for (size_t i = 0; i < HOLD; i++)
		send_some(h->fds[i], first);
	h->next = now_s() + 5;
}

static void trickle(void *arg)
{
	struct holder *h = arg;
	if (now_s() < h->next)
		return;
	for (size_t i = 0; i < HOLD; i++)
		send_some(h->fds[i], h->line);
	h->next = now_s() + 5;
}

#define SLOW_HEADERS "GET / HTTP/1.1\r\nHost: x\r\n", "X-Slow: 1\r\n"
#define SLOW_BODIES                                                                      \
	"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" \
	"Content-Length: 5000\r\n\r\n{",                                                 \
	    "a"
#define IDLE         "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", NULL
#define MANY_SOURCES "[server]\nmax_connections = 64\nmax_connections_per_source = 0\n"

/* The attacker opens HOLD connections with first on each, then sends
 * line on each every 5 s (NULL: nothing more) while the victim asks;
 * at least 80% of the victim's requests must be answered within 3 s. */
static void victim_gets_through(const char *ini, const char *first, const char *line)
{
	struct srv s;
	assert_int_equal(srv_start(&s, ini), 0);
	struct holder h = {.s = &s, .line = line};
	hold_open(&h, first);
	double share = victim_share(&s, 8, line ? trickle : NULL, &h);
	close_all(h.fds, HOLD);
	assert_int_equal(srv_stop_within(&s, 20), 0);
	assert_true(share >= 0.8);
}

static void slow_headers_from_one_source(void **state)
{
	(void)state;
	victim_gets_through(NULL, SLOW_HEADERS);
}

static void slow_bodies_from_one_source(void **state)
{
	(void)state;
	victim_gets_through(NULL, SLOW_BODIES);
}

static void idle_keepalive_from_one_source(void **state)
{
	(void)state;
	victim_gets_through(NULL, IDLE);
}

/* As if from many addresses (no per-source limit): at the limit of all
 * connections, those that idle or trickle headers make room. */
static void slow_headers_from_many_sources(void **state)
{
	(void)state;
	victim_gets_through(MANY_SOURCES, SLOW_HEADERS);
}

static void idle_keepalive_from_many_sources(void **state)
{
	(void)state;
	victim_gets_through(MANY_SOURCES, IDLE);
}

/* Without a per-source limit (a NAT, or many addresses), the limit of all
 * connections holds: at it the oldest idle connection makes room. */
static void oldest_idle_makes_room_at_the_limit(void **state)
{
	(void)state;
	struct srv s;
	assert_int_equal(srv_start(&s, "[server]\nmax_connections = 16\n"
	                               "max_connections_per_source = 0\n"),
	                 0);
	int fds[16];
	for (size_t i = 0; i < 16; i++) {
		/* One after the other, each answered before the next: then
		 * they became idle in this order. */
		fds[i] = dial(&s, ATTACKER);
		usleep(20 * 1000);
		send_some(fds[i], "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
		assert_true(answered_within(fds[i], 3));
		usleep(20 * 1000);
	}
	http_source = VICTIM;
	struct res r;
	double t0 = now_s();
	int rc = http_get(&s, "/healthz", NULL, &r);
	double took = now_s() - t0;
	http_source = NULL;
	assert_int_equal(rc, 0);
	assert_int_equal(r.status, 200);
	res_free(&r);
	assert_true(took < 3.0);
	/* The first one, idle longest, was closed for it. */
	assert_true(closed_within(fds[0], 2));
	close_all(fds, 16);
	assert_int_equal(srv_stop_within(&s, 20), 0);
}

static void header_deadline_cuts_a_trickling_client(void **state)
{
	(void)state;
	struct srv s;
	assert_int_equal(srv_start(&s, "[server]\nheader_timeout = 2\n"), 0);
	int fd = dial(&s, ATTACKER);
	usleep(100 * 1000);
	send_some(fd, "GET / HTTP/1.1\r\n");
	/* One byte every 0.3 s keeps libmicrohttpd's idle timeout away. */
	double t0 = now_s();
	bool closed = false;
	while (!closed && now_s() - t0 < 6) {
		send_some(fd, "X");
		closed = closed_within(fd, 0.3);
	}
	double took = now_s() - t0;
	close(fd);
	assert_int_equal(srv_stop_within(&s, 20), 0);
	assert_true(closed);
	assert_true(took >= 1.5 && took < 4);
}

static void body_deadline_cuts_a_trickling_client(void **state)
{
	(void)state;
	struct srv s;
	assert_int_equal(srv_start(&s, "[server]\nbody_timeout = 2\n"), 0);
	int fd = dial(&s, ATTACKER);
	usleep(100 * 1000);
	send_some(fd, "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: "
	              "application/json\r\nContent-Length: 1000\r\n\r\n{");
	double t0 = now_s();
	bool closed = false;
	while (!closed && now_s() - t0 < 6) {
		send_some(fd, " ");
		closed = closed_within(fd, 0.3);
	}
	double took = now_s() - t0;
	close(fd);
	assert_int_equal(srv_stop_within(&s, 20), 0);
	assert_true(closed);
	assert_true(took >= 1.5 && took < 4);
}

static void per_source_limit_refuses_the_excess(void **state)
{
	(void)state;
	struct srv s;
	assert_int_equal(srv_start(&s, "[server]\nmax_connections_per_source = 4\n"), 0);
	int fds[8];
	for (size_t i = 0; i < 8; i++)
		fds[i] = dial(&s, ATTACKER);
	usleep(300 * 1000);
	/* The first four are held, the others closed at once. */
	unsigned closed = 0;
	for (size_t i = 0; i < 8; i++)
		closed += closed_within(fds[i], 0.2);
	assert_int_equal(closed, 4);
	/* Another source still gets in. */
	http_source = VICTIM;
	struct res r;
	assert_int_equal(http_get(&s, "/healthz", NULL, &r), 0);
	http_source = NULL;
	assert_int_equal(r.status, 200);
	res_free(&r);
	close_all(fds, 8);
	/* The log says how many were refused, never from where. */
	usleep(600 * 1000);
	char *log = srv_log(&s);
	assert_int_equal(srv_stop_within(&s, 20), 0);
	bool counted = strstr(log, "refused 4 connections from sources") != NULL;
	bool named = strstr(log, ATTACKER) != NULL;
	free(log);
	assert_true(counted);
	assert_false(named);
}

/* --- 3. A throttled source gets its refusals slowly ------------------ */

/* Posts a wrong receipt from the attacker; returns the status and sets
 * *took to the seconds until the answer. */
static long guess(const struct srv *s, unsigned n, double *took)
{
	char body[80];
	snprintf(body, sizeof body, "{\"receipt\":\"AAAA-BBBB-CCCC-%04u\"}", n % 10000);
	for (char *p = body; *p; p++)
		if (*p == '0' || *p == '1')
			*p = 'Z'; /* stay inside the receipt alphabet */
	http_source = ATTACKER;
	struct res r;
	double t0 = now_s();
	int rc = http_post(s, "/api/v1/follow", "application/json", body, strlen(body), NULL, &r);
	*took = now_s() - t0;
	http_source = NULL;
	long status = rc == 0 ? r.status : -1;
	res_free(&r);
	return status;
}

static void throttled_refusals_are_held_back(void **state)
{
	(void)state;
	struct srv s;
	assert_int_equal(srv_start(&s, NULL), 0);
	double took = 0;
	long status = 0;
	unsigned n = 0;
	while (status != 429 && n < 40)
		status = guess(&s, n++, &took);
	assert_int_equal(status, 429);
	/* Held for HTTP_THROTTLED_DELAY_MS, on a suspended connection: the
	 * server meanwhile answers others at once. */
	assert_true(took >= 0.9);
	http_source = VICTIM;
	struct res r;
	double t0 = now_s();
	assert_int_equal(http_get(&s, "/healthz", NULL, &r), 0);
	http_source = NULL;
	assert_int_equal(r.status, 200);
	res_free(&r);
	assert_true(now_s() - t0 < 0.9);
	/* SIGTERM sends a held refusal at once and exits 0. */
	int fd = dial(&s, ATTACKER);
	usleep(100 * 1000);
	const char json[] = "{\"receipt\":\"AAAA-BBBB-CCCC-DDDD\"}";
	char req[300];
	snprintf(req, sizeof req,
	         "POST /api/v1/follow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	         "Content-Length: %zu\r\n\r\n%s",
	         sizeof json - 1, json);
	send_some(fd, req);
	usleep(300 * 1000);
	t0 = now_s();
	assert_int_equal(srv_stop_within(&s, 20), 0);
	assert_true(now_s() - t0 < 0.9);
	char answer[512] = "";
	ssize_t got = recv(fd, answer, sizeof answer - 1, 0);
	close(fd);
	if (got <= 0 || !strstr(answer, " 429 "))
		fail_msg("expected the held 429, got %zd: %s", got, answer);
}

/* --- 4. Ambiguous framing is refused ------------------------------- */

static struct srv S;

static int setup(void **state)
{
	(void)state;
	return suite_start(&S, NULL);
}

static int teardown(void **state)
{
	(void)state;
	return suite_stop(&S);
}

/* Sends req on one connection and returns everything answered; the
 * number of status lines in it goes to *answers. */
static int raw_answers(const char *req, size_t len, struct buf *answer, unsigned *answers)
{
	int status = http_raw(&S, req, len, answer);
	*answers = 0;
	for (const char *p = buf_str(answer); (p = strstr(p, "HTTP/1.1 ")); p += 9)
		(*answers)++;
	return status;
}

static void expect_refused(const char *req, size_t len, int status)
{
	struct buf b = BUF_INIT;
	unsigned n;
	int got = raw_answers(req, len, &b, &n);
	if (got != status || n != 1 || !strstr(buf_str(&b), "Connection: close") ||
	    !strstr(buf_str(&b), "X-Content-Type-Options: nosniff"))
		fail_msg("expected one %d with Connection: close, got:\n%s", status, buf_str(&b));
	buf_free(&b);
}

#define SECOND "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"

static void length_and_chunked_together_are_400(void **state)
{
	(void)state;
	const char req[] = "POST /api/v1/follow HTTP/1.1\r\nHost: x\r\nContent-Type: "
	                   "application/json\r\nContent-Length: 5\r\n"
	                   "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" SECOND;
	expect_refused(req, sizeof req - 1, 400);
}

static void two_lengths_are_400(void **state)
{
	(void)state;
	const char req[] = "POST /api/v1/follow HTTP/1.1\r\nHost: x\r\nContent-Type: "
	                   "application/json\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n"
	                   "{}" SECOND;
	expect_refused(req, sizeof req - 1, 400);
}

static void unknown_coding_is_501(void **state)
{
	(void)state;
	const char req[] = "POST /api/v1/follow HTTP/1.1\r\nHost: x\r\nContent-Type: "
	                   "application/json\r\nTransfer-Encoding: gzip\r\n\r\n{}";
	expect_refused(req, sizeof req - 1, 501);
}

static void two_hosts_are_400(void **state)
{
	(void)state;
	const char req[] = "GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n" SECOND;
	expect_refused(req, sizeof req - 1, 400);
}

static void nul_in_method_is_400(void **state)
{
	(void)state;
	const char req[] = "GET\0X / HTTP/1.1\r\nHost: x\r\n\r\n" SECOND;
	expect_refused(req, sizeof req - 1, 400);
}

static void nul_in_path_is_400(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/static/vendor/quick-exit.js%00.html", NULL, &r), 0);
	assert_int_equal(r.status, 400);
	assert_null(strstr(buf_str(&r.body), "function"));
	res_free(&r);
	/* In a query value and name too. */
	assert_int_equal(http_get(&S, "/wegwijzer?rol=%00", NULL, &r), 0);
	assert_int_equal(r.status, 400);
	res_free(&r);
	assert_int_equal(http_get(&S, "/wegwijzer?rol%00=1", NULL, &r), 0);
	assert_int_equal(r.status, 400);
	res_free(&r);
}

static void raw_nul_in_target_is_400(void **state)
{
	(void)state;
	const char req[] = "GET /static/vendor/quick-exit.js\0.html HTTP/1.1\r\nHost: x\r\n\r\n";
	struct buf b = BUF_INIT;
	unsigned n;
	int status = raw_answers(req, sizeof req - 1, &b, &n);
	if (status != 400 || strstr(buf_str(&b), "javascript"))
		fail_msg("expected 400, got:\n%s", buf_str(&b));
	buf_free(&b);
}

static void space_before_colon_is_400(void **state)
{
	(void)state;
	const char req[] = "POST /api/v1/follow HTTP/1.1\r\nHost: x\r\nContent-Type: "
	                   "application/json\r\nContent-Length: 2\r\n"
	                   "Transfer-Encoding : chunked\r\n\r\n{}" SECOND;
	expect_refused(req, sizeof req - 1, 400);
}

static void plain_chunked_still_works(void **state)
{
	(void)state;
	/* The refusals above must not catch honest framing: a chunked body
	 * and then a second request on the same connection. */
	const char req[] = "POST /api/v1/follow HTTP/1.1\r\nHost: x\r\nContent-Type: "
	                   "application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
	                   "2\r\n{}\r\n0\r\n\r\n" SECOND;
	struct buf b = BUF_INIT;
	unsigned n;
	raw_answers(req, sizeof req - 1, &b, &n);
	if (n != 2 || !strstr(buf_str(&b), "ok\n"))
		fail_msg("expected two answers, got:\n%s", buf_str(&b));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(length_and_chunked_together_are_400),
	    cmocka_unit_test(two_lengths_are_400),
	    cmocka_unit_test(unknown_coding_is_501),
	    cmocka_unit_test(two_hosts_are_400),
	    cmocka_unit_test(nul_in_method_is_400),
	    cmocka_unit_test(nul_in_path_is_400),
	    cmocka_unit_test(raw_nul_in_target_is_400),
	    cmocka_unit_test(space_before_colon_is_400),
	    cmocka_unit_test(plain_chunked_still_works),
	    cmocka_unit_test(burst_of_half_requests_leaves_server_answering),
	    cmocka_unit_test(slow_headers_from_one_source),
	    cmocka_unit_test(slow_bodies_from_one_source),
	    cmocka_unit_test(idle_keepalive_from_one_source),
	    cmocka_unit_test(slow_headers_from_many_sources),
	    cmocka_unit_test(idle_keepalive_from_many_sources),
	    cmocka_unit_test(oldest_idle_makes_room_at_the_limit),
	    cmocka_unit_test(header_deadline_cuts_a_trickling_client),
	    cmocka_unit_test(body_deadline_cuts_a_trickling_client),
	    cmocka_unit_test(per_source_limit_refuses_the_excess),
	    cmocka_unit_test(throttled_refusals_are_held_back),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
