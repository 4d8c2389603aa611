/* Unit tests of quiz scoring against the shipped quiz. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "content/content.h"
#include "content_fixture.h"
#include "domain/quiz.h"
#include "limits.h"

/* ctx is a json object: question id -> chosen option id. */
static const char *from_map(void *ctx, const char *question_id)
{
	return json_string_value(json_object_get(ctx, question_id));
}

static const char *always(void *ctx, const char *question_id)
{
	(void)question_id;
	return ctx;
}

static json_t *score(const struct content *c, const char *lang,
                     const char *(*get)(void *, const char *), void *ctx)
{
	json_t *out = NULL;
	assert_int_equal(quiz_score(c, lang, get, ctx, &out), 0);
	assert_non_null(out);
	assert_int_equal(json_integer_value(json_object_get(out, "total")),
	                 json_array_size(content_quiz(c, lang)));
	assert_int_equal(json_array_size(json_object_get(out, "questions")),
	                 json_array_size(content_quiz(c, lang)));
	return out;
}

/* Answers that pick the right option, or (wrong) another one. */
static json_t *answers(const struct content *c, bool right, size_t upto)
{
	json_t *map = json_object(), *qn;
	size_t i;
	json_array_foreach(content_quiz(c, "nl"), i, qn)
	{
		if (i >= upto)
			break;
		const char *ans = json_string_value(json_object_get(qn, "answer"));
		const char *pick = ans;
		if (!right) {
			json_t *o;
			size_t k;
			json_array_foreach(json_object_get(qn, "options"), k, o)
			{
				const char *id = json_string_value(json_object_get(o, "id"));
				if (strcmp(id, ans)) {
					pick = id;
					break;
				}
			}
		}
		json_object_set_new(map, json_string_value(json_object_get(qn, "id")),
		                    json_string(pick));
	}
	return map;
}

static json_int_t score_of(const json_t *r)
{
	return json_integer_value(json_object_get(r, "score"));
}

static void test_all_right(void **state)
{
	const struct content *c = *state;
	json_t *map = answers(c, true, SIZE_MAX), *q;
	size_t i;
	for (int l = 0; l < 2; l++) {
		json_t *r = score(c, l ? "en" : "nl", from_map, map);
		assert_int_equal(score_of(r), json_array_size(content_quiz(c, "nl")));
		json_array_foreach(json_object_get(r, "questions"), i, q)
		{
			assert_true(json_is_true(json_object_get(q, "correct")));
			assert_true(
			    json_equal(json_object_get(q, "chosen"), json_object_get(q, "right")));
			assert_true(json_string_length(json_object_get(q, "explanation")) > 0);
			assert_true(json_array_size(json_object_get(q, "options")) >= 2);
		}
		json_decref(r);
	}
	json_decref(map);
}

static void test_all_wrong(void **state)
{
	const struct content *c = *state;
	json_t *map = answers(c, false, SIZE_MAX), *q;
	json_t *r = score(c, "nl", from_map, map);
	size_t i;
	assert_int_equal(score_of(r), 0);
	json_array_foreach(json_object_get(r, "questions"), i, q)
	{
		assert_true(json_is_false(json_object_get(q, "correct")));
		assert_true(json_is_string(json_object_get(q, "chosen")));
		assert_false(json_equal(json_object_get(q, "chosen"), json_object_get(q, "right")));
	}
	json_decref(r);
	json_decref(map);
}

static void test_partly(void **state)
{
	const struct content *c = *state;
	json_t *map = answers(c, true, 5);
	json_t *r = score(c, "en", from_map, map);
	assert_int_equal(score_of(r), 5);
	assert_true(json_is_null(
	    json_object_get(json_array_get(json_object_get(r, "questions"), 5), "chosen")));
	json_decref(r);
	json_decref(map);
}

static void test_unanswered(void **state)
{
	const struct content *c = *state;
	json_t *q;
	size_t i;
	json_t *r = score(c, "nl", NULL, NULL);
	assert_int_equal(score_of(r), 0);
	json_array_foreach(json_object_get(r, "questions"), i, q)
	{
		assert_true(json_is_null(json_object_get(q, "chosen")));
		assert_true(json_is_false(json_object_get(q, "correct")));
		assert_true(json_is_string(json_object_get(q, "right")));
	}
	json_decref(r);
	r = score(c, "nl", always, NULL);
	assert_int_equal(score_of(r), 0);
	json_decref(r);
}

static void test_unknown_options_ignored(void **state)
{
	const struct content *c = *state;
	static const char *const junk[] = {"zz",       "",     "A",   "a ",
	                                   "<script>", "a\nb", "q01", "\xff\xfe"};
	for (size_t k = 0; k < sizeof(junk) / sizeof(junk[0]); k++) {
		json_t *r = score(c, "nl", always, (void *)junk[k]), *q;
		size_t i;
		assert_int_equal(score_of(r), 0);
		json_array_foreach(json_object_get(r, "questions"), i, q)
		{
			assert_true(json_is_null(json_object_get(q, "chosen")));
		}
		json_decref(r);
	}
	/* "a" is a real option everywhere; it scores where it is the answer. */
	json_t *r = score(c, "nl", always, "a"), *q;
	size_t i, want = 0;
	json_array_foreach(content_quiz(c, "nl"), i, q)
	{
		want += !strcmp(json_string_value(json_object_get(q, "answer")), "a");
	}
	assert_int_equal(score_of(r), want);
	json_decref(r);
}

static void test_english_texts(void **state)
{
	json_t *r = score(*state, "en", NULL, NULL);
	const json_t *first = json_array_get(json_object_get(r, "questions"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "question")),
	                    "How many forms of human trafficking are there?");
	assert_string_equal(json_string_value(json_object_get(first, "id")), "q01");
	json_decref(r);
}

static void test_result_is_a_copy(void **state)
{
	const struct content *c = *state;
	json_t *r = score(c, "nl", NULL, NULL);
	json_t *first = json_array_get(json_object_get(r, "questions"), 0);
	json_string_set(json_object_get(first, "question"), "changed");
	json_string_set(
	    json_object_get(json_array_get(json_object_get(first, "options"), 0), "text"),
	    "changed");
	json_decref(r);
	const json_t *q0 = json_array_get(content_quiz(c, "nl"), 0);
	assert_string_equal(json_string_value(json_object_get(q0, "question")),
	                    "Hoeveel vormen van mensenhandel zijn er?");
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(q0, "options"), 0), "text")),
	                    "Twee");
}

static void test_bad_args(void **state)
{
	json_t *out = (json_t *)1;
	assert_int_equal(quiz_score(NULL, "nl", NULL, NULL, &out), -EINVAL);
	assert_null(out);
	assert_int_equal(quiz_score(*state, "nl", NULL, NULL, NULL), -EINVAL);
}

/* The questions of issue 8 are there, in both languages, and a quiz that
 * answers only them right scores exactly them. */
static void test_new_questions(void **state)
{
	const struct content *c = *state;
	static const char *const ids[] = {"q19", "q20", "q21", "q22", "q23", "q24"};
	static const char *const words[] = {"slaapplek", "Arbeidsinspectie", "opvang",
	                                    "familie",   "werkgever",        "pooierboy"};
	json_t *map = json_object();
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		const json_t *qn = NULL, *x, *en = NULL;
		size_t k;
		json_array_foreach(content_quiz(c, "nl"), k, x)
		{
			if (!strcmp(json_string_value(json_object_get(x, "id")), ids[i]))
				qn = x;
		}
		json_array_foreach(content_quiz(c, "en"), k, x)
		{
			if (!strcmp(json_string_value(json_object_get(x, "id")), ids[i]))
				en = x;
		}
		assert_non_null(qn);
		assert_non_null(en);
		assert_non_null(
		    strstr(json_string_value(json_object_get(qn, "question")), words[i]));
		json_object_set(map, ids[i], json_object_get(qn, "answer"));
	}
	json_t *out = score(c, "nl", from_map, map);
	assert_int_equal(json_integer_value(json_object_get(out, "score")), 6);
	json_decref(out);
	json_decref(map);
	/* Safety, not only one's own: the professional's exception. */
	const json_t *q08 = json_array_get(content_quiz(c, "nl"), 7);
	assert_string_equal(json_string_value(json_object_get(q08, "id")), "q08");
	assert_non_null(strstr(json_string_value(json_object_get(q08, "explanation")),
	                       "uit veiligheidsoverwegingen"));
	/* Not "every municipality has one". */
	const json_t *q16 = json_array_get(content_quiz(c, "nl"), 15);
	assert_null(
	    strstr(json_string_value(json_object_get(q16, "explanation")), "Elke gemeente heeft"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_right),
	    cmocka_unit_test(test_all_wrong),
	    cmocka_unit_test(test_partly),
	    cmocka_unit_test(test_unanswered),
	    cmocka_unit_test(test_unknown_options_ignored),
	    cmocka_unit_test(test_english_texts),
	    cmocka_unit_test(test_result_is_a_copy),
	    cmocka_unit_test(test_bad_args),
	    cmocka_unit_test(test_new_questions),
	};
	return cmocka_run_group_tests_name("quiz", tests, content_setup, content_teardown);
}
