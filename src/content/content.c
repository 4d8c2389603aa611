/* content.c: reads content/, checks every rule of content/README.md and
 * resolves the texts per language once, so that the getters are lookups.
 *
 * Validation stops at the first problem and describes it in one line:
 * "<file>: <key path>: <problem>". Authors fix one thing at a time, and a
 * single line is what a CLI and a test can show and compare. */
#include "content/content.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "limits.h"
#include "util/file.h"
#include "util/log.h"
#include "util/str.h"

enum {
	LANG_NL,
	LANG_EN,
	LANG_COUNT
};
static const char *const lang_codes[LANG_COUNT] = {"nl", "en"};

/* The closed lists of contract.md (CSV columns forms and reporter_role):
 * reports, exports and the wegwijzer all rely on exactly these codes. */
static const char *const contract_forms[] = {"sexual", "labour", "criminal", "organ_removal", NULL};
static const char *const contract_roles[] = {"victim",       "bystander", "parent", "perpetrator",
                                             "professional", "employee",  NULL};

struct lang_data {
	json_t *forms;     /* [form] */
	json_t *form_idx;  /* code -> form */
	json_t *signals;   /* flat checklist */
	json_t *risk;      /* [risk factor] */
	json_t *roles;     /* [role] */
	json_t *role_idx;  /* code -> role */
	json_t *quiz;      /* [question] */
	json_t *wegwijzer; /* texts object */
	json_t *regions;   /* id -> resolved region */
	json_t *codes;     /* cross-language registry; only while loading */
};

struct content {
	struct lang_data lang[LANG_COUNT];
	json_t *signal_set; /* signal code -> true */
	json_t *rules;      /* [rule] */
	json_t *orgs;       /* id -> profile */
};

/* One file being validated: where messages go and the name they carry. */
struct vctx {
	struct buf *err;
	char *file; /* owned; "<dir>/<rel>" */
};

struct loader {
	char *dir; /* owned; without trailing slash */
	struct buf *err;
	struct content *c;
	json_t *raw_regions; /* id -> validated region file */
};

static int vfail(struct vctx *v, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int vfail(struct vctx *v, const char *path, const char *fmt, ...)
{
	if (v->err) {
		va_list ap;
		buf_reset(v->err);
		buf_puts(v->err, v->file ? v->file : "content");
		buf_puts(v->err, ": ");
		if (path && *path) {
			buf_puts(v->err, path);
			buf_puts(v->err, ": ");
		}
		va_start(ap, fmt);
		buf_vprintf(v->err, fmt, ap);
		va_end(ap);
	}
	return CONTENT_INVALID;
}

static void vctx_done(struct vctx *v)
{
	free(v->file);
	v->file = NULL;
}

/* Paths are only for messages, so a path cut to fit is acceptable. */
static void pkey(char *out, const char *base, const char *key)
{
	int n;
	if (base && *base)
		n = snprintf(out, CONTENT_MAX_PATH_LEN, "%s.%s", base, key);
	else
		n = snprintf(out, CONTENT_MAX_PATH_LEN, "%s", key);
	if (n < 0)
		out[0] = '\0';
}

static void pidx(char *out, const char *base, size_t i)
{
	int n = snprintf(out, CONTENT_MAX_PATH_LEN, "%s[%zu]", base, i);
	if (n < 0)
		out[0] = '\0';
}

/* A user-visible quote of a value: bounded, without control bytes. */
static const char *q(const char *s, char *out, size_t outsz)
{
	return log_quote(s, out, outsz);
}

#define QBUF 80

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (str_eq(*list, s))
			return true;
	return false;
}

static int oset(json_t *o, const char *k, json_t *val)
{
	if (!val)
		return -ENOMEM;
	return json_object_set_new(o, k, val) ? -ENOMEM : 0;
}

static int aadd(json_t *a, json_t *val)
{
	if (!val)
		return -ENOMEM;
	return json_array_append_new(a, val) ? -ENOMEM : 0;
}

/* --- Checks of single values ----------------------------------------- */

static bool code_ok(const char *s, bool dots)
{
	size_t n = strlen(s);
	if (n == 0 || n > CONTENT_MAX_CODE_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
		          ch == '-' || (dots && ch == '.');
		if (!ok)
			return false;
	}
	return s[0] != '.' && s[n - 1] != '.';
}

static int check_text(struct vctx *v, const char *p, const json_t *x, size_t maxlen)
{
	if (!json_is_string(x))
		return vfail(v, p, "must be a text");
	const char *s = json_string_value(x);
	size_t n = json_string_length(x);
	bool blank = true;
	for (size_t i = 0; i < n && blank; i++)
		if (s[i] != ' ' && s[i] != '\t')
			blank = false;
	if (blank)
		return vfail(v, p, "empty text");
	if (n > maxlen)
		return vfail(v, p, "longer than %zu bytes", maxlen);
	if (!str_utf8_valid(s, n))
		return vfail(v, p, "invalid UTF-8");
	if (!str_text_valid(s, n, false))
		return vfail(v, p, "contains a control character");
	return 0;
}

static int check_code(struct vctx *v, const char *p, const json_t *x, bool dots)
{
	char qb[QBUF];
	if (!json_is_string(x))
		return vfail(v, p, "must be a text");
	if (!code_ok(json_string_value(x), dots))
		return vfail(v, p, "%s is not a valid code (1-%u of a-z, 0-9, _ and -%s)",
		             q(json_string_value(x), qb, sizeof(qb)), CONTENT_MAX_CODE_LEN,
		             dots ? ", parts joined by ." : "");
	return 0;
}

static int check_keys(struct vctx *v, const json_t *obj, const char *path,
                      const char *const *allowed)
{
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)obj, key, val)
	{
		if (!in_list(allowed, key)) {
			char p[CONTENT_MAX_PATH_LEN], qb[QBUF];
			/* A key with odd bytes is quoted so the message stays one line. */
			pkey(p, path, code_ok(key, false) ? key : q(key, qb, sizeof(qb)));
			return vfail(v, p, "unknown key");
		}
	}
	return 0;
}

static int check_object(struct vctx *v, const char *p, const json_t *x)
{
	return json_is_object(x) ? 0 : vfail(v, p, "must be an object");
}

static int check_i18n(struct vctx *v, const char *p, const json_t *x)
{
	static const char *const keys[] = {"nl", "en", NULL};
	int rc = check_object(v, p, x);
	if (!rc)
		rc = check_keys(v, x, p, keys);
	for (int i = 0; !rc && i < LANG_COUNT; i++) {
		char lp[CONTENT_MAX_PATH_LEN];
		pkey(lp, p, lang_codes[i]);
		const json_t *t = json_object_get(x, lang_codes[i]);
		rc = t ? check_text(v, lp, t, CONTENT_MAX_TEXT_BYTES) : vfail(v, lp, "missing");
	}
	return rc;
}

static int check_list(struct vctx *v, const char *p, const json_t *x, size_t min, size_t max)
{
	if (!json_is_array(x))
		return vfail(v, p, "must be a list");
	size_t n = json_array_size(x);
	if (n < min)
		return n == 0 ? vfail(v, p, "empty list")
		              : vfail(v, p, "needs at least %zu entries", min);
	if (n > max)
		return vfail(v, p, "has more than %zu entries", max);
	return 0;
}

enum kind {
	K_TEXT,
	K_CODE,
	K_BOOL,
	K_OBJECT,
	K_I18N,
	K_STRING
};

/* Fetches obj[key] into *out and checks its kind. An absent optional key
 * gives 0 and *out NULL. */
static int field(struct vctx *v, const json_t *obj, const char *path, const char *key, enum kind k,
                 bool required, json_t **out)
{
	char p[CONTENT_MAX_PATH_LEN];
	pkey(p, path, key);
	json_t *x = json_object_get(obj, key);
	*out = x;
	if (!x)
		return required ? vfail(v, p, "missing") : 0;
	switch (k) {
	case K_TEXT:
		return check_text(v, p, x, CONTENT_MAX_TEXT_BYTES);
	case K_CODE:
		return check_code(v, p, x, false);
	case K_BOOL:
		return json_is_boolean(x) ? 0 : vfail(v, p, "must be true or false");
	case K_OBJECT:
		return check_object(v, p, x);
	case K_I18N:
		return check_i18n(v, p, x);
	case K_STRING:
		return json_is_string(x) ? 0 : vfail(v, p, "must be a text");
	}
	return 0;
}

/* A list of paragraphs or examples: 1..max texts. */
static int check_texts(struct vctx *v, const json_t *obj, const char *path, const char *key)
{
	char p[CONTENT_MAX_PATH_LEN], ip[CONTENT_MAX_PATH_LEN];
	json_t *arr = json_object_get(obj, key), *t;
	size_t i;
	pkey(p, path, key);
	if (!arr)
		return vfail(v, p, "missing");
	int rc = check_list(v, p, arr, 1, CONTENT_MAX_LIST_ITEMS);
	json_array_foreach(arr, i, t)
	{
		if (rc)
			break;
		pidx(ip, p, i);
		rc = check_text(v, ip, t, CONTENT_MAX_TEXT_BYTES);
	}
	return rc;
}

/* Remembers the first place a code was seen; a second one is an error. */
static int check_unique(struct vctx *v, json_t *seen, const char *p, const char *code)
{
	char qb[QBUF];
	const json_t *first = json_object_get(seen, code);
	if (first)
		return vfail(v, p, "duplicate code %s (also at %s)", q(code, qb, sizeof(qb)),
		             json_string_value(first));
	return oset(seen, code, json_string(p));
}

/* --- Cross-language registry ---------------------------------------------
 * Each language registers what must exist in both ("form:labour",
 * "answer:q03=b", ...). Comparing the two registries afterwards finds a
 * missing translation, an extra code and a differing answer alike. */

static int reg(json_t *codes, const char *rel, const char *key, const char *list, const char *path,
               const char *desc)
{
	char k[CONTENT_MAX_PATH_LEN * 2];
	int n = snprintf(k, sizeof(k), "%s|%s", rel, key);
	if (n < 0 || (size_t)n >= sizeof(k))
		return -ENAMETOOLONG;
	return oset(codes, k,
	            json_pack("{s:s, s:s, s:s, s:s}", "file", rel, "list", list, "path", path,
	                      "desc", desc));
}

static int regf(json_t *codes, const char *rel, const char *list, const char *path,
                const char *kind, const char *code, const char *extra)
{
	char key[CONTENT_MAX_PATH_LEN], desc[CONTENT_MAX_PATH_LEN];
	int n = snprintf(key, sizeof(key), "%s:%s%s%s", kind, code, extra ? "=" : "",
	                 extra ? extra : "");
	int m = extra ? snprintf(desc, sizeof(desc), "%s \"%s\" of %s", kind, extra, code)
	              : snprintf(desc, sizeof(desc), "%s \"%s\"", kind, code);
	if (n < 0 || m < 0 || (size_t)n >= sizeof(key) || (size_t)m >= sizeof(desc))
		return -ENAMETOOLONG;
	return reg(codes, rel, key, list, path, desc);
}

/* --- Reading files --------------------------------------------------- */

static char *join(const char *dir, const char *rel)
{
	struct buf b = BUF_INIT;
	if (buf_printf(&b, "%s/%s", dir, rel)) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* Reads dir/rel into *root (caller owns). Sets v->file for later messages.
 * A file that does not exist is a content problem, not an I/O error. */
static int read_json(struct loader *L, struct vctx *v, const char *rel, json_t **root)
{
	char *data = NULL;
	int rc = 0;
	size_t len = 0;
	json_error_t je;

	*root = NULL;
	vctx_done(v);
	v->err = L->err;
	v->file = join(L->dir, rel);
	if (!v->file)
		return -ENOMEM;
	rc = file_read(AT_FDCWD, v->file, 0, CONTENT_MAX_FILE_BYTES, &data, &len);
	if (rc == -ENOENT) {
		rc = vfail(v, NULL, "file is missing");
		goto out;
	}
	if (rc == FILE_NOT_REGULAR) {
		rc = vfail(v, NULL, "not a regular file");
		goto out;
	}
	if (rc == FILE_TOO_BIG) {
		rc = vfail(v, NULL, "larger than %u bytes", CONTENT_MAX_FILE_BYTES);
		goto out;
	}
	if (rc < 0) {
		vfail(v, NULL, "cannot read: %s", strerror(-rc));
		goto out;
	}
	*root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!*root) {
		rc = vfail(v, NULL, "line %d, column %d: invalid JSON: %s", je.line, je.column,
		           je.text);
		goto out;
	}
	if (!json_is_object(*root)) {
		json_decref(*root);
		*root = NULL;
		rc = vfail(v, NULL, "the top level must be an object");
	}
out:
	free(data);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The *.json files of dir/sub in name order, so that loading is repeatable.
 * *names (caller owns, free_names()). */
static int list_json(struct loader *L, const char *sub, char ***names, size_t *count)
{
	struct vctx v = {L->err, NULL};
	char **list = NULL;
	size_t n = 0;
	DIR *d = NULL;
	int rc = 0;

	*names = NULL;
	*count = 0;
	v.file = join(L->dir, sub);
	if (!v.file)
		return -ENOMEM;
	d = opendir(v.file);
	if (!d) {
		rc = -errno;
		if (rc == -ENOENT)
			rc = vfail(&v, NULL, "directory is missing");
		else
			vfail(&v, NULL, "cannot open: %s", strerror(-rc));
		goto out;
	}
	list = calloc(CONTENT_MAX_DIR_FILES, sizeof(*list));
	if (!list) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		errno = 0;
		struct dirent *e = readdir(d);
		if (!e) {
			if (errno) {
				rc = -errno;
				vfail(&v, NULL, "cannot read: %s", strerror(-rc));
			}
			break;
		}
		/* Hidden files are editor leftovers, not content. */
		if (e->d_name[0] == '.' || !str_ends(e->d_name, ".json"))
			continue;
		if (n == CONTENT_MAX_DIR_FILES) {
			rc = vfail(&v, NULL, "more than %u files", CONTENT_MAX_DIR_FILES);
			break;
		}
		list[n] = strdup(e->d_name);
		if (!list[n]) {
			rc = -ENOMEM;
			break;
		}
		n++;
	}
	if (rc)
		goto out;
	qsort(list, n, sizeof(*list), cmp_str);
	*names = list;
	*count = n;
	list = NULL;
	n = 0;
out:
	free_names(list, n);
	if (d)
		closedir(d);
	vctx_done(&v);
	return rc;
}

/* --- Per-language files ---------------------------------------------- */

static int check_signals(struct vctx *v, const char *path, const json_t *arr, const char *owner,
                         json_t *seen, json_t *codes, const char *rel)
{
	char p[CONTENT_MAX_PATH_LEN], qb[QBUF], prefix[CONTENT_MAX_CODE_LEN + 2];
	json_t *s, *code, *text;
	size_t i;
	int rc = check_list(v, path, arr, 1, CONTENT_MAX_LIST_ITEMS);
	int n = snprintf(prefix, sizeof(prefix), "%s.", owner);
	if (n < 0 || (size_t)n >= sizeof(prefix))
		return -ENAMETOOLONG;
	static const char *const keys[] = {"code", "text", NULL};
	json_array_foreach(arr, i, s)
	{
		if (rc)
			break;
		pidx(p, path, i);
		rc = check_object(v, p, s);
		if (!rc)
			rc = check_keys(v, s, p, keys);
		if (!rc)
			rc = field(v, s, p, "code", K_STRING, true, &code);
		if (!rc) {
			char cp[CONTENT_MAX_PATH_LEN];
			pkey(cp, p, "code");
			rc = check_code(v, cp, code, true);
			if (!rc && !str_starts(json_string_value(code), prefix))
				rc = vfail(v, cp, "%s must start with \"%s\"",
				           q(json_string_value(code), qb, sizeof(qb)), prefix);
			if (!rc)
				rc = check_unique(v, seen, cp, json_string_value(code));
		}
		if (!rc)
			rc = field(v, s, p, "text", K_TEXT, true, &text);
		if (!rc)
			rc = regf(codes, rel, path, p, "signal", json_string_value(code), NULL);
	}
	return rc;
}

static int add_flat(json_t *flat, const json_t *signals, const char *form, const char *group)
{
	json_t *s;
	size_t i;
	json_array_foreach(signals, i, s)
	{
		int rc = aadd(flat, json_pack("{s:O, s:s, s:s, s:O}", "code",
		                              json_object_get(s, "code"), "form", form, "group",
		                              group, "text", json_object_get(s, "text")));
		if (rc)
			return rc;
	}
	return 0;
}

static int load_forms(struct loader *L, struct lang_data *d, const char *lang)
{
	static const char *const top[] = {"forms", "signal_groups", NULL};
	static const char *const fkeys[] = {"code",     "name",    "summary", "description",
	                                    "examples", "signals", NULL};
	static const char *const gkeys[] = {"code", "name", "signals", NULL};
	const char *rel = "forms.json";
	char file[32], p[CONTENT_MAX_PATH_LEN], sp[CONTENT_MAX_PATH_LEN], qb[QBUF];
	struct vctx v = {0};
	json_t *root = NULL, *seen = json_object(), *seen_sig = json_object();
	json_t *forms, *groups, *f, *x, *code, *name;
	size_t i;
	int rc;

	snprintf(file, sizeof(file), "%s/%s", lang, rel);
	if (!seen || !seen_sig) {
		rc = -ENOMEM;
		goto out;
	}
	rc = read_json(L, &v, file, &root);
	if (!rc)
		rc = check_keys(&v, root, "", top);
	if (!rc) {
		forms = json_object_get(root, "forms");
		rc = forms ? check_list(&v, "forms", forms, 1, CONTENT_MAX_LIST_ITEMS)
		           : vfail(&v, "forms", "missing");
	}
	if (rc)
		goto out;
	json_array_foreach(forms, i, f)
	{
		pidx(p, "forms", i);
		rc = check_object(&v, p, f);
		if (!rc)
			rc = check_keys(&v, f, p, fkeys);
		if (!rc)
			rc = field(&v, f, p, "code", K_CODE, true, &code);
		if (!rc && !in_list(contract_forms, json_string_value(code))) {
			pkey(sp, p, "code");
			rc = vfail(
			    &v, sp,
			    "%s is not a form of the contract (sexual, labour, criminal, organ_removal)",
			    q(json_string_value(code), qb, sizeof(qb)));
		}
		if (!rc) {
			pkey(sp, p, "code");
			rc = check_unique(&v, seen, sp, json_string_value(code));
		}
		if (!rc)
			rc = field(&v, f, p, "name", K_TEXT, true, &x);
		if (!rc)
			rc = field(&v, f, p, "summary", K_TEXT, true, &x);
		if (!rc)
			rc = check_texts(&v, f, p, "description");
		if (!rc)
			rc = check_texts(&v, f, p, "examples");
		if (!rc) {
			pkey(sp, p, "signals");
			x = json_object_get(f, "signals");
			rc = x ? check_signals(&v, sp, x, json_string_value(code), seen_sig,
			                       d->codes, rel)
			       : vfail(&v, sp, "missing");
		}
		if (!rc)
			rc = regf(d->codes, rel, "forms", p, "form", json_string_value(code), NULL);
		if (!rc)
			rc = oset(d->form_idx, json_string_value(code), json_incref(f));
		if (rc)
			goto out;
	}
	for (const char *const *c = contract_forms; *c; c++)
		if (!json_object_get(d->form_idx, *c)) {
			rc = vfail(&v, "forms", "form \"%s\" is missing", *c);
			goto out;
		}

	groups = json_object_get(root, "signal_groups");
	rc = groups ? check_list(&v, "signal_groups", groups, 1, CONTENT_MAX_LIST_ITEMS)
	            : vfail(&v, "signal_groups", "missing");
	json_array_foreach(groups, i, f)
	{
		if (rc)
			break;
		pidx(p, "signal_groups", i);
		rc = check_object(&v, p, f);
		if (!rc)
			rc = check_keys(&v, f, p, gkeys);
		if (!rc)
			rc = field(&v, f, p, "code", K_CODE, true, &code);
		if (!rc) {
			/* Group codes share the "form" field of the checklist. */
			pkey(sp, p, "code");
			rc = check_unique(&v, seen, sp, json_string_value(code));
		}
		if (!rc)
			rc = field(&v, f, p, "name", K_TEXT, true, &name);
		if (!rc) {
			pkey(sp, p, "signals");
			x = json_object_get(f, "signals");
			rc = x ? check_signals(&v, sp, x, json_string_value(code), seen_sig,
			                       d->codes, rel)
			       : vfail(&v, sp, "missing");
		}
		if (!rc)
			rc = regf(d->codes, rel, "signal_groups", p, "signal group",
			          json_string_value(code), NULL);
		if (!rc)
			rc = add_flat(d->signals, json_object_get(f, "signals"),
			              json_string_value(code), json_string_value(name));
	}
	if (rc)
		goto out;
	json_array_foreach(forms, i, f)
	{
		rc = add_flat(d->signals, json_object_get(f, "signals"),
		              json_string_value(json_object_get(f, "code")),
		              json_string_value(json_object_get(f, "name")));
		if (rc)
			goto out;
	}
	d->forms = json_incref(forms);
out:
	json_decref(root);
	json_decref(seen);
	json_decref(seen_sig);
	vctx_done(&v);
	return rc;
}

/* A file whose top level is one list of {"code", "text"}-like objects. */
static int load_list(struct loader *L, struct vctx *v, const char *lang, const char *rel,
                     const char *listkey, size_t min, size_t max, json_t **root, json_t **list)
{
	char file[48];
	const char *const top[] = {listkey, NULL};
	int rc;

	snprintf(file, sizeof(file), "%s/%s", lang, rel);
	rc = read_json(L, v, file, root);
	if (!rc)
		rc = check_keys(v, *root, "", top);
	if (!rc) {
		*list = json_object_get(*root, listkey);
		rc = *list ? check_list(v, listkey, *list, min, max) : vfail(v, listkey, "missing");
	}
	return rc;
}

static int load_risk(struct loader *L, struct lang_data *d, const char *lang)
{
	static const char *const keys[] = {"code", "text", NULL};
	const char *rel = "risk_factors.json";
	char p[CONTENT_MAX_PATH_LEN], cp[CONTENT_MAX_PATH_LEN];
	struct vctx v = {0};
	json_t *root = NULL, *list = NULL, *seen = json_object(), *r, *code, *text;
	size_t i;
	int rc = seen ? 0 : -ENOMEM;

	if (!rc)
		rc = load_list(L, &v, lang, rel, "risk_factors", 1, CONTENT_MAX_LIST_ITEMS, &root,
		               &list);
	json_array_foreach(list, i, r)
	{
		if (rc)
			break;
		pidx(p, "risk_factors", i);
		rc = check_object(&v, p, r);
		if (!rc)
			rc = check_keys(&v, r, p, keys);
		if (!rc)
			rc = field(&v, r, p, "code", K_CODE, true, &code);
		if (!rc) {
			pkey(cp, p, "code");
			rc = check_unique(&v, seen, cp, json_string_value(code));
		}
		if (!rc)
			rc = field(&v, r, p, "text", K_TEXT, true, &text);
		if (!rc)
			rc = regf(d->codes, rel, "risk_factors", p, "risk factor",
			          json_string_value(code), NULL);
	}
	if (!rc)
		d->risk = json_incref(list);
	json_decref(root);
	json_decref(seen);
	vctx_done(&v);
	return rc;
}

static int load_roles(struct loader *L, struct lang_data *d, const char *lang)
{
	static const char *const keys[] = {"code",      "name",           "who", "advice",
	                                   "anonymous", "anonymous_note", NULL};
	const char *rel = "roles.json";
	char p[CONTENT_MAX_PATH_LEN], cp[CONTENT_MAX_PATH_LEN], qb[QBUF];
	struct vctx v = {0};
	json_t *root = NULL, *list = NULL, *seen = json_object(), *r, *code, *x, *anon, *note;
	size_t i;
	int rc = seen ? 0 : -ENOMEM;

	if (!rc)
		rc = load_list(L, &v, lang, rel, "roles", 1, CONTENT_MAX_LIST_ITEMS, &root, &list);
	json_array_foreach(list, i, r)
	{
		if (rc)
			break;
		pidx(p, "roles", i);
		pkey(cp, p, "code");
		rc = check_object(&v, p, r);
		if (!rc)
			rc = check_keys(&v, r, p, keys);
		if (!rc)
			rc = field(&v, r, p, "code", K_CODE, true, &code);
		if (!rc && !in_list(contract_roles, json_string_value(code)))
			rc = vfail(
			    &v, cp,
			    "%s is not a reporter role of the contract (victim, bystander, parent, perpetrator, professional, employee)",
			    q(json_string_value(code), qb, sizeof(qb)));
		if (!rc)
			rc = check_unique(&v, seen, cp, json_string_value(code));
		if (!rc)
			rc = field(&v, r, p, "name", K_TEXT, true, &x);
		if (!rc)
			rc = field(&v, r, p, "who", K_TEXT, true, &x);
		if (!rc)
			rc = check_texts(&v, r, p, "advice");
		if (!rc)
			rc = field(&v, r, p, "anonymous", K_BOOL, true, &anon);
		if (!rc)
			rc = field(&v, r, p, "anonymous_note", K_TEXT, false, &note);
		/* The note explains why anonymity is not offered; it means
		 * nothing for a role that may stay anonymous. */
		if (!rc && json_is_false(anon) && !note) {
			pkey(cp, p, "anonymous_note");
			rc = vfail(&v, cp, "missing (needed when anonymous is false)");
		}
		if (!rc && json_is_true(anon) && note) {
			pkey(cp, p, "anonymous_note");
			rc = vfail(&v, cp, "only allowed when anonymous is false");
		}
		if (!rc)
			rc = regf(d->codes, rel, "roles", p, "role", json_string_value(code), NULL);
		if (!rc)
			rc = regf(d->codes, rel, "roles", p, "anonymous", json_string_value(code),
			          json_is_true(anon) ? "true" : "false");
		if (!rc)
			rc = oset(d->role_idx, json_string_value(code), json_incref(r));
	}
	for (const char *const *c = contract_roles; !rc && *c; c++)
		if (!json_object_get(d->role_idx, *c))
			rc = vfail(&v, "roles", "role \"%s\" is missing", *c);
	if (!rc)
		d->roles = json_incref(list);
	json_decref(root);
	json_decref(seen);
	vctx_done(&v);
	return rc;
}

static int check_question(struct vctx *v, const char *p, const json_t *qn, json_t *seen,
                          json_t *codes, const char *rel)
{
	static const char *const keys[] = {"id",     "question",    "options",
	                                   "answer", "explanation", NULL};
	static const char *const okeys[] = {"id", "text", NULL};
	char op[CONTENT_MAX_PATH_LEN], xp[CONTENT_MAX_PATH_LEN], qb[QBUF];
	json_t *id, *x, *opts, *o, *oid, *answer, *oseen = json_object();
	size_t i;
	bool found = false;
	int rc = oseen ? 0 : -ENOMEM;

	if (!rc)
		rc = check_object(v, p, qn);
	if (!rc)
		rc = check_keys(v, qn, p, keys);
	if (!rc)
		rc = field(v, qn, p, "id", K_CODE, true, &id);
	if (!rc) {
		pkey(xp, p, "id");
		rc = check_unique(v, seen, xp, json_string_value(id));
	}
	if (!rc)
		rc = field(v, qn, p, "question", K_TEXT, true, &x);
	if (!rc) {
		pkey(op, p, "options");
		opts = json_object_get(qn, "options");
		rc = opts ? check_list(v, op, opts, QUIZ_MIN_OPTIONS, QUIZ_MAX_OPTIONS)
		          : vfail(v, op, "missing");
	}
	if (!rc)
		rc = field(v, qn, p, "answer", K_CODE, true, &answer);
	if (!rc)
		rc = field(v, qn, p, "explanation", K_TEXT, true, &x);
	if (!rc)
		rc = regf(codes, rel, "questions", p, "question", json_string_value(id), NULL);
	if (rc)
		goto out;
	json_array_foreach(opts, i, o)
	{
		pidx(xp, op, i);
		rc = check_object(v, xp, o);
		if (!rc)
			rc = check_keys(v, o, xp, okeys);
		if (!rc)
			rc = field(v, o, xp, "id", K_CODE, true, &oid);
		if (!rc) {
			char ip[CONTENT_MAX_PATH_LEN];
			pkey(ip, xp, "id");
			rc = check_unique(v, oseen, ip, json_string_value(oid));
		}
		if (!rc)
			rc = field(v, o, xp, "text", K_TEXT, true, &x);
		if (!rc) {
			char key[2 * CONTENT_MAX_CODE_LEN + 2];
			snprintf(key, sizeof(key), "%s/%s", json_string_value(id),
			         json_string_value(oid));
			rc = regf(codes, rel, op, xp, "option", key, NULL);
		}
		if (rc)
			goto out;
		if (json_equal(oid, answer))
			found = true;
	}
	if (!found) {
		rc = vfail(v, p, "answer %s is not one of the options",
		           q(json_string_value(answer), qb, sizeof(qb)));
		goto out;
	}
	/* The answer must be the same in every language, or the English quiz
	 * would mark other answers right than the Dutch one. */
	rc = regf(codes, rel, "questions", p, "answer", json_string_value(id),
	          json_string_value(answer));
out:
	json_decref(oseen);
	return rc;
}

static int load_quiz(struct loader *L, struct lang_data *d, const char *lang)
{
	const char *rel = "quiz.json";
	char p[CONTENT_MAX_PATH_LEN];
	struct vctx v = {0};
	json_t *root = NULL, *list = NULL, *seen = json_object(), *qn;
	size_t i;
	int rc = seen ? 0 : -ENOMEM;

	if (!rc)
		rc = load_list(L, &v, lang, rel, "questions", 1, QUIZ_MAX_QUESTIONS, &root, &list);
	if (!rc && json_array_size(list) < QUIZ_MIN_QUESTIONS)
		rc = vfail(&v, "questions", "%zu questions; the quiz needs at least %u",
		           json_array_size(list), QUIZ_MIN_QUESTIONS);
	json_array_foreach(list, i, qn)
	{
		if (rc)
			break;
		pidx(p, "questions", i);
		rc = check_question(&v, p, qn, seen, d->codes, rel);
	}
	if (!rc)
		d->quiz = json_incref(list);
	json_decref(root);
	json_decref(seen);
	vctx_done(&v);
	return rc;
}

/* An object with exactly the keys in keys, each a text. */
static int check_text_map(struct vctx *v, const json_t *obj, const char *key,
                          const char *const *keys)
{
	json_t *m, *t;
	char p[CONTENT_MAX_PATH_LEN];
	int rc = field(v, obj, "", key, K_OBJECT, true, &m);
	if (!rc)
		rc = check_keys(v, m, key, keys);
	for (; !rc && *keys; keys++) {
		pkey(p, key, *keys);
		t = json_object_get(m, *keys);
		rc = t ? check_text(v, p, t, CONTENT_MAX_TEXT_BYTES) : vfail(v, p, "missing");
	}
	return rc;
}

static int load_wegwijzer(struct loader *L, struct lang_data *d, const char *lang)
{
	static const char *const top[] = {"why_form", "why_anonymous", "notes", NULL};
	static const char *const anon[] = {"yes", "possible", NULL};
	static const char *const notes[] = {"anonymous", "emergency", NULL};
	char file[32];
	struct vctx v = {0};
	json_t *root = NULL;
	int rc;

	snprintf(file, sizeof(file), "%s/wegwijzer.json", lang);
	rc = read_json(L, &v, file, &root);
	if (!rc)
		rc = check_keys(&v, root, "", top);
	if (!rc)
		rc = check_text_map(&v, root, "why_form", contract_forms);
	if (!rc)
		rc = check_text_map(&v, root, "why_anonymous", anon);
	if (!rc)
		rc = check_text_map(&v, root, "notes", notes);
	if (!rc)
		d->wegwijzer = json_incref(root);
	json_decref(root);
	vctx_done(&v);
	return rc;
}

static int cross_check(struct loader *L)
{
	const json_t *nl = L->c->lang[LANG_NL].codes, *en = L->c->lang[LANG_EN].codes;
	const char *key;
	json_t *rec;
	struct vctx v = {L->err, NULL};
	char rel[64];
	int rc = 0;

	json_object_foreach((json_t *)en, key, rec)
	{
		if (json_object_get(nl, key))
			continue;
		snprintf(rel, sizeof(rel), "en/%s",
		         json_string_value(json_object_get(rec, "file")));
		v.file = join(L->dir, rel);
		rc = v.file ? vfail(&v, json_string_value(json_object_get(rec, "path")),
		                    "%s is not in %s/nl/%s",
		                    json_string_value(json_object_get(rec, "desc")), L->dir,
		                    json_string_value(json_object_get(rec, "file")))
		            : -ENOMEM;
		goto out;
	}
	json_object_foreach((json_t *)nl, key, rec)
	{
		if (json_object_get(en, key))
			continue;
		snprintf(rel, sizeof(rel), "en/%s",
		         json_string_value(json_object_get(rec, "file")));
		v.file = join(L->dir, rel);
		rc = v.file ? vfail(&v, json_string_value(json_object_get(rec, "list")),
		                    "%s is missing (%s/nl/%s has it at %s)",
		                    json_string_value(json_object_get(rec, "desc")), L->dir,
		                    json_string_value(json_object_get(rec, "file")),
		                    json_string_value(json_object_get(rec, "path")))
		            : -ENOMEM;
		goto out;
	}
out:
	vctx_done(&v);
	return rc;
}

/* --- rules.json ------------------------------------------------------ */

static int load_rules(struct loader *L)
{
	static const char *const top[] = {"rules", NULL};
	static const char *const keys[] = {"form", "signals", NULL};
	char p[CONTENT_MAX_PATH_LEN], sp[CONTENT_MAX_PATH_LEN], ip[CONTENT_MAX_PATH_LEN], qb[QBUF];
	struct vctx v = {0};
	json_t *root = NULL, *list = NULL, *seen = json_object(), *r, *form = NULL, *sigs = NULL,
	       *s;
	size_t i, k;
	int rc = seen ? 0 : -ENOMEM;

	if (!rc)
		rc = read_json(L, &v, "rules.json", &root);
	if (!rc)
		rc = check_keys(&v, root, "", top);
	if (!rc) {
		list = json_object_get(root, "rules");
		rc = list ? check_list(&v, "rules", list, 1, CONTENT_MAX_LIST_ITEMS)
		          : vfail(&v, "rules", "missing");
	}
	json_array_foreach(list, i, r)
	{
		if (rc)
			break;
		pidx(p, "rules", i);
		sigs = NULL;
		rc = check_object(&v, p, r);
		if (!rc)
			rc = check_keys(&v, r, p, keys);
		if (!rc)
			rc = field(&v, r, p, "form", K_CODE, true, &form);
		pkey(sp, p, "form");
		if (!rc && !in_list(contract_forms, json_string_value(form)))
			rc = vfail(&v, sp, "unknown form %s",
			           q(json_string_value(form), qb, sizeof(qb)));
		if (!rc)
			rc = check_unique(&v, seen, sp, json_string_value(form));
		if (!rc) {
			pkey(sp, p, "signals");
			sigs = json_object_get(r, "signals");
			rc = sigs ? check_list(&v, sp, sigs, 1, CONTENT_MAX_LIST_ITEMS)
			          : vfail(&v, sp, "missing");
		}
		json_t *sseen = rc ? NULL : json_object();
		if (!rc && !sseen)
			rc = -ENOMEM;
		json_array_foreach(sigs, k, s)
		{
			if (rc)
				break;
			pidx(ip, sp, k);
			rc = check_code(&v, ip, s, true);
			if (!rc && !json_object_get(L->c->signal_set, json_string_value(s)))
				rc = vfail(&v, ip, "unknown signal %s",
				           q(json_string_value(s), qb, sizeof(qb)));
			if (!rc)
				rc = check_unique(&v, sseen, ip, json_string_value(s));
		}
		json_decref(sseen);
	}
	for (const char *const *c = contract_forms; !rc && *c; c++)
		if (!json_object_get(seen, *c))
			rc = vfail(&v, "rules", "no rule for form \"%s\"", *c);
	if (!rc)
		L->c->rules = json_incref(list);
	json_decref(root);
	json_decref(seen);
	vctx_done(&v);
	return rc;
}

/* --- Regions and channels -------------------------------------------- */

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

/* tel: must dial from a Dutch phone: ordinary numbers in E.164 (+31 and no
 * leading 0); service numbers (0800, 090x) and short numbers (112, 14 0xx)
 * cannot be dialled as +31, so they stay as they are. */
static int check_phone(struct vctx *v, const char *p, const json_t *ph)
{
	static const char *const keys[] = {"display", "tel", "hours", "label", NULL};
	char digits[24], want[32], qb[QBUF], qb2[QBUF], dp[CONTENT_MAX_PATH_LEN];
	json_t *display, *tel, *x;
	int rc = check_object(v, p, ph);
	if (!rc)
		rc = check_keys(v, ph, p, keys);
	if (!rc)
		rc = field(v, ph, p, "display", K_STRING, true, &display);
	if (!rc)
		rc = field(v, ph, p, "tel", K_STRING, true, &tel);
	if (!rc)
		rc = field(v, ph, p, "hours", K_TEXT, false, &x);
	if (!rc)
		rc = field(v, ph, p, "label", K_I18N, false, &x);
	if (rc)
		return rc;
	pkey(dp, p, "display");
	const char *d = json_string_value(display);
	if (!phone_digits(d, digits, sizeof(digits)))
		return vfail(v, dp, "%s must be digits in groups, like \"020 626 3800\"",
		             q(d, qb, sizeof(qb)));
	size_t n = strlen(digits);
	bool service = str_starts(digits, "0800") || str_starts(digits, "090");
	if (service || (n >= 3 && n <= 5))
		snprintf(want, sizeof(want), "tel:%s", digits);
	else if (n == 10 && digits[0] == '0')
		snprintf(want, sizeof(want), "tel:+31%s", digits + 1);
	else
		return vfail(
		    v, dp,
		    "%s is not a Dutch phone number (10 digits from 0, a 0800 or 090x number, or a short number like 112)",
		    q(d, qb, sizeof(qb)));
	if (!str_eq(json_string_value(tel), want)) {
		pkey(dp, p, "tel");
		return vfail(v, dp, "%s must be \"%s\" for %s",
		             q(json_string_value(tel), qb, sizeof(qb)), want,
		             q(d, qb2, sizeof(qb2)));
	}
	return 0;
}

static bool host_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
}

static int check_web(struct vctx *v, const char *p, const json_t *x)
{
	char qb[QBUF];
	if (!json_is_string(x))
		return vfail(v, p, "must be a text");
	const char *s = json_string_value(x);
	if (!str_starts(s, "https://"))
		return vfail(v, p, "%s must start with https://", q(s, qb, sizeof(qb)));
	if (strlen(s) > CONTENT_MAX_URL_LEN)
		return vfail(v, p, "longer than %u bytes", CONTENT_MAX_URL_LEN);
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
	return ok ? 0 : vfail(v, p, "%s is not a valid web address", q(s, qb, sizeof(qb)));
}

static int check_email(struct vctx *v, const char *p, const json_t *x)
{
	char qb[QBUF];
	if (!json_is_string(x))
		return vfail(v, p, "must be a text");
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
	return ok ? 0 : vfail(v, p, "%s is not a valid email address", q(s, qb, sizeof(qb)));
}

static int check_channel(struct vctx *v, const char *p, const json_t *ch, json_t *seen)
{
	static const char *const keys[] = {"id",    "name",  "purpose", "on_call",   "phones",
	                                   "email", "web",   "chat",    "anonymous", "emergency",
	                                   "roles", "forms", NULL};
	static const char *const anon_values[] = {"yes", "no", "possible", NULL};
	char xp[CONTENT_MAX_PATH_LEN], ip[CONTENT_MAX_PATH_LEN], qb[QBUF];
	json_t *id, *x, *phones = NULL, *anon, *emergency, *roles = NULL, *forms = NULL,
	                *fseen = NULL;
	const char *key;
	size_t i;
	int rc = check_object(v, p, ch);

	if (!rc)
		rc = check_keys(v, ch, p, keys);
	if (!rc)
		rc = field(v, ch, p, "id", K_CODE, true, &id);
	if (!rc) {
		pkey(xp, p, "id");
		rc = check_unique(v, seen, xp, json_string_value(id));
	}
	if (!rc)
		rc = field(v, ch, p, "name", K_I18N, true, &x);
	if (!rc)
		rc = field(v, ch, p, "purpose", K_I18N, true, &x);
	if (!rc)
		rc = field(v, ch, p, "on_call", K_I18N, true, &x);
	if (!rc) {
		pkey(xp, p, "phones");
		phones = json_object_get(ch, "phones");
		if (phones)
			rc = check_list(v, xp, phones, 1, CHANNEL_MAX_PHONES);
	}
	json_array_foreach(phones, i, x)
	{
		if (rc)
			break;
		pidx(ip, xp, i);
		rc = check_phone(v, ip, x);
	}
	if (!rc && (x = json_object_get(ch, "email"))) {
		pkey(xp, p, "email");
		rc = check_email(v, xp, x);
	}
	if (!rc && (x = json_object_get(ch, "web"))) {
		pkey(xp, p, "web");
		rc = check_web(v, xp, x);
	}
	if (!rc)
		rc = field(v, ch, p, "chat", K_BOOL, false, &x);
	if (!rc)
		rc = field(v, ch, p, "anonymous", K_STRING, true, &anon);
	if (!rc && !in_list(anon_values, json_string_value(anon))) {
		pkey(xp, p, "anonymous");
		rc = vfail(v, xp, "must be \"yes\", \"no\" or \"possible\"");
	}
	if (!rc)
		rc = field(v, ch, p, "emergency", K_BOOL, false, &emergency);
	if (!rc && json_is_true(emergency) && !phones)
		rc = vfail(v, p, "an emergency channel needs a phone number");
	if (!rc)
		rc = field(v, ch, p, "roles", K_OBJECT, true, &roles);
	if (!rc && json_object_size(roles) == 0) {
		pkey(xp, p, "roles");
		rc = vfail(v, xp, "empty; name at least one role");
	}
	pkey(xp, p, "roles");
	json_object_foreach(roles, key, x)
	{
		if (rc)
			break;
		if (!in_list(contract_roles, key)) {
			rc = vfail(v, xp, "unknown role %s", q(key, qb, sizeof(qb)));
			break;
		}
		pkey(ip, xp, key);
		json_int_t rank = json_is_integer(x) ? json_integer_value(x) : 0;
		if (rank < 1 || rank > (json_int_t)CHANNEL_MAX_RANK)
			rc = vfail(v, ip, "must be a whole number from 1 to %u", CHANNEL_MAX_RANK);
	}
	if (!rc) {
		pkey(xp, p, "forms");
		forms = json_object_get(ch, "forms");
		if (forms) {
			rc = check_list(v, xp, forms, 1, CONTENT_MAX_LIST_ITEMS);
			fseen = rc ? NULL : json_object();
			if (!rc && !fseen)
				rc = -ENOMEM;
		}
	}
	json_array_foreach(forms, i, x)
	{
		if (rc || !forms)
			break;
		pidx(ip, xp, i);
		rc = check_code(v, ip, x, false);
		if (!rc && !in_list(contract_forms, json_string_value(x)))
			rc = vfail(v, ip, "unknown form %s",
			           q(json_string_value(x), qb, sizeof(qb)));
		if (!rc)
			rc = check_unique(v, fseen, ip, json_string_value(x));
	}
	json_decref(fseen);
	return rc;
}

static int check_region(struct vctx *v, const json_t *root, const char *id)
{
	static const char *const keys[] = {"id", "name", "channels", NULL};
	char p[CONTENT_MAX_PATH_LEN], qb[QBUF];
	json_t *x, *chans = NULL, *ch, *seen = json_object();
	size_t i;
	int rc = seen ? 0 : -ENOMEM;

	if (!rc)
		rc = check_keys(v, root, "", keys);
	if (!rc)
		rc = field(v, root, "", "id", K_CODE, true, &x);
	if (!rc && !str_eq(json_string_value(x), id))
		rc = vfail(v, "id", "%s differs from the file name (\"%s\")",
		           q(json_string_value(x), qb, sizeof(qb)), id);
	if (!rc)
		rc = field(v, root, "", "name", K_I18N, true, &x);
	if (!rc) {
		chans = json_object_get(root, "channels");
		/* A region may have no channels of its own and use the national ones. */
		rc = chans ? check_list(v, "channels", chans, 0, CONTENT_MAX_LIST_ITEMS)
		           : vfail(v, "channels", "missing");
	}
	json_array_foreach(chans, i, ch)
	{
		if (rc)
			break;
		pidx(p, "channels", i);
		rc = check_channel(v, p, ch, seen);
	}
	json_decref(seen);
	return rc;
}

/* The wegwijzer must always have something to offer: 112 for danger, and
 * for every role a national channel that does not depend on the form. */
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
		return vfail(v, "channels", "no emergency channel (112)");
	for (const char *const *r = contract_roles; *r; r++) {
		bool found = false;
		json_array_foreach(chans, i, ch)
		{
			if (json_is_true(json_object_get(ch, "emergency")) ||
			    json_object_get(ch, "forms"))
				continue;
			if (json_object_get(json_object_get(ch, "roles"), *r))
				found = true;
		}
		if (!found)
			return vfail(
			    v, "channels",
			    "no channel for role \"%s\" that fits every form; the wegwijzer would have nothing to offer",
			    *r);
	}
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
			if (oset(o, key, resolve(val, lang))) {
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
			if (aadd(a, resolve(val, lang))) {
				json_decref(a);
				return NULL;
			}
		}
		return a;
	}
	return json_incref((json_t *)x);
}

static int add_channels(json_t *merged, const json_t *region, const char *lang)
{
	json_t *ch, *have;
	size_t i, k;
	json_array_foreach(json_object_get(region, "channels"), i, ch)
	{
		json_t *r = resolve(ch, lang);
		if (!r || oset(r, "region", json_incref(json_object_get(region, "id")))) {
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
		if (!replaced && aadd(merged, r))
			return -ENOMEM;
	}
	return 0;
}

static int build_regions(struct loader *L)
{
	const json_t *nl = json_object_get(L->raw_regions, "nl");
	const char *id;
	json_t *raw;
	int rc = 0;

	for (int li = 0; li < LANG_COUNT && !rc; li++) {
		json_object_foreach(L->raw_regions, id, raw)
		{
			json_t *merged = json_array(), *reg_out;
			rc = merged ? add_channels(merged, nl, lang_codes[li]) : -ENOMEM;
			if (!rc && raw != nl)
				rc = add_channels(merged, raw, lang_codes[li]);
			if (rc) {
				json_decref(merged);
				break;
			}
			reg_out = json_pack("{s:s, s:o, s:o}", "id", id, "name",
			                    resolve(json_object_get(raw, "name"), lang_codes[li]),
			                    "channels", merged);
			rc = oset(L->c->lang[li].regions, id, reg_out);
			if (rc)
				break;
		}
	}
	return rc;
}

static int load_regions(struct loader *L)
{
	char **names = NULL, rel[CONTENT_MAX_CODE_LEN + 32];
	size_t n = 0;
	struct vctx v = {0};
	json_t *root = NULL;
	int rc = list_json(L, "regions", &names, &n);

	for (size_t i = 0; !rc && i < n; i++) {
		char id[CONTENT_MAX_CODE_LEN + 1];
		size_t len = strlen(names[i]) - strlen(".json");
		snprintf(rel, sizeof(rel), "regions/%.*s", CONTENT_MAX_CODE_LEN + 8, names[i]);
		snprintf(id, sizeof(id), "%.*s", (int)(len < sizeof(id) ? len : sizeof(id) - 1),
		         names[i]);
		rc = read_json(L, &v, rel, &root);
		if (!rc && (len > ID_MAX_LEN || !str_is_id(id, ID_MAX_LEN)))
			rc = vfail(&v, NULL,
			           "the file name must be <id>.json, id of a-z, 0-9, _ and -");
		if (!rc)
			rc = check_region(&v, root, id);
		if (!rc)
			rc = oset(L->raw_regions, id, json_incref(root));
		json_decref(root);
		root = NULL;
	}
	if (!rc && !json_object_get(L->raw_regions, "nl")) {
		vctx_done(&v);
		v.err = L->err;
		v.file = join(L->dir, "regions/nl.json");
		rc = v.file ? vfail(&v, NULL, "file is missing (it holds the national channels)")
		            : -ENOMEM;
	}
	if (!rc) {
		vctx_done(&v);
		v.err = L->err;
		v.file = join(L->dir, "regions/nl.json");
		rc = v.file ? check_national(&v, json_object_get(L->raw_regions, "nl")) : -ENOMEM;
	}
	if (!rc)
		rc = build_regions(L);
	free_names(names, n);
	vctx_done(&v);
	return rc;
}

/* --- Organisation profiles ------------------------------------------- */

static int load_orgs(struct loader *L)
{
	static const char *const keys[] = {"id", "name", "region", "districts", NULL};
	char **names = NULL, rel[CONTENT_MAX_CODE_LEN + 32], p[CONTENT_MAX_PATH_LEN], qb[QBUF];
	size_t n = 0, k;
	struct vctx v = {0};
	json_t *root = NULL, *x, *districts, *dseen = NULL;
	int rc = list_json(L, "orgs", &names, &n);

	for (size_t i = 0; !rc && i < n; i++) {
		char id[CONTENT_MAX_CODE_LEN + 1];
		size_t len = strlen(names[i]) - strlen(".json");
		districts = NULL;
		snprintf(rel, sizeof(rel), "orgs/%.*s", CONTENT_MAX_CODE_LEN + 8, names[i]);
		snprintf(id, sizeof(id), "%.*s", (int)(len < sizeof(id) ? len : sizeof(id) - 1),
		         names[i]);
		rc = read_json(L, &v, rel, &root);
		if (!rc && (len > ID_MAX_LEN || !str_is_id(id, ID_MAX_LEN)))
			rc = vfail(&v, NULL,
			           "the file name must be <id>.json, id of a-z, 0-9, _ and -");
		if (!rc)
			rc = check_keys(&v, root, "", keys);
		if (!rc)
			rc = field(&v, root, "", "id", K_CODE, true, &x);
		if (!rc && !str_eq(json_string_value(x), id))
			rc = vfail(&v, "id", "%s differs from the file name (\"%s\")",
			           q(json_string_value(x), qb, sizeof(qb)), id);
		if (!rc && (x = json_object_get(root, "name")))
			rc = check_text(&v, "name", x, NAME_MAX_LEN);
		else if (!rc)
			rc = vfail(&v, "name", "missing");
		if (!rc)
			rc = field(&v, root, "", "region", K_CODE, true, &x);
		if (!rc && !json_object_get(L->raw_regions, json_string_value(x)))
			rc = vfail(&v, "region", "unknown region %s",
			           q(json_string_value(x), qb, sizeof(qb)));
		if (!rc) {
			districts = json_object_get(root, "districts");
			rc = districts
			         ? check_list(&v, "districts", districts, 0, CONTENT_MAX_LIST_ITEMS)
			         : vfail(&v, "districts", "missing");
		}
		if (!rc) {
			dseen = json_object();
			rc = dseen ? 0 : -ENOMEM;
		}
		json_array_foreach(districts, k, x)
		{
			pidx(p, "districts", k);
			rc = check_text(&v, p, x, NAME_MAX_LEN);
			if (!rc && json_object_get(dseen, json_string_value(x)))
				rc = vfail(&v, p, "duplicate district %s",
				           q(json_string_value(x), qb, sizeof(qb)));
			if (!rc)
				rc = oset(dseen, json_string_value(x), json_true());
			if (rc)
				break;
		}
		if (!rc)
			rc = oset(L->c->orgs, id, json_incref(root));
		json_decref(dseen);
		dseen = NULL;
		json_decref(root);
		root = NULL;
	}
	free_names(names, n);
	vctx_done(&v);
	return rc;
}

/* --- Public API ------------------------------------------------------ */

static void lang_free(struct lang_data *d)
{
	json_decref(d->forms);
	json_decref(d->form_idx);
	json_decref(d->signals);
	json_decref(d->risk);
	json_decref(d->roles);
	json_decref(d->role_idx);
	json_decref(d->quiz);
	json_decref(d->wegwijzer);
	json_decref(d->regions);
	json_decref(d->codes);
}

void content_free(struct content *c)
{
	if (!c)
		return;
	for (int i = 0; i < LANG_COUNT; i++)
		lang_free(&c->lang[i]);
	json_decref(c->signal_set);
	json_decref(c->rules);
	json_decref(c->orgs);
	free(c);
}

static int load_all(struct loader *L)
{
	struct content *c = L->c;
	int rc = 0;
	for (int i = 0; i < LANG_COUNT && !rc; i++) {
		struct lang_data *d = &c->lang[i];
		const char *lang = lang_codes[i];
		d->form_idx = json_object();
		d->signals = json_array();
		d->role_idx = json_object();
		d->regions = json_object();
		d->codes = json_object();
		if (!d->form_idx || !d->signals || !d->role_idx || !d->regions || !d->codes)
			return -ENOMEM;
		rc = load_forms(L, d, lang);
		if (!rc)
			rc = load_risk(L, d, lang);
		if (!rc)
			rc = load_roles(L, d, lang);
		if (!rc)
			rc = load_quiz(L, d, lang);
		if (!rc)
			rc = load_wegwijzer(L, d, lang);
	}
	if (!rc)
		rc = cross_check(L);
	if (rc)
		return rc;
	for (int i = 0; i < LANG_COUNT; i++) {
		json_decref(c->lang[i].codes);
		c->lang[i].codes = NULL;
	}
	c->signal_set = json_object();
	if (!c->signal_set)
		return -ENOMEM;
	json_t *s;
	size_t i;
	json_array_foreach(c->lang[LANG_NL].signals, i, s)
	{
		rc =
		    oset(c->signal_set, json_string_value(json_object_get(s, "code")), json_true());
		if (rc)
			return rc;
	}
	rc = load_rules(L);
	if (!rc)
		rc = load_regions(L);
	if (!rc)
		rc = load_orgs(L);
	return rc;
}

int content_load(const char *dir, struct content **out, struct buf *err)
{
	struct loader L = {NULL, err, NULL, NULL};
	int rc = 0;

	if (out)
		*out = NULL;
	if (err)
		buf_reset(err);
	if (!dir || !out)
		return -EINVAL;
	L.dir = strdup(dir);
	L.c = calloc(1, sizeof(*L.c));
	L.raw_regions = json_object();
	if (!L.dir || !L.c || !L.raw_regions) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t n = strlen(L.dir); n > 1 && L.dir[n - 1] == '/'; n--)
		L.dir[n - 1] = '\0';
	L.c->orgs = json_object();
	if (!L.c->orgs) {
		rc = -ENOMEM;
		goto out;
	}
	rc = load_all(&L);
	if (rc)
		goto out;
	*out = L.c;
	L.c = NULL;
out:
	if (rc == -ENOMEM && err && !err->len)
		buf_puts(err, "content: out of memory");
	content_free(L.c);
	json_decref(L.raw_regions);
	free(L.dir);
	return rc;
}

static const struct lang_data *ld(const struct content *c, const char *lang)
{
	return &c->lang[lang && strcmp(lang, "en") == 0 ? LANG_EN : LANG_NL];
}

const json_t *content_forms(const struct content *c, const char *lang)
{
	return c ? ld(c, lang)->forms : NULL;
}

const json_t *content_form(const struct content *c, const char *lang, const char *code)
{
	return c && code ? json_object_get(ld(c, lang)->form_idx, code) : NULL;
}

const json_t *content_signals(const struct content *c, const char *lang)
{
	return c ? ld(c, lang)->signals : NULL;
}

bool content_is_signal(const struct content *c, const char *code)
{
	return c && code && json_object_get(c->signal_set, code);
}

const json_t *content_risk_factors(const struct content *c, const char *lang)
{
	return c ? ld(c, lang)->risk : NULL;
}

const json_t *content_roles(const struct content *c, const char *lang)
{
	return c ? ld(c, lang)->roles : NULL;
}

const json_t *content_role(const struct content *c, const char *lang, const char *code)
{
	return c && code ? json_object_get(ld(c, lang)->role_idx, code) : NULL;
}

const json_t *content_quiz(const struct content *c, const char *lang)
{
	return c ? ld(c, lang)->quiz : NULL;
}

const json_t *content_region(const struct content *c, const char *lang, const char *region)
{
	return c && region ? json_object_get(ld(c, lang)->regions, region) : NULL;
}

const json_t *content_regions(const struct content *c, const char *lang)
{
	return c ? ld(c, lang)->regions : NULL;
}

const json_t *content_wegwijzer_texts(const struct content *c, const char *lang)
{
	return c ? ld(c, lang)->wegwijzer : NULL;
}

const json_t *content_rules(const struct content *c)
{
	return c ? c->rules : NULL;
}

const json_t *content_org_profile(const struct content *c, const char *org)
{
	return c && org ? json_object_get(c->orgs, org) : NULL;
}

bool content_is_form(const struct content *c, const char *code)
{
	return content_form(c, "nl", code) != NULL;
}

bool content_is_role(const struct content *c, const char *code)
{
	return content_role(c, "nl", code) != NULL;
}

bool content_is_region(const struct content *c, const char *region)
{
	return content_region(c, "nl", region) != NULL;
}
