/* Fuzzes what Signaal reads of a Content-Type header: the JSON endpoints'
 * check (api_is_json_type, whose "no" is a 415) and the server's choice
 * to read a body as a form (http_is_form_type).
 *
 * The input up to its first NUL is the header value. Checks:
 *  - api_is_json_type agrees with a plain implementation of its promise
 *    written here: "application/json" in any case, then parameters
 *    (";" name "=" value or quoted value, whitespace around them), of
 *    which a charset must be UTF-8 (utf-8 or utf8, any case);
 *  - http_is_form_type is true exactly for the two form types as a
 *    prefix, any case;
 *  - no value is both JSON and a form. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "http/server_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool ows(char c)
{
	return c == ' ' || c == '\t';
}

static bool ieq(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && strncasecmp(s, lit, n) == 0;
}

static bool reference_json(const char *s)
{
	if (strncasecmp(s, "application/json", 16) != 0)
		return false;
	size_t i = 16;
	for (;;) {
		while (ows(s[i]))
			i++;
		if (s[i] == '\0')
			return true;
		if (s[i] != ';')
			return false;
		i++;
		while (ows(s[i]))
			i++;
		size_t name = i;
		while (s[i] != '\0' && s[i] != '=' && s[i] != ';' && !ows(s[i]))
			i++;
		size_t nlen = i - name;
		if (s[i] != '=')
			return false;
		i++;
		size_t val, vlen;
		if (s[i] == '"') {
			val = ++i;
			const char *q = strchr(s + i, '"');
			if (!q)
				return false;
			vlen = (size_t)(q - (s + i));
			i += vlen + 1;
		} else {
			val = i;
			while (s[i] != '\0' && s[i] != ';' && !ows(s[i]))
				i++;
			vlen = i - val;
		}
		if (ieq(s + name, nlen, "charset") && !ieq(s + val, vlen, "utf-8") &&
		    !ieq(s + val, vlen, "utf8"))
			return false;
	}
}

static bool reference_form(const char *s)
{
	static const char *const types[] = {"application/x-www-form-urlencoded",
	                                    "multipart/form-data"};
	for (size_t i = 0; i < 2; i++)
		if (strncasecmp(s, types[i], strlen(types[i])) == 0)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *ct = malloc(size + 1);
	if (!ct)
		return 0;
	memcpy(ct, data, size);
	ct[size] = '\0';
	bool json = api_is_json_type(ct);
	bool form = http_is_form_type(ct);
	if (json != reference_json(ct))
		abort();
	if (form != reference_form(ct))
		abort();
	if (json && form)
		abort();
	if (api_is_json_type(NULL) || http_is_form_type(NULL))
		abort();
	free(ct);
	return 0;
}
