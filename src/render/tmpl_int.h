/* tmpl_int.h: what the parts of render/tmpl share, and nobody else.
 *
 * A template compiles (tmpl_compile.c) to a flat array of ops; while
 * compiling, the HTML tokenizer (tmpl_lex.c) follows the static text so
 * that every {{..}} is judged by the context it sits in, once, at load.
 * tmpl.c loads sets of templates and links partials; tmpl_render.c only
 * walks ops: no parsing, no context logic, and no allocation beyond
 * growing the output buffer. The public interface is tmpl.h. */
#ifndef SIGNAAL_RENDER_TMPL_INT_H
#define SIGNAAL_RENDER_TMPL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render/tmpl.h"
#include "util/buf.h"

enum op_type {
	OP_TEXT,      /* src[a .. a+b) */
	OP_VAR,       /* escaped value of path pool+a (ncomp components, 0 = ".") */
	OP_TR,        /* translated msgid pool+a, escaped; pool+b: msgid escaped */
	OP_RAW,       /* fragment named pool+a */
	OP_SECTION,   /* path pool+a; body is ops (i, b) */
	OP_INVERTED,  /* same, rendered when the value is falsy */
	OP_PARTIAL,   /* template index b (name pool+a) */
	OP_URL_BEGIN, /* a URL attribute value starts in the output here */
	OP_URL_END,   /* ...and ends: check its scheme */
};

struct op {
	uint8_t type;
	uint8_t ncomp;
	uint32_t line;
	uint32_t a;
	uint32_t b;
};

struct tmpl {
	char *name;
	char *file; /* as reported in errors and to tmpl_set_each_msgid() */
	char *src;  /* owned copy of the source; OP_TEXT points into it */
	size_t src_len;
	char *pool; /* NUL-terminated names, path components and msgids */
	struct op *ops;
	size_t nops;
};

struct tmpl_set {
	struct tmpl *t; /* sorted by name, for bsearch */
	size_t n;
};

/* Compiles t->src (t->src_len bytes) into t->ops and t->pool. 0,
 * TMPL_INVALID (err holds "file:line: reason") or -ENOMEM. Partials are
 * only named here; tmpl.c resolves them once the whole set is known. */
int tmpl_compile(struct tmpl *t, struct buf *err);

/* True when s[0..n) is a non-empty [A-Za-z0-9_-]+ (template, partial and
 * fragment names). */
bool tmpl_valid_name(const char *s, size_t n);

/* The template called name in set, or NULL. Borrowed from set. */
struct tmpl *tmpl_find(const struct tmpl_set *set, const char *name);

#endif
