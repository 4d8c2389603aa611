/* HTTP tests of the server itself against the real binary: health, the
 * security headers, error pages, limits, static files, draining on
 * SIGTERM, and the privacy of the access log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "harness.h"

static struct srv S;

HTTP_SUITE(S, NULL)

static void assert_security_headers(const struct res *r)
{
	char v[512];
	assert_true(res_header(r, "Content-Security-Policy", v, sizeof v));
	assert_non_null(strstr(v, "default-src 'none'"));
	assert_non_null(strstr(v, "frame-ancestors 'none'"));
	assert_null(strstr(v, "unsafe-inline"));
	assert_true(res_header(r, "Referrer-Policy", v, sizeof v));
	assert_string_equal(v, "no-referrer");
	assert_true(res_header(r, "X-Content-Type-Options", v, sizeof v));
	assert_string_equal(v, "nosniff");
	assert_true(res_header(r, "X-Frame-Options", v, sizeof v));
}

static void healthz_ok(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/healthz", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_str(&r.body), "ok\n");
	assert_security_headers(&r);
	res_free(&r);
}

static void home_has_headers_and_no_store(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_security_headers(&r);
	char v[256];
	assert_true(res_header(&r, "Cache-Control", v, sizeof v));
	assert_string_equal(v, "no-store");
	assert_true(res_header(&r, "Content-Type", v, sizeof v));
	assert_string_equal(v, "text/html; charset=utf-8");
	assert_non_null(strstr(buf_str(&r.body), "<html lang=\"nl\""));
	res_free(&r);
}

static void not_found_is_a_helpful_page(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/bestaat-niet", NULL, &r), 0);
	assert_int_equal(r.status, 404);
	const char *b = buf_str(&r.body);
	assert_non_null(strstr(b, "<html"));
	assert_non_null(strstr(b, "signaal-quick-exit"));
	assert_non_null(strstr(b, "href=\"/wegwijzer\""));
	assert_non_null(strstr(b, "112"));
	assert_security_headers(&r);
	res_free(&r);
	assert_int_equal(http_get(&S, "/en/does-not-exist", NULL, &r), 0);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(buf_str(&r.body), "<html lang=\"en\""));
	res_free(&r);
}

static void wrong_method_is_405_with_allow(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(
	    http_post(&S, "/signalen", "application/x-www-form-urlencoded", "a=b", 3, NULL, &r), 0);
	assert_int_equal(r.status, 405);
	char v[64];
	assert_true(res_header(&r, "Allow", v, sizeof v));
	assert_string_equal(v, "GET, HEAD");
	assert_non_null(strstr(buf_str(&r.body), "<html"));
	res_free(&r);
	struct buf a = BUF_INIT;
	const char req[] = "DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	assert_int_equal(http_raw(&S, req, sizeof req - 1, &a), 405);
	buf_free(&a);
}

static void body_over_limit_is_413(void **state)
{
	(void)state;
	size_t n = HTTP_MAX_BODY_BYTES + 10;
	char *big = malloc(n + 1);
	memset(big, 'a', n);
	memcpy(big, "x=", 2);
	big[n] = '\0';
	struct res r;
	assert_int_equal(
	    http_post(&S, "/wegwijzer", "application/x-www-form-urlencoded", big, n, NULL, &r), 0);
	assert_int_equal(r.status, 413);
	res_free(&r);
	/* Chunked: no Content-Length to check up front. */
	struct buf req = BUF_INIT;
	buf_puts(&req,
	         "POST /wegwijzer HTTP/1.1\r\nHost: x\r\nContent-Type: "
	         "application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
	for (unsigned i = 0; i < HTTP_MAX_BODY_BYTES / 0x1000 + 2; i++) {
		buf_printf(&req, "1000\r\n");
		for (int k = 0; k < 0x1000; k++)
			buf_putc(&req, 'a');
		buf_puts(&req, "\r\n");
	}
	buf_puts(&req, "0\r\n\r\n");
	struct buf a = BUF_INIT;
	assert_int_equal(http_raw(&S, req.data, req.len, &a), 413);
	buf_free(&a);
	buf_free(&req);
	free(big);
}

static void headers_over_limit_are_431(void **state)
{
	(void)state;
	struct buf req = BUF_INIT;
	buf_puts(&req, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
	for (int i = 0; i < 100; i++)
		buf_printf(&req, "X-Filler-%d: %s\r\n", i,
		           "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy");
	buf_puts(&req, "\r\n");
	struct buf a = BUF_INIT;
	assert_int_equal(http_raw(&S, req.data, req.len, &a), 431);
	buf_free(&a);
	buf_reset(&req);
	/* One header far larger than the per-connection memory. */
	buf_puts(&req, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ");
	for (int i = 0; i < 64 * 1024; i++)
		buf_putc(&req, 'z');
	buf_puts(&req, "\r\n\r\n");
	int st = http_raw(&S, req.data, req.len, &a);
	assert_true(st == 431 || st == 413 || st == 400);
	buf_free(&a);
	buf_free(&req);
	/* The server lives on. */
	struct res r;
	assert_int_equal(http_get(&S, "/healthz", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	res_free(&r);
}

static void too_many_fields_is_400(void **state)
{
	(void)state;
	struct buf body = BUF_INIT;
	for (unsigned i = 0; i < HTTP_MAX_FIELDS + 5; i++)
		buf_printf(&body, "%sf%u=1", i ? "&" : "", i);
	struct res r;
	assert_int_equal(http_post(&S, "/wegwijzer", "application/x-www-form-urlencoded", body.data,
	                           body.len, NULL, &r),
	                 0);
	assert_int_equal(r.status, 400);
	res_free(&r);
	buf_reset(&body);
	buf_puts(&body, "/wegwijzer?");
	for (unsigned i = 0; i < HTTP_MAX_FIELDS + 5; i++)
		buf_printf(&body, "%sq%u=1", i ? "&" : "", i);
	assert_int_equal(http_get(&S, body.data, NULL, &r), 0);
	assert_int_equal(r.status, 400);
	res_free(&r);
	buf_free(&body);
}

static void field_value_over_limit_is_400(void **state)
{
	(void)state;
	size_t n = HTTP_MAX_FIELD_VALUE + 100;
	char *b = malloc(n + 1);
	memset(b, 'a', n);
	memcpy(b, "role=", 5);
	b[n] = '\0';
	struct res r;
	assert_int_equal(
	    http_post(&S, "/wegwijzer", "application/x-www-form-urlencoded", b, n, NULL, &r), 0);
	assert_int_equal(r.status, 400);
	res_free(&r);
	free(b);
}

static void malformed_requests_are_400(void **state)
{
	(void)state;
	const char *bad[] = {
	    "GET /%01 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    "GET /%FF%FE HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	    "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", /* HTTP/1.1 without Host */
	    "GARBAGE\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct buf a = BUF_INIT;
		int st = http_raw(&S, bad[i], strlen(bad[i]), &a);
		assert_true(st == 400 || st == 505 || st == -1);
		buf_free(&a);
	}
	struct buf req = BUF_INIT;
	buf_puts(&req, "GET /");
	for (unsigned i = 0; i < HTTP_MAX_PATH_BYTES + 10; i++)
		buf_putc(&req, 'p');
	buf_puts(&req, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	struct buf a = BUF_INIT;
	assert_int_equal(http_raw(&S, req.data, req.len, &a), 414);
	buf_free(&a);
	buf_free(&req);
}

/* A multipart part without a name reached the field code with no key (a
 * crash found by fuzz_form): refused, and the server lives on. */
static void multipart_part_without_name_is_400(void **state)
{
	(void)state;
	const char body[] = "--xyzzy\r\nContent-Dispxsition: form-data; name=\"a\"\r\n\r\nv\r\n"
	                    "--xyzzy--\r\n";
	struct res r;
	assert_int_equal(http_post(&S, "/wegwijzer", "multipart/form-data; boundary=xyzzy", body,
	                           sizeof body - 1, NULL, &r),
	                 0);
	assert_int_equal(r.status, 400);
	res_free(&r);
	assert_int_equal(http_get(&S, "/healthz", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	res_free(&r);
}

/* API paths answer in JSON, also for errors the server itself raises, and
 * a JSON endpoint reads its body raw whatever the type (415, not 400). */
static void api_errors_are_json(void **state)
{
	(void)state;
	struct res r;
	char ct[64];
	assert_int_equal(http_get(&S, "/api/v1/nope", NULL, &r), 0);
	assert_int_equal(r.status, 404);
	assert_true(res_header(&r, "Content-Type", ct, sizeof ct));
	assert_string_equal(ct, "application/json");
	assert_non_null(strstr(buf_str(&r.body), "\"error\""));
	res_free(&r);
	/* A method the path does not take (POST only). */
	assert_int_equal(http_get(&S, "/api/v1/follow", NULL, &r), 0);
	assert_int_equal(r.status, 405);
	assert_true(res_header(&r, "Content-Type", ct, sizeof ct));
	assert_string_equal(ct, "application/json");
	res_free(&r);
	/* A staff read without a token (GET /api/v1/reports beside the
	 * public POST): 401, JSON too. */
	assert_int_equal(http_get(&S, "/api/v1/reports", NULL, &r), 0);
	assert_int_equal(r.status, 401);
	assert_true(res_header(&r, "Content-Type", ct, sizeof ct));
	assert_string_equal(ct, "application/json");
	res_free(&r);
	struct buf big = BUF_INIT;
	buf_puts(&big, "{\"description\": \"");
	for (int i = 0; i < 200; i++)
		buf_puts(&big, "lange tekst ");
	buf_puts(&big, "\"}");
	assert_int_equal(http_post(&S, "/api/v1/reports", "application/x-www-form-urlencoded",
	                           big.data, big.len, NULL, &r),
	                 0);
	assert_int_equal(r.status, 415);
	res_free(&r);
	buf_free(&big);
}

static void static_file_served_with_cache_and_gzip(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/static/vendor/signaal.css", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	char ct[128], etag[64], cc[128];
	assert_true(res_header(&r, "Content-Type", ct, sizeof ct));
	assert_string_equal(ct, "text/css; charset=utf-8");
	assert_true(res_header(&r, "ETag", etag, sizeof etag));
	assert_true(res_header(&r, "Cache-Control", cc, sizeof cc));
	assert_string_equal(cc, "public, max-age=3600");
	size_t plain = r.body.len;
	res_free(&r);

	char inm[128];
	snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
	const char *h1[] = {inm, NULL};
	assert_int_equal(http_get(&S, "/static/vendor/signaal.css", h1, &r), 0);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body.len, 0);
	res_free(&r);

	const char *h2[] = {"Accept-Encoding: gzip", NULL};
	assert_int_equal(http_get(&S, "/static/vendor/signaal.css", h2, &r), 0);
	assert_int_equal(r.status, 200);
	char ce[32];
	assert_true(res_header(&r, "Content-Encoding", ce, sizeof ce));
	assert_string_equal(ce, "gzip");
	assert_true(r.body.len < plain / 2);
	assert_int_equal((unsigned char)r.body.data[0], 0x1f);
	res_free(&r);

	const char *h3[] = {"Accept-Encoding: gzip;q=0", NULL};
	assert_int_equal(http_get(&S, "/static/vendor/signaal.css", h3, &r), 0);
	assert_false(res_header(&r, "Content-Encoding", ce, sizeof ce));
	res_free(&r);

	assert_int_equal(http_get(&S, "/static/js/../../meson.build", NULL, &r), 0);
	assert_int_equal(r.status, 404);
	res_free(&r);
	assert_int_equal(http_get(&S, "/static/nope.css", NULL, &r), 0);
	assert_int_equal(r.status, 404);
	res_free(&r);
}

static void fingerprinted_asset_is_immutable(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/", NULL, &r), 0);
	const char *p = strstr(buf_str(&r.body), "/assets/");
	assert_non_null(p);
	char url[256];
	size_t n = strcspn(p, "\"");
	assert_true(n < sizeof url);
	memcpy(url, p, n);
	url[n] = '\0';
	res_free(&r);
	assert_int_equal(http_get(&S, url, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	char cc[128];
	assert_true(res_header(&r, "Cache-Control", cc, sizeof cc));
	assert_string_equal(cc, "public, max-age=31536000, immutable");
	res_free(&r);
	/* A stale fingerprint still gets the file, but not for a year. */
	char *slash = strchr(url + strlen("/assets/"), '/');
	char stale[300];
	snprintf(stale, sizeof stale, "/assets/0000000000%s", slash);
	assert_int_equal(http_get(&S, stale, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_true(res_header(&r, "Cache-Control", cc, sizeof cc));
	assert_string_equal(cc, "public, max-age=3600");
	res_free(&r);
}

static void theme_css_carries_configured_colours(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/static/theme.css", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_str(&r.body), "--signaal-colour-primary: #"));
	res_free(&r);
}

static void cacheable_page_is_stable_and_gzipped(void **state)
{
	(void)state;
	struct res a, b, z;
	assert_int_equal(http_get(&S, "/signalen", NULL, &a), 0);
	assert_int_equal(http_get(&S, "/signalen", NULL, &b), 0);
	assert_int_equal(a.status, 200);
	assert_int_equal(b.status, 200);
	assert_int_equal(a.body.len, b.body.len);
	assert_memory_equal(a.body.data, b.body.data, a.body.len);
	assert_security_headers(&b);
	char v[64];
	assert_true(res_header(&b, "Cache-Control", v, sizeof v));
	assert_string_equal(v, "no-store");
	const char *h[] = {"Accept-Encoding: gzip", NULL};
	assert_int_equal(http_get(&S, "/signalen", h, &z), 0);
	assert_true(res_header(&z, "Content-Encoding", v, sizeof v));
	assert_string_equal(v, "gzip");
	assert_true(z.body.len < a.body.len / 2);
	assert_security_headers(&z);
	res_free(&z);
	/* The English page is another entry, not the Dutch one. */
	assert_int_equal(http_get(&S, "/en/signalen", NULL, &z), 0);
	assert_non_null(strstr(buf_str(&z.body), "<html lang=\"en\""));
	res_free(&z);
	res_free(&a);
	res_free(&b);
}

static void head_has_no_body(void **state)
{
	(void)state;
	struct buf a = BUF_INIT;
	const char req[] = "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	assert_int_equal(http_raw(&S, req, sizeof req - 1, &a), 200);
	const char *end = strstr(buf_str(&a), "\r\n\r\n");
	assert_non_null(end);
	assert_string_equal(end, "\r\n\r\n");
	buf_free(&a);
}

static void access_log_holds_no_address_agent_or_referrer(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/signalen?secret=query-value", NULL, &r), 0);
	res_free(&r);
	char *log = srv_log(&S);
	assert_non_null(strstr(log, "http GET \"/signalen\" 200"));
	assert_null(strstr(log, "SignaalTestAgent"));
	assert_null(strstr(log, "referrer.example"));
	assert_null(strstr(log, "query-value"));
	/* The only address in the log is the one the server listens on. */
	for (const char *p = log; (p = strstr(p, "127.0.0.1")) != NULL; p++) {
		const char *ls = p;
		while (ls > log && ls[-1] != '\n')
			ls--;
		assert_true(strncmp(ls, "listening on", 12) == 0 || strstr(ls, "listen") != NULL);
	}
	free(log);
}

/* True once a new connection to port is refused (polled: the server may
 * be slow to see the signal on a loaded machine). */
static bool refused_soon(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	for (int i = 0; i < 1000; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		int rc = connect(fd, (struct sockaddr *)&a, sizeof a);
		close(fd);
		if (rc != 0)
			return true;
		usleep(10 * 1000);
	}
	return false;
}

/* A request whose body is still arriving when SIGTERM comes is answered;
 * new connections are refused meanwhile; then the server exits 0. Uses
 * its own server. No fixed waits: "100 Continue" shows the server has the
 * request in hand before the signal is sent. */
static void sigterm_drains_in_flight(void **state)
{
	(void)state;
	struct srv s2;
	assert_int_equal(srv_start(&s2, NULL), 0);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s2.port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	/* Fail rather than hang when an answer does not come. */
	struct timeval tv = {.tv_sec = 30};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	/* A JSON follow-up (no CSRF token needed) with an unknown receipt. */
	const char body[] = "{\"receipt\": \"ABCD-EFGH-JKMN-PQRS\"}";
	char head[512];
	snprintf(head, sizeof head,
	         "POST /api/v1/follow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	         "Content-Type: application/json\r\nExpect: 100-continue\r\n"
	         "Content-Length: %zu\r\n\r\n",
	         sizeof body - 1);
	assert_true(send(fd, head, strlen(head), 0) > 0);
	char ans[256] = "";
	ssize_t n = recv(fd, ans, sizeof ans - 1, 0);
	assert_true(n > 12);
	ans[n] = '\0';
	assert_int_equal(strncmp(ans, "HTTP/1.1 100", 12), 0);
	kill(s2.pid, SIGTERM);
	assert_true(refused_soon(s2.port));
	/* Half the body, then the rest: the request is still served. */
	assert_true(send(fd, body, 10, 0) > 0);
	assert_true(send(fd, body + 10, sizeof body - 1 - 10, 0) > 0);
	n = recv(fd, ans, sizeof ans - 1, 0);
	assert_true(n > 12);
	ans[n] = '\0';
	assert_int_equal(strncmp(ans, "HTTP/1.1 404", 12), 0);
	close(fd);
	int st;
	assert_int_equal(waitpid(s2.pid, &st, 0), s2.pid);
	srv_forget(s2.pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* A connection to port with a receive timeout (fail rather than hang). */
static int conn_open(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	struct timeval tv = {.tv_sec = 30};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return fd;
}

/* Reads one whole answer (head and Content-Length bytes of body) into
 * out, NUL-terminated; false on a timeout or a closed connection. */
static bool answer_read(int fd, char *out, size_t outsz)
{
	size_t have = 0;
	for (;;) {
		out[have] = '\0';
		const char *end = strstr(out, "\r\n\r\n");
		if (end) {
			const char *cl = strcasestr(out, "\r\nContent-Length:");
			size_t body = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
			if (have >= (size_t)(end + 4 - out) + body)
				return true;
		}
		if (have + 1 >= outsz)
			return false;
		ssize_t n = recv(fd, out + have, outsz - 1 - have, 0);
		if (n <= 0)
			return false;
		have += (size_t)n;
	}
}

/* While the server drains after SIGTERM (a slow request keeps it busy), a
 * new request on another kept-alive connection gets 503 and Connection:
 * close, and that connection is closed: no new work starts. Uses its own
 * server. */
static void sigterm_refuses_new_requests_on_kept_alive_connections(void **state)
{
	(void)state;
	struct srv s2;
	assert_int_equal(srv_start(&s2, NULL), 0);
	/* The slow request: headers in, body held back. */
	int slow = conn_open(s2.port);
	const char body[] = "{\"receipt\": \"ABCD-EFGH-JKMN-PQRS\"}";
	char head[512];
	snprintf(head, sizeof head,
	         "POST /api/v1/follow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	         "Content-Type: application/json\r\nExpect: 100-continue\r\n"
	         "Content-Length: %zu\r\n\r\n",
	         sizeof body - 1);
	assert_true(send(slow, head, strlen(head), 0) > 0);
	static char ans[64 * 1024]; /* an error page is a whole HTML page */
	ssize_t n = recv(slow, ans, sizeof ans - 1, 0);
	assert_true(n > 12);
	ans[n] = '\0';
	assert_int_equal(strncmp(ans, "HTTP/1.1 100", 12), 0);
	/* The kept-alive connection: one request answered, left open. */
	int kept = conn_open(s2.port);
	const char get[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
	assert_true(send(kept, get, sizeof get - 1, 0) > 0);
	assert_true(answer_read(kept, ans, sizeof ans));
	assert_int_equal(strncmp(ans, "HTTP/1.1 200", 12), 0);
	assert_null(strcasestr(ans, "\r\nConnection: close"));
	kill(s2.pid, SIGTERM);
	assert_true(refused_soon(s2.port));
	/* Draining now: the next request there is refused, and closed. */
	assert_true(send(kept, get, sizeof get - 1, 0) > 0);
	assert_true(answer_read(kept, ans, sizeof ans));
	assert_int_equal(strncmp(ans, "HTTP/1.1 503", 12), 0);
	assert_non_null(strcasestr(ans, "\r\nConnection: close\r\n"));
	char rest[64];
	assert_int_equal(recv(kept, rest, sizeof rest, 0), 0);
	close(kept);
	/* The request that was in flight is still answered. */
	assert_true(send(slow, body, sizeof body - 1, 0) > 0);
	assert_true(answer_read(slow, ans, sizeof ans));
	assert_int_equal(strncmp(ans, "HTTP/1.1 404", 12), 0);
	close(slow);
	int st;
	assert_int_equal(waitpid(s2.pid, &st, 0), s2.pid);
	srv_forget(s2.pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(healthz_ok),
	    cmocka_unit_test(home_has_headers_and_no_store),
	    cmocka_unit_test(not_found_is_a_helpful_page),
	    cmocka_unit_test(wrong_method_is_405_with_allow),
	    cmocka_unit_test(body_over_limit_is_413),
	    cmocka_unit_test(headers_over_limit_are_431),
	    cmocka_unit_test(too_many_fields_is_400),
	    cmocka_unit_test(field_value_over_limit_is_400),
	    cmocka_unit_test(malformed_requests_are_400),
	    cmocka_unit_test(multipart_part_without_name_is_400),
	    cmocka_unit_test(api_errors_are_json),
	    cmocka_unit_test(static_file_served_with_cache_and_gzip),
	    cmocka_unit_test(fingerprinted_asset_is_immutable),
	    cmocka_unit_test(theme_css_carries_configured_colours),
	    cmocka_unit_test(cacheable_page_is_stable_and_gzipped),
	    cmocka_unit_test(head_has_no_body),
	    cmocka_unit_test(access_log_holds_no_address_agent_or_referrer),
	    cmocka_unit_test(sigterm_drains_in_flight),
	    cmocka_unit_test(sigterm_refuses_new_requests_on_kept_alive_connections),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
