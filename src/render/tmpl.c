/* tmpl: sets of templates: loading a directory (or strings), linking
 * partials, lookup and msgid extraction. See tmpl.h for the syntax and the
 * rules; tmpl_compile.c compiles one template, tmpl_render.c renders. */
#include "render/tmpl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "render/tmpl_int.h"
#include "util/file.h"

static void tmpl_clear(struct tmpl *t)
{
	free(t->name);
	free(t->file);
	free(t->src);
	free(t->pool);
	free(t->ops);
}

void tmpl_set_free(struct tmpl_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		tmpl_clear(&set->t[i]);
	free(set->t);
	free(set);
}

static int cmp_tmpl(const void *a, const void *b)
{
	return strcmp(((const struct tmpl *)a)->name, ((const struct tmpl *)b)->name);
}

struct tmpl *tmpl_find(const struct tmpl_set *set, const char *name)
{
	if (!set || !name)
		return NULL;
	struct tmpl key = {.name = (char *)name};
	return bsearch(&key, set->t, set->n, sizeof *set->t, cmp_tmpl);
}

bool tmpl_exists(const struct tmpl_set *set, const char *name)
{
	return tmpl_find(set, name) != NULL;
}

/* Sorts, rejects duplicates and resolves partial names to indexes. */
static int link_set(struct tmpl_set *set, struct buf *err)
{
	qsort(set->t, set->n, sizeof *set->t, cmp_tmpl);
	for (size_t i = 1; i < set->n; i++) {
		if (strcmp(set->t[i - 1].name, set->t[i].name) == 0) {
			if (err) {
				buf_reset(err);
				(void)buf_printf(err, "%s:1: duplicate template name",
				                 set->t[i].file);
			}
			return TMPL_INVALID;
		}
	}
	for (size_t i = 0; i < set->n; i++) {
		struct tmpl *t = &set->t[i];
		for (size_t k = 0; k < t->nops; k++) {
			struct op *op = &t->ops[k];
			if (op->type != OP_PARTIAL)
				continue;
			struct tmpl *p = tmpl_find(set, t->pool + op->a);
			if (!p) {
				if (err) {
					buf_reset(err);
					(void)buf_printf(err, "%s:%u: unknown partial '%s'",
					                 t->file, op->line, t->pool + op->a);
				}
				return TMPL_INVALID;
			}
			op->b = (uint32_t)(p - set->t);
		}
	}
	return 0;
}

static struct tmpl_set *set_new(size_t n)
{
	struct tmpl_set *set = calloc(1, sizeof *set);
	if (!set)
		return NULL;
	set->t = calloc(n ? n : 1, sizeof *set->t);
	if (!set->t) {
		free(set);
		return NULL;
	}
	return set;
}

int tmpl_set_from_strings(const char *const *names, const char *const *sources, size_t n,
                          struct tmpl_set **out, struct buf *err)
{
	int rc = 0;
	*out = NULL;
	struct tmpl_set *set = NULL;
	if (n > TMPL_MAX_FILES) {
		if (err) {
			buf_reset(err);
			(void)buf_printf(err, "more than %u templates", TMPL_MAX_FILES);
		}
		rc = TMPL_INVALID;
		goto out;
	}
	set = set_new(n);
	if (!set) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct tmpl *t = &set->t[set->n++];
		size_t len = strlen(sources[i]);
		t->name = strdup(names[i]);
		t->src = malloc(len + 1);
		if (!t->name || !t->src || asprintf(&t->file, "%s.html", names[i]) < 0) {
			t->file = NULL;
			rc = -ENOMEM;
			goto out;
		}
		memcpy(t->src, sources[i], len + 1);
		t->src_len = len;
		if (!tmpl_valid_name(names[i], strlen(names[i]))) {
			if (err) {
				buf_reset(err);
				(void)buf_printf(err, "%s:1: template name must be [A-Za-z0-9_-]+",
				                 t->file);
			}
			rc = TMPL_INVALID;
			goto out;
		}
		if (len > TMPL_MAX_FILE_BYTES) {
			if (err) {
				buf_reset(err);
				(void)buf_printf(err, "%s:1: larger than %u bytes", t->file,
				                 TMPL_MAX_FILE_BYTES);
			}
			rc = TMPL_INVALID;
			goto out;
		}
		if ((rc = tmpl_compile(t, err)))
			goto out;
	}
	if ((rc = link_set(set, err)))
		goto out;
	*out = set;
	set = NULL;
out:
	tmpl_set_free(set);
	return rc;
}

/* Reads path into a new NUL-terminated buffer (caller owns *data). */
static int read_file(const char *path, char **data, size_t *len, struct buf *err)
{
	int rc = file_read(AT_FDCWD, path, 0, TMPL_MAX_FILE_BYTES, data, len);
	if (rc == 0 || !err)
		return rc < 0 ? rc : rc ? TMPL_INVALID : 0;
	buf_reset(err);
	if (rc == FILE_NOT_REGULAR)
		(void)buf_printf(err, "%s:1: not a regular file", path);
	else if (rc == FILE_TOO_BIG)
		(void)buf_printf(err, "%s:1: larger than %u bytes", path, TMPL_MAX_FILE_BYTES);
	else
		(void)buf_printf(err, "%s: %s", path, strerror(-rc));
	return rc < 0 ? rc : TMPL_INVALID;
}

int tmpl_set_load(const char *dir, struct tmpl_set **out, struct buf *err)
{
	int rc = 0;
	*out = NULL;
	struct tmpl_set *set = NULL;
	DIR *d = opendir(dir);
	if (!d) {
		rc = -errno;
		if (err) {
			buf_reset(err);
			(void)buf_printf(err, "%s: %s", dir, strerror(errno));
		}
		goto out;
	}
	set = set_new(TMPL_MAX_FILES);
	if (!set) {
		rc = -ENOMEM;
		goto out;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *fn = de->d_name;
		size_t fl = strlen(fn);
		if (fn[0] == '.' || fl <= 5 || strcmp(fn + fl - 5, ".html") != 0)
			continue;
		if (set->n == TMPL_MAX_FILES) {
			if (err) {
				buf_reset(err);
				(void)buf_printf(err, "%s: more than %u templates", dir,
				                 TMPL_MAX_FILES);
			}
			rc = TMPL_INVALID;
			goto out;
		}
		struct tmpl *t = &set->t[set->n++];
		t->name = strndup(fn, fl - 5);
		if (!t->name || asprintf(&t->file, "%s/%s", dir, fn) < 0) {
			t->file = NULL;
			rc = -ENOMEM;
			goto out;
		}
		if (!tmpl_valid_name(t->name, fl - 5)) {
			if (err) {
				buf_reset(err);
				(void)buf_printf(err, "%s:1: template name must be [A-Za-z0-9_-]+",
				                 t->file);
			}
			rc = TMPL_INVALID;
			goto out;
		}
	}
	/* Compile in name order so the first error reported is stable. */
	qsort(set->t, set->n, sizeof *set->t, cmp_tmpl);
	for (size_t i = 0; i < set->n; i++) {
		struct tmpl *t = &set->t[i];
		if ((rc = read_file(t->file, &t->src, &t->src_len, err)) ||
		    (rc = tmpl_compile(t, err)))
			goto out;
	}
	if ((rc = link_set(set, err)))
		goto out;
	*out = set;
	set = NULL;
out:
	if (d)
		closedir(d);
	tmpl_set_free(set);
	return rc;
}

void tmpl_set_each_msgid(const struct tmpl_set *set,
                         void (*fn)(void *ctx, const char *file, unsigned line, const char *msgid),
                         void *ctx)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++) {
		const struct tmpl *t = &set->t[i];
		for (size_t k = 0; k < t->nops; k++) {
			if (t->ops[k].type == OP_TR)
				fn(ctx, t->file, t->ops[k].line, t->pool + t->ops[k].a);
		}
	}
}
