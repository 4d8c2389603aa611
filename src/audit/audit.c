/* audit: entries, their chain of MACs, the signed head and the check of
 * the whole log (audit/audit.h says what and why). */
#include "audit/audit.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/keyfile.h"
#include "store/audit.h"
#include "store/store.h"
#include "util/str.h"

const char *const audit_actions[AUDIT__COUNT] = {
    [AUDIT_LOGIN] = "auth.login",
    [AUDIT_LOGIN_FAILED] = "auth.login_failed",
    [AUDIT_LOGOUT] = "auth.logout",
    [AUDIT_2FA_ENROL] = "auth.2fa_enrol",
    [AUDIT_2FA_RESET] = "auth.2fa_reset",
    [AUDIT_PASSWORD_CHANGE] = "auth.password_change",
    [AUDIT_USER_ADD] = "user.add",
    [AUDIT_USER_ROLES] = "user.roles",
    [AUDIT_USER_DISABLE] = "user.disable",
    [AUDIT_USER_ENABLE] = "user.enable",
    [AUDIT_TOKEN_CREATE] = "token.create",
    [AUDIT_TOKEN_REVOKE] = "token.revoke",
    [AUDIT_REPORT_VIEW] = "report.view",
    [AUDIT_REPORT_CHANGE] = "report.change",
    [AUDIT_REPORT_IMPORT] = "report.import",
    [AUDIT_REPORT_EXPORT] = "report.export",
    [AUDIT_STORE_BACKUP] = "store.backup",
    [AUDIT_STORE_RESTORE] = "store.restore",
    [AUDIT_ORG_ADD] = "org.add",
    [AUDIT_INIT] = "system.init",
    [AUDIT_AUDIT_VIEW] = "audit.view",
    [AUDIT_AUDIT_EXPORT] = "audit.export",
    [AUDIT_RECOVERY_NEW] = "auth.recovery_codes",
};

const char *const audit_results[AUDIT__RESULTS] = {
    [AUDIT_OK] = "ok",
    [AUDIT_DENIED] = "denied",
    [AUDIT_FAILED] = "failed",
};

/* Subkey number of KEYFILE_CTX_AUDIT in use; a new number would start a
 * new chain. */
#define AUDIT_KEY_ID 1u
/* Longest OS user name of a "cli:" actor. */
#define AUDIT_OS_USER_MAX 32u
#define HEX_MAC           (2u * AUDIT_MAC_BYTES)
/* "N:LASTMAC:HEADMAC" */
#define HEAD_MAX (20u + 1u + HEX_MAC + 1u + HEX_MAC)

_Static_assert(AUDIT_MAC_BYTES <= STORE_AUDIT_MAC_MAX, "a MAC fits its column");
_Static_assert(sizeof "user:" - 1 + ID_MAX_LEN <= AUDIT_ACTOR_MAX_LEN, "user actor fits");
_Static_assert(sizeof "cli:" - 1 + AUDIT_OS_USER_MAX <= AUDIT_ACTOR_MAX_LEN, "cli actor fits");
_Static_assert(sizeof "user:" - 1 + USER_LOGIN_MAX <= AUDIT_OBJECT_MAX_LEN, "user object fits");

int audit_action_find(const char *code)
{
	for (int i = 0; code && i < AUDIT__COUNT; i++)
		if (strcmp(audit_actions[i], code) == 0)
			return i;
	return -1;
}

int audit_key_derive(const unsigned char master[32], struct audit_key *out)
{
	return keyfile_derive(master, KEYFILE_CTX_AUDIT, AUDIT_KEY_ID, out->k, sizeof out->k);
}

void audit_key_wipe(struct audit_key *k)
{
	if (k)
		sodium_memzero(k->k, sizeof k->k);
}

/* --- shapes ------------------------------------------------------------ */

/* 1..max bytes, each a letter, digit or one of extra. */
static bool token_ok(const char *s, size_t max, const char *extra)
{
	size_t n = s ? strnlen(s, max + 1) : 0;
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool alnum =
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && !strchr(extra, c))
			return false;
	}
	return true;
}

static bool os_user_ok(const char *s)
{
	return token_ok(s, AUDIT_OS_USER_MAX, "._-");
}

/* A staff account's login name ([a-z0-9._-]; accounts.h) or id. */
static bool user_id_ok(const char *s)
{
	return token_ok(s, AUDIT_ACTOR_MAX_LEN - 5, "._-");
}

static bool actor_ok(const char *a)
{
	if (!a)
		return false;
	if (strcmp(a, AUDIT_ACTOR_SYSTEM) == 0)
		return true;
	if (strncmp(a, "cli:", 4) == 0)
		return os_user_ok(a + 4);
	if (strncmp(a, "user:", 5) == 0)
		return user_id_ok(a + 5);
	return false;
}

static int make_actor(char out[AUDIT_ACTOR_MAX_LEN + 1], const char *prefix, const char *name,
                      bool ok)
{
	out[0] = '\0';
	if (!ok)
		return -EINVAL;
	snprintf(out, AUDIT_ACTOR_MAX_LEN + 1, "%s%s", prefix, name);
	return 0;
}

int audit_actor_cli(char out[AUDIT_ACTOR_MAX_LEN + 1], const char *os_user)
{
	return make_actor(out, "cli:", os_user, os_user_ok(os_user));
}

int audit_actor_user(char out[AUDIT_ACTOR_MAX_LEN + 1], const char *user_id)
{
	return make_actor(out, "user:", user_id, user_id_ok(user_id));
}

bool audit_entry_valid(const struct audit_entry *e)
{
	if (!e || (unsigned)e->action >= AUDIT__COUNT || (unsigned)e->result >= AUDIT__RESULTS)
		return false;
	if (!actor_ok(e->actor))
		return false;
	if (e->org && *e->org && !str_is_id(e->org, ID_MAX_LEN))
		return false;
	if (e->object && *e->object && !token_ok(e->object, AUDIT_OBJECT_MAX_LEN, "_.:@-"))
		return false;
	return true;
}

/* --- MACs ------------------------------------------------------------- */

static void put_u64(crypto_generichash_state *st, uint64_t v)
{
	unsigned char b[8];
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (unsigned char)(v & 0xff);
	crypto_generichash_update(st, b, sizeof b);
}

static void put_field(crypto_generichash_state *st, const char *s)
{
	size_t n = strlen(s);
	put_u64(st, n);
	crypto_generichash_update(st, (const unsigned char *)s, n);
}

/* The MAC of entry row (seq and text fields) after prev. */
static void entry_mac(const struct audit_key *key, const struct store_audit_row *row,
                      const unsigned char prev[AUDIT_MAC_BYTES], unsigned char out[AUDIT_MAC_BYTES])
{
	static const char label[] = "signaal audit entry v1";
	crypto_generichash_state st;
	crypto_generichash_init(&st, key->k, sizeof key->k, AUDIT_MAC_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)label, sizeof label);
	put_u64(&st, (uint64_t)row->seq);
	put_field(&st, row->at);
	put_field(&st, row->actor);
	put_field(&st, row->org);
	put_field(&st, row->action);
	put_field(&st, row->object);
	put_field(&st, row->result);
	crypto_generichash_update(&st, prev, AUDIT_MAC_BYTES);
	crypto_generichash_final(&st, out, AUDIT_MAC_BYTES);
	sodium_memzero(&st, sizeof st);
}

static void head_mac(const struct audit_key *key, int64_t count,
                     const unsigned char last[AUDIT_MAC_BYTES], unsigned char out[AUDIT_MAC_BYTES])
{
	static const char label[] = "signaal audit head v1";
	crypto_generichash_state st;
	crypto_generichash_init(&st, key->k, sizeof key->k, AUDIT_MAC_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)label, sizeof label);
	put_u64(&st, (uint64_t)count);
	crypto_generichash_update(&st, last, AUDIT_MAC_BYTES);
	crypto_generichash_final(&st, out, AUDIT_MAC_BYTES);
	sodium_memzero(&st, sizeof st);
}

/* --- the head -------------------------------------------------------------- */

struct head {
	int64_t count;
	unsigned char last[AUDIT_MAC_BYTES]; /* zeros while count is 0 */
	unsigned char mac[AUDIT_MAC_BYTES];
};

enum {
	HEAD_OK,
	HEAD_MALFORMED,
	HEAD_FORGED,
};

static int hex_mac(const char *hex, size_t len, unsigned char out[AUDIT_MAC_BYTES])
{
	size_t got = 0;
	if (len != HEX_MAC || sodium_hex2bin(out, AUDIT_MAC_BYTES, hex, len, NULL, &got, NULL) ||
	    got != AUDIT_MAC_BYTES)
		return -1;
	return 0;
}

/* Parses and checks value: "0" (the unsigned start the migration writes),
 * or "N:LAST:MAC" with N >= 1 and MAC right under key. */
static int head_parse(const struct audit_key *key, const char *value, struct head *h)
{
	memset(h, 0, sizeof *h);
	if (strcmp(value, "0") == 0)
		return HEAD_OK;
	const char *c1 = strchr(value, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	uint64_t n;
	char num[21];
	size_t nlen = c1 ? (size_t)(c1 - value) : 0;
	if (!c2 || nlen == 0 || nlen >= sizeof num)
		return HEAD_MALFORMED;
	memcpy(num, value, nlen);
	num[nlen] = '\0';
	if (str_parse_u64(num, 1, INT64_MAX, &n) ||
	    hex_mac(c1 + 1, (size_t)(c2 - c1 - 1), h->last) ||
	    hex_mac(c2 + 1, strlen(c2 + 1), h->mac))
		return HEAD_MALFORMED;
	h->count = (int64_t)n;
	unsigned char want[AUDIT_MAC_BYTES];
	head_mac(key, h->count, h->last, want);
	return sodium_memcmp(want, h->mac, AUDIT_MAC_BYTES) == 0 ? HEAD_OK : HEAD_FORGED;
}

static void head_format(const struct audit_key *key, int64_t count,
                        const unsigned char last[AUDIT_MAC_BYTES], char out[HEAD_MAX + 1])
{
	unsigned char mac[AUDIT_MAC_BYTES];
	char a[HEX_MAC + 1], b[HEX_MAC + 1];
	head_mac(key, count, last, mac);
	sodium_bin2hex(a, sizeof a, last, AUDIT_MAC_BYTES);
	sodium_bin2hex(b, sizeof b, mac, AUDIT_MAC_BYTES);
	snprintf(out, HEAD_MAX + 1, "%" PRId64 ":%s:%s", count, a, b);
}

/* --- append ------------------------------------------------------------------ */

int audit_append_many(struct store_tx *tx, const struct audit_key *key,
                      const struct audit_entry *const *e, size_t n)
{
	if (!tx || !key || n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!audit_entry_valid(e[i]))
			return -EINVAL;
	if (n > AUDIT_GROUP_MAX)
		return -EINVAL;
	struct buf value = BUF_INIT;
	struct head h;
	struct store_audit_row *rows = NULL;
	/* Two round trips on PostgreSQL (three with the commit): the head's
	 * lock with the last entry, then the entries with the new head. */
	unsigned char last[STORE_AUDIT_MAC_MAX];
	size_t len = 0;
	int64_t last_seq = 0;
	int rc = store_tx_audit_head_lock_last(tx, AUDIT_HEAD_KEY, &value, &last_seq, last, &len);
	if (rc == STORE_NOT_FOUND)
		rc = AUDIT_BROKEN; /* the migration made it: someone removed it */
	if (rc)
		goto out;
	if (head_parse(key, buf_str(&value), &h) != HEAD_OK || h.count > INT64_MAX - (int64_t)n) {
		rc = AUDIT_BROKEN;
		goto out;
	}
	/* The last entry must be the one the head signed: an end cut off, or
	 * a row added past the signed count without the key, is refused here
	 * already, not only by audit_verify(). (Changes further back are
	 * audit_verify()'s to find: an append stays one lookup.) */
	if (last_seq != h.count ||
	    (h.count && (len != AUDIT_MAC_BYTES || sodium_memcmp(last, h.last, len)))) {
		rc = AUDIT_BROKEN;
		goto out;
	}
	rows = calloc(n, sizeof *rows);
	if (!rows) {
		rc = -ENOMEM;
		goto out;
	}
	/* The entries follow each other in the chain; the head is signed
	 * once, over the last of them. */
	const unsigned char *prev = h.last;
	char at[STORE_TIME_LEN + 1];
	store_now(at);
	for (size_t i = 0; i < n; i++) {
		struct store_audit_row *row = &rows[i];
		row->seq = h.count + (int64_t)i + 1;
		row->mac_len = AUDIT_MAC_BYTES;
		memcpy(row->at, at, sizeof at);
		snprintf(row->actor, sizeof row->actor, "%s", e[i]->actor);
		snprintf(row->org, sizeof row->org, "%s", e[i]->org ? e[i]->org : "");
		snprintf(row->action, sizeof row->action, "%s", audit_actions[e[i]->action]);
		snprintf(row->object, sizeof row->object, "%s", e[i]->object ? e[i]->object : "");
		snprintf(row->result, sizeof row->result, "%s", audit_results[e[i]->result]);
		entry_mac(key, row, prev, row->mac);
		prev = row->mac;
	}
	char next[HEAD_MAX + 1];
	head_format(key, rows[n - 1].seq, rows[n - 1].mac, next);
	rc = store_tx_audit_insert_many(tx, rows, n, AUDIT_HEAD_KEY, next);
	if (rc == STORE_CONFLICT)
		rc = AUDIT_BROKEN; /* a seq taken after all: the log was written without the key */
	else if (rc > 0)
		rc = -EIO;
out:
	free(rows);
	buf_free(&value);
	return rc;
}

int audit_append(struct store_tx *tx, const struct audit_key *key, const struct audit_entry *e)
{
	return audit_append_many(tx, key, &e, 1);
}

struct alone_ctx {
	const struct audit_key *key;
	const struct audit_entry *e;
};

static int alone_txn(struct store_tx *tx, void *vctx)
{
	struct alone_ctx *a = vctx;
	return audit_append(tx, a->key, a->e);
}

int audit_append_alone(struct store *s, const struct audit_key *key, const struct audit_entry *e)
{
	struct alone_ctx a = {key, e};
	return store_txn(s, alone_txn, &a);
}

/* --- verify ------------------------------------------------------------------- */

struct walk {
	const struct audit_key *key;
	struct audit_verdict *v;
	int64_t expect; /* the number the next row must have */
	unsigned char prev[AUDIT_MAC_BYTES];
	size_t rows; /* in this batch */
};

enum {
	WALK_STOP = 1
};

static int walk_row(void *vctx, const struct store_audit_row *row)
{
	struct walk *w = vctx;
	w->rows++;
	if (row->seq != w->expect) {
		w->v->bad = w->expect;
		snprintf(w->v->why, sizeof w->v->why,
		         "entry %" PRId64 " is missing (the next one there is %" PRId64
		         "): removed or renumbered",
		         w->expect, row->seq);
		return WALK_STOP;
	}
	unsigned char want[AUDIT_MAC_BYTES];
	entry_mac(w->key, row, w->prev, want);
	if (row->mac_len != AUDIT_MAC_BYTES || sodium_memcmp(want, row->mac, AUDIT_MAC_BYTES)) {
		w->v->bad = row->seq;
		snprintf(w->v->why, sizeof w->v->why,
		         "entry %" PRId64 " (%s, %s) does not match its MAC: changed, inserted or "
		         "moved",
		         row->seq, row->at[0] ? row->at : "?", row->action[0] ? row->action : "?");
		return WALK_STOP;
	}
	memcpy(w->prev, row->mac, AUDIT_MAC_BYTES);
	w->expect++;
	return 0;
}

static void verdict_bad(struct audit_verdict *v, int64_t bad, const char *why)
{
	v->ok = false;
	v->bad = bad;
	snprintf(v->why, sizeof v->why, "%s", why);
}

int audit_verify(struct store *s, const struct audit_key *key, struct audit_verdict *v)
{
	memset(v, 0, sizeof *v);
	struct buf value = BUF_INIT;
	bool have = false;
	int64_t max = 0;
	struct head h;
	int rc = store_audit_head_and_max(s, AUDIT_HEAD_KEY, &value, &have, &max);
	if (rc)
		goto out;
	if (!have) {
		verdict_bad(v, max > 0 ? 1 : 0,
		            "the signed count (setting " AUDIT_HEAD_KEY ") is missing: removed");
		goto out;
	}
	int hp = head_parse(key, buf_str(&value), &h);
	if (hp != HEAD_OK) {
		verdict_bad(v, 0,
		            hp == HEAD_FORGED
		                ? "the signed count (setting " AUDIT_HEAD_KEY
		                  ") does not match its MAC: changed without the key, or another "
		                  "installation's key file"
		                : "the signed count (setting " AUDIT_HEAD_KEY ") is malformed");
		goto out;
	}
	v->count = h.count;
	if (h.count)
		sodium_bin2hex(v->head_mac, sizeof v->head_mac, h.mac, AUDIT_MAC_BYTES);
	struct walk w = {.key = key, .v = v, .expect = 1};
	for (;;) {
		w.rows = 0;
		rc = store_audit_range(s, w.expect - 1, h.count, AUDIT_VERIFY_BATCH, walk_row, &w);
		if (rc == WALK_STOP) {
			rc = 0;
			v->seen = w.expect - 1;
			goto out;
		}
		if (rc)
			goto out;
		if (w.rows < AUDIT_VERIFY_BATCH)
			break;
	}
	v->seen = w.expect - 1;
	if (v->seen < h.count) {
		v->bad = v->seen + 1;
		snprintf(v->why, sizeof v->why,
		         "entries %" PRId64 " to %" PRId64 " are missing: the log was cut off "
		         "(the signed count is %" PRId64 ")",
		         v->bad, h.count, h.count);
		goto out;
	}
	if (h.count && sodium_memcmp(w.prev, h.last, AUDIT_MAC_BYTES)) {
		verdict_bad(v, h.count, "the last entry is not the one the signed count names");
		goto out;
	}
	if (max > h.count) {
		v->bad = h.count + 1;
		snprintf(v->why, sizeof v->why,
		         "entry %" PRId64 " and after are not covered by the signed count: added "
		         "without the key",
		         v->bad);
		goto out;
	}
	v->ok = true;
out:
	if (!rc && !v->ok && !v->why[0])
		snprintf(v->why, sizeof v->why, "the log does not verify");
	buf_free(&value);
	return rc;
}
