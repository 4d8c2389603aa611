/* public: the handlers of the public information site (see pages.h).
 *
 * Every handler builds its page data as a jansson object and renders one
 * template of templates/ inside the layout. Content getters hand out
 * borrowed, shared json: it is only ever json_incref'd into page data, or
 * deep-copied before the copy is changed. All visible text is in the
 * templates; the few texts made here go through page_tr(). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "content/content.h"
#include "domain/quiz.h"
#include "domain/wegwijzer.h"
#include "http/validate.h"
#include "pages/formkit.h"
#include "pages/pages.h"
#include "pages/page.h"
#include "util/i18n.h"
#include "util/str.h"

/* URL slug of each form page; the form code is what content knows. */
static const struct {
	const char *slug;
	const char *code;
} form_slugs[] = {
    {"seksuele-uitbuiting", "sexual"},
    {"arbeidsuitbuiting", "labour"},
    {"criminele-uitbuiting", "criminal"},
    {"orgaanverwijdering", "organ_removal"},
};

#define NFORM_SLUGS (sizeof form_slugs / sizeof form_slugs[0])

static const char *slug_to_code(const char *slug)
{
	for (size_t i = 0; i < NFORM_SLUGS; i++)
		if (str_eq(form_slugs[i].slug, slug))
			return form_slugs[i].code;
	return NULL;
}

static const char *code_to_slug(const char *code)
{
	for (size_t i = 0; i < NFORM_SLUGS; i++)
		if (str_eq(form_slugs[i].code, code))
			return form_slugs[i].slug;
	return NULL;
}

/* --- Small json helpers ------------------------------------------------
 * They accept a NULL object or value (an earlier allocation failed) and
 * then report failure, so a handler can build a page in one go and check
 * once. */

static bool put(json_t *o, const char *key, json_t *v)
{
	if (!o || !v) {
		json_decref(v);
		return false;
	}
	return json_object_set_new(o, key, v) == 0;
}

/* Stores a borrowed content value (shared, read-only) by reference. */
static bool put_borrowed(json_t *o, const char *key, const json_t *v)
{
	return put(o, key, json_incref((json_t *)v));
}

static bool append(json_t *a, json_t *v)
{
	if (!a || !v) {
		json_decref(v);
		return false;
	}
	return json_array_append_new(a, v) == 0;
}

static const char *get_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The data every page starts with: its translated title, and optionally
 * the footer link to mark as the current page. NULL when out of memory. */
static json_t *page_data(const struct req *req, const char *title, const char *here)
{
	json_t *d = json_object();
	bool ok = put(d, "title", json_string(page_tr(req, title)));
	if (ok && here)
		ok = put(d, "here", json_pack("{s:b}", here, 1));
	if (!ok) {
		json_decref(d);
		return NULL;
	}
	return d;
}

/* Renders and releases data; ok false means building data ran out of
 * memory. */
static int render(struct req *req, struct resp *resp, int status, const char *tmpl, json_t *data,
                  bool ok)
{
	int rc = ok && data ? page_render(req, resp, status, tmpl, data) : -ENOMEM;
	json_decref(data);
	return rc;
}

/* [{slug, name, summary}] of the forms except skip (may be NULL). */
static json_t *form_links(const struct req *req, const char *skip)
{
	const json_t *forms = content_forms(req->site->content, req->lang);
	json_t *out = json_array();
	size_t i;
	const json_t *f;
	json_array_foreach(forms, i, f)
	{
		const char *code = get_str(f, "code");
		const char *slug = code_to_slug(code);
		if (!slug || str_eq(code, skip))
			continue;
		json_t *l =
		    json_pack("{s:s, s:O?, s:O?}", "slug", slug, "name", json_object_get(f, "name"),
		              "summary", json_object_get(f, "summary"));
		if (!append(out, l)) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* --- Channel cards ------------------------------------------------------ */

/* Host name of an http(s) URL for a link text ("www.politie.nl"), as its
 * parts up to and including each dot, so that the page can offer a line
 * break after each (<wbr>): a long host name must not widen a card past a
 * phone's screen at 150% text size (WCAG 1.4.10, 1.4.4). */
static json_t *web_label(const char *url)
{
	const char *p = url;
	if (str_starts(p, "https://"))
		p += 8;
	else if (str_starts(p, "http://"))
		p += 7;
	size_t n = strcspn(p, "/?#");
	json_t *parts = json_array();
	while (parts && n) {
		const char *dot = memchr(p, '.', n);
		size_t len = dot ? (size_t)(dot - p) + 1 : n;
		if (!append(parts, json_stringn(p, len))) {
			json_decref(parts);
			return NULL;
		}
		p += len;
		n -= len;
	}
	return parts;
}

/* A copy of channel with what partial-channel needs besides the content:
 * web_label, has_phones, anon_yes / anon_possible / anon_no (templates
 * cannot compare strings), email_local / email_domain. */
static json_t *channel_card(const json_t *channel)
{
	/* Only top-level keys change: a shallow copy keeps content intact. */
	json_t *c = json_copy((json_t *)channel);
	if (!c)
		return NULL;
	const char *web = get_str(c, "web");
	const char *anon = get_str(c, "anonymous");
	const char *email = get_str(c, "email");
	const char *at = email ? strchr(email, '@') : NULL;
	bool ok = true;
	if (web)
		ok = put(c, "web_label", web_label(web));
	/* Shown as local@<wbr>domain: a long address must not widen the
	 * card past a phone's screen (WCAG 1.4.10). */
	if (ok && at) {
		ok = put(c, "email_local", json_stringn(email, (size_t)(at - email + 1)));
		ok = ok && put(c, "email_domain", json_string(at + 1));
	}
	/* The wegwijzer's reason may hold the purpose itself: say it once. */
	const char *why = get_str(c, "why"), *purpose = get_str(c, "purpose");
	if (ok && why && purpose && strstr(why, purpose))
		json_object_del(c, "purpose");
	ok =
	    ok && put(c, "has_phones", json_boolean(json_array_size(json_object_get(c, "phones"))));
	ok = ok && put(c, "anon_yes", json_boolean(str_eq(anon, "yes")));
	ok = ok && put(c, "anon_possible", json_boolean(str_eq(anon, "possible")));
	ok = ok &&
	     put(c, "anon_no", json_boolean(!str_eq(anon, "yes") && !str_eq(anon, "possible")));
	ok = ok && put(c, "emergency", json_boolean(json_is_true(json_object_get(c, "emergency"))));
	if (!ok) {
		json_decref(c);
		return NULL;
	}
	return c;
}

/* The site's organisation as content shows it, or NULL when the store has
 * an organisation without a content profile (then its region serves). */
static const json_t *org_view(const struct req *req)
{
	return content_org_view(req->site->content, req->lang, req->org->id);
}

/* The channels offered on this site: the organisation's, else its
 * region's. */
static const json_t *site_channels(const struct req *req)
{
	const json_t *v = org_view(req);
	if (!v)
		v = content_region(req->site->content, req->lang, req->org->region);
	return json_object_get(v, "channels");
}

/* --- Simple pages --------------------------------------------------------- */

int page_home(struct req *req, struct resp *resp)
{
	json_t *d = page_data(req, _("Mensenhandel herkennen en melden"), NULL);
	bool ok = put(d, "forms", form_links(req, NULL));
	return render(req, resp, 200, "home", d, ok);
}

int page_form(struct req *req, struct resp *resp)
{
	const char *code = req->nparams ? slug_to_code(req->params[0]) : NULL;
	const json_t *form = code ? content_form(req->site->content, req->lang, code) : NULL;
	if (!form) {
		page_error(req, resp, 404);
		return 0;
	}
	json_t *d = json_object();
	bool ok = put(d, "title", json_incref(json_object_get(form, "name")));
	ok = ok && put_borrowed(d, "form", form);
	ok = ok && put(d, "has_examples",
	               json_boolean(json_array_size(json_object_get(form, "examples")) > 0));
	ok = ok && put(d, "others", form_links(req, code));
	/* Channels meant for this form only (the labour inspectorate). */
	json_t *cards = json_array();
	size_t i, k;
	const json_t *ch, *f;
	json_array_foreach(site_channels(req), i, ch)
	{
		json_array_foreach(json_object_get(ch, "forms"), k, f)
		{
			if (ok && str_eq(json_string_value(f), code))
				ok = append(cards, channel_card(ch));
		}
	}
	ok = ok && put(d, "has_channels", json_boolean(json_array_size(cards) > 0));
	ok = put(d, "channels", cards) && ok;
	return render(req, resp, 200, "form", d, ok);
}

int page_signals(struct req *req, struct resp *resp)
{
	const json_t *all = content_signals(req->site->content, req->lang);
	json_t *d = page_data(req, _("Signalen van mensenhandel"), NULL);
	json_t *general = json_array(), *youth = json_array();
	bool ok = general && youth;
	size_t i;
	const json_t *s;
	json_array_foreach(all, i, s)
	{
		const char *form = get_str(s, "form");
		if (ok && str_eq(form, "general"))
			ok = append(general, json_incref((json_t *)s));
		else if (ok && str_eq(form, "youth"))
			ok = append(youth, json_incref((json_t *)s));
	}
	ok = put(d, "general", general) && ok;
	ok = put(d, "youth", youth) && ok;
	ok = ok && put(d, "forms", form_links(req, NULL));
	return render(req, resp, 200, "signals", d, ok);
}

int page_risks(struct req *req, struct resp *resp)
{
	json_t *d = page_data(req, _("Wie lopen meer risico?"), "risks");
	bool ok =
	    put_borrowed(d, "risk_factors", content_risk_factors(req->site->content, req->lang));
	return render(req, resp, 200, "risks", d, ok);
}

int page_about(struct req *req, struct resp *resp)
{
	json_t *d = page_data(req, _("Wat wij doen tegen mensenhandel"), "about");
	/* The organisation's own text; an organisation without a profile
	 * shows only what every organisation does. */
	const json_t *about = json_object_get(org_view(req), "about");
	bool ok = d != NULL;
	if (ok && about)
		ok = put_borrowed(d, "sections", about);
	ok = ok && put(d, "has_sections", json_boolean(json_array_size(about) > 0));
	return render(req, resp, 200, "about", d, ok);
}

/* --- Pages a Dutch government site must have -------------------------- */

int page_quick_exit(struct req *req, struct resp *resp)
{
	json_t *d = page_data(req, _("Snel weg en geen sporen achterlaten"), "quick_exit");
	return render(req, resp, 200, "snel-weg", d, d != NULL);
}

int page_privacy(struct req *req, struct resp *resp)
{
	json_t *d = page_data(req, _("Privacyverklaring"), "privacy");
	return render(req, resp, 200, "privacy", d, d != NULL);
}

int page_accessibility(struct req *req, struct resp *resp)
{
	json_t *d = page_data(req, _("Toegankelijkheidsverklaring"), "accessibility");
	return render(req, resp, 200, "toegankelijkheid", d, d != NULL);
}

/* The organisation's contact details from its profile's optional
 * "contact" (phones, email, web, address), with what the page shows
 * besides: the e-mail address split for a line break, the web host. */
static json_t *contact_card(const json_t *contact)
{
	json_t *c = json_copy((json_t *)contact);
	if (!c)
		return NULL;
	const char *web = get_str(c, "web");
	const char *email = get_str(c, "email");
	const char *at = email ? strchr(email, '@') : NULL;
	bool ok = true;
	if (web)
		ok = put(c, "web_label", web_label(web));
	if (ok && at) {
		ok = put(c, "email_local", json_stringn(email, (size_t)(at - email + 1)));
		ok = ok && put(c, "email_domain", json_string(at + 1));
	}
	if (!ok) {
		json_decref(c);
		return NULL;
	}
	return c;
}

int page_contact(struct req *req, struct resp *resp)
{
	json_t *d = page_data(req, _("Contact"), "contact");
	const json_t *profile = content_org_profile(req->site->content, req->org->id);
	const json_t *contact = json_object_get(profile, "contact");
	bool ok = d != NULL;
	if (ok && json_is_object(contact) && json_object_size(contact)) {
		ok = put(d, "contact", contact_card(contact));
		ok = ok && put(d, "has_contact", json_true());
	}
	return render(req, resp, 200, "contact", d, ok);
}

/* --- Radio groups ------------------------------------------------------ */

/* A radio group of the public pages; hint and error are msgids. */
static json_t *radio_group(const struct req *req, const char *name, const char *legend,
                           const char *hint, const char *error, bool required)
{
	return fk_group(FK_RADIO, name, name, legend, hint ? page_tr(req, hint) : NULL,
	                error ? page_tr(req, error) : NULL, required);
}

/* Adds an option with the id NAME-VALUE; value chosen marks it checked.
 * hint may be NULL. */
static bool radio_option(json_t *group, const char *value, const char *label, const char *hint,
                         const char *chosen)
{
	if (!group)
		return false;
	char id[2 * HTTP_MAX_FIELD_NAME + 2];
	snprintf(id, sizeof id, "%s-%s", get_str(group, "name"), value);
	return fk_option(group, id, value, label ? label : value, hint, str_eq(value, chosen));
}

/* --- Wegwijzer ---------------------------------------------------------- */

static bool check_role(void *ctx, const char *v)
{
	return str_eq(v, CONTENT_ROLE_UNSAID) || content_is_role(ctx, v);
}

static bool check_minor(void *ctx, const char *v)
{
	return str_eq(v, "yes") || str_eq(v, "no") || str_eq(v, "unknown");
}

static bool check_form(void *ctx, const char *v)
{
	return str_eq(v, "unknown") || content_is_form(ctx, v);
}

enum {
	WW_ROLE,
	WW_DANGER,
	WW_MINOR,
	WW_FORM,
	WW_ANONYMOUS,
	WW_NFIELDS
};

static const struct field_spec wegwijzer_fields[WW_NFIELDS] = {
    [WW_ROLE] = {.name = "role", .type = FT_CHOICE, .required = true, .check = check_role},
    [WW_DANGER] = {.name = "danger", .type = FT_YESNO, .required = true},
    /* Not required: a client that does not send it (an older link, a
     * script) gets the answer for "weet ik niet". */
    [WW_MINOR] = {.name = "minor", .type = FT_CHOICE, .check = check_minor},
    [WW_FORM] = {.name = "form", .type = FT_CHOICE, .required = true, .check = check_form},
    [WW_ANONYMOUS] = {.name = "anonymous", .type = FT_YESNO, .required = true},
};

/* What to do, per field, when it is missing or wrong (NL Design System:
 * the message says how to fix it, not what is wrong). */
static const char *const wegwijzer_errors[WW_NFIELDS] = {
    [WW_ROLE] = _("Kies wie je bent."),
    [WW_DANGER] = _("Kies ja of nee: is iemand nu in gevaar?"),
    [WW_MINOR] =
        _("Kies ja, nee of weet ik niet: gaat het om iemand onder de 18, of om het gezin?"),
    [WW_FORM] = _("Kies een vorm van uitbuiting. Weet je het niet? Kies dan: Weet ik niet."),
    [WW_ANONYMOUS] = _("Kies of je anoniem wilt blijven."),
};

/* The value chosen for field i, or NULL (only valid values count). */
static const char *chosen(const struct field_value *v, size_t i)
{
	if (!v[i].present)
		return NULL;
	if (wegwijzer_fields[i].type == FT_YESNO)
		return v[i].yes ? "yes" : "no";
	return v[i].text;
}

/* The wegwijzer form with the values chosen so far; errs (may be NULL)
 * marks the fields with a problem. */
static int wegwijzer_form(struct req *req, struct resp *resp, const struct field_value *vals,
                          const bool *bad, size_t nerr, bool expired)
{
	const struct content *c = req->site->content;
	const char *lang = req->lang;
	json_t *d = page_data(req, _("Wegwijzer: waar kun je terecht?"), NULL);
	json_t *groups = json_array();
	json_t *errors = json_array();
	json_t *g[WW_NFIELDS];
	const char *err[WW_NFIELDS];
	for (size_t i = 0; i < WW_NFIELDS; i++)
		err[i] = bad && bad[i] ? wegwijzer_errors[i] : NULL;

	g[WW_ROLE] = radio_group(req, "role", page_tr(req, _("Wie ben jij?")),
	                         _("Kies wat het best bij je past."), err[WW_ROLE], true);
	size_t i;
	const json_t *x;
	bool ok = true;
	json_array_foreach(content_roles(c, lang), i, x)
	{
		ok = ok && radio_option(g[WW_ROLE], get_str(x, "code"), get_str(x, "name"),
		                        get_str(x, "who"), chosen(vals, WW_ROLE));
	}
	x = json_object_get(content_wegwijzer_texts(c, lang), "unsaid");
	ok = ok && radio_option(g[WW_ROLE], CONTENT_ROLE_UNSAID, get_str(x, "name"),
	                        get_str(x, "who"), chosen(vals, WW_ROLE));

	g[WW_DANGER] = radio_group(
	    req, "danger", page_tr(req, _("Is iemand nu in gevaar?")),
	    _("Bijvoorbeeld: iemand wordt bedreigd, opgesloten of mishandeld. Of iemand kan niet weg."),
	    err[WW_DANGER], true);
	ok = ok && radio_option(g[WW_DANGER], "yes", page_tr(req, _("Ja")), NULL,
	                        chosen(vals, WW_DANGER));
	ok = ok && radio_option(g[WW_DANGER], "no", page_tr(req, _("Nee, niet op dit moment")),
	                        NULL, chosen(vals, WW_DANGER));

	g[WW_MINOR] = radio_group(
	    req, "minor",
	    page_tr(
	        req,
	        _("Gaat het om iemand onder de 18, of gebeurt het in het gezin of de familie?")),
	    _("Bijvoorbeeld een kind, een puber, of iemand in je eigen familie."), err[WW_MINOR],
	    true);
	ok = ok &&
	     radio_option(g[WW_MINOR], "yes", page_tr(req, _("Ja")), NULL, chosen(vals, WW_MINOR));
	ok = ok &&
	     radio_option(g[WW_MINOR], "no", page_tr(req, _("Nee")), NULL, chosen(vals, WW_MINOR));
	ok = ok && radio_option(g[WW_MINOR], "unknown", page_tr(req, _("Weet ik niet")), NULL,
	                        chosen(vals, WW_MINOR));

	g[WW_FORM] = radio_group(req, "form",
	                         page_tr(req, _("Om welke vorm van uitbuiting gaat het, denk je?")),
	                         _("Je hoeft het niet zeker te weten."), err[WW_FORM], true);
	json_array_foreach(content_forms(c, lang), i, x)
	{
		ok = ok && radio_option(g[WW_FORM], get_str(x, "code"), get_str(x, "name"),
		                        get_str(x, "summary"), chosen(vals, WW_FORM));
	}
	ok = ok && radio_option(g[WW_FORM], "unknown", page_tr(req, _("Weet ik niet")), NULL,
	                        chosen(vals, WW_FORM));

	g[WW_ANONYMOUS] = radio_group(
	    req, "anonymous", page_tr(req, _("Wil je anoniem blijven?")),
	    _("Anoniem betekent: je noemt je naam niet. Voor professionals kan dat meestal niet."),
	    err[WW_ANONYMOUS], true);
	ok = ok &&
	     radio_option(g[WW_ANONYMOUS], "yes", page_tr(req, _("Ja, ik wil anoniem blijven")),
	                  NULL, chosen(vals, WW_ANONYMOUS));
	ok = ok &&
	     radio_option(g[WW_ANONYMOUS], "no", page_tr(req, _("Nee, mijn naam mag bekend zijn")),
	                  NULL, chosen(vals, WW_ANONYMOUS));

	for (size_t k = 0; k < WW_NFIELDS; k++) {
		if (ok && g[k])
			ok = put(g[k], "step", json_integer((json_int_t)k + 1));
		if (ok && err[k])
			ok = append(errors, json_pack("{s:s?, s:s}", "target", fk_first_id(g[k]),
			                              "message", page_tr(req, err[k])));
		ok = append(groups, g[k]) && ok;
	}
	ok = put(d, "groups", groups) && ok;
	ok = put(d, "errors", errors) && ok;
	ok = ok && put(d, "has_errors", json_boolean(nerr > 0));
	/* CSRF: a fresh token; an expired one brings the choices back. */
	ok = ok && page_csrf(req, resp, d) == 0;
	ok = ok && put(d, "session_expired", json_boolean(expired));
	return render(req, resp, expired ? 403 : nerr ? 400 : 200, "wegwijzer", d, ok);
}

/* advice may be a list of paragraphs or one text; the page wants a list. */
static json_t *as_list(const json_t *v)
{
	if (json_is_array(v))
		return json_deep_copy(v);
	json_t *a = json_array();
	if (json_is_string(v) && json_string_length(v) && !append(a, json_deep_copy(v))) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* How many channels stand out at the top of the answer; the rest go
 * under "Meer mogelijkheden". */
#define WEGWIJZER_TOP 3

/* The wegwijzer's answers as the report form's query (it reads exactly
 * these names): rol (omitted for "zeg ik liever niet"), vorm, minderjarig,
 * gevaar. The values are codes checked by the validator. */
static json_t *report_query(const struct wegwijzer_q *q, const char *minor)
{
	static const struct {
		const char *in, *out;
	} minor_codes[] = {{"yes", "ja"}, {"no", "nee"}, {"unknown", "weetniet"}};
	const char *m = "weetniet";
	for (size_t i = 0; i < sizeof minor_codes / sizeof minor_codes[0]; i++)
		if (str_eq(minor, minor_codes[i].in))
			m = minor_codes[i].out;
	struct buf b = BUF_INIT;
	json_t *out = NULL;
	int rc = 0;
	if (!str_eq(q->role, CONTENT_ROLE_UNSAID))
		rc = buf_printf(&b, "rol=%s&", q->role);
	if (!rc)
		rc = buf_printf(&b, "vorm=%s&minderjarig=%s&gevaar=%s", q->form, m,
		                q->danger ? "ja" : "nee");
	if (!rc)
		out = json_string(buf_str(&b));
	buf_free(&b);
	return out;
}

/* Cards first..last-1 of the answer's channels. */
static json_t *cards_range(const json_t *channels, size_t first, size_t last)
{
	json_t *out = json_array();
	for (size_t i = first; out && i < last && i < json_array_size(channels); i++) {
		if (!append(out, channel_card(json_array_get(channels, i)))) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

static int wegwijzer_result(struct req *req, struct resp *resp, const struct field_value *v)
{
	const char *minor = v[WW_MINOR].present ? v[WW_MINOR].text : "unknown";
	struct wegwijzer_q q = {
	    .role = v[WW_ROLE].text,
	    .danger = v[WW_DANGER].yes,
	    .form = v[WW_FORM].text,
	    .anonymous = v[WW_ANONYMOUS].yes,
	    .minor = str_eq(minor, "yes")  ? WEGWIJZER_MINOR_YES
	             : str_eq(minor, "no") ? WEGWIJZER_MINOR_NO
	                                   : WEGWIJZER_MINOR_UNKNOWN,
	    .org = org_view(req) ? req->org->id : NULL,
	};
	/* The answer depends only on these inputs: rendered once per key. */
	char key[192];
	snprintf(key, sizeof key, "wegwijzer|%s|%s|%d|%s|%d|%s", req->lang, q.role, q.danger,
	         q.form, q.anonymous, minor);
	if (site_page_serve(req, key, resp))
		return 0;
	json_t *ans = NULL;
	int rc = wegwijzer_answer(req->site->content, req->lang, req->org->region, &q, &ans);
	if (rc != 0 || !ans) {
		json_decref(ans);
		return rc < 0 ? rc : -EINVAL;
	}
	const json_t *texts = content_wegwijzer_texts(req->site->content, req->lang);
	const json_t *chans = json_object_get(ans, "channels");
	json_t *d = page_data(req, _("Hier kun je terecht"), NULL);
	bool acute = q.danger || json_is_true(json_object_get(ans, "acute"));
	json_t *advice = as_list(json_object_get(ans, "advice"));
	bool ok = put(d, "acute", json_boolean(acute));
	ok = ok && put(d, "channels", cards_range(chans, 0, WEGWIJZER_TOP));
	ok = ok && put(d, "more", cards_range(chans, WEGWIJZER_TOP, json_array_size(chans)));
	ok = ok && put(d, "has_more", json_boolean(json_array_size(chans) > WEGWIJZER_TOP));
	ok = ok && put(d, "has_advice", json_boolean(json_array_size(advice) > 0));
	ok = put(d, "advice", advice) && ok;
	/* Professionals and employees cannot stay anonymous: the page says
	 * why in their role's own words (the Meldcode for professionals, the
	 * aandachtsfunctionaris for employees) whatever they chose, and where
	 * to go when a colleague is involved. */
	const json_t *role = content_role(req->site->content, req->lang, q.role);
	bool not_anon = json_is_false(json_object_get(role, "anonymous"));
	ok = ok && put(d, "not_anonymous", json_boolean(not_anon));
	const char *note =
	    not_anon ? get_str(role, "anonymous_note") : get_str(ans, "anonymity_note");
	if (ok && note && note[0])
		ok = put(d, "anonymity_note", json_string(note));
	const char *inote = get_str(json_object_get(texts, "notes"), "integrity");
	if (ok && not_anon && inote)
		ok = put(d, "integrity_note", json_string(inote));
	const char *enote = get_str(json_object_get(texts, "notes"), "emergency");
	if (ok && acute && enote)
		ok = put(d, "emergency_note", json_string(enote));
	ok = ok && put(d, "report_query", report_query(&q, minor));
	ok = ok && put(d, "q",
	               json_pack("{s:s, s:s, s:s, s:s, s:s}", "role", q.role, "danger",
	                         q.danger ? "yes" : "no", "form", q.form, "anonymous",
	                         q.anonymous ? "yes" : "no", "minor", minor));
	json_decref(ans);
	rc = render(req, resp, 200, "wegwijzer-answer", d, ok);
	if (rc == 0)
		site_page_keep(req, key, resp);
	return rc;
}

int page_wegwijzer(struct req *req, struct resp *resp)
{
	struct field_value vals[WW_NFIELDS];
	struct field_error errs[WW_NFIELDS];
	void *ctx = req->site->content;
	if (req->method != HTTP_POST) {
		/* Query parameters preselect (?form=labour); wrong ones are
		 * simply not chosen. */
		validate_fields(req->query, req->nquery, wegwijzer_fields, WW_NFIELDS, ctx, vals,
		                errs);
		return wegwijzer_form(req, resp, vals, NULL, 0, false);
	}
	size_t nerr =
	    validate_fields(req->form, req->nform, wegwijzer_fields, WW_NFIELDS, ctx, vals, errs);
	if (nerr) {
		bool bad[WW_NFIELDS] = {false};
		for (size_t e = 0; e < nerr; e++)
			for (size_t i = 0; i < WW_NFIELDS; i++)
				if (str_eq(errs[e].field, wegwijzer_fields[i].name))
					bad[i] = true;
		return wegwijzer_form(req, resp, vals, bad, nerr, false);
	}
	return wegwijzer_result(req, resp, vals);
}

int page_wegwijzer_expired(struct req *req, struct resp *resp)
{
	/* The form again with what was chosen, and why. */
	struct field_value vals[WW_NFIELDS];
	struct field_error errs[WW_NFIELDS];
	validate_fields(req->form, req->nform, wegwijzer_fields, WW_NFIELDS, req->site->content,
	                vals, errs);
	return wegwijzer_form(req, resp, vals, NULL, 0, true);
}

/* --- Quiz --------------------------------------------------------------- */

/* expired: a POST whose CSRF token failed; its answers are kept. */
static int quiz_form(struct req *req, struct resp *resp, bool expired)
{
	const json_t *quiz = content_quiz(req->site->content, req->lang);
	json_t *d = page_data(req, _("Quiz: wat weet jij van mensenhandel?"), NULL);
	json_t *groups = json_array();
	bool ok = true;
	size_t i;
	const json_t *q;
	json_array_foreach(quiz, i, q)
	{
		char name[HTTP_MAX_FIELD_NAME + 1];
		snprintf(name, sizeof name, "q-%s", get_str(q, "id"));
		json_t *g = radio_group(req, name, get_str(q, "question"), NULL, NULL, false);
		ok = ok && put(g, "question_no", json_integer((json_int_t)i + 1));
		size_t k;
		const json_t *o;
		json_array_foreach(json_object_get(q, "options"), k, o)
		{
			ok = ok && radio_option(g, get_str(o, "id"), get_str(o, "text"), NULL,
			                        expired ? req_form(req, name) : NULL);
		}
		ok = append(groups, g) && ok;
	}
	ok = put(d, "groups", groups) && ok;
	ok = ok && page_csrf(req, resp, d) == 0;
	ok = ok && put(d, "session_expired", json_boolean(expired));
	return render(req, resp, expired ? 403 : 200, "quiz", d, ok);
}

static const char *quiz_get_answer(void *ctx, const char *question_id)
{
	char name[HTTP_MAX_FIELD_NAME + 1];
	int n = snprintf(name, sizeof name, "q-%s", question_id);
	if (n < 0 || (size_t)n >= sizeof name)
		return NULL;
	return req_form(ctx, name);
}

/* Replaces "{name}" in a translated sentence by a number, so that word
 * order stays the translator's. */
static bool subst_num(struct buf *b, const char *text, const char *name, long long num)
{
	const char *p = strstr(text, name);
	if (!p)
		return buf_puts(b, text) == 0;
	return buf_append(b, text, (size_t)(p - text)) == 0 && buf_printf(b, "%lld", num) == 0 &&
	       buf_puts(b, p + strlen(name)) == 0;
}

static json_t *score_text(const struct req *req, json_int_t score, json_int_t total)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	json_t *s = NULL;
	if (subst_num(&a, page_tr(req, _("Je had {score} van de {total} vragen goed.")), "{score}",
	              (long long)score) &&
	    subst_num(&b, buf_str(&a), "{total}", (long long)total))
		s = json_string(buf_str(&b));
	buf_free(&a);
	buf_free(&b);
	return s;
}

/* The text of option id of a scored question, or NULL. */
static const char *option_text(const json_t *question, const char *id)
{
	size_t i;
	const json_t *o;
	json_array_foreach(json_object_get(question, "options"), i, o)
	{
		if (id && str_eq(get_str(o, "id"), id))
			return get_str(o, "text");
	}
	return NULL;
}

static int quiz_result(struct req *req, struct resp *resp)
{
	json_t *res = NULL;
	int rc = quiz_score(req->site->content, req->lang, quiz_get_answer, req, &res);
	if (rc != 0 || !res) {
		json_decref(res);
		return rc < 0 ? rc : -EINVAL;
	}
	json_t *d = page_data(req, _("Je score"), NULL);
	json_t *answers = json_array();
	bool ok = true;
	size_t i;
	const json_t *a;
	json_array_foreach(json_object_get(res, "questions"), i, a)
	{
		const char *chosen_id = get_str(a, "chosen");
		json_t *x = json_pack(
		    "{s:I, s:O?, s:O?, s:b, s:b, s:s?, s:s?}", "number", (json_int_t)i + 1,
		    "question", json_object_get(a, "question"), "explanation",
		    json_object_get(a, "explanation"), "answered", chosen_id != NULL, "correct",
		    json_is_true(json_object_get(a, "correct")), "chosen",
		    option_text(a, chosen_id), "right_answer", option_text(a, get_str(a, "right")));
		ok = append(answers, x) && ok;
	}
	ok = put(d, "answers", answers) && ok;
	ok = ok && put(d, "score_text",
	               score_text(req, json_integer_value(json_object_get(res, "score")),
	                          json_integer_value(json_object_get(res, "total"))));
	json_decref(res);
	return render(req, resp, 200, "quiz-result", d, ok);
}

int page_quiz(struct req *req, struct resp *resp)
{
	if (req->method != HTTP_POST)
		return quiz_form(req, resp, false);
	return quiz_result(req, resp);
}

int page_quiz_expired(struct req *req, struct resp *resp)
{
	return quiz_form(req, resp, true);
}
