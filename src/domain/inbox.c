/* inbox: see inbox.h. */
#include "domain/inbox.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "domain/report.h"
#include "domain/workdays.h"
#include "limits.h"
#include "store/store.h"
#include "util/i18n.h"
#include "util/buf.h"
#include "util/jsonw.h"
#include "util/str.h"

/* A cursor is "YYYY-MM-DD:<arrival>:<id>" in URL-safe base64: opaque to
 * clients, which must only hand it back. It is no secret: it names a
 * place in the order, and the organisation's filter applies whatever it
 * says. A cursor of the order before arrival ("YYYY-MM-DD:<id>") names
 * no place in this one: it is refused like any other that does not read
 * (400, begin again at the first page). */
#define CURSOR_PLAIN_MAX (STORE_DATE_LEN + 1 + 20 + 1 + 20)
#define CURSOR_MAX       80

static int bad(struct inbox_error *err, const char *field, const char *message)
{
	err->field = field;
	err->message = message;
	return INBOX_BAD_QUERY;
}

static bool given(const char *s)
{
	return s && *s;
}

static int cursor_encode(const struct store_inbox_row *last, char out[CURSOR_MAX])
{
	char plain[CURSOR_PLAIN_MAX + 1];
	int len = snprintf(plain, sizeof plain, "%s:%" PRId64 ":%" PRId64, last->r.received_on,
	                   last->arrival, last->r.id);
	if (len < 0 || (size_t)len >= sizeof plain)
		return -EIO;
	sodium_bin2base64(out, CURSOR_MAX, (const unsigned char *)plain, (size_t)len,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

static bool cursor_decode(const char *s, struct store_inbox_after *after)
{
	char plain[CURSOR_PLAIN_MAX + 1];
	size_t len;
	if (strlen(s) >= CURSOR_MAX ||
	    sodium_base642bin((unsigned char *)plain, CURSOR_PLAIN_MAX, s, strlen(s), NULL, &len,
	                      NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len < STORE_DATE_LEN + 4 || plain[STORE_DATE_LEN] != ':')
		return false;
	plain[len] = '\0';
	if (strlen(plain) != len)
		return false;
	memcpy(after->received_on, plain, STORE_DATE_LEN);
	after->received_on[STORE_DATE_LEN] = '\0';
	char *arrival = plain + STORE_DATE_LEN + 1;
	char *colon = strchr(arrival, ':');
	if (!colon)
		return false;
	*colon = '\0';
	uint64_t a, id;
	if (!workdays_date_valid(after->received_on) ||
	    str_parse_u64(arrival, 0, INT64_MAX, &a) != 0 ||
	    str_parse_u64(colon + 1, 1, INT64_MAX, &id) != 0)
		return false;
	after->arrival = (int64_t)a;
	after->id = (int64_t)id;
	return true;
}

/* The forms of a stored suggestion ([{"form": ..., "signals": [...]}]);
 * a suggestion that cannot be read suggests nothing. */
static json_t *suggested_forms(const char *suggestion)
{
	json_t *forms = json_array();
	json_t *sugg = suggestion ? json_loads(suggestion, JSON_REJECT_DUPLICATES, NULL) : NULL;
	size_t i;
	json_t *x;
	json_array_foreach(sugg, i, x)
	{
		const char *f = json_string_value(json_object_get(x, "form"));
		if (f && report_value_index(report_forms, f) >= 0)
			json_array_append_new(forms, json_string(f));
	}
	json_decref(sugg);
	return forms;
}

/* What a page's rows have in common, worked out once: the triage
 * deadline of the last date (a page is ordered by date, so most rows
 * share the row before's) and the suggested forms of the last few
 * suggestions (reports with the same ticked signals have the same
 * suggestion text; parsing it was a tenth of the inbox's CPU time). A
 * forms array is shared by the rows that have it (jansson counts its
 * references). */
#define MEMO_SUGGESTIONS 8

struct due_memo {
	char on[WORKDAYS_DATE_BUF];
	char due[WORKDAYS_DATE_BUF];
	const char *sugg[MEMO_SUGGESTIONS]; /* the rows' own strings */
	json_t *forms[MEMO_SUGGESTIONS];
	size_t nsugg;
};

static void memo_free(struct due_memo *m)
{
	for (size_t i = 0; i < m->nsugg; i++)
		json_decref(m->forms[i]);
	m->nsugg = 0;
}

/* A new reference to the suggested forms of suggestion (NULL: none). */
static json_t *forms_of(struct due_memo *m, const char *suggestion)
{
	if (!suggestion)
		return json_array();
	for (size_t i = 0; i < m->nsugg; i++)
		if (strcmp(m->sugg[i], suggestion) == 0)
			return json_incref(m->forms[i]);
	json_t *forms = suggested_forms(suggestion);
	if (forms && m->nsugg < MEMO_SUGGESTIONS) {
		m->sugg[m->nsugg] = suggestion;
		m->forms[m->nsugg++] = json_incref(forms);
	}
	return forms;
}

static const char *due_of(struct due_memo *m, const char *received_on)
{
	if (strcmp(m->on, received_on) != 0) {
		if (workdays_triage_due(received_on, m->due) != 0) {
			m->on[0] = '\0';
			return NULL;
		}
		size_t n = strnlen(received_on, sizeof m->on - 1);
		memcpy(m->on, received_on, n);
		m->on[n] = '\0';
	}
	return m->due;
}

/* Where a report's fields go: a jansson object (the inbox page, the
 * report view) or JSON text straight into a buffer (the staff API's
 * list: building and freeing a tree of a hundred objects, then dumping
 * it, was most of that answer's instructions). item_fields() below is the
 * one place that says which fields, in which order (the contract's),
 * with which values; both sinks give the same JSON. Each returns 0 or
 * -ENOMEM (text that is not UTF-8 too, as json_string() refusing it
 * did). */
struct item_sink {
	int (*str)(void *ctx, const char *key, const char *s); /* NULL: null */
	int (*flag)(void *ctx, const char *key, bool v);
	int (*list_begin)(void *ctx, const char *key);
	int (*list_str)(void *ctx, const char *s);
	int (*list_end)(void *ctx);
	int (*json)(void *ctx, const char *key, json_t *v); /* takes v's reference */
};

static const char *opt_string(const char *s)
{
	return s[0] ? s : NULL;
}

static int item_fields(const struct store_inbox_row *row, const char *today, struct due_memo *memo,
                       const struct item_sink *k, void *ctx)
{
	const struct store_report_row *r = &row->r;
	char id[STR_I64_BUF];
	str_i64(r->id, id);
	const char *due = due_of(memo, r->received_on);
	if (!due)
		return -ENOMEM;
	bool overdue = strcmp(r->status, "received") == 0 && strcmp(due, today) < 0;
	int rc = k->str(ctx, "id", id);
	rc = rc ? rc : k->str(ctx, "reference", opt_string(r->reference));
	rc = rc ? rc : k->str(ctx, "received_on", r->received_on);
	rc = rc ? rc : k->str(ctx, "kind", r->kind);
	rc = rc ? rc : k->str(ctx, "channel", r->channel);
	rc = rc ? rc : k->str(ctx, "reporter_role", r->reporter_role);
	rc = rc ? rc : k->flag(ctx, "anonymous", r->anonymous);
	rc = rc ? rc : k->flag(ctx, "acute_danger", row->acute_danger);
	rc = rc ? rc : k->list_begin(ctx, "forms");
	for (size_t i = 0; !rc && i < r->nforms; i++)
		rc = k->list_str(ctx, r->forms[i]);
	rc = rc ? rc : k->list_end(ctx);
	if (!rc) {
		json_t *sugg = forms_of(memo, row->suggestion);
		rc = sugg ? k->json(ctx, "suggested_forms", sugg) : -ENOMEM;
	}
	rc = rc ? rc : k->str(ctx, "district", opt_string(r->district));
	rc = rc ? rc : k->str(ctx, "concrete", r->concrete);
	rc = rc ? rc : k->str(ctx, "status", r->status);
	rc = rc ? rc : k->str(ctx, "outcome", r->outcome);
	rc = rc ? rc : k->str(ctx, "triage_due", due);
	rc = rc ? rc : k->flag(ctx, "overdue", overdue);
	rc = rc ? rc : k->str(ctx, "assigned_to", NULL);
	return rc;
}

/* --- into a jansson object --- */

struct tree_ctx {
	json_t *o;
	json_t *list; /* the list being filled (borrowed: o holds it) */
};

/* Sets key (a constant of this file: no check needed) to v; owns v. */
static int tree_set(struct tree_ctx *t, const char *key, json_t *v)
{
	return v && json_object_set_new_nocheck(t->o, key, v) == 0 ? 0 : -ENOMEM;
}

static int tree_str(void *ctx, const char *key, const char *s)
{
	return tree_set(ctx, key, s ? json_string(s) : json_null());
}

static int tree_flag(void *ctx, const char *key, bool v)
{
	return tree_set(ctx, key, json_boolean(v));
}

static int tree_list_begin(void *ctx, const char *key)
{
	struct tree_ctx *t = ctx;
	t->list = json_array();
	return tree_set(t, key, t->list);
}

static int tree_list_str(void *ctx, const char *s)
{
	struct tree_ctx *t = ctx;
	return json_array_append_new(t->list, json_string(s)) == 0 ? 0 : -ENOMEM;
}

static int tree_list_end(void *ctx)
{
	((struct tree_ctx *)ctx)->list = NULL;
	return 0;
}

static int tree_json(void *ctx, const char *key, json_t *v)
{
	return tree_set(ctx, key, v);
}

static const struct item_sink tree_sink = {tree_str,      tree_flag,     tree_list_begin,
                                           tree_list_str, tree_list_end, tree_json};

static json_t *item_json(const struct store_inbox_row *row, const char *today,
                         struct due_memo *memo)
{
	struct tree_ctx t = {.o = json_object()};
	if (!t.o)
		return NULL;
	if (item_fields(row, today, memo, &tree_sink, &t) != 0) {
		json_decref(t.o);
		return NULL;
	}
	return t.o;
}

/* --- as JSON text --- */

struct text_ctx {
	struct buf *b;
	bool first;      /* no field written yet */
	bool list_first; /* no element of the list written yet */
};

static int text_key(struct text_ctx *t, const char *key)
{
	bool first = t->first;
	t->first = false;
	return jsonw_key(t->b, key, first) ? -ENOMEM : 0;
}

static int text_str(void *ctx, const char *key, const char *s)
{
	struct text_ctx *t = ctx;
	return text_key(t, key) || jsonw_cstr(t->b, s) ? -ENOMEM : 0;
}

static int text_flag(void *ctx, const char *key, bool v)
{
	struct text_ctx *t = ctx;
	return text_key(t, key) || jsonw_bool(t->b, v) ? -ENOMEM : 0;
}

static int text_list_begin(void *ctx, const char *key)
{
	struct text_ctx *t = ctx;
	t->list_first = true;
	return text_key(t, key) || buf_putc(t->b, '[') ? -ENOMEM : 0;
}

static int text_list_str(void *ctx, const char *s)
{
	struct text_ctx *t = ctx;
	bool first = t->list_first;
	t->list_first = false;
	return (!first && buf_putc(t->b, ',')) || jsonw_cstr(t->b, s) ? -ENOMEM : 0;
}

static int text_list_end(void *ctx)
{
	struct text_ctx *t = ctx;
	return buf_putc(t->b, ']') ? -ENOMEM : 0;
}

static int text_json(void *ctx, const char *key, json_t *v)
{
	struct text_ctx *t = ctx;
	int rc = text_key(t, key) || jsonw_value(t->b, v) ? -ENOMEM : 0;
	json_decref(v);
	return rc;
}

static const struct item_sink text_sink = {text_str,      text_flag,     text_list_begin,
                                           text_list_str, text_list_end, text_json};

static int item_write(struct buf *b, const struct store_inbox_row *row, const char *today,
                      struct due_memo *memo)
{
	struct text_ctx t = {.b = b, .first = true};
	if (buf_putc(b, '{'))
		return -ENOMEM;
	int rc = item_fields(row, today, memo, &text_sink, &t);
	return rc ? rc : buf_putc(b, '}') ? -ENOMEM : 0;
}

json_t *inbox_item_json(const struct store_inbox_row *row, const char *today)
{
	struct due_memo memo = {.on = ""};
	json_t *o = item_json(row, today, &memo);
	memo_free(&memo);
	return o;
}

/* The page that q asks for (checked): *page (caller frees with
 * store_inbox_page_free) holds *shown reports and *more says whether a
 * next page follows, its cursor in next. */
static int read_page(struct store *s, const char *org, const struct inbox_query *q,
                     const char *today, struct store_inbox_page *page, size_t *shown, bool *more,
                     char next[CURSOR_MAX], struct inbox_error *err)
{
	struct store_inbox_filter f = {0};
	struct store_inbox_after after = {0};
	char cutoff[WORKDAYS_DATE_BUF];
	uint64_t limit = INBOX_PAGE_DEFAULT;
	if (!workdays_date_valid(today))
		return -EINVAL;
	if (given(q->status)) {
		if (report_value_index(report_statuses, q->status) < 0)
			return bad(err, "status", _("Kies een van de statussen."));
		f.status = q->status;
	}
	if (given(q->form)) {
		if (report_value_index(report_forms, q->form) < 0)
			return bad(err, "form", _("Kies een van de vormen van uitbuiting."));
		f.form = q->form;
	}
	if (given(q->district)) {
		if (strlen(q->district) > NAME_MAX_LEN ||
		    !str_text_valid(q->district, strlen(q->district), false))
			return bad(err, "district", _("Kies een van de wijken."));
		f.district = q->district;
	}
	if (given(q->overdue)) {
		if (strcmp(q->overdue, "yes") != 0)
			return bad(err, "overdue", _("Gebruik overdue=yes, of laat het weg."));
		if (workdays_overdue_cutoff(today, cutoff) != 0)
			return -EINVAL;
		f.received_by = cutoff;
	}
	if (q->limit && str_parse_u64(q->limit, 1, INBOX_PAGE_MAX, &limit) != 0)
		return bad(err, "limit", _("Geef een getal van 1 tot en met 1000."));
	if (given(q->after) && !cursor_decode(q->after, &after))
		return bad(
		    err, "after",
		    _("Deze plek in de lijst bestaat niet. Begin opnieuw bij de eerste pagina."));

	/* One more than asked: whether a next page follows. */
	int rc = store_inbox_page(s, org, &f, &after, (size_t)limit + 1, page);
	if (rc)
		return rc;
	*more = page->n > limit;
	*shown = *more ? (size_t)limit : page->n;
	if (*more && cursor_encode(&page->rows[*shown - 1], next) != 0) {
		store_inbox_page_free(page);
		return -ENOMEM;
	}
	return 0;
}

int inbox_list(struct store *s, const char *org, const struct inbox_query *q, const char *today,
               json_t **out, struct inbox_error *err)
{
	*out = NULL;
	struct store_inbox_page page = {0};
	size_t shown;
	bool more;
	char next[CURSOR_MAX];
	int rc = read_page(s, org, q, today, &page, &shown, &more, next, err);
	if (rc)
		return rc;
	json_t *list = json_array();
	struct due_memo memo = {.on = ""};
	for (size_t i = 0; list && i < shown; i++) {
		json_t *x = item_json(&page.rows[i], today, &memo);
		if (!x || json_array_append_new(list, x) != 0) {
			json_decref(list);
			list = NULL;
		}
	}
	memo_free(&memo);
	store_inbox_page_free(&page);
	if (!list)
		return -ENOMEM;
	*out = json_pack("{s:o, s:s?}", "reports", list, "next", more ? next : NULL);
	return *out ? 0 : -ENOMEM;
}

int inbox_list_write(struct store *s, const char *org, const struct inbox_query *q,
                     const char *today, struct buf *out, struct inbox_error *err)
{
	struct store_inbox_page page = {0};
	size_t shown;
	bool more;
	char next[CURSOR_MAX];
	int rc = read_page(s, org, q, today, &page, &shown, &more, next, err);
	if (rc)
		return rc;
	/* About 370 bytes a report: one reservation for most pages. */
	rc = buf_reserve(out, 64 + shown * 400) || buf_puts(out, "{\"reports\":[") ? -ENOMEM : 0;
	struct due_memo memo = {.on = ""};
	for (size_t i = 0; !rc && i < shown; i++) {
		if (i && buf_putc(out, ','))
			rc = -ENOMEM;
		else
			rc = item_write(out, &page.rows[i], today, &memo);
	}
	memo_free(&memo);
	store_inbox_page_free(&page);
	if (!rc && (buf_puts(out, "],\"next\":") || jsonw_cstr(out, more ? next : NULL) ||
	            buf_putc(out, '}')))
		rc = -ENOMEM;
	return rc;
}
