/* transfer: `signaal import reports` and `signaal export reports`.
 *
 * Import reads the whole file, checks every row (domain/import.c) and
 * only then writes, in one transaction (store_report_insert_imported), so
 * a file is imported entirely or not at all. Errors go to stderr as
 * "FILE:LINE: column NAME: "VALUE" problem", the first IMPORT_MAX_ERRORS
 * of them in line order. A value the export escaped against formula
 * injection ('=cmd) is read back as it was (=cmd).
 *
 * Export writes the contract's columns only: none of them holds free text
 * or personal data.
 *
 * Both are audited (actor: the OS user): the import's entry commits with
 * its rows, the export's before the first row is written. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "app/setup.h"
#include "domain/import.h"
#include "domain/report.h"
#include "render/csv.h"
#include "store/store.h"
#include "util/csv_read.h"
#include "util/str.h"

static int usage_error(const char *msg)
{
	fprintf(stderr, "signaal: %s\n", msg);
	return CLI_EXIT_USAGE;
}

/* Checks --org; 0 or CLI_EXIT_USAGE. */
static int check_org_arg(const char *org, const char *usage)
{
	if (!org) {
		fprintf(stderr, "signaal: --org is required\nusage: %s\n", usage);
		return CLI_EXIT_USAGE;
	}
	if (!str_is_id(org, ID_MAX_LEN)) {
		char q[ID_MAX_LEN + 16];
		fprintf(stderr, "signaal: --org: %s is not an id (a-z, 0-9, - and _, at most %u)\n",
		        import_quote(org, strlen(org), q, sizeof q), ID_MAX_LEN);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/* Opens the database ([store] url, else DIR/signaal.db), which must exist
 * (init creates it; opening would otherwise create an empty database), and
 * checks the organisation. */
static int open_store(const char *data_dir, const char *url, const char *org, struct store **out)
{
	*out = NULL;
	char path[4096];
	int len = snprintf(path, sizeof path, "%s/%s", data_dir, SETUP_DB_FILE);
	struct stat sb;
	if (!*url && (len < 0 || (size_t)len >= sizeof path || stat(path, &sb) != 0)) {
		fprintf(stderr, "signaal: %s: no database here; run signaal init --data %s first\n",
		        data_dir, data_dir);
		return CLI_EXIT_USER;
	}
	struct buf err = BUF_INIT;
	int rc = store_open(*url ? url : path, 0, out, &err);
	if (rc) {
		fprintf(stderr, "signaal: %s\n",
		        err.len ? buf_str(&err) : strerror(rc < 0 ? -rc : EIO));
		buf_free(&err);
		return CLI_EXIT_USER;
	}
	buf_free(&err);
	struct store_org o;
	rc = store_org_get(*out, org, &o);
	if (rc) {
		if (rc == STORE_NOT_FOUND)
			fprintf(stderr, "signaal: --org: no organisation \"%s\" in %s\n", org,
			        data_dir);
		else
			fprintf(stderr, "signaal: %s: cannot read the organisation: %s\n", path,
			        strerror(rc < 0 ? -rc : EIO));
		store_close(*out);
		*out = NULL;
		return CLI_EXIT_USER;
	}
	return 0;
}

/* --- import -------------------------------------------------------------- */

static void print_errors(const char *file, const struct import *im)
{
	size_t kept = im->nerrors < IMPORT_MAX_ERRORS ? im->nerrors : IMPORT_MAX_ERRORS;
	for (size_t i = 0; i < kept; i++) {
		const struct import_error *e = &im->errors[i];
		fprintf(stderr, "%s:%lu", file, e->line);
		if (e->col)
			fprintf(stderr, ":%lu", e->col);
		fputs(": ", stderr);
		if (e->column[0])
			fprintf(stderr, "column %s: ", e->column);
		if (e->has_value)
			fprintf(stderr, "\"%s\" ", e->value);
		fprintf(stderr, "%s\n", e->problem);
	}
	if (im->nerrors > kept)
		fprintf(stderr, "%s: %zu more errors not shown\n", file, im->nerrors - kept);
}

static void today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;
	if (!localtime_r(&now, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		out[0] = '\0';
}

/* Reads the CSV into im: the header, then every row. Stops at the first
 * syntax error (what follows it cannot be trusted), adding it to im.
 * Returns 0 or -errno (the stream failed, out of memory). */
static int read_rows(struct csv_reader *r, struct import *im)
{
	struct csv_record rec;
	bool header = true;
	const char *fields[CSV_MAX_FIELDS];
	size_t lens[CSV_MAX_FIELDS];
	for (;;) {
		int rc = csv_read(r, &rec);
		if (rc == CSV_END) {
			if (header)
				import_add_error(im, 1, 0, NULL, NULL, 0,
				                 "the file is empty; a header row is required");
			return 0;
		}
		if (rc < 0)
			return rc;
		if (rc > 0) {
			const struct csv_error *e = csv_reader_error(r);
			char column[32];
			if (!header && e->field <= im->nfields && im->field_col[e->field - 1] >= 0)
				snprintf(column, sizeof column, "%s",
				         import_columns[im->field_col[e->field - 1]]);
			else
				snprintf(column, sizeof column, "%zu", e->field);
			import_add_error(im, e->line, e->col, column, e->value, e->value_len,
			                 csv_strerror(e->code));
			return 0;
		}
		if (header) {
			header = false;
			rc = import_header(im, rec.line, rec.fields, rec.nfields);
			if (rc == IMPORT_INVALID)
				return 0;
			if (rc)
				return rc;
			continue;
		}
		for (size_t i = 0; i < rec.nfields; i++) {
			fields[i] = csv_unescape_formula(rec.fields[i]);
			lens[i] = rec.lens[i] - (size_t)(fields[i] - rec.fields[i]);
		}
		rc = import_row(im, rec.line, fields, lens, rec.nfields);
		if (rc == IMPORT_INVALID)
			return 0;
		if (rc)
			return rc;
	}
}

struct import_txn_ctx {
	const char *org;
	const struct store_report_import *rows;
	size_t n, bad;
	const struct audit_key *key;
	const char *actor;
	int audit_rc; /* what audit_append said, when it failed */
};

/* The rows and the audit entry of the import, in one transaction. */
static int import_txn(struct store_tx *tx, void *vctx)
{
	struct import_txn_ctx *c = vctx;
	int rc = store_tx_report_insert_imported(tx, c->org, c->rows, c->n, &c->bad);
	if (rc)
		return rc;
	struct audit_entry e = {
	    .actor = c->actor, .org = c->org, .action = AUDIT_REPORT_IMPORT, .result = AUDIT_OK};
	c->audit_rc = audit_append(tx, c->key, &e);
	return c->audit_rc;
}

/* Writes the checked rows; 0, or CLI_EXIT_USER with the message printed. */
static int store_rows(struct store *st, const char *data_dir, const char *file, const char *org,
                      struct import *im, char **districts)
{
	struct audit_key key;
	char actor[AUDIT_ACTOR_MAX_LEN + 1];
	if (cli_audit_key(data_dir, &key))
		return CLI_EXIT_USER;
	cli_audit_actor(actor);
	struct store_report_import *rows = calloc(im->nrows ? im->nrows : 1, sizeof *rows);
	const char *(*forms)[REPORT_MAX_FORMS] = calloc(im->nrows ? im->nrows : 1, sizeof *forms);
	if (!rows || !forms) {
		free(rows);
		free(forms);
		audit_key_wipe(&key);
		fprintf(stderr, "signaal: out of memory\n");
		return CLI_EXIT_USER;
	}
	char **details = calloc(im->nrows ? im->nrows : 1, sizeof *details);
	if (!details) {
		free(rows);
		free(forms);
		audit_key_wipe(&key);
		fprintf(stderr, "signaal: out of memory\n");
		return CLI_EXIT_USER;
	}
	for (size_t i = 0; i < im->nrows; i++) {
		const struct import_row *r = &im->rows[i];
		if (import_row_details(r, &details[i])) {
			for (size_t k = 0; k < i; k++)
				free(details[k]);
			free(details);
			free(rows);
			free(forms);
			audit_key_wipe(&key);
			fprintf(stderr, "signaal: out of memory\n");
			return CLI_EXIT_USER;
		}
		for (size_t k = 0; k < r->nforms; k++)
			forms[i][k] = report_forms[r->forms[k]];
		rows[i] = (struct store_report_import){
		    .reference = r->reference,
		    .received_on = r->received_on,
		    .channel = report_channels[r->channel],
		    .reporter_role = report_roles[r->reporter_role],
		    .anonymous = r->anonymous,
		    .kind = report_kinds[r->kind],
		    .forms = forms[i],
		    .nforms = r->nforms,
		    .district = r->district >= 0 ? districts[r->district] : NULL,
		    .concrete = report_concretes[r->concrete],
		    .status = report_statuses[r->status],
		    .outcome = report_outcomes[r->outcome],
		    .details = details[i],
		};
	}
	struct import_txn_ctx c = {org, rows, im->nrows, im->nrows, &key, actor, 0};
	int rc = store_txn(st, import_txn, &c);
	size_t bad = rc ? c.bad : im->nrows;
	audit_key_wipe(&key);
	for (size_t i = 0; i < im->nrows; i++)
		free(details[i]);
	free(details);
	if (rc && c.audit_rc) {
		cli_audit_say(rc);
		fprintf(stderr, "signaal: nothing imported\n");
		rc = CLI_EXIT_USER;
	} else if (rc) {
		const struct import_row *r = bad < im->nrows ? &im->rows[bad] : NULL;
		char problem[128];
		if (rc == STORE_CONFLICT && r) {
			snprintf(problem, sizeof problem, "exists already for %s", org);
			import_add_error(im, r->line, 0, "reference", r->reference,
			                 strlen(r->reference), problem);
		} else if (rc == STORE_NOT_FOUND && r && r->district >= 0) {
			import_add_error(im, r->line, 0, "district", districts[r->district],
			                 strlen(districts[r->district]),
			                 "is no longer a district of the organisation");
		} else if (r) {
			import_add_error(im, r->line, 0, NULL, NULL, 0,
			                 "the database refused this row (a value too long?)");
		} else {
			fprintf(stderr, "signaal: cannot write the reports: %s\n",
			        strerror(rc < 0 ? -rc : EIO));
		}
		print_errors(file, im);
		fprintf(stderr, "signaal: nothing imported\n");
		rc = CLI_EXIT_USER;
	}
	free(rows);
	free(forms);
	return rc;
}

int cli_import(const struct cli_args *a, const struct config *cfg)
{
	(void)cfg;
	static const char use[] = "signaal import reports --org ID FILE.csv";
	if (a->nrest < 1 || strcmp(a->rest[0], "reports") != 0) {
		fprintf(stderr, "signaal: import what? usage: %s\n", use);
		return CLI_EXIT_USAGE;
	}
	if (a->nrest != 2) {
		fprintf(stderr, "signaal: import reports takes one file\nusage: %s\n", use);
		return CLI_EXIT_USAGE;
	}
	if (a->year || a->format || a->personal)
		return usage_error("import reports takes no --year, --format or --personal");
	int rc = check_org_arg(a->org, use);
	if (rc)
		return rc;
	const char *file = a->rest[1];
	FILE *f = fopen(file, "rb");
	if (!f) {
		fprintf(stderr, "signaal: %s: %s\n", file, strerror(errno));
		return CLI_EXIT_USER;
	}
	struct store *st = NULL;
	struct csv_reader *r = NULL;
	char **districts = NULL;
	size_t nd = 0;
	struct import im;
	import_init(&im, NULL, 0, NULL);
	rc = open_store(a->data_dir, cfg->store_url, a->org, &st);
	if (rc)
		goto out;
	rc = CLI_EXIT_USER;
	int e = store_districts(st, a->org, &districts, &nd);
	if (e) {
		fprintf(stderr, "signaal: cannot read the districts of %s: %s\n", a->org,
		        e < 0 ? strerror(-e) : "not found");
		goto out;
	}
	char day[11];
	today(day);
	import_init(&im, (const char *const *)districts, nd, day);
	e = csv_reader_file(f, &r);
	if (!e)
		e = read_rows(r, &im);
	if (e) {
		fprintf(stderr, "signaal: %s: %s\n", file, strerror(-e));
		goto out;
	}
	e = import_finish(&im);
	if (e == IMPORT_INVALID) {
		print_errors(file, &im);
		fprintf(stderr, "signaal: %s: nothing imported\n", file);
		goto out;
	}
	rc = store_rows(st, a->data_dir, file, a->org, &im, districts);
	if (rc)
		goto out;
	printf("imported %zu reports for %s\n", im.nrows, a->org);
	rc = fflush(stdout) ? CLI_EXIT_USER : CLI_EXIT_OK;
out:
	import_free(&im);
	csv_reader_free(r);
	store_strv_free(districts, nd);
	store_close(st);
	fclose(f);
	return rc;
}

/* --- export -------------------------------------------------------------- */

struct export
{
	bool json;
	struct csv_writer csv;
	size_t n;
	int err;
};

/* The optional columns of issue 8 (import_optional_columns, in that
 * order) of a report, from its non-personal details: reporter_state,
 * sector, frequency, involved ("a;b") and people ("ROLE" or
 * "ROLE:MINOR"; a person whose role was not given is "other", the form's
 * "someone else, or I do not know"). Empty when not given, and all empty
 * for a report without details. Nothing personal is in the details. */
struct export_details {
	char state[STORE_CODE_MAX_LEN + 1], sector[STORE_CODE_MAX_LEN + 1],
	    frequency[STORE_CODE_MAX_LEN + 1];
	char involved[REPORT_MAX_INVOLVED * (STORE_CODE_MAX_LEN + 1) + 1];
	char people[REPORT_MAX_PEOPLE * 2 * (STORE_CODE_MAX_LEN + 1) + 1];
	const char *v[IMPORT_NOPTIONAL];
};

static void code_of(const json_t *o, const char *key, char *out, size_t outsz)
{
	const char *v = json_string_value(json_object_get(o, key));
	snprintf(out, outsz, "%s", v && strlen(v) < outsz ? v : "");
}

/* Appends item to the ';' list out (a code too long for out is left
 * out; the store holds only checked codes). */
static void list_add(char *out, size_t outsz, const char *a, const char *b)
{
	size_t n = strlen(out);
	snprintf(out + n, outsz - n, "%s%s%s%s", n ? ";" : "", a, b ? ":" : "", b ? b : "");
	if (strlen(out) >= outsz - 1)
		out[n] = '\0';
}

static int export_details_of(const struct store_report_row *row, struct export_details *x)
{
	memset(x, 0, sizeof *x);
	json_t *d = row->details ? json_loads(row->details, 0, NULL) : NULL;
	if (row->details && !json_is_object(d)) {
		json_decref(d);
		return -EIO;
	}
	code_of(d, "reporter_state", x->state, sizeof x->state);
	code_of(d, "sector", x->sector, sizeof x->sector);
	code_of(d, "frequency", x->frequency, sizeof x->frequency);
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(d, "involved"), i, it)
	{
		if (json_is_string(it))
			list_add(x->involved, sizeof x->involved, json_string_value(it), NULL);
	}
	json_array_foreach(json_object_get(d, "people"), i, it)
	{
		const char *role = json_string_value(json_object_get(it, "role"));
		const char *minor = json_string_value(json_object_get(it, "minor"));
		list_add(x->people, sizeof x->people, role ? role : "other", minor);
	}
	json_decref(d);
	const char *v[] = {x->state, x->sector, x->frequency, x->involved, x->people};
	_Static_assert(sizeof v / sizeof v[0] == IMPORT_NOPTIONAL, "one value per optional column");
	memcpy(x->v, v, sizeof v);
	return 0;
}

static int export_csv_row(void *ctx, const struct store_report_row *row)
{
	struct export *x = ctx;
	struct export_details det;
	if (export_details_of(row, &det))
		return -EIO;
	const char *v[] = {row->reference,
	                   row->received_on,
	                   row->channel,
	                   row->reporter_role,
	                   row->anonymous ? "yes" : "no",
	                   row->kind,
	                   row->forms_joined,
	                   row->district,
	                   row->concrete,
	                   row->status,
	                   row->outcome};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		csv_field(&x->csv, v[i]);
	for (size_t i = 0; i < IMPORT_NOPTIONAL; i++)
		csv_field(&x->csv, det.v[i]);
	x->n++;
	return csv_end_row(&x->csv);
}

static int export_json_row(void *ctx, const struct store_report_row *row)
{
	struct export *x = ctx;
	struct export_details det;
	if (export_details_of(row, &det))
		return -EIO;
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	                      "reference", row->reference, "received_on", row->received_on,
	                      "channel", row->channel, "reporter_role", row->reporter_role,
	                      "anonymous", row->anonymous ? "yes" : "no", "kind", row->kind,
	                      "forms", row->forms_joined, "district", row->district, "concrete",
	                      row->concrete, "status", row->status, "outcome", row->outcome);
	for (size_t i = 0; o && i < IMPORT_NOPTIONAL; i++)
		if (json_object_set_new(o, import_optional_columns[i], json_string(det.v[i]))) {
			json_decref(o);
			o = NULL;
		}
	char *s = o ? json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT) : NULL;
	json_decref(o);
	if (!s)
		return -ENOMEM;
	int ok = fputs(x->n ? ",\n" : "[\n", stdout) >= 0 && fputs(s, stdout) >= 0;
	free(s);
	x->n++;
	return ok ? 0 : -EIO;
}

int cli_export(const struct cli_args *a, const struct config *cfg)
{
	(void)cfg;
	static const char use[] =
	    "signaal export reports --org ID [--year Y] [--format csv|json|excel]";
	if (a->nrest != 1 || strcmp(a->rest[0], "reports") != 0) {
		fprintf(stderr, "signaal: export what? usage: %s\n", use);
		return CLI_EXIT_USAGE;
	}
	if (a->personal)
		return usage_error(
		    "--personal is not available yet: this version exports no personal fields "
		    "(each such export will be written to the audit log). Without --personal "
		    "the export holds no personal data.");
	int rc = check_org_arg(a->org, use);
	if (rc)
		return rc;
	uint64_t year = 0;
	if (a->year && str_parse_u64(a->year, 1, 9999, &year) != 0) {
		char q[32];
		fprintf(stderr, "signaal: --year: \"%s\" is not a year\n",
		        import_quote(a->year, strlen(a->year), q, sizeof q));
		return CLI_EXIT_USAGE;
	}
	const char *format = a->format ? a->format : "csv";
	struct export x = {0};
	bool excel = false;
	if (strcmp(format, "json") == 0)
		x.json = true;
	else if (strcmp(format, "excel") == 0)
		excel = true;
	else if (strcmp(format, "csv") != 0)
		return usage_error("--format: one of csv, json, excel");
	struct store *st = NULL;
	rc = open_store(a->data_dir, cfg->store_url, a->org, &st);
	if (rc)
		return rc;
	/* Written before any data leaves: an export that cannot be recorded
	 * does not happen. */
	char object[16] = "";
	if (year)
		snprintf(object, sizeof object, "year:%u", (unsigned)year);
	if (cli_audit_record(st, a->data_dir, AUDIT_REPORT_EXPORT, a->org, object, AUDIT_OK)) {
		store_close(st);
		return CLI_EXIT_USER;
	}
	int e;
	if (x.json) {
		e = store_report_export(st, a->org, (int)year, export_json_row, &x);
		if (!e && fputs(x.n ? "\n]\n" : "[]\n", stdout) < 0)
			e = -EIO;
		if (!e && fflush(stdout))
			e = -EIO;
	} else {
		csv_writer_init(&x.csv, stdout, excel);
		for (size_t i = 0; import_columns[i]; i++)
			csv_field(&x.csv, import_columns[i]);
		for (size_t i = 0; import_optional_columns[i]; i++)
			csv_field(&x.csv, import_optional_columns[i]);
		e = csv_end_row(&x.csv);
		if (!e)
			e = store_report_export(st, a->org, (int)year, export_csv_row, &x);
		int fe = csv_writer_finish(&x.csv);
		if (!e)
			e = fe;
	}
	store_close(st);
	if (e) {
		fprintf(stderr, "signaal: export of %s failed: %s\n", a->org,
		        e < 0 ? strerror(-e) : "not found");
		return CLI_EXIT_USER;
	}
	return CLI_EXIT_OK;
}
