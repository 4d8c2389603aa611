/* Tests of staff accounts (domain/accounts, store/users): adding users,
 * the password step with its throttle on a clock the test controls, the
 * same answer for an unknown login, enrolment and TOTP codes computed
 * here with liboath (reuse, drift), recovery codes, session expiry,
 * logout, fixation, disabled users and API tokens. On SQLite files, and
 * with SIGNAAL_TEST_STORE_URL (tests/pg/with-pg) on PostgreSQL. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <liboath/oath.h>
#include <sodium.h>

#ifdef SIGNAAL_HAVE_PG
#include <libpq-fe.h>
#endif

#include "auth/password.h"
#include "auth/roles.h"
#include "audit/audit.h"
#include "audit/list.h"
#include "domain/accounts.h"
#include "store/store.h"
#include "store/users.h"
#include "store_fixture.h"
#include "tmpdir.h"

struct fx {
	char dir[64];
	char db[96];
	struct store *s;
	struct accounts a;
	unsigned char master[32];
};

#define T0   1790000000 /* the test's clock starts here */
#define PASS "rode-fiets-langs-het-kanaal"

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/signaal-acc-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->db, sizeof f->db, "%s/signaal.db", f->dir);
	struct buf err = BUF_INIT;
	int rc;
	if (store_fixture_pg_url) {
		if (store_fixture_pg_reset())
			return -1;
		rc = store_open(store_fixture_pg_url, 0, &f->s, &err);
	} else {
		rc = store_open_sqlite(f->db, &f->s, &err);
	}
	buf_free(&err);
	if (rc)
		return -1;
	struct store_org o1 = {"velsen", "Gemeente Velsen", "kennemerland", 5};
	struct store_org o2 = {"haarlem", "Gemeente Haarlem", "kennemerland", 5};
	if (store_org_create(f->s, &o1, NULL, 0) || store_org_create(f->s, &o2, NULL, 0))
		return -1;
	randombytes_buf(f->master, sizeof f->master);
	if (accounts_init(&f->a, f->s, f->master))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	accounts_wipe(&f->a);
	store_close(f->s);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static void add(struct fx *f, const char *org, const char *login, unsigned roles, bool must_change)
{
	const char *why = NULL;
	struct accounts_new_user u = {org, login, roles, false, PASS, must_change};
	assert_int_equal(accounts_user_add(&f->a, "os:test", &u, &why), 0);
}

/* The code of the authenticator app at time t, computed here. */
static void code_at(const unsigned char *secret, int64_t t, char out[7])
{
	assert_int_equal(
	    oath_totp_generate((const char *)secret, TOTP_SECRET_BYTES, (time_t)t, 30, 0, 6, out),
	    OATH_OK);
}

/* A user with both factors, logged in fully; its secret in secret. */
static void enrolled(struct fx *f, const char *org, const char *login, unsigned roles,
                     unsigned char secret[TOTP_SECRET_BYTES], char sid[SECRET_HEX_LEN + 1])
{
	add(f, org, login, roles, false);
	unsigned wait;
	struct principal p;
	assert_int_equal(accounts_login(&f->a, login, PASS, T0, sid, &wait), 0);
	assert_int_equal(accounts_session(&f->a, sid, T0, &p), 0);
	assert_int_equal(p.next, NEXT_ENROL);
	assert_int_equal(accounts_enrol_secret(&f->a, &p, secret), 0);
	char code[7], codes[RECOVERY_CODES][RECOVERY_CODE_LEN + 1];
	code_at(secret, T0, code);
	assert_int_equal(accounts_enrol_confirm(&f->a, &p, code, T0, sid, codes), 0);
}

static void test_roles(void **state)
{
	(void)state;
	unsigned r;
	assert_int_equal(roles_parse("admin,handler", &r), 0);
	assert_int_equal(r, ROLE_ADMIN | ROLE_HANDLER);
	char t[ROLES_TEXT_MAX];
	roles_format(r, t);
	assert_string_equal(t, "handler,admin");
	assert_int_equal(roles_parse("admin,admin", &r), -EINVAL);
	assert_int_equal(roles_parse("root", &r), -EINVAL);
	assert_int_equal(roles_parse("", &r), -EINVAL);
	assert_int_equal(roles_parse("handler,", &r), -EINVAL);
}

static void test_user_add(void **state)
{
	struct fx *f = *state;
	add(f, "velsen", "anna", ROLE_HANDLER | ROLE_ADMIN, false);
	struct store_user u;
	assert_int_equal(store_user_by_login(f->s, "anna", &u), 0);
	assert_string_equal(u.org, "velsen");
	assert_int_equal(u.roles, ROLE_HANDLER | ROLE_ADMIN);
	assert_true(strncmp(u.password_hash, "$argon2id$", 10) == 0);
	assert_null(strstr(u.password_hash, PASS));
	const char *why = NULL;
	struct accounts_new_user again = {"velsen", "anna", ROLE_HANDLER, false, PASS, false};
	assert_int_equal(accounts_user_add(&f->a, "os:test", &again, &why), ACCOUNTS_EXISTS);
	struct accounts_new_user weak = {"velsen", "bert",         ROLE_HANDLER,
	                                 false,    "strawberries", false};
	assert_int_equal(accounts_user_add(&f->a, "os:test", &weak, &why), ACCOUNTS_WEAK);
	assert_non_null(strstr(why, "woordenboek"));
	struct accounts_new_user shrt = {"velsen", "bert",        ROLE_HANDLER,
	                                 false,    "kort-Wacht1", false};
	assert_int_equal(accounts_user_add(&f->a, "os:test", &shrt, &why), ACCOUNTS_WEAK);
	assert_non_null(strstr(why, "12 tekens"));
	struct accounts_new_user noorg = {"nergens", "bert", ROLE_HANDLER, false, PASS, false};
	assert_int_equal(accounts_user_add(&f->a, "os:test", &noorg, &why), ACCOUNTS_NO_ORG);
	struct accounts_new_user badlogin = {"velsen", "Bert Smit", ROLE_HANDLER,
	                                     false,    PASS,        false};
	assert_int_equal(accounts_user_add(&f->a, "os:test", &badlogin, &why), ACCOUNTS_BAD_INPUT);
}

/* The longest login the accounts take is added, logs in and enrols: the
 * audit entries that name it ("user:" + the login) fit. */
static void test_longest_login(void **state)
{
	struct fx *f = *state;
	char login[USER_LOGIN_MAX + 1];
	memset(login, 'a', USER_LOGIN_MAX);
	login[USER_LOGIN_MAX] = '\0';
	assert_true(accounts_login_valid(login));
	unsigned char secret[TOTP_SECRET_BYTES];
	char sid[SECRET_HEX_LEN + 1];
	enrolled(f, "velsen", login, ROLE_HANDLER, secret, sid);
	struct principal p;
	assert_int_equal(accounts_session(&f->a, sid, T0, &p), 0);
	assert_int_equal(p.stage, SESSION_FULL);
	assert_string_equal(p.login, login);
}

static int count_user(void *ctx, const struct store_user *u)
{
	(void)u;
	(*(int *)ctx)++;
	return 0;
}

static void test_user_list_per_org(void **state)
{
	struct fx *f = *state;
	add(f, "velsen", "anna", ROLE_HANDLER, true);
	add(f, "haarlem", "bert", ROLE_HANDLER, true);
	add(f, "haarlem", "cees", ROLE_ANALYST, true);
	int n = 0;
	assert_int_equal(store_user_list(f->s, "velsen", count_user, &n), 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(store_user_list(f->s, "haarlem", count_user, &n), 0);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(store_user_list(f->s, NULL, count_user, &n), 0);
	assert_int_equal(n, 3);
}

static void test_unknown_login_answers_like_wrong_password(void **state)
{
	struct fx *f = *state;
	add(f, "velsen", "anna", ROLE_HANDLER, false);
	char sid[SECRET_HEX_LEN + 1];
	unsigned wait = 9;
	assert_int_equal(accounts_login(&f->a, "anna", "wrong password!", T0, sid, &wait),
	                 ACCOUNTS_WRONG);
	assert_int_equal(wait, 0);
	assert_int_equal(accounts_login(&f->a, "nobody", "wrong password!", T0, sid, &wait),
	                 ACCOUNTS_WRONG);
	assert_int_equal(accounts_login(&f->a, "Not A Login", PASS, T0, sid, &wait),
	                 ACCOUNTS_WRONG);
	assert_int_equal(wait, 0);
	/* It wrote as much as a wrong password does (a count), never the name. */
	struct buf v = BUF_INIT;
	assert_int_equal(store_setting_get(f->s, ACCOUNTS_UNKNOWN_KEY, &v), 0);
	assert_string_equal(buf_str(&v), "2");
	buf_free(&v);
}

struct seen {
	char lines[8][256];
	size_t n;
};

static int seen_row(void *ctx, const struct store_audit_row *row)
{
	struct seen *s = ctx;
	if (s->n < 8)
		snprintf(s->lines[s->n++], sizeof s->lines[0], "%s %s %s %s", row->actor,
		         row->action, row->object, row->result);
	return 0;
}

static int seen_token(void *ctx, const struct store_token *t)
{
	struct seen *s = ctx;
	if (s->n < 8)
		snprintf(s->lines[s->n++], sizeof s->lines[0], "%s %s", t->login,
		         t->revoked ? "revoked" : "active");
	return 0;
}

/* Account changes and logins write their audit entries (through
 * audit_hook, in the change's transaction): the chain verifies and holds
 * who did what, never a password or the name typed for an unknown login. */
static void test_changes_are_audited(void **state)
{
	struct fx *f = *state;
	add(f, "velsen", "anna", ROLE_HANDLER, false);
	char sid[SECRET_HEX_LEN + 1];
	unsigned wait;
	assert_int_equal(accounts_login(&f->a, "anna", "wrong password!", T0, sid, &wait),
	                 ACCOUNTS_WRONG);
	assert_int_equal(accounts_login(&f->a, "nobody", "wrong password!", T0, sid, &wait),
	                 ACCOUNTS_WRONG);
	struct audit_key k;
	assert_int_equal(audit_key_derive(f->master, &k), 0);
	struct audit_verdict v;
	assert_int_equal(audit_verify(f->s, &k, &v), 0);
	assert_true(v.ok);
	assert_int_equal(v.count, 3); /* anna added, her failure, the unknown name's */
	struct seen s = {0};
	int64_t next;
	struct audit_query q = {.org = "velsen", .action = -1};
	assert_int_equal(audit_list(f->s, &q, 0, 10, seen_row, &s, &next), 0);
	assert_int_equal(s.n, 2); /* the unknown name's has no organisation */
	assert_string_equal(s.lines[0], "user:anna auth.login_failed user:anna denied");
	assert_string_equal(s.lines[1], "cli:test user.add user:anna ok");
	audit_key_wipe(&k);
}

static void test_throttle_grows_and_passes(void **state)
{
	struct fx *f = *state;
	add(f, "velsen", "anna", ROLE_HANDLER, false);
	char sid[SECRET_HEX_LEN + 1];
	unsigned wait;
	for (int i = 0; i < 4; i++)
		assert_int_equal(accounts_login(&f->a, "anna", "wrong", T0, sid, &wait),
		                 ACCOUNTS_WRONG);
	/* The fifth failure starts the wait. */
	assert_int_equal(accounts_login(&f->a, "anna", "wrong", T0, sid, &wait), ACCOUNTS_WRONG);
	/* Even the right password waits now, and nothing is checked. */
	assert_int_equal(accounts_login(&f->a, "anna", PASS, T0 + 10, sid, &wait),
	                 ACCOUNTS_THROTTLED);
	assert_int_equal(wait, LOGIN_THROTTLE_BASE_S - 10);
	/* After the wait one more failure doubles it. */
	assert_int_equal(accounts_login(&f->a, "anna", "wrong", T0 + 30, sid, &wait),
	                 ACCOUNTS_WRONG);
	assert_int_equal(accounts_login(&f->a, "anna", PASS, T0 + 31, sid, &wait),
	                 ACCOUNTS_THROTTLED);
	assert_int_equal(wait, 2 * LOGIN_THROTTLE_BASE_S - 1);
	/* Never a lock: the wait ends at most LOGIN_THROTTLE_MAX_S later. */
	int64_t t = T0 + 100;
	for (int i = 0; i < 12; i++) {
		assert_int_equal(accounts_login(&f->a, "anna", "wrong", t, sid, &wait),
		                 ACCOUNTS_WRONG);
		t += LOGIN_THROTTLE_MAX_S;
	}
	assert_int_equal(
	    accounts_login(&f->a, "anna", PASS, t - LOGIN_THROTTLE_MAX_S + 1, sid, &wait),
	    ACCOUNTS_THROTTLED);
	assert_true(wait <= LOGIN_THROTTLE_MAX_S);
	assert_int_equal(accounts_login(&f->a, "anna", PASS, t, sid, &wait), 0);
	/* A success clears the count. */
	struct store_user u;
	assert_int_equal(store_user_by_login(f->s, "anna", &u), 0);
	assert_int_equal(u.failed_count, 0);
	assert_int_equal(u.throttle_until, 0);
}

static void test_first_login_changes_password_and_enrols(void **state)
{
	struct fx *f = *state;
	char once[PASSWORD_RANDOM_LEN + 1];
	password_random(once);
	const char *why = NULL;
	struct accounts_new_user nu = {"velsen", "beheer", ROLE_ADMIN | ROLE_HANDLER,
	                               false,    once,     true};
	assert_int_equal(accounts_user_add(&f->a, "os:test", &nu, &why), 0);
	char sid[SECRET_HEX_LEN + 1], sid2[SECRET_HEX_LEN + 1];
	unsigned wait;
	struct principal p;
	assert_int_equal(accounts_login(&f->a, "beheer", once, T0, sid, &wait), 0);
	assert_int_equal(accounts_session(&f->a, sid, T0, &p), 0);
	assert_int_equal(p.stage, SESSION_HALF);
	assert_int_equal(p.next, NEXT_PASSWORD);
	/* No enrolment before the new password. */
	unsigned char secret[TOTP_SECRET_BYTES];
	assert_int_equal(accounts_enrol_secret(&f->a, &p, secret), ACCOUNTS_STATE);
	assert_int_equal(accounts_password_change(&f->a, &p, NULL, "strawberries", &why),
	                 ACCOUNTS_WEAK);
	assert_int_equal(accounts_password_change(&f->a, &p, NULL, PASS, &why), 0);
	assert_int_equal(accounts_session(&f->a, sid, T0 + 1, &p), 0);
	assert_int_equal(p.next, NEXT_ENROL);
	assert_int_equal(accounts_enrol_secret(&f->a, &p, secret), 0);
	unsigned char again[TOTP_SECRET_BYTES];
	assert_int_equal(accounts_enrol_secret(&f->a, &p, again), 0);
	assert_memory_equal(secret, again, sizeof secret);
	/* Sealed at rest: the row does not hold the secret. */
	struct store_user u;
	assert_int_equal(store_user_by_login(f->s, "beheer", &u), 0);
	assert_int_equal(u.totp_sealed_len, TOTP_SECRET_BYTES + SEAL_OVERHEAD);
	assert_null(memmem(u.totp_sealed, u.totp_sealed_len, secret, sizeof secret));
	char code[7], codes[RECOVERY_CODES][RECOVERY_CODE_LEN + 1];
	code_at(secret, T0 + 1, code);
	char bad[16];
	snprintf(bad, sizeof bad, "%06d", (atoi(code) + 1) % 1000000);
	assert_int_equal(accounts_enrol_confirm(&f->a, &p, bad, T0 + 1, sid2, codes),
	                 ACCOUNTS_WRONG);
	assert_int_equal(accounts_enrol_confirm(&f->a, &p, code, T0 + 1, sid2, codes), 0);
	for (unsigned i = 0; i < RECOVERY_CODES; i++)
		assert_int_equal(strlen(codes[i]), RECOVERY_CODE_LEN);
	int64_t n;
	assert_int_equal(store_recovery_count(f->s, u.id, &n), 0);
	assert_int_equal(n, RECOVERY_CODES);
	/* A new id at the step up: the half session's id is gone. */
	assert_int_equal(accounts_session(&f->a, sid, T0 + 2, &p), ACCOUNTS_NO_SESSION);
	assert_int_equal(accounts_session(&f->a, sid2, T0 + 2, &p), 0);
	assert_int_equal(p.stage, SESSION_FULL);
	assert_int_equal(p.next, NEXT_NONE);
	assert_string_equal(p.org, "velsen");
	assert_int_equal(p.roles, ROLE_ADMIN | ROLE_HANDLER);
	assert_int_equal(strlen(p.csrf), SECRET_HEX_LEN);
}

static void test_totp_once_and_drift(void **state)
{
	struct fx *f = *state;
	unsigned char secret[TOTP_SECRET_BYTES];
	char sid[SECRET_HEX_LEN + 1], full[SECRET_HEX_LEN + 1], code[7];
	enrolled(f, "velsen", "anna", ROLE_HANDLER, secret, sid);
	unsigned wait;
	struct principal p;
	/* The enrolment's code (step of T0) cannot log in again. */
	int64_t t = T0 + 5;
	assert_int_equal(accounts_login(&f->a, "anna", PASS, t, sid, &wait), 0);
	assert_int_equal(accounts_session(&f->a, sid, t, &p), 0);
	assert_int_equal(p.next, NEXT_CODE);
	code_at(secret, T0, code);
	assert_int_equal(accounts_second_factor(&f->a, &p, code, t, full, &wait), ACCOUNTS_WRONG);
	/* One step of drift either way is fine, two are not. */
	t = T0 + 300;
	code_at(secret, t - 60, code);
	assert_int_equal(accounts_second_factor(&f->a, &p, code, t, full, &wait), ACCOUNTS_WRONG);
	code_at(secret, t - 30, code);
	assert_int_equal(accounts_second_factor(&f->a, &p, code, t, full, &wait), 0);
	assert_int_equal(accounts_session(&f->a, full, t, &p), 0);
	assert_int_equal(p.stage, SESSION_FULL);
	/* That code, and any code of an earlier step, is used up. */
	assert_int_equal(accounts_login(&f->a, "anna", PASS, t, sid, &wait), 0);
	assert_int_equal(accounts_session(&f->a, sid, t, &p), 0);
	assert_int_equal(accounts_second_factor(&f->a, &p, code, t, full, &wait), ACCOUNTS_WRONG);
	code_at(secret, t + 30, code);
	assert_int_equal(accounts_second_factor(&f->a, &p, code, t, full, &wait), 0);
}

static void test_recovery_code_once(void **state)
{
	struct fx *f = *state;
	add(f, "velsen", "anna", ROLE_HANDLER, false);
	char sid[SECRET_HEX_LEN + 1], full[SECRET_HEX_LEN + 1];
	unsigned wait;
	struct principal p;
	unsigned char secret[TOTP_SECRET_BYTES];
	char code[7], codes[RECOVERY_CODES][RECOVERY_CODE_LEN + 1];
	assert_int_equal(accounts_login(&f->a, "anna", PASS, T0, sid, &wait), 0);
	assert_int_equal(accounts_session(&f->a, sid, T0, &p), 0);
	assert_int_equal(accounts_enrol_secret(&f->a, &p, secret), 0);
	code_at(secret, T0, code);
	assert_int_equal(accounts_enrol_confirm(&f->a, &p, code, T0, full, codes), 0);
	assert_int_equal(accounts_login(&f->a, "anna", PASS, T0 + 60, sid, &wait), 0);
	assert_int_equal(accounts_session(&f->a, sid, T0 + 60, &p), 0);
	char lower[RECOVERY_CODE_LEN + 1];
	for (size_t i = 0; i <= RECOVERY_CODE_LEN; i++)
		lower[i] = (char)(codes[3][i] >= 'A' && codes[3][i] <= 'Z' ? codes[3][i] + 32
		                                                           : codes[3][i]);
	assert_int_equal(accounts_second_factor(&f->a, &p, lower, T0 + 60, full, &wait), 0);
	assert_int_equal(accounts_login(&f->a, "anna", PASS, T0 + 90, sid, &wait), 0);
	assert_int_equal(accounts_session(&f->a, sid, T0 + 90, &p), 0);
	assert_int_equal(accounts_second_factor(&f->a, &p, codes[3], T0 + 90, full, &wait),
	                 ACCOUNTS_WRONG);
	assert_int_equal(accounts_second_factor(&f->a, &p, codes[4], T0 + 90, full, &wait), 0);
}

static void test_session_expiry(void **state)
{
	struct fx *f = *state;
	unsigned char secret[TOTP_SECRET_BYTES];
	char sid[SECRET_HEX_LEN + 1];
	struct principal p;
	enrolled(f, "velsen", "anna", ROLE_HANDLER, secret, sid);
	/* Idle: each request within the idle time keeps it alive. */
	int64_t t = T0;
	for (int i = 0; i < 5; i++) {
		t += SESSION_IDLE_DEFAULT_S - 60;
		assert_int_equal(accounts_session(&f->a, sid, t, &p), 0);
	}
	assert_int_equal(accounts_session(&f->a, sid, t + SESSION_IDLE_DEFAULT_S + 1, &p),
	                 ACCOUNTS_NO_SESSION);
	/* And it is gone for good. */
	assert_int_equal(accounts_session(&f->a, sid, t, &p), ACCOUNTS_NO_SESSION);

	/* Absolute: however active, 12 hours end it. */
	char sid2[SECRET_HEX_LEN + 1], code[7];
	unsigned wait;
	t = T0 + 100000;
	assert_int_equal(accounts_login(&f->a, "anna", PASS, t, sid, &wait), 0);
	assert_int_equal(accounts_session(&f->a, sid, t, &p), 0);
	code_at(secret, t, code);
	assert_int_equal(accounts_second_factor(&f->a, &p, code, t, sid2, &wait), 0);
	int64_t start = t;
	while (t + 1200 < start + (int64_t)SESSION_ABSOLUTE_DEFAULT_S) {
		t += 1200;
		assert_int_equal(accounts_session(&f->a, sid2, t, &p), 0);
	}
	assert_int_equal(accounts_session(&f->a, sid2, start + SESSION_ABSOLUTE_DEFAULT_S + 1, &p),
	                 ACCOUNTS_NO_SESSION);
	/* A half session waits SESSION_PENDING_MAX_S at most. */
	assert_int_equal(accounts_login(&f->a, "anna", PASS, t, sid, &wait), 0);
	assert_int_equal(accounts_session(&f->a, sid, t + SESSION_PENDING_MAX_S + 1, &p),
	                 ACCOUNTS_NO_SESSION);
}

static void test_logout_and_everywhere(void **state)
{
	struct fx *f = *state;
	unsigned char secret[TOTP_SECRET_BYTES];
	char s1[SECRET_HEX_LEN + 1], s2[SECRET_HEX_LEN + 1], half[SECRET_HEX_LEN + 1];
	char code[7];
	unsigned wait;
	struct principal p, q;
	enrolled(f, "velsen", "anna", ROLE_HANDLER, secret, s1);
	assert_int_equal(accounts_login(&f->a, "anna", PASS, T0 + 60, half, &wait), 0);
	assert_int_equal(accounts_session(&f->a, half, T0 + 60, &p), 0);
	code_at(secret, T0 + 60, code);
	assert_int_equal(accounts_second_factor(&f->a, &p, code, T0 + 60, s2, &wait), 0);
	struct store_session *list;
	size_t n;
	assert_int_equal(accounts_session(&f->a, s1, T0 + 61, &p), 0);
	assert_int_equal(store_session_list(f->s, p.user_id, &list, &n), 0);
	assert_int_equal(n, 2);
	free(list);
	assert_int_equal(accounts_logout(&f->a, &p, false), 0);
	assert_int_equal(accounts_session(&f->a, s1, T0 + 62, &q), ACCOUNTS_NO_SESSION);
	assert_int_equal(accounts_session(&f->a, s2, T0 + 62, &q), 0);
	assert_int_equal(accounts_logout(&f->a, &q, true), 0);
	assert_int_equal(accounts_session(&f->a, s2, T0 + 63, &q), ACCOUNTS_NO_SESSION);
	assert_int_equal(store_session_list(f->s, p.user_id, &list, &n), 0);
	assert_int_equal(n, 0);
}

static void test_sessions_per_user_bounded(void **state)
{
	struct fx *f = *state;
	add(f, "velsen", "anna", ROLE_HANDLER, false);
	char first[SECRET_HEX_LEN + 1], sid[SECRET_HEX_LEN + 1];
	unsigned wait;
	struct principal p;
	assert_int_equal(accounts_login(&f->a, "anna", PASS, T0, first, &wait), 0);
	for (unsigned i = 1; i <= SESSION_MAX_PER_USER; i++)
		assert_int_equal(accounts_login(&f->a, "anna", PASS, T0 + i, sid, &wait), 0);
	struct store_session *list;
	size_t n;
	assert_int_equal(accounts_session(&f->a, sid, T0 + 30, &p), 0);
	assert_int_equal(store_session_list(f->s, p.user_id, &list, &n), 0);
	assert_int_equal(n, SESSION_MAX_PER_USER);
	free(list);
	/* The oldest went. */
	assert_int_equal(accounts_session(&f->a, first, T0 + 30, &p), ACCOUNTS_NO_SESSION);
}

static void test_disabled_user_stops_at_once(void **state)
{
	struct fx *f = *state;
	unsigned char secret[TOTP_SECRET_BYTES];
	char sid[SECRET_HEX_LEN + 1], tok[SECRET_HEX_LEN + 1];
	struct principal p;
	enrolled(f, "velsen", "anna", ROLE_HANDLER, secret, sid);
	assert_int_equal(accounts_token_create(&f->a, "os:test", NULL, "anna", 90, T0, tok, NULL),
	                 0);
	assert_int_equal(accounts_token(&f->a, tok, T0 + 1, &p), 0);
	assert_int_equal(accounts_user_set_disabled(&f->a, "os:test", NULL, "anna", true), 0);
	assert_int_equal(accounts_session(&f->a, sid, T0 + 2, &p), ACCOUNTS_NO_SESSION);
	assert_int_equal(accounts_token(&f->a, tok, T0 + 2, &p), ACCOUNTS_NO_SESSION);
	unsigned wait;
	char s[SECRET_HEX_LEN + 1];
	assert_int_equal(accounts_login(&f->a, "anna", PASS, T0 + 3, s, &wait), ACCOUNTS_WRONG);
	assert_int_equal(accounts_user_set_disabled(&f->a, "os:test", NULL, "anna", false), 0);
	assert_int_equal(accounts_token(&f->a, tok, T0 + 4, &p), 0);
	assert_int_equal(accounts_login(&f->a, "anna", PASS, T0 + 4, s, &wait), 0);
	assert_int_equal(accounts_user_set_disabled(&f->a, "os:test", NULL, "nobody", true),
	                 ACCOUNTS_NO_USER);
	/* An admin of another organisation finds no such user. */
	assert_int_equal(accounts_user_set_disabled(&f->a, "os:test", "haarlem", "anna", true),
	                 ACCOUNTS_NO_USER);
	assert_int_equal(accounts_user_reset_2fa(&f->a, "os:test", "haarlem", "anna"),
	                 ACCOUNTS_NO_USER);
	assert_int_equal(accounts_session(&f->a, s, T0 + 5, &p), 0);
}

static void test_reset_2fa(void **state)
{
	struct fx *f = *state;
	unsigned char secret[TOTP_SECRET_BYTES];
	char sid[SECRET_HEX_LEN + 1];
	struct principal p;
	enrolled(f, "velsen", "anna", ROLE_HANDLER, secret, sid);
	assert_int_equal(accounts_user_reset_2fa(&f->a, "os:test", NULL, "anna"), 0);
	assert_int_equal(accounts_session(&f->a, sid, T0 + 1, &p), ACCOUNTS_NO_SESSION);
	unsigned wait;
	assert_int_equal(accounts_login(&f->a, "anna", PASS, T0 + 2, sid, &wait), 0);
	assert_int_equal(accounts_session(&f->a, sid, T0 + 2, &p), 0);
	assert_int_equal(p.next, NEXT_ENROL);
	int64_t n = -1;
	assert_int_equal(store_recovery_count(f->s, p.user_id, &n), 0);
	assert_int_equal(n, 0);
}

static void test_tokens_expire_and_revoke(void **state)
{
	struct fx *f = *state;
	add(f, "haarlem", "bert", ROLE_ANALYST, false);
	char tok[SECRET_HEX_LEN + 1];
	int64_t id;
	struct principal p;
	assert_int_equal(accounts_token_create(&f->a, "os:test", NULL, "bert", 2, T0, tok, &id), 0);
	assert_true(secret_hex_valid(tok));
	assert_int_equal(accounts_token(&f->a, tok, T0 + 86400, &p), 0);
	assert_true(p.via_token);
	assert_string_equal(p.org, "haarlem");
	assert_int_equal(p.roles, ROLE_ANALYST);
	assert_int_equal(accounts_token(&f->a, tok, T0 + 2 * 86400, &p), ACCOUNTS_NO_SESSION);
	char tok2[SECRET_HEX_LEN + 1];
	assert_int_equal(accounts_token_create(&f->a, "os:test", NULL, "bert", 90, T0, tok2, &id),
	                 0);
	assert_int_equal(accounts_token(&f->a, tok2, T0 + 1, &p), 0);
	assert_int_equal(accounts_token_revoke(&f->a, "os:test", NULL, id), 0);
	assert_int_equal(accounts_token(&f->a, tok2, T0 + 2, &p), ACCOUNTS_NO_SESSION);
	assert_int_equal(accounts_token_revoke(&f->a, "os:test", NULL, id + 1), ACCOUNTS_NO_TOKEN);
	tok2[0] = tok2[0] == 'a' ? 'b' : 'a';
	assert_int_equal(accounts_token(&f->a, tok2, T0 + 1, &p), ACCOUNTS_NO_SESSION);
	assert_int_equal(accounts_token(&f->a, "short", T0 + 1, &p), ACCOUNTS_NO_SESSION);
	assert_int_equal(accounts_token_create(&f->a, "os:test", NULL, "nobody", 2, T0, tok, &id),
	                 ACCOUNTS_NO_USER);
	assert_int_equal(accounts_token_create(&f->a, "os:test", NULL, "bert", 0, T0, tok, &id),
	                 ACCOUNTS_BAD_INPUT);
}

/* An admin (an org given) changes roles only in their own organisation,
 * never drops their own admin role, and each change is audited. */
static void test_roles_change_in_own_org(void **state)
{
	struct fx *f = *state;
	add(f, "velsen", "anna", ROLE_ADMIN, false);
	add(f, "velsen", "bert", ROLE_INTAKE, false);
	add(f, "haarlem", "cees", ROLE_HANDLER, false);
	struct accounts *a = &f->a;
	assert_int_equal(
	    accounts_user_set_roles(a, "anna", "velsen", "bert", ROLE_HANDLER | ROLE_ANALYST, true),
	    0);
	struct store_user u;
	assert_int_equal(store_user_by_login(f->s, "bert", &u), 0);
	assert_int_equal(u.roles, ROLE_HANDLER | ROLE_ANALYST);
	assert_true(u.af);
	assert_int_equal(accounts_user_set_roles(a, "anna", "velsen", "cees", ROLE_ADMIN, false),
	                 ACCOUNTS_NO_USER);
	assert_int_equal(store_user_by_login(f->s, "cees", &u), 0);
	assert_int_equal(u.roles, ROLE_HANDLER);
	assert_int_equal(accounts_user_set_roles(a, "anna", "velsen", "anna", ROLE_HANDLER, false),
	                 ACCOUNTS_SELF_ADMIN);
	assert_int_equal(
	    accounts_user_set_roles(a, "anna", "velsen", "anna", ROLE_ADMIN | ROLE_HANDLER, false),
	    0);
	assert_int_equal(accounts_user_set_roles(a, "anna", "velsen", "bert", ROLE_INTAKE, true),
	                 ACCOUNTS_BAD_INPUT);
	assert_int_equal(accounts_user_set_roles(a, "anna", "velsen", "bert", 0, false),
	                 ACCOUNTS_BAD_INPUT);
	assert_int_equal(accounts_user_set_roles(a, "anna", "velsen", "nobody", ROLE_CARE, false),
	                 ACCOUNTS_NO_USER);
	/* The CLI (no org) reaches every organisation. */
	assert_int_equal(accounts_user_set_roles(a, "os:test", NULL, "cees", ROLE_CARE, false), 0);
	struct seen s = {0};
	int64_t next;
	struct audit_query q = {.org = "velsen", .action = AUDIT_USER_ROLES};
	assert_int_equal(audit_list(f->s, &q, 0, 10, seen_row, &s, &next), 0);
	/* The changes refused for another organisation's account or none
	 * are written down as denied. */
	assert_int_equal(s.n, 4);
	assert_string_equal(s.lines[0], "user:anna user.roles user:nobody denied");
	assert_string_equal(s.lines[1], "user:anna user.roles user:anna ok");
	assert_string_equal(s.lines[2], "user:anna user.roles user:cees denied");
	assert_string_equal(s.lines[3], "user:anna user.roles user:bert ok");
}

/* With an org, tokens are made and revoked only for its own users. */
static void test_tokens_in_own_org(void **state)
{
	struct fx *f = *state;
	add(f, "velsen", "anna", ROLE_ADMIN, false);
	add(f, "haarlem", "cees", ROLE_HANDLER, false);
	char tok[SECRET_HEX_LEN + 1];
	int64_t id = 0, cid = 0;
	struct principal p;
	assert_int_equal(accounts_token_create(&f->a, "anna", "velsen", "cees", 2, T0, tok, &id),
	                 ACCOUNTS_NO_USER);
	assert_int_equal(accounts_token_create(&f->a, "os:test", NULL, "cees", 2, T0, tok, &cid),
	                 0);
	assert_int_equal(accounts_token_revoke(&f->a, "anna", "velsen", cid), ACCOUNTS_NO_TOKEN);
	assert_int_equal(accounts_token(&f->a, tok, T0 + 1, &p), 0);
	assert_int_equal(accounts_token_create(&f->a, "anna", "velsen", "anna", 2, T0, tok, &id),
	                 0);
	assert_int_equal(accounts_token_revoke(&f->a, "anna", "velsen", id), 0);
	assert_int_equal(accounts_token(&f->a, tok, T0 + 1, &p), ACCOUNTS_NO_SESSION);
	/* The organisation's list holds its own tokens only. */
	struct seen s = {0};
	assert_int_equal(store_token_list_org(f->s, "velsen", seen_token, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.lines[0], "anna revoked");
	struct seen all = {0};
	struct audit_query q = {.org = "velsen", .action = -1};
	int64_t next;
	assert_int_equal(audit_list(f->s, &q, 0, 10, seen_row, &all, &next), 0);
	assert_true(strncmp(all.lines[0], "user:anna token.revoke token:", 29) == 0);
}

struct hashctx {
	struct store_user u;
};

static int set_hash_txn(struct store_tx *tx, void *vctx)
{
	struct hashctx *c = vctx;
	return store_tx_user_set_password(tx, c->u.id, c->u.password_hash, false);
}

static void test_old_hash_upgraded_at_login(void **state)
{
	struct fx *f = *state;
	add(f, "velsen", "anna", ROLE_HANDLER, false);
	struct hashctx c;
	assert_int_equal(store_user_by_login(f->s, "anna", &c.u), 0);
	/* A hash of cheaper parameters, as an older version made. */
	assert_int_equal(crypto_pwhash_str(c.u.password_hash, PASS, strlen(PASS),
	                                   crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                                   crypto_pwhash_MEMLIMIT_INTERACTIVE),
	                 0);
	assert_int_equal(store_txn(f->s, set_hash_txn, &c), 0);
	char sid[SECRET_HEX_LEN + 1];
	unsigned wait;
	assert_int_equal(accounts_login(&f->a, "anna", PASS, T0, sid, &wait), 0);
	struct store_user u;
	assert_int_equal(store_user_by_login(f->s, "anna", &u), 0);
	assert_string_not_equal(u.password_hash, c.u.password_hash);
	assert_int_equal(
	    crypto_pwhash_str_needs_rehash(u.password_hash, PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT),
	    0);
}

static void test_password_change_on_account(void **state)
{
	struct fx *f = *state;
	unsigned char secret[TOTP_SECRET_BYTES];
	char sid[SECRET_HEX_LEN + 1], other[SECRET_HEX_LEN + 1], code[7];
	struct principal p, q;
	unsigned wait;
	enrolled(f, "velsen", "anna", ROLE_HANDLER, secret, sid);
	assert_int_equal(accounts_login(&f->a, "anna", PASS, T0 + 60, other, &wait), 0);
	assert_int_equal(accounts_session(&f->a, other, T0 + 60, &q), 0);
	code_at(secret, T0 + 60, code);
	assert_int_equal(accounts_second_factor(&f->a, &q, code, T0 + 60, other, &wait), 0);
	assert_int_equal(accounts_session(&f->a, sid, T0 + 61, &p), 0);
	const char *why;
	assert_int_equal(
	    accounts_password_change(&f->a, &p, "not it", "blauwe-boot-op-de-rivier", &why),
	    ACCOUNTS_WRONG);
	assert_int_equal(
	    accounts_password_change(&f->a, &p, PASS, "blauwe-boot-op-de-rivier", &why), 0);
	/* This session goes on; the other ends. */
	assert_int_equal(accounts_session(&f->a, sid, T0 + 62, &p), 0);
	assert_int_equal(accounts_session(&f->a, other, T0 + 62, &q), ACCOUNTS_NO_SESSION);
	assert_int_equal(accounts_login(&f->a, "anna", PASS, T0 + 63, other, &wait),
	                 ACCOUNTS_WRONG);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	store_fixture_init();
	oath_init();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roles),
	    T(test_user_add),
	    T(test_longest_login),
	    T(test_user_list_per_org),
	    T(test_unknown_login_answers_like_wrong_password),
	    T(test_changes_are_audited),
	    T(test_throttle_grows_and_passes),
	    T(test_first_login_changes_password_and_enrols),
	    T(test_totp_once_and_drift),
	    T(test_recovery_code_once),
	    T(test_session_expiry),
	    T(test_logout_and_everywhere),
	    T(test_sessions_per_user_bounded),
	    T(test_disabled_user_stops_at_once),
	    T(test_reset_2fa),
	    T(test_tokens_expire_and_revoke),
	    T(test_roles_change_in_own_org),
	    T(test_tokens_in_own_org),
	    T(test_old_hash_upgraded_at_login),
	    T(test_password_change_on_account),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
