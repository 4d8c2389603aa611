/* report: what a report (melding) or advice request (adviesvraag) is, the
 * one set of rules that the web form, the public JSON API and staff entry
 * all apply, and the transparent suggestion of the likely form(s).
 *
 * Owns: the closed value lists of the contract (channel, role, kind, form,
 * concrete, status, outcome), the validation of a struct report_input, and
 * the suggestion from ticked signals (rules in content/rules.json).
 *
 * Knows no HTTP and no SQL: pages/api/CLI fill a struct report_input from
 * their own input and call report_check(); domain/intake.c stores it. */
#ifndef SIGNAAL_DOMAIN_REPORT_H
#define SIGNAAL_DOMAIN_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

struct content;

/* --- Closed value lists (contract.md, "CSV of reports") -------------- */
/* Each list is NULL-terminated; the index is the enum value. */
extern const char *const report_channels[];  /* web phone email in_person internal partner */
extern const char *const report_roles[];     /* victim ... employee unknown */
extern const char *const report_kinds[];     /* advice report */
extern const char *const report_forms[];     /* sexual labour criminal organ_removal unknown */
extern const char *const report_concretes[]; /* yes no pending */
extern const char *const report_statuses[];  /* received assessing investigating referred closed */
extern const char *const report_outcomes[];  /* none no_action referred_care ... */
extern const char *const report_minor_values[]; /* yes no unknown */
/* The fields of issue 8 (contract.md, "Public intake"). */
extern const char *const report_person_roles[];   /* victim exploiter both other */
extern const char *const report_states[];         /* anonymous open confidential */
extern const char *const report_sectors[];        /* home business hospitality ... other */
extern const char *const report_frequencies[];    /* once sometimes often unknown */
extern const char *const report_involved[];       /* police police_complaint veilig_thuis ... */
extern const char *const report_meldcode_steps[]; /* signals consult conversation weigh decide */
extern const char *const report_yes_no[];         /* yes no */

enum report_kind {
	REPORT_ADVICE = 0,
	REPORT_REPORT = 1
};

/* Index of value in a NULL-terminated list, or -1. */
int report_value_index(const char *const *list, const char *value);

/* One person the report is about (never stored for advice requests). All
 * fields optional free text, except role and minor. */
struct report_person {
	const char *age;   /* approximate, e.g. "ongeveer 16" */
	const char *minor; /* "yes" "no" "unknown" or NULL */
	const char *gender;
	const char *nationality;
	const char *language;
	const char *role; /* report_person_roles or NULL */
	/* Identifying details: optional, a report only (never advice). */
	const char *name;
	const char *birth_date; /* free text: "12-3-2009", "ongeveer 2009" */
	const char *address;
};

/* What someone submits, as typed values. Strings are borrowed from the
 * caller (request fields, JSON) and must outlive the call they are passed
 * to. NULL or "" means not given. A caller that got more signals, forms or
 * people than the arrays hold sets the count to the number it got and fills
 * only the array: report_check() then answers "too many" on that field and
 * reads no entry beyond the array. */
struct report_input {
	const char *org;           /* organisation id */
	const char *kind;          /* report_kinds */
	const char *reporter_role; /* report_roles (public intake: not "unknown") */
	bool anonymous;
	bool acute_danger;
	const char *description;                 /* 1..REPORT_MAX_DESCRIPTION characters */
	const char *signals[REPORT_MAX_SIGNALS]; /* codes from content */
	size_t nsignals;
	const char *forms[REPORT_MAX_FORMS]; /* report_forms; none given = unknown */
	size_t nforms;
	const char *district; /* one of the organisation's districts, or NULL */
	const char *place;    /* free text when no district fits */
	const char *when;     /* free text: a date or "vorige week" */
	const char *contact_name;
	const char *contact_phone;
	const char *contact_email;
	struct report_person people[REPORT_MAX_PEOPLE];
	size_t npeople;
	/* "anonymous" "open" "confidential" (open, but the name is not passed
	 * on to the people concerned) or NULL: then anonymous decides. Given,
	 * it must agree with anonymous when that is true. */
	const char *reporter_state;
	const char *subject_aware;                 /* does the person know? report_minor_values */
	const char *talked_with;                   /* have you talked with them? report_yes_no */
	const char *involved[REPORT_MAX_INVOLVED]; /* report_involved */
	size_t ninvolved;
	const char *sector;    /* report_sectors */
	const char *since;     /* free text: "sinds de zomer" */
	const char *frequency; /* report_frequencies */
	/* Safety: where the person is now (free text), and yes/no/unknown
	 * answers (report_minor_values). */
	const char *location_now;
	const char *safe_contact;  /* safe to contact them? */
	const char *threats;       /* threats or violence */
	const char *weapons;       /* weapons */
	const char *reporter_safe; /* is the reporter safe? */
	/* Professionals only: organisation and function (required), and the
	 * Meldcode steps taken (report_meldcode_steps). */
	const char *pro_organisation;
	const char *pro_function;
	const char *meldcode[REPORT_MAX_MELDCODE];
	size_t nmeldcode;
	/* The professional's part was asked (the web form asks it of every
	 * professional; an API client that sends "professional" asks it too):
	 * then organisation and function are required of an open report.
	 * Without it a professional's report stays valid as before. */
	bool professional_asked;
	/* Staff entry only (public intake leaves these NULL: web, today). */
	const char *channel; /* report_channels */
};

/* One problem: the field (the API's JSON key, also the form field name,
 * e.g. "description", "contact.email", "people[1].age") and a Dutch
 * message for the public in plain words (a msgid; translate with i18n_tr).
 * field is a string literal, except "people[i].x", which points into the
 * error's own fieldbuf: when copying a struct report_error, point the
 * copy's field at the copy's fieldbuf if field == fieldbuf. At most one
 * error per field, in the order of the form. */
struct report_error {
	const char *field;
	const char *message;
	char fieldbuf[32];
};

/* Districts of the organisation, to check input.district. */
struct report_org {
	const char *id;
	const char *const *districts;
	size_t ndistricts;
};

/* Checks input against every rule (contract.md "Public intake" and issue
 * 3): kind, role, anonymity (anonymous with contact details, or a
 * professional/employee asking anonymity, is an error), text validity and
 * lengths from limits.h, known signal codes, forms, district, person
 * fields; advice requests may not carry people. Writes at most maxerr
 * errors and returns how many were found (0 = valid). */
size_t report_check(const struct content *c, const struct report_org *org,
                    const struct report_input *in, struct report_error *errs, size_t maxerr);

/* Readies a text typed for a report (description, place, when, contact
 * and person fields) in place, before report_check(): removes the
 * invisible formatting characters that can reverse or hide text
 * (str_cp_hidden_format(): bidirectional embeddings, overrides and
 * isolates, U+FEFF). Returns the new length; s[new length] becomes NUL, so
 * s must hold n + 1 bytes. Every channel (form, API) calls it on its own
 * copy of the text; report_check() refuses what is left of them, so a
 * caller that forgets gets an error, never a stored override. */
size_t report_text_ready(char *s, size_t n);

/* Whether the input is anonymous after reporter_state and anonymous. */
bool report_is_anonymous(const struct report_input *in);
/* The reporter state to store: reporter_state when given, else
 * "anonymous" or "open" by anonymous. A static string. */
const char *report_state_of(const struct report_input *in);

/* The non-personal details of a checked input (what figures may count:
 * reporter_state, subject_aware, talked_with, involved, sector,
 * frequency, safety answers, meldcode steps, and each person's role and
 * minor, never a person for advice) as a JSON object; *out caller owns.
 * 0 or -ENOMEM. */
int report_details_json(const struct report_input *in, json_t **out);
/* The personal new fields (since, location_now, professional organisation
 * and function; people's identifying details go with the people) added to
 * o. 0 or -ENOMEM. */
int report_personal_extra(const struct report_input *in, json_t *o);

/* Checks a reporter's follow-up message by the text rules of
 * report_check() (not blank, at most REPORT_MAX_MESSAGE characters, no
 * control characters but newline and tab) and copies it, readied like a
 * report's text (report_text_ready()), with each CR LF turned into LF
 * (*out: caller owns). Returns NULL when fine, else the
 * msgid of the problem, to be translated by the caller (*out NULL then;
 * also NULL with a NULL return when out of memory). */
const char *report_message_check(const char *s, size_t n, char **out);

/* The suggestion of likely forms from the ticked signals, by the rules in
 * content/rules.json: *out (caller owns) = [{"form": "labour", "signals":
 * ["labour.low_pay", ...]}, ...], strongest first; [] when no signal
 * points anywhere. Every suggestion lists the signals it rests on, in the
 * order given, each once; ties keep the order of report_forms. Signals
 * that no rule names are ignored (report_check refuses unknown codes).
 * Returns 0, -EINVAL (nsignals over REPORT_MAX_SIGNALS, or NULL c or out)
 * or -ENOMEM. */
int report_suggest(const struct content *c, const char *const *signals, size_t nsignals,
                   json_t **out);

#endif
