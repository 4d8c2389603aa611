/* HTTP tests of faults reported for what they are (issue 6, part 6),
 * against the real binary:
 *  - a full disk (a small tmpfs filled to the last byte: a real ENOSPC):
 *    the API answers 503 with Retry-After and says the report was not
 *    stored, the form comes back with everything typed and says the same,
 *    /healthz answers 503 while writing fails and 200 once it works again,
 *    and a start on the full disk names the cause; the same for a message
 *    added to a report (API and /volgen, the typed message kept);
 *  - a read-only data directory (a read-only bind mount: root ignores
 *    mode bits) is named at start;
 *  - another installation's key file is refused at start;
 *  - `serve` without a database refuses and points to `signaal init`;
 *  - over https the CSRF cookie is "__Host-" prefixed, and a cookie
 *    without the prefix (planted by a sibling host) is not read.
 * The mounts live in a mount namespace of this test process (and its
 * servers), so they vanish with it; without the rights to make one, the
 * tests that need a mount are skipped.
 *
 * SQLite-only on purpose (no -pg variant in meson.build): the faults are
 * those of the SQLite file in the data directory (a full or read-only
 * disk under it, the file missing, another key beside it). PostgreSQL's
 * own disk is the database server's; the key check on a PostgreSQL
 * database is tested by test_setup and cli_backup-pg. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "harness.h"
#include "limits.h"

/* A description to find again in the form that comes back. */
#define TYPED_TEXT "Kiwibanaan-4417 zag ik in de loods achter de haven"
/* A follow-up message to find again. */
#define TYPED_MESSAGE "Zebrakoffie-2208 het busje staat er weer"

static bool can_mount;

/* One data directory of its own, optionally on a small tmpfs, and the
 * server serving it. */
struct inst {
	char tmp[64];   /* /tmp/signaal-faults-XXXXXX (on the ordinary disk) */
	char data[96];  /* tmp/var: the data directory (the mount point) */
	char ini[96];   /* tmp/signaal.ini: outside the data directory */
	char log[96];   /* tmp/serve.log: the server's stderr */
	char fill[128]; /* data/filler: what fills the disk */
	bool mounted;
	struct srv s;
};

static int teardown(void **state)
{
	struct inst *x = *state;
	if (!x)
		return 0;
	if (x->s.pid > 0) {
		kill(x->s.pid, SIGKILL);
		waitpid(x->s.pid, NULL, 0);
		srv_forget(x->s.pid);
	}
	if (x->mounted)
		umount2(x->data, MNT_DETACH);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", x->tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", x->tmp);
	free(x);
	*state = NULL;
	return 0;
}

/* A fresh instance; mount_opts: a tmpfs of those options on the data
 * directory, or NULL for none. */
static struct inst *inst_new(void **state, const char *mount_opts)
{
	struct inst *x = calloc(1, sizeof *x);
	assert_non_null(x);
	*state = x;
	snprintf(x->tmp, sizeof x->tmp, "/tmp/signaal-faults-XXXXXX");
	assert_non_null(mkdtemp(x->tmp));
	snprintf(x->data, sizeof x->data, "%s/var", x->tmp);
	snprintf(x->ini, sizeof x->ini, "%s/signaal.ini", x->tmp);
	snprintf(x->log, sizeof x->log, "%s/serve.log", x->tmp);
	snprintf(x->fill, sizeof x->fill, "%s/filler", x->data);
	assert_int_equal(mkdir(x->data, 0700), 0);
	if (mount_opts) {
		assert_int_equal(mount("tmpfs", x->data, "tmpfs", MS_NOSUID | MS_NODEV, mount_opts),
		                 0);
		x->mounted = true;
	}
	const char *src = getenv("SIGNAAL_SOURCE_DIR") ? getenv("SIGNAAL_SOURCE_DIR") : ".";
	const char *loc =
	    getenv("SIGNAAL_LOCALE_DIR") ? getenv("SIGNAAL_LOCALE_DIR") : "build/locale";
	FILE *f = fopen(x->ini, "w");
	assert_non_null(f);
	fprintf(f,
	        "[paths]\ncontent = %s/content\ntemplates = %s/templates\nstatic = %s/static\n"
	        "locale = %s\n[intake]\nmax_reports_per_minute = 1000\n",
	        src, src, src, loc);
	fclose(f);
	return x;
}

/* Runs signaal with args (NULL-terminated, after the binary) to its end,
 * its stdout and stderr into out. Returns its exit status, or -1. */
static int run(struct buf *out, const char *const *args)
{
	char *argv[16];
	size_t n = 0;
	argv[n++] = (char *)signaal_bin();
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		/* A start that hangs instead of refusing ends here. */
		alarm(20);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	char tmp[4096];
	ssize_t r;
	while ((r = read(p[0], tmp, sizeof tmp)) > 0)
		buf_append(out, tmp, (size_t)r);
	close(p[0]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void inst_init(struct inst *x)
{
	struct buf out = BUF_INIT;
	const char *a[] = {"--config", x->ini, "init", "--data", x->data, "--org", "velsen", NULL};
	if (run(&out, a) != 0)
		fail_msg("signaal init failed: %s", buf_str(&out));
	buf_free(&out);
}

/* Runs `signaal serve` on x, expecting it to refuse: its output. */
static char *serve_refused(struct inst *x)
{
	struct buf out = BUF_INIT;
	const char *a[] = {"--config", x->ini,     "serve",       "--data",
	                   x->data,    "--listen", "127.0.0.1:0", NULL};
	int rc = run(&out, a);
	if (rc != 1)
		fail_msg("serve exited %d, not 1 (refused): %s", rc, buf_str(&out));
	return buf_steal(&out);
}

/* Starts `signaal serve` on x and waits for its "listening on" line. */
static void serve(struct inst *x)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(x->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(p[1], 1);
		if (fd >= 0)
			dup2(fd, 2);
		close(p[0]);
		char *argv[] = {(char *)signaal_bin(),
		                "--config",
		                x->ini,
		                "serve",
		                "--data",
		                x->data,
		                "--listen",
		                "127.0.0.1:0",
		                NULL};
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	memset(&x->s, 0, sizeof x->s);
	x->s.pid = pid;
	snprintf(x->s.dir, sizeof x->s.dir, "%s", x->tmp);
	snprintf(x->s.log, sizeof x->s.log, "%s", x->log);
	char line[256];
	size_t n = 0;
	while (n < sizeof line - 1 && read(p[0], line + n, 1) == 1 && line[n] != '\n')
		n++;
	line[n] = '\0';
	close(p[0]);
	const char *at = strstr(line, "http://127.0.0.1:");
	if (!at) {
		char *log = srv_log(&x->s);
		fail_msg("server did not start: %s", log);
	}
	x->s.port = atoi(at + strlen("http://127.0.0.1:"));
	snprintf(x->s.base, sizeof x->s.base, "http://127.0.0.1:%d", x->s.port);
}

static void stop(struct inst *x)
{
	assert_int_equal(srv_stop(&x->s), 0);
	x->s.pid = 0;
}

/* Writes x's filler until the file system has not one byte left. */
static void fill_disk(struct inst *x)
{
	static char block[64 * 1024];
	int fd = open(x->fill, O_WRONLY | O_CREAT | O_APPEND, 0600);
	assert_true(fd >= 0);
	for (size_t size = sizeof block; size >= 1; size /= 2) {
		while (write(fd, block, size) == (ssize_t)size)
			;
	}
	assert_int_equal(write(fd, block, 1), -1);
	assert_int_equal(errno, ENOSPC);
	close(fd);
}

static void free_disk(struct inst *x)
{
	assert_int_equal(unlink(x->fill), 0);
}

static const char report_json[] =
    "{\"org\": \"velsen\", \"kind\": \"report\", \"reporter_role\": \"bystander\","
    " \"anonymous\": true, \"description\": \"Ik zag iets vreemds bij de haven.\","
    " \"forms\": [\"labour\"]}";

static long post_report(const struct srv *s, struct res *r)
{
	assert_int_equal(http_post(s, "/api/v1/reports", "application/json", report_json,
	                           strlen(report_json), NULL, r),
	                 0);
	return r->status;
}

static long healthz(const struct srv *s, char *body, size_t size)
{
	struct res r;
	assert_int_equal(http_get(s, "/healthz", NULL, &r), 0);
	snprintf(body, size, "%s", buf_str(&r.body));
	long st = r.status;
	res_free(&r);
	return st;
}

/* An urlencoded field appended to b (values here need no escaping but
 * spaces). */
static void add(struct buf *b, const char *name, const char *value)
{
	if (b->len)
		buf_puts(b, "&");
	buf_puts(b, name);
	buf_puts(b, "=");
	for (const char *p = value; *p; p++)
		buf_append(b, *p == ' ' ? "+" : p, 1);
}

/* Posts a valid report through the form /melden in the old one-page shape
 * (step=2), with CSRF. */
static void post_form(const struct srv *s, struct res *r)
{
	char cookie[200], token[200];
	assert_int_equal(http_csrf(s, "/melden", cookie, sizeof cookie, token, sizeof token), 0);
	struct buf b = BUF_INIT;
	add(&b, "step", "2");
	add(&b, "acute_danger", "no");
	add(&b, "kind", "report");
	add(&b, "reporter_role", "bystander");
	add(&b, "anonymous", "yes");
	add(&b, "description", TYPED_TEXT);
	add(&b, "forms", "labour");
	add(&b, "csrf", token);
	const char *hdrs[] = {cookie, NULL};
	assert_int_equal(http_post(s, "/melden", "application/x-www-form-urlencoded", buf_str(&b),
	                           b.len, hdrs, r),
	                 0);
	buf_free(&b);
}

/* --- A full disk ------------------------------------------------------- */

static void full_disk_is_said(void **state)
{
	if (!can_mount)
		skip();
	struct inst *x = inst_new(state, "size=4m,mode=0700");
	inst_init(x);
	serve(x);
	struct res r;
	char body[512], v[64];
	assert_int_equal(post_report(&x->s, &r), 201);
	res_free(&r);
	assert_int_equal(healthz(&x->s, body, sizeof body), 200);

	fill_disk(x);
	/* The API: 503, when to try again, and that it was not stored. */
	assert_int_equal(post_report(&x->s, &r), 503);
	assert_true(res_header(&r, "Retry-After", v, sizeof v));
	assert_true(strtol(v, NULL, 10) >= 1);
	if (!strstr(buf_str(&r.body), "niet opgeslagen"))
		fail_msg("API answer: %s", buf_str(&r.body));
	assert_null(strstr(buf_str(&r.body), "onze fout, niet die van jou"));
	res_free(&r);
	/* /healthz says so, with the cause. */
	assert_int_equal(healthz(&x->s, body, sizeof body), 503);
	if (!strstr(body, "no space left on device"))
		fail_msg("healthz: %s", body);
	/* The form: everything typed comes back, with the same news. */
	post_form(&x->s, &r);
	assert_int_equal(r.status, 503);
	assert_true(res_header(&r, "Retry-After", v, sizeof v));
	assert_non_null(strstr(buf_str(&r.body), TYPED_TEXT));
	assert_non_null(strstr(buf_str(&r.body), "Je melding is niet opgeslagen."));
	assert_null(strstr(buf_str(&r.body), "Het is nu erg druk"));
	res_free(&r);
	assert_int_equal(healthz(&x->s, body, sizeof body), 503);

	/* Space again: /healthz sees it by its own probe write, without a
	 * report (bounded: one probe interval and a little). */
	free_disk(x);
	long st = 0;
	for (unsigned i = 0; i < 4 * (INTAKE_PROBE_INTERVAL_S + 3) && st != 200; i++) {
		st = healthz(&x->s, body, sizeof body);
		if (st != 200)
			usleep(250 * 1000);
	}
	if (st != 200)
		fail_msg("healthz stays %ld after space was freed: %s", st, body);
	assert_int_equal(post_report(&x->s, &r), 201);
	res_free(&r);
	/* The form again: kept as a draft, on to the check page (303). */
	post_form(&x->s, &r);
	assert_int_equal(r.status, 303);
	char loc[128];
	assert_true(res_header(&r, "Location", loc, sizeof loc));
	assert_string_equal(loc, "/melden?stap=controle");
	res_free(&r);
	stop(x);

	/* A start on the full disk names the cause, not SQLite's words. */
	fill_disk(x);
	char *out = serve_refused(x);
	if (!strstr(out, "no space left on device"))
		fail_msg("start on a full disk said: %s", out);
	free(out);
}

/* A report through the API; its receipt into out. */
static void report_receipt(const struct srv *s, char out[20])
{
	struct res r;
	assert_int_equal(post_report(s, &r), 201);
	json_t *v = json_loadb(buf_str(&r.body), r.body.len, 0, NULL);
	const char *rc = json_string_value(json_object_get(v, "receipt"));
	assert_non_null(rc);
	assert_int_equal(strlen(rc), 19);
	memcpy(out, rc, 20);
	json_decref(v);
	res_free(&r);
}

/* Adds message to the report of receipt through POST /api/v1/follow. */
static long api_message(const struct srv *s, const char *receipt, const char *message,
                        struct res *r)
{
	char body[300];
	snprintf(body, sizeof body, "{\"receipt\": \"%s\", \"message\": \"%s\"}", receipt, message);
	assert_int_equal(
	    http_post(s, "/api/v1/follow", "application/json", body, strlen(body), NULL, r), 0);
	return r->status;
}

/* Adds message to the report of receipt through the form /volgen. */
static long form_message(const struct srv *s, const char *receipt, const char *message,
                         struct res *r)
{
	char cookie[200], token[200];
	assert_int_equal(http_csrf(s, "/volgen", cookie, sizeof cookie, token, sizeof token), 0);
	struct buf b = BUF_INIT;
	add(&b, "receipt", receipt);
	add(&b, "message", message);
	add(&b, "csrf", token);
	const char *hdrs[] = {cookie, NULL};
	assert_int_equal(http_post(s, "/volgen", "application/x-www-form-urlencoded", buf_str(&b),
	                           b.len, hdrs, r),
	                 0);
	buf_free(&b);
	return r->status;
}

/* A message added on a full disk: said as such (not a 500), the typed
 * message comes back in the form, and nothing of it is kept. */
static void full_disk_message_is_said(void **state)
{
	if (!can_mount)
		skip();
	struct inst *x = inst_new(state, "size=4m,mode=0700");
	inst_init(x);
	serve(x);
	char receipt[20];
	report_receipt(&x->s, receipt);
	struct res r;
	char body[512], v[64];
	assert_int_equal(api_message(&x->s, receipt, "Eerste bericht", &r), 200);
	res_free(&r);

	fill_disk(x);
	/* The API: 503, when to try again, and that it was not stored. */
	if (api_message(&x->s, receipt, TYPED_MESSAGE, &r) != 503)
		fail_msg("API on a full disk: %ld %s", r.status, buf_str(&r.body));
	assert_true(res_header(&r, "Retry-After", v, sizeof v));
	assert_true(strtol(v, NULL, 10) >= 1);
	if (!strstr(buf_str(&r.body), "Je bericht is niet opgeslagen"))
		fail_msg("API answer: %s", buf_str(&r.body));
	res_free(&r);
	assert_int_equal(healthz(&x->s, body, sizeof body), 503);
	/* The form: the typed message comes back in its box, with the news. */
	if (form_message(&x->s, receipt, TYPED_MESSAGE, &r) != 503)
		fail_msg("form on a full disk: %ld", r.status);
	assert_true(res_header(&r, "Retry-After", v, sizeof v));
	const char *page = buf_str(&r.body);
	const char *box = strstr(page, "<textarea");
	if (!box || !strstr(box, TYPED_MESSAGE))
		fail_msg("the typed message is not in the box: %s", page);
	assert_non_null(strstr(page, "Je bericht is niet opgeslagen."));
	assert_non_null(strstr(page, "Eerste bericht"));
	assert_null(strstr(page, "Dank je wel"));
	assert_null(strstr(page, "Je melding is niet opgeslagen"));
	res_free(&r);

	/* Space again: adding works, and only what was stored is shown. */
	free_disk(x);
	long st = 0;
	for (unsigned i = 0; i < 4 * (INTAKE_PROBE_INTERVAL_S + 3) && st != 200; i++) {
		st = healthz(&x->s, body, sizeof body);
		if (st != 200)
			usleep(250 * 1000);
	}
	if (st != 200)
		fail_msg("healthz stays %ld after space was freed: %s", st, body);
	assert_int_equal(form_message(&x->s, receipt, TYPED_MESSAGE, &r), 200);
	assert_non_null(strstr(buf_str(&r.body), "Dank je wel"));
	res_free(&r);
	char follow[64];
	snprintf(follow, sizeof follow, "{\"receipt\": \"%s\"}", receipt);
	assert_int_equal(http_post(&x->s, "/api/v1/follow", "application/json", follow,
	                           strlen(follow), NULL, &r),
	                 0);
	assert_int_equal(r.status, 200);
	json_t *ans = json_loadb(buf_str(&r.body), r.body.len, 0, NULL);
	json_t *msgs = json_object_get(ans, "messages");
	assert_int_equal(json_array_size(msgs), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 1), "text")),
	                    TYPED_MESSAGE);
	json_decref(ans);
	res_free(&r);
	stop(x);
}

/* --- A read-only data directory ----------------------------------------- */

static void read_only_directory_is_said(void **state)
{
	if (!can_mount)
		skip();
	struct inst *x = inst_new(state, NULL);
	inst_init(x);
	/* Root writes through mode bits; a read-only bind mount stops it. */
	assert_int_equal(mount(x->data, x->data, NULL, MS_BIND, NULL), 0);
	x->mounted = true;
	assert_int_equal(mount(NULL, x->data, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), 0);
	char *out = serve_refused(x);
	if (!strstr(out, "read-only directory"))
		fail_msg("start in a read-only directory said: %s", out);
	free(out);
}

/* --- The key file ----------------------------------------------------- */

static void copy_file(const char *from, const char *to)
{
	char buf[512];
	int in = open(from, O_RDONLY);
	assert_true(in >= 0);
	ssize_t n = read(in, buf, sizeof buf);
	assert_true(n > 0);
	close(in);
	int out = open(to, O_WRONLY | O_TRUNC);
	assert_true(out >= 0);
	assert_int_equal(write(out, buf, (size_t)n), n);
	close(out);
}

static void foreign_key_refused(void **state)
{
	struct inst *x = inst_new(state, NULL);
	inst_init(x);
	/* A second installation, and its key file put in place of ours. */
	char other[128], okey[160], key[128], own[128];
	snprintf(other, sizeof other, "%s/other", x->tmp);
	struct buf out = BUF_INIT;
	const char *a[] = {"--config", x->ini, "init", "--data", other, "--org", "velsen", NULL};
	assert_int_equal(run(&out, a), 0);
	buf_free(&out);
	snprintf(okey, sizeof okey, "%s/signaal.key", other);
	snprintf(key, sizeof key, "%s/signaal.key", x->data);
	snprintf(own, sizeof own, "%s/own.key", x->tmp);
	int fd = open(own, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	copy_file(key, own);
	copy_file(okey, key);
	char *said = serve_refused(x);
	if (!strstr(said, "does not belong to database") || !strstr(said, "another installation"))
		fail_msg("start with a foreign key said: %s", said);
	free(said);
	/* Its own key back: it starts. */
	copy_file(own, key);
	serve(x);
	struct res r;
	assert_int_equal(post_report(&x->s, &r), 201);
	res_free(&r);
	stop(x);
}

/* --- No database --------------------------------------------------------- */

static void serve_without_database_refused(void **state)
{
	struct inst *x = inst_new(state, NULL);
	inst_init(x);
	char db[128];
	snprintf(db, sizeof db, "%s/signaal.db", x->data);
	assert_int_equal(unlink(db), 0);
	char *out = serve_refused(x);
	if (!strstr(out, "signaal init"))
		fail_msg("serve without a database said: %s", out);
	free(out);
	struct stat st;
	assert_int_not_equal(stat(db, &st), 0);
	assert_int_equal(errno, ENOENT);
}

/* --- The CSRF cookie over https ------------------------------------------ */

static void csrf_cookie_host_prefix_over_https(void **state)
{
	(void)state;
	struct srv s;
	assert_int_equal(srv_start(&s, "[server]\nsecure_cookies = on\n"), 0);
	struct res r;
	assert_int_equal(http_get(&s, "/melden", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	char sc[256];
	assert_true(res_header(&r, "Set-Cookie", sc, sizeof sc));
	res_free(&r);
	if (strncmp(sc, "__Host-signaal_csrf=", 20) != 0)
		fail_msg("Set-Cookie: %s", sc);
	/* What "__Host-" demands of the cookie. */
	assert_non_null(strstr(sc, "; Secure"));
	assert_non_null(strstr(sc, "; Path=/"));
	assert_null(strstr(sc, "Domain"));

	char cookie[200], token[200];
	assert_int_equal(http_csrf(&s, "/melden", cookie, sizeof cookie, token, sizeof token), 0);
	char body[300];
	snprintf(body, sizeof body, "step=1&danger=no&csrf=%s", token);
	const char *good[] = {cookie, NULL};
	assert_int_equal(http_post(&s, "/melden", "application/x-www-form-urlencoded", body,
	                           strlen(body), good, &r),
	                 0);
	/* Accepted: on to the next step (post/redirect/get). */
	assert_int_equal(r.status, 303);
	res_free(&r);
	/* The same value without the prefix, as a sibling host or a plain-http
	 * answer could plant it, is not read. */
	char planted[200];
	snprintf(planted, sizeof planted, "Cookie: %s", cookie + strlen("Cookie: __Host-"));
	assert_true(strncmp(planted, "Cookie: signaal_csrf=", 21) == 0);
	const char *bad[] = {planted, NULL};
	assert_int_equal(http_post(&s, "/melden", "application/x-www-form-urlencoded", body,
	                           strlen(body), bad, &r),
	                 0);
	assert_int_equal(r.status, 403);
	res_free(&r);
	assert_int_equal(srv_stop(&s), 0);
}

int main(void)
{
	/* Before any thread exists (unshare refuses a threaded process): a
	 * mount namespace of our own, whose mounts do not propagate out. */
	can_mount =
	    unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
	if (!can_mount)
		fprintf(stderr, "# no mount namespace (%s): tests that need a mount skip\n",
		        strerror(errno));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(full_disk_is_said, teardown),
	    cmocka_unit_test_teardown(full_disk_message_is_said, teardown),
	    cmocka_unit_test_teardown(read_only_directory_is_said, teardown),
	    cmocka_unit_test_teardown(foreign_key_refused, teardown),
	    cmocka_unit_test_teardown(serve_without_database_refused, teardown),
	    cmocka_unit_test(csrf_cookie_host_prefix_over_https),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
