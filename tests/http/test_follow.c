/* HTTP tests of the lockouts of following up (issue 6, part 3) against the
 * real binary, on POST /api/v1/follow and on /volgen: wrong receipts from
 * an attacker's address (127.0.0.66, or many 127.0.66.x) never make the
 * right receipt of a reporter at another address (127.0.0.77) wait, not
 * by sharing its first symbols and not by their number overall; guessing
 * from one address is still throttled; and under guessing from many
 * addresses the ones that used up their tries wait longer. Also: a
 * reporter's message keeps its date only (issue 6, part 6), in the
 * database, the API and the page, and keeps its place in the
 * conversation. And (issue 7) a message added while another connection
 * holds the database's write transaction is "try again" with everything
 * kept, on the form and the API alike, never a fault or a 500. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sqlite3.h>

#include "harness.h"
#include "limits.h"

#define ATTACKER "127.0.0.66"
#define VICTIM   "127.0.0.77"

/* Intake unlimited: the tests make reports freely. */
#define INI "[intake]\nmax_reports_per_minute = 0\n"

static int setup(void **state)
{
	(void)state;
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	curl_global_cleanup();
	return 0;
}

/* Each test starts its own server: the throttle lives in its memory. */
static int test_setup(void **state)
{
	static struct srv t;
	http_source = NULL;
	*state = &t;
	return srv_start(&t, INI);
}

static int test_teardown(void **state)
{
	http_source = NULL;
	return srv_stop(*state) == 0 ? 0 : -1;
}

/* Makes an anonymous report through the API (from 127.0.0.1); its receipt
 * into out. */
static void make_report(const struct srv *t, char out[20])
{
	const char *body =
	    "{\"org\":\"velsen\",\"kind\":\"report\",\"reporter_role\":\"bystander\","
	    "\"anonymous\":true,\"acute_danger\":false,"
	    "\"description\":\"Iemand slaapt in de loods en werkt elke dag.\","
	    "\"signals\":[\"labour.low_pay\"],\"forms\":[\"labour\"],\"district\":\"IJmuiden\"}";
	const char *keep = http_source;
	http_source = NULL;
	struct res r;
	assert_int_equal(
	    http_post(t, "/api/v1/reports", "application/json", body, strlen(body), NULL, &r), 0);
	http_source = keep;
	if (r.status != 201)
		fail_msg("report: %ld %s", r.status, buf_str(&r.body));
	json_t *v = json_loadb(buf_str(&r.body), r.body.len, 0, NULL);
	const char *rc = json_string_value(json_object_get(v, "receipt"));
	assert_non_null(rc);
	assert_int_equal(strlen(rc), 19);
	memcpy(out, rc, 20);
	json_decref(v);
	res_free(&r);
}

/* Follows receipt up from source (NULL: 127.0.0.1), through the API or the
 * form (a fresh CSRF pair from that source first). */
static void follow_from(const struct srv *t, const char *source, bool form, const char *receipt,
                        struct res *r)
{
	http_source = source;
	if (form) {
		char cookie[256], token[200];
		assert_int_equal(
		    http_csrf(t, "/volgen", cookie, sizeof cookie, token, sizeof token), 0);
		char body[400];
		snprintf(body, sizeof body, "csrf=%s&receipt=%s", token, receipt);
		const char *hdrs[] = {cookie, NULL};
		assert_int_equal(http_post(t, "/volgen", "application/x-www-form-urlencoded", body,
		                           strlen(body), hdrs, r),
		                 0);
	} else {
		char body[200];
		snprintf(body, sizeof body, "{\"receipt\":\"%s\"}", receipt);
		assert_int_equal(
		    http_post(t, "/api/v1/follow", "application/json", body, strlen(body), NULL, r),
		    0);
	}
	http_source = NULL;
}

/* The status of a wrong receipt that was looked up. */
static long wrong_status(bool form)
{
	return form ? 400 : 404;
}

/* Expects receipt from source to show the report's status. */
static void assert_found(const struct srv *t, const char *source, bool form, const char *receipt)
{
	struct res r;
	follow_from(t, source, form, receipt, &r);
	if (r.status != 200)
		fail_msg("right receipt from %s: %ld %s", source ? source : "127.0.0.1", r.status,
		         buf_str(&r.body));
	assert_non_null(strstr(buf_str(&r.body), form ? "Ontvangen" : "\"received\""));
	res_free(&r);
}

/* A well-formed receipt that is no report's: prefix (4 symbols; NULL: the
 * last 4 symbols of n, so each n has its own prefix) and then n written in
 * the receipt alphabet. */
static void wrong_receipt(char out[20], const char *prefix, unsigned n)
{
	static const char sym[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	char tail[13];
	for (int i = 11; i >= 0; i--) {
		tail[i] = sym[n % 32];
		n /= 32;
	}
	/* Never the right one: "ZZZZ" as the second group. */
	snprintf(out, 20, "%.4s-ZZZZ-%.4s-%.4s", prefix ? prefix : tail + 8, tail + 4, tail + 8);
}

/* Sends wrong receipts from source until it is told to wait or max were
 * sent; returns how many were looked up (answered "not found"). */
static unsigned guess_until_throttled(const struct srv *t, const char *source, bool form,
                                      const char *prefix, unsigned first, unsigned max,
                                      long *retry_after)
{
	unsigned looked_up = 0;
	*retry_after = 0;
	for (unsigned i = 0; i < max; i++) {
		char guess[20];
		wrong_receipt(guess, prefix, first + i);
		struct res r;
		follow_from(t, source, form, guess, &r);
		if (r.status == 429) {
			char v[32];
			assert_true(res_header(&r, "Retry-After", v, sizeof v));
			*retry_after = strtol(v, NULL, 10);
			res_free(&r);
			break;
		}
		if (r.status != wrong_status(form))
			fail_msg("wrong receipt %s: %ld %s", guess, r.status, buf_str(&r.body));
		res_free(&r);
		looked_up++;
	}
	return looked_up;
}

/* --- The lockout by prefix ------------------------------------------------ */

/* Wrong receipts sharing a reporter's first 4 symbols, from another
 * address, once locked that receipt out for 15 minutes. */
static void prefix_lockout(void **state, bool form)
{
	const struct srv *t = *state;
	char good[20];
	make_report(t, good);
	long wait;
	unsigned n =
	    guess_until_throttled(t, ATTACKER, form, good, 0, FOLLOW_WRONG_PER_SOURCE + 3, &wait);
	/* The reporter is not locked out ... */
	assert_found(t, VICTIM, form, good);
	assert_found(t, VICTIM, form, good);
	/* ... the attacker is throttled. */
	assert_int_equal(n, FOLLOW_WRONG_PER_SOURCE);
	assert_true(wait > 0);
}

static void api_prefix_lockout(void **state)
{
	prefix_lockout(state, false);
}

static void form_prefix_lockout(void **state)
{
	prefix_lockout(state, true);
}

/* --- The lockout by number ------------------------------------------------ */

/* Wrong receipts from anywhere, FOLLOW_WRONG_BUSY_PER_MIN and more within a
 * minute, once made every reporter's right receipt wait. Now they only
 * make the addresses that sent them wait longer. */
static void global_lockout(void **state, bool form)
{
	const struct srv *t = *state;
	char good[20];
	make_report(t, good);
	/* Enough addresses to pass the overall rate with their own tries. */
	unsigned sources = FOLLOW_WRONG_BUSY_PER_MIN / FOLLOW_WRONG_PER_SOURCE + 2;
	unsigned total = 0;
	long wait = 0;
	for (unsigned s = 0; s < sources; s++) {
		char src[32];
		snprintf(src, sizeof src, "127.0.66.%u", s + 1);
		/* A prefix for each guess: the old overall counter, not the
		 * old prefix one, is what they would trip. */
		total += guess_until_throttled(t, src, form, NULL, s * 100,
		                               FOLLOW_WRONG_PER_SOURCE + 1, &wait);
	}
	/* The reporter's right receipt is looked up, at once. */
	assert_found(t, VICTIM, form, good);
	assert_true(total > FOLLOW_WRONG_BUSY_PER_MIN);
	/* A new address's wrong receipt is looked up too: nothing is refused
	 * overall. */
	struct res r;
	char guess[20];
	wrong_receipt(guess, "QQQQ", 7);
	follow_from(t, ATTACKER, form, guess, &r);
	assert_int_equal(r.status, wrong_status(form));
	res_free(&r);
	/* Slowed down: an address that used up its tries now waits longer
	 * than its own window. */
	follow_from(t, "127.0.66.1", form, guess, &r);
	assert_int_equal(r.status, 429);
	char v[32];
	assert_true(res_header(&r, "Retry-After", v, sizeof v));
	long secs = strtol(v, NULL, 10);
	if (secs <= (long)FOLLOW_WRONG_WINDOW_S || secs > (long)FOLLOW_WRONG_BUSY_WINDOW_S)
		fail_msg("Retry-After %ld under guessing", secs);
	res_free(&r);
	/* The reporter still gets in. */
	assert_found(t, VICTIM, form, good);
}

static void api_global_lockout(void **state)
{
	global_lockout(state, false);
}

static void form_global_lockout(void **state)
{
	global_lockout(state, true);
}

/* --- Guessing from one address -------------------------------------------- */

static void guessing_throttled(void **state, bool form)
{
	const struct srv *t = *state;
	char good[20];
	make_report(t, good);
	/* The attacker's own lookups of a right receipt cost nothing. */
	assert_found(t, ATTACKER, form, good);
	long wait;
	unsigned n =
	    guess_until_throttled(t, ATTACKER, form, "MNPQ", 0, FOLLOW_WRONG_PER_SOURCE + 3, &wait);
	assert_int_equal(n, FOLLOW_WRONG_PER_SOURCE);
	assert_true(wait >= 1 && wait <= (long)FOLLOW_WRONG_WINDOW_S);
	/* What it is told, and that nothing is looked up while it waits: not
	 * even a right receipt. */
	struct res r;
	follow_from(t, ATTACKER, form, good, &r);
	assert_int_equal(r.status, 429);
	const char *b = buf_str(&r.body);
	if (form) {
		assert_null(strstr(b, "Ontvangen"));
		assert_non_null(strstr(b, "Vanaf dit netwerk zijn te vaak verkeerde bonnetjes"));
		assert_non_null(strstr(b, "Probeer het over"));
		assert_non_null(strstr(b, "minuten"));
		assert_null(strstr(b, "deze verbinding"));
	} else {
		assert_null(strstr(b, "\"status\""));
		assert_non_null(strstr(b, "Vanaf dit netwerk zijn te veel verkeerde codes"));
		assert_non_null(strstr(b, "Probeer het over"));
	}
	res_free(&r);
	/* The reporter at another address is not touched. */
	assert_found(t, VICTIM, form, good);
}

static void api_guessing_throttled(void **state)
{
	guessing_throttled(state, false);
}

static void form_guessing_throttled(void **state)
{
	guessing_throttled(state, true);
}

/* The API and the form share one count per address: switching between
 * them gives a guesser no second budget. */
static void api_and_form_share(void **state)
{
	const struct srv *t = *state;
	long wait;
	unsigned half = FOLLOW_WRONG_PER_SOURCE / 2;
	assert_int_equal(guess_until_throttled(t, ATTACKER, false, "RSTV", 0, half, &wait), half);
	unsigned rest =
	    guess_until_throttled(t, ATTACKER, true, "RSTV", 100, FOLLOW_WRONG_PER_SOURCE, &wait);
	assert_int_equal(rest, FOLLOW_WRONG_PER_SOURCE - half);
	assert_true(wait > 0);
}

/* In English (the "/en" prefix) the API says the same. */
static void api_message_in_english(void **state)
{
	const struct srv *t = *state;
	long wait;
	guess_until_throttled(t, ATTACKER, false, "WXYZ", 0, FOLLOW_WRONG_PER_SOURCE, &wait);
	http_source = ATTACKER;
	const char *body = "{\"receipt\":\"WXYZ-0000-0000-0000\"}";
	struct res r;
	assert_int_equal(
	    http_post(t, "/en/api/v1/follow", "application/json", body, strlen(body), NULL, &r), 0);
	http_source = NULL;
	assert_int_equal(r.status, 429);
	assert_non_null(
	    strstr(buf_str(&r.body), "Too many wrong codes were sent from this network"));
	res_free(&r);
}

/* Today's local date as the server keeps it ("YYYY-MM-DD") and shows it
 * ("DD-MM-YYYY"). */
static void today(char iso[11], char shown[11])
{
	struct tm tm;
	time_t t = time(NULL);
	localtime_r(&t, &tm);
	strftime(iso, 11, "%Y-%m-%d", &tm);
	strftime(shown, 11, "%d-%m-%Y", &tm);
}

/* Every created_at of the reporter's messages in the server's database,
 * in the order of the conversation, one a line, read as it is on disk
 * (the SQLite file or the PostgreSQL database: srv_query). */
static void stored_times(const struct srv *t, struct buf *out)
{
	assert_int_equal(srv_query(t,
	                           "SELECT created_at FROM report_messages"
	                           " WHERE author = 'reporter' ORDER BY seq",
	                           out),
	                 0);
}

/* A reporter's messages keep their date and no time of day (which with a
 * proxy's access log would link them to an address): on disk, in the
 * API's answer and on the page; several on one date keep their order. */
static void message_keeps_date_only(void **state)
{
	const struct srv *t = *state;
	char receipt[20], iso[11], shown[11];
	make_report(t, receipt);
	char body[400];
	snprintf(body, sizeof body, "{\"receipt\":\"%s\",\"message\":\"Eerste-7731\"}", receipt);
	struct res r;
	assert_int_equal(
	    http_post(t, "/api/v1/follow", "application/json", body, strlen(body), NULL, &r), 0);
	assert_int_equal(r.status, 200);
	res_free(&r);
	/* The second through the form. */
	char cookie[256], token[200];
	assert_int_equal(http_csrf(t, "/volgen", cookie, sizeof cookie, token, sizeof token), 0);
	snprintf(body, sizeof body, "csrf=%s&receipt=%s&message=Tweede-7732", token, receipt);
	const char *hdrs[] = {cookie, NULL};
	assert_int_equal(http_post(t, "/volgen", "application/x-www-form-urlencoded", body,
	                           strlen(body), hdrs, &r),
	                 0);
	assert_int_equal(r.status, 200);
	today(iso, shown);
	/* The page: the date, in order, and no time of day beside it. */
	const char *page = buf_str(&r.body);
	const char *first = strstr(page, "Eerste-7731"), *second = strstr(page, "Tweede-7732");
	assert_non_null(first);
	assert_non_null(second);
	assert_true(first < second);
	char tag[80];
	snprintf(tag, sizeof tag, "<time datetime=\"%s\">%s</time>", iso, shown);
	const char *at = strstr(page, tag);
	if (!at || at > first || !strstr(first, tag))
		fail_msg("no date-only %s before each message: %s", tag, page);
	res_free(&r);

	/* The database holds the date only. */
	struct buf times = BUF_INIT;
	stored_times(t, &times);
	char want[32];
	snprintf(want, sizeof want, "%s\n%s\n", iso, iso);
	assert_string_equal(buf_str(&times), want);
	buf_free(&times);

	/* The API says the same. */
	snprintf(body, sizeof body, "{\"receipt\":\"%s\"}", receipt);
	assert_int_equal(
	    http_post(t, "/api/v1/follow", "application/json", body, strlen(body), NULL, &r), 0);
	assert_int_equal(r.status, 200);
	json_t *v = json_loadb(buf_str(&r.body), r.body.len, 0, NULL);
	json_t *msgs = json_object_get(v, "messages");
	assert_int_equal(json_array_size(msgs), 2);
	const char *texts[] = {"Eerste-7731", "Tweede-7732"};
	for (size_t i = 0; i < 2; i++) {
		json_t *m = json_array_get(msgs, i);
		assert_string_equal(json_string_value(json_object_get(m, "text")), texts[i]);
		assert_string_equal(json_string_value(json_object_get(m, "at")), iso);
	}
	json_decref(v);
	res_free(&r);
}

/* The reporter's message while the database is busy. */
#define BUSY_MESSAGE "Zebrakoffie-2208 het busje staat er weer"

/* Another connection (here: this test's own, as a CLI import in another
 * process would) holds the write transaction for longer than the server
 * waits and retries (STORE_BUSY_TIMEOUT_MS, STORE_TXN_ATTEMPTS) while a
 * reporter adds a message: the API answers 503 with Retry-After and "try
 * again", the form comes back 503 with the same news and the typed text
 * still in its box; nothing was stored, and once the lock is gone the
 * same message is added, once. */
static void busy_database_try_again(void **state)
{
	const struct srv *t = *state;
	/* SQLite-only (main leaves it out on PostgreSQL): it holds SQLite's
	 * one write lock from another connection. A PostgreSQL writer is
	 * never locked out as a whole; the store's retries on serialization
	 * failures are tested by store-pg and http_two_servers-pg. */
	assert_string_equal(t->store_url, "");
	char receipt[20];
	make_report(t, receipt);
	char path[300];
	snprintf(path, sizeof path, "%s/var/signaal.db", t->dir);
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_busy_timeout(db, 10000), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

	/* The API. */
	char body[400], v[32];
	snprintf(body, sizeof body, "{\"receipt\":\"%s\",\"message\":\"%s\"}", receipt,
	         BUSY_MESSAGE);
	struct res r;
	assert_int_equal(
	    http_post(t, "/api/v1/follow", "application/json", body, strlen(body), NULL, &r), 0);
	if (r.status != 503 || !strstr(buf_str(&r.body), "Het is nu erg druk") ||
	    !strstr(buf_str(&r.body), "Probeer het over een minuut opnieuw") ||
	    strstr(buf_str(&r.body), "storing"))
		fail_msg("API while busy: %ld %s", r.status, buf_str(&r.body));
	assert_true(res_header(&r, "Retry-After", v, sizeof v));
	assert_true(strtol(v, NULL, 10) >= 1);
	res_free(&r);

	/* The form. */
	char cookie[256], token[200];
	assert_int_equal(http_csrf(t, "/volgen", cookie, sizeof cookie, token, sizeof token), 0);
	snprintf(body, sizeof body, "csrf=%s&receipt=%s&message=%s", token, receipt,
	         "Zebrakoffie-2208+het+busje+staat+er+weer");
	const char *hdrs[] = {cookie, NULL};
	assert_int_equal(http_post(t, "/volgen", "application/x-www-form-urlencoded", body,
	                           strlen(body), hdrs, &r),
	                 0);
	const char *page = buf_str(&r.body);
	const char *box = strstr(page, "<textarea");
	if (r.status != 503 || !box || !strstr(box, BUSY_MESSAGE))
		fail_msg("form while busy: %ld, the typed message not in the box: %s", r.status,
		         page);
	assert_true(res_header(&r, "Retry-After", v, sizeof v));
	assert_true(strtol(v, NULL, 10) >= 1);
	assert_non_null(strstr(page, "Het is nu erg druk."));
	assert_non_null(strstr(page, "Probeer het over een minuut opnieuw."));
	assert_null(strstr(page, "storing"));
	assert_null(strstr(page, "Dank je wel"));
	res_free(&r);

	/* A busy database is a moment of contention, not a fault of the disk:
	 * the health check does not send the operator looking for one. */
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(http_get(t, "/healthz", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	res_free(&r);

	/* Nothing was stored meanwhile. */
	sqlite3_close(db);
	struct buf times = BUF_INIT;
	stored_times(t, &times);
	assert_string_equal(buf_str(&times), "");
	buf_free(&times);

	/* Sent again, the message is added, once. */
	snprintf(body, sizeof body, "{\"receipt\":\"%s\",\"message\":\"%s\"}", receipt,
	         BUSY_MESSAGE);
	assert_int_equal(
	    http_post(t, "/api/v1/follow", "application/json", body, strlen(body), NULL, &r), 0);
	assert_int_equal(r.status, 200);
	json_t *ans = json_loadb(buf_str(&r.body), r.body.len, 0, NULL);
	json_t *msgs = json_object_get(ans, "messages");
	assert_int_equal(json_array_size(msgs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "text")),
	                    BUSY_MESSAGE);
	json_decref(ans);
	res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(api_prefix_lockout, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(form_prefix_lockout, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(api_global_lockout, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(form_global_lockout, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(api_guessing_throttled, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(form_guessing_throttled, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(api_and_form_share, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(api_message_in_english, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(message_keeps_date_only, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(busy_database_try_again, test_setup, test_teardown),
	};
	/* Under tests/pg/with-pg: not the test of SQLite's write lock. */
	if (getenv("SIGNAAL_TEST_PG_DIR"))
		cmocka_set_skip_filter("busy_database_try_again");
	return cmocka_run_group_tests(tests, setup, teardown);
}
