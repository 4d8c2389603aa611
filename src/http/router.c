/* router: matches a method and a decoded path against the route table. */
#include <string.h>

#include "http/http.h"

bool route_pattern_valid(const char *pattern)
{
	if (!pattern || pattern[0] != '/')
		return false;
	size_t nparams = 0;
	const char *p = pattern;
	while (*p) {
		/* p points at a '/' */
		const char *seg = p + 1;
		const char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);
		if (len == 0 && end)
			return false; /* empty inner segment "//" */
		if (seg[0] == ':') {
			if (len < 2 || ++nparams > ROUTE_MAX_PARAMS)
				return false;
		} else if (seg[0] == '*') {
			if (len != 1 || end || ++nparams > ROUTE_MAX_PARAMS)
				return false;
		}
		p = end ? end : seg + len;
	}
	return true;
}

#define ROUTE_MAX_SEGMENTS 32

/* Splits path (copied into scratch) into segments at '/'. Returns the count
 * or -1 when there are too many. "/" has zero segments. */
static int split_path(const char *path, char *scratch, char **segs)
{
	size_t plen = strlen(path);
	if (plen > HTTP_MAX_PATH_BYTES || path[0] != '/')
		return -1;
	memcpy(scratch, path + 1, plen);
	int n = 0;
	if (scratch[0] == '\0')
		return 0;
	char *s = scratch;
	for (;;) {
		if (n == ROUTE_MAX_SEGMENTS)
			return -1;
		segs[n++] = s;
		char *slash = strchr(s, '/');
		if (!slash)
			break;
		*slash = '\0';
		s = slash + 1;
	}
	return n;
}

/* Matches one pattern against split path segments. A trailing "*" captures
 * the rest, re-joined (the separators are restored in scratch). */
static bool match(const char *pattern, char **segs, int nsegs, const char **params, size_t *nparams)
{
	size_t np = 0;
	int i = 0;
	const char *p = pattern + 1;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (p[0] == '*') {
			if (i >= nsegs || segs[i][0] == '\0')
				return false;
			params[np++] = segs[i];
			*nparams = np;
			return true;
		}
		if (i >= nsegs)
			return false;
		if (p[0] == ':') {
			if (segs[i][0] == '\0')
				return false;
			params[np++] = segs[i];
		} else if (strlen(segs[i]) != len || memcmp(segs[i], p, len) != 0) {
			return false;
		}
		i++;
		p += len;
		if (*p == '/')
			p++;
	}
	if (i != nsegs)
		return false;
	*nparams = np;
	return true;
}

enum route_match route_find(const struct route *table, size_t n, enum http_method method,
                            const char *path, char *scratch, const char **params, size_t *nparams,
                            const struct route **found, unsigned *allowed)
{
	char *segs[ROUTE_MAX_SEGMENTS];
	*allowed = 0;
	*found = NULL;
	*nparams = 0;
	int nsegs = split_path(path, scratch, segs);
	if (nsegs < 0)
		return ROUTE_NO_PATH;
	for (size_t i = 0; i < n; i++) {
		size_t np = 0;
		const char *tmp[ROUTE_MAX_PARAMS];
		if (!match(table[i].pattern, segs, nsegs, tmp, &np))
			continue;
		unsigned m = table[i].methods;
		if (m & HTTP_GET)
			m |= HTTP_HEAD;
		*allowed |= m;
		if ((m & (unsigned)method) && !*found) {
			*found = &table[i];
			memcpy(params, tmp, np * sizeof tmp[0]);
			*nparams = np;
		}
	}
	if (*found) {
		/* A trailing "*" segment spans the remaining segments: restore
		 * the separators after its capture (a last literal segment that
		 * merely ends in '*', "/a/:x/b*", captures nothing more). */
		const char *pat = (*found)->pattern;
		size_t pl = strlen(pat);
		if (pl >= 2 && pat[pl - 1] == '*' && pat[pl - 2] == '/' && *nparams) {
			char *rest = (char *)params[*nparams - 1];
			for (int k = 0; k < nsegs; k++)
				if (segs[k] > rest)
					segs[k][-1] = '/';
		}
		return ROUTE_FOUND;
	}
	return *allowed ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}
