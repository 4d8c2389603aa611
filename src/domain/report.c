/* report.c: the rules of a report or advice request, and the suggestion of
 * its likely forms.
 *
 * report_check() gives at most one error per field (the first problem
 * found), in the order of the form, so that the form can show one message
 * next to each field and a summary on top. Decisions where the contract is
 * silent:
 *   - Public intake is channel NULL, "" or "web"; anything else is staff
 *     entry, which may use reporter role "unknown".
 *   - Whether a role may stay anonymous is the role's "anonymous" in
 *     content/roles.json (false for professional and employee). Such a
 *     reporter who asks anonymity gets the error on "anonymous" only, and is
 *     checked further as if not anonymous: then they see at once that they
 *     need to give a way to reach them.
 *   - Not anonymous in public intake: a phone number or an email address is
 *     needed (a name alone reaches no one). Staff entry needs one of name,
 *     phone or email: staff know through which channel the reporter came.
 *   - A description of only spaces and newlines counts as empty.
 *   - Lengths are bytes (limits.h); texts of one line may hold a tab.
 *   - An advice request with any people (npeople > 0) is refused as a
 *     whole on "people"; its person fields are not checked further.
 *   - Contact fields are not checked further when an anonymous reporter
 *     filled them in: the one thing to do is to empty them.
 * Characters that a text may not hold, class by class (str_text_valid()):
 *   - Bytes that are not UTF-8 (and U+FFFD, which a form shows for them
 *     and a browser may send back): refused, with the field named and
 *     "tekens die we niet kunnen lezen". Guessing what was meant would
 *     store a text the reporter never wrote.
 *   - The invisible bidirectional controls U+202A..U+202E and
 *     U+2066..U+2069 and U+FEFF: removed before the check
 *     (report_text_ready()), because the person cannot see them and so
 *     cannot remove them as an error would ask (a keyboard or an app may
 *     put them in Arabic or Hebrew text). Without them the letters stay
 *     in the order typed, which the Unicode bidirectional algorithm shows
 *     right; with them a text can show reversed ("RLO") or hide a part.
 *     The check refuses any that are left.
 *   - A lone CR: refused. A browser sends every line break as CR LF, so
 *     only a program sends one, and a program can be told; some readers
 *     take it for a line break and others print what follows over what
 *     came before. CR LF is kept (messages store LF).
 *   - Other control characters (C0 but tab and line feed, DEL, C1):
 *     refused, as before. */
#include "domain/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/content.h"
#include "util/i18n.h"
#include "util/str.h"

const char *const report_channels[] = {"web",      "phone",   "email", "in_person",
                                       "internal", "partner", NULL};
const char *const report_roles[] = {"victim",       "bystander", "parent",  "perpetrator",
                                    "professional", "employee",  "unknown", NULL};
const char *const report_kinds[] = {"advice", "report", NULL};
const char *const report_forms[] = {"sexual",        "labour",  "criminal",
                                    "organ_removal", "unknown", NULL};
const char *const report_concretes[] = {"yes", "no", "pending", NULL};
const char *const report_statuses[] = {"received", "assessing", "investigating",
                                       "referred", "closed",    NULL};
const char *const report_outcomes[] = {"none",
                                       "no_action",
                                       "referred_care",
                                       "referred_police",
                                       "referred_inspectorate",
                                       "investigation_started",
                                       "investigation_completed",
                                       "administrative_measure",
                                       NULL};
const char *const report_minor_values[] = {"yes", "no", "unknown", NULL};
const char *const report_person_roles[] = {"victim", "exploiter", "both", "other", NULL};
const char *const report_states[] = {"anonymous", "open", "confidential", NULL};
const char *const report_sectors[] = {"home",  "business", "hospitality", "harbour", "agriculture",
                                      "hotel", "online",   "vehicle",     "other",   NULL};
const char *const report_frequencies[] = {"once", "sometimes", "often", "unknown", NULL};
const char *const report_involved[] = {
    "police", "police_complaint", "veilig_thuis", "wijkteam",     "youth_care",
    "school", "care_coordinator", "tipline",      "inspectorate", NULL};
const char *const report_meldcode_steps[] = {"signals", "consult", "conversation",
                                             "weigh",   "decide",  NULL};
const char *const report_yes_no[] = {"yes", "no", NULL};

_Static_assert(sizeof report_involved / sizeof report_involved[0] == REPORT_MAX_INVOLVED + 1,
               "every involved organisation fits once");
_Static_assert(sizeof report_meldcode_steps / sizeof report_meldcode_steps[0] ==
                   REPORT_MAX_MELDCODE + 1,
               "every Meldcode step fits once");

int report_value_index(const char *const *list, const char *value)
{
	if (!list || !value)
		return -1;
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], value))
			return i;
	return -1;
}

/* --- Errors ------------------------------------------------------------ */

struct check {
	struct report_error *errs;
	size_t maxerr;
	size_t n;
};

/* field: a string literal. */
static void fail(struct check *k, const char *field, const char *message)
{
	if (k->errs && k->n < k->maxerr) {
		struct report_error *e = &k->errs[k->n];
		e->field = field;
		e->fieldbuf[0] = '\0';
		e->message = message;
	}
	k->n++;
}

/* "people[i].name", made in the error's own fieldbuf (at most 24 bytes:
 * i is below REPORT_MAX_PEOPLE and name at most "nationality"). */
_Static_assert(sizeof "people[9].nationality" <= sizeof((struct report_error *)0)->fieldbuf,
               "a person's field name fits fieldbuf");
static void fail_person(struct check *k, size_t i, const char *name, const char *message)
{
	if (k->errs && k->n < k->maxerr) {
		struct report_error *e = &k->errs[k->n];
		snprintf(e->fieldbuf, sizeof(e->fieldbuf), "people[%zu].%s", i, name);
		e->field = e->fieldbuf;
		e->message = message;
	}
	k->n++;
}

static bool given(const char *s)
{
	return s && *s;
}

/* --- Text checks ------------------------------------------------------- */

/* Message for a short, optional, single-line text, or NULL when it is fine. */
static const char *short_text_problem(const char *s)
{
	size_t n;
	if (!given(s))
		return NULL;
	n = strlen(s);
	if (n > UTF8_MAX_BYTES(REPORT_MAX_SHORT_TEXT) ||
	    (str_utf8_valid(s, n) && str_chars(s, n) > REPORT_MAX_SHORT_TEXT))
		return _("Dit is te lang. Gebruik hoogstens 200 tekens.");
	if (!str_text_valid(s, n, false)) {
		if (str_text_valid(s, n, true))
			return _("Schrijf dit op één regel.");
		return _(
		    "Hier staan tekens die we niet kunnen lezen. Haal ze weg en probeer het opnieuw.");
	}
	return NULL;
}

static void check_short(struct check *k, const char *field, const char *s)
{
	const char *m = short_text_problem(s);
	if (m)
		fail(k, field, m);
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

static void check_description(struct check *k, const char *s)
{
	size_t n;
	if (!given(s) || blank(s)) {
		fail(k, "description", _("Schrijf op wat je hebt gezien of gehoord."));
		return;
	}
	n = strlen(s);
	if (n > UTF8_MAX_BYTES(REPORT_MAX_DESCRIPTION) ||
	    (str_utf8_valid(s, n) && str_chars(s, n) > REPORT_MAX_DESCRIPTION))
		fail(k, "description",
		     _("Je tekst is te lang. Maak hem korter: hoogstens 10.000 tekens."));
	else if (!str_text_valid(s, n, true))
		fail(
		    k, "description",
		    _("In je tekst staan tekens die we niet kunnen lezen. Haal ze weg en probeer het opnieuw."));
}

size_t report_text_ready(char *s, size_t n)
{
	return str_strip_hidden_format(s, n);
}

const char *report_message_check(const char *s, size_t n, char **out)
{
	*out = NULL;
	if (!s)
		n = 0;
	char *m = malloc(n + 1);
	if (!m)
		return NULL;
	if (n)
		memcpy(m, s, n);
	n = report_text_ready(m, n);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (m[i] == '\r' && i + 1 < n && m[i + 1] == '\n')
			continue;
		m[k++] = m[i];
	}
	m[k] = '\0';
	const char *problem = NULL;
	if (blank(m))
		problem = _("Schrijf eerst wat je wilt toevoegen.");
	else if (k > UTF8_MAX_BYTES(REPORT_MAX_MESSAGE) ||
	         (str_utf8_valid(m, k) && str_chars(m, k) > REPORT_MAX_MESSAGE))
		problem = _("Je tekst is te lang. Maak hem korter: hoogstens 5.000 tekens.");
	else if (!str_text_valid(m, k, true) || memchr(m, '\r', k))
		problem = _("In je tekst staan tekens die we niet kunnen lezen. Haal ze weg en "
		            "probeer het opnieuw.");
	if (problem) {
		free(m);
		return problem;
	}
	*out = m;
	return NULL;
}

/* One @, something before it, a dot inside the domain, no spaces or control
 * bytes. Deliberately loose: the address is for a person to write to. */
static bool email_plausible(const char *s)
{
	const char *at = strchr(s, '@'), *dot;
	if (!at || at == s || strchr(at + 1, '@'))
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7F)
			return false;
	dot = strrchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1] != '\0';
}

/* 0: fine, 1: a character that does not belong, 2: too few or many digits. */
static int phone_problem(const char *s)
{
	size_t digits = 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" +-()", *p))
			return 1;
	}
	return digits < 6 || digits > 20 ? 2 : 0;
}

/* --- The rules --------------------------------------------------------- */

static bool is_public(const struct report_input *in)
{
	return !given(in->channel) || !strcmp(in->channel, "web");
}

static void check_org(struct check *k, const struct report_org *org, const char *id)
{
	if (!org || (given(id) && !str_eq(id, org->id)))
		fail(k, "org", _("Deze organisatie kennen we niet."));
}

static void check_channel(struct check *k, const char *channel)
{
	if (given(channel) && report_value_index(report_channels, channel) < 0)
		fail(k, "channel", _("Kies hoe de melding binnenkwam."));
}

static void check_kind(struct check *k, const char *kind)
{
	if (!given(kind))
		fail(k, "kind", _("Kies of je advies wilt vragen of een melding wilt doen."));
	else if (report_value_index(report_kinds, kind) < 0)
		fail(k, "kind", _("Kies: advies vragen of een melding doen."));
}

/* Returns the role's record in content (NULL for "unknown" or a bad role). */
static const json_t *check_role(struct check *k, const struct content *c,
                                const struct report_input *in)
{
	const char *role = in->reporter_role;
	if (!given(role)) {
		fail(k, "reporter_role", _("Kies wie je bent."));
		return NULL;
	}
	if (!strcmp(role, "unknown") && !is_public(in))
		return NULL;
	if (report_value_index(report_roles, role) < 0 || !content_is_role(c, role)) {
		fail(k, "reporter_role", _("Kies wie je bent uit de lijst."));
		return NULL;
	}
	return content_role(c, "nl", role);
}

/* Returns whether the report is anonymous after the check: a role that may
 * not be anonymous is checked further as an open report. */
static bool check_anonymous(struct check *k, const struct report_input *in, const json_t *role)
{
	if (!in->anonymous)
		return false;
	if (role && json_is_false(json_object_get(role, "anonymous"))) {
		fail(
		    k, "anonymous",
		    _("Als professional of medewerker van de gemeente meld je niet anoniem: de Meldcode vraagt je open te zijn over je zorgen. Advies vragen zonder de namen van de mensen om wie het gaat, kan wel."));
		return false;
	}
	return true;
}

static void check_contact(struct check *k, const struct report_input *in, bool anonymous,
                          const json_t *role)
{
	const char *m;
	bool any = given(in->contact_name) || given(in->contact_phone) || given(in->contact_email);

	if (anonymous) {
		if (any)
			fail(
			    k, "contact",
			    _("Je wilt anoniem blijven. Laat je naam, telefoon en e-mail dan leeg."));
		return;
	}
	check_short(k, "contact.name", in->contact_name);
	if (given(in->contact_phone)) {
		int pp = phone_problem(in->contact_phone);
		m = short_text_problem(in->contact_phone);
		if (!m && pp == 1)
			m = _(
			    "Dit telefoonnummer klopt niet. Gebruik alleen cijfers, spaties en + - ( ).");
		else if (!m && pp == 2)
			m = _(
			    "Dit telefoonnummer klopt niet. Een telefoonnummer heeft 6 tot 20 cijfers.");
		if (m)
			fail(k, "contact.phone", m);
	}
	if (given(in->contact_email)) {
		m = short_text_problem(in->contact_email);
		if (!m && !email_plausible(in->contact_email))
			m = _(
			    "Dit e-mailadres klopt niet. Kijk het na, bijvoorbeeld naam@voorbeeld.nl.");
		if (m)
			fail(k, "contact.email", m);
	}
	if (!is_public(in)) {
		if (!any)
			fail(
			    k, "contact",
			    _("Vul de naam, het telefoonnummer of het e-mailadres van de melder in. Of kies anoniem."));
	} else if (!given(in->contact_phone) && !given(in->contact_email)) {
		if (role && json_is_false(json_object_get(role, "anonymous")))
			fail(
			    k, "contact",
			    _("Vul je telefoonnummer of e-mailadres in, zodat we je kunnen bereiken."));
		else
			fail(
			    k, "contact",
			    _("Vul je telefoonnummer of e-mailadres in, zodat we je kunnen bereiken. Wil je dat niet? Kies dan voor anoniem."));
	}
}

static void check_signals(struct check *k, const struct content *c, const struct report_input *in)
{
	size_t n = in->nsignals;
	if (n > REPORT_MAX_SIGNALS) {
		fail(k, "signals", _("Je hebt te veel signalen gekozen."));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *s = in->signals[i];
		if (!given(s) || !content_is_signal(c, s)) {
			fail(k, "signals",
			     _("Dit signaal kennen we niet. Kies signalen uit de lijst."));
			return;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(in->signals[j], s)) {
				fail(
				    k, "signals",
				    _("Je hebt een signaal twee keer gekozen. Kies elk signaal één keer."));
				return;
			}
	}
}

static void check_forms(struct check *k, const struct report_input *in)
{
	size_t n = in->nforms;
	bool unknown = false, real = false;
	if (n > REPORT_MAX_FORMS) {
		fail(k, "forms", _("Je hebt te veel vormen gekozen."));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *f = in->forms[i];
		int idx = report_value_index(report_forms, f);
		if (idx < 0) {
			fail(k, "forms", _("Deze vorm kennen we niet. Kies uit de lijst."));
			return;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(in->forms[j], f)) {
				fail(
				    k, "forms",
				    _("Je hebt een vorm twee keer gekozen. Kies elke vorm één keer."));
				return;
			}
		if (!strcmp(f, "unknown"))
			unknown = true;
		else
			real = true;
	}
	if (unknown && real)
		fail(k, "forms", _("Kies ‘weet ik niet’ of een of meer vormen, niet allebei."));
}

static void check_district(struct check *k, const struct report_org *org, const char *d)
{
	if (!given(d) || !org)
		return;
	for (size_t i = 0; i < org->ndistricts; i++)
		if (org->districts && str_eq(org->districts[i], d))
			return;
	fail(
	    k, "district",
	    _("Kies een plaats uit de lijst. Staat de plaats er niet bij? Laat dit dan leeg en schrijf de plaats hieronder."));
}

static void person_field(struct check *k, size_t i, const char *name, const char *value)
{
	const char *m = short_text_problem(value);
	if (m)
		fail_person(k, i, name, m);
}

/* An optional value of a closed list. */
static void check_value(struct check *k, const char *field, const char *const *list, const char *v,
                        const char *message)
{
	if (given(v) && report_value_index(list, v) < 0)
		fail(k, field, message);
}

/* A list of values of a closed list, each once. */
static void check_list(struct check *k, const char *field, const char *const *list,
                       const char *const *v, size_t n, size_t max)
{
	if (n > max) {
		fail(k, field, _("Je hebt te veel keuzes gemaakt."));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (report_value_index(list, v[i]) < 0) {
			fail(k, field, _("Deze keuze kennen we niet. Kies uit de lijst."));
			return;
		}
		for (size_t j = 0; j < i; j++)
			if (str_eq(v[j], v[i])) {
				fail(k, field,
				     _("Je hebt iets twee keer gekozen. Kies alles één keer."));
				return;
			}
	}
}

static const char msg_ynu[] = _("Kies ja, nee of weet ik niet.");

/* The questions of issue 8 beside the people: knowledge, involved
 * organisations, place and time, safety. */
static void check_situation(struct check *k, const struct report_input *in)
{
	check_value(k, "subject_aware", report_minor_values, in->subject_aware, msg_ynu);
	check_value(k, "talked_with", report_yes_no, in->talked_with, _("Kies ja of nee."));
	check_list(k, "involved", report_involved, in->involved, in->ninvolved,
	           REPORT_MAX_INVOLVED);
	check_value(k, "sector", report_sectors, in->sector,
	            _("Kies een soort plek uit de lijst."));
	check_short(k, "since", in->since);
	check_value(k, "frequency", report_frequencies, in->frequency,
	            _("Kies hoe vaak het gebeurt uit de lijst."));
	check_short(k, "safety.location_now", in->location_now);
	check_value(k, "safety.safe_contact", report_minor_values, in->safe_contact, msg_ynu);
	check_value(k, "safety.threats", report_minor_values, in->threats, msg_ynu);
	check_value(k, "safety.weapons", report_minor_values, in->weapons, msg_ynu);
	check_value(k, "safety.reporter_safe", report_minor_values, in->reporter_safe, msg_ynu);
}

/* The professional's part: only for professionals; organisation and
 * function required when they report openly (always, in public intake). */
static void check_professional(struct check *k, const struct report_input *in, bool anonymous)
{
	bool pro = str_eq(in->reporter_role, "professional");
	bool any = given(in->pro_organisation) || given(in->pro_function) || in->nmeldcode;
	if (!pro) {
		if (any)
			fail(k, "professional",
			     _("Deze vragen zijn alleen voor professionals. Laat ze leeg."));
		return;
	}
	check_short(k, "professional.organisation", in->pro_organisation);
	check_short(k, "professional.function", in->pro_function);
	if (!anonymous && is_public(in) && (in->professional_asked || any)) {
		if (!given(in->pro_organisation))
			fail(k, "professional.organisation",
			     _("Vul de naam van je organisatie in."));
		if (!given(in->pro_function))
			fail(k, "professional.function", _("Vul je functie in."));
	}
	check_list(k, "professional.meldcode_steps", report_meldcode_steps, in->meldcode,
	           in->nmeldcode, REPORT_MAX_MELDCODE);
}

/* reporter_state against anonymous and the role. */
static void check_state(struct check *k, const struct report_input *in)
{
	const char *st = in->reporter_state;
	if (!given(st))
		return;
	if (report_value_index(report_states, st) < 0)
		fail(k, "reporter_state", _("Kies anoniem, open, of open maar niet doorgeven."));
	else if (in->anonymous && !str_eq(st, "anonymous"))
		fail(k, "reporter_state", _("Je koos anoniem en ook open. Kies één van de twee."));
}

bool report_is_anonymous(const struct report_input *in)
{
	return in->anonymous || str_eq(in->reporter_state, "anonymous");
}

const char *report_state_of(const struct report_input *in)
{
	int i = report_value_index(report_states, in->reporter_state);
	if (i >= 0)
		return report_states[i];
	return in->anonymous ? "anonymous" : "open";
}

static void check_people(struct check *k, const struct report_input *in)
{
	size_t n = in->npeople;

	if (!n)
		return;
	if (str_eq(in->kind, "advice")) {
		fail(k, "people",
		     _("Bij een adviesvraag vragen we niets over de mensen om wie het gaat."));
		return;
	}
	if (n > REPORT_MAX_PEOPLE) {
		fail(k, "people", _("Beschrijf hoogstens 5 mensen."));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct report_person *p = &in->people[i];
		person_field(k, i, "age", p->age);
		if (given(p->minor) && report_value_index(report_minor_values, p->minor) < 0)
			fail_person(k, i, "minor", _("Kies ja, nee of weet ik niet."));
		person_field(k, i, "gender", p->gender);
		person_field(k, i, "nationality", p->nationality);
		person_field(k, i, "language", p->language);
		if (given(p->role) && report_value_index(report_person_roles, p->role) < 0)
			fail_person(k, i, "role", _("Kies een rol uit de lijst."));
		person_field(k, i, "name", p->name);
		person_field(k, i, "birth_date", p->birth_date);
		person_field(k, i, "address", p->address);
	}
}

size_t report_check(const struct content *c, const struct report_org *org,
                    const struct report_input *in, struct report_error *errs, size_t maxerr)
{
	struct check k = {errs, maxerr, 0};
	const json_t *role;
	bool anonymous;

	if (!in) {
		fail(&k, "kind", _("Kies of je advies wilt vragen of een melding wilt doen."));
		return k.n;
	}
	check_org(&k, org, in->org);
	check_channel(&k, in->channel);
	check_kind(&k, in->kind);
	role = check_role(&k, c, in);
	check_state(&k, in);
	struct report_input eff = *in;
	eff.anonymous = report_is_anonymous(in);
	anonymous = check_anonymous(&k, &eff, role);
	check_description(&k, in->description);
	check_signals(&k, c, in);
	check_forms(&k, in);
	check_district(&k, org, in->district);
	check_short(&k, "place", in->place);
	check_short(&k, "when", in->when);
	check_situation(&k, in);
	check_people(&k, in);
	check_professional(&k, in, anonymous);
	check_contact(&k, in, anonymous, role);
	return k.n;
}

/* --- Details ------------------------------------------------------------ */

static int put_opt(json_t *o, const char *key, const char *v)
{
	if (!given(v))
		return 0;
	return json_object_set_new(o, key, json_string(v)) ? -ENOMEM : 0;
}

static int put_list(json_t *o, const char *key, const char *const *v, size_t n)
{
	if (!n)
		return 0;
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i]))) {
			json_decref(a);
			return -ENOMEM;
		}
	return a && !json_object_set_new(o, key, a) ? 0 : -ENOMEM;
}

int report_details_json(const struct report_input *in, json_t **out)
{
	json_t *o = json_object();
	*out = NULL;
	if (!o)
		return -ENOMEM;
	int rc = json_object_set_new(o, "reporter_state", json_string(report_state_of(in)))
	             ? -ENOMEM
	             : 0;
	rc = rc ? rc : put_opt(o, "subject_aware", in->subject_aware);
	rc = rc ? rc : put_opt(o, "talked_with", in->talked_with);
	rc = rc ? rc : put_list(o, "involved", in->involved, in->ninvolved);
	rc = rc ? rc : put_opt(o, "sector", in->sector);
	rc = rc ? rc : put_opt(o, "frequency", in->frequency);
	rc = rc ? rc : put_opt(o, "safe_contact", in->safe_contact);
	rc = rc ? rc : put_opt(o, "threats", in->threats);
	rc = rc ? rc : put_opt(o, "weapons", in->weapons);
	rc = rc ? rc : put_opt(o, "reporter_safe", in->reporter_safe);
	rc = rc ? rc : put_list(o, "meldcode_steps", in->meldcode, in->nmeldcode);
	if (!rc && !str_eq(in->kind, "advice") && in->npeople) {
		json_t *people = json_array();
		rc = people && !json_object_set_new(o, "people", people) ? 0 : -ENOMEM;
		for (size_t i = 0; !rc && i < in->npeople && i < REPORT_MAX_PEOPLE; i++) {
			json_t *p = json_object();
			rc = p && !json_array_append_new(people, p) ? 0 : -ENOMEM;
			rc = rc ? rc : put_opt(p, "role", in->people[i].role);
			rc = rc ? rc : put_opt(p, "minor", in->people[i].minor);
		}
	}
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

int report_personal_extra(const struct report_input *in, json_t *o)
{
	int rc = put_opt(o, "since", in->since);
	if (!rc && given(in->location_now)) {
		json_t *s = json_pack("{s:s}", "location_now", in->location_now);
		rc = s && !json_object_set_new(o, "safety", s) ? 0 : -ENOMEM;
	}
	if (!rc && (given(in->pro_organisation) || given(in->pro_function))) {
		json_t *p = json_object();
		rc = p && !json_object_set_new(o, "professional", p) ? 0 : -ENOMEM;
		rc = rc ? rc : put_opt(p, "organisation", in->pro_organisation);
		rc = rc ? rc : put_opt(p, "function", in->pro_function);
	}
	return rc;
}

/* --- Suggestion -------------------------------------------------------- */

struct sugg {
	json_t *item; /* {"form", "signals"} */
	size_t count;
	int order; /* index in report_forms */
};

static int sugg_cmp(const void *pa, const void *pb)
{
	const struct sugg *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->order - b->order;
}

static bool rule_lists(const json_t *sigs, const char *s)
{
	json_t *x;
	size_t i;
	json_array_foreach(sigs, i, x)
	{
		if (str_eq(json_string_value(x), s))
			return true;
	}
	return false;
}

int report_suggest(const struct content *c, const char *const *signals, size_t nsignals,
                   json_t **out)
{
	const json_t *rules;
	struct sugg s[REPORT_MAX_FORMS];
	size_t ns = 0, i;
	json_t *rule, *res = NULL;
	int rc = 0;

	if (out)
		*out = NULL;
	if (!c || !out || (nsignals && !signals) || nsignals > REPORT_MAX_SIGNALS)
		return -EINVAL;
	rules = content_rules(c);
	json_array_foreach(rules, i, rule)
	{
		const char *form = json_string_value(json_object_get(rule, "form"));
		const json_t *sigs = json_object_get(rule, "signals");
		int order = report_value_index(report_forms, form);
		json_t *list;

		/* The loader allows only the contract's forms, one rule each. */
		if (order < 0 || ns >= REPORT_MAX_FORMS)
			continue;
		list = json_array();
		if (!list) {
			rc = -ENOMEM;
			goto out;
		}
		for (size_t j = 0; j < nsignals; j++) {
			bool dup = false;
			if (!signals[j] || !rule_lists(sigs, signals[j]))
				continue;
			for (size_t d = 0; d < j && !dup; d++)
				dup = str_eq(signals[d], signals[j]);
			if (!dup && json_array_append_new(list, json_string(signals[j]))) {
				json_decref(list);
				rc = -ENOMEM;
				goto out;
			}
		}
		if (!json_array_size(list)) {
			json_decref(list);
			continue;
		}
		s[ns].count = json_array_size(list);
		s[ns].order = order;
		s[ns].item = json_pack("{s:s, s:o}", "form", form, "signals", list);
		if (!s[ns].item) {
			rc = -ENOMEM;
			goto out;
		}
		ns++;
	}
	qsort(s, ns, sizeof(s[0]), sugg_cmp);
	res = json_array();
	if (!res) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < ns; i++) {
		if (json_array_append(res, s[i].item)) {
			rc = -ENOMEM;
			goto out;
		}
	}
	*out = res;
	res = NULL;
out:
	for (i = 0; i < ns; i++)
		json_decref(s[i].item);
	json_decref(res);
	return rc;
}
