/* Router: pattern matching, parameters, 404 vs 405, pattern validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"
#include "pages/policy.h"

static int h_a(struct req *r, struct resp *s)
{
	(void)r;
	(void)s;
	return 0;
}
static int h_b(struct req *r, struct resp *s)
{
	(void)r;
	(void)s;
	return 1;
}

static const struct route table[] = {
    {HTTP_GET, "/", h_a, &policy_public, .cache = false},
    {HTTP_GET | HTTP_POST, "/wegwijzer", h_a, &policy_public, .cache = false},
    {HTTP_GET, "/vormen/:slug", h_b, &policy_public, .cache = false},
    {HTTP_GET, "/assets/:fp/*", h_a, &policy_public, .cache = false},
    {HTTP_POST, "/api/v1/reports/:id/triage", h_b, &policy_public, .cache = false},
};
#define N (sizeof table / sizeof table[0])

struct found {
	enum route_match m;
	const struct route *rt;
	const char *params[ROUTE_MAX_PARAMS];
	size_t np;
	unsigned allowed;
	char scratch[HTTP_MAX_PATH_BYTES + 1];
};

static void find(struct found *f, enum http_method m, const char *path)
{
	memset(f, 0, sizeof *f);
	f->m = route_find(table, N, m, path, f->scratch, f->params, &f->np, &f->rt, &f->allowed);
}

static void root_matches_only_root(void **state)
{
	(void)state;
	struct found f;
	find(&f, HTTP_GET, "/");
	assert_int_equal(f.m, ROUTE_FOUND);
	assert_ptr_equal(f.rt, &table[0]);
	find(&f, HTTP_GET, "/x");
	assert_int_equal(f.m, ROUTE_NO_PATH);
}

static void literal_and_head(void **state)
{
	(void)state;
	struct found f;
	find(&f, HTTP_HEAD, "/wegwijzer");
	assert_int_equal(f.m, ROUTE_FOUND);
	find(&f, HTTP_POST, "/wegwijzer");
	assert_int_equal(f.m, ROUTE_FOUND);
	find(&f, HTTP_GET, "/wegwijzer/");
	assert_int_equal(f.m, ROUTE_NO_PATH);
	find(&f, HTTP_GET, "/wegwijzerx");
	assert_int_equal(f.m, ROUTE_NO_PATH);
}

static void param_captured(void **state)
{
	(void)state;
	struct found f;
	find(&f, HTTP_GET, "/vormen/arbeidsuitbuiting");
	assert_int_equal(f.m, ROUTE_FOUND);
	assert_int_equal(f.np, 1);
	assert_string_equal(f.params[0], "arbeidsuitbuiting");
	find(&f, HTTP_GET, "/vormen/");
	assert_int_equal(f.m, ROUTE_NO_PATH);
	find(&f, HTTP_GET, "/vormen/a/b");
	assert_int_equal(f.m, ROUTE_NO_PATH);
}

static void wildcard_keeps_slashes(void **state)
{
	(void)state;
	struct found f;
	find(&f, HTTP_GET, "/assets/abc123/vendor/css/signaal.css");
	assert_int_equal(f.m, ROUTE_FOUND);
	assert_int_equal(f.np, 2);
	assert_string_equal(f.params[0], "abc123");
	assert_string_equal(f.params[1], "vendor/css/signaal.css");
	find(&f, HTTP_GET, "/assets/abc123/");
	assert_int_equal(f.m, ROUTE_NO_PATH);
}

static void wrong_method_is_405_with_allowed(void **state)
{
	(void)state;
	struct found f;
	find(&f, HTTP_POST, "/vormen/x");
	assert_int_equal(f.m, ROUTE_NO_METHOD);
	assert_true(f.allowed & HTTP_GET);
	assert_true(f.allowed & HTTP_HEAD);
	assert_false(f.allowed & HTTP_POST);
	find(&f, HTTP_GET, "/api/v1/reports/17/triage");
	assert_int_equal(f.m, ROUTE_NO_METHOD);
	find(&f, HTTP_POST, "/api/v1/reports/17/triage");
	assert_int_equal(f.m, ROUTE_FOUND);
	assert_string_equal(f.params[0], "17");
}

static void overlong_path_is_404(void **state)
{
	(void)state;
	static char path[HTTP_MAX_PATH_BYTES + 8];
	memset(path, 'a', sizeof path - 1);
	path[0] = '/';
	path[sizeof path - 1] = '\0';
	struct found f;
	find(&f, HTTP_GET, path);
	assert_int_equal(f.m, ROUTE_NO_PATH);
}

static void too_many_segments_is_404(void **state)
{
	(void)state;
	char path[256] = "";
	for (int i = 0; i < 60; i++)
		strcat(path, "/a");
	struct found f;
	find(&f, HTTP_GET, path);
	assert_int_equal(f.m, ROUTE_NO_PATH);
}

/* Found by fuzz_route: a last literal segment ending in '*' is no
 * wildcard, and the capture before it keeps only its own segment. */
static void literal_star_is_no_wildcard(void **state)
{
	(void)state;
	static const struct route t[] = {
	    {HTTP_GET, "/a/:x/b*", h_a, &policy_public, .cache = false},
	};
	char scratch[HTTP_MAX_PATH_BYTES + 1];
	const char *params[ROUTE_MAX_PARAMS];
	size_t np = 0;
	const struct route *found = NULL;
	unsigned allowed = 0;
	assert_int_equal(
	    route_find(t, 1, HTTP_GET, "/a/p/b*", scratch, params, &np, &found, &allowed),
	    ROUTE_FOUND);
	assert_int_equal(np, 1);
	assert_string_equal(params[0], "p");
}

static void patterns_validated(void **state)
{
	(void)state;
	assert_true(route_pattern_valid("/"));
	assert_true(route_pattern_valid("/a/:b/*"));
	assert_false(route_pattern_valid(""));
	assert_false(route_pattern_valid("a"));
	assert_false(route_pattern_valid("/a//b"));
	assert_false(route_pattern_valid("/:"));
	assert_false(route_pattern_valid("/*/x"));
	assert_false(route_pattern_valid("/:a/:b/:c/:d/:e"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(root_matches_only_root),
	    cmocka_unit_test(literal_and_head),
	    cmocka_unit_test(param_captured),
	    cmocka_unit_test(wildcard_keeps_slashes),
	    cmocka_unit_test(wrong_method_is_405_with_allowed),
	    cmocka_unit_test(overlong_path_is_404),
	    cmocka_unit_test(too_many_segments_is_404),
	    cmocka_unit_test(patterns_validated),
	    cmocka_unit_test(literal_star_is_no_wildcard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
