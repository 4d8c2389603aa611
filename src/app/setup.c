#include "app/setup.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/keyfile.h"
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

int setup_init(const char *data_dir, const struct setup_org *org, struct buf *err)
{
	struct buf path = BUF_INIT;
	struct store *s = NULL;
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
	if (rc)
		goto out;
	buf_reset(&path);
	rc = buf_printf(&path, "%s/%s", data_dir, SETUP_DB_FILE);
	if (!rc)
		rc = store_open_sqlite(buf_str(&path), &s, err);
	if (rc)
		goto out;
	struct store_org o = {.public_min_cell = (int)PUBLIC_MIN_CELL_DEFAULT};
	strcpy(o.id, org->id);
	strcpy(o.name, org->name);
	strcpy(o.region, org->region);
	rc = store_org_create(s, &o, org->districts, org->ndistricts);
	if (rc == STORE_CONFLICT)
		buf_printf(err, "organisation '%s' already exists in %s", org->id, buf_str(&path));
	else if (rc == STORE_LIMIT)
		buf_printf(err, "at most %u districts", STORE_MAX_DISTRICTS);
	else if (rc)
		buf_printf(err, "cannot create organisation '%s' in %s: %s", org->id,
		           buf_str(&path), strerror(rc < 0 ? -rc : EIO));
out:
	store_close(s);
	buf_free(&path);
	return rc;
}
