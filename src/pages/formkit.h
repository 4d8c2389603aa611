/* formkit: what the public forms (/melden, /volgen, /wegwijzer, /quiz)
 * share: the CSRF field and its check, builders of the field data that
 * the form partials render (partial-text-field,
 * partial-choice-group; "invalid" drives aria-invalid).
 *
 * The json builders accept NULL arguments from an earlier failed
 * allocation and then fail too, so a page is built in one go and checked
 * once. Texts passed in are already translated. */
#ifndef SIGNAAL_PAGES_FORMKIT_H
#define SIGNAAL_PAGES_FORMKIT_H

#include <jansson.h>
#include <stdbool.h>

#include "http/http.h"
#include "http/validate.h"

/* Sets o[key] = v (stolen). False when o or v is NULL or memory runs out. */
bool fk_put(json_t *o, const char *key, json_t *v);
/* Appends "name=value" to the query string b ('&' before it when b is not
 * empty), value percent-encoded except A-Z a-z 0-9 - _ . ~; nothing for a
 * NULL or empty value. 0 or -ENOMEM. */
struct buf;
int fk_query_add(struct buf *b, const char *name, const char *value);
/* Appends v (stolen) to a. */
bool fk_append(json_t *a, json_t *v);

/* For a page with a POST form: sets the CSRF cookie when the request has
 * none and data["csrf"] to a fresh token (the hidden field, see
 * partial-csrf-field). 0 or -errno. */
int page_csrf(struct req *req, struct resp *resp, json_t *data);
/* A POST's token is checked by the dispatcher (route .csrf, see
 * pages/policy.h), never by a handler. */

/* A text field for partial-text-field. hint, error, value, autocomplete
 * may be NULL; type is "text", "tel" or "email" (ignored when multiline). */
json_t *fk_text_field(const char *id, const char *name, const char *label, const char *hint,
                      const char *error, const char *value, const char *type,
                      const char *autocomplete, bool multiline, bool required);
enum fk_choice {
	FK_RADIO,    /* one answer */
	FK_CHECKBOX, /* any number of answers */
};
/* A radio or checkbox group for partial-choice-group, without options
 * yet. id_base names the hint and error elements (id_base-hint,
 * id_base-error). hint and error are shown as given (translated). */
json_t *fk_group(enum fk_choice kind, const char *id_base, const char *name, const char *legend,
                 const char *hint, const char *error, bool required);
/* Adds an option to a group. hint may be NULL. */
bool fk_option(json_t *group, const char *id, const char *value, const char *label,
               const char *hint, bool checked);
/* Marks a text field or group invalid (aria-invalid) without a message
 * of its own: the message is on the fieldset around it. */
bool fk_mark_invalid(json_t *field);
/* The id of a group's first option (where an error summary links to). */
const char *fk_first_id(const json_t *group);

/* The text field of spec (FT_TEXT or FT_DOMAIN_TEXT) for
 * partial-text-field, from the same table the form is validated with:
 * label, hint, id, input type, autocomplete, multiline and required come
 * from spec, translated into the request's language. value (shown back)
 * and error (a msgid) may be NULL. */
json_t *fk_spec_field(const struct req *req, const struct field_spec *spec, const char *value,
                      const char *error);

/* The radio or checkbox group of spec, without options yet, like
 * fk_group(): legend (label), hint, id base (id, else name) and required
 * from spec, translated. error (a msgid) may be NULL. */
json_t *fk_spec_group(const struct req *req, enum fk_choice kind, const struct field_spec *spec,
                      const char *error);

#endif
