/* attack: the attacker of bench/siege. Runs one attack of issue 6 against
 * 127.0.0.1:PORT from source address 127.0.0.66 (loopback only), for at
 * most SECONDS, then closes everything and prints what it saw.
 *
 *   attack MODE PORT SECONDS [CONNECTIONS]
 *
 * MODE (default CONNECTIONS in brackets):
 *   burst        [600] rounds: open CONNECTIONS connections, each sends a
 *                partial request; after BURST_HOLD_MS all are closed and
 *                reopened at once, until the end
 *   slowheaders  [512] each sends a request line, then one header line
 *                every 5 s
 *   slowbody     [512] each sends the headers of a POST of a 100 kB body,
 *                then 16 bytes of it every 5 s
 *   idle         [512] each sends one GET /, reads the answer, then idles
 *                (keep-alive)
 *   guess         [8] POST /api/v1/follow with random wrong receipts, each
 *                connection sending the next as soon as the answer is in
 *                (as many connections as bench/siege's normal client)
 * In every mode but burst a connection the server closes is opened again
 * RECONNECT_MS later, as an attacker would: the attack lasts.
 *
 * Prints one line: ATTACK {json} with the counts (connects tried, failed,
 * established, closed by the server, open at most and at the end, answers
 * by status class, rounds) and its own CPU time. Single-threaded, non-blocking, epoll. Not part
 * of the build: bench/siege/run compiles it with cc. ATTACK_SOURCE sets
 * another source address. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS        20000
#define BURST_HOLD_MS    500
#define SLOW_EVERY_MS    5000
#define RECONNECT_MS     1000
#define GUESS_RETRY_MS   10
#define ANSWER_WAIT_MS   10000 /* guess: an answer not in by then counts as a timeout */
#define CONNECT_WAIT_MS  5000  /* a connect not done by then is given up */
#define SLOW_BODY_LENGTH 100000
#define SLOW_BODY_CHUNK  16
#define RBUF             16384

enum mode {
	BURST,
	SLOWHEADERS,
	SLOWBODY,
	IDLE,
	GUESS
};
enum st {
	FREE,
	CONNECTING,
	OPEN
};

struct slot {
	int fd;
	enum st st;
	uint64_t due;   /* next action: send, reopen, or give up */
	uint64_t since; /* connect or request start */
	unsigned lines; /* slow modes: lines or chunks sent */
	size_t rlen;    /* guess: bytes of the answer buffered */
	char rbuf[RBUF];
};

static struct {
	long connects, connect_failed, established, closed_by_server, timeouts, rounds;
	long status[6]; /* answers by class: [1] 1xx .. [5] 5xx; [0] unreadable */
	long s404, s429, s503;
	int open, max_open;
} stats;

static enum mode mode;
static struct sockaddr_in target, source;
static struct slot *slots;
static int nslots, ep;
static volatile sig_atomic_t stop;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Sends all of s or fails (the kernel's buffer holds these small writes). */
static int send_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static void slot_close(struct slot *sl, bool by_server)
{
	if (sl->st == FREE)
		return;
	if (sl->st == OPEN) {
		stats.open--;
		if (by_server)
			stats.closed_by_server++;
	}
	close(sl->fd);
	sl->fd = -1;
	sl->st = FREE;
	sl->rlen = 0;
	sl->lines = 0;
}

static void slot_open(struct slot *sl, uint64_t now)
{
	stats.connects++;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		stats.connect_failed++;
		sl->due = now + RECONNECT_MS;
		return;
	}
	int one = 1;
	/* The port is chosen at connect(), per destination: thousands of
	 * reconnects do not run out of ports held in TIME_WAIT. */
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&source, sizeof source) != 0 ||
	    (connect(fd, (struct sockaddr *)&target, sizeof target) != 0 && errno != EINPROGRESS)) {
		close(fd);
		stats.connect_failed++;
		sl->due = now + RECONNECT_MS;
		return;
	}
	struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data.ptr = sl};
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	sl->fd = fd;
	sl->st = CONNECTING;
	sl->since = now;
	sl->due = now + CONNECT_WAIT_MS;
}

static const char *const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static int send_guess(struct slot *sl, uint64_t now)
{
	char receipt[20], body[64], req[320];
	for (int i = 0, j = 0; i < 16; i++) {
		if (i && i % 4 == 0)
			receipt[j++] = '-';
		receipt[j++] = alphabet[rand() % 32];
		receipt[j] = '\0';
	}
	int bn = snprintf(body, sizeof body, "{\"receipt\": \"%s\"}", receipt);
	int n = snprintf(req, sizeof req,
	                 "POST /api/v1/follow HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	                 "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
	                 bn, body);
	sl->since = now;
	sl->due = now + ANSWER_WAIT_MS;
	sl->rlen = 0;
	return send_all(sl->fd, req, (size_t)n);
}

/* The connection is up: send what the mode sends first. */
static int on_established(struct slot *sl, uint64_t now)
{
	char req[256];
	int n;
	sl->st = OPEN;
	stats.established++;
	if (++stats.open > stats.max_open)
		stats.max_open = stats.open;
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = sl};
	epoll_ctl(ep, EPOLL_CTL_MOD, sl->fd, &ev);
	switch (mode) {
	case BURST:
		sl->due = UINT64_MAX; /* closed with its round */
		return send_all(sl->fd, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", 33);
	case SLOWHEADERS:
		sl->due = now + SLOW_EVERY_MS;
		return send_all(sl->fd, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", 33);
	case SLOWBODY:
		n = snprintf(req, sizeof req,
		             "POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		             "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n",
		             SLOW_BODY_LENGTH);
		sl->due = now + SLOW_EVERY_MS;
		return send_all(sl->fd, req, (size_t)n);
	case IDLE:
		sl->due = UINT64_MAX;
		return send_all(sl->fd, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 35);
	case GUESS:
		return send_guess(sl, now);
	}
	return -1;
}

/* Its timer is due: the next slow line, a reopen, or a give-up. */
static void on_due(struct slot *sl, uint64_t now)
{
	if (sl->st == FREE) {
		slot_open(sl, now);
		return;
	}
	if (sl->st == CONNECTING) { /* the server never took it */
		slot_close(sl, false);
		stats.connect_failed++;
		sl->due = now + RECONNECT_MS;
		return;
	}
	int rc = 0;
	if (mode == SLOWHEADERS) {
		char line[32];
		int n = snprintf(line, sizeof line, "X-Slow-%u: 1\r\n", sl->lines++);
		rc = send_all(sl->fd, line, (size_t)n);
		sl->due = now + SLOW_EVERY_MS;
	} else if (mode == SLOWBODY) {
		static const char chunk[SLOW_BODY_CHUNK + 1] = "                ";
		if ((sl->lines + 1) * SLOW_BODY_CHUNK < SLOW_BODY_LENGTH) {
			sl->lines++;
			rc = send_all(sl->fd, chunk, SLOW_BODY_CHUNK);
		}
		sl->due = now + SLOW_EVERY_MS;
	} else if (mode == GUESS) { /* no answer in time */
		stats.timeouts++;
		slot_close(sl, false);
		sl->due = now + GUESS_RETRY_MS;
		return;
	} else {
		sl->due = UINT64_MAX;
	}
	if (rc != 0) {
		slot_close(sl, true);
		sl->due = now + RECONNECT_MS;
	}
}

/* When a closed connection is opened again: in burst only with the next
 * round, else after ms. */
static uint64_t reopen_at(uint64_t now, unsigned ms)
{
	return mode == BURST ? UINT64_MAX : now + ms;
}

/* guess: counts every complete answer in the buffer and sends the next
 * guess. -1: close the connection (the server closes it, or an answer
 * without a length). */
static int take_answers(struct slot *sl, uint64_t now)
{
	for (;;) {
		char *end = memmem(sl->rbuf, sl->rlen, "\r\n\r\n", 4);
		if (!end)
			return sl->rlen >= RBUF ? -1 : 0;
		size_t head = (size_t)(end - sl->rbuf) + 4;
		int code = 0;
		if (sl->rlen > 12 && memcmp(sl->rbuf, "HTTP/1.", 7) == 0)
			code = atoi(sl->rbuf + 9);
		long length = -1;
		bool closing = false;
		for (char *p = sl->rbuf; p < end;) {
			char *eol = memchr(p, '\n', (size_t)(end - p) + 2);
			if (!eol)
				break;
			if (strncasecmp(p, "Content-Length:", 15) == 0)
				length = strtol(p + 15, NULL, 10);
			else if (strncasecmp(p, "Connection:", 11) == 0 &&
			         memmem(p, (size_t)(eol - p), "close", 5))
				closing = true;
			p = eol + 1;
		}
		if (length < 0)
			return -1;
		if (sl->rlen < head + (size_t)length)
			return 0;
		stats.status[code >= 100 && code < 600 ? code / 100 : 0]++;
		stats.s404 += code == 404;
		stats.s429 += code == 429;
		stats.s503 += code == 503;
		memmove(sl->rbuf, sl->rbuf + head + length, sl->rlen - head - (size_t)length);
		sl->rlen -= head + (size_t)length;
		if (closing)
			return -1;
		if (send_guess(sl, now) != 0)
			return -1;
	}
}

static void on_event(struct slot *sl, uint32_t events, uint64_t now)
{
	if (sl->st == CONNECTING) {
		int err = 0;
		socklen_t len = sizeof err;
		getsockopt(sl->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err != 0 || (events & (EPOLLERR | EPOLLHUP))) {
			slot_close(sl, false);
			stats.connect_failed++;
			sl->due = reopen_at(now, RECONNECT_MS);
			return;
		}
		if (!(events & EPOLLOUT))
			return;
		if (on_established(sl, now) != 0) {
			slot_close(sl, true);
			sl->due = reopen_at(now, RECONNECT_MS);
		}
		return;
	}
	if (sl->st != OPEN)
		return;
	for (;;) {
		char tmp[RBUF];
		char *buf = mode == GUESS ? sl->rbuf + sl->rlen : tmp;
		size_t room = mode == GUESS ? RBUF - sl->rlen : sizeof tmp;
		ssize_t r = room ? recv(sl->fd, buf, room, 0) : -1;
		if (r > 0) {
			if (mode == GUESS) {
				sl->rlen += (size_t)r;
				if (take_answers(sl, now) != 0)
					goto closed;
			}
			continue;
		}
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		goto closed;
	}
closed:
	slot_close(sl, true);
	sl->due = reopen_at(now, mode == GUESS ? GUESS_RETRY_MS : RECONNECT_MS);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: attack burst|slowheaders|slowbody|idle|guess PORT SECONDS "
		                "[CONNECTIONS]\n");
		return 2;
	}
	static const char *const names[] = {"burst", "slowheaders", "slowbody", "idle", "guess"};
	static const int defaults[] = {600, 512, 512, 512, 8};
	int m = -1;
	for (int i = 0; i < 5; i++)
		if (strcmp(argv[1], names[i]) == 0)
			m = i;
	int port = atoi(argv[2]);
	double seconds = atof(argv[3]);
	if (m < 0 || port <= 0 || port > 65535 || seconds <= 0) {
		fprintf(stderr, "attack: bad mode, port or seconds\n");
		return 2;
	}
	mode = (enum mode)m;
	nslots = argc > 4 ? atoi(argv[4]) : defaults[m];
	if (nslots <= 0 || nslots > MAX_CONNS) {
		fprintf(stderr, "attack: connections must be 1-%d\n", MAX_CONNS);
		return 2;
	}
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)nslots + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	const char *src = getenv("ATTACK_SOURCE") ? getenv("ATTACK_SOURCE") : "127.0.0.66";
	target.sin_family = source.sin_family = AF_INET;
	target.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.0.0.1", &target.sin_addr);
	if (inet_pton(AF_INET, src, &source.sin_addr) != 1) {
		fprintf(stderr, "attack: bad ATTACK_SOURCE\n");
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	ep = epoll_create1(EPOLL_CLOEXEC);
	slots = calloc((size_t)nslots, sizeof *slots);
	if (ep < 0 || !slots) {
		perror("attack");
		return 1;
	}
	uint64_t start = now_ms(), end = start + (uint64_t)(seconds * 1000.0);
	uint64_t round_end = 0;
	for (int i = 0; i < nslots; i++) {
		slots[i].fd = -1;
		slots[i].due = start; /* all open at once */
	}
	struct epoll_event evs[256];
	while (!stop) {
		uint64_t now = now_ms();
		if (now >= end)
			break;
		if (mode == BURST && now >= round_end) {
			/* Close the whole round at once, and open the next. */
			for (int i = 0; i < nslots; i++) {
				slot_close(&slots[i], false);
				slots[i].due = now;
			}
			stats.rounds++;
			round_end = now + BURST_HOLD_MS;
		}
		uint64_t next = end;
		if (mode == BURST && round_end < next)
			next = round_end;
		for (int i = 0; i < nslots; i++) {
			if (slots[i].due <= now)
				on_due(&slots[i], now);
			if (slots[i].due < next)
				next = slots[i].due;
		}
		now = now_ms();
		int wait = next > now ? (int)(next - now) : 0;
		int k = epoll_wait(ep, evs, 256, wait > 100 ? 100 : wait);
		now = now_ms();
		for (int i = 0; i < k; i++)
			on_event(evs[i].data.ptr, evs[i].events, now);
	}
	int open_at_end = stats.open;
	/* The attacker's own CPU time: on shared cores it is taken from the
	 * server and the normal client. */
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu_s = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	               (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	for (int i = 0; i < nslots; i++)
		slot_close(&slots[i], false);
	printf("ATTACK {\"mode\":\"%s\",\"connections\":%d,\"seconds\":%.1f,\"connects\":%ld,"
	       "\"connect_failed\":%ld,\"established\":%ld,\"closed_by_server\":%ld,"
	       "\"max_open\":%d,\"open_at_end\":%d,\"rounds\":%ld,\"timeouts\":%ld,\"cpu_s\":%.2f,"
	       "\"answers\":{\"2xx\":%ld,\"3xx\":%ld,\"4xx\":%ld,\"5xx\":%ld,\"404\":%ld,"
	       "\"429\":%ld,\"503\":%ld,\"other\":%ld}}\n",
	       names[m], nslots, (double)(now_ms() - start) / 1000.0, stats.connects,
	       stats.connect_failed, stats.established, stats.closed_by_server, stats.max_open,
	       open_at_end, stats.rounds, stats.timeouts, cpu_s, stats.status[2], stats.status[3],
	       stats.status[4], stats.status[5], stats.s404, stats.s429, stats.s503,
	       stats.status[0] + stats.status[1]);
	free(slots);
	close(ep);
	return 0;
}
