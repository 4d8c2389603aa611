/* history: see history.h. */
#include "domain/history.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "store/audit.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/jsonw.h"

static int collect_row(void *vctx, const struct store_audit_row *row)
{
	struct history_read *h = vctx;
	/* Kept as the row's text: made into JSON (and its UTF-8 checked)
	 * by history_end or history_end_write. */
	if (h->n == REPORT_HISTORY_MAX)
		return -EIO; /* more than the statement's LIMIT */
	struct history_line *l = &h->lines[h->n++];
	memcpy(l->at, row->at, sizeof l->at);
	memcpy(l->action, row->action, sizeof l->action);
	memcpy(l->actor, row->actor, sizeof l->actor);
	memcpy(l->result, row->result, sizeof l->result);
	return 0;
}

int history_begin(struct history_read *h, int64_t id, struct store_report_extra *x)
{
	if (id < 1)
		return -EINVAL;
	snprintf(h->object, sizeof h->object, "report:%" PRId64, id);
	h->n = 0;
	h->lines = malloc(REPORT_HISTORY_MAX * sizeof *h->lines);
	if (!h->lines)
		return -ENOMEM;
	x->history_object = h->object;
	x->history_limit = REPORT_HISTORY_MAX;
	x->history_row = collect_row;
	x->history_ctx = h;
	return 0;
}

/* The read's result rc and how many were left out; frees h's lines when
 * rc is not 0. */
static int end_common(struct history_read *h, int rc, const char *received, int64_t total,
                      int64_t *more)
{
	*more = 0;
	if (!rc && !received)
		rc = -EINVAL;
	if (rc) {
		free(h->lines);
		h->lines = NULL;
		h->n = 0;
		return rc > 0 ? -EIO : rc;
	}
	int64_t shown = (int64_t)h->n;
	*more = total > shown ? total - shown : 0;
	return 0;
}

/* An event as an object: json_string checks that the text is UTF-8, as
 * json_pack's "s" did. */
static json_t *line_json(const char *at, const char *action, const char *actor, const char *result)
{
	json_t *e = json_object();
	if (e &&
	    (json_object_set_new_nocheck(e, "at", json_string(at)) ||
	     json_object_set_new_nocheck(e, "action", json_string(action)) ||
	     json_object_set_new_nocheck(e, "actor", actor ? json_string(actor) : json_null()) ||
	     json_object_set_new_nocheck(e, "result", json_string(result)))) {
		json_decref(e);
		return NULL;
	}
	return e;
}

int history_end(struct history_read *h, int rc, const char *received, int64_t total, json_t **out,
                int64_t *more)
{
	*out = NULL;
	rc = end_common(h, rc, received, total, more);
	if (rc)
		return rc;
	json_t *list = json_array();
	rc = list && json_array_append_new(list, line_json(received, "received", NULL, "ok")) == 0
	         ? 0
	         : -ENOMEM;
	for (size_t i = h->n; !rc && i > 0; i--) {
		const struct history_line *l = &h->lines[i - 1];
		if (json_array_append_new(list, line_json(l->at, l->action, l->actor, l->result)))
			rc = -ENOMEM;
	}
	free(h->lines);
	h->lines = NULL;
	if (rc) {
		*more = 0;
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

/* A constant's bytes (no strlen, no NUL). */
#define PUT(b, lit) buf_append((b), (lit), sizeof(lit) - 1)

/* An event as text, keys in line_json's order. */
static int line_write(struct buf *b, const char *at, const char *action, const char *actor,
                      const char *result)
{
	return PUT(b, "{\"at\":") || jsonw_cstr(b, at) || PUT(b, ",\"action\":") ||
	               jsonw_cstr(b, action) || PUT(b, ",\"actor\":") || jsonw_cstr(b, actor) ||
	               PUT(b, ",\"result\":") || jsonw_cstr(b, result) || PUT(b, "}")
	           ? -ENOMEM
	           : 0;
}

int history_end_write(struct history_read *h, int rc, const char *received, int64_t total,
                      struct buf *out, int64_t *more)
{
	rc = end_common(h, rc, received, total, more);
	if (rc)
		return rc;
	/* About 90 bytes an event: one reservation. */
	rc = buf_reserve(out, 100 * (h->n + 1)) || buf_putc(out, '[') ||
	             line_write(out, received, "received", NULL, "ok")
	         ? -ENOMEM
	         : 0;
	for (size_t i = h->n; !rc && i > 0; i--) {
		const struct history_line *l = &h->lines[i - 1];
		rc = buf_putc(out, ',') || line_write(out, l->at, l->action, l->actor, l->result)
		         ? -ENOMEM
		         : 0;
	}
	rc = rc ? rc : buf_putc(out, ']') ? -ENOMEM : 0;
	free(h->lines);
	h->lines = NULL;
	if (rc)
		*more = 0;
	return rc;
}

int report_history(struct store *s, const char *org, int64_t id, const char *received, json_t **out,
                   int64_t *more)
{
	*out = NULL;
	*more = 0;
	if (id < 1 || !received)
		return -EINVAL;
	struct history_read h;
	struct store_report_extra x = {0};
	int rc = history_begin(&h, id, &x);
	if (rc)
		return rc;
	int64_t total = 0;
	rc = store_audit_object(s, org, x.history_object, x.history_limit, collect_row, &h, &total);
	return history_end(&h, rc, received, total, out, more);
}
