/* Utilities: buffers, UTF-8 and text validation, numbers, ids, log quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cmocka.h>

#include "limits.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/log.h"
#include "util/str.h"

static void buf_grows_and_steals(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_string_equal(buf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_printf(&b, "%d,", i), 0);
	assert_true(b.len > 3000);
	assert_int_equal(b.data[b.len], '\0');
	char *s = buf_steal(&b);
	assert_non_null(s);
	assert_null(b.data);
	assert_int_equal(strncmp(s, "0,1,2,", 6), 0);
	free(s);
	char *empty = buf_steal(&b);
	assert_string_equal(empty, "");
	free(empty);
	buf_free(NULL);
}

static void buf_refuses_over_max(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_int_equal(buf_puts(&b, "x"), 0);
	assert_true(buf_reserve(&b, (size_t)-1) < 0);
	assert_true(buf_reserve(&b, BUF_MAX) < 0);
	assert_string_equal(buf_str(&b), "x");
	buf_free(&b);
}

static void utf8(void **state)
{
	(void)state;
	assert_true(str_utf8_valid("IJmuiden café € 😀", strlen("IJmuiden café € 😀")));
	assert_false(str_utf8_valid("\xC0\xAF", 2));         /* overlong */
	assert_false(str_utf8_valid("\xE0\x80\xAF", 3));     /* overlong */
	assert_false(str_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
	assert_false(str_utf8_valid("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(str_utf8_valid("\xE2\x82", 2));         /* truncated */
	assert_false(str_utf8_valid("a\0b", 3));             /* embedded NUL */
	assert_false(str_utf8_valid("\xFF", 1));
}

static void text(void **state)
{
	(void)state;
	assert_true(str_text_valid("a\tb", 3, false));
	assert_false(str_text_valid("a\nb", 3, false));
	assert_true(str_text_valid("a\r\nb", 4, true));
	assert_false(str_text_valid("a\x1b[31m", 7, true));
	assert_false(str_text_valid("\x7f", 1, true));
	assert_false(str_text_valid("\xC2\x85", 2, true)); /* NEL, a C1 control */
	assert_true(str_text_valid("\xC2\xA0", 2, true));  /* no-break space */
}

#define RLO  "\xE2\x80\xAE" /* right-to-left override */
#define LRE  "\xE2\x80\xAA"
#define PDF  "\xE2\x80\xAC"
#define LRI  "\xE2\x81\xA6"
#define PDI  "\xE2\x81\xA9"
#define BOM  "\xEF\xBB\xBF"
#define FFFD "\xEF\xBF\xBD"
#define SEEN "\xD8\xB3" /* an Arabic letter */

/* The one decoder: lengths, code points, and the maximal ill-formed
 * subpart that one U+FFFD stands for. */
static void utf8_next(void **state)
{
	(void)state;
	uint32_t cp;
	assert_int_equal(str_utf8_next("a", 1, &cp), 1);
	assert_int_equal(cp, 'a');
	assert_int_equal(str_utf8_next("", 1, &cp), 1); /* the NUL byte */
	assert_int_equal(cp, 0);
	assert_int_equal(str_utf8_next("\xC3\xA9", 2, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(str_utf8_next(RLO, 3, &cp), 3);
	assert_int_equal(cp, 0x202E);
	assert_int_equal(str_utf8_next("\xF0\x9F\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(str_utf8_next("\xFF", 1, &cp), -1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(str_utf8_next("\x80", 1, &cp), -1);     /* stray continuation */
	assert_int_equal(str_utf8_next("\xC0\xAF", 2, &cp), -1); /* overlong lead */
	assert_int_equal(str_utf8_next("\xE0\x80\xAF", 3, &cp), -1);
	assert_int_equal(str_utf8_next("\xED\xA0\x80", 3, &cp), -1); /* surrogate */
	assert_int_equal(str_utf8_next("\xF4\x90\x80\x80", 4, &cp), -1);
	/* Cut short: the bytes so far are one subpart, the next byte is its own. */
	assert_int_equal(str_utf8_next("\xE2\x82", 2, &cp), -2);
	assert_int_equal(str_utf8_next("\xE2\x82z", 3, &cp), -2);
	assert_int_equal(str_utf8_next("\xF0\x9F\x98", 3, &cp), -3);
	assert_int_equal(str_utf8_next("\xF0\x9F\x98z", 4, &cp), -3);
}

/* The incremental decoder agrees with str_utf8_next() on every
 * sequence of up to three bytes (a byte stream fed through it, restarting
 * after UTF8_BAD, finds the same characters and the same bad places), and
 * str_utf8_prefix() never cuts a character. */
static void utf8_feed(void **state)
{
	(void)state;
	struct utf8_dec d = {0};
	assert_int_equal(str_utf8_feed(&d, 0xE2), UTF8_MORE);
	assert_int_equal(str_utf8_feed(&d, 0x82), UTF8_MORE);
	assert_int_equal(str_utf8_feed(&d, 0xAC), UTF8_CHAR);
	assert_int_equal(d.cp, 0x20AC);
	assert_int_equal(str_utf8_feed(&d, 0xF0), UTF8_MORE);
	assert_int_equal(str_utf8_feed(&d, 0x8F), UTF8_BAD); /* overlong */
	assert_int_equal(d.need, 0);
	assert_int_equal(str_utf8_feed(&d, 'a'), UTF8_CHAR);
	for (unsigned v = 0; v < (1u << 24); v += 7) {
		unsigned char b[3] = {(unsigned char)(v >> 16), (unsigned char)(v >> 8),
		                      (unsigned char)v};
		uint32_t cp;
		int want = str_utf8_next((const char *)b, 3, &cp);
		struct utf8_dec e = {0};
		int r = UTF8_MORE, k = 0;
		while (r == UTF8_MORE && k < 3)
			r = str_utf8_feed(&e, b[k++]);
		if (want > 0) {
			assert_int_equal(r, UTF8_CHAR);
			assert_int_equal(k, want);
			assert_int_equal(e.cp, cp);
		} else if (r == UTF8_BAD) {
			/* the bad byte ends the subpart (or is it, at k == 1) */
			assert_int_equal(k == 1 ? 1 : k - 1, -want);
		} else {
			assert_int_equal(r, UTF8_MORE); /* cut short by the end */
			assert_int_equal(k, -want);
		}
	}
	const char *s = "ab\xE2\x82\xAC";
	assert_int_equal(str_utf8_prefix(s, 5, 4), 2);
	assert_int_equal(str_utf8_prefix(s, 5, 5), 5);
	assert_int_equal(str_utf8_prefix(s, 5, 2), 2);
	assert_int_equal(str_utf8_prefix(s, 5, 3), 2);
}

static void utf8_repair(void **state)
{
	(void)state;
	char *out = (char *)1;
	size_t len = 99;
	assert_int_equal(str_utf8_repair("caf\xC3\xA9", 5, &out, &len), 0);
	assert_null(out); /* well-formed: nothing copied */
	assert_int_equal(str_utf8_repair("a\xFFz", 3, &out, &len), 0);
	assert_non_null(out);
	assert_string_equal(out, "a" FFFD "z");
	assert_int_equal(len, 5);
	free(out);
	/* one U+FFFD per maximal subpart: E2 82 is one, FF FF are two */
	assert_int_equal(str_utf8_repair("\xE2\x82x\xFF\xFF", 5, &out, &len), 0);
	assert_string_equal(out, FFFD "x" FFFD FFFD);
	assert_true(str_utf8_valid(out, len));
	free(out);
}

static void hidden_format(void **state)
{
	(void)state;
	for (uint32_t cp = 0x202A; cp <= 0x202E; cp++)
		assert_true(str_cp_hidden_format(cp));
	for (uint32_t cp = 0x2066; cp <= 0x2069; cp++)
		assert_true(str_cp_hidden_format(cp));
	assert_true(str_cp_hidden_format(0xFEFF));
	assert_false(str_cp_hidden_format(0x2029));
	assert_false(str_cp_hidden_format(0x202F)); /* narrow no-break space */
	assert_false(str_cp_hidden_format(0x2065));
	assert_false(str_cp_hidden_format(0x206A));
	assert_false(str_cp_hidden_format(0x200F)); /* a mark, not an override */
	/* RLO, LRI, PDI, BOM and PDF removed; Arabic, ill-formed bytes kept */
	char s[] = RLO "abc" LRI SEEN PDI "d" BOM "e\xFF" PDF;
	size_t n = str_strip_hidden_format(s, sizeof s - 1);
	assert_int_equal(n, strlen("abc" SEEN "de\xFF"));
	assert_string_equal(s, "abc" SEEN "de\xFF");
	char plain[] = "gewoon";
	assert_int_equal(str_strip_hidden_format(plain, 6), 6);
	assert_string_equal(plain, "gewoon");
	char none[] = RLO;
	assert_int_equal(str_strip_hidden_format(none, 3), 0);
	assert_string_equal(none, "");
}

/* What a text may not hold: U+FFFD, the hidden formatting characters and
 * a lone CR, besides what was refused before. */
static void text_refuses_hidden_and_damaged(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "a" RLO "b", "a" LRE "b", "a" LRI "b", "a" PDI "b", "a" BOM "b", "a" FFFD "b", "a\xFFz",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_false(str_text_valid(bad[i], strlen(bad[i]), false));
		assert_false(str_text_valid(bad[i], strlen(bad[i]), true));
	}
	assert_false(str_text_valid("a\rb", 3, true)); /* a lone CR */
	assert_false(str_text_valid("a\r", 2, true));
	assert_false(str_text_valid("a\r\rb", 4, true));
	assert_true(str_text_valid("a\r\nb\nc", 6, true));
	assert_false(str_text_valid("a\r\nb", 4, false));
	/* marks and joiners that scripts need stay allowed */
	assert_true(str_text_valid("\xE2\x80\x8F\xE2\x80\x8D", 6, false));
	assert_true(str_text_valid("\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85", 8, false));
}

/* The ASCII fast paths of the text checks answer as the decoder does:
 * for every byte value alone and after ASCII, each check agrees with a
 * walk by str_utf8_next(). */
static void ascii_fast_paths_agree(void **state)
{
	(void)state;
	for (unsigned b = 0; b < 256; b++) {
		char t[4] = {'a', 'b', (char)b, 'c'};
		uint32_t cp;
		int len = str_utf8_next(&t[2], 2, &cp);
		bool bad = len < 0;
		bool ctl = !bad && ((cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F));
		assert_int_equal(str_utf8_valid(t, 4), !bad && cp != 0);
		assert_int_equal(str_text_valid(t, 4, false), !bad && !ctl);
		char *fixed = NULL;
		size_t n = 0;
		assert_int_equal(str_utf8_repair(t, 4, &fixed, &n), 0);
		assert_int_equal(fixed != NULL, bad);
		if (fixed)
			assert_memory_equal(fixed, "ab\xEF\xBF\xBD", 5);
		free(fixed);
	}
	char s[] = "a" RLO "b c" LRE "\xFF"
	           "d";
	size_t n = str_strip_hidden_format(s, strlen(s));
	assert_int_equal(n, 6);
	assert_string_equal(s, "ab c\xFF"
	                       "d");
	assert_false(str_text_valid("ab\x7F", 3, false)); /* DEL */
	assert_true(str_text_valid("a\tb ~", 5, false));
	assert_false(str_utf8_valid("ab\0c", 4));
}

static void chars(void **state)
{
	(void)state;
	assert_int_equal(str_chars("", 0), 0);
	assert_int_equal(str_chars("abc", 3), 3);
	assert_int_equal(str_chars("Zo\xC3\xAB", 4), 3);       /* Zoë */
	assert_int_equal(str_chars("\xE2\x82\xAC 5", 5), 3);   /* € 5 */
	assert_int_equal(str_chars("\xF0\x9F\x98\x80", 4), 1); /* an emoji */
	assert_int_equal(str_chars("a\r\nb", 4), 3);           /* CR LF is one */
	assert_int_equal(str_chars("a\nb", 3), 3);
	assert_int_equal(str_chars("a\rb", 3), 3); /* a lone CR counts */
	assert_int_equal(str_chars("a\r", 2), 2);
}

static void numbers(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(str_parse_u64("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_true(str_parse_u64("", 0, 100, &v) < 0);
	assert_true(str_parse_u64("-1", 0, 100, &v) < 0);
	assert_true(str_parse_u64(" 1", 0, 100, &v) < 0);
	assert_true(str_parse_u64("101", 0, 100, &v) < 0);
	assert_true(str_parse_u64("18446744073709551616", 0, UINT64_MAX, &v) < 0);
	assert_int_equal(str_parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(str_parse_u64(NULL, 0, 1, &v) < 0);
}

static void ids(void **state)
{
	(void)state;
	assert_true(str_is_id("velsen", 64));
	assert_true(str_is_id("noord-nederland", 64));
	assert_false(str_is_id("Velsen", 64));
	assert_false(str_is_id("", 64));
	assert_false(str_is_id("a b", 64));
	assert_false(str_is_id("abc", 2));
	assert_false(str_is_id(NULL, 2));
}

static void quoting(void **state)
{
	(void)state;
	char out[16];
	assert_string_equal(log_quote("a\nb\"c", out, sizeof out), "\"a?b?c\"");
	assert_string_equal(log_quote("0123456789abcdefgh", out, sizeof out), "\"0123456789abc\"");
	assert_string_equal(log_quote(NULL, out, sizeof out), "\"\"");
	/* A right-to-left override (U+202E) cannot turn the line around. */
	assert_string_equal(log_quote("a\xe2\x80\xae"
	                              "b",
	                              out, sizeof out),
	                    "\"a???b\"");
	/* Every control byte, not only the newline: a carriage return or an
	 * escape sequence would rewrite what the operator's terminal shows,
	 * and DEL erases. */
	assert_string_equal(log_quote("a\rb\x1b[2Kc", out, sizeof out), "\"a?b?[2Kc\"");
	assert_string_equal(log_quote("\x01\t\x1f\x7f\\", out, sizeof out), "\"?????\"");
	char all[0x22] = "", exp[0x22 + 2] = "\"";
	for (unsigned c = 1; c < 0x20; c++) {
		all[c - 1] = (char)c;
		exp[c] = '?';
	}
	all[0x1f] = 0x7f;
	exp[0x20] = '?';
	exp[0x21] = '"';
	char big[64];
	assert_string_equal(log_quote(all, big, sizeof big), exp);
}

static void file_reading(void **state)
{
	(void)state;
	char dir[] = "/tmp/signaal-file-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof path, "%s/f", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("hallo", f);
	fclose(f);
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(file_read(AT_FDCWD, path, 0, 5, &data, &len), 0);
	assert_int_equal(len, 5);
	assert_string_equal(data, "hallo");
	free(data);
	assert_int_equal(file_read(AT_FDCWD, path, 0, 4, &data, &len), FILE_TOO_BIG);
	assert_int_equal(file_read(AT_FDCWD, dir, 0, 100, &data, &len), FILE_NOT_REGULAR);
	char missing[80];
	snprintf(missing, sizeof missing, "%s/none", dir);
	assert_int_equal(file_read(AT_FDCWD, missing, 0, 100, &data, &len), -ENOENT);
	char link[80];
	snprintf(link, sizeof link, "%s/link", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(file_read(AT_FDCWD, link, O_NOFOLLOW, 100, &data, &len), -ELOOP);
	unlink(link);
	unlink(path);
	rmdir(dir);
}

/* str_i64 writes what printf's PRId64 writes, at the edges and between. */
static void decimal_like_printf(void **state)
{
	(void)state;
	int64_t v[] = {0,  1,   -1,           9,         10,        -10,
	               99, 100, 4294967296LL, INT64_MAX, INT64_MIN, INT64_MIN + 1};
	char got[STR_I64_BUF], want[32];
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		snprintf(want, sizeof want, "%" PRId64, v[i]);
		assert_int_equal(str_i64(v[i], got), strlen(want));
		assert_string_equal(got, want);
	}
	uint64_t x = 0x9e3779b97f4a7c15u;
	for (int i = 0; i < 10000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t n = (int64_t)(x >> (x % 64));
		snprintf(want, sizeof want, "%" PRId64, n);
		assert_int_equal(str_i64(n, got), strlen(want));
		assert_string_equal(got, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(buf_grows_and_steals),
	    cmocka_unit_test(buf_refuses_over_max),
	    cmocka_unit_test(utf8),
	    cmocka_unit_test(decimal_like_printf),
	    cmocka_unit_test(text),
	    cmocka_unit_test(ascii_fast_paths_agree),
	    cmocka_unit_test(chars),
	    cmocka_unit_test(utf8_next),
	    cmocka_unit_test(utf8_feed),
	    cmocka_unit_test(utf8_repair),
	    cmocka_unit_test(hidden_format),
	    cmocka_unit_test(text_refuses_hidden_and_damaged),
	    cmocka_unit_test(numbers),
	    cmocka_unit_test(ids),
	    cmocka_unit_test(quoting),
	    cmocka_unit_test(file_reading),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
