/* loadgen: the client side of the durability test (tests/durability/run).
 *
 *   loadgen load URL ACKFILE SECONDS THREADS
 *       THREADS clients POST reports to URL/api/v1/reports for up to
 *       SECONDS, each on its own keep-alive connection, and append every
 *       receipt answered with 201 to ACKFILE (flushed at once: the file is
 *       the list of what the server promised). Stops early once the server
 *       is gone (killed by the test). Prints "sent N acked N unanswered N
 *       rejected N"; exit 1 when any request was answered with another
 *       status than 201 (unanswered ones are those cut off by the kill).
 *   loadgen follow URL ACKFILE
 *       POSTs every receipt of ACKFILE to URL/api/v1/follow; exit 1 unless
 *       each one answers 200 with a status.
 *   loadgen check DB ACKFILE
 *       Opens the (stopped) server's database and checks that nothing is
 *       half-written: integrity_check, foreign_key_check, every report with
 *       a receipt has its sealed blob and at least one form, and there are
 *       at least as many such reports as acknowledged receipts.
 *
 * Loopback only; every request has a time limit. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sqlite3.h>

struct resp {
	char data[4096];
	size_t len;
};

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct resp *r = ctx;
	size_t len = size * n;
	size_t room = sizeof r->data - 1 - r->len;
	size_t take = len < room ? len : room;
	memcpy(r->data + r->len, p, take);
	r->len += take;
	r->data[r->len] = '\0';
	return len;
}

/* POSTs body as JSON; the HTTP status, or 0 when no answer came. */
static long post_json(CURL *c, const char *url, const char *body, struct resp *r)
{
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	r->len = 0;
	r->data[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 2L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	long status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	return status;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- load -------------------------------------------------------------- */

static const char *url;
static FILE *ack;
static pthread_mutex_t ack_lock = PTHREAD_MUTEX_INITIALIZER;
static double deadline;
static atomic_long sent, acked, unanswered, rejected;
static atomic_int gone; /* the server stopped answering */

static const char report_json[] =
    "{\"org\": \"velsen\", \"kind\": \"report\", \"reporter_role\": \"bystander\","
    " \"anonymous\": true, \"acute_danger\": false,"
    " \"description\": \"Ik zag drie mensen die in een busje bij de loods slapen en lang"
    " werken voor weinig geld. Dit is een test van de duurzaamheid.\","
    " \"signals\": [\"labour.low_pay\", \"labour.sleeps_at_work\"], \"forms\": [\"labour\"],"
    " \"district\": \"IJmuiden\", \"place\": \"Kanaalstraat\"}";

static void *load_main(void *arg)
{
	(void)arg;
	char target[512];
	snprintf(target, sizeof target, "%s/api/v1/reports", url);
	CURL *c = curl_easy_init();
	struct resp *r = malloc(sizeof *r);
	double down_since = 0;
	while (c && r && !atomic_load(&gone) && now_s() < deadline) {
		atomic_fetch_add(&sent, 1);
		long st = post_json(c, target, report_json, r);
		if (st == 201) {
			json_t *j = json_loads(r->data, 0, NULL);
			const char *rc = json_string_value(json_object_get(j, "receipt"));
			if (rc) {
				pthread_mutex_lock(&ack_lock);
				fprintf(ack, "%s\n", rc);
				fflush(ack);
				pthread_mutex_unlock(&ack_lock);
				atomic_fetch_add(&acked, 1);
			}
			json_decref(j);
			down_since = 0;
			continue;
		}
		if (st != 0) {
			/* Answered, but not with 201: a bug while the server runs
			 * (the queue cannot fill with this few clients). */
			atomic_fetch_add(&rejected, 1);
			if (atomic_load(&rejected) <= 3)
				fprintf(stderr, "loadgen: HTTP %ld: %.200s\n", st, r->data);
		} else {
			atomic_fetch_add(&unanswered, 1);
			/* No answer: the server was killed. Half a second of that
			 * is enough to stop. */
			if (down_since == 0)
				down_since = now_s();
			else if (now_s() - down_since > 0.5)
				atomic_store(&gone, 1);
			struct timespec ts = {0, 20 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	free(r);
	curl_easy_cleanup(c);
	return NULL;
}

static int do_load(const char *base, const char *ackfile, int seconds, int threads)
{
	url = base;
	ack = fopen(ackfile, "a");
	if (!ack || seconds < 1 || threads < 1 || threads > 256) {
		fprintf(stderr, "loadgen: bad arguments or cannot open %s\n", ackfile);
		return 2;
	}
	deadline = now_s() + seconds;
	pthread_t t[256];
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, load_main, NULL);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	fclose(ack);
	printf("sent %ld acked %ld unanswered %ld rejected %ld\n", atomic_load(&sent),
	       atomic_load(&acked), atomic_load(&unanswered), atomic_load(&rejected));
	return atomic_load(&rejected) ? 1 : 0;
}

/* --- follow ------------------------------------------------------------- */

static int do_follow(const char *base, const char *ackfile)
{
	char target[512], line[128], body[256];
	snprintf(target, sizeof target, "%s/api/v1/follow", base);
	FILE *f = fopen(ackfile, "r");
	if (!f) {
		fprintf(stderr, "loadgen: cannot open %s\n", ackfile);
		return 2;
	}
	CURL *c = curl_easy_init();
	struct resp *r = malloc(sizeof *r);
	long ok = 0, bad = 0;
	while (c && r && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		snprintf(body, sizeof body, "{\"receipt\": \"%s\"}", line);
		long st = post_json(c, target, body, r);
		json_t *j = st == 200 ? json_loads(r->data, 0, NULL) : NULL;
		if (json_string_value(json_object_get(j, "status"))) {
			ok++;
		} else {
			bad++;
			/* Only the count and status: a receipt is a secret, even a
			 * test's. */
			fprintf(stderr,
			        "loadgen: an acknowledged receipt does not follow (HTTP %ld)\n",
			        st);
		}
		json_decref(j);
	}
	fclose(f);
	free(r);
	curl_easy_cleanup(c);
	printf("followed %ld missing %ld\n", ok, bad);
	return bad || !c ? 1 : 0;
}

/* --- check --------------------------------------------------------------- */

static long long one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int do_check(const char *dbpath, const char *ackfile)
{
	long long acks = 0;
	char line[128];
	FILE *f = fopen(ackfile, "r");
	if (!f) {
		fprintf(stderr, "loadgen: cannot open %s\n", ackfile);
		return 2;
	}
	while (fgets(line, sizeof line, f))
		acks += line[0] != '\n';
	fclose(f);
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fprintf(stderr, "loadgen: cannot open %s\n", dbpath);
		sqlite3_close(db);
		return 2;
	}
	int failures = 0;
	sqlite3_stmt *st = NULL;
	const char *integrity = "?";
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		integrity = (const char *)sqlite3_column_text(st, 0);
	printf("integrity_check: %s\n", integrity ? integrity : "?");
	failures += !integrity || strcmp(integrity, "ok") != 0;
	sqlite3_finalize(st);
	st = NULL;
	int fk_rows = 0;
	if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW)
			fk_rows++;
	sqlite3_finalize(st);
	printf("foreign_key_check rows: %d\n", fk_rows);
	failures += fk_rows != 0;
	static const struct {
		const char *what;
		const char *sql;
	} zero[] = {
	    {"reports with a receipt but no sealed fields",
	     "SELECT COUNT(*) FROM reports WHERE receipt_hash IS NOT NULL AND"
	     " (sealed IS NULL OR length(sealed) < 41)"},
	    {"reports without a form", "SELECT COUNT(*) FROM reports WHERE forms = ''"},
	    /* two codes: one space between them (migration 14) */
	    {"reports without their signals",
	     "SELECT COUNT(*) FROM reports WHERE receipt_hash IS NOT NULL AND"
	     " (signals = '' OR length(signals) - length(replace(signals, ' ', '')) != 1)"},
	    {"reports without reference or suggestion",
	     "SELECT COUNT(*) FROM reports WHERE receipt_hash IS NOT NULL AND"
	     " (reference IS NULL OR suggestion IS NULL)"},
	};
	for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++) {
		long long v = one_int(db, zero[i].sql);
		printf("%s: %lld\n", zero[i].what, v);
		failures += v != 0;
	}
	long long stored =
	    one_int(db, "SELECT COUNT(*) FROM reports WHERE receipt_hash IS NOT NULL");
	printf("acknowledged %lld stored %lld\n", acks, stored);
	failures += stored < acks;
	sqlite3_close(db);
	return failures ? 1 : 0;
}

/* A small positive number from the command line, or -1. */
static int arg_int(const char *s)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	return errno || end == s || *end || v < 1 || v > 100000 ? -1 : (int)v;
}

int main(int argc, char **argv)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return 2;
	int rc = 2;
	if (argc == 6 && strcmp(argv[1], "load") == 0)
		rc = do_load(argv[2], argv[3], arg_int(argv[4]), arg_int(argv[5]));
	else if (argc == 4 && strcmp(argv[1], "follow") == 0)
		rc = do_follow(argv[2], argv[3]);
	else if (argc == 4 && strcmp(argv[1], "check") == 0)
		rc = do_check(argv[2], argv[3]);
	else
		fprintf(stderr, "usage: loadgen load URL ACKFILE SECONDS THREADS |"
		                " follow URL ACKFILE | check DB ACKFILE\n");
	curl_global_cleanup();
	return rc;
}
