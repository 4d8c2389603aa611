/* check: the validator the content files share, internal to content/.
 *
 * Owns: the one-line messages ("<file>: <key path>: <problem>"), the checks
 * of single values (texts, codes, lists, {"nl", "en"} texts), reading a
 * JSON file or a directory of them, and cv_entry(), which walks a
 * declarative table of an object's keys (struct cv_key). Each content file
 * describes its objects as such tables; what a table cannot say (a code
 * from a closed list, a reference to another file) is a hook on the key.
 *
 * Errors: 0, a negative errno, or CONTENT_INVALID after writing the
 * message to v->err. Validation stops at the first problem. */
#ifndef SIGNAAL_CONTENT_CHECK_H
#define SIGNAAL_CONTENT_CHECK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "content/content.h"
#include "limits.h"
#include "util/buf.h"

/* One file being validated: where messages go and the name they carry. */
struct vctx {
	struct buf *err;
	char *file; /* owned; "<dir>/<rel>" */
};

/* Writes "<file>: <path>: <problem>" to v->err (path may be NULL or "")
 * and returns CONTENT_INVALID. */
int cv_fail(struct vctx *v, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Frees v->file. */
void cv_done(struct vctx *v);

/* out (CONTENT_MAX_PATH_LEN bytes) = "base.key", or key when base is
 * empty; "base[i]". Paths are only for messages, so one cut to fit is
 * acceptable. */
void cv_key(char *out, const char *base, const char *key);
void cv_idx(char *out, const char *base, size_t i);
/* A user-visible quote of s in out: bounded, without control bytes. */
const char *cv_quote(const char *s, char *out, size_t outsz);

bool cv_in_list(const char *const *list, const char *s);
/* Sets o[k] or appends to a, taking val (NULL: -ENOMEM). 0 or -ENOMEM. */
int cv_oset(json_t *o, const char *k, json_t *val);
int cv_aadd(json_t *a, json_t *val);

/* Codes: 1-CONTENT_MAX_CODE_LEN of a-z, 0-9, _ and -; with dots, parts
 * joined by '.'. */
bool cv_code_ok(const char *s, bool dots);

/* Checks of one value x at key path p. */
int cv_text(struct vctx *v, const char *p, const json_t *x, size_t maxlen);
int cv_code(struct vctx *v, const char *p, const json_t *x, bool dots);
int cv_object(struct vctx *v, const char *p, const json_t *x);
int cv_i18n(struct vctx *v, const char *p, const json_t *x);
int cv_list(struct vctx *v, const char *p, const json_t *x, size_t min, size_t max);
/* Only keys of the NULL-terminated list allowed. */
int cv_keys(struct vctx *v, const json_t *obj, const char *path, const char *const *allowed);
/* Remembers in seen the first place a code was seen; a second one is an
 * error. */
int cv_unique(struct vctx *v, json_t *seen, const char *p, const char *code);

/* --- Declarative key tables ------------------------------------------ */

enum cv_kind {
	CV_TEXT,        /* a text of at most max bytes (0: CONTENT_MAX_TEXT_BYTES) */
	CV_CODE,        /* a code */
	CV_DOTTED_CODE, /* a code of parts joined by '.' */
	CV_STRING,      /* any string; the hook checks its form */
	CV_BOOL,        /* true or false */
	CV_OBJECT,      /* an object; the hook checks its keys */
	CV_I18N,        /* {"nl": text, "en": text} */
	CV_LIST,        /* a list of min..max entries; the hook checks them */
	CV_TEXTS,       /* a list of 1..CONTENT_MAX_LIST_ITEMS texts */
	CV_TEXT_MAP,    /* an object with exactly the keys of keys, each a text */
	CV_ANY,         /* anything; the hook checks it */
};

/* Where a hook is called: the object, its key path and the caller's ctx. */
struct cv_at {
	struct vctx *v;
	const char *path; /* the object's key path, e.g. "forms[2]" */
	const json_t *obj;
	void *ctx;
};

/* One key of an object. Tables end with a zeroed entry. */
struct cv_key {
	const char *name;
	enum cv_kind kind;
	bool required;
	size_t min, max;         /* see enum cv_kind */
	const char *const *keys; /* CV_TEXT_MAP */
	/* CV_LIST: each entry an object of these keys, walked with
	 * cv_entry() (the hook's ctx passed on) before the hook runs. */
	const struct cv_key *items;
	/* Called after the kind was checked, when the key is present, with
	 * its key path and value. */
	int (*check)(const struct cv_at *at, const char *kp, const json_t *x);
};

/* Checks that obj (at path; "" for a file's top level) is an object with
 * no key outside table, then each key of table in table order: missing
 * when required, its kind, its hook. The first problem ends the walk. */
int cv_entry(struct vctx *v, const json_t *obj, const char *path, const struct cv_key *table,
             void *ctx);

/* Each entry of the list x (at key path kp) through cv_entry() with
 * items and ctx; the first problem ends the walk. */
int cv_items(struct vctx *v, const char *kp, const json_t *x, const struct cv_key *items,
             void *ctx);

/* --- Files ----------------------------------------------------------- */

/* "dir/rel" (caller owns), NULL when out of memory. */
char *cv_join(const char *dir, const char *rel);
/* Reads dir/rel into *root (caller owns), an object. Sets v->file (and
 * v->err = err) for later messages. A missing file is a content problem,
 * not an I/O error. */
int cv_read_json(const char *dir, struct buf *err, struct vctx *v, const char *rel, json_t **root);
/* The *.json files of dir/sub in name order, so that loading is
 * repeatable; at most CONTENT_MAX_DIR_FILES. *names (caller owns,
 * cv_free_names()). */
int cv_list_json(const char *dir, struct buf *err, const char *sub, char ***names, size_t *count);
void cv_free_names(char **names, size_t n);

#endif
