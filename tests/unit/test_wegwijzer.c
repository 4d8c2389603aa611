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

static const char *const roles[] = {"victim",      "bystander",    "parent",
                                    "perpetrator", "professional", "employee"};
static const char *const forms[] = {"sexual", "labour", "criminal", "organ_removal", "unknown"};
static const char *const regions[] = {"kennemerland", "utrecht", "groningen", "noord-nederland",
                                      "nl"};
static const char *const langs[] = {"nl", "en"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static json_t *ask(const struct content *c, const char *lang, const char *region, const char *role,
                   bool danger, const char *form, bool anonymous)
{
	struct wegwijzer_q q = {role, danger, form, anonymous};
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
                         const char *role_code, bool danger, const char *form, bool anon)
{
	json_t *a = ask(c, lang, region, role_code, danger, form, anon);
	const json_t *role = content_role(c, lang, role_code);
	const json_t *chans = json_object_get(a, "channels");
	const json_t *note = json_object_get(a, "anonymity_note");
	const json_t *texts = content_wegwijzer_texts(c, lang);
	bool role_anon = json_is_true(json_object_get(role, "anonymous"));
	json_t *ch;
	size_t i, emergencies = 0;

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
			assert_true(match);
		}
	}
	assert_int_equal(emergencies, danger ? 1 : 0);
	/* After 112 there is always somewhere to go without danger too. */
	assert_true(json_array_size(chans) > emergencies);
	assert_true(json_equal(json_object_get(a, "advice"), json_object_get(role, "advice")));

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
						for (int an = 0; an < 2; an++, n++)
							check_answer(c, langs[l], regions[r],
							             roles[ro], d, forms[f], an);
	assert_int_equal(n, 1200);
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
	a = ask(*state, "nl", "kennemerland", "bystander", false, "unknown", false);
	assert_false(has(a, "arbeidsinspectie"));
	assert_string_equal(first_id(a), "politie");
	json_decref(a);
}

static void test_anonymous_bystander(void **state)
{
	json_t *a = ask(*state, "nl", "utrecht", "bystander", false, "criminal", true);
	assert_string_equal(first_id(a), "meld-misdaad-anoniem");
	json_decref(a);
	/* Anonymity comes before the form: the inspectorate is not anonymous. */
	a = ask(*state, "nl", "kennemerland", "bystander", false, "labour", true);
	assert_string_equal(first_id(a), "meld-misdaad-anoniem");
	assert_true(has(a, "arbeidsinspectie"));
	json_decref(a);
}

static void test_victim(void **state)
{
	json_t *a = ask(*state, "nl", "kennemerland", "victim", false, "sexual", false);
	const json_t *ch = json_object_get(a, "channels");
	assert_string_equal(first_id(a), "hvo-querido-acm");
	assert_string_equal(str(json_array_get(ch, 1), "id"), "zorgcoordinatie-noord-holland");
	assert_string_equal(str(json_array_get(ch, 2), "id"), "comensha");
	assert_string_equal(str(json_array_get(ch, 3), "id"), "fier");
	assert_false(has(a, "moviera-zorgcoordinatie"));
	json_decref(a);

	a = ask(*state, "nl", "utrecht", "victim", false, "unknown", false);
	assert_string_equal(first_id(a), "moviera-zorgcoordinatie");
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
	assert_string_equal(first_id(open), "veilig-thuis");
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
	assert_true(has(a, "zvh-groningen-mensenhandel"));
	assert_non_null(strstr(str(a, "anonymity_note"), "aandachtsfunctionaris"));
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
	struct wegwijzer_q q = {"bystander", false, "labour", false};
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
	};
	return cmocka_run_group_tests_name("wegwijzer", tests, content_setup, content_teardown);
}
