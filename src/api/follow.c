/* follow: POST /api/v1/follow, following a report up with its receipt.
 *
 * Guessing receipts is throttled like /volgen (http/throttle.h:
 * receipt_guard, one guard for both): wrong receipts are counted per
 * source only, and while a source must wait its receipts are not even
 * looked up. Every wrong receipt gets the same answer, so an answer tells
 * nothing but "not this one".
 *
 * The steps are the domain's (domain/followup.h), the same as /volgen's;
 * this file maps the JSON body onto them and says each result. A busy
 * database is 503 with Retry-After and "try again": nothing was stored. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/followup.h"
#include "domain/intake.h"
#include "http/throttle.h"
#include "site/site.h"
#include "util/i18n.h"
#include "util/str.h"

static int not_found(struct req *req, struct resp *resp)
{
	return api_fail(req, resp, 404, "receipt",
	                _("We vinden geen melding met deze code. Controleer de code en probeer het "
	                  "opnieuw."));
}

/* 429: too many wrong codes came from this source. Says so, and when to
 * try again (also in Retry-After); nothing was looked up. */
static int too_many(struct req *req, struct resp *resp, unsigned wait)
{
	const char *first = i18n_tr(req->lang, _("Vanaf dit netwerk zijn te veel verkeerde codes "
	                                         "verstuurd."));
	json_t *when = site_wait_text(req, wait);
	json_t *ans =
	    when ? json_pack("{s:{s:s++}}", "error", "message", first, " ", json_string_value(when))
	         : NULL;
	json_decref(when);
	int rc = api_answer(resp, 429, ans);
	char v[24];
	snprintf(v, sizeof v, "%u", wait ? wait : 1);
	return rc ? rc : resp_header(resp, "Retry-After", v);
}

/* 200: the status and the conversation. */
static int answer_found(struct resp *resp, const json_t *report)
{
	json_t *status = json_object_get(report, "status");
	json_t *messages = json_object_get(report, "messages");
	json_t *ans = json_object();
	if (ans && (json_object_set(ans, "status", status ? status : json_null()) != 0 ||
	            json_object_set_new(ans, "messages",
	                                messages ? json_incref(messages) : json_array()) != 0)) {
		json_decref(ans);
		ans = NULL;
	}
	return api_answer(resp, 200, ans);
}

/* 503 with Retry-After. */
static int unavailable(struct req *req, struct resp *resp, const char *msgid, unsigned retry)
{
	int rc = api_fail(req, resp, 503, NULL, msgid);
	return rc ? rc : site_retry_after(resp, retry);
}

int api_follow(struct req *req, struct resp *resp)
{
	struct site *s = req->site;
	if (!api_is_json_type(req->content_type))
		return api_not_json(req, resp);
	struct api_error err = {0};
	json_t *root = api_parse_object(req->body.data, req->body.len, &err);
	if (!root)
		return err.message ? api_fail(req, resp, 400, err.field, err.message) : -ENOMEM;

	int rc = 0;
	struct followup_input q = {.org = req->org ? req->org->id : NULL};
	struct followup res = {0};
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v)
	{
		if (strcmp(key, "receipt") == 0 && json_is_string(v)) {
			q.receipt = json_string_value(v);
		} else if (strcmp(key, "message") == 0 && (json_is_string(v) || json_is_null(v))) {
			q.message = json_string_value(v); /* NULL for null */
			q.message_len = json_is_string(v) ? json_string_length(v) : 0;
		} else if (strcmp(key, "receipt") == 0 || strcmp(key, "message") == 0) {
			rc = api_fail(req, resp, 400, key, _("Dit veld moet tekst zijn."));
			goto out;
		} else {
			api_error_set(&err, key, _("Dit veld kennen we niet."));
			rc = api_fail(req, resp, 400, err.field, err.message);
			goto out;
		}
	}

	struct site_source_guard sg;
	struct followup_guard guard;
	site_follow_guard(req, &sg, &guard);
	rc = followup_run(s->intake, &guard, &q, &res);
	switch (rc) {
	case 0:
		rc = answer_found(resp, res.report);
		break;
	case FOLLOWUP_NO_RECEIPT:
		rc = api_fail(req, resp, 400, "receipt", _("Vul de code van je melding in."));
		break;
	case FOLLOWUP_UNREADABLE:
		/* Bytes that were not UTF-8 arrive as U+FFFD
		 * (api_parse_object()): no receipt, said as it is. */
		rc = api_fail(req, resp, 400, "receipt",
		              _("In de code staan tekens die we niet kunnen lezen. Een code heeft "
		                "alleen letters, cijfers en streepjes."));
		break;
	case FOLLOWUP_WAIT:
		rc = too_many(req, resp, res.wait);
		break;
	case -ENODEV:
		rc = api_fail(req, resp, 503, NULL,
		              _("Je melding volgen kan nu even niet. Probeer het later opnieuw."));
		break;
	case FOLLOWUP_NOT_FOUND:
		rc = not_found(req, resp);
		break;
	case FOLLOWUP_BAD_MESSAGE:
		rc = api_fail(req, resp, 400, "message", res.problem);
		break;
	case FOLLOWUP_CLOSED:
		rc = api_fail(req, resp, 409, "message",
		              _("Deze melding is afgesloten. Je kunt geen informatie meer "
		                "toevoegen."));
		break;
	case FOLLOWUP_BUSY:
		/* Nothing stored: try again, with the same body. */
		rc = unavailable(req, resp,
		                 _("Het is nu erg druk. Je bericht is nog niet opgeslagen. Probeer "
		                   "het over een minuut opnieuw."),
		                 FOLLOW_BUSY_RETRY_S);
		break;
	case FOLLOWUP_NOT_STORED:
		/* Not stored (a full disk, a read-only directory, ...): said as
		 * such, and when to try again; /healthz tells the operator why. */
		rc = unavailable(req, resp,
		                 _("Je bericht is niet opgeslagen, door een storing bij ons. "
		                   "Probeer het later opnieuw."),
		                 INTAKE_FAULT_RETRY_S);
		break;
	default:
		rc = rc < 0 ? rc : -EIO;
	}
out:
	followup_free(&res);
	json_decref(root);
	return rc;
}
