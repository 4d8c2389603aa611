/* staff_reports: the inbox (/staf/meldingen) and the report view
 * (/staf/meldingen/ID) of the staff workspace.
 *
 * Owns turning the lists and reports of site/staffread.h into pages:
 * the filters as a GET form (works without JavaScript), keyset paging by
 * the list's cursor, codes shown as words of the request's language,
 * signals grouped per form with the suggestion and the signals it rests
 * on, the reporter's answers of issue 8 in the form's own words
 * (pages/answers.h), the history in words (who, when, what). Access is
 * the route policy's (intake, handler, care); what each
 * role reads and the audit entry of a view are staffread's. The reporter's
 * words reach the template as data and are escaped there, never HTML. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "content/content.h"
#include "limits.h"
#include "domain/accounts.h"
#include "domain/report.h"
#include "pages/answers.h"
#include "pages/formkit.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "site/staffread.h"
#include "util/buf.h"
#include "util/i18n.h"

/* The words of the closed lists (contract codes). */
static const struct {
	const char *code, *label;
} words[] = {
    {"received", N_("Ontvangen")},
    {"assessing", N_("Wordt beoordeeld")},
    {"investigating", N_("In onderzoek")},
    {"referred", N_("Doorverwezen")},
    {"closed", N_("Afgesloten")},
    {"advice", N_("Advies")},
    {"report", N_("Melding")},
    {"web", N_("Website")},
    {"phone", N_("Telefoon")},
    {"email", N_("E-mail")},
    {"in_person", N_("Persoonlijk")},
    {"internal", N_("Intern")},
    {"partner", N_("Partner")},
    {"victim", N_("Slachtoffer")},
    {"bystander", N_("Omstander")},
    {"parent", N_("Ouder")},
    {"perpetrator", N_("Zelf betrokken")},
    {"professional", N_("Professional")},
    {"employee", N_("Medewerker gemeente")},
    {"unknown", N_("Onbekend")},
    {"pending", N_("Nog niet bepaald")},
    {"yes", N_("Ja")},
    {"no", N_("Nee")},
    {"none", N_("Nog geen")},
    {"no_action", N_("Geen actie")},
    {"referred_care", N_("Naar zorg")},
    {"referred_police", N_("Naar politie")},
    {"referred_inspectorate", N_("Naar Arbeidsinspectie")},
    {"investigation_started", N_("Onderzoek gestart")},
    {"investigation_completed", N_("Onderzoek afgerond")},
    {"administrative_measure", N_("Bestuurlijke maatregel")},
    {"reporter", N_("Melder")},
    {"handler", N_("Behandelaar")},
};

static const char *word(const struct req *req, const char *code)
{
	for (size_t i = 0; code && i < sizeof words / sizeof words[0]; i++)
		if (strcmp(words[i].code, code) == 0)
			return page_tr(req, words[i].label);
	return code ? code : "";
}

/* The name of form code in the request's language. */
static const char *form_name(const struct req *req, const char *code)
{
	if (code && strcmp(code, "unknown") == 0)
		return page_tr(req, _("Weet ik niet"));
	const json_t *f = content_form(req->site->content, req->lang, code);
	const char *n = json_string_value(json_object_get(f, "name"));
	return n ? n : code;
}

static const char *signal_text(const struct req *req, const char *code)
{
	size_t i;
	json_t *s;
	json_array_foreach(content_signals(req->site->content, req->lang), i, s)
	{
		if (strcmp(json_string_value(json_object_get(s, "code")), code) == 0)
			return json_string_value(json_object_get(s, "text"));
	}
	return code;
}

/* Replaces each code of key in o by {"code", "label"} words. */
static bool label(const struct req *req, json_t *o, const char *key)
{
	const char *c = json_string_value(json_object_get(o, key));
	char lk[64];
	snprintf(lk, sizeof lk, "%s_label", key);
	return !c || fk_put(o, lk, json_string(word(req, c)));
}

static bool label_forms(const struct req *req, json_t *o, const char *key)
{
	json_t *list = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(o, key), i, x)
	{
		if (!fk_append(list, json_string(form_name(req, json_string_value(x))))) {
			json_decref(list);
			return false;
		}
	}
	char lk[64];
	snprintf(lk, sizeof lk, "%s_names", key);
	return fk_put(o, lk, list);
}

/* A person's role and minor in the words of the report form
 * (pages/answers.h): role_label and minor_label. */
static bool label_person(const struct req *req, json_t *person)
{
	static const struct {
		const char *key, *label_key;
		const struct answer_opt *opts;
	} keys[] = {{"role", "role_label", answer_person_role},
	            {"minor", "minor_label", answer_ynu}};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *c = json_string_value(json_object_get(person, keys[i].key));
		if (!c)
			continue;
		const char *l = answer_label(keys[i].opts, c);
		if (!fk_put(person, keys[i].label_key, json_string(l ? page_tr(req, l) : c)))
			return false;
	}
	return true;
}

static const char *tr_req(void *ctx, const char *msgid)
{
	return page_tr(ctx, msgid);
}

/* The reporter's answers of issue 8 that are no personal data (the
 * report's details) as a definition list in the form's words:
 * answers[] = (term, values[]). Each person's role and minor only when
 * the people are not listed already (with the personal fields). */
static bool put_answers(const struct req *req, json_t *v)
{
	json_t *list = json_array();
	bool people = json_array_size(json_object_get(v, "people")) == 0;
	if (!list || !answer_details_list(json_object_get(v, "details"), people, tr_req,
	                                  (void *)req, list)) {
		json_decref(list);
		return false;
	}
	return fk_put(v, "has_answers", json_boolean(json_array_size(list) > 0)) &&
	       fk_put(v, "answers", list);
}

static bool label_row(const struct req *req, json_t *r)
{
	return label(req, r, "status") && label(req, r, "kind") && label(req, r, "channel") &&
	       label(req, r, "reporter_role") && label(req, r, "concrete") &&
	       label(req, r, "outcome") && label_forms(req, r, "forms") &&
	       label_forms(req, r, "suggested_forms");
}

/* The options of a filter: codes with words, the chosen one marked. */
static json_t *options(const struct req *req, const char *const *codes, const char *chosen,
                       bool forms)
{
	json_t *a = json_array();
	for (size_t i = 0; a && codes[i]; i++) {
		const char *l = forms ? form_name(req, codes[i]) : word(req, codes[i]);
		if (!fk_append(a, json_pack("{s:s, s:s, s:b}", "code", codes[i], "label", l,
		                            "selected", chosen && strcmp(chosen, codes[i]) == 0)))
			return NULL;
	}
	return a;
}

static json_t *district_options(const struct req *req, const char *chosen)
{
	const struct org *o = site_org_find(req->site, req->principal->org);
	json_t *a = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(o ? o->districts : NULL, i, d)
	{
		const char *n = json_string_value(d);
		if (!fk_append(a, json_pack("{s:s, s:s, s:b}", "code", n, "label", n, "selected",
		                            chosen && strcmp(chosen, n) == 0)))
			return NULL;
	}
	return a;
}

/* The query string of the filters (for the next page's link), escaped
 * for a URL; the template escapes it again for the attribute. */
static int filter_qs(const struct inbox_query *q, struct buf *out)
{
	const char *names[] = {"status", "form", "district", "overdue"};
	const char *vals[] = {q->status, q->form, q->district, q->overdue};
	int rc = 0;
	for (size_t i = 0; !rc && i < 4; i++)
		rc = fk_query_add(out, names[i], vals[i]);
	/* The template appends "after=" to it. */
	return rc || !out->len ? rc : buf_puts(out, "&");
}

int page_staff_inbox(struct req *req, struct resp *resp)
{
	struct inbox_query q = {.status = req_query(req, "status"),
	                        .form = req_query(req, "form"),
	                        .district = req_query(req, "district"),
	                        .overdue = req_query(req, "overdue"),
	                        .after = req_query(req, "after"),
	                        .limit = "50"};
	json_t *list = NULL;
	struct inbox_error err = {0};
	int rc = staffread_inbox(req->site, req->principal, &q, &list, &err);
	int status = 200;
	json_t *d = json_object();
	if (!d)
		rc = -ENOMEM;
	if (rc == INBOX_BAD_QUERY) {
		/* The filter that cannot be used is named; the list starts over
		 * without it. */
		status = 400;
		fk_put(d, "alert", json_string(page_tr(req, err.message)));
		rc = 0;
	} else if (rc == -EBUSY) {
		status = 503;
		fk_put(d, "alert",
		       json_string(page_tr(req, _("Het is nu erg druk. Probeer het zo opnieuw."))));
		rc = 0;
	}
	if (rc) {
		json_decref(d);
		return rc;
	}
	json_t *rows = json_object_get(list, "reports");
	size_t i;
	json_t *r;
	bool ok = true;
	json_array_foreach(rows, i, r) ok = ok && label_row(req, r);
	struct buf qs = BUF_INIT;
	ok = ok && filter_qs(&q, &qs) == 0;
	ok = ok && fk_put(d, "title", json_string(page_tr(req, _("Meldingen")))) &&
	     fk_put(d, "reports", rows ? json_incref(rows) : json_array()) &&
	     fk_put(d, "empty", json_boolean(json_array_size(rows) == 0)) &&
	     fk_put(d, "statuses", options(req, report_statuses, q.status, false)) &&
	     fk_put(d, "forms", options(req, report_forms, q.form, true)) &&
	     fk_put(d, "districts", district_options(req, q.district)) &&
	     fk_put(d, "overdue", json_boolean(q.overdue && strcmp(q.overdue, "yes") == 0)) &&
	     fk_put(d, "filter_qs", json_string(buf_str(&qs)));
	const char *next = json_string_value(json_object_get(list, "next"));
	if (ok && next)
		ok = fk_put(d, "next", json_string(next));
	if (ok && q.after && *q.after)
		ok = fk_put(d, "paged", json_true());
	buf_free(&qs);
	json_decref(list);
	rc = ok ? staff_render(req, resp, status, "staff-inbox", d) : -ENOMEM;
	json_decref(d);
	return rc;
}

/* Signals grouped per form (in the order of the content), each with its
 * text; the general and youth signals under their own heading. */
static json_t *signal_groups(const struct req *req, const json_t *codes)
{
	json_t *groups = json_array();
	size_t i;
	json_t *s;
	json_array_foreach(content_signals(req->site->content, req->lang), i, s)
	{
		const char *code = json_string_value(json_object_get(s, "code"));
		bool ticked = false;
		size_t k;
		json_t *c;
		json_array_foreach(codes, k, c) ticked =
		    ticked || strcmp(json_string_value(c), code) == 0;
		if (!ticked)
			continue;
		const char *group = json_string_value(json_object_get(s, "group"));
		json_t *g = json_array_get(groups, json_array_size(groups) - 1);
		if (!g || strcmp(json_string_value(json_object_get(g, "name")), group) != 0) {
			g = json_pack("{s:s, s:[]}", "name", group, "signals");
			if (!fk_append(groups, g))
				return NULL;
		}
		if (!fk_append(json_object_get(g, "signals"),
		               json_string(json_string_value(json_object_get(s, "text")))))
			return NULL;
	}
	return groups;
}

/* The suggestion with names and the texts of the signals it rests on. */
static json_t *suggestion(const struct req *req, const json_t *sugg)
{
	json_t *out = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(sugg, i, x)
	{
		json_t *texts = json_array();
		size_t k;
		json_t *c;
		json_array_foreach(json_object_get(x, "signals"), k, c)
		    fk_append(texts, json_string(signal_text(req, json_string_value(c))));
		if (!fk_append(out, json_pack("{s:s, s:o}", "form",
		                              form_name(req, json_string_value(
		                                                 json_object_get(x, "form"))),
		                              "signals", texts)))
			return NULL;
	}
	return out;
}

/* What happened to a report, in words (the history's action codes). */
static const struct {
	const char *code, *label;
} history_words[] = {
    {"received", N_("Melding ontvangen")},
    {"report.view", N_("Melding bekeken")},
    {"report.change", N_("Status of uitkomst gewijzigd")},
    {"report.export", N_("Meegenomen in een export")},
    {"report.import", N_("Melding ingelezen")},
};

/* Who did it, in words: a staff login as itself, a command as the
 * command line with the OS user, the system as such. */
static bool history_who(const struct req *req, json_t *e, const char *reporter)
{
	const char *actor = json_string_value(json_object_get(e, "actor"));
	char who[AUDIT_ACTOR_MAX_LEN + 64];
	if (!actor)
		snprintf(who, sizeof who, "%s", reporter);
	else if (strncmp(actor, "user:", 5) == 0)
		snprintf(who, sizeof who, "%s", actor + 5);
	else if (strncmp(actor, "cli:", 4) == 0)
		snprintf(who, sizeof who, "%s (%s)", page_tr(req, _("Opdrachtregel")), actor + 4);
	else if (strcmp(actor, "system") == 0)
		snprintf(who, sizeof who, "%s", page_tr(req, _("Het systeem")));
	else
		snprintf(who, sizeof who, "%s", actor);
	return fk_put(e, "who", json_string(who));
}

/* One event of the history as page data: at_text (date, or date and time
 * in UTC), who and what. */
static bool label_history(const struct req *req, json_t *e, const char *reporter)
{
	const char *at = json_string_value(json_object_get(e, "at"));
	const char *action = json_string_value(json_object_get(e, "action"));
	const char *result = json_string_value(json_object_get(e, "result"));
	char when[48];
	if (at && strlen(at) >= 19)
		snprintf(when, sizeof when, "%.10s %.8s UTC", at, at + 11);
	else
		snprintf(when, sizeof when, "%s", at ? at : "");
	const char *what = action ? action : "";
	for (size_t i = 0; action && i < sizeof history_words / sizeof history_words[0]; i++)
		if (strcmp(history_words[i].code, action) == 0)
			what = page_tr(req, history_words[i].label);
	char text[256];
	if (result && strcmp(result, "denied") == 0)
		snprintf(text, sizeof text, "%s (%s)", what, page_tr(req, _("geweigerd")));
	else if (result && strcmp(result, "failed") == 0)
		snprintf(text, sizeof text, "%s (%s)", what, page_tr(req, _("mislukt")));
	else
		snprintf(text, sizeof text, "%s", what);
	return fk_put(e, "at_text", json_string(when)) && fk_put(e, "what", json_string(text)) &&
	       history_who(req, e, reporter);
}

/* The history as the page lists it: each event in words, and after the
 * receipt how many older events were left out (history_more). */
static bool put_history(const struct req *req, json_t *v)
{
	const char *reporter = json_string_value(json_object_get(v, "reporter_role_label"));
	json_t *items = json_array();
	bool ok = items != NULL;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(v, "history"), i, e)
	{
		json_t *item = ok ? json_deep_copy(e) : NULL;
		if (!item || !label_history(req, item, reporter ? reporter : "")) {
			json_decref(item);
			ok = false;
		}
		ok = ok && fk_append(items, item);
		json_int_t more = json_integer_value(json_object_get(v, "history_more"));
		if (ok && i == 0 && more > 0)
			ok = fk_append(items, json_pack("{s:I}", "more", more));
	}
	return fk_put(v, "history_items", items) && ok;
}

int page_staff_report(struct req *req, struct resp *resp)
{
	json_t *v = NULL;
	int rc = staffread_report(req->site, req->principal, req->params[0], &v);
	if (rc == REPORTVIEW_NOT_FOUND) {
		page_error(req, resp, 404);
		resp->personal = true;
		return 0;
	}
	if (rc)
		return rc;
	bool ok = label_row(req, v) &&
	          fk_put(v, "signal_groups", signal_groups(req, json_object_get(v, "signals"))) &&
	          fk_put(v, "suggestion_named", suggestion(req, json_object_get(v, "suggestion")));
	size_t mi;
	json_t *m;
	json_array_foreach(json_object_get(v, "messages"), mi, m) ok =
	    ok && label(req, m, "author");
	json_array_foreach(json_object_get(v, "people"), mi, m) ok = ok && label_person(req, m);
	ok = ok && put_history(req, v);
	ok = ok && put_answers(req, v);
	json_t *people = json_object_get(v, "people");
	ok = ok && fk_put(v, "has_people", json_boolean(json_array_size(people) > 0)) &&
	     fk_put(v, "has_messages",
	            json_boolean(json_array_size(json_object_get(v, "messages")) > 0)) &&
	     fk_put(v, "has_signals",
	            json_boolean(json_array_size(json_object_get(v, "signals")) > 0));
	const char *ref = json_string_value(json_object_get(v, "reference"));
	char title[128];
	snprintf(title, sizeof title, "%s %s", page_tr(req, _("Melding")), ref ? ref : "");
	json_t *d = json_pack("{s:s, s:O}", "title", title, "report", v);
	json_decref(v);
	rc = ok && d ? staff_render(req, resp, 200, "staff-report", d) : -ENOMEM;
	json_decref(d);
	return rc;
}
