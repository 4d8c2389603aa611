/* Fuzzes POST /api/v1/follow: the input is the JSON body, handed to the
 * real handler (api_follow) of a real site with a real intake (see
 * fuzz_site.h), as the server hands it after reading the body.
 *
 * At start one report is stored; every "@R@" in the input is replaced by
 * its receipt, so that the fuzzer also reaches a receipt that is found:
 * the conversation, messages added to it, and (after REPORT_MAX_MESSAGES)
 * a closed one. The throttles' clock moves on a day per input, so that
 * earlier wrong receipts never hold a later input back.
 *
 * Checks what a client relies on: the handler never fails (a 500 for
 * input is a finding), every answer is a JSON object of a status the
 * contract names, an error has a message, and a 200 holds the status and
 * the messages. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/intake.h"
#include "fuzz_site.h"
#include "http/throttle.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct site *site;
static char receipt[RECEIPT_TEXT_LEN + 1];
static uint64_t fake_now = 1000000;

static uint64_t fake_clock(void)
{
	return fake_now;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	site = fz_site_open();
	throttle_set_clock(fake_clock);
	fz_site_store_report(site, receipt);
	return 0;
}

/* The body with every "@R@" replaced by the stored report's receipt. */
static void expand(const uint8_t *data, size_t size, struct buf *out)
{
	size_t i = 0;
	while (i < size) {
		const uint8_t *at = i + 3 <= size ? memmem(data + i, size - i, "@R@", 3) : NULL;
		size_t n = at ? (size_t)(at - (data + i)) : size - i;
		if (buf_append(out, data + i, n) != 0)
			abort();
		i += n;
		if (at) {
			if (buf_puts(out, receipt) != 0)
				abort();
			i += 3;
		}
	}
}

static bool known_status(int s)
{
	return s == 200 || s == 400 || s == 404 || s == 409 || s == 413 || s == 415 || s == 429 ||
	       s == 503;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > HTTP_MAX_BODY_BYTES / 2)
		return -1;
	fake_now += 24 * 3600;
	struct req req = {0};
	req.method = HTTP_POST;
	req.path = "/api/v1/follow";
	req.content_type = "application/json";
	req.lang = size % 2 ? "en" : "nl";
	req.site = site;
	req.org = site->default_org;
	expand(data, size, &req.body);
	struct resp resp = {0};
	resp.status = 200;

	int rc = api_follow(&req, &resp);
	if (rc != 0) {
		fprintf(stderr, "fuzz_follow: handler failed: %d (the server answers 500)\n", rc);
		abort();
	}
	if (!known_status(resp.status) || !resp.content_type ||
	    strncmp(resp.content_type, "application/json", 16) != 0) {
		fprintf(stderr, "fuzz_follow: status %d, type %s\n", resp.status,
		        resp.content_type ? resp.content_type : "(none)");
		abort();
	}
	json_error_t je;
	json_t *ans = json_loadb(resp.body.data ? resp.body.data : "", resp.body.len, 0, &je);
	if (!json_is_object(ans)) {
		fprintf(stderr, "fuzz_follow: the answer is not a JSON object: %s\n", je.text);
		abort();
	}
	if (resp.status == 200) {
		if (!json_is_string(json_object_get(ans, "status")) ||
		    !json_is_array(json_object_get(ans, "messages")))
			abort();
	} else {
		json_t *e = json_object_get(ans, "error");
		const char *msg = json_string_value(json_object_get(e, "message"));
		if (!msg || !*msg)
			abort();
	}
	json_decref(ans);
	resp_free(&resp);
	buf_free(&req.body);
	return 0;
}
