/* Fuzzes the template compiler and renderer (render/tmpl.c): both the
 * templates and the data rendered through them.
 *
 * The input is split at the first \x02 into a template part and a data
 * part (none: a small fixed value).
 *  - A template part that starts with \x03 and one more byte picks one of
 *    the site's own templates (templates/, loaded once); otherwise it is
 *    split at the first \x01 into two templates ("a" may include "b" as a
 *    partial), compiled, and when they compile, rendered.
 *  - The data part builds a JSON value (see build()): objects whose keys
 *    are the names the site's templates use, arrays, numbers, booleans,
 *    null, strings of the input's bytes and strings that try to break out
 *    of the HTML ("<x-fz", quotes, javascript: URLs).
 * What is rendered must be valid UTF-8 and, for templates without such
 * text of their own, hold no markup and no attribute quote from the data
 * and no URL attribute with a scheme other than http, https, mailto or
 * tel: the escaping the site relies on for every page. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "limits.h"
#include "render/tmpl.h"
#include "util/file.h"
#include "util/str.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_KEYS  512
#define MAX_NAMES TMPL_MAX_FILES

static struct tmpl_set *site_set;
static char *site_names[MAX_NAMES];
static size_t nsite;
static char *keys[MAX_KEYS];
static size_t nkeys;
static json_t *fixed_model;

static const char *const canaries[] = {
    "<x-fz>",          "x-fz\"q",
    "x-fz'q",          "javascript:alert(1)",
    " JaVa\tScRipt:x", "data:text/html,x",
    "vbscript:x",      "//elders.example/x",
    "&amp;&lt;",       "{{x}}",
    "\xe2\x80\xae",    "",
};

static void add_key(const char *s, size_t n)
{
	if (n == 0 || nkeys == MAX_KEYS)
		return;
	for (size_t i = 0; i < nkeys; i++)
		if (strlen(keys[i]) == n && memcmp(keys[i], s, n) == 0)
			return;
	keys[nkeys] = strndup(s, n);
	if (keys[nkeys])
		nkeys++;
}

/* Every name a template looks up, split at the dots. */
static void collect_keys(const char *text)
{
	for (const char *p = strstr(text, "{{"); p; p = strstr(p, "{{")) {
		p += 2;
		while (*p == '#' || *p == '^' || *p == '/' || *p == ' ')
			p++;
		const char *s = p;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		       (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.') {
			if (*p == '.') {
				add_key(s, (size_t)(p - s));
				s = p + 1;
			}
			p++;
		}
		add_key(s, (size_t)(p - s));
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *src = getenv("SIGNAAL_SOURCE_DIR");
	char dir[512];
	snprintf(dir, sizeof dir, "%s/templates", src ? src : SIGNAAL_SOURCE_DIR);
	struct buf err = BUF_INIT;
	if (tmpl_set_load(dir, &site_set, &err) != 0) {
		fprintf(stderr, "fuzz_tmpl: %s\n", buf_str(&err));
		abort();
	}
	buf_free(&err);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL && nsite < MAX_NAMES) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.' || n < 6 || strcmp(e->d_name + n - 5, ".html") != 0)
			continue;
		char *text = NULL;
		size_t len;
		if (file_read(dirfd(d), e->d_name, 0, TMPL_MAX_FILE_BYTES, &text, &len) == 0)
			collect_keys(text);
		free(text);
		site_names[nsite++] = strndup(e->d_name, n - 5);
	}
	if (d)
		closedir(d);
	if (nsite == 0)
		abort();
	qsort(site_names, nsite, sizeof site_names[0], by_name);
	static const char *const more[] = {"a", "b", "u", "n", "s", "o", "k", "href", "url"};
	for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
		add_key(more[i], strlen(more[i]));
	fixed_model =
	    json_loads("{\"a\":[{\"b\":\"<x>\",\"u\":\"javascript:x\"},{\"a\":[]}],"
	               "\"b\":true,\"u\":\"/x\",\"n\":0,\"s\":\"str\",\"o\":{\"k\":\"v\"}}",
	               0, NULL);
	return 0;
}

/* The data part, read one byte at a time. */
struct reader {
	const uint8_t *p;
	size_t n;
	size_t made; /* values made, bounded */
};

static uint8_t next(struct reader *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

/* A string of up to 31 of the input's bytes (not UTF-8: cut before the
 * first bad byte, as jansson holds only UTF-8), or a canary. */
static json_t *string(struct reader *r)
{
	uint8_t b = next(r);
	if (b & 0x80)
		return json_string(canaries[b % (sizeof canaries / sizeof canaries[0])]);
	size_t n = b % 32 < r->n ? b % 32 : r->n;
	const char *s = (const char *)r->p;
	r->p += n;
	r->n -= n;
	while (n && !str_utf8_valid(s, n))
		n--;
	return json_stringn(s, n);
}

static json_t *value(struct reader *r, unsigned depth);

static json_t *object(struct reader *r, unsigned depth, size_t members)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < members && r->n; i++) {
		uint8_t k = next(r);
		json_t *v = value(r, depth + 1);
		if (v)
			json_object_set_new(o, keys[k % nkeys], v);
	}
	return o;
}

/* One value: the next byte says which kind. */
static json_t *value(struct reader *r, unsigned depth)
{
	if (++r->made > 2000 || depth > TMPL_MAX_DEPTH + 2)
		return json_null();
	uint8_t op = next(r);
	switch (op % 10) {
	case 0:
		return json_null();
	case 1:
		return json_true();
	case 2:
		return json_false();
	case 3:
		return json_integer((int8_t)next(r));
	case 4:
		return json_real((double)(int8_t)next(r) / 4);
	case 5:
	case 6:
		return string(r);
	case 7: {
		json_t *a = json_array();
		size_t n = next(r) % 5;
		for (size_t i = 0; a && i < n && r->n; i++) {
			json_t *v = value(r, depth + 1);
			if (v)
				json_array_append_new(a, v);
		}
		return a;
	}
	default:
		return object(r, depth, next(r) % 8);
	}
}

static json_t *build(const uint8_t *p, size_t n)
{
	struct reader r = {p, n, 0};
	return object(&r, 0, SIZE_MAX);
}

static const char *tr(void *ctx, const char *msgid)
{
	(void)ctx;
	return msgid[0] == 'x' ? "vertaald" : NULL;
}

/* The scheme of a URL as a browser reads it (leading blanks and any tab or
 * newline ignored), lower case, or "" when it has none. */
static void scheme_of(const char *v, size_t n, char *out, size_t outsz)
{
	size_t o = 0, i = 0;
	while (i < n && (unsigned char)v[i] <= 0x20)
		i++;
	for (; i < n && o + 1 < outsz; i++) {
		char c = v[i];
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == ':') {
			out[o] = '\0';
			return;
		}
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (o > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
		if (!ok)
			break;
		out[o++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out[0] = '\0';
}

static bool url_attr(const char *name, size_t n)
{
	static const char *const urls[] = {"href", "src",  "action",     "formaction", "poster",
	                                   "cite", "data", "background", "manifest",   "ping"};
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++)
		if (strlen(urls[i]) == n && strncasecmp(name, urls[i], n) == 0)
			return true;
	return false;
}

static bool scheme_allowed(const char *v, size_t n)
{
	char scheme[16];
	scheme_of(v, n, scheme, sizeof scheme);
	return !scheme[0] || strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0 ||
	       strcmp(scheme, "mailto") == 0 || strcmp(scheme, "tel") == 0;
}

/* Reads the tags of s as a browser does (enough for what templates may
 * write) and checks the value of every URL attribute. */
static bool urls_safe(const char *s)
{
	const char *p = s;
	while ((p = strchr(p, '<')) != NULL) {
		p++;
		if (strncmp(p, "!--", 3) == 0) {
			const char *e = strstr(p, "-->");
			if (!e)
				return true;
			p = e + 3;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			continue;
		while (*p && !strchr(" \t\n\f\r/>", *p))
			p++;
		for (;;) {
			while (*p && strchr(" \t\n\f\r/", *p))
				p++;
			if (!*p || *p == '>')
				break;
			const char *name = p;
			while (*p && !strchr(" \t\n\f\r/>=", *p))
				p++;
			size_t nlen = (size_t)(p - name);
			while (*p && strchr(" \t\n\f\r", *p))
				p++;
			if (*p != '=')
				continue;
			p++;
			while (*p && strchr(" \t\n\f\r", *p))
				p++;
			const char *v = p;
			size_t vlen;
			if (*p == '"' || *p == '\'') {
				const char *q = strchr(p + 1, *p);
				v = p + 1;
				vlen = q ? (size_t)(q - v) : strlen(v);
				p = q ? q + 1 : v + vlen;
			} else {
				while (*p && !strchr(" \t\n\f\r>", *p))
					p++;
				vlen = (size_t)(p - v);
			}
			if (url_attr(name, nlen) && !scheme_allowed(v, vlen)) {
				fprintf(stderr, "fuzz_tmpl: URL attribute %.*s=\"%.*s\"\n",
				        (int)nlen, name, (int)vlen, v);
				return false;
			}
		}
	}
	return true;
}

/* What the escaping promises; src[0..n) is the templates' text (NULL for
 * the site's own templates, which hold no such text). */
static void check_output(const struct buf *out, const char *src, size_t n)
{
	const char *s = buf_str(out);
	if (!str_utf8_valid(s, out->len) && out->len)
		abort();
	/* A template cannot put data in a tag name, so "<x-fz" comes from data
	 * that was not escaped; a quote after data is only the data's own when
	 * the template has no quotes. */
	if ((!src || !memmem(src, n, "x-fz", 4)) && strstr(s, "<x-fz"))
		abort();
	if ((!src || (!memchr(src, '"', n) && !memchr(src, '\'', n))) &&
	    (strstr(s, "x-fz\"q") || strstr(s, "x-fz'q")))
		abort();
	/* A template may write any URL of its own. */
	if ((!src || !memchr(src, ':', n)) && !urls_safe(s))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > TMPL_MAX_FILE_BYTES)
		return -1;
	const uint8_t *sep = memchr(data, 2, size);
	size_t tlen = sep ? (size_t)(sep - data) : size;
	json_t *model = sep ? build(sep + 1, size - tlen - 1) : json_incref(fixed_model);
	if (!model)
		return 0;
	struct tmpl_frag frags[] = {{"f", "<i>"}, {"content", "<main>inhoud</main>"}};
	struct buf out = BUF_INIT;

	if (tlen >= 2 && data[0] == 3) {
		const char *name = site_names[data[1] % nsite];
		if (tmpl_render(site_set, name, model, frags, 2, tr, NULL, &out) == 0)
			check_output(&out, NULL, 0);
		buf_free(&out);
		json_decref(model);
		return 0;
	}

	char *s = malloc(tlen + 1);
	if (!s) {
		json_decref(model);
		return 0;
	}
	memcpy(s, data, tlen);
	s[tlen] = '\0';
	const char *names[] = {"a", "b"};
	const char *srcs[] = {s, ""};
	char *sep1 = memchr(s, 1, tlen);
	if (sep1) {
		*sep1 = '\0';
		srcs[1] = sep1 + 1;
	}
	struct tmpl_set *set = NULL;
	struct buf err = BUF_INIT;
	if (tmpl_set_from_strings(names, srcs, 2, &set, &err) == 0) {
		if (tmpl_render(set, "a", model, frags, 1, tr, NULL, &out) == 0)
			check_output(&out, (const char *)data, tlen);
		buf_reset(&out);
		if (tmpl_render(set, "b", model, NULL, 0, NULL, NULL, &out) == 0)
			check_output(&out, (const char *)data, tlen);
		buf_free(&out);
	}
	buf_free(&err);
	tmpl_set_free(set);
	free(s);
	json_decref(model);
	return 0;
}
