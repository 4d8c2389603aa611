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

/* A cursor is "YYYY-MM-DD:<id>" in URL-safe base64: opaque to clients,
 * which must only hand it back. It is no secret: it names a place in the
 * order, and the organisation's filter applies whatever it says. */
#define CURSOR_PLAIN_MAX (STORE_DATE_LEN + 1 + 20)
#define CURSOR_MAX       64

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
	int len = snprintf(plain, sizeof plain, "%s:%" PRId64, last->r.received_on, last->r.id);
	if (len < 0 || (size_t)len >= sizeof plain)
		return -EIO;
	sodium_bin2base64(out, CURSOR_MAX, (const unsigned char *)plain, (size_t)len,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

static bool cursor_decode(const char *s, struct store_inbox_after *after)
{
	unsigned char plain[CURSOR_PLAIN_MAX + 1];
	size_t len;
	if (strlen(s) >= CURSOR_MAX ||
	    sodium_base642bin(plain, CURSOR_PLAIN_MAX, s, strlen(s), NULL, &len, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len < STORE_DATE_LEN + 2 || plain[STORE_DATE_LEN] != ':')
		return false;
	plain[len] = '\0';
	memcpy(after->received_on, plain, STORE_DATE_LEN);
	after->received_on[STORE_DATE_LEN] = '\0';
	uint64_t id;
	if (!workdays_date_valid(after->received_on) ||
	    str_parse_u64((const char *)plain + STORE_DATE_LEN + 1, 1, INT64_MAX, &id) != 0)
		return false;
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

json_t *inbox_item_json(const struct store_inbox_row *row, const char *today)
{
	const struct store_report_row *r = &row->r;
	char id[24], due[WORKDAYS_DATE_BUF];
	snprintf(id, sizeof id, "%" PRId64, r->id);
	if (workdays_triage_due(r->received_on, due) != 0)
		return NULL;
	json_t *forms = json_array();
	for (size_t i = 0; i < r->nforms; i++)
		json_array_append_new(forms, json_string(r->forms[i]));
	bool overdue = strcmp(r->status, "received") == 0 && strcmp(due, today) < 0;
	return json_pack(
	    "{s:s, s:s?, s:s, s:s, s:s, s:s, s:b, s:b, s:o, s:o, s:s?, s:s, s:s, s:s, "
	    "s:s, s:b, s:n}",
	    "id", id, "reference", r->reference[0] ? r->reference : NULL, "received_on",
	    r->received_on, "kind", r->kind, "channel", r->channel, "reporter_role",
	    r->reporter_role, "anonymous", r->anonymous, "acute_danger", row->acute_danger, "forms",
	    forms, "suggested_forms", suggested_forms(row->suggestion), "district",
	    r->district[0] ? r->district : NULL, "concrete", r->concrete, "status", r->status,
	    "outcome", r->outcome, "triage_due", due, "overdue", overdue, "assigned_to");
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
	for (size_t i = 0; list && i < shown; i++) {
		json_t *x = inbox_item_json(&page.rows[i], today);
		if (!x || json_array_append_new(list, x) != 0) {
			json_decref(list);
			list = NULL;
		}
	}
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
