/* orgs: orgs/<id>.json, the organisation profiles (id, name, region,
 * districts, an optional theme). See content/README.md.
 *
 * Owns: the key table of a profile and its checks: the id is the file
 * name, the region is one of regions/ (so it needs regions.c), districts
 * are named once. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "content/check.h"
#include "content/content_int.h"
#include "limits.h"
#include "util/str.h"

struct octx {
	const char *id;        /* the organisation id, from the file name */
	const json_t *regions; /* id -> validated region file */
};

static int org_id(const struct cv_at *at, const char *kp, const json_t *x)
{
	struct octx *o = at->ctx;
	char qb[CONTENT_MAX_SHOWN_VALUE];
	if (!str_eq(json_string_value(x), o->id))
		return cv_fail(at->v, "id", "%s differs from the file name (\"%s\")",
		               cv_quote(json_string_value(x), qb, sizeof(qb)), o->id);
	return 0;
}

static int org_region(const struct cv_at *at, const char *kp, const json_t *x)
{
	struct octx *o = at->ctx;
	char qb[CONTENT_MAX_SHOWN_VALUE];
	if (!json_object_get(o->regions, json_string_value(x)))
		return cv_fail(at->v, "region", "unknown region %s",
		               cv_quote(json_string_value(x), qb, sizeof(qb)));
	return 0;
}

static int org_districts(const struct cv_at *at, const char *kp, const json_t *districts)
{
	char p[CONTENT_MAX_PATH_LEN], qb[CONTENT_MAX_SHOWN_VALUE];
	json_t *dseen = json_object(), *x;
	size_t k;
	int rc = dseen ? 0 : -ENOMEM;

	json_array_foreach(districts, k, x)
	{
		if (rc)
			break;
		cv_idx(p, "districts", k);
		rc = cv_text(at->v, p, x, NAME_MAX_LEN);
		if (!rc && json_object_get(dseen, json_string_value(x)))
			rc = cv_fail(at->v, p, "duplicate district %s",
			             cv_quote(json_string_value(x), qb, sizeof(qb)));
		if (!rc)
			rc = cv_oset(dseen, json_string_value(x), json_true());
	}
	json_decref(dseen);
	return rc;
}

static bool is_colour(const char *s)
{
	if (!s || strlen(s) != 7 || s[0] != '#')
		return false;
	for (int i = 1; i < 7; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return true;
}

/* A theme colour: "#rrggbb". Its contrast is judged where the theme is
 * built (site/), beside the [site] colours it replaces. */
static int org_colour(const struct cv_at *at, const char *kp, const json_t *x)
{
	char qb[CONTENT_MAX_SHOWN_VALUE];
	if (!is_colour(json_string_value(x)))
		return cv_fail(at->v, kp, "%s is not a colour #rrggbb",
		               cv_quote(json_string_value(x), qb, sizeof(qb)));
	return 0;
}

static const struct cv_key theme_keys[] = {
    {.name = "colour_primary", .kind = CV_STRING, .required = true, .check = org_colour},
    {.name = "colour_accent", .kind = CV_STRING, .required = true, .check = org_colour},
    {0},
};

static int org_theme(const struct cv_at *at, const char *kp, const json_t *x)
{
	return cv_entry(at->v, x, kp, theme_keys, at->ctx);
}

static const struct cv_key org_file[] = {
    {.name = "id", .kind = CV_CODE, .required = true, .check = org_id},
    {.name = "name", .kind = CV_TEXT, .required = true, .max = NAME_MAX_LEN},
    {.name = "region", .kind = CV_CODE, .required = true, .check = org_region},
    {.name = "districts",
     .kind = CV_LIST,
     .required = true,
     .min = 0,
     .max = CONTENT_MAX_LIST_ITEMS,
     .check = org_districts},
    /* The organisation's own colours instead of [site] colour_primary
     * and colour_accent. */
    {.name = "theme", .kind = CV_OBJECT, .check = org_theme},
    {0},
};

int content_load_orgs(struct loader *L)
{
	char **names = NULL, rel[ID_MAX_LEN + 32];
	size_t n = 0;
	struct vctx v = {0};
	json_t *root = NULL;
	int rc = cv_list_json(L->dir, L->err, "orgs", &names, &n);

	for (size_t i = 0; !rc && i < n; i++) {
		char id[ID_MAX_LEN + 1];
		size_t len = strlen(names[i]) - strlen(".json");
		struct octx o = {.id = id, .regions = L->raw_regions};
		snprintf(rel, sizeof(rel), "orgs/%.*s", ID_MAX_LEN + 8, names[i]);
		snprintf(id, sizeof(id), "%.*s", (int)(len < sizeof(id) ? len : sizeof(id) - 1),
		         names[i]);
		rc = cv_read_json(L->dir, L->err, &v, rel, &root);
		if (!rc && (len > ID_MAX_LEN || !str_is_id(id, ID_MAX_LEN)))
			rc = cv_fail(&v, NULL,
			             "the file name must be <id>.json, id of a-z, 0-9, _ and -");
		if (!rc)
			rc = cv_entry(&v, root, "", org_file, &o);
		if (!rc)
			rc = cv_oset(L->c->orgs, id, json_incref(root));
		json_decref(root);
		root = NULL;
	}
	cv_free_names(names, n);
	cv_done(&v);
	return rc;
}
