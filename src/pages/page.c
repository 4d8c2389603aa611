/* page: rendering inside the layout, and the error pages. See page.h. */
#include "pages/page.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/tmpl.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/str.h"

/* The main navigation: path and Dutch label. */
static const struct {
	const char *path;
	const char *label;
} nav_items[] = {
    {"/", _("Home")},     {"/signalen", _("Signalen")}, {"/wegwijzer", _("Wegwijzer")},
    {"/quiz", _("Quiz")}, {"/melden", _("Melden")},
};

const char *page_tr(const struct req *req, const char *msgid)
{
	return i18n_tr(req->lang, msgid);
}

static json_t *build_nav(const struct req *req)
{
	json_t *nav = json_array();
	const char *base = strcmp(req->lang, "en") == 0 ? "/en" : "";
	for (size_t i = 0; nav && i < sizeof nav_items / sizeof nav_items[0]; i++) {
		char href[64];
		snprintf(href, sizeof href, "%s%s", base,
		         strcmp(nav_items[i].path, "/") == 0 && base[0] ? "/" : nav_items[i].path);
		bool current = strcmp(req->path, nav_items[i].path) == 0 ||
		               (strcmp(nav_items[i].path, "/") != 0 &&
		                str_starts(req->path, nav_items[i].path) &&
		                req->path[strlen(nav_items[i].path)] == '/');
		json_array_append_new(nav, json_pack("{s:s, s:s, s:b}", "href", href, "label",
		                                     page_tr(req, nav_items[i].label), "current",
		                                     current));
	}
	return nav;
}

/* Merges the layout keys into ctx without overwriting what the page set. */
static int merge_layout(const struct req *req, json_t *ctx)
{
	const json_t *l = req->org->layout[site_lang_index(req->lang)];
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)l, key, v)
	{
		if (!json_object_get(ctx, key) && json_object_set(ctx, key, v) != 0)
			return -ENOMEM;
	}
	bool en = strcmp(req->lang, "en") == 0;
	char other[HTTP_MAX_PATH_BYTES + 8];
	snprintf(other, sizeof other, "%s%s", en ? "" : "/en",
	         en || strcmp(req->path, "/") != 0 ? req->path : "/");
	json_t *sw = json_pack("{s:s, s:s, s:s}", "url", other, "name",
	                       en ? "Nederlands" : "English", "lang", en ? "nl" : "en");
	if (!sw || json_object_set_new(ctx, "other_lang", sw) != 0)
		return -ENOMEM;
	if (json_object_set_new(ctx, "path", json_string(req->path)) != 0)
		return -ENOMEM;
	/* Every page under /staf/ (error pages too) is in the layout's staff
	 * mode: no quick exit, no public navigation. */
	if (!json_object_get(ctx, "staff") &&
	    (strcmp(req->path, "/staf") == 0 || str_starts(req->path, "/staf/")) &&
	    json_object_set_new(ctx, "staff", json_object()) != 0)
		return -ENOMEM;
	return json_object_set_new(ctx, "nav", build_nav(req)) == 0 ? 0 : -ENOMEM;
}

int page_render(struct req *req, struct resp *resp, int status, const char *tmpl, json_t *data)
{
	return page_render_frag(req, resp, status, tmpl, data, NULL, NULL);
}

int page_render_frag(struct req *req, struct resp *resp, int status, const char *tmpl, json_t *data,
                     const char *frag_name, const char *frag_html)
{
	struct site *site = req->site;
	json_t *ctx = data ? json_incref(data) : json_object();
	struct buf body = BUF_INIT;
	int rc = ctx ? merge_layout(req, ctx) : -ENOMEM;
	struct tmpl_frag own = {frag_name, frag_html};
	if (rc == 0)
		rc = tmpl_render(site->tmpl, tmpl, ctx, frag_name ? &own : NULL, frag_name ? 1 : 0,
		                 i18n_tmpl_tr, (void *)req->lang, &body);
	if (rc == 0) {
		struct tmpl_frag frag = {"content", buf_str(&body)};
		buf_reset(&resp->body);
		rc = tmpl_render(site->tmpl, "layout", ctx, &frag, 1, i18n_tmpl_tr,
		                 (void *)req->lang, &resp->body);
	}
	buf_free(&body);
	json_decref(ctx);
	if (rc > 0) {
		log_error("template %s: not found", tmpl);
		rc = -ENOENT;
	}
	if (rc)
		return rc;
	resp->status = status;
	resp->content_type = "text/html; charset=utf-8";
	return 0;
}

void page_error(struct req *req, struct resp *resp, int status)
{
	static const struct {
		int status;
		const char *title;
		const char *message;
	} texts[] = {
	    {403, _("Geen toegang"),
	     _("Met je rol kun je deze pagina niet gebruiken. Denk je dat dit niet klopt? Vraag "
	       "het aan de beheerder van je organisatie.")},
	    {400, _("Dat ging niet goed"),
	     _("Je browser stuurde iets wat wij niet begrijpen. Probeer het nog een keer.")},
	    {404, _("Deze pagina bestaat niet"),
	     _("Misschien is het adres niet goed, of is de pagina verhuisd.")},
	    {405, _("Dat kan hier niet"), _("Deze pagina kan dit verzoek niet aannemen.")},
	    {413, _("Dat is te veel tekst"),
	     _("Je bericht is te groot om te versturen. Maak het korter en probeer het opnieuw.")},
	    {414, _("Dit adres is te lang"), _("Controleer het adres en probeer het opnieuw.")},
	    {415, _("Dat kan hier niet"), _("Deze pagina kan dit soort inhoud niet aannemen.")},
	    {431, _("Dat ging niet goed"),
	     _("Je browser stuurde te veel gegevens mee. Probeer het opnieuw.")},
	    {500, _("Er ging iets mis"),
	     _("Dat is onze fout, niet die van jou. Probeer het later nog een keer.")},
	};
	size_t k = 0;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (texts[i].status == status)
			k = i;
	if (texts[k].status != status)
		k = sizeof texts / sizeof texts[0] - 1;
	/* API clients get the error in the API's own shape. */
	if (req && req->path && str_starts(req->path, "/api/")) {
		json_t *e = json_pack("{s:{s:s, s:s}}", "error", "field", "", "message",
		                      page_tr(req, texts[k].message));
		char *text = e ? json_dumps(e, JSON_COMPACT) : NULL;
		json_decref(e);
		if (text) {
			resp_json(resp, status, text);
			free(text);
			return;
		}
	}
	if (req && req->site && req->org && req->lang) {
		json_t *d = json_pack("{s:i, s:s, s:s}", "status", status, "title",
		                      page_tr(req, texts[k].title), "message",
		                      page_tr(req, texts[k].message));
		int rc = d ? page_render(req, resp, status, "error", d) : -ENOMEM;
		json_decref(d);
		if (rc == 0)
			return;
	}
	/* Last resort, when even the error page cannot be rendered. */
	resp_text(resp, status, texts[k].message);
}
