/* HTTP tests of the public pages against the real binary: every page in
 * both languages, every wegwijzer path (role x danger x form x anonymity),
 * its validation, and the quiz. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "harness.h"

static struct srv S;

HTTP_SUITE(S, NULL)

/* POSTs an urlencoded form to path with a valid CSRF pair, fetched once
 * from the GET of the same path. */
static int post_form(const char *path, const char *fields, struct res *r)
{
	static char cookie[300], token[200], for_path[64];
	if (strcmp(for_path, path) != 0) {
		if (http_csrf(&S, path, cookie, sizeof cookie, token, sizeof token) != 0)
			return -1;
		snprintf(for_path, sizeof for_path, "%s", path);
	}
	char body[4096];
	int n = snprintf(body, sizeof body, "csrf=%s%s%s", token, fields[0] ? "&" : "", fields);
	if (n < 0 || (size_t)n >= sizeof body)
		return -1;
	const char *h[] = {cookie, NULL};
	return http_post(&S, path, "application/x-www-form-urlencoded", body, (size_t)n, h, r);
}

static const char *const pages[] = {
    "/",
    "/vormen/seksuele-uitbuiting",
    "/vormen/arbeidsuitbuiting",
    "/vormen/criminele-uitbuiting",
    "/vormen/orgaanverwijdering",
    "/signalen",
    "/risicofactoren",
    "/wat-wij-doen",
    "/wegwijzer",
    "/quiz",
    "/melden",
    "/volgen",
};

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* What every public page must have, in either language. */
static void assert_public_page(const char *path, const char *b, const char *lang)
{
	char want[64];
	snprintf(want, sizeof want, "<html lang=\"%s\"", lang);
	if (!strstr(b, want))
		fail_msg("%s: no %s", path, want);
	/* The quick exit comes before the main content. */
	const char *exit = strstr(b, "signaal-quick-exit");
	const char *main = strstr(b, "<main");
	if (!exit || !main || exit > main)
		fail_msg("%s: quick exit missing or after <main>", path);
	if (count(b, "<h1") != 1)
		fail_msg("%s: %zu h1 elements", path, count(b, "<h1"));
	if (!strstr(b, "href=\"#main\""))
		fail_msg("%s: no skip link", path);
	if (strstr(b, "style=") || strstr(b, "<style") || strstr(b, "onclick"))
		fail_msg("%s: inline style or script", path);
	if (strstr(b, "{{") || strstr(b, "}}"))
		fail_msg("%s: template syntax leaked", path);
	if (!strstr(b, "<title>"))
		fail_msg("%s: no title", path);
}

static void every_page_in_dutch(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		struct res r;
		assert_int_equal(http_get(&S, pages[i], NULL, &r), 0);
		if (r.status != 200)
			fail_msg("%s: status %ld", pages[i], r.status);
		assert_public_page(pages[i], buf_str(&r.body), "nl");
		/* The language switch points at the English page. */
		char en[128];
		snprintf(en, sizeof en, "href=\"/en%s\"", pages[i]);
		if (!strstr(buf_str(&r.body), en))
			fail_msg("%s: no switch to %s", pages[i], en);
		res_free(&r);
	}
}

static void every_page_in_english(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		char path[128];
		snprintf(path, sizeof path, "/en%s", pages[i]);
		struct res r;
		assert_int_equal(http_get(&S, path, NULL, &r), 0);
		if (r.status != 200)
			fail_msg("%s: status %ld", path, r.status);
		assert_public_page(path, buf_str(&r.body), "en");
		res_free(&r);
	}
	/* Spot checks that the English is really English. */
	struct res r;
	assert_int_equal(http_get(&S, "/en/wegwijzer", NULL, &r), 0);
	assert_null(strstr(buf_str(&r.body), "Snel weg<"));
	res_free(&r);
	assert_int_equal(http_get(&S, "/en/vormen/arbeidsuitbuiting", NULL, &r), 0);
	assert_non_null(strstr(buf_str(&r.body), "abour"));
	res_free(&r);
}

static void unknown_form_slug_is_404(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/vormen/onbekend", NULL, &r), 0);
	assert_int_equal(r.status, 404);
	res_free(&r);
}

static void form_page_shows_its_signals(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/vormen/arbeidsuitbuiting", NULL, &r), 0);
	const char *b = buf_str(&r.body);
	assert_non_null(strstr(b, "Arbeidsinspectie"));
	assert_non_null(strstr(b, "/wegwijzer?form=labour"));
	assert_true(count(b, "<li") >= 5);
	res_free(&r);
}

static void risk_factors_listed(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/risicofactoren", NULL, &r), 0);
	const char *b = buf_str(&r.body);
	assert_non_null(strstr(b, "12"));
	assert_non_null(strstr(b, "24"));
	assert_true(count(b, "<li") >= 14);
	res_free(&r);
}

static const char *const roles[] = {"victim",       "bystander", "parent", "perpetrator",
                                    "professional", "employee",  "unsaid"};
static const char *const minors[] = {"yes", "no", "unknown"};
static const char *const forms[] = {"sexual", "labour", "criminal", "organ_removal", "unknown"};

static void wegwijzer_every_path(void **state)
{
	(void)state;
	size_t paths = 0;
	for (size_t ro = 0; ro < 7; ro++)
		for (int danger = 0; danger < 2; danger++)
			for (size_t fo = 0; fo < 5; fo++)
				for (int anon = 0; anon < 2; anon++)
					for (size_t mi = 0; mi < 3; mi++) {
						char body[256];
						snprintf(
						    body, sizeof body,
						    "role=%s&danger=%s&minor=%s&form=%s&anonymous=%s",
						    roles[ro], danger ? "yes" : "no", minors[mi],
						    forms[fo], anon ? "yes" : "no");
						struct res r;
						assert_int_equal(post_form("/wegwijzer", body, &r),
						                 0);
						const char *b = buf_str(&r.body);
						if (r.status != 200)
							fail_msg("%s: status %ld", body, r.status);
						const char *first =
						    strstr(b, "<li class=\"signaal-channel");
						if (!first)
							fail_msg("%s: no channel", body);
						size_t cl = strcspn(first + 11, "\"");
						bool first_emerg =
						    memmem(first + 11, cl, "--emergency", 11);
						bool any_emerg =
						    strstr(b, "signaal-channel--emergency");
						if (danger) {
							/* 112 first, before any other channel. */
							if (!strstr(b, "href=\"tel:112\""))
								fail_msg("%s: no tel:112", body);
							if (!first_emerg)
								fail_msg(
								    "%s: 112 is not the first channel",
								    body);
						} else if (any_emerg) {
							fail_msg("%s: 112 card without danger",
							         body);
						}
						if (!strstr(b, "href=\"tel:"))
							fail_msg("%s: no phone link", body);
						/* The Meldcode is the professional's, whatever
						 * they chose; never the municipal employee's. */
						if (ro == 4 && !strstr(b, "Meldcode"))
							fail_msg("%s: no anonymity note", body);
						if (ro == 5 && strstr(b, "Meldcode"))
							fail_msg(
							    "%s: the Meldcode shown to an employee",
							    body);
						if (ro == 5 && !strstr(b, "aandachtsfunctionaris"))
							fail_msg("%s: no aandachtsfunctionaris",
							         body);
						/* The answers go along to the report form. */
						char link[160];
						snprintf(
						    link, sizeof link,
						    "/melden?%s%s%svorm=%s&amp;minderjarig=%s&amp;gevaar=%s\"",
						    ro == 6 ? "" : "rol=", ro == 6 ? "" : roles[ro],
						    ro == 6 ? "" : "&amp;", forms[fo],
						    mi == 0   ? "ja"
						    : mi == 1 ? "nee"
						              : "weetniet",
						    danger ? "ja" : "nee");
						if (!strstr(b, link))
							fail_msg("%s: no link %s", body, link);
						res_free(&r);
						paths++;
					}
	assert_int_equal(paths, 7 * 2 * 5 * 2 * 3);
}

static void wegwijzer_labour_points_to_inspectorate(void **state)
{
	(void)state;
	const char body[] = "role=bystander&danger=no&form=labour&anonymous=no";
	struct res r;
	assert_int_equal(post_form("/wegwijzer", body, &r), 0);
	assert_non_null(strstr(buf_str(&r.body), "0800 5151"));
	res_free(&r);
	const char anon[] = "role=bystander&danger=no&form=unknown&anonymous=yes";
	assert_int_equal(post_form("/wegwijzer", anon, &r), 0);
	assert_non_null(strstr(buf_str(&r.body), "0800 7000"));
	res_free(&r);
}

/* The answer page: the first three channels stand out, the rest under
 * "Meer mogelijkheden"; every card gives a way to reach someone now. */
static void wegwijzer_answer_top_three(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(
	    post_form("/wegwijzer", "role=victim&danger=no&minor=no&form=sexual&anonymous=no", &r),
	    0);
	assert_int_equal(r.status, 200);
	const char *b = buf_str(&r.body);
	const char *top = strstr(b, "signaal-channels--top");
	const char *more = strstr(b, "Meer mogelijkheden");
	assert_non_null(top);
	assert_non_null(more);
	assert_true(more > top);
	/* Three cards before the heading, the rest after it. */
	size_t before = 0;
	for (const char *p = top; (p = strstr(p, "<li class=\"signaal-channel")) && p < more; p++)
		before++;
	assert_int_equal(before, 3);
	assert_true(count(more, "<li class=\"signaal-channel") >= 2);
	/* Every card: a phone, an email, a chat or (the website's contact
	 * form) a web link. */
	for (const char *p = strstr(b, "<li class=\"signaal-channel"); p;) {
		const char *end = strstr(p, "</li>");
		assert_non_null(end);
		bool reach = false;
		for (const char *k = p; k < end && !reach; k++)
			reach = !strncmp(k, "href=\"tel:", 10) ||
			        !strncmp(k, "href=\"mailto:", 13) ||
			        !strncmp(k, "signaal-channel__web", 20);
		if (!reach)
			fail_msg("a card without a way to reach anyone: %.120s", p);
		p = strstr(end, "<li class=\"signaal-channel");
	}
	/* An adult victim is not told to find someone their own age. */
	assert_null(strstr(b, "volwassene"));
	res_free(&r);
	assert_int_equal(
	    post_form("/wegwijzer", "role=victim&danger=no&minor=yes&form=sexual&anonymous=no", &r),
	    0);
	assert_non_null(strstr(buf_str(&r.body), "volwassene"));
	res_free(&r);
	/* "Weet ik niet": the inspectorate after the general lines, saying
	 * when it fits, its purpose said once. */
	assert_int_equal(post_form("/wegwijzer",
	                           "role=bystander&danger=no&minor=no&form=unknown&anonymous=no",
	                           &r),
	                 0);
	b = buf_str(&r.body);
	assert_non_null(strstr(b, "Past als het om werk gaat"));
	assert_int_equal(count(b, "Als je denkt dat iemand gedwongen wordt om te werken."), 1);
	res_free(&r);
}

/* The form asks the new questions: the minor question and "zeg ik liever
 * niet"; the perpetrator is named without stigma. */
static void wegwijzer_form_questions(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/wegwijzer", NULL, &r), 0);
	const char *b = buf_str(&r.body);
	assert_non_null(strstr(b, "name=\"minor\" value=\"unknown\""));
	assert_non_null(strstr(b, "Gaat het om iemand onder de 18"));
	assert_non_null(strstr(b, "value=\"unsaid\""));
	assert_non_null(strstr(b, "Zeg ik liever niet"));
	assert_null(strstr(b, "Pleger"));
	assert_non_null(strstr(b, "gedwongen om mee te doen"));
	res_free(&r);
	assert_int_equal(http_get(&S, "/wegwijzer?minor=yes&role=unsaid", NULL, &r), 0);
	assert_non_null(strstr(buf_str(&r.body), "value=\"yes\" checked"));
	res_free(&r);
}

/* An answer is rendered once per input and kept: the same inputs give the
 * same page, other inputs or another language another page. */
static void wegwijzer_answer_kept_per_input(void **state)
{
	(void)state;
	struct res a, b, c;
	const char in[] = "role=parent&danger=yes&form=sexual&anonymous=no";
	assert_int_equal(post_form("/wegwijzer", in, &a), 0);
	assert_int_equal(post_form("/wegwijzer", in, &b), 0);
	assert_int_equal(a.status, 200);
	assert_int_equal(b.status, 200);
	assert_int_equal(a.body.len, b.body.len);
	assert_memory_equal(a.body.data, b.body.data, a.body.len);
	assert_int_equal(
	    post_form("/wegwijzer", "role=parent&danger=no&form=sexual&anonymous=no", &c), 0);
	assert_true(c.body.len != a.body.len || memcmp(c.body.data, a.body.data, a.body.len) != 0);
	res_free(&c);
	assert_int_equal(post_form("/en/wegwijzer", in, &c), 0);
	assert_int_equal(c.status, 200);
	assert_non_null(strstr(buf_str(&c.body), "<html lang=\"en\""));
	res_free(&a);
	res_free(&b);
	res_free(&c);
}

/* The token is checked by the dispatcher (route .csrf): without a valid
 * one the answer is never given, and the form comes back as chosen. */
static void wegwijzer_and_quiz_without_token_ask_again(void **state)
{
	(void)state;
	const char in[] = "role=parent&danger=no&form=sexual&anonymous=no";
	struct res r;
	assert_int_equal(http_post(&S, "/wegwijzer", "application/x-www-form-urlencoded", in,
	                           sizeof in - 1, NULL, &r),
	                 0);
	const char *b = buf_str(&r.body);
	assert_non_null(strstr(b, "value=\"parent\" checked"));
	assert_non_null(strstr(b, "name=\"csrf\""));
	assert_non_null(strstr(b, "Je sessie is verlopen."));
	res_free(&r);
	assert_int_equal(
	    http_post(&S, "/quiz", "application/x-www-form-urlencoded", "q1=a", 4, NULL, &r), 0);
	assert_non_null(strstr(buf_str(&r.body), "name=\"csrf\""));
	assert_null(strstr(buf_str(&r.body), "signaal-quiz-score"));
	res_free(&r);
}

/* A page kept in memory is the same for everyone: it never carries a
 * cookie or a token of the visitor it was first made for. */
static void kept_pages_carry_no_visitor_token(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		struct res a, b;
		assert_int_equal(http_get(&S, pages[i], NULL, &a), 0);
		assert_int_equal(http_get(&S, pages[i], NULL, &b), 0);
		char ca[200] = "", cb[200] = "";
		bool sa = res_header(&a, "Set-Cookie", ca, sizeof ca);
		bool sb = res_header(&b, "Set-Cookie", cb, sizeof cb);
		bool form = strstr(buf_str(&a.body), "name=\"csrf\"") != NULL;
		if (form) {
			/* Two visitors: two cookies, two tokens. */
			assert_true(sa && sb);
			assert_string_not_equal(ca, cb);
			assert_false(a.body.len == b.body.len &&
			             memcmp(a.body.data, b.body.data, a.body.len) == 0);
		} else {
			assert_false(sa || sb);
		}
		res_free(&a);
		res_free(&b);
	}
	/* And a kept wegwijzer answer holds no token either. */
	struct res w;
	assert_int_equal(
	    post_form("/wegwijzer", "role=parent&danger=no&form=labour&anonymous=no", &w), 0);
	assert_null(strstr(buf_str(&w.body), "name=\"csrf\" value"));
	res_free(&w);
}

static void wegwijzer_errors_keep_choices(void **state)
{
	(void)state;
	const char body[] = "role=parent&form=hacker";
	struct res r;
	assert_int_equal(post_form("/wegwijzer", body, &r), 0);
	assert_int_equal(r.status, 400);
	const char *b = buf_str(&r.body);
	/* An error summary linking to the fields, and the choice kept. */
	assert_non_null(strstr(b, "href=\"#danger"));
	assert_non_null(strstr(b, "href=\"#form"));
	assert_non_null(strstr(b, "value=\"parent\" checked"));
	assert_null(strstr(b, "hacker"));
	res_free(&r);
}

static void wegwijzer_preselects_from_query(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/wegwijzer?form=labour", NULL, &r), 0);
	assert_non_null(strstr(buf_str(&r.body), "value=\"labour\" checked"));
	res_free(&r);
	assert_int_equal(http_get(&S, "/wegwijzer?form=%3Cscript%3E", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_null(strstr(buf_str(&r.body), "<script>"));
	res_free(&r);
}

static void quiz_scores(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/quiz", NULL, &r), 0);
	const char *b = buf_str(&r.body);
	size_t questions = count(b, "<fieldset");
	assert_true(questions >= 15);
	/* Answer every question with the first option shown. */
	struct buf form = BUF_INIT;
	for (const char *p = b; (p = strstr(p, "name=\"q-")) != NULL;) {
		p += strlen("name=\"");
		size_t nl = strcspn(p, "\"");
		const char *v = strstr(p, "value=\"");
		if (!v)
			break;
		v += strlen("value=\"");
		size_t vl = strcspn(v, "\"");
		char name[64], val[64];
		snprintf(name, sizeof name, "%.*s", (int)nl, p);
		snprintf(val, sizeof val, "%.*s", (int)vl, v);
		if (!strstr(form.data ? form.data : "", name))
			buf_printf(&form, "%s%s=%s", form.len ? "&" : "", name, val);
	}
	res_free(&r);
	assert_int_equal(post_form("/quiz", buf_str(&form), &r), 0);
	assert_int_equal(r.status, 200);
	b = buf_str(&r.body);
	assert_non_null(strstr(b, "signaal-quiz-score"));
	res_free(&r);
	buf_free(&form);
	/* Nothing answered is fine: score 0. */
	assert_int_equal(post_form("/quiz", "", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_str(&r.body), "signaal-quiz-score"));
	res_free(&r);
}

/* Texts of issue 8 on the pages: the definition names the abuse of a
 * vulnerable position and forced surrogacy; the signals page makes no
 * claim about young people that no source makes. */
static void content_texts(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/", NULL, &r), 0);
	assert_non_null(strstr(buf_str(&r.body), "kwetsbare positie"));
	assert_non_null(strstr(buf_str(&r.body), "draagmoederschap"));
	res_free(&r);
	assert_int_equal(http_get(&S, "/signalen", NULL, &r), 0);
	assert_null(strstr(buf_str(&r.body), "vaak om criminele uitbuiting"));
	assert_non_null(strstr(buf_str(&r.body), "Twijfel je? Meld het toch."));
	res_free(&r);
	assert_int_equal(http_get(&S, "/en/signalen", NULL, &r), 0);
	assert_null(strstr(buf_str(&r.body), "often criminal exploitation"));
	res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_page_in_dutch),
	    cmocka_unit_test(every_page_in_english),
	    cmocka_unit_test(unknown_form_slug_is_404),
	    cmocka_unit_test(form_page_shows_its_signals),
	    cmocka_unit_test(risk_factors_listed),
	    cmocka_unit_test(wegwijzer_every_path),
	    cmocka_unit_test(wegwijzer_labour_points_to_inspectorate),
	    cmocka_unit_test(wegwijzer_answer_kept_per_input),
	    cmocka_unit_test(wegwijzer_answer_top_three),
	    cmocka_unit_test(wegwijzer_form_questions),
	    cmocka_unit_test(content_texts),
	    cmocka_unit_test(wegwijzer_errors_keep_choices),
	    cmocka_unit_test(wegwijzer_preselects_from_query),
	    cmocka_unit_test(quiz_scores),
	    cmocka_unit_test(wegwijzer_and_quiz_without_token_ask_again),
	    cmocka_unit_test(kept_pages_carry_no_visitor_token),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
