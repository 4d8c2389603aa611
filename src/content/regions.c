/* regions: regions/<id>.json, one region each with its channels, texts as
 * {"nl": ..., "en": ...}; regions/nl.json holds the national channels every
 * region inherits. See content/README.md.
 *
 * Owns: the key tables of a region, a channel and a phone number, the
 * checks of phone numbers, web and email addresses, the rule that the
 * national channels always offer something, and the merge of the national
 * channels into each region, resolved per language. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/check.h"
#include "content/content_int.h"
#include "limits.h"
#include "util/str.h"

/* What the hooks of this file need while one region file is checked. */
struct gctx {
	const char *id; /* the region id, from the file name */
	json_t *seen;   /* channel ids of the file */
};

/* Digits of a displayed number like "020 626 3800": groups of digits
 * separated by single spaces. */
static bool phone_digits(const char *s, char *out, size_t outsz)
{
	size_t n = 0;
	if (!*s || *s == ' ')
		return false;
	for (const char *p = s; *p; p++) {
		if (*p == ' ') {
			if (p[1] == ' ' || p[1] == '\0')
				return false;
			continue;
		}
		if (*p < '0' || *p > '9' || n + 1 >= outsz)
			return false;
		out[n++] = *p;
	}
	out[n] = '\0';
	return true;
}

static const struct cv_key phone_keys[] = {
    {.name = "display", .kind = CV_STRING, .required = true},
    {.name = "tel", .kind = CV_STRING, .required = true},
    {.name = "hours", .kind = CV_TEXT},
    {.name = "label", .kind = CV_I18N},
    {0},
};

/* tel: must dial from a Dutch phone: ordinary numbers in E.164 (+31 and no
 * leading 0); service numbers (0800, 090x) and short numbers (112, 14 0xx)
 * cannot be dialled as +31, so they stay as they are. */
static int check_phone(struct vctx *v, const char *p, const json_t *ph)
{
	char digits[24], want[32], qb[CONTENT_MAX_SHOWN_VALUE], qb2[CONTENT_MAX_SHOWN_VALUE],
	    dp[CONTENT_MAX_PATH_LEN];
	int rc = cv_entry(v, ph, p, phone_keys, NULL);
	if (rc)
		return rc;
	const json_t *display = json_object_get(ph, "display");
	const json_t *tel = json_object_get(ph, "tel");
	cv_key(dp, p, "display");
	const char *d = json_string_value(display);
	if (!phone_digits(d, digits, sizeof(digits)))
		return cv_fail(v, dp, "%s must be digits in groups, like \"020 626 3800\"",
		               cv_quote(d, qb, sizeof(qb)));
	size_t n = strlen(digits);
	bool service = str_starts(digits, "0800") || str_starts(digits, "090");
	/* 14 + area code without its 0 reaches a municipality (14 050,
	 * 14 0255): up to 6 digits. */
	bool municipal = str_starts(digits, "140") && n <= 6;
	if (service || municipal || (n >= 3 && n <= 5))
		snprintf(want, sizeof(want), "tel:%s", digits);
	else if (n == 10 && digits[0] == '0')
		snprintf(want, sizeof(want), "tel:+31%s", digits + 1);
	else
		return cv_fail(
		    v, dp,
		    "%s is not a Dutch phone number (10 digits from 0, a 0800 or 090x number, or a short number like 112)",
		    cv_quote(d, qb, sizeof(qb)));
	if (!str_eq(json_string_value(tel), want)) {
		cv_key(dp, p, "tel");
		return cv_fail(v, dp, "%s must be \"%s\" for %s",
		               cv_quote(json_string_value(tel), qb, sizeof(qb)), want,
		               cv_quote(d, qb2, sizeof(qb2)));
	}
	return 0;
}

static bool host_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
}

static int check_web(const struct cv_at *at, const char *p, const json_t *x)
{
	char qb[CONTENT_MAX_SHOWN_VALUE];
	if (!json_is_string(x))
		return cv_fail(at->v, p, "must be a text");
	const char *s = json_string_value(x);
	if (!str_starts(s, "https://"))
		return cv_fail(at->v, p, "%s must start with https://",
		               cv_quote(s, qb, sizeof(qb)));
	if (strlen(s) > CONTENT_MAX_URL_LEN)
		return cv_fail(at->v, p, "longer than %u bytes", CONTENT_MAX_URL_LEN);
	const char *h = s + strlen("https://"), *e = h;
	while (host_char((unsigned char)*e))
		e++;
	bool dot = memchr(h, '.', (size_t)(e - h)) != NULL;
	bool ok =
	    e > h && dot && *h != '.' && *h != '-' && e[-1] != '.' && (*e == '\0' || *e == '/');
	/* Only plain visible ASCII in the path: the address lands in href. */
	for (const char *c = e; ok && *c; c++) {
		unsigned char ch = (unsigned char)*c;
		if (ch <= 0x20 || ch >= 0x7F || strchr("\"'<>\\`", ch))
			ok = false;
	}
	return ok ? 0
	          : cv_fail(at->v, p, "%s is not a valid web address", cv_quote(s, qb, sizeof(qb)));
}

int content_check_email(const struct cv_at *ca, const char *p, const json_t *x)
{
	char qb[CONTENT_MAX_SHOWN_VALUE];
	if (!json_is_string(x))
		return cv_fail(ca->v, p, "must be a text");
	const char *s = json_string_value(x), *at = strchr(s, '@');
	bool ok = at && at > s && !strchr(at + 1, '@') && strlen(s) <= CONTENT_MAX_URL_LEN;
	for (const char *c = s; ok && c < at; c++) {
		unsigned char ch = (unsigned char)*c;
		ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || strchr("._+-", ch);
	}
	if (ok) {
		const char *h = at + 1;
		size_t n = strlen(h);
		ok = n > 2 && strchr(h, '.') && h[0] != '.' && h[n - 1] != '.';
		for (size_t i = 0; ok && i < n; i++)
			ok = host_char((unsigned char)h[i]);
	}
	return ok ? 0
	          : cv_fail(ca->v, p, "%s is not a valid email address",
	                    cv_quote(s, qb, sizeof(qb)));
}

static int channel_id(const struct cv_at *at, const char *kp, const json_t *x)
{
	struct gctx *g = at->ctx;
	return cv_unique(at->v, g->seen, kp, json_string_value(x));
}

int content_check_phones(const struct cv_at *at, const char *kp, const json_t *phones)
{
	char ip[CONTENT_MAX_PATH_LEN];
	const json_t *x;
	size_t i;
	int rc = 0;
	json_array_foreach(phones, i, x)
	{
		cv_idx(ip, kp, i);
		rc = check_phone(at->v, ip, x);
		if (rc)
			break;
	}
	return rc;
}

static int channel_anonymous(const struct cv_at *at, const char *kp, const json_t *x)
{
	static const char *const values[] = {"yes", "no", "possible", NULL};
	if (!cv_in_list(values, json_string_value(x)))
		return cv_fail(at->v, kp, "must be \"yes\", \"no\" or \"possible\"");
	return 0;
}

static int channel_emergency(const struct cv_at *at, const char *kp, const json_t *x)
{
	if (json_is_true(x) && !json_object_get(at->obj, "phones"))
		return cv_fail(at->v, at->path, "an emergency channel needs a phone number");
	return 0;
}

/* {role: rank}: the wegwijzer orders a role's channels by rank. "unsaid"
 * is the wegwijzer's answer "zeg ik liever niet"; it is no reporter role. */
static int channel_ranks(const struct cv_at *at, const char *kp, const json_t *roles)
{
	char ip[CONTENT_MAX_PATH_LEN], qb[CONTENT_MAX_SHOWN_VALUE];
	const char *key;
	json_t *x;
	if (json_object_size(roles) == 0)
		return cv_fail(at->v, kp, "empty; name at least one role");
	json_object_foreach((json_t *)roles, key, x)
	{
		if (!cv_in_list(content_contract_roles, key) && !str_eq(key, CONTENT_ROLE_UNSAID))
			return cv_fail(at->v, kp, "unknown role %s", cv_quote(key, qb, sizeof(qb)));
		cv_key(ip, kp, key);
		json_int_t rank = json_is_integer(x) ? json_integer_value(x) : 0;
		if (rank < 1 || rank > (json_int_t)CHANNEL_MAX_RANK)
			return cv_fail(at->v, ip, "must be a whole number from 1 to %u",
			               CHANNEL_MAX_RANK);
	}
	return 0;
}

/* Every card must give a way to reach someone now. An "internal" channel
 * (the aandachtsfunctionaris) is reached through the organisation
 * profile's contact, so it has none of its own. */
static int channel_roles(const struct cv_at *at, const char *kp, const json_t *roles)
{
	int rc = channel_ranks(at, kp, roles);
	bool own = json_object_get(at->obj, "phones") || json_object_get(at->obj, "email") ||
	           json_object_get(at->obj, "web");
	bool internal = json_is_true(json_object_get(at->obj, "internal"));
	if (!rc && internal &&
	    (json_object_get(at->obj, "phones") || json_object_get(at->obj, "email") ||
	     json_object_get(at->obj, "chat")))
		rc = cv_fail(
		    at->v, at->path,
		    "an internal channel is reached through the organisation's contact; it has no phones, email or chat of its own");
	if (!rc && !internal && !own)
		rc = cv_fail(
		    at->v, at->path,
		    "no way to reach anyone: give phones, email or web (or \"internal\": true)");
	return rc;
}

/* The forms a channel is only for; without the key it fits every form. */
static int channel_forms(const struct cv_at *at, const char *kp, const json_t *forms)
{
	char ip[CONTENT_MAX_PATH_LEN], qb[CONTENT_MAX_SHOWN_VALUE];
	json_t *fseen = json_object(), *x;
	size_t i;
	int rc = fseen ? 0 : -ENOMEM;
	json_array_foreach(forms, i, x)
	{
		if (rc)
			break;
		cv_idx(ip, kp, i);
		rc = cv_code(at->v, ip, x, false);
		/* "unknown": the channel also fits when the asker does not know
		 * the form (Helse Liefde: sexual and unknown). */
		if (!rc && !cv_in_list(content_contract_forms, json_string_value(x)) &&
		    !str_eq(json_string_value(x), "unknown"))
			rc = cv_fail(at->v, ip, "unknown form %s",
			             cv_quote(json_string_value(x), qb, sizeof(qb)));
		if (!rc)
			rc = cv_unique(at->v, fseen, ip, json_string_value(x));
	}
	json_decref(fseen);
	return rc;
}

static const struct cv_key channel_keys[] = {
    {.name = "id", .kind = CV_CODE, .required = true, .check = channel_id},
    {.name = "name", .kind = CV_I18N, .required = true},
    {.name = "purpose", .kind = CV_I18N, .required = true},
    {.name = "on_call", .kind = CV_I18N, .required = true},
    {.name = "phones",
     .kind = CV_LIST,
     .min = 1,
     .max = CHANNEL_MAX_PHONES,
     .check = content_check_phones},
    {.name = "email", .kind = CV_ANY, .check = content_check_email},
    {.name = "web", .kind = CV_ANY, .check = check_web},
    {.name = "chat", .kind = CV_BOOL},
    {.name = "anonymous", .kind = CV_STRING, .required = true, .check = channel_anonymous},
    {.name = "emergency", .kind = CV_BOOL, .check = channel_emergency},
    {.name = "internal", .kind = CV_BOOL},
    {.name = "roles", .kind = CV_OBJECT, .required = true, .check = channel_roles},
    {.name = "roles_minor", .kind = CV_OBJECT, .check = channel_ranks},
    {.name = "forms",
     .kind = CV_LIST,
     .min = 1,
     .max = CONTENT_MAX_LIST_ITEMS,
     .check = channel_forms},
    {0},
};

static int region_id(const struct cv_at *at, const char *kp, const json_t *x)
{
	struct gctx *g = at->ctx;
	char qb[CONTENT_MAX_SHOWN_VALUE];
	if (!str_eq(json_string_value(x), g->id))
		return cv_fail(at->v, "id", "%s differs from the file name (\"%s\")",
		               cv_quote(json_string_value(x), qb, sizeof(qb)), g->id);
	return 0;
}

static int region_inherits(const struct cv_at *at, const char *kp, const json_t *x)
{
	struct gctx *g = at->ctx;
	char qb[CONTENT_MAX_SHOWN_VALUE];
	if (str_eq(g->id, "nl"))
		return cv_fail(at->v, kp, "the national channels inherit from nothing");
	if (str_eq(json_string_value(x), g->id))
		return cv_fail(at->v, kp, "%s is the region itself",
		               cv_quote(json_string_value(x), qb, sizeof(qb)));
	return 0;
}

/* A region may have no channels of its own and use the national ones. */
static const struct cv_key region_file[] = {
    {.name = "id", .kind = CV_CODE, .required = true, .check = region_id},
    {.name = "name", .kind = CV_I18N, .required = true},
    {.name = "inherits", .kind = CV_CODE, .check = region_inherits},
    {.name = "channels",
     .kind = CV_LIST,
     .required = true,
     .min = 0,
     .max = CONTENT_MAX_LIST_ITEMS,
     .items = channel_keys},
    {0},
};

int content_check_channels(struct vctx *v, const char *kp, const json_t *chans)
{
	struct gctx g = {.id = "", .seen = json_object()};
	int rc = g.seen ? cv_items(v, kp, chans, channel_keys, &g) : -ENOMEM;
	json_decref(g.seen);
	return rc;
}

static int check_region(struct vctx *v, const json_t *root, const char *id)
{
	struct gctx g = {.id = id, .seen = json_object()};
	int rc = g.seen ? cv_entry(v, root, "", region_file, &g) : -ENOMEM;
	json_decref(g.seen);
	return rc;
}

/* True when a national channel that fits every form names role. */
static bool national_covers(const json_t *chans, const char *role)
{
	json_t *ch;
	size_t i;
	json_array_foreach(chans, i, ch)
	{
		if (json_is_true(json_object_get(ch, "emergency")) || json_object_get(ch, "forms"))
			continue;
		if (json_object_get(json_object_get(ch, "roles"), role))
			return true;
	}
	return false;
}

/* The wegwijzer must always have something to offer: 112 for danger, and
 * for every role (and for "zeg ik liever niet") a national channel that
 * does not depend on the form. */
static int check_national(struct vctx *v, const json_t *nl)
{
	const json_t *chans = json_object_get(nl, "channels");
	bool emergency = false;
	json_t *ch;
	size_t i;

	json_array_foreach(chans, i, ch)
	{
		if (json_is_true(json_object_get(ch, "emergency")))
			emergency = true;
	}
	if (!emergency)
		return cv_fail(v, "channels", "no emergency channel (112)");
	for (const char *const *r = content_contract_roles; *r; r++)
		if (!national_covers(chans, *r))
			return cv_fail(
			    v, "channels",
			    "no channel for role \"%s\" that fits every form; the wegwijzer would have nothing to offer",
			    *r);
	if (!national_covers(chans, CONTENT_ROLE_UNSAID))
		return cv_fail(
		    v, "channels",
		    "no channel for role \"%s\" that fits every form; the wegwijzer would have nothing to offer",
		    CONTENT_ROLE_UNSAID);
	return 0;
}

static bool is_i18n(const json_t *x)
{
	return json_is_object(x) && json_object_size(x) == LANG_COUNT &&
	       json_is_string(json_object_get(x, "nl")) && json_is_string(json_object_get(x, "en"));
}

/* A copy of x (caller owns) with every {"nl", "en"} text replaced by the
 * text in lang. Validation guarantees only texts have that shape. */
static json_t *resolve(const json_t *x, const char *lang)
{
	if (is_i18n(x))
		return json_incref(json_object_get(x, lang));
	if (json_is_object(x)) {
		json_t *o = json_object(), *val;
		const char *key;
		if (!o)
			return NULL;
		json_object_foreach((json_t *)x, key, val)
		{
			if (cv_oset(o, key, resolve(val, lang))) {
				json_decref(o);
				return NULL;
			}
		}
		return o;
	}
	if (json_is_array(x)) {
		json_t *a = json_array(), *val;
		size_t i;
		if (!a)
			return NULL;
		json_array_foreach(x, i, val)
		{
			if (cv_aadd(a, resolve(val, lang))) {
				json_decref(a);
				return NULL;
			}
		}
		return a;
	}
	return json_incref((json_t *)x);
}

int content_merge_channels(json_t *merged, const json_t *chans, const char *source,
                           const char *lang)
{
	json_t *ch, *have;
	size_t i, k;
	json_array_foreach(chans, i, ch)
	{
		json_t *r = resolve(ch, lang);
		if (!r || cv_oset(r, "region", json_string(source))) {
			json_decref(r);
			return -ENOMEM;
		}
		bool replaced = false;
		json_array_foreach(merged, k, have)
		{
			if (json_equal(json_object_get(have, "id"), json_object_get(ch, "id"))) {
				if (json_array_set_new(merged, k, r))
					return -ENOMEM;
				replaced = true;
				break;
			}
		}
		if (!replaced && cv_aadd(merged, r))
			return -ENOMEM;
	}
	return 0;
}

json_t *content_resolve(const json_t *x, const char *lang)
{
	return resolve(x, lang);
}

/* The parent of a region: its "inherits", or the national file. */
static const char *parent_of(const json_t *raw)
{
	const char *p = json_string_value(json_object_get(raw, "inherits"));
	return p ? p : "nl";
}

/* Every chain of "inherits" ends at nl: no unknown parent, no circle. */
static int check_chains(struct loader *L)
{
	const char *id;
	json_t *raw;
	json_object_foreach(L->raw_regions, id, raw)
	{
		json_t *seen = json_object();
		const char *cur = id;
		int rc = seen ? 0 : -ENOMEM;
		while (!rc && !str_eq(cur, "nl")) {
			const char *par = parent_of(json_object_get(L->raw_regions, cur));
			char rel[ID_MAX_LEN + 32], qb[CONTENT_MAX_SHOWN_VALUE];
			struct vctx v = {.err = L->err};
			rc = cv_oset(seen, cur, json_true());
			if (rc ||
			    (json_object_get(L->raw_regions, par) && !json_object_get(seen, par))) {
				cur = par;
				continue;
			}
			snprintf(rel, sizeof(rel), "regions/%s.json", cur);
			v.file = cv_join(L->dir, rel);
			if (!v.file)
				rc = -ENOMEM;
			else if (json_object_get(seen, par))
				rc = cv_fail(
				    &v, "inherits",
				    "%s leads back here in a circle; the chain must end at nl",
				    cv_quote(par, qb, sizeof(qb)));
			else
				rc = cv_fail(&v, "inherits", "unknown region %s",
				             cv_quote(par, qb, sizeof(qb)));
			cv_done(&v);
		}
		json_decref(seen);
		if (rc)
			return rc;
	}
	return 0;
}

/* The channels of region id in lang (caller owns): nl's first, then each
 * region down the chain of "inherits", each replacing by id or adding. */
static json_t *chain_channels(struct loader *L, const char *id, const char *lang)
{
	const json_t *raw = json_object_get(L->raw_regions, id);
	json_t *merged;
	if (str_eq(id, "nl"))
		merged = json_array();
	else
		merged = chain_channels(L, parent_of(raw), lang);
	if (merged && content_merge_channels(merged, json_object_get(raw, "channels"), id, lang)) {
		json_decref(merged);
		merged = NULL;
	}
	return merged;
}

static int build_regions(struct loader *L)
{
	const char *id;
	json_t *raw;
	int rc = 0;

	for (int li = 0; li < LANG_COUNT && !rc; li++) {
		json_object_foreach(L->raw_regions, id, raw)
		{
			json_t *merged = chain_channels(L, id, content_langs[li]), *reg_out;
			if (!merged) {
				rc = -ENOMEM;
				break;
			}
			reg_out =
			    json_pack("{s:s, s:o, s:o}", "id", id, "name",
			              resolve(json_object_get(raw, "name"), content_langs[li]),
			              "channels", merged);
			rc = cv_oset(L->c->lang[li].regions, id, reg_out);
			if (rc)
				break;
		}
	}
	return rc;
}

int content_load_regions(struct loader *L)
{
	char **names = NULL, rel[ID_MAX_LEN + 32];
	size_t n = 0;
	struct vctx v = {0};
	json_t *root = NULL;
	int rc = cv_list_json(L->dir, L->err, "regions", &names, &n);

	for (size_t i = 0; !rc && i < n; i++) {
		char id[ID_MAX_LEN + 1];
		size_t len = strlen(names[i]) - strlen(".json");
		snprintf(rel, sizeof(rel), "regions/%.*s", ID_MAX_LEN + 8, names[i]);
		snprintf(id, sizeof(id), "%.*s", (int)(len < sizeof(id) ? len : sizeof(id) - 1),
		         names[i]);
		rc = cv_read_json(L->dir, L->err, &v, rel, &root);
		if (!rc && (len > ID_MAX_LEN || !str_is_id(id, ID_MAX_LEN)))
			rc = cv_fail(&v, NULL,
			             "the file name must be <id>.json, id of a-z, 0-9, _ and -");
		if (!rc)
			rc = check_region(&v, root, id);
		if (!rc)
			rc = cv_oset(L->raw_regions, id, json_incref(root));
		json_decref(root);
		root = NULL;
	}
	if (!rc && !json_object_get(L->raw_regions, "nl")) {
		cv_done(&v);
		v.err = L->err;
		v.file = cv_join(L->dir, "regions/nl.json");
		rc = v.file ? cv_fail(&v, NULL, "file is missing (it holds the national channels)")
		            : -ENOMEM;
	}
	if (!rc) {
		cv_done(&v);
		v.err = L->err;
		v.file = cv_join(L->dir, "regions/nl.json");
		rc = v.file ? check_national(&v, json_object_get(L->raw_regions, "nl")) : -ENOMEM;
	}
	if (!rc)
		rc = check_chains(L);
	if (!rc)
		rc = build_regions(L);
	cv_free_names(names, n);
	cv_done(&v);
	return rc;
}
