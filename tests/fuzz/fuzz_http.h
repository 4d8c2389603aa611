/* fuzz_http.h: what the harnesses that drive a real server in their own
 * process share (fuzz_form, fuzz_request): a loopback client, and waiting
 * until the server has let go of a request's memory.
 *
 * Why the waiting: libFuzzer looks for leaks by counting mallocs and frees
 * while one input runs, and asks LeakSanitizer only when there were more
 * mallocs. The server frees a request after its answer is sent and the
 * connection after it is closed, on its own thread, often just after the
 * input has returned; libFuzzer then sees more mallocs on most inputs and,
 * after 1000 such false alarms, turns leak detection off for the rest of
 * the run ("libFuzzer disabled leak detection after every mutation"). So
 * each input counts mallocs and frees of every thread itself (ASan's
 * malloc hooks; libFuzzer installs its own beside them) and returns only
 * when the count is back where it started, or after FUZZ_SETTLE_MS: a
 * real leak never settles, and is then reported by libFuzzer for the
 * input that caused it. */
#ifndef SIGNAAL_FUZZ_HTTP_H
#define SIGNAAL_FUZZ_HTTP_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sanitizer/allocator_interface.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"

/* Milliseconds an input waits for the server to free what it allocated;
 * only a leak (or a cache filling up) waits this long. */
#define FUZZ_SETTLE_MS 100
/* Seconds the server has to answer; no answer is a finding. */
#define FUZZ_ANSWER_S 5

static atomic_long fz_live; /* mallocs minus frees, every thread */

static inline void fz_on_malloc(const volatile void *p, size_t n)
{
	(void)p;
	(void)n;
	atomic_fetch_add_explicit(&fz_live, 1, memory_order_relaxed);
}

static inline void fz_on_free(const volatile void *p)
{
	(void)p;
	atomic_fetch_sub_explicit(&fz_live, 1, memory_order_relaxed);
}

/* Once, in LLVMFuzzerInitialize. */
static inline void fz_settle_init(void)
{
	if (!__sanitizer_install_malloc_and_free_hooks(fz_on_malloc, fz_on_free)) {
		fprintf(stderr, "fuzz: cannot install malloc hooks\n");
		abort();
	}
}

/* At the start of an input. */
static inline long fz_settle_mark(void)
{
	return atomic_load(&fz_live);
}

static inline uint64_t fz_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* At the end of an input: waits until every allocation made since mark is
 * freed again, at most FUZZ_SETTLE_MS. */
static inline void fz_settle_wait(long mark)
{
	uint64_t end = fz_now_ms() + FUZZ_SETTLE_MS;
	while (atomic_load(&fz_live) > mark && fz_now_ms() < end)
		usleep(20);
}

/* A connection to 127.0.0.1:port with a receive timeout. */
static inline int fz_connect(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		perror("fuzz: socket");
		abort();
	}
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct timeval tv = {FUZZ_ANSWER_S, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	int rc;
	/* An interrupted connect (libFuzzer's timer) goes on in the background. */
	while ((rc = connect(fd, (struct sockaddr *)&a, sizeof a)) != 0 &&
	       (errno == EINTR || errno == EALREADY))
		;
	if (rc != 0 && errno != EISCONN) {
		perror("fuzz: connect");
		abort();
	}
	return fd;
}

static inline void fz_send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* the server may close early on a bad request */
		c += w;
		n -= (size_t)w;
	}
}

/* An answer as read: status 0 when none came (the server closed or reset
 * the connection first). head is the status line and headers, ending in
 * an empty line; body follows it in the same buffer. */
struct fz_answer {
	struct buf raw;
	int status;
	size_t head_len; /* through the empty line */
	const char *body;
	size_t body_len;
};

/* Reads one answer: the headers, then Content-Length bytes (none after a
 * HEAD), or until the server closes. A server that does not answer within
 * FUZZ_ANSWER_S is a finding (abort). */
static inline void fz_read_answer(int fd, bool head_request, struct fz_answer *a)
{
	char chunk[16384];
	long want = -2; /* body bytes after the headers; -2: until the server closes */
	memset(a, 0, sizeof *a);
	for (;;) {
		ssize_t r = recv(fd, chunk, sizeof chunk, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			fprintf(stderr, "fuzz: no answer from the server in %d s\n", FUZZ_ANSWER_S);
			abort();
		}
		/* A reset: the server answered early and closed while the body
		 * was still arriving (the answer may be lost with it). */
		if (r <= 0)
			break;
		if (buf_append(&a->raw, chunk, (size_t)r) != 0)
			abort();
		const char *s = buf_str(&a->raw);
		const char *end = memmem(s, a->raw.len, "\r\n\r\n", 4);
		if (end && !a->head_len) {
			a->head_len = (size_t)(end + 4 - s);
			const char *cl = memmem(s, a->head_len, "\r\nContent-Length:", 17);
			if (!cl)
				cl = memmem(s, a->head_len, "\r\ncontent-length:", 17);
			want = head_request ? 0 : cl ? strtol(cl + 17, NULL, 10) : -2;
			if (want < 0)
				want = -2;
		}
		if (want >= 0 && a->head_len + (size_t)want <= a->raw.len)
			break;
	}
	const char *s = buf_str(&a->raw);
	if (a->head_len && strncmp(s, "HTTP/1.", 7) == 0 && a->raw.len > 12)
		a->status = atoi(s + 9);
	if (a->head_len) {
		a->body = s + a->head_len;
		a->body_len = a->raw.len - a->head_len;
	}
}

/* The value of header name in the answer's head (the first line of it),
 * copied into out (cut to n - 1 bytes); false when absent. */
static inline bool fz_header(const struct fz_answer *a, const char *name, char *out, size_t n)
{
	const char *s = buf_str(&a->raw);
	size_t nl = strlen(name);
	const char *p = memchr(s, '\n', a->head_len);
	while (p && (size_t)(p + 1 - s) < a->head_len) {
		const char *line = p + 1;
		const char *eol = memchr(line, '\n', a->head_len - (size_t)(line - s));
		if (!eol)
			break;
		if ((size_t)(eol - line) > nl && strncasecmp(line, name, nl) == 0 &&
		    line[nl] == ':') {
			const char *v = line + nl + 1;
			while (*v == ' ')
				v++;
			size_t vl = (size_t)(eol - v);
			if (vl && v[vl - 1] == '\r')
				vl--;
			if (vl >= n)
				vl = n - 1;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return true;
		}
		p = eol;
	}
	return false;
}

/* Closes with a reset instead of a FIN: no TIME_WAIT, so thousands of
 * connections a second do not run out of ports. */
static inline void fz_close(int fd)
{
	struct linger lg = {1, 0};
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

#endif
