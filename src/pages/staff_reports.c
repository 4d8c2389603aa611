/* staff_reports: the inbox (/staf/meldingen) and the report view
 * (/staf/meldingen/ID) of the staff workspace.
 *
 * Owns turning the lists and reports of site/staffread.h into pages:
 * the filters as a GET form (works without JavaScript), keyset paging by
 * the list's cursor, codes shown as words of the request's language,
 * signals grouped per form with the suggestion and the signals it rests
 * on. Access is the route policy's (intake, handler, care); what each
 * role reads and the audit entry of a view are staffread's. The reporter's
 * words reach the template as data and are escaped there, never HTML. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "content/content.h"
#include "domain/accounts.h"
#include "domain/report.h"
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

/* The role of a person the reporter describes (report_person_roles),
 * in the words of the report form. */
static const struct {
	const char *code, *label;
} person_roles[] = {
    {"victim", N_("Mogelijk slachtoffer")},
    {"exploiter", N_("Mogelijk uitbuiter")},
    {"both", N_("Allebei")},
    {"other", N_("Iemand anders, of weet ik niet")},
};

/* A person's role and minor as words: role_label and minor_label. */
static bool label_person(const struct req *req, json_t *person)
{
	const char *role = json_string_value(json_object_get(person, "role"));
	if (role) {
		const char *l = role;
		for (size_t i = 0; i < sizeof person_roles / sizeof person_roles[0]; i++)
			if (strcmp(person_roles[i].code, role) == 0)
				l = page_tr(req, person_roles[i].label);
		if (!fk_put(person, "role_label", json_string(l)))
			return false;
	}
	return label(req, person, "minor");
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
