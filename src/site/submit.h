/* submit: handing a checked report to the intake without holding a worker
 * thread. The web form and the JSON API both queue the report, defer their
 * answer (http.h, req_defer) and answer in their finish function once the
 * writer thread has committed it, so concurrent reports share one commit
 * (group commit) and nobody is told "received" before it is durable. */
#ifndef SIGNAAL_SITE_SUBMIT_H
#define SIGNAAL_SITE_SUBMIT_H

#include <stdint.h>

#include "domain/intake.h"
#include "http/http.h"

/* What the finish function finds in req->defer_data. */
struct submit_result {
	int rc; /* 0, INTAKE_INVALID or -errno, from the writer */
	struct intake_receipt receipt;
	int64_t id;
};

/* Queues r and defers the answer to finish. Returns 0 (deferred: return 0
 * from the handler without filling resp), or INTAKE_BUSY, INTAKE_INVALID,
 * -ENOMEM, -ENODEV (no intake): then nothing is deferred and the handler
 * answers itself. */
int submit_deferred(struct req *req, const struct report_org *org, const struct report_input *r,
                    req_finish_fn finish);
/* The result in a finish function; wipe the receipt after use. */
struct submit_result *submit_result(struct req *req);

#endif
