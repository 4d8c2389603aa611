/* content_int.h: what the parts of the content loader share, internal to
 * content/.
 *
 * content.c loads in order and hands out what was loaded; lang.c reads
 * the per-language files (nl/, en/) and checks that both hold the same
 * codes; rules.c reads rules.json; regions.c reads regions/ and merges
 * the national channels into each region; orgs.c reads orgs/. All check
 * through check.h. */
#ifndef SIGNAAL_CONTENT_CONTENT_INT_H
#define SIGNAAL_CONTENT_CONTENT_INT_H

#include <jansson.h>

#include "content/check.h"
#include "content/content.h"
#include "util/buf.h"

enum {
	LANG_NL,
	LANG_EN,
	LANG_COUNT
};
/* "nl", "en": the language codes, by LANG_*. */
extern const char *const content_langs[LANG_COUNT];

/* The closed lists of contract.md (CSV columns forms and reporter_role):
 * reports, exports and the wegwijzer all rely on exactly these codes.
 * NULL-terminated. */
extern const char *const content_contract_forms[];
extern const char *const content_contract_roles[];

struct lang_data {
	json_t *forms;     /* [form] */
	json_t *form_idx;  /* code -> form */
	json_t *signals;   /* flat checklist */
	json_t *risk;      /* [risk factor] */
	json_t *roles;     /* [role] */
	json_t *role_idx;  /* code -> role */
	json_t *quiz;      /* [question] */
	json_t *wegwijzer; /* texts object */
	json_t *regions;   /* id -> resolved region */
	json_t *orgs;      /* id -> resolved organisation view */
	json_t *codes;     /* cross-language registry; only while loading */
};

struct content {
	struct lang_data lang[LANG_COUNT];
	json_t *signal_set; /* signal code -> true */
	json_t *rules;      /* [rule] */
	json_t *orgs;       /* id -> profile */
};

struct loader {
	char *dir; /* owned; without trailing slash */
	struct buf *err;
	struct content *c;
	json_t *raw_regions; /* id -> validated region file */
};

/* Each returns 0, CONTENT_INVALID (L->err says why) or a negative errno,
 * and fills its part of L->c. */

/* lang.c: nl/ and en/ into L->c->lang[] (codes filled while loading, then
 * compared and dropped), and L->c->signal_set. */
int content_load_langs(struct loader *L);
/* rules.c: rules.json into L->c->rules; needs the signals. */
int content_load_rules(struct loader *L);
/* regions.c: regions/ into L->raw_regions and, resolved per language,
 * L->c->lang[].regions. */
int content_load_regions(struct loader *L);
/* orgs.c: orgs/ into L->c->orgs and, resolved per language,
 * L->c->lang[].orgs; needs the regions. */
int content_load_orgs(struct loader *L);

/* regions.c, shared with orgs.c: the checks of a list of channels, of a
 * list of phone numbers and of an email address (cv_key hooks), */
int content_check_channels(struct vctx *v, const char *kp, const json_t *chans);
int content_check_phones(const struct cv_at *at, const char *kp, const json_t *phones);
int content_check_email(const struct cv_at *at, const char *kp, const json_t *x);
/* the merge of chans (validated, texts as {"nl", "en"}) into merged, each
 * resolved to lang and marked with "region": source; a channel with an id
 * already in merged replaces it in place. 0 or -ENOMEM. */
int content_merge_channels(json_t *merged, const json_t *chans, const char *source,
                           const char *lang);
/* and a copy of x (caller owns; NULL: no memory) with every {"nl", "en"}
 * text resolved to lang. */
json_t *content_resolve(const json_t *x, const char *lang);

#endif
