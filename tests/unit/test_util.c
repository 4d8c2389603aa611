/* Utilities: buffers, UTF-8 and text validation, numbers, ids, log quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(buf_grows_and_steals),
	    cmocka_unit_test(buf_refuses_over_max),
	    cmocka_unit_test(utf8),
	    cmocka_unit_test(text),
	    cmocka_unit_test(chars),
	    cmocka_unit_test(numbers),
	    cmocka_unit_test(ids),
	    cmocka_unit_test(quoting),
	    cmocka_unit_test(file_reading),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
