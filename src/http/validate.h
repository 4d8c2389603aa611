/* validate: declarative checks of form and query fields.
 *
 * Each endpoint declares its fields in a table of struct field_spec;
 * handlers read only the typed values validate_fields() gives back. Error
 * messages are Dutch msgids (translate with i18n_tr) that name the field's
 * problem in plain words. */
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
};

struct field_spec {
	const char *name;
	enum field_type type;
	bool required;
	size_t maxlen;                               /* FT_TEXT: bytes; 0 = HTTP_MAX_FIELD_VALUE */
	bool multiline;                              /* FT_TEXT: newlines allowed */
	const char *const *choices;                  /* FT_CHOICE: NULL-terminated */
	bool (*check)(void *ctx, const char *value); /* FT_CHOICE alternative */
	uint64_t min, max;                           /* FT_UINT */
};

struct field_value {
	bool present;     /* given and valid */
	const char *text; /* borrowed from the request */
	uint64_t num;     /* FT_UINT */
	bool yes;         /* FT_YESNO */
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

#endif
