/* answers: the words of the report form's questions and closed answers of
 * issue 8 (sector, how often, who knows, involved organisations, safety,
 * the Meldcode steps, each person's role and minor, the reporter's
 * state), one source for the form that asks them (pages/report.c, its
 * check page too) and the staff report view that shows the answers
 * (pages/staff_reports.c). Dutch msgids, translated where shown.
 *
 * Owns: the texts and which code each answer has; nothing of a form's
 * fields, checks or ids. */
#ifndef SIGNAAL_PAGES_ANSWERS_H
#define SIGNAAL_PAGES_ANSWERS_H

#include <jansson.h>
#include <stdbool.h>

#include "util/i18n.h"

/* The questions, as labels of the form's fields. */
#define ANSWER_Q_SECTOR         _("Wat voor plek is het? (niet verplicht)")
#define ANSWER_Q_FREQUENCY      _("Hoe vaak gebeurt het? (niet verplicht)")
#define ANSWER_Q_SUBJECT_AWARE  _("Weet de persoon van deze melding? (niet verplicht)")
#define ANSWER_Q_TALKED_WITH    _("Heb je er met de persoon over gepraat? (niet verplicht)")
#define ANSWER_Q_INVOLVED       _("Wie weet er al van of helpt al? (niet verplicht)")
#define ANSWER_Q_SAFE_CONTACT   _("Is het veilig om de persoon te bellen of te schrijven?")
#define ANSWER_Q_THREATS        _("Wordt er gedreigd of geweld gebruikt?")
#define ANSWER_Q_WEAPONS        _("Zijn er wapens?")
#define ANSWER_Q_REPORTER_SAFE  _("Voel jij je zelf veilig?")
#define ANSWER_Q_REPORTER_STATE _("Mogen de mensen om wie het gaat je naam horen?")
#define ANSWER_Q_MELDCODE       _("Welke stappen van de Meldcode heb je al gezet? (niet verplicht)")
#define ANSWER_Q_MINOR          _("Is deze persoon jonger dan 18 jaar?")
#define ANSWER_Q_PERSON_ROLE    _("Wie is deze persoon? (niet verplicht)")
/* Before a person's answers: "Persoon 1: ...". */
#define ANSWER_PERSON _("Persoon")

/* One answer: its code and its words (a msgid; NULL: not said in words).
 * Lists end with {NULL, NULL}. */
struct answer_opt {
	const char *value, *label;
};

extern const struct answer_opt answer_ynu[]; /* yes, no, unknown */
extern const struct answer_opt answer_yn[];  /* yes, no */
extern const struct answer_opt answer_sector[];
extern const struct answer_opt answer_frequency[];
extern const struct answer_opt answer_involved[];
extern const struct answer_opt answer_meldcode[];
/* The form's one box: "confidential". */
extern const struct answer_opt answer_confidential[];
/* The reporter's state as the staff view says it: the form's words for
 * "confidential", "yes" for an open report (names may be heard). */
extern const struct answer_opt answer_reporter_state[];
extern const struct answer_opt answer_person_role[];

/* The words (a msgid) of value in opts, or NULL when it is none of them
 * (or has none). */
const char *answer_label(const struct answer_opt *opts, const char *value);

/* The questions of a report's stored details (domain/report.h,
 * report_details_json) in the order of the form: the key in the details,
 * the question and its answers; list: the value is an array of codes. */
struct answer_question {
	const char *key;
	const char *label;
	const struct answer_opt *opts;
	bool list;
};
extern const struct answer_question answer_details[];
extern const unsigned answer_ndetails;

/* The details' answers as a definition list: appends {"term", "values":
 * [...]} to out for each question answered in details (a value that is
 * no known code is given as it is stored: the page escapes it), and
 * "Persoon N: question" for each person's role and minor when people is
 * true. tr translates a msgid (the request's language). False when
 * memory runs out. */
bool answer_details_list(const json_t *details, bool people,
                         const char *(*tr)(void *ctx, const char *msgid), void *ctx, json_t *out);

#endif
