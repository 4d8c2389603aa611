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
 *      its header line, the rest its value
 *
 * Leaks are found per input: each input waits until the server has freed
 * what it allocated for the request (fuzz_http.h says why). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_http.h"
#include "http/server.h"
#include "http/validate.h"
#include "util/log.h"
#include "pages/policy.h"

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
	/* The decoded fields through the field tables (validate.h), every
	 * type, repeated choices too: what a handler reads must be within
	 * the request and the limits the table declares. */
	static const char *const abc[] = {"a", "b", "c", NULL};
	static const struct field_spec specs[] = {
	    {.name = "t", .type = FT_TEXT, .required = true, .maxlen = 64},
	    {.name = "m", .type = FT_TEXT, .multiline = true},
	    {.name = "c", .type = FT_CHOICE, .choices = abc},
	    {.name = "y", .type = FT_YESNO},
	    {.name = "u", .type = FT_UINT, .min = 1, .max = 1000},
	    {.name = "d", .type = FT_DOMAIN_TEXT},
	    {.name = "r", .type = FT_MULTI, .choices = abc, .max = 2},
	};
	enum {
		NSPECS = sizeof specs / sizeof specs[0]
	};
	struct field_value vals[NSPECS];
	struct field_error errs[NSPECS];
	size_t nerr = validate_fields(req->form, req->nform, specs, NSPECS, NULL, vals, errs);
	if (nerr > NSPECS)
		abort();
	const char *multi[2];
	size_t nmulti = validate_multi_values(req->form, req->nform, &specs[6], multi, 2);
	if (vals[6].present && (nmulti > 2 || nmulti != vals[6].num || !vals[6].text))
		abort();
	for (size_t i = 0; i < NSPECS; i++)
		if (vals[i].present && (!vals[i].sent || !vals[i].text))
			abort();
	if (vals[4].present && (vals[4].num < 1 || vals[4].num > 1000))
		abort();
	for (size_t i = 0; i < nmulti && i < 2; i++)
		if (!multi[i][0] || (strcmp(multi[i], "a") && strcmp(multi[i], "b") &&
		                     strcmp(multi[i], "c") && vals[6].present))
			abort();
	char text[32];
	snprintf(text, sizeof text, "%zu\n", req->nform);
	return resp_text(resp, 200, text);
}

/* The decoder is what is fuzzed here: every token passes. */
static bool csrf_any(const struct req *req)
{
	(void)req;
	return true;
}

static const struct route routes[] = {
    {HTTP_POST, "/f", h_fields, &policy_public, .csrf = true},
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_ERROR);
	fz_settle_init();
	struct server_opts o = {
	    .host = "127.0.0.1",
	    .port = 0,
	    .threads = 1,
	    .routes = routes,
	    .nroutes = sizeof routes / sizeof routes[0],
	    .authorize = policy_authorize,
	    .policy_public = policy_is_public,
	    .csrf_ok = csrf_any,
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 32 * 1024)
		return -1;
	long mark = fz_settle_mark();
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

	int fd = fz_connect(port);
	fz_send_all(fd, head, (size_t)hn);
	fz_send_all(fd, pre, strlen(pre));
	fz_send_all(fd, rest, n);
	fz_send_all(fd, post, strlen(post));
	struct fz_answer ans;
	fz_read_answer(fd, false, &ans);
	fz_close(fd);
	/* The route's own checks abort; its 500 would be a failed field copy. */
	if (ans.status == 500)
		abort();
	buf_free(&ans.raw);
	fz_settle_wait(mark);
	return 0;
}
