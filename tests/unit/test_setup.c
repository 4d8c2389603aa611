/* Tests of `signaal init` (setup_init) and of the key file it creates
 * (keyfile_*), each in a fresh temporary directory. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/setup.h"
#include "crypto/keyfile.h"
#include "crypto/seal.h"
#include "store/store.h"
#include "store_fixture.h"
#include "tmpdir.h"

struct fx {
	char tmp[64];    /* the temporary directory */
	char dir[96];    /* tmp/var: the data directory, not created yet */
	char key[128];   /* tmp/var/signaal.key */
	char db[128];    /* tmp/var/signaal.db */
	char kfile[128]; /* tmp/k: for key file tests */
	mode_t umask_was;
};

/* Under tests/pg/with-pg (SIGNAAL_TEST_STORE_URL), the tests of the key
 * check value run once more with the data directory's store in that
 * PostgreSQL database, emptied before each test (the shared
 * store_fixture.h); the others are about files in the data directory and
 * run on SQLite only (main). */

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	strcpy(f->tmp, "/tmp/signaal-setup-XXXXXX");
	if (!mkdtemp(f->tmp))
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/var", f->tmp);
	snprintf(f->key, sizeof f->key, "%s/signaal.key", f->dir);
	snprintf(f->db, sizeof f->db, "%s/signaal.db", f->dir);
	snprintf(f->kfile, sizeof f->kfile, "%s/k", f->tmp);
	f->umask_was = umask(022);
	*state = f;
	return store_fixture_pg_url ? store_fixture_pg_reset() : 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	umask(f->umask_was);
	chmod(f->dir, 0700);
	tmpdir_remove(f->tmp);
	free(f);
	return 0;
}

static const char *const districts[] = {"IJmuiden", "Velsen-Noord", "Velsen-Zuid"};
static const struct setup_org velsen = {"velsen", "Gemeente Velsen", "kennemerland", districts, 3};

static mode_t mode_of(const char *path)
{
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static size_t read_file(const char *path, char *out, size_t size)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	size_t n = fread(out, 1, size - 1, fp);
	out[n] = '\0';
	fclose(fp);
	return n;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* --- setup_init --------------------------------------------------------- */

static void test_init_fresh(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	int rc = setup_init(f->dir, &velsen, &err);
	assert_string_equal(buf_str(&err), "");
	assert_int_equal(rc, 0);
	assert_int_equal(mode_of(f->dir), 0700);
	assert_int_equal(mode_of(f->key), 0600);
	assert_int_equal(mode_of(f->db), 0600);

	struct store *s;
	assert_int_equal(store_open_sqlite(f->db, &s, &err), 0);
	struct store_org o;
	assert_int_equal(store_org_get(s, "velsen", &o), 0);
	assert_string_equal(o.name, "Gemeente Velsen");
	assert_string_equal(o.region, "kennemerland");
	assert_int_equal(o.public_min_cell, 5);
	char **d;
	size_t n;
	assert_int_equal(store_districts(s, "velsen", &d, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(d[2], "Velsen-Zuid");
	store_strv_free(d, n);
	store_close(s);
	buf_free(&err);
}

static void test_init_exact_modes_despite_umask(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	umask(0277); /* would give 0500 and 0400 */
	assert_int_equal(setup_init(f->dir, &velsen, &err), 0);
	assert_int_equal(mode_of(f->dir), 0700);
	assert_int_equal(mode_of(f->key), 0600);
	assert_int_equal(mode_of(f->db), 0600);
	buf_free(&err);
}

static void test_rerun_keeps_key_and_conflicts(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	char before[256], after[256];
	assert_int_equal(setup_init(f->dir, &velsen, &err), 0);
	read_file(f->key, before, sizeof before);

	assert_int_equal(setup_init(f->dir, &velsen, &err), STORE_CONFLICT);
	assert_non_null(strstr(buf_str(&err), "organisation 'velsen' already exists"));
	read_file(f->key, after, sizeof after);
	assert_string_equal(before, after);

	/* Another organisation in the same directory: same key, no error. */
	buf_reset(&err);
	struct setup_org other = {"haarlem", "Gemeente Haarlem", "kennemerland", NULL, 0};
	assert_int_equal(setup_init(f->dir, &other, &err), 0);
	read_file(f->key, after, sizeof after);
	assert_string_equal(before, after);
	assert_int_equal(mode_of(f->dir), 0700);
	buf_free(&err);
}

static void test_refuses_wide_directory(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	assert_int_equal(mkdir(f->dir, 0755), 0);
	assert_int_equal(setup_init(f->dir, &velsen, &err), SETUP_UNSAFE);
	assert_non_null(strstr(buf_str(&err), "chmod 700"));
	/* Nothing was created in it. */
	assert_int_equal(access(f->key, F_OK), -1);
	assert_int_equal(access(f->db, F_OK), -1);
	buf_free(&err);
}

static void test_refuses_non_directory(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	write_file(f->dir, "x", 0600);
	assert_int_equal(setup_init(f->dir, &velsen, &err), SETUP_UNSAFE);
	assert_non_null(strstr(buf_str(&err), "not a directory"));
	buf_free(&err);
}

static void test_refuses_missing_parent(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	char deep[160];
	snprintf(deep, sizeof deep, "%s/no/such", f->tmp);
	assert_int_equal(setup_init(deep, &velsen, &err), -ENOENT);
	assert_non_null(strstr(buf_str(&err), "cannot create data directory"));
	buf_free(&err);
}

static void test_refuses_open_key(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	assert_int_equal(setup_init(f->dir, &velsen, &err), 0);
	assert_int_equal(chmod(f->key, 0644), 0);
	assert_int_equal(setup_init(f->dir, &velsen, &err), SETUP_UNSAFE);
	assert_non_null(strstr(buf_str(&err), "chmod 600"));
	buf_free(&err);
}

static void test_refuses_broken_key(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	assert_int_equal(mkdir(f->dir, 0700), 0);
	write_file(f->key, "not a key\n", 0600);
	assert_int_equal(setup_init(f->dir, &velsen, &err), SETUP_BAD_KEY);
	char text[64];
	read_file(f->key, text, sizeof text);
	assert_string_equal(text, "not a key\n"); /* never overwritten */
	buf_free(&err);
}

static void test_refuses_db_without_key(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	assert_int_equal(setup_init(f->dir, &velsen, &err), 0);
	assert_int_equal(unlink(f->key), 0);
	assert_int_equal(setup_init(f->dir, &velsen, &err), SETUP_BAD_KEY);
	assert_non_null(strstr(buf_str(&err), "key file"));
	assert_int_equal(access(f->key, F_OK), -1);
	buf_free(&err);
}

static void test_refuses_bad_input(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	struct setup_org o = velsen;
	o.id = "Velsen";
	assert_int_equal(setup_init(f->dir, &o, &err), SETUP_BAD_INPUT);
	o = velsen;
	o.name = "";
	assert_int_equal(setup_init(f->dir, &o, &err), SETUP_BAD_INPUT);
	static const char *const twice[] = {"A", "A"};
	o = velsen;
	o.districts = twice;
	o.ndistricts = 2;
	assert_int_equal(setup_init(f->dir, &o, &err), SETUP_BAD_INPUT);
	assert_non_null(strstr(buf_str(&err), "listed twice"));
	/* Bad input is refused before anything is created. */
	assert_int_equal(access(f->dir, F_OK), -1);
	buf_free(&err);
}

/* --- keyfile -------------------------------------------------------------- */

static void test_key_create_format(void **state)
{
	struct fx *f = *state;
	char text[256];
	assert_int_equal(keyfile_create(f->kfile), 0);
	assert_int_equal(mode_of(f->kfile), 0600);
	size_t n = read_file(f->kfile, text, sizeof text);
	assert_int_equal(n, 15 + 64 + 1);
	assert_memory_equal(text, "signaal-key v1\n", 15);
	for (size_t i = 15; i < 79; i++)
		assert_non_null(strchr("0123456789abcdef", text[i]));
	assert_int_equal(text[79], '\n');

	unsigned char m[KEYFILE_KEY_BYTES];
	char hex[2 * KEYFILE_KEY_BYTES + 1];
	assert_int_equal(keyfile_load(f->kfile, m, NULL), 0);
	sodium_bin2hex(hex, sizeof hex, m, sizeof m);
	assert_memory_equal(hex, text + 15, 64);
}

static void test_key_create_twice_refused(void **state)
{
	struct fx *f = *state;
	char a[256], b[256];
	assert_int_equal(keyfile_create(f->kfile), 0);
	read_file(f->kfile, a, sizeof a);
	assert_int_equal(keyfile_create(f->kfile), -EEXIST);
	read_file(f->kfile, b, sizeof b);
	assert_string_equal(a, b);
}

static void test_key_create_through_symlink_refused(void **state)
{
	struct fx *f = *state;
	char target[128];
	snprintf(target, sizeof target, "%s/target", f->tmp);
	assert_int_equal(symlink(target, f->kfile), 0);
	assert_int_equal(keyfile_create(f->kfile), -EEXIST);
	assert_int_equal(access(target, F_OK), -1);
}

static void test_key_two_keys_differ(void **state)
{
	struct fx *f = *state;
	char other[128];
	unsigned char a[KEYFILE_KEY_BYTES], b[KEYFILE_KEY_BYTES];
	snprintf(other, sizeof other, "%s/k2", f->tmp);
	assert_int_equal(keyfile_create(f->kfile), 0);
	assert_int_equal(keyfile_create(other), 0);
	assert_int_equal(keyfile_load(f->kfile, a, NULL), 0);
	assert_int_equal(keyfile_load(other, b, NULL), 0);
	assert_memory_not_equal(a, b, sizeof a);
}

static void test_key_load_refuses_readable(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT, want = BUF_INIT;
	unsigned char m[KEYFILE_KEY_BYTES];
	assert_int_equal(keyfile_create(f->kfile), 0);
	assert_int_equal(chmod(f->kfile, 0640), 0);
	assert_int_equal(keyfile_load(f->kfile, m, &err), KEYFILE_INSECURE);
	buf_printf(&want, "chmod 600 %s", f->kfile);
	assert_non_null(strstr(buf_str(&err), buf_str(&want)));
	/* master is wiped on failure */
	unsigned char zero[KEYFILE_KEY_BYTES] = {0};
	assert_memory_equal(m, zero, sizeof m);
	buf_free(&err);
	buf_free(&want);
}

static void test_key_load_refuses_symlink(void **state)
{
	struct fx *f = *state;
	char link[128];
	unsigned char m[KEYFILE_KEY_BYTES];
	snprintf(link, sizeof link, "%s/link", f->tmp);
	assert_int_equal(keyfile_create(f->kfile), 0);
	assert_int_equal(symlink(f->kfile, link), 0);
	assert_int_equal(keyfile_load(link, m, NULL), -ELOOP);
}

static void test_key_load_refuses_bad_format(void **state)
{
	struct fx *f = *state;
	static const char hex[] =
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	char text[512];
	static const struct {
		const char *head;
		int hexlen; /* digits of hex written after head */
		const char *tail;
	} cases[] = {
	    {"", 0, ""},
	    {"signaal-key v1\n", 0, ""},
	    {"signaal-key v2\n", 64, "\n"},
	    {"signaal-key v1\n", 64, "\nmore\n"},
	    {"signaal-key v1\n", 62, "\n"},
	    {"signaal-key v1 \n", 64, "\n"},
	    {"SIGNAAL-KEY V1\n", 64, "\n"},
	    {"signaal-key v1\n", 64, "\n\n"},
	    {"signaal-key v1\n", 64, "00\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned char m[KEYFILE_KEY_BYTES];
		struct buf err = BUF_INIT;
		snprintf(text, sizeof text, "%s%.*s%s", cases[i].head, cases[i].hexlen, hex,
		         cases[i].tail);
		unlink(f->kfile);
		write_file(f->kfile, text, 0600);
		int rc = keyfile_load(f->kfile, m, &err);
		if (rc != KEYFILE_FORMAT)
			fail_msg("case %zu: rc %d", i, rc);
		assert_non_null(strstr(buf_str(&err), "is not a Signaal key"));
		buf_free(&err);
	}
	/* Upper-case hex is refused too: one spelling per key. */
	snprintf(text, sizeof text, "signaal-key v1\n%s\n", hex);
	for (char *p = text + 15; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	unlink(f->kfile);
	write_file(f->kfile, text, 0600);
	unsigned char m[KEYFILE_KEY_BYTES];
	assert_int_equal(keyfile_load(f->kfile, m, NULL), KEYFILE_FORMAT);
	/* And the exact format loads, with or without the final newline. */
	snprintf(text, sizeof text, "signaal-key v1\n%s", hex);
	unlink(f->kfile);
	write_file(f->kfile, text, 0600);
	assert_int_equal(keyfile_load(f->kfile, m, NULL), 0);
	assert_int_equal(m[0], 0x00);
	assert_int_equal(m[31], 0xff);
}

static void test_key_derive(void **state)
{
	(void)state;
	unsigned char m[KEYFILE_KEY_BYTES], a[32], b[32], c[32], d[32];
	for (size_t i = 0; i < sizeof m; i++)
		m[i] = (unsigned char)i;
	assert_int_equal(keyfile_derive(m, KEYFILE_CTX_SEAL, 1, a, sizeof a), 0);
	assert_int_equal(keyfile_derive(m, KEYFILE_CTX_SEAL, 1, b, sizeof b), 0);
	assert_memory_equal(a, b, sizeof a);
	assert_int_equal(keyfile_derive(m, KEYFILE_CTX_SEAL, 2, c, sizeof c), 0);
	assert_memory_not_equal(a, c, sizeof a);
	assert_int_equal(keyfile_derive(m, KEYFILE_CTX_RECEIPT, 1, d, sizeof d), 0);
	assert_memory_not_equal(a, d, sizeof a);
	/* It is libsodium's KDF, nothing home-made. */
	assert_int_equal(crypto_kdf_derive_from_key(b, sizeof b, 1, KEYFILE_CTX_SEAL, m), 0);
	assert_memory_equal(a, b, sizeof a);
	unsigned char big[65];
	assert_int_equal(keyfile_derive(m, KEYFILE_CTX_SEAL, 1, big, 15), -EINVAL);
	assert_int_equal(keyfile_derive(m, KEYFILE_CTX_SEAL, 1, big, 65), -EINVAL);
	assert_int_equal(keyfile_derive(m, KEYFILE_CTX_SEAL, 1, big, 64), 0);
	assert_int_equal(keyfile_derive(m, KEYFILE_CTX_SEAL, 1, big, 16), 0);
}

/* --- the key check value (issue 6) -------------------------------------- */

static void load_key(const char *path, unsigned char m[KEYFILE_KEY_BYTES])
{
	struct buf err = BUF_INIT;
	assert_int_equal(keyfile_load(path, m, &err), 0);
	buf_free(&err);
}

/* The data directory's store: the SQLite file db, or under
 * tests/pg/with-pg the PostgreSQL database. */
static struct store *open_db(const char *db)
{
	struct buf err = BUF_INIT;
	struct store *s = NULL;
	assert_int_equal(store_open(store_fixture_pg_url ? store_fixture_pg_url : db,
	                            STORE_OPEN_CREATE, &s, &err),
	                 0);
	buf_free(&err);
	return s;
}

/* setup_init on the data directory's store (open_db). */
static int init_store(const struct fx *f, const struct setup_org *org, struct buf *err)
{
	return setup_init_at(f->dir, store_fixture_pg_url, org, err);
}

/* Runs one statement on the store directly (as an older version of
 * Signaal, or another program, would have left it). */
static void db_exec(const char *db, const char *sql)
{
	assert_int_equal(store_fixture_exec_file(db, sql), 0);
}

static void test_key_check_value(void **state)
{
	(void)state;
	unsigned char a[KEYFILE_KEY_BYTES], b[KEYFILE_KEY_BYTES];
	char ca[KEYFILE_CHECK_HEX + 1], ca2[KEYFILE_CHECK_HEX + 1], cb[KEYFILE_CHECK_HEX + 1];
	char hex[2 * KEYFILE_KEY_BYTES + 1];
	randombytes_buf(a, sizeof a);
	randombytes_buf(b, sizeof b);
	assert_int_equal(keyfile_check_value(a, ca), 0);
	assert_int_equal(keyfile_check_value(a, ca2), 0);
	assert_int_equal(keyfile_check_value(b, cb), 0);
	assert_string_equal(ca, ca2);
	assert_string_not_equal(ca, cb);
	assert_int_equal(strlen(ca), KEYFILE_CHECK_HEX);
	assert_int_equal(strspn(ca, "0123456789abcdef"), KEYFILE_CHECK_HEX);
	/* Never the key itself. */
	sodium_bin2hex(hex, sizeof hex, a, sizeof a);
	assert_null(strstr(ca, hex));
}

/* init records the check value of its key; nothing of the key. */
static void test_init_records_key_check(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT, have = BUF_INIT;
	assert_int_equal(init_store(f, &velsen, &err), 0);
	unsigned char m[KEYFILE_KEY_BYTES];
	char want[KEYFILE_CHECK_HEX + 1];
	load_key(f->key, m);
	assert_int_equal(keyfile_check_value(m, want), 0);
	struct store *s = open_db(f->db);
	assert_int_equal(store_setting_get(s, SETUP_KEY_CHECK, &have), 0);
	assert_string_equal(buf_str(&have), want);
	assert_int_equal(setup_key_check(s, m, f->db, f->key, &err), 0);
	store_close(s);
	buf_free(&have);
	buf_free(&err);
}

/* Another installation's key file in place of ours: refused, with a
 * message that says so, and nothing added to the database. */
static void test_foreign_key_refused(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	assert_int_equal(init_store(f, &velsen, &err), 0);
	assert_int_equal(unlink(f->key), 0);
	assert_int_equal(keyfile_create(f->key), 0);
	struct setup_org other = {"haarlem", "Gemeente Haarlem", "kennemerland", NULL, 0};
	assert_int_equal(init_store(f, &other, &err), SETUP_BAD_KEY);
	assert_non_null(strstr(buf_str(&err), "another installation"));
	struct store *s = open_db(f->db);
	struct store_org o;
	assert_int_equal(store_org_get(s, "haarlem", &o), STORE_NOT_FOUND);
	unsigned char m[KEYFILE_KEY_BYTES];
	load_key(f->key, m);
	buf_reset(&err);
	assert_int_equal(setup_key_check(s, m, f->db, f->key, &err), SETUP_BAD_KEY);
	assert_non_null(strstr(buf_str(&err), f->key));
	assert_non_null(strstr(buf_str(&err), f->db));
	store_close(s);
	buf_free(&err);
}

/* Stores a report sealed under master, as the intake does. */
static void add_sealed_report(struct store *s, const unsigned char master[KEYFILE_KEY_BYTES])
{
	static const char *const forms[] = {"labour"};
	unsigned char hash[STORE_RECEIPT_HASH_BYTES] = {1};
	struct seal_key k;
	struct buf sealed = BUF_INIT;
	assert_int_equal(seal_key_derive(master, &k), 0);
	assert_int_equal(seal_encrypt(&k, 77, SEAL_REPORT, "{}", 2, &sealed), 0);
	seal_key_wipe(&k);
	struct store_report_new r = {.id = 77,
	                             .org = "velsen",
	                             .ref_prefix = "W2026-",
	                             .receipt_hash = hash,
	                             .received_on = "2026-03-01",
	                             .channel = "web",
	                             .reporter_role = "bystander",
	                             .anonymous = true,
	                             .kind = "report",
	                             .forms = forms,
	                             .nforms = 1,
	                             .sealed = sealed.data,
	                             .sealed_len = sealed.len};
	int res = -1;
	assert_int_equal(store_reports_insert_batch(s, &r, 1, &res), 0);
	assert_int_equal(res, 0);
	buf_free(&sealed);
}

/* A database from before check values gets one at the next start; a key
 * that cannot open its sealed reports is refused instead. */
static void test_key_check_added_to_old_database(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT, have = BUF_INIT;
	assert_int_equal(init_store(f, &velsen, &err), 0);
	unsigned char m[KEYFILE_KEY_BYTES], other[KEYFILE_KEY_BYTES];
	load_key(f->key, m);
	randombytes_buf(other, sizeof other);
	struct store *s = open_db(f->db);
	add_sealed_report(s, m);
	store_close(s);
	db_exec(f->db, "DELETE FROM settings WHERE key = 'key.check'");

	s = open_db(f->db);
	assert_int_equal(setup_key_check(s, other, f->db, f->key, &err), SETUP_BAD_KEY);
	assert_non_null(strstr(buf_str(&err), "another installation"));
	assert_int_equal(store_setting_get(s, SETUP_KEY_CHECK, &have), STORE_NOT_FOUND);
	buf_reset(&err);
	assert_int_equal(setup_key_check(s, m, f->db, f->key, &err), 0);
	char want[KEYFILE_CHECK_HEX + 1];
	assert_int_equal(keyfile_check_value(m, want), 0);
	assert_int_equal(store_setting_get(s, SETUP_KEY_CHECK, &have), 0);
	assert_string_equal(buf_str(&have), want);
	/* From now on the value decides, also without reports to try. */
	assert_int_equal(setup_key_check(s, other, f->db, f->key, &err), SETUP_BAD_KEY);
	store_close(s);
	buf_free(&have);
	buf_free(&err);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_init_fresh),
	    T(test_init_exact_modes_despite_umask),
	    T(test_rerun_keeps_key_and_conflicts),
	    T(test_refuses_wide_directory),
	    T(test_refuses_non_directory),
	    T(test_refuses_missing_parent),
	    T(test_refuses_open_key),
	    T(test_refuses_broken_key),
	    T(test_refuses_db_without_key),
	    T(test_refuses_bad_input),
	    T(test_key_create_format),
	    T(test_key_create_twice_refused),
	    T(test_key_create_through_symlink_refused),
	    T(test_key_two_keys_differ),
	    T(test_key_load_refuses_readable),
	    T(test_key_load_refuses_symlink),
	    T(test_key_load_refuses_bad_format),
	    T(test_key_derive),
	    T(test_key_check_value),
	    T(test_init_records_key_check),
	    T(test_foreign_key_refused),
	    T(test_key_check_added_to_old_database),
	};
	const struct CMUnitTest on_pg[] = {
	    T(test_init_records_key_check),
	    T(test_foreign_key_refused),
	    T(test_key_check_added_to_old_database),
	};
	store_fixture_init();
	if (store_fixture_pg_url)
		return cmocka_run_group_tests(on_pg, NULL, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
