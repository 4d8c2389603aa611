/* csrf: see csrf.h. */
#include "auth/csrf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "util/str.h"

#define MAC_BYTES 32u

const char *csrf_cookie_name(bool secure)
{
	return secure ? CSRF_COOKIE_HOST : CSRF_COOKIE;
}

void csrf_cookie_new(char out[CSRF_COOKIE_LEN + 1])
{
	unsigned char raw[CSRF_COOKIE_LEN / 2];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, CSRF_COOKIE_LEN + 1, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
}

bool csrf_cookie_valid(const char *cookie)
{
	if (!cookie || strlen(cookie) != CSRF_COOKIE_LEN)
		return false;
	for (const char *p = cookie; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

/* MAC over "cookie.time": both are fixed-alphabet text without '.', so
 * the joined message is unambiguous. */
static void mac(const unsigned char key[CSRF_KEY_BYTES], const char *cookie, uint64_t t,
                unsigned char out[MAC_BYTES])
{
	char msg[CSRF_COOKIE_LEN + 1 + 21];
	int n = snprintf(msg, sizeof msg, "%s.%llu", cookie, (unsigned long long)t);
	crypto_generichash(out, MAC_BYTES, (const unsigned char *)msg, (size_t)n, key,
	                   CSRF_KEY_BYTES);
}

int csrf_token(const unsigned char key[CSRF_KEY_BYTES], const char *cookie, uint64_t now,
               char out[CSRF_TOKEN_MAX + 1])
{
	if (!csrf_cookie_valid(cookie))
		return -EINVAL;
	unsigned char m[MAC_BYTES];
	mac(key, cookie, now, m);
	int n = snprintf(out, CSRF_TOKEN_MAX + 1, "%llu.", (unsigned long long)now);
	sodium_bin2hex(out + n, CSRF_TOKEN_MAX + 1 - (size_t)n, m, sizeof m);
	return 0;
}

bool csrf_verify(const unsigned char key[CSRF_KEY_BYTES], const char *cookie, const char *token,
                 uint64_t now)
{
	if (!key || !csrf_cookie_valid(cookie) || !token || strlen(token) > CSRF_TOKEN_MAX)
		return false;
	const char *dot = strchr(token, '.');
	if (!dot || dot == token || (size_t)(dot - token) > 20)
		return false;
	char num[21];
	memcpy(num, token, (size_t)(dot - token));
	num[dot - token] = '\0';
	uint64_t t;
	if (str_parse_u64(num, 0, UINT64_MAX, &t) != 0)
		return false;
	if (t > now + CSRF_CLOCK_SKEW_S || (now > t && now - t > CSRF_MAX_AGE_S))
		return false;
	const char *hex = dot + 1;
	if (strlen(hex) != 2 * MAC_BYTES)
		return false;
	unsigned char given[MAC_BYTES], want[MAC_BYTES];
	size_t len = 0;
	if (sodium_hex2bin(given, sizeof given, hex, 2 * MAC_BYTES, NULL, &len, NULL) != 0 ||
	    len != MAC_BYTES)
		return false;
	mac(key, cookie, t, want);
	return sodium_memcmp(given, want, MAC_BYTES) == 0;
}

int csrf_prepare(const unsigned char key[CSRF_KEY_BYTES], const struct req *req, struct resp *resp,
                 char token[CSRF_TOKEN_MAX + 1])
{
	char fresh[CSRF_COOKIE_LEN + 1];
	const char *name = csrf_cookie_name(req->secure);
	const char *cookie = req_cookie(req, name);
	if (!csrf_cookie_valid(cookie)) {
		csrf_cookie_new(fresh);
		cookie = fresh;
		char hdr[128];
		/* "__Host-" also requires exactly these: Secure, Path=/, no Domain. */
		snprintf(hdr, sizeof hdr, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", name, fresh,
		         req->secure ? "; Secure" : "");
		int rc = resp_header(resp, "Set-Cookie", hdr);
		if (rc)
			return rc;
	}
	/* The page now holds a token bound to this visitor's cookie. */
	resp->personal = true;
	return csrf_token(key, cookie, (uint64_t)time(NULL), token);
}

bool csrf_check(const unsigned char key[CSRF_KEY_BYTES], const struct req *req)
{
	return csrf_verify(key, req_cookie(req, csrf_cookie_name(req->secure)),
	                   req_form(req, CSRF_FIELD), (uint64_t)time(NULL));
}
