/* staff_audit: the admin page of the audit log, /staf/beheer/audit, and
 * its CSV download, /staf/beheer/audit.csv (issue 9, section 5).
 *
 * The reader's organisation's entries, newest first, filtered by actor,
 * action, object and period (audit/list.h), paged by keyset (?before=N,
 * no OFFSET). The download holds every entry of the filters, formula-safe
 * (render/csv.h), and is itself an audit entry (audit.export), written
 * before the data leaves.
 *
 * Who may: the route's policy (policy_staff_admin, pages/policy.h): the
 * dispatcher lets only an admin in, with req->principal set. The reader
 * sees their own organisation's entries, and a download is recorded with
 * them as its actor (reader_of()). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/list.h"
#include "domain/accounts.h"
#include "http/validate.h"
#include "pages/formkit.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/str.h"

#define AUDIT_PAGE_ROWS 50u

_Static_assert(AUDIT_PAGE_ROWS <= AUDIT_PAGE_MAX, "a page fits the list's limit");

enum {
	AF_ACTOR,
	AF_ACTION,
	AF_OBJECT,
	AF_FROM,
	AF_UNTIL,
	AF_BEFORE,
	AF_NFIELDS
};

/* Shapes beyond length are audit_query_check()'s, which knows them. */
static const struct field_spec audit_fields[AF_NFIELDS] = {
    [AF_ACTOR] = {.name = "actor", .type = FT_TEXT, .maxlen = AUDIT_ACTOR_MAX_LEN},
    [AF_ACTION] = {.name = "action", .type = FT_TEXT, .maxlen = 32},
    [AF_OBJECT] = {.name = "object", .type = FT_TEXT, .maxlen = AUDIT_OBJECT_MAX_LEN},
    [AF_FROM] = {.name = "from", .type = FT_TEXT, .maxlen = 10},
    [AF_UNTIL] = {.name = "until", .type = FT_TEXT, .maxlen = 10},
    [AF_BEFORE] = {.name = "before", .type = FT_UINT, .min = 1, .max = INT64_MAX},
};

/* Who reads: the organisation whose entries they see and their actor. The
 * policy guarantees a principal; without one (a route table mistake) the
 * answer is -EACCES, never another organisation's log. */
static int reader_of(const struct req *req, const char **org, char actor[AUDIT_ACTOR_MAX_LEN + 1])
{
	const struct principal *p = req->principal;
	if (!p)
		return -EACCES;
	*org = p->org;
	return audit_actor_user(actor, p->login);
}

struct filters {
	struct audit_query q;
	int64_t before;
	bool invalid;
	bool denied; /* no principal: refused whatever the filters */
	struct field_value v[AF_NFIELDS];
};

static const char *text_of(const struct field_value *v)
{
	return v->present ? v->text : NULL;
}

static void read_filters(const struct req *req, struct filters *f)
{
	struct field_error errs[AF_NFIELDS];
	memset(f, 0, sizeof *f);
	f->invalid = validate_fields(req->query, req->nquery, audit_fields, AF_NFIELDS, NULL, f->v,
	                             errs) != 0;
	char actor[AUDIT_ACTOR_MAX_LEN + 1];
	f->denied = reader_of(req, &f->q.org, actor) != 0;
	f->q.actor = text_of(&f->v[AF_ACTOR]);
	f->q.object = text_of(&f->v[AF_OBJECT]);
	f->q.from = text_of(&f->v[AF_FROM]);
	f->q.until = text_of(&f->v[AF_UNTIL]);
	f->q.action = -1;
	if (f->v[AF_ACTION].present) {
		f->q.action = audit_action_find(f->v[AF_ACTION].text);
		if (f->q.action < 0)
			f->invalid = true;
	}
	f->before = f->v[AF_BEFORE].present ? (int64_t)f->v[AF_BEFORE].num : 0;
	if (!f->invalid && audit_query_check(&f->q))
		f->invalid = true;
}

/* The filters as a query string (without before). */
static int filter_query(const struct filters *f, struct buf *b)
{
	buf_reset(b);
	int rc = fk_query_add(b, "actor", f->q.actor);
	if (!rc)
		rc =
		    fk_query_add(b, "action", f->q.action >= 0 ? audit_actions[f->q.action] : NULL);
	if (!rc)
		rc = fk_query_add(b, "object", f->q.object);
	if (!rc)
		rc = fk_query_add(b, "from", f->q.from);
	if (!rc)
		rc = fk_query_add(b, "until", f->q.until);
	if (!rc && !b->len)
		rc = buf_puts(b, ""); /* a string, also when empty */
	return rc;
}

static int row_json(void *ctx, const struct store_audit_row *r)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "seq", (json_int_t)r->seq, "at",
	                      r->at, "actor", r->actor, "action", r->action, "object", r->object,
	                      "result", r->result);
	return o && json_array_append_new(ctx, o) == 0 ? 0 : -ENOMEM;
}

/* The value a filter field shows: what was sent, also when it did not fit. */
static json_t *shown(const struct field_value *v)
{
	return json_string(v->sent && v->text ? v->text : "");
}

int page_staff_audit(struct req *req, struct resp *resp)
{
	struct filters f;
	read_filters(req, &f);
	resp->personal = true;
	if (f.denied) {
		page_error(req, resp, 403);
		return 0;
	}
	json_t *d = json_object();
	json_t *rows = json_array();
	json_t *actions = json_array();
	struct buf qs = BUF_INIT, next = BUF_INIT;
	int64_t next_before = 0;
	int rc = 0;
	if (!f.invalid)
		rc = audit_list(req->site->store, &f.q, f.before, AUDIT_PAGE_ROWS, row_json, rows,
		                &next_before);
	if (rc) {
		log_error("audit page: %s", strerror(rc < 0 ? -rc : EIO));
		page_error(req, resp, 500);
		goto out;
	}
	for (int i = 0; i < AUDIT__COUNT; i++)
		json_array_append_new(actions, json_pack("{s:s, s:b}", "code", audit_actions[i],
		                                         "selected", f.q.action == i));
	rc = filter_query(&f, &qs);
	if (!rc && next_before) {
		rc = buf_puts(&next, buf_str(&qs));
		if (!rc)
			rc = buf_printf(&next, "%sbefore=%lld", qs.len ? "&" : "",
			                (long long)next_before);
	}
	bool ok = !rc && d && rows && actions;
	ok = ok && fk_put(d, "title", json_string(page_tr(req, _("Logboek"))));
	ok = ok && fk_put(d, "invalid", json_boolean(f.invalid));
	ok = ok && fk_put(d, "actor", shown(&f.v[AF_ACTOR]));
	ok = ok && fk_put(d, "object", shown(&f.v[AF_OBJECT]));
	ok = ok && fk_put(d, "from", shown(&f.v[AF_FROM]));
	ok = ok && fk_put(d, "until", shown(&f.v[AF_UNTIL]));
	ok = ok && fk_put(d, "actions", json_incref(actions));
	ok = ok && fk_put(d, "empty", json_boolean(json_array_size(rows) == 0));
	ok = ok && fk_put(d, "rows", json_incref(rows));
	ok = ok && fk_put(d, "next", next.len ? json_string(buf_str(&next)) : json_false());
	ok = ok && fk_put(d, "csv", json_string(buf_str(&qs)));
	if (!ok || staff_render(req, resp, f.invalid ? 400 : 200, "staff-audit", d) != 0)
		page_error(req, resp, 500);
out:
	json_decref(d);
	json_decref(rows);
	json_decref(actions);
	buf_free(&qs);
	buf_free(&next);
	return 0;
}

int page_staff_audit_csv(struct req *req, struct resp *resp)
{
	struct filters f;
	read_filters(req, &f);
	resp->personal = true;
	if (f.denied) {
		page_error(req, resp, 403);
		return 0;
	}
	if (f.invalid) {
		page_error(req, resp, 400);
		return 0;
	}
	const char *org;
	char actor[AUDIT_ACTOR_MAX_LEN + 1];
	if (reader_of(req, &org, actor) != 0) {
		page_error(req, resp, 403);
		return 0;
	}
	struct audit_entry e = {actor, org, AUDIT_AUDIT_EXPORT, NULL, AUDIT_OK};
	int rc = audit_append_alone(req->site->store, &req->site->audit_key, &e);
	if (rc) {
		log_error("audit download refused: %s", rc == AUDIT_BROKEN
		                                            ? "the audit log does not verify"
		                                            : strerror(rc < 0 ? -rc : EIO));
		page_error(req, resp, 500);
		return 0;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	rc = m ? audit_csv(req->site->store, &f.q, m, false) : -ENOMEM;
	if (m && fclose(m) && !rc)
		rc = -EIO;
	char disposition[ID_MAX_LEN + 64];
	snprintf(disposition, sizeof disposition, "attachment; filename=\"audit-%s.csv\"", org);
	buf_reset(&resp->body);
	if (!rc)
		rc = buf_append(&resp->body, text, len);
	if (!rc)
		rc = resp_header(resp, "Content-Disposition", disposition);
	free(text);
	if (rc) {
		log_error("audit download: %s", strerror(rc < 0 ? -rc : EIO));
		page_error(req, resp, 500);
		return 0;
	}
	resp->status = 200;
	resp->content_type = "text/csv; charset=utf-8";
	return 0;
}
