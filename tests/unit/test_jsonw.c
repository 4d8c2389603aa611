/* jsonw: the writer's bytes against jansson's json_dumps(JSON_COMPACT)
 * for the same values: escapes, control characters, non-ASCII text,
 * text that is not UTF-8, numbers, nesting, and random strings and
 * trees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/jsonw.h"

/* v (caller's reference) as jansson and as jsonw write it: the same
 * bytes, or both refuse. Returns whether jansson wrote it. */
static bool same(json_t *v)
{
	char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	struct buf b = BUF_INIT;
	int rc = jsonw_value(&b, v);
	if (!want) {
		assert_int_equal(rc, -EINVAL);
	} else {
		if (rc != 0 || strcmp(want, buf_str(&b)) != 0)
			fail_msg("jansson wrote %s, jsonw (%d) %s", want, rc, buf_str(&b));
		assert_int_equal(b.len, strlen(want));
	}
	bool ok = want != NULL;
	free(want);
	buf_free(&b);
	return ok;
}

/* s[0..n) as a string inside an array and, when it is UTF-8, as an
 * object's key (jansson 2.14 writes a key that is not UTF-8 cut short
 * and goes on; jsonw refuses it, and Signaal's keys are all UTF-8). */
static bool same_text(const char *s, size_t n)
{
	json_t *a = json_array();
	json_array_append_new(a, json_stringn_nocheck(s, n));
	bool ok = same(a);
	json_decref(a);
	if (ok && memchr(s, '\0', n) == NULL) {
		json_t *o = json_object();
		json_object_setn_new_nocheck(o, s, n, json_integer(1));
		assert_true(same(o));
		json_decref(o);
	}
	return ok;
}

static void escapes(void **state)
{
	(void)state;
	static const char *const texts[] = {
	    "",
	    "plain",
	    "quote \" and backslash \\ and slash /",
	    "\b\f\n\r\t",
	    "\x01\x02\x1f\x7f",
	    "caf\xC3\xA9 na\xC3\xAFve \xE2\x82\xAC \xF0\x9F\x98\x80 \xE2\x80\xA8",
	    "\xEF\xBB\xBF\xEF\xBF\xBD",
	    "\"\"\\\\",
	    "a\"b\\c\nd\xC3\xA9\x65\x1b", /* \x65: an "e" after the hex escape */
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		assert_true(same_text(texts[i], strlen(texts[i])));
	/* Every byte below 0x80 on its own, NUL included. */
	for (int c = 0; c < 0x80; c++) {
		char s[3] = {'x', (char)c, 'y'};
		assert_true(same_text(s, 3));
	}
	/* Every byte at every place of a text longer than the eight bytes
	 * the writer looks at together. */
	for (size_t at = 0; at < 18; at++)
		for (int c = 0; c < 256; c++) {
			char s[18];
			memset(s, 'a', sizeof s);
			s[at] = (char)c;
			same_text(s, sizeof s);
		}
	/* Not UTF-8: an overlong form, a surrogate, above U+10FFFF, cut
	 * short, a stray continuation byte, lead bytes never valid. */
	static const char *const bad[] = {
	    "\xC0\xAF",         "\xED\xA0\x80", "\xF4\x90\x80\x80", "ab\xE2\x82", "\x80",
	    "\xF5\x80\x80\x80", "\xFF",         "ok\xC3",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_false(same_text(bad[i], strlen(bad[i])));
		struct buf b = BUF_INIT;
		assert_int_equal(jsonw_str(&b, bad[i], strlen(bad[i])), -EINVAL);
		buf_free(&b);
	}
}

static void numbers_and_literals(void **state)
{
	(void)state;
	static const json_int_t ints[] = {0,   1,         -1,        9,         10,
	                                  -10, 123456789, INT64_MAX, INT64_MIN, INT64_MIN + 1};
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		json_t *v = json_integer(ints[i]);
		assert_true(same(v));
		json_decref(v);
	}
	json_t *v = json_pack("{s:b, s:b, s:n, s:f, s:[], s:{}, s:[i, [s, {}], {s:s}]}", "t", 1,
	                      "f", 0, "n", "r", 0.1, "ea", "eo", "x", 7, "y", "z", "w");
	assert_non_null(v);
	assert_true(same(v));
	json_decref(v);
	struct buf b = BUF_INIT;
	assert_int_equal(jsonw_key(&b, "a", 1), 0);
	assert_int_equal(jsonw_cstr(&b, NULL), 0);
	assert_int_equal(jsonw_key(&b, "b", 0), 0);
	assert_int_equal(jsonw_bool(&b, 1), 0);
	assert_int_equal(jsonw_key(&b, "c", 0), 0);
	assert_int_equal(jsonw_int(&b, -42), 0);
	assert_string_equal(buf_str(&b), "\"a\":null,\"b\":true,\"c\":-42");
	buf_free(&b);
}

/* Bytes that matter to escaping and to UTF-8, to draw random text from. */
static const unsigned char alphabet[] = {
    'a',  'Z',  ' ',  '/',  '"',  '\\', 0x00, 0x01, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x1f, 0x7f, 0x80,
    0x9f, 0xa0, 0xa9, 0xbf, 0xc0, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff};

static size_t random_text(char *s, size_t max)
{
	size_t n = (size_t)rand() % max;
	for (size_t i = 0; i < n; i++)
		s[i] = (char)alphabet[(size_t)rand() % sizeof alphabet];
	return n;
}

/* Mostly valid UTF-8: whole characters of 1 to 4 bytes. */
static size_t random_utf8(char *s, size_t max)
{
	static const char *const chars[] = {"a",
	                                    "\"",
	                                    "\\",
	                                    "\n",
	                                    "\x01",
	                                    "\x7f",
	                                    "\xC3\xA9",
	                                    "\xE2\x82\xAC",
	                                    "\xF0\x9F\x98\x80",
	                                    "\xE2\x80\xA8",
	                                    "/"};
	size_t n = 0, want = (size_t)rand() % max;
	while (n + 4 <= want) {
		const char *c = chars[(size_t)rand() % (sizeof chars / sizeof chars[0])];
		memcpy(s + n, c, strlen(c));
		n += strlen(c);
	}
	return n;
}

static json_t *random_tree(int depth)
{
	char s[64];
	switch (rand() % (depth > 3 ? 5 : 7)) {
	case 0:
		return json_stringn_nocheck(s, random_utf8(s, sizeof s));
	case 1:
		return json_integer((json_int_t)((uint64_t)rand() << 33 ^ (uint64_t)rand()) *
		                    (rand() % 2 ? 1 : -1));
	case 2:
		return rand() % 2 ? json_true() : json_false();
	case 3:
		return json_null();
	case 4:
		return json_stringn_nocheck(s, random_text(s, 8));
	case 5: {
		json_t *a = json_array();
		for (int i = rand() % 5; i > 0; i--)
			json_array_append_new(a, random_tree(depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		for (int i = rand() % 6; i > 0; i--) {
			size_t n = random_utf8(s, 16);
			json_object_setn_new_nocheck(o, s, n, random_tree(depth + 1));
		}
		return o;
	}
	}
}

static void random_strings_and_trees(void **state)
{
	(void)state;
	srand(20261202);
	char s[40];
	size_t valid = 0;
	for (int i = 0; i < 20000; i++)
		valid += same_text(s, random_text(s, sizeof s));
	for (int i = 0; i < 5000; i++)
		assert_true(same_text(s, random_utf8(s, sizeof s)));
	/* Both kinds were drawn. */
	assert_true(valid > 100 && valid < 20000);
	for (int i = 0; i < 2000; i++) {
		json_t *t = random_tree(0);
		same(t);
		json_decref(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(escapes),
	    cmocka_unit_test(numbers_and_literals),
	    cmocka_unit_test(random_strings_and_trees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
