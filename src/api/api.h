/* api: the public JSON endpoints of the contract (contract.md, "HTTP"):
 * GET /api/v1/signals, POST /api/v1/reports, POST /api/v1/follow.
 *
 * Owns: the mapping of JSON bodies onto the domain's typed input (strict:
 * unknown keys, duplicate keys and wrong types are errors naming the
 * field), and the JSON shape of answers and errors. The rules themselves
 * are the domain's (report_check), the same as the web form's.
 *
 * Every answer is application/json and not stored by the browser; an error
 * is {"error": {"field": "...", "message": "..."}} with a Dutch message
 * (English under /en). Nothing a reporter sent is echoed back, except their
 * own conversation on follow. */
#ifndef SIGNAAL_API_API_H
#define SIGNAAL_API_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "domain/report.h"
#include "http/http.h"

/* --- Handlers (route table in src/routes.c) --------------------------- */
int api_signals(struct req *req, struct resp *resp); /* GET /api/v1/signals */
int api_reports(struct req *req, struct resp *resp); /* POST /api/v1/reports */
int api_follow(struct req *req, struct resp *resp);  /* POST /api/v1/follow */
/* staff.c: bearer token (the route policy resolves req->principal) */
int api_me(struct req *req, struct resp *resp);    /* GET /api/v1/me */
int api_users(struct req *req, struct resp *resp); /* GET /api/v1/users (admin) */
/* staff_reports.c */
int api_staff_reports(struct req *req, struct resp *resp); /* GET /api/v1/reports */
int api_staff_report(struct req *req, struct resp *resp);  /* GET /api/v1/reports/:id */

/* --- Parsing (no HTTP; also used by the fuzz harness) ----------------- */

/* A body that breaks a rule (see struct api_error). */
#define API_INVALID 1

/* The first problem found: the field as the API names it ("body" for the
 * body as a whole, "description", "contact.email", "people[1].age", or an
 * unknown key as sent, shortened) and a Dutch msgid. */
struct api_error {
	char field[80];
	const char *message;
};

/* A parsed report. in's strings point into root. */
struct api_report {
	json_t *root;
	struct report_input in;
};

/* Parses a JSON body strictly (one object, no duplicate keys, only the
 * contract's keys plus "when" and "people", the right types), maps it to
 * out->in, checks org against org->id and then every rule of
 * report_check(). Returns 0 (out filled; free with api_report_free()),
 * API_INVALID (err filled, out empty) or -ENOMEM. */
int api_report_parse(const struct content *c, const struct report_org *org, const char *body,
                     size_t len, struct api_report *out, struct api_error *err);
void api_report_free(struct api_report *r);

/* True when a Content-Type header names JSON: application/json, any case,
 * with parameters, of which a charset must be UTF-8. */
bool api_is_json_type(const char *content_type);

/* Parses body as one JSON object with no duplicate keys. Returns the
 * object (caller owns) or NULL with err set (field "body"). */
json_t *api_parse_object(const char *body, size_t len, struct api_error *err);

/* Sets err (field copied, shortened to fit on a UTF-8 boundary). Returns
 * API_INVALID. */
int api_error_set(struct api_error *err, const char *field, const char *msgid);

/* --- Answers ---------------------------------------------------------- */

/* Answers status with v serialised (v is consumed, may be NULL = -ENOMEM). */
int api_answer(struct resp *resp, int status, json_t *v);
/* Answers {"error": {"field", "message"}} (field omitted when NULL), the
 * message translated into the request's language. */
int api_fail(struct req *req, struct resp *resp, int status, const char *field, const char *msgid);
/* 429 with Retry-After: seconds. */
int api_throttled(struct req *req, struct resp *resp, unsigned seconds);
/* 415 for a body that is not JSON. */
int api_not_json(struct req *req, struct resp *resp);

#endif
