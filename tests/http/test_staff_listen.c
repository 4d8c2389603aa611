/* [staff] listen: with a staff listener, the routes whose policy is not
 * public exist only there (the public listener answers them exactly as a
 * path that does not exist), public pages and static files work on both;
 * without it, everything is on the one listener as before. A bad or
 * clashing address refuses to start with a clear message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "harness.h"
#include "http/server.h"
#include "util/buf.h"

static struct srv S; /* with a staff listener */

/* The audit page is for admins (pages/policy.c): without a session its
 * policy sends to the login page. */
#define STAFF_PATH "/staf/beheer/audit"

static long get(const struct srv *s, const char *path, struct buf *body)
{
	struct res r;
	assert_int_equal(http_get(s, path, NULL, &r), 0);
	long st = r.status;
	if (body)
		buf_append(body, r.body.data ? r.body.data : "", r.body.len);
	res_free(&r);
	return st;
}

/* body with every "from" replaced by "to"; caller frees. */
static char *replace_all(const char *body, const char *from, const char *to)
{
	struct buf b = BUF_INIT;
	const char *p;
	while ((p = strstr(body, from))) {
		buf_append(&b, body, (size_t)(p - body));
		buf_puts(&b, to);
		body = p + strlen(from);
	}
	buf_puts(&b, body);
	return buf_steal(&b);
}

/* The 404 page of lang + path on s equals that of an unknown path (the
 * page names its own path, in its language link). */
static void same_as_unknown(const struct srv *s, const char *lang, const char *path)
{
	struct buf got = BUF_INIT, unknown = BUF_INIT;
	char full[256], other[256];
	snprintf(full, sizeof full, "%s%s", lang, path);
	snprintf(other, sizeof other, "%s/staf/bestaat-niet", lang);
	assert_int_equal(get(s, full, &got), 404);
	assert_int_equal(get(s, other, &unknown), 404);
	char *norm = replace_all(buf_str(&got), path, "/staf/bestaat-niet");
	assert_string_equal(norm, buf_str(&unknown));
	free(norm);
	buf_free(&got);
	buf_free(&unknown);
}

static void test_staff_path_hidden_on_public(void **state)
{
	(void)state;
	assert_true(S.staff_port > 0 && S.staff_port != S.port);
	/* The same 404 page as any unknown path: nothing tells them apart. */
	same_as_unknown(&S, "", STAFF_PATH);
	same_as_unknown(&S, "", STAFF_PATH ".csv");
	same_as_unknown(&S, "/en", STAFF_PATH);
	/* The login page and the staff API are not on the public side. */
	same_as_unknown(&S, "", "/staf/inloggen");
	same_as_unknown(&S, "", "/staf/meldingen");
	/* Another method: 404 too, never a 405 that names the route's. */
	struct res r;
	assert_int_equal(
	    http_post(&S, STAFF_PATH, "application/x-www-form-urlencoded", "a=b", 3, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	char allow[64];
	assert_false(res_header(&r, "Allow", allow, sizeof allow));
	res_free(&r);
}

static void test_staff_path_on_staff_listener(void **state)
{
	(void)state;
	struct srv st = srv_staff(&S);
	/* Reaches the policy, which answers as it does today. */
	assert_int_equal(get(&st, STAFF_PATH, NULL), 302);
	assert_int_equal(get(&st, STAFF_PATH ".csv", NULL), 302);
	/* The login page too: it belongs to the staff side. */
	assert_int_equal(get(&st, "/staf/inloggen", NULL), 200);
	struct res r;
	assert_int_equal(
	    http_post(&st, STAFF_PATH, "application/x-www-form-urlencoded", "a=b", 3, NULL, &r), 0);
	assert_int_equal(r.status, 405);
	res_free(&r);
}

static void test_public_on_both(void **state)
{
	(void)state;
	struct srv st = srv_staff(&S);
	const char *paths[] = {
	    "/", "/melden", "/healthz", "/static/css/signaal.css", "/api/v1/signals", NULL};
	for (size_t i = 0; paths[i]; i++) {
		long a = get(&S, paths[i], NULL), b = get(&st, paths[i], NULL);
		if (a != 200 || b != 200)
			fail_msg("%s: %ld on the public listener, %ld on the staff one", paths[i],
			         a, b);
	}
	assert_int_equal(get(&S, "/bestaat-niet", NULL), 404);
	assert_int_equal(get(&st, "/bestaat-niet", NULL), 404);
}

/* In process, with a route table of its own: a path that has a public
 * method and a staff one. */
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

static int h_ok(struct req *req, struct resp *resp)
{
	(void)req;
	return resp_text(resp, 200, "ok\n");
}

static void test_shared_path(void **state)
{
	(void)state;
	static const struct route routes[] = {
	    {HTTP_GET, "/api/x", h_ok, &closed_policy, .cache = false},
	    {HTTP_POST, "/api/x", h_ok, &open_policy, .json = true},
	    {HTTP_GET, "/open", h_ok, &open_policy, .cache = false},
	};
	struct server_opts o = {.host = "127.0.0.1",
	                        .staff_host = "127.0.0.1",
	                        .threads = 1,
	                        .routes = routes,
	                        .nroutes = 3,
	                        .authorize = authorize,
	                        .policy_public = is_public};
	struct server *srv = NULL;
	struct buf err = BUF_INIT;
	assert_int_equal(server_start(&o, &srv, &err), 0);
	struct srv pub = {0}, staff = {0};
	snprintf(pub.base, sizeof pub.base, "http://127.0.0.1:%u", (unsigned)server_port(srv));
	snprintf(staff.base, sizeof staff.base, "http://127.0.0.1:%u",
	         (unsigned)server_staff_port(srv));
	assert_int_not_equal(server_staff_port(srv), 0);
	struct res r;
	/* Public side: as if the GET route did not exist. */
	assert_int_equal(http_get(&pub, "/api/x", NULL, &r), 0);
	assert_int_equal(r.status, 405);
	char allow[64] = "";
	assert_true(res_header(&r, "Allow", allow, sizeof allow));
	assert_string_equal(allow, "POST");
	res_free(&r);
	assert_int_equal(http_post(&pub, "/api/x", "application/json", "{}", 2, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	res_free(&r);
	assert_int_equal(get(&pub, "/open", NULL), 200);
	/* Staff side: the policy answers. */
	assert_int_equal(get(&staff, "/api/x", NULL), 403);
	assert_int_equal(get(&staff, "/open", NULL), 200);
	server_stop(srv);
	buf_free(&err);
}

static void test_without_staff_listener(void **state)
{
	(void)state;
	srv_staff_listener = false;
	struct srv one;
	assert_int_equal(srv_start(&one, NULL), 0);
	srv_staff_listener = true;
	assert_int_equal(one.staff_port, 0);
	assert_int_equal(get(&one, STAFF_PATH, NULL), 302);
	assert_int_equal(get(&one, "/staf/inloggen", NULL), 200);
	assert_int_equal(get(&one, "/", NULL), 200);
	assert_int_equal(srv_stop(&one), 0);
}

/* Runs signaal serve with args on S's data directory, expecting it to
 * refuse at once; returns its exit status, its stderr in err. */
static int serve_refused(const char *ini, const char *listen, const char *staff, struct buf *err)
{
	char data[300], cfg[340], out[340];
	snprintf(data, sizeof data, "%s/var", S.dir);
	snprintf(cfg, sizeof cfg, "%s/bad.ini", S.dir);
	snprintf(out, sizeof out, "%s/bad.err", S.dir);
	FILE *f = fopen(cfg, "w");
	assert_non_null(f);
	fputs(ini, f);
	fclose(f);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *e = freopen(out, "w", stderr);
		(void)e;
		char *argv[] = {(char *)signaal_bin(),
		                "--config",
		                cfg,
		                "serve",
		                "--data",
		                data,
		                "--listen",
		                (char *)listen,
		                staff ? "--staff-listen" : NULL,
		                (char *)staff,
		                NULL};
		execv(argv[0], argv);
		_exit(127);
	}
	/* Bounded: a server that started after all would hold the test. */
	int st = 0;
	pid_t got = 0;
	for (int i = 0; i < 200 && got == 0; i++) {
		got = waitpid(pid, &st, WNOHANG);
		if (got == 0)
			usleep(50 * 1000);
	}
	if (got == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		fail_msg("serve started although it should have refused");
	}
	FILE *e = fopen(out, "r");
	char line[512];
	while (e && fgets(line, sizeof line, e))
		buf_puts(err, line);
	if (e)
		fclose(e);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_refusals(void **state)
{
	(void)state;
	struct buf err = BUF_INIT;
	char listen[64];
	/* The running server's port: were the check missing, bind would fail
	 * with another message. */
	snprintf(listen, sizeof listen, "127.0.0.1:%d", S.port);
	assert_int_equal(serve_refused("", listen, listen, &err), 1);
	assert_non_null(strstr(buf_str(&err), "staff listener ([staff] listen) needs an address"));
	buf_reset(&err);
	char ini[256];
	snprintf(ini, sizeof ini, "[staff]\nlisten = %s\n", listen);
	assert_int_equal(serve_refused(ini, listen, NULL, &err), 1);
	assert_non_null(strstr(buf_str(&err), "needs an address"));
	buf_reset(&err);
	snprintf(ini, sizeof ini, "[server]\nlisten = %s\n[staff]\nlisten = %s\n", listen, listen);
	assert_int_equal(serve_refused(ini, "127.0.0.1:0", NULL, &err) != 0, 1);
	assert_non_null(strstr(buf_str(&err), "bad.ini:4: [staff] listen: the same address"));
	buf_reset(&err);
	assert_int_equal(
	    serve_refused("[staff]\nlisten = intern:8081\n", "127.0.0.1:0", NULL, &err) != 0, 1);
	assert_non_null(strstr(buf_str(&err), "bad.ini:2: [staff] listen: host is not"));
	buf_reset(&err);
	assert_int_equal(serve_refused("", "127.0.0.1:0", "intern", &err), 2);
	assert_non_null(strstr(buf_str(&err), "--staff-listen: expected HOST:PORT"));
	buf_free(&err);
}

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	srv_staff_listener = true;
	return srv_start(&S, NULL);
}

static int teardown(void **state)
{
	(void)state;
	int st = srv_stop(&S);
	curl_global_cleanup();
	return st == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_staff_path_hidden_on_public),
	    cmocka_unit_test(test_staff_path_on_staff_listener),
	    cmocka_unit_test(test_public_on_both),
	    cmocka_unit_test(test_shared_path),
	    cmocka_unit_test(test_without_staff_listener),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
