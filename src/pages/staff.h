/* staff: what the staff pages share (internal to pages/; staff.c).
 *
 * Owns the staff layout: every staff page renders through staff_render(),
 * which adds who is logged in, the organisation and the roles, leaves
 * out "Snel weg" and marks the answer personal (never cached). */
#ifndef SIGNAAL_PAGES_STAFF_H
#define SIGNAAL_PAGES_STAFF_H

#include <jansson.h>

#include "http/http.h"

/* Renders template tmpl with d (borrowed) in the staff layout. */
int staff_render(struct req *req, struct resp *resp, int status, const char *tmpl, json_t *d);

#endif
