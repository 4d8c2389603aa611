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
		snprintf(m->on, sizeof m->on, "%s", received_on);
	}
	return m->due;
}

/* Sets key (a constant of this file: no check needed) to v, or to null
 * when v is NULL; false when out of memory. json_string checks that the
 * stored text is UTF-8. */
static bool put(json_t *o, const char *key, json_t *v)
{
	return v && json_object_set_new_nocheck(o, key, v) == 0;
}

static json_t *opt_string(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

static json_t *item_json(const struct store_inbox_row *row, const char *today,
                         struct due_memo *memo)
{
	const struct store_report_row *r = &row->r;
	char id[24];
	snprintf(id, sizeof id, "%" PRId64, r->id);
	const char *due = due_of(memo, r->received_on);
	if (!due)
		return NULL;
	json_t *forms = json_array();
	for (size_t i = 0; forms && i < r->nforms; i++)
		if (json_array_append_new(forms, json_string(r->forms[i])) != 0) {
			json_decref(forms);
			forms = NULL;
		}
	bool overdue = strcmp(r->status, "received") == 0 && strcmp(due, today) < 0;
	/* Set one by one rather than by json_pack, whose format string is
	 * parsed anew for every row (a fifth of the inbox's CPU time). The
	 * order of the keys is the contract's. */
	json_t *o = json_object();
	bool ok = o && put(o, "id", json_string_nocheck(id)) &&
	          put(o, "reference", opt_string(r->reference)) &&
	          put(o, "received_on", json_string(r->received_on)) &&
	          put(o, "kind", json_string(r->kind)) &&
	          put(o, "channel", json_string(r->channel)) &&
	          put(o, "reporter_role", json_string(r->reporter_role)) &&
	          put(o, "anonymous", json_boolean(r->anonymous)) &&
	          put(o, "acute_danger", json_boolean(row->acute_danger));
	if (!ok)
		json_decref(forms);
	/* put() owns forms from here on, set or not. */
	ok = ok && put(o, "forms", forms) &&
	     put(o, "suggested_forms", forms_of(memo, row->suggestion)) &&
	     put(o, "district", opt_string(r->district)) &&
	     put(o, "concrete", json_string(r->concrete)) &&
	     put(o, "status", json_string(r->status)) &&
	     put(o, "outcome", json_string(r->outcome)) &&
	     put(o, "triage_due", json_string_nocheck(due)) &&
	     put(o, "overdue", json_boolean(overdue)) && put(o, "assigned_to", json_null());
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *inbox_item_json(const struct store_inbox_row *row, const char *today)
{
	struct due_memo memo = {.on = ""};
	json_t *o = item_json(row, today, &memo);
	memo_free(&memo);
	return o;
}

int inbox_list(struct store *s, const char *org, const struct inbox_query *q, const char *today,
               json_t **out, struct inbox_error *err)
{
	*out = NULL;
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

	struct store_inbox_page page = {0};
	/* One more than asked: whether a next page follows. */
	int rc = store_inbox_page(s, org, &f, &after, (size_t)limit + 1, &page);
	if (rc)
		return rc;
	bool more = page.n > limit;
	size_t shown = more ? (size_t)limit : page.n;
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
	char next[CURSOR_MAX];
	if (list && more && cursor_encode(&page.rows[shown - 1], next) != 0) {
		json_decref(list);
		list = NULL;
	}
	store_inbox_page_free(&page);
	if (!list)
		return -ENOMEM;
	*out = json_pack("{s:o, s:s?}", "reports", list, "next", more ? next : NULL);
	return *out ? 0 : -ENOMEM;
}
