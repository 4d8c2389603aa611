/* audit: `signaal audit verify` and `signaal audit list`, and the glue
 * the other commands use to write their own audit entries (actor: the OS
 * user, "cli:NAME").
 *
 * verify checks the whole chain with the key file of the data directory
 * and names the first bad entry (exit 1 then); list prints entries, one
 * per line: "SEQ<TAB>TIME<TAB>ACTOR<TAB>ORG<TAB>ACTION<TAB>OBJECT<TAB>RESULT"
 * ("-" for an empty field). */
#include "cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "app/setup.h"
#include "crypto/keyfile.h"
#include "store/audit.h"
#include "store/store.h"
#include "util/buf.h"

void cli_audit_actor(char out[AUDIT_ACTOR_MAX_LEN + 1])
{
	struct passwd pw, *res = NULL;
	char tmp[1024];
	uid_t uid = geteuid();
	if (getpwuid_r(uid, &pw, tmp, sizeof tmp, &res) == 0 && res &&
	    audit_actor_cli(out, res->pw_name) == 0)
		return;
	/* No name, or one that is no plain identifier: the number. */
	char num[32];
	snprintf(num, sizeof num, "uid-%u", (unsigned)uid);
	audit_actor_cli(out, num);
}

int cli_audit_key(const char *data_dir, struct audit_key *key)
{
	struct buf path = BUF_INIT, err = BUF_INIT;
	unsigned char master[KEYFILE_KEY_BYTES];
	int rc = buf_printf(&path, "%s/%s", data_dir, SETUP_KEY_FILE);
	if (!rc)
		rc = keyfile_load(buf_str(&path), master, &err);
	if (!rc)
		rc = audit_key_derive(master, key);
	if (rc)
		fprintf(stderr, "signaal: %s\n",
		        err.len ? buf_str(&err) : "cannot read the key file for the audit log");
	sodium_memzero(master, sizeof master);
	buf_free(&path);
	buf_free(&err);
	return rc ? CLI_EXIT_USER : 0;
}

void cli_audit_say(int rc)
{
	if (rc == AUDIT_BROKEN)
		fprintf(stderr, "signaal: the audit log does not verify, so nothing is done that "
		                "it should record; run signaal audit verify\n");
	else if (rc)
		fprintf(stderr, "signaal: cannot write the audit log: %s\n",
		        store_strerror(rc < 0 ? rc : -EIO));
}

int cli_audit_record(struct store *s, const char *data_dir, enum audit_action action,
                     const char *org, const char *object, enum audit_result result)
{
	struct audit_key key;
	char actor[AUDIT_ACTOR_MAX_LEN + 1];
	int rc = cli_audit_key(data_dir, &key);
	if (rc)
		return rc;
	cli_audit_actor(actor);
	struct audit_entry e = {actor, org, action, object, result};
	rc = audit_append_alone(s, &key, &e);
	audit_key_wipe(&key);
	cli_audit_say(rc);
	return rc ? CLI_EXIT_USER : 0;
}

/* Opens the store of the data directory ([store] url, else DIR/signaal.db,
 * which must exist). */
static int open_existing(const struct cli_args *a, const struct config *cfg, struct store **s)
{
	struct buf url = BUF_INIT, err = BUF_INIT;
	int rc = setup_store_url(cfg->store_url, a->data_dir, &url);
	if (!rc && !strstr(buf_str(&url), "://") && access(buf_str(&url), F_OK) != 0) {
		fprintf(stderr, "signaal: %s: no database here; run signaal init --data %s first\n",
		        a->data_dir, a->data_dir);
		rc = CLI_EXIT_USER;
		goto out;
	}
	if (!rc)
		rc = store_open(buf_str(&url), 0, s, &err);
	if (rc) {
		fprintf(stderr, "signaal: %s\n",
		        err.len ? buf_str(&err) : strerror(rc < 0 ? -rc : EIO));
		rc = CLI_EXIT_USER;
	}
out:
	buf_free(&url);
	buf_free(&err);
	return rc;
}

static int verify(const struct cli_args *a, const struct config *cfg)
{
	struct audit_key key;
	struct store *s = NULL;
	int rc = cli_audit_key(a->data_dir, &key);
	if (rc)
		return rc;
	rc = open_existing(a, cfg, &s);
	if (rc)
		goto out;
	struct audit_verdict v;
	int e = audit_verify(s, &key, &v);
	if (e) {
		fprintf(stderr, "signaal: cannot read the audit log: %s\n", store_strerror(e));
		rc = CLI_EXIT_USER;
	} else if (!v.ok) {
		fprintf(stderr,
		        "signaal: audit log broken at entry %" PRId64 ": %s\n"
		        "signaal: entries 1 to %" PRId64 " verify; the signed count is %" PRId64
		        "\n",
		        v.bad, v.why, v.seen, v.count);
		rc = CLI_EXIT_USER;
	} else if (v.count == 0) {
		printf("audit log ok: no entries yet\n");
	} else {
		/* The head MAC printed lets an operator keep it elsewhere: a
		 * database rolled back as a whole verifies, but not against a
		 * head kept outside it. */
		printf("audit log ok: %" PRId64 " entries, head %s\n", v.count, v.head_mac);
	}
out:
	audit_key_wipe(&key);
	store_close(s);
	return rc;
}

struct list_ctx {
	const struct cli_args *a;
	int64_t last;
	size_t rows;
	int err;
};

static const char *dash(const char *s)
{
	return *s ? s : "-";
}

/* Whether row's actor is a->actor: the whole actor, or its name after
 * "cli:" or "user:". */
static bool actor_matches(const char *actor, const char *want)
{
	const char *colon = strchr(actor, ':');
	return strcmp(actor, want) == 0 || (colon && strcmp(colon + 1, want) == 0);
}

static int list_row(void *vctx, const struct store_audit_row *r)
{
	struct list_ctx *l = vctx;
	l->last = r->seq;
	l->rows++;
	if (l->a->since && strcmp(r->at, l->a->since) < 0)
		return 0;
	if (l->a->actor && !actor_matches(r->actor, l->a->actor))
		return 0;
	if (l->a->action && strcmp(r->action, l->a->action) != 0)
		return 0;
	if (printf("%" PRId64 "\t%s\t%s\t%s\t%s\t%s\t%s\n", r->seq, r->at, r->actor, dash(r->org),
	           r->action, dash(r->object), r->result) < 0)
		return -EIO;
	return 0;
}

static bool date_ok(const char *s)
{
	if (strlen(s) != 10)
		return false;
	for (int i = 0; i < 10; i++) {
		bool dash_at = i == 4 || i == 7;
		if (dash_at ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return false;
	}
	return true;
}

static int list(const struct cli_args *a, const struct config *cfg)
{
	if (a->since && !date_ok(a->since)) {
		fprintf(stderr, "signaal: --since: \"%s\" is not a date (YYYY-MM-DD)\n", a->since);
		return CLI_EXIT_USAGE;
	}
	if (a->action && audit_action_find(a->action) < 0) {
		fprintf(stderr, "signaal: --action: not an action; one of:");
		for (int i = 0; i < AUDIT__COUNT; i++)
			fprintf(stderr, " %s", audit_actions[i]);
		fputc('\n', stderr);
		return CLI_EXIT_USAGE;
	}
	struct store *s = NULL;
	int rc = open_existing(a, cfg, &s);
	if (rc)
		return rc;
	struct list_ctx l = {.a = a};
	do {
		l.rows = 0;
		rc = store_audit_range(s, l.last, INT64_MAX, AUDIT_VERIFY_BATCH, list_row, &l);
	} while (!rc && l.rows == AUDIT_VERIFY_BATCH);
	if (!rc && fflush(stdout))
		rc = -EIO;
	if (rc) {
		fprintf(stderr, "signaal: cannot read the audit log: %s\n",
		        store_strerror(rc < 0 ? rc : -EIO));
		rc = CLI_EXIT_USER;
	}
	store_close(s);
	return rc;
}

int cli_audit(const struct cli_args *a, const struct config *cfg)
{
	static const char use[] = "usage: signaal audit verify | signaal audit list [--since DATE] "
	                          "[--actor LOGIN] [--action A]";
	if (a->nrest == 1 && strcmp(a->rest[0], "verify") == 0) {
		if (a->since || a->actor || a->action) {
			fprintf(stderr, "signaal: audit verify takes no options\n%s\n", use);
			return CLI_EXIT_USAGE;
		}
		return verify(a, cfg);
	}
	if (a->nrest == 1 && strcmp(a->rest[0], "list") == 0)
		return list(a, cfg);
	fprintf(stderr, "signaal: audit takes verify or list\n%s\n", use);
	return CLI_EXIT_USAGE;
}
