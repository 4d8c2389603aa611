/* tmpl: compiler and renderer. See tmpl.h for the syntax and the rules.
 *
 * A template compiles to a flat array of ops. While compiling, a small HTML
 * tokenizer (a subset of the WHATWG states) follows the static text, so
 * every {{..}} is judged by the context it sits in, once, at load. The
 * renderer then only walks ops: no parsing, no context logic, and no
 * allocation beyond growing the output buffer. */
#include "render/tmpl.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "limits.h"
#include "render/html.h"
#include "util/file.h"
#include "util/str.h"

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

/* ------------------------------------------------------------------ */
/* Compiler                                                            */

enum hstate {
	H_DATA,
	H_TAG_OPEN,
	H_TAG_NAME,
	H_END_TAG,
	H_BEFORE_ATTR,
	H_ATTR_NAME,
	H_AFTER_ATTR_NAME,
	H_BEFORE_VALUE,
	H_VALUE_DQ,
	H_VALUE_SQ,
	H_VALUE_UNQ,
	H_AFTER_VALUE,
	H_COMMENT,
	H_DECL,
	H_RAWTEXT,
};

enum akind {
	A_PLAIN,
	A_URL,
	A_FORBIDDEN,
};

#define TAG_NAME_MAX  16
#define ATTR_NAME_MAX 24

struct hctx {
	enum hstate st;
	enum akind kind;
	bool need_sep; /* a section wrapping attributes just closed */
	bool url_open; /* OP_URL_BEGIN emitted for the current value */
	unsigned tag_serial;
	unsigned attr_serial;
	unsigned dashes;     /* consecutive '-' in an HTML comment */
	unsigned start_line; /* where the current markup began */
	size_t url_value;    /* source offset where the current URL value starts */
	size_t taglen, attrlen;
	char tag[TAG_NAME_MAX + 1];
	char attr[ATTR_NAME_MAX + 1];
};

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

/* Elements whose content the browser does not parse as HTML. Data inside
 * would be code (script, style) or is never useful; all are refused. */
static const char *const rawtext_tags[] = {"script",  "style",    "xmp",      "iframe",
                                           "noembed", "noframes", "plaintext"};

/* Attributes whose value the browser fetches or navigates to. */
static const char *const url_attrs[] = {
    "href",     "src",     "action",     "formaction", "xlink:href", "poster",
    "cite",     "data",    "background", "manifest",   "ping",       "longdesc",
    "codebase", "classid", "archive",    "usemap",     "icon"};

/* Attributes where escaped data is still code or markup: CSS, a document
 * (srcdoc is parsed as HTML after entity decoding), or a URL list. */
static const char *const forbidden_attrs[] = {"style", "srcdoc", "srcset", "imagesrcset"};

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

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_name_char(unsigned char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s, list[i]) == 0)
			return true;
	}
	return false;
}

#define IN_LIST(s, list) in_list((s), (list), sizeof(list) / sizeof((list)[0]))

static bool is_rawtext(const struct hctx *h)
{
	return h->taglen <= TAG_NAME_MAX && IN_LIST(h->tag, rawtext_tags);
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

static void finish_attr_name(struct hctx *h)
{
	const char *a = h->attr;
	if (is_rawtext(h))
		h->kind = A_FORBIDDEN; /* <script src="{{x}}"> would load code */
	else if (a[0] == 'o' && a[1] == 'n')
		h->kind = A_FORBIDDEN;
	else if (h->attrlen > ATTR_NAME_MAX)
		h->kind = A_PLAIN;
	else if (IN_LIST(a, forbidden_attrs))
		h->kind = A_FORBIDDEN;
	else if (IN_LIST(a, url_attrs))
		h->kind = A_URL;
	else
		h->kind = A_PLAIN;
}

static void start_attr_name(struct hctx *h, unsigned char ch)
{
	h->st = H_ATTR_NAME;
	h->attrlen = 0;
	h->attr[0] = '\0';
	h->kind = A_PLAIN;
	if (h->attrlen < ATTR_NAME_MAX) {
		h->attr[h->attrlen] = (char)tolower(ch);
		h->attr[h->attrlen + 1] = '\0';
	}
	h->attrlen++;
}

static void push_attr_char(struct hctx *h, unsigned char ch)
{
	if (h->attrlen < ATTR_NAME_MAX) {
		h->attr[h->attrlen] = (char)tolower(ch);
		h->attr[h->attrlen + 1] = '\0';
	}
	h->attrlen++;
}

static void push_tag_char(struct hctx *h, unsigned char ch)
{
	if (h->taglen < TAG_NAME_MAX) {
		h->tag[h->taglen] = (char)tolower(ch);
		h->tag[h->taglen + 1] = '\0';
	}
	h->taglen++;
}

static void end_start_tag(struct hctx *h)
{
	h->st = is_rawtext(h) ? H_RAWTEXT : H_DATA;
	h->kind = A_PLAIN;
}

static int close_value(struct comp *c, size_t i)
{
	int rc;
	c->h.st = H_AFTER_VALUE;
	if (c->h.url_open) {
		if ((rc = flush_text(c, i)) || (rc = emit(c, OP_URL_END, 0, 0, 0)))
			return rc;
		c->h.url_open = false;
	}
	c->h.kind = A_PLAIN;
	return 0;
}

static void open_value(struct comp *c, enum hstate st, size_t i)
{
	c->h.st = st;
	c->h.attr_serial++;
	c->h.url_value = i + 1;
	c->h.url_open = false;
}

/* Follows the HTML tokenizer through static text src[from..to). */
static int scan_text(struct comp *c, size_t from, size_t to)
{
	struct hctx *h = &c->h;
	const char *src = c->src;
	int rc;
	for (size_t i = from; i < to; i++) {
		unsigned char ch = (unsigned char)src[i];
		if (h->need_sep) {
			if (!is_space(ch) && ch != '/' && ch != '>')
				return comp_error(
				    c, c->line,
				    "a section around attributes must be followed by a space, '/' or '>'");
			h->need_sep = false;
		}
		if (ch == '\n')
			c->line++;
		switch (h->st) {
		case H_DATA:
			if (ch == '<') {
				h->st = H_TAG_OPEN;
				h->start_line = c->line;
			}
			break;
		case H_TAG_OPEN:
			if (ch == '!') {
				if (i + 2 < to && src[i + 1] == '-' && src[i + 2] == '-') {
					h->st = H_COMMENT;
					h->dashes = 0;
					i += 2;
				} else {
					h->st = H_DECL;
				}
			} else if (ch == '/') {
				h->st = H_END_TAG;
			} else if (ch == '?') {
				h->st = H_DECL;
			} else if (is_alpha(ch)) {
				h->st = H_TAG_NAME;
				h->tag_serial++;
				h->taglen = 0;
				h->tag[0] = '\0';
				push_tag_char(h, ch);
			} else {
				h->st = ch == '<' ? H_TAG_OPEN : H_DATA;
			}
			break;
		case H_TAG_NAME:
			if (is_space(ch) || ch == '/')
				h->st = H_BEFORE_ATTR;
			else if (ch == '>')
				end_start_tag(h);
			else
				push_tag_char(h, ch);
			break;
		case H_BEFORE_ATTR:
			if (is_space(ch) || ch == '/')
				break;
			if (ch == '>')
				end_start_tag(h);
			else if (ch == '=')
				/* Refused because after a section it would be the
				 * value of the attribute before the section. */
				return comp_error(c, c->line, "'=' without an attribute name");
			else
				start_attr_name(h, ch);
			break;
		case H_ATTR_NAME:
			if (is_space(ch)) {
				finish_attr_name(h);
				h->st = H_AFTER_ATTR_NAME;
			} else if (ch == '/') {
				finish_attr_name(h);
				h->st = H_BEFORE_ATTR;
			} else if (ch == '=') {
				finish_attr_name(h);
				h->st = H_BEFORE_VALUE;
			} else if (ch == '>') {
				end_start_tag(h);
			} else {
				push_attr_char(h, ch);
			}
			break;
		case H_AFTER_ATTR_NAME:
			if (is_space(ch))
				break;
			if (ch == '/')
				h->st = H_BEFORE_ATTR;
			else if (ch == '=')
				h->st = H_BEFORE_VALUE;
			else if (ch == '>')
				end_start_tag(h);
			else
				start_attr_name(h, ch);
			break;
		case H_BEFORE_VALUE:
			if (is_space(ch))
				break;
			if (ch == '"')
				open_value(c, H_VALUE_DQ, i);
			else if (ch == '\'')
				open_value(c, H_VALUE_SQ, i);
			else if (ch == '>')
				end_start_tag(h);
			else
				h->st = H_VALUE_UNQ;
			break;
		case H_VALUE_DQ:
			if (ch == '"' && (rc = close_value(c, i)))
				return rc;
			break;
		case H_VALUE_SQ:
			if (ch == '\'' && (rc = close_value(c, i)))
				return rc;
			break;
		case H_VALUE_UNQ:
			if (is_space(ch))
				h->st = H_BEFORE_ATTR;
			else if (ch == '>')
				end_start_tag(h);
			break;
		case H_AFTER_VALUE:
			if (is_space(ch) || ch == '/')
				h->st = H_BEFORE_ATTR;
			else if (ch == '>')
				end_start_tag(h);
			else
				start_attr_name(h, ch);
			break;
		case H_END_TAG:
		case H_DECL:
			if (ch == '>')
				h->st = H_DATA;
			break;
		case H_COMMENT:
			if (ch == '>' && h->dashes >= 2)
				h->st = H_DATA;
			else if (ch == '-')
				h->dashes++;
			else
				h->dashes = 0;
			break;
		case H_RAWTEXT:
			if (ch == '<' && i + 1 < to && src[i + 1] == '/' &&
			    to - (i + 2) > h->taglen &&
			    strncasecmp(src + i + 2, h->tag, h->taglen) == 0) {
				unsigned char after = (unsigned char)src[i + 2 + h->taglen];
				if (is_space(after) || after == '/' || after == '>')
					h->st = H_END_TAG;
			}
			break;
		}
	}
	return 0;
}

/* Why a value or translation may not go where the tokenizer is now, or
 * NULL when it may. */
static const char *value_refusal(const struct hctx *h)
{
	switch (h->st) {
	case H_DATA:
		return NULL;
	case H_VALUE_DQ:
	case H_VALUE_SQ:
		if (h->kind != A_FORBIDDEN)
			return NULL;
		return "{{..}} not allowed in this attribute (event handler, style, srcdoc, srcset, or a <script> tag)";
	case H_TAG_OPEN:
	case H_TAG_NAME:
	case H_END_TAG:
		return "{{..}} in a tag name";
	case H_BEFORE_ATTR:
	case H_ATTR_NAME:
	case H_AFTER_ATTR_NAME:
	case H_AFTER_VALUE:
		return "{{..}} in an attribute name position; put it in a quoted attribute value";
	case H_BEFORE_VALUE:
	case H_VALUE_UNQ:
		return "{{..}} in an unquoted attribute value; quote the value";
	case H_COMMENT:
		return "{{..}} in an HTML comment; use {{! }} for comments";
	case H_DECL:
		return "{{..}} in a <!...> declaration";
	case H_RAWTEXT:
		return "{{..}} inside <script>, <style> or another raw-text element";
	}
	return "{{..}} in an unknown context";
}

static bool in_tag_group(enum hstate st)
{
	return st == H_BEFORE_ATTR || st == H_ATTR_NAME || st == H_AFTER_ATTR_NAME ||
	       st == H_AFTER_VALUE;
}

/* Whether a section that opened in context a and whose body ends in b
 * leaves the page in one context whether it renders 0, 1 or n times. */
static bool same_context(const struct hctx *a, const struct hctx *b)
{
	switch (a->st) {
	case H_DATA:
		return b->st == H_DATA;
	case H_VALUE_DQ:
	case H_VALUE_SQ:
		return b->st == a->st && b->attr_serial == a->attr_serial;
	case H_BEFORE_ATTR:
	case H_AFTER_VALUE:
		return in_tag_group(b->st) && b->tag_serial == a->tag_serial;
	default:
		return false;
	}
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_space((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((unsigned char)(*s)[*n - 1]))
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
		} else if (is_name_char((unsigned char)s[k])) {
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

static bool valid_name(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t k = 0; k < n; k++) {
		if (!is_name_char((unsigned char)s[k]))
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
		if (is_space((unsigned char)s[k])) {
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
		const char *why = value_refusal(h);
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
	if (!same_context(&o->h, h))
		return comp_error(
		    c, line,
		    "section '%.*s' (line %u) ends in another HTML context than it began in",
		    (int)n, name, o->line);
	if (in_tag_group(h->st)) {
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
		return comp_error(c, line, "%s", value_refusal(&c->h));

	if (p + 2 < c->len && src[p + 2] == '{') {
		const char *end = memmem(src + p + 3, c->len - p - 3, "}}}", 3);
		if (!end)
			return comp_error(c, line, "unclosed {{{");
		const char *name = src + p + 3;
		size_t n = (size_t)(end - name);
		trim(&name, &n);
		if (!valid_name(name, n))
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
		if (!valid_name(name, nn))
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
		if (n > 1 && is_space((unsigned char)in[1])) {
			if (nn == 0)
				return comp_error(c, line, "empty translatable text");
			const char *why = value_refusal(&c->h);
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
		const char *why = value_refusal(&c->h);
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

static int compile(struct tmpl *t, struct buf *err)
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
		if ((rc = scan_text(&c, pos, to)))
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

/* ------------------------------------------------------------------ */
/* Sets                                                                */

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

static struct tmpl *find(const struct tmpl_set *set, const char *name)
{
	if (!set || !name)
		return NULL;
	struct tmpl key = {.name = (char *)name};
	return bsearch(&key, set->t, set->n, sizeof *set->t, cmp_tmpl);
}

bool tmpl_exists(const struct tmpl_set *set, const char *name)
{
	return find(set, name) != NULL;
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
			struct tmpl *p = find(set, t->pool + op->a);
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
		if (!valid_name(names[i], strlen(names[i]))) {
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
		if ((rc = compile(t, err)))
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
		if (!valid_name(t->name, fl - 5)) {
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
		if ((rc = read_file(t->file, &t->src, &t->src_len, err)) || (rc = compile(t, err)))
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

/* ------------------------------------------------------------------ */
/* Renderer                                                            */

struct rstate {
	const struct tmpl_set *set;
	const struct tmpl_frag *frags;
	size_t nfrags;
	tmpl_tr_fn tr;
	void *tr_ctx;
	struct buf *out;
	size_t nctx;
	const json_t *ctx[TMPL_MAX_DEPTH + 1];
};

static const json_t *lookup(const struct rstate *r, const struct tmpl *t, const struct op *op)
{
	if (op->ncomp == 0)
		return r->ctx[r->nctx - 1];
	const char *k = t->pool + op->a;
	const json_t *v = NULL;
	for (size_t i = r->nctx; i-- > 0;) {
		if (json_is_object(r->ctx[i]) && (v = json_object_get(r->ctx[i], k)))
			break;
	}
	/* Only the first component falls back to outer contexts: a.b means
	 * the b of the nearest a, as in Mustache. */
	for (unsigned c = 1; v && c < op->ncomp; c++) {
		k += strlen(k) + 1;
		v = json_is_object(v) ? json_object_get(v, k) : NULL;
	}
	return v;
}

static bool truthy(const json_t *v)
{
	if (!v)
		return false;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_TRUE:
		return true;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) < 0 || json_real_value(v) > 0;
	default:
		return false;
	}
}

static int put_value(struct buf *out, const json_t *v)
{
	char num[64];
	int n;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return html_escape(out, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf_append(out, num, (size_t)n);
	case JSON_REAL:
		n = snprintf(num, sizeof num, "%.15g", json_real_value(v));
		return buf_append(out, num, (size_t)n);
	default:
		return 0;
	}
}

static int render_ops(struct rstate *r, const struct tmpl *t, size_t begin, size_t end,
                      unsigned depth);

static int render_section(struct rstate *r, const struct tmpl *t, size_t i, unsigned depth)
{
	const struct op *op = &t->ops[i];
	const json_t *v = lookup(r, t, op);
	bool yes = truthy(v);
	int rc = 0;
	if (op->type == OP_INVERTED)
		return yes ? 0 : render_ops(r, t, i + 1, op->b, depth);
	if (!yes)
		return 0;
	if (depth >= TMPL_MAX_DEPTH)
		return TMPL_TOO_DEEP;
	if (json_is_array(v)) {
		size_t n = json_array_size(v);
		for (size_t k = 0; k < n && rc == 0; k++) {
			r->ctx[r->nctx++] = json_array_get(v, k);
			rc = render_ops(r, t, i + 1, op->b, depth + 1);
			r->nctx--;
		}
		return rc;
	}
	r->ctx[r->nctx++] = v;
	rc = render_ops(r, t, i + 1, op->b, depth + 1);
	r->nctx--;
	return rc;
}

static int render_ops(struct rstate *r, const struct tmpl *t, size_t begin, size_t end,
                      unsigned depth)
{
	struct buf *out = r->out;
	size_t url_mark = out->len;
	int rc = 0;
	for (size_t i = begin; i < end && rc == 0; i++) {
		const struct op *op = &t->ops[i];
		switch (op->type) {
		case OP_TEXT:
			rc = buf_append(out, t->src + op->a, op->b);
			break;
		case OP_VAR: {
			const json_t *v = lookup(r, t, op);
			if (v)
				rc = put_value(out, v);
			break;
		}
		case OP_TR: {
			const char *msgid = t->pool + op->a;
			const char *s = r->tr ? r->tr(r->tr_ctx, msgid) : NULL;
			if (!s || s == msgid)
				rc = buf_puts(out, t->pool + op->b);
			else
				rc = html_escape(out, s, strlen(s));
			break;
		}
		case OP_RAW: {
			const char *name = t->pool + op->a;
			size_t k = 0;
			while (k < r->nfrags &&
			       !(r->frags[k].name && strcmp(r->frags[k].name, name) == 0))
				k++;
			if (k == r->nfrags)
				return TMPL_NO_FRAG;
			if (r->frags[k].html)
				rc = buf_puts(out, r->frags[k].html);
			break;
		}
		case OP_SECTION:
		case OP_INVERTED:
			rc = render_section(r, t, i, depth);
			i = op->b - 1; /* the loop's i++ lands after the body */
			break;
		case OP_PARTIAL:
			if (depth >= TMPL_MAX_DEPTH)
				return TMPL_TOO_DEEP;
			rc = render_ops(r, &r->set->t[op->b], 0, r->set->t[op->b].nops, depth + 1);
			break;
		case OP_URL_BEGIN:
			url_mark = out->len;
			break;
		case OP_URL_END:
			/* Checked on the escaped output: escaping only adds
			 * entities, and no entity can form a scheme character,
			 * so the verdict is the one the browser reaches. */
			if (!html_url_allowed(out->data + url_mark, out->len - url_mark)) {
				out->len = url_mark;
				rc = buf_append(out, "#", 1);
			}
			break;
		}
	}
	return rc;
}

int tmpl_render(const struct tmpl_set *set, const char *name, const json_t *data,
                const struct tmpl_frag *frags, size_t nfrags, tmpl_tr_fn tr, void *tr_ctx,
                struct buf *out)
{
	const struct tmpl *t = find(set, name);
	if (!t)
		return TMPL_NOT_FOUND;
	struct rstate r = {
	    .set = set,
	    .frags = frags,
	    .nfrags = frags ? nfrags : 0,
	    .tr = tr,
	    .tr_ctx = tr_ctx,
	    .out = out,
	    .nctx = 1,
	};
	r.ctx[0] = data;
	size_t start = out->len;
	int rc = buf_reserve(out, t->src_len);
	if (rc == 0)
		rc = render_ops(&r, t, 0, t->nops, 0);
	if (rc)
		out->len = start;
	/* buf_reserve() leaves new memory unterminated; an empty rendering
	 * into a fresh buffer must still read as "". */
	if (out->data)
		out->data[out->len] = '\0';
	return rc;
}
