/* reports: POST /api/v1/reports, the public intake in JSON.
 *
 * The body is mapped field by field onto struct report_input by a table of
 * the keys the contract allows; everything else about a report (which
 * values, which combinations, lengths, text validity) is report_check()'s,
 * so the API and the web form answer the same input the same way. */
#include <errno.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/intake.h"
#include "http/client.h"
#include "http/throttle.h"
#include "site/site.h"
#include "site/submit.h"
#include "util/i18n.h"
#include "util/str.h"

static const char msg_text[] = _("Dit veld moet tekst zijn.");
static const char msg_bool[] = _("Dit veld moet true of false zijn.");
static const char msg_list[] = _("Dit veld moet een lijst met teksten zijn.");
static const char msg_object[] = _("Dit veld moet een object zijn: {...}.");
static const char msg_unknown[] = _("Dit veld kennen we niet.");

enum kind {
	K_TEXT,
	K_FREE, /* free text, readied in place by report_text_ready() */
	K_BOOL,
	K_LIST,
	K_OBJECT, /* a nested object of report_input's own fields */
	K_PEOPLE
};

/* The keys of the body and where their values go. */
struct key {
	const char *name;
	enum kind kind;
	size_t off;  /* K_TEXT: const char *; K_BOOL: bool; K_LIST: array */
	size_t noff; /* K_LIST: size_t count */
	size_t max;  /* K_LIST, K_PEOPLE: entries the array holds */
	/* K_OBJECT: its keys (offsets into report_input) */
	const struct key *sub;
	size_t nsub;
};

#define IN(m) offsetof(struct report_input, m)

static const struct key contact_keys[] = {
    {"name", K_FREE, IN(contact_name), 0, 0, NULL, 0},
    {"phone", K_FREE, IN(contact_phone), 0, 0, NULL, 0},
    {"email", K_FREE, IN(contact_email), 0, 0, NULL, 0},
};

static const struct key safety_keys[] = {
    {"location_now", K_FREE, IN(location_now), 0, 0, NULL, 0},
    {"safe_contact", K_TEXT, IN(safe_contact), 0, 0, NULL, 0},
    {"threats", K_TEXT, IN(threats), 0, 0, NULL, 0},
    {"weapons", K_TEXT, IN(weapons), 0, 0, NULL, 0},
    {"reporter_safe", K_TEXT, IN(reporter_safe), 0, 0, NULL, 0},
};

static const struct key professional_keys[] = {
    {"organisation", K_FREE, IN(pro_organisation), 0, 0, NULL, 0},
    {"function", K_FREE, IN(pro_function), 0, 0, NULL, 0},
    {"meldcode_steps", K_LIST, IN(meldcode), IN(nmeldcode), REPORT_MAX_MELDCODE, NULL, 0},
};

#define NKEYS(a) (sizeof(a) / sizeof((a)[0]))

static const struct key top_keys[] = {
    {"org", K_TEXT, IN(org), 0, 0, NULL, 0},
    {"kind", K_TEXT, IN(kind), 0, 0, NULL, 0},
    {"reporter_role", K_TEXT, IN(reporter_role), 0, 0, NULL, 0},
    {"anonymous", K_BOOL, IN(anonymous), 0, 0, NULL, 0},
    {"acute_danger", K_BOOL, IN(acute_danger), 0, 0, NULL, 0},
    {"description", K_FREE, IN(description), 0, 0, NULL, 0},
    {"signals", K_LIST, IN(signals), IN(nsignals), REPORT_MAX_SIGNALS, NULL, 0},
    {"forms", K_LIST, IN(forms), IN(nforms), REPORT_MAX_FORMS, NULL, 0},
    {"district", K_TEXT, IN(district), 0, 0, NULL, 0},
    {"place", K_FREE, IN(place), 0, 0, NULL, 0},
    {"when", K_FREE, IN(when), 0, 0, NULL, 0},
    {"contact", K_OBJECT, 0, 0, 0, contact_keys, NKEYS(contact_keys)},
    {"people", K_PEOPLE, 0, 0, REPORT_MAX_PEOPLE, NULL, 0},
    {"reporter_state", K_TEXT, IN(reporter_state), 0, 0, NULL, 0},
    {"subject_aware", K_TEXT, IN(subject_aware), 0, 0, NULL, 0},
    {"talked_with", K_TEXT, IN(talked_with), 0, 0, NULL, 0},
    {"involved", K_LIST, IN(involved), IN(ninvolved), REPORT_MAX_INVOLVED, NULL, 0},
    {"sector", K_TEXT, IN(sector), 0, 0, NULL, 0},
    {"since", K_FREE, IN(since), 0, 0, NULL, 0},
    {"frequency", K_TEXT, IN(frequency), 0, 0, NULL, 0},
    {"safety", K_OBJECT, 0, 0, 0, safety_keys, NKEYS(safety_keys)},
    {"professional", K_OBJECT, 0, 0, 0, professional_keys, NKEYS(professional_keys)},
};

#define PERSON(m) offsetof(struct report_person, m)

static const struct key person_keys[] = {
    {"age", K_FREE, PERSON(age), 0, 0, NULL, 0},
    {"minor", K_TEXT, PERSON(minor), 0, 0, NULL, 0},
    {"gender", K_FREE, PERSON(gender), 0, 0, NULL, 0},
    {"nationality", K_FREE, PERSON(nationality), 0, 0, NULL, 0},
    {"language", K_FREE, PERSON(language), 0, 0, NULL, 0},
    {"role", K_TEXT, PERSON(role), 0, 0, NULL, 0},
    {"name", K_FREE, PERSON(name), 0, 0, NULL, 0},
    {"birth_date", K_FREE, PERSON(birth_date), 0, 0, NULL, 0},
    {"address", K_FREE, PERSON(address), 0, 0, NULL, 0},
};

static const struct key *key_find(const struct key *keys, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* Readies the free text v in place in the body (report_text_ready()), as
 * the form does: the same text gets the same answer. 0 or -ENOMEM. */
static int ready_text(json_t *v)
{
	size_t n = json_string_length(v);
	char *c = malloc(n + 1);
	if (!c)
		return -ENOMEM;
	memcpy(c, json_string_value(v), n + 1);
	size_t m = report_text_ready(c, n);
	int rc = m == n || json_string_setn(v, c, m) == 0 ? 0 : -ENOMEM;
	free(c);
	return rc;
}

/* Sets err to msgid for the field prefix + name (+ "[i]" when i is not
 * SIZE_MAX): built only when there is an error to answer. API_INVALID. */
static int field_error(struct api_error *err, const char *prefix, const char *name, size_t i,
                       const char *msgid)
{
	char f[192];
	if (i == SIZE_MAX)
		snprintf(f, sizeof f, "%s%s", prefix, name);
	else
		snprintf(f, sizeof f, "%s%s[%zu]", prefix, name, i);
	return api_error_set(err, f, msgid);
}

/* Maps the members of obj through keys into base (a struct report_input or
 * report_person); prefix names nested fields ("contact.", "people[0].").
 * JSON null counts as not given. 0, API_INVALID or -ENOMEM. */
static int map_object(const json_t *obj, const struct key *keys, size_t nkeys, void *base,
                      struct report_input *in, const char *prefix, struct api_error *err)
{
	const char *name;
	json_t *v;
	json_object_foreach((json_t *)obj, name, v)
	{
		const struct key *k = key_find(keys, nkeys, name);
		if (!k)
			return field_error(err, prefix, name, SIZE_MAX, msg_unknown);
		if (json_is_null(v))
			continue;
		char *at = (char *)base + k->off;
		int rc;
		switch (k->kind) {
		case K_TEXT:
		case K_FREE:
			if (!json_is_string(v))
				return field_error(err, prefix, name, SIZE_MAX, msg_text);
			if (k->kind == K_FREE && (rc = ready_text(v)) != 0)
				return rc;
			*(const char **)(void *)at = json_string_value(v);
			break;
		case K_BOOL:
			if (!json_is_boolean(v))
				return field_error(err, prefix, name, SIZE_MAX, msg_bool);
			*(bool *)(void *)at = json_is_true(v);
			break;
		case K_LIST: {
			if (!json_is_array(v))
				return field_error(err, prefix, name, SIZE_MAX, msg_list);
			const char **list = (const char **)(void *)at;
			size_t *count = (size_t *)(void *)((char *)base + k->noff);
			size_t i;
			json_t *item;
			json_array_foreach(v, i, item)
			{
				if (!json_is_string(item))
					return field_error(err, prefix, name, i, msg_text);
				if (i < k->max)
					list[i] = json_string_value(item);
			}
			/* Over the array's size: report_check() says "too many". */
			*count = json_array_size(v);
			break;
		}
		case K_OBJECT: {
			if (!json_is_object(v))
				return field_error(err, prefix, name, SIZE_MAX, msg_object);
			char sub[48];
			snprintf(sub, sizeof sub, "%s.", name);
			rc = map_object(v, k->sub, k->nsub, in, in, sub, err);
			if (rc)
				return rc;
			break;
		}
		case K_PEOPLE: {
			if (!json_is_array(v))
				return field_error(err, prefix, name, SIZE_MAX,
				                   _("Dit veld moet een lijst met personen zijn."));
			size_t i;
			json_t *item;
			json_array_foreach(v, i, item)
			{
				char p[48];
				snprintf(p, sizeof p, "people[%zu].", i);
				if (!json_is_object(item)) {
					snprintf(p, sizeof p, "people[%zu]", i);
					return api_error_set(err, p, msg_object);
				}
				if (i >= k->max)
					break;
				rc = map_object(item, person_keys, NKEYS(person_keys),
				                &in->people[i], in, p, err);
				if (rc)
					return rc;
			}
			in->npeople = json_array_size(v);
			break;
		}
		}
	}
	return 0;
}

int api_report_parse(const struct content *c, const struct report_org *org, const char *body,
                     size_t len, struct api_report *out, struct api_error *err)
{
	memset(out, 0, sizeof *out);
	memset(err, 0, sizeof *err);
	json_t *root = api_parse_object(body, len, err);
	if (!root)
		return err->message ? API_INVALID : -ENOMEM;
	struct report_input *in = &out->in;
	int rc = map_object(root, top_keys, NKEYS(top_keys), in, in, "", err);
	if (rc)
		goto fail;
	if (!in->org || !*in->org) {
		rc = api_error_set(err, "org", _("Geef de organisatie op waar je meldt."));
		goto fail;
	}
	/* reporter_state "anonymous" says what anonymous: true says. */
	if (str_eq(in->reporter_state, "anonymous") &&
	    !json_is_false(json_object_get(root, "anonymous")))
		in->anonymous = true;
	struct report_error re[1];
	memset(re, 0, sizeof re);
	bool checked_ok = report_check(c, org, in, re, 1) == 0;
	/* The form asks "anonymous" explicitly; a missing answer is not a
	 * "no". It comes after org, kind and role, as on the form. */
	if (!json_is_boolean(json_object_get(root, "anonymous")) && !in->reporter_state &&
	    (checked_ok || !(str_eq(re[0].field, "org") || str_eq(re[0].field, "kind") ||
	                     str_eq(re[0].field, "reporter_role")))) {
		rc = api_error_set(err, "anonymous", _("Kies of je anoniem wilt melden."));
		goto fail;
	}
	if (!checked_ok) {
		rc = api_error_set(err, re[0].field ? re[0].field : "body", re[0].message);
		goto fail;
	}
	out->root = root;
	return 0;
fail:
	json_decref(root);
	memset(out, 0, sizeof *out);
	return rc;
}

void api_report_free(struct api_report *r)
{
	if (!r)
		return;
	json_decref(r->root);
	memset(r, 0, sizeof *r);
}

/* The deferred answer, once the writer has committed the report (or
 * failed to): 201 with the receipt only now that it is durable. */
static int reports_committed(struct req *req, struct resp *resp)
{
	struct submit_result *res = submit_result(req);
	if (res->rc == INTAKE_INVALID)
		return api_fail(req, resp, 400, "body",
		                _("De melding klopt niet. Controleer wat je hebt ingevuld."));
	if (res->rc) {
		/* Not stored (a full disk, a read-only directory, ...): say so,
		 * and when to try again; /healthz tells the operator why. */
		int rc = api_fail(req, resp, 503, NULL,
		                  _("Je melding is niet opgeslagen, door een storing bij ons. "
		                    "Probeer het later opnieuw."));
		return rc ? rc : site_retry_after(resp, INTAKE_FAULT_RETRY_S);
	}
	int rc = api_answer(
	    resp, 201, json_pack("{s:s, s:s}", "receipt", res->receipt.text, "status", "received"));
	if (rc < 0) {
		/* Stored: the receipt must reach the reporter even when the answer
		 * cannot be built the usual way (a receipt is [0-9A-Z-] only). */
		char body[96];
		snprintf(body, sizeof body, "{\"receipt\":\"%s\",\"status\":\"received\"}",
		         res->receipt.text);
		rc = resp_json(resp, 201, body);
		sodium_memzero(body, sizeof body);
	}
	sodium_memzero(&res->receipt, sizeof res->receipt);
	return rc;
}

int api_reports(struct req *req, struct resp *resp)
{
	struct site *s = req->site;
	if (!api_is_json_type(req->content_type))
		return api_not_json(req, resp);
	/* Every attempt counts, valid or not: the limit also guards the
	 * parser and the write path against a flood from one source. */
	unsigned char src[16];
	client_key(req, src);
	unsigned wait = throttle_hit(s->intake_limit, src, sizeof src);
	if (wait)
		return api_throttled(req, resp, wait);

	const char *names[STORE_MAX_DISTRICTS];
	struct report_org org;
	site_report_org(req->org, &org, names);
	struct api_report r;
	struct api_error err;
	int rc = api_report_parse(s->content, &org, req->body.data, req->body.len, &r, &err);
	if (rc == API_INVALID)
		return api_fail(req, resp, 400, err.field, err.message);
	if (rc)
		return rc;

	if (!s->intake) {
		api_report_free(&r);
		return api_fail(req, resp, 503, NULL,
		                _("Melden kan nu even niet. Probeer het later opnieuw."));
	}
	/* The answer waits for the commit without holding this thread: the
	 * writer commits concurrent reports together (site/submit.h). */
	rc = submit_deferred(req, &org, &r.in, reports_committed);
	api_report_free(&r);
	if (rc == 0)
		return 0;
	if (rc == INTAKE_BUSY) {
		rc = api_fail(req, resp, 503, NULL,
		              _("Het is nu erg druk. Probeer het over een paar seconden opnieuw."));
		return rc ? rc : resp_header(resp, "Retry-After", "5");
	}
	if (rc == INTAKE_INVALID)
		return api_fail(req, resp, 400, "body",
		                _("De melding klopt niet. Controleer wat je hebt ingevuld."));
	return rc < 0 ? rc : -EIO;
}
