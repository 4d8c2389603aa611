/* tmpl_lex.h: the HTML tokenizer of the template compiler (a subset of
 * the WHATWG tokenizer states), internal to render/.
 *
 * Owns: struct hctx, the HTML context the static text of a template has
 * reached, and what that context allows: where a value may go
 * (tmpl_lex_refusal()), which attributes are URLs or forbidden, and whether
 * a section ends where it began (tmpl_lex_same_context()). It knows no
 * ops: where a dynamic URL value ends it calls back into the compiler. */
#ifndef SIGNAAL_RENDER_TMPL_LEX_H
#define SIGNAAL_RENDER_TMPL_LEX_H

#include <stdbool.h>
#include <stddef.h>

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

/* Bytes kept of a tag or attribute name: enough for every name the
 * tokenizer must recognise (raw-text elements, URL and forbidden
 * attributes). A longer name is counted, not kept, and matches none. */
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

static inline bool tmpl_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static inline bool tmpl_is_name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* Called when a quoted attribute value that holds a {{..}} and is a URL
 * (h->url_open) closes at source offset at, before h->url_open is
 * cleared. 0 or a negative errno, which ends the scan. */
typedef int (*tmpl_lex_url_end_fn)(void *ctx, size_t at);

/* Follows the tokenizer through static text src[from..to), counting
 * lines in *line. Returns 0, a negative errno from url_end, or
 * TMPL_INVALID with *why (static) saying what is wrong at line *line. */
int tmpl_lex_scan(struct hctx *h, const char *src, size_t from, size_t to, unsigned *line,
                  tmpl_lex_url_end_fn url_end, void *ctx, const char **why);

/* Why a value or translation may not go where the tokenizer is now, or
 * NULL when it may. Static. */
const char *tmpl_lex_refusal(const struct hctx *h);

/* True in the states between a tag's attributes. */
bool tmpl_lex_in_tag_group(enum hstate st);

/* Whether a section that opened in context a and whose body ends in b
 * leaves the page in one context whether it renders 0, 1 or n times. */
bool tmpl_lex_same_context(const struct hctx *a, const struct hctx *b);

#endif
