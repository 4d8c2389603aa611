/* Fuzzes the route matcher (route_find and route_pattern_valid,
 * http/router.c) against a plain implementation of the pattern rules
 * written here.
 *
 * Input: lines. The first byte of the input is the method (its value
 * modulo 3: GET, HEAD, POST); the last line is the path; every line
 * before it is a route: its first byte the methods (a bit mask of the
 * three, low bits), the rest its pattern. Up to 8 routes.
 *
 * The rules: a pattern is valid when it starts with "/", has no empty
 * segment but perhaps the last, ":name" segments (a name of one byte or
 * more) and at most one "*" segment, the last, together at most
 * ROUTE_MAX_PARAMS. A path of at most HTTP_MAX_PATH_BYTES starting with
 * "/" splits at "/" into at most 32 segments ("/" has none). A valid
 * pattern matches when its segments (an empty last one dropped) and the
 * path's agree one by one: a literal the same bytes, ":name" any
 * non-empty segment, "*" any non-empty segment and everything after it.
 * GET allows HEAD. The first route that matches with the method is
 * found, with its captures; the methods of all that match are allowed;
 * none matching is "no path", matching without the method "no
 * method". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	MAX_ROUTES = 8,
	MAX_SEGS = 32,
	MAX_INPUT = 4096
};

static int dummy(struct req *req, struct resp *resp)
{
	(void)req;
	(void)resp;
	return 0;
}

/* Splits s at '/' into pointers and lengths; -1 over max. */
static int split(const char *s, const char **seg, size_t *len, int max)
{
	int n = 0;
	for (;;) {
		if (n == max)
			return -1;
		const char *e = strchr(s, '/');
		seg[n] = s;
		len[n] = e ? (size_t)(e - s) : strlen(s);
		n++;
		if (!e)
			return n;
		s = e + 1;
	}
}

static bool reference_valid(const char *pat)
{
	if (pat[0] != '/')
		return false;
	if (pat[1] == '\0')
		return true;
	static const char *seg[MAX_INPUT];
	static size_t len[MAX_INPUT];
	int n = split(pat + 1, seg, len, MAX_INPUT);
	if (n < 0)
		return false;
	unsigned params = 0;
	for (int i = 0; i < n; i++) {
		bool last = i == n - 1;
		if (len[i] == 0 && !last)
			return false;
		if (len[i] && seg[i][0] == ':') {
			if (len[i] < 2)
				return false;
			params++;
		} else if (len[i] && seg[i][0] == '*') {
			if (len[i] != 1 || !last)
				return false;
			params++;
		}
	}
	return params <= ROUTE_MAX_PARAMS;
}

struct capture {
	const char *p;
	size_t len;
};

/* Matches a valid pattern against the path's segments. */
static bool reference_match(const char *pat, const char *const *ps, const size_t *pl, int pn,
                            struct capture *cap, size_t *ncap)
{
	*ncap = 0;
	const char *seg[MAX_SEGS + 1];
	size_t len[MAX_SEGS + 1];
	int n = 0;
	if (pat[1] != '\0') {
		n = split(pat + 1, seg, len, MAX_SEGS + 1);
		if (n < 0)
			return false; /* more segments than any path has */
		if (len[n - 1] == 0)
			n--;
	}
	for (int i = 0; i < n; i++) {
		if (i >= pn)
			return false;
		if (seg[i][0] == '*') {
			if (pl[i] == 0)
				return false;
			cap[(*ncap)++] = (struct capture){ps[i], strlen(ps[i])};
			return true;
		}
		if (seg[i][0] == ':') {
			if (pl[i] == 0)
				return false;
			cap[(*ncap)++] = (struct capture){ps[i], pl[i]};
		} else if (len[i] != pl[i] || memcmp(seg[i], ps[i], pl[i]) != 0) {
			return false;
		}
	}
	return n == pn;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > MAX_INPUT)
		return 0;
	static const enum http_method methods[] = {HTTP_GET, HTTP_HEAD, HTTP_POST};
	enum http_method method = methods[data[0] % 3];
	char *in = malloc(size);
	if (!in)
		return 0;
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0';
	/* Lines: routes, then the path. */
	char *lines[MAX_ROUTES + 1];
	size_t nl = 0;
	for (char *p = in;;) {
		lines[nl++] = p;
		char *nlp = strchr(p, '\n');
		if (!nlp || nl == MAX_ROUTES + 1)
			break;
		*nlp = '\0';
		p = nlp + 1;
	}
	const char *path = lines[nl - 1];
	struct route table[MAX_ROUTES];
	size_t n = 0;
	for (size_t i = 0; i + 1 < nl; i++) {
		const char *pat = lines[i][0] ? lines[i] + 1 : lines[i];
		bool valid = route_pattern_valid(pat);
		if (valid != reference_valid(pat))
			abort();
		if (!valid)
			continue;
		unsigned m = (unsigned)lines[i][0] & (HTTP_GET | HTTP_HEAD | HTTP_POST);
		table[n++] = (struct route){.methods = m, .pattern = pat, .fn = dummy};
	}

	char scratch[HTTP_MAX_PATH_BYTES + 1];
	const char *params[ROUTE_MAX_PARAMS];
	size_t nparams = 99;
	const struct route *found = NULL;
	unsigned allowed = 99;
	enum route_match got =
	    route_find(table, n, method, path, scratch, params, &nparams, &found, &allowed);

	/* The reference. */
	enum route_match want = ROUTE_NO_PATH;
	const struct route *want_found = NULL;
	unsigned want_allowed = 0;
	struct capture want_cap[ROUTE_MAX_PARAMS + 1];
	size_t want_ncap = 0;
	const char *ps[MAX_SEGS];
	size_t pl[MAX_SEGS];
	int pn = -1;
	if (path[0] == '/' && strlen(path) <= HTTP_MAX_PATH_BYTES)
		pn = path[1] == '\0' ? 0 : split(path + 1, ps, pl, MAX_SEGS);
	if (pn >= 0) {
		for (size_t i = 0; i < n; i++) {
			struct capture cap[ROUTE_MAX_PARAMS + 1];
			size_t ncap;
			if (!reference_match(table[i].pattern, ps, pl, pn, cap, &ncap))
				continue;
			unsigned m = table[i].methods;
			if (m & HTTP_GET)
				m |= HTTP_HEAD;
			want_allowed |= m;
			if ((m & method) && !want_found) {
				want_found = &table[i];
				memcpy(want_cap, cap, sizeof cap);
				want_ncap = ncap;
			}
		}
		want = want_found ? ROUTE_FOUND : want_allowed ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
	}
	if (got != want || found != want_found || allowed != want_allowed)
		abort();
	if (got == ROUTE_FOUND) {
		if (nparams != want_ncap)
			abort();
		for (size_t i = 0; i < nparams; i++)
			if (strlen(params[i]) != want_cap[i].len ||
			    memcmp(params[i], want_cap[i].p, want_cap[i].len) != 0)
				abort();
	} else if (nparams != 0) {
		abort();
	}
	free(in);
	return 0;
}
