/* lang: the per-language files, nl/ and en/: forms.json (forms and
 * signal groups with their signals), risk_factors.json, roles.json,
 * quiz.json and wegwijzer.json; see content/README.md.
 *
 * Owns: their key tables, the flat checklist built from the signals, and
 * the cross-language registry that makes both languages hold the same
 * codes (and the same quiz answers and anonymity of roles). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/check.h"
#include "content/content_int.h"
#include "limits.h"
#include "util/str.h"

const char *const content_langs[LANG_COUNT] = {"nl", "en"};
const char *const content_contract_forms[] = {"sexual", "labour", "criminal", "organ_removal",
                                              NULL};
const char *const content_contract_roles[] = {"victim",       "bystander", "parent", "perpetrator",
                                              "professional", "employee",  NULL};

/* What the hooks of this file need while one file is checked. */
struct lctx {
	struct lang_data *d;
	const char *rel;
	json_t *seen;     /* codes of the list being checked */
	json_t *seen_sig; /* signal codes of forms.json */
	json_t *oseen;    /* option ids of one question */
	const char *prefix;
};

/* --- Cross-language registry ---------------------------------------------
 * Each language registers what must exist in both ("form:labour",
 * "answer:q03=b", ...). Comparing the two registries afterwards finds a
 * missing translation, an extra code and a differing answer alike. */

static int reg(json_t *codes, const char *rel, const char *key, const char *list, const char *path,
               const char *desc)
{
	char k[CONTENT_MAX_PATH_LEN * 2];
	int n = snprintf(k, sizeof(k), "%s|%s", rel, key);
	if (n < 0 || (size_t)n >= sizeof(k))
		return -ENAMETOOLONG;
	return cv_oset(codes, k,
	               json_pack("{s:s, s:s, s:s, s:s}", "file", rel, "list", list, "path", path,
	                         "desc", desc));
}

static int regf(json_t *codes, const char *rel, const char *list, const char *path,
                const char *kind, const char *code, const char *extra)
{
	char key[CONTENT_MAX_PATH_LEN], desc[CONTENT_MAX_PATH_LEN];
	int n = snprintf(key, sizeof(key), "%s:%s%s%s", kind, code, extra ? "=" : "",
	                 extra ? extra : "");
	int m = extra ? snprintf(desc, sizeof(desc), "%s \"%s\" of %s", kind, extra, code)
	              : snprintf(desc, sizeof(desc), "%s \"%s\"", kind, code);
	if (n < 0 || m < 0 || (size_t)n >= sizeof(key) || (size_t)m >= sizeof(desc))
		return -ENAMETOOLONG;
	return reg(codes, rel, key, list, path, desc);
}

/* A code unique within ctx->seen. */
static int unique_code(const struct cv_at *at, const char *kp, const json_t *x)
{
	struct lctx *l = at->ctx;
	return cv_unique(at->v, l->seen, kp, json_string_value(x));
}

/* --- forms.json ------------------------------------------------------ */

static int signal_code(const struct cv_at *at, const char *kp, const json_t *x)
{
	struct lctx *l = at->ctx;
	char qb[CONTENT_MAX_SHOWN_VALUE];
	if (!str_starts(json_string_value(x), l->prefix))
		return cv_fail(at->v, kp, "%s must start with \"%s\"",
		               cv_quote(json_string_value(x), qb, sizeof(qb)), l->prefix);
	return cv_unique(at->v, l->seen_sig, kp, json_string_value(x));
}

static const struct cv_key signal_keys[] = {
    {.name = "code", .kind = CV_DOTTED_CODE, .required = true, .check = signal_code},
    {.name = "text", .kind = CV_TEXT, .required = true},
    {0},
};

/* The signals of a form or a signal group: codes "<owner>.<name>". */
static int signals_list(const struct cv_at *at, const char *kp, const json_t *arr)
{
	struct lctx *l = at->ctx;
	const char *owner = json_string_value(json_object_get(at->obj, "code"));
	char p[CONTENT_MAX_PATH_LEN], prefix[CONTENT_MAX_CODE_LEN + 2];
	json_t *s;
	size_t i;
	int rc = 0;
	int n = snprintf(prefix, sizeof(prefix), "%s.", owner);
	if (n < 0 || (size_t)n >= sizeof(prefix))
		return -ENAMETOOLONG;
	l->prefix = prefix;
	json_array_foreach(arr, i, s)
	{
		cv_idx(p, kp, i);
		rc = cv_entry(at->v, s, p, signal_keys, l);
		if (!rc)
			rc = regf(l->d->codes, l->rel, kp, p, "signal",
			          json_string_value(json_object_get(s, "code")), NULL);
		if (rc)
			break;
	}
	l->prefix = NULL;
	return rc;
}

static int form_code(const struct cv_at *at, const char *kp, const json_t *x)
{
	char qb[CONTENT_MAX_SHOWN_VALUE];
	if (!cv_in_list(content_contract_forms, json_string_value(x)))
		return cv_fail(
		    at->v, kp,
		    "%s is not a form of the contract (sexual, labour, criminal, organ_removal)",
		    cv_quote(json_string_value(x), qb, sizeof(qb)));
	return unique_code(at, kp, x);
}

static const struct cv_key form_keys[] = {
    {.name = "code", .kind = CV_CODE, .required = true, .check = form_code},
    {.name = "name", .kind = CV_TEXT, .required = true},
    {.name = "summary", .kind = CV_TEXT, .required = true},
    {.name = "description", .kind = CV_TEXTS, .required = true},
    {.name = "examples", .kind = CV_TEXTS, .required = true},
    {.name = "signals",
     .kind = CV_LIST,
     .required = true,
     .min = 1,
     .max = CONTENT_MAX_LIST_ITEMS,
     .check = signals_list},
    {0},
};

/* Group codes share the "form" field of the checklist, so they are unique
 * among the form codes too (ctx->seen holds both). */
static const struct cv_key group_keys[] = {
    {.name = "code", .kind = CV_CODE, .required = true, .check = unique_code},
    {.name = "name", .kind = CV_TEXT, .required = true},
    {.name = "signals",
     .kind = CV_LIST,
     .required = true,
     .min = 1,
     .max = CONTENT_MAX_LIST_ITEMS,
     .check = signals_list},
    {0},
};

static int add_flat(json_t *flat, const json_t *signals, const char *form, const char *group)
{
	json_t *s;
	size_t i;
	json_array_foreach(signals, i, s)
	{
		int rc = cv_aadd(flat, json_pack("{s:O, s:s, s:s, s:O}", "code",
		                                 json_object_get(s, "code"), "form", form, "group",
		                                 group, "text", json_object_get(s, "text")));
		if (rc)
			return rc;
	}
	return 0;
}

static int forms_list(const struct cv_at *at, const char *kp, const json_t *forms)
{
	struct lctx *l = at->ctx;
	char p[CONTENT_MAX_PATH_LEN];
	json_t *f;
	size_t i;
	int rc;

	json_array_foreach(forms, i, f)
	{
		cv_idx(p, kp, i);
		rc = cv_entry(at->v, f, p, form_keys, l);
		if (!rc)
			rc = regf(l->d->codes, l->rel, "forms", p, "form",
			          json_string_value(json_object_get(f, "code")), NULL);
		if (!rc)
			rc = cv_oset(l->d->form_idx, json_string_value(json_object_get(f, "code")),
			             json_incref(f));
		if (rc)
			return rc;
	}
	for (const char *const *c = content_contract_forms; *c; c++)
		if (!json_object_get(l->d->form_idx, *c))
			return cv_fail(at->v, "forms", "form \"%s\" is missing", *c);
	return 0;
}

static int groups_list(const struct cv_at *at, const char *kp, const json_t *groups)
{
	struct lctx *l = at->ctx;
	char p[CONTENT_MAX_PATH_LEN];
	json_t *g;
	size_t i;
	int rc = 0;

	json_array_foreach(groups, i, g)
	{
		cv_idx(p, kp, i);
		rc = cv_entry(at->v, g, p, group_keys, l);
		const char *code = json_string_value(json_object_get(g, "code"));
		if (!rc)
			rc = regf(l->d->codes, l->rel, "signal_groups", p, "signal group", code,
			          NULL);
		if (!rc)
			rc = add_flat(l->d->signals, json_object_get(g, "signals"), code,
			              json_string_value(json_object_get(g, "name")));
		if (rc)
			break;
	}
	return rc;
}

/* Forms first: the groups are checked against their codes. */
static const struct cv_key forms_file[] = {
    {.name = "forms",
     .kind = CV_LIST,
     .required = true,
     .min = 1,
     .max = CONTENT_MAX_LIST_ITEMS,
     .check = forms_list},
    {.name = "signal_groups",
     .kind = CV_LIST,
     .required = true,
     .min = 1,
     .max = CONTENT_MAX_LIST_ITEMS,
     .check = groups_list},
    {0},
};

/* Reads lang/rel and walks its key table. *root (caller owns). */
static int load_file(struct loader *L, struct vctx *v, const char *lang, const char *rel,
                     const struct cv_key *table, struct lctx *l, json_t **root)
{
	char file[CONTENT_MAX_PATH_LEN];
	snprintf(file, sizeof(file), "%s/%s", lang, rel);
	int rc = cv_read_json(L->dir, L->err, v, file, root);
	return rc ? rc : cv_entry(v, *root, "", table, l);
}

static int load_forms(struct loader *L, struct lang_data *d, const char *lang)
{
	struct lctx l = {
	    .d = d, .rel = "forms.json", .seen = json_object(), .seen_sig = json_object()};
	struct vctx v = {0};
	json_t *root = NULL, *forms, *f;
	size_t i;
	int rc = l.seen && l.seen_sig ? 0 : -ENOMEM;

	if (!rc)
		rc = load_file(L, &v, lang, l.rel, forms_file, &l, &root);
	if (rc)
		goto out;
	forms = json_object_get(root, "forms");
	json_array_foreach(forms, i, f)
	{
		rc = add_flat(d->signals, json_object_get(f, "signals"),
		              json_string_value(json_object_get(f, "code")),
		              json_string_value(json_object_get(f, "name")));
		if (rc)
			goto out;
	}
	d->forms = json_incref(forms);
out:
	json_decref(root);
	json_decref(l.seen);
	json_decref(l.seen_sig);
	cv_done(&v);
	return rc;
}

/* --- risk_factors.json ----------------------------------------------- */

static const struct cv_key risk_keys[] = {
    {.name = "code", .kind = CV_CODE, .required = true, .check = unique_code},
    {.name = "text", .kind = CV_TEXT, .required = true},
    {0},
};

static int risk_list(const struct cv_at *at, const char *kp, const json_t *list)
{
	struct lctx *l = at->ctx;
	char p[CONTENT_MAX_PATH_LEN];
	json_t *r;
	size_t i;
	int rc = 0;

	json_array_foreach(list, i, r)
	{
		cv_idx(p, kp, i);
		rc = cv_entry(at->v, r, p, risk_keys, l);
		if (!rc)
			rc = regf(l->d->codes, l->rel, "risk_factors", p, "risk factor",
			          json_string_value(json_object_get(r, "code")), NULL);
		if (rc)
			break;
	}
	return rc;
}

static const struct cv_key risk_file[] = {
    {.name = "risk_factors",
     .kind = CV_LIST,
     .required = true,
     .min = 1,
     .max = CONTENT_MAX_LIST_ITEMS,
     .check = risk_list},
    {0},
};

/* --- roles.json ------------------------------------------------------ */

static int role_code(const struct cv_at *at, const char *kp, const json_t *x)
{
	char qb[CONTENT_MAX_SHOWN_VALUE];
	if (!cv_in_list(content_contract_roles, json_string_value(x)))
		return cv_fail(
		    at->v, kp,
		    "%s is not a reporter role of the contract (victim, bystander, parent, perpetrator, professional, employee)",
		    cv_quote(json_string_value(x), qb, sizeof(qb)));
	return unique_code(at, kp, x);
}

static const struct cv_key role_keys[] = {
    {.name = "code", .kind = CV_CODE, .required = true, .check = role_code},
    {.name = "name", .kind = CV_TEXT, .required = true},
    {.name = "who", .kind = CV_TEXT, .required = true},
    {.name = "advice", .kind = CV_TEXTS, .required = true},
    {.name = "advice_young", .kind = CV_TEXTS},
    {.name = "anonymous", .kind = CV_BOOL, .required = true},
    {.name = "anonymous_note", .kind = CV_TEXT},
    {0},
};

static int roles_list(const struct cv_at *at, const char *kp, const json_t *list)
{
	struct lctx *l = at->ctx;
	char p[CONTENT_MAX_PATH_LEN], np[CONTENT_MAX_PATH_LEN];
	json_t *r;
	size_t i;
	int rc = 0;

	json_array_foreach(list, i, r)
	{
		cv_idx(p, kp, i);
		rc = cv_entry(at->v, r, p, role_keys, l);
		const char *code = json_string_value(json_object_get(r, "code"));
		const json_t *anon = json_object_get(r, "anonymous");
		const json_t *note = json_object_get(r, "anonymous_note");
		/* The note explains why anonymity is not offered; it means
		 * nothing for a role that may stay anonymous. */
		cv_key(np, p, "anonymous_note");
		if (!rc && json_is_false(anon) && !note)
			rc = cv_fail(at->v, np, "missing (needed when anonymous is false)");
		if (!rc && json_is_true(anon) && note)
			rc = cv_fail(at->v, np, "only allowed when anonymous is false");
		if (!rc)
			rc = regf(l->d->codes, l->rel, "roles", p, "role", code, NULL);
		if (!rc)
			rc = regf(l->d->codes, l->rel, "roles", p, "anonymous", code,
			          json_is_true(anon) ? "true" : "false");
		/* Young people's advice in one language only would show them
		 * something else in the other. */
		if (!rc)
			rc = regf(l->d->codes, l->rel, "roles", p, "advice_young", code,
			          json_object_get(r, "advice_young") ? "yes" : "no");
		if (!rc)
			rc = cv_oset(l->d->role_idx, code, json_incref(r));
		if (rc)
			return rc;
	}
	for (const char *const *c = content_contract_roles; *c; c++)
		if (!json_object_get(l->d->role_idx, *c))
			return cv_fail(at->v, "roles", "role \"%s\" is missing", *c);
	return 0;
}

static const struct cv_key roles_file[] = {
    {.name = "roles",
     .kind = CV_LIST,
     .required = true,
     .min = 1,
     .max = CONTENT_MAX_LIST_ITEMS,
     .check = roles_list},
    {0},
};

/* --- quiz.json ------------------------------------------------------- */

static int option_id(const struct cv_at *at, const char *kp, const json_t *x)
{
	struct lctx *l = at->ctx;
	return cv_unique(at->v, l->oseen, kp, json_string_value(x));
}

static const struct cv_key option_keys[] = {
    {.name = "id", .kind = CV_CODE, .required = true, .check = option_id},
    {.name = "text", .kind = CV_TEXT, .required = true},
    {0},
};

static const struct cv_key question_keys[] = {
    {.name = "id", .kind = CV_CODE, .required = true, .check = unique_code},
    {.name = "question", .kind = CV_TEXT, .required = true},
    {.name = "options",
     .kind = CV_LIST,
     .required = true,
     .min = QUIZ_MIN_OPTIONS,
     .max = QUIZ_MAX_OPTIONS},
    {.name = "answer", .kind = CV_CODE, .required = true},
    {.name = "explanation", .kind = CV_TEXT, .required = true},
    {0},
};

static int check_question(struct vctx *v, const char *p, const json_t *qn, struct lctx *l)
{
	char op[CONTENT_MAX_PATH_LEN], xp[CONTENT_MAX_PATH_LEN], qb[CONTENT_MAX_SHOWN_VALUE];
	json_t *id, *opts, *o, *oid, *answer;
	size_t i;
	bool found = false;
	int rc;

	l->oseen = json_object();
	rc = l->oseen ? 0 : -ENOMEM;
	if (!rc)
		rc = cv_entry(v, qn, p, question_keys, l);
	id = json_object_get(qn, "id");
	answer = json_object_get(qn, "answer");
	opts = json_object_get(qn, "options");
	if (!rc)
		rc = regf(l->d->codes, l->rel, "questions", p, "question", json_string_value(id),
		          NULL);
	if (rc)
		goto out;
	cv_key(op, p, "options");
	json_array_foreach(opts, i, o)
	{
		cv_idx(xp, op, i);
		rc = cv_entry(v, o, xp, option_keys, l);
		oid = json_object_get(o, "id");
		if (!rc) {
			char key[2 * CONTENT_MAX_CODE_LEN + 2];
			snprintf(key, sizeof(key), "%s/%s", json_string_value(id),
			         json_string_value(oid));
			rc = regf(l->d->codes, l->rel, op, xp, "option", key, NULL);
		}
		if (rc)
			goto out;
		if (json_equal(oid, answer))
			found = true;
	}
	if (!found) {
		rc = cv_fail(v, p, "answer %s is not one of the options",
		             cv_quote(json_string_value(answer), qb, sizeof(qb)));
		goto out;
	}
	/* The answer must be the same in every language, or the English quiz
	 * would mark other answers right than the Dutch one. */
	rc = regf(l->d->codes, l->rel, "questions", p, "answer", json_string_value(id),
	          json_string_value(answer));
out:
	json_decref(l->oseen);
	l->oseen = NULL;
	return rc;
}

static int questions_list(const struct cv_at *at, const char *kp, const json_t *list)
{
	char p[CONTENT_MAX_PATH_LEN];
	json_t *qn;
	size_t i;
	int rc = 0;

	if (json_array_size(list) < QUIZ_MIN_QUESTIONS)
		return cv_fail(at->v, kp, "%zu questions; the quiz needs at least %u",
		               json_array_size(list), QUIZ_MIN_QUESTIONS);
	json_array_foreach(list, i, qn)
	{
		cv_idx(p, kp, i);
		rc = check_question(at->v, p, qn, at->ctx);
		if (rc)
			break;
	}
	return rc;
}

static const struct cv_key quiz_file[] = {
    {.name = "questions",
     .kind = CV_LIST,
     .required = true,
     .min = 1,
     .max = QUIZ_MAX_QUESTIONS,
     .check = questions_list},
    {0},
};

/* --- wegwijzer.json -------------------------------------------------- */

static const char *const anon_keys[] = {"yes", "possible", NULL};
static const char *const note_keys[] = {"anonymous", "emergency", "integrity", NULL};

static const struct cv_key unsaid_keys[] = {
    {.name = "name", .kind = CV_TEXT, .required = true},
    {.name = "who", .kind = CV_TEXT, .required = true},
    {.name = "advice", .kind = CV_TEXTS, .required = true},
    {0},
};

/* "Zeg ik liever niet": the texts of the answer that names no role. */
static int wegwijzer_unsaid(const struct cv_at *at, const char *kp, const json_t *x)
{
	return cv_entry(at->v, x, kp, unsaid_keys, at->ctx);
}

static const struct cv_key wegwijzer_file[] = {
    {.name = "why_form", .kind = CV_TEXT_MAP, .required = true, .keys = content_contract_forms},
    {.name = "when_form", .kind = CV_TEXT_MAP, .required = true, .keys = content_contract_forms},
    {.name = "why_anonymous", .kind = CV_TEXT_MAP, .required = true, .keys = anon_keys},
    {.name = "notes", .kind = CV_TEXT_MAP, .required = true, .keys = note_keys},
    {.name = "unsaid", .kind = CV_OBJECT, .required = true, .check = wegwijzer_unsaid},
    {0},
};

/* --- One language, then both ----------------------------------------- */

/* Reads lang/rel, walks table and keeps the value of key (all of the file
 * when key is NULL) in *keep. */
static int load_one(struct loader *L, struct lang_data *d, const char *lang, const char *rel,
                    const struct cv_key *table, const char *key, json_t **keep)
{
	struct lctx l = {.d = d, .rel = rel, .seen = json_object()};
	struct vctx v = {0};
	json_t *root = NULL;
	int rc = l.seen ? 0 : -ENOMEM;

	if (!rc)
		rc = load_file(L, &v, lang, rel, table, &l, &root);
	if (!rc)
		*keep = json_incref(key ? json_object_get(root, key) : root);
	json_decref(root);
	json_decref(l.seen);
	cv_done(&v);
	return rc;
}

/* Every code of one language must be in the other (see the registry). */
static int cross_check(struct loader *L)
{
	const json_t *nl = L->c->lang[LANG_NL].codes, *en = L->c->lang[LANG_EN].codes;
	const char *key;
	json_t *rec;
	struct vctx v = {L->err, NULL};
	char rel[CONTENT_MAX_PATH_LEN];
	int rc = 0;

	json_object_foreach((json_t *)en, key, rec)
	{
		if (json_object_get(nl, key))
			continue;
		snprintf(rel, sizeof(rel), "en/%s",
		         json_string_value(json_object_get(rec, "file")));
		v.file = cv_join(L->dir, rel);
		rc = v.file ? cv_fail(&v, json_string_value(json_object_get(rec, "path")),
		                      "%s is not in %s/nl/%s",
		                      json_string_value(json_object_get(rec, "desc")), L->dir,
		                      json_string_value(json_object_get(rec, "file")))
		            : -ENOMEM;
		goto out;
	}
	json_object_foreach((json_t *)nl, key, rec)
	{
		if (json_object_get(en, key))
			continue;
		snprintf(rel, sizeof(rel), "en/%s",
		         json_string_value(json_object_get(rec, "file")));
		v.file = cv_join(L->dir, rel);
		rc = v.file ? cv_fail(&v, json_string_value(json_object_get(rec, "list")),
		                      "%s is missing (%s/nl/%s has it at %s)",
		                      json_string_value(json_object_get(rec, "desc")), L->dir,
		                      json_string_value(json_object_get(rec, "file")),
		                      json_string_value(json_object_get(rec, "path")))
		            : -ENOMEM;
		goto out;
	}
out:
	cv_done(&v);
	return rc;
}

int content_load_langs(struct loader *L)
{
	struct content *c = L->c;
	int rc = 0;
	for (int i = 0; i < LANG_COUNT && !rc; i++) {
		struct lang_data *d = &c->lang[i];
		const char *lang = content_langs[i];
		d->form_idx = json_object();
		d->signals = json_array();
		d->role_idx = json_object();
		d->regions = json_object();
		d->orgs = json_object();
		d->codes = json_object();
		if (!d->form_idx || !d->signals || !d->role_idx || !d->regions || !d->orgs ||
		    !d->codes)
			return -ENOMEM;
		rc = load_forms(L, d, lang);
		if (!rc)
			rc = load_one(L, d, lang, "risk_factors.json", risk_file, "risk_factors",
			              &d->risk);
		if (!rc)
			rc = load_one(L, d, lang, "roles.json", roles_file, "roles", &d->roles);
		if (!rc)
			rc = load_one(L, d, lang, "quiz.json", quiz_file, "questions", &d->quiz);
		if (!rc)
			rc = load_one(L, d, lang, "wegwijzer.json", wegwijzer_file, NULL,
			              &d->wegwijzer);
	}
	if (!rc)
		rc = cross_check(L);
	if (rc)
		return rc;
	for (int i = 0; i < LANG_COUNT; i++) {
		json_decref(c->lang[i].codes);
		c->lang[i].codes = NULL;
	}
	c->signal_set = json_object();
	if (!c->signal_set)
		return -ENOMEM;
	json_t *s;
	size_t i;
	json_array_foreach(c->lang[LANG_NL].signals, i, s)
	{
		rc = cv_oset(c->signal_set, json_string_value(json_object_get(s, "code")),
		             json_true());
		if (rc)
			return rc;
	}
	return 0;
}
