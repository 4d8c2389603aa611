/* report: the public report form /melden (see pages.h).
 *
 * Two steps, both POSTed to /melden and both without JavaScript:
 *   1. one question, "is someone in acute danger now?";
 *   2. the whole form on one page. The only state carried from step 1 is
 *      the danger answer, in a hidden field: nothing typed lives in step 1,
 *      so going back loses nothing.
 * A POST of step 2 is checked in this order: CSRF, the rules of
 * report_check() (the same as the API's), the per-source rate limit, then
 * intake_submit(), which returns only after the commit. Whatever goes
 * wrong, the form comes back with everything typed still in it.
 *
 * Field names are the JSON keys of the public API (contract.md), with
 * dots for nesting as in report_check()'s error fields: "contact.email",
 * "people[0].age". Element ids are derived from them without dots or
 * brackets ("contact-email", "person-0-age"). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "content/content.h"
#include "domain/intake.h"
#include "domain/report.h"
#include "http/client.h"
#include "http/throttle.h"
#include "http/validate.h"
#include "pages/formkit.h"
#include "pages/pages.h"
#include "pages/page.h"
#include "site/submit.h"
#include "render/html.h"
#include "store/store.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/str.h"

/* People the form offers to describe (the API takes up to
 * REPORT_MAX_PEOPLE). */
#define FORM_PEOPLE 2
/* Errors shown at most (one per field). */
#define FORM_MAX_ERRORS 48
/* Value of the district radio for "somewhere else, or I do not know". */
#define DISTRICT_ELSEWHERE "elders"

_Static_assert(FORM_PEOPLE <= REPORT_MAX_PEOPLE, "more people than the rules allow");

/* --- Errors per field ------------------------------------------------ */

struct ferr {
	char field[64]; /* form field name, e.g. "people[1].age" */
	const char *message;
};

struct ferrs {
	struct ferr e[FORM_MAX_ERRORS];
	size_t n;
};

/* Keeps the first message per field. */
static void ferr_add(struct ferrs *fe, const char *field, const char *message)
{
	for (size_t i = 0; i < fe->n; i++)
		if (str_eq(fe->e[i].field, field))
			return;
	if (fe->n == FORM_MAX_ERRORS)
		return;
	snprintf(fe->e[fe->n].field, sizeof fe->e[fe->n].field, "%s", field);
	fe->e[fe->n].message = message;
	fe->n++;
}

static const char *ferr_get(const struct ferrs *fe, const char *field)
{
	for (size_t i = 0; fe && i < fe->n; i++)
		if (str_eq(fe->e[i].field, field))
			return fe->e[i].message;
	return NULL;
}

/* The first message of a field or any of its parts ("signals",
 * "signals[3]"; "contact", "contact.email"). */
static const char *ferr_group(const struct ferrs *fe, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 0; fe && i < fe->n; i++) {
		const char *f = fe->e[i].field;
		if (strncmp(f, prefix, n) == 0 && (f[n] == '\0' || f[n] == '[' || f[n] == '.'))
			return fe->e[i].message;
	}
	return NULL;
}

/* --- Reading the form ------------------------------------------------ */

/* All values of a repeated field (checkboxes), borrowed from req; at most
 * max, in the order sent. Empty values are skipped. */
static size_t form_all(const struct req *req, const char *name, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < req->nform && n < max; i++)
		if (str_eq(req->form[i].name, name) && req->form[i].value[0])
			out[n++] = req->form[i].value;
	return n;
}

static bool form_has(const struct req *req, const char *name, const char *value)
{
	for (size_t i = 0; i < req->nform; i++)
		if (str_eq(req->form[i].name, name) && str_eq(req->form[i].value, value))
			return true;
	return false;
}

/* A form value, or NULL when absent or empty. */
static const char *form_val(const struct req *req, const char *name)
{
	const char *v = req_form(req, name);
	return v && v[0] ? v : NULL;
}

static const char *const person_fields[] = {"age", "minor", "gender", "nationality", "language"};
#define NPERSON_FIELDS (sizeof person_fields / sizeof person_fields[0])

/* The form's fields that hold one value, for reading them
 * (validate_fields) and for drawing them (fk_spec_field) from one table.
 * The texts' rules are report_check()'s, the same as the API's, hence
 * FT_DOMAIN_TEXT (only read here); "anonymous" is the form's own question
 * (the API takes a boolean). */
enum {
	RF_KIND,
	RF_ROLE,
	RF_ANONYMOUS,
	RF_DESCRIPTION,
	RF_FORMS,
	RF_DISTRICT,
	RF_PLACE,
	RF_WHEN,
	RF_CONTACT_NAME,
	RF_CONTACT_PHONE,
	RF_CONTACT_EMAIL,
	RF_NFIELDS
};

static const struct field_spec report_fields[RF_NFIELDS] = {
    [RF_KIND] = {.name = "kind",
                 .type = FT_DOMAIN_TEXT,
                 .required = true,
                 .label = _("Wat wil je doen?")},
    [RF_ROLE] = {.name = "reporter_role",
                 .type = FT_DOMAIN_TEXT,
                 .required = true,
                 .label = _("Wie ben jij?"),
                 .hint = _("Kies wat het best bij je past.")},
    [RF_ANONYMOUS] = {.name = "anonymous",
                      .type = FT_YESNO,
                      .required = true,
                      .missing = _("Kies of je anoniem wilt blijven."),
                      .invalid = _("Kies of je anoniem wilt blijven."),
                      .label = _("Wil je anoniem blijven?"),
                      .hint = _("Anoniem betekent: je noemt je naam niet. Je krijgt wel een "
                                "bonnetje, zodat je later kunt kijken hoe het gaat.")},
    [RF_DESCRIPTION] = {.name = "description",
                        .type = FT_DOMAIN_TEXT,
                        .required = true,
                        .multiline = true,
                        .label = _("Wat heb je gezien of meegemaakt?"),
                        .hint = _("Vertel in je eigen woorden wat er aan de hand is. Noem geen "
                                  "namen als je dat niet wilt. Je mag tot 10.000 tekens "
                                  "schrijven.")},
    /* Checkboxes, so repeated: read by form_all(); the spec draws the
     * group. */
    [RF_FORMS] = {.name = "forms",
                  .type = FT_DOMAIN_TEXT,
                  .label = _("Om welke vorm van uitbuiting gaat het, denk je?"),
                  .hint = _("Je hoeft het niet zeker te weten. Je mag meer dan één vorm "
                            "kiezen.")},
    [RF_DISTRICT] = {.name = "district",
                     .type = FT_DOMAIN_TEXT,
                     .label = _("In welke wijk of welk dorp was het?"),
                     .hint = _("Niet verplicht. Weet je het niet, of was het ergens anders? "
                               "Kies dan de laatste keuze.")},
    [RF_PLACE] = {.name = "place",
                  .type = FT_DOMAIN_TEXT,
                  .label = _("Waar precies? (niet verplicht)"),
                  .hint = _("Bijvoorbeeld een straat, een bedrijf of een plaats buiten de "
                            "gemeente.")},
    [RF_WHEN] = {.name = "when",
                 .type = FT_DOMAIN_TEXT,
                 .label = _("Wanneer was het? (niet verplicht)"),
                 .hint = _("Bijvoorbeeld: gisteren, vorige week, of elke vrijdagavond.")},
    [RF_CONTACT_NAME] = {.name = "contact.name",
                         .type = FT_DOMAIN_TEXT,
                         .id = "contact-name",
                         .label = _("Je naam"),
                         .autocomplete = "name"},
    [RF_CONTACT_PHONE] = {.name = "contact.phone",
                          .type = FT_DOMAIN_TEXT,
                          .id = "contact-phone",
                          .label = _("Je telefoonnummer"),
                          .input = "tel",
                          .autocomplete = "tel"},
    [RF_CONTACT_EMAIL] = {.name = "contact.email",
                          .type = FT_DOMAIN_TEXT,
                          .id = "contact-email",
                          .label = _("Je e-mailadres"),
                          .input = "email",
                          .autocomplete = "email"},
};

/* Step 1's one question; its error is the form's own (the answer only
 * opens step 2 with or without the 112 advice first). */
static const struct field_spec danger_field = {
    .name = "danger",
    .type = FT_YESNO,
    .required = true,
    .missing = _("Kies ja of nee: is iemand nu in acuut gevaar?"),
    .invalid = _("Kies ja of nee: is iemand nu in acuut gevaar?"),
    .label = _("Is iemand nu in acuut gevaar?"),
    .hint = _("Bijvoorbeeld: iemand wordt nu bedreigd, opgesloten of mishandeld. Of iemand "
              "kan nu niet weg."),
};

/* A person's "younger than 18?" group, drawn per slot (name and id base
 * "people[k].minor"). */
static const struct field_spec minor_spec = {
    .name = "minor",
    .type = FT_DOMAIN_TEXT,
    .label = _("Is deze persoon jonger dan 18 jaar?"),
    .hint = _("Niet verplicht."),
};

/* A person's text fields, drawn per slot ("people[k].age", id
 * "person-k-age"); read by person_val(). */
static const struct field_spec person_specs[] = {
    {.name = "age",
     .type = FT_DOMAIN_TEXT,
     .label = _("Leeftijd, ongeveer (niet verplicht)"),
     .hint = _("Bijvoorbeeld: ongeveer 16, of tussen 20 en 30.")},
    {.name = "gender",
     .type = FT_DOMAIN_TEXT,
     .label = _("Geslacht (niet verplicht)"),
     .hint = _("Bijvoorbeeld: man, vrouw, of weet ik niet.")},
    {.name = "nationality",
     .type = FT_DOMAIN_TEXT,
     .label = _("Nationaliteit of land van herkomst (niet verplicht)")},
    {.name = "language",
     .type = FT_DOMAIN_TEXT,
     .label = _("Welke taal spreekt deze persoon? (niet verplicht)")},
};

static const char *person_val(const struct req *req, size_t slot, const char *key)
{
	char name[HTTP_MAX_FIELD_NAME + 1];
	snprintf(name, sizeof name, "people[%zu].%s", slot, key);
	return form_val(req, name);
}

/* The typed form as report_check() wants it; strings borrowed from req.
 * slot[k] is the form's person slot of in.people[k] (empty slots are
 * left out, so the numbering may differ). */
struct report_form {
	struct report_input in;
	size_t slot[FORM_PEOPLE];
	const char *districts[STORE_MAX_DISTRICTS];
	struct report_org org;
	struct field_value vals[RF_NFIELDS];
	struct field_error errs[RF_NFIELDS];
	size_t nerr; /* errs of report_fields (the form's own questions) */
};

/* The value of field i when given, else NULL. */
static const char *rf_text(const struct report_form *f, size_t i)
{
	return f->vals[i].present ? f->vals[i].text : NULL;
}

static void read_form(const struct req *req, struct report_form *f)
{
	memset(f, 0, sizeof *f);
	site_report_org(req->org, &f->org, f->districts);

	f->nerr = validate_fields(req->form, req->nform, report_fields, RF_NFIELDS, NULL, f->vals,
	                          f->errs);
	struct report_input *in = &f->in;
	in->org = req->org->id;
	in->kind = rf_text(f, RF_KIND);
	in->reporter_role = rf_text(f, RF_ROLE);
	in->anonymous = f->vals[RF_ANONYMOUS].present && f->vals[RF_ANONYMOUS].yes;
	in->acute_danger = str_eq(req_form(req, "acute_danger"), "yes");
	in->description = rf_text(f, RF_DESCRIPTION);
	in->nsignals = form_all(req, "signals", in->signals, REPORT_MAX_SIGNALS);
	in->nforms = form_all(req, "forms", in->forms, REPORT_MAX_FORMS);
	in->district = rf_text(f, RF_DISTRICT);
	if (str_eq(in->district, DISTRICT_ELSEWHERE))
		in->district = NULL;
	in->place = rf_text(f, RF_PLACE);
	in->when = rf_text(f, RF_WHEN);
	in->contact_name = rf_text(f, RF_CONTACT_NAME);
	in->contact_phone = rf_text(f, RF_CONTACT_PHONE);
	in->contact_email = rf_text(f, RF_CONTACT_EMAIL);
	for (size_t s = 0; s < FORM_PEOPLE; s++) {
		struct report_person p = {
		    .age = person_val(req, s, "age"),
		    .minor = person_val(req, s, "minor"),
		    .gender = person_val(req, s, "gender"),
		    .nationality = person_val(req, s, "nationality"),
		    .language = person_val(req, s, "language"),
		};
		if (!p.age && !p.minor && !p.gender && !p.nationality && !p.language)
			continue;
		f->slot[in->npeople] = s;
		in->people[in->npeople++] = p;
	}
}

/* For "people[k]..." sets k and rest (what follows "]") and returns true.
 * Field names come from report_check() and the form's own names. */
static bool people_index(const char *field, size_t *k, const char **rest)
{
	if (!str_starts(field, "people["))
		return false;
	const char *p = field + 7;
	size_t n = 0, digits = 0;
	for (; *p >= '0' && *p <= '9' && digits < 3; p++, digits++)
		n = n * 10 + (size_t)(*p - '0');
	if (!digits || *p != ']')
		return false;
	*k = n;
	*rest = p + 1;
	return true;
}

/* Checks the form: what only the form can get wrong (a missing choice of
 * anonymity), then the shared rules. Error fields are form field names. */
static void check_form(const struct req *req, const struct report_form *f, struct ferrs *fe)
{
	for (size_t i = 0; i < f->nerr; i++)
		ferr_add(fe, f->errs[i].field, f->errs[i].message);

	struct report_error errs[FORM_MAX_ERRORS];
	size_t n = report_check(req->site->content, &f->org, &f->in, errs, FORM_MAX_ERRORS);
	if (n > FORM_MAX_ERRORS)
		n = FORM_MAX_ERRORS;
	for (size_t i = 0; i < n; i++) {
		const char *field = errs[i].field ? errs[i].field : "";
		char name[64];
		size_t k;
		const char *rest;
		/* "people[k]..." counts the people given; the form numbers
		 * its slots. */
		if (people_index(field, &k, &rest) && k < f->in.npeople)
			snprintf(name, sizeof name, "people[%zu]%s", f->slot[k], rest);
		else
			snprintf(name, sizeof name, "%s", field);
		ferr_add(fe, name, errs[i].message);
	}
}

/* --- Building the page ----------------------------------------------- */

/* Element id of a form field name: "contact.email" -> "contact-email",
 * "people[1].age" -> "person-1-age". */
static void field_id(const char *field, char *out, size_t outsz)
{
	size_t k;
	const char *rest;
	if (people_index(field, &k, &rest)) {
		if (*rest == '.')
			rest++;
		if (*rest)
			snprintf(out, outsz, "person-%zu-%s", k, rest);
		else
			snprintf(out, outsz, "person-%zu-age", k);
		return;
	}
	size_t j = 0;
	for (const char *p = field; *p && j + 1 < outsz; p++)
		out[j++] = (*p == '.' || *p == '[' || *p == ']') ? '-' : *p;
	while (j > 0 && out[j - 1] == '-')
		j--;
	out[j] = '\0';
}

/* Where the error summary links to for an error of field: the input, or
 * the first option of a group. ids: the first ids of the groups. */
struct group_ids {
	char kind[64], role[64], anonymous[64], signals[64], forms[64], district[64];
};

static void error_target(const char *field, const struct group_ids *g, char *out, size_t outsz)
{
	static const struct {
		const char *prefix;
		size_t off;
	} groups[] = {
	    {"kind", offsetof(struct group_ids, kind)},
	    {"reporter_role", offsetof(struct group_ids, role)},
	    {"anonymous", offsetof(struct group_ids, anonymous)},
	    {"signals", offsetof(struct group_ids, signals)},
	    {"forms", offsetof(struct group_ids, forms)},
	    {"district", offsetof(struct group_ids, district)},
	};
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
		size_t n = strlen(groups[i].prefix);
		if (strncmp(field, groups[i].prefix, n) == 0 &&
		    (field[n] == '\0' || field[n] == '[' || field[n] == '.')) {
			snprintf(out, outsz, "%s", (const char *)g + groups[i].off);
			return;
		}
	}
	if (str_eq(field, "people") || str_eq(field, "contact")) {
		snprintf(out, outsz, "%s", field[0] == 'p' ? "person-0-age" : "contact-name");
		return;
	}
	size_t k;
	const char *rest;
	if (people_index(field, &k, &rest) && str_eq(rest, ".minor")) {
		snprintf(out, outsz, "person-%zu-minor-yes", k);
		return;
	}
	if (str_starts(field, "people[") || str_starts(field, "contact.") ||
	    str_eq(field, "description") || str_eq(field, "place") || str_eq(field, "when")) {
		field_id(field, out, outsz);
		return;
	}
	/* A rule about the report as a whole: the top of the form. */
	snprintf(out, outsz, "%s", "melding");
}

/* The text input of spec, with what was typed and its error. */
static json_t *text_field(const struct req *req, const struct ferrs *fe,
                          const struct field_spec *spec)
{
	return fk_spec_field(req, spec, req_form(req, spec->name), ferr_get(fe, spec->name));
}

/* The text input of person_specs[i] in slot. */
static json_t *person_text_field(const struct req *req, const struct ferrs *fe, size_t slot,
                                 size_t i)
{
	char name[HTTP_MAX_FIELD_NAME + 1], id[80];
	snprintf(name, sizeof name, "people[%zu].%s", slot, person_specs[i].name);
	field_id(name, id, sizeof id);
	struct field_spec spec = person_specs[i];
	spec.name = name;
	spec.id = id;
	return text_field(req, fe, &spec);
}

static json_t *kind_group(const struct req *req, const struct ferrs *fe)
{
	const char *chosen = req_form(req, "kind");
	json_t *g = fk_spec_group(req, FK_RADIO, &report_fields[RF_KIND], ferr_group(fe, "kind"));
	bool ok = fk_option(
	    g, "kind-advice", "advice", page_tr(req, _("Advies vragen")),
	    page_tr(req, _("Je vertelt over je zorgen en krijgt advies. Over de mensen om wie het "
	                   "gaat, schrijven we niets op.")),
	    str_eq(chosen, "advice"));
	ok = ok && fk_option(g, "kind-report", "report", page_tr(req, _("Een melding doen")),
	                     page_tr(req, _("Je vraagt ons om in actie te komen. Deskundigen "
	                                    "kijken wat er nodig is.")),
	                     str_eq(chosen, "report"));
	if (!ok) {
		json_decref(g);
		return NULL;
	}
	return g;
}

static json_t *role_group(const struct req *req, const struct ferrs *fe)
{
	const char *chosen = req_form(req, "reporter_role");
	json_t *g =
	    fk_spec_group(req, FK_RADIO, &report_fields[RF_ROLE], ferr_group(fe, "reporter_role"));
	bool ok = g != NULL;
	size_t i;
	const json_t *r;
	json_array_foreach(content_roles(req->site->content, req->lang), i, r)
	{
		const char *code = json_string_value(json_object_get(r, "code"));
		char id[80];
		snprintf(id, sizeof id, "role-%s", code);
		ok = ok &&
		     fk_option(g, id, code, json_string_value(json_object_get(r, "name")),
		               json_string_value(json_object_get(r, "who")), str_eq(chosen, code));
	}
	if (!ok) {
		json_decref(g);
		return NULL;
	}
	return g;
}

static json_t *anonymous_group(const struct req *req, const struct ferrs *fe)
{
	const char *chosen = req_form(req, "anonymous");
	json_t *g =
	    fk_spec_group(req, FK_RADIO, &report_fields[RF_ANONYMOUS], ferr_group(fe, "anonymous"));
	bool ok =
	    fk_option(g, "anonymous-yes", "yes", page_tr(req, _("Ja, ik wil anoniem blijven")),
	              NULL, str_eq(chosen, "yes"));
	ok = ok && fk_option(g, "anonymous-no", "no",
	                     page_tr(req, _("Nee, jullie mogen weten wie ik ben")), NULL,
	                     str_eq(chosen, "no"));
	if (!ok) {
		json_decref(g);
		return NULL;
	}
	return g;
}

/* The roles that cannot report anonymously, with the reason (from
 * content: the Meldcode), for the note under the anonymity question. */
static json_t *anonymity_notes(const struct req *req)
{
	json_t *a = json_array();
	size_t i;
	const json_t *r;
	json_array_foreach(content_roles(req->site->content, req->lang), i, r)
	{
		const json_t *note = json_object_get(r, "anonymous_note");
		if (json_is_false(json_object_get(r, "anonymous")) && json_is_string(note) &&
		    !fk_append(a, json_pack("{s:O, s:O}", "role", json_object_get(r, "name"),
		                            "note", note))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* The signal checklist, one checkbox group per heading of content. */
static json_t *signal_groups(const struct req *req, struct group_ids *ids)
{
	json_t *groups = json_array();
	json_t *cur = NULL;
	const char *cur_name = NULL;
	bool ok = groups != NULL;
	size_t i;
	const json_t *s;
	json_array_foreach(content_signals(req->site->content, req->lang), i, s)
	{
		const char *group = json_string_value(json_object_get(s, "group"));
		const char *code = json_string_value(json_object_get(s, "code"));
		if (!ok || !group || !code)
			continue;
		if (!cur || !str_eq(group, cur_name)) {
			char base[32];
			snprintf(base, sizeof base, "signals-%zu", json_array_size(groups));
			cur = fk_group(FK_CHECKBOX, base, "signals", group, NULL, NULL, false);
			cur_name = group;
			ok = fk_append(groups, cur);
		}
		char id[32];
		snprintf(id, sizeof id, "signal-%zu", i);
		if (i == 0)
			snprintf(ids->signals, sizeof ids->signals, "%s", id);
		ok = ok && fk_option(cur, id, code, json_string_value(json_object_get(s, "text")),
		                     NULL, form_has(req, "signals", code));
	}
	if (!ok) {
		json_decref(groups);
		return NULL;
	}
	return groups;
}

static json_t *forms_group(const struct req *req, const struct ferrs *fe)
{
	json_t *g =
	    fk_spec_group(req, FK_CHECKBOX, &report_fields[RF_FORMS], ferr_group(fe, "forms"));
	bool ok = g != NULL;
	size_t i;
	const json_t *f;
	json_array_foreach(content_forms(req->site->content, req->lang), i, f)
	{
		const char *code = json_string_value(json_object_get(f, "code"));
		char id[80];
		snprintf(id, sizeof id, "forms-%s", code);
		ok = ok && fk_option(g, id, code, json_string_value(json_object_get(f, "name")),
		                     NULL, form_has(req, "forms", code));
	}
	ok = ok && fk_option(g, "forms-unknown", "unknown", page_tr(req, _("Weet ik niet")), NULL,
	                     form_has(req, "forms", "unknown"));
	if (!ok) {
		json_decref(g);
		return NULL;
	}
	return g;
}

static json_t *district_group(const struct req *req, const struct ferrs *fe)
{
	const char *chosen = req_form(req, "district");
	json_t *g =
	    fk_spec_group(req, FK_RADIO, &report_fields[RF_DISTRICT], ferr_group(fe, "district"));
	bool ok = g != NULL;
	size_t i;
	const json_t *d;
	json_array_foreach(req->org->districts, i, d)
	{
		char id[32];
		snprintf(id, sizeof id, "district-%zu", i + 1);
		ok = ok && fk_option(g, id, json_string_value(d), json_string_value(d), NULL,
		                     str_eq(chosen, json_string_value(d)));
	}
	ok = ok && fk_option(g, "district-elders", DISTRICT_ELSEWHERE,
	                     page_tr(req, _("Ergens anders, of ik weet het niet")), NULL,
	                     str_eq(chosen, DISTRICT_ELSEWHERE));
	if (!ok) {
		json_decref(g);
		return NULL;
	}
	return g;
}

static json_t *person(const struct req *req, const struct ferrs *fe, size_t slot)
{
	char name[HTTP_MAX_FIELD_NAME + 1], base[32];
	json_t *p = json_object();
	bool ok = fk_put(p, "number", json_integer((json_int_t)slot + 1));
	for (size_t i = 0; i < sizeof person_specs / sizeof person_specs[0]; i++)
		ok = ok && fk_put(p, person_specs[i].name, person_text_field(req, fe, slot, i));
	snprintf(name, sizeof name, "people[%zu].minor", slot);
	snprintf(base, sizeof base, "person-%zu-minor", slot);
	const char *chosen = req_form(req, name);
	const char *err = ferr_get(fe, name);
	/* The group's hint and error are named after the field. */
	struct field_spec spec = minor_spec;
	spec.name = name;
	json_t *g = fk_spec_group(req, FK_RADIO, &spec, err);
	static const struct {
		const char *value, *label;
	} minor[] = {{"yes", _("Ja")}, {"no", _("Nee")}, {"unknown", _("Weet ik niet")}};
	for (size_t i = 0; i < 3; i++) {
		char id[48];
		snprintf(id, sizeof id, "%s-%s", base, minor[i].value);
		ok = ok && fk_option(g, id, minor[i].value, page_tr(req, minor[i].label), NULL,
		                     str_eq(chosen, minor[i].value));
	}
	ok = fk_put(p, "minor", g) && ok;
	if (!ok) {
		json_decref(p);
		return NULL;
	}
	return p;
}

/* What went wrong besides the fields, shown above the form. */
struct form_notice {
	bool session_expired; /* CSRF token missing, old or not ours */
	unsigned retry_after; /* rate limited: seconds */
	bool busy;            /* the write queue is full */
	bool not_stored;      /* the commit failed (a full disk, ...) */
};

static json_t *page_base(struct req *req, struct resp *resp, const char *title, bool *ok)
{
	json_t *d = json_object();
	*ok = fk_put(d, "title", json_string(page_tr(req, title)));
	*ok = *ok && page_csrf(req, resp, d) == 0;
	return d;
}

static bool put_notice(const struct req *req, json_t *d, const struct form_notice *nt)
{
	bool ok = fk_put(d, "session_expired", json_boolean(nt && nt->session_expired));
	ok = ok && fk_put(d, "busy", json_boolean(nt && nt->busy));
	if (ok && nt && nt->retry_after)
		ok = fk_put(d, "retry_text", site_wait_text(req, nt->retry_after));
	ok = ok && fk_put(d, "not_stored",
	                  nt && nt->not_stored ? site_wait_text(req, INTAKE_FAULT_RETRY_S)
	                                       : json_false());
	return ok;
}

static int render(struct req *req, struct resp *resp, int status, const char *tmpl, json_t *d,
                  bool ok)
{
	int rc = ok && d ? page_render(req, resp, status, tmpl, d) : -ENOMEM;
	json_decref(d);
	return rc;
}

/* Step 1: the danger question. */
static int step1(struct req *req, struct resp *resp, int status, const char *error,
                 const struct form_notice *nt)
{
	bool ok;
	json_t *d = page_base(req, resp, _("Mensenhandel melden"), &ok);
	const char *chosen = req->method == HTTP_POST ? req_form(req, "danger") : NULL;
	json_t *g = fk_spec_group(req, FK_RADIO, &danger_field, error);
	ok = ok &&
	     fk_option(g, "danger-yes", "yes", page_tr(req, _("Ja")), NULL, str_eq(chosen, "yes"));
	ok = ok && fk_option(g, "danger-no", "no", page_tr(req, _("Nee, niet op dit moment")), NULL,
	                     str_eq(chosen, "no"));
	json_t *errors = json_array();
	if (ok && error)
		ok = fk_append(errors, json_pack("{s:s, s:s}", "target", "danger-yes", "message",
		                                 page_tr(req, error)));
	ok = fk_put(d, "danger", g) && ok;
	ok = fk_put(d, "errors", errors) && ok;
	ok = ok && fk_put(d, "has_errors", json_boolean(error != NULL));
	ok = ok && put_notice(req, d, nt);
	return render(req, resp, status, "report", d, ok);
}

/* Step 2: the whole form, with what was typed and fe's errors. */
static int step2(struct req *req, struct resp *resp, int status, const struct ferrs *fe,
                 const struct form_notice *nt)
{
	bool ok;
	json_t *d = page_base(req, resp, _("Mensenhandel melden"), &ok);
	bool acute = str_eq(req_form(req, "acute_danger"), "yes") ||
	             (req_form(req, "step") && str_eq(req_form(req, "step"), "1") &&
	              str_eq(req_form(req, "danger"), "yes"));
	struct group_ids ids = {.kind = "kind-advice",
	                        .anonymous = "anonymous-yes",
	                        .forms = "forms-unknown",
	                        .district = "district-elders"};
	ok = ok && fk_put(d, "acute", json_boolean(acute));
	ok = ok && fk_put(d, "acute_danger", json_string(acute ? "yes" : "no"));
	json_t *kind = kind_group(req, fe);
	json_t *role = role_group(req, fe);
	json_t *forms = forms_group(req, fe);
	json_t *district = district_group(req, fe);
	snprintf(ids.role, sizeof ids.role, "%s", fk_first_id(role) ? fk_first_id(role) : "");
	snprintf(ids.forms, sizeof ids.forms, "%s", fk_first_id(forms) ? fk_first_id(forms) : "");
	snprintf(ids.district, sizeof ids.district, "%s",
	         fk_first_id(district) ? fk_first_id(district) : "");
	ok = fk_put(d, "kind", kind) && ok;
	ok = fk_put(d, "reporter_role", role) && ok;
	ok = fk_put(d, "anonymous", anonymous_group(req, fe)) && ok;
	ok = fk_put(d, "anonymity_notes", anonymity_notes(req)) && ok;
	ok = fk_put(d, "description", text_field(req, fe, &report_fields[RF_DESCRIPTION])) && ok;
	const char *serr = ferr_group(fe, "signals");
	json_t *sgroups = signal_groups(req, &ids);
	size_t gi;
	json_t *sg;
	json_array_foreach(sgroups, gi, sg)
	{
		if (serr)
			ok = ok && fk_mark_invalid(sg);
	}
	ok = fk_put(d, "signal_groups", sgroups) && ok;
	ok =
	    ok && fk_put(d, "signals_error", serr ? json_string(page_tr(req, serr)) : json_false());
	ok = fk_put(d, "forms", forms) && ok;
	ok = fk_put(d, "district", district) && ok;
	ok = fk_put(d, "place", text_field(req, fe, &report_fields[RF_PLACE])) && ok;
	ok = fk_put(d, "when", text_field(req, fe, &report_fields[RF_WHEN])) && ok;
	const char *perr = ferr_get(fe, "people");
	json_t *people = json_array();
	for (size_t s = 0; s < FORM_PEOPLE; s++) {
		json_t *p = person(req, fe, s);
		/* An advice request with people: every given field is wrong. */
		for (size_t k = 0; perr && k < NPERSON_FIELDS; k++)
			if (person_val(req, s, person_fields[k]))
				ok = ok && fk_mark_invalid(json_object_get(p, person_fields[k]));
		ok = fk_append(people, p) && ok;
	}
	ok = fk_put(d, "people", people) && ok;
	ok = ok && fk_put(d, "people_error", perr ? json_string(page_tr(req, perr)) : json_false());
	json_t *contact = json_object();
	ok = fk_put(contact, "name", text_field(req, fe, &report_fields[RF_CONTACT_NAME])) && ok;
	ok = fk_put(contact, "phone", text_field(req, fe, &report_fields[RF_CONTACT_PHONE])) && ok;
	ok = fk_put(contact, "email", text_field(req, fe, &report_fields[RF_CONTACT_EMAIL])) && ok;
	const char *cerr = ferr_get(fe, "contact");
	ok = ok && fk_put(contact, "error", cerr ? json_string(page_tr(req, cerr)) : json_false());
	/* A rule about the contact details as a whole marks all three. */
	static const char *const contact_fields[] = {"name", "phone", "email"};
	for (size_t k = 0; cerr && k < 3; k++)
		ok = ok && fk_mark_invalid(json_object_get(contact, contact_fields[k]));
	ok = fk_put(d, "contact", contact) && ok;

	/* The error summary, in the order of the page. */
	json_t *errors = json_array();
	static const char *const order[] = {"kind",    "reporter_role", "anonymous", "description",
	                                    "signals", "forms",         "district",  "place",
	                                    "when",    "people",        "contact"};
	bool listed[FORM_MAX_ERRORS] = {false};
	for (size_t o = 0; fe && o <= sizeof order / sizeof order[0]; o++) {
		for (size_t i = 0; i < fe->n; i++) {
			const char *f = fe->e[i].field;
			size_t n = o < sizeof order / sizeof order[0] ? strlen(order[o]) : 0;
			bool match = o == sizeof order / sizeof order[0]
			                 ? true
			                 : strncmp(f, order[o], n) == 0 &&
			                       (f[n] == '\0' || f[n] == '[' || f[n] == '.');
			if (listed[i] || !match)
				continue;
			listed[i] = true;
			char target[80];
			error_target(f, &ids, target, sizeof target);
			ok = ok &&
			     fk_append(errors, json_pack("{s:s, s:s}", "target", target, "message",
			                                 page_tr(req, fe->e[i].message)));
		}
	}
	ok = fk_put(d, "errors", errors) && ok;
	ok = ok && fk_put(d, "has_errors", json_boolean(fe && fe->n > 0));
	ok = ok && put_notice(req, d, nt);
	return render(req, resp, status, "report-form", d, ok);
}

/* The answer after the commit: the receipt, once, and nothing of what
 * was reported. */
static int done(struct req *req, struct resp *resp, const struct report_form *f,
                const struct intake_receipt *rc)
{
	bool advice = str_eq(f->in.kind, "advice");
	json_t *d = json_object();
	bool ok = fk_put(d, "title",
	                 json_string(page_tr(req, advice ? _("Je adviesvraag is verstuurd")
	                                                 : _("Je melding is verstuurd"))));
	ok = ok && fk_put(d, "receipt", json_string(rc->text));
	ok = ok && fk_put(d, "advice", json_boolean(advice));
	ok = ok && fk_put(d, "anonymous", json_boolean(f->in.anonymous));
	ok = ok && fk_put(d, "acute", json_boolean(f->in.acute_danger));
	return render(req, resp, 200, "report-done", d, ok);
}

/* The receipt page when the real one cannot be made (out of memory, a
 * template that fails): the report is stored, so its receipt must still
 * reach the reporter, once. */
static int done_plain(struct req *req, struct resp *resp, const struct report_form *f,
                      const struct intake_receipt *rc)
{
	bool advice = str_eq(f->in.kind, "advice");
	const char *title =
	    page_tr(req, advice ? _("Je adviesvraag is verstuurd") : _("Je melding is verstuurd"));
	struct buf *b = &resp->body;
	buf_reset(b);
	resp->status = 200;
	resp->content_type = "text/html; charset=utf-8";
	int e =
	    buf_printf(b, "<!doctype html>\n<html lang=\"%s\">\n<meta charset=\"utf-8\">\n<title>",
	               str_eq(req->lang, "en") ? "en" : "nl");
	e = e ? e : html_escape(b, title, strlen(title));
	e = e ? e : buf_puts(b, "</title>\n<h1>");
	e = e ? e : html_escape(b, title, strlen(title));
	e = e ? e : buf_puts(b, "</h1>\n<p>");
	const char *say = page_tr(req, _("Schrijf je bonnetje op. Je ziet het maar één keer:"));
	e = e ? e : html_escape(b, say, strlen(say));
	e = e ? e
	      : buf_printf(b, " <strong>%s</strong></p>\n<p><a href=\"%s/volgen\">", rc->text,
	                   str_eq(req->lang, "en") ? "/en" : "");
	const char *follow = page_tr(req, _("Volg je melding"));
	e = e ? e : html_escape(b, follow, strlen(follow));
	e = e ? e : buf_puts(b, "</a></p>\n</html>\n");
	return e;
}

/* The deferred answer once the writer has committed the report: the
 * receipt page, shown once. The form is read again from the request, which
 * lives on while it waits. */
static int committed(struct req *req, struct resp *resp)
{
	struct submit_result *res = submit_result(req);
	struct report_form f;
	read_form(req, &f);
	if (res->rc == INTAKE_INVALID) {
		struct ferrs fe = {.n = 0};
		ferr_add(&fe, "",
		         _("Je melding kon niet worden opgeslagen. Kijk je antwoorden na en "
		           "probeer het opnieuw."));
		return step2(req, resp, 400, &fe, NULL);
	}
	/* A failed commit (a full disk, ...): the form comes back with
	 * everything typed, and says it was not stored. */
	if (res->rc) {
		log_error("intake: a report could not be stored: %s", store_strerror(res->rc));
		int hr = site_retry_after(resp, INTAKE_FAULT_RETRY_S);
		return hr ? hr
		          : step2(req, resp, 503, NULL, &(struct form_notice){.not_stored = true});
	}
	int rc = done(req, resp, &f, &res->receipt);
	if (rc < 0) {
		log_error("report page: %s; the receipt is shown on a plain page", strerror(-rc));
		rc = done_plain(req, resp, &f, &res->receipt);
	}
	sodium_memzero(&res->receipt, sizeof res->receipt);
	return rc;
}

/* Step 2 submitted. */
static int submit(struct req *req, struct resp *resp)
{
	struct site *site = req->site;
	struct report_form f;
	struct ferrs fe = {.n = 0};
	read_form(req, &f);
	check_form(req, &f, &fe);
	if (fe.n)
		return step2(req, resp, 400, &fe, NULL);

	unsigned char key[16];
	client_key(req, key);
	unsigned wait = site->intake_limit ? throttle_hit(site->intake_limit, key, sizeof key) : 0;
	if (wait) {
		int rc = site_retry_after(resp, wait);
		return rc ? rc
		          : step2(req, resp, 429, NULL, &(struct form_notice){.retry_after = wait});
	}
	if (!site->intake) {
		log_error("intake: not started");
		return step2(req, resp, 503, NULL, &(struct form_notice){.busy = true});
	}
	/* The answer waits for the commit without holding this thread. */
	int rc = submit_deferred(req, &f.org, &f.in, committed);
	if (rc == 0)
		return 0;
	if (rc == INTAKE_BUSY) {
		int hr = site_retry_after(resp, 30);
		return hr ? hr : step2(req, resp, 503, NULL, &(struct form_notice){.busy = true});
	}
	if (rc == INTAKE_INVALID) {
		/* report_check() passed, so only a rule of the store is left. */
		ferr_add(&fe, "",
		         _("Je melding kon niet worden opgeslagen. Kijk je antwoorden na en "
		           "probeer het opnieuw."));
		return step2(req, resp, 400, &fe, NULL);
	}
	return rc < 0 ? rc : -EIO;
}

/* True for the form's free-text fields (report_text_ready()). */
static bool is_text_field(const char *name)
{
	static const char *const texts[] = {"description",  "place",         "when",
	                                    "contact.name", "contact.phone", "contact.email"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (str_eq(name, texts[i]))
			return true;
	size_t k;
	const char *rest;
	return people_index(name, &k, &rest) && !str_eq(rest, ".minor");
}

/* Readies the typed texts in the request itself, once, so that the check,
 * the form shown back and the deferred answer all see the same text. */
static void ready_texts(struct req *req)
{
	for (size_t i = 0; i < req->nform; i++) {
		struct http_field *f = &req->form[i];
		if (is_text_field(f->name))
			f->len = report_text_ready(f->value, f->len);
	}
}

int page_report(struct req *req, struct resp *resp)
{
	if (req->method != HTTP_POST)
		return step1(req, resp, 200, NULL, NULL);
	ready_texts(req);
	const char *step = req_form(req, "step");
	if (str_eq(step, "1")) {
		struct field_value danger;
		struct field_error err;
		if (validate_fields(req->form, req->nform, &danger_field, 1, NULL, &danger, &err))
			return step1(req, resp, 400, err.message, NULL);
		return step2(req, resp, 200, NULL, NULL);
	}
	return submit(req, resp);
}

int page_report_expired(struct req *req, struct resp *resp)
{
	/* The step it came from again, with everything typed: nothing was
	 * stored, and the new page carries a new token. */
	ready_texts(req);
	const struct form_notice expired = {.session_expired = true};
	if (str_eq(req_form(req, "step"), "1"))
		return step1(req, resp, 403, NULL, &expired);
	return step2(req, resp, 403, NULL, &expired);
}
