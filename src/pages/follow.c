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
 * words.
 *
 * The steps themselves are the domain's (domain/followup.h), the same as
 * the API's; this file reads the form by its field table, which also draws
 * the fields, and says each result on the page. A busy database is "try
 * again" (503, Retry-After) with the typed text still in its box. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "domain/draft.h"
#include "domain/followup.h"
#include "domain/intake.h"
#include "http/throttle.h"
#include "http/validate.h"
#include "pages/formkit.h"
#include "pages/pages.h"
#include "pages/page.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/str.h"

static const char *const wrong_receipt =
    _("We vinden geen melding bij dit bonnetje. Controleer de tekens en probeer het opnieuw. "
      "Let op: je bonnetje heeft 16 tekens, in groepjes van 4.");

enum {
	FF_RECEIPT,
	FF_MESSAGE,
	FF_SUBMISSION,
	FF_NFIELDS
};

/* FF_SUBMISSION's rule: the hex digits of a one-time id (status()). */
static bool is_submission(void *ctx, const char *v)
{
	(void)ctx;
	return strlen(v) == 2 * FOLLOW_SUBMISSION_BYTES &&
	       str_is_id(v, 2 * FOLLOW_SUBMISSION_BYTES);
}

/* The form's fields, for reading them and for drawing them. The receipt's
 * own rules (its spelling, whether it is a report's) and the message's
 * (characters, not bytes; readied) are the domain's (domain/followup.h),
 * the same for the API. */
static const struct field_spec follow_fields[FF_NFIELDS] = {
    [FF_RECEIPT] = {.name = "receipt",
                    .type = FT_TEXT,
                    .required = true,
                    .missing = _("Vul je bonnetje in."),
                    .invalid = _("In je bonnetje staan tekens die we niet kunnen lezen. Een "
                                 "bonnetje heeft alleen letters, cijfers en streepjes."),
                    .label = _("Je bonnetje"),
                    .hint = _("16 tekens, bijvoorbeeld 7KQ4-M2XD-9TPH-3WCV. "
                              "Hoofdletters en streepjes maken niet uit."),
                    .autocomplete = "off"},
    /* Required where it is a box to add (a POST without it only looks
     * up; sent but empty, it is a message without text, which the domain
     * refuses). */
    [FF_MESSAGE] = {.name = "message",
                    .type = FT_DOMAIN_TEXT,
                    .required = true,
                    .multiline = true,
                    .label = _("Wil je iets toevoegen of een vraag beantwoorden?"),
                    .hint = _("Schrijf het hier. Noem geen namen als je dat niet wilt. "
                              "Hoogstens 5.000 tekens."),
                    .autocomplete = "off"},
    /* The add form's one-time id (hidden): one that is not ours is no
     * id, so a message sent with it is added as before the id. */
    [FF_SUBMISSION] = {.name = "submission", .type = FT_CHOICE, .check = is_submission},
};

/* What the page shows besides the form. */
struct follow_view {
	const struct field_value *vals; /* the form as read (NULL on GET) */
	const char *receipt_error;      /* msgid */
	const char *message_error;      /* msgid */
	unsigned wrong_wait;            /* too many wrong receipts from here: seconds */
	bool session_expired;
	bool added;      /* a message was just added */
	bool closed;     /* adding failed: the report is closed */
	bool busy;       /* busy (the database): nothing stored, try again */
	bool not_stored; /* adding failed: storing failed (a full disk, ...) */
};

static int render(struct req *req, struct resp *resp, int status, const char *tmpl, json_t *d,
                  bool ok)
{
	int rc = ok && d ? page_render(req, resp, status, tmpl, d) : -ENOMEM;
	json_decref(d);
	return rc;
}

/* The value of field i as sent, to show back; NULL when not sent. */
static const char *typed(const struct follow_view *v, size_t i)
{
	return v && v->vals && v->vals[i].sent ? v->vals[i].text : NULL;
}

static json_t *base_data(struct req *req, struct resp *resp, const struct follow_view *v, bool *ok)
{
	json_t *d = json_object();
	*ok = fk_put(d, "title", json_string(page_tr(req, _("Je melding volgen"))));
	*ok = *ok && fk_put(d, "here", json_pack("{s:b}", "follow", 1));
	*ok = *ok && page_csrf(req, resp, d) == 0;
	*ok = *ok && fk_put(d, "session_expired", json_boolean(v && v->session_expired));
	/* The form alert's "busy": nothing was stored, everything typed is
	 * still here, try again in a minute. */
	*ok = *ok && fk_put(d, "busy", json_boolean(v && v->busy));
	/* Not the form alert's retry_text: that one speaks of too much sent,
	 * here it is wrong receipts from this network. */
	if (*ok && v && v->wrong_wait)
		*ok = fk_put(d, "wrong_wait_text", site_wait_text(req, v->wrong_wait));
	return d;
}

/* The receipt form (GET, and a wrong, throttled or busy receipt). */
static int ask(struct req *req, struct resp *resp, int status, const struct follow_view *v)
{
	bool ok;
	json_t *d = base_data(req, resp, v, &ok);
	const char *err = v ? v->receipt_error : NULL;
	ok =
	    ok && fk_put(d, "receipt",
	                 fk_spec_field(req, &follow_fields[FF_RECEIPT], typed(v, FF_RECEIPT), err));
	/* Information typed to add, when adding failed before the lookup
	 * (an expired session, a wait, a busy database): kept, and sent
	 * along next time. */
	const char *msg = typed(v, FF_MESSAGE);
	if (ok && msg && msg[0]) {
		struct field_spec kept = follow_fields[FF_MESSAGE];
		kept.label = _("Wat je wilde toevoegen");
		kept.hint = _("Dit versturen we mee als je je bonnetje opnieuw verstuurt.");
		kept.required = false;
		ok = fk_put(d, "message", fk_spec_field(req, &kept, msg, NULL));
	}
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
	/* A one-time id per form: a reload or a second tap adds the message
	 * once (follow_post). */
	unsigned char raw[FOLLOW_SUBMISSION_BYTES];
	char sub[2 * sizeof raw + 1];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(sub, sizeof sub, raw, sizeof raw);
	ok = ok && fk_put(d, "submission", json_string(sub));
	ok = ok &&
	     fk_put(d, "message_not_stored",
	            v && v->not_stored ? site_wait_text(req, INTAKE_FAULT_RETRY_S) : json_false());
	const char *err = v ? v->message_error : NULL;
	/* After adding, the box is empty again; after an error it keeps the
	 * text. */
	ok = ok && fk_put(d, "message",
	                  fk_spec_field(req, &follow_fields[FF_MESSAGE],
	                                v && v->added ? NULL : typed(v, FF_MESSAGE), err));
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
static int too_many(struct req *req, struct resp *resp, struct follow_view *v, unsigned wait)
{
	int rc = site_retry_after(resp, wait);
	v->wrong_wait = wait;
	v->receipt_error = _("Vanaf dit netwerk zijn te vaak verkeerde bonnetjes ingevuld. "
	                     "Probeer het later opnieuw.");
	return rc ? rc : ask(req, resp, 429, v);
}

static int follow_post(struct req *req, struct resp *resp)
{
	struct site *site = req->site;
	struct field_value vals[FF_NFIELDS];
	struct field_error errs[FF_NFIELDS];
	size_t nerr =
	    validate_fields(req->form, req->nform, follow_fields, FF_NFIELDS, NULL, vals, errs);
	struct follow_view v = {.vals = vals};
	/* Only the receipt can be wrong here (the message's rules are the
	 * domain's; a submission id not ours is none): a missing or
	 * unreadable one is not looked up. */
	for (size_t i = 0; i < nerr; i++)
		if (str_eq(errs[i].field, follow_fields[FF_RECEIPT].name)) {
			v.receipt_error = errs[i].message;
			return ask(req, resp, 400, &v);
		}

	struct site_source_guard sg;
	struct followup_guard guard;
	site_follow_guard(req, &sg, &guard);
	struct followup_input q = {.org = req->org->id, .receipt = vals[FF_RECEIPT].text};
	if (vals[FF_MESSAGE].sent) {
		q.message = vals[FF_MESSAGE].text;
		q.message_len = vals[FF_MESSAGE].len;
	}
	/* The form's one-time id: a message already added under it (a
	 * reload, a double tap) is not added again; the page says it was
	 * added, as the first time. */
	char claim[48] = "";
	bool seen = false;
	if (q.message && vals[FF_SUBMISSION].present) {
		snprintf(claim, sizeof claim, "f:%s", vals[FF_SUBMISSION].text);
		int cr = draft_claim(site->drafts, req->org->id, claim);
		if (cr == DRAFT_NONE) {
			seen = true;
			claim[0] = '\0';
			q.message = NULL;
			q.message_len = 0;
		} else if (cr) {
			/* The store cannot tell: add it (at worst twice), as
			 * before the id. */
			claim[0] = '\0';
		}
	}
	struct followup res;
	int rc = followup_run(site->intake, &guard, &q, &res);
	if (claim[0] && !(rc == 0 && res.added) && draft_delete(site->drafts, claim))
		log_error("follow: a submission id could not be released");
	int status = 200;
	switch (rc) {
	case 0:
		v.added = res.added || seen;
		break;
	case FOLLOWUP_NO_RECEIPT:
	case FOLLOWUP_UNREADABLE:
		/* The table's checks said these already; kept for the domain's
		 * own words should they ever differ. */
		v.receipt_error = rc == FOLLOWUP_NO_RECEIPT ? follow_fields[FF_RECEIPT].missing
		                                            : follow_fields[FF_RECEIPT].invalid;
		rc = ask(req, resp, 400, &v);
		goto out;
	case FOLLOWUP_WAIT:
		rc = too_many(req, resp, &v, res.wait);
		goto out;
	case -ENODEV:
		log_error("intake: not started");
		page_error(req, resp, 503);
		rc = 0;
		goto out;
	case FOLLOWUP_NOT_FOUND:
		v.receipt_error = wrong_receipt;
		rc = ask(req, resp, 400, &v);
		goto out;
	case FOLLOWUP_BAD_MESSAGE:
		v.message_error = res.problem;
		status = 400;
		break;
	case FOLLOWUP_CLOSED:
		v.closed = true;
		v.message_error = _("Deze melding is afgesloten. Je kunt geen informatie meer "
		                    "toevoegen.");
		status = 400;
		break;
	case FOLLOWUP_BUSY:
		/* Nothing stored, nothing lost: the alert says try again, and
		 * the text stays in its box. */
		v.busy = true;
		status = 503;
		rc = site_retry_after(resp, FOLLOW_BUSY_RETRY_S);
		if (rc)
			goto out;
		if (!res.report) {
			rc = ask(req, resp, status, &v);
			goto out;
		}
		break;
	case FOLLOWUP_NOT_STORED:
		/* Not stored (a full disk, ...): said as such, with the text
		 * still in the box; the log and /healthz tell the operator why. */
		v.not_stored = true;
		status = 503;
		rc = site_retry_after(resp, INTAKE_FAULT_RETRY_S);
		if (rc)
			goto out;
		break;
	default:
		rc = rc < 0 ? rc : -EIO;
		goto out;
	}
	rc = show(req, resp, status, res.receipt, res.report, &v);
out:
	followup_free(&res);
	return rc;
}

int page_follow(struct req *req, struct resp *resp)
{
	if (req->method != HTTP_POST)
		return ask(req, resp, 200, NULL);
	return follow_post(req, resp);
}

int page_follow_expired(struct req *req, struct resp *resp)
{
	/* Without a valid token nothing is looked up; what was typed stays
	 * in the form. */
	struct field_value vals[FF_NFIELDS];
	struct field_error errs[FF_NFIELDS];
	validate_fields(req->form, req->nform, follow_fields, FF_NFIELDS, NULL, vals, errs);
	struct follow_view v = {.vals = vals, .session_expired = true};
	return ask(req, resp, 403, &v);
}
