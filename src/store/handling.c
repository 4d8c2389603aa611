/* handling: the changes staff make to a report (store.h, "handling").
 *
 * Owns: writing a report's status, outcome and concreteness, always
 * through its organisation, inside the caller's transaction (so that the
 * audit entry of the change is written in the same one). The rules of
 * which change may follow which are the domain's. */
#include <errno.h>
#include <string.h>

#include "store/backend.h"
#include "store/store.h"
#include "util/str.h"

static bool code_ok(const char *s)
{
	return s && *s && strlen(s) <= STORE_CODE_MAX_LEN && str_is_id(s, STORE_CODE_MAX_LEN);
}

int store_tx_report_set_state(struct store_tx *tx, const char *org, int64_t id, const char *status,
                              const char *outcome, const char *concrete)
{
	if (!code_ok(status) || !code_ok(outcome) || !code_ok(concrete) || id < 1)
		return -EINVAL;
	if (!str_is_id(org, ID_MAX_LEN))
		return STORE_NOT_FOUND;
	bool found = false;
	struct store_val p[] = {sv_text(org), sv_int(id), sv_text(status), sv_text(outcome),
	                        sv_text(concrete)};
	int rc = store_tx_exec(tx, STMT_REPORT_SET_STATE, p, 5, store_row_found, &found);
	if (rc)
		return rc;
	return found ? 0 : STORE_NOT_FOUND;
}
