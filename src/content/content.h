/* content: the texts of the public site and the regions' channels, read from
 * the content/ directory once at start and never changed afterwards.
 *
 * Owns: every json value it hands out. Getters return borrowed values that
 * stay valid until content_free(); they are shared by all threads, so callers
 * must not modify them (json_deep_copy() first when a changed copy is needed).
 * Everything is resolved per language at load time, so getters are lookups.
 *
 * Layout and schemas: content/README.md. In short:
 *   nl/ and en/   forms.json risk_factors.json roles.json quiz.json wegwijzer.json
 *                 (same structure and the same codes in both languages)
 *   rules.json    which signals point to which form (language-neutral)
 *   regions/<id>.json  one region each, texts as {"nl": ..., "en": ...};
 *                 regions/nl.json holds the national channels every region inherits
 *   orgs/<id>.json   organisation profiles (id, name, region, districts)
 *
 * Errors: content_load() returns 0, a negative errno for I/O trouble or
 * CONTENT_INVALID when a file breaks the rules; err then holds one line
 * naming the file, the key path and the problem. */
#ifndef SIGNAAL_CONTENT_CONTENT_H
#define SIGNAAL_CONTENT_CONTENT_H

#include <jansson.h>
#include <stdbool.h>

#include "util/buf.h"

/* A content file is missing, malformed or breaks a rule (see err). */
#define CONTENT_INVALID 1

/* The wegwijzer's answer "zeg ik liever niet" to "Wie ben jij?": channels
 * rank it like a role (content/README.md); it is not a reporter role. */
#define CONTENT_ROLE_UNSAID "unsaid"

struct content;

/* Loads and validates every file under dir. On success *out (caller owns,
 * content_free()) holds the content. On failure *out is NULL, err holds one
 * message like "content/nl/forms.json: forms[2].signals[0].code: missing",
 * and the result is CONTENT_INVALID, or -errno when a file or directory
 * exists but cannot be read (-ENOMEM when memory runs out). err may be NULL. */
int content_load(const char *dir, struct content **out, struct buf *err);
/* Frees c and everything the getters handed out. Accepts NULL. */
void content_free(struct content *c);

/* lang is "nl" or "en"; anything else (also NULL) gives "nl". All results
 * are borrowed (see above); NULL only where said. */

/* [form, ...]: {"code", "name", "summary", "description": [paragraph],
 * "examples": [text], "signals": [{"code", "text"}]}, in file order. */
const json_t *content_forms(const struct content *c, const char *lang);
/* One form as in content_forms(); NULL if code is not a form. */
const json_t *content_form(const struct content *c, const char *lang, const char *code);
/* The flat checklist of GET /api/v1/signals: [{"code", "form", "group",
 * "text"}]. form is the form code for form signals, "general" or "youth" (the
 * signal group's code) for the others; group is the heading the signal is
 * listed under, in lang. Groups first, then the forms, in file order. */
const json_t *content_signals(const struct content *c, const char *lang);
/* True when code is a signal code of the checklist. */
bool content_is_signal(const struct content *c, const char *code);
/* [{"code", "text"}]. */
const json_t *content_risk_factors(const struct content *c, const char *lang);
/* [role, ...]: {"code", "name", "who", "advice": [paragraph],
 * "advice_young": [paragraph] (optional: only for someone under 18),
 * "anonymous": bool, "anonymous_note": text, only when anonymous is false}. */
const json_t *content_roles(const struct content *c, const char *lang);
/* One role as in content_roles(); NULL if code is not a role. */
const json_t *content_role(const struct content *c, const char *lang, const char *code);
/* [question, ...]: {"id", "question", "options": [{"id", "text"}], "answer",
 * "explanation"}; at least QUIZ_MIN_QUESTIONS. */
const json_t *content_quiz(const struct content *c, const char *lang);
/* {"id", "name", "channels": [channel]} with the national channels merged in
 * (a regional channel with a national id replaces it in place; new ones
 * follow) and every text resolved to lang. Each channel carries "region": the
 * id of the file it came from. NULL if region is unknown. Region "nl" is the
 * national default itself. */
const json_t *content_region(const struct content *c, const char *lang, const char *region);
/* {region id: region as content_region()}, in file name order. */
const json_t *content_regions(const struct content *c, const char *lang);
/* The texts the wegwijzer composes its answers from: {"why_form": {form:
 * text}, "when_form": {form: text}, "why_anonymous": {"yes", "possible"},
 * "notes": {"anonymous", "emergency", "integrity"}, "unsaid": {"name",
 * "who", "advice": [paragraph]}}. */
const json_t *content_wegwijzer_texts(const struct content *c, const char *lang);
/* [{"form", "signals": [signal code]}] from rules.json, one per form. */
const json_t *content_rules(const struct content *c);
/* {"id", "name", "region", "districts": [name], ...} as in the file (texts
 * as {"nl", "en"}); NULL if there is none. */
const json_t *content_org_profile(const struct content *c, const char *org);
/* An organisation as the public site shows it, resolved to lang: {"id",
 * "name", "region", "channels": [channel], "about": [{"title", "text":
 * [paragraph]}]}. channels are its region's (as content_region()) with the
 * organisation's own merged in the same way, and each "internal" channel
 * (the aandachtsfunctionaris) given the profile's contact: its "phones",
 * "email" and "contact_note". NULL if org has no profile. */
const json_t *content_org_view(const struct content *c, const char *lang, const char *org);

bool content_is_form(const struct content *c, const char *code);
bool content_is_role(const struct content *c, const char *code);
bool content_is_region(const struct content *c, const char *region);

#endif
