/* site: start-up of everything pages need, and rendering inside the
 * layout. See site.h. */
#include "pages/site.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/config.h"
#include "app/setup.h"
#include "content/content.h"
#include "crypto/keyfile.h"
#include "domain/intake.h"
#include "http/throttle.h"
#include "http/static.h"
#include "render/tmpl.h"
#include "store/store.h"
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

struct site_page {
	char *key;
	char *body;
	size_t len;
};

struct site_pages {
	pthread_rwlock_t lock;
	struct site_page page[SITE_PAGE_CACHE_MAX];
	size_t n;
};

static void pages_free(struct site_pages *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->page[i].key);
		free(p->page[i].body);
	}
	pthread_rwlock_destroy(&p->lock);
	free(p);
}

bool site_page_serve(struct site *site, const char *key, struct resp *resp)
{
	struct site_pages *p = site->pages;
	bool hit = false;
	if (!p)
		return false;
	pthread_rwlock_rdlock(&p->lock);
	for (size_t i = 0; i < p->n && !hit; i++) {
		if (strcmp(p->page[i].key, key) != 0)
			continue;
		/* Kept until site_close(), which comes after the server stops. */
		resp->fixed = p->page[i].body;
		resp->fixed_len = p->page[i].len;
		hit = true;
	}
	pthread_rwlock_unlock(&p->lock);
	if (hit) {
		resp->status = 200;
		resp->content_type = "text/html; charset=utf-8";
	}
	return hit;
}

void site_page_keep(struct site *site, const char *key, const struct resp *resp)
{
	struct site_pages *p = site->pages;
	if (!p || resp->status != 200 || resp->personal || resp->fixed || resp->nheaders)
		return;
	char *k = strdup(key);
	char *body = malloc(resp->body.len ? resp->body.len : 1);
	if (!k || !body) {
		free(k);
		free(body);
		return;
	}
	memcpy(body, resp->body.data, resp->body.len);
	pthread_rwlock_wrlock(&p->lock);
	bool present = false;
	for (size_t i = 0; i < p->n && !present; i++)
		present = strcmp(p->page[i].key, key) == 0;
	if (!present && p->n < SITE_PAGE_CACHE_MAX) {
		p->page[p->n++] = (struct site_page){k, body, resp->body.len};
		k = NULL;
		body = NULL;
	}
	pthread_rwlock_unlock(&p->lock);
	free(k);
	free(body);
}

int site_lang_index(const char *lang)
{
	return lang && strcmp(lang, "en") == 0 ? 1 : 0;
}

const char *page_tr(const struct req *req, const char *msgid)
{
	return i18n_tr(req->lang, msgid);
}

/* WCAG relative luminance of a #rrggbb colour. */
static double luminance(const char *hex)
{
	double c[3];
	for (int i = 0; i < 3; i++) {
		char part[3] = {hex[1 + 2 * i], hex[2 + 2 * i], '\0'};
		double v = (double)strtol(part, NULL, 16) / 255.0;
		c[i] = v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
	}
	return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/* Contrast ratio of a colour against white. */
static double contrast_on_white(const char *hex)
{
	return 1.05 / (luminance(hex) + 0.05);
}

static int build_theme(struct site *site, const struct config *cfg, struct buf *err)
{
	/* The primary colour carries white text (WCAG 1.4.3: 4.5:1); the
	 * accent is decoration next to white (1.4.11: 3:1). */
	if (contrast_on_white(cfg->colour_primary) < 4.5) {
		buf_printf(err,
		           "[site] colour_primary: %s has too little contrast with white text "
		           "(%.1f:1, at least 4.5:1 is needed); choose a darker colour",
		           cfg->colour_primary, contrast_on_white(cfg->colour_primary));
		return EINVAL;
	}
	if (contrast_on_white(cfg->colour_accent) < 3.0) {
		buf_printf(err,
		           "[site] colour_accent: %s has too little contrast with white "
		           "(%.1f:1, at least 3:1 is needed); choose a darker colour",
		           cfg->colour_accent, contrast_on_white(cfg->colour_accent));
		return EINVAL;
	}
	struct buf css = BUF_INIT;
	int rc = buf_printf(&css,
	                    ":root {\n  --signaal-colour-primary: %s;\n"
	                    "  --signaal-colour-accent: %s;\n}\n",
	                    cfg->colour_primary, cfg->colour_accent);
	if (rc == 0)
		rc = statics_add(site->statics, "theme.css", css.data, css.len);
	buf_free(&css);
	return rc;
}

static json_t *build_layout(struct site *site, const struct config *cfg, const char *lang)
{
	const char *name = cfg->site_name[0] ? cfg->site_name : site->org_name;
	json_t *s =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", name, "org", site->org_name,
	              "region", site->region, "quick_exit_url", cfg->quick_exit_url, "css",
	              statics_url(site->statics, "vendor/signaal.css"), "theme_css",
	              statics_url(site->statics, "theme.css"), "js",
	              statics_url(site->statics, "vendor/quick-exit.js"));
	if (!s)
		return NULL;
	json_t *l = json_object();
	if (!l || json_object_set_new(l, "site", s) != 0) {
		json_decref(l);
		return NULL;
	}
	json_object_set_new(l, "lang", json_string(lang));
	json_object_set_new(l, "base", json_string(strcmp(lang, "en") == 0 ? "/en" : ""));
	return l;
}

static int load_org(struct site *site, const struct config *cfg, struct buf *err)
{
	struct store_org org;
	int rc = store_org_get(site->store, cfg->org, &org);
	if (rc == STORE_NOT_FOUND) {
		buf_printf(err,
		           "organisation \"%s\" ([site] org) is not in the database; create it "
		           "with: signaal init --org %s",
		           cfg->org, cfg->org);
		return EINVAL;
	}
	if (rc)
		return rc;
	snprintf(site->org_id, sizeof site->org_id, "%s", org.id);
	snprintf(site->org_name, sizeof site->org_name, "%s", org.name);
	snprintf(site->region, sizeof site->region, "%s", org.region);
	if (!content_region(site->content, "nl", site->region)) {
		buf_printf(err,
		           "organisation \"%s\" has region \"%s\", which content/ does not know",
		           org.id, org.region);
		return EINVAL;
	}
	char **names = NULL;
	size_t n = 0;
	rc = store_districts(site->store, org.id, &names, &n);
	if (rc)
		return rc;
	site->districts = json_array();
	for (size_t i = 0; i < n && site->districts; i++)
		json_array_append_new(site->districts, json_string(names[i]));
	store_strv_free(names, n);
	return site->districts ? 0 : -ENOMEM;
}

/* The key file, the intake writer thread, the CSRF key and the in-memory
 * throttles. The master key is wiped once its subkeys are derived. */
static int start_intake(struct site *site, const struct config *cfg, const char *data_dir,
                        struct buf *err)
{
	unsigned char master[KEYFILE_KEY_BYTES];
	char path[4096], db[4096];
	snprintf(path, sizeof path, "%s/%s", data_dir, SETUP_KEY_FILE);
	snprintf(db, sizeof db, "%s/%s", data_dir, SETUP_DB_FILE);
	int rc = keyfile_load(path, master, err);
	/* Another installation's key would answer every receipt "not found"
	 * and seal new reports under a key the old ones do not open. */
	if (rc == 0)
		rc = setup_key_check(site->store, master, db, path, err);
	if (rc == 0)
		rc = keyfile_derive(master, KEYFILE_CTX_CSRF, 0, site->csrf_key,
		                    sizeof site->csrf_key);
	if (rc == 0)
		rc = intake_start(site->store, site->content, master, &site->intake);
	sodium_memzero(master, sizeof master);
	if (rc) {
		if (!err->len)
			buf_printf(err, "cannot start the intake of reports: %s",
			           strerror(rc < 0 ? -rc : EINVAL));
		return rc;
	}
	rc = throttle_new(cfg->max_reports_per_minute, 60, THROTTLE_SLOTS, &site->intake_limit);
	if (rc == 0)
		rc = receipt_guard_new(FOLLOW_WRONG_PER_SOURCE, FOLLOW_WRONG_WINDOW_S,
		                       FOLLOW_WRONG_BUSY_PER_MIN, FOLLOW_WRONG_BUSY_WINDOW_S,
		                       THROTTLE_SLOTS, &site->follow_guard);
	return rc;
}

int site_open(const struct config *cfg, const char *data_dir, struct site **out, struct buf *err)
{
	struct site *site = calloc(1, sizeof *site);
	if (!site)
		return -ENOMEM;
	site->cfg = cfg;
	int rc = i18n_init(cfg->locale_dir);
	if (rc) {
		buf_printf(err, "translations in %s: cannot be used (%s)", cfg->locale_dir,
		           strerror(rc < 0 ? -rc : rc));
		goto out;
	}
	rc = content_load(cfg->content_dir, &site->content, err);
	if (rc)
		goto out;
	rc = tmpl_set_load(cfg->templates_dir, &site->tmpl, err);
	if (rc)
		goto out;
	const char *needed[] = {"layout", "error"};
	for (size_t i = 0; i < 2; i++) {
		if (!tmpl_exists(site->tmpl, needed[i])) {
			buf_printf(err, "%s/%s.html: missing", cfg->templates_dir, needed[i]);
			rc = EINVAL;
			goto out;
		}
	}
	rc = statics_load(cfg->static_dir, &site->statics, err);
	if (rc)
		goto out;
	const char *assets[] = {"vendor/signaal.css", "vendor/quick-exit.js"};
	for (size_t i = 0; i < 2; i++) {
		if (!statics_url(site->statics, assets[i])) {
			buf_printf(err,
			           "%s/%s: missing; run scripts/build-assets (make build does)",
			           cfg->static_dir, assets[i]);
			rc = EINVAL;
			goto out;
		}
	}
	rc = build_theme(site, cfg, err);
	if (rc)
		goto out;
	char db[4096];
	snprintf(db, sizeof db, "%s/%s", data_dir, SETUP_DB_FILE);
	/* Never a new, empty database: that is `signaal init`'s work. */
	rc = store_open(cfg->store_url[0] ? cfg->store_url : db, 0, &site->store, err);
	if (rc == -ENOENT) {
		buf_reset(err);
		buf_printf(err,
		           "no database in %s (%s is missing); create the data directory "
		           "with: signaal init --data %s",
		           data_dir, db, data_dir);
	}
	if (rc)
		goto out;
	rc = load_org(site, cfg, err);
	if (rc)
		goto out;
	rc = start_intake(site, cfg, data_dir, err);
	if (rc)
		goto out;
	site->pages = calloc(1, sizeof *site->pages);
	if (!site->pages) {
		rc = -ENOMEM;
		goto out;
	}
	pthread_rwlock_init(&site->pages->lock, NULL);
	for (int i = 0; i < 2; i++) {
		site->layout[i] = build_layout(site, cfg, i ? "en" : "nl");
		if (!site->layout[i]) {
			rc = -ENOMEM;
			goto out;
		}
	}
out:
	if (rc) {
		site_close(site);
		return rc;
	}
	*out = site;
	return 0;
}

void site_close(struct site *site)
{
	if (!site)
		return;
	pages_free(site->pages);
	/* The writer thread finishes queued reports before the store closes. */
	intake_stop(site->intake);
	throttle_free(site->intake_limit);
	receipt_guard_free(site->follow_guard);
	sodium_memzero(site->csrf_key, sizeof site->csrf_key);
	content_free(site->content);
	tmpl_set_free(site->tmpl);
	statics_free(site->statics);
	store_close(site->store);
	json_decref(site->districts);
	json_decref(site->layout[0]);
	json_decref(site->layout[1]);
	free(site);
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
	const json_t *l = req->site->layout[site_lang_index(req->lang)];
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
	return json_object_set_new(ctx, "nav", build_nav(req)) == 0 ? 0 : -ENOMEM;
}

int page_render(struct req *req, struct resp *resp, int status, const char *tmpl, json_t *data)
{
	struct site *site = req->site;
	json_t *ctx = data ? json_incref(data) : json_object();
	struct buf body = BUF_INIT;
	int rc = ctx ? merge_layout(req, ctx) : -ENOMEM;
	if (rc == 0)
		rc = tmpl_render(site->tmpl, tmpl, ctx, NULL, 0, i18n_tmpl_tr, (void *)req->lang,
		                 &body);
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
	if (req && req->site && req->lang) {
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
