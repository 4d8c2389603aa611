/* fuzz_site.h: the real site for harnesses that fuzz its handlers
 * (fuzz_follow, fuzz_request): a fresh data directory (`signaal init` for
 * the organisation velsen, on /dev/shm when there is one, so commits cost
 * no disk flush), the content, templates and static files of the source
 * tree and the translations of the build directory, opened with
 * site_open() as `signaal serve` does. The directory is removed at exit.
 * The site lives as long as the process. */
#ifndef SIGNAAL_FUZZ_SITE_H
#define SIGNAAL_FUZZ_SITE_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "app/config.h"
#include "app/setup.h"
#include "content/content.h"
#include "domain/intake.h"
#include "pages/page.h"
#include "site/site.h"
#include "util/log.h"

static struct config fz_cfg;
static char fz_data_dir[64];

static inline void fz_site_cleanup(void)
{
	DIR *d = opendir(fz_data_dir);
	if (!d)
		return;
	struct dirent *e;
	char p[sizeof fz_data_dir + 300];
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", fz_data_dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(fz_data_dir);
}

static inline void fz_site_fail(const char *what, const struct buf *err)
{
	fprintf(stderr, "fuzz: %s: %s\n", what, err->len ? buf_str(err) : "failed");
	abort();
}

/* Opens the site; aborts on any failure (the harness cannot run). */
static inline struct site *fz_site_open(void)
{
	const char *src = getenv("SIGNAAL_SOURCE_DIR");
	if (!src)
		src = SIGNAAL_SOURCE_DIR;
	struct buf err = BUF_INIT;
	log_set_level(LOG_ERROR);
	config_defaults(&fz_cfg);
	fz_cfg.log_access = false;
	snprintf(fz_cfg.content_dir, sizeof fz_cfg.content_dir, "%s/content", src);
	snprintf(fz_cfg.templates_dir, sizeof fz_cfg.templates_dir, "%s/templates", src);
	snprintf(fz_cfg.static_dir, sizeof fz_cfg.static_dir, "%s/static", src);
	snprintf(fz_cfg.locale_dir, sizeof fz_cfg.locale_dir, "%s/locale", SIGNAAL_BUILD_DIR);

	snprintf(fz_data_dir, sizeof fz_data_dir, "%s/signaal-fuzz-XXXXXX",
	         access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(fz_data_dir)) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(fz_site_cleanup);

	struct content *content = NULL;
	if (content_load(fz_cfg.content_dir, &content, &err) != 0)
		fz_site_fail("content", &err);
	const json_t *profile = content_org_profile(content, fz_cfg.org);
	const char *districts[64];
	size_t nd = 0, i;
	json_t *d;
	json_array_foreach(json_object_get(profile, "districts"), i, d)
	{
		if (nd < sizeof districts / sizeof districts[0])
			districts[nd++] = json_string_value(d);
	}
	struct setup_org so = {fz_cfg.org, json_string_value(json_object_get(profile, "name")),
	                       json_string_value(json_object_get(profile, "region")), districts,
	                       nd};
	if (setup_init(fz_data_dir, &so, &err) != 0)
		fz_site_fail("signaal init", &err);
	content_free(content);

	struct site *site = NULL;
	if (site_open(&fz_cfg, fz_data_dir, &site, &err) != 0)
		fz_site_fail("site", &err);
	buf_free(&err);
	return site;
}

/* Stores one anonymous report through the site's intake, as the API does,
 * and fills receipt with its receipt; aborts on failure. */
static inline void fz_site_store_report(struct site *site, char receipt[RECEIPT_TEXT_LEN + 1])
{
	static const char body[] =
	    "{\"org\": \"velsen\", \"kind\": \"report\", \"reporter_role\": \"bystander\", "
	    "\"anonymous\": true, \"acute_danger\": false, \"description\": \"Mensen slapen in "
	    "de loods.\", \"forms\": [\"labour\"]}";
	const char *names[STORE_MAX_DISTRICTS];
	struct report_org org;
	site_report_org(site->default_org, &org, names);
	struct api_report r;
	struct api_error err;
	if (api_report_parse(site->content, &org, body, sizeof body - 1, &r, &err)) {
		fprintf(stderr, "fuzz: report: %s: %s\n", err.field,
		        err.message ? err.message : "?");
		abort();
	}
	struct intake_receipt rc;
	if (intake_submit(site->intake, &org, &r.in, &rc, NULL) != 0) {
		fprintf(stderr, "fuzz: cannot store the report\n");
		abort();
	}
	api_report_free(&r);
	memcpy(receipt, rc.text, RECEIPT_TEXT_LEN + 1);
}

#endif
