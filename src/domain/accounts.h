/* accounts: staff accounts, logins with two factors, sessions and API
 * tokens: the rules, for the server and the CLI alike (no HTTP here).
 *
 * Owns:
 *  - accounts: add (password checked for quality, argon2id), disable and
 *    enable (a disabled user's sessions end at once; its tokens stop
 *    working because every use looks at the user), reset of the second
 *    factor;
 *  - login: password first (a throttle per account in the store: after
 *    LOGIN_FREE_FAILURES failures a wait that doubles up to
 *    LOGIN_THROTTLE_MAX_S; never a lock), the same answer and the same
 *    work for an unknown login (a dummy argon2id verification); then the
 *    second factor (TOTP, a code used once only, or a recovery code) or,
 *    on the first login, a new password and TOTP enrolment. Each step up
 *    gives a new session id (no fixation);
 *  - sessions: 256-bit ids, the store keeps keyed hashes; idle and
 *    absolute timeouts; logout, logout everywhere, the list;
 *  - API tokens: made for a user, printed once, an expiry, revocable.
 * Times are seconds since 1970 given by the caller, so tests control the
 * clock. Every change writes its audit entry through audit_hook() in the
 * same transaction.
 *
 * Results: 0, negative errno, or an ACCOUNTS_* value below. */
#ifndef SIGNAAL_DOMAIN_ACCOUNTS_H
#define SIGNAAL_DOMAIN_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/secret.h"
#include "crypto/seal.h"
#include "limits.h"
#include "store/users.h"

struct store;

enum {
	ACCOUNTS_WRONG = 40,      /* login, password or code wrong: one answer for all */
	ACCOUNTS_THROTTLED = 41,  /* too many failures: *wait_s seconds to wait */
	ACCOUNTS_WEAK = 42,       /* the password is refused: *why (a Dutch msgid) */
	ACCOUNTS_EXISTS = 43,     /* the login exists already */
	ACCOUNTS_NO_ORG = 44,     /* no such organisation */
	ACCOUNTS_NO_USER = 45,    /* no such login (CLI, admin) */
	ACCOUNTS_BAD_INPUT = 46,  /* a login, role set or number out of shape */
	ACCOUNTS_NO_SESSION = 47, /* no session, or it expired, or its user is disabled */
	ACCOUNTS_NO_TOKEN = 48,   /* no such token (revoke) */
	ACCOUNTS_STATE = 49,      /* the step does not fit the session's state */
	ACCOUNTS_SELF_ADMIN = 50, /* an admin would take away their own admin role */
};

/* What a session may do: half after the password, full after both. */
enum session_stage {
	SESSION_HALF = 1,
	SESSION_FULL = 2,
};

/* What a half session must do next. */
enum accounts_next {
	NEXT_NONE = 0,     /* a full session */
	NEXT_PASSWORD = 1, /* set a new password (the first login) */
	NEXT_ENROL = 2,    /* enrol a second factor */
	NEXT_CODE = 3,     /* give a TOTP or recovery code */
};

/* Who is asking: the user, the organisation and roles of a session or an
 * API token. Handlers get it from the dispatcher (req->principal). */
struct principal {
	int64_t user_id;
	char login[USER_LOGIN_MAX + 1];
	char org[ID_MAX_LEN + 1];
	unsigned roles; /* auth/roles.h */
	bool af;
	bool via_token; /* an API token, not a browser session */
	enum session_stage stage;
	enum accounts_next next;
	int64_t session_created;
	unsigned char session_hash[SECRET_HASH_BYTES];
	/* The CSRF token of the staff forms, bound to this session. */
	char csrf[SECRET_HEX_LEN + 1];
};

struct accounts {
	struct store *store;
	unsigned char hash_key[SECRET_KEY_BYTES];
	struct seal_key seal;
	unsigned idle_s;     /* SESSION_IDLE_DEFAULT_S unless set */
	unsigned absolute_s; /* SESSION_ABSOLUTE_DEFAULT_S unless set */
};

/* The setting that counts failed logins of names that are no account. */
#define ACCOUNTS_UNKNOWN_KEY "accounts.failed_unknown"

/* Derives the keys from the key file's master key. 0 or -EIO. */
int accounts_init(struct accounts *a, struct store *s, const unsigned char master[32]);
/* Wipes the keys. Accepts NULL. */
void accounts_wipe(struct accounts *a);

struct accounts_new_user {
	const char *org;
	const char *login; /* [a-z0-9._-], 1..USER_LOGIN_MAX, starting with a letter */
	unsigned roles;    /* at least one */
	bool af;
	const char *password;
	bool must_change; /* a one-time password: not checked for quality */
};
/* True when login has the shape of a login. */
bool accounts_login_valid(const char *login);
/* Adds a user. ACCOUNTS_WEAK with *why, ACCOUNTS_EXISTS, ACCOUNTS_NO_ORG,
 * ACCOUNTS_BAD_INPUT. actor names who did it in the audit entry. */
int accounts_user_add(struct accounts *a, const char *actor, const struct accounts_new_user *u,
                      const char **why);
/* ACCOUNTS_NO_USER without the login, or when org is not NULL and the
 * user belongs to another organisation (an admin acts only on their own;
 * the CLI passes NULL). Disabling ends its sessions. */
int accounts_user_set_disabled(struct accounts *a, const char *actor, const char *org,
                               const char *login, bool disabled);
/* Sets the roles (at least one; af only with ROLE_HANDLER, else
 * ACCOUNTS_BAD_INPUT) of login, audited as user.roles. org as above.
 * ACCOUNTS_SELF_ADMIN when login is the actor and the new set lacks
 * ROLE_ADMIN: the last admin of an organisation could lock everyone
 * out, so another admin must do it. */
int accounts_user_set_roles(struct accounts *a, const char *actor, const char *org,
                            const char *login, unsigned roles, bool af);
/* Removes the TOTP secret and the recovery codes and ends the sessions:
 * the next login enrols again. org as above. */
int accounts_user_reset_2fa(struct accounts *a, const char *actor, const char *org,
                            const char *login);

/* The first step: login and password. 0 gives a half session's id in sid
 * (the cookie's value); ACCOUNTS_WRONG; ACCOUNTS_THROTTLED with *wait_s. */
int accounts_login(struct accounts *a, const char *login, const char *password, int64_t now,
                   char sid[SECRET_HEX_LEN + 1], unsigned *wait_s);
/* The session sid at now: 0 and *out, or ACCOUNTS_NO_SESSION (an expired
 * one is removed). */
int accounts_session(struct accounts *a, const char *sid, int64_t now, struct principal *out);
/* The second step of a half session with NEXT_CODE: a TOTP code or a
 * recovery code. 0 gives the full session's new id in sid (the old one
 * ends); ACCOUNTS_WRONG (also a code used before); ACCOUNTS_THROTTLED. */
int accounts_second_factor(struct accounts *a, const struct principal *p, const char *code,
                           int64_t now, char sid[SECRET_HEX_LEN + 1], unsigned *wait_s);
/* The new password of NEXT_PASSWORD (old NULL) or of the account page
 * (old required, ACCOUNTS_WRONG when it is not the password). */
int accounts_password_change(struct accounts *a, const struct principal *p, const char *old,
                             const char *password, const char **why);
/* Enrolment (NEXT_ENROL): the secret to show, made and kept sealed on
 * the first call, the same on the next. secret gets TOTP_SECRET_BYTES;
 * the caller wipes it. */
int accounts_enrol_secret(struct accounts *a, const struct principal *p,
                          unsigned char secret[TOTP_SECRET_BYTES]);
/* Confirms enrolment with a first code: 0 gives the full session's new id
 * and RECOVERY_CODES recovery codes to show once. */
int accounts_enrol_confirm(struct accounts *a, const struct principal *p, const char *code,
                           int64_t now, char sid[SECRET_HEX_LEN + 1],
                           char codes[RECOVERY_CODES][RECOVERY_CODE_LEN + 1]);
/* New recovery codes for a full session (the old ones stop). */
int accounts_recovery_new(struct accounts *a, const struct principal *p,
                          char codes[RECOVERY_CODES][RECOVERY_CODE_LEN + 1]);
/* Ends p's session; with everywhere, every session of the user. */
int accounts_logout(struct accounts *a, const struct principal *p, bool everywhere);

/* A new API token for login that expires after days (1..TOKEN_DAYS_MAX):
 * token (printed once), *id (may be NULL). ACCOUNTS_NO_USER without the
 * login, or when org is not NULL and the user belongs to another
 * organisation (the CLI passes NULL). */
int accounts_token_create(struct accounts *a, const char *actor, const char *org, const char *login,
                          unsigned days, int64_t now, char token[SECRET_HEX_LEN + 1], int64_t *id);
/* The principal of a bearer token at now: 0, or ACCOUNTS_NO_SESSION
 * (unknown, expired, revoked, or its user disabled). */
int accounts_token(struct accounts *a, const char *token, int64_t now, struct principal *out);
/* ACCOUNTS_NO_TOKEN without it, or when org is not NULL and the token's
 * user belongs to another organisation. */
int accounts_token_revoke(struct accounts *a, const char *actor, const char *org, int64_t id);

#endif
