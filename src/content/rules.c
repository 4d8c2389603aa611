/* rules: rules.json, which signals point to which form (language-neutral;
 * domain/report.c suggests a form from them). See content/README.md.
 *
 * Owns: its key table and the check that every rule names a form of the
 * contract once and known signals (so it needs the signals of lang.c). */
#include <errno.h>

#include "content/check.h"
#include "content/content_int.h"
#include "limits.h"

struct rctx {
	const struct content *c;
	json_t *seen; /* forms with a rule */
};

static int rule_form(const struct cv_at *at, const char *kp, const json_t *x)
{
	struct rctx *r = at->ctx;
	char qb[CONTENT_MAX_SHOWN_VALUE];
	if (!cv_in_list(content_contract_forms, json_string_value(x)))
		return cv_fail(at->v, kp, "unknown form %s",
		               cv_quote(json_string_value(x), qb, sizeof(qb)));
	return cv_unique(at->v, r->seen, kp, json_string_value(x));
}

static int rule_signals(const struct cv_at *at, const char *kp, const json_t *sigs)
{
	struct rctx *r = at->ctx;
	char ip[CONTENT_MAX_PATH_LEN], qb[CONTENT_MAX_SHOWN_VALUE];
	json_t *sseen = json_object(), *s;
	size_t k;
	int rc = sseen ? 0 : -ENOMEM;

	json_array_foreach(sigs, k, s)
	{
		if (rc)
			break;
		cv_idx(ip, kp, k);
		rc = cv_code(at->v, ip, s, true);
		if (!rc && !json_object_get(r->c->signal_set, json_string_value(s)))
			rc = cv_fail(at->v, ip, "unknown signal %s",
			             cv_quote(json_string_value(s), qb, sizeof(qb)));
		if (!rc)
			rc = cv_unique(at->v, sseen, ip, json_string_value(s));
	}
	json_decref(sseen);
	return rc;
}

static const struct cv_key rule_keys[] = {
    {.name = "form", .kind = CV_CODE, .required = true, .check = rule_form},
    {.name = "signals",
     .kind = CV_LIST,
     .required = true,
     .min = 1,
     .max = CONTENT_MAX_LIST_ITEMS,
     .check = rule_signals},
    {0},
};

static int rules_list(const struct cv_at *at, const char *kp, const json_t *list)
{
	struct rctx *r = at->ctx;
	char p[CONTENT_MAX_PATH_LEN];
	json_t *x;
	size_t i;
	int rc;

	json_array_foreach(list, i, x)
	{
		cv_idx(p, kp, i);
		rc = cv_entry(at->v, x, p, rule_keys, r);
		if (rc)
			return rc;
	}
	for (const char *const *c = content_contract_forms; *c; c++)
		if (!json_object_get(r->seen, *c))
			return cv_fail(at->v, "rules", "no rule for form \"%s\"", *c);
	return 0;
}

static const struct cv_key rules_file[] = {
    {.name = "rules",
     .kind = CV_LIST,
     .required = true,
     .min = 1,
     .max = CONTENT_MAX_LIST_ITEMS,
     .check = rules_list},
    {0},
};

int content_load_rules(struct loader *L)
{
	struct rctx r = {.c = L->c, .seen = json_object()};
	struct vctx v = {0};
	json_t *root = NULL;
	int rc = r.seen ? 0 : -ENOMEM;

	if (!rc)
		rc = cv_read_json(L->dir, L->err, &v, "rules.json", &root);
	if (!rc)
		rc = cv_entry(&v, root, "", rules_file, &r);
	if (!rc)
		L->c->rules = json_incref(json_object_get(root, "rules"));
	json_decref(root);
	json_decref(r.seen);
	cv_done(&v);
	return rc;
}
