/* wegwijzer: "where do I go with this?" — picks and orders the channels of a
 * region for who is asking, whether there is danger now, which form of
 * exploitation they think of and whether they want to stay anonymous.
 *
 * Owns: nothing beyond the answer it returns. The rules are data: a
 * channel's "roles" (role -> rank), "forms", "anonymous" and "emergency" in
 * content/regions/<id>.json, and the texts in content/<lang>/wegwijzer.json and
 * roles.json; this module only applies them (see wegwijzer.c for the order). */
#ifndef SIGNAAL_DOMAIN_WEGWIJZER_H
#define SIGNAAL_DOMAIN_WEGWIJZER_H

#include <jansson.h>
#include <stdbool.h>

#include "content/content.h"

/* The role, form, region or organisation is not one the content knows. */
#define WEGWIJZER_BAD_INPUT 1

/* "Gaat het om iemand onder de 18, of gebeurt het in het gezin of de
 * familie?" */
enum wegwijzer_minor {
	WEGWIJZER_MINOR_NO = 0,
	WEGWIJZER_MINOR_YES,
	WEGWIJZER_MINOR_UNKNOWN,
};

struct wegwijzer_q {
	const char *role; /* roles.json code, or CONTENT_ROLE_UNSAID */
	bool danger;      /* acute danger now */
	const char *form; /* form code or "unknown" */
	bool anonymous;   /* wants to stay anonymous */
	enum wegwijzer_minor minor;
	/* NULL: the region's channels; else the organisation's view
	 * (content_org_view(): its own channels and its internal contact),
	 * and region is ignored. */
	const char *org;
};

/* Answer for region (its channels with the national ones merged in), or
 * for q->org. On 0, *out (caller owns, json_decref()) = {"acute": bool,
 * "channels": [channel as content_region() gives it, plus "why": why it
 * fits this question, and "form_hint": true for a channel made for one
 * form when the form is "unknown" (listed after the general ones, its
 * "why" saying when it fits)], "advice": [paragraph] of the role (with
 * "advice_young" when q->minor is yes), "anonymity_note": text or null}.
 * The channel list is never empty; 112 is first exactly when danger.
 * The caller may change the top-level keys of the answer and of each
 * channel object; nested values (phones, advice) are shared with the
 * content and must be treated as read-only.
 * Returns WEGWIJZER_BAD_INPUT for an unknown role, form or region, -EINVAL
 * for NULL arguments, -ENOMEM. *out is NULL on any failure. */
int wegwijzer_answer(const struct content *c, const char *lang, const char *region,
                     const struct wegwijzer_q *q, json_t **out);

#endif
