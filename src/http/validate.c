#include "http/validate.h"

#include <string.h>

#include "util/i18n.h"
#include "util/str.h"

static const struct http_field *find(const struct http_field *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	return NULL;
}

static bool in_choices(const char *const *choices, const char *v)
{
	for (size_t i = 0; choices && choices[i]; i++)
		if (strcmp(choices[i], v) == 0)
			return true;
	return false;
}

/* Returns NULL when valid, else the Dutch message. */
static const char *check_one(const struct field_spec *s, const struct http_field *f, void *ctx,
                             struct field_value *v)
{
	switch (s->type) {
	case FT_TEXT: {
		size_t max = s->maxlen ? s->maxlen : HTTP_MAX_FIELD_VALUE;
		if (f->len > max)
			return _("Deze tekst is te lang.");
		if (!str_text_valid(f->value, f->len, s->multiline))
			return s->invalid ? s->invalid
			                  : _("Deze tekst bevat tekens die niet kunnen.");
		break;
	}
	case FT_DOMAIN_TEXT:
		if (f->len > (s->maxlen ? s->maxlen : HTTP_MAX_FIELD_VALUE))
			return _("Deze tekst is te lang.");
		break;
	case FT_CHOICE:
		if (!(s->choices && in_choices(s->choices, f->value)) &&
		    !(s->check && s->check(ctx, f->value)))
			return _("Kies een van de mogelijkheden.");
		break;
	case FT_YESNO:
		if (strcmp(f->value, "yes") == 0)
			v->yes = true;
		else if (strcmp(f->value, "no") != 0)
			return _("Kies ja of nee.");
		break;
	case FT_UINT:
		if (str_parse_u64(f->value, s->min, s->max, &v->num) != 0)
			return _("Vul een getal in dat past.");
		break;
	}
	return NULL;
}

size_t validate_fields(const struct http_field *fields, size_t nfields,
                       const struct field_spec *specs, size_t nspecs, void *check_ctx,
                       struct field_value *vals, struct field_error *errs)
{
	size_t nerr = 0;
	for (size_t i = 0; i < nspecs; i++) {
		const struct field_spec *s = &specs[i];
		struct field_value *v = &vals[i];
		memset(v, 0, sizeof *v);
		const struct http_field *f = find(fields, nfields, s->name);
		if (f) {
			/* Kept also when invalid: a form shows it back. */
			v->sent = true;
			v->text = f->value;
			v->len = f->len;
		}
		if (!f || f->len == 0) {
			/* FT_DOMAIN_TEXT: whether it may be empty is the
			 * domain's rule, worded by the domain. */
			if (s->required && s->type != FT_DOMAIN_TEXT) {
				errs[nerr].field = s->name;
				errs[nerr].message = s->missing ? s->missing
				                     : s->type == FT_TEXT
				                         ? _("Vul dit in.")
				                         : _("Kies een van de mogelijkheden.");
				nerr++;
			}
			continue;
		}
		const char *msg = check_one(s, f, check_ctx, v);
		if (msg && s->invalid && s->type != FT_TEXT)
			msg = s->invalid;
		if (msg) {
			errs[nerr].field = s->name;
			errs[nerr].message = msg;
			nerr++;
			continue;
		}
		v->present = true;
	}
	return nerr;
}
