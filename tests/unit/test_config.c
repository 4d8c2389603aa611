/* Tests of signaal.ini loading: defaults, the complete good file, and one
 * fixture in tests/data/config/ per rule. Run from the source root.
 * `test_config --write-docs` regenerates docs/CONFIG.md. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/config.h"

#define DIR "tests/data/config/"

static void test_defaults(void **state)
{
	(void)state;
	struct config c;
	assert_int_equal(config_defaults(&c), 0);
	assert_string_equal(c.listen.host, "127.0.0.1");
	assert_int_equal(c.listen.port, 8080);
	assert_false(c.listen.ipv6);
	assert_int_equal(c.threads, 0);
	assert_int_equal(c.secure_cookies, CONFIG_COOKIES_AUTO);
	assert_string_equal(c.trusted_proxy, "");
	assert_string_equal(c.org, "velsen");
	assert_string_equal(c.quick_exit_url, "https://www.google.nl/search?q=weerbericht");
	assert_string_equal(c.site_name, "");
	assert_string_equal(c.colour_primary, "#0b5394");
	assert_string_equal(c.content_dir, "./content");
	assert_string_equal(c.templates_dir, "./templates");
	assert_string_equal(c.static_dir, "./static");
	assert_string_equal(c.locale_dir, "./build/locale");
	assert_int_equal(c.max_reports_per_minute, 30);
	assert_int_equal(c.staff_idle_timeout, SESSION_IDLE_DEFAULT_S);
	assert_int_equal(c.staff_absolute_timeout, SESSION_ABSOLUTE_DEFAULT_S);
	assert_int_equal(c.public_min_cell, 5);
	assert_int_equal(c.log_level, LOG_INFO);
	assert_true(c.log_access);
	assert_int_equal(c.staff_listen.port, 0); /* no staff listener */
}

static void test_staff_listen(void **state)
{
	(void)state;
	struct config c;
	struct buf err = BUF_INIT;
	assert_int_equal(config_load(DIR "good_staff.ini", &c, &err), 0);
	assert_string_equal(buf_str(&err), "");
	assert_string_equal(c.staff_listen.host, "10.0.0.7");
	assert_int_equal(c.staff_listen.port, 8081);
	assert_false(config_listen_clash(&c.listen, &c.staff_listen));
	struct config_listen a, b;
	assert_int_equal(config_parse_listen("localhost:80", &a, NULL), 0);
	assert_int_equal(config_parse_listen("127.0.0.1:80", &b, NULL), 0);
	assert_true(config_listen_clash(&a, &b));
	assert_int_equal(config_parse_listen("127.0.0.2:80", &b, NULL), 0);
	assert_false(config_listen_clash(&a, &b));
	assert_int_equal(config_parse_listen("[::]:80", &a, NULL), 0);
	assert_int_equal(config_parse_listen("[::1]:80", &b, NULL), 0);
	assert_true(config_listen_clash(&a, &b));
	assert_int_equal(config_parse_listen("[0:0::1]:80", &a, NULL), 0);
	assert_true(config_listen_clash(&a, &b));
	assert_int_equal(config_parse_listen("127.0.0.1:80", &a, NULL), 0);
	assert_false(config_listen_clash(&a, &b)); /* another family */
	buf_free(&err);
}

/* [server] threads = 0: SQLite one per CPU but one, PostgreSQL two per
 * CPU up to the pool's connections but the two writers'. */
static void test_default_threads(void **state)
{
	(void)state;
	assert_int_equal(config_default_threads(1, false), 1);
	assert_int_equal(config_default_threads(2, false), 1);
	assert_int_equal(config_default_threads(8, false), 7);
	assert_int_equal(config_default_threads(500, false), CONFIG_MAX_THREADS);
	assert_int_equal(config_default_threads(-1, false), 1); /* sysconf failed */
	assert_int_equal(config_default_threads(1, true), 2);
	assert_int_equal(config_default_threads(2, true), 4);
	assert_int_equal(config_default_threads(3, true), STORE_PG_CONNS - 2);
	assert_int_equal(config_default_threads(64, true), STORE_PG_CONNS - 2);
	assert_int_equal(config_default_threads(-1, true), 1);
}

static void test_good(void **state)
{
	(void)state;
	struct config c;
	struct buf err = BUF_INIT;
	assert_int_equal(config_load(DIR "good.ini", &c, &err), 0);
	assert_string_equal(buf_str(&err), "");
	assert_string_equal(c.listen.host, "0.0.0.0");
	assert_int_equal(c.listen.port, 9090);
	assert_int_equal(c.threads, 8);
	assert_string_equal(c.trusted_proxy, "10.0.0.5");
	assert_int_equal(c.secure_cookies, CONFIG_COOKIES_ON);
	assert_string_equal(c.org, "haarlem");
	assert_string_equal(c.quick_exit_url, "https://nos.nl/weer?x=1#top");
	assert_string_equal(c.site_name, "Gemeente Haarlem – Meldpunt");
	assert_string_equal(c.colour_primary, "#aa00ff");
	assert_string_equal(c.colour_accent, "#123456");
	assert_string_equal(c.content_dir, "/srv/signaal/content");
	assert_string_equal(c.templates_dir, "/srv/signaal/templates");
	assert_string_equal(c.static_dir, "/srv/signaal/static");
	assert_string_equal(c.locale_dir, "/srv/signaal/locale");
	assert_int_equal(c.max_reports_per_minute, 0);
	assert_int_equal(c.public_min_cell, 10);
	assert_int_equal(c.log_level, LOG_DEBUG);
	assert_false(c.log_access);
	buf_free(&err);
}

/* [store] url: empty by default (the SQLite file in the data directory);
 * a PostgreSQL URL is kept as written. */
static void test_store_url(void **state)
{
	(void)state;
	struct config c;
	struct buf err = BUF_INIT;
	assert_int_equal(config_defaults(&c), 0);
	assert_string_equal(c.store_url, "");
	assert_int_equal(config_load(DIR "store_pg.ini", &c, &err), 0);
	assert_string_equal(c.store_url, "postgresql:///signaal?host=/run/postgresql");
	buf_free(&err);
}

/* [hosts]: none by default; names kept in lower case, in file order. */
static void test_hosts(void **state)
{
	(void)state;
	struct config c;
	struct buf err = BUF_INIT;
	assert_int_equal(config_defaults(&c), 0);
	assert_int_equal(c.nhosts, 0);
	assert_int_equal(config_load(DIR "hosts.ini", &c, &err), 0);
	assert_int_equal(c.nhosts, 2);
	assert_string_equal(c.hosts[0].name, "meldpunt.example.nl");
	assert_string_equal(c.hosts[0].org, "velsen");
	assert_string_equal(c.hosts[1].name, "andere.example.nl");
	assert_string_equal(c.hosts[1].org, "groningen");
	buf_free(&err);
}

static void test_empty_keeps_defaults(void **state)
{
	(void)state;
	struct config c, d;
	struct buf err = BUF_INIT;
	assert_int_equal(config_load(DIR "empty.ini", &c, &err), 0);
	config_defaults(&d);
	assert_memory_equal(&c, &d, sizeof c);
	buf_free(&err);
}

static void test_ipv6_and_indented(void **state)
{
	(void)state;
	struct config c;
	struct buf err = BUF_INIT;
	int rc = config_load(DIR "good_ipv6.ini", &c, &err);
	assert_string_equal(buf_str(&err), "");
	assert_int_equal(rc, 0);
	assert_string_equal(c.listen.host, "::1");
	assert_true(c.listen.ipv6);
	assert_int_equal(c.listen.port, 8443);
	assert_int_equal(c.threads, 1);
	assert_string_equal(c.trusted_proxy, "fd00::1");
	assert_string_equal(c.quick_exit_url, "http://[::1]:8080/uit");
	buf_free(&err);
}

static void test_loopback_http(void **state)
{
	(void)state;
	struct config c;
	struct buf err = BUF_INIT;
	assert_int_equal(config_load(DIR "good_loopback.ini", &c, &err), 0);
	assert_string_equal(c.listen.host, "localhost");
	assert_int_equal(c.listen.port, 65535);
	assert_string_equal(c.quick_exit_url, "http://127.0.0.1:8080/");
	buf_free(&err);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct config c;
	struct buf err = BUF_INIT;
	assert_int_equal(config_load(DIR "does-not-exist.ini", &c, &err), -ENOENT);
	assert_non_null(strstr(buf_str(&err), "does-not-exist.ini: cannot open"));
	buf_free(&err);
}

static void test_directory_refused(void **state)
{
	(void)state;
	struct config c;
	struct buf err = BUF_INIT;
	assert_int_equal(config_load(DIR, &c, &err), -EFBIG);
	buf_free(&err);
}

/* The exact message of the brief: file, line, section, key, reason. */
static void test_bad_number_message(void **state)
{
	(void)state;
	struct config c;
	struct buf err = BUF_INIT;
	assert_int_equal(config_load(DIR "bad_number.ini", &c, &err), CONFIG_INVALID);
	assert_string_equal(buf_str(&err), DIR "bad_number.ini:7: [intake] max_reports_per_minute:"
	                                       " not a whole number 0..10000");
	/* On failure c holds the defaults, not half the file. */
	assert_int_equal(c.max_reports_per_minute, 30);
	buf_free(&err);
}

struct bad_case {
	const char *file;
	const char *msg; /* the whole message after the file name */
};

static const struct bad_case bad[] = {
    {"bad_number_text.ini", ":2: [server] threads: not a whole number 0..64"},
    {"bad_number_negative.ini", ":2: [figures] public_min_cell: not a whole number 1..100"},
    {"bad_threads_many.ini", ":2: [server] threads: not a whole number 0..64"},
    {"bad_min_cell_zero.ini", ":2: [figures] public_min_cell: not a whole number 1..100"},
    {"bad_staff_idle_short.ini", ":2: [staff] idle_timeout: not a whole number 60..14400"},
    {"bad_staff_absolute_long.ini", ":2: [staff] absolute_timeout: not a whole number 600..86400"},
    {"bad_unknown_section.ini", ":3: unknown section [\"database\"]"},
    {"bad_unknown_key.ini", ":2: [server] \"thread\": unknown key"},
    {"bad_duplicate.ini", ":3: [log] level: given twice"},
    {"bad_key_outside_section.ini", ":1: key before the first [section]"},
    {"bad_syntax.ini", ":2: expected 'key = value' or '[section]'"},
    {"bad_section_header.ini", ":1: section header without ']'"},
    {"bad_listen_port.ini", ":2: [server] listen: port is not a whole number 1..65535"},
    {"bad_listen_port_big.ini", ":2: [server] listen: port is not a whole number 1..65535"},
    {"bad_listen_no_port.ini", ":2: [server] listen: expected HOST:PORT"},
    {"bad_listen_host.ini",
     ":2: [server] listen: host is not an IPv4 address, [IPv6] address or localhost"},
    {"bad_listen_ipv6_brackets.ini",
     ":2: [server] listen: an IPv6 address needs brackets, as in [::1]:8080"},
    {"bad_listen_ipv6_invalid.ini",
     ":2: [server] listen: host is not an IPv4 address, [IPv6] address or localhost"},
    {"bad_staff_listen.ini", ":2: [staff] listen: expected HOST:PORT"},
    {"bad_staff_same.ini", ":4: [staff] listen: the same address and port as [server] listen;"
                           " the staff listener needs one of its own"},
    {"bad_staff_same_default.ini", ":2: [staff] listen: the same address and port as [server]"
                                   " listen; the staff listener needs one of its own"},
    {"bad_staff_same_wildcard.ini", ":4: [server] listen: the same address and port as [staff]"
                                    " listen; the staff listener needs one of its own"},
    {"bad_cookies.ini", ":2: [server] secure_cookies: not one of auto, on, off"},
    {"bad_proxy.ini", ":2: [server] trusted_proxy: not a numeric IPv4 or IPv6 address (or empty)"},
    {"bad_proxy_cidr.ini",
     ":2: [server] trusted_proxy: not a numeric IPv4 or IPv6 address (or empty)"},
    {"bad_org.ini", ":2: [site] org: not an id (1-64 characters of a-z 0-9 _ -)"},
    {"bad_colour_short.ini", ":2: [site] colour_primary: not a colour #rrggbb"},
    {"bad_colour_name.ini", ":2: [site] colour_accent: not a colour #rrggbb"},
    {"bad_colour_hex.ini", ":2: [site] colour_accent: not a colour #rrggbb"},
    {"bad_url_http.ini", ":2: [site] quick_exit_url: not an https:// URL (http:// is allowed"
                         " only for a loopback host)"},
    {"bad_url_scheme.ini", ":2: [site] quick_exit_url: not an https:// URL"},
    {"bad_url_userinfo.ini", ":2: [site] quick_exit_url: URL must not contain a user name (@)"},
    {"bad_url_space.ini", ":2: [site] quick_exit_url: contains a space, quote or other"
                          " character not allowed in a URL"},
    {"bad_url_nohost.ini", ":2: [site] quick_exit_url: URL has no host"},
    {"bad_url_port.ini", ":2: [site] quick_exit_url: URL port is not a whole number 1..65535"},
    {"bad_name_control.ini", ":2: [site] name: not one line of UTF-8 text of at most 200 bytes"},
    {"bad_name_utf8.ini", ":2: [site] name: not one line of UTF-8 text of at most 200 bytes"},
    {"bad_nul.ini", ":2: NUL byte in the file"},
    {"bad_path_empty.ini", ":2: [paths] content: empty; a path is required"},
    {"bad_log_level.ini", ":2: [log] level: not one of debug, info, warn, error"},
    {"bad_bool.ini", ":2: [log] access: not on or off"},
    {"bad_long_line.ini", ":2: line longer than 190 bytes"},
    {"bad_store_scheme.ini", ":2: [store] url: not empty, sqlite:PATH or postgresql://..."},
    {"bad_store_empty_path.ini", ":2: [store] url: sqlite: without a path"},
    {"bad_hosts_name.ini", ":2: [hosts] \"meldpunt_example.nl\": not a host name (1-128"
                           " characters of a-z 0-9 . -, without a port)"},
    /* inih reads ':' as '=': a port leaves "8080 = velsen" as the value. */
    {"bad_hosts_port.ini", ":2: [hosts] meldpunt.example.nl: not an organisation id (1-64"
                           " characters of a-z 0-9 _ -)"},
    {"bad_hosts_org.ini", ":2: [hosts] meldpunt.example.nl: not an organisation id (1-64"
                          " characters of a-z 0-9 _ -)"},
    {"bad_hosts_twice.ini", ":3: [hosts] MELDPUNT.example.nl: given twice"},
};

/* One test case per fixture; state points at its row of bad[]. */
static void test_bad_file(void **state)
{
	const struct bad_case *b = *state;
	struct config c;
	struct buf err = BUF_INIT, want = BUF_INIT;
	char path[128];
	snprintf(path, sizeof path, DIR "%s", b->file);
	buf_printf(&want, "%s%s", path, b->msg);
	assert_int_equal(config_load(path, &c, &err), CONFIG_INVALID);
	assert_string_equal(buf_str(&err), buf_str(&want));
	buf_free(&err);
	buf_free(&want);
}

static void test_parse_listen(void **state)
{
	(void)state;
	struct config_listen l;
	assert_int_equal(config_parse_listen("127.0.0.1:1", &l, NULL), 0);
	assert_int_equal(l.port, 1);
	assert_int_equal(config_parse_listen("[2001:db8::1]:443", &l, NULL), 0);
	assert_string_equal(l.host, "2001:db8::1");
	assert_int_equal(config_parse_listen("", &l, NULL), -EINVAL);
	assert_int_equal(config_parse_listen(":8080", &l, NULL), -EINVAL);
	assert_int_equal(config_parse_listen("[::1]8080", &l, NULL), -EINVAL);
	assert_int_equal(config_parse_listen("127.0.0.1:08x", &l, NULL), -EINVAL);
	assert_int_equal(config_parse_listen("127.0.0.1:+80", &l, NULL), -EINVAL);
	assert_int_equal(config_parse_listen("256.0.0.1:80", &l, NULL), -EINVAL);
}

static int read_all(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(out, chunk, n);
	fclose(f);
	return 0;
}

static void test_docs_match_table(void **state)
{
	(void)state;
	struct buf want = BUF_INIT, have = BUF_INIT;
	assert_int_equal(config_doc(&want), 0);
	assert_int_equal(read_all("docs/CONFIG.md", &have), 0);
	if (strcmp(buf_str(&want), buf_str(&have)))
		fail_msg("docs/CONFIG.md differs from the key table in src/app/config.c; "
		         "regenerate with: test_config --write-docs");
	buf_free(&want);
	buf_free(&have);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--write-docs") == 0) {
		struct buf doc = BUF_INIT;
		FILE *f = fopen("docs/CONFIG.md", "wb");
		if (!f || config_doc(&doc) || fwrite(doc.data, 1, doc.len, f) != doc.len ||
		    fclose(f)) {
			perror("docs/CONFIG.md");
			return 1;
		}
		buf_free(&doc);
		return 0;
	}
	static const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_default_threads),
	    cmocka_unit_test(test_staff_listen),
	    cmocka_unit_test(test_empty_keeps_defaults),
	    cmocka_unit_test(test_store_url),
	    cmocka_unit_test(test_hosts),
	    cmocka_unit_test(test_ipv6_and_indented),
	    cmocka_unit_test(test_loopback_http),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_directory_refused),
	    cmocka_unit_test(test_bad_number_message),
	    cmocka_unit_test(test_parse_listen),
	    cmocka_unit_test(test_docs_match_table),
	};
	enum {
		NFIXED = sizeof fixed / sizeof fixed[0],
		NBAD = sizeof bad / sizeof bad[0]
	};
	struct CMUnitTest tests[NFIXED + NBAD];
	memcpy(tests, fixed, sizeof fixed);
	for (size_t i = 0; i < NBAD; i++)
		tests[NFIXED + i] = (struct CMUnitTest){.name = bad[i].file,
		                                        .test_func = test_bad_file,
		                                        .initial_state = (void *)&bad[i]};
	return _cmocka_run_group_tests("config", tests, NFIXED + NBAD, NULL, NULL);
}
