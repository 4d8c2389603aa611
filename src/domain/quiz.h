/* quiz: scores an awareness-session quiz against content/<lang>/quiz.json.
 *
 * Owns: nothing beyond the result it returns. */
#ifndef SIGNAAL_DOMAIN_QUIZ_H
#define SIGNAAL_DOMAIN_QUIZ_H

#include <jansson.h>

#include "content/content.h"

/* get_answer(ctx, question id) gives the chosen option id, or NULL for an
 * unanswered question; an id that is not one of the question's options
 * counts as unanswered. get_answer may be NULL (nothing answered).
 * On 0, *out (caller owns, json_decref()) = {"score": n, "total": n,
 * "questions": [{"id", "question", "options": [{"id", "text"}], "chosen":
 * option id or null, "right": option id, "correct": bool, "explanation"}]},
 * in the order of the quiz. Returns -EINVAL for NULL c or out, -ENOMEM. */
int quiz_score(const struct content *c, const char *lang,
               const char *(*get_answer)(void *ctx, const char *question_id), void *ctx,
               json_t **out);

#endif
