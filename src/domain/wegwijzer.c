/* wegwijzer.c: applies the channel tags of the region files.
 *
 * Which channels: 112 (emergency) only when there is danger; otherwise every
 * channel that names the role in "roles" and either has no "forms" or lists
 * the asked form (or "unknown" when that is asked). When the form is
 * "unknown", a channel made for particular forms is offered too, after the
 * others, saying when it fits (a form-specific line is still a good line).
 * Order, each step breaking ties of the one before:
 *   1. the emergency channel, when there is danger;
 *   2. when the question is about a minor or the family: channels with a
 *      "roles_minor" rank for the role, by that rank, before all others;
 *   3. form-specific channels offered for an unknown form go last;
 *   4. when the person wants anonymity and the role allows it: channels
 *      with anonymous "yes" or "possible" before those with "no";
 *   5. the channel's rank for the role (1 first);
 *   6. channels made for the asked form before general ones;
 *   7. a region's own channel before a national one;
 *   8. file order.
 * Rank comes before the form so that the data decides: the inspectorate is
 * rank 1 for a bystander but not above the aandachtsfunctionaris for an
 * employee, who should ask inside the organisation first.
 * The "why" of a channel is: the form text (when it matched on form, or
 * when it fits for an unknown form), the channel's purpose, and the
 * anonymity text (when that was asked for). */
#include "domain/wegwijzer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "util/buf.h"
#include "util/str.h"

struct cand {
	json_t *ch; /* borrowed from the content */
	int emergency;
	int minor; /* has a minor rank (step 2) */
	long minor_rank;
	int form_hint; /* form-specific, offered for an unknown form */
	int anon_ok;
	int form_match;
	long rank;
	int regional;
	size_t idx;
};

static int cand_cmp(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	if (a->emergency != b->emergency)
		return b->emergency - a->emergency;
	if (a->minor != b->minor)
		return b->minor - a->minor;
	if (a->minor_rank != b->minor_rank)
		return a->minor_rank < b->minor_rank ? -1 : 1;
	if (a->form_hint != b->form_hint)
		return a->form_hint - b->form_hint;
	if (a->anon_ok != b->anon_ok)
		return b->anon_ok - a->anon_ok;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->form_match != b->form_match)
		return b->form_match - a->form_match;
	if (a->regional != b->regional)
		return b->regional - a->regional;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static bool lists(const json_t *arr, const char *s)
{
	json_t *x;
	size_t i;
	json_array_foreach(arr, i, x)
	{
		if (str_eq(json_string_value(x), s))
			return true;
	}
	return false;
}

static int add_sentence(struct buf *b, const json_t *text)
{
	const char *s = json_string_value(text);
	int rc = 0;
	if (!s || !*s)
		return 0;
	if (b->len)
		rc = buf_putc(b, ' ');
	return rc ? rc : buf_puts(b, s);
}

/* A copy of the channel (caller owns) with its "why". */
static json_t *with_why(const struct cand *cd, const json_t *texts, const struct wegwijzer_q *q,
                        bool anon_sort)
{
	struct buf why = BUF_INIT;
	json_t *copy = NULL, *f;
	const char *anon = json_string_value(json_object_get(cd->ch, "anonymous"));
	size_t i;
	int rc = 0;

	if (cd->form_match)
		rc = add_sentence(&why,
		                  json_object_get(json_object_get(texts, "why_form"), q->form));
	if (cd->form_hint)
		json_array_foreach(json_object_get(cd->ch, "forms"), i, f)
		{
			if (!rc)
				rc = add_sentence(
				    &why, json_object_get(json_object_get(texts, "when_form"),
				                          json_string_value(f)));
		}
	if (!rc)
		rc = add_sentence(&why, json_object_get(cd->ch, "purpose"));
	if (!rc && anon_sort && cd->anon_ok && !cd->emergency)
		rc = add_sentence(&why,
		                  json_object_get(json_object_get(texts, "why_anonymous"), anon));
	if (rc)
		goto out;
	/* Shallow: only "why" is added at the top; the nested values stay
	 * shared with content (which nobody may change). */
	copy = json_copy(cd->ch);
	if (copy && (json_object_set_new(copy, "why", json_string(buf_str(&why))) ||
	             (cd->form_hint && json_object_set_new(copy, "form_hint", json_true())))) {
		json_decref(copy);
		copy = NULL;
	}
out:
	buf_free(&why);
	return copy;
}

static json_t *anonymity_note(const struct wegwijzer_q *q, const json_t *role, const json_t *texts)
{
	const json_t *notes = json_object_get(texts, "notes");
	struct buf b = BUF_INIT;
	json_t *note = NULL;
	int rc;

	if (!q->anonymous)
		return json_null();
	if (json_is_false(json_object_get(role, "anonymous")))
		return json_incref(json_object_get(role, "anonymous_note"));
	rc = q->danger ? add_sentence(&b, json_object_get(notes, "emergency")) : 0;
	if (!rc)
		rc = add_sentence(&b, json_object_get(notes, "anonymous"));
	if (!rc)
		note = json_string(buf_str(&b));
	buf_free(&b);
	return note;
}

/* The role's advice (caller owns), with the texts for young people only
 * when the question is about someone under 18. */
static json_t *advice_for(const json_t *role, const struct wegwijzer_q *q)
{
	json_t *a = json_copy(json_object_get(role, "advice"));
	const json_t *young = json_object_get(role, "advice_young");
	if (a && young && q->minor == WEGWIJZER_MINOR_YES &&
	    json_array_extend(a, (json_t *)young)) {
		json_decref(a);
		return NULL;
	}
	return a;
}

int wegwijzer_answer(const struct content *c, const char *lang, const char *region,
                     const struct wegwijzer_q *q, json_t **out)
{
	const json_t *reg, *role, *texts, *chans;
	struct cand *cands = NULL;
	json_t *res = NULL, *list = NULL, *ch;
	size_t n = 0, i;
	bool anon_sort, unknown_form;
	int rc = 0;

	if (out)
		*out = NULL;
	if (!c || !q || !out)
		return -EINVAL;
	texts = content_wegwijzer_texts(c, lang);
	/* "Zeg ik liever niet" is no role of the content: its texts are the
	 * wegwijzer's, and anonymity is always possible. */
	role = str_eq(q->role, CONTENT_ROLE_UNSAID) ? json_object_get(texts, "unsaid")
	                                            : content_role(c, lang, q->role);
	reg = q->org ? content_org_view(c, lang, q->org) : content_region(c, lang, region);
	if (!role || !reg || !q->form ||
	    (!str_eq(q->form, "unknown") && !content_is_form(c, q->form)) ||
	    q->minor > WEGWIJZER_MINOR_UNKNOWN)
		return WEGWIJZER_BAD_INPUT;
	chans = json_object_get(reg, "channels");
	unknown_form = str_eq(q->form, "unknown");
	/* A role that may not stay anonymous gets the note instead of a
	 * different order: its channels are the right ones either way. */
	anon_sort = q->anonymous && !json_is_false(json_object_get(role, "anonymous"));

	cands = calloc(json_array_size(chans) + 1, sizeof(*cands));
	list = json_array();
	if (!cands || !list) {
		rc = -ENOMEM;
		goto out;
	}
	json_array_foreach(chans, i, ch)
	{
		struct cand cd = {.ch = ch, .idx = i};
		const json_t *forms = json_object_get(ch, "forms");
		const json_t *rank = json_object_get(json_object_get(ch, "roles"), q->role);
		const json_t *mrank = json_object_get(json_object_get(ch, "roles_minor"), q->role);
		const char *anon = json_string_value(json_object_get(ch, "anonymous"));
		cd.emergency = json_is_true(json_object_get(ch, "emergency"));
		if (cd.emergency) {
			if (!q->danger)
				continue;
		} else {
			if (!rank)
				continue;
			if (forms) {
				if (lists(forms, q->form))
					cd.form_match = !unknown_form;
				else if (unknown_form)
					cd.form_hint = 1;
				else
					continue;
			}
		}
		cd.rank = rank ? (long)json_integer_value(rank) : 0;
		if (q->minor == WEGWIJZER_MINOR_YES && mrank && !cd.emergency) {
			cd.minor = 1;
			cd.minor_rank = (long)json_integer_value(mrank);
		}
		cd.anon_ok = anon_sort && (str_eq(anon, "yes") || str_eq(anon, "possible"));
		cd.regional = !str_eq(json_string_value(json_object_get(ch, "region")), "nl");
		cands[n++] = cd;
	}
	qsort(cands, n, sizeof(*cands), cand_cmp);
	for (i = 0; i < n; i++) {
		json_t *item = with_why(&cands[i], texts, q, anon_sort);
		if (!item || json_array_append_new(list, item)) {
			rc = -ENOMEM;
			goto out;
		}
	}
	res = json_pack("{s:b, s:O, s:o, s:o}", "acute", q->danger, "channels", list, "advice",
	                advice_for(role, q), "anonymity_note", anonymity_note(q, role, texts));
	if (!res) {
		rc = -ENOMEM;
		goto out;
	}
	*out = res;
out:
	json_decref(list);
	free(cands);
	return rc;
}
