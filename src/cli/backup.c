/* backup: `signaal backup FILE` and `signaal restore FILE [--force]`
 * (contract.md, "The binary").
 *
 * A backup is a consistent copy taken while servers run (store_backup:
 * SQLite's online backup, PostgreSQL's pg_dump). It holds no key: the key
 * file is backed up separately. Restore refuses a backup whose key check
 * value is not that of the key file in the data directory (the reports in
 * it could never be opened), and a store that holds reports unless
 * --force; then it replaces the store all or nothing, opens it again
 * (applying migrations a backup of an older version lacks) and checks the
 * key once more as every start does.
 *
 * Both are audited (actor: the OS user): a backup before it is made (the
 * copy holds its entry), a restore in the restored log. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "app/setup.h"
#include "crypto/keyfile.h"
#include "store/store.h"
#include "util/buf.h"

/* The store's URL ([store] url, else DIR/signaal.db) into url, and a name
 * for messages into where: never the URL, which may hold a password. */
static int store_url(const struct cli_args *a, const struct config *cfg, struct buf *url,
                     const char **where)
{
	int rc = setup_store_url(cfg->store_url, a->data_dir, url);
	*where = strstr(buf_str(url), "://") ? "the PostgreSQL database" : buf_str(url);
	return rc;
}

static int one_file(const struct cli_args *a, const char *cmd, const char **file)
{
	if (a->nrest != 1 || !*a->rest[0]) {
		fprintf(stderr, "signaal: %s takes one FILE\nusage: signaal %s FILE%s\n", cmd, cmd,
		        strcmp(cmd, "restore") == 0 ? " [--force]" : "");
		return CLI_EXIT_USAGE;
	}
	*file = a->rest[0];
	return 0;
}

int cli_backup(const struct cli_args *a, const struct config *cfg)
{
	const char *file, *where;
	int rc = one_file(a, "backup", &file);
	if (rc)
		return rc;
	struct buf url = BUF_INIT, err = BUF_INIT;
	struct store *s = NULL;
	rc = store_url(a, cfg, &url, &where);
	if (!rc)
		rc = store_open(buf_str(&url), 0, &s, &err);
	if (rc) {
		fprintf(stderr, "signaal: %s\n",
		        err.len ? buf_str(&err) : strerror(rc < 0 ? -rc : EIO));
		rc = CLI_EXIT_USER;
		goto out;
	}
	/* Recorded first, so that the backup holds its own entry; a backup
	 * that cannot be recorded is not made. A file in the way refuses it
	 * before an entry says it was made (store_backup checks again). */
	struct stat sb;
	if (stat(file, &sb) == 0) {
		fprintf(stderr, "signaal: %s exists already: a backup never overwrites a file\n",
		        file);
		rc = CLI_EXIT_USER;
		goto out;
	}
	if (cli_audit_record(s, a->data_dir, AUDIT_STORE_BACKUP, NULL, NULL, AUDIT_OK)) {
		rc = CLI_EXIT_USER;
		goto out;
	}
	rc = store_backup(s, file);
	if (rc && rc != -EEXIST)
		cli_audit_record(s, a->data_dir, AUDIT_STORE_BACKUP, NULL, NULL, AUDIT_FAILED);
	if (rc == -EEXIST)
		fprintf(stderr, "signaal: %s exists already: a backup never overwrites a file\n",
		        file);
	else if (rc)
		fprintf(stderr, "signaal: cannot back up %s to %s: %s\n", where, file,
		        strerror(rc < 0 ? -rc : EIO));
	else
		printf("backup of %s written to %s; it holds no key: keep %s/%s safe separately\n",
		       where, file, a->data_dir, SETUP_KEY_FILE);
	rc = rc ? CLI_EXIT_USER : 0;
out:
	store_close(s);
	buf_free(&url);
	buf_free(&err);
	return rc;
}

/* Whether the backup's key check value is that of master: 0, or
 * CLI_EXIT_USER with the reason on stderr. */
static int check_backup_key(struct store *s, const char *file, const char *keypath,
                            const unsigned char master[KEYFILE_KEY_BYTES])
{
	char want[KEYFILE_CHECK_HEX + 1];
	struct buf have = BUF_INIT;
	int rc = keyfile_check_value(master, want);
	if (rc) {
		fprintf(stderr, "signaal: cannot compute the key check of %s\n", keypath);
		goto out;
	}
	rc = store_backup_setting(s, file, SETUP_KEY_CHECK, &have);
	if (rc == -EINVAL)
		fprintf(stderr,
		        "signaal: %s is not a backup of a %s store made by signaal backup\n", file,
		        store_backend(s));
	else if (rc == STORE_NOT_FOUND)
		fprintf(stderr, "signaal: %s holds no key check value: not a backup of Signaal\n",
		        file);
	else if (rc)
		fprintf(stderr, "signaal: cannot read %s: %s\n", file,
		        strerror(rc < 0 ? -rc : EIO));
	else if (have.len != KEYFILE_CHECK_HEX ||
	         sodium_memcmp(have.data, want, KEYFILE_CHECK_HEX) != 0) {
		fprintf(stderr,
		        "signaal: %s was made by another installation: key file %s is not its "
		        "key, so its reports could never be opened. Put that installation's key "
		        "file in place (from its own backup) and restore again\n",
		        file, keypath);
		rc = 1;
	}
out:
	buf_free(&have);
	sodium_memzero(want, sizeof want);
	return rc ? CLI_EXIT_USER : 0;
}

int cli_restore(const struct cli_args *a, const struct config *cfg)
{
	const char *file, *where;
	int rc = one_file(a, "restore", &file);
	if (rc)
		return rc;
	struct buf url = BUF_INIT, err = BUF_INIT, keypath = BUF_INIT;
	struct store *s = NULL;
	unsigned char master[KEYFILE_KEY_BYTES];
	struct stat sb;
	rc = CLI_EXIT_USER;
	if (stat(file, &sb) != 0) {
		fprintf(stderr, "signaal: %s: %s\n", file, strerror(errno));
		goto out;
	}
	if (buf_printf(&keypath, "%s/%s", a->data_dir, SETUP_KEY_FILE) ||
	    store_url(a, cfg, &url, &where))
		goto out;
	if (keyfile_load(buf_str(&keypath), master, &err) != 0) {
		fprintf(stderr,
		        "signaal: %s\nsignaal: restore needs the key file of the installation the "
		        "backup was made of in %s\n",
		        err.len ? buf_str(&err) : buf_str(&keypath), a->data_dir);
		goto out;
	}
	int e = store_open(buf_str(&url), STORE_OPEN_CREATE, &s, &err);
	if (e) {
		fprintf(stderr, "signaal: %s\n",
		        err.len ? buf_str(&err) : strerror(e < 0 ? -e : EIO));
		goto out;
	}
	if (check_backup_key(s, file, buf_str(&keypath), master))
		goto out;
	bool any;
	e = store_holds_reports(s, &any);
	if (e) {
		fprintf(stderr, "signaal: cannot read %s: %s\n", where, strerror(-e));
		goto out;
	}
	if (any && !a->force) {
		fprintf(stderr,
		        "signaal: %s holds reports, which restoring would replace. Make a backup "
		        "of them first; add --force to replace them\n",
		        where);
		goto out;
	}
	e = store_restore(s, file);
	store_close(s);
	s = NULL;
	if (e) {
		fprintf(stderr, "signaal: cannot restore %s into %s: %s; nothing was changed\n",
		        file, where, strerror(e < 0 ? -e : EIO));
		goto out;
	}
	/* Opening migrates an older backup; the key is checked as at start. */
	buf_reset(&err);
	e = store_open(buf_str(&url), 0, &s, &err);
	if (!e)
		e = setup_key_check(s, master, where, buf_str(&keypath), &err);
	if (e) {
		fprintf(stderr, "signaal: after restoring %s: %s\n", file,
		        err.len ? buf_str(&err) : strerror(e < 0 ? -e : EIO));
		goto out;
	}
	/* The restored log goes on with this restore (the backup's key, so
	 * its chain's key); entries written after the backup are gone with
	 * the rest of what it replaced. */
	if (cli_audit_record(s, a->data_dir, AUDIT_STORE_RESTORE, NULL, NULL, AUDIT_OK)) {
		fprintf(stderr, "signaal: %s was restored into %s, but without its audit entry\n",
		        file, where);
		goto out;
	}
	printf("restored %s into %s\n", file, where);
	rc = 0;
out:
	sodium_memzero(master, sizeof master);
	store_close(s);
	buf_free(&url);
	buf_free(&err);
	buf_free(&keypath);
	return rc;
}
