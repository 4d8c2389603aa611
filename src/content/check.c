/* check: the validator the content files share; see check.h. */
#include "content/check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content/content_int.h"
#include "util/file.h"
#include "util/log.h"
#include "util/str.h"

int cv_fail(struct vctx *v, const char *path, const char *fmt, ...)
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

void cv_done(struct vctx *v)
{
	free(v->file);
	v->file = NULL;
}

/* Paths are only for messages, so a path cut to fit is acceptable. */
void cv_key(char *out, const char *base, const char *key)
{
	int n;
	if (base && *base)
		n = snprintf(out, CONTENT_MAX_PATH_LEN, "%s.%s", base, key);
	else
		n = snprintf(out, CONTENT_MAX_PATH_LEN, "%s", key);
	if (n < 0)
		out[0] = '\0';
}

void cv_idx(char *out, const char *base, size_t i)
{
	int n = snprintf(out, CONTENT_MAX_PATH_LEN, "%s[%zu]", base, i);
	if (n < 0)
		out[0] = '\0';
}

/* A user-visible quote of a value: bounded, without control bytes. */
const char *cv_quote(const char *s, char *out, size_t outsz)
{
	return log_quote(s, out, outsz);
}

bool cv_in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (str_eq(*list, s))
			return true;
	return false;
}

int cv_oset(json_t *o, const char *k, json_t *val)
{
	if (!val)
		return -ENOMEM;
	return json_object_set_new(o, k, val) ? -ENOMEM : 0;
}

int cv_aadd(json_t *a, json_t *val)
{
	if (!val)
		return -ENOMEM;
	return json_array_append_new(a, val) ? -ENOMEM : 0;
}

bool cv_code_ok(const char *s, bool dots)
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

int cv_text(struct vctx *v, const char *p, const json_t *x, size_t maxlen)
{
	if (!json_is_string(x))
		return cv_fail(v, p, "must be a text");
	const char *s = json_string_value(x);
	size_t n = json_string_length(x);
	bool blank = true;
	for (size_t i = 0; i < n && blank; i++)
		if (s[i] != ' ' && s[i] != '\t')
			blank = false;
	if (blank)
		return cv_fail(v, p, "empty text");
	if (n > maxlen)
		return cv_fail(v, p, "longer than %zu bytes", maxlen);
	if (!str_utf8_valid(s, n))
		return cv_fail(v, p, "invalid UTF-8");
	if (!str_text_valid(s, n, false))
		return cv_fail(v, p, "contains a control character");
	return 0;
}

int cv_code(struct vctx *v, const char *p, const json_t *x, bool dots)
{
	char qb[CONTENT_MAX_SHOWN_VALUE];
	if (!json_is_string(x))
		return cv_fail(v, p, "must be a text");
	if (!cv_code_ok(json_string_value(x), dots))
		return cv_fail(v, p, "%s is not a valid code (1-%u of a-z, 0-9, _ and -%s)",
		               cv_quote(json_string_value(x), qb, sizeof(qb)), CONTENT_MAX_CODE_LEN,
		               dots ? ", parts joined by ." : "");
	return 0;
}

int cv_keys(struct vctx *v, const json_t *obj, const char *path, const char *const *allowed)
{
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)obj, key, val)
	{
		if (!cv_in_list(allowed, key)) {
			char p[CONTENT_MAX_PATH_LEN], qb[CONTENT_MAX_SHOWN_VALUE];
			/* A key with odd bytes is quoted so the message stays one line. */
			cv_key(p, path,
			       cv_code_ok(key, false) ? key : cv_quote(key, qb, sizeof(qb)));
			return cv_fail(v, p, "unknown key");
		}
	}
	return 0;
}

int cv_object(struct vctx *v, const char *p, const json_t *x)
{
	return json_is_object(x) ? 0 : cv_fail(v, p, "must be an object");
}

int cv_i18n(struct vctx *v, const char *p, const json_t *x)
{
	static const char *const keys[] = {"nl", "en", NULL};
	int rc = cv_object(v, p, x);
	if (!rc)
		rc = cv_keys(v, x, p, keys);
	for (int i = 0; !rc && i < LANG_COUNT; i++) {
		char lp[CONTENT_MAX_PATH_LEN];
		cv_key(lp, p, content_langs[i]);
		const json_t *t = json_object_get(x, content_langs[i]);
		rc = t ? cv_text(v, lp, t, CONTENT_MAX_TEXT_BYTES) : cv_fail(v, lp, "missing");
	}
	return rc;
}

int cv_list(struct vctx *v, const char *p, const json_t *x, size_t min, size_t max)
{
	if (!json_is_array(x))
		return cv_fail(v, p, "must be a list");
	size_t n = json_array_size(x);
	if (n < min)
		return n == 0 ? cv_fail(v, p, "empty list")
		              : cv_fail(v, p, "needs at least %zu entries", min);
	if (n > max)
		return cv_fail(v, p, "has more than %zu entries", max);
	return 0;
}

int cv_unique(struct vctx *v, json_t *seen, const char *p, const char *code)
{
	char qb[CONTENT_MAX_SHOWN_VALUE];
	const json_t *first = json_object_get(seen, code);
	if (first)
		return cv_fail(v, p, "duplicate code %s (also at %s)",
		               cv_quote(code, qb, sizeof(qb)), json_string_value(first));
	return cv_oset(seen, code, json_string(p));
}

static bool in_table(const struct cv_key *table, const char *key)
{
	for (; table->name; table++)
		if (str_eq(table->name, key))
			return true;
	return false;
}

int cv_items(struct vctx *v, const char *kp, const json_t *x, const struct cv_key *items, void *ctx)
{
	char ip[CONTENT_MAX_PATH_LEN];
	const json_t *t;
	size_t i;
	int rc = 0;
	json_array_foreach(x, i, t)
	{
		cv_idx(ip, kp, i);
		rc = cv_entry(v, t, ip, items, ctx);
		if (rc)
			break;
	}
	return rc;
}

/* Checks x against the kind of its key k (at key path kp). */
static int check_kind(struct vctx *v, const char *kp, const struct cv_key *k, const json_t *x)
{
	char ip[CONTENT_MAX_PATH_LEN];
	const json_t *t;
	size_t i;
	int rc;

	switch (k->kind) {
	case CV_TEXT:
		return cv_text(v, kp, x, k->max ? k->max : CONTENT_MAX_TEXT_BYTES);
	case CV_CODE:
		return cv_code(v, kp, x, false);
	case CV_DOTTED_CODE:
		return cv_code(v, kp, x, true);
	case CV_STRING:
		return json_is_string(x) ? 0 : cv_fail(v, kp, "must be a text");
	case CV_BOOL:
		return json_is_boolean(x) ? 0 : cv_fail(v, kp, "must be true or false");
	case CV_OBJECT:
		return cv_object(v, kp, x);
	case CV_I18N:
		return cv_i18n(v, kp, x);
	case CV_LIST:
		return cv_list(v, kp, x, k->min, k->max);
	case CV_TEXTS:
		rc = cv_list(v, kp, x, 1, CONTENT_MAX_LIST_ITEMS);
		json_array_foreach(x, i, t)
		{
			if (rc)
				break;
			cv_idx(ip, kp, i);
			rc = cv_text(v, ip, t, CONTENT_MAX_TEXT_BYTES);
		}
		return rc;
	case CV_TEXT_MAP:
		rc = cv_object(v, kp, x);
		if (!rc)
			rc = cv_keys(v, x, kp, k->keys);
		for (const char *const *key = k->keys; !rc && *key; key++) {
			cv_key(ip, kp, *key);
			t = json_object_get(x, *key);
			rc = t ? cv_text(v, ip, t, CONTENT_MAX_TEXT_BYTES)
			       : cv_fail(v, ip, "missing");
		}
		return rc;
	case CV_ANY:
		return 0;
	}
	return 0;
}

int cv_entry(struct vctx *v, const json_t *obj, const char *path, const struct cv_key *table,
             void *ctx)
{
	const struct cv_at at = {v, path, obj, ctx};
	char kp[CONTENT_MAX_PATH_LEN];
	const char *key;
	json_t *x;
	int rc = cv_object(v, path, obj);

	if (rc)
		return rc;
	json_object_foreach((json_t *)obj, key, x)
	{
		if (!in_table(table, key)) {
			char qb[CONTENT_MAX_SHOWN_VALUE];
			/* A key with odd bytes is quoted so the message stays one line. */
			cv_key(kp, path,
			       cv_code_ok(key, false) ? key : cv_quote(key, qb, sizeof(qb)));
			return cv_fail(v, kp, "unknown key");
		}
	}
	for (const struct cv_key *k = table; k->name; k++) {
		cv_key(kp, path, k->name);
		x = json_object_get(obj, k->name);
		if (!x) {
			if (k->required)
				return cv_fail(v, kp, "missing");
			continue;
		}
		rc = check_kind(v, kp, k, x);
		if (!rc && k->kind == CV_LIST && k->items)
			rc = cv_items(v, kp, x, k->items, ctx);
		if (!rc && k->check)
			rc = k->check(&at, kp, x);
		if (rc)
			return rc;
	}
	return 0;
}

char *cv_join(const char *dir, const char *rel)
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
int cv_read_json(const char *dir, struct buf *err, struct vctx *v, const char *rel, json_t **root)
{
	char *data = NULL;
	int rc = 0;
	size_t len = 0;
	json_error_t je;

	*root = NULL;
	cv_done(v);
	v->err = err;
	v->file = cv_join(dir, rel);
	if (!v->file)
		return -ENOMEM;
	rc = file_read(AT_FDCWD, v->file, 0, CONTENT_MAX_FILE_BYTES, &data, &len);
	if (rc == -ENOENT) {
		rc = cv_fail(v, NULL, "file is missing");
		goto out;
	}
	if (rc == FILE_NOT_REGULAR) {
		rc = cv_fail(v, NULL, "not a regular file");
		goto out;
	}
	if (rc == FILE_TOO_BIG) {
		rc = cv_fail(v, NULL, "larger than %u bytes", CONTENT_MAX_FILE_BYTES);
		goto out;
	}
	if (rc < 0) {
		cv_fail(v, NULL, "cannot read: %s", strerror(-rc));
		goto out;
	}
	*root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!*root) {
		rc = cv_fail(v, NULL, "line %d, column %d: invalid JSON: %s", je.line, je.column,
		             je.text);
		goto out;
	}
	if (!json_is_object(*root)) {
		json_decref(*root);
		*root = NULL;
		rc = cv_fail(v, NULL, "the top level must be an object");
	}
out:
	free(data);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void cv_free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The *.json files of dir/sub in name order, so that loading is repeatable.
 * *names (caller owns, cv_free_names()). */
int cv_list_json(const char *dir, struct buf *err, const char *sub, char ***names, size_t *count)
{
	struct vctx v = {err, NULL};
	char **list = NULL;
	size_t n = 0;
	DIR *d = NULL;
	int rc = 0;

	*names = NULL;
	*count = 0;
	v.file = cv_join(dir, sub);
	if (!v.file)
		return -ENOMEM;
	d = opendir(v.file);
	if (!d) {
		rc = -errno;
		if (rc == -ENOENT)
			rc = cv_fail(&v, NULL, "directory is missing");
		else
			cv_fail(&v, NULL, "cannot open: %s", strerror(-rc));
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
				cv_fail(&v, NULL, "cannot read: %s", strerror(-rc));
			}
			break;
		}
		/* Hidden files are editor leftovers, not content. */
		if (e->d_name[0] == '.' || !str_ends(e->d_name, ".json"))
			continue;
		if (n == CONTENT_MAX_DIR_FILES) {
			rc = cv_fail(&v, NULL, "more than %u files", CONTENT_MAX_DIR_FILES);
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
	cv_free_names(list, n);
	if (d)
		closedir(d);
	cv_done(&v);
	return rc;
}
