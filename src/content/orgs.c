/* orgs: orgs/<id>.json, the organisation profiles (id, name, region,
 * districts, the contact of its aandachtsfunctionaris, its own "Wat wij
 * doen" text, its own channels and an optional theme). See
 * content/README.md.
 *
 * Owns: the key table of a profile and its checks: the id is the file
 * name, the region is one of regions/ (so it needs regions.c), districts
 * are named once; and the per-language view of each organisation (its
 * region's channels with its own merged in). */
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

static const struct cv_key contact_keys[] = {
    {.name = "phones",
     .kind = CV_LIST,
     .min = 1,
     .max = CHANNEL_MAX_PHONES,
     .check = content_check_phones},
    {.name = "email", .kind = CV_ANY, .check = content_check_email},
    {.name = "note", .kind = CV_I18N, .required = true},
    {0},
};

/* How staff reach the aandachtsfunctionaris: a phone or an email. */
static int org_contact(const struct cv_at *at, const char *kp, const json_t *x)
{
	int rc = cv_entry(at->v, x, kp, contact_keys, at->ctx);
	if (!rc && !json_object_get(x, "phones") && !json_object_get(x, "email"))
		rc =
		    cv_fail(at->v, kp, "give phones or email: staff must be able to reach someone");
	return rc;
}

static int section_text(const struct cv_at *at, const char *kp, const json_t *list)
{
	char p[CONTENT_MAX_PATH_LEN];
	json_t *x;
	size_t i;
	int rc = 0;
	json_array_foreach(list, i, x)
	{
		cv_idx(p, kp, i);
		rc = cv_i18n(at->v, p, x);
		if (rc)
			break;
	}
	return rc;
}

static const struct cv_key section_keys[] = {
    {.name = "title", .kind = CV_I18N, .required = true},
    {.name = "text",
     .kind = CV_LIST,
     .required = true,
     .min = 1,
     .max = CONTENT_MAX_LIST_ITEMS,
     .check = section_text},
    {0},
};

static int org_channels(const struct cv_at *at, const char *kp, const json_t *chans)
{
	return content_check_channels(at->v, kp, chans);
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
    {.name = "contact", .kind = CV_OBJECT, .required = true, .check = org_contact},
    {.name = "about",
     .kind = CV_LIST,
     .required = true,
     .min = 1,
     .max = CONTENT_MAX_LIST_ITEMS,
     .items = section_keys}, /* "Wat wij doen": the organisation's own sections */
    {.name = "channels",
     .kind = CV_LIST,
     .min = 0,
     .max = CONTENT_MAX_LIST_ITEMS,
     .check = org_channels},
    {0},
};

/* A copy of the internal channel ch (caller owns) reached through the
 * profile's contact. */
static json_t *with_contact(const json_t *ch, const json_t *contact, const char *lang)
{
	json_t *c = json_copy((json_t *)ch);
	const json_t *ph = json_object_get(contact, "phones");
	const json_t *em = json_object_get(contact, "email");
	int rc = c ? 0 : -ENOMEM;
	if (!rc && ph)
		rc = cv_oset(c, "phones", content_resolve(ph, lang));
	if (!rc && em)
		rc = cv_oset(c, "email", json_incref((json_t *)em));
	if (!rc)
		rc = cv_oset(c, "contact_note",
		             content_resolve(json_object_get(contact, "note"), lang));
	if (rc) {
		json_decref(c);
		return NULL;
	}
	return c;
}

/* The view of one organisation in one language (caller owns). */
static json_t *org_view(const struct content *c, int li, const char *id, const json_t *prof)
{
	const char *lang = content_langs[li];
	const json_t *reg = json_object_get(c->lang[li].regions,
	                                    json_string_value(json_object_get(prof, "region")));
	const json_t *contact = json_object_get(prof, "contact");
	json_t *chans = json_array(), *ch, *view = NULL;
	size_t i;
	int rc = chans ? 0 : -ENOMEM;

	json_array_foreach(json_object_get(reg, "channels"), i, ch)
	{
		if (rc)
			break;
		rc = cv_aadd(chans, json_is_true(json_object_get(ch, "internal"))
		                        ? with_contact(ch, contact, lang)
		                        : json_incref(ch));
	}
	if (!rc)
		rc = content_merge_channels(chans, json_object_get(prof, "channels"), id, lang);
	if (!rc)
		view = json_pack("{s:s, s:O, s:O, s:O, s:o}", "id", id, "name",
		                 json_object_get(prof, "name"), "region",
		                 json_object_get(prof, "region"), "channels", chans, "about",
		                 content_resolve(json_object_get(prof, "about"), lang));
	json_decref(chans);
	return view;
}

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
		for (int li = 0; !rc && li < LANG_COUNT; li++)
			rc = cv_oset(L->c->lang[li].orgs, id, org_view(L->c, li, id, root));
		json_decref(root);
		root = NULL;
	}
	cv_free_names(names, n);
	cv_done(&v);
	return rc;
}
