/* users: the store's staff accounts, their second factor and recovery
 * codes, sessions and API tokens (migration 6).
 *
 * Owns: the rows, not the rules: the store never sees a password, a TOTP
 * secret in the clear, a session id or a token, only what domain/accounts
 * made of them (an argon2id string, a sealed blob, keyed hashes). Roles
 * are a bit set whose meaning is auth/roles.h's. Times that expire are
 * seconds since 1970 given by the caller (a test's clock), never read
 * here.
 *
 * Errors as in store.h; an update of a row that is not there is
 * STORE_NOT_FOUND. */
#ifndef SIGNAAL_STORE_USERS_H
#define SIGNAAL_STORE_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "store/store.h"

/* Bytes of an argon2id string (crypto_pwhash_STRBYTES is 128). */
#define STORE_PWHASH_MAX 128u
/* Bytes of a sealed TOTP secret at most. */
#define STORE_TOTP_SEALED_MAX 128u
/* Bytes of a keyed hash of a session id, a token or a recovery code. */
#define STORE_SECRET_HASH_BYTES 32u

struct store_user {
	int64_t id; /* random, 1..INT64_MAX */
	char org[ID_MAX_LEN + 1];
	char login[USER_LOGIN_MAX + 1];
	unsigned roles; /* auth/roles.h bits */
	bool af;        /* the handler is an aandachtsfunctionaris */
	char password_hash[STORE_PWHASH_MAX + 1];
	bool must_change; /* the next login must set a new password */
	bool disabled;
	unsigned char totp_sealed[STORE_TOTP_SEALED_MAX];
	size_t totp_sealed_len; /* 0: no secret */
	bool totp_enrolled;     /* confirmed with a first code */
	int64_t totp_last_step; /* the last TOTP step accepted */
	int64_t failed_count;   /* failed logins in a row */
	int64_t throttle_until; /* no login attempt is checked before this */
};

/* Inserts u (id, org, login, roles, af, password_hash, must_change; the
 * rest takes its defaults). STORE_CONFLICT when the login exists,
 * STORE_DUPLICATE when the id does, STORE_NOT_FOUND without the
 * organisation, -EINVAL for a value that breaks a column limit. */
int store_tx_user_insert(struct store_tx *tx, const struct store_user *u);
/* STORE_NOT_FOUND when there is no such user. */
int store_user_by_login(struct store *s, const char *login, struct store_user *out);
int store_tx_user_by_login(struct store_tx *tx, const char *login, struct store_user *out);
int store_user_by_id(struct store *s, int64_t id, struct store_user *out);
int store_tx_user_by_id(struct store_tx *tx, int64_t id, struct store_user *out);
/* Calls fn per user of org (NULL: every organisation), ordered by
 * organisation and login, at most USER_LIST_MAX; a nonzero return of fn
 * stops and is returned. */
typedef int (*store_user_fn)(void *ctx, const struct store_user *u);
int store_user_list(struct store *s, const char *org, store_user_fn fn, void *ctx);

int store_tx_user_set_password(struct store_tx *tx, int64_t id, const char *hash, bool must_change);
int store_tx_user_set_disabled(struct store_tx *tx, int64_t id, bool disabled);
int store_tx_user_set_roles(struct store_tx *tx, int64_t id, unsigned roles, bool af);
int store_tx_user_set_failed(struct store_tx *tx, int64_t id, int64_t count, int64_t until);
/* Sets the sealed secret (NULL, 0: none), whether it is confirmed, and
 * the last step used. */
int store_tx_user_set_totp(struct store_tx *tx, int64_t id, const void *sealed, size_t len,
                           bool enrolled, int64_t last_step);
/* Takes TOTP step for the user when it is later than the last one taken:
 * 0, or STORE_REFUSED when it was taken already (a code used twice). */
int store_tx_user_totp_step(struct store_tx *tx, int64_t id, int64_t step);

/* Replaces the user's recovery codes by n keyed hashes. */
int store_tx_recovery_replace(struct store_tx *tx, int64_t user_id,
                              const unsigned char (*hashes)[STORE_SECRET_HASH_BYTES], size_t n);
/* Uses (removes) the code with hash: 0, or STORE_NOT_FOUND. */
int store_tx_recovery_use(struct store_tx *tx, int64_t user_id,
                          const unsigned char hash[STORE_SECRET_HASH_BYTES]);
int store_recovery_count(struct store *s, int64_t user_id, int64_t *n);

/* Sessions, by the keyed hash of their id. stage is the domain's (a
 * password given, or both factors). */
struct store_session {
	unsigned char id_hash[STORE_SECRET_HASH_BYTES];
	int64_t user_id;
	int stage;
	int64_t created;
	int64_t last_seen;
};
int store_tx_session_insert(struct store_tx *tx, const struct store_session *ses);
/* STORE_NOT_FOUND when there is none. */
int store_session_get(struct store *s, const unsigned char hash[STORE_SECRET_HASH_BYTES],
                      struct store_session *out);
int store_tx_session_get(struct store_tx *tx, const unsigned char hash[STORE_SECRET_HASH_BYTES],
                         struct store_session *out);
int store_tx_session_touch(struct store_tx *tx, const unsigned char hash[STORE_SECRET_HASH_BYTES],
                           int64_t now);
int store_tx_session_set_stage(struct store_tx *tx,
                               const unsigned char hash[STORE_SECRET_HASH_BYTES], int stage);
int store_tx_session_delete(struct store_tx *tx, const unsigned char hash[STORE_SECRET_HASH_BYTES]);
/* Every session of the user; with keep not NULL, every one but keep. */
int store_tx_sessions_delete_user(struct store_tx *tx, int64_t user_id, const unsigned char *keep);
/* Removes the user's sessions idle since before idle_before or made
 * before created_before. */
int store_tx_sessions_expire(struct store_tx *tx, int64_t user_id, int64_t idle_before,
                             int64_t created_before);
/* The user's sessions, newest first, at most SESSION_MAX_PER_USER * 2.
 * The caller owns *out (free(); NULL when *n is 0). */
int store_session_list(struct store *s, int64_t user_id, struct store_session **out, size_t *n);
int store_tx_session_list(struct store_tx *tx, int64_t user_id, struct store_session **out,
                          size_t *n);

/* API tokens, by the keyed hash of the token. */
struct store_token {
	int64_t id; /* random: what `token revoke ID` names */
	int64_t user_id;
	char login[USER_LOGIN_MAX + 1]; /* lists only */
	int64_t created;
	int64_t expires;
	bool revoked;
	bool user_disabled; /* lists only: the token's user is disabled, so it works nowhere */
};
/* STORE_DUPLICATE when the id or the hash exists (draw again). */
int store_tx_token_insert(struct store_tx *tx, const struct store_token *t,
                          const unsigned char hash[STORE_SECRET_HASH_BYTES]);
/* The token of hash and its user, read together (one round trip per
 * request with a bearer token): of *user only id, org, login, roles, af
 * and disabled are set (the rest is zero). STORE_NOT_FOUND when there is
 * no such token. */
int store_token_by_hash(struct store *s, const unsigned char hash[STORE_SECRET_HASH_BYTES],
                        struct store_token *out, struct store_user *user);
/* Every token (user_id 0) or the user's; fn per token. */
typedef int (*store_token_fn)(void *ctx, const struct store_token *t);
int store_token_list(struct store *s, int64_t user_id, store_token_fn fn, void *ctx);
/* Every token of org's users (no hash, no secret), by login, then
 * oldest first; fn per token, at most USER_LIST_MAX. */
int store_token_list_org(struct store *s, const char *org, store_token_fn fn, void *ctx);
/* STORE_NOT_FOUND without the token, or when org is not NULL and the
 * token's user belongs to another organisation (nothing changes then);
 * *user_id (may be NULL) gets its user. */
int store_tx_token_revoke(struct store_tx *tx, int64_t id, const char *org, int64_t *user_id);

#endif
