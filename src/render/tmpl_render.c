/* tmpl_render: renders a compiled template with its data. It only walks
 * ops: no parsing, no context logic (the compiler judged every value's
 * HTML context at load), and no allocation beyond growing the output
 * buffer. Thread-safe: the set is only read. */
#include "render/tmpl.h"

#include <stdio.h>
#include <string.h>

#include "limits.h"
#include "render/html.h"
#include "render/tmpl_int.h"

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
	const struct tmpl *t = tmpl_find(set, name);
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
