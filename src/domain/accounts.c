/* accounts: see accounts.h. */
#include "domain/accounts.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/password.h"
#include "auth/roles.h"
#include "auth/totp.h"
#include "crypto/keyfile.h"
#include "domain/audit_hook.h"
#include "store/store.h"
#include "util/i18n.h"
#include "util/str.h"

/* Number of the KEYFILE_CTX_SESSION subkey that hashes session ids,
 * tokens and recovery codes. */
#define ACCOUNTS_HASH_KEY_ID 1u

int accounts_init(struct accounts *a, struct store *s, const unsigned char master[32])
{
	memset(a, 0, sizeof *a);
	a->store = s;
	a->idle_s = SESSION_IDLE_DEFAULT_S;
	a->absolute_s = SESSION_ABSOLUTE_DEFAULT_S;
	if (keyfile_derive(master, KEYFILE_CTX_SESSION, ACCOUNTS_HASH_KEY_ID, a->hash_key,
	                   sizeof a->hash_key) != 0 ||
	    seal_key_derive(master, &a->seal) != 0 || audit_hook_start(master) != 0) {
		accounts_wipe(a);
		return -EIO;
	}
	return 0;
}

void accounts_wipe(struct accounts *a)
{
	if (!a)
		return;
	sodium_memzero(a->hash_key, sizeof a->hash_key);
	seal_key_wipe(&a->seal);
}

bool accounts_login_valid(const char *login)
{
	size_t n = login ? strlen(login) : 0;
	if (n < 1 || n > USER_LOGIN_MAX || login[0] < 'a' || login[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = login[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

static int audit(struct store_tx *tx, const char *actor, const char *org, enum audit_action action,
                 const char *object_login, enum audit_result result)
{
	char object[USER_LOGIN_MAX + 8];
	snprintf(object, sizeof object, "user:%s", object_login ? object_login : "");
	struct audit_hook_entry e = {actor, org, action, object_login ? object : NULL, result};
	return audit_hook(tx, &e);
}

static int64_t random_id(void)
{
	uint64_t v;
	do {
		randombytes_buf(&v, sizeof v);
		v &= (uint64_t)INT64_MAX;
	} while (v == 0);
	return (int64_t)v;
}

/* --- accounts ------------------------------------------------------------ */

struct add_ctx {
	const char *actor;
	struct store_user u;
};

static int add_txn(struct store_tx *tx, void *vctx)
{
	struct add_ctx *c = vctx;
	int rc = store_tx_user_insert(tx, &c->u);
	if (rc)
		return rc;
	return audit(tx, c->actor, c->u.org, AUDIT_USER_ADD, c->u.login, AUDIT_OK);
}

int accounts_user_add(struct accounts *a, const char *actor, const struct accounts_new_user *u,
                      const char **why)
{
	if (!accounts_login_valid(u->login) || !u->org || strlen(u->org) > ID_MAX_LEN ||
	    !u->roles || (u->roles & ~ROLE_ALL) || (u->af && !(u->roles & ROLE_HANDLER)) ||
	    !u->password)
		return ACCOUNTS_BAD_INPUT;
	if (!u->must_change && password_quality(u->password, u->login, why) != 0)
		return ACCOUNTS_WEAK;
	struct add_ctx c = {.actor = actor};
	c.u.id = random_id();
	snprintf(c.u.org, sizeof c.u.org, "%s", u->org);
	snprintf(c.u.login, sizeof c.u.login, "%s", u->login);
	c.u.roles = u->roles;
	c.u.af = u->af;
	c.u.must_change = u->must_change;
	int rc = password_hash(u->password, c.u.password_hash);
	for (int i = 0; !rc && i < 4; i++) {
		rc = store_txn(a->store, add_txn, &c);
		if (rc == STORE_DUPLICATE) {
			c.u.id = random_id();
			rc = i < 3 ? 0 : -EIO;
			continue;
		}
		break;
	}
	sodium_memzero(c.u.password_hash, sizeof c.u.password_hash);
	if (rc == STORE_CONFLICT)
		return ACCOUNTS_EXISTS;
	if (rc == STORE_NOT_FOUND)
		return ACCOUNTS_NO_ORG;
	if (rc == -EINVAL)
		return ACCOUNTS_BAD_INPUT;
	return rc;
}

enum user_change {
	CHANGE_DISABLE,
	CHANGE_ENABLE,
	CHANGE_RESET_2FA,
	CHANGE_ROLES
};

struct change_ctx {
	const char *actor;
	const char *org;
	const char *login;
	enum user_change what;
	unsigned roles; /* CHANGE_ROLES */
	bool af;
};

static enum audit_action change_action(enum user_change what)
{
	switch (what) {
	case CHANGE_DISABLE:
		return AUDIT_USER_DISABLE;
	case CHANGE_ENABLE:
		return AUDIT_USER_ENABLE;
	case CHANGE_ROLES:
		return AUDIT_USER_ROLES;
	default:
		return AUDIT_2FA_RESET;
	}
}

static int change_txn(struct store_tx *tx, void *vctx)
{
	struct change_ctx *c = vctx;
	struct store_user u;
	int rc = store_tx_user_by_login(tx, c->login, &u);
	if (rc)
		return rc;
	if (c->org && strcmp(c->org, u.org) != 0)
		return STORE_NOT_FOUND;
	enum audit_action action = change_action(c->what);
	switch (c->what) {
	case CHANGE_DISABLE:
	case CHANGE_ENABLE:
		rc = store_tx_user_set_disabled(tx, u.id, c->what == CHANGE_DISABLE);
		/* Enabling also lifts a throttle: an admin has looked. */
		if (!rc && c->what == CHANGE_ENABLE)
			rc = store_tx_user_set_failed(tx, u.id, 0, 0);
		break;
	case CHANGE_ROLES:
		rc = store_tx_user_set_roles(tx, u.id, c->roles, c->af);
		break;
	default:
		rc = store_tx_user_set_totp(tx, u.id, NULL, 0, false, 0);
		if (!rc)
			rc = store_tx_recovery_replace(tx, u.id, NULL, 0);
		break;
	}
	/* Roles are read again at every request: sessions stay. */
	if (!rc && c->what != CHANGE_ENABLE && c->what != CHANGE_ROLES)
		rc = store_tx_sessions_delete_user(tx, u.id, NULL);
	if (!rc)
		rc = audit(tx, c->actor, u.org, action, u.login, AUDIT_OK);
	return rc;
}

/* An admin's change refused because the account is not one of the
 * admin's organisation (or does not exist): written down as denied, the
 * login as its object when it has a login's shape. */
static int denied_txn(struct store_tx *tx, void *vctx)
{
	const struct change_ctx *c = vctx;
	return audit(tx, c->actor, c->org, change_action(c->what),
	             accounts_login_valid(c->login) ? c->login : NULL, AUDIT_DENIED);
}

static int user_change(struct accounts *a, struct change_ctx *c)
{
	int rc = store_txn(a->store, change_txn, c);
	if (rc != STORE_NOT_FOUND)
		return rc;
	if (c->org && (rc = store_txn(a->store, denied_txn, c)) != 0)
		return rc;
	return ACCOUNTS_NO_USER;
}

int accounts_user_set_disabled(struct accounts *a, const char *actor, const char *org,
                               const char *login, bool disabled)
{
	struct change_ctx c = {actor, org,  login, disabled ? CHANGE_DISABLE : CHANGE_ENABLE,
	                       0,     false};
	return user_change(a, &c);
}

int accounts_user_reset_2fa(struct accounts *a, const char *actor, const char *org,
                            const char *login)
{
	struct change_ctx c = {actor, org, login, CHANGE_RESET_2FA, 0, false};
	return user_change(a, &c);
}

int accounts_user_set_roles(struct accounts *a, const char *actor, const char *org,
                            const char *login, unsigned roles, bool af)
{
	if (!accounts_login_valid(login) || !roles || (roles & ~ROLE_ALL) ||
	    (af && !(roles & ROLE_HANDLER)))
		return ACCOUNTS_BAD_INPUT;
	if (actor && strcmp(actor, login) == 0 && !(roles & ROLE_ADMIN))
		return ACCOUNTS_SELF_ADMIN;
	struct change_ctx c = {actor, org, login, CHANGE_ROLES, roles, af};
	return user_change(a, &c);
}

/* --- the throttle -------------------------------------------------------- */

/* The wait after the count-th failure in a row: none for the first
 * LOGIN_FREE_FAILURES - 1, then LOGIN_THROTTLE_BASE_S doubling. */
static int64_t throttle_wait(int64_t count)
{
	if (count < (int64_t)LOGIN_FREE_FAILURES)
		return 0;
	int64_t shift = count - (int64_t)LOGIN_FREE_FAILURES;
	if (shift > 20)
		shift = 20;
	int64_t w = (int64_t)LOGIN_THROTTLE_BASE_S << shift;
	return w > (int64_t)LOGIN_THROTTLE_MAX_S ? (int64_t)LOGIN_THROTTLE_MAX_S : w;
}

struct fail_ctx {
	int64_t user_id;
	int64_t now;
	enum audit_action action;
	int64_t until; /* out */
};

/* Counts a failure in its own transaction, from the row as it is now
 * (several servers may count at once). */
static int fail_txn(struct store_tx *tx, void *vctx)
{
	struct fail_ctx *c = vctx;
	struct store_user u;
	int rc = store_tx_user_by_id(tx, c->user_id, &u);
	if (rc)
		return rc;
	int64_t count = u.failed_count + 1;
	int64_t w = throttle_wait(count);
	c->until = w ? c->now + w : 0;
	rc = store_tx_user_set_failed(tx, u.id, count, c->until);
	if (!rc)
		rc = audit(tx, u.login, u.org, c->action, u.login, AUDIT_DENIED);
	return rc;
}

/* A failed login of a name that is no account: the same reads and
 * writes as counting a failure (a row read, a row written, the audit
 * entry), so that the answer takes as long. The name typed is not kept:
 * it may be a password typed into the wrong field. */
static int unknown_txn(struct store_tx *tx, void *vctx)
{
	(void)vctx;
	struct buf v = BUF_INIT;
	uint64_t n = 0;
	int rc = store_tx_setting_get(tx, ACCOUNTS_UNKNOWN_KEY, &v);
	if (rc == 0 && str_parse_u64(buf_str(&v), 0, UINT64_MAX - 1, &n) != 0)
		n = 0;
	if (rc == STORE_NOT_FOUND)
		rc = 0;
	char text[24];
	snprintf(text, sizeof text, "%llu", (unsigned long long)(n + 1));
	if (!rc)
		rc = store_tx_setting_set(tx, ACCOUNTS_UNKNOWN_KEY, text);
	buf_free(&v);
	struct audit_hook_entry e = {"-", NULL, AUDIT_LOGIN_FAILED, NULL, AUDIT_DENIED};
	if (!rc)
		rc = audit_hook(tx, &e);
	return rc;
}

static int count_failure(struct accounts *a, int64_t user_id, int64_t now, enum audit_action action)
{
	struct fail_ctx c = {user_id, now, action, 0};
	return store_txn(a->store, fail_txn, &c);
}

static unsigned wait_left(const struct store_user *u, int64_t now)
{
	return u->throttle_until > now ? (unsigned)(u->throttle_until - now) : 0;
}

/* --- sessions -------------------------------------------------------------- */

static enum accounts_next next_of(const struct store_user *u, int stage)
{
	if (stage == SESSION_FULL)
		return NEXT_NONE;
	if (u->must_change)
		return NEXT_PASSWORD;
	if (!u->totp_enrolled)
		return NEXT_ENROL;
	return NEXT_CODE;
}

struct open_ctx {
	const struct store_user *u;
	int stage;
	int64_t now;
	const unsigned char *old_hash; /* the session this one replaces, or NULL */
	unsigned char hash[SECRET_HASH_BYTES];
	enum audit_action action;
	bool rehash;
	const char *password;          /* to hash again with today's parameters */
	int64_t step;                  /* a TOTP step to take, or 0 */
	const unsigned char *recovery; /* a recovery code's hash to use, or NULL */
};

/* A user holds at most SESSION_MAX_PER_USER sessions: the oldest go. */
static int keep_newest(struct store_tx *tx, int64_t user_id)
{
	struct store_session *list = NULL;
	size_t n = 0;
	int rc = store_tx_session_list(tx, user_id, &list, &n);
	for (size_t i = SESSION_MAX_PER_USER; !rc && i < n; i++)
		rc = store_tx_session_delete(tx, list[i].id_hash);
	free(list);
	return rc;
}

static int open_txn(struct store_tx *tx, void *vctx)
{
	struct open_ctx *c = vctx;
	int rc = 0;
	if (c->step) {
		rc = store_tx_user_totp_step(tx, c->u->id, c->step);
		if (rc == STORE_REFUSED)
			return ACCOUNTS_WRONG;
	}
	if (!rc && c->recovery) {
		rc = store_tx_recovery_use(tx, c->u->id, c->recovery);
		if (rc == STORE_NOT_FOUND)
			return ACCOUNTS_WRONG;
	}
	if (!rc && c->old_hash)
		rc = store_tx_session_delete(tx, c->old_hash);
	if (!rc)
		rc = store_tx_user_set_failed(tx, c->u->id, 0, 0);
	if (!rc && c->rehash) {
		char h[PASSWORD_HASH_BYTES];
		rc = password_hash(c->password, h);
		if (!rc)
			rc = store_tx_user_set_password(tx, c->u->id, h, c->u->must_change);
	}
	if (!rc)
		rc =
		    store_tx_sessions_expire(tx, c->u->id, c->now - (int64_t)SESSION_ABSOLUTE_MAX_S,
		                             c->now - (int64_t)SESSION_ABSOLUTE_MAX_S);
	struct store_session s = {
	    .user_id = c->u->id, .stage = c->stage, .created = c->now, .last_seen = c->now};
	memcpy(s.id_hash, c->hash, sizeof s.id_hash);
	if (!rc)
		rc = store_tx_session_insert(tx, &s);
	if (!rc)
		rc = keep_newest(tx, c->u->id);
	if (!rc)
		rc = audit(tx, c->u->login, c->u->org, c->action, c->u->login, AUDIT_OK);
	return rc;
}

/* Opens a session for u at stage, new id in sid, in one transaction with
 * what c asks besides. */
static int open_session(struct accounts *a, struct open_ctx *c, char sid[SECRET_HEX_LEN + 1])
{
	secret_new_hex(sid);
	int rc = secret_hash(a->hash_key, SECRET_SESSION, sid, c->hash);
	if (!rc)
		rc = store_txn(a->store, open_txn, c);
	if (rc)
		sodium_memzero(sid, SECRET_HEX_LEN + 1);
	return rc;
}

int accounts_login(struct accounts *a, const char *login, const char *password, int64_t now,
                   char sid[SECRET_HEX_LEN + 1], unsigned *wait_s)
{
	*wait_s = 0;
	struct store_user u;
	int rc = accounts_login_valid(login) ? store_user_by_login(a->store, login, &u)
	                                     : STORE_NOT_FOUND;
	if (rc == STORE_NOT_FOUND) {
		/* The same work and the same answer as a wrong password. */
		password_verify_dummy(password ? password : "");
		rc = store_txn(a->store, unknown_txn, NULL);
		return rc ? rc : ACCOUNTS_WRONG;
	}
	if (rc)
		return rc;
	unsigned w = wait_left(&u, now);
	if (w) {
		*wait_s = w;
		return ACCOUNTS_THROTTLED;
	}
	bool rehash = false;
	bool ok = password && password_verify(u.password_hash, password, &rehash);
	if (!ok || u.disabled) {
		rc = count_failure(a, u.id, now, AUDIT_LOGIN_FAILED);
		return rc ? rc : ACCOUNTS_WRONG;
	}
	struct open_ctx c = {.u = &u,
	                     .stage = SESSION_HALF,
	                     .now = now,
	                     .action = AUDIT_LOGIN,
	                     .rehash = rehash,
	                     .password = password};
	return open_session(a, &c, sid);
}

static void csrf_of(const struct accounts *a, const unsigned char hash[SECRET_HASH_BYTES],
                    char out[SECRET_HEX_LEN + 1])
{
	unsigned char mac[32];
	char hex[2 * SECRET_HASH_BYTES + 1];
	sodium_bin2hex(hex, sizeof hex, hash, SECRET_HASH_BYTES);
	/* A kind of its own: never a session's, token's or code's hash. */
	if (secret_hash(a->hash_key, SECRET_CSRF, hex, mac) != 0)
		randombytes_buf(mac, sizeof mac);
	sodium_bin2hex(out, SECRET_HEX_LEN + 1, mac, sizeof mac);
}

static void principal_of(const struct store_user *u, struct principal *out)
{
	memset(out, 0, sizeof *out);
	out->user_id = u->id;
	memcpy(out->login, u->login, sizeof out->login);
	memcpy(out->org, u->org, sizeof out->org);
	out->roles = u->roles;
	out->af = u->af;
}

struct ses_ctx {
	const unsigned char *hash;
	int64_t now;
	bool drop;
};

static int ses_txn(struct store_tx *tx, void *vctx)
{
	struct ses_ctx *c = vctx;
	return c->drop ? store_tx_session_delete(tx, c->hash)
	               : store_tx_session_touch(tx, c->hash, c->now);
}

/* accounts_session, with the user's row (its password hash and sealed
 * second factor too) read into u, which the caller wipes. */
static int session_read(struct accounts *a, const char *sid, int64_t now, struct principal *out,
                        struct store_user *u)
{
	memset(out, 0, sizeof *out);
	if (!secret_hex_valid(sid))
		return ACCOUNTS_NO_SESSION;
	unsigned char hash[SECRET_HASH_BYTES];
	int rc = secret_hash(a->hash_key, SECRET_SESSION, sid, hash);
	struct store_session s;
	if (!rc)
		rc = store_session_user_get(a->store, hash, &s, u);
	if (rc == STORE_NOT_FOUND)
		return ACCOUNTS_NO_SESSION;
	if (rc)
		return rc;
	bool expired =
	    u->disabled || now - s.last_seen > a->idle_s || now - s.created > a->absolute_s ||
	    (s.stage != SESSION_FULL && now - s.created > SESSION_PENDING_MAX_S) || now < s.created;
	struct ses_ctx c = {hash, now, expired};
	if (expired || now - s.last_seen >= (int64_t)SESSION_TOUCH_EVERY_S) {
		rc = store_txn(a->store, ses_txn, &c);
		if (rc)
			return rc;
	}
	if (expired)
		return ACCOUNTS_NO_SESSION;
	principal_of(u, out);
	out->stage = s.stage == SESSION_FULL ? SESSION_FULL : SESSION_HALF;
	out->next = next_of(u, out->stage);
	out->session_created = s.created;
	memcpy(out->session_hash, hash, sizeof hash);
	csrf_of(a, hash, out->csrf);
	return 0;
}

int accounts_session(struct accounts *a, const char *sid, int64_t now, struct principal *out)
{
	struct store_user u;
	int rc = session_read(a, sid, now, out, &u);
	sodium_memzero(&u, sizeof u);
	return rc;
}

/* The user of a half session as it is now; ACCOUNTS_STATE when the
 * session is not at step next. */
static int half_user(struct accounts *a, const struct principal *p, enum accounts_next next,
                     struct store_user *u)
{
	if (!p || p->via_token || p->stage != SESSION_HALF)
		return ACCOUNTS_STATE;
	int rc = store_user_by_id(a->store, p->user_id, u);
	if (rc == STORE_NOT_FOUND)
		return ACCOUNTS_NO_SESSION;
	if (rc)
		return rc;
	if (u->disabled)
		return ACCOUNTS_NO_SESSION;
	return next_of(u, SESSION_HALF) == next ? 0 : ACCOUNTS_STATE;
}

static int open_secret(struct accounts *a, const struct store_user *u,
                       unsigned char secret[TOTP_SECRET_BYTES])
{
	struct buf plain = BUF_INIT;
	int rc = seal_decrypt(&a->seal, (uint64_t)u->id, SEAL_TOTP, u->totp_sealed,
	                      u->totp_sealed_len, &plain);
	if (!rc && plain.len != TOTP_SECRET_BYTES)
		rc = -EIO;
	if (!rc)
		memcpy(secret, plain.data, TOTP_SECRET_BYTES);
	if (plain.data)
		sodium_memzero(plain.data, plain.len);
	buf_free(&plain);
	return rc ? (rc > 0 ? -EIO : rc) : 0;
}

int accounts_second_factor(struct accounts *a, const struct principal *p, const char *code,
                           int64_t now, char sid[SECRET_HEX_LEN + 1], unsigned *wait_s)
{
	*wait_s = 0;
	struct store_user u;
	int rc = half_user(a, p, NEXT_CODE, &u);
	if (rc)
		return rc;
	unsigned w = wait_left(&u, now);
	if (w) {
		*wait_s = w;
		return ACCOUNTS_THROTTLED;
	}
	struct open_ctx c = {.u = &u,
	                     .stage = SESSION_FULL,
	                     .now = now,
	                     .old_hash = p->session_hash,
	                     .action = AUDIT_LOGIN};
	unsigned char rhash[SECRET_HASH_BYTES];
	char norm[RECOVERY_CODE_LEN];
	if (code && secret_recovery_normal(code, norm)) {
		rc = secret_hash(a->hash_key, SECRET_RECOVERY, norm, rhash);
		c.recovery = rhash;
		c.action = AUDIT_LOGIN; /* with a recovery code */
	} else {
		unsigned char secret[TOTP_SECRET_BYTES];
		rc = open_secret(a, &u, secret);
		int64_t step = 0;
		if (!rc)
			rc = totp_match(secret, sizeof secret, now, code ? code : "",
			                u.totp_last_step, &step);
		sodium_memzero(secret, sizeof secret);
		if (rc == TOTP_WRONG)
			rc = ACCOUNTS_WRONG;
		c.step = step;
	}
	if (!rc)
		rc = open_session(a, &c, sid);
	if (rc == ACCOUNTS_WRONG) {
		int f = count_failure(a, u.id, now, AUDIT_LOGIN_FAILED);
		return f ? f : ACCOUNTS_WRONG;
	}
	return rc;
}

struct pw_ctx {
	const struct store_user *u;
	const char *hash;
	const unsigned char *keep;
};

static int pw_txn(struct store_tx *tx, void *vctx)
{
	struct pw_ctx *c = vctx;
	int rc = store_tx_user_set_password(tx, c->u->id, c->hash, false);
	/* Every other session of the user ends: someone who knew the old
	 * password is out. */
	if (!rc)
		rc = store_tx_sessions_delete_user(tx, c->u->id, c->keep);
	if (!rc)
		rc =
		    audit(tx, c->u->login, c->u->org, AUDIT_PASSWORD_CHANGE, c->u->login, AUDIT_OK);
	return rc;
}

int accounts_password_change(struct accounts *a, const struct principal *p, const char *old,
                             const char *password, const char **why)
{
	struct store_user u;
	int rc;
	if (!old) {
		rc = half_user(a, p, NEXT_PASSWORD, &u);
	} else {
		if (!p || p->via_token || p->stage != SESSION_FULL)
			return ACCOUNTS_STATE;
		rc = store_user_by_id(a->store, p->user_id, &u);
		if (!rc && !password_verify(u.password_hash, old, NULL))
			rc = ACCOUNTS_WRONG;
	}
	if (rc)
		return rc;
	if (password_quality(password, u.login, why) != 0)
		return ACCOUNTS_WEAK;
	if (password_verify(u.password_hash, password, NULL)) {
		*why = N_("Kies een ander wachtwoord dan het oude.");
		return ACCOUNTS_WEAK;
	}
	char h[PASSWORD_HASH_BYTES];
	rc = password_hash(password, h);
	struct pw_ctx c = {&u, h, p->session_hash};
	if (!rc)
		rc = store_txn(a->store, pw_txn, &c);
	sodium_memzero(h, sizeof h);
	return rc;
}

struct totp_ctx {
	const struct store_user *u;
	const struct buf *sealed;
};

static int enrol_secret_txn(struct store_tx *tx, void *vctx)
{
	struct totp_ctx *c = vctx;
	return store_tx_user_set_totp(tx, c->u->id, c->sealed->data, c->sealed->len, false, 0);
}

int accounts_enrol_secret(struct accounts *a, const struct principal *p,
                          unsigned char secret[TOTP_SECRET_BYTES])
{
	struct store_user u;
	int rc = half_user(a, p, NEXT_ENROL, &u);
	if (rc)
		return rc;
	if (u.totp_sealed_len)
		return open_secret(a, &u, secret);
	randombytes_buf(secret, TOTP_SECRET_BYTES);
	struct buf sealed = BUF_INIT;
	rc = seal_encrypt(&a->seal, (uint64_t)u.id, SEAL_TOTP, secret, TOTP_SECRET_BYTES, &sealed);
	struct totp_ctx c = {&u, &sealed};
	if (!rc)
		rc = store_txn(a->store, enrol_secret_txn, &c);
	buf_free(&sealed);
	if (rc)
		sodium_memzero(secret, TOTP_SECRET_BYTES);
	return rc;
}

static int new_codes(struct accounts *a, char codes[RECOVERY_CODES][RECOVERY_CODE_LEN + 1],
                     unsigned char hashes[RECOVERY_CODES][SECRET_HASH_BYTES])
{
	for (unsigned i = 0; i < RECOVERY_CODES; i++) {
		char norm[RECOVERY_CODE_LEN];
		secret_new_recovery(codes[i]);
		if (!secret_recovery_normal(codes[i], norm) ||
		    secret_hash(a->hash_key, SECRET_RECOVERY, norm, hashes[i]) != 0)
			return -EIO;
		for (unsigned j = 0; j < i; j++)
			if (memcmp(hashes[i], hashes[j], SECRET_HASH_BYTES) == 0)
				return -EAGAIN;
	}
	return 0;
}

struct confirm_ctx {
	struct open_ctx open;
	const struct buf *sealed;
	int64_t step;
	unsigned char (*hashes)[SECRET_HASH_BYTES];
};

static int confirm_txn(struct store_tx *tx, void *vctx)
{
	struct confirm_ctx *c = vctx;
	const struct store_user *u = c->open.u;
	int rc = store_tx_user_set_totp(tx, u->id, c->sealed->data, c->sealed->len, true, c->step);
	if (!rc)
		rc = store_tx_recovery_replace(tx, u->id, (const unsigned char(*)[32])c->hashes,
		                               RECOVERY_CODES);
	if (!rc)
		rc = audit(tx, u->login, u->org, AUDIT_2FA_ENROL, u->login, AUDIT_OK);
	if (!rc)
		rc = open_txn(tx, &c->open);
	return rc;
}

int accounts_enrol_confirm(struct accounts *a, const struct principal *p, const char *code,
                           int64_t now, char sid[SECRET_HEX_LEN + 1],
                           char codes[RECOVERY_CODES][RECOVERY_CODE_LEN + 1])
{
	struct store_user u;
	int rc = half_user(a, p, NEXT_ENROL, &u);
	if (rc)
		return rc;
	if (!u.totp_sealed_len)
		return ACCOUNTS_STATE;
	unsigned char secret[TOTP_SECRET_BYTES];
	int64_t step = 0;
	rc = open_secret(a, &u, secret);
	if (!rc)
		rc = totp_match(secret, sizeof secret, now, code ? code : "", 0, &step);
	sodium_memzero(secret, sizeof secret);
	if (rc == TOTP_WRONG)
		return ACCOUNTS_WRONG;
	if (rc)
		return rc;
	unsigned char hashes[RECOVERY_CODES][SECRET_HASH_BYTES];
	do
		rc = new_codes(a, codes, hashes);
	while (rc == -EAGAIN);
	struct buf sealed = {.data = (char *)u.totp_sealed, .len = u.totp_sealed_len};
	struct confirm_ctx c = {.open = {.u = &u,
	                                 .stage = SESSION_FULL,
	                                 .now = now,
	                                 .old_hash = p->session_hash,
	                                 .action = AUDIT_LOGIN},
	                        .sealed = &sealed,
	                        .step = step,
	                        .hashes = hashes};
	if (!rc) {
		secret_new_hex(sid);
		rc = secret_hash(a->hash_key, SECRET_SESSION, sid, c.open.hash);
	}
	if (!rc)
		rc = store_txn(a->store, confirm_txn, &c);
	if (rc) {
		sodium_memzero(sid, SECRET_HEX_LEN + 1);
		sodium_memzero(codes, sizeof(char[RECOVERY_CODES][RECOVERY_CODE_LEN + 1]));
	}
	return rc;
}

struct codes_ctx {
	const struct principal *p;
	unsigned char (*hashes)[SECRET_HASH_BYTES];
};

static int codes_txn(struct store_tx *tx, void *vctx)
{
	struct codes_ctx *c = vctx;
	int rc = store_tx_recovery_replace(tx, c->p->user_id, (const unsigned char(*)[32])c->hashes,
	                                   RECOVERY_CODES);
	if (!rc)
		rc = audit(tx, c->p->login, c->p->org, AUDIT_RECOVERY_NEW, c->p->login, AUDIT_OK);
	return rc;
}

int accounts_recovery_new(struct accounts *a, const struct principal *p,
                          char codes[RECOVERY_CODES][RECOVERY_CODE_LEN + 1])
{
	if (!p || p->via_token || p->stage != SESSION_FULL)
		return ACCOUNTS_STATE;
	unsigned char hashes[RECOVERY_CODES][SECRET_HASH_BYTES];
	int rc;
	do
		rc = new_codes(a, codes, hashes);
	while (rc == -EAGAIN);
	struct codes_ctx c = {p, hashes};
	if (!rc)
		rc = store_txn(a->store, codes_txn, &c);
	return rc;
}

struct logout_ctx {
	const struct principal *p;
	bool everywhere;
};

static int logout_txn(struct store_tx *tx, void *vctx)
{
	struct logout_ctx *c = vctx;
	int rc = c->everywhere ? store_tx_sessions_delete_user(tx, c->p->user_id, NULL)
	                       : store_tx_session_delete(tx, c->p->session_hash);
	if (!rc)
		rc = audit(tx, c->p->login, c->p->org, AUDIT_LOGOUT, c->p->login, AUDIT_OK);
	return rc;
}

int accounts_logout(struct accounts *a, const struct principal *p, bool everywhere)
{
	if (!p || p->via_token)
		return ACCOUNTS_STATE;
	struct logout_ctx c = {p, everywhere};
	return store_txn(a->store, logout_txn, &c);
}

/* --- API tokens ------------------------------------------------------------- */

struct token_ctx {
	const char *actor;
	const char *org;
	const char *login;
	struct store_token t;
	unsigned char hash[SECRET_HASH_BYTES];
};

static int token_txn(struct store_tx *tx, void *vctx)
{
	struct token_ctx *c = vctx;
	struct store_user u;
	int rc = store_tx_user_by_login(tx, c->login, &u);
	if (rc)
		return rc;
	if (c->org && strcmp(c->org, u.org) != 0)
		return STORE_NOT_FOUND;
	c->t.user_id = u.id;
	rc = store_tx_token_insert(tx, &c->t, c->hash);
	char object[32];
	snprintf(object, sizeof object, "token:%lld", (long long)c->t.id);
	struct audit_hook_entry e = {c->actor, u.org, AUDIT_TOKEN_CREATE, object, AUDIT_OK};
	if (!rc)
		rc = audit_hook(tx, &e);
	return rc;
}

int accounts_token_create(struct accounts *a, const char *actor, const char *org, const char *login,
                          unsigned days, int64_t now, char token[SECRET_HEX_LEN + 1], int64_t *id)
{
	if (!accounts_login_valid(login) || days < 1 || days > TOKEN_DAYS_MAX)
		return ACCOUNTS_BAD_INPUT;
	struct token_ctx c = {.actor = actor, .org = org, .login = login};
	int rc;
	for (int i = 0;; i++) {
		c.t.id = random_id();
		c.t.created = now;
		c.t.expires = now + (int64_t)days * 86400;
		secret_new_hex(token);
		rc = secret_hash(a->hash_key, SECRET_TOKEN, token, c.hash);
		if (!rc)
			rc = store_txn(a->store, token_txn, &c);
		if (rc != STORE_DUPLICATE || i == 3)
			break;
	}
	if (rc) {
		sodium_memzero(token, SECRET_HEX_LEN + 1);
		return rc == STORE_NOT_FOUND ? ACCOUNTS_NO_USER : rc == STORE_DUPLICATE ? -EIO : rc;
	}
	if (id)
		*id = c.t.id;
	return 0;
}

/* accounts_token, with the user's row read into u (wiped by the
 * caller). */
static int token_read(struct accounts *a, const char *token, int64_t now, struct principal *out,
                      struct store_user *u)
{
	memset(out, 0, sizeof *out);
	if (!secret_hex_valid(token))
		return ACCOUNTS_NO_SESSION;
	unsigned char hash[SECRET_HASH_BYTES];
	struct store_token t;
	int rc = secret_hash(a->hash_key, SECRET_TOKEN, token, hash);
	if (!rc)
		rc = store_token_user_by_hash(a->store, hash, &t, u);
	if (rc == STORE_NOT_FOUND)
		return ACCOUNTS_NO_SESSION;
	if (rc)
		return rc;
	if (t.revoked || now >= t.expires || u->disabled)
		return ACCOUNTS_NO_SESSION;
	principal_of(u, out);
	out->via_token = true;
	out->stage = SESSION_FULL;
	out->next = NEXT_NONE;
	return 0;
}

int accounts_token(struct accounts *a, const char *token, int64_t now, struct principal *out)
{
	struct store_user u;
	int rc = token_read(a, token, now, out, &u);
	sodium_memzero(&u, sizeof u);
	return rc;
}

struct revoke_ctx {
	const char *actor;
	const char *org;
	int64_t id;
};

static int revoke_txn(struct store_tx *tx, void *vctx)
{
	struct revoke_ctx *c = vctx;
	int64_t uid = 0;
	int rc = store_tx_token_revoke(tx, c->id, c->org, &uid);
	struct store_user u;
	if (!rc)
		rc = store_tx_user_by_id(tx, uid, &u);
	char object[32];
	snprintf(object, sizeof object, "token:%lld", (long long)c->id);
	struct audit_hook_entry e = {c->actor, rc ? NULL : u.org, AUDIT_TOKEN_REVOKE, object,
	                             AUDIT_OK};
	if (!rc)
		rc = audit_hook(tx, &e);
	return rc;
}

int accounts_token_revoke(struct accounts *a, const char *actor, const char *org, int64_t id)
{
	struct revoke_ctx c = {actor, org, id};
	int rc = store_txn(a->store, revoke_txn, &c);
	return rc == STORE_NOT_FOUND ? ACCOUNTS_NO_TOKEN : rc;
}
