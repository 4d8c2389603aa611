/* html: the escaping writers every byte of untrusted text goes through on
 * its way into an HTML page.
 *
 * Owns: nothing; the functions append to a caller's struct buf.
 * Errors: 0 on success, -ENOMEM when the buffer cannot grow (the buffer may
 * then hold part of the output; callers discard it). */
#ifndef SIGNAAL_RENDER_HTML_H
#define SIGNAAL_RENDER_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Appends s[0..n) escaped for HTML text and for quoted attribute values
 * (either quote): & < > " ' become entities, NUL bytes are dropped and
 * every ill-formed UTF-8 sequence (overlong, surrogate, truncated, above
 * U+10FFFF) becomes U+FFFD, so the page stays valid UTF-8 whatever the
 * input. */
int html_escape(struct buf *out, const char *s, size_t n);

/* True when s[0..n), used as a URL in href/src/action, cannot run code:
 * it has no scheme (a relative or fragment URL) or its scheme is http,
 * https, mailto or tel. The scheme is read the way browsers do: leading
 * spaces and control bytes are skipped and tab, CR and LF ignored, case
 * does not matter. Conservative: anything scheme-like that is not on the
 * list (data:, javascript:, vbscript:, "a:b") is refused. */
bool html_url_allowed(const char *s, size_t n);

/* Appends s[0..n) for a quoted URL attribute: html_escape() of s when
 * html_url_allowed(), else "#". For code building small fragments such as
 * <a href="...">; templates apply the same rule by themselves. */
int html_escape_url(struct buf *out, const char *s, size_t n);

#endif
