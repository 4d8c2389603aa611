/* Unit tests of the wegwijzer: every path role x danger x form x anonymity
 * in every shipped region keeps its promises, and the main routes land on
 * the organisations the seeds name. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "content/content.h"
#include "content_fixture.h"
#include "domain/wegwijzer.h"

static const char *const roles[] = {"victim",       "bystander", "parent", "perpetrator",
                                    "professional", "employee",  "unsaid"};
static const enum wegwijzer_minor minors[] = {WEGWIJZER_MINOR_NO, WEGWIJZER_MINOR_YES,
                                              WEGWIJZER_MINOR_UNKNOWN};
static const char *const forms[] = {"sexual", "labour", "criminal", "organ_removal", "unknown"};
static const char *const regions[] = {"kennemerland", "utrecht", "groningen", "noord-nederland",
                                      "nl"};
static const char *const langs[] = {"nl", "en"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static json_t *ask_q(const struct content *c, const char *lang, const char *region,
                     const struct wegwijzer_q *q)
{
	json_t *out = NULL;
	assert_int_equal(wegwijzer_answer(c, lang, region, q, &out), 0);
	assert_non_null(out);
	return out;
}

static json_t *ask(const struct content *c, const char *lang, const char *region, const char *role,
                   bool danger, const char *form, bool anonymous)
{
	struct wegwijzer_q q = {role, danger, form, anonymous, WEGWIJZER_MINOR_NO, NULL};
	json_t *out = NULL;
	assert_int_equal(wegwijzer_answer(c, lang, region, &q, &out), 0);
	assert_non_null(out);
	return out;
}

static const char *first_id(const json_t *a)
{
	return str(json_array_get(json_object_get(a, "channels"), 0), "id");
}

static bool has(const json_t *a, const char *id)
{
	json_t *ch;
	size_t i;
	json_array_foreach(json_object_get(a, "channels"), i, ch)
	{
		if (!strcmp(str(ch, "id"), id))
			return true;
	}
	return false;
}

static void check_answer(const struct content *c, const char *lang, const char *region,
                         const char *role_code, bool danger, const char *form, bool anon,
                         enum wegwijzer_minor minor)
{
	struct wegwijzer_q q = {role_code, danger, form, anon, minor, NULL};
	json_t *a = ask_q(c, lang, region, &q);
	const json_t *texts = content_wegwijzer_texts(c, lang);
	const json_t *role = strcmp(role_code, "unsaid") ? content_role(c, lang, role_code)
	                                                 : json_object_get(texts, "unsaid");
	const json_t *chans = json_object_get(a, "channels");
	const json_t *note = json_object_get(a, "anonymity_note");
	bool role_anon = !json_is_false(json_object_get(role, "anonymous"));
	json_t *ch;
	size_t i, emergencies = 0;
	bool hints = false;

	assert_true(json_is_boolean(json_object_get(a, "acute")));
	assert_int_equal(json_is_true(json_object_get(a, "acute")), danger);
	assert_true(json_array_size(chans) > 0);
	/* 112 first exactly when there is danger, and nowhere else. */
	assert_int_equal(json_is_true(json_object_get(json_array_get(chans, 0), "emergency")),
	                 danger);
	json_array_foreach(chans, i, ch)
	{
		const json_t *fl = json_object_get(ch, "forms");
		assert_true(str(ch, "why") && *str(ch, "why"));
		if (json_is_true(json_object_get(ch, "emergency"))) {
			emergencies++;
			continue;
		}
		assert_non_null(json_object_get(json_object_get(ch, "roles"), role_code));
		if (fl) {
			bool match = false;
			for (size_t k = 0; k < json_array_size(fl); k++)
				match |= !strcmp(json_string_value(json_array_get(fl, k)), form);
			/* For "weet ik niet" a form's own channel is offered
			 * too, marked, after every general one. */
			if (!match) {
				assert_string_equal(form, "unknown");
				assert_true(json_is_true(json_object_get(ch, "form_hint")));
			}
		}
		if (json_is_true(json_object_get(ch, "form_hint")))
			hints = true;
		else
			assert_false(hints);
	}
	assert_int_equal(emergencies, danger ? 1 : 0);
	/* After 112 there is always somewhere to go without danger too. */
	assert_true(json_array_size(chans) > emergencies);
	/* Young people's advice only when it is about someone under 18. */
	json_t *want = json_deep_copy(json_object_get(role, "advice"));
	if (minor == WEGWIJZER_MINOR_YES && json_object_get(role, "advice_young"))
		json_array_extend(want, json_object_get(role, "advice_young"));
	assert_true(json_equal(json_object_get(a, "advice"), want));
	json_decref(want);
	/* With a minor or the family: Veilig Thuis first after 112, but after
	 * the aandachtsfunctionaris for an employee. */
	if (minor == WEGWIJZER_MINOR_YES)
		assert_string_equal(
		    str(json_array_get(chans, emergencies + !strcmp(role_code, "employee")), "id"),
		    "veilig-thuis");

	if (!anon) {
		assert_true(json_is_null(note));
	} else if (!role_anon) {
		assert_string_equal(json_string_value(note), str(role, "anonymous_note"));
	} else {
		/* An anonymous wish leads first to a channel that can be
		 * anonymous; 112 before it is named in the note. */
		const json_t *first = json_array_get(chans, danger ? 1 : 0);
		const char *an = str(first, "anonymous");
		assert_true(!strcmp(an, "yes") || !strcmp(an, "possible"));
		assert_non_null(strstr(json_string_value(note),
		                       str(json_object_get(texts, "notes"), "anonymous")));
		if (danger)
			assert_non_null(strstr(json_string_value(note),
			                       str(json_object_get(texts, "notes"), "emergency")));
	}
	json_decref(a);
}

static void test_every_path(void **state)
{
	const struct content *c = *state;
	size_t n = 0;
	for (size_t r = 0; r < N(regions); r++)
		for (size_t l = 0; l < N(langs); l++)
			for (size_t ro = 0; ro < N(roles); ro++)
				for (int d = 0; d < 2; d++)
					for (size_t f = 0; f < N(forms); f++)
						for (int an = 0; an < 2; an++)
							for (size_t m = 0; m < N(minors); m++, n++)
								check_answer(c, langs[l],
								             regions[r], roles[ro],
								             d, forms[f], an,
								             minors[m]);
	assert_int_equal(n, 5 * 2 * 7 * 2 * 5 * 2 * 3);
}

static void test_danger_first(void **state)
{
	json_t *a = ask(*state, "nl", "kennemerland", "bystander", true, "sexual", false);
	const json_t *first = json_array_get(json_object_get(a, "channels"), 0);
	assert_string_equal(str(first, "id"), "112");
	assert_string_equal(str(json_array_get(json_object_get(first, "phones"), 0), "tel"),
	                    "tel:112");
	json_decref(a);
	a = ask(*state, "nl", "kennemerland", "bystander", false, "sexual", false);
	assert_false(has(a, "112"));
	json_decref(a);
}

static void test_labour_goes_to_inspectorate(void **state)
{
	const json_t *texts = content_wegwijzer_texts(*state, "nl");
	json_t *a = ask(*state, "nl", "kennemerland", "bystander", false, "labour", false);
	const json_t *first = json_array_get(json_object_get(a, "channels"), 0);
	assert_string_equal(str(first, "id"), "arbeidsinspectie");
	assert_true(strncmp(str(first, "why"), str(json_object_get(texts, "why_form"), "labour"),
	                    strlen(str(json_object_get(texts, "why_form"), "labour"))) == 0);
	json_decref(a);
	/* Not offered for another form. */
	a = ask(*state, "nl", "kennemerland", "bystander", false, "sexual", false);
	assert_false(has(a, "arbeidsinspectie"));
	json_decref(a);
	/* "Weet ik niet": offered after the general ones, saying when it
	 * fits. */
	a = ask(*state, "nl", "kennemerland", "bystander", false, "unknown", false);
	assert_true(has(a, "arbeidsinspectie"));
	assert_string_equal(first_id(a), "politie");
	const json_t *ch = json_object_get(a, "channels");
	const json_t *last = json_array_get(ch, json_array_size(ch) - 1);
	assert_string_equal(str(last, "id"), "arbeidsinspectie");
	assert_true(json_is_true(json_object_get(last, "form_hint")));
	const char *when = str(json_object_get(texts, "when_form"), "labour");
	assert_true(strncmp(str(last, "why"), when, strlen(when)) == 0);
	json_decref(a);
}

static void test_anonymous_bystander(void **state)
{
	json_t *a = ask(*state, "nl", "kennemerland", "bystander", false, "criminal", true);
	assert_string_equal(first_id(a), "meld-misdaad-anoniem");
	json_decref(a);
	/* Utrecht: Veilig Thuis Utrecht first for bystanders (anonymous
	 * advice possible). */
	a = ask(*state, "nl", "utrecht", "bystander", false, "criminal", true);
	assert_string_equal(first_id(a), "veilig-thuis");
	json_decref(a);
	/* The inspectorate takes anonymous reports: an anonymous labour tip
	 * goes there first. */
	a = ask(*state, "nl", "kennemerland", "bystander", false, "labour", true);
	assert_string_equal(first_id(a), "arbeidsinspectie");
	assert_string_equal(str(json_array_get(json_object_get(a, "channels"), 0), "anonymous"),
	                    "yes");
	assert_true(has(a, "meld-misdaad-anoniem"));
	json_decref(a);
}

static void test_victim(void **state)
{
	json_t *a = ask(*state, "nl", "kennemerland", "victim", false, "sexual", false);
	const json_t *ch = json_object_get(a, "channels");
	assert_string_equal(first_id(a), "hvo-querido-acm");
	assert_string_equal(str(json_array_get(ch, 1), "id"), "zorgcoordinatie");
	assert_non_null(strstr(str(json_array_get(ch, 1), "name"), "voor Velsen"));
	assert_string_equal(str(json_array_get(ch, 2), "id"), "comensha");
	assert_string_equal(str(json_array_get(ch, 3), "id"), "fier");
	assert_false(has(a, "moviera-zorgcoordinatie"));
	/* A tip line gives no help: not for victims. */
	assert_false(has(a, "meld-misdaad-anoniem"));
	json_decref(a);

	a = ask(*state, "nl", "utrecht", "victim", false, "unknown", false);
	assert_string_equal(first_id(a), "veilig-thuis");
	assert_string_equal(str(json_array_get(json_object_get(a, "channels"), 1), "id"),
	                    "zorgcoordinatie");
	assert_non_null(
	    strstr(str(json_array_get(json_object_get(a, "channels"), 1), "name"), "Moviera"));
	assert_true(has(a, "comensha"));
	assert_true(has(a, "fier"));
	assert_false(has(a, "hvo-querido-acm"));
	json_decref(a);

	/* Anonymous: the anonymous chat, or in Utrecht the regional advice
	 * point where anonymous advice is possible. */
	a = ask(*state, "nl", "kennemerland", "victim", false, "unknown", true);
	assert_string_equal(first_id(a), "fier");
	json_decref(a);
	a = ask(*state, "nl", "utrecht", "victim", false, "unknown", true);
	assert_string_equal(first_id(a), "veilig-thuis");
	assert_string_equal(str(json_array_get(json_object_get(a, "channels"), 1), "id"), "fier");
	json_decref(a);
}

static void test_parent(void **state)
{
	json_t *a = ask(*state, "en", "utrecht", "parent", false, "sexual", false);
	const json_t *ch = json_object_get(a, "channels");
	assert_string_equal(first_id(a), "veilig-thuis");
	assert_string_equal(str(json_array_get(ch, 0), "name"),
	                    "Veilig Thuis Utrecht (Safe at Home)");
	assert_string_equal(str(json_array_get(ch, 1), "id"), "helse-liefde");
	json_decref(a);
	a = ask(*state, "nl", "kennemerland", "parent", false, "unknown", false);
	assert_string_equal(first_id(a), "veilig-thuis");
	assert_string_equal(str(json_array_get(json_object_get(a, "channels"), 0), "name"),
	                    "Veilig Thuis");
	json_decref(a);
}

static void test_professional(void **state)
{
	json_t *open = ask(*state, "nl", "kennemerland", "professional", false, "criminal", false);
	json_t *anon = ask(*state, "nl", "kennemerland", "professional", false, "criminal", true);
	/* An adult outside the home: the care coordinator and the police
	 * first, not Veilig Thuis (the Meldcode is for the home and
	 * children). */
	assert_string_equal(first_id(open), "zorgcoordinatie");
	assert_string_equal(str(json_array_get(json_object_get(open, "channels"), 1), "id"),
	                    "politie");
	assert_false(has(open, "meld-misdaad-anoniem"));
	/* Asking for anonymity changes nothing but the note. */
	assert_true(
	    json_equal(json_object_get(open, "channels"), json_object_get(anon, "channels")));
	assert_true(json_is_null(json_object_get(open, "anonymity_note")));
	assert_non_null(strstr(str(anon, "anonymity_note"), "Meldcode"));
	json_decref(open);
	json_decref(anon);
}

static void test_employee(void **state)
{
	json_t *a = ask(*state, "nl", "groningen", "employee", false, "labour", true);
	assert_string_equal(first_id(a), "aandachtsfunctionaris");
	assert_true(has(a, "zorgcoordinatie"));
	assert_non_null(strstr(str(a, "anonymity_note"), "aandachtsfunctionaris"));
	/* An employee is no Meldcode professional. */
	assert_null(strstr(str(a, "anonymity_note"), "Meldcode"));
	json_decref(a);
	a = ask(*state, "nl", "groningen", "employee", true, "labour", false);
	assert_string_equal(first_id(a), "112");
	assert_string_equal(str(json_array_get(json_object_get(a, "channels"), 1), "id"),
	                    "aandachtsfunctionaris");
	json_decref(a);
}

static void test_perpetrator(void **state)
{
	json_t *a = ask(*state, "nl", "utrecht", "perpetrator", false, "criminal", true);
	const json_t *first = json_array_get(json_object_get(a, "channels"), 0);
	assert_string_equal(str(first, "id"), "veilig-thuis");
	assert_string_equal(str(first, "anonymous"), "possible");
	json_decref(a);
}

static void test_bad_input(void **state)
{
	const struct content *c = *state;
	struct wegwijzer_q q = {"bystander", false, "labour", false, WEGWIJZER_MINOR_NO, NULL};
	json_t *out = (json_t *)1;

	q.role = "mayor";
	assert_int_equal(wegwijzer_answer(c, "nl", "utrecht", &q, &out), WEGWIJZER_BAD_INPUT);
	assert_null(out);
	q.role = NULL;
	assert_int_equal(wegwijzer_answer(c, "nl", "utrecht", &q, &out), WEGWIJZER_BAD_INPUT);
	q.role = "bystander";
	q.form = "smuggling";
	assert_int_equal(wegwijzer_answer(c, "nl", "utrecht", &q, &out), WEGWIJZER_BAD_INPUT);
	q.form = NULL;
	assert_int_equal(wegwijzer_answer(c, "nl", "utrecht", &q, &out), WEGWIJZER_BAD_INPUT);
	q.form = "labour";
	assert_int_equal(wegwijzer_answer(c, "nl", "haarlem", &q, &out), WEGWIJZER_BAD_INPUT);
	assert_int_equal(wegwijzer_answer(c, "nl", NULL, &q, &out), WEGWIJZER_BAD_INPUT);
	assert_null(out);
	assert_int_equal(wegwijzer_answer(NULL, "nl", "utrecht", &q, &out), -EINVAL);
	assert_int_equal(wegwijzer_answer(c, "nl", "utrecht", NULL, &out), -EINVAL);
	assert_int_equal(wegwijzer_answer(c, "nl", "utrecht", &q, NULL), -EINVAL);
}

/* The answer's top-level keys and channel objects are the caller's:
 * changing them leaves the shared content alone (nested values are shared
 * and read-only, see wegwijzer.h). */
static void test_answer_is_a_copy(void **state)
{
	const struct content *c = *state;
	json_t *a = ask(c, "nl", "utrecht", "parent", false, "unknown", false);
	json_t *first = json_array_get(json_object_get(a, "channels"), 0);
	json_object_set_new(first, "name", json_string("changed"));
	json_object_set_new(a, "advice", json_string("changed"));
	json_decref(a);
	a = ask(c, "nl", "utrecht", "parent", false, "unknown", false);
	assert_string_equal(str(json_array_get(json_object_get(a, "channels"), 0), "name"),
	                    "Veilig Thuis Utrecht");
	assert_true(json_is_array(json_object_get(a, "advice")));
	json_decref(a);
}

/* --- The table, written out by hand ------------------------------------
 * For each region a dozen questions and the first three channels the
 * answer must start with, as "id@file it comes from" (so that Groningen's
 * own care coordinator, inherited Noord-Nederland and national channels
 * are told apart). Derived from the rules and the seeds, not from
 * the code: change a rank in content/regions/ and a row here must change. */

enum {
	SAFE = 0,
	DANGER = 1
};
enum {
	OPEN = 0,
	ANON = 1
};
#define MINOR_NO      WEGWIJZER_MINOR_NO
#define MINOR_YES     WEGWIJZER_MINOR_YES
#define MINOR_UNKNOWN WEGWIJZER_MINOR_UNKNOWN

struct row {
	const char *region, *role;
	int danger;
	enum wegwijzer_minor minor;
	const char *form;
	int anon;
	const char *first[3]; /* fewer when the answer has fewer */
};

/* clang-format off */
static const struct row table[] = {
    {"nl", "victim", SAFE, MINOR_NO, "sexual", OPEN, {"zorgcoordinatie@nl", "comensha@nl", "fier@nl"}},
    {"nl", "victim", DANGER, MINOR_NO, "labour", OPEN, {"112@nl", "zorgcoordinatie@nl", "arbeidsinspectie@nl"}},
    {"nl", "victim", SAFE, MINOR_YES, "criminal", OPEN, {"veilig-thuis@nl", "zorgcoordinatie@nl", "comensha@nl"}},
    {"nl", "victim", SAFE, MINOR_NO, "unknown", ANON, {"fier@nl", "veilig-thuis@nl", "zorgcoordinatie@nl"}},
    {"nl", "bystander", SAFE, MINOR_NO, "labour", ANON, {"arbeidsinspectie@nl", "meld-misdaad-anoniem@nl", "veilig-thuis@nl"}},
    {"nl", "bystander", DANGER, MINOR_NO, "criminal", ANON, {"112@nl", "meld-misdaad-anoniem@nl", "veilig-thuis@nl"}},
    {"nl", "bystander", SAFE, MINOR_YES, "sexual", OPEN, {"veilig-thuis@nl", "politie@nl", "meld-misdaad-anoniem@nl"}},
    {"nl", "parent", SAFE, MINOR_YES, "sexual", OPEN, {"veilig-thuis@nl", "helse-liefde@nl", "fier@nl"}},
    {"nl", "perpetrator", SAFE, MINOR_UNKNOWN, "criminal", ANON, {"veilig-thuis@nl", "politie@nl"}},
    {"nl", "professional", SAFE, MINOR_NO, "labour", OPEN, {"arbeidsinspectie@nl", "zorgcoordinatie@nl", "politie@nl"}},
    {"nl", "professional", SAFE, MINOR_YES, "criminal", ANON, {"veilig-thuis@nl", "zorgcoordinatie@nl", "politie@nl"}},
    {"nl", "employee", SAFE, MINOR_YES, "sexual", OPEN, {"aandachtsfunctionaris@nl", "veilig-thuis@nl", "zorgcoordinatie@nl"}},
    {"nl", "unsaid", SAFE, MINOR_UNKNOWN, "unknown", ANON, {"veilig-thuis@nl", "fier@nl", "meld-misdaad-anoniem@nl"}},
    {"kennemerland", "victim", SAFE, MINOR_NO, "sexual", OPEN, {"hvo-querido-acm@kennemerland", "zorgcoordinatie@kennemerland", "comensha@nl"}},
    {"kennemerland", "victim", DANGER, MINOR_NO, "labour", OPEN, {"112@nl", "hvo-querido-acm@kennemerland", "arbeidsinspectie@nl"}},
    {"kennemerland", "victim", SAFE, MINOR_YES, "criminal", OPEN, {"veilig-thuis@nl", "hvo-querido-acm@kennemerland", "zorgcoordinatie@kennemerland"}},
    {"kennemerland", "victim", SAFE, MINOR_NO, "unknown", ANON, {"fier@nl", "veilig-thuis@nl", "hvo-querido-acm@kennemerland"}},
    {"kennemerland", "bystander", SAFE, MINOR_NO, "labour", ANON, {"arbeidsinspectie@nl", "meld-misdaad-anoniem@nl", "veilig-thuis@nl"}},
    {"kennemerland", "bystander", DANGER, MINOR_NO, "criminal", ANON, {"112@nl", "meld-misdaad-anoniem@nl", "veilig-thuis@nl"}},
    {"kennemerland", "bystander", SAFE, MINOR_YES, "sexual", OPEN, {"veilig-thuis@nl", "politie@kennemerland", "meld-misdaad-anoniem@nl"}},
    {"kennemerland", "parent", SAFE, MINOR_YES, "sexual", OPEN, {"veilig-thuis@nl", "helse-liefde@nl", "fier@nl"}},
    {"kennemerland", "perpetrator", SAFE, MINOR_UNKNOWN, "criminal", ANON, {"veilig-thuis@nl", "politie@kennemerland"}},
    {"kennemerland", "professional", SAFE, MINOR_NO, "labour", OPEN, {"arbeidsinspectie@nl", "zorgcoordinatie@kennemerland", "politie@kennemerland"}},
    {"kennemerland", "professional", SAFE, MINOR_YES, "criminal", ANON, {"veilig-thuis@nl", "zorgcoordinatie@kennemerland", "politie@kennemerland"}},
    {"kennemerland", "employee", SAFE, MINOR_YES, "sexual", OPEN, {"aandachtsfunctionaris@nl", "veilig-thuis@nl", "zorgcoordinatie@kennemerland"}},
    {"kennemerland", "unsaid", SAFE, MINOR_UNKNOWN, "unknown", ANON, {"veilig-thuis@nl", "fier@nl", "meld-misdaad-anoniem@nl"}},
    {"noord-nederland", "victim", SAFE, MINOR_NO, "sexual", OPEN, {"zorgcoordinatie@nl", "comensha@nl", "fier@nl"}},
    {"noord-nederland", "victim", DANGER, MINOR_NO, "labour", OPEN, {"112@nl", "zorgcoordinatie@nl", "arbeidsinspectie@nl"}},
    {"noord-nederland", "victim", SAFE, MINOR_YES, "criminal", OPEN, {"veilig-thuis@nl", "zorgcoordinatie@nl", "comensha@nl"}},
    {"noord-nederland", "victim", SAFE, MINOR_NO, "unknown", ANON, {"fier@nl", "veilig-thuis@nl", "zorgcoordinatie@nl"}},
    {"noord-nederland", "bystander", SAFE, MINOR_NO, "labour", ANON, {"arbeidsinspectie@nl", "meld-misdaad-anoniem@nl", "veilig-thuis@nl"}},
    {"noord-nederland", "bystander", DANGER, MINOR_NO, "criminal", ANON, {"112@nl", "meld-misdaad-anoniem@nl", "veilig-thuis@nl"}},
    {"noord-nederland", "bystander", SAFE, MINOR_YES, "sexual", OPEN, {"veilig-thuis@nl", "politie@nl", "meld-misdaad-anoniem@nl"}},
    {"noord-nederland", "parent", SAFE, MINOR_YES, "sexual", OPEN, {"veilig-thuis@nl", "helse-liefde@nl", "fier@nl"}},
    {"noord-nederland", "perpetrator", SAFE, MINOR_UNKNOWN, "criminal", ANON, {"veilig-thuis@nl", "politie@nl"}},
    {"noord-nederland", "professional", SAFE, MINOR_NO, "labour", OPEN, {"arbeidsinspectie@nl", "zorgcoordinatie@nl", "politie@nl"}},
    {"noord-nederland", "professional", SAFE, MINOR_YES, "criminal", ANON, {"veilig-thuis@nl", "zorgcoordinatie@nl", "politie@nl"}},
    {"noord-nederland", "employee", SAFE, MINOR_YES, "sexual", OPEN, {"aandachtsfunctionaris@nl", "veilig-thuis@nl", "zorgcoordinatie@nl"}},
    {"noord-nederland", "unsaid", SAFE, MINOR_UNKNOWN, "unknown", ANON, {"veilig-thuis@nl", "fier@nl", "meld-misdaad-anoniem@nl"}},
    {"groningen", "victim", SAFE, MINOR_NO, "sexual", OPEN, {"zorgcoordinatie@groningen", "comensha@nl", "fier@nl"}},
    {"groningen", "victim", DANGER, MINOR_NO, "labour", OPEN, {"112@nl", "zorgcoordinatie@groningen", "arbeidsinspectie@nl"}},
    {"groningen", "victim", SAFE, MINOR_YES, "criminal", OPEN, {"veilig-thuis@nl", "zorgcoordinatie@groningen", "comensha@nl"}},
    {"groningen", "victim", SAFE, MINOR_NO, "unknown", ANON, {"fier@nl", "veilig-thuis@nl", "zorgcoordinatie@groningen"}},
    {"groningen", "bystander", SAFE, MINOR_NO, "labour", ANON, {"arbeidsinspectie@nl", "meld-misdaad-anoniem@nl", "veilig-thuis@nl"}},
    {"groningen", "bystander", DANGER, MINOR_NO, "criminal", ANON, {"112@nl", "meld-misdaad-anoniem@nl", "veilig-thuis@nl"}},
    {"groningen", "bystander", SAFE, MINOR_YES, "sexual", OPEN, {"veilig-thuis@nl", "politie@nl", "meld-misdaad-anoniem@nl"}},
    {"groningen", "parent", SAFE, MINOR_YES, "sexual", OPEN, {"veilig-thuis@nl", "helse-liefde@nl", "fier@nl"}},
    {"groningen", "perpetrator", SAFE, MINOR_UNKNOWN, "criminal", ANON, {"veilig-thuis@nl", "politie@nl"}},
    {"groningen", "professional", SAFE, MINOR_NO, "labour", OPEN, {"arbeidsinspectie@nl", "zorgcoordinatie@groningen", "politie@nl"}},
    {"groningen", "professional", SAFE, MINOR_YES, "criminal", ANON, {"veilig-thuis@nl", "zorgcoordinatie@groningen", "politie@nl"}},
    {"groningen", "employee", SAFE, MINOR_YES, "sexual", OPEN, {"aandachtsfunctionaris@nl", "veilig-thuis@nl", "zorgcoordinatie@groningen"}},
    {"groningen", "unsaid", SAFE, MINOR_UNKNOWN, "unknown", ANON, {"veilig-thuis@nl", "fier@nl", "meld-misdaad-anoniem@nl"}},
    {"utrecht", "victim", SAFE, MINOR_NO, "sexual", OPEN, {"veilig-thuis@utrecht", "zorgcoordinatie@utrecht", "comensha@nl"}},
    {"utrecht", "victim", DANGER, MINOR_NO, "labour", OPEN, {"112@nl", "veilig-thuis@utrecht", "arbeidsinspectie@nl"}},
    {"utrecht", "victim", SAFE, MINOR_YES, "criminal", OPEN, {"veilig-thuis@utrecht", "zorgcoordinatie@utrecht", "comensha@nl"}},
    {"utrecht", "victim", SAFE, MINOR_NO, "unknown", ANON, {"veilig-thuis@utrecht", "fier@nl", "zorgcoordinatie@utrecht"}},
    {"utrecht", "bystander", SAFE, MINOR_NO, "labour", ANON, {"arbeidsinspectie@nl", "veilig-thuis@utrecht", "meld-misdaad-anoniem@nl"}},
    {"utrecht", "bystander", DANGER, MINOR_NO, "criminal", ANON, {"112@nl", "veilig-thuis@utrecht", "meld-misdaad-anoniem@nl"}},
    {"utrecht", "bystander", SAFE, MINOR_YES, "sexual", OPEN, {"veilig-thuis@utrecht", "politie@nl", "meld-misdaad-anoniem@nl"}},
    {"utrecht", "parent", SAFE, MINOR_YES, "sexual", OPEN, {"veilig-thuis@utrecht", "helse-liefde@nl", "fier@nl"}},
    {"utrecht", "perpetrator", SAFE, MINOR_UNKNOWN, "criminal", ANON, {"veilig-thuis@utrecht", "politie@nl"}},
    {"utrecht", "professional", SAFE, MINOR_NO, "labour", OPEN, {"arbeidsinspectie@nl", "zorgcoordinatie@utrecht", "politie@nl"}},
    {"utrecht", "professional", SAFE, MINOR_YES, "criminal", ANON, {"veilig-thuis@utrecht", "zorgcoordinatie@utrecht", "politie@nl"}},
    {"utrecht", "employee", SAFE, MINOR_YES, "sexual", OPEN, {"aandachtsfunctionaris@nl", "veilig-thuis@utrecht", "zorgcoordinatie@utrecht"}},
    {"utrecht", "unsaid", SAFE, MINOR_UNKNOWN, "unknown", ANON, {"veilig-thuis@utrecht", "fier@nl", "meld-misdaad-anoniem@nl"}},
};
/* clang-format on */

static void test_table(void **state)
{
	size_t per_region[N(regions)] = {0};
	for (size_t i = 0; i < N(table); i++) {
		const struct row *r = &table[i];
		struct wegwijzer_q q = {r->role, r->danger, r->form, r->anon, r->minor, NULL};
		json_t *a = ask_q(*state, "nl", r->region, &q);
		const json_t *ch = json_object_get(a, "channels");
		for (size_t k = 0; k < 3; k++) {
			char got[128] = "(none)";
			const json_t *c = json_array_get(ch, k);
			if (c)
				snprintf(got, sizeof got, "%s@%s", str(c, "id"), str(c, "region"));
			const char *want = r->first[k] ? r->first[k] : "(none)";
			if (strcmp(got, want) != 0)
				fail_msg(
				    "row %zu (%s %s danger=%d minor=%d %s anon=%d): channel %zu is %s, want %s",
				    i, r->region, r->role, r->danger, (int)r->minor, r->form,
				    r->anon, k + 1, got, want);
		}
		/* 112 first with danger, and only then. */
		assert_int_equal(!strcmp(str(json_array_get(ch, 0), "id"), "112"), r->danger);
		for (size_t g = 0; g < N(regions); g++)
			per_region[g] += !strcmp(regions[g], r->region);
		json_decref(a);
	}
	for (size_t g = 0; g < N(regions); g++)
		assert_true(per_region[g] >= 12);
}

/* Minor or family: Veilig Thuis first after 112 for everyone but the
 * employee, who asks the aandachtsfunctionaris first; young people's
 * advice only then. */
static void test_minor(void **state)
{
	const struct content *c = *state;
	struct wegwijzer_q q = {"victim", true, "sexual", false, WEGWIJZER_MINOR_YES, NULL};
	json_t *a = ask_q(c, "nl", "kennemerland", &q);
	const json_t *ch = json_object_get(a, "channels");
	assert_string_equal(str(json_array_get(ch, 0), "id"), "112");
	assert_string_equal(str(json_array_get(ch, 1), "id"), "veilig-thuis");
	const json_t *young = json_object_get(content_role(c, "nl", "victim"), "advice_young");
	assert_true(json_array_size(young) > 0);
	const json_t *adv = json_object_get(a, "advice");
	assert_true(json_equal(json_array_get(adv, json_array_size(adv) - 1),
	                       json_array_get(young, json_array_size(young) - 1)));
	json_decref(a);
	/* An adult: no youth texts ("Durf je niet met een volwassene te
	 * praten?" is not for adults). */
	q.minor = WEGWIJZER_MINOR_NO;
	a = ask_q(c, "nl", "kennemerland", &q);
	adv = json_object_get(a, "advice");
	for (size_t i = 0; i < json_array_size(adv); i++)
		assert_null(strstr(json_string_value(json_array_get(adv, i)), "volwassene"));
	assert_string_equal(str(json_array_get(json_object_get(a, "channels"), 1), "id"),
	                    "hvo-querido-acm");
	json_decref(a);
	q.minor = WEGWIJZER_MINOR_UNKNOWN;
	a = ask_q(c, "nl", "kennemerland", &q);
	assert_int_equal(
	    json_array_size(json_object_get(a, "advice")),
	    json_array_size(json_object_get(content_role(c, "nl", "victim"), "advice")));
	json_decref(a);
	q = (struct wegwijzer_q){"employee", false, "labour", false, WEGWIJZER_MINOR_YES, NULL};
	a = ask_q(c, "nl", "groningen", &q);
	ch = json_object_get(a, "channels");
	assert_string_equal(str(json_array_get(ch, 0), "id"), "aandachtsfunctionaris");
	assert_string_equal(str(json_array_get(ch, 1), "id"), "veilig-thuis");
	json_decref(a);
	q.minor = (enum wegwijzer_minor)7;
	json_t *out = (json_t *)1;
	assert_int_equal(wegwijzer_answer(c, "nl", "groningen", &q, &out), WEGWIJZER_BAD_INPUT);
	assert_null(out);
}

/* Helse Liefde is for sexual exploitation (and "weet ik niet") only. */
static void test_helse_liefde_forms(void **state)
{
	json_t *a = ask(*state, "nl", "utrecht", "parent", false, "labour", false);
	assert_false(has(a, "helse-liefde"));
	json_decref(a);
	a = ask(*state, "nl", "utrecht", "parent", false, "unknown", false);
	assert_true(has(a, "helse-liefde"));
	const json_t *ch = json_object_get(a, "channels");
	for (size_t i = 0; i < json_array_size(ch); i++)
		if (!strcmp(str(json_array_get(ch, i), "id"), "helse-liefde"))
			assert_null(json_object_get(json_array_get(ch, i), "form_hint"));
	json_decref(a);
	/* Fier's chat is for bystanders and parents too. */
	a = ask(*state, "nl", "kennemerland", "bystander", false, "criminal", false);
	assert_true(has(a, "fier"));
	json_decref(a);
}

/* "Zeg ik liever niet": an answer without a role, with its own advice. */
static void test_unsaid(void **state)
{
	const struct content *c = *state;
	json_t *a = ask(c, "nl", "kennemerland", "unsaid", false, "unknown", false);
	const json_t *texts = content_wegwijzer_texts(c, "nl");
	assert_true(json_equal(json_object_get(a, "advice"),
	                       json_object_get(json_object_get(texts, "unsaid"), "advice")));
	assert_true(json_array_size(json_object_get(a, "channels")) >= 3);
	assert_true(json_is_null(json_object_get(a, "anonymity_note")));
	json_decref(a);
}

/* The organisation's view: its own channels (Meld een Vermoeden is
 * Velsen's, no longer national) and its contact for the
 * aandachtsfunctionaris. */
static void test_org_view(void **state)
{
	const struct content *c = *state;
	struct wegwijzer_q q = {"employee", false, "criminal", false, WEGWIJZER_MINOR_NO, "velsen"};
	json_t *a = ask_q(c, "nl", "ignored", &q);
	const json_t *first = json_array_get(json_object_get(a, "channels"), 0);
	assert_string_equal(str(first, "id"), "aandachtsfunctionaris");
	assert_string_equal(str(json_array_get(json_object_get(first, "phones"), 0), "tel"),
	                    "tel:140255");
	assert_non_null(strstr(str(first, "contact_note"), "14 0255"));
	assert_true(has(a, "meld-een-vermoeden"));
	json_decref(a);
	q.org = "utrecht";
	a = ask_q(c, "nl", NULL, &q);
	first = json_array_get(json_object_get(a, "channels"), 0);
	assert_string_equal(str(json_array_get(json_object_get(first, "phones"), 0), "tel"),
	                    "tel:14030");
	assert_false(has(a, "meld-een-vermoeden"));
	json_decref(a);
	/* Not in a region's answer. */
	a = ask(c, "nl", "kennemerland", "employee", false, "criminal", false);
	assert_false(has(a, "meld-een-vermoeden"));
	json_decref(a);
	q.org = "haarlem";
	json_t *out = (json_t *)1;
	assert_int_equal(wegwijzer_answer(c, "nl", "kennemerland", &q, &out), WEGWIJZER_BAD_INPUT);
	assert_null(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_path),
	    cmocka_unit_test(test_danger_first),
	    cmocka_unit_test(test_labour_goes_to_inspectorate),
	    cmocka_unit_test(test_anonymous_bystander),
	    cmocka_unit_test(test_victim),
	    cmocka_unit_test(test_parent),
	    cmocka_unit_test(test_professional),
	    cmocka_unit_test(test_employee),
	    cmocka_unit_test(test_perpetrator),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_answer_is_a_copy),
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_minor),
	    cmocka_unit_test(test_helse_liefde_forms),
	    cmocka_unit_test(test_unsaid),
	    cmocka_unit_test(test_org_view),
	};
	return cmocka_run_group_tests_name("wegwijzer", tests, content_setup, content_teardown);
}
