/* Unit tests of the report rules: every rule and every failure path of
 * report_check() with the field it names, boundary lengths, the closed value
 * lists, and the transparent suggestion of report_suggest(). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "content/content.h"
#include "content_fixture.h"
#include "domain/report.h"

#define N(a)   (sizeof(a) / sizeof((a)[0]))
#define MAXERR 32

static const char *const velsen_districts[] = {"IJmuiden",   "Velsen-Noord",    "Velsen-Zuid",
                                               "Driehuis",   "Santpoort-Noord", "Santpoort-Zuid",
                                               "Velserbroek"};
static const struct report_org velsen = {"velsen", velsen_districts, N(velsen_districts)};

/* A valid, open report by a bystander. */
static struct report_input base(void)
{
	struct report_input in = {0};
	in.org = "velsen";
	in.kind = "report";
	in.reporter_role = "bystander";
	in.description = "Bij de snackbar slapen drie mannen in de keuken.";
	in.contact_phone = "06 1234 5678";
	return in;
}

struct result {
	size_t n;
	struct report_error e[MAXERR];
};

/* Fills r in place: an error's field may point into its own fieldbuf. */
static void run(const struct content *c, const struct report_input *in, struct result *r)
{
	memset(r, 0, sizeof(*r));
	r->n = report_check(c, &velsen, in, r->e, MAXERR);
}

/* Every error has a field and a message. */
static void assert_well_formed(const struct result *r)
{
	for (size_t i = 0; i < r->n && i < MAXERR; i++) {
		assert_non_null(r->e[i].field);
		assert_non_null(r->e[i].message);
		assert_true(strlen(r->e[i].message) > 0);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(r->e[i].field, r->e[j].field);
	}
}

static void assert_valid(const struct content *c, const struct report_input *in)
{
	struct result r;
	run(c, in, &r);
	if (r.n)
		print_error("unexpected error: %s: %s\n", r.e[0].field, r.e[0].message);
	assert_int_equal(r.n, 0);
}

/* Exactly one error, on field; returns its message. */
static const char *assert_one(const struct content *c, const struct report_input *in,
                              const char *field)
{
	static struct result r;
	run(c, in, &r);
	assert_well_formed(&r);
	if (r.n != 1 || strcmp(r.e[0].field, field))
		for (size_t i = 0; i < r.n && i < MAXERR; i++)
			print_message("# error: %s: %s\n", r.e[i].field, r.e[i].message);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.e[0].field, field);
	return r.e[0].message;
}

static char *repeat(char ch, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, ch, n);
	s[n] = '\0';
	return s;
}

static void assert_list(const char *const *list, const char *const *want, size_t n);

/* --- The fields of issue 8 ----------------------------------------------- */

static void test_new_fields_valid(void **state)
{
	struct report_input in = base();
	in.reporter_state = "confidential";
	in.subject_aware = "no";
	in.talked_with = "yes";
	in.involved[0] = "police_complaint";
	in.involved[1] = "veilig_thuis";
	in.ninvolved = 2;
	in.sector = "harbour";
	in.since = "sinds de zomer";
	in.frequency = "often";
	in.location_now = "op het schip";
	in.safe_contact = "no";
	in.threats = "yes";
	in.weapons = "unknown";
	in.reporter_safe = "yes";
	in.people[0] = (struct report_person){.role = "victim",
	                                      .minor = "yes",
	                                      .name = "Jan",
	                                      .birth_date = "ongeveer 2009",
	                                      .address = "Kade 1"};
	in.people[1] = (struct report_person){.role = "exploiter"};
	in.npeople = 2;
	assert_valid(*state, &in);
	for (size_t i = 0; report_sectors[i]; i++) {
		in.sector = report_sectors[i];
		assert_valid(*state, &in);
	}
	static const char *const sectors[] = {"home",    "business",    "hospitality",
	                                      "harbour", "agriculture", "hotel",
	                                      "online",  "vehicle",     "other"};
	assert_list(report_sectors, sectors, 9);
	static const char *const roles[] = {"victim", "exploiter", "both", "other"};
	assert_list(report_person_roles, roles, 4);
	static const char *const states[] = {"anonymous", "open", "confidential"};
	assert_list(report_states, states, 3);
}

static void test_new_fields_refused(void **state)
{
	const struct content *c = *state;
	struct report_input in = base();
	in.sector = "boat";
	assert_one(c, &in, "sector");
	in = base();
	in.frequency = "daily";
	assert_one(c, &in, "frequency");
	in = base();
	in.subject_aware = "maybe";
	assert_one(c, &in, "subject_aware");
	in = base();
	in.talked_with = "unknown";
	assert_one(c, &in, "talked_with");
	in = base();
	in.involved[0] = "police";
	in.involved[1] = "police";
	in.ninvolved = 2;
	assert_one(c, &in, "involved");
	in.involved[1] = "army";
	assert_one(c, &in, "involved");
	in = base();
	in.threats = "ja";
	assert_one(c, &in, "safety.threats");
	in = base();
	in.people[0] = (struct report_person){.role = "boss"};
	in.npeople = 1;
	assert_one(c, &in, "people[0].role");
	in = base();
	in.reporter_state = "secret";
	assert_one(c, &in, "reporter_state");
	/* Anonymous and open at once. */
	in = base();
	in.anonymous = true;
	in.contact_phone = NULL;
	in.contact_email = NULL;
	in.reporter_state = "open";
	assert_one(c, &in, "reporter_state");
	/* reporter_state anonymous alone is anonymous: no contact then. */
	in = base();
	in.reporter_state = "anonymous";
	assert_one(c, &in, "contact");
	assert_true(report_is_anonymous(&in));
	assert_string_equal(report_state_of(&in), "anonymous");
	in.contact_phone = NULL;
	in.contact_email = NULL;
	assert_valid(c, &in);
}

/* Advice asks nothing about people: identifying details are refused with
 * the people, and the details keep no person. */
static void test_advice_no_people_details(void **state)
{
	const struct content *c = *state;
	struct report_input in = base();
	in.kind = "advice";
	in.people[0] = (struct report_person){.name = "Jan"};
	in.npeople = 1;
	assert_one(c, &in, "people");
	in.npeople = 0;
	assert_valid(c, &in);
	json_t *d = NULL;
	in.npeople = 1;
	assert_int_equal(report_details_json(&in, &d), 0);
	assert_null(json_object_get(d, "people"));
	assert_string_equal(json_string_value(json_object_get(d, "reporter_state")), "open");
	json_decref(d);
	in.kind = "report";
	in.people[0].role = "victim";
	in.people[0].minor = "yes";
	in.sector = "hotel";
	assert_int_equal(report_details_json(&in, &d), 0);
	json_t *p = json_array_get(json_object_get(d, "people"), 0);
	assert_string_equal(json_string_value(json_object_get(p, "role")), "victim");
	assert_string_equal(json_string_value(json_object_get(p, "minor")), "yes");
	/* No identifying detail among what figures may read. */
	assert_null(json_object_get(p, "name"));
	assert_string_equal(json_string_value(json_object_get(d, "sector")), "hotel");
	json_decref(d);
}

/* The professional's part: only for professionals, and organisation and
 * function required once it is asked (the form asks every professional). */
static void test_professional_part(void **state)
{
	const struct content *c = *state;
	struct report_input in = base();
	in.pro_organisation = "Huisartsenpraktijk";
	assert_one(c, &in, "professional");
	in = base();
	in.reporter_role = "professional";
	assert_valid(c, &in); /* as before issue 8 */
	in.professional_asked = true;
	struct result r;
	run(c, &in, &r);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.e[0].field, "professional.organisation");
	assert_string_equal(r.e[1].field, "professional.function");
	in.pro_organisation = "Huisartsenpraktijk";
	in.pro_function = "huisarts";
	in.meldcode[0] = "signals";
	in.meldcode[1] = "consult";
	in.nmeldcode = 2;
	assert_valid(c, &in);
	in.meldcode[1] = "signals";
	assert_one(c, &in, "professional.meldcode_steps");
	in.nmeldcode = 1;
	in.reporter_state = "confidential";
	assert_valid(c, &in);
}

/* --- Value lists ------------------------------------------------------- */

static void assert_list(const char *const *list, const char *const *want, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		assert_non_null(list[i]);
		assert_string_equal(list[i], want[i]);
		assert_int_equal(report_value_index(list, want[i]), (int)i);
	}
	assert_null(list[n]);
	assert_int_equal(report_value_index(list, "nope"), -1);
	assert_int_equal(report_value_index(list, ""), -1);
	assert_int_equal(report_value_index(list, NULL), -1);
}

static void test_value_lists(void **state)
{
	static const char *const channels[] = {"web",       "phone",    "email",
	                                       "in_person", "internal", "partner"};
	static const char *const roles[] = {"victim",       "bystander", "parent", "perpetrator",
	                                    "professional", "employee",  "unknown"};
	static const char *const kinds[] = {"advice", "report"};
	static const char *const forms[] = {"sexual", "labour", "criminal", "organ_removal",
	                                    "unknown"};
	static const char *const concretes[] = {"yes", "no", "pending"};
	static const char *const statuses[] = {"received", "assessing", "investigating", "referred",
	                                       "closed"};
	static const char *const outcomes[] = {"none",
	                                       "no_action",
	                                       "referred_care",
	                                       "referred_police",
	                                       "referred_inspectorate",
	                                       "investigation_started",
	                                       "investigation_completed",
	                                       "administrative_measure"};
	static const char *const minor[] = {"yes", "no", "unknown"};
	(void)state;
	assert_list(report_channels, channels, N(channels));
	assert_list(report_roles, roles, N(roles));
	assert_list(report_kinds, kinds, N(kinds));
	assert_list(report_forms, forms, N(forms));
	assert_list(report_concretes, concretes, N(concretes));
	assert_list(report_statuses, statuses, N(statuses));
	assert_list(report_outcomes, outcomes, N(outcomes));
	assert_list(report_minor_values, minor, N(minor));
	assert_int_equal(report_value_index(report_kinds, "advice"), REPORT_ADVICE);
	assert_int_equal(report_value_index(report_kinds, "report"), REPORT_REPORT);
	assert_int_equal(report_value_index(NULL, "web"), -1);
	/* Exact match only. */
	assert_int_equal(report_value_index(report_channels, "Web"), -1);
	assert_int_equal(report_value_index(report_channels, "web "), -1);
}

/* Every role but "unknown" is a role of the content, and the other way. */
static void test_roles_match_content(void **state)
{
	const struct content *c = *state;
	for (size_t i = 0; report_roles[i]; i++)
		assert_int_equal(content_is_role(c, report_roles[i]),
		                 strcmp(report_roles[i], "unknown") != 0);
	for (size_t i = 0; report_forms[i]; i++)
		assert_int_equal(content_is_form(c, report_forms[i]),
		                 strcmp(report_forms[i], "unknown") != 0);
}

/* --- Valid input ------------------------------------------------------- */

static void test_valid_minimal(void **state)
{
	struct report_input in = base();
	assert_valid(*state, &in);
	in.contact_phone = NULL;
	in.contact_email = "iemand@example.nl";
	assert_valid(*state, &in);
	in.org = NULL; /* the page may know the organisation itself */
	assert_valid(*state, &in);
}

static void test_valid_full(void **state)
{
	struct report_input in = base();
	in.acute_danger = true;
	in.signals[0] = "labour.sleeps_at_work";
	in.signals[1] = "general.debts";
	in.nsignals = 2;
	in.forms[0] = "labour";
	in.forms[1] = "criminal";
	in.nforms = 2;
	in.district = "IJmuiden";
	in.place = "Snackbar bij de haven";
	in.when = "vorige week";
	in.contact_name = "Anna de Vries";
	in.contact_phone = "+31 6 1234 5678";
	in.contact_email = "anna@example.nl";
	in.people[0] = (struct report_person){"ongeveer 16", "yes", "jongen", "Pools", "Pools",
	                                      NULL,          NULL,  NULL,     NULL};
	in.people[1] = (struct report_person){"30", "no", NULL, NULL, NULL, NULL, NULL, NULL, NULL};
	in.people[2] = (struct report_person){NULL, "unknown", "", "", "", NULL, NULL, NULL, NULL};
	in.npeople = 3;
	assert_valid(*state, &in);
	in.channel = "web";
	assert_valid(*state, &in);
}

static void test_valid_anonymous(void **state)
{
	struct report_input in = base();
	in.anonymous = true;
	in.contact_phone = NULL;
	assert_valid(*state, &in);
	in.contact_name = "";
	in.contact_email = "";
	in.contact_phone = "";
	assert_valid(*state, &in);
}

static void test_valid_advice(void **state)
{
	struct report_input in = base();
	in.kind = "advice";
	assert_valid(*state, &in);
	in.anonymous = true;
	in.contact_phone = NULL;
	assert_valid(*state, &in);
}

static void test_every_role(void **state)
{
	for (size_t i = 0; report_roles[i]; i++) {
		struct report_input in = base();
		in.reporter_role = report_roles[i];
		if (!strcmp(report_roles[i], "unknown"))
			continue;
		assert_valid(*state, &in);
	}
}

/* --- org and channel --------------------------------------------------- */

static void test_org(void **state)
{
	struct report_input in = base();
	struct report_error e[4];
	in.org = "haarlem";
	assert_one(*state, &in, "org");
	in.org = "velsen";
	assert_int_equal(report_check(*state, NULL, &in, e, N(e)), 1);
	assert_string_equal(e[0].field, "org");
}

static void test_channel(void **state)
{
	struct report_input in = base();
	for (size_t i = 0; report_channels[i]; i++) {
		in.channel = report_channels[i];
		assert_valid(*state, &in);
	}
	in.channel = "fax";
	assert_one(*state, &in, "channel");
	in.channel = "WEB";
	assert_one(*state, &in, "channel");
}

/* --- kind -------------------------------------------------------------- */

static void test_kind(void **state)
{
	struct report_input in = base();
	in.kind = NULL;
	assert_one(*state, &in, "kind");
	in.kind = "";
	assert_one(*state, &in, "kind");
	in.kind = "question";
	assert_one(*state, &in, "kind");
	in.kind = "Report";
	assert_one(*state, &in, "kind");
}

/* --- reporter_role ----------------------------------------------------- */

static void test_role(void **state)
{
	struct report_input in = base();
	in.reporter_role = NULL;
	assert_one(*state, &in, "reporter_role");
	in.reporter_role = "";
	assert_one(*state, &in, "reporter_role");
	in.reporter_role = "mayor";
	assert_one(*state, &in, "reporter_role");
}

/* "unknown" is for staff entry only; "web" is public intake. */
static void test_role_unknown(void **state)
{
	struct report_input in = base();
	in.reporter_role = "unknown";
	assert_one(*state, &in, "reporter_role");
	in.channel = "web";
	assert_one(*state, &in, "reporter_role");
	in.channel = "";
	assert_one(*state, &in, "reporter_role");
	in.channel = "phone";
	assert_valid(*state, &in);
	in.anonymous = true;
	in.contact_phone = NULL;
	assert_valid(*state, &in);
	/* A bad channel is one error, the role then counts as staff entry. */
	in.channel = "fax";
	assert_one(*state, &in, "channel");
}

/* --- anonymity and contact --------------------------------------------- */

static void test_anonymous_with_contact(void **state)
{
	const char *m;
	struct report_input in = base();
	in.anonymous = true;
	in.contact_phone = NULL;
	in.contact_name = "Anna";
	m = assert_one(*state, &in, "contact");
	assert_string_equal(m,
	                    "Je wilt anoniem blijven. Laat je naam, telefoon en e-mail dan leeg.");
	in.contact_name = NULL;
	in.contact_phone = "06 1234 5678";
	assert_one(*state, &in, "contact");
	in.contact_phone = NULL;
	in.contact_email = "a@example.nl";
	assert_one(*state, &in, "contact");
	/* Also when what was filled in is malformed: emptying it is the fix. */
	in.contact_email = "not an address";
	assert_one(*state, &in, "contact");
	/* Staff entry too. */
	in.channel = "phone";
	assert_one(*state, &in, "contact");
}

static void test_professional_not_anonymous(void **state)
{
	static const char *const roles[] = {"professional", "employee"};
	static const char *const kinds[] = {"report", "advice"};
	for (size_t i = 0; i < N(roles); i++)
		for (size_t k = 0; k < N(kinds); k++) {
			struct report_input in = base();
			const char *m;
			in.reporter_role = roles[i];
			in.kind = kinds[k];
			in.anonymous = true;
			/* With a contact: only the anonymity is wrong. */
			m = assert_one(*state, &in, "anonymous");
			assert_non_null(strstr(m, "Meldcode"));
			assert_non_null(strstr(m, "Advies vragen zonder de namen"));
			in.contact_phone = NULL;
			in.contact_name = "Anna";
			/* Without one: they must give it once not anonymous. */
			struct result r;
			run(*state, &in, &r);
			assert_well_formed(&r);
			assert_int_equal(r.n, 2);
			assert_string_equal(r.e[0].field, "anonymous");
			assert_string_equal(r.e[1].field, "contact");
			assert_null(strstr(r.e[1].message, "anoniem"));
			in.anonymous = false;
			in.contact_email = "anna@example.nl";
			assert_valid(*state, &in);
		}
}

static void test_open_needs_contact(void **state)
{
	struct report_input in = base();
	const char *m;
	in.contact_phone = NULL;
	m = assert_one(*state, &in, "contact");
	assert_non_null(strstr(m, "anoniem"));
	in.contact_name = "Anna de Vries";
	assert_one(*state, &in, "contact");
	in.contact_phone = "";
	in.contact_email = "";
	assert_one(*state, &in, "contact");
	in.kind = "advice";
	assert_one(*state, &in, "contact");
	/* Staff entry: a name is enough, nothing is not. */
	in.channel = "in_person";
	assert_valid(*state, &in);
	in.contact_name = NULL;
	assert_one(*state, &in, "contact");
}

static void test_phone(void **state)
{
	static const char *const good[] = {
	    "0612345678", "06 1234 5678",       "+31 6 12345678",      "(023) 567-8900",
	    "123456",     "+31 (0)20-626 3800", "12345678901234567890"};
	static const char *const bad_chars[] = {"06-1234567a", "06.12.34.56.78", "06/12345678",
	                                        "tel: 0612345678", "0612345678 ext"};
	static const char *const bad_digits[] = {"12345", "+ (1) 2-3 4 5", "123456789012345678901",
	                                         "+", "()"};
	struct report_input in = base();
	for (size_t i = 0; i < N(good); i++) {
		in.contact_phone = good[i];
		assert_valid(*state, &in);
	}
	for (size_t i = 0; i < N(bad_chars); i++) {
		in.contact_phone = bad_chars[i];
		assert_non_null(
		    strstr(assert_one(*state, &in, "contact.phone"), "cijfers, spaties"));
	}
	for (size_t i = 0; i < N(bad_digits); i++) {
		in.contact_phone = bad_digits[i];
		assert_non_null(strstr(assert_one(*state, &in, "contact.phone"), "6 tot 20"));
	}
	in.contact_phone = "06\n12345678";
	assert_one(*state, &in, "contact.phone");
}

static void test_email(void **state)
{
	static const char *const good[] = {"a@b.nl", "anna.de.vries+meld@example.co.uk",
	                                   "jürgen@müller.de", "A_B@Sub.Example.NL"};
	static const char *const bad[] = {"",
	                                  "anna",
	                                  "anna@",
	                                  "@example.nl",
	                                  "anna@example",
	                                  "anna@.nl",
	                                  "anna@example.",
	                                  "anna@@example.nl",
	                                  "anna@ex@ample.nl",
	                                  "anna @example.nl",
	                                  "anna@example.nl ",
	                                  "anna@exa\tmple.nl",
	                                  "a@b.nl, c@d.nl"};
	struct report_input in = base();
	in.contact_phone = NULL;
	for (size_t i = 0; i < N(good); i++) {
		in.contact_email = good[i];
		assert_valid(*state, &in);
	}
	for (size_t i = 1; i < N(bad); i++) {
		struct result r;
		in.contact_email = bad[i];
		run(*state, &in, &r);
		assert_well_formed(&r);
		/* Only the address itself: a malformed one is still given. */
		assert_int_equal(r.n, 1);
		assert_string_equal(r.e[0].field, "contact.email");
		in.contact_phone = "0612345678";
		assert_one(*state, &in, "contact.email");
		in.contact_phone = NULL;
	}
}

/* --- description ------------------------------------------------------- */

static void test_description_required(void **state)
{
	struct report_input in = base();
	in.description = NULL;
	assert_one(*state, &in, "description");
	in.description = "";
	assert_one(*state, &in, "description");
	in.description = " \n\r\n\t ";
	assert_one(*state, &in, "description");
	in.description = "x";
	assert_valid(*state, &in);
}

static void test_description_length(void **state)
{
	struct report_input in = base();
	char *s = repeat('a', REPORT_MAX_DESCRIPTION + 1);
	in.description = s + 1; /* exactly the maximum */
	assert_valid(*state, &in);
	in.description = s;
	assert_one(*state, &in, "description");
	free(s);
}

/* Characters count, as the person typing counts them (contract: 1-10000
 * characters): accented letters and emoji are one each, CR LF is one. */
static void test_description_counts_characters(void **state)
{
	struct report_input in = base();
	struct {
		const char *unit; /* one character */
		size_t bytes;
	} cases[] = {{"\xc3\xa9", 2}, {"\xe2\x82\xac", 3}, {"\xf0\x9f\x98\x80", 4}, {"\r\n", 2}};
	for (size_t c = 0; c < N(cases); c++) {
		size_t ub = cases[c].bytes;
		char *s = malloc((REPORT_MAX_DESCRIPTION + 1) * ub + 2);
		assert_non_null(s);
		s[0] = 'x'; /* not only blank */
		for (size_t i = 0; i < REPORT_MAX_DESCRIPTION; i++)
			memcpy(s + 1 + i * ub, cases[c].unit, ub);
		/* x and 9999 units: the maximum */
		s[1 + (REPORT_MAX_DESCRIPTION - 1) * ub] = '\0';
		in.description = s;
		assert_valid(*state, &in);
		/* x and 10000 units: one too many */
		memcpy(s + 1 + (REPORT_MAX_DESCRIPTION - 1) * ub, cases[c].unit, ub);
		s[1 + REPORT_MAX_DESCRIPTION * ub] = '\0';
		assert_one(*state, &in, "description");
		free(s);
	}
}

static void test_description_text(void **state)
{
	static const char *const good[] = {"regel een\nregel twee", "regel een\r\nregel twee",
	                                   "kolom\tkolom", "Zoë zag één café — 😀"};
	static const char *const bad[] = {"nul\x01byte",
	                                  "escape \x1b[31m",
	                                  "del \x7f",
	                                  "c1 \xc2\x85 next line",
	                                  "bad \xff byte",
	                                  "half \xc3",
	                                  "overlong \xc0\xaf",
	                                  "surrogate \xed\xa0\x80",
	                                  "too big \xf4\x90\x80\x80",
	                                  "bell\a",
	                                  "form\ffeed",
	                                  "lone \x80"};
	struct report_input in = base();
	for (size_t i = 0; i < N(good); i++) {
		in.description = good[i];
		assert_valid(*state, &in);
	}
	for (size_t i = 0; i < N(bad); i++) {
		in.description = bad[i];
		assert_one(*state, &in, "description");
	}
}

/* --- short texts ------------------------------------------------------- */

static void check_short_field(const struct content *c, struct report_input *in, const char *field,
                              const char **slot)
{
	char *s = repeat('b', REPORT_MAX_SHORT_TEXT + 1);
	*slot = s + 1; /* exactly the maximum */
	assert_valid(c, in);
	*slot = s;
	assert_one(c, in, field);
	*slot = "twee\nregels";
	assert_string_equal(assert_one(c, in, field), "Schrijf dit op één regel.");
	*slot = "twee\r\nregels";
	assert_one(c, in, field);
	*slot = "ctrl\x02";
	assert_one(c, in, field);
	*slot = "bad \xfe";
	assert_one(c, in, field);
	*slot = "c1 \xc2\x9b";
	assert_one(c, in, field);
	*slot = "met\ttab";
	assert_valid(c, in);
	*slot = "";
	assert_valid(c, in);
	*slot = NULL;
	free(s);
}

static void test_short_texts(void **state)
{
	struct report_input in = base();
	check_short_field(*state, &in, "place", &in.place);
	check_short_field(*state, &in, "when", &in.when);
	check_short_field(*state, &in, "contact.name", &in.contact_name);
}

static void test_short_text_boundary_contact(void **state)
{
	struct report_input in = base();
	char email[REPORT_MAX_SHORT_TEXT + 2];
	memset(email, 'a', sizeof(email));
	memcpy(email + REPORT_MAX_SHORT_TEXT + 1 - 8, "@mail.nl", 9);
	in.contact_email = email + 1; /* exactly the maximum */
	assert_int_equal(strlen(in.contact_email), REPORT_MAX_SHORT_TEXT);
	assert_valid(*state, &in);
	in.contact_email = email;
	assert_non_null(strstr(assert_one(*state, &in, "contact.email"), "te lang"));
	/* A phone over the length limit gets the length message. */
	in.contact_email = NULL;
	char *p = repeat(' ', REPORT_MAX_SHORT_TEXT + 1);
	memcpy(p, "0612345678", 10);
	in.contact_phone = p + 1;
	assert_valid(*state, &in);
	in.contact_phone = p;
	assert_non_null(strstr(assert_one(*state, &in, "contact.phone"), "te lang"));
	free(p);
}

/* --- characters that reverse, hide or stand for lost bytes (issue 6) ---- */

#define RLO  "\xE2\x80\xAE" /* right-to-left override */
#define LRE  "\xE2\x80\xAA"
#define PDF  "\xE2\x80\xAC"
#define RLI  "\xE2\x81\xA7"
#define PDI  "\xE2\x81\xA9"
#define BOM  "\xEF\xBB\xBF"
#define FFFD "\xEF\xBF\xBD"

/* In every text of a report: each hidden formatting character is refused
 * by report_check() as it is, and report_text_ready() removes it; U+FFFD
 * and a lone CR are refused, ready or not. */
static void test_hidden_and_damaged_text(void **state)
{
	struct report_input in = base();
	in.people[0].minor = "no";
	in.npeople = 1;
	struct {
		const char *field;
		const char **slot;
		const char *plain;  /* valid, with the hidden characters in it removed */
		const char *hidden; /* shows reversed or hides a part */
	} cases[] = {
	    {"description", &in.description, "Hij zei: ik betaal niet.",
	     "Hij zei: " RLO "ik betaal niet." PDF},
	    {"description", &in.description, "x", BOM "x"},
	    {"place", &in.place, "Loods 7", "Loods " LRE "7" PDF},
	    {"when", &in.when, "gisteren", RLI "gisteren" PDI},
	    {"contact.name", &in.contact_name, "Sam", "S" BOM "am"},
	    {"contact.phone", &in.contact_phone, "0612345678", "06" RLO "12345678"},
	    {"contact.email", &in.contact_email, "sam@ln.dleebroov", "sam@" RLO "ln.dleebroov"},
	    {"people[0].age", &in.people[0].age, "ongeveer 03", "ongeveer " RLO "03"},
	    {"people[0].gender", &in.people[0].gender, "man", BOM "man"},
	    {"people[0].nationality", &in.people[0].nationality, "Syrisch", PDI "Syrisch"},
	    {"people[0].language", &in.people[0].language, "Arabisch", "Arabisch" PDF},
	};
	for (size_t i = 0; i < N(cases); i++) {
		const char *keep = *cases[i].slot;
		*cases[i].slot = cases[i].hidden;
		assert_one(*state, &in, cases[i].field);
		char buf[128];
		snprintf(buf, sizeof buf, "%s", cases[i].hidden);
		size_t n = report_text_ready(buf, strlen(buf));
		assert_int_equal(n, strlen(buf));
		*cases[i].slot = buf;
		assert_string_equal(buf, cases[i].plain);
		assert_valid(*state, &in);
		/* U+FFFD is what the form shows for bytes that were not UTF-8. */
		snprintf(buf, sizeof buf, "%s" FFFD, cases[i].plain);
		n = report_text_ready(buf, strlen(buf));
		assert_one(*state, &in, cases[i].field);
		snprintf(buf, sizeof buf, "%s\xFF", cases[i].plain);
		const char *msg = assert_one(*state, &in, cases[i].field);
		if (strcmp(cases[i].field, "contact.phone") &&
		    strcmp(cases[i].field, "contact.email"))
			assert_non_null(strstr(msg, "tekens die we niet kunnen lezen"));
		*cases[i].slot = keep;
	}
	/* A lone CR is no line break: refused; CR LF and LF are. */
	in.description = "regel een\rregel twee";
	assert_one(*state, &in, "description");
	in.description = "regel een\r";
	assert_one(*state, &in, "description");
	in.description = "regel een\r\nregel twee\nregel drie";
	assert_valid(*state, &in);
	/* Only hidden characters: empty once readied. */
	char only[] = RLO BOM PDI;
	assert_int_equal(report_text_ready(only, strlen(only)), 0);
	in.description = only;
	assert_one(*state, &in, "description");
}

/* A follow-up message: readied like a report's text, CR LF as LF, and the
 * same refusals. */
static void test_message_hidden_and_damaged(void **state)
{
	(void)state;
	char *out = NULL;
	const char *m = "Hij " RLO "kwam terug\r\nmet een busje." BOM;
	assert_null(report_message_check(m, strlen(m), &out));
	assert_non_null(out);
	assert_string_equal(out, "Hij kwam terug\nmet een busje.");
	free(out);
	/* Removed first: what is left between CR and LF is a line break. */
	m = "een\r" RLO "\ntwee";
	assert_null(report_message_check(m, strlen(m), &out));
	assert_string_equal(out, "een\ntwee");
	free(out);
	static const char *const bad[] = {"een\rtwee", "stuk " FFFD, "stuk \xFF", RLO PDF};
	for (size_t i = 0; i < N(bad); i++) {
		out = (char *)1;
		assert_non_null(report_message_check(bad[i], strlen(bad[i]), &out));
		assert_null(out);
	}
}

/* --- signals ----------------------------------------------------------- */

static void test_signals_every_code(void **state)
{
	const json_t *list = content_signals(*state, "nl");
	struct report_input in = base();
	json_t *s;
	size_t i;
	assert_true(json_array_size(list) <= REPORT_MAX_SIGNALS);
	json_array_foreach(list, i, s)
	{
		in.signals[i] = json_string_value(json_object_get(s, "code"));
	}
	in.nsignals = json_array_size(list);
	assert_valid(*state, &in);
}

static void test_signals_unknown(void **state)
{
	struct report_input in = base();
	in.signals[0] = "labour.low_pay";
	in.signals[1] = "labour.unknown_signal";
	in.nsignals = 2;
	assert_one(*state, &in, "signals");
	in.signals[1] = "labour";
	assert_one(*state, &in, "signals");
	in.signals[1] = "";
	assert_one(*state, &in, "signals");
	in.signals[1] = NULL;
	assert_one(*state, &in, "signals");
	/* Two bad ones are one error on the field. */
	in.signals[0] = "x";
	in.signals[1] = "y";
	assert_one(*state, &in, "signals");
}

static void test_signals_duplicate(void **state)
{
	struct report_input in = base();
	in.signals[0] = "labour.low_pay";
	in.signals[1] = "general.debts";
	in.signals[2] = "labour.low_pay";
	in.nsignals = 3;
	assert_one(*state, &in, "signals");
}

static void test_signals_too_many(void **state)
{
	struct report_input in = base();
	in.nsignals = REPORT_MAX_SIGNALS + 1; /* the caller got more than fit */
	assert_one(*state, &in, "signals");
	in.nsignals = 0;
	assert_valid(*state, &in);
}

/* --- forms ------------------------------------------------------------- */

static void test_forms(void **state)
{
	struct report_input in = base();
	for (size_t i = 0; report_forms[i]; i++) {
		in.forms[0] = report_forms[i];
		in.nforms = 1;
		assert_valid(*state, &in);
	}
	in.forms[0] = "sexual";
	in.forms[1] = "labour";
	in.forms[2] = "criminal";
	in.forms[3] = "organ_removal";
	in.nforms = 4;
	assert_valid(*state, &in);
	in.forms[3] = "smuggling";
	assert_one(*state, &in, "forms");
	in.forms[3] = "";
	assert_one(*state, &in, "forms");
	in.forms[3] = NULL;
	assert_one(*state, &in, "forms");
	in.forms[3] = "labour";
	assert_one(*state, &in, "forms");
	in.forms[3] = "unknown";
	assert_non_null(strstr(assert_one(*state, &in, "forms"), "weet ik niet"));
	in.forms[0] = "unknown";
	in.forms[1] = "sexual";
	in.nforms = 2;
	assert_one(*state, &in, "forms");
	in.forms[1] = "unknown";
	assert_one(*state, &in, "forms");
	in.nforms = REPORT_MAX_FORMS + 1;
	assert_one(*state, &in, "forms");
}

/* --- district and place ------------------------------------------------ */

static void test_district(void **state)
{
	struct report_input in = base();
	for (size_t i = 0; i < N(velsen_districts); i++) {
		in.district = velsen_districts[i];
		assert_valid(*state, &in);
	}
	in.district = "";
	assert_valid(*state, &in);
	in.district = "Haarlem";
	assert_one(*state, &in, "district");
	in.district = "ijmuiden"; /* exact match only */
	assert_one(*state, &in, "district");
	in.district = "IJmuiden ";
	assert_one(*state, &in, "district");
	/* A place instead of a district is fine. */
	in.district = NULL;
	in.place = "Haarlem, bij het station";
	assert_valid(*state, &in);
}

static void test_district_org_without_districts(void **state)
{
	struct report_org none = {"nieuw", NULL, 0};
	struct report_input in = base();
	struct report_error e[2];
	in.org = "nieuw";
	assert_int_equal(report_check(*state, &none, &in, e, N(e)), 0);
	in.district = "IJmuiden";
	assert_int_equal(report_check(*state, &none, &in, e, N(e)), 1);
	assert_string_equal(e[0].field, "district");
}

/* --- people ------------------------------------------------------------ */

static void test_advice_without_people(void **state)
{
	struct report_input in = base();
	in.kind = "advice";
	in.people[0].age = "16";
	in.npeople = 1;
	assert_string_equal(assert_one(*state, &in, "people"),
	                    "Bij een adviesvraag vragen we niets over de mensen om wie het gaat.");
	/* Not also the person's own problems. */
	in.people[0].minor = "maybe";
	in.people[1].age = "twee\nregels";
	in.npeople = 2;
	assert_one(*state, &in, "people");
	in.npeople = REPORT_MAX_PEOPLE + 1;
	assert_one(*state, &in, "people");
	in.npeople = 0;
	assert_valid(*state, &in);
}

static void test_people_minor(void **state)
{
	struct report_input in = base();
	in.npeople = 2;
	for (size_t i = 0; report_minor_values[i]; i++) {
		in.people[1].minor = report_minor_values[i];
		assert_valid(*state, &in);
	}
	in.people[1].minor = "";
	assert_valid(*state, &in);
	in.people[1].minor = "maybe";
	assert_string_equal(assert_one(*state, &in, "people[1].minor"),
	                    "Kies ja, nee of weet ik niet.");
	in.people[1].minor = "Yes";
	assert_one(*state, &in, "people[1].minor");
}

static void test_people_fields(void **state)
{
	struct report_input in = base();
	in.npeople = REPORT_MAX_PEOPLE;
	check_short_field(*state, &in, "people[0].age", &in.people[0].age);
	check_short_field(*state, &in, "people[4].gender", &in.people[4].gender);
	check_short_field(*state, &in, "people[2].nationality", &in.people[2].nationality);
	check_short_field(*state, &in, "people[3].language", &in.people[3].language);
}

static void test_people_too_many(void **state)
{
	struct report_input in = base();
	in.npeople = REPORT_MAX_PEOPLE + 1;
	assert_one(*state, &in, "people");
}

/* --- several errors ---------------------------------------------------- */

static void test_several_errors(void **state)
{
	static const char *const fields[] = {"kind",    "reporter_role", "description",
	                                     "signals", "forms",         "district",
	                                     "place",   "when",          "contact.email"};
	struct report_input in = {0};
	struct report_error e[MAXERR];
	char *longtext = repeat('c', REPORT_MAX_SHORT_TEXT + 1);
	size_t n;

	in.kind = "x";
	in.reporter_role = "x";
	in.description = "";
	in.signals[0] = "x";
	in.nsignals = 1;
	in.forms[0] = "x";
	in.nforms = 1;
	in.district = "x";
	in.place = longtext;
	in.when = longtext;
	in.contact_email = "x";
	n = report_check(*state, &velsen, &in, e, N(e));
	assert_int_equal(n, N(fields));
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(e[i].field, fields[i]);
		assert_true(strlen(e[i].message) > 0);
	}
	/* Fewer slots: all are counted, only the first are written. */
	memset(e, 0, sizeof(e));
	assert_int_equal(report_check(*state, &velsen, &in, e, 2), N(fields));
	assert_string_equal(e[1].field, "reporter_role");
	assert_null(e[2].field);
	assert_int_equal(report_check(*state, &velsen, &in, NULL, 0), N(fields));
	free(longtext);
}

/* Every message is a whole Dutch sentence: a capital first, a full stop. */
static void test_messages(void **state)
{
	struct report_input in = {0};
	struct report_error e[MAXERR];
	size_t n;
	in.kind = "advice";
	in.reporter_role = "professional";
	in.anonymous = true;
	in.npeople = 1;
	in.description = "\x01";
	n = report_check(*state, &velsen, &in, e, N(e));
	assert_true(n >= 4);
	for (size_t i = 0; i < n; i++) {
		const char *m = e[i].message;
		assert_true(m[0] >= 'A' && m[0] <= 'Z');
		assert_int_equal(m[strlen(m) - 1], '.');
	}
	assert_int_equal(report_check(*state, &velsen, NULL, e, N(e)), 1);
}

/* Messages that name a limit name the one in limits.h. */
static void test_messages_match_limits(void **state)
{
	struct report_input in = base();
	char want[32], *s = repeat('d', REPORT_MAX_DESCRIPTION + 1);
	const char *m;

	in.place = s + REPORT_MAX_DESCRIPTION - REPORT_MAX_SHORT_TEXT; /* max + 1 */
	snprintf(want, sizeof(want), "hoogstens %u tekens", REPORT_MAX_SHORT_TEXT);
	assert_non_null(strstr(assert_one(*state, &in, "place"), want));
	in.place = NULL;
	in.description = s;
	m = assert_one(*state, &in, "description");
	snprintf(want, sizeof(want), "hoogstens %u.%03u tekens", REPORT_MAX_DESCRIPTION / 1000,
	         REPORT_MAX_DESCRIPTION % 1000);
	assert_non_null(strstr(m, want));
	in.description = "x";
	in.npeople = REPORT_MAX_PEOPLE + 1;
	snprintf(want, sizeof(want), "hoogstens %u mensen", REPORT_MAX_PEOPLE);
	assert_non_null(strstr(assert_one(*state, &in, "people"), want));
	free(s);
}

/* --- suggestion -------------------------------------------------------- */

static json_t *suggest(const struct content *c, const char *const *sigs, size_t n)
{
	json_t *out = NULL;
	assert_int_equal(report_suggest(c, sigs, n, &out), 0);
	assert_true(json_is_array(out));
	return out;
}

static void assert_item(const json_t *out, size_t i, const char *form, const char *const *sigs,
                        size_t n)
{
	const json_t *item = json_array_get(out, i);
	const json_t *list = json_object_get(item, "signals");
	assert_non_null(item);
	assert_int_equal(json_object_size(item), 2);
	assert_string_equal(json_string_value(json_object_get(item, "form")), form);
	assert_int_equal(json_array_size(list), n);
	for (size_t k = 0; k < n; k++)
		assert_string_equal(json_string_value(json_array_get(list, k)), sigs[k]);
}

static void test_suggest_empty(void **state)
{
	/* Since issue 8 every shipped signal is named by some rule (falling
	 * school results also point to sexual exploitation). */
	static const char *const none[] = {"general.no_such_signal", "labour.unknown_signal"};
	json_t *out = suggest(*state, NULL, 0);
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);
	/* A signal no rule names suggests nothing: never invent. */
	out = suggest(*state, none, N(none));
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);
}

static void test_suggest_one_form(void **state)
{
	static const char *const sigs[] = {"labour.low_pay", "labour.sleeps_at_work"};
	json_t *out = suggest(*state, sigs, N(sigs));
	assert_int_equal(json_array_size(out), 1);
	assert_item(out, 0, "labour", sigs, 2);
	json_decref(out);
}

static void test_suggest_order(void **state)
{
	static const char *const sigs[] = {"youth.picked_up", "criminal.money_mule",
	                                   "labour.low_pay", "general.debts"};
	static const char *const crim[] = {"youth.picked_up", "criminal.money_mule",
	                                   "general.debts"};
	static const char *const lab[] = {"labour.low_pay", "general.debts"};
	static const char *const sex[] = {"youth.picked_up"};
	json_t *out = suggest(*state, sigs, N(sigs));
	/* criminal 3, labour 2, then sexual 1; debts no longer suggest organ
	 * removal (only its own signals do, issue 8). */
	assert_int_equal(json_array_size(out), 3);
	assert_item(out, 0, "criminal", crim, N(crim));
	assert_item(out, 1, "labour", lab, N(lab));
	assert_item(out, 2, "sexual", sex, N(sex));
	for (size_t i = 0; i < json_array_size(out); i++)
		assert_string_not_equal(
		    json_string_value(json_object_get(json_array_get(out, i), "form")),
		    "organ_removal");
	json_decref(out);
}

static void test_suggest_ties_in_form_order(void **state)
{
	static const char *const sigs[] = {"organ_removal.scars", "criminal.recruiting",
	                                   "labour.low_pay", "sexual.online"};
	static const char *const order[] = {"sexual", "labour", "criminal", "organ_removal"};
	json_t *out = suggest(*state, sigs, N(sigs));
	assert_int_equal(json_array_size(out), 4);
	for (size_t i = 0; i < N(order); i++)
		assert_string_equal(
		    json_string_value(json_object_get(json_array_get(out, i), "form")), order[i]);
	json_decref(out);
}

static void test_suggest_general_several_forms(void **state)
{
	static const char *const sigs[] = {"general.debts"};
	static const char *const forms[] = {"labour", "criminal"};
	json_t *out = suggest(*state, sigs, N(sigs));
	assert_int_equal(json_array_size(out), N(forms));
	for (size_t i = 0; i < N(forms); i++)
		assert_item(out, i, forms[i], sigs, 1);
	json_decref(out);
}

static void test_suggest_duplicates_and_unknown(void **state)
{
	static const char *const sigs[] = {"labour.low_pay", "nope.nope", "labour.low_pay", NULL,
	                                   "sexual.online"};
	static const char *const lab[] = {"labour.low_pay"};
	static const char *const sex[] = {"sexual.online"};
	json_t *out = suggest(*state, sigs, N(sigs));
	assert_int_equal(json_array_size(out), 2);
	assert_item(out, 0, "sexual", sex, 1);
	assert_item(out, 1, "labour", lab, 1);
	json_decref(out);
}

static bool rule_names(const struct content *c, const char *form, const char *sig)
{
	json_t *r, *s;
	size_t i, k;
	json_array_foreach(content_rules(c), i, r)
	{
		if (strcmp(json_string_value(json_object_get(r, "form")), form))
			continue;
		json_array_foreach(json_object_get(r, "signals"), k, s)
		{
			if (!strcmp(json_string_value(s), sig))
				return true;
		}
	}
	return false;
}

/* For every signal alone: the forms suggested are exactly those whose rule
 * names it, each resting on that one signal. */
static void test_suggest_every_signal(void **state)
{
	const struct content *c = *state;
	json_t *s;
	size_t i;
	json_array_foreach(content_signals(c, "nl"), i, s)
	{
		const char *code = json_string_value(json_object_get(s, "code"));
		json_t *out = suggest(c, &code, 1), *item;
		size_t k, want = 0;
		for (size_t f = 0; report_forms[f]; f++)
			want += rule_names(c, report_forms[f], code);
		assert_int_equal(json_array_size(out), want);
		json_array_foreach(out, k, item)
		{
			const char *form = json_string_value(json_object_get(item, "form"));
			assert_true(rule_names(c, form, code));
			assert_item(out, k, form, &code, 1);
		}
		json_decref(out);
		/* Every form signal points at least to its own form. */
		const char *own = json_string_value(json_object_get(s, "form"));
		if (strcmp(own, "general") && strcmp(own, "youth"))
			assert_true(rule_names(c, own, code));
	}
}

static void test_suggest_bad_input(void **state)
{
	const char *sigs[REPORT_MAX_SIGNALS + 1] = {0};
	json_t *out = (json_t *)1;
	assert_int_equal(report_suggest(*state, sigs, N(sigs), &out), -EINVAL);
	assert_null(out);
	assert_int_equal(report_suggest(*state, NULL, 1, &out), -EINVAL);
	assert_int_equal(report_suggest(NULL, sigs, 0, &out), -EINVAL);
	assert_int_equal(report_suggest(*state, sigs, 0, NULL), -EINVAL);
	/* Exactly the maximum is fine. */
	for (size_t i = 0; i < REPORT_MAX_SIGNALS; i++)
		sigs[i] = "labour.low_pay";
	assert_int_equal(report_suggest(*state, sigs, REPORT_MAX_SIGNALS, &out), 0);
	assert_int_equal(json_array_size(out), 1);
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_value_lists),
	    cmocka_unit_test(test_roles_match_content),
	    cmocka_unit_test(test_valid_minimal),
	    cmocka_unit_test(test_new_fields_valid),
	    cmocka_unit_test(test_new_fields_refused),
	    cmocka_unit_test(test_advice_no_people_details),
	    cmocka_unit_test(test_professional_part),
	    cmocka_unit_test(test_valid_full),
	    cmocka_unit_test(test_valid_anonymous),
	    cmocka_unit_test(test_valid_advice),
	    cmocka_unit_test(test_every_role),
	    cmocka_unit_test(test_org),
	    cmocka_unit_test(test_channel),
	    cmocka_unit_test(test_kind),
	    cmocka_unit_test(test_role),
	    cmocka_unit_test(test_role_unknown),
	    cmocka_unit_test(test_anonymous_with_contact),
	    cmocka_unit_test(test_professional_not_anonymous),
	    cmocka_unit_test(test_open_needs_contact),
	    cmocka_unit_test(test_phone),
	    cmocka_unit_test(test_email),
	    cmocka_unit_test(test_description_required),
	    cmocka_unit_test(test_description_length),
	    cmocka_unit_test(test_description_counts_characters),
	    cmocka_unit_test(test_description_text),
	    cmocka_unit_test(test_short_texts),
	    cmocka_unit_test(test_short_text_boundary_contact),
	    cmocka_unit_test(test_signals_every_code),
	    cmocka_unit_test(test_signals_unknown),
	    cmocka_unit_test(test_signals_duplicate),
	    cmocka_unit_test(test_signals_too_many),
	    cmocka_unit_test(test_forms),
	    cmocka_unit_test(test_district),
	    cmocka_unit_test(test_district_org_without_districts),
	    cmocka_unit_test(test_advice_without_people),
	    cmocka_unit_test(test_people_minor),
	    cmocka_unit_test(test_people_fields),
	    cmocka_unit_test(test_people_too_many),
	    cmocka_unit_test(test_several_errors),
	    cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_messages_match_limits),
	    cmocka_unit_test(test_suggest_empty),
	    cmocka_unit_test(test_suggest_one_form),
	    cmocka_unit_test(test_suggest_order),
	    cmocka_unit_test(test_suggest_ties_in_form_order),
	    cmocka_unit_test(test_suggest_general_several_forms),
	    cmocka_unit_test(test_suggest_duplicates_and_unknown),
	    cmocka_unit_test(test_suggest_every_signal),
	    cmocka_unit_test(test_suggest_bad_input),
	    cmocka_unit_test(test_hidden_and_damaged_text),
	    cmocka_unit_test(test_message_hidden_and_damaged),
	};
	return cmocka_run_group_tests_name("report", tests, content_setup, content_teardown);
}
