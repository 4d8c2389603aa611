/* The dispatcher, in process with a route table of its own: a route table
 * that could reach a handler without its policy, cache a page that is not
 * public or take a form without a CSRF check refuses to start; a denied
 * policy and a failed token never reach the handler; a personal answer is
 * never kept in the page cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "harness.h"
#include "http/server.h"
#include "util/buf.h"
#include "util/str.h"

struct route_policy {
	bool open;
};

static const struct route_policy open_policy = {true};
static const struct route_policy closed_policy = {false};

static int authorize(const struct route_policy *p, struct req *req, struct resp *resp)
{
	(void)req;
	if (p->open)
		return 0;
	resp_text(resp, 403, "closed\n");
	return 1;
}

static bool is_public(const struct route_policy *p)
{
	return p->open;
}

static bool csrf_ok(const struct req *req)
{
	return str_eq(req_form(req, "csrf"), "right");
}

static unsigned handled, retried;

static int h_count(struct req *req, struct resp *resp)
{
	(void)req;
	handled++;
	char text[32];
	snprintf(text, sizeof text, "%u\n", handled);
	return resp_text(resp, 200, text);
}

static int h_personal(struct req *req, struct resp *resp)
{
	handled++;
	int rc = h_count(req, resp);
	handled--;
	resp->personal = true; /* as a page with a form token is */
	return rc;
}

static int h_retry(struct req *req, struct resp *resp)
{
	(void)req;
	retried++;
	return resp_text(resp, 200, "again\n");
}

/* Fills an answer, then returns a positive code (a store's, say), which
 * the handler convention (0 or a negative errno) does not allow. */
static int h_positive(struct req *req, struct resp *resp)
{
	(void)req;
	int rc = resp_text(resp, 200, "");
	return rc ? rc : 1;
}

static const struct route good[] = {
    {HTTP_GET, "/open", h_count, &open_policy, .cache = true},
    {HTTP_GET, "/closed", h_count, &closed_policy, .cache = false},
    {HTTP_GET, "/personal", h_personal, &open_policy, .cache = true},
    {HTTP_POST, "/form", h_count, &open_policy, .csrf = true, .csrf_retry = h_retry},
    {HTTP_POST, "/strict", h_count, &open_policy, .csrf = true},
    {HTTP_GET, "/positive", h_positive, &open_policy, .cache = false},
};

static struct server_opts opts(const struct route *routes, size_t n)
{
	return (struct server_opts){.host = "127.0.0.1",
	                            .port = 0,
	                            .threads = 1,
	                            .routes = routes,
	                            .nroutes = n,
	                            .authorize = authorize,
	                            .policy_public = is_public,
	                            .csrf_ok = csrf_ok};
}

static void refused(const struct route *routes, size_t n, const char *why)
{
	struct server_opts o = opts(routes, n);
	struct server *srv = NULL;
	struct buf err = BUF_INIT;
	assert_int_not_equal(server_start(&o, &srv, &err), 0);
	if (!strstr(buf_str(&err), why))
		fail_msg("expected \"%s\" in \"%s\"", why, buf_str(&err));
	buf_free(&err);
}

static void route_without_policy_does_not_start(void **state)
{
	(void)state;
	const struct route r[] = {{HTTP_GET, "/x", h_count, NULL, .cache = false}};
	refused(r, 1, "no policy");
}

static void cached_route_must_be_public(void **state)
{
	(void)state;
	const struct route r[] = {{HTTP_GET, "/x", h_count, &closed_policy, .cache = true}};
	refused(r, 1, "not public");
}

static void form_post_needs_csrf(void **state)
{
	(void)state;
	const struct route r[] = {{HTTP_POST, "/x", h_count, &open_policy, .cache = false}};
	refused(r, 1, "without a CSRF check");
	/* A JSON endpoint carries no cookie to abuse. */
	const struct route j[] = {{HTTP_POST, "/x", h_count, &open_policy, .json = true}};
	struct server_opts o = opts(j, 1);
	struct server *srv = NULL;
	struct buf err = BUF_INIT;
	assert_int_equal(server_start(&o, &srv, &err), 0);
	server_stop(srv);
	buf_free(&err);
}

static void hooks_are_required(void **state)
{
	(void)state;
	struct server_opts o = opts(good, 1);
	o.authorize = NULL;
	struct server *srv = NULL;
	struct buf err = BUF_INIT;
	assert_int_not_equal(server_start(&o, &srv, &err), 0);
	buf_free(&err);
}

/* A running server with the good table. */
static struct srv S;
static struct server *SRV;

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct server_opts o = opts(good, sizeof good / sizeof good[0]);
	struct buf err = BUF_INIT;
	int rc = server_start(&o, &SRV, &err);
	buf_free(&err);
	if (rc)
		return -1;
	S.port = server_port(SRV);
	snprintf(S.base, sizeof S.base, "http://127.0.0.1:%d", S.port);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	server_stop(SRV);
	curl_global_cleanup();
	return 0;
}

static long get(const char *path, struct res *r)
{
	assert_int_equal(http_get(&S, path, NULL, r), 0);
	return r->status;
}

static void denied_policy_never_reaches_the_handler(void **state)
{
	(void)state;
	unsigned before = handled;
	struct res r;
	assert_int_equal(get("/closed", &r), 403);
	assert_string_equal(buf_str(&r.body), "closed\n");
	res_free(&r);
	assert_int_equal(handled, before);
}

/* Anything but 0 from a handler is a failure: a 500, never the half-made
 * answer it left (an empty 200). */
static void positive_return_is_a_failure(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(get("/positive", &r), 500);
	res_free(&r);
}

static void public_page_is_kept(void **state)
{
	(void)state;
	struct res a, b;
	get("/open", &a);
	get("/open", &b);
	/* The second answer is the kept first one: the handler ran once. */
	assert_string_equal(buf_str(&a.body), buf_str(&b.body));
	res_free(&a);
	res_free(&b);
}

static void personal_page_is_never_kept(void **state)
{
	(void)state;
	struct res a, b;
	get("/personal", &a);
	get("/personal", &b);
	assert_string_not_equal(buf_str(&a.body), buf_str(&b.body));
	res_free(&a);
	res_free(&b);
}

static void failed_token_runs_retry_not_handler(void **state)
{
	(void)state;
	unsigned before = handled, retries = retried;
	struct res r;
	const char bad[] = "csrf=wrong";
	assert_int_equal(http_post(&S, "/form", "application/x-www-form-urlencoded", bad,
	                           sizeof bad - 1, NULL, &r),
	                 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_str(&r.body), "again\n");
	res_free(&r);
	assert_int_equal(handled, before);
	assert_int_equal(retried, retries + 1);
	/* Without a retry handler: 403. */
	assert_int_equal(http_post(&S, "/strict", "application/x-www-form-urlencoded", bad,
	                           sizeof bad - 1, NULL, &r),
	                 0);
	assert_int_equal(r.status, 403);
	res_free(&r);
	assert_int_equal(handled, before);
	/* The right token reaches the handler. */
	const char good_token[] = "csrf=right";
	assert_int_equal(http_post(&S, "/strict", "application/x-www-form-urlencoded", good_token,
	                           sizeof good_token - 1, NULL, &r),
	                 0);
	assert_int_equal(r.status, 200);
	res_free(&r);
	assert_int_equal(handled, before + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(route_without_policy_does_not_start),
	    cmocka_unit_test(cached_route_must_be_public),
	    cmocka_unit_test(form_post_needs_csrf),
	    cmocka_unit_test(hooks_are_required),
	    cmocka_unit_test(denied_policy_never_reaches_the_handler),
	    cmocka_unit_test(public_page_is_kept),
	    cmocka_unit_test(positive_return_is_a_failure),
	    cmocka_unit_test(personal_page_is_never_kept),
	    cmocka_unit_test(failed_token_runs_retry_not_handler),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
