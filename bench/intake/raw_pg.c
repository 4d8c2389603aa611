/* raw_pg: the PostgreSQL yardstick of bench/intake. One libpq connection
 * inserting single rows, each its own transaction (autocommit), with the
 * settings of Signaal's PostgreSQL connections (synchronous_commit = on,
 * UTC, UTF-8), into a table shaped like `reports` with a sealed blob of the
 * same size, through a prepared statement: the best rate of a
 * one-row-per-commit writer on this cluster.
 *
 *   raw_pg CONNINFO SECONDS
 *
 * Prints one line: BENCH {"rows", "seconds", "rps", "p50_us", "p99_us",
 * "max_us", "errors"} (latency per transaction). Not part of the build:
 * bench/intake/run compiles it with cc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

static const char setup[] = "SET client_encoding = 'UTF8'; SET TimeZone = 'UTC';"
                            "SET synchronous_commit = on; SET client_min_messages = warning;"
                            "CREATE TABLE IF NOT EXISTS raw_reports ("
                            " id BIGINT PRIMARY KEY, org_id TEXT NOT NULL,"
                            " reference TEXT, receipt_hash BYTEA UNIQUE,"
                            " received_on TEXT NOT NULL, received_at TEXT,"
                            " channel TEXT NOT NULL, reporter_role TEXT NOT NULL,"
                            " anonymous INTEGER NOT NULL, kind TEXT NOT NULL,"
                            " district TEXT, sealed BYTEA, suggestion TEXT,"
                            " UNIQUE (org_id, reference));"
                            "CREATE INDEX IF NOT EXISTS raw_reports_org_received"
                            " ON raw_reports (org_id, received_on);";
static const char insert_sql[] =
    "INSERT INTO raw_reports (id, org_id, reference, receipt_hash, received_on, received_at,"
    " channel, reporter_role, anonymous, kind, district, sealed, suggestion)"
    " VALUES ($1, 'velsen', $2, $3, '2026-11-22', NULL, 'web',"
    " 'bystander', 1, 'report', 'IJmuiden', $4, '[]')";

/* A sealed report of the bench JSON is about this size. */
#define SEALED_BYTES 260
#define MAX_SAMPLES  2000000

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

static void fill(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)rand();
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: raw_pg CONNINFO SECONDS\n");
		return 2;
	}
	double seconds = strtod(argv[2], NULL);
	if (seconds <= 0)
		return 2;
	PGconn *pg = PQconnectdb(argv[1]);
	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "raw_pg: %s", PQerrorMessage(pg));
		return 1;
	}
	PGresult *r = PQexec(pg, setup);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "raw_pg: %s", PQerrorMessage(pg));
		return 1;
	}
	PQclear(r);
	r = PQprepare(pg, "ins", insert_sql, 0, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "raw_pg: %s", PQerrorMessage(pg));
		return 1;
	}
	PQclear(r);
	unsigned *lat = malloc(MAX_SAMPLES * sizeof *lat);
	if (!lat)
		return 1;
	srand((unsigned)time(NULL));
	long n = 0, errors = 0;
	long long id = 1;
	char ids[24], ref[32];
	unsigned char hash[32], sealed[SEALED_BYTES];
	double start = now_s(), deadline = start + seconds;
	while (now_s() < deadline) {
		snprintf(ids, sizeof ids, "%lld", id);
		snprintf(ref, sizeof ref, "W2026-%06lld", id);
		id++;
		fill(hash, sizeof hash);
		fill(sealed, sizeof sealed);
		const char *values[] = {ids, ref, (const char *)hash, (const char *)sealed};
		int lengths[] = {0, 0, (int)sizeof hash, (int)sizeof sealed};
		int formats[] = {0, 0, 1, 1};
		double t0 = now_s();
		r = PQexecPrepared(pg, "ins", 4, values, lengths, formats, 0);
		double t1 = now_s();
		if (PQresultStatus(r) == PGRES_COMMAND_OK) {
			if (n < MAX_SAMPLES)
				lat[n++] = (unsigned)((t1 - t0) * 1e6);
		} else {
			errors++;
		}
		PQclear(r);
	}
	double took = now_s() - start;
	PQfinish(pg);
	qsort(lat, (size_t)n, sizeof *lat, cmp);
	unsigned p50 = n ? lat[n / 2] : 0;
	unsigned p99 = n ? lat[(size_t)((double)n * 0.99)] : 0;
	unsigned max = n ? lat[n - 1] : 0;
	printf("BENCH {\"connections\":1,\"rows\":%ld,\"seconds\":%.3f,\"rps\":%.2f,"
	       "\"p50_us\":%u,\"p99_us\":%u,\"max_us\":%u,\"errors\":%ld}\n",
	       n, took, (double)n / took, p50, p99, max, errors);
	free(lat);
	return 0;
}
