/* answers: see answers.h. */
#include "pages/answers.h"

#include <stdio.h>
#include <string.h>

#include "pages/formkit.h"

const struct answer_opt answer_ynu[] = {
    {"yes", _("Ja")}, {"no", _("Nee")}, {"unknown", _("Weet ik niet")}, {NULL, NULL}};
const struct answer_opt answer_yn[] = {{"yes", _("Ja")}, {"no", _("Nee")}, {NULL, NULL}};
const struct answer_opt answer_sector[] = {{"home", _("Bij iemand thuis")},
                                           {"business", _("In een bedrijf of winkel")},
                                           {"hospitality", _("In de horeca")},
                                           {"harbour", _("In de haven of op een schip")},
                                           {"agriculture", _("In de land- of tuinbouw")},
                                           {"hotel", _("In een hotel of vakantiehuis")},
                                           {"online", _("Online")},
                                           {"vehicle", _("In een auto, bus of vrachtwagen")},
                                           {"other", _("Ergens anders")},
                                           {NULL, NULL}};
const struct answer_opt answer_frequency[] = {{"once", _("Eén keer")},
                                              {"sometimes", _("Soms")},
                                              {"often", _("Vaak of steeds")},
                                              {"unknown", _("Weet ik niet")},
                                              {NULL, NULL}};
const struct answer_opt answer_involved[] = {
    {"police", _("De politie")},
    {"police_complaint", _("De politie, en er is aangifte gedaan")},
    {"veilig_thuis", _("Veilig Thuis")},
    {"wijkteam", _("Het wijkteam")},
    {"youth_care", _("Jeugdhulp")},
    {"school", _("School")},
    {"care_coordinator", _("De zorgcoördinator mensenhandel")},
    {"tipline", _("Meld Misdaad Anoniem is al gebeld")},
    {"inspectorate", _("De Nederlandse Arbeidsinspectie is al ingelicht")},
    {NULL, NULL}};
const struct answer_opt answer_meldcode[] = {
    {"signals", _("Stap 1: signalen in kaart gebracht")},
    {"consult", _("Stap 2: een collega of Veilig Thuis om advies gevraagd")},
    {"conversation", _("Stap 3: met de persoon gepraat")},
    {"weigh", _("Stap 4: de zorgen gewogen")},
    {"decide", _("Stap 5: besloten over hulp of een melding")},
    {NULL, NULL}};
#define CONFIDENTIAL_WORDS _("Nee, geef mijn naam niet door aan de mensen om wie het gaat")
const struct answer_opt answer_confidential[] = {{"confidential", CONFIDENTIAL_WORDS},
                                                 {NULL, NULL}};
/* anonymous: said by the report's own "anonymous" (no words here). */
const struct answer_opt answer_reporter_state[] = {
    {"confidential", CONFIDENTIAL_WORDS}, {"open", _("Ja")}, {"anonymous", NULL}, {NULL, NULL}};
const struct answer_opt answer_person_role[] = {{"victim", _("Mogelijk slachtoffer")},
                                                {"exploiter", _("Mogelijk uitbuiter")},
                                                {"both", _("Allebei")},
                                                {"other", _("Iemand anders, of weet ik niet")},
                                                {NULL, NULL}};

const char *answer_label(const struct answer_opt *opts, const char *value)
{
	for (size_t i = 0; value && opts[i].value; i++)
		if (strcmp(opts[i].value, value) == 0)
			return opts[i].label;
	return NULL;
}

/* In the order of the form's steps (where, the people, you). An anonymous
 * reporter's state is said by the report's own "anonymous". */
const struct answer_question answer_details[] = {
    {"sector", ANSWER_Q_SECTOR, answer_sector, false},
    {"frequency", ANSWER_Q_FREQUENCY, answer_frequency, false},
    {"subject_aware", ANSWER_Q_SUBJECT_AWARE, answer_ynu, false},
    {"talked_with", ANSWER_Q_TALKED_WITH, answer_yn, false},
    {"involved", ANSWER_Q_INVOLVED, answer_involved, true},
    {"safe_contact", ANSWER_Q_SAFE_CONTACT, answer_ynu, false},
    {"threats", ANSWER_Q_THREATS, answer_ynu, false},
    {"weapons", ANSWER_Q_WEAPONS, answer_ynu, false},
    {"reporter_safe", ANSWER_Q_REPORTER_SAFE, answer_ynu, false},
    {"reporter_state", ANSWER_Q_REPORTER_STATE, answer_reporter_state, false},
    {"meldcode_steps", ANSWER_Q_MELDCODE, answer_meldcode, true},
};
const unsigned answer_ndetails = sizeof answer_details / sizeof answer_details[0];

/* Appends the words of code (its own text when it is no code of opts;
 * nothing for a code whose words are NULL). */
static bool add_value(json_t *values, const struct answer_opt *opts, const json_t *code,
                      const char *(*tr)(void *, const char *), void *ctx)
{
	const char *c = json_string_value(code);
	if (!c || !*c)
		return true;
	for (size_t i = 0; opts[i].value; i++)
		if (strcmp(opts[i].value, c) == 0)
			return !opts[i].label ||
			       fk_append(values, json_string(tr(ctx, opts[i].label)));
	return fk_append(values, json_string(c));
}

/* Appends {"term", "values"} to out unless values is empty; takes
 * values. */
static bool add_term(json_t *out, const char *term, json_t *values)
{
	if (json_array_size(values) == 0) {
		json_decref(values);
		return true;
	}
	return fk_append(out, json_pack("{s:s, s:o}", "term", term, "values", values));
}

bool answer_details_list(const json_t *details, bool people,
                         const char *(*tr)(void *ctx, const char *msgid), void *ctx, json_t *out)
{
	for (unsigned q = 0; q < answer_ndetails; q++) {
		const struct answer_question *aq = &answer_details[q];
		const json_t *v = json_object_get(details, aq->key);
		json_t *values = json_array();
		bool ok = values != NULL;
		if (aq->list) {
			size_t i;
			json_t *c;
			json_array_foreach(v, i, c) ok =
			    ok && add_value(values, aq->opts, c, tr, ctx);
		} else {
			ok = ok && add_value(values, aq->opts, v, tr, ctx);
		}
		if (!ok) {
			json_decref(values);
			return false;
		}
		if (!add_term(out, tr(ctx, aq->label), values))
			return false;
	}
	static const struct {
		const char *key, *label;
		const struct answer_opt *opts;
	} person[] = {{"role", ANSWER_Q_PERSON_ROLE, answer_person_role},
	              {"minor", ANSWER_Q_MINOR, answer_ynu}};
	size_t i;
	json_t *p;
	json_array_foreach(people ? json_object_get(details, "people") : NULL, i, p)
	{
		for (size_t k = 0; k < sizeof person / sizeof person[0]; k++) {
			char term[512];
			snprintf(term, sizeof term, "%s %zu: %s", tr(ctx, ANSWER_PERSON), i + 1,
			         tr(ctx, person[k].label));
			json_t *values = json_array();
			if (!values || !add_value(values, person[k].opts,
			                          json_object_get(p, person[k].key), tr, ctx)) {
				json_decref(values);
				return false;
			}
			if (!add_term(out, term, values))
				return false;
		}
	}
	return true;
}
