/* tmpl_compile: compiles one template to its ops. See tmpl.h for the
 * syntax and the rules, tmpl_int.h for how the parts fit.
 *
 * The static text goes through the HTML tokenizer (tmpl_lex.c); each
 * {{..}} is judged by the context the tokenizer has reached, here, once,
 * so that rendering needs no context logic. */
#include "render/tmpl_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "render/html.h"
#include "render/tmpl_lex.h"
#include "util/str.h"

struct open_section {
	size_t name; /* source offset and length of the name, for {{/name}} */
	size_t name_len;
	unsigned line;
	size_t op;
	struct hctx h;
};

struct comp {
	const char *file;
	const char *src;
	size_t len;
	unsigned line;
	size_t text_start; /* static text not yet emitted as OP_TEXT */
	struct hctx h;
	struct op *ops;
	size_t nops, cap;
	struct buf pool;
	struct open_section stack[TMPL_MAX_DEPTH];
	size_t depth;
	struct buf *err;
};

static int comp_error(struct comp *c, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int comp_error(struct comp *c, unsigned line, const char *fmt, ...)
{
	if (c->err) {
		buf_reset(c->err);
		va_list ap;
		va_start(ap, fmt);
		if (buf_printf(c->err, "%s:%u: ", c->file, line) == 0)
			(void)buf_vprintf(c->err, fmt, ap);
		va_end(ap);
	}
	return TMPL_INVALID;
}

static int emit(struct comp *c, uint8_t type, uint32_t a, uint32_t b, uint8_t ncomp)
{
	if (c->nops == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		struct op *p = realloc(c->ops, cap * sizeof *p);
		if (!p)
			return -ENOMEM;
		c->ops = p;
		c->cap = cap;
	}
	c->ops[c->nops++] =
	    (struct op){.type = type, .ncomp = ncomp, .line = c->line, .a = a, .b = b};
	return 0;
}

/* Emits the pending static text up to source offset end. */
static int flush_text(struct comp *c, size_t end)
{
	if (end <= c->text_start)
		return 0;
	int rc = emit(c, OP_TEXT, (uint32_t)c->text_start, (uint32_t)(end - c->text_start), 0);
	c->text_start = end;
	return rc;
}

/* A URL value is checked only when a tag makes it dynamic, so the split
 * happens at the first tag: the static text before the value's start is
 * emitted, then the begin mark. */
static int url_begin(struct comp *c)
{
	int rc;
	if (c->h.kind != A_URL || c->h.url_open)
		return 0;
	if ((rc = flush_text(c, c->h.url_value)) || (rc = emit(c, OP_URL_BEGIN, 0, 0, 0)))
		return rc;
	c->h.url_open = true;
	return 0;
}

static int pool_add(struct comp *c, const char *s, size_t n, uint32_t *off)
{
	*off = (uint32_t)c->pool.len;
	int rc = buf_append(&c->pool, s, n);
	return rc ? rc : buf_putc(&c->pool, '\0');
}

/* Ends a dynamic URL value: the text up to its closing quote, then the
 * mark after which the renderer checks the scheme. */
static int url_end(void *ctx, size_t at)
{
	struct comp *c = ctx;
	int rc = flush_text(c, at);
	return rc ? rc : emit(c, OP_URL_END, 0, 0, 0);
}

/* Follows the HTML tokenizer through static text src[from..to). */
static int scan(struct comp *c, size_t from, size_t to)
{
	const char *why = NULL;
	int rc = tmpl_lex_scan(&c->h, c->src, from, to, &c->line, url_end, c, &why);
	return rc == TMPL_INVALID ? comp_error(c, c->line, "%s", why) : rc;
}

static void trim(const char **s, size_t *n)
{
	while (*n && tmpl_is_space((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && tmpl_is_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* Stores a dotted path as NUL-separated components; "." is zero
 * components. 1 when the name is not a valid path. */
static int add_path(struct comp *c, const char *s, size_t n, uint32_t *off, uint8_t *ncomp)
{
	*ncomp = 0;
	*off = (uint32_t)c->pool.len;
	if (n == 1 && s[0] == '.')
		return 0;
	if (n == 0)
		return 1;
	size_t k = 0, count = 1, seg = 0;
	for (; k < n; k++) {
		if (s[k] == '.') {
			if (seg == 0)
				return 1;
			seg = 0;
			count++;
		} else if (tmpl_is_name_char((unsigned char)s[k])) {
			seg++;
		} else {
			return 1;
		}
	}
	if (seg == 0 || count > UINT8_MAX)
		return 1;
	int rc = buf_reserve(&c->pool, n + 1);
	if (rc)
		return rc;
	for (k = 0; k < n; k++)
		c->pool.data[c->pool.len + k] = s[k] == '.' ? '\0' : s[k];
	c->pool.len += n;
	c->pool.data[c->pool.len++] = '\0';
	*ncomp = (uint8_t)count;
	return 0;
}

bool tmpl_valid_name(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t k = 0; k < n; k++) {
		if (!tmpl_is_name_char((unsigned char)s[k]))
			return false;
	}
	return true;
}

static int add_msgid(struct comp *c, const char *s, size_t n, uint32_t *off)
{
	*off = (uint32_t)c->pool.len;
	int rc = buf_reserve(&c->pool, n + 1);
	if (rc)
		return rc;
	/* Inner whitespace runs become one space, so long texts may be
	 * wrapped over lines in the template without changing the msgid. */
	bool space = false;
	for (size_t k = 0; k < n; k++) {
		if (tmpl_is_space((unsigned char)s[k])) {
			space = true;
			continue;
		}
		if (space)
			c->pool.data[c->pool.len++] = ' ';
		space = false;
		c->pool.data[c->pool.len++] = s[k];
	}
	c->pool.data[c->pool.len++] = '\0';
	return 0;
}

static int section_open(struct comp *c, bool inverted, const char *name, size_t n, unsigned line,
                        size_t tag)
{
	struct hctx *h = &c->h;
	uint32_t off;
	uint8_t ncomp;
	int rc;
	if (h->st == H_AFTER_ATTR_NAME)
		h->st = H_BEFORE_ATTR; /* same for the browser: '=' is refused */
	if (h->need_sep)
		return comp_error(c, line,
		                  "a section around attributes must be followed by a space");
	if (h->st != H_DATA && h->st != H_BEFORE_ATTR && h->st != H_AFTER_VALUE) {
		const char *why = tmpl_lex_refusal(h);
		if (why)
			return comp_error(c, line, "%s", why);
	}
	if (c->depth >= TMPL_MAX_DEPTH)
		return comp_error(c, line, "sections nested deeper than %u", TMPL_MAX_DEPTH);
	if ((rc = add_path(c, name, n, &off, &ncomp)) > 0)
		return comp_error(c, line, "invalid section name '%.*s'", (int)n, name);
	if (rc)
		return rc;
	if ((rc = url_begin(c)) || (rc = flush_text(c, tag)))
		return rc;
	struct open_section *o = &c->stack[c->depth++];
	o->name = (size_t)(name - c->src);
	o->name_len = n;
	o->line = line;
	o->op = c->nops;
	o->h = *h;
	return emit(c, inverted ? OP_INVERTED : OP_SECTION, off, 0, ncomp);
}

static int section_close(struct comp *c, const char *name, size_t n, unsigned line, size_t tag)
{
	struct hctx *h = &c->h;
	if (c->depth == 0)
		return comp_error(c, line, "{{/%.*s}} closes no open section", (int)n, name);
	struct open_section *o = &c->stack[c->depth - 1];
	if (o->name_len != n || memcmp(c->src + o->name, name, n) != 0)
		return comp_error(c, line, "{{/%.*s}} does not match {{#%.*s}} of line %u", (int)n,
		                  name, (int)o->name_len, c->src + o->name, o->line);
	if (!tmpl_lex_same_context(&o->h, h))
		return comp_error(
		    c, line,
		    "section '%.*s' (line %u) ends in another HTML context than it began in",
		    (int)n, name, o->line);
	if (tmpl_lex_in_tag_group(h->st)) {
		/* Rendered or skipped, the tag must continue the same way:
		 * unless both ends follow whitespace, demand a separator. */
		h->need_sep = h->need_sep || !(o->h.st == H_BEFORE_ATTR && h->st == H_BEFORE_ATTR);
		h->st = H_BEFORE_ATTR;
	}
	int rc = flush_text(c, tag);
	if (rc)
		return rc;
	c->depth--;
	c->ops[o->op].b = (uint32_t)c->nops;
	return 0;
}

/* Compiles the tag whose "{{" is at *pos; advances *pos past it. */
static int compile_tag(struct comp *c, size_t *pos)
{
	const char *src = c->src;
	size_t p = *pos;
	unsigned line = c->line;
	int rc;
	if (c->h.st == H_RAWTEXT)
		return comp_error(c, line, "%s", tmpl_lex_refusal(&c->h));

	if (p + 2 < c->len && src[p + 2] == '{') {
		const char *end = memmem(src + p + 3, c->len - p - 3, "}}}", 3);
		if (!end)
			return comp_error(c, line, "unclosed {{{");
		const char *name = src + p + 3;
		size_t n = (size_t)(end - name);
		trim(&name, &n);
		if (!tmpl_valid_name(name, n))
			return comp_error(c, line, "invalid fragment name '%.*s'", (int)n, name);
		if (c->h.st != H_DATA)
			return comp_error(c, line, "{{{%.*s}}} is only allowed in text", (int)n,
			                  name);
		uint32_t off;
		if ((rc = flush_text(c, p)) || (rc = pool_add(c, name, n, &off)) ||
		    (rc = emit(c, OP_RAW, off, 0, 0)))
			return rc;
		*pos = (size_t)(end - src) + 3;
		c->text_start = *pos;
		return 0;
	}

	const char *end = memmem(src + p + 2, c->len - p - 2, "}}", 2);
	if (!end)
		return comp_error(c, line, "unclosed {{");
	const char *in = src + p + 2;
	size_t n = (size_t)(end - in);
	*pos = (size_t)(end - src) + 2;
	unsigned newlines = 0;
	for (size_t k = 0; k < n; k++)
		newlines += in[k] == '\n';
	char sigil = n ? in[0] : '\0';
	const char *name = in + 1;
	size_t nn = n ? n - 1 : 0;
	trim(&name, &nn);
	uint32_t off;
	uint8_t ncomp;

	switch (sigil) {
	case '!':
		rc = flush_text(c, p);
		break;
	case '#':
	case '^':
		rc = section_open(c, sigil == '^', name, nn, line, p);
		break;
	case '/':
		rc = section_close(c, name, nn, line, p);
		break;
	case '>':
		if (!tmpl_valid_name(name, nn))
			return comp_error(c, line, "invalid partial name '%.*s'", (int)nn, name);
		if (c->h.st != H_DATA)
			return comp_error(c, line, "{{> %.*s}} is only allowed in text", (int)nn,
			                  name);
		if ((rc = flush_text(c, p)) || (rc = pool_add(c, name, nn, &off)))
			return rc;
		rc = emit(c, OP_PARTIAL, off, 0, 0);
		break;
	case '&':
		return comp_error(c, line,
		                  "{{&..}} is not supported: data is always escaped; "
		                  "code-built HTML goes in a {{{fragment}}}");
	case '=':
		return comp_error(c, line, "delimiter changes are not supported");
	case '_':
		if (n > 1 && tmpl_is_space((unsigned char)in[1])) {
			if (nn == 0)
				return comp_error(c, line, "empty translatable text");
			const char *why = tmpl_lex_refusal(&c->h);
			if (why)
				return comp_error(c, line, "%s", why);
			if ((rc = url_begin(c)) || (rc = flush_text(c, p)) ||
			    (rc = add_msgid(c, name, nn, &off)))
				return rc;
			/* Dutch pages (tr gives the msgid back) then copy these
			 * bytes instead of escaping the same text every view. */
			struct buf esc = BUF_INIT;
			uint32_t esc_off;
			if ((rc = html_escape(&esc, c->pool.data + off,
			                      strlen(c->pool.data + off))) ||
			    (rc = pool_add(c, esc.data, esc.len, &esc_off))) {
				buf_free(&esc);
				return rc;
			}
			buf_free(&esc);
			rc = emit(c, OP_TR, off, esc_off, 0);
			break;
		}
		/* a name such as {{_private}} */
		__attribute__((fallthrough));
	default: {
		const char *vn = in;
		size_t vl = n;
		trim(&vn, &vl);
		const char *why = tmpl_lex_refusal(&c->h);
		if (why)
			return comp_error(c, line, "%s", why);
		if ((rc = add_path(c, vn, vl, &off, &ncomp)) > 0)
			return comp_error(c, line, "invalid name '%.*s'", (int)vl, vn);
		if (rc || (rc = url_begin(c)) || (rc = flush_text(c, p)))
			return rc;
		rc = emit(c, OP_VAR, off, 0, ncomp);
		break;
	}
	}
	c->text_start = *pos;
	c->line += newlines;
	return rc;
}

int tmpl_compile(struct tmpl *t, struct buf *err)
{
	struct comp c = {
	    .file = t->file,
	    .src = t->src,
	    .len = t->src_len,
	    .line = 1,
	    .err = err,
	};
	int rc = 0;
	if (!str_utf8_valid(t->src, t->src_len)) {
		rc = comp_error(&c, 1, "not valid UTF-8 (or holds a NUL byte)");
		goto out;
	}
	size_t pos = 0;
	while (pos < c.len) {
		const char *open = memmem(c.src + pos, c.len - pos, "{{", 2);
		size_t to = open ? (size_t)(open - c.src) : c.len;
		if ((rc = scan(&c, pos, to)))
			goto out;
		pos = to;
		if (!open)
			break;
		if ((rc = compile_tag(&c, &pos)))
			goto out;
	}
	if (c.depth) {
		struct open_section *o = &c.stack[c.depth - 1];
		rc = comp_error(&c, o->line, "section '%.*s' is never closed", (int)o->name_len,
		                c.src + o->name);
		goto out;
	}
	if (c.h.st != H_DATA) {
		if (c.h.st == H_RAWTEXT)
			rc =
			    comp_error(&c, c.h.start_line, "<%s> element is never closed", c.h.tag);
		else
			rc = comp_error(&c, c.h.start_line,
			                "markup begun here is never closed (missing '>' or '-->')");
		goto out;
	}
	if ((rc = flush_text(&c, c.len)))
		goto out;
	/* The pool must exist even when empty: ops index into it. */
	if ((rc = buf_reserve(&c.pool, 0)))
		goto out;
	t->ops = c.ops;
	t->nops = c.nops;
	t->pool = c.pool.data;
	c.ops = NULL;
	c.pool = (struct buf)BUF_INIT;
out:
	free(c.ops);
	buf_free(&c.pool);
	return rc;
}
