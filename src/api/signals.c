/* signals: GET /api/v1/signals, the checklist of signals a report may
 * tick, in the request's language. */
#include <errno.h>
#include <stdlib.h>

#include "api/api.h"
#include "content/content.h"
#include "site/site.h"

int api_signals(struct req *req, struct resp *resp)
{
	const json_t *list = content_signals(req->site->content, req->lang);
	if (!list)
		return -ENOENT;
	/* The content is shared by all threads: serialise it without even
	 * touching its reference count. */
	char *text = json_dumps(list, JSON_COMPACT);
	if (!text)
		return -ENOMEM;
	int rc = resp_json(resp, 200, text);
	free(text);
	return rc;
}
