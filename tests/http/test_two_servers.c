/* HTTP tests of two server processes on one database (issue 7): reports
 * sent to both at once are all stored, every receipt follows on either
 * server, and references never collide. Under tests/pg/with-pg the two
 * share one PostgreSQL database, as several servers of a region do;
 * otherwise one SQLite file, as two processes on one machine may. Also:
 * clients that leave while their report commits, on both at once, and
 * guessing of receipts spread over both, which still trips the overall
 * slow-down (counted in the database). */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "harness.h"
#include "limits.h"
#include "store/store.h"

enum {
	PER_SERVER = 15, /* reports each server takes at once */
	LEAVERS = 24,    /* clients per server that send and leave at once */
};

static struct srv A, B;

static int setup(void **state)
{
	(void)state;
	if (suite_start(&A, "[intake]\nmax_reports_per_minute = 10000\n") != 0)
		return -1;
	return srv_start_beside(&B, &A);
}

static int teardown(void **state)
{
	(void)state;
	int b = srv_stop(&B);
	int a = suite_stop(&A);
	return a || b ? -1 : 0;
}

static json_t *body_json(const struct res *r)
{
	json_error_t je;
	return json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, &je);
}

static char signal_code[128];

static void find_signal(void)
{
	struct res r;
	assert_int_equal(http_get(&A, "/api/v1/signals", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	json_t *v = body_json(&r);
	size_t i;
	json_t *s;
	json_array_foreach(v, i, s)
	{
		if (strcmp(json_string_value(json_object_get(s, "form")), "labour") == 0) {
			snprintf(signal_code, sizeof signal_code, "%s",
			         json_string_value(json_object_get(s, "code")));
			break;
		}
	}
	json_decref(v);
	res_free(&r);
	assert_true(signal_code[0] != '\0');
}

struct sender {
	const struct srv *to;
	char receipts[PER_SERVER][32];
	int failures;
};

/* No cmocka asserts here: they must run on the test's own thread. */
static void *send_reports(void *arg)
{
	struct sender *x = arg;
	for (int i = 0; i < PER_SERVER; i++) {
		json_t *v =
		    json_pack("{s:s, s:s, s:s, s:b, s:b, s:s, s:[s], s:[s], s:s}", "org", "velsen",
		              "kind", "report", "reporter_role", "bystander", "anonymous", 1,
		              "acute_danger", 0, "description", "Twee servers, een database.",
		              "signals", signal_code, "forms", "labour", "district", "IJmuiden");
		char *body = json_dumps(v, JSON_COMPACT);
		json_decref(v);
		struct res r;
		if (http_post(x->to, "/api/v1/reports", "application/json", body, strlen(body),
		              NULL, &r) != 0 ||
		    r.status != 201) {
			x->failures++;
		} else {
			json_t *a = body_json(&r);
			const char *rc = json_string_value(json_object_get(a, "receipt"));
			snprintf(x->receipts[i], sizeof x->receipts[i], "%s", rc ? rc : "");
			json_decref(a);
		}
		res_free(&r);
		free(body);
	}
	return NULL;
}

static long follow_status(const struct srv *on, const char *receipt)
{
	json_t *v = json_pack("{s:s}", "receipt", receipt);
	char *body = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	struct res r;
	assert_int_equal(
	    http_post(on, "/api/v1/follow", "application/json", body, strlen(body), NULL, &r), 0);
	long st = r.status;
	res_free(&r);
	free(body);
	return st;
}

struct refs {
	char v[2 * PER_SERVER + 8][REPORT_MAX_REFERENCE + 1];
	size_t n;
};

static int collect_ref(void *ctx, const struct store_report_row *row)
{
	struct refs *r = ctx;
	if (r->n == sizeof r->v / sizeof r->v[0])
		return -ENOSPC;
	memcpy(r->v[r->n++], row->reference, sizeof row->reference);
	return 0;
}

/* The database the servers share, opened as they open it. */
static struct store *open_shared(void)
{
	char path[400];
	snprintf(path, sizeof path, "%s/var/signaal.ini", A.dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[400], url[400];
	snprintf(url, sizeof url, "%s/var/signaal.db", A.dir);
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "url = ", 6) == 0) {
			snprintf(url, sizeof url, "%s", line + 6);
			url[strcspn(url, "\n")] = '\0';
		}
	}
	fclose(f);
	struct store *s = NULL;
	struct buf err = BUF_INIT;
	if (store_open(url, 0, &s, &err) != 0)
		fail_msg("open %s: %s", url, buf_str(&err));
	buf_free(&err);
	return s;
}

static void reports_to_both_at_once(void **state)
{
	(void)state;
	find_signal();
	static struct sender xa, xb;
	xa.to = &A;
	xb.to = &B;
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, send_reports, &xa), 0);
	assert_int_equal(pthread_create(&tb, NULL, send_reports, &xb), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(xa.failures, 0);
	assert_int_equal(xb.failures, 0);

	/* Every receipt follows on either server. */
	for (int i = 0; i < PER_SERVER; i++) {
		assert_int_equal(follow_status(&B, xa.receipts[i]), 200);
		assert_int_equal(follow_status(&A, xa.receipts[i]), 200);
		assert_int_equal(follow_status(&A, xb.receipts[i]), 200);
		assert_int_equal(follow_status(&B, xb.receipts[i]), 200);
	}

	/* Every report stored once, under a reference of its own. */
	struct store *s = open_shared();
	static struct refs refs;
	assert_int_equal(store_report_export(s, "velsen", 0, collect_ref, &refs), 0);
	store_close(s);
	assert_int_equal(refs.n, 2 * PER_SERVER);
	for (size_t i = 0; i < refs.n; i++) {
		assert_true(refs.v[i][0] != '\0');
		for (size_t j = 0; j < i; j++)
			if (strcmp(refs.v[i], refs.v[j]) == 0)
				fail_msg("reference %s given twice", refs.v[i]);
	}
}

static int count_row(void *ctx, const struct store_report_row *row)
{
	(void)row;
	++*(size_t *)ctx;
	return 0;
}

/* Reports stored for velsen, in the database the servers share. */
static size_t reports_stored(void)
{
	struct store *s = open_shared();
	size_t n = 0;
	assert_int_equal(store_report_export(s, "velsen", 0, count_row, &n), 0);
	store_close(s);
	return n;
}

/* Sends a whole report to on and closes the socket at once, before any
 * answer. */
static void send_and_leave(const struct srv *on, const char *body)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)on->port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	char req[2048];
	int n = snprintf(req, sizeof req,
	                 "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\n"
	                 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
	                 strlen(body), body);
	assert_true(n > 0 && (size_t)n < sizeof req);
	assert_int_equal(send(fd, req, (size_t)n, 0), n);
	close(fd);
}

/* Clients that leave while their report commits: many at once on both
 * servers each send a whole report and close the socket without waiting.
 * The answer goes to a connection whose client is gone; the deferral must
 * resume only a connection whose request is still there. Neither server
 * crashes (under AddressSanitizer a resume of a freed connection shows),
 * both still answer, and every report is stored. */
static void clients_leave_while_reports_commit(void **state)
{
	(void)state;
	find_signal();
	size_t before = reports_stored();
	json_t *v = json_pack("{s:s, s:s, s:s, s:b, s:b, s:s, s:[s], s:[s], s:s}", "org", "velsen",
	                      "kind", "report", "reporter_role", "bystander", "anonymous", 1,
	                      "acute_danger", 0, "description", "Weg voor het antwoord.", "signals",
	                      signal_code, "forms", "labour", "district", "IJmuiden");
	char *body = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	for (int i = 0; i < LEAVERS; i++) {
		send_and_leave(&A, body);
		send_and_leave(&B, body);
	}
	free(body);
	/* Stored soon: each is committed although nobody waits for it. */
	size_t want = before + 2 * LEAVERS, n = 0;
	for (int i = 0; i < 600 && (n = reports_stored()) < want; i++)
		usleep(50 * 1000);
	assert_int_equal(n, want);
	/* Both servers live on and answer. */
	struct res r;
	assert_int_equal(http_get(&A, "/healthz", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	res_free(&r);
	assert_int_equal(http_get(&B, "/healthz", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	res_free(&r);
}

/* --- Guessing spread over both servers ------------------------------------ */

/* A well-formed receipt that is no report's ("ZZZZ" as its second group):
 * n written in the receipt alphabet. */
static void wrong_receipt(char out[20], unsigned n)
{
	static const char sym[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	char tail[13];
	for (int i = 11; i >= 0; i--) {
		tail[i] = sym[n % 32];
		n /= 32;
	}
	snprintf(out, 20, "%.4s-ZZZZ-%.4s-%.4s", tail, tail + 4, tail + 8);
}

/* Sends wrong receipt n from source to on; its status, and Retry-After in
 * seconds (0 without). */
static long guess(const struct srv *on, const char *source, unsigned n, long *retry_after)
{
	char g[20], body[64];
	wrong_receipt(g, n);
	snprintf(body, sizeof body, "{\"receipt\":\"%s\"}", g);
	struct res r;
	http_source = source;
	int rc = http_post(on, "/api/v1/follow", "application/json", body, strlen(body), NULL, &r);
	http_source = NULL;
	assert_int_equal(rc, 0);
	char v[32];
	*retry_after = res_header(&r, "Retry-After", v, sizeof v) ? strtol(v, NULL, 10) : 0;
	long st = r.status;
	res_free(&r);
	return st;
}

/* The overall slow-down of guessing is counted in the database: guessers
 * spread over both servers, each server seeing fewer wrong receipts than
 * FOLLOW_WRONG_BUSY_PER_MIN and every source staying below its own limit
 * at each, together still make a source that used up its tries wait the
 * longer window. Per-source tries stay per server (in its memory). */
static void guessing_spread_over_both_slows_down(void **state)
{
	(void)state;
	unsigned sources = FOLLOW_WRONG_BUSY_PER_MIN / (FOLLOW_WRONG_PER_SOURCE - 1) + 1;
	unsigned at[2] = {0, 0}, n = 0;
	long wait;
	for (unsigned s = 0; s < sources; s++) {
		char src[32];
		snprintf(src, sizeof src, "127.0.66.%u", s + 1);
		for (unsigned i = 0; i < FOLLOW_WRONG_PER_SOURCE - 1; i++, n++) {
			const struct srv *on = n % 2 ? &B : &A;
			long st = guess(on, src, n, &wait);
			if (st != 404)
				fail_msg("wrong receipt %u from %s: %ld", n, src, st);
			at[n % 2]++;
		}
	}
	/* The source that is slowed down uses up its tries at A. */
	for (unsigned i = 0; i < FOLLOW_WRONG_PER_SOURCE; i++, n++) {
		long st = guess(&A, "127.0.67.1", n, &wait);
		if (st != 404)
			fail_msg("wrong receipt %u of the slowed source: %ld", i, st);
		at[0]++;
	}
	/* Neither server alone saw enough to slow down; both together did. */
	assert_true(at[0] < FOLLOW_WRONG_BUSY_PER_MIN);
	assert_true(at[1] < FOLLOW_WRONG_BUSY_PER_MIN);
	assert_true(at[0] + at[1] >= FOLLOW_WRONG_BUSY_PER_MIN);
	assert_int_equal(guess(&A, "127.0.67.1", n++, &wait), 429);
	if (wait <= (long)FOLLOW_WRONG_WINDOW_S || wait > (long)FOLLOW_WRONG_BUSY_WINDOW_S)
		fail_msg("Retry-After %ld: not the longer window of guessing", wait);
	/* Its tries at B are its own there. */
	assert_int_equal(guess(&B, "127.0.67.1", n++, &wait), 404);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reports_to_both_at_once),
	    cmocka_unit_test(clients_leave_while_reports_commit),
	    cmocka_unit_test(guessing_spread_over_both_slows_down),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
