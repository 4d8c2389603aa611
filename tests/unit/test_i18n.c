/* Unit tests of src/util/i18n.c: per-thread English through gettext, Dutch
 * as the identity, and clear failures when the locale or catalog is
 * missing. The catalog is tests/data/i18n/en.po, compiled here with msgfmt.
 * When the machine has no English locale (install-deps runs locale-gen),
 * one is built with localedef into the temporary directory and found
 * through LOCPATH, so the mechanism is still tested. */
#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "render/tmpl.h"
#include "util/i18n.h"
#include "util/buf.h"

static char tmpdir[] = "/tmp/signaal-i18n-XXXXXX";
static char catalog[256];
static bool have_locale;

static int run(const char *cmd)
{
	int rc = system(cmd);
	return rc == 0 ? 0 : -1;
}

static int group_setup(void **state)
{
	(void)state;
	char cmd[1024];
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(catalog, sizeof catalog, "%s/locale", tmpdir);
	snprintf(cmd, sizeof cmd,
	         "mkdir -p '%s/en/LC_MESSAGES' '%s/empty' && msgfmt --check -o "
	         "'%s/en/LC_MESSAGES/signaal.mo' tests/data/i18n/en.po",
	         catalog, tmpdir, catalog);
	if (run(cmd))
		return -1;
	locale_t l = newlocale(LC_MESSAGES_MASK, "en_US.UTF-8", (locale_t)0);
	if (l) {
		freelocale(l);
		have_locale = true;
		return 0;
	}
	snprintf(cmd, sizeof cmd,
	         "mkdir -p '%s/loc' && localedef -i en_US -f UTF-8 '%s/loc/en_US.UTF-8' "
	         ">/dev/null 2>&1",
	         tmpdir, tmpdir);
	if (run(cmd) == 0) {
		char path[512];
		snprintf(path, sizeof path, "%s/loc", tmpdir);
		setenv("LOCPATH", path, 1);
		have_locale = true;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	i18n_shutdown();
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return run(cmd);
}

static int setup(void **state)
{
	(void)state;
	if (!have_locale)
		return 0;
	return i18n_init(catalog);
}

static int teardown(void **state)
{
	(void)state;
	i18n_shutdown();
	return 0;
}

#define NEED_LOCALE()                                                              \
	do {                                                                       \
		if (!have_locale) {                                                \
			print_message("no English locale and localedef failed\n"); \
			skip();                                                    \
		}                                                                  \
	} while (0)

static void test_nl_is_identity(void **state)
{
	(void)state;
	const char *msgid = "Melding doen";
	assert_ptr_equal(i18n_tr("nl", msgid), msgid);
}

static void test_en_from_catalog(void **state)
{
	(void)state;
	NEED_LOCALE();
	assert_string_equal(i18n_tr("en", "Melding doen"), "Make a report");
	assert_string_equal(i18n_tr("en-GB", "Melding doen"), "Make a report");
	assert_string_equal(i18n_tr("EN_us", "Melding doen"), "Make a report");
}

static void test_en_untranslated_is_msgid(void **state)
{
	(void)state;
	NEED_LOCALE();
	assert_string_equal(i18n_tr("en", "Niet in de catalogus"), "Niet in de catalogus");
}

static void test_unknown_language_is_dutch(void **state)
{
	(void)state;
	NEED_LOCALE();
	assert_string_equal(i18n_tr("de", "Melding doen"), "Melding doen");
	assert_string_equal(i18n_tr("eng", "Melding doen"), "Melding doen");
	assert_string_equal(i18n_tr(NULL, "Melding doen"), "Melding doen");
	assert_string_equal(i18n_tr("", "Melding doen"), "Melding doen");
}

static void test_empty_msgid_is_not_header(void **state)
{
	(void)state;
	NEED_LOCALE();
	assert_string_equal(i18n_tr("en", ""), "");
	assert_string_equal(i18n_tr("en", NULL), "");
}

static void test_utf8_kept(void **state)
{
	(void)state;
	NEED_LOCALE();
	/* The thread's LC_CTYPE is "C" while translating; without
	 * bind_textdomain_codeset the accents would be lost. */
	assert_string_equal(i18n_tr("en", "\xC3\x89\xC3\xA9n caf\xC3\xA9"),
	                    "One caf\xC3\xA9 \xE2\x80\x94 na\xC3\xAFve");
}

static void test_tmpl_adapter(void **state)
{
	(void)state;
	NEED_LOCALE();
	const char *names[] = {"t"};
	const char *srcs[] = {"<a href=\"/\">{{_ Melding doen }}</a>"};
	struct tmpl_set *set = NULL;
	assert_int_equal(tmpl_set_from_strings(names, srcs, 1, &set, NULL), 0);
	struct buf out = BUF_INIT;
	assert_int_equal(tmpl_render(set, "t", NULL, NULL, 0, i18n_tmpl_tr, (void *)"en", &out), 0);
	assert_string_equal(buf_str(&out), "<a href=\"/\">Make a report</a>");
	buf_reset(&out);
	assert_int_equal(tmpl_render(set, "t", NULL, NULL, 0, i18n_tmpl_tr, (void *)"nl", &out), 0);
	assert_string_equal(buf_str(&out), "<a href=\"/\">Melding doen</a>");
	buf_free(&out);
	tmpl_set_free(set);
}

struct worker {
	const char *lang;
	const char *want[2];
	int failures;
};

static void *translate_loop(void *p)
{
	struct worker *w = p;
	static const char *const msgids[2] = {"Melding doen", "Terug naar de vorige stap"};
	for (int i = 0; i < 50000; i++) {
		int k = i & 1;
		if (strcmp(i18n_tr(w->lang, msgids[k]), w->want[k]) != 0)
			w->failures++;
	}
	return NULL;
}

static void test_threads_nl_and_en_concurrently(void **state)
{
	(void)state;
	NEED_LOCALE();
	struct worker w[4] = {
	    {"nl", {"Melding doen", "Terug naar de vorige stap"}, 0},
	    {"en", {"Make a report", "Back to the previous step"}, 0},
	    {"nl", {"Melding doen", "Terug naar de vorige stap"}, 0},
	    {"en", {"Make a report", "Back to the previous step"}, 0},
	};
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, translate_loop, &w[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	/* The calling thread's own locale is untouched. */
	assert_ptr_equal(uselocale((locale_t)0), LC_GLOBAL_LOCALE);
}

static void test_init_missing_catalog(void **state)
{
	(void)state;
	char dir[512];
	snprintf(dir, sizeof dir, "%s/empty", tmpdir);
	assert_int_equal(i18n_init(dir), -ENOENT);
	/* Failing leaves Dutch, never NULL. */
	assert_string_equal(i18n_tr("en", "Melding doen"), "Melding doen");
}

static void test_init_missing_locale(void **state)
{
	(void)state;
	/* In a child: glibc's newlocale() leaks its LOCPATH list when the
	 * locale is not found (a failure path the server exits on), which
	 * LeakSanitizer would report; _exit() skips that check. With LOCPATH
	 * set glibc looks for locales only there. */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char empty[512];
		snprintf(empty, sizeof empty, "%s/empty", tmpdir);
		setenv("LOCPATH", empty, 1);
		int ok = i18n_init(catalog) == -ENOENT &&
		         strcmp(i18n_tr("en", "Melding doen"), "Melding doen") == 0;
		_exit(ok ? 0 : 1);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_language_env_cannot_override(void **state)
{
	(void)state;
	NEED_LOCALE();
	i18n_shutdown();
	setenv("LANGUAGE", "nl", 1);
	assert_int_equal(i18n_init(catalog), 0);
	assert_null(getenv("LANGUAGE"));
	assert_string_equal(i18n_tr("en", "Melding doen"), "Make a report");
}

static void test_shutdown_gives_msgids(void **state)
{
	(void)state;
	i18n_shutdown();
	assert_string_equal(i18n_tr("en", "Melding doen"), "Melding doen");
	i18n_shutdown(); /* twice is fine */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_nl_is_identity, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_en_from_catalog, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_en_untranslated_is_msgid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_language_is_dutch, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_msgid_is_not_header, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_utf8_kept, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tmpl_adapter, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_threads_nl_and_en_concurrently, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_init_missing_catalog, NULL, teardown),
	    cmocka_unit_test_setup_teardown(test_init_missing_locale, NULL, teardown),
	    cmocka_unit_test_setup_teardown(test_language_env_cannot_override, NULL, teardown),
	    cmocka_unit_test_setup_teardown(test_shutdown_gives_msgids, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
