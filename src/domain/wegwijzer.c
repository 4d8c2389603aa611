/* wegwijzer.c: applies the channel tags of the region files.
 *
 * Which channels: 112 (emergency) only when there is danger; otherwise every
 * channel that names the role in "roles" and either has no "forms" or lists
 * the asked form. Order, each step breaking ties of the one before:
 *   1. the emergency channel, when there is danger;
 *   2. when the person wants anonymity and the role allows it: channels
 *      with anonymous "yes" or "possible" before those with "no";
 *   3. the channel's rank for the role (1 first);
 *   4. channels made for the asked form before general ones;
 *   5. a region's own channel before a national one;
 *   6. file order.
 * Rank comes before the form so that the data decides: the inspectorate is
 * rank 1 for a bystander but not above the aandachtsfunctionaris for an
 * employee, who should ask inside the organisation first.
 * The "why" of a channel is: the form text (when it matched on form), the
 * channel's purpose, and the anonymity text (when that was asked for). */
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
	json_t *copy = NULL;
	const char *anon = json_string_value(json_object_get(cd->ch, "anonymous"));
	int rc = 0;

	if (cd->form_match)
		rc = add_sentence(&why,
		                  json_object_get(json_object_get(texts, "why_form"), q->form));
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
	if (copy && json_object_set_new(copy, "why", json_string(buf_str(&why)))) {
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
	if (!json_is_true(json_object_get(role, "anonymous")))
		return json_incref(json_object_get(role, "anonymous_note"));
	rc = q->danger ? add_sentence(&b, json_object_get(notes, "emergency")) : 0;
	if (!rc)
		rc = add_sentence(&b, json_object_get(notes, "anonymous"));
	if (!rc)
		note = json_string(buf_str(&b));
	buf_free(&b);
	return note;
}

int wegwijzer_answer(const struct content *c, const char *lang, const char *region,
                     const struct wegwijzer_q *q, json_t **out)
{
	const json_t *reg, *role, *texts, *chans;
	struct cand *cands = NULL;
	json_t *res = NULL, *list = NULL, *ch;
	size_t n = 0, i;
	bool anon_sort;
	int rc = 0;

	if (out)
		*out = NULL;
	if (!c || !q || !out)
		return -EINVAL;
	role = content_role(c, lang, q->role);
	reg = content_region(c, lang, region);
	if (!role || !reg || !q->form ||
	    (!str_eq(q->form, "unknown") && !content_is_form(c, q->form)))
		return WEGWIJZER_BAD_INPUT;
	texts = content_wegwijzer_texts(c, lang);
	chans = json_object_get(reg, "channels");
	/* A role that may not stay anonymous gets the note instead of a
	 * different order: its channels are the right ones either way. */
	anon_sort = q->anonymous && json_is_true(json_object_get(role, "anonymous"));

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
		const char *anon = json_string_value(json_object_get(ch, "anonymous"));
		cd.emergency = json_is_true(json_object_get(ch, "emergency"));
		if (cd.emergency) {
			if (!q->danger)
				continue;
		} else {
			if (!rank)
				continue;
			if (forms) {
				if (!lists(forms, q->form))
					continue;
				cd.form_match = 1;
			}
		}
		cd.rank = rank ? (long)json_integer_value(rank) : 0;
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
	                json_incref(json_object_get(role, "advice")), "anonymity_note",
	                anonymity_note(q, role, texts));
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
