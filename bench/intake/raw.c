/* raw: the yardstick of bench/intake. Single-row SQLite inserts, each its
 * own transaction, with the settings of Signaal's store (WAL,
 * synchronous=FULL, foreign_keys, secure_delete, busy_timeout 2000 ms), into
 * a table shaped like `reports` with a sealed blob of the same size.
 *
 *   raw DB SECONDS CONNECTIONS
 *
 * CONNECTIONS = 1: one connection inserting sequentially (the best a
 * one-row-per-commit writer can do: no lock waits). CONNECTIONS > 1: that
 * many threads, each with its own connection, each inserting one row per
 * transaction and relying on busy_timeout for the write lock (the design
 * the intake's group commit replaces).
 *
 * Prints one line: BENCH {"rows", "seconds", "rps", "p50_us", "p99_us",
 * "max_us", "busy_errors"} (latency per transaction). Not part of the
 * build: bench/intake/run compiles it with cc. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

static const char schema[] = "PRAGMA journal_mode = WAL;"
                             "CREATE TABLE IF NOT EXISTS reports ("
                             " id INTEGER PRIMARY KEY, org_id TEXT NOT NULL,"
                             " reference TEXT, receipt_hash BLOB UNIQUE,"
                             " received_on TEXT NOT NULL, received_at TEXT,"
                             " channel TEXT NOT NULL, reporter_role TEXT NOT NULL,"
                             " anonymous INTEGER NOT NULL, kind TEXT NOT NULL,"
                             " district TEXT, sealed BLOB, suggestion TEXT,"
                             " UNIQUE (org_id, reference));"
                             "CREATE INDEX IF NOT EXISTS reports_org_received"
                             " ON reports (org_id, received_on);";
static const char pragmas[] = "PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF;"
                              "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;";
static const char insert_sql[] =
    "INSERT INTO reports (id, org_id, reference, receipt_hash, received_on, received_at,"
    " channel, reporter_role, anonymous, kind, district, sealed, suggestion)"
    " VALUES (?1, 'velsen', ?2, randomblob(32), '2026-11-22', '2026-11-22T10:00:00Z', 'web',"
    " 'bystander', 1, 'report', 'IJmuiden', randomblob(?3), '[]')";

/* A sealed report of the durability/bench JSON is about this size. */
#define SEALED_BYTES 260
#define MAX_SAMPLES  2000000

static const char *path;
static double deadline;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long long next_id = 1;
static unsigned *lat; /* microseconds per transaction */
static long nlat;
static long busy_errors;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
	(void)arg;
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL, *begin = NULL, *commit = NULL, *rollback = NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK || sqlite3_busy_timeout(db, 2000) != SQLITE_OK ||
	    sqlite3_exec(db, pragmas, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, insert_sql, -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "ROLLBACK", -1, &rollback, NULL) != SQLITE_OK) {
		fprintf(stderr, "raw: %s\n", db ? sqlite3_errmsg(db) : "out of memory");
		exit(1);
	}
	char ref[32];
	while (now_s() < deadline) {
		pthread_mutex_lock(&lock);
		long long id = next_id++;
		pthread_mutex_unlock(&lock);
		snprintf(ref, sizeof ref, "R%lld", id);
		double t0 = now_s();
		int rc = sqlite3_step(begin);
		sqlite3_reset(begin);
		if (rc == SQLITE_DONE) {
			sqlite3_bind_int64(ins, 1, id);
			sqlite3_bind_text(ins, 2, ref, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(ins, 3, SEALED_BYTES);
			rc = sqlite3_step(ins);
			sqlite3_reset(ins);
			if (rc == SQLITE_DONE) {
				rc = sqlite3_step(commit);
				sqlite3_reset(commit);
			}
			if (rc != SQLITE_DONE) {
				sqlite3_step(rollback);
				sqlite3_reset(rollback);
			}
		}
		double t1 = now_s();
		pthread_mutex_lock(&lock);
		if (rc == SQLITE_DONE) {
			if (nlat < MAX_SAMPLES)
				lat[nlat++] = (unsigned)((t1 - t0) * 1e6);
		} else {
			busy_errors++;
		}
		pthread_mutex_unlock(&lock);
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_finalize(rollback);
	sqlite3_close(db);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: raw DB SECONDS CONNECTIONS\n");
		return 2;
	}
	path = argv[1];
	double seconds = strtod(argv[2], NULL);
	long conns = strtol(argv[3], NULL, 10);
	if (seconds <= 0 || conns < 1 || conns > 512)
		return 2;
	sqlite3 *db = NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "raw: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	lat = malloc(MAX_SAMPLES * sizeof *lat);
	pthread_t *t = calloc((size_t)conns, sizeof *t);
	if (!lat || !t)
		return 1;
	double start = now_s();
	deadline = start + seconds;
	for (long i = 0; i < conns; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (long i = 0; i < conns; i++)
		pthread_join(t[i], NULL);
	double took = now_s() - start;
	sqlite3_close(db);
	qsort(lat, (size_t)nlat, sizeof *lat, cmp);
	unsigned p50 = nlat ? lat[nlat / 2] : 0;
	unsigned p99 = nlat ? lat[(size_t)((double)nlat * 0.99)] : 0;
	unsigned max = nlat ? lat[nlat - 1] : 0;
	printf("BENCH {\"connections\":%ld,\"rows\":%ld,\"seconds\":%.3f,\"rps\":%.2f,"
	       "\"p50_us\":%u,\"p99_us\":%u,\"max_us\":%u,\"busy_errors\":%ld}\n",
	       conns, nlat, took, (double)nlat / took, p50, p99, max, busy_errors);
	free(lat);
	free(t);
	return 0;
}
