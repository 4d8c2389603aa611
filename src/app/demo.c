/* demo: see demo.h. */
#include "app/demo.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "content/content.h"
#include "crypto/seal.h"
#include "domain/report.h"
#include "domain/workdays.h"
#include "limits.h"
#include "store/store.h"
#include "util/str.h"

/* Statuses in turn, with the outcome and concreteness each gets; received
 * comes twice so that the inbox has work waiting, some of it overdue. */
static const struct {
	const char *status, *outcome, *concrete;
} states[] = {
    {"received", "none", "pending"},        {"assessing", "none", "pending"},
    {"received", "none", "pending"},        {"investigating", "investigation_started", "yes"},
    {"referred", "referred_care", "yes"},   {"closed", "no_action", "no"},
    {"referred", "referred_police", "yes"}, {"closed", "investigation_completed", "yes"},
};

static int bad(struct buf *err, const char *path, size_t i, const char *what)
{
	buf_printf(err, "%s: stories[%zu]: %s", path, i, what);
	return DEMO_INVALID;
}

static bool marked(const json_t *x)
{
	const char *s = json_string_value(x);
	return s && str_starts(s, DEMO_MARK) && str_text_valid(s, strlen(s), true);
}

/* Checks one story against the contract's values and the content. */
static int check_story(const struct content *c, const json_t *st, const char *path, size_t i,
                       struct buf *err)
{
	const char *kind = json_string_value(json_object_get(st, "kind"));
	const char *role = json_string_value(json_object_get(st, "reporter_role"));
	if (!kind || report_value_index(report_kinds, kind) < 0)
		return bad(err, path, i, "kind is not one of advice, report");
	if (!role || report_value_index(report_roles, role) < 0)
		return bad(err, path, i, "reporter_role is not a role of the contract");
	if (!json_is_boolean(json_object_get(st, "anonymous")) ||
	    !json_is_boolean(json_object_get(st, "acute_danger")))
		return bad(err, path, i, "anonymous and acute_danger must be true or false");
	if (json_is_true(json_object_get(st, "anonymous")) && strcmp(role, "professional") == 0)
		return bad(err, path, i, "a professional cannot report anonymously");
	const json_t *forms = json_object_get(st, "forms"), *sigs = json_object_get(st, "signals"),
	             *x;
	size_t k;
	if (json_array_size(forms) < 1 || json_array_size(forms) > REPORT_MAX_FORMS)
		return bad(err, path, i, "forms must name 1 to 4 forms");
	json_array_foreach(forms, k, x) if (report_value_index(report_forms, json_string_value(x)) <
	                                    0) return bad(err, path, i, "forms: unknown form");
	if (json_array_size(sigs) > REPORT_MAX_SIGNALS)
		return bad(err, path, i, "too many signals");
	json_array_foreach(sigs, k, x)
	{
		if (!json_is_string(x) || !content_is_signal(c, json_string_value(x)))
			return bad(err, path, i, "signals: a code that content/ does not know");
	}
	static const char *const texts[] = {"description", "place", "when"};
	for (size_t t = 0; t < 3; t++)
		if (!marked(json_object_get(st, texts[t])))
			return bad(err, path, i,
			           "description, place and when must be texts starting "
			           "with " DEMO_MARK);
	return 0;
}

static int64_t random_id(void)
{
	int64_t v;
	do {
		randombytes_buf(&v, sizeof v);
		v &= INT64_MAX;
	} while (v == 0);
	return v;
}

/* The date days before today. */
static int days_before(const char *today, unsigned days, char out[WORKDAYS_DATE_BUF])
{
	/* Stepping back by calendar days through the working-day module
	 * would skip weekends; do it on the day count instead. */
	struct tm tm = {0};
	if (!strptime(today, "%Y-%m-%d", &tm))
		return -EINVAL;
	tm.tm_mday -= (int)days;
	tm.tm_hour = 12;
	if (timegm(&tm) == (time_t)-1)
		return -EINVAL;
	return strftime(out, WORKDAYS_DATE_BUF, "%Y-%m-%d", &tm) == 10 ? 0 : -EINVAL;
}

struct one {
	struct store_report_new row;
	const char *forms[REPORT_MAX_FORMS];
	const char *signals[REPORT_MAX_SIGNALS];
	char on[WORKDAYS_DATE_BUF];
	char prefix[STORE_REF_PREFIX_MAX + 1];
	unsigned char hash[STORE_RECEIPT_HASH_BYTES];
	struct buf sealed;
	char *suggestion;
};

static int build(struct one *o, const struct content *c, const struct seal_key *key,
                 const json_t *st, const char *org, const char *district, const char *on,
                 bool by_phone)
{
	memset(o, 0, sizeof *o);
	size_t k;
	json_t *x;
	json_array_foreach(json_object_get(st, "forms"), k, x) o->forms[k] = json_string_value(x);
	json_array_foreach(json_object_get(st, "signals"), k, x) o->signals[k] =
	    json_string_value(x);
	size_t nforms = json_array_size(json_object_get(st, "forms"));
	size_t nsignals = json_array_size(json_object_get(st, "signals"));
	snprintf(o->on, sizeof o->on, "%s", on);
	snprintf(o->prefix, sizeof o->prefix, "%c%.4s-", by_phone ? 'M' : 'W', on);
	randombytes_buf(o->hash, sizeof o->hash); /* a receipt nobody holds */
	json_t *sugg = NULL;
	int rc = report_suggest(c, o->signals, nsignals, &sugg);
	if (rc)
		return rc;
	o->suggestion = json_dumps(sugg, JSON_COMPACT);
	json_decref(sugg);
	json_t *personal =
	    json_pack("{s:O, s:O, s:O}", "description", json_object_get(st, "description"), "place",
	              json_object_get(st, "place"), "when", json_object_get(st, "when"));
	char *plain = personal ? json_dumps(personal, JSON_COMPACT) : NULL;
	json_decref(personal);
	if (!o->suggestion || !plain) {
		free(plain);
		return -ENOMEM;
	}
	o->row = (struct store_report_new){
	    .id = random_id(),
	    .org = org,
	    .ref_prefix = o->prefix,
	    .receipt_hash = o->hash,
	    .received_on = o->on,
	    .channel = by_phone ? "phone" : "web",
	    .reporter_role = json_string_value(json_object_get(st, "reporter_role")),
	    .anonymous = json_is_true(json_object_get(st, "anonymous")),
	    .kind = json_string_value(json_object_get(st, "kind")),
	    .acute_danger = json_is_true(json_object_get(st, "acute_danger")),
	    .district = district,
	    .forms = o->forms,
	    .nforms = nforms,
	    .signals = o->signals,
	    .nsignals = nsignals,
	    .suggestion = o->suggestion};
	rc = seal_encrypt(key, (uint64_t)o->row.id, SEAL_REPORT, plain, strlen(plain), &o->sealed);
	sodium_memzero(plain, strlen(plain));
	free(plain);
	o->row.sealed = o->sealed.data;
	o->row.sealed_len = o->sealed.len;
	return rc;
}

static void one_free(struct one *o)
{
	buf_free(&o->sealed);
	free(o->suggestion);
}

struct state_ctx {
	const struct one *rows;
	size_t n;
	const struct audit_key *key;
	const char *actor;
};

/* Sets each report's state; a change from how a report arrives is a
 * change like any other: its audit entry (report.change) in the same
 * transaction, so that the report's history shows it. */
static int set_states(struct store_tx *tx, void *vctx)
{
	struct state_ctx *g = vctx;
	for (size_t i = 0; i < g->n; i++) {
		size_t s = i % (sizeof states / sizeof states[0]);
		int rc = store_tx_report_set_state(tx, g->rows[i].row.org, g->rows[i].row.id,
		                                   states[s].status, states[s].outcome,
		                                   states[s].concrete);
		if (rc)
			return rc;
		if (strcmp(states[s].status, "received") == 0)
			continue;
		char object[AUDIT_OBJECT_MAX_LEN + 1];
		snprintf(object, sizeof object, "report:%" PRId64, g->rows[i].row.id);
		struct audit_entry e = {g->actor, g->rows[i].row.org, AUDIT_REPORT_CHANGE, object,
		                        AUDIT_OK};
		rc = audit_append(tx, g->key, &e);
		if (rc)
			return rc;
	}
	return 0;
}

int demo_load(struct store *s, const struct content *c, const char *content_dir,
              const unsigned char master[32], const char *org, const char *actor, const char *today,
              size_t *added, struct buf *err)
{
	*added = 0;
	char path[4096];
	snprintf(path, sizeof path, "%s/demo/reports.json", content_dir);
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		buf_printf(err, "%s: %s", path, je.text);
		return DEMO_INVALID;
	}
	const json_t *stories = json_object_get(root, "stories");
	json_int_t count = json_integer_value(json_object_get(root, "count"));
	int rc = 0;
	if (json_array_size(stories) == 0 || count < 1 || count > (json_int_t)DEMO_MAX_REPORTS) {
		buf_printf(err, "%s: needs stories and a count of 1 to %u", path, DEMO_MAX_REPORTS);
		rc = DEMO_INVALID;
	}
	for (size_t i = 0; !rc && i < json_array_size(stories); i++)
		rc = check_story(c, json_array_get(stories, i), path, i, err);
	char **districts = NULL;
	size_t nd = 0;
	bool any = false;
	struct seal_key key = {{0}};
	if (!rc)
		rc = store_org_reports_any(s, org, &any);
	if (!rc && any) {
		buf_printf(err,
		           "organisation \"%s\" has reports already; examples are only added to "
		           "a new one",
		           org);
		rc = DEMO_HAS_REPORTS;
	}
	if (!rc)
		rc = store_districts(s, org, &districts, &nd);
	if (!rc)
		rc = seal_key_derive(master, &key);
	struct one *rows = rc ? NULL : calloc((size_t)count, sizeof *rows);
	if (!rc && !rows)
		rc = -ENOMEM;
	size_t built = 0;
	for (; !rc && built < (size_t)count; built++) {
		size_t i = built;
		char on[WORKDAYS_DATE_BUF];
		/* two days apart, the newest today; every third entered by phone;
		 * the districts in turn, and now and then none */
		const char *district = nd && i % (nd + 1) < nd ? districts[i % (nd + 1)] : NULL;
		rc = days_before(today, (unsigned)(2 * i), on);
		if (!rc)
			rc = build(&rows[i], c, &key,
			           json_array_get(stories, i % json_array_size(stories)), org,
			           district, on, i % 3 == 2);
	}
	struct store_report_new *batch = rc ? NULL : calloc((size_t)count, sizeof *batch);
	int *results = rc ? NULL : calloc((size_t)count, sizeof *results);
	if (!rc && (!batch || !results))
		rc = -ENOMEM;
	for (size_t i = 0; !rc && i < (size_t)count; i++)
		batch[i] = rows[i].row;
	if (!rc)
		rc = store_reports_insert_batch(s, batch, (size_t)count, results);
	/* Random ids and hashes do not meet in practice; if one did, the
	 * demo says so rather than leaving a hole. */
	for (size_t i = 0; !rc && i < (size_t)count; i++)
		if (results[i])
			rc = results[i] > 0 ? -EIO : results[i];
	if (!rc) {
		struct audit_key akey;
		rc = audit_key_derive(master, &akey);
		struct state_ctx g = {rows, (size_t)count, &akey, actor};
		if (!rc)
			rc = store_txn(s, set_states, &g);
		audit_key_wipe(&akey);
		if (rc == AUDIT_BROKEN)
			buf_printf(err, "the audit log does not verify; run signaal audit verify");
	}
	if (!rc)
		*added = (size_t)count;
	else if (rc < 0 && !err->len)
		buf_printf(err, "storing the example reports failed: %s", strerror(-rc));
	for (size_t i = 0; rows && i < built; i++)
		one_free(&rows[i]);
	free(rows);
	free(batch);
	free(results);
	seal_key_wipe(&key);
	store_strv_free(districts, nd);
	json_decref(root);
	return rc;
}
