/* formkit: see formkit.h. */
#include "pages/formkit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/csrf.h"
#include "pages/page.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/str.h"

bool fk_put(json_t *o, const char *key, json_t *v)
{
	if (!o || !v) {
		json_decref(v);
		return false;
	}
	return json_object_set_new(o, key, v) == 0;
}

bool fk_append(json_t *a, json_t *v)
{
	if (!a || !v) {
		json_decref(v);
		return false;
	}
	return json_array_append_new(a, v) == 0;
}

int page_csrf(struct req *req, struct resp *resp, json_t *data)
{
	char token[CSRF_TOKEN_MAX + 1];
	int rc = csrf_prepare(req->site->csrf_key, req, resp, token);
	if (rc)
		return rc;
	return fk_put(data, "csrf", json_string(token)) ? 0 : -ENOMEM;
}

/* "a-hint b-error", "a-hint", "a-error" or NULL. */
static json_t *describedby(const char *id, bool hint, bool error)
{
	char ids[2 * HTTP_MAX_FIELD_NAME + 16];
	if (hint && error)
		snprintf(ids, sizeof ids, "%s-hint %s-error", id, id);
	else if (hint || error)
		snprintf(ids, sizeof ids, "%s-%s", id, hint ? "hint" : "error");
	else
		return json_false();
	return json_string(ids);
}

/* What a person typed, for the page that shows it back. jansson refuses
 * a string that is not UTF-8 (json_string() gives NULL, which reads as out
 * of memory), and a request may hold any bytes: each ill-formed part is
 * shown as U+FFFD, as a browser would, and the text rules refuse U+FFFD,
 * so the field's own error says what to fix. */
static json_t *fk_typed(const char *value)
{
	char *fixed;
	size_t len;
	if (!value)
		return json_string("");
	if (str_utf8_repair(value, strlen(value), &fixed, &len))
		return NULL;
	if (!fixed)
		return json_string(value);
	json_t *v = json_stringn(fixed, len);
	free(fixed);
	return v;
}

/* Every key the partials read is set (false when absent), so that a
 * missing one is never looked up in an outer context. */
json_t *fk_text_field(const char *id, const char *name, const char *label, const char *hint,
                      const char *error, const char *value, const char *type,
                      const char *autocomplete, bool multiline, bool required)
{
	json_t *f = json_object();
	bool ok = fk_put(f, "id", json_string(id));
	ok = ok && fk_put(f, "name", json_string(name));
	ok = ok && fk_put(f, "label", json_string(label));
	ok = ok && fk_put(f, "hint", hint ? json_string(hint) : json_false());
	ok = ok && fk_put(f, "error", error ? json_string(error) : json_false());
	ok = ok && fk_put(f, "invalid", json_boolean(error != NULL));
	ok = ok && fk_put(f, "value", fk_typed(value));
	ok = ok && fk_put(f, "type", json_string(type ? type : "text"));
	ok = ok && fk_put(f, "autocomplete", json_string(autocomplete ? autocomplete : "off"));
	ok = ok && fk_put(f, "multiline", json_boolean(multiline));
	ok = ok && fk_put(f, "required", json_boolean(required));
	ok = ok && fk_put(f, "describedby", describedby(id, hint != NULL, error != NULL));
	if (!ok) {
		json_decref(f);
		return NULL;
	}
	return f;
}

json_t *fk_group(enum fk_choice kind, const char *id_base, const char *name, const char *legend,
                 const char *hint, const char *error, bool required)
{
	bool box = kind == FK_CHECKBOX;
	json_t *g = json_object();
	bool ok = fk_put(g, "name", json_string(name));
	ok = ok && fk_put(g, "input_type", json_string(box ? "checkbox" : "radio"));
	ok = ok && fk_put(g, "input_class",
	                  json_string(box ? "utrecht-checkbox" : "utrecht-radio-button"));
	ok = ok && fk_put(g, "legend", json_string(legend));
	ok = ok && fk_put(g, "id_base", json_string(id_base));
	ok = ok && fk_put(g, "group_hint", hint ? json_string(hint) : json_false());
	ok = ok && fk_put(g, "error", error ? json_string(error) : json_false());
	ok = ok && fk_put(g, "invalid", json_boolean(error != NULL));
	ok = ok && fk_put(g, "describedby", describedby(id_base, hint != NULL, error != NULL));
	/* "required" on every checkbox would demand them all. */
	ok = ok && fk_put(g, "required", json_boolean(required && !box));
	ok = ok && fk_put(g, "step", json_false());
	ok = ok && fk_put(g, "question_no", json_false());
	ok = ok && fk_put(g, "options", json_array());
	if (!ok) {
		json_decref(g);
		return NULL;
	}
	return g;
}

bool fk_option(json_t *group, const char *id, const char *value, const char *label,
               const char *hint, bool checked)
{
	if (!group)
		return false;
	json_t *o = json_pack("{s:s, s:s, s:s, s:b}", "id", id, "value", value, "label", label,
	                      "checked", checked);
	if (!fk_put(o, "option_hint", hint ? json_string(hint) : json_false()))
		return false;
	return fk_append(json_object_get(group, "options"), o);
}

bool fk_mark_invalid(json_t *field)
{
	return fk_put(field, "invalid", json_true());
}

const char *fk_first_id(const json_t *group)
{
	return json_string_value(
	    json_object_get(json_array_get(json_object_get(group, "options"), 0), "id"));
}

json_t *fk_spec_field(const struct req *req, const struct field_spec *spec, const char *value,
                      const char *error)
{
	return fk_text_field(
	    spec->id ? spec->id : spec->name, spec->name, page_tr(req, spec->label),
	    spec->hint ? page_tr(req, spec->hint) : NULL, error ? page_tr(req, error) : NULL, value,
	    spec->input ? spec->input : "text", spec->autocomplete, spec->multiline,
	    spec->required);
}

json_t *fk_spec_group(const struct req *req, enum fk_choice kind, const struct field_spec *spec,
                      const char *error)
{
	const char *base = spec->id ? spec->id : spec->name;
	return fk_group(kind, base, spec->name, page_tr(req, spec->label),
	                spec->hint ? page_tr(req, spec->hint) : NULL,
	                error ? page_tr(req, error) : NULL, spec->required);
}

int fk_query_add(struct buf *b, const char *name, const char *value)
{
	if (!value || !*value)
		return 0;
	int rc = buf_printf(b, "%s%s=", b->len ? "&" : "", name);
	for (const unsigned char *p = (const unsigned char *)value; !rc && *p; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		             (*p >= '0' && *p <= '9') || strchr("-_.~", *p);
		rc = plain ? buf_putc(b, (char)*p) : buf_printf(b, "%%%02X", *p);
	}
	return rc;
}
