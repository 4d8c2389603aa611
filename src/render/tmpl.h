/* tmpl: strict, auto-escaping Mustache-like templates, compiled once at
 * start and rendered on every page view.
 *
 * Owns: a struct tmpl_set (the compiled templates of one directory); it is
 * immutable after loading, so any number of threads may render from it.
 *
 * Syntax (data is a jansson value):
 *   {{name}} {{a.b.c}} {{.}}   HTML-escaped value (string, integer, real;
 *                              null, bool, object, array and missing
 *                              render nothing)
 *   {{#name}}..{{/name}}       section: once per array element (element is
 *                              the context), once for true, a non-empty
 *                              string, a non-zero number or any object (the
 *                              value is the context); names not found in a
 *                              context are looked up in the outer ones
 *   {{^name}}..{{/name}}       inverted: when missing, null, false, "", 0
 *                              or []
 *   {{! comment}}              nothing
 *   {{> partial}}              another template of the set, same context
 *   {{_ Tekst}}                translatable text: the msgid is the text,
 *                              trimmed, inner whitespace runs as one space;
 *                              translated through tr, then escaped
 *   {{{name}}}                 raw HTML of the fragment called name from the
 *                              frags array (HTML the code built itself),
 *                              never JSON data
 *
 * HTML contexts, checked at compile time (a violation stops loading with
 * "file:line: reason"):
 * - values and translations only in text or in a quoted attribute value;
 *   never in tag or attribute names, unquoted values, HTML comments,
 *   <script>/<style> (and other raw-text elements), the attributes of a
 *   <script> tag, on* event handlers, style, srcdoc or srcset;
 * - a quoted href/src/action/formaction (and the other URL attributes) that
 *   holds a {{..}} is checked after rendering: a scheme other than http,
 *   https, mailto, tel turns the whole value into "#";
 * - {{{..}}} and {{> ..}} only in text;
 * - a section must end in the HTML context it began in; sections may wrap
 *   whole attributes (<input {{#on}}checked{{/on}}>) and must then be
 *   followed by a space, '/' or '>';
 * - no {{& }} and no delimiter changes; sections balanced; partials known;
 *   sections nest at most TMPL_MAX_DEPTH deep; template files valid UTF-8.
 *
 * Errors: 0 ok, negative errno fatal, positive enum tmpl_error. */
#ifndef SIGNAAL_RENDER_TMPL_H
#define SIGNAAL_RENDER_TMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

enum tmpl_error {
	TMPL_NOT_FOUND = 1, /* tmpl_render: no template of that name */
	TMPL_INVALID = 2,   /* load: a template does not compile (see err) */
	TMPL_NO_FRAG = 3,   /* tmpl_render: {{{x}}} but no fragment x given */
	TMPL_TOO_DEEP = 4,  /* tmpl_render: sections + partials beyond TMPL_MAX_DEPTH */
};

struct tmpl_set;

/* Raw HTML the calling code built itself (with html_escape()). */
struct tmpl_frag {
	const char *name;
	const char *html;
};

/* Returns the translation of msgid (borrowed, must outlive the render
 * call), or NULL for msgid itself. */
typedef const char *(*tmpl_tr_fn)(void *ctx, const char *msgid);

/* Compiles every dir/NAME.html (not recursive; dot files ignored), NAME
 * being [A-Za-z0-9_-]+. On success *out is a new set (caller owns, free
 * with tmpl_set_free()). On failure *out is NULL and err (may be NULL) gets
 * one line such as "templates/x.html:12: reason". Returns 0, TMPL_INVALID
 * (compile error, bad name, file over TMPL_MAX_FILE_BYTES, more than
 * TMPL_MAX_FILES), or -errno (cannot read dir or file, out of memory). */
int tmpl_set_load(const char *dir, struct tmpl_set **out, struct buf *err);

/* Same from n in-memory templates; errors name the file "NAME.html". */
int tmpl_set_from_strings(const char *const *names, const char *const *sources, size_t n,
                          struct tmpl_set **out, struct buf *err);

/* Accepts NULL. */
void tmpl_set_free(struct tmpl_set *set);

bool tmpl_exists(const struct tmpl_set *set, const char *name);

/* Appends the rendering of template name with data to out. tr may be NULL
 * (identity). Returns 0, -ENOMEM, TMPL_NOT_FOUND, TMPL_NO_FRAG or
 * TMPL_TOO_DEEP; on any error out is restored to its former length.
 * Thread-safe: the set is immutable after load. */
int tmpl_render(const struct tmpl_set *set, const char *name, const json_t *data,
                const struct tmpl_frag *frags, size_t nfrags, tmpl_tr_fn tr, void *tr_ctx,
                struct buf *out);

/* Calls fn for every {{_ msgid}} in the set, in file order, with the file
 * name as given to the loader and the line, for extraction into po/. */
void tmpl_set_each_msgid(const struct tmpl_set *set,
                         void (*fn)(void *ctx, const char *file, unsigned line, const char *msgid),
                         void *ctx);

#endif
