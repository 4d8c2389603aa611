/* history: see history.h. */
#include "domain/history.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "limits.h"
#include "store/audit.h"
#include "store/store.h"

struct collect {
	json_t *newest_first;
};

static int collect_row(void *vctx, const struct store_audit_row *row)
{
	struct collect *c = vctx;
	json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "at", row->at, "action", row->action, "actor",
	                      row->actor, "result", row->result);
	return e && json_array_append_new(c->newest_first, e) == 0 ? 0 : -ENOMEM;
}

int report_history(struct store *s, const char *org, int64_t id, const char *received, json_t **out,
                   int64_t *more)
{
	*out = NULL;
	*more = 0;
	if (id < 1 || !received)
		return -EINVAL;
	char object[AUDIT_OBJECT_MAX_LEN + 1];
	snprintf(object, sizeof object, "report:%" PRId64, id);
	struct collect c = {json_array()};
	json_t *list = json_array();
	int64_t total = 0;
	int rc = c.newest_first && list ? 0 : -ENOMEM;
	if (!rc)
		rc =
		    store_audit_object(s, org, object, REPORT_HISTORY_MAX, collect_row, &c, &total);
	if (!rc &&
	    json_array_append_new(list, json_pack("{s:s, s:s, s:n, s:s}", "at", received, "action",
	                                          "received", "actor", "result", "ok")))
		rc = -ENOMEM;
	for (size_t i = json_array_size(c.newest_first); !rc && i > 0; i--)
		if (json_array_append(list, json_array_get(c.newest_first, i - 1)))
			rc = -ENOMEM;
	json_decref(c.newest_first);
	if (rc) {
		json_decref(list);
		return rc > 0 ? -EIO : rc;
	}
	int64_t shown = (int64_t)json_array_size(list) - 1;
	*more = total > shown ? total - shown : 0;
	*out = list;
	return 0;
}
