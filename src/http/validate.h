/* validate: declarative checks of form and query fields.
 *
 * Each endpoint declares its fields in a table of struct field_spec;
 * handlers read only the typed values validate_fields() gives back. Error
 * messages are Dutch msgids (translate with i18n_tr) that name the field's
 * problem in plain words; a field may give its own (missing, invalid).
 *
 * The same table describes the field on the form (label, hint, input
 * type, autocomplete), so a page builds its field data from the spec it
 * validated with (pages/formkit.h, fk_spec_field) and the two cannot
 * drift apart. */
#ifndef SIGNAAL_HTTP_VALIDATE_H
#define SIGNAAL_HTTP_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

enum field_type {
	FT_TEXT,   /* valid UTF-8 text, no control characters */
	FT_CHOICE, /* one of choices[] or accepted by check() */
	FT_YESNO,  /* "yes" or "no" */
	FT_UINT,   /* whole number in [min, max] */
	/* Text whose rules are the domain's (counted in characters, readied,
	 * worded by the domain for every channel alike): only read here,
	 * within maxlen bytes; the handler hands it to the domain's check.
	 * required only marks the field on the form: whether it may be
	 * empty is the domain's rule too. */
	FT_DOMAIN_TEXT,
	/* A repeated choice (checkboxes): every non-empty value sent under
	 * the name is one of choices[] or accepted by check(), each at most
	 * once, at most max of them (0: HTTP_MAX_FIELDS). Read the values
	 * with validate_multi_values(). */
	FT_MULTI,
};

struct field_spec {
	const char *name;
	enum field_type type;
	bool required;
	size_t maxlen;                               /* FT_TEXT: bytes; 0 = HTTP_MAX_FIELD_VALUE */
	bool multiline;                              /* FT_TEXT: newlines allowed */
	const char *const *choices;                  /* FT_CHOICE, FT_MULTI: NULL-terminated */
	bool (*check)(void *ctx, const char *value); /* FT_CHOICE, FT_MULTI alternative */
	uint64_t min, max; /* FT_UINT: the range; FT_MULTI: max = most values */
	/* Own messages (Dutch msgids), NULL for the general ones: missing
	 * for a required field left empty, invalid for a value that breaks
	 * the type's rule (for text: characters that cannot be; a text too
	 * long keeps the general message; FT_MULTI: a value not among the
	 * choices), twice and too_many for FT_MULTI (a value sent twice,
	 * more than max values). */
	const char *missing, *invalid, *twice, *too_many;
	/* On the form (FT_TEXT, FT_DOMAIN_TEXT): Dutch msgids for the label
	 * and hint (hint may be NULL), the element id (NULL: name), the
	 * input type ("text", "tel", "email"; NULL: "text") and the
	 * autocomplete token (NULL: none). */
	const char *label, *hint, *id, *input, *autocomplete;
};

struct field_value {
	bool present; /* given and valid */
	bool sent;    /* in the request, even when empty or invalid */
	/* Borrowed from the request whenever sent, also when invalid (a form
	 * shows it back); read it as a value only when present. FT_MULTI:
	 * the first non-empty value. */
	const char *text;
	size_t len;   /* bytes of text */
	uint64_t num; /* FT_UINT; FT_MULTI: the number of non-empty values sent */
	bool yes;     /* FT_YESNO */
};

struct field_error {
	const char *field;
	const char *message; /* Dutch msgid */
};

/* Validates fields against specs; vals and errs have nspecs entries. An
 * empty value counts as absent. Returns the number of errors (0 = valid). */
size_t validate_fields(const struct http_field *fields, size_t nfields,
                       const struct field_spec *specs, size_t nspecs, void *check_ctx,
                       struct field_value *vals, struct field_error *errs);

/* The non-empty values sent under spec's name (an FT_MULTI field), in
 * the order sent, borrowed from fields: writes at most max of them to out
 * and returns how many there are in all (more than max when more were
 * sent; validate_fields() has then refused the field if spec->max <=
 * max). */
size_t validate_multi_values(const struct http_field *fields, size_t nfields,
                             const struct field_spec *spec, const char **out, size_t max);

#endif
