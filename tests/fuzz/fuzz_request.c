/* Fuzzes what of ours reads a request's head: the query fields (collected
 * in http/server.c, validated by pages such as /wegwijzer), the cookies
 * (the CSRF cookie, read by auth/csrf.c for every form), the trusted
 * proxy's X-Forwarded-For and X-Forwarded-Proto (http/throttle.c, the
 * server's https detection) and the Content-Type (form or JSON). The
 * parsing of the raw bytes into headers, cookies and query pairs is
 * libmicrohttpd's; these are fuzzed through it, in the real server with
 * the real site (fuzz_site.h) and its route table, plus one route, /fuzz,
 * that checks what every handler may rely on.
 *
 * The server trusts 127.0.0.1 as its proxy, so X-Forwarded-* count. Each
 * input is one request on a new loopback connection:
 *   byte 0: bits 0-1 method (GET, POST, HEAD, POST), bits 2-3 the body's
 *           type (urlencoded, multipart with boundary fzB, JSON, or the
 *           Content-Type line below), bit 4 HTTP/1.0;
 *   then lines: target (path and query; "/" when empty), Cookie,
 *           X-Forwarded-For, X-Forwarded-Proto, Content-Type (an empty
 *           line sends no such header), and the rest is the body.
 * "@T@" anywhere becomes a valid CSRF token for the signaal_csrf cookie
 * of the Cookie line, and "@R@" the receipt of a stored report, so that
 * the fuzzer gets past the CSRF check and finds a report.
 *
 * Checks on every answer: one came (or the connection was closed); not
 * 500 (bad input must get a clear answer); a Set-Cookie is only ours, of
 * printable characters; an HTML page never holds markup the request sent
 * (the canaries "<x-fz", x-fz"q and x-fz'q stay escaped). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth/csrf.h"
#include "fuzz_http.h"
#include "fuzz_site.h"
#include "http/server.h"
#include "http/client.h"
#include "http/throttle.h"
#include "routes.h"
#include "util/str.h"
#include "pages/policy.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct site *site;
static uint16_t port;
static char receipt[RECEIPT_TEXT_LEN + 1];

static void check_fields(const struct http_field *f, size_t n)
{
	if (n > HTTP_MAX_FIELDS)
		abort();
	for (size_t i = 0; i < n; i++) {
		size_t nlen = strlen(f[i].name);
		if (nlen == 0 || nlen > HTTP_MAX_FIELD_NAME || f[i].len > HTTP_MAX_FIELD_VALUE ||
		    strlen(f[i].value) != f[i].len)
			abort();
	}
}

/* The cookie value of a Set-Cookie header ("NAME=VALUE; ..."), or NULL. */
static const char *set_cookie_value(const struct resp *resp, char *out, size_t n)
{
	for (size_t i = 0; i < resp->nheaders; i++) {
		if (strcasecmp(resp->headers[i].name, "Set-Cookie") != 0)
			continue;
		const char *eq = strchr(resp->headers[i].value, '=');
		if (!eq)
			abort();
		size_t l = strcspn(eq + 1, ";");
		if (l >= n)
			abort();
		memcpy(out, eq + 1, l);
		out[l] = '\0';
		return out;
	}
	return NULL;
}

/* GET and POST /fuzz: what the server promises every handler. */
static int h_check(struct req *req, struct resp *resp)
{
	check_fields(req->query, req->nquery);
	check_fields(req->form, req->nform);
	if (!req->path || req->path[0] != '/' ||
	    !str_text_valid(req->path, strlen(req->path), false) ||
	    (strcmp(req->lang, "nl") != 0 && strcmp(req->lang, "en") != 0))
		abort();
	/* The source key depends on the request only. */
	unsigned char k1[16], k2[16];
	client_key(req, k1);
	client_key(req, k2);
	if (memcmp(k1, k2, sizeof k1) != 0)
		abort();
	(void)api_is_json_type(req->content_type);
	/* A form page: the token it hands out fits the cookie the browser
	 * then holds (the one sent, or the new one set). */
	char token[CSRF_TOKEN_MAX + 1], fresh[CSRF_COOKIE_LEN + 8];
	if (csrf_prepare(site->csrf_key, req, resp, token) != 0)
		abort();
	const char *cookie = set_cookie_value(resp, fresh, sizeof fresh);
	uint64_t now = (uint64_t)time(NULL);
	bool fits = cookie && csrf_verify(site->csrf_key, cookie, token, now);
	/* No new cookie: the one sent (over https its name has the __Host-
	 * prefix) was good. */
	if (!cookie)
		fits =
		    csrf_verify(site->csrf_key, req_cookie(req, CSRF_COOKIE), token, now) ||
		    csrf_verify(site->csrf_key, req_cookie(req, "__Host-" CSRF_COOKIE), token, now);
	if (!fits)
		abort();
	(void)csrf_check(site->csrf_key, req);
	return resp_text(resp, 200, "ok\n");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_settle_init();
	site = fz_site_open();
	fz_site_store_report(site, receipt);
	struct route *routes = calloc(site_nroutes + 1, sizeof *routes);
	if (!routes)
		abort();
	memcpy(routes, site_routes, site_nroutes * sizeof *routes);
	routes[site_nroutes] =
	    (struct route){HTTP_GET | HTTP_POST, "/fuzz",      h_check,
	                   &policy_public,       .csrf = true, .csrf_retry = h_check};
	struct server_opts o = {
	    .host = "127.0.0.1",
	    .port = 0,
	    .threads = 1,
	    .secure_auto = true,
	    .trusted_proxy = "127.0.0.1",
	    .routes = routes,
	    .nroutes = site_nroutes + 1,
	    .site = site,
	    .org_for = site_org_for_request,
	    .org_key = site_org_key,
	    .error_page = page_error,
	    .authorize = policy_authorize,
	    .policy_public = policy_is_public,
	    .csrf_ok = policy_csrf_ok,
	};
	struct server *srv;
	struct buf err = BUF_INIT;
	if (server_start(&o, &srv, &err) != 0) {
		fprintf(stderr, "fuzz_request: %s\n", buf_str(&err));
		abort();
	}
	buf_free(&err);
	port = server_port(srv);
	return 0; /* the server and its routes live as long as the process */
}

/* Next line of [*p, end): returns its start and length, moves *p past it. */
static const char *next_line(const char **p, const char *end, size_t *len)
{
	const char *s = *p;
	if (s >= end) {
		*len = 0;
		return NULL;
	}
	const char *nl = memchr(s, '\n', (size_t)(end - s));
	*len = (size_t)((nl ? nl : end) - s);
	*p = nl ? nl + 1 : end;
	return s;
}

/* Appends s[0..n) with "@T@" and "@R@" expanded; CR and LF (which would
 * end the header line) become spaces when in_header. */
static void put_expanded(struct buf *b, const char *s, size_t n, const char *token, bool in_header)
{
	for (size_t i = 0; i < n; i++) {
		if (i + 3 <= n && s[i] == '@' && s[i + 2] == '@' &&
		    (s[i + 1] == 'T' || s[i + 1] == 'R')) {
			buf_puts(b, s[i + 1] == 'T' ? token : receipt);
			i += 2;
		} else if (in_header && (s[i] == '\r' || s[i] == '\n')) {
			buf_putc(b, ' ');
		} else {
			buf_putc(b, s[i]);
		}
	}
}

static void header(struct buf *b, const char *name, const char *v, size_t n, const char *token)
{
	if (!v || !n)
		return;
	buf_printf(b, "%s: ", name);
	put_expanded(b, v, n, token, true);
	buf_puts(b, "\r\n");
}

static void check_answer(const struct fz_answer *a)
{
	if (a->status == 0)
		return; /* closed without an answer: a request it could not read */
	if (a->status == 500) {
		fprintf(stderr, "fuzz_request: the server answered 500\n");
		abort();
	}
	char v[512];
	if (fz_header(a, "Set-Cookie", v, sizeof v)) {
		const char *eq = strchr(v, '=');
		size_t l = eq ? strcspn(eq + 1, ";") : 0;
		bool hex = l == CSRF_COOKIE_LEN;
		for (size_t i = 0; hex && i < l; i++)
			hex = strchr("0123456789abcdef", eq[1 + i]) != NULL;
		for (const char *p = v; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
				hex = false;
		if (!hex || !strstr(v, CSRF_COOKIE "=")) {
			fprintf(stderr, "fuzz_request: Set-Cookie: %s\n", v);
			abort();
		}
	}
	if (fz_header(a, "Content-Type", v, sizeof v) && strncmp(v, "text/html", 9) == 0 &&
	    a->body &&
	    (memmem(a->body, a->body_len, "<x-fz", 5) ||
	     memmem(a->body, a->body_len, "x-fz\"q", 6) ||
	     memmem(a->body, a->body_len, "x-fz'q", 6))) {
		fprintf(stderr, "fuzz_request: markup from the request in the page\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 16 * 1024)
		return -1;
	long mark = fz_settle_mark();
	unsigned flags = data[0];
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	size_t tl, cl, fl, pl, yl;
	const char *target = next_line(&p, end, &tl);
	const char *cookie = next_line(&p, end, &cl);
	const char *xff = next_line(&p, end, &fl);
	const char *xfp = next_line(&p, end, &pl);
	const char *ctype = next_line(&p, end, &yl);
	const char *body = p;
	size_t blen = (size_t)(end - p);

	/* A token for the CSRF cookie the request sends, if it sends one. */
	char token[CSRF_TOKEN_MAX + 1] = "0.0";
	const char *ck = cookie ? memmem(cookie, cl, CSRF_COOKIE "=", sizeof CSRF_COOKIE) : NULL;
	if (ck && (size_t)(cookie + cl - (ck + sizeof CSRF_COOKIE)) >= CSRF_COOKIE_LEN) {
		char val[CSRF_COOKIE_LEN + 1];
		memcpy(val, ck + sizeof CSRF_COOKIE, CSRF_COOKIE_LEN);
		val[CSRF_COOKIE_LEN] = '\0';
		if (csrf_token(site->csrf_key, val, (uint64_t)time(NULL), token) != 0)
			strcpy(token, "0.0");
	}

	static const char *const methods[] = {"GET", "POST", "HEAD", "POST"};
	const char *method = methods[flags & 3];
	bool post = (flags & 3) % 2 == 1;
	struct buf req = BUF_INIT, b = BUF_INIT;
	if (post)
		put_expanded(&b, body, blen, token, false);
	buf_printf(&req, "%s ", method);
	if (target && tl)
		put_expanded(&req, target, tl, token, true);
	else
		buf_putc(&req, '/');
	buf_printf(&req, " HTTP/1.%c\r\nHost: fuzz\r\n", flags & 16 ? '0' : '1');
	header(&req, "Cookie", cookie, cl, token);
	header(&req, "X-Forwarded-For", xff, fl, token);
	header(&req, "X-Forwarded-Proto", xfp, pl, token);
	if (post) {
		static const char *const types[] = {"application/x-www-form-urlencoded",
		                                    "multipart/form-data; boundary=fzB",
		                                    "application/json"};
		unsigned t = (flags >> 2) & 3;
		if (t < 3)
			buf_printf(&req, "Content-Type: %s\r\n", types[t]);
		else
			header(&req, "Content-Type", ctype, yl, token);
		buf_printf(&req, "Content-Length: %zu\r\n", b.len);
	}
	buf_puts(&req, "\r\n");

	int fd = fz_connect(port);
	fz_send_all(fd, req.data, req.len);
	if (b.len)
		fz_send_all(fd, b.data, b.len);
	struct fz_answer a;
	fz_read_answer(fd, strcmp(method, "HEAD") == 0, &a);
	fz_close(fd);
	/* SIGNAAL_FUZZ_VERBOSE=1: what each input asked and got (seed work). */
	if (getenv("SIGNAAL_FUZZ_VERBOSE"))
		fprintf(stderr, "fuzz_request: %.*s -> %d\n", (int)strcspn(req.data, "\r"),
		        req.data, a.status);
	check_answer(&a);
	buf_free(&a.raw);
	buf_free(&req);
	buf_free(&b);
	fz_settle_wait(mark);
	return 0;
}
