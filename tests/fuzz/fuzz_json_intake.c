/* Fuzzes the public intake's JSON: a body is parsed, mapped onto a
 * struct report_input and checked by every rule (api_report_parse), as
 * POST /api/v1/reports does before anything is stored. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "content/content.h"
#include "util/str.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct content *content;
static struct report_org org;
static const char *districts[STORE_MAX_DISTRICTS];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *src = getenv("SIGNAAL_SOURCE_DIR");
	char dir[512];
	snprintf(dir, sizeof dir, "%s/content", src ? src : SIGNAAL_SOURCE_DIR);
	struct buf err = BUF_INIT;
	if (content_load(dir, &content, &err) != 0) {
		fprintf(stderr, "fuzz_json_intake: %s\n", buf_str(&err));
		abort();
	}
	buf_free(&err);
	const json_t *profile = content_org_profile(content, "velsen");
	const json_t *list = json_object_get(profile, "districts");
	size_t i;
	json_t *d;
	json_array_foreach(list, i, d)
	{
		if (org.ndistricts < STORE_MAX_DISTRICTS)
			districts[org.ndistricts++] = json_string_value(d);
	}
	org.id = "velsen";
	org.districts = districts;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > HTTP_MAX_BODY_BYTES)
		return -1;
	struct api_report r;
	struct api_error err;
	int rc = api_report_parse(content, &org, (const char *)data, size, &r, &err);
	if (rc == 0) {
		/* What the handler hands on to intake_submit() must hold. */
		if (!r.in.description ||
		    !str_utf8_valid(r.in.description, strlen(r.in.description)) ||
		    str_chars(r.in.description, strlen(r.in.description)) >
		        REPORT_MAX_DESCRIPTION ||
		    r.in.nsignals > REPORT_MAX_SIGNALS || r.in.nforms > REPORT_MAX_FORMS ||
		    r.in.npeople > REPORT_MAX_PEOPLE)
			abort();
		api_report_free(&r);
	} else if (rc == API_INVALID) {
		/* Every refusal has a message; the field may be "" only for
		 * an unknown key that is itself "". */
		if (!err.message || (!err.field[0] && !memmem(data, size, "\"\"", 2)))
			abort();
	}
	return 0;
}
