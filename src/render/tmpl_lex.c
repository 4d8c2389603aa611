/* tmpl_lex: the HTML tokenizer that follows a template's static text;
 * see tmpl_lex.h. */
#include "render/tmpl_lex.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "render/tmpl.h"

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

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
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

static int close_value(struct hctx *h, size_t i, tmpl_lex_url_end_fn url_end, void *ctx)
{
	int rc;
	h->st = H_AFTER_VALUE;
	if (h->url_open) {
		if ((rc = url_end(ctx, i)))
			return rc;
		h->url_open = false;
	}
	h->kind = A_PLAIN;
	return 0;
}

static void open_value(struct hctx *h, enum hstate st, size_t i)
{
	h->st = st;
	h->attr_serial++;
	h->url_value = i + 1;
	h->url_open = false;
}

int tmpl_lex_scan(struct hctx *h, const char *src, size_t from, size_t to, unsigned *line,
                  tmpl_lex_url_end_fn url_end, void *ctx, const char **why)
{
	int rc;
	for (size_t i = from; i < to; i++) {
		unsigned char ch = (unsigned char)src[i];
		if (h->need_sep) {
			if (!tmpl_is_space(ch) && ch != '/' && ch != '>') {
				*why =
				    "a section around attributes must be followed by a space, '/' or '>'";
				return TMPL_INVALID;
			}
			h->need_sep = false;
		}
		if (ch == '\n')
			(*line)++;
		switch (h->st) {
		case H_DATA:
			if (ch == '<') {
				h->st = H_TAG_OPEN;
				h->start_line = *line;
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
			if (tmpl_is_space(ch) || ch == '/')
				h->st = H_BEFORE_ATTR;
			else if (ch == '>')
				end_start_tag(h);
			else
				push_tag_char(h, ch);
			break;
		case H_BEFORE_ATTR:
			if (tmpl_is_space(ch) || ch == '/')
				break;
			if (ch == '>')
				end_start_tag(h);
			else if (ch == '=') {
				/* Refused because after a section it would be the
				 * value of the attribute before the section. */
				*why = "'=' without an attribute name";
				return TMPL_INVALID;
			} else {
				start_attr_name(h, ch);
			}
			break;
		case H_ATTR_NAME:
			if (tmpl_is_space(ch)) {
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
			if (tmpl_is_space(ch))
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
			if (tmpl_is_space(ch))
				break;
			if (ch == '"')
				open_value(h, H_VALUE_DQ, i);
			else if (ch == '\'')
				open_value(h, H_VALUE_SQ, i);
			else if (ch == '>')
				end_start_tag(h);
			else
				h->st = H_VALUE_UNQ;
			break;
		case H_VALUE_DQ:
			if (ch == '"' && (rc = close_value(h, i, url_end, ctx)))
				return rc;
			break;
		case H_VALUE_SQ:
			if (ch == '\'' && (rc = close_value(h, i, url_end, ctx)))
				return rc;
			break;
		case H_VALUE_UNQ:
			if (tmpl_is_space(ch))
				h->st = H_BEFORE_ATTR;
			else if (ch == '>')
				end_start_tag(h);
			break;
		case H_AFTER_VALUE:
			if (tmpl_is_space(ch) || ch == '/')
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
				if (tmpl_is_space(after) || after == '/' || after == '>')
					h->st = H_END_TAG;
			}
			break;
		}
	}
	return 0;
}

const char *tmpl_lex_refusal(const struct hctx *h)
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

bool tmpl_lex_in_tag_group(enum hstate st)
{
	return st == H_BEFORE_ATTR || st == H_ATTR_NAME || st == H_AFTER_ATTR_NAME ||
	       st == H_AFTER_VALUE;
}

bool tmpl_lex_same_context(const struct hctx *a, const struct hctx *b)
{
	switch (a->st) {
	case H_DATA:
		return b->st == H_DATA;
	case H_VALUE_DQ:
	case H_VALUE_SQ:
		return b->st == a->st && b->attr_serial == a->attr_serial;
	case H_BEFORE_ATTR:
	case H_AFTER_VALUE:
		return tmpl_lex_in_tag_group(b->st) && b->tag_serial == a->tag_serial;
	default:
		return false;
	}
}
