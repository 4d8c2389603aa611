/* harness: starts the real signaal binary on 127.0.0.1 and an ephemeral
 * port with a fresh data directory, and makes requests with libcurl. */
#ifndef SIGNAAL_TEST_HARNESS_H
#define SIGNAAL_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

struct srv {
	pid_t pid;
	int port;
	char dir[256]; /* data directory */
	char log[300]; /* the server's stderr */
	char base[64]; /* http://127.0.0.1:PORT */
	/* With srv_staff_listener: the staff listener's port and base URL
	 * (0 and "" without). srv_staff(s) makes requests go there. */
	int staff_port;
	char staff_base[64];
	/* Under tests/pg/with-pg: the PostgreSQL database it serves from;
	 * "" for the SQLite file DIR/var/signaal.db. */
	char store_url[400];
};

struct res {
	long status;
	struct buf headers; /* raw header lines */
	struct buf body;
};

/* The cmocka group setup and teardown of an HTTP test file: libcurl and one
 * server S (started with ini, may be NULL) for all the file's tests; the
 * teardown fails when the server did not exit 0 on SIGTERM. */
int suite_start(struct srv *s, const char *ini);
int suite_stop(struct srv *s);
#define HTTP_SUITE(S, ini)                       \
	static int setup(void **state)           \
	{                                        \
		(void)state;                     \
		return suite_start(&(S), (ini)); \
	}                                        \
	static int teardown(void **state)        \
	{                                        \
		(void)state;                     \
		return suite_stop(&(S));         \
	}

/* Creates a data dir, runs `signaal init --org velsen`, starts serve.
 * extra_ini: text for signaal.ini or NULL. Returns 0 or -1. */
int srv_start(struct srv *s, const char *extra_ini);
/* Starts a second server beside first: its own data directory with
 * first's key and signaal.ini, and first's database (under
 * tests/pg/with-pg one PostgreSQL database, as two servers share one;
 * else first's SQLite file, as two processes on one machine may).
 * Returns 0 or -1. */
int srv_start_beside(struct srv *s, const struct srv *first);
/* Sends SIGTERM and returns the exit status (or -1). */
int srv_stop(struct srv *s);
/* The backend-neutral look into a server's store, for tests that check
 * what is on disk: runs the constant query sql (valid on SQLite and
 * PostgreSQL alike) on s's database, the SQLite file or its PostgreSQL
 * database, and appends each row to out as its columns joined by '|', one
 * row a line (NULL as ""). 0, or -1 with the reason on stderr. */
int srv_query(const struct srv *s, const char *sql, struct buf *out);
/* The same for a test that damages what is stored behind the server's
 * back (a value no request could write): the statement may change rows
 * and must return some (RETURNING), so that it runs on both backends. */
int srv_change(const struct srv *s, const char *sql, struct buf *out);
/* Like srv_stop, but kills the server when it has not exited after
 * seconds: then -2. */
int srv_stop_within(struct srv *s, unsigned seconds);
/* For a test that waits for its server itself: the harness no longer
 * kills it when the test program ends (servers left running by a failed
 * test are killed then). */
void srv_forget(pid_t pid);
/* Reads every file of the server's data directory as raw bytes (the
 * database, its WAL, the key file, the settings). NULL when none holds any
 * of needles (NULL-terminated) and at least the database and its settings
 * were read; else what is wrong, "PATH holds \"NEEDLE\"" (a static
 * buffer: one test thread). */
const char *srv_data_problem(const struct srv *s, const char *const *needles);
/* prefix followed by n copies of unit (a UTF-8 character, CR LF, ...);
 * caller frees. */
char *text_repeat(const char *prefix, const char *unit, size_t n);
/* When set (a NULL-terminated list of ids), servers started from then on
 * get these organisations too (`signaal org add --org ID`, from their
 * profiles in content/orgs/), after the first one, velsen. */
extern const char *const *srv_extra_orgs;
/* When set, servers started from then on use this templates directory. */
extern const char *srv_templates_dir;
/* When true, servers started from then on get a staff listener
 * (`serve --staff-listen 127.0.0.1:0`). */
extern bool srv_staff_listener;
/* A copy of s whose requests go to its staff listener. */
struct srv srv_staff(const struct srv *s);
/* Where the harness keeps the logs of the servers (their stderr, and
 * the output of init and the other commands it runs): env
 * SIGNAAL_TEST_LOG_DIR (the build's meson-logs/servers), else /tmp.
 * Beside each log FILE.log it writes FILE.log.secrets: the values of the
 * secret fields the tests sent (passwords, codes, report texts, contacts,
 * messages) and the receipts and tokens they got, one a line, which
 * scripts/log-secrets looks for in the log afterwards: none may appear. */
const char *srv_log_dir(void);
/* Adds a secret the server must never log to s's list (above). */
void srv_secret(const struct srv *s, const char *value);
/* Path of the signaal binary (env SIGNAAL_BIN). */
const char *signaal_bin(void);

/* The loopback address requests are sent from (http_get, http_post,
 * http_raw), e.g. "127.0.0.66" for an attacker and "127.0.0.77" for a
 * victim; NULL (the default) lets the kernel pick 127.0.0.1. */
extern const char *http_source;
/* Binds socket fd to the IPv4 source address (NULL: nothing to do); 0 or -1. */
int http_bind_source(int fd, const char *source);

/* GET/POST. headers: NULL-terminated "Name: value" list or NULL. */
int http_get(const struct srv *s, const char *path, const char *const *headers, struct res *r);
int http_post(const struct srv *s, const char *path, const char *content_type, const char *body,
              size_t len, const char *const *headers, struct res *r);
/* A raw request over a socket, for malformed input curl would not send.
 * Returns the status code parsed from the answer, or -1. */
int http_raw(const struct srv *s, const void *req, size_t len, struct buf *answer);
/* Value of a response header (case-insensitive), copied into out. */
bool res_header(const struct res *r, const char *name, char *out, size_t outsz);
/* The receipt on a receipt page (templates/report-done.html: the text of
 * id="bonnetje", its groups of four in spans of their own) into out, or
 * false when the page shows none. */
bool html_receipt(const char *html, char *out, size_t outsz);
void res_free(struct res *r);
/* GETs path and returns the CSRF pair its form needs: cookie_hdr gets
 * "Cookie: signaal_csrf=..." and token the form's csrf value. 0 or -1. */
int http_csrf(const struct srv *s, const char *path, char *cookie_hdr, size_t chsz, char *token,
              size_t toksz);
/* Reads the whole server log. Caller frees. */
char *srv_log(const struct srv *s);

#endif
