#include "app/setup.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "crypto/keyfile.h"
#include "crypto/seal.h"
#include "limits.h"
#include "store/store.h"
#include "util/str.h"

static int check_input(const struct setup_org *org, struct buf *err)
{
	if (!str_is_id(org->id, ID_MAX_LEN)) {
		buf_printf(err, "organisation id must be 1-%u characters of a-z 0-9 _ -",
		           ID_MAX_LEN);
		return SETUP_BAD_INPUT;
	}
	if (!str_is_id(org->region, ID_MAX_LEN)) {
		buf_printf(err, "region id must be 1-%u characters of a-z 0-9 _ -", ID_MAX_LEN);
		return SETUP_BAD_INPUT;
	}
	size_t n = org->name ? strlen(org->name) : 0;
	if (n == 0 || n > NAME_MAX_LEN || !str_text_valid(org->name, n, false)) {
		buf_printf(err, "organisation name must be one line of 1-%u bytes", NAME_MAX_LEN);
		return SETUP_BAD_INPUT;
	}
	if (org->ndistricts > STORE_MAX_DISTRICTS || (org->ndistricts && !org->districts)) {
		buf_printf(err, "at most %u districts", STORE_MAX_DISTRICTS);
		return SETUP_BAD_INPUT;
	}
	for (size_t i = 0; i < org->ndistricts; i++) {
		const char *d = org->districts[i];
		n = d ? strlen(d) : 0;
		if (n == 0 || n > NAME_MAX_LEN || !str_text_valid(d, n, false)) {
			buf_printf(err, "district %zu: a name must be one line of 1-%u bytes",
			           i + 1, NAME_MAX_LEN);
			return SETUP_BAD_INPUT;
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(d, org->districts[j]) == 0) {
				buf_printf(err, "district '%s' is listed twice", d);
				return SETUP_BAD_INPUT;
			}
		}
	}
	return 0;
}

static int make_dir(const char *dir, struct buf *err)
{
	struct stat st;
	if (mkdir(dir, 0700) == 0) {
		/* umask may have taken bits away; it must be exactly 0700. */
		if (chmod(dir, 0700)) {
			int rc = -errno;
			buf_printf(err, "cannot set mode 0700 on %s: %s", dir, strerror(-rc));
			return rc;
		}
		return 0;
	}
	if (errno != EEXIST) {
		int rc = -errno;
		buf_printf(err, "cannot create data directory %s: %s", dir, strerror(-rc));
		return rc;
	}
	/* stat, not lstat: an administrator may point DIR at other storage
	 * with a symbolic link; what matters is the directory it names. */
	if (stat(dir, &st)) {
		int rc = -errno;
		buf_printf(err, "cannot inspect %s: %s", dir, strerror(-rc));
		return rc;
	}
	if (!S_ISDIR(st.st_mode)) {
		buf_printf(err, "%s exists and is not a directory", dir);
		return SETUP_UNSAFE;
	}
	if (st.st_uid != geteuid()) {
		buf_printf(err, "data directory %s belongs to another user (uid %u)", dir,
		           (unsigned)st.st_uid);
		return SETUP_UNSAFE;
	}
	if (st.st_mode & 077) {
		buf_printf(err,
		           "data directory %s has mode %04o: other users could reach the reports; "
		           "run: chmod 700 %s",
		           dir, (unsigned)(st.st_mode & 07777), dir);
		return SETUP_UNSAFE;
	}
	return 0;
}

static int ensure_key(const char *path, struct buf *err)
{
	unsigned char master[KEYFILE_KEY_BYTES];
	int rc = keyfile_create(path);
	if (rc == 0)
		return 0;
	if (rc != -EEXIST) {
		buf_printf(err, "cannot create key file %s: %s", path, strerror(-rc));
		return rc;
	}
	/* An existing key is kept: reports sealed with it would be lost
	 * otherwise. It is still checked, so a broken one is found now. */
	rc = keyfile_load(path, master, err);
	sodium_memzero(master, sizeof master);
	if (rc == KEYFILE_INSECURE)
		rc = SETUP_UNSAFE;
	else if (rc == KEYFILE_FORMAT)
		rc = SETUP_BAD_KEY;
	return rc;
}

/* A database without its key holds sealed fields nobody can open any more;
 * a fresh key would hide that until someone needs them. Refuse instead. */
static int missing_key_check(const char *dir, struct buf *err)
{
	struct buf db = BUF_INIT, key = BUF_INIT;
	struct stat st;
	int rc = buf_printf(&db, "%s/%s", dir, SETUP_DB_FILE);
	if (!rc)
		rc = buf_printf(&key, "%s/%s", dir, SETUP_KEY_FILE);
	if (!rc && lstat(buf_str(&db), &st) == 0 && lstat(buf_str(&key), &st) != 0 &&
	    errno == ENOENT) {
		buf_printf(err,
		           "%s exists but its key file %s is missing; restore the key from a "
		           "backup (a new key could not open what the old one sealed)",
		           buf_str(&db), buf_str(&key));
		rc = SETUP_BAD_KEY;
	}
	buf_free(&db);
	buf_free(&key);
	return rc;
}

static void say_foreign_key(const char *db_path, const char *key_path, struct buf *err)
{
	buf_printf(err,
	           "key file %s does not belong to database %s: it is the key of another "
	           "installation (or a new one made by mistake). With it, existing reports "
	           "cannot be opened or followed and new ones would be sealed under a "
	           "different key. Put this installation's own key file back (from its "
	           "backup) and start again",
	           key_path, db_path);
}

/* Whether master opens a sealed report of the database (true when there
 * is none to try). */
static int opens_sample(struct store *s, const unsigned char master[32], bool *opens)
{
	struct buf sealed = BUF_INIT, plain = BUF_INIT;
	struct seal_key k;
	int64_t id = 0;
	*opens = true;
	int rc = store_report_sealed_sample(s, &id, &sealed);
	if (rc == STORE_NOT_FOUND)
		return 0;
	if (!rc)
		rc = seal_key_derive(master, &k);
	if (rc)
		goto out;
	rc = seal_decrypt(&k, (uint64_t)id, SEAL_REPORT, sealed.data, sealed.len, &plain);
	seal_key_wipe(&k);
	if (rc == SEAL_INVALID) {
		*opens = false;
		rc = 0;
	}
out:
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	buf_free(&plain);
	buf_free(&sealed);
	return rc > 0 ? -EIO : rc;
}

struct record_ctx {
	const char *want;
	bool other; /* another key's value was there already */
};

static int record_check_txn(struct store_tx *tx, void *vctx)
{
	struct record_ctx *r = vctx;
	struct buf have = BUF_INIT;
	r->other = false;
	int rc = store_tx_setting_get(tx, SETUP_KEY_CHECK, &have);
	if (rc == 0)
		r->other = have.len != KEYFILE_CHECK_HEX ||
		           sodium_memcmp(have.data, r->want, KEYFILE_CHECK_HEX) != 0;
	else if (rc == STORE_NOT_FOUND)
		rc = store_tx_setting_set(tx, SETUP_KEY_CHECK, r->want);
	buf_free(&have);
	return rc;
}

int setup_key_check(struct store *s, const unsigned char master[32], const char *db_path,
                    const char *key_path, struct buf *err)
{
	char want[KEYFILE_CHECK_HEX + 1];
	struct buf have = BUF_INIT;
	int rc = keyfile_check_value(master, want);
	if (rc) {
		buf_printf(err, "cannot compute the key check of %s", key_path);
		goto out;
	}
	rc = store_setting_get(s, SETUP_KEY_CHECK, &have);
	if (rc == 0) {
		if (have.len != KEYFILE_CHECK_HEX ||
		    sodium_memcmp(have.data, want, KEYFILE_CHECK_HEX) != 0) {
			say_foreign_key(db_path, key_path, err);
			rc = SETUP_BAD_KEY;
		}
		goto out;
	}
	if (rc != STORE_NOT_FOUND) {
		buf_printf(err, "cannot read the key check of %s: %s", db_path,
		           store_strerror(rc < 0 ? rc : -EIO));
		rc = rc < 0 ? rc : -EIO;
		goto out;
	}
	/* A database from before key check values (or from an init that
	 * stopped half-way) gets the value of the key it is opened with now.
	 * That is safe: it trusts this key no more than every start before
	 * did, which took any key without a word; and a key that cannot open
	 * a report already sealed here is refused rather than recorded, so a
	 * key swapped before the upgrade is caught too whenever the database
	 * holds a sealed report. From then on every start compares. */
	bool opens;
	rc = opens_sample(s, master, &opens);
	if (rc) {
		buf_printf(err, "cannot read a report of %s to check the key: %s", db_path,
		           store_strerror(rc));
		goto out;
	}
	if (!opens) {
		say_foreign_key(db_path, key_path, err);
		rc = SETUP_BAD_KEY;
		goto out;
	}
	/* Read again and written in one transaction: of two servers that
	 * start together on one database with different keys, one records
	 * its key and the other is refused, never both recorded in turn. */
	struct record_ctx rec = {want, false};
	rc = store_txn(s, record_check_txn, &rec);
	if (rc == 0 && rec.other) {
		say_foreign_key(db_path, key_path, err);
		rc = SETUP_BAD_KEY;
	} else if (rc) {
		rc = rc < 0 ? rc : -EIO;
		buf_printf(err, "cannot record the key check in %s: %s", db_path,
		           store_strerror(rc));
	}
out:
	buf_free(&have);
	sodium_memzero(want, sizeof want);
	return rc;
}

struct org_create_ctx {
	const struct store_org *org;
	const struct setup_org *in;
	const struct audit_key *key;
	const char *actor;
	bool org_add;
};

/* The organisation and its audit entry, committed together. */
static int org_create_txn(struct store_tx *tx, void *vctx)
{
	struct org_create_ctx *c = vctx;
	int rc = store_tx_org_create(tx, c->org, c->in->districts, c->in->ndistricts);
	if (rc)
		return rc;
	struct audit_entry e = {.actor = c->actor ? c->actor : AUDIT_ACTOR_SYSTEM,
	                        .org = c->org->id,
	                        .action = c->org_add ? AUDIT_ORG_ADD : AUDIT_INIT,
	                        .result = AUDIT_OK};
	return audit_append(tx, c->key, &e);
}

int setup_store_url(const char *configured, const char *data_dir, struct buf *out)
{
	buf_reset(out);
	if (configured && *configured)
		return buf_puts(out, configured);
	return buf_printf(out, "%s/%s", data_dir, SETUP_DB_FILE);
}

int setup_init(const char *data_dir, const struct setup_org *org, struct buf *err)
{
	return setup_init_at(data_dir, NULL, org, err);
}

int setup_init_at(const char *data_dir, const char *store_url, const struct setup_org *org,
                  struct buf *err)
{
	return setup_init_as(data_dir, store_url, org, NULL, false, err);
}

int setup_init_as(const char *data_dir, const char *store_url, const struct setup_org *org,
                  const char *actor, bool org_add, struct buf *err)
{
	struct buf path = BUF_INIT, keypath = BUF_INIT;
	struct store *s = NULL;
	unsigned char master[KEYFILE_KEY_BYTES];
	int rc;
	if (!data_dir || !*data_dir || !org) {
		buf_puts(err, "no data directory or organisation given");
		return -EINVAL;
	}
	rc = check_input(org, err);
	if (rc)
		goto out;
	rc = make_dir(data_dir, err);
	if (rc)
		goto out;
	rc = missing_key_check(data_dir, err);
	if (rc)
		goto out;
	rc = buf_printf(&path, "%s/%s", data_dir, SETUP_KEY_FILE);
	if (!rc)
		rc = ensure_key(buf_str(&path), err);
	if (!rc)
		rc = keyfile_load(buf_str(&path), master, err);
	if (!rc)
		rc = buf_printf(&keypath, "%s", buf_str(&path));
	if (rc)
		goto out;
	buf_reset(&path);
	rc = setup_store_url(store_url, data_dir, &path);
	if (!rc)
		rc = store_open(buf_str(&path), STORE_OPEN_CREATE, &s, err);
	if (rc)
		goto out;
	/* Messages name a file, never a connection URL: it may hold a
	 * password. */
	const char *where =
	    strstr(buf_str(&path), "://") ? "the PostgreSQL database" : buf_str(&path);
	/* Before anything is added: an existing database with another
	 * installation's key is refused, a new one records this key. */
	rc = setup_key_check(s, master, where, buf_str(&keypath), err);
	if (rc)
		goto out;
	struct store_org o = {.public_min_cell = (int)PUBLIC_MIN_CELL_DEFAULT};
	strcpy(o.id, org->id);
	strcpy(o.name, org->name);
	strcpy(o.region, org->region);
	struct audit_key akey;
	rc = audit_key_derive(master, &akey);
	if (rc) {
		buf_printf(err, "cannot derive the audit key from %s", buf_str(&keypath));
		goto out;
	}
	struct org_create_ctx oc = {&o, org, &akey, actor, org_add};
	rc = store_txn(s, org_create_txn, &oc);
	audit_key_wipe(&akey);
	if (rc == STORE_CONFLICT)
		buf_printf(err, "organisation '%s' already exists in %s", org->id, where);
	else if (rc == STORE_LIMIT)
		buf_printf(err, "at most %u districts", STORE_MAX_DISTRICTS);
	else if (rc == AUDIT_BROKEN)
		buf_printf(err,
		           "the audit log of %s does not verify (run signaal audit verify); "
		           "organisation '%s' was not added",
		           where, org->id);
	else if (rc == -EINVAL)
		buf_printf(err, "cannot create organisation '%s': a value the audit log refuses",
		           org->id);
	else if (rc)
		buf_printf(err, "cannot create organisation '%s' in %s: %s", org->id, where,
		           strerror(rc < 0 ? -rc : EIO));
out:
	sodium_memzero(master, sizeof master);
	store_close(s);
	buf_free(&path);
	buf_free(&keypath);
	return rc;
}
