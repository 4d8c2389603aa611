/* csrf: protection of every public form against cross-site requests,
 * without a login.
 *
 * A page with a form sets a short-lived session cookie "signaal_csrf"
 * (128 random bits, HttpOnly, SameSite=Strict, Path=/, Secure over https,
 * no Max-Age; named "__Host-signaal_csrf" over https, so that a browser
 * takes it only from this host over https, with Path=/ and no Domain: a
 * sibling subdomain or a plain-http answer cannot plant one of its own)
 * and puts a token in a hidden field "csrf": the time it was
 * made and a keyed BLAKE2b MAC over the cookie value and that time. A POST
 * is accepted when its token matches its cookie and is at most
 * CSRF_MAX_AGE_S old. Another site can neither read the cookie nor make a
 * token for it, and SameSite=Strict keeps the browser from sending it.
 *
 * Owns nothing: the key is the site's (derived from the key file). */
#ifndef SIGNAAL_AUTH_CSRF_H
#define SIGNAAL_AUTH_CSRF_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"

#define CSRF_COOKIE "signaal_csrf"
/* The name over https (RFC 6265bis, cookie name prefixes). */
#define CSRF_COOKIE_HOST "__Host-signaal_csrf"
#define CSRF_FIELD       "csrf"
#define CSRF_KEY_BYTES   32u
/* Hex of 16 random bytes. */
#define CSRF_COOKIE_LEN 32u
/* "<seconds since 1970, decimal>.<hex of a 32-byte MAC>". */
#define CSRF_TOKEN_MAX (20u + 1u + 64u)
/* Seconds a token may come from the future (clocks of several servers). */
#define CSRF_CLOCK_SKEW_S 60u

/* The cookie's name for a site served over https (secure) or not: both
 * setting and reading it use this, so that over https a cookie without
 * the prefix is never read. Browsers refuse "__Host-" without Secure,
 * hence the plain name over plain http (loopback development). */
const char *csrf_cookie_name(bool secure);
/* Fills out with a new random cookie value (CSPRNG). */
void csrf_cookie_new(char out[CSRF_COOKIE_LEN + 1]);
/* True when cookie has the form csrf_cookie_new() makes. */
bool csrf_cookie_valid(const char *cookie);
/* Makes the token for cookie at time now. 0, or -EINVAL for a bad cookie. */
int csrf_token(const unsigned char key[CSRF_KEY_BYTES], const char *cookie, uint64_t now,
               char out[CSRF_TOKEN_MAX + 1]);
/* True when token was made for cookie with key, at most CSRF_MAX_AGE_S
 * before now. Compares in constant time. Any argument may be NULL. */
bool csrf_verify(const unsigned char key[CSRF_KEY_BYTES], const char *cookie, const char *token,
                 uint64_t now);

/* For a page that shows a form: takes the request's cookie, or makes one
 * and sets it on resp, and fills token for the hidden field. 0 or -errno. */
int csrf_prepare(const unsigned char key[CSRF_KEY_BYTES], const struct req *req, struct resp *resp,
                 char token[CSRF_TOKEN_MAX + 1]);
/* For a POST: true when the request's "csrf" field fits its cookie. */
bool csrf_check(const unsigned char key[CSRF_KEY_BYTES], const struct req *req);

#endif
