/* staff: what the staff pages share (internal to pages/; staff.c, used
 * by staff_admin.c, staff_audit.c and staff_reports.c).
 *
 * Owns the staff layout: every staff page renders through staff_render(),
 * which adds who is logged in, the organisation and the roles, leaves
 * out "Snel weg" and marks the answer personal (never cached). */
#ifndef SIGNAAL_PAGES_STAFF_H
#define SIGNAAL_PAGES_STAFF_H

#include <jansson.h>
#include <stdbool.h>

#include "http/http.h"

/* Renders template tmpl with d (borrowed) in the staff layout. */
int staff_render(struct req *req, struct resp *resp, int status, const char *tmpl, json_t *d);

/* The Dutch msgid of one role bit ("Behandelaar"), or NULL. */
const char *staff_role_label(unsigned bit);
/* "Behandelaar (aandachtsfunctionaris), Beheerder" in the request's
 * language (new reference, NULL without memory). */
json_t *staff_roles_text(const struct req *req, unsigned roles, bool af);
/* Redirects to path (with "/en" before it for an English request): 303
 * after a POST, else 302. path is at most 100 bytes. */
int staff_go(struct req *req, struct resp *resp, const char *path);

#endif
