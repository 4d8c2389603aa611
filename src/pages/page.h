/* page: page_render(), which puts a page template inside the layout of
 * the request's organisation, and the error pages. The context every
 * handler shares (content, templates, store, organisations) is site/. */
#ifndef SIGNAAL_PAGES_PAGE_H
#define SIGNAAL_PAGES_PAGE_H

#include <jansson.h>
#include <stdbool.h>

#include "http/http.h"
#include "site/site.h"

/* Translates a Dutch msgid into the request's language. Never NULL. */
const char *page_tr(const struct req *req, const char *msgid);

/* Renders template tmpl with data (borrowed, may be NULL) inside the
 * layout, into resp with status. The template sees:
 *   site.* (name, org, region, quick_exit_url, css, js),
 *   base   ("" for Dutch, "/en" for English: prefix every site link),
 *   lang, path, plus every key of data.
 * data may set "title" (the page title, already translated). */
int page_render(struct req *req, struct resp *resp, int status, const char *tmpl, json_t *data);

/* The same with one fragment of HTML the code built itself (an inline
 * SVG), which the template places with {{{frag_name}}}. */
int page_render_frag(struct req *req, struct resp *resp, int status, const char *tmpl, json_t *data,
                     const char *frag_name, const char *frag_html);

/* The error page for status (404, 405, 400, 413, 431, 500 ...). */
void page_error(struct req *req, struct resp *resp, int status);

#endif
