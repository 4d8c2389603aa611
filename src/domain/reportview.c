/* reportview: see reportview.h. */
#include "domain/reportview.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/seal.h"
#include "domain/history.h"
#include "domain/inbox.h"
#include "domain/sealed.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/jsonw.h"
#include "util/log.h"
#include "util/str.h"

struct report_reader {
	struct seal_key seal;
};

int report_reader_new(const unsigned char master[32], struct report_reader **out)
{
	*out = NULL;
	struct report_reader *rr = calloc(1, sizeof *rr);
	if (!rr)
		return -ENOMEM;
	int rc = seal_key_derive(master, &rr->seal);
	if (rc) {
		free(rr);
		return rc;
	}
	*out = rr;
	return 0;
}

void report_reader_free(struct report_reader *rr)
{
	if (!rr)
		return;
	seal_key_wipe(&rr->seal);
	free(rr);
}

/* The personal fields a report may hold, in the contract's names; each
 * is copied from the opened object when there (since, safety and
 * professional: report_personal_extra, issue 8). */
static const char *const personal_keys[] = {"description", "place", "when",   "people",
                                            "contact",     "since", "safety", "professional"};

static int add_personal(struct report_reader *rr, const struct store_report_full *r,
                        const struct store_report_extra *x, json_t *o)
{
	json_t *fields = NULL;
	if (r->sealed) {
		int rc =
		    sealed_report_json(&rr->seal, r->row.r.id, r->sealed, r->sealed_len, &fields);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < sizeof personal_keys / sizeof personal_keys[0]; i++) {
		json_t *v = fields ? json_object_get(fields, personal_keys[i]) : NULL;
		if (json_object_set(o, personal_keys[i], v ? v : json_null())) {
			json_decref(fields);
			return -ENOMEM;
		}
	}
	json_decref(fields);
	json_t *list = json_array();
	int rc =
	    list ? sealed_messages_json(&rr->seal, r->row.r.id, x->msgs, x->nmsgs, list) : -ENOMEM;
	if (!rc && json_object_set_new(o, "messages", list) == 0)
		return 0;
	if (!rc)
		return -ENOMEM;
	json_decref(list);
	return rc;
}

/* Everything of the view but its history (domain/history.h, read with
 * the report): *out (caller owns), and hr, whose history_end or
 * history_end_write the caller owes when this returns 0, with received
 * (the receipt's time, or its date) and *total (the report's audit
 * entries in all). */
static int view_make(struct report_reader *rr, struct store *s, const char *org,
                     const char *id_text, bool personal, const char *today, json_t **out,
                     struct history_read *hr, char received[STORE_TIME_LEN + 1], int64_t *total)
{
	*out = NULL;
	uint64_t id;
	/* Not a report id at all is not found either: the answer says no
	 * more than that. */
	if (!id_text || str_parse_u64(id_text, 1, INT64_MAX, &id) != 0)
		return REPORTVIEW_NOT_FOUND;
	struct store_report_full r = {0};
	/* The report, its forms and signals, its messages (with personal
	 * data only) and its history in one round trip. */
	struct store_report_extra x = {.messages = personal};
	int rc = history_begin(hr, (int64_t)id, &x);
	if (rc)
		return rc;
	rc = store_report_read(s, org, (int64_t)id, &r, &x);
	if (rc) {
		history_end(hr, rc, NULL, 0, &(json_t *){NULL}, &(int64_t){0});
		return rc == STORE_NOT_FOUND ? REPORTVIEW_NOT_FOUND : rc > 0 ? -EIO : rc;
	}
	json_t *o = inbox_item_json(&r.row, today);
	json_t *signals = json_array();
	json_t *sugg = r.row.suggestion ? json_loads(r.row.suggestion, 0, NULL) : NULL;
	/* A stored suggestion that is not a list is none, not a failed view. */
	if (r.row.suggestion && !json_is_array(sugg)) {
		log_warn("report %" PRIu64 ": its stored suggestion is not a list; shown as none",
		         id);
		json_decref(sugg);
		sugg = NULL;
	}
	sugg = sugg ? sugg : json_array();
	/* What the reporter told that is no personal data (reporter state,
	 * sector, involved organisations, safety answers, each person's role
	 * and minor): shown to every reader of the report. */
	json_t *details = r.details ? json_loads(r.details, 0, NULL) : NULL;
	rc = o && signals && sugg ? 0 : -ENOMEM;
	for (size_t i = 0; !rc && i < r.nsignals; i++)
		if (json_array_append_new(signals, json_string(r.signals[i])))
			rc = -ENOMEM;
	if (!rc &&
	    (json_object_set(o, "signals", signals) || json_object_set(o, "suggestion", sugg) ||
	     json_object_set(o, "details", details ? details : json_null()) ||
	     json_object_set_new(o, "received_at",
	                         r.received_at[0] ? json_string(r.received_at) : json_null())))
		rc = -ENOMEM;
	if (!rc && personal)
		rc = add_personal(rr, &r, &x, o);
	if (!rc) {
		const char *when = r.received_at[0] ? r.received_at : r.row.r.received_on;
		size_t n = strnlen(when, STORE_TIME_LEN);
		memcpy(received, when, n);
		received[n] = '\0';
		*total = x.history_total;
	} else {
		history_end(hr, rc, NULL, 0, &(json_t *){NULL}, &(int64_t){0});
	}
	store_messages_free(x.msgs, x.nmsgs);
	json_decref(signals);
	json_decref(sugg);
	json_decref(details);
	store_report_full_free(&r);
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

int report_view(struct report_reader *rr, struct store *s, const char *org, const char *id_text,
                bool personal, const char *today, json_t **out)
{
	struct history_read hr;
	char received[STORE_TIME_LEN + 1];
	int64_t total = 0;
	json_t *o = NULL;
	int rc = view_make(rr, s, org, id_text, personal, today, &o, &hr, received, &total);
	if (rc)
		return rc;
	json_t *h = NULL;
	int64_t more = 0;
	rc = history_end(&hr, 0, received, total, &h, &more);
	if (!rc && (json_object_set_new(o, "history", h) ||
	            json_object_set_new(o, "history_more", json_integer((json_int_t)more))))
		rc = -ENOMEM;
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

int report_view_write(struct report_reader *rr, struct store *s, const char *org,
                      const char *id_text, bool personal, const char *today, struct buf *out,
                      char id[REPORTVIEW_ID_BUF])
{
	struct history_read hr;
	char received[STORE_TIME_LEN + 1];
	int64_t total = 0;
	json_t *o = NULL;
	int rc = view_make(rr, s, org, id_text, personal, today, &o, &hr, received, &total);
	if (rc)
		return rc;
	const char *oid = json_string_value(json_object_get(o, "id"));
	if (!oid || strlen(oid) >= REPORTVIEW_ID_BUF) {
		rc = -EIO;
	} else {
		memcpy(id, oid, strlen(oid) + 1);
		/* The object without its closing brace, then the history as
		 * report_view sets it last: the same bytes as its dump. The
		 * history, a hundred small objects, is never a tree. */
		rc = jsonw_value(out, o) ? -ENOMEM : 0;
	}
	json_decref(o);
	if (rc) {
		history_end(&hr, rc, NULL, 0, &(json_t *){NULL}, &(int64_t){0});
		return rc;
	}
	out->data[--out->len] = '\0'; /* the object's "}" */
	int64_t more = 0;
	rc = buf_puts(out, ",\"history\":") ? -ENOMEM : 0;
	rc = history_end_write(&hr, rc, received, total, out, &more);
	if (!rc &&
	    (buf_puts(out, ",\"history_more\":") || jsonw_int(out, more) || buf_putc(out, '}')))
		rc = -ENOMEM;
	return rc;
}
