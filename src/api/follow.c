/* follow: POST /api/v1/follow, following a report up with its receipt.
 *
 * Guessing receipts is throttled like /volgen (http/throttle.h:
 * receipt_guard, one guard for both): wrong receipts are counted per
 * source only, and while a source must wait its receipts are not even
 * looked up. Every wrong receipt gets the same answer, so an answer tells
 * nothing but "not this one". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>

#include "api/api.h"
#include "domain/intake.h"
#include "domain/report.h"
#include "http/throttle.h"
#include "pages/formkit.h"
#include "pages/site.h"
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
	json_t *when = fk_wait_text(req, wait);
	json_t *ans =
	    when ? json_pack("{s:{s:s++}}", "error", "message", first, " ", json_string_value(when))
	         : NULL;
	json_decref(when);
	int rc = api_answer(resp, 429, ans);
	char v[24];
	snprintf(v, sizeof v, "%u", wait ? wait : 1);
	return rc ? rc : resp_header(resp, "Retry-After", v);
}

int api_follow(struct req *req, struct resp *resp)
{
	char canon[RECEIPT_TEXT_LEN + 1] = "";
	struct site *s = req->site;
	if (!api_is_json_type(req->content_type))
		return api_not_json(req, resp);
	struct api_error err = {0};
	json_t *root = api_parse_object(req->body.data, req->body.len, &err);
	if (!root)
		return err.message ? api_fail(req, resp, 400, err.field, err.message) : -ENOMEM;

	int rc = 0;
	char *msg = NULL;
	json_t *conv = NULL;
	const char *receipt = NULL;
	const json_t *message = NULL;
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v)
	{
		if (strcmp(key, "receipt") == 0 && json_is_string(v)) {
			receipt = json_string_value(v);
		} else if (strcmp(key, "message") == 0 && (json_is_string(v) || json_is_null(v))) {
			message = json_is_string(v) ? v : NULL;
		} else if (strcmp(key, "receipt") == 0 || strcmp(key, "message") == 0) {
			rc = api_fail(req, resp, 400, key, _("Dit veld moet tekst zijn."));
			goto out;
		} else {
			api_error_set(&err, key, _("Dit veld kennen we niet."));
			rc = api_fail(req, resp, 400, err.field, err.message);
			goto out;
		}
	}
	if (!receipt || !*receipt) {
		rc = api_fail(req, resp, 400, "receipt", _("Vul de code van je melding in."));
		goto out;
	}
	/* Bytes that were not UTF-8 arrive as U+FFFD (api_parse_object()):
	 * no receipt, said as it is, and nothing is looked up. */
	if (!str_text_valid(receipt, strlen(receipt), false)) {
		rc = api_fail(req, resp, 400, "receipt",
		              _("In de code staan tekens die we niet kunnen lezen. Een code heeft "
		                "alleen letters, cijfers en streepjes."));
		goto out;
	}
	if (message) {
		const char *problem = report_message_check(json_string_value(message),
		                                           json_string_length(message), &msg);
		if (problem) {
			rc = api_fail(req, resp, 400, "message", problem);
			goto out;
		}
		if (!msg) {
			rc = -ENOMEM;
			goto out;
		}
	}

	bool wellformed = receipt_normalise(receipt, canon);
	/* Asked for every receipt, right or wrong, before the look-up. */
	unsigned char src[16];
	throttle_client_key(req, src);
	unsigned wait = receipt_guard_wait(s->follow_guard, src);
	if (wait) {
		rc = too_many(req, resp, wait);
		goto out;
	}
	if (!s->intake) {
		rc = api_fail(req, resp, 503, NULL,
		              _("Je melding volgen kan nu even niet. Probeer het later opnieuw."));
		goto out;
	}

	int found = wellformed ? 0 : INTAKE_NOT_FOUND;
	if (found == 0 && msg) {
		found = intake_add_message(s->intake, canon, msg);
		if (found == INTAKE_CLOSED) {
			rc = api_fail(req, resp, 409, "message",
			              _("Deze melding is afgesloten. Je kunt geen informatie meer "
			                "toevoegen."));
			goto out;
		}
		if (found < 0) {
			/* Not stored (a full disk, a read-only directory, ...):
			 * said as such, and when to try again; /healthz tells
			 * the operator why. */
			rc = api_fail(req, resp, 503, NULL,
			              _("Je bericht is niet opgeslagen, door een storing bij ons. "
			                "Probeer het later opnieuw."));
			if (!rc)
				rc = fk_retry_after(resp, INTAKE_FAULT_RETRY_S);
			goto out;
		}
	}
	if (found == 0)
		found = intake_follow(s->intake, canon, &conv);
	if (found == INTAKE_NOT_FOUND) {
		/* A malformed receipt was not looked up: it costs no try. */
		if (wellformed)
			receipt_guard_wrong(s->follow_guard, src);
		rc = not_found(req, resp);
		goto out;
	}
	if (found != 0) {
		rc = found < 0 ? found : -EIO;
		goto out;
	}
	json_t *status = json_object_get(conv, "status");
	json_t *messages = json_object_get(conv, "messages");
	json_t *ans = json_object();
	if (ans && (json_object_set(ans, "status", status ? status : json_null()) != 0 ||
	            json_object_set_new(ans, "messages",
	                                messages ? json_incref(messages) : json_array()) != 0)) {
		json_decref(ans);
		ans = NULL;
	}
	rc = api_answer(resp, 200, ans);
out:
	sodium_memzero(canon, sizeof canon);
	json_decref(conv);
	free(msg);
	json_decref(root);
	return rc;
}
