/* Fuzzes the form decoder for real: libmicrohttpd's post processor and our
 * glue in src/http/server.c (post_iter, field limits), in the server that
 * serves the site. One server is started on 127.0.0.1 and an ephemeral port
 * with a single route that checks and counts the decoded fields; each input
 * becomes one POST over a loopback connection.
 *
 * The first byte picks how the rest is sent:
 *   0  application/x-www-form-urlencoded, the bytes as the body
 *   1  multipart/form-data, the bytes as the whole body (boundary "fzB")
 *   2  multipart/form-data, one part holding the bytes as its value
 *   3  multipart/form-data, one part: the bytes up to the first newline are
 *      its header line, the rest its value */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "http/server.h"
#include "util/log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint16_t port;

/* Checks what the decoder promises every handler, and answers the count. */
static int h_fields(struct req *req, struct resp *resp)
{
	if (req->nform > HTTP_MAX_FIELDS)
		abort();
	for (size_t i = 0; i < req->nform; i++) {
		const struct http_field *f = &req->form[i];
		size_t nlen = strlen(f->name);
		if (nlen == 0 || nlen > HTTP_MAX_FIELD_NAME || f->len > HTTP_MAX_FIELD_VALUE ||
		    strlen(f->value) != f->len)
			abort();
	}
	char text[32];
	snprintf(text, sizeof text, "%zu\n", req->nform);
	return resp_text(resp, 200, text);
}

static const struct route routes[] = {
    {HTTP_POST, "/f", h_fields, ACCESS_PUBLIC, .cache = false},
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_ERROR);
	struct server_opts o = {
	    .host = "127.0.0.1",
	    .port = 0,
	    .threads = 1,
	    .routes = routes,
	    .nroutes = sizeof routes / sizeof routes[0],
	};
	struct server *srv;
	struct buf err = BUF_INIT;
	if (server_start(&o, &srv, &err) != 0) {
		fprintf(stderr, "fuzz_form: %s\n", buf_str(&err));
		abort();
	}
	buf_free(&err);
	port = server_port(srv);
	return 0; /* the server lives as long as the process */
}

static void send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR) /* libFuzzer's timer */
			continue;
		if (w <= 0)
			return; /* the server may close early on a bad request */
		c += w;
		n -= (size_t)w;
	}
}

/* Reads the answer: the headers, then Content-Length bytes, or until the
 * server closes. A server that does not answer at all is a finding. */
static void read_answer(int fd)
{
	char buf[8192];
	size_t have = 0;
	long want = -1;
	for (;;) {
		ssize_t r = recv(fd, buf + have, sizeof buf - 1 - have, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			fprintf(stderr, "fuzz_form: no answer from the server in 5 s\n");
			abort();
		}
		/* A reset: the server answered early and closed while the body
		 * was still arriving (the answer may be lost with it). */
		if (r < 0)
			return;
		have += (size_t)r;
		buf[have] = '\0';
		const char *end = strstr(buf, "\r\n\r\n");
		if (end && want < 0) {
			const char *cl = strcasestr(buf, "\r\ncontent-length:");
			want = cl && cl < end ? strtol(cl + 17, NULL, 10) : 0;
		}
		if (end && (size_t)(end + 4 - buf) + (size_t)want <= have)
			return;
		if (have == sizeof buf - 1)
			return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 32 * 1024)
		return -1;
	int mode = data[0] % 4;
	const char *rest = (const char *)data + 1;
	size_t n = size - 1;

	char head[512];
	char pre[512] = "";
	char post[64] = "";
	const char *ctype =
	    mode == 0 ? "application/x-www-form-urlencoded" : "multipart/form-data; boundary=fzB";
	if (mode == 2) {
		snprintf(pre, sizeof pre,
		         "--fzB\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n");
		snprintf(post, sizeof post, "\r\n--fzB--\r\n");
	} else if (mode == 3) {
		const char *nl = memchr(rest, '\n', n);
		size_t hl = nl ? (size_t)(nl - rest) : n;
		if (hl > 400)
			hl = 400;
		snprintf(pre, sizeof pre, "--fzB\r\n%.*s\r\n\r\n", (int)hl, rest);
		rest += nl ? hl + 1 : hl;
		n -= nl ? hl + 1 : hl;
		snprintf(post, sizeof post, "\r\n--fzB--\r\n");
	}
	size_t body = strlen(pre) + n + strlen(post);
	int hn = snprintf(head, sizeof head,
	                  "POST /f HTTP/1.1\r\nHost: fuzz\r\nContent-Type: %s\r\n"
	                  "Content-Length: %zu\r\n\r\n",
	                  ctype, body);

	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		abort();
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct timeval tv = {5, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	int rc;
	/* An interrupted connect goes on in the background. */
	while ((rc = connect(fd, (struct sockaddr *)&a, sizeof a)) != 0 &&
	       (errno == EINTR || errno == EALREADY))
		;
	if (rc != 0 && errno != EISCONN) {
		perror("fuzz_form: connect");
		abort();
	}
	send_all(fd, head, (size_t)hn);
	send_all(fd, pre, strlen(pre));
	send_all(fd, rest, n);
	send_all(fd, post, strlen(post));
	read_answer(fd);
	/* Reset instead of a FIN: no TIME_WAIT, so thousands of connections
	 * a second do not run out of ports. */
	struct linger lg = {1, 0};
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
	return 0;
}
