/* Fuzzes the template compiler and renderer: the input is split at the
 * first \x01 into two templates ("a" may include "b" as a partial), which
 * are compiled and, when they compile, rendered with a small data value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "render/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_t *model(void)
{
	static json_t *d;
	if (!d)
		d = json_loads("{\"a\":[{\"b\":\"<x>\",\"u\":\"javascript:x\"},{\"a\":[]}],"
		               "\"b\":true,\"u\":\"/x\",\"n\":0,\"s\":\"str\",\"o\":{\"k\":\"v\"}}",
		               0, NULL);
	return d;
}

static const char *tr(void *ctx, const char *msgid)
{
	(void)ctx;
	return msgid[0] == 'x' ? "vertaald" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > TMPL_MAX_FILE_BYTES)
		return -1;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	const char *names[] = {"a", "b"};
	const char *srcs[] = {s, ""};
	char *sep = memchr(s, 1, size);
	if (sep) {
		*sep = '\0';
		srcs[1] = sep + 1;
	}
	struct tmpl_set *set = NULL;
	struct buf err = BUF_INIT;
	if (tmpl_set_from_strings(names, srcs, 2, &set, &err) == 0) {
		struct tmpl_frag f = {"f", "<i>"};
		struct buf out = BUF_INIT;
		tmpl_render(set, "a", model(), &f, 1, tr, NULL, &out);
		buf_reset(&out);
		tmpl_render(set, "b", model(), NULL, 0, NULL, NULL, &out);
		buf_free(&out);
	}
	buf_free(&err);
	tmpl_set_free(set);
	free(s);
	return 0;
}
