/* report: the public report form /melden (see pages.h).
 *
 * A few short steps (danger, what, what you saw, where, the people, you),
 * then a page to check the answers, all without JavaScript. Every field's
 * name, type, limits and message are declared once, on the form's field
 * tables (report_fields, person_fields), which also draw it. What is typed
 * is kept as a draft on the server under the form's cookie
 * (domain/draft.c), and every POST is answered with 303 to a GET
 * (post/redirect/get): Back, a reload, a link or the language switch lose
 * nothing. A POST of the old one-page shape (step=2, or no known step)
 * becomes the whole draft, and leads to the step of its first error or to
 * the check page. Sending ("Verstuur" on the check page) takes the draft
 * once, checks it with report_check() (the same rules as the API's) and
 * the per-source rate limit, then queues it for the intake's commit.
 * Only when nothing could be kept (the draft's store fails) or the CSRF
 * check fails (a POST that may not change the draft) is the page drawn
 * from what was posted, with everything typed still in it.
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
#include "auth/csrf.h"
#include "domain/draft.h"
#include "domain/intake.h"
#include "domain/report.h"
#include "http/client.h"
#include "http/throttle.h"
#include "http/validate.h"
#include "pages/answers.h"
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

/* The form's fields, for reading them (validate_fields) and for drawing
 * them (fk_spec_field, fk_spec_group) from one table. The texts' rules are
 * report_check()'s, the same as the API's, hence FT_DOMAIN_TEXT (only read
 * here); "anonymous" is the form's own question (the API takes a boolean).
 * The checkbox lists are FT_MULTI: their values, counts and repeats are
 * checked here by the table, with the limits of limits.h and the closed
 * lists of the domain (signals: content's codes); report_check() applies
 * the same rules for the API. */
enum {
	RF_KIND,
	RF_ROLE,
	RF_ANONYMOUS,
	RF_DESCRIPTION,
	RF_SIGNALS, /* checkboxes */
	RF_FORMS,   /* checkboxes */
	RF_DISTRICT,
	RF_PLACE,
	RF_WHEN,
	RF_CONTACT_NAME,
	RF_CONTACT_PHONE,
	RF_CONTACT_EMAIL,
	/* Issue 8 */
	RF_SECTOR,
	RF_SINCE,
	RF_FREQUENCY,
	RF_SUBJECT_AWARE,
	RF_TALKED_WITH,
	RF_INVOLVED, /* checkboxes */
	RF_LOCATION_NOW,
	RF_SAFE_CONTACT,
	RF_THREATS,
	RF_WEAPONS,
	RF_REPORTER_SAFE,
	RF_CONFIDENTIAL, /* checkbox: reporter_state=confidential */
	RF_PRO_ORG,
	RF_PRO_FUNCTION,
	RF_MELDCODE, /* checkboxes */
	RF_NFIELDS
};

/* What the checks of the table look in (validate_fields()'s ctx). */
struct rf_ctx {
	const struct content *content;
	const struct report_org *org;
};

/* RF_SIGNALS: a code of content. */
static bool is_signal(void *ctx, const char *code)
{
	return content_is_signal(((const struct rf_ctx *)ctx)->content, code);
}

/* RF_ROLE: a role of the contract that content describes. */
static bool is_role(void *ctx, const char *code)
{
	return report_value_index(report_roles, code) >= 0 &&
	       content_is_role(((const struct rf_ctx *)ctx)->content, code);
}

/* RF_DISTRICT: one of the organisation's, or "somewhere else". */
static bool is_district(void *ctx, const char *d)
{
	const struct report_org *org = ((const struct rf_ctx *)ctx)->org;
	if (str_eq(d, DISTRICT_ELSEWHERE))
		return true;
	for (size_t i = 0; i < org->ndistricts; i++)
		if (str_eq(org->districts[i], d))
			return true;
	return false;
}

static const char *const confidential_values[] = {"confidential", NULL};
/* The words of report_check() for the same rules, so that the form and the
 * API say the same. */
static const char msg_ynu[] = _("Kies ja, nee of weet ik niet.");

static const struct field_spec report_fields[RF_NFIELDS] = {
    [RF_KIND] = {.name = "kind",
                 .type = FT_CHOICE,
                 .choices = report_kinds,
                 .required = true,
                 .missing = _("Kies of je advies wilt vragen of een melding wilt doen."),
                 .invalid = _("Kies: advies vragen of een melding doen."),
                 .label = _("Wat wil je doen?")},
    [RF_ROLE] = {.name = "reporter_role",
                 .type = FT_CHOICE,
                 .check = is_role,
                 .required = true,
                 .missing = _("Kies wie je bent."),
                 .invalid = _("Kies wie je bent uit de lijst."),
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
    /* Drawn per heading of content (signal_groups()). */
    [RF_SIGNALS] = {.name = "signals",
                    .type = FT_MULTI,
                    .check = is_signal,
                    .max = REPORT_MAX_SIGNALS,
                    .invalid = _("Dit signaal kennen we niet. Kies signalen uit de lijst."),
                    .twice = _("Je hebt een signaal twee keer gekozen. Kies elk signaal één "
                               "keer."),
                    .too_many = _("Je hebt te veel signalen gekozen.")},
    [RF_FORMS] = {.name = "forms",
                  .type = FT_MULTI,
                  .choices = report_forms,
                  .max = REPORT_MAX_FORMS,
                  .invalid = _("Deze vorm kennen we niet. Kies uit de lijst."),
                  .twice = _("Je hebt een vorm twee keer gekozen. Kies elke vorm één keer."),
                  .too_many = _("Je hebt te veel vormen gekozen."),
                  .label = _("Om welke vorm van uitbuiting gaat het, denk je?"),
                  .hint = _("Je hoeft het niet zeker te weten. Je mag meer dan één vorm "
                            "kiezen.")},
    [RF_DISTRICT] = {.name = "district",
                     .type = FT_CHOICE,
                     .check = is_district,
                     .invalid = _("Kies een plaats uit de lijst. Staat de plaats er niet bij? "
                                  "Laat dit dan leeg en schrijf de plaats hieronder."),
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
    [RF_SECTOR] = {.name = "sector",
                   .type = FT_CHOICE,
                   .choices = report_sectors,
                   .invalid = _("Kies een soort plek uit de lijst."),
                   .label = ANSWER_Q_SECTOR},
    [RF_SINCE] = {.name = "since",
                  .type = FT_DOMAIN_TEXT,
                  .label = _("Sinds wanneer gebeurt het? (niet verplicht)"),
                  .hint = _("Bijvoorbeeld: sinds de zomer, of al een paar jaar.")},
    [RF_FREQUENCY] = {.name = "frequency",
                      .type = FT_CHOICE,
                      .choices = report_frequencies,
                      .invalid = _("Kies hoe vaak het gebeurt uit de lijst."),
                      .label = ANSWER_Q_FREQUENCY},
    [RF_SUBJECT_AWARE] = {.name = "subject_aware",
                          .type = FT_CHOICE,
                          .choices = report_minor_values,
                          .invalid = msg_ynu,
                          .id = "subject-aware",
                          .label = ANSWER_Q_SUBJECT_AWARE},
    [RF_TALKED_WITH] = {.name = "talked_with",
                        .type = FT_CHOICE,
                        .choices = report_yes_no,
                        .invalid = _("Kies ja of nee."),
                        .id = "talked-with",
                        .label = ANSWER_Q_TALKED_WITH},
    [RF_INVOLVED] = {.name = "involved",
                     .type = FT_MULTI,
                     .choices = report_involved,
                     .max = REPORT_MAX_INVOLVED,
                     .label = ANSWER_Q_INVOLVED,
                     .hint = _("Vink aan wat je weet.")},
    [RF_LOCATION_NOW] = {.name = "safety.location_now",
                         .type = FT_DOMAIN_TEXT,
                         .id = "safety-location-now",
                         .label = _("Waar is de persoon nu? (niet verplicht)")},
    [RF_SAFE_CONTACT] = {.name = "safety.safe_contact",
                         .type = FT_CHOICE,
                         .choices = report_minor_values,
                         .invalid = msg_ynu,
                         .id = "safety-safe-contact",
                         .label = ANSWER_Q_SAFE_CONTACT,
                         .hint = _("Het is niet veilig als iemand anders de telefoon of de post "
                                   "van de persoon in handen heeft.")},
    [RF_THREATS] = {.name = "safety.threats",
                    .type = FT_CHOICE,
                    .choices = report_minor_values,
                    .invalid = msg_ynu,
                    .id = "safety-threats",
                    .label = ANSWER_Q_THREATS},
    [RF_WEAPONS] = {.name = "safety.weapons",
                    .type = FT_CHOICE,
                    .choices = report_minor_values,
                    .invalid = msg_ynu,
                    .id = "safety-weapons",
                    .label = ANSWER_Q_WEAPONS},
    [RF_REPORTER_SAFE] = {.name = "safety.reporter_safe",
                          .type = FT_CHOICE,
                          .choices = report_minor_values,
                          .invalid = msg_ynu,
                          .id = "safety-reporter-safe",
                          .label = ANSWER_Q_REPORTER_SAFE,
                          .hint = _("Word je zelf bedreigd? Zeg het ons. Bij acuut gevaar: bel "
                                    "112.")},
    [RF_CONFIDENTIAL] = {.name = "reporter_state",
                         .type = FT_CHOICE,
                         .choices = confidential_values,
                         .id = "reporter-state",
                         .label = ANSWER_Q_REPORTER_STATE,
                         .hint = _("Alleen als je niet anoniem meldt. Wij bespreken dan met jou "
                                   "wat we met je naam doen.")},
    [RF_PRO_ORG] = {.name = "professional.organisation",
                    .type = FT_DOMAIN_TEXT,
                    .id = "professional-organisation",
                    .required = true,
                    .label = _("Je organisatie"),
                    .autocomplete = "organization"},
    [RF_PRO_FUNCTION] = {.name = "professional.function",
                         .type = FT_DOMAIN_TEXT,
                         .id = "professional-function",
                         .required = true,
                         .label = _("Je functie"),
                         .autocomplete = "organization-title"},
    [RF_MELDCODE] = {.name = "professional.meldcode_steps",
                     .type = FT_MULTI,
                     .choices = report_meldcode_steps,
                     .max = REPORT_MAX_MELDCODE,
                     .id = "professional-meldcode",
                     .label = ANSWER_Q_MELDCODE},
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

/* Step 1's answer carried into the form (hidden): "yes" opens it with
 * the 112 advice first; any other value is no. */
static const struct field_spec acute_field = {.name = "acute_danger", .type = FT_YESNO};

/* Whether the form was opened after "yes, someone is in acute danger now":
 * the hidden acute_danger, or step 1's own answer. */
static bool form_acute(const struct req *req)
{
	struct field_value v[2];
	struct field_error e[2];
	validate_fields(req->form, req->nform, &acute_field, 1, NULL, &v[0], &e[0]);
	validate_fields(req->form, req->nform, &danger_field, 1, NULL, &v[1], &e[1]);
	return (v[0].present && v[0].yes) ||
	       (str_eq(req_form(req, "step"), "1") && v[1].present && v[1].yes);
}

/* A person's fields, one table for reading and drawing them per slot:
 * the name here is the key, the form's is "people[k].key" (id
 * "person-k-key"; the groups' options "person-k-key-value"). The texts'
 * rules are report_check()'s (FT_DOMAIN_TEXT); the two choices are
 * checked here by the table, in report_check()'s words. Identifying
 * details (name, birth date, address) are for a report only (never
 * advice). */
enum {
	PF_AGE,
	PF_MINOR,
	PF_GENDER,
	PF_NATIONALITY,
	PF_LANGUAGE,
	PF_ROLE,
	PF_NAME,
	PF_BIRTH_DATE,
	PF_ADDRESS,
	PF_NFIELDS
};

static const struct field_spec person_fields[PF_NFIELDS] = {
    [PF_AGE] = {.name = "age",
                .type = FT_DOMAIN_TEXT,
                .label = _("Leeftijd, ongeveer (niet verplicht)"),
                .hint = _("Bijvoorbeeld: ongeveer 16, of tussen 20 en 30.")},
    [PF_MINOR] = {.name = "minor",
                  .type = FT_CHOICE,
                  .choices = report_minor_values,
                  .invalid = msg_ynu,
                  .label = ANSWER_Q_MINOR,
                  .hint = _("Niet verplicht.")},
    [PF_GENDER] = {.name = "gender",
                   .type = FT_DOMAIN_TEXT,
                   .label = _("Geslacht (niet verplicht)"),
                   .hint = _("Bijvoorbeeld: man, vrouw, of weet ik niet.")},
    [PF_NATIONALITY] = {.name = "nationality",
                        .type = FT_DOMAIN_TEXT,
                        .label = _("Nationaliteit of land van herkomst (niet verplicht)")},
    [PF_LANGUAGE] = {.name = "language",
                     .type = FT_DOMAIN_TEXT,
                     .label = _("Welke taal spreekt deze persoon? (niet verplicht)")},
    [PF_ROLE] = {.name = "role",
                 .type = FT_CHOICE,
                 .choices = report_person_roles,
                 .invalid = _("Kies een rol uit de lijst."),
                 .label = ANSWER_Q_PERSON_ROLE},
    [PF_NAME] = {.name = "name", .type = FT_DOMAIN_TEXT, .label = _("Naam (niet verplicht)")},
    [PF_BIRTH_DATE] = {.name = "birth_date",
                       .type = FT_DOMAIN_TEXT,
                       .label = _("Geboortedatum (niet verplicht)"),
                       .hint = _("Of ongeveer: bijvoorbeeld 2009.")},
    [PF_ADDRESS] = {.name = "address",
                    .type = FT_DOMAIN_TEXT,
                    .label = _("Adres (niet verplicht)")},
};

/* person_fields[i] in slot: its form name and element id. */
struct person_field {
	struct field_spec spec;
	char name[HTTP_MAX_FIELD_NAME + 1];
	char id[48];
};

static void person_field_of(size_t slot, size_t i, struct person_field *pf)
{
	pf->spec = person_fields[i];
	snprintf(pf->name, sizeof pf->name, "people[%zu].%s", slot, person_fields[i].name);
	snprintf(pf->id, sizeof pf->id, "person-%zu-%s", slot, person_fields[i].name);
	pf->spec.name = pf->name;
	pf->spec.id = pf->id;
}

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
	/* Errors of person_fields, by slot. */
	struct {
		size_t slot, field;
		const char *message;
	} perrs[FORM_PEOPLE * PF_NFIELDS];
	size_t nperr;
};

/* The value of field i when given, else NULL. */
static const char *rf_text(const struct report_form *f, size_t i)
{
	return f->vals[i].present ? f->vals[i].text : NULL;
}

/* The values of the repeated field i (at most max into out) and how many
 * were sent: more than max makes report_check() answer "too many" too,
 * as struct report_input asks. */
static size_t rf_multi(const struct req *req, size_t i, const char **out, size_t max)
{
	return validate_multi_values(req->form, req->nform, &report_fields[i], out, max);
}

static void read_form(const struct req *req, struct report_form *f)
{
	memset(f, 0, sizeof *f);
	site_report_org(req->org, &f->org, f->districts);

	struct rf_ctx ctx = {.content = req->site->content, .org = &f->org};
	f->nerr = validate_fields(req->form, req->nform, report_fields, RF_NFIELDS, &ctx, f->vals,
	                          f->errs);
	struct report_input *in = &f->in;
	in->org = req->org->id;
	in->kind = rf_text(f, RF_KIND);
	in->reporter_role = rf_text(f, RF_ROLE);
	in->anonymous = f->vals[RF_ANONYMOUS].present && f->vals[RF_ANONYMOUS].yes;
	struct field_value acute;
	struct field_error acute_err;
	validate_fields(req->form, req->nform, &acute_field, 1, NULL, &acute, &acute_err);
	in->acute_danger = acute.present && acute.yes;
	in->description = rf_text(f, RF_DESCRIPTION);
	in->nsignals = rf_multi(req, RF_SIGNALS, in->signals, REPORT_MAX_SIGNALS);
	in->nforms = rf_multi(req, RF_FORMS, in->forms, REPORT_MAX_FORMS);
	in->district = rf_text(f, RF_DISTRICT);
	if (str_eq(in->district, DISTRICT_ELSEWHERE))
		in->district = NULL;
	in->place = rf_text(f, RF_PLACE);
	in->when = rf_text(f, RF_WHEN);
	in->contact_name = rf_text(f, RF_CONTACT_NAME);
	in->contact_phone = rf_text(f, RF_CONTACT_PHONE);
	in->contact_email = rf_text(f, RF_CONTACT_EMAIL);
	in->sector = rf_text(f, RF_SECTOR);
	in->since = rf_text(f, RF_SINCE);
	in->frequency = rf_text(f, RF_FREQUENCY);
	in->subject_aware = rf_text(f, RF_SUBJECT_AWARE);
	in->talked_with = rf_text(f, RF_TALKED_WITH);
	in->ninvolved = rf_multi(req, RF_INVOLVED, in->involved, REPORT_MAX_INVOLVED);
	in->location_now = rf_text(f, RF_LOCATION_NOW);
	in->safe_contact = rf_text(f, RF_SAFE_CONTACT);
	in->threats = rf_text(f, RF_THREATS);
	in->weapons = rf_text(f, RF_WEAPONS);
	in->reporter_safe = rf_text(f, RF_REPORTER_SAFE);
	/* The form's one question: open but not passed on, when not
	 * anonymous. */
	if (!in->anonymous && str_eq(rf_text(f, RF_CONFIDENTIAL), "confidential"))
		in->reporter_state = "confidential";
	in->pro_organisation = rf_text(f, RF_PRO_ORG);
	in->pro_function = rf_text(f, RF_PRO_FUNCTION);
	in->nmeldcode = rf_multi(req, RF_MELDCODE, in->meldcode, REPORT_MAX_MELDCODE);
	/* The form asks every professional their part. */
	in->professional_asked = str_eq(in->reporter_role, "professional");
	for (size_t s = 0; s < FORM_PEOPLE; s++) {
		/* The slot's fields read through the person table, named
		 * for the slot ("people[s].age", ...). */
		struct person_field pf[PF_NFIELDS];
		struct field_spec specs[PF_NFIELDS];
		struct field_value pv[PF_NFIELDS];
		struct field_error pe[PF_NFIELDS];
		for (size_t i = 0; i < PF_NFIELDS; i++) {
			person_field_of(s, i, &pf[i]);
			specs[i] = pf[i].spec;
		}
		size_t npe =
		    validate_fields(req->form, req->nform, specs, PF_NFIELDS, NULL, pv, pe);
		for (size_t e = 0; e < npe; e++)
			for (size_t i = 0; i < PF_NFIELDS; i++)
				if (pe[e].field == specs[i].name) {
					f->perrs[f->nperr].slot = s;
					f->perrs[f->nperr].field = i;
					f->perrs[f->nperr].message = pe[e].message;
					f->nperr++;
				}
		const char *v[PF_NFIELDS];
		for (size_t i = 0; i < PF_NFIELDS; i++)
			v[i] = pv[i].present ? pv[i].text : NULL;
		/* A choice that is not one is kept out of the report but
		 * still counts as typed, so the slot keeps its number. */
		bool typed = false;
		for (size_t i = 0; i < PF_NFIELDS; i++)
			typed = typed || (pv[i].sent && pv[i].len);
		struct report_person p = {
		    .age = v[PF_AGE],
		    .minor = v[PF_MINOR],
		    .gender = v[PF_GENDER],
		    .nationality = v[PF_NATIONALITY],
		    .language = v[PF_LANGUAGE],
		    .role = v[PF_ROLE],
		    .name = v[PF_NAME],
		    .birth_date = v[PF_BIRTH_DATE],
		    .address = v[PF_ADDRESS],
		};
		if (!typed)
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
	for (size_t i = 0; i < f->nperr; i++) {
		char name[64];
		snprintf(name, sizeof name, "people[%zu].%s", f->perrs[i].slot,
		         person_fields[f->perrs[i].field].name);
		ferr_add(fe, name, f->perrs[i].message);
	}

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

static bool target_8(const char *field, char *out, size_t outsz);

static void error_target(const char *field, const struct group_ids *g, char *out, size_t outsz)
{
	if (target_8(field, out, outsz))
		return;
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

static json_t *kind_group(const struct req *req, const struct ferrs *fe)
{
	const struct field_spec *spec = &report_fields[RF_KIND];
	const char *chosen = req_form(req, spec->name);
	json_t *g = fk_spec_group(req, FK_RADIO, spec, ferr_group(fe, spec->name));
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
	const struct field_spec *spec = &report_fields[RF_ROLE];
	const char *chosen = req_form(req, spec->name);
	json_t *g = fk_spec_group(req, FK_RADIO, spec, ferr_group(fe, spec->name));
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
	const struct field_spec *spec = &report_fields[RF_ANONYMOUS];
	const char *chosen = req_form(req, spec->name);
	json_t *g = fk_spec_group(req, FK_RADIO, spec, ferr_group(fe, spec->name));
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
			cur = fk_group(FK_CHECKBOX, base, report_fields[RF_SIGNALS].name, group,
			               NULL, NULL, false);
			cur_name = group;
			ok = fk_append(groups, cur);
		}
		char id[32];
		snprintf(id, sizeof id, "signal-%zu", i);
		if (i == 0)
			snprintf(ids->signals, sizeof ids->signals, "%s", id);
		ok = ok && fk_option(cur, id, code, json_string_value(json_object_get(s, "text")),
		                     NULL, form_has(req, report_fields[RF_SIGNALS].name, code));
	}
	if (!ok) {
		json_decref(groups);
		return NULL;
	}
	return groups;
}

static json_t *forms_group(const struct req *req, const struct ferrs *fe)
{
	const struct field_spec *spec = &report_fields[RF_FORMS];
	json_t *g = fk_spec_group(req, FK_CHECKBOX, spec, ferr_group(fe, spec->name));
	bool ok = g != NULL;
	size_t i;
	const json_t *f;
	json_array_foreach(content_forms(req->site->content, req->lang), i, f)
	{
		const char *code = json_string_value(json_object_get(f, "code"));
		char id[80];
		snprintf(id, sizeof id, "forms-%s", code);
		ok = ok && fk_option(g, id, code, json_string_value(json_object_get(f, "name")),
		                     NULL, form_has(req, spec->name, code));
	}
	ok = ok && fk_option(g, "forms-unknown", "unknown", page_tr(req, _("Weet ik niet")), NULL,
	                     form_has(req, spec->name, "unknown"));
	if (!ok) {
		json_decref(g);
		return NULL;
	}
	return g;
}

static json_t *district_group(const struct req *req, const struct ferrs *fe)
{
	const struct field_spec *spec = &report_fields[RF_DISTRICT];
	const char *chosen = req_form(req, spec->name);
	json_t *g = fk_spec_group(req, FK_RADIO, spec, ferr_group(fe, spec->name));
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

/* --- The choices of issue 8 ------------------------------------------ */

/* Their answers' words are pages/answers.h's (the staff view shows them
 * too). */

/* The group of spec with opts, checked as sent; option ids
 * "base-value". */
static json_t *choice_group(const struct req *req, const struct ferrs *fe, enum fk_choice kind,
                            const struct field_spec *spec, const char *base,
                            const struct answer_opt *opts)
{
	json_t *g = fk_spec_group(req, kind, spec, ferr_group(fe, spec->name));
	bool ok = g != NULL;
	/* The values are the table's choices where it has them (the words
	 * are the page's); else the page's own list. */
	size_t n = 0;
	while (spec->choices ? spec->choices[n] != NULL : opts[n].value != NULL)
		n++;
	for (size_t i = 0; ok && i < n; i++) {
		const char *value = spec->choices ? spec->choices[i] : opts[i].value;
		const char *label = answer_label(opts, value);
		char id[96];
		snprintf(id, sizeof id, "%s-%s", base, value);
		ok = label && fk_option(g, id, value, page_tr(req, label), NULL,
		                        form_has(req, spec->name, value));
	}
	if (!ok) {
		json_decref(g);
		return NULL;
	}
	return g;
}

/* The group of spec with opts; option ids "id-value" (id: the spec's, else
 * its name). */
static json_t *opt_group(const struct req *req, const struct ferrs *fe, enum fk_choice kind,
                         const struct field_spec *spec, const struct answer_opt *opts)
{
	return choice_group(req, fe, kind, spec, spec->id ? spec->id : spec->name, opts);
}

static json_t *person(const struct req *req, const struct ferrs *fe, size_t slot)
{
	json_t *p = json_object();
	bool ok = fk_put(p, "number", json_integer((json_int_t)slot + 1));
	for (size_t i = 0; i < PF_NFIELDS; i++) {
		struct person_field pf;
		person_field_of(slot, i, &pf);
		json_t *v;
		if (i == PF_MINOR) {
			/* The group's hint and error are named after the
			 * field; its options "person-k-minor-value". */
			struct field_spec spec = pf.spec;
			spec.id = NULL;
			v = choice_group(req, fe, FK_RADIO, &spec, pf.id, answer_ynu);
		} else if (i == PF_ROLE)
			v = opt_group(req, fe, FK_RADIO, &pf.spec, answer_person_role);
		else
			v = text_field(req, fe, &pf.spec);
		ok = fk_put(p, person_fields[i].name, v) && ok;
	}
	if (!ok) {
		json_decref(p);
		return NULL;
	}
	return p;
}

/* The choice groups of issue 8, in the table of the form. */
static const struct {
	int field;
	enum fk_choice kind;
	const struct answer_opt *opts;
} choice_fields[] = {
    {RF_SECTOR, FK_RADIO, answer_sector},
    {RF_FREQUENCY, FK_RADIO, answer_frequency},
    {RF_SUBJECT_AWARE, FK_RADIO, answer_ynu},
    {RF_TALKED_WITH, FK_RADIO, answer_yn},
    {RF_INVOLVED, FK_CHECKBOX, answer_involved},
    {RF_SAFE_CONTACT, FK_RADIO, answer_ynu},
    {RF_THREATS, FK_RADIO, answer_ynu},
    {RF_WEAPONS, FK_RADIO, answer_ynu},
    {RF_REPORTER_SAFE, FK_RADIO, answer_ynu},
    {RF_CONFIDENTIAL, FK_CHECKBOX, answer_confidential},
    {RF_MELDCODE, FK_CHECKBOX, answer_meldcode},
};
static const int text_fields_8[] = {RF_SINCE, RF_LOCATION_NOW, RF_PRO_ORG, RF_PRO_FUNCTION};

/* The key of page data of a field: its name without dots. */
static void data_key(const char *name, char *out, size_t outsz)
{
	const char *dot = strrchr(name, '.');
	snprintf(out, outsz, "%s", dot ? dot + 1 : name);
}

/* The issue 8 fields as page data: the groups and texts by their last
 * name part ("sector", "safe_contact", "organisation", ...). */
static bool put_situation(const struct req *req, const struct ferrs *fe, json_t *d)
{
	bool ok = true;
	char key[64];
	for (size_t i = 0; i < sizeof choice_fields / sizeof choice_fields[0]; i++) {
		const struct field_spec *spec = &report_fields[choice_fields[i].field];
		data_key(spec->name, key, sizeof key);
		if (str_eq(key, "meldcode_steps"))
			snprintf(key, sizeof key, "meldcode");
		ok = fk_put(
		         d, key,
		         opt_group(req, fe, choice_fields[i].kind, spec, choice_fields[i].opts)) &&
		     ok;
	}
	for (size_t i = 0; i < sizeof text_fields_8 / sizeof text_fields_8[0]; i++) {
		const struct field_spec *spec = &report_fields[text_fields_8[i]];
		data_key(spec->name, key, sizeof key);
		ok = fk_put(d, key, text_field(req, fe, spec)) && ok;
	}
	const char *perr = ferr_get(fe, "professional");
	ok = ok &&
	     fk_put(d, "professional_error", perr ? json_string(page_tr(req, perr)) : json_false());
	ok = ok && fk_put(d, "is_professional",
	                  json_boolean(str_eq(req_form(req, "reporter_role"), "professional")));
	return ok;
}

/* Where the error summary links for a field of issue 8, or false. */
static bool target_8(const char *field, char *out, size_t outsz)
{
	for (size_t i = 0; i < sizeof choice_fields / sizeof choice_fields[0]; i++) {
		const struct field_spec *spec = &report_fields[choice_fields[i].field];
		if (str_eq(field, spec->name)) {
			snprintf(out, outsz, "%s-%s", spec->id ? spec->id : spec->name,
			         choice_fields[i].opts[0].value);
			return true;
		}
	}
	for (size_t i = 0; i < sizeof text_fields_8 / sizeof text_fields_8[0]; i++) {
		const struct field_spec *spec = &report_fields[text_fields_8[i]];
		if (str_eq(field, spec->name)) {
			snprintf(out, outsz, "%s", spec->id ? spec->id : spec->name);
			return true;
		}
	}
	if (str_eq(field, "professional")) {
		snprintf(out, outsz, "%s", "professional-organisation");
		return true;
	}
	size_t k;
	const char *rest;
	if (people_index(field, &k, &rest) && str_eq(rest, ".role")) {
		snprintf(out, outsz, "person-%zu-role-victim", k);
		return true;
	}
	return false;
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
	/* Posted, from the draft, or the wegwijzer's answer (?gevaar=ja). */
	const char *chosen = req_form(req, "danger");
	const char *gevaar = req_query(req, "gevaar");
	if (!chosen && gevaar)
		chosen = str_eq(gevaar, "ja") ? "yes" : str_eq(gevaar, "nee") ? "no" : NULL;
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
	/* The wegwijzer's answers, carried by this step into the draft. */
	static const char *const prefill[] = {"rol", "vorm", "minderjarig"};
	json_t *pf = json_array();
	for (size_t i = 0; i < 3; i++) {
		char name[32];
		snprintf(name, sizeof name, "prefill.%s", prefill[i]);
		const char *v = req_query(req, prefill[i]);
		if (!v)
			v = req_form(req, name);
		if (v && str_is_id(v, CONTENT_MAX_CODE_LEN))
			ok = fk_append(pf, json_pack("{s:s, s:s}", "name", name, "value", v)) && ok;
	}
	ok = fk_put(d, "prefill", pf) && ok;
	ok = ok && fk_put(d, "has_errors", json_boolean(error != NULL));
	ok = ok && put_notice(req, d, nt);
	return render(req, resp, status, "report", d, ok);
}

/* The page data of the whole form, with what was typed and fe's errors
 * (*ok false when something failed). */
static json_t *form_data(struct req *req, struct resp *resp, const struct ferrs *fe,
                         const struct form_notice *nt, bool *okp)
{
	bool ok;
	json_t *d = page_base(req, resp, _("Mensenhandel melden"), &ok);
	bool acute = form_acute(req);
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
		for (size_t k = 0; perr && k < PF_NFIELDS; k++)
			if (person_val(req, s, person_fields[k].name))
				ok = ok &&
				     fk_mark_invalid(json_object_get(p, person_fields[k].name));
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
	ok = put_situation(req, fe, d) && ok;

	/* The error summary, in the order of the page. */
	json_t *errors = json_array();
	static const char *const order[] = {
	    "kind",     "reporter_role", "anonymous", "description",    "signals",
	    "forms",    "district",      "place",     "when",           "sector",
	    "since",    "frequency",     "people",    "subject_aware",  "talked_with",
	    "involved", "safety",        "contact",   "reporter_state", "professional"};
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
	*okp = ok;
	return d;
}

/* The receipt as page data: "receipt", and "receipt_groups" = its groups
 * of four, each with its dash ("7KQ4-", ..., "3WCV"), which the page keeps
 * whole on a line and breaks only between (large text on a phone). */
static bool put_receipt(json_t *d, const char *receipt)
{
	json_t *groups = json_array();
	bool ok = fk_put(d, "receipt", json_string(receipt)) && groups;
	for (const char *p = receipt; ok && *p;) {
		size_t n = strcspn(p, "-");
		if (p[n] == '-')
			n++;
		char g[16];
		snprintf(g, sizeof g, "%.*s", (int)(n < sizeof g ? n : sizeof g - 1), p);
		ok = fk_append(groups, json_pack("{s:s}", "text", g));
		p += n;
	}
	if (!ok) {
		json_decref(groups);
		return false;
	}
	return fk_put(d, "receipt_groups", groups);
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
	ok = ok && put_receipt(d, rc->text);
	ok = ok && fk_put(d, "advice", json_boolean(advice));
	ok = ok && fk_put(d, "anonymous", json_boolean(f->in.anonymous));
	ok = ok && fk_put(d, "acute", json_boolean(f->in.acute_danger));
	return render(req, resp, 200, "report-done", d, ok);
}

/* The receipt page when the real one cannot be made (out of memory, a
 * template that fails): the report is stored, so its receipt must still
 * reach the reporter, once. */
static int done_plain(struct req *req, struct resp *resp, bool advice, const char *receipt)
{
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
	      : buf_printf(b, " <strong>%s</strong></p>\n<p><a href=\"%s/volgen\">", receipt,
	                   str_eq(req->lang, "en") ? "/en" : "");
	const char *follow = page_tr(req, _("Volg je melding"));
	e = e ? e : html_escape(b, follow, strlen(follow));
	e = e ? e : buf_puts(b, "</a></p>\n</html>\n");
	return e;
}

/* True for the form's free-text fields (report_text_ready()): the
 * tables' FT_DOMAIN_TEXT. */
static bool is_text_field(const char *name)
{
	for (size_t i = 0; i < RF_NFIELDS; i++)
		if (report_fields[i].type == FT_DOMAIN_TEXT && str_eq(report_fields[i].name, name))
			return true;
	size_t k;
	const char *rest;
	if (!people_index(name, &k, &rest) || *rest != '.')
		return false;
	for (size_t i = 0; i < PF_NFIELDS; i++)
		if (person_fields[i].type == FT_DOMAIN_TEXT &&
		    str_eq(person_fields[i].name, rest + 1))
			return true;
	return false;
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

/* --- The form in steps, kept as a draft on the server ------------------ */

enum step {
	S_DANGER,
	S_WHAT,
	S_SAW,
	S_WHERE,
	S_PEOPLE,
	S_YOU,
	S_CHECK,
	S_DONE,
	S_N
};

static const struct {
	const char *code;
	const char *title;
	bool optional; /* may be skipped */
} steps[S_N] = {
    [S_DANGER] = {"gevaar", _("Is iemand in gevaar?"), false},
    [S_WHAT] = {"wat", _("Wat is er gebeurd?"), false},
    [S_SAW] = {"signalen", _("Wat heb je gezien?"), true},
    [S_WHERE] = {"waar", _("Waar en wanneer?"), true},
    [S_PEOPLE] = {"personen", _("Om wie gaat het?"), true},
    [S_YOU] = {"jij", _("Over jou"), false},
    [S_CHECK] = {"controle", _("Kijk je antwoorden na"), false},
    [S_DONE] = {"ontvangen", _("Verstuurd"), false},
};

static int step_by_code(const char *code)
{
	for (int i = 0; code && i < S_N; i++)
		if (str_eq(steps[i].code, code))
			return i;
	return -1;
}

/* True when name is prefix or one of its parts ("people[0].age",
 * "safety.threats"). */
static bool has_prefix(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(name, prefix, n) == 0 &&
	       (name[n] == '\0' || name[n] == '[' || name[n] == '.');
}

/* The step that asks field name. */
static enum step field_step(const char *name)
{
	static const struct {
		const char *prefix;
		enum step st;
	} map[] = {
	    {"danger", S_DANGER},      {"acute_danger", S_DANGER}, {"kind", S_WHAT},
	    {"reporter_role", S_WHAT}, {"description", S_WHAT},    {"signals", S_SAW},
	    {"forms", S_SAW},          {"district", S_WHERE},      {"place", S_WHERE},
	    {"when", S_WHERE},         {"sector", S_WHERE},        {"since", S_WHERE},
	    {"frequency", S_WHERE},    {"people", S_PEOPLE},       {"subject_aware", S_PEOPLE},
	    {"talked_with", S_PEOPLE}, {"involved", S_PEOPLE},     {"safety.reporter_safe", S_YOU},
	    {"safety", S_PEOPLE},      {"anonymous", S_YOU},       {"reporter_state", S_YOU},
	    {"contact", S_YOU},        {"professional", S_YOU},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (has_prefix(name, map[i].prefix))
			return map[i].st;
	return S_CHECK;
}

/* Fields given more than once (checkboxes): the table's FT_MULTI. */
static bool repeated(const char *name)
{
	for (size_t i = 0; i < RF_NFIELDS; i++)
		if (report_fields[i].type == FT_MULTI && str_eq(report_fields[i].name, name))
			return true;
	return false;
}

static const char *draft_text(const json_t *fields, const char *key)
{
	return json_string_value(json_object_get(fields, key));
}

/* Whether step st is asked, after the answers so far: advice asks
 * nothing about the people, unless the draft holds people already (typed
 * before the choice of advice, or posted whole): then the step is shown,
 * with the error, so that they can be taken out. */
static bool step_applies(enum step st, const json_t *fields)
{
	if (st == S_PEOPLE) {
		if (!str_eq(draft_text(fields, "kind"), "advice"))
			return true;
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)fields, key, v)
		{
			if (str_starts(key, "people["))
				return true;
		}
		return false;
	}
	return st != S_DONE;
}

static enum step step_next(enum step st, const json_t *fields)
{
	int s = (int)st + 1;
	while (s < S_CHECK && !step_applies((enum step)s, fields))
		s++;
	return s > S_CHECK ? S_CHECK : (enum step)s;
}

static enum step step_prev(enum step st, const json_t *fields)
{
	int s = (int)st - 1;
	while (s > 0 && !step_applies((enum step)s, fields))
		s--;
	return s < 0 ? S_DANGER : (enum step)s;
}

/* The form's cookie, the draft's key. */
static const char *draft_cookie(const struct req *req)
{
	return req_cookie(req, csrf_cookie_name(req->secure));
}

/* Replaces the request's form fields with the draft's, so that reading
 * and drawing the form work on the draft as on a POST. 0 or -ENOMEM. */
static int form_from_draft(struct req *req, const json_t *fields)
{
	for (size_t i = 0; i < req->nform; i++) {
		free(req->form[i].name);
		free(req->form[i].value);
	}
	req->nform = 0;
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)fields, key, v)
	{
		if (key[0] == '_')
			continue;
		size_t n = json_is_array(v) ? json_array_size(v) : 1;
		for (size_t i = 0; i < n && req->nform < HTTP_MAX_FIELDS; i++) {
			const char *val =
			    json_string_value(json_is_array(v) ? json_array_get(v, i) : v);
			if (!val)
				continue;
			struct http_field *f = &req->form[req->nform];
			f->name = strdup(key);
			f->value = strdup(val);
			if (!f->name || !f->value) {
				free(f->name);
				free(f->value);
				return -ENOMEM;
			}
			f->len = strlen(val);
			req->nform++;
		}
	}
	return 0;
}

/* Sets fields[name] from a posted value (a list for checkboxes). */
static bool put_field(json_t *fields, const char *name, const char *value)
{
	if (!value[0])
		return true;
	if (!repeated(name))
		return json_object_set_new(fields, name, json_string(value)) == 0;
	json_t *a = json_object_get(fields, name);
	if (!json_is_array(a)) {
		a = json_array();
		if (!a || json_object_set_new(fields, name, a))
			return false;
	}
	return json_array_append_new(a, json_string(value)) == 0;
}

/* put_field() of a posted field: bytes that are not UTF-8 are kept as
 * U+FFFD, as a browser shows them (the check then names the field), so
 * nothing typed is dropped. A name that is not UTF-8 is no field of this
 * form (and no JSON key): passed over. */
static bool put_posted(json_t *fields, const struct http_field *f)
{
	if (!str_utf8_valid(f->name, strlen(f->name)))
		return true;
	if (str_utf8_valid(f->value, f->len))
		return put_field(fields, f->name, f->value);
	char *fixed = NULL;
	size_t n;
	if (str_utf8_repair(f->value, f->len, &fixed, &n))
		return false;
	bool ok = put_field(fields, f->name, fixed ? fixed : f->value);
	free(fixed);
	return ok;
}

/* The request's form fields as a draft's fields (a new object). */
static json_t *fields_from_form(const struct req *req)
{
	json_t *fields = json_object();
	for (size_t i = 0; fields && i < req->nform; i++) {
		const struct http_field *f = &req->form[i];
		if (str_eq(f->name, "csrf") || str_eq(f->name, "step") || str_eq(f->name, "ga") ||
		    str_starts(f->name, "prefill.") || f->name[0] == '_')
			continue;
		if (!put_posted(fields, f)) {
			json_decref(fields);
			return NULL;
		}
	}
	return fields;
}

/* Replaces what fields holds of step st with the posted answers of that
 * step (an unticked box is not sent: it clears). */
static bool merge_step(json_t *fields, const struct req *req, enum step st)
{
	const char *key;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(fields, tmp, key, v)
	{
		if (key[0] != '_' && field_step(key) == st)
			json_object_del(fields, key);
	}
	for (size_t i = 0; i < req->nform; i++) {
		const struct http_field *f = &req->form[i];
		if (str_eq(f->name, "csrf") || str_eq(f->name, "step") || str_eq(f->name, "ga") ||
		    str_starts(f->name, "prefill.") || f->name[0] == '_' ||
		    field_step(f->name) != st)
			continue;
		if (!put_posted(fields, f))
			return false;
	}
	return true;
}

/* The wegwijzer's answers (query rol, vorm, minderjarig, gevaar), carried
 * by the first step into the draft where nothing is answered yet. */
static bool apply_prefill(json_t *fields, const struct req *req)
{
	const struct content *c = req->site->content;
	const char *rol = req_form(req, "prefill.rol");
	const char *vorm = req_form(req, "prefill.vorm");
	const char *minor = req_form(req, "prefill.minderjarig");
	bool ok = true;
	if (rol && content_is_role(c, rol) && !json_object_get(fields, "reporter_role"))
		ok = json_object_set_new(fields, "reporter_role", json_string(rol)) == 0;
	if (ok && vorm && !json_object_get(fields, "forms")) {
		const char *f = str_eq(vorm, "weetniet") ? "unknown" : vorm;
		if (report_value_index(report_forms, f) >= 0)
			ok = put_field(fields, "forms", f);
	}
	static const struct {
		const char *word, *code;
	} minors[] = {{"ja", "yes"}, {"nee", "no"}, {"weetniet", "unknown"}, {NULL, NULL}};
	for (size_t i = 0; ok && minor && minors[i].word; i++)
		if (str_eq(minor, minors[i].word) && !json_object_get(fields, "people[0].minor"))
			ok = json_object_set_new(fields, "people[0].minor",
			                         json_string(minors[i].code)) == 0;
	return ok;
}

static int redirect_to(struct req *req, struct resp *resp, const char *stepcode)
{
	char url[96];
	snprintf(url, sizeof url, "%s/melden%s%s", str_eq(req->lang, "en") ? "/en" : "",
	         stepcode ? "?stap=" : "", stepcode ? stepcode : "");
	resp->personal = true;
	return resp_redirect(resp, 303, url);
}

/* The errors of fe that belong to step st (all for S_CHECK: the check
 * page lists everything). */
static void step_errors(const struct ferrs *all, enum step st, struct ferrs *out)
{
	out->n = 0;
	for (size_t i = 0; i < all->n; i++)
		if (st == S_CHECK || field_step(all->e[i].field) == st)
			out->e[out->n++] = all->e[i];
}

/* Reads the draft into the request (req->form) and fe (every error of
 * the report rules, when asked). */
static void check_draft(struct req *req, struct report_form *f, struct ferrs *fe)
{
	read_form(req, f);
	fe->n = 0;
	check_form(req, f, fe);
}

static bool put_progress(const struct req *req, json_t *d, enum step st, const json_t *fields)
{
	int n = 0, at = 0;
	for (int s = S_WHAT; s <= S_CHECK; s++)
		if (step_applies((enum step)s, fields)) {
			n++;
			if (s == (int)st)
				at = n;
		}
	bool ok = fk_put(d, "step_no", json_integer(at));
	ok = ok && fk_put(d, "step_count", json_integer(n));
	ok = ok && fk_put(d, "step_code", json_string(steps[st].code));
	ok = ok && fk_put(d, "step_title", json_string(page_tr(req, steps[st].title)));
	ok = ok && fk_put(d, "optional", json_boolean(steps[st].optional));
	char key[32];
	snprintf(key, sizeof key, "show_%s", steps[st].code);
	ok = ok && fk_put(d, key, json_true());
	return ok;
}

/* A notice kept in the draft across the redirect ("busy", "not_stored",
 * "retry:N"). */
static struct form_notice notice_of(const json_t *fields)
{
	struct form_notice nt = {0};
	const char *n = draft_text(fields, "_notice");
	if (str_eq(n, "busy"))
		nt.busy = true;
	else if (str_eq(n, "not_stored"))
		nt.not_stored = true;
	else if (n && str_starts(n, "retry:"))
		nt.retry_after = (unsigned)strtoul(n + 6, NULL, 10);
	return nt;
}

/* One answer for the check page from the page data of a field: a text
 * field's value, or the labels of a group's ticked options; NULL when
 * nothing is answered. Caller owns. */
static json_t *answer_of(const json_t *field)
{
	const json_t *opts = json_object_get(field, "options");
	if (json_is_array(opts)) {
		json_t *labels = json_array();
		size_t i;
		json_t *o;
		json_array_foreach(opts, i, o)
		{
			if (json_is_true(json_object_get(o, "checked")))
				json_array_append(labels, json_object_get(o, "label"));
		}
		if (!json_array_size(labels)) {
			json_decref(labels);
			return NULL;
		}
		return json_pack("{s:O, s:o}", "label", json_object_get(field, "legend"), "values",
		                 labels);
	}
	const char *v = json_string_value(json_object_get(field, "value"));
	if (!v || !*v)
		return NULL;
	return json_pack("{s:O, s:[s]}", "label", json_object_get(field, "label"), "values", v);
}

/* The answers per step for the check page, from the page data d of the
 * whole form: answers[] = (code, title, items[] = (label, values[]),
 * empty). */
static bool put_answers(const struct req *req, json_t *d, const json_t *fields)
{
	static const struct {
		enum step st;
		const char *keys[16];
	} parts[] = {
	    {S_WHAT, {"kind", "reporter_role", "description"}},
	    {S_SAW, {"signal_groups", "forms"}},
	    {S_WHERE, {"district", "place", "when", "sector", "since", "frequency"}},
	    {S_PEOPLE,
	     {"people", "subject_aware", "talked_with", "involved", "location_now", "safe_contact",
	      "threats", "weapons"}},
	    {S_YOU,
	     {"anonymous", "reporter_state", "contact", "reporter_safe", "organisation", "function",
	      "meldcode"}},
	};
	static const char *const person_keys[] = {"role",   "minor",       "age",
	                                          "gender", "nationality", "language",
	                                          "name",   "birth_date",  "address"};
	static const char *const contact_keys[] = {"name", "phone", "email"};
	json_t *answers = json_array();
	bool ok = answers != NULL;
	for (size_t p = 0; ok && p < sizeof parts / sizeof parts[0]; p++) {
		if (!step_applies(parts[p].st, fields))
			continue;
		json_t *items = json_array();
		for (size_t k = 0; ok && k < 16 && parts[p].keys[k]; k++) {
			const char *key = parts[p].keys[k];
			const json_t *v = json_object_get(d, key);
			if (str_eq(key, "signal_groups") || str_eq(key, "people")) {
				size_t i;
				json_t *g;
				json_array_foreach(v, i, g)
				{
					if (str_eq(key, "signal_groups")) {
						json_t *a = answer_of(g);
						if (a)
							ok = fk_append(items, a) && ok;
						continue;
					}
					for (size_t j = 0; j < 9; j++) {
						json_t *a =
						    answer_of(json_object_get(g, person_keys[j]));
						if (!a)
							continue;
						char label[512];
						snprintf(
						    label, sizeof label, "%s %zu: %s",
						    page_tr(req, ANSWER_PERSON), i + 1,
						    json_string_value(json_object_get(a, "label")));
						json_object_set_new(a, "label", json_string(label));
						ok = fk_append(items, a) && ok;
					}
				}
				continue;
			}
			if (str_eq(key, "contact")) {
				for (size_t j = 0; j < 3; j++) {
					json_t *a = answer_of(json_object_get(v, contact_keys[j]));
					if (a)
						ok = fk_append(items, a) && ok;
				}
				continue;
			}
			if (str_eq(key, "organisation") || str_eq(key, "function") ||
			    str_eq(key, "meldcode"))
				if (!str_eq(draft_text(fields, "reporter_role"), "professional"))
					continue;
			json_t *a = v ? answer_of(v) : NULL;
			if (a)
				ok = fk_append(items, a) && ok;
		}
		enum step st = parts[p].st;
		ok = fk_append(answers, json_pack("{s:s, s:s, s:b, s:o}", "code", steps[st].code,
		                                  "title", page_tr(req, steps[st].title), "empty",
		                                  json_array_size(items) == 0, "items", items)) &&
		     ok;
	}
	return fk_put(d, "answers", answers) && ok;
}

/* The status of a page that says nt (and its Retry-After): the last
 * send or save did not go through. 200 when nothing is said. */
static int notice_status(struct resp *resp, const struct form_notice *nt, int *status)
{
	*status = 200;
	if (nt->session_expired)
		*status = 403;
	else if (nt->retry_after)
		*status = 429;
	else if (nt->busy || nt->not_stored)
		*status = 503;
	unsigned wait = nt->retry_after  ? nt->retry_after
	                : nt->not_stored ? INTAKE_FAULT_RETRY_S
	                : nt->busy       ? 30
	                                 : 0;
	return wait ? site_retry_after(resp, wait) : 0;
}

/* One step of the form (GET), from the draft; nt (or NULL) says more than
 * the draft's own notice. A draft posted whole (_fout "alle") shows every
 * step's errors. */
static int step_page(struct req *req, struct resp *resp, enum step st, json_t *fields,
                     const struct form_notice *more)
{
	int rc = form_from_draft(req, fields);
	if (rc)
		return rc;
	struct report_form f;
	struct ferrs all = {.n = 0}, fe = {.n = 0};
	const char *fout = draft_text(fields, "_fout");
	check_draft(req, &f, &all);
	if (str_eq(fout, steps[st].code) || str_eq(fout, "alle") || st == S_CHECK)
		step_errors(&all, st, &fe);
	struct form_notice nt = more ? *more : notice_of(fields);
	int status;
	rc = notice_status(resp, &nt, &status);
	if (rc)
		return rc;
	bool ok;
	json_t *d = form_data(req, resp, &fe, &nt, &ok);
	ok = ok && put_progress(req, d, st, fields);
	ok = ok && fk_put(d, "advice", json_boolean(str_eq(f.in.kind, "advice")));
	if (st == S_CHECK) {
		ok = ok && put_answers(req, d, fields);
		/* Each problem with the step where it is fixed. */
		json_t *problems = json_array();
		for (size_t i = 0; i < fe.n; i++) {
			enum step at = field_step(fe.e[i].field);
			if (at == S_CHECK || at == S_DANGER)
				at = S_WHAT;
			ok = fk_append(problems, json_pack("{s:s, s:s, s:s}", "message",
			                                   page_tr(req, fe.e[i].message), "step",
			                                   steps[at].code, "step_title",
			                                   page_tr(req, steps[at].title))) &&
			     ok;
		}
		ok = fk_put(d, "problems", problems) && ok;
		ok = ok && fk_put(d, "has_problems", json_boolean(fe.n > 0));
		ok = ok && fk_put(d, "has_errors", json_false());
	}
	return render(req, resp, status, st == S_CHECK ? "report-check" : "report-step", d, ok);
}

/* The form drawn from what was posted, not from the draft: when the draft
 * could not be kept, or the session expired (a POST that may not change
 * the draft). Nothing typed is lost, and the page carries a new token.
 * st is the step posted, or S_DONE for the old one-page shape: every step
 * on one page, which posts whole again. */
static int posted_page(struct req *req, struct resp *resp, enum step st,
                       const struct form_notice *nt)
{
	int status;
	int rc = notice_status(resp, nt, &status);
	if (rc)
		return rc;
	json_t *fields = fields_from_form(req);
	if (!fields)
		return -ENOMEM;
	bool ok;
	json_t *d = form_data(req, resp, NULL, nt, &ok);
	if (st > S_DANGER && st < S_CHECK) {
		ok = ok && put_progress(req, d, st, fields);
	} else {
		ok = ok && fk_put(d, "whole", json_true());
		ok = ok && fk_put(d, "step_code", json_string("2"));
		ok = ok &&
		     fk_put(d, "step_title", json_string(page_tr(req, _("Mensenhandel melden"))));
		for (int s = S_WHAT; ok && s < S_CHECK; s++) {
			char key[32];
			snprintf(key, sizeof key, "show_%s", steps[s].code);
			ok = fk_put(d, key, json_true());
		}
	}
	ok = ok && fk_put(d, "advice", json_boolean(str_eq(draft_text(fields, "kind"), "advice")));
	json_decref(fields);
	return render(req, resp, status, "report-step", d, ok);
}

/* Saves fields as the draft; on a fault the step is shown again as it
 * was posted, saying so (nothing typed is lost). */
static int save_and_go(struct req *req, struct resp *resp, json_t *fields, const char *to,
                       enum step from)
{
	int rc = draft_save(req->site->drafts, req->org->id, draft_cookie(req), fields);
	if (rc) {
		log_error("report form: the draft could not be kept: %s",
		          rc < 0 ? strerror(-rc) : "store");
		const struct form_notice nt = {.not_stored = true};
		rc = form_from_draft(req, fields);
		if (rc)
			return rc;
		if (from == S_DANGER) {
			int hr = site_retry_after(resp, INTAKE_FAULT_RETRY_S);
			return hr ? hr : step1(req, resp, 503, NULL, &nt);
		}
		/* The check page posts nothing: the whole draft, on one page. */
		return posted_page(req, resp, from == S_CHECK ? S_DONE : from, &nt);
	}
	return redirect_to(req, resp, to);
}

static json_t *load_fields(struct req *req, char receipt[RECEIPT_TEXT_LEN + 1], int *rc)
{
	json_t *fields = NULL;
	*rc = draft_load(req->site->drafts, req->org->id, draft_cookie(req), &fields, receipt);
	if (!*rc && !fields)
		fields = json_object();
	if (!fields && !*rc)
		*rc = -ENOMEM;
	return fields;
}

/* The receipt page from the draft (a reload, a second send, Back and
 * Forward all show the same receipt, while the draft lives). */
static int done_page(struct req *req, struct resp *resp, const char *receipt, const json_t *shown)
{
	bool advice = str_eq(draft_text(shown, "kind"), "advice");
	bool ok;
	json_t *d = page_base(
	    req, resp, advice ? _("Je adviesvraag is verstuurd") : _("Je melding is verstuurd"),
	    &ok);
	ok = ok && put_receipt(d, receipt);
	ok = ok && fk_put(d, "advice", json_boolean(advice));
	ok = ok &&
	     fk_put(d, "anonymous", json_boolean(str_eq(draft_text(shown, "anonymous"), "yes")));
	ok = ok &&
	     fk_put(d, "acute", json_boolean(str_eq(draft_text(shown, "acute_danger"), "yes")));
	ok = ok && fk_put(d, "again", json_true());
	int rc = render(req, resp, 200, "report-done", d, ok);
	if (rc < 0) {
		/* The report is stored: its receipt must still reach the
		 * reporter. */
		log_error("report page: %s; the receipt is shown on a plain page", strerror(-rc));
		rc = done_plain(req, resp, advice, receipt);
	}
	return rc;
}

/* GET /melden[?stap=CODE]: the step asked for, else where the draft
 * stands (so a link or the language switch comes back to it). */
static int get_step(struct req *req, struct resp *resp)
{
	char receipt[RECEIPT_TEXT_LEN + 1];
	int rc;
	json_t *fields = load_fields(req, receipt, &rc);
	if (rc) {
		log_error("report form: the draft could not be read: %s",
		          rc < 0 ? strerror(-rc) : "store");
		json_decref(fields);
		return step1(req, resp, 200, NULL, NULL);
	}
	int st = step_by_code(req_query(req, "stap"));
	if (st < 0)
		st = receipt[0] ? S_DONE : step_by_code(draft_text(fields, "_stap"));
	if (st == S_DONE) {
		rc = receipt[0] ? done_page(req, resp, receipt, fields)
		                : step1(req, resp, 200, NULL, NULL);
		sodium_memzero(receipt, sizeof receipt);
		json_decref(fields);
		return rc;
	}
	if (receipt[0] && st != S_DANGER) {
		/* Sent: Back to a step, or a reload, shows the receipt again;
		 * the first question starts a new report. */
		rc = done_page(req, resp, receipt, fields);
		sodium_memzero(receipt, sizeof receipt);
		json_decref(fields);
		return rc;
	}
	if (st < 0 || st == S_DANGER || receipt[0]) {
		/* The first question, with the draft's answer. */
		if (!receipt[0] && (rc = form_from_draft(req, fields)) != 0) {
			json_decref(fields);
			return rc;
		}
		if (receipt[0]) {
			for (size_t i = 0; i < req->nform; i++) {
				free(req->form[i].name);
				free(req->form[i].value);
			}
			req->nform = 0;
		}
		/* Posted without an answer: the question again, saying so. */
		const char *error = !receipt[0] && str_eq(draft_text(fields, "_fout"), "gevaar")
		                        ? danger_field.missing
		                        : NULL;
		json_decref(fields);
		sodium_memzero(receipt, sizeof receipt);
		return step1(req, resp, 200, error, NULL);
	}
	if (!step_applies((enum step)st, fields))
		st = step_next((enum step)st, fields);
	rc = step_page(req, resp, (enum step)st, fields, NULL);
	json_decref(fields);
	return rc;
}

/* The deferred answer once the writer has committed the draft's report:
 * the receipt kept with the draft, then a redirect to it. */
static int draft_committed(struct req *req, struct resp *resp)
{
	struct submit_result *res = submit_result(req);
	struct report_form f;
	read_form(req, &f);
	json_t *fields = fields_from_form(req);
	if (!fields)
		return -ENOMEM;
	int rc;
	if (res->rc) {
		/* Not stored: the draft comes back, saying why. */
		if (res->rc != INTAKE_INVALID)
			log_error("intake: a report could not be stored: %s",
			          store_strerror(res->rc));
		json_object_set_new(fields, "_notice",
		                    json_string(res->rc == INTAKE_INVALID ? "busy" : "not_stored"));
		json_object_set_new(fields, "_stap", json_string("controle"));
		rc = save_and_go(req, resp, fields, "controle", S_CHECK);
		json_decref(fields);
		return rc;
	}
	json_t *shown = json_pack("{s:s, s:s, s:s}", "kind", f.in.kind ? f.in.kind : "report",
	                          "anonymous", report_is_anonymous(&f.in) ? "yes" : "no",
	                          "acute_danger", f.in.acute_danger ? "yes" : "no");
	json_decref(fields);
	rc = shown ? draft_sent(req->site->drafts, draft_cookie(req), res->receipt.text, shown)
	           : -ENOMEM;
	json_decref(shown);
	if (rc == 0)
		rc = redirect_to(req, resp, "ontvangen");
	else {
		/* Stored, but the receipt could not be kept: show it now,
		 * once. */
		log_error("report form: the receipt could not be kept with the draft");
		rc = done(req, resp, &f, &res->receipt);
		if (rc < 0)
			rc = done_plain(req, resp, str_eq(f.in.kind, "advice"), res->receipt.text);
	}
	sodium_memzero(&res->receipt, sizeof res->receipt);
	return rc;
}

/* "Verstuur" on the check page: the draft's fields are taken once, so a
 * second send, a double tap or a reload finds none and shows the first
 * receipt. */
static int send_draft(struct req *req, struct resp *resp)
{
	struct site *site = req->site;
	json_t *fields = NULL;
	int rc = draft_take(site->drafts, req->org->id, draft_cookie(req), &fields);
	if (rc == DRAFT_NONE)
		return redirect_to(req, resp, "ontvangen");
	if (rc) {
		log_error("report form: the draft could not be read: %s",
		          rc < 0 ? strerror(-rc) : "store");
		int hr = site_retry_after(resp, 30);
		return hr ? hr : step1(req, resp, 503, NULL, &(struct form_notice){.busy = true});
	}
	rc = form_from_draft(req, fields);
	if (rc) {
		json_decref(fields);
		return rc;
	}
	ready_texts(req);
	struct report_form f;
	struct ferrs fe = {.n = 0};
	check_draft(req, &f, &fe);
	const char *notice = NULL;
	char retry[32];
	if (!fe.n) {
		unsigned char key[16];
		client_key(req, key);
		unsigned wait =
		    site->intake_limit ? throttle_hit(site->intake_limit, key, sizeof key) : 0;
		if (wait) {
			snprintf(retry, sizeof retry, "retry:%u", wait);
			notice = retry;
		} else if (!site->intake) {
			notice = "busy";
		} else {
			rc = submit_deferred(req, &f.org, &f.in, draft_committed);
			if (rc == 0) {
				json_decref(fields);
				return 0;
			}
			if (rc < 0 && rc != -ENODEV) {
				json_decref(fields);
				return rc;
			}
			notice = "busy";
		}
	}
	/* Not sent: the draft is put back, with why. */
	json_object_del(fields, "_notice");
	if (notice)
		json_object_set_new(fields, "_notice", json_string(notice));
	json_object_set_new(fields, "_stap", json_string("controle"));
	rc = save_and_go(req, resp, fields, "controle", S_CHECK);
	json_decref(fields);
	return rc;
}

/* A POST of one step: its answers into the draft, then to the next step
 * (the answers checked first), the previous one, or past an optional
 * one. */
static int post_step(struct req *req, struct resp *resp, enum step st)
{
	const char *ga = req_form(req, "ga");
	if (st == S_CHECK && str_eq(ga, "verstuur"))
		return send_draft(req, resp);
	char receipt[RECEIPT_TEXT_LEN + 1];
	int rc;
	json_t *fields = load_fields(req, receipt, &rc);
	if (rc) {
		json_decref(fields);
		fields = json_object();
		if (!fields)
			return -ENOMEM;
	}
	if (receipt[0]) {
		/* Sent: a new draft begins with what is posted now. */
		json_decref(fields);
		fields = json_object();
		sodium_memzero(receipt, sizeof receipt);
		if (!fields)
			return -ENOMEM;
	}
	bool ok = merge_step(fields, req, st);
	if (ok && st == S_DANGER) {
		const char *danger = req_form(req, "danger");
		ok = json_object_set_new(fields, "acute_danger",
		                         json_string(str_eq(danger, "yes") ? "yes" : "no")) == 0;
		ok = ok && apply_prefill(fields, req);
	}
	if (!ok) {
		json_decref(fields);
		return -ENOMEM;
	}
	json_object_del(fields, "_notice");
	enum step to;
	if (str_eq(ga, "terug")) {
		to = step_prev(st, fields);
	} else if (str_eq(ga, "overslaan") && steps[st].optional) {
		to = step_next(st, fields);
		json_object_del(fields, "_fout");
	} else if (st == S_CHECK) {
		to = S_CHECK;
	} else {
		/* The step's own answers are checked before going on. */
		to = step_next(st, fields);
		json_object_del(fields, "_fout");
		if (st != S_DANGER) {
			rc = form_from_draft(req, fields);
			if (rc) {
				json_decref(fields);
				return rc;
			}
			ready_texts(req);
			struct report_form f;
			struct ferrs all = {.n = 0}, mine = {.n = 0};
			check_draft(req, &f, &all);
			step_errors(&all, st, &mine);
			if (mine.n) {
				json_object_set_new(fields, "_fout", json_string(steps[st].code));
				to = st;
			}
		}
	}
	json_object_set_new(fields, "_stap", json_string(steps[to].code));
	rc = save_and_go(req, resp, fields, steps[to].code, st);
	json_decref(fields);
	return rc;
}

/* The first question posted without an answer: the draft notes it, and
 * the question comes back by a GET, saying so. */
static int danger_missing(struct req *req, struct resp *resp)
{
	char receipt[RECEIPT_TEXT_LEN + 1];
	int rc;
	json_t *fields = load_fields(req, receipt, &rc);
	if (rc || receipt[0]) {
		json_decref(fields);
		fields = json_object();
	}
	sodium_memzero(receipt, sizeof receipt);
	if (!fields || !apply_prefill(fields, req) ||
	    json_object_set_new(fields, "_fout", json_string("gevaar")) ||
	    json_object_set_new(fields, "_stap", json_string("gevaar"))) {
		json_decref(fields);
		return -ENOMEM;
	}
	rc = save_and_go(req, resp, fields, "gevaar", S_DANGER);
	json_decref(fields);
	return rc;
}

/* The first step (in the order of the form) of fe's errors. */
static enum step first_error_step(const struct ferrs *fe)
{
	enum step first = S_CHECK;
	for (size_t i = 0; i < fe->n; i++) {
		enum step at = field_step(fe->e[i].field);
		if (at == S_CHECK || at == S_DANGER)
			at = S_WHAT;
		if (at < first)
			first = at;
	}
	return first;
}

/* A POST of the old one-page form (step=2, or a step that is none): what
 * it holds becomes the whole draft, and it leads to the step of its first
 * error, where every step shows its own, or else to the check page. It is
 * not sent: the check page comes first, as in the steps. */
static int post_whole(struct req *req, struct resp *resp)
{
	json_t *fields = fields_from_form(req);
	if (!fields)
		return -ENOMEM;
	if (!str_eq(draft_text(fields, "acute_danger"), "yes") &&
	    json_object_set_new(fields, "acute_danger", json_string("no"))) {
		json_decref(fields);
		return -ENOMEM;
	}
	int rc = form_from_draft(req, fields);
	if (rc) {
		json_decref(fields);
		return rc;
	}
	struct report_form f;
	struct ferrs fe = {.n = 0};
	check_draft(req, &f, &fe);
	enum step to = first_error_step(&fe);
	if (fe.n && json_object_set_new(fields, "_fout", json_string("alle"))) {
		json_decref(fields);
		return -ENOMEM;
	}
	json_object_set_new(fields, "_stap", json_string(steps[to].code));
	rc = save_and_go(req, resp, fields, steps[to].code, S_DONE);
	json_decref(fields);
	return rc;
}

int page_report(struct req *req, struct resp *resp)
{
	if (req->method != HTTP_POST)
		return get_step(req, resp);
	ready_texts(req);
	const char *step = req_form(req, "step");
	if (str_eq(step, "1") || str_eq(step, "gevaar")) {
		struct field_value danger;
		struct field_error err;
		if (validate_fields(req->form, req->nform, &danger_field, 1, NULL, &danger, &err))
			return danger_missing(req, resp);
		return post_step(req, resp, S_DANGER);
	}
	if (str_eq(step, "nieuw")) {
		/* A new report from scratch: the draft and its receipt go. */
		int rc = draft_delete(req->site->drafts, draft_cookie(req));
		if (rc)
			log_error("report form: the draft could not be deleted: %s", strerror(-rc));
		return redirect_to(req, resp, NULL);
	}
	int st = step_by_code(step);
	if (st > S_DANGER && st < S_DONE)
		return post_step(req, resp, (enum step)st);
	return post_whole(req, resp);
}

int page_report_expired(struct req *req, struct resp *resp)
{
	/* The step it came from again, with everything typed: nothing was
	 * stored, and the new page carries a new token. */
	ready_texts(req);
	const struct form_notice expired = {.session_expired = true};
	const char *step = req_form(req, "step");
	int st = str_eq(step, "1") ? S_DANGER : step_by_code(step);
	if (st == S_DANGER)
		return step1(req, resp, 403, NULL, &expired);
	if (st == S_CHECK || str_eq(step, "nieuw")) {
		/* Nothing typed is posted here: the check page of the
		 * cookie's draft (if any), saying so. */
		char receipt[RECEIPT_TEXT_LEN + 1];
		int rc;
		json_t *fields = load_fields(req, receipt, &rc);
		sodium_memzero(receipt, sizeof receipt);
		if (rc) {
			json_decref(fields);
			return step1(req, resp, 403, NULL, &expired);
		}
		rc = step_page(req, resp, S_CHECK, fields, &expired);
		json_decref(fields);
		return rc;
	}
	return posted_page(req, resp, st > S_DANGER && st < S_CHECK ? (enum step)st : S_DONE,
	                   &expired);
}
