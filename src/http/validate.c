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

static bool choice_ok(const struct field_spec *s, void *ctx, const char *v)
{
	return (s->choices && in_choices(s->choices, v)) || (s->check && s->check(ctx, v));
}

size_t validate_multi_values(const struct http_field *fields, size_t nfields,
                             const struct field_spec *spec, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < nfields; i++)
		if (fields[i].len && strcmp(fields[i].name, spec->name) == 0) {
			if (n < max)
				out[n] = fields[i].value;
			n++;
		}
	return n;
}

/* FT_MULTI: every non-empty value under the name (f is the first). Returns
 * NULL when valid, else the Dutch message. */
static const char *check_multi(const struct field_spec *s, const struct http_field *fields,
                               size_t nfields, void *ctx, struct field_value *v)
{
	size_t max = s->max ? (size_t)s->max : HTTP_MAX_FIELDS;
	const char *unknown = NULL, *twice = NULL;
	size_t n = 0;
	for (size_t i = 0; i < nfields; i++) {
		const struct http_field *f = &fields[i];
		if (!f->len || strcmp(f->name, s->name) != 0)
			continue;
		n++;
		if (!choice_ok(s, ctx, f->value)) {
			unknown = s->invalid ? s->invalid
			                     : _("Deze keuze kennen we niet. Kies uit de lijst.");
			continue;
		}
		for (size_t j = 0; j < i && !twice; j++)
			if (fields[j].len && strcmp(fields[j].name, s->name) == 0 &&
			    strcmp(fields[j].value, f->value) == 0)
				twice =
				    s->twice
				        ? s->twice
				        : _("Je hebt iets twee keer gekozen. Kies alles één keer.");
	}
	v->num = n;
	if (n > max)
		return s->too_many ? s->too_many : _("Je hebt te veel keuzes gemaakt.");
	return unknown ? unknown : twice;
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
		if (!choice_ok(s, ctx, f->value))
			return _("Kies een van de mogelijkheden.");
		break;
	case FT_MULTI: /* checked by check_multi() */
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
		/* A repeated field stands for its first non-empty value. */
		if (s->type == FT_MULTI)
			for (size_t k = 0; f && f->len == 0 && k < nfields; k++)
				if (fields[k].len && strcmp(fields[k].name, s->name) == 0)
					f = &fields[k];
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
		const char *msg = s->type == FT_MULTI
		                      ? check_multi(s, fields, nfields, check_ctx, v)
		                      : check_one(s, f, check_ctx, v);
		if (msg && s->invalid && s->type != FT_TEXT && s->type != FT_MULTI)
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
