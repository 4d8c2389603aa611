/* site: the process-wide context and the organisations it serves. See
 * site.h. */
#include "site/site.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app/config.h"
#include "app/setup.h"
#include "content/content.h"
#include "crypto/keyfile.h"
#include "domain/followup.h"
#include "domain/draft.h"
#include "domain/intake.h"
#include "domain/reportview.h"
#include "http/client.h"
#include "http/static.h"
#include "http/throttle.h"
#include "render/tmpl.h"
#include "store/store.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/str.h"

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

static void site_pages_free(struct site_pages *p)
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

static int site_pages_new(struct site_pages **out)
{
	struct site_pages *p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	pthread_rwlock_init(&p->lock, NULL);
	*out = p;
	return 0;
}

/* The key of a page: organisation, language and the caller's key. */
static bool page_key(const struct req *req, const char *key, char *out, size_t n)
{
	int len = snprintf(out, n, "%s|%s|%s", site_org_key(req->org), req->lang, key);
	return len > 0 && (size_t)len < n;
}

bool site_page_serve(const struct req *req, const char *key_in, struct resp *resp)
{
	struct site_pages *p = req->site->pages;
	char key[SITE_PAGE_KEY_MAX];
	bool hit = false;
	if (!p || !page_key(req, key_in, key, sizeof key))
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

void site_page_keep(const struct req *req, const char *key_in, const struct resp *resp)
{
	struct site_pages *p = req->site->pages;
	char key[SITE_PAGE_KEY_MAX];
	if (!p || resp->status != 200 || resp->personal || resp->fixed || resp->nheaders ||
	    !page_key(req, key_in, key, sizeof key))
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

/* Adds the theme of two colours as static file path. where names their
 * origin in a refusal ("[site]" or a profile file). */
static int build_theme(struct site *site, const char *path, const char *primary, const char *accent,
                       const char *where, struct buf *err)
{
	/* The primary colour carries white text (WCAG 1.4.3: 4.5:1); the
	 * accent is decoration next to white (1.4.11: 3:1). */
	if (contrast_on_white(primary) < 4.5) {
		buf_printf(err,
		           "%s colour_primary: %s has too little contrast with white text "
		           "(%.1f:1, at least 4.5:1 is needed); choose a darker colour",
		           where, primary, contrast_on_white(primary));
		return EINVAL;
	}
	if (contrast_on_white(accent) < 3.0) {
		buf_printf(err,
		           "%s colour_accent: %s has too little contrast with white "
		           "(%.1f:1, at least 3:1 is needed); choose a darker colour",
		           where, accent, contrast_on_white(accent));
		return EINVAL;
	}
	struct buf css = BUF_INIT;
	int rc = buf_printf(&css,
	                    ":root {\n  --signaal-colour-primary: %s;\n"
	                    "  --signaal-colour-accent: %s;\n}\n",
	                    primary, accent);
	if (rc == 0)
		rc = statics_add(site->statics, path, css.data, css.len);
	buf_free(&css);
	return rc;
}

/* The organisation's theme: its profile's colours as theme-<id>.css, else
 * the [site] colours (theme.css). Sets org->theme_path. */
static int org_theme(struct site *site, const struct config *cfg, struct org *org, struct buf *err)
{
	const json_t *t = json_object_get(content_org_profile(site->content, org->id), "theme");
	if (!t) {
		snprintf(org->theme_path, sizeof org->theme_path, "theme.css");
		return 0;
	}
	char where[ID_MAX_LEN + 32], path[sizeof org->theme_path];
	/* Through a local: gcc's -Wrestrict cannot tell the two members apart. */
	snprintf(path, sizeof path, "theme-%s.css", org->id);
	memcpy(org->theme_path, path, sizeof path);
	snprintf(where, sizeof where, "content/orgs/%s.json: theme:", org->id);
	return build_theme(site, org->theme_path,
	                   json_string_value(json_object_get(t, "colour_primary")),
	                   json_string_value(json_object_get(t, "colour_accent")), where, err);
}

static json_t *build_layout(struct site *site, const struct org *org, const struct config *cfg,
                            const char *lang)
{
	/* [site] name renames the default organisation's site only. */
	const char *name =
	    cfg->site_name[0] && strcmp(org->id, cfg->org) == 0 ? cfg->site_name : org->name;
	json_t *s = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", name, "org", org->name,
	                      "region", org->region, "quick_exit_url", cfg->quick_exit_url, "css",
	                      statics_url(site->statics, "vendor/signaal.css"), "theme_css",
	                      statics_url(site->statics, org->theme_path), "js",
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

/* One organisation: its districts and layout data. */
static int load_org(struct site *site, const struct config *cfg, const struct store_org *so,
                    struct org *org, struct buf *err)
{
	snprintf(org->id, sizeof org->id, "%s", so->id);
	snprintf(org->name, sizeof org->name, "%s", so->name);
	snprintf(org->region, sizeof org->region, "%s", so->region);
	org->public_min_cell = so->public_min_cell;
	if (!content_region(site->content, "nl", org->region)) {
		buf_printf(err,
		           "organisation \"%s\" has region \"%s\", which content/ does not know",
		           so->id, so->region);
		return EINVAL;
	}
	char **names = NULL;
	size_t n = 0;
	int rc = store_districts(site->store, so->id, &names, &n);
	if (rc)
		return rc;
	org->districts = json_array();
	for (size_t i = 0; i < n && org->districts; i++)
		json_array_append_new(org->districts, json_string(names[i]));
	store_strv_free(names, n);
	if (!org->districts)
		return -ENOMEM;
	rc = org_theme(site, cfg, org, err);
	if (rc)
		return rc;
	for (int i = 0; i < 2; i++) {
		org->layout[i] = build_layout(site, org, cfg, i ? "en" : "nl");
		if (!org->layout[i])
			return -ENOMEM;
	}
	return 0;
}

/* Every organisation in the store, the default ([site] org) and the
 * [hosts] entries, each of which must name one of them. */
static int load_orgs(struct site *site, const struct config *cfg, struct buf *err)
{
	struct store_org *list = NULL;
	size_t n = 0;
	int rc = store_org_list(site->store, &list, &n);
	if (rc)
		return rc;
	if (n > SITE_MAX_ORGS) {
		buf_printf(err,
		           "the database holds %zu organisations; one server serves at most %u", n,
		           SITE_MAX_ORGS);
		rc = EINVAL;
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = load_org(site, cfg, &list[i], &site->orgs[site->norgs], err);
		site->norgs++;
	}
	free(list);
	if (rc)
		return rc;
	site->default_org = site_org_find(site, cfg->org);
	if (!site->default_org) {
		buf_printf(err,
		           "organisation \"%s\" ([site] org) is not in the database; create it "
		           "with: signaal init --org %s",
		           cfg->org, cfg->org);
		return EINVAL;
	}
	for (size_t i = 0; i < cfg->nhosts; i++) {
		const struct org *o = site_org_find(site, cfg->hosts[i].org);
		if (!o) {
			buf_printf(err,
			           "[hosts] %s: organisation \"%s\" is not in the database; add it "
			           "with: signaal org add --org %s",
			           cfg->hosts[i].name, cfg->hosts[i].org, cfg->hosts[i].org);
			return EINVAL;
		}
		snprintf(site->hosts[i].name, sizeof site->hosts[i].name, "%s", cfg->hosts[i].name);
		site->hosts[i].org = o;
		site->nhosts++;
	}
	return 0;
}

const struct org *site_org_find(const struct site *site, const char *id)
{
	for (size_t i = 0; id && i < site->norgs; i++)
		if (strcmp(site->orgs[i].id, id) == 0)
			return &site->orgs[i];
	return NULL;
}

const struct org *site_org_for_host(const struct site *site, const char *host)
{
	if (host) {
		/* The port is ignored; an IPv6 literal keeps its brackets. */
		const char *end = host[0] == '[' ? strchr(host, ']') : NULL;
		end = end ? end + 1 : strchr(host, ':');
		size_t len = end ? (size_t)(end - host) : strlen(host);
		for (size_t i = 0; i < site->nhosts; i++)
			if (strlen(site->hosts[i].name) == len &&
			    strncasecmp(site->hosts[i].name, host, len) == 0)
				return site->hosts[i].org;
	}
	return site->default_org;
}

const struct org *site_org_for_request(struct site *site, const struct req *req)
{
	return site_org_for_host(site, req_header(req, "Host"));
}

const char *site_org_key(const struct org *org)
{
	return org ? org->id : "";
}

void site_report_org(const struct org *org, struct report_org *out, const char **names)
{
	out->id = org->id;
	out->districts = names;
	out->ndistricts = 0;
	size_t i;
	json_t *d;
	json_array_foreach(org->districts, i, d)
	{
		if (out->ndistricts == STORE_MAX_DISTRICTS)
			break;
		if (json_is_string(d))
			names[out->ndistricts++] = json_string_value(d);
	}
}

int site_lang_index(const char *lang)
{
	return lang && strcmp(lang, "en") == 0 ? 1 : 0;
}

/* Replaces "{n}" in a translated sentence by a number, so that word order
 * stays the translator's. */
static json_t *subst_n(const char *text, unsigned n)
{
	struct buf b = BUF_INIT;
	const char *p = strstr(text, "{n}");
	json_t *s = NULL;
	bool ok = p ? buf_append(&b, text, (size_t)(p - text)) == 0 &&
	                  buf_printf(&b, "%u", n) == 0 && buf_puts(&b, p + 3) == 0
	            : buf_puts(&b, text) == 0;
	if (ok)
		s = json_string(buf_str(&b));
	buf_free(&b);
	return s;
}

json_t *site_wait_text(const struct req *req, unsigned seconds)
{
	if (seconds < 60)
		return subst_n(
		    i18n_tr(req->lang, seconds == 1 ? _("Probeer het over 1 seconde opnieuw.")
		                                    : _("Probeer het over {n} seconden opnieuw.")),
		    seconds);
	unsigned minutes = (seconds + 59) / 60;
	return subst_n(i18n_tr(req->lang, minutes == 1
	                                      ? _("Probeer het over 1 minuut opnieuw.")
	                                      : _("Probeer het over {n} minuten opnieuw.")),
	               minutes);
}

int site_retry_after(struct resp *resp, unsigned seconds)
{
	char v[16];
	snprintf(v, sizeof v, "%u", seconds ? seconds : 1);
	return resp_header(resp, "Retry-After", v);
}

/* --- The overall rate of wrong receipts, shared by every server ----------
 *
 * Kept in the database (store_throttle_*), so that guessers who spread over
 * the servers of one database are counted together: per minute of the
 * wall clock (the one clock the servers share), under a fixed name. What
 * is counted is that some receipt was wrong, never whose: no source, no
 * address, not even hashed (the per-source counts stay in each server's
 * memory). */
#define GUESS_THROTTLE "follow.wrong"
#define GUESS_WINDOW_S FOLLOW_WRONG_SHARED_WINDOW_S

static int64_t guess_window(int64_t *now)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	*now = (int64_t)ts.tv_sec;
	return *now - *now % GUESS_WINDOW_S;
}

static bool guess_busy(void *ctx)
{
	struct store *st = ctx;
	int64_t now, cur, before;
	int64_t window = guess_window(&now);
	if (store_throttle_get(st, GUESS_THROTTLE, window, GUESS_WINDOW_S, &cur, &before))
		return false; /* this server's own count still decides */
	/* The last 60 seconds: this minute's count, and the minute before's
	 * for the part of it that lies within them (a burst that straddles
	 * the turn of a minute counts whole). */
	int64_t left = GUESS_WINDOW_S - (now - window);
	return cur * GUESS_WINDOW_S + before * left >=
	       (int64_t)FOLLOW_WRONG_BUSY_PER_MIN * GUESS_WINDOW_S;
}

static void guess_wrong(void *ctx)
{
	struct store *st = ctx;
	int64_t now;
	int rc = store_throttle_hit(st, GUESS_THROTTLE, guess_window(&now), GUESS_WINDOW_S);
	if (rc)
		log_warn("follow: a wrong receipt was not counted for every server: %s",
		         store_strerror(rc));
}

/* The key file, the intake writer thread, the CSRF and audit keys and the
 * in-memory throttles (the overall rate of wrong receipts also in the
 * database).
 * The master key is wiped once its subkeys are derived. */
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
		rc = audit_key_derive(master, &site->audit_key);
	if (rc == 0) {
		rc = audit_group_init(&site->audit_group);
		site->audit_group_ready = rc == 0;
	}
	if (rc == 0)
		rc = audit_group_start(&site->audit_group, site->store, &site->audit_key);
	if (rc == 0)
		rc = report_reader_new(master, &site->reader);
	if (rc == 0)
		rc = accounts_init(&site->accounts, site->store, master);
	if (rc == 0) {
		site->accounts.idle_s = cfg->staff_idle_timeout;
		site->accounts.absolute_s = cfg->staff_absolute_timeout;
	}
	if (rc == 0)
		rc = intake_start(site->store, site->content, master, &site->intake);
	if (rc == 0)
		rc = drafts_open(site->store, master, &site->drafts);
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
	if (rc == 0 && FOLLOW_WRONG_BUSY_PER_MIN > 0)
		receipt_guard_share(site->follow_guard, &(struct receipt_guard_shared){
		                                            guess_busy, guess_wrong, site->store});
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
	rc = build_theme(site, "theme.css", cfg->colour_primary, cfg->colour_accent, "[site]", err);
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
	rc = load_orgs(site, cfg, err);
	if (rc)
		goto out;
	rc = start_intake(site, cfg, data_dir, err);
	if (rc)
		goto out;
	rc = site_pages_new(&site->pages);
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
	site_pages_free(site->pages);
	/* The writer thread finishes queued reports before the store closes. */
	intake_stop(site->intake);
	drafts_close(site->drafts);
	throttle_free(site->intake_limit);
	receipt_guard_free(site->follow_guard);
	sodium_memzero(site->csrf_key, sizeof site->csrf_key);
	/* Its writer writes the queued entries before the key goes. */
	if (site->audit_group_ready)
		audit_group_destroy(&site->audit_group);
	site->audit_group_ready = false;
	audit_key_wipe(&site->audit_key);
	report_reader_free(site->reader);
	content_free(site->content);
	tmpl_set_free(site->tmpl);
	statics_free(site->statics);
	store_close(site->store);
	for (size_t i = 0; i < site->norgs; i++) {
		json_decref(site->orgs[i].districts);
		json_decref(site->orgs[i].layout[0]);
		json_decref(site->orgs[i].layout[1]);
	}
	free(site);
}

static unsigned source_wait(void *ctx)
{
	struct site_source_guard *g = ctx;
	return receipt_guard_wait(g->guard, g->src);
}

static void source_wrong(void *ctx)
{
	struct site_source_guard *g = ctx;
	receipt_guard_wrong(g->guard, g->src);
}

void site_follow_guard(const struct req *req, struct site_source_guard *g,
                       struct followup_guard *guard)
{
	g->guard = req->site->follow_guard;
	client_key(req, g->src);
	*guard = (struct followup_guard){.wait = source_wait, .wrong = source_wrong, .ctx = g};
}
