/* site: the process-wide context every handler shares, and the
 * organisations it serves. Built once at start and read-only afterwards
 * (so handlers on many threads share it without locks). It sits below
 * pages/ and api/, which both use it; the route table (src/routes.c) sits
 * above them.
 *
 * A request carries its organisation (req->org): the public site resolves
 * it from the Host header through [hosts], else [site] org
 * (site_org_for_request()); handlers never reach for a process-wide "the"
 * organisation.
 *
 * Owns: the loaded content, templates, static files, the store handle, the
 * intake writer, the CSRF key, the throttles and every organisation (with
 * its districts and layout data), through site_open/site_close. */
#ifndef SIGNAAL_SITE_SITE_H
#define SIGNAAL_SITE_SITE_H

#include <jansson.h>
#include <stdbool.h>

#include "audit/audit.h"
#include "audit/group.h"
#include "domain/accounts.h"
#include "domain/report.h"
#include "http/http.h"

struct config;
struct content;
struct tmpl_set;
struct store;
struct statics;
struct intake;
struct throttle;
struct receipt_guard;
struct site_pages;
struct report_reader;

/* One organisation served by this process. */
struct org {
	char id[ID_MAX_LEN + 1];
	char name[NAME_MAX_LEN + 1];
	char region[ID_MAX_LEN + 1];
	json_t *districts; /* array of district names */
	/* Its settings (the organisations table): counts below this are
	 * shown as "<N" in public figures. */
	int public_min_cell;
	/* Its theme among the static files: "theme.css" ([site] colours)
	 * or "theme-<id>.css" (its profile's colours). */
	char theme_path[ID_MAX_LEN + 16];
	/* Layout data per language (0 = nl, 1 = en), built at start. */
	json_t *layout[2];
};

/* A [hosts] entry resolved to its organisation. */
struct site_host {
	char name[CONFIG_MAX_HOSTNAME + 1]; /* lower case, no port */
	const struct org *org;
};

struct site {
	const struct config *cfg;
	struct content *content;
	struct tmpl_set *tmpl;
	struct store *store;
	struct statics *statics;
	/* Every organisation in the store, ordered by id. */
	struct org orgs[SITE_MAX_ORGS];
	size_t norgs;
	/* [site] org: served when no [hosts] entry matches. */
	const struct org *default_org;
	struct site_host hosts[CONFIG_MAX_HOSTS];
	size_t nhosts;
	/* The durable write path of reports (domain/intake.h). */
	struct intake *intake;
	/* Drafts of the report form (domain/draft.h). */
	struct drafts *drafts;
	/* In-memory throttles: intake per source ([intake]
	 * max_reports_per_minute), wrong receipts per source; the overall
	 * rate of wrong receipts also in the database, shared by every
	 * server on it (site.c). */
	struct throttle *intake_limit;
	struct receipt_guard *follow_guard;
	/* Key of the CSRF tokens, derived from the key file. */
	unsigned char csrf_key[32];
	/* Opens sealed reports for staff (domain/reportview.h), from the key
	 * file. */
	struct report_reader *reader;
	/* Key of the audit log's chain (audit_append()), from the key file. */
	struct audit_key audit_key;
	/* Group commit of the audit entries of report views (audit/group.h). */
	struct audit_group audit_group;
	bool audit_group_ready;
	/* Staff accounts, sessions and tokens (their keys derived from the
	 * key file); accounts.store is NULL until started. */
	struct accounts accounts;
	/* Rendered pages by organisation, language and key
	 * (site_page_serve), kept for the site's life. */
	struct site_pages *pages;
};

/* Builds the site from configuration and the data directory. err names
 * the file and problem; the server must not start on an error. */
int site_open(const struct config *cfg, const char *data_dir, struct site **out, struct buf *err);
void site_close(struct site *site);

/* The organisation served on host (a Host header: port ignored, case
 * insensitive; may be NULL): its [hosts] entry, else the default. */
const struct org *site_org_for_host(const struct site *site, const char *host);
/* The same for a request (its Host header); the server's hook. */
const struct org *site_org_for_request(struct site *site, const struct req *req);
/* The organisation's id, the key the page caches keep its pages under. */
const char *site_org_key(const struct org *org);
/* The organisation with id, or NULL. */
const struct org *site_org_find(const struct site *site, const char *id);

/* The organisation as the domain's rules see it, for report_check() and
 * the intake. names must hold STORE_MAX_DISTRICTS entries; out borrows
 * from org and names. */
void site_report_org(const struct org *org, struct report_org *out, const char **names);

/* Index of a language in org->layout. */
int site_lang_index(const char *lang);

/* Answers that depend only on a few inputs (the wegwijzer's) are rendered
 * once per organisation, language and key and kept. site_page_serve()
 * fills resp from the kept page and returns true, or returns false when
 * there is none yet; site_page_keep() keeps a rendered 200 response (a
 * failure only means the next request renders again). key is at most
 * SITE_PAGE_KEY_MAX - ID_MAX_LEN - 8 bytes. */
bool site_page_serve(const struct req *req, const char *key, struct resp *resp);
void site_page_keep(const struct req *req, const char *key, const struct resp *resp);

/* "Probeer het over 3 minuten opnieuw." in the request's language. */
json_t *site_wait_text(const struct req *req, unsigned seconds);
/* Sets Retry-After: seconds. */
int site_retry_after(struct resp *resp, unsigned seconds);

struct followup_guard;

/* The receipt guard of a request's source (http/throttle.h) as the
 * follow-up flow wants it (domain/followup.h), which knows no address:
 * guard points into g, which must outlive it. */
struct site_source_guard {
	struct receipt_guard *guard;
	unsigned char src[16];
};
void site_follow_guard(const struct req *req, struct site_source_guard *g,
                       struct followup_guard *guard);

#endif
