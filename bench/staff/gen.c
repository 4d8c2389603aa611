/* staff_gen: the data of bench/staff/run, through the store's own API (so
 * both backends get the rows Signaal itself writes).
 *
 *   staff_gen STORE_URL MASTER_HEX [ORGS [REPORTS [MEASURED]]]
 *   staff_gen --logins N
 *
 * Creates ORGS organisations (default 100): "velsen" (the measured one,
 * with its districts) and org001..; MEASURED reports (default 10,000) of
 * velsen as the web intake stores them (sealed personal fields, signals,
 * a suggestion), and the rest of REPORTS (default 1,000,000) spread over
 * the others as imported history (no sealed fields), in batches. Dates
 * span five years; statuses and forms vary. Prints one line per 100,000
 * rows and at the end the ids of three velsen reports (newest, middle,
 * oldest) for the report view, one per line, "ID <id>".
 *
 * With --logins N it only times N password checks as a login makes them
 * (crypto_pwhash_str_verify of an argon2id hash made with PASSWORD_OPSLIMIT
 * and PASSWORD_MEMLIMIT of src/limits.h), one after another on one
 * thread, and prints "BENCH {json}" with logins/s: what bounds the rate of
 * logins per core. */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/seal.h"
#include "limits.h"
#include "store/store.h"
#include "util/buf.h"

#define BATCH 2000

static const char *const statuses[] = {"received", "assessing", "investigating", "referred",
                                       "closed"};
static const char *const outcomes[] = {"none", "none", "investigation_started", "referred_care",
                                       "no_action"};
static const char *const form_sets[][2] = {{"labour", NULL},
                                           {"sexual", NULL},
                                           {"criminal", NULL},
                                           {"unknown", NULL},
                                           {"labour", "criminal"}};
static const char *const districts[] = {"IJmuiden",   "Velsen-Noord",    "Velsen-Zuid",
                                        "Driehuis",   "Santpoort-Noord", "Santpoort-Zuid",
                                        "Velserbroek"};
static const char *const roles[] = {"bystander", "victim", "parent", "professional", "employee"};

static int64_t rnd_id(void)
{
	int64_t v;
	do {
		randombytes_buf(&v, sizeof v);
		v &= INT64_MAX;
	} while (!v);
	return v;
}

/* Day k of the five years before 2026-12-01, as "YYYY-MM-DD". */
static void date_of(uint32_t k, char out[11])
{
	time_t t = 1796083200 - (time_t)(k % 1826) * 86400; /* 2026-12-01 */
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int fail(const char *what, int rc)
{
	fprintf(stderr, "staff_gen: %s: %s\n", what, store_strerror(rc));
	return 1;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int logins(long n)
{
	static const char pw[] = "bench-wachtwoord-lang-genoeg";
	char hash[crypto_pwhash_STRBYTES];
	if (n < 1 || n > 100000 ||
	    crypto_pwhash_str(hash, pw, sizeof pw - 1, PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT) != 0)
		return 2;
	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		if (crypto_pwhash_str_verify(hash, pw, sizeof pw - 1) != 0) {
			fprintf(stderr, "staff_gen: password check failed\n");
			return 1;
		}
	}
	double s = now_s() - t0;
	printf("BENCH {\"logins\":%ld,\"seconds\":%.3f,\"logins_per_s\":%.2f,"
	       "\"ms_per_login\":%.2f,\"opslimit\":%u,\"memlimit_mib\":%u}\n",
	       n, s, (double)n / s, s * 1000.0 / (double)n, (unsigned)PASSWORD_OPSLIMIT,
	       (unsigned)(PASSWORD_MEMLIMIT >> 20));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--logins") == 0 && sodium_init() >= 0)
		return logins(atol(argv[2]));
	if (argc < 3 || sodium_init() < 0) {
		fprintf(stderr,
		        "usage: staff_gen STORE_URL MASTER_HEX [ORGS [REPORTS [MEASURED]]]\n"
		        "       staff_gen --logins N\n");
		return 2;
	}
	unsigned char master[32];
	if (sodium_hex2bin(master, sizeof master, argv[2], strlen(argv[2]), NULL, NULL, NULL) != 0)
		return 2;
	long orgs = argc > 3 ? atol(argv[3]) : 100;
	long reports = argc > 4 ? atol(argv[4]) : 1000000;
	long measured = argc > 5 ? atol(argv[5]) : 10000;
	if (orgs < 2 || orgs > 999 || measured < 3 || measured > 900000 || reports < measured)
		return 2;
	struct buf err = BUF_INIT;
	struct store *s = NULL;
	int rc = store_open(argv[1], STORE_OPEN_CREATE, &s, &err);
	if (rc) {
		fprintf(stderr, "staff_gen: %s\n", buf_str(&err));
		return 1;
	}
	for (long o = 0; o < orgs; o++) {
		struct store_org org = {.public_min_cell = 5};
		if (o == 0) {
			strcpy(org.id, "velsen");
			strcpy(org.name, "Gemeente Velsen");
		} else {
			snprintf(org.id, sizeof org.id, "org%03ld", o);
			snprintf(org.name, sizeof org.name, "Gemeente %03ld", o);
		}
		strcpy(org.region, "kennemerland");
		rc = store_org_create(s, &org, districts, o == 0 ? 7 : 0);
		if (rc && rc != STORE_CONFLICT)
			return fail("org", rc);
	}
	struct seal_key key;
	if (seal_key_derive(master, &key))
		return 1;
	/* velsen: as the intake writes them */
	static struct store_report_new rows[BATCH];
	static unsigned char hashes[BATCH][STORE_RECEIPT_HASH_BYTES];
	static char dates[BATCH][11];
	static struct buf sealed[BATCH];
	static int results[BATCH];
	static const char *const sigs[] = {"labour.low_pay", "labour.housing_via_employer",
	                                   "general.fear"};
	int64_t ids[3] = {0};
	long done = 0;
	for (long left = measured; left > 0;) {
		size_t n = left < BATCH ? (size_t)left : BATCH;
		for (size_t i = 0; i < n; i++) {
			long k = done + (long)i;
			char plain[512];
			snprintf(
			    plain, sizeof plain,
			    "{\"description\":\"VOORBEELD benchmark report %ld: mannen slapen in de "
			    "loods en werken lange dagen voor weinig geld.\",\"place\":\"Haven\","
			    "\"when\":\"Sinds de zomer\"}",
			    k);
			rows[i] = (struct store_report_new){.id = rnd_id(),
			                                    .org = "velsen",
			                                    .ref_prefix = "B",
			                                    .receipt_hash = hashes[i],
			                                    .received_on = dates[i],
			                                    .channel = "web",
			                                    .reporter_role = roles[k % 5],
			                                    .anonymous = k % 5 != 3,
			                                    .kind = k % 4 ? "report" : "advice",
			                                    .acute_danger = k % 17 == 0,
			                                    .district = districts[k % 7],
			                                    .forms = form_sets[k % 5],
			                                    .nforms = form_sets[k % 5][1] ? 2 : 1,
			                                    .signals = sigs,
			                                    .nsignals = 3,
			                                    .suggestion =
			                                        "[{\"form\":\"labour\",\"signals\":"
			                                        "[\"labour.low_pay\"]}]"};
			randombytes_buf(hashes[i], sizeof hashes[i]);
			date_of((uint32_t)(k * 1826 / measured), dates[i]);
			buf_reset(&sealed[i]);
			if (seal_encrypt(&key, (uint64_t)rows[i].id, SEAL_REPORT, plain,
			                 strlen(plain), &sealed[i]))
				return 1;
			rows[i].sealed = sealed[i].data;
			rows[i].sealed_len = sealed[i].len;
		}
		rc = store_reports_insert_batch(s, rows, n, results);
		if (rc)
			return fail("velsen batch", rc);
		for (size_t i = 0; i < n; i++) {
			long k = done + (long)i;
			if (results[i])
				return fail("velsen row", results[i]);
			if (k == 0)
				ids[0] = rows[i].id;
			if (k == measured / 2)
				ids[1] = rows[i].id;
			if (k == measured - 1)
				ids[2] = rows[i].id;
		}
		done += (long)n;
		left -= (long)n;
	}
	/* velsen's statuses vary too */
	/* the others: imported history */
	static struct store_report_import imp[BATCH];
	static char refs[BATCH][24];
	long rest = reports - measured, made = 0;
	while (made < rest) {
		size_t n = rest - made < BATCH ? (size_t)(rest - made) : BATCH;
		char org[24];
		snprintf(org, sizeof org, "org%03ld", 1 + (made / BATCH) % (orgs - 1));
		for (size_t i = 0; i < n; i++) {
			long k = made + (long)i;
			snprintf(refs[i], sizeof refs[i], "H%ld", k);
			date_of((uint32_t)(k % 1826), dates[i]);
			imp[i] = (struct store_report_import){.reference = refs[i],
			                                      .received_on = dates[i],
			                                      .channel = "phone",
			                                      .reporter_role = roles[k % 5],
			                                      .anonymous = false,
			                                      .kind = "report",
			                                      .forms = form_sets[k % 5],
			                                      .nforms = form_sets[k % 5][1] ? 2 : 1,
			                                      .district = NULL,
			                                      .concrete = "pending",
			                                      .status = statuses[k % 5],
			                                      .outcome = outcomes[k % 5]};
		}
		rc = store_report_insert_imported(s, org, imp, n, NULL);
		if (rc)
			return fail("import batch", rc);
		made += (long)n;
		if (made % 100000 < BATCH)
			fprintf(stderr, "staff_gen: %ld reports\n", made + measured);
	}
	for (int i = 0; i < 3; i++)
		printf("ID %" PRId64 "\n", ids[i]);
	seal_key_wipe(&key);
	for (size_t i = 0; i < BATCH; i++)
		buf_free(&sealed[i]);
	store_close(s);
	buf_free(&err);
	return 0;
}
