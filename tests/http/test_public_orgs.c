/* HTTP tests of the public texts that differ per organisation (two
 * organisations on one server, as in test_orgs.c): "Wat wij doen" is each
 * organisation's own text, the wegwijzer reaches each one's
 * aandachtsfunctionaris through its own contact and offers its own
 * channels, and a municipal employee is never shown the Meldcode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "harness.h"

static struct srv S;

#define HOST_UTRECHT "Host: andere.example.nl"

static const char *const extra_orgs[] = {"utrecht", NULL};

static int setup(void **state)
{
	(void)state;
	srv_extra_orgs = extra_orgs;
	int rc = suite_start(&S, "[hosts]\nandere.example.nl = utrecht\n");
	srv_extra_orgs = NULL;
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	return suite_stop(&S);
}

static void get_on(const char *host, const char *path, struct res *r)
{
	const char *h[] = {host, NULL};
	assert_int_equal(http_get(&S, path, host ? h : NULL, r), 0);
	if (r->status != 200)
		fail_msg("%s on %s: status %ld", path, host ? host : "(default)", r->status);
}

/* The wegwijzer's answer to body on host (NULL: the default, Velsen). */
static void answer_on(const char *host, const char *body, struct res *r)
{
	char cookie[300], token[200], full[512];
	assert_int_equal(http_csrf(&S, "/wegwijzer", cookie, sizeof cookie, token, sizeof token),
	                 0);
	int n = snprintf(full, sizeof full, "csrf=%s&%s", token, body);
	const char *h[] = {cookie, host, NULL};
	assert_int_equal(
	    http_post(&S, "/wegwijzer", "application/x-www-form-urlencoded", full, (size_t)n, h, r),
	    0);
	if (r->status != 200)
		fail_msg("%s on %s: status %ld", body, host ? host : "(default)", r->status);
}

/* "Wat wij doen": Velsen's harbour team and school talks on Velsen's site
 * only; Utrecht's own text on Utrecht's; in both languages. */
static void about_is_the_organisations(void **state)
{
	(void)state;
	for (int round = 0; round < 2; round++) {
		struct res v, u, ve, ue;
		get_on(NULL, "/wat-wij-doen", &v);
		get_on(HOST_UTRECHT, "/wat-wij-doen", &u);
		get_on(NULL, "/en/wat-wij-doen", &ve);
		get_on(HOST_UTRECHT, "/en/wat-wij-doen", &ue);
		const char *vb = buf_str(&v.body), *ub = buf_str(&u.body);
		assert_non_null(strstr(vb, "haventeam"));
		assert_non_null(strstr(vb, "Scharlaken Koord"));
		assert_null(strstr(ub, "haventeam"));
		assert_null(strstr(ub, "Scharlaken Koord"));
		assert_non_null(strstr(ub, "Moviera"));
		assert_null(strstr(vb, "Moviera"));
		assert_non_null(strstr(buf_str(&ve.body), "harbour team"));
		assert_null(strstr(buf_str(&ue.body), "harbour team"));
		/* Not "every municipality has one": the national aim. */
		assert_null(strstr(vb, "Elke gemeente heeft"));
		assert_non_null(strstr(vb, "landelijk de bedoeling"));
		assert_non_null(strstr(ub, "landelijk de bedoeling"));
		res_free(&v);
		res_free(&u);
		res_free(&ve);
		res_free(&ue);
	}
}

/* An employee: the aandachtsfunctionaris first, reached through the
 * organisation's own contact; the aandachtsfunctionaris text, never the
 * Meldcode; and the integrity route for a colleague. */
static void employee_answer(void **state)
{
	(void)state;
	const char body[] = "role=employee&danger=no&minor=no&form=criminal&anonymous=yes";
	for (int round = 0; round < 2; round++) {
		struct res v, u;
		answer_on(NULL, body, &v);
		answer_on(HOST_UTRECHT, body, &u);
		const char *vb = buf_str(&v.body), *ub = buf_str(&u.body);
		assert_null(strstr(vb, "Meldcode"));
		assert_null(strstr(ub, "Meldcode"));
		assert_non_null(strstr(vb, "href=\"tel:140255\""));
		assert_null(strstr(ub, "href=\"tel:140255\""));
		assert_non_null(strstr(ub, "href=\"tel:14030\""));
		assert_non_null(strstr(vb, "Huis voor Klokkenluiders"));
		/* Meld een Vermoeden is Velsen's portal, not a national line. */
		assert_non_null(strstr(vb, "meldeenvermoeden.nl"));
		assert_null(strstr(ub, "meldeenvermoeden.nl"));
		res_free(&v);
		res_free(&u);
	}
	/* The professional does get the Meldcode text, and that a report here
	 * is not a Meldcode report. */
	struct res p;
	answer_on(HOST_UTRECHT, "role=professional&danger=no&minor=no&form=labour&anonymous=no",
	          &p);
	assert_non_null(strstr(buf_str(&p.body), "Meldcode"));
	assert_non_null(strstr(buf_str(&p.body), "geen Meldcode-melding"));
	assert_non_null(strstr(buf_str(&p.body), "uit veiligheidsoverwegingen"));
	res_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(about_is_the_organisations),
	    cmocka_unit_test(employee_answer),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
