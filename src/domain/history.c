/* history: see history.h. */
#include "domain/history.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "limits.h"
#include "store/audit.h"
#include "store/store.h"

static int collect_row(void *vctx, const struct store_audit_row *row)
{
	struct history_read *h = vctx;
	/* Set one by one rather than by json_pack, whose format is parsed
	 * anew for every line (a quarter of a report view's instructions
	 * with a full history). json_string checks that the text is UTF-8,
	 * as json_pack's "s" does. */
	json_t *e = json_object();
	if (!e || json_array_append_new(h->newest_first, e) != 0)
		return -ENOMEM;
	return json_object_set_new_nocheck(e, "at", json_string(row->at)) ||
	               json_object_set_new_nocheck(e, "action", json_string(row->action)) ||
	               json_object_set_new_nocheck(e, "actor", json_string(row->actor)) ||
	               json_object_set_new_nocheck(e, "result", json_string(row->result))
	           ? -ENOMEM
	           : 0;
}

int history_begin(struct history_read *h, int64_t id, struct store_report_extra *x)
{
	if (id < 1)
		return -EINVAL;
	snprintf(h->object, sizeof h->object, "report:%" PRId64, id);
	h->newest_first = json_array();
	if (!h->newest_first)
		return -ENOMEM;
	x->history_object = h->object;
	x->history_limit = REPORT_HISTORY_MAX;
	x->history_row = collect_row;
	x->history_ctx = h;
	return 0;
}

int history_end(struct history_read *h, int rc, const char *received, int64_t total, json_t **out,
                int64_t *more)
{
	*out = NULL;
	*more = 0;
	json_t *list = NULL;
	if (!rc && !received)
		rc = -EINVAL;
	if (!rc) {
		list = json_array();
		rc = list ? 0 : -ENOMEM;
	}
	if (!rc &&
	    json_array_append_new(list, json_pack("{s:s, s:s, s:n, s:s}", "at", received, "action",
	                                          "received", "actor", "result", "ok")))
		rc = -ENOMEM;
	for (size_t i = json_array_size(h->newest_first); !rc && i > 0; i--)
		if (json_array_append(list, json_array_get(h->newest_first, i - 1)))
			rc = -ENOMEM;
	json_decref(h->newest_first);
	h->newest_first = NULL;
	if (rc) {
		json_decref(list);
		return rc > 0 ? -EIO : rc;
	}
	int64_t shown = (int64_t)json_array_size(list) - 1;
	*more = total > shown ? total - shown : 0;
	*out = list;
	return 0;
}

int report_history(struct store *s, const char *org, int64_t id, const char *received, json_t **out,
                   int64_t *more)
{
	*out = NULL;
	*more = 0;
	if (id < 1 || !received)
		return -EINVAL;
	struct history_read h;
	struct store_report_extra x = {0};
	int rc = history_begin(&h, id, &x);
	if (rc)
		return rc;
	int64_t total = 0;
	rc = store_audit_object(s, org, x.history_object, x.history_limit, collect_row, &h, &total);
	return history_end(&h, rc, received, total, out, more);
}
