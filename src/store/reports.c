/* reports: the store operations on reports, their forms, signals and
 * messages (schema: migrations 2 to 5 and 14 in migrate.c).
 *
 * Owns: checks of report values against column limits, the batch insert of
 * the intake writer (a failed row left out by running it again), the all-or-
 * nothing import, numbering of generated references, the export, and the
 * spelling of a report's forms and signals in its row (codes separated by
 * one space). Written against the backend
 * vtable only, like store.c. */
#include "store/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/backend.h"
#include "util/str.h"

static struct store_val sv_blob(const void *p, size_t len)
{
	return (struct store_val){.type = STORE_BLOB, .p = p, .len = len};
}

static struct store_val sv_null(void)
{
	return (struct store_val){.type = STORE_NULL};
}

/* Text or NULL for an optional column: "" is stored as NULL so that "no
 * district" has one spelling. */
static struct store_val sv_opt(const char *s)
{
	return s && *s ? sv_text(s) : sv_null();
}

/* --- column limits --------------------------------------------------- */

static bool valid_code(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n >= 1 && n <= STORE_CODE_MAX_LEN && str_text_valid(s, n, false);
}

static bool valid_line(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	return n >= 1 && n <= max && str_text_valid(s, n, false);
}

static bool valid_opt_district(const char *s)
{
	return !s || !*s || valid_line(s, NAME_MAX_LEN);
}

/* Shape only (digits and dashes where they belong); the domain checks that
 * it is a real date. */
static bool date_shape(const char *s)
{
	for (size_t i = 0; i < STORE_DATE_LEN; i++) {
		bool dash = i == 4 || i == 7;
		if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return false;
	}
	return true;
}

static bool valid_date(const char *s)
{
	return s && strlen(s) == STORE_DATE_LEN && date_shape(s);
}

static bool valid_time(const char *s)
{
	return s && strlen(s) == STORE_TIME_LEN && date_shape(s) && s[10] == 'T' &&
	       s[STORE_TIME_LEN - 1] == 'Z';
}

/* A form or signal: a code that holds no space, the separator of the
 * column that lists them (migration 14). */
static bool valid_list_code(const char *s, size_t max)
{
	return valid_line(s, max) && !strchr(s, ' ');
}

static bool valid_forms(const char *const *forms, size_t n)
{
	if (n < 1 || n > REPORT_MAX_FORMS || !forms)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!valid_list_code(forms[i], STORE_CODE_MAX_LEN))
			return false;
		for (size_t j = 0; j < i; j++)
			if (strcmp(forms[i], forms[j]) == 0)
				return false;
	}
	return true;
}

static bool valid_new(const struct store_report_new *r)
{
	if (r->id <= 0 || !str_is_id(r->org, ID_MAX_LEN) || !r->receipt_hash ||
	    !valid_date(r->received_on) || (r->received_at && !valid_time(r->received_at)) ||
	    !valid_code(r->channel) || !valid_code(r->reporter_role) || !valid_code(r->kind) ||
	    !valid_opt_district(r->district) || !valid_forms(r->forms, r->nforms) ||
	    r->nsignals > REPORT_MAX_SIGNALS || (r->nsignals && !r->signals) || !r->sealed ||
	    r->sealed_len == 0 || r->sealed_len > STORE_SEALED_MAX)
		return false;
	size_t plen = r->ref_prefix ? strlen(r->ref_prefix) : 0;
	if (plen < 1 || plen > STORE_REF_PREFIX_MAX || !str_text_valid(r->ref_prefix, plen, false))
		return false;
	for (size_t i = 0; i < r->nsignals; i++)
		if (!valid_list_code(r->signals[i], STORE_SIGNAL_MAX_LEN))
			return false;
	if (r->suggestion && !str_utf8_valid(r->suggestion, strlen(r->suggestion)))
		return false;
	return true;
}

static bool valid_import(const struct store_report_import *r)
{
	return valid_line(r->reference, REPORT_MAX_REFERENCE) && valid_date(r->received_on) &&
	       valid_code(r->channel) && valid_code(r->reporter_role) && valid_code(r->kind) &&
	       valid_opt_district(r->district) && valid_forms(r->forms, r->nforms) &&
	       valid_code(r->concrete) && valid_code(r->status) && valid_code(r->outcome);
}

/* --- row readers (shared ones: store/backend.h) ------------------------ */

static int exists(struct store_tx *tx, enum stmt_id id, const struct store_val *p, size_t np,
                  bool *found)
{
	*found = false;
	return store_tx_exec(tx, id, p, np, store_row_found, found);
}

/* --- forms and signals: codes separated by one space ------------------ */

/* The codes joined by one space, each once, in their first order (a
 * signal ticked twice is one signal); the caller frees; NULL when out of
 * memory. valid_list_code() holds for each. */
static char *codes_join(const char *const *codes, size_t n)
{
	size_t need = 1;
	for (size_t i = 0; i < n; i++)
		need += strlen(codes[i]) + 1;
	char *out = malloc(need), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		bool again = false;
		for (size_t j = 0; j < i && !again; j++)
			again = strcmp(codes[i], codes[j]) == 0;
		if (again)
			continue;
		if (o > out)
			*o++ = ' ';
		size_t len = strlen(codes[i]);
		memcpy(o, codes[i], len);
		o += len;
	}
	*o = '\0';
	return out;
}

int store_codes_col(char *out, size_t size, size_t max, size_t *n, const struct store_val *c)
{
	*n = 0;
	if (c->type == STORE_NULL)
		return 0;
	if (c->type != STORE_TEXT)
		return -EIO;
	const char *p = c->p, *end = p + c->len;
	while (p < end) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		size_t len = (size_t)((sp ? sp : end) - p);
		if (len == 0 || len >= size || *n == max)
			return -EIO;
		char *dst = out + *n * size;
		memcpy(dst, p, len);
		dst[len] = '\0';
		(*n)++;
		p += len + (sp != NULL);
		if (sp && p == end)
			return -EIO; /* a space at the end */
	}
	return 0;
}

int store_report_forms_col(struct store_report_row *r, const struct store_val *c)
{
	return store_codes_col(r->forms[0], sizeof r->forms[0], REPORT_MAX_FORMS, &r->nforms, c);
}

/* --- references ----------------------------------------------------------- */

struct ref_max_ctx {
	char ref[REPORT_MAX_REFERENCE + 1];
};

static int ref_max_row(void *vctx, const struct store_val *c, size_t n)
{
	struct ref_max_ctx *m = vctx;
	if (n != 1)
		return -EIO;
	return store_col_text(m->ref, sizeof m->ref, &c[0]);
}

/* The number of the highest reference of prefix in org that has six
 * digits after it (0 when none): where an imported one sits in the range. */
static int ref_max(struct store_tx *tx, const char *org, const char *prefix, int64_t *out)
{
	char lo[REPORT_MAX_REFERENCE + 1], hi[REPORT_MAX_REFERENCE + 1];
	size_t plen = strlen(prefix);
	snprintf(lo, sizeof lo, "%s000000", prefix);
	snprintf(hi, sizeof hi, "%s999999", prefix);
	struct ref_max_ctx m = {{0}};
	struct store_val p[] = {sv_text(org), sv_text(lo), sv_text(hi)};
	int rc = store_tx_exec(tx, STMT_REPORT_REF_MAX, p, 3, ref_max_row, &m);
	int64_t v = 0;
	for (size_t i = plen;
	     !rc && i < plen + STORE_REF_DIGITS && m.ref[i] >= '0' && m.ref[i] <= '9'; i++)
		v = v * 10 + (m.ref[i] - '0');
	*out = v;
	return rc;
}

/* Moves a batch's numbers first..first+k-1 of prefix past the highest
 * reference of the range in use, when that is at or above first, and the
 * counter with them (the caller holds its row). */
static int move_past_imported(struct store_tx *tx, const char *org, const char *prefix,
                              const char *name, int64_t *first, int64_t k)
{
	int64_t max;
	int rc = ref_max(tx, org, prefix, &max);
	if (rc || max < *first)
		return rc;
	*first = max + 1;
	struct store_val r[] = {sv_text(org), sv_text(name), sv_int(*first + k - 1)};
	return store_tx_exec(tx, STMT_COUNTER_RAISE, r, 3, NULL, NULL);
}

/* --- batch insert (intake writer) ---------------------------------------- *
 *
 * Three steps, each one pipeline (one round trip on PostgreSQL, however
 * many rows):
 *  1. check every row: a repeated id or receipt hash (STORE_DUPLICATE),
 *     a missing organisation or district (STORE_CONFLICT);
 *  2. per organisation, raise its counter "arrival" by its rows left
 *     (their places in the inbox's order, in the order they came); then
 *     per (organisation, prefix), in that order, raise its counter row by
 *     the number of rows left at once: the row stays locked until the
 *     transaction ends, so two writers, of one process or two, never draw
 *     the same number. A new counter starts after the references imported
 *     into its range; numbers taken by an import since are stepped over;
 *  3. insert the rows (STORE_REPORTS_PER_INSERT to a statement, the rest
 *     one by one), each with its forms and signals (migration 14).
 * On SQLite all three are one transaction (its one writer is serial
 * anyway), and a batch rolled back gives its numbers back. On PostgreSQL
 * steps 1 and 2 are a reservation that commits without waiting for the
 * disk and step 3 a transaction of its own (store_txn_reserve() in
 * backend.h says why that is safe): the counter's lock is then held for
 * a few round trips instead of an fsync, and the batches of two servers
 * commit together instead of one after the other. A batch that fails
 * after its reservation leaves a gap in the numbers, never a repeat.
 *
 * Both are locking transactions (store_txn_locked: READ COMMITTED on
 * PostgreSQL), and that is correct because nothing they rely on can
 * change under them unnoticed: the counter's row lock serialises the
 * numbers (after the wait the update reads the value the writer before
 * committed); an id, receipt or reference that another writer stores
 * meanwhile is refused by its UNIQUE constraint and a district removed
 * meanwhile by the foreign key, both at the insert, which then fails;
 * step 3 is rolled back and run again, and first looks whether that row's
 * reference exists now: then it gets a new one past it, else it is left
 * out (told to draw again, after which step 1 finds a missing district). Under
 * SERIALIZABLE the counter row, which every writer of an organisation
 * updates, made every batch that met another server's fail and retry,
 * and the whole intake of both servers waited for one fsync at a time.
 * Counters are locked in one order (organisation, prefix), so two
 * batches never wait for each other in a circle; a deadlock or
 * serialization failure that still comes (-EAGAIN) is retried by
 * store_txn's bounded loop. */

/* Private results of the steps: BATCH_RERUN, rolled back, run it again
 * (a row failed at its insert and is left out now); BATCH_TAKEN, a row
 * whose reserved reference an import took meanwhile: it gets another in
 * the next round. */
#define BATCH_RERUN 1000
#define BATCH_TAKEN 1001
/* Rounds of reserving and inserting (limits.h); a row whose reference
 * was taken twice over is told to come again (STORE_DUPLICATE). */
#define BATCH_ROUNDS STORE_BATCH_ROUNDS
/* Parameters of STMT_REPORT_INSERT_WEB. */
#define INSERT_WEB_PARAMS 18

struct batch_ctx {
	struct store_report_new *rows;
	size_t n;
	int *results;
	bool *done;      /* stored or refused in an earlier round */
	bool *excluded;  /* failed at its insert in an earlier run: left out */
	bool *suspect;   /* failed at its insert in the run before: look why */
	bool *step_over; /* its reference was taken: move past the imported ones */
	bool *taken;     /* step 3's look: the reference exists */
	size_t *order;   /* row indexes by (organisation, prefix), n_ordered */
	size_t n_ordered;
	char (*refs)[REPORT_MAX_REFERENCE + 1];
	int64_t *arrival; /* step 2: its number in its organisation's order */
	char (*failed_ref)[REPORT_MAX_REFERENCE + 1]; /* a suspect's reference */
	int64_t (*check)[3];
	size_t *lead;      /* step 1: the first row of its organisation and district */
	size_t *screen_of; /* step 1: its screen */
	int64_t *screen;   /* step 1: what each screen found */
	char **forms;      /* owned: a row's forms joined (codes_join) */
	char **signals;    /* owned: a row's signals joined */
	size_t *pend;      /* step 3: the rows it inserts, in order */
	/* Step 3 inserts each row with a statement of its own: a statement of
	 * several rows failed at a constraint (which row's, a rerun tells). */
	bool single;
	struct store_call *calls;
	struct store_val *vals;
	size_t *call_row;
};

/* A row still to be stored in this round. */
static bool pending(const struct batch_ctx *b, size_t i)
{
	return !b->done[i] && b->results[i] == 0;
}

/* {organisation, district} of STMT_REPORT_PLACE_CHECK into check[1..2]. */
static int place_row(void *ctx, const struct store_val *c, size_t n)
{
	int64_t *v = ctx;
	if (n != 2 || c[0].type != STORE_INT || c[1].type != STORE_INT)
		return -EIO;
	v[1] = c[0].i;
	v[2] = c[1].i;
	return 0;
}

static bool same_place(const struct store_report_new *a, const struct store_report_new *b)
{
	const char *da = a->district ? a->district : "", *db = b->district ? b->district : "";
	return strcmp(a->org, b->org) == 0 && strcmp(da, db) == 0;
}

/* Step 1. A check reads and changes nothing: no row lock is taken yet.
 * b->check[i] holds {taken, organisation, district}: the last two asked
 * once per organisation and district of the batch (in the row that has it
 * first, b->lead), the first once per STORE_SCREEN_ROWS rows
 * (STMT_REPORTS_SCREEN) and row by row only for the rows of a screen that
 * found an id or receipt taken. */
static int batch_check(struct store_tx *tx, struct batch_ctx *b)
{
	size_t k = 0, v = 0, nscreen = 0, in_screen = 0;
	struct store_val *sp = NULL; /* the values of the screen being filled */
	for (size_t i = 0; i < b->n; i++) {
		const struct store_report_new *r = &b->rows[i];
		if (!pending(b, i))
			continue;
		b->check[i][0] = 0;
		b->lead[i] = i;
		for (size_t j = 0; j < i && b->lead[i] == i; j++)
			if (pending(b, j) && same_place(&b->rows[j], r))
				b->lead[i] = b->lead[j];
		if (b->lead[i] == i) {
			struct store_val *p = &b->vals[v];
			p[0] = sv_text(r->org);
			p[1] = sv_opt(r->district);
			v += 2;
			b->calls[k++] = (struct store_call){
			    STMT_REPORT_PLACE_CHECK, p, 2, place_row, b->check[i], 0};
		}
		/* The screen this row is in: its id and receipt hash. */
		if (in_screen == 0) {
			sp = &b->vals[v];
			for (size_t m = 0; m < STORE_SCREEN_ROWS; m++) {
				sp[m] = sv_int(0);
				sp[STORE_SCREEN_ROWS + m] = sv_null();
			}
			v += 2 * STORE_SCREEN_ROWS;
			b->screen[nscreen] = 0;
			b->calls[k++] = (struct store_call){STMT_REPORTS_SCREEN,   sp,
			                                    2 * STORE_SCREEN_ROWS, store_row_int,
			                                    &b->screen[nscreen],   0};
			nscreen++;
		}
		b->screen_of[i] = nscreen - 1;
		sp[in_screen] = sv_int(r->id);
		sp[STORE_SCREEN_ROWS + in_screen] =
		    sv_blob(r->receipt_hash, STORE_RECEIPT_HASH_BYTES);
		in_screen = (in_screen + 1) % STORE_SCREEN_ROWS;
	}
	int rc = store_tx_exec_many(tx, b->calls, k);
	/* Row by row where a screen found one. */
	k = 0;
	v = 0;
	for (size_t i = 0; !rc && i < b->n; i++) {
		const struct store_report_new *r = &b->rows[i];
		if (!pending(b, i) || !b->screen[b->screen_of[i]])
			continue;
		struct store_val *p = &b->vals[v];
		p[0] = sv_int(r->id);
		p[1] = sv_blob(r->receipt_hash, STORE_RECEIPT_HASH_BYTES);
		v += 2;
		b->calls[k++] =
		    (struct store_call){STMT_REPORT_NEW_CHECK, p, 2, store_row_int, b->check[i], 0};
	}
	if (!rc && k)
		rc = store_tx_exec_many(tx, b->calls, k);
	for (size_t i = 0; !rc && i < b->n; i++) {
		if (!pending(b, i))
			continue;
		const int64_t *c = b->check[b->lead[i]];
		if (b->check[i][0])
			b->results[i] = STORE_DUPLICATE;
		else if (!c[1] || (b->rows[i].district && *b->rows[i].district && !c[2]))
			b->results[i] = STORE_CONFLICT;
	}
	return rc > 0 ? -EIO : rc;
}

/* Step 1 for a row whose insert failed before: whether an import took
 * the reference it had (then it gets one past the imported ones) or not
 * (then its id or receipt came in since: it is left out, told to draw
 * again). Asked only then, not for every row: the inserts' UNIQUE
 * constraint is what keeps references apart; this only tells the two
 * failures apart. */
static int batch_look(struct store_tx *tx, struct batch_ctx *b)
{
	size_t k = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (!pending(b, i) || !b->suspect[i])
			continue;
		b->taken[i] = false;
		struct store_val *p = &b->vals[2 * k];
		p[0] = sv_text(b->rows[i].org);
		p[1] = sv_text(b->failed_ref[i]);
		b->call_row[k] = i;
		b->calls[k++] = (struct store_call){STMT_REPORT_REF_EXISTS, p, 2, store_row_found,
		                                    &b->taken[i],           0};
	}
	int rc = store_tx_exec_many(tx, b->calls, k);
	for (size_t j = 0; !rc && j < k; j++) {
		size_t i = b->call_row[j];
		b->suspect[i] = false;
		if (b->taken[i]) {
			b->step_over[i] = true;
		} else {
			b->excluded[i] = true;
			b->results[i] = STORE_DUPLICATE;
		}
	}
	return rc > 0 ? -EIO : rc;
}

static int group_cmp(const struct store_report_new *a, const struct store_report_new *b)
{
	int c = strcmp(a->org, b->org);
	return c ? c : strcmp(a->ref_prefix, b->ref_prefix);
}

/* Step 2 for the rows order[from..to) of one organisation and prefix:
 * numbers first, first + 1, ... to the pending ones; past 999999 a row
 * gets STORE_LIMIT. */
static int group_refs(struct store_tx *tx, struct batch_ctx *b, size_t from, size_t to)
{
	int64_t k = 0;
	bool step_over = false;
	for (size_t j = from; j < to; j++) {
		size_t i = b->order[j];
		k += pending(b, i);
		step_over |= pending(b, i) && b->step_over[i];
	}
	if (k == 0)
		return 0;
	const struct store_report_new *r = &b->rows[b->order[from]];
	char name[sizeof "ref:" + STORE_REF_PREFIX_MAX];
	snprintf(name, sizeof name, "ref:%s", r->ref_prefix);
	struct store_val p[] = {sv_text(r->org), sv_text(name), sv_int(k)};
	int64_t last = 0;
	int rc = store_tx_exec(tx, STMT_COUNTER_ADD, p, 3, store_row_int, &last);
	if (!rc && last < k)
		rc = -EIO;
	int64_t first = last - k + 1;
	/* A new counter, or one an import overtook. */
	if (!rc && (first == 1 || step_over))
		rc = move_past_imported(tx, r->org, r->ref_prefix, name, &first, k);
	for (size_t j = from; !rc && j < to; j++) {
		size_t i = b->order[j];
		if (!pending(b, i))
			continue;
		if (first > 999999)
			b->results[i] = STORE_LIMIT;
		else
			snprintf(b->refs[i], sizeof b->refs[i], "%s%06lld", r->ref_prefix,
			         (long long)first++);
	}
	return rc;
}

/* Step 2 for the organisation org: the next numbers of its counter
 * "arrival" (the inbox's order, migration 12) to its pending rows, in
 * the order they came (their order in the batch). Drawn before the
 * organisation's reference counters, always: every writer locks one
 * organisation's counters in the same order. */
static int org_arrivals(struct store_tx *tx, struct batch_ctx *b, const char *org)
{
	int64_t k = 0;
	for (size_t i = 0; i < b->n; i++)
		k += pending(b, i) && strcmp(b->rows[i].org, org) == 0;
	if (k == 0)
		return 0;
	struct store_val p[] = {sv_text(org), sv_text("arrival"), sv_int(k)};
	int64_t last = 0;
	int rc = store_tx_exec(tx, STMT_COUNTER_ADD, p, 3, store_row_int, &last);
	if (!rc && last < k)
		rc = -EIO;
	int64_t next = last - k + 1;
	for (size_t i = 0; !rc && i < b->n; i++)
		if (pending(b, i) && strcmp(b->rows[i].org, org) == 0)
			b->arrival[i] = next++;
	return rc;
}

/* Steps 1 and 2. */
static int reserve_txn(struct store_tx *tx, void *vctx)
{
	struct batch_ctx *b = vctx;
	/* Every run (a retry after meeting another writer, or a rerun) starts
	 * the rows of this round afresh; checked rows were marked before the
	 * transaction. */
	for (size_t i = 0; i < b->n; i++)
		if (!b->done[i] && b->results[i] != -EINVAL)
			b->results[i] = b->excluded[i] ? STORE_DUPLICATE : 0;
	int rc = batch_check(tx, b);
	if (!rc)
		rc = batch_look(tx, b);
	for (size_t from = 0; !rc && from < b->n_ordered;) {
		size_t to = from + 1;
		while (to < b->n_ordered &&
		       group_cmp(&b->rows[b->order[from]], &b->rows[b->order[to]]) == 0)
			to++;
		const char *org = b->rows[b->order[from]].org;
		if (from == 0 || strcmp(b->rows[b->order[from - 1]].org, org) != 0)
			rc = org_arrivals(tx, b, org);
		if (!rc)
			rc = group_refs(tx, b, from, to);
		from = to;
	}
	return rc;
}

/* Step 3, one pipeline: the inserts. A row whose insert failed in the
 * run before waits for the next round, whose step 1 looks why. */
static int insert_txn(struct store_tx *tx, void *vctx)
{
	struct batch_ctx *b = vctx;
	size_t k = 0, v = 0, m = 0;
	int rc;
	for (size_t i = 0; i < b->n; i++)
		if (!b->done[i] && !b->results[i] && b->suspect[i])
			b->results[i] = BATCH_TAKEN;
	/* The rows' values first, one after another: a statement of
	 * STORE_REPORTS_PER_INSERT rows takes them as they lie. */
	for (size_t i = 0; i < b->n; i++) {
		struct store_report_new *r = &b->rows[i];
		if (b->done[i] || b->results[i])
			continue;
		struct store_val row[] = {sv_int(r->id),
		                          sv_text(r->org),
		                          sv_text(b->refs[i]),
		                          sv_blob(r->receipt_hash, STORE_RECEIPT_HASH_BYTES),
		                          sv_text(r->received_on),
		                          sv_opt(r->received_at),
		                          sv_text(r->channel),
		                          sv_text(r->reporter_role),
		                          sv_int(r->anonymous),
		                          sv_text(r->kind),
		                          sv_int(r->acute_danger),
		                          sv_opt(r->district),
		                          sv_blob(r->sealed, r->sealed_len),
		                          sv_opt(r->suggestion),
		                          sv_opt(r->details),
		                          sv_int(b->arrival[i]),
		                          sv_text(b->forms[i]),
		                          sv_text(b->signals[i])};
		struct store_val *p = &b->vals[v];
		memcpy(p, row, sizeof row);
		_Static_assert(sizeof row / sizeof row[0] == INSERT_WEB_PARAMS,
		               "insert_web's $1..$n");
		v += INSERT_WEB_PARAMS;
		b->pend[m++] = i;
	}
	_Static_assert(STORE_REPORTS_PER_INSERT * INSERT_WEB_PARAMS <= STORE_MAX_PARAMS,
	               "insert_web_rows' $1..$n");
	size_t j = 0;
	for (; !b->single && j + STORE_REPORTS_PER_INSERT <= m; j += STORE_REPORTS_PER_INSERT) {
		b->call_row[k] = b->pend[j];
		b->calls[k++] = (struct store_call){STMT_REPORT_INSERT_WEB_ROWS,
		                                    &b->vals[j * INSERT_WEB_PARAMS],
		                                    STORE_REPORTS_PER_INSERT * INSERT_WEB_PARAMS,
		                                    NULL,
		                                    NULL,
		                                    0};
	}
	for (; j < m; j++) {
		b->call_row[k] = b->pend[j];
		b->calls[k++] = (struct store_call){STMT_REPORT_INSERT_WEB,
		                                    &b->vals[j * INSERT_WEB_PARAMS],
		                                    INSERT_WEB_PARAMS,
		                                    NULL,
		                                    NULL,
		                                    0};
	}
	rc = store_tx_exec_many(tx, b->calls, k);
	if (rc == STORE_CONFLICT) {
		/* Step 1 found the organisation and district and no row with this
		 * id or receipt, and the counter gave the reference: a constraint
		 * now is a writer that stored one of them since, an import that
		 * took the reference, or a district removed. The transaction is
		 * lost on PostgreSQL: run it again, and look first. */
		for (j = 0; j < k; j++) {
			if (b->calls[j].rc == STORE_CONFLICT &&
			    b->calls[j].id == STMT_REPORT_INSERT_WEB_ROWS) {
				/* Which row's: the rerun inserts them one by one. */
				b->single = true;
				return BATCH_RERUN;
			}
			if (b->calls[j].rc == STORE_CONFLICT) {
				size_t i = b->call_row[j];
				b->suspect[i] = true;
				memcpy(b->failed_ref[i], b->refs[i], sizeof b->refs[i]);
				return BATCH_RERUN;
			}
		}
		return -EIO;
	}
	return rc > 0 ? -EIO : rc;
}

/* All three steps in one transaction. */
static int batch_txn(struct store_tx *tx, void *vctx)
{
	int rc = reserve_txn(tx, vctx);
	return rc ? rc : insert_txn(tx, vctx);
}

static void batch_free(struct batch_ctx *b)
{
	free(b->done);
	free(b->excluded);
	free(b->suspect);
	free(b->step_over);
	free(b->taken);
	free(b->order);
	free(b->refs);
	free(b->arrival);
	free(b->failed_ref);
	free(b->check);
	free(b->lead);
	free(b->screen_of);
	free(b->screen);
	for (size_t i = 0; i < b->n; i++) {
		if (b->forms)
			free(b->forms[i]);
		if (b->signals)
			free(b->signals[i]);
	}
	free(b->forms);
	free(b->signals);
	free(b->pend);
	free(b->calls);
	free(b->vals);
	free(b->call_row);
}

static int batch_alloc(struct batch_ctx *b)
{
	/* Calls and values for the largest step: the looks and inserts. */
	size_t calls = 0, vals = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (b->results[i] == -EINVAL)
			continue;
		calls += 2; /* a row's check and a screen, its look, its insert */
		vals += INSERT_WEB_PARAMS;
	}
	b->done = calloc(b->n, sizeof *b->done);
	b->excluded = calloc(b->n, sizeof *b->excluded);
	b->suspect = calloc(b->n, sizeof *b->suspect);
	b->step_over = calloc(b->n, sizeof *b->step_over);
	b->taken = calloc(b->n, sizeof *b->taken);
	b->order = calloc(b->n, sizeof *b->order);
	b->refs = calloc(b->n, sizeof *b->refs);
	b->arrival = calloc(b->n, sizeof *b->arrival);
	b->failed_ref = calloc(b->n, sizeof *b->failed_ref);
	b->check = calloc(b->n, sizeof *b->check);
	b->lead = calloc(b->n, sizeof *b->lead);
	b->screen_of = calloc(b->n, sizeof *b->screen_of);
	b->screen = calloc(b->n, sizeof *b->screen);
	b->forms = calloc(b->n, sizeof *b->forms);
	b->signals = calloc(b->n, sizeof *b->signals);
	b->pend = calloc(b->n, sizeof *b->pend);
	b->calls = calloc(calls, sizeof *b->calls);
	/* and the padding of step 1's last screen */
	b->vals = calloc(vals + 2 * STORE_SCREEN_ROWS, sizeof *b->vals);
	b->call_row = calloc(calls, sizeof *b->call_row);
	if (!b->done || !b->excluded || !b->suspect || !b->step_over || !b->taken || !b->order ||
	    !b->refs || !b->arrival || !b->failed_ref || !b->check || !b->lead || !b->screen_of ||
	    !b->screen || !b->forms || !b->signals || !b->pend || !b->calls || !b->vals ||
	    !b->call_row)
		return -ENOMEM;
	for (size_t i = 0; i < b->n; i++) {
		if (b->results[i] == -EINVAL)
			continue;
		b->forms[i] = codes_join(b->rows[i].forms, b->rows[i].nforms);
		b->signals[i] = codes_join(b->rows[i].signals, b->rows[i].nsignals);
		if (!b->forms[i] || !b->signals[i])
			return -ENOMEM;
	}
	/* By (organisation, prefix), the order the counter rows are locked
	 * in; stable, so that references follow the order of arrival. Rows
	 * that broke a column limit are never looked at. */
	size_t m = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (b->results[i] == -EINVAL)
			continue;
		size_t j = m++;
		while (j > 0 && group_cmp(&b->rows[b->order[j - 1]], &b->rows[i]) > 0) {
			b->order[j] = b->order[j - 1];
			j--;
		}
		b->order[j] = i;
	}
	b->n_ordered = m;
	return 0;
}

/* One round: steps 1 to 3 for the rows not done. */
static int batch_round(struct store *s, struct batch_ctx *b)
{
	/* Where the backend reserves apart (PostgreSQL), steps 1 and 2 commit
	 * first without waiting for the disk and step 3 runs alone; see
	 * store_txn_reserve() in backend.h. */
	bool apart = store_reserves_apart(s);
	int rc = apart ? store_txn_reserve(s, reserve_txn, b) : 0;
	/* Each rerun leaves one more row out, but the one after a statement
	 * of several rows failed, which goes row by row: at most n + 2 runs. */
	for (size_t run = 0; !rc; run++) {
		rc =
		    run <= b->n + 1 ? store_txn_locked(s, apart ? insert_txn : batch_txn, b) : -EIO;
		if (rc != BATCH_RERUN)
			break;
		rc = 0;
	}
	return rc;
}

int store_reports_insert_batch(struct store *s, struct store_report_new *rows, size_t n,
                               int *results)
{
	if (n == 0)
		return 0;
	if (!rows || !results)
		return -EINVAL;
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		results[i] = valid_new(&rows[i]) ? 0 : -EINVAL;
		any |= results[i] == 0;
	}
	if (!any)
		return 0;
	struct batch_ctx b = {.rows = rows, .n = n, .results = results};
	int rc = batch_alloc(&b);
	for (unsigned round = 0; !rc && round < BATCH_ROUNDS; round++) {
		rc = batch_round(s, &b);
		bool again = false;
		for (size_t i = 0; !rc && i < n; i++) {
			if (b.done[i] || results[i] == -EINVAL)
				continue;
			if (results[i] == BATCH_TAKEN && round + 1 < BATCH_ROUNDS) {
				b.step_over[i] = true;
				again = true;
				continue;
			}
			if (results[i] == BATCH_TAKEN)
				results[i] = STORE_DUPLICATE;
			b.done[i] = true;
			if (results[i] == 0 && rows[i].reference_out)
				memcpy(rows[i].reference_out, b.refs[i], sizeof b.refs[i]);
		}
		if (!again)
			break;
	}
	if (rc) {
		/* Rolled back: no row of that round is stored, whatever the
		 * runs had noted (rows of an earlier round are). */
		rc = rc > 0 ? -EIO : rc;
		for (size_t i = 0; i < n; i++)
			if (results[i] != -EINVAL && !(b.done && b.done[i] && results[i] == 0))
				results[i] = rc;
	}
	batch_free(&b);
	return rc;
}

/* --- import ----------------------------------------------------------------- */

struct import_ctx {
	const char *org;
	const struct store_report_import *rows;
	size_t n;
	size_t bad;
};

static int import_one(struct store_tx *tx, const char *org, const struct store_report_import *r,
                      int64_t arrival)
{
	bool found;
	int rc;
	if (r->district && *r->district) {
		struct store_val d[] = {sv_text(org), sv_text(r->district)};
		rc = exists(tx, STMT_DISTRICT_EXISTS, d, 2, &found);
		if (rc)
			return rc;
		if (!found)
			return STORE_NOT_FOUND;
	}
	struct store_val q[] = {sv_text(org), sv_text(r->reference)};
	rc = exists(tx, STMT_REPORT_REF_EXISTS, q, 2, &found);
	if (rc)
		return rc;
	if (found)
		return STORE_CONFLICT;
	char *forms = codes_join(r->forms, r->nforms);
	if (!forms)
		return -ENOMEM;
	/* The reference is free and the district exists, so a conflict now
	 * can only be the random id: draw again. */
	rc = -EIO;
	for (unsigned attempt = 0; attempt < 4; attempt++) {
		int64_t id;
		randombytes_buf(&id, sizeof id);
		id &= INT64_MAX;
		if (id == 0)
			continue;
		struct store_val p[] = {sv_int(id),
		                        sv_text(org),
		                        sv_text(r->reference),
		                        sv_text(r->received_on),
		                        sv_text(r->channel),
		                        sv_text(r->reporter_role),
		                        sv_int(r->anonymous),
		                        sv_text(r->kind),
		                        sv_opt(r->district),
		                        sv_text(r->concrete),
		                        sv_text(r->status),
		                        sv_text(r->outcome),
		                        sv_opt(r->details),
		                        sv_int(arrival),
		                        sv_text(forms)};
		struct store_val idp[] = {sv_int(id)};
		rc = exists(tx, STMT_REPORT_ID_EXISTS, idp, 1, &found);
		if (!rc && found) {
			rc = -EIO;
			continue;
		}
		if (!rc)
			rc = store_tx_exec(tx, STMT_REPORT_INSERT_IMPORTED, p, 15, NULL, NULL);
		break;
	}
	free(forms);
	return rc;
}

static int import_txn(struct store_tx *tx, void *vctx)
{
	struct import_ctx *c = vctx;
	bool found;
	struct store_val p[] = {sv_text(c->org)};
	int rc = exists(tx, STMT_ORG_EXISTS, p, 1, &found);
	if (rc)
		return rc;
	if (!found)
		return STORE_NOT_FOUND;
	/* Their places in the inbox's order (migration 12), in the order of
	 * the file; the counter stays locked until the import commits. */
	int64_t last = 0;
	if (c->n) {
		struct store_val a[] = {sv_text(c->org), sv_text("arrival"), sv_int((int64_t)c->n)};
		rc = store_tx_exec(tx, STMT_COUNTER_ADD, a, 3, store_row_int, &last);
		if (!rc && last < (int64_t)c->n)
			rc = -EIO;
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < c->n; i++) {
		rc = import_one(tx, c->org, &c->rows[i], last - (int64_t)c->n + 1 + (int64_t)i);
		if (rc) {
			c->bad = i;
			return rc;
		}
	}
	return 0;
}

/* Column limits of an import; 0, or the error with c->bad set. */
static int import_check(struct import_ctx *c)
{
	if (!str_is_id(c->org, ID_MAX_LEN))
		return STORE_NOT_FOUND;
	if (c->n && !c->rows)
		return -EINVAL;
	for (size_t i = 0; i < c->n; i++) {
		if (!valid_import(&c->rows[i])) {
			c->bad = i;
			return -EINVAL;
		}
	}
	return 0;
}

int store_report_insert_imported(struct store *s, const char *org,
                                 const struct store_report_import *rows, size_t n, size_t *bad)
{
	struct import_ctx c = {org, rows, n, n};
	int rc = import_check(&c);
	if (!rc)
		rc = store_txn(s, import_txn, &c);
	if (bad)
		*bad = rc ? c.bad : n;
	return rc;
}

int store_tx_report_insert_imported(struct store_tx *tx, const char *org,
                                    const struct store_report_import *rows, size_t n, size_t *bad)
{
	struct import_ctx c = {org, rows, n, n};
	int rc = import_check(&c);
	if (!rc)
		rc = import_txn(tx, &c);
	if (bad)
		*bad = rc ? c.bad : n;
	return rc;
}

/* --- export --------------------------------------------------------------------- */

int store_report_cols(struct store_report_row *r, const struct store_val *c)
{
	if (c[0].type != STORE_INT || c[5].type != STORE_INT)
		return -EIO;
	memset(r, 0, sizeof *r);
	r->id = c[0].i;
	r->anonymous = c[5].i != 0;
	int rc = store_col_text(r->reference, sizeof r->reference, &c[1]);
	if (!rc)
		rc = store_col_text(r->received_on, sizeof r->received_on, &c[2]);
	if (!rc)
		rc = store_col_text(r->channel, sizeof r->channel, &c[3]);
	if (!rc)
		rc = store_col_text(r->reporter_role, sizeof r->reporter_role, &c[4]);
	if (!rc)
		rc = store_col_text(r->kind, sizeof r->kind, &c[6]);
	if (!rc)
		rc = store_col_text(r->district, sizeof r->district, &c[7]);
	if (!rc)
		rc = store_col_text(r->concrete, sizeof r->concrete, &c[8]);
	if (!rc)
		rc = store_col_text(r->status, sizeof r->status, &c[9]);
	if (!rc)
		rc = store_col_text(r->outcome, sizeof r->outcome, &c[10]);
	return rc;
}

struct export_ctx {
	store_report_fn fn;
	void *ctx;
	struct store_report_row row;
};

static int export_row(void *vctx, const struct store_val *c, size_t n)
{
	struct export_ctx *e = vctx;
	struct store_report_row *r = &e->row;
	if (n != 13)
		return -EIO;
	int rc = store_report_cols(r, c);
	if (!rc)
		rc = store_report_forms_col(r, &c[11]);
	if (rc)
		return rc;
	if (c[12].type == STORE_TEXT)
		r->details = c[12].p; /* NUL-terminated while the row lasts */
	else if (c[12].type != STORE_NULL)
		return -EIO;
	size_t off = 0;
	for (size_t i = 0; i < r->nforms; i++) {
		size_t len = strlen(r->forms[i]);
		if (off + len + 2 > sizeof r->forms_joined)
			return -EIO;
		if (i)
			r->forms_joined[off++] = ';';
		memcpy(r->forms_joined + off, r->forms[i], len + 1);
		off += len;
	}
	return e->fn(e->ctx, r);
}

int store_report_export(struct store *s, const char *org, int year, store_report_fn fn, void *ctx)
{
	char lo[16], hi[16];
	if (!fn || year < 0 || year > 9998)
		return -EINVAL;
	if (!str_is_id(org, ID_MAX_LEN))
		return STORE_NOT_FOUND;
	if (year) {
		snprintf(lo, sizeof lo, "%04d-01-01", year);
		snprintf(hi, sizeof hi, "%04d-01-01", year + 1);
	} else {
		memcpy(lo, "0000-01-01", 11);
		memcpy(hi, "9999-99-99", 11);
	}
	bool found = false;
	struct store_val po[] = {sv_text(org)};
	int rc = store_read_exec(s, STMT_ORG_EXISTS, po, 1, store_row_found, &found);
	if (rc)
		return rc;
	if (!found)
		return STORE_NOT_FOUND;
	struct export_ctx *e = calloc(1, sizeof *e);
	if (!e)
		return -ENOMEM;
	e->fn = fn;
	e->ctx = ctx;
	struct store_val p[] = {sv_text(org), sv_text(lo), sv_text(hi)};
	/* One statement, hence one snapshot. */
	rc = store_read_exec(s, STMT_REPORT_EXPORT, p, 3, export_row, e);
	free(e);
	return rc;
}

/* --- follow-up ---------------------------------------------------------------- */

struct by_receipt_ctx {
	struct store_report_ref *out;
	bool found;
};

static int by_receipt_row(void *vctx, const struct store_val *c, size_t n)
{
	struct by_receipt_ctx *g = vctx;
	if (n != 4 || c[0].type != STORE_INT)
		return -EIO;
	g->found = true;
	g->out->id = c[0].i;
	int rc = store_col_text(g->out->org, sizeof g->out->org, &c[1]);
	if (!rc)
		rc = store_col_text(g->out->kind, sizeof g->out->kind, &c[2]);
	if (!rc)
		rc = store_col_text(g->out->status, sizeof g->out->status, &c[3]);
	return rc;
}

int store_report_by_receipt(struct store *s, const unsigned char hash[STORE_RECEIPT_HASH_BYTES],
                            struct store_report_ref *out)
{
	if (!hash || !out)
		return -EINVAL;
	struct by_receipt_ctx g = {out, false};
	struct store_val p[] = {sv_blob(hash, STORE_RECEIPT_HASH_BYTES)};
	int rc = store_read_exec(s, STMT_REPORT_BY_RECEIPT, p, 1, by_receipt_row, &g);
	if (!rc && !g.found)
		rc = STORE_NOT_FOUND;
	return rc;
}

int store_tx_report_by_receipt(struct store_tx *tx,
                               const unsigned char hash[STORE_RECEIPT_HASH_BYTES],
                               struct store_report_ref *out)
{
	if (!hash || !out)
		return -EINVAL;
	struct by_receipt_ctx g = {out, false};
	struct store_val p[] = {sv_blob(hash, STORE_RECEIPT_HASH_BYTES)};
	int rc = store_tx_exec(tx, STMT_REPORT_BY_RECEIPT, p, 1, by_receipt_row, &g);
	if (!rc && !g.found)
		rc = STORE_NOT_FOUND;
	return rc;
}

struct sample_ctx {
	int64_t *id;
	struct buf *out;
	bool found;
};

static int sample_row(void *vctx, const struct store_val *c, size_t n)
{
	struct sample_ctx *g = vctx;
	if (n != 2 || c[0].type != STORE_INT || c[1].type != STORE_BLOB)
		return -EIO;
	g->found = true;
	*g->id = c[0].i;
	buf_reset(g->out);
	return buf_append(g->out, c[1].p, c[1].len);
}

int store_report_sealed_sample(struct store *s, int64_t *id, struct buf *out)
{
	if (!id || !out)
		return -EINVAL;
	struct sample_ctx g = {id, out, false};
	int rc = store_read_exec(s, STMT_REPORT_SEALED_SAMPLE, NULL, 0, sample_row, &g);
	if (!rc && !g.found)
		rc = STORE_NOT_FOUND;
	return rc;
}

void store_messages_free(struct store_message *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		if (v[i].sealed)
			sodium_memzero(v[i].sealed, v[i].sealed_len);
		free(v[i].sealed);
	}
	free(v);
}

int store_msg_list_row(void *vctx, const struct store_val *c, size_t n)
{
	struct store_msg_list *l = vctx;
	if (n != 5 || c[0].type != STORE_INT || c[1].type != STORE_INT || c[4].type != STORE_BLOB ||
	    c[4].len == 0)
		return -EIO;
	if (l->n == REPORT_MAX_MESSAGES)
		return STORE_LIMIT;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct store_message *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	struct store_message *m = &l->v[l->n];
	memset(m, 0, sizeof *m);
	m->id = c[0].i;
	m->seq = c[1].i;
	int rc = store_col_text(m->author, sizeof m->author, &c[2]);
	if (!rc)
		rc = store_col_text(m->created_at, sizeof m->created_at, &c[3]);
	if (rc)
		return rc;
	m->sealed = malloc(c[4].len);
	if (!m->sealed)
		return -ENOMEM;
	memcpy(m->sealed, c[4].p, c[4].len);
	m->sealed_len = c[4].len;
	l->n++;
	return 0;
}

int store_messages(struct store *s, int64_t report_id, struct store_message **out, size_t *n)
{
	struct store_msg_list l = {0};
	struct store_val p[] = {sv_int(report_id)};
	int rc = store_read_exec(s, STMT_MESSAGE_LIST, p, 1, store_msg_list_row, &l);
	if (rc) {
		store_messages_free(l.v, l.n);
		l.v = NULL;
		l.n = 0;
	}
	*out = l.v;
	*n = l.n;
	return rc;
}

struct msg_add_ctx {
	int64_t report_id;
	const char *author;
	const char *created_at; /* or NULL: now */
	const void *sealed;
	size_t len;
	const char *refuse_status;
	int64_t id;
};

struct status_ctx {
	char status[STORE_CODE_MAX_LEN + 1];
	bool found;
};

static int status_row(void *vctx, const struct store_val *c, size_t n)
{
	struct status_ctx *g = vctx;
	if (n != 1)
		return -EIO;
	g->found = true;
	return store_col_text(g->status, sizeof g->status, &c[0]);
}

static bool valid_message(int64_t report_id, const char *author, const char *created_at,
                          const void *sealed, size_t sealed_len)
{
	(void)report_id;
	return author && (strcmp(author, "reporter") == 0 || strcmp(author, "handler") == 0) &&
	       (!created_at || valid_date(created_at) || valid_time(created_at)) && sealed &&
	       sealed_len > 0 && sealed_len <= STORE_SEALED_MAX;
}

int store_tx_message_add(struct store_tx *tx, int64_t report_id, const char *author,
                         const char *created_at, const void *sealed, size_t sealed_len,
                         const char *refuse_status, int64_t *id)
{
	if (report_id <= 0)
		return STORE_NOT_FOUND;
	if (!valid_message(report_id, author, created_at, sealed, sealed_len))
		return -EINVAL;
	struct status_ctx st = {{0}, false};
	struct store_val p[] = {sv_int(report_id)};
	/* Status and count are read inside the write transaction, so a
	 * report closed a moment ago refuses the message. */
	int rc = store_tx_exec(tx, STMT_REPORT_STATUS, p, 1, status_row, &st);
	if (rc)
		return rc;
	if (!st.found)
		return STORE_NOT_FOUND;
	if (refuse_status && strcmp(st.status, refuse_status) == 0)
		return STORE_REFUSED;
	/* A random id, like a report's: one counted over all messages would
	 * tell the place of this one among a day's messages, and so its line
	 * in a proxy's access log. A repeat is drawn again, checked first
	 * because a failed insert would abort a PostgreSQL transaction. */
	int64_t mid = 0;
	for (unsigned attempt = 0; attempt < 4 && !mid; attempt++) {
		int64_t v;
		randombytes_buf(&v, sizeof v);
		v &= INT64_MAX;
		if (v == 0)
			continue;
		struct store_val idp[] = {sv_int(v)};
		bool found;
		rc = exists(tx, STMT_MESSAGE_ID_EXISTS, idp, 1, &found);
		if (rc)
			return rc;
		if (!found)
			mid = v;
	}
	if (!mid)
		return -EIO;
	/* Last: raising the report's seq is the first write, so a positive
	 * result above has written nothing. No row back: the limit. */
	int64_t seq = 0;
	struct store_val q[] = {sv_int(report_id), sv_int((int64_t)REPORT_MAX_MESSAGES)};
	rc = store_tx_exec(tx, STMT_MESSAGE_SEQ_NEXT, q, 2, store_row_int, &seq);
	if (rc)
		return rc;
	if (seq == 0)
		return STORE_LIMIT;
	char now[STORE_TIME_LEN + 1];
	if (!created_at)
		store_now(now);
	struct store_val ins[] = {sv_int(mid),
	                          sv_int(report_id),
	                          sv_int(seq),
	                          sv_text(author),
	                          sv_text(created_at ? created_at : now),
	                          sv_blob(sealed, sealed_len)};
	rc = store_tx_exec(tx, STMT_MESSAGE_INSERT, ins, 6, NULL, NULL);
	if (rc)
		return rc > 0 ? -EIO : rc;
	if (id)
		*id = mid;
	return 0;
}

static int msg_add_txn(struct store_tx *tx, void *vctx)
{
	struct msg_add_ctx *m = vctx;
	return store_tx_message_add(tx, m->report_id, m->author, m->created_at, m->sealed, m->len,
	                            m->refuse_status, &m->id);
}

int store_message_add(struct store *s, int64_t report_id, const char *author,
                      const char *created_at, const void *sealed, size_t sealed_len,
                      const char *refuse_status, int64_t *id)
{
	if (report_id <= 0)
		return STORE_NOT_FOUND;
	if (!valid_message(report_id, author, created_at, sealed, sealed_len))
		return -EINVAL;
	struct msg_add_ctx m = {.report_id = report_id,
	                        .author = author,
	                        .created_at = created_at,
	                        .sealed = sealed,
	                        .len = sealed_len,
	                        .refuse_status = refuse_status};
	int rc = store_txn(s, msg_add_txn, &m);
	if (!rc && id)
		*id = m.id;
	return rc;
}
