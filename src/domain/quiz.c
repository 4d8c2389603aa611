#include "domain/quiz.h"

#include <errno.h>

#include "util/str.h"

/* The chosen id as stored in the quiz, or NULL: answers come from a form,
 * so anything that is not an option of this question is ignored. */
static json_t *known_option(const json_t *options, const char *chosen)
{
	json_t *o;
	size_t i;
	if (!chosen)
		return NULL;
	json_array_foreach(options, i, o)
	{
		json_t *id = json_object_get(o, "id");
		if (str_eq(json_string_value(id), chosen))
			return id;
	}
	return NULL;
}

int quiz_score(const struct content *c, const char *lang,
               const char *(*get_answer)(void *ctx, const char *question_id), void *ctx,
               json_t **out)
{
	const json_t *quiz;
	json_t *res = NULL, *list = NULL, *qn;
	size_t i, score = 0;
	int rc = 0;

	if (out)
		*out = NULL;
	if (!c || !out)
		return -EINVAL;
	quiz = content_quiz(c, lang);
	list = json_array();
	if (!list) {
		rc = -ENOMEM;
		goto out;
	}
	json_array_foreach(quiz, i, qn)
	{
		const char *id = json_string_value(json_object_get(qn, "id"));
		json_t *options = json_object_get(qn, "options");
		json_t *right = json_object_get(qn, "answer");
		json_t *chosen = known_option(options, get_answer ? get_answer(ctx, id) : NULL);
		bool correct = chosen && json_equal(chosen, right);
		/* Copies, not references: the result is the caller's to change,
		 * while the quiz itself is shared by every request. */
		json_t *item =
		    json_pack("{s:s, s:s, s:o, s:s?, s:s, s:b, s:s}", "id", id, "question",
		              json_string_value(json_object_get(qn, "question")), "options",
		              json_deep_copy(options), "chosen", json_string_value(chosen), "right",
		              json_string_value(right), "correct", correct, "explanation",
		              json_string_value(json_object_get(qn, "explanation")));
		if (!item || json_array_append_new(list, item)) {
			rc = -ENOMEM;
			goto out;
		}
		if (correct)
			score++;
	}
	res = json_pack("{s:I, s:I, s:O}", "score", (json_int_t)score, "total",
	                (json_int_t)json_array_size(quiz), "questions", list);
	if (!res) {
		rc = -ENOMEM;
		goto out;
	}
	*out = res;
out:
	json_decref(list);
	return rc;
}
