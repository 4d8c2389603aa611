/* follow: following up a report with its receipt, /volgen (see pages.h).
 *
 * GET asks for the receipt. A POST with a receipt shows the status in
 * plain words and the conversation, and offers a text box to add
 * information; that POST carries the receipt again in a hidden field,
 * acceptable because every page is sent with Cache-Control: no-store.
 *
 * Guessing receipts is throttled in memory per source (http/throttle.h:
 * receipt_guard, shared with the API), never by storing addresses. Only
 * wrong receipts count, and only against the source that sent them, so
 * nobody can lock another reporter out from elsewhere. While a source must
 * wait, its receipts are not looked up at all and the page says why and
 * when to try again. A malformed and an unknown receipt get the same
 * words. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "domain/intake.h"
#include "domain/report.h"
#include "http/throttle.h"
#include "pages/formkit.h"
#include "pages/pages.h"
#include "pages/site.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/str.h"

static const char *const wrong_receipt =
    _("We vinden geen melding bij dit bonnetje. Controleer de tekens en probeer het opnieuw. "
      "Let op: je bonnetje heeft 16 tekens, in groepjes van 4.");

/* What the page shows besides the form. */
struct follow_view {
	const char *receipt_error; /* msgid */
	const char *message_error; /* msgid */
	unsigned wrong_wait;       /* too many wrong receipts from here: seconds */
	bool session_expired;
	bool added;      /* a message was just added */
	bool closed;     /* adding failed: the report is closed */
	bool not_stored; /* adding failed: storing failed (a full disk, ...) */
};

static int render(struct req *req, struct resp *resp, int status, const char *tmpl, json_t *d,
                  bool ok)
{
	int rc = ok && d ? page_render(req, resp, status, tmpl, d) : -ENOMEM;
	json_decref(d);
	return rc;
}

static json_t *base_data(struct req *req, struct resp *resp, const struct follow_view *v, bool *ok)
{
	json_t *d = json_object();
	*ok = fk_put(d, "title", json_string(page_tr(req, _("Je melding volgen"))));
	*ok = *ok && fk_put(d, "here", json_pack("{s:b}", "follow", 1));
	*ok = *ok && page_csrf(req, resp, d) == 0;
	*ok = *ok && fk_put(d, "session_expired", json_boolean(v && v->session_expired));
	*ok = *ok && fk_put(d, "busy", json_false());
	/* Not the form alert's retry_text: that one speaks of too much sent,
	 * here it is wrong receipts from this network. */
	if (*ok && v && v->wrong_wait)
		*ok = fk_put(d, "wrong_wait_text", fk_wait_text(req, v->wrong_wait));
	return d;
}

/* The receipt form (GET, and a wrong or throttled receipt). */
static int ask(struct req *req, struct resp *resp, int status, const struct follow_view *v)
{
	bool ok;
	json_t *d = base_data(req, resp, v, &ok);
	const char *err = v ? v->receipt_error : NULL;
	const char *typed = req->method == HTTP_POST ? req_form(req, "receipt") : NULL;
	ok = ok && fk_put(d, "receipt",
	                  fk_text_field(
	                      "receipt", "receipt", page_tr(req, _("Je bonnetje")),
	                      page_tr(req, _("16 tekens, bijvoorbeeld 7KQ4-M2XD-9TPH-3WCV. "
	                                     "Hoofdletters en streepjes maken niet uit.")),
	                      err ? page_tr(req, err) : NULL, typed, "text", "off", false, true));
	/* Information typed to add, when adding failed before the lookup
	 * (an expired session, a wait): kept, and sent along next time. */
	const char *msg = req->method == HTTP_POST ? req_form(req, "message") : NULL;
	if (ok && msg && msg[0])
		ok = fk_put(d, "message",
		            fk_text_field("message", "message",
		                          page_tr(req, _("Wat je wilde toevoegen")),
		                          page_tr(req, _("Dit versturen we mee als je je bonnetje "
		                                         "opnieuw verstuurt.")),
		                          NULL, msg, "text", "off", true, false));
	json_t *errors = json_array();
	if (ok && err)
		ok = fk_append(errors, json_pack("{s:s, s:s}", "target", "receipt", "message",
		                                 page_tr(req, err)));
	ok = fk_put(d, "errors", errors) && ok;
	ok = ok && fk_put(d, "has_errors", json_boolean(err != NULL));
	return render(req, resp, status, "follow", d, ok);
}

/* The status of a report in plain words, and what it means. */
static void status_words(const char *status, const char **name, const char **explain)
{
	if (str_eq(status, "assessing")) {
		*name = _("Wordt beoordeeld");
		*explain = _("Een deskundige kijkt naar je melding. We bekijken wat er nodig is.");
	} else if (str_eq(status, "investigating") || str_eq(status, "referred")) {
		*name = _("Wordt behandeld");
		*explain = _("Er wordt iets gedaan met je melding. Soms geven we hem door aan een "
		             "andere organisatie die beter kan helpen.");
	} else if (str_eq(status, "closed")) {
		*name = _("Afgesloten");
		*explain = _("We hebben je melding afgehandeld. Je kunt geen informatie meer "
		             "toevoegen. Heb je nieuwe zorgen? Doe dan een nieuwe melding.");
	} else {
		*name = _("Ontvangen");
		*explain = _("We hebben je melding ontvangen. Binnen 5 werkdagen kijkt een "
		             "deskundige ernaar.");
	}
}

/* "2026-11-22T10:00:00Z" shown as "22-11-2026 11:00" in the server's
 * time zone, and a date alone (a reporter's message keeps no time of day)
 * as "22-11-2026"; the raw value stays in <time datetime>. */
static json_t *date_text(const char *iso)
{
	struct tm tm = {0};
	const char *end = iso ? strptime(iso, "%Y-%m-%d", &tm) : NULL;
	char out[32];
	if (end && *end == '\0') {
		if (!strftime(out, sizeof out, "%d-%m-%Y", &tm))
			return json_string(iso);
		return json_string(out);
	}
	end = end ? strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (!end)
		return json_string(iso ? iso : "");
	time_t t = timegm(&tm);
	struct tm local;
	if (!localtime_r(&t, &local) || !strftime(out, sizeof out, "%d-%m-%Y %H:%M", &local))
		return json_string(iso);
	return json_string(out);
}

/* The conversation for the page: [{handler, reporter, at, at_text, text}]. */
static json_t *conversation(const json_t *messages)
{
	json_t *out = json_array();
	size_t i;
	const json_t *m;
	json_array_foreach(messages, i, m)
	{
		const char *author = json_string_value(json_object_get(m, "author"));
		const char *at = json_string_value(json_object_get(m, "at"));
		json_t *x = json_pack("{s:b, s:s, s:O?}", "handler", str_eq(author, "handler"),
		                      "at", at ? at : "", "text", json_object_get(m, "text"));
		if (!fk_put(x, "at_text", date_text(at)) || !fk_append(out, x)) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* The status page of a found report. */
static int show(struct req *req, struct resp *resp, int status, const char *receipt,
                const json_t *found, const struct follow_view *v)
{
	bool ok;
	json_t *d = base_data(req, resp, v, &ok);
	const char *st = json_string_value(json_object_get(found, "status"));
	const char *name, *explain;
	status_words(st, &name, &explain);
	bool closed = str_eq(st, "closed") || (v && v->closed);
	const json_t *msgs = json_object_get(found, "messages");
	ok = ok && fk_put(d, "receipt_value", json_string(receipt));
	ok = ok && fk_put(d, "status_name", json_string(page_tr(req, name)));
	ok = ok && fk_put(d, "status_explain", json_string(page_tr(req, explain)));
	ok = ok && fk_put(d, "advice",
	                  json_boolean(
	                      str_eq(json_string_value(json_object_get(found, "kind")), "advice")));
	ok = ok && fk_put(d, "messages", conversation(msgs));
	ok = ok && fk_put(d, "has_messages", json_boolean(json_array_size(msgs) > 0));
	ok = ok && fk_put(d, "closed", json_boolean(closed));
	ok = ok && fk_put(d, "added", json_boolean(v && v->added));
	ok = ok &&
	     fk_put(d, "message_not_stored",
	            v && v->not_stored ? fk_wait_text(req, INTAKE_FAULT_RETRY_S) : json_false());
	const char *err = v ? v->message_error : NULL;
	/* After adding, the box is empty again; after an error it keeps the
	 * text. */
	const char *typed = v && v->added ? NULL : req_form(req, "message");
	ok = ok && fk_put(d, "message",
	                  fk_text_field(
	                      "message", "message",
	                      page_tr(req, _("Wil je iets toevoegen of een vraag beantwoorden?")),
	                      page_tr(req, _("Schrijf het hier. Noem geen namen als je dat "
	                                     "niet wilt. Hoogstens 5.000 tekens.")),
	                      err ? page_tr(req, err) : NULL, typed, "text", "off", true, true));
	json_t *errors = json_array();
	if (ok && err)
		ok = fk_append(errors, json_pack("{s:s, s:s}", "target", "message", "message",
		                                 page_tr(req, err)));
	ok = fk_put(d, "errors", errors) && ok;
	ok = ok && fk_put(d, "has_errors", json_boolean(err != NULL));
	return render(req, resp, status, "follow-status", d, ok);
}

/* This source sent too many wrong receipts: the page says that, and when
 * to try again; nothing was looked up. */
static int too_many(struct req *req, struct resp *resp, unsigned wait)
{
	int rc = fk_retry_after(resp, wait);
	return rc ? rc
	          : ask(req, resp, 429,
	                &(struct follow_view){.wrong_wait = wait,
	                                      .receipt_error =
	                                          _("Vanaf dit netwerk zijn te vaak verkeerde "
	                                            "bonnetjes ingevuld. Probeer het later "
	                                            "opnieuw.")});
}

static int follow_post(struct req *req, struct resp *resp)
{
	struct site *site = req->site;
	const char *typed = req_form(req, "receipt");
	bool adding = req_form(req, "message") != NULL;
	if (!page_csrf_ok(req)) {
		/* Without a valid token nothing is looked up; what was typed
		 * stays in the form. */
		return ask(req, resp, 403, &(struct follow_view){.session_expired = true});
	}
	if (!typed || !typed[0])
		return ask(req, resp, 400,
		           &(struct follow_view){.receipt_error = _("Vul je bonnetje in.")});
	/* Bytes that are not text cannot be a receipt: said as it is, and
	 * no receipt is looked up. */
	if (!str_text_valid(typed, strlen(typed), false))
		return ask(req, resp, 400,
		           &(struct follow_view){
		               .receipt_error = _("In je bonnetje staan tekens die we niet kunnen "
		                                  "lezen. Een bonnetje heeft alleen letters, "
		                                  "cijfers en streepjes.")});
	/* Asked for every receipt, right or wrong, before the look-up. */
	unsigned char src[16];
	throttle_client_key(req, src);
	unsigned wait = receipt_guard_wait(site->follow_guard, src);
	if (wait)
		return too_many(req, resp, wait);
	if (!site->intake) {
		log_error("intake: not started");
		page_error(req, resp, 503);
		return 0;
	}

	json_t *found = NULL;
	int rc = intake_follow(site->intake, typed, &found);
	if (rc == INTAKE_NOT_FOUND) {
		/* A malformed receipt was not looked up: it costs no try. */
		char canon[RECEIPT_TEXT_LEN + 1];
		if (receipt_normalise(typed, canon))
			receipt_guard_wrong(site->follow_guard, src);
		sodium_memzero(canon, sizeof canon);
		return ask(req, resp, 400, &(struct follow_view){.receipt_error = wrong_receipt});
	}
	if (rc)
		return rc < 0 ? rc : -EIO;

	struct follow_view v = {0};
	if (adding) {
		const char *typed_msg = req_form(req, "message");
		char *msg = NULL;
		v.message_error =
		    report_message_check(typed_msg, typed_msg ? strlen(typed_msg) : 0, &msg);
		if (!v.message_error && !msg) {
			json_decref(found);
			return -ENOMEM;
		}
		if (!v.message_error) {
			rc = intake_add_message(site->intake, typed, msg);
			free(msg);
			if (rc == INTAKE_CLOSED) {
				v.closed = true;
				v.message_error =
				    _("Deze melding is afgesloten. Je kunt geen informatie "
				      "meer toevoegen.");
			} else if (rc == INTAKE_BUSY) {
				v.message_error =
				    _("Het is nu erg druk. Je tekst is nog niet verstuurd. "
				      "Probeer het over een minuut opnieuw.");
			} else if (rc < 0) {
				/* Not stored (a full disk, ...): said as such, with
				 * the text still in the box; the log and /healthz
				 * tell the operator why. */
				v.not_stored = true;
				rc = fk_retry_after(resp, INTAKE_FAULT_RETRY_S);
				if (rc) {
					json_decref(found);
					return rc;
				}
			} else if (rc) {
				json_decref(found);
				return -EIO;
			} else {
				v.added = true;
				/* Show the conversation with the new message. */
				json_decref(found);
				found = NULL;
				rc = intake_follow(site->intake, typed, &found);
				if (rc) {
					json_decref(found);
					return rc < 0 ? rc : -EIO;
				}
			}
		}
	}
	char canon[RECEIPT_TEXT_LEN + 1];
	if (!receipt_normalise(typed, canon))
		snprintf(canon, sizeof canon, "%s", "");
	int status = v.not_stored ? 503 : v.message_error ? 400 : 200;
	rc = show(req, resp, status, canon[0] ? canon : typed, found, &v);
	json_decref(found);
	return rc;
}

int page_follow(struct req *req, struct resp *resp)
{
	if (req->method != HTTP_POST)
		return ask(req, resp, 200, NULL);
	return follow_post(req, resp);
}
