/* json: what every API endpoint shares: the content type check, strict
 * parsing of a body into one object, the error convention and answers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "util/i18n.h"
#include "util/jsonw.h"
#include "util/str.h"

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

bool api_is_json_type(const char *ct)
{
	static const char mt[] = "application/json";
	if (!ct || strncasecmp(ct, mt, sizeof mt - 1) != 0)
		return false;
	const char *p = ct + sizeof mt - 1;
	while (is_ows(*p))
		p++;
	/* Parameters: name=value or name="value"; only the charset matters. */
	while (*p == ';') {
		p++;
		while (is_ows(*p))
			p++;
		const char *name = p;
		while (*p && *p != '=' && *p != ';' && !is_ows(*p))
			p++;
		size_t nlen = (size_t)(p - name);
		if (*p != '=')
			return false;
		p++;
		bool quoted = *p == '"';
		if (quoted)
			p++;
		const char *val = p;
		while (*p && (quoted ? *p != '"' : (*p != ';' && !is_ows(*p))))
			p++;
		size_t vlen = (size_t)(p - val);
		if (quoted) {
			if (*p != '"')
				return false;
			p++;
		}
		if (nlen == 7 && strncasecmp(name, "charset", 7) == 0 &&
		    !(vlen == 5 && strncasecmp(val, "utf-8", 5) == 0) &&
		    !(vlen == 4 && strncasecmp(val, "utf8", 4) == 0))
			return false;
		while (is_ows(*p))
			p++;
	}
	return *p == '\0';
}

int api_error_set(struct api_error *err, const char *field, const char *msgid)
{
	size_t n = str_utf8_prefix(field, strlen(field), sizeof err->field - 1);
	memcpy(err->field, field, n);
	err->field[n] = '\0';
	err->message = msgid;
	return API_INVALID;
}

json_t *api_parse_object(const char *body, size_t len, struct api_error *err)
{
	json_error_t je;
	/* jansson refuses bytes that are not UTF-8 for the body as a whole;
	 * parsed with each such part as U+FFFD, which the text rules refuse,
	 * the answer names the field that holds them. */
	char *fixed = NULL;
	size_t fixed_len = 0;
	if (body && str_utf8_repair(body, len, &fixed, &fixed_len) != 0) {
		api_error_set(err, "body", NULL);
		return NULL;
	}
	if (fixed)
		len = fixed_len;
	/* jansson rejects \u0000 and trailing data; duplicates are refused
	 * too, so no key means two things. */
	json_t *v = json_loadb(fixed ? fixed : body ? body : "", len, JSON_REJECT_DUPLICATES, &je);
	free(fixed);
	if (!v) {
		if (json_error_code(&je) == json_error_duplicate_key)
			api_error_set(err, "body",
			              _("Een veld staat meer dan één keer in het verzoek."));
		else if (json_error_code(&je) == json_error_out_of_memory)
			api_error_set(err, "body", NULL);
		else
			api_error_set(err, "body", _("Het verzoek is geen geldige JSON."));
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		api_error_set(err, "body", _("Het verzoek moet een JSON-object zijn: {...}."));
		return NULL;
	}
	return v;
}

int api_answer(struct resp *resp, int status, json_t *v)
{
	if (!v)
		return -ENOMEM;
	/* Straight into the body: json_dumps() would grow a string of its
	 * own and the body copy it (a list of a thousand reports is
	 * hundreds of kilobytes). jsonw writes jansson's bytes without its
	 * callback per token (a third of the inbox's instructions went to
	 * json_dump_callback and the appends it made). */
	int rc = resp_json(resp, status, "");
	if (!rc && jsonw_value(&resp->body, v) != 0)
		rc = -ENOMEM;
	json_decref(v);
	return rc;
}

int api_fail(struct req *req, struct resp *resp, int status, const char *field, const char *msgid)
{
	json_t *e = json_object();
	if (!e)
		return -ENOMEM;
	if (field && json_object_set_new(e, "field", json_string(field)) != 0) {
		json_decref(e);
		return -ENOMEM;
	}
	if (json_object_set_new(e, "message", json_string(i18n_tr(req->lang, msgid))) != 0) {
		json_decref(e);
		return -ENOMEM;
	}
	return api_answer(resp, status, json_pack("{s:o}", "error", e));
}

int api_throttled(struct req *req, struct resp *resp, unsigned seconds)
{
	char v[24];
	snprintf(v, sizeof v, "%u", seconds ? seconds : 1);
	int rc =
	    api_fail(req, resp, 429, NULL,
	             _("Je hebt het te vaak geprobeerd. Wacht even en probeer het dan opnieuw."));
	return rc ? rc : resp_header(resp, "Retry-After", v);
}

int api_not_json(struct req *req, struct resp *resp)
{
	return api_fail(req, resp, 415, NULL,
	                _("Stuur de gegevens als JSON, met Content-Type: application/json."));
}
