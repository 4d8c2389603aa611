/* routes: the route table of the whole server (http.h, struct route): the
 * one place that names every handler of pages/ and api/ with its policy,
 * CSRF and cache flags. */
#ifndef SIGNAAL_ROUTES_H
#define SIGNAAL_ROUTES_H

#include <stddef.h>

#include "http/http.h"

extern const struct route site_routes[];
extern const size_t site_nroutes;

#endif
