/* site: everything a page handler needs, built once at start and read-only
 * afterwards (so handlers on many threads share it without locks), plus
 * page_render(), which puts a page template inside the layout.
 *
 * Owns: the loaded content, templates, static files and the store handle
 * (through site_open/site_close). */
#ifndef SIGNAAL_PAGES_SITE_H
#define SIGNAAL_PAGES_SITE_H

#include <jansson.h>
#include <stdbool.h>

#include "http/http.h"

struct config;
struct content;
struct tmpl_set;
struct store;
struct statics;
struct intake;
struct throttle;
struct receipt_guard;

struct site {
	const struct config *cfg;
	struct content *content;
	struct tmpl_set *tmpl;
	struct store *store;
	struct statics *statics;
	char org_id[ID_MAX_LEN + 1];
	char org_name[NAME_MAX_LEN + 1];
	char region[ID_MAX_LEN + 1];
	json_t *districts; /* array of district names */
	/* The durable write path of reports (domain/intake.h). */
	struct intake *intake;
	/* In-memory throttles: intake per source ([intake]
	 * max_reports_per_minute), wrong receipts per source. */
	struct throttle *intake_limit;
	struct receipt_guard *follow_guard;
	/* Key of the CSRF tokens, derived from the key file. */
	unsigned char csrf_key[32];
	/* Rendered pages by key (site_page_serve), kept for the site's life. */
	struct site_pages *pages;
	/* Layout data per language (0 = nl, 1 = en), built at start. */
	json_t *layout[2];
};

/* Builds the site from configuration and the data directory. err names
 * the file and problem; the server must not start on an error. */
int site_open(const struct config *cfg, const char *data_dir, struct site **out, struct buf *err);
void site_close(struct site *site);

/* Index of a language in site->layout. */
int site_lang_index(const char *lang);

/* Translates a Dutch msgid into the request's language. Never NULL. */
const char *page_tr(const struct req *req, const char *msgid);

/* Renders template tmpl with data (borrowed, may be NULL) inside the
 * layout, into resp with status. The template sees:
 *   site.* (name, org, region, quick_exit_url, css, js),
 *   base   ("" for Dutch, "/en" for English: prefix every site link),
 *   lang, path, plus every key of data.
 * data may set "title" (the page title, already translated). */
int page_render(struct req *req, struct resp *resp, int status, const char *tmpl, json_t *data);

/* Answers that depend only on a few inputs (the wegwijzer's) are rendered
 * once per key and kept. site_page_serve() fills resp from the kept page
 * and returns true, or returns false when there is none yet;
 * site_page_keep() keeps a rendered 200 response under key (a failure only
 * means the next request renders again). */
bool site_page_serve(struct site *site, const char *key, struct resp *resp);
void site_page_keep(struct site *site, const char *key, const struct resp *resp);

/* The error page for status (404, 405, 400, 413, 431, 500 ...). */
void page_error(struct req *req, struct resp *resp, int status);

#endif
