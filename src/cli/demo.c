/* demo: the `--demo` part of `signaal init` (cli.h): opens the store and
 * key file init has just made and adds the example reports of app/demo. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "app/demo.h"
#include "app/setup.h"
#include "audit/audit.h"
#include "cli/cli.h"
#include "crypto/keyfile.h"
#include "domain/workdays.h"
#include "store/store.h"

int cli_demo(const char *data_dir, const struct config *cfg, const struct content *content,
             const char *org)
{
	struct buf url = BUF_INIT, err = BUF_INIT, keypath = BUF_INIT;
	struct store *s = NULL;
	unsigned char master[KEYFILE_KEY_BYTES];
	int rc = CLI_EXIT_USER;
	if (setup_store_url(cfg->store_url, data_dir, &url) ||
	    buf_printf(&keypath, "%s/%s", data_dir, SETUP_KEY_FILE))
		goto out;
	if (keyfile_load(buf_str(&keypath), master, &err) != 0 ||
	    store_open(buf_str(&url), 0, &s, &err) != 0) {
		fprintf(stderr, "signaal: %s\n", buf_str(&err));
		goto out;
	}
	char today[WORKDAYS_DATE_BUF];
	workdays_today(today);
	size_t added = 0;
	char actor[AUDIT_ACTOR_MAX_LEN + 1];
	cli_audit_actor(actor);
	int e = demo_load(s, content, cfg->content_dir, master, org, actor, today, &added, &err);
	if (e == DEMO_HAS_REPORTS) {
		printf("no example reports added: %s\n", buf_str(&err));
		rc = CLI_EXIT_OK;
	} else if (e) {
		fprintf(stderr, "signaal: %s\n", buf_str(&err));
	} else {
		printf("%zu example reports added to %s (every text starts with " DEMO_MARK ")\n",
		       added, org);
		/* Recorded like an import, by whoever ran init. */
		rc = cli_audit_record(s, data_dir, AUDIT_REPORT_IMPORT, org, "demo", AUDIT_OK);
	}
out:
	sodium_memzero(master, sizeof master);
	store_close(s);
	buf_free(&url);
	buf_free(&err);
	buf_free(&keypath);
	return rc;
}
