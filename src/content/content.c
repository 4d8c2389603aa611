/* content.c: reads content/ once at start, in order (the languages, then
 * rules.json, which needs their signals, then the regions, then the
 * organisations, which name a region), and hands out what was loaded.
 * Everything is resolved per language at load time, so the getters are
 * lookups.
 *
 * Validation stops at the first problem and describes it in one line:
 * "<file>: <key path>: <problem>". Authors fix one thing at a time, and a
 * single line is what a CLI and a test can show and compare. The parts:
 * content_int.h; the validator they share: check.h. */
#include "content/content.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "content/content_int.h"

static void lang_free(struct lang_data *d)
{
	json_decref(d->forms);
	json_decref(d->form_idx);
	json_decref(d->signals);
	json_decref(d->risk);
	json_decref(d->roles);
	json_decref(d->role_idx);
	json_decref(d->quiz);
	json_decref(d->wegwijzer);
	json_decref(d->regions);
	json_decref(d->orgs);
	json_decref(d->codes);
}

void content_free(struct content *c)
{
	if (!c)
		return;
	for (int i = 0; i < LANG_COUNT; i++)
		lang_free(&c->lang[i]);
	json_decref(c->signal_set);
	json_decref(c->rules);
	json_decref(c->orgs);
	free(c);
}

static int load_all(struct loader *L)
{
	int rc = content_load_langs(L);
	if (!rc)
		rc = content_load_rules(L);
	if (!rc)
		rc = content_load_regions(L);
	if (!rc)
		rc = content_load_orgs(L);
	return rc;
}

int content_load(const char *dir, struct content **out, struct buf *err)
{
	struct loader L = {NULL, err, NULL, NULL};
	int rc = 0;

	if (out)
		*out = NULL;
	if (err)
		buf_reset(err);
	if (!dir || !out)
		return -EINVAL;
	L.dir = strdup(dir);
	L.c = calloc(1, sizeof(*L.c));
	L.raw_regions = json_object();
	if (!L.dir || !L.c || !L.raw_regions) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t n = strlen(L.dir); n > 1 && L.dir[n - 1] == '/'; n--)
		L.dir[n - 1] = '\0';
	L.c->orgs = json_object();
	if (!L.c->orgs) {
		rc = -ENOMEM;
		goto out;
	}
	rc = load_all(&L);
	if (rc)
		goto out;
	*out = L.c;
	L.c = NULL;
out:
	if (rc == -ENOMEM && err && !err->len)
		buf_puts(err, "content: out of memory");
	content_free(L.c);
	json_decref(L.raw_regions);
	free(L.dir);
	return rc;
}

static const struct lang_data *ld(const struct content *c, const char *lang)
{
	return &c->lang[lang && strcmp(lang, "en") == 0 ? LANG_EN : LANG_NL];
}

const json_t *content_forms(const struct content *c, const char *lang)
{
	return c ? ld(c, lang)->forms : NULL;
}

const json_t *content_form(const struct content *c, const char *lang, const char *code)
{
	return c && code ? json_object_get(ld(c, lang)->form_idx, code) : NULL;
}

const json_t *content_signals(const struct content *c, const char *lang)
{
	return c ? ld(c, lang)->signals : NULL;
}

bool content_is_signal(const struct content *c, const char *code)
{
	return c && code && json_object_get(c->signal_set, code);
}

const json_t *content_risk_factors(const struct content *c, const char *lang)
{
	return c ? ld(c, lang)->risk : NULL;
}

const json_t *content_roles(const struct content *c, const char *lang)
{
	return c ? ld(c, lang)->roles : NULL;
}

const json_t *content_role(const struct content *c, const char *lang, const char *code)
{
	return c && code ? json_object_get(ld(c, lang)->role_idx, code) : NULL;
}

const json_t *content_quiz(const struct content *c, const char *lang)
{
	return c ? ld(c, lang)->quiz : NULL;
}

const json_t *content_region(const struct content *c, const char *lang, const char *region)
{
	return c && region ? json_object_get(ld(c, lang)->regions, region) : NULL;
}

const json_t *content_regions(const struct content *c, const char *lang)
{
	return c ? ld(c, lang)->regions : NULL;
}

const json_t *content_wegwijzer_texts(const struct content *c, const char *lang)
{
	return c ? ld(c, lang)->wegwijzer : NULL;
}

const json_t *content_rules(const struct content *c)
{
	return c ? c->rules : NULL;
}

const json_t *content_org_profile(const struct content *c, const char *org)
{
	return c && org ? json_object_get(c->orgs, org) : NULL;
}

const json_t *content_org_view(const struct content *c, const char *lang, const char *org)
{
	return c && org ? json_object_get(ld(c, lang)->orgs, org) : NULL;
}

bool content_is_form(const struct content *c, const char *code)
{
	return content_form(c, "nl", code) != NULL;
}

bool content_is_role(const struct content *c, const char *code)
{
	return content_role(c, "nl", code) != NULL;
}

bool content_is_region(const struct content *c, const char *region)
{
	return content_region(c, "nl", region) != NULL;
}
