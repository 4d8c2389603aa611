#include "harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>
#ifdef SIGNAAL_HAVE_PG
#include <libpq-fe.h>
#endif

const char *signaal_bin(void)
{
	const char *b = getenv("SIGNAAL_BIN");
	return b ? b : "build/signaal";
}

static int run_wait(char *const argv[], const char *log)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Says why a server failed, with the end of its log, so that a failure in
 * CI can be read from the test output alone. */
static void log_tail(const struct srv *s, const char *why)
{
	char *log = srv_log(s);
	size_t n = strlen(log);
	const char *tail = n > 2000 ? log + n - 2000 : log;
	fprintf(stderr, "# %s; end of %s:\n%s\n", why, s->log, tail);
	free(log);
}

const char *srv_templates_dir;
const char *const *srv_extra_orgs;
bool srv_staff_listener;

struct srv srv_staff(const struct srv *s)
{
	struct srv t = *s;
	memcpy(t.base, s->staff_base, sizeof t.base);
	t.port = s->staff_port;
	return t;
}

const char *srv_log_dir(void)
{
	const char *d = getenv("SIGNAAL_TEST_LOG_DIR");
	if (!d || !*d)
		return "/tmp";
	(void)mkdir(d, 0700); /* its parent, meson-logs, exists */
	return d;
}

/* Shorter values are too common to tell a leak from chance ("ja", a
 * district's name). */
#define SECRET_MIN_BYTES 10

/* A log line holds at most this much of a value (log_quote cuts longer
 * ones), and a prefix this long still tells a secret from chance. */
#define SECRET_MAX_BYTES 40

void srv_secret(const struct srv *s, const char *value)
{
	if (!value || !s->log[0])
		return;
	/* Its first line: a log line holds one at most. */
	size_t n = strcspn(value, "\r\n");
	if (n < SECRET_MIN_BYTES)
		return;
	if (n > SECRET_MAX_BYTES)
		n = SECRET_MAX_BYTES;
	char path[320];
	snprintf(path, sizeof path, "%s.secrets", s->log);
	FILE *f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "%.*s\n", (int)n, value);
	/* Also as log_quote() would write it (util/log.c): bytes beyond
	 * ASCII, controls, quotes and backslashes become '?'. */
	char q[SECRET_MAX_BYTES + 1];
	size_t odd_bytes = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)value[i];
		bool odd = c < 0x20 || c >= 0x7F || c == '"' || c == '\\';
		q[i] = odd ? '?' : (char)c;
		odd_bytes += odd;
	}
	q[n] = '\0';
	/* Not when little but '?' is left, which any line might hold. */
	if (odd_bytes && odd_bytes < n / 2)
		fprintf(f, "%s\n", q);
	fclose(f);
}

/* The fields whose values are secret, in forms and JSON bodies alike, and
 * in JSON answers. */
static bool secret_field(const char *name)
{
	static const char *const names[] = {"description",  "text",     "message",  "contact",
	                                    "email",        "phone",    "password", "password2",
	                                    "new_password", "code",     "totp",     "receipt",
	                                    "token",        "recovery", NULL};
	for (size_t i = 0; names[i]; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

/* Decodes n bytes of a form value (+ and %XX) in place; returns its end. */
static char *form_decode(char *p, size_t n)
{
	char *o = p;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '+') {
			*o++ = ' ';
		} else if (p[i] == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 &&
		           hexval(p[i + 2]) >= 0) {
			*o++ = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
			i += 2;
		} else {
			*o++ = p[i];
		}
	}
	*o = '\0';
	return o;
}

/* Records the secret values of a JSON object (answer or body). */
static void json_secrets(const struct srv *s, const char *text, size_t len)
{
	json_t *j = json_loadb(text, len, 0, NULL);
	const char *k;
	json_t *v;
	json_object_foreach(j, k, v)
	{
		if (json_is_string(v) && secret_field(k))
			srv_secret(s, json_string_value(v));
	}
	json_decref(j);
}

/* Records the secret values a request sends: the fields of a form or of
 * a JSON object. */
static void body_secrets(const struct srv *s, const char *ctype, const char *body, size_t len)
{
	if (!body || !len)
		return;
	if (ctype && strstr(ctype, "json")) {
		json_secrets(s, body, len);
		return;
	}
	if (!ctype || !strstr(ctype, "x-www-form-urlencoded"))
		return;
	char *copy = strndup(body, len);
	for (char *f = copy; f && *f;) {
		char *amp = strchr(f, '&');
		size_t flen = amp ? (size_t)(amp - f) : strlen(f);
		char *eq = memchr(f, '=', flen);
		if (eq) {
			form_decode(f, (size_t)(eq - f));
			char *val = eq + 1;
			form_decode(val, flen - (size_t)(val - f));
			if (secret_field(f))
				srv_secret(s, val);
		}
		f = amp ? amp + 1 : NULL;
	}
	free(copy);
}

/* Under tests/pg/with-pg (SIGNAAL_TEST_PG_DIR: its cluster's socket
 * directory), each server gets a new database of its own in that cluster,
 * as each gets a new data directory: a database keeps the key check of
 * the data directory it was made with. Writes the [store] section for it
 * into store_ini ("" without PostgreSQL). 0, or -1 when createdb failed. */
static int pg_database(struct srv *s, char *store_ini, size_t sz)
{
	const char *dir = getenv("SIGNAAL_TEST_PG_DIR");
	store_ini[0] = '\0';
	if (!dir || !*dir)
		return 0;
	static unsigned made;
	char name[64];
	snprintf(name, sizeof name, "t%ld_%u", (long)getpid(), made++);
	char *argv[] = {"/usr/lib/postgresql/15/bin/createdb",
	                "-h",
	                (char *)dir,
	                "-p",
	                "5432",
	                "-U",
	                "signaal",
	                name,
	                NULL};
	if (run_wait(argv, s->log) != 0)
		return -1;
	snprintf(s->store_url, sizeof s->store_url,
	         "postgresql:///%s?host=%s&port=5432&user=signaal", name, dir);
	snprintf(store_ini, sz, "[store]\nurl = %s\n", s->store_url);
	return 0;
}

/* Writes ini (0600) with the lines of text. */
static int write_ini(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f) ? -1 : 0;
}

/* Servers started and not yet stopped: a test that fails half-way leaves
 * its server running, so those are killed when the test program ends. */
static pid_t running[64];

void srv_forget(pid_t pid)
{
	for (size_t i = 0; i < sizeof running / sizeof running[0]; i++)
		if (running[i] == pid)
			running[i] = 0;
}

static void kill_leftovers(void)
{
	for (size_t i = 0; i < sizeof running / sizeof running[0]; i++) {
		if (running[i] > 0) {
			kill(running[i], SIGKILL);
			waitpid(running[i], NULL, 0);
			running[i] = 0;
		}
	}
}

static void remember(pid_t pid)
{
	static bool registered;
	if (!registered)
		registered = atexit(kill_leftovers) == 0;
	for (size_t i = 0; i < sizeof running / sizeof running[0]; i++) {
		if (running[i] == 0) {
			running[i] = pid;
			return;
		}
	}
}

/* Starts `signaal serve` on the data directory data (made before). */
static int serve_data(struct srv *s, const char *data)
{
	int pfd[2];
	if (pipe(pfd) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(pfd[1], 1);
		if (fd >= 0)
			dup2(fd, 2);
		close(pfd[0]);
		char *argv[] = {(char *)signaal_bin(),
		                "serve",
		                "--data",
		                (char *)data,
		                "--listen",
		                "127.0.0.1:0",
		                srv_staff_listener ? "--staff-listen" : NULL,
		                "127.0.0.1:0",
		                NULL};
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	s->pid = pid;
	remember(pid);
	/* The server prints "listening on http://127.0.0.1:PORT" once ready. */
	char line[256];
	size_t n = 0;
	while (n < sizeof line - 1) {
		ssize_t r = read(pfd[0], line + n, 1);
		if (r <= 0)
			break;
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	/* Then "staff listening on http://127.0.0.1:PORT". */
	char sline[256] = "";
	size_t sn = 0;
	while (srv_staff_listener && sn < sizeof sline - 1) {
		ssize_t r = read(pfd[0], sline + sn, 1);
		if (r <= 0 || sline[sn] == '\n')
			break;
		sn++;
	}
	sline[sn] = '\0';
	close(pfd[0]);
	const char *sp = strstr(sline, "staff listening on http://127.0.0.1:");
	s->staff_port = sp ? atoi(sp + strlen("staff listening on http://127.0.0.1:")) : 0;
	if (s->staff_port)
		snprintf(s->staff_base, sizeof s->staff_base, "http://127.0.0.1:%d", s->staff_port);
	const char *p = strstr(line, "http://127.0.0.1:");
	if (p && srv_staff_listener && !s->staff_port)
		p = NULL; /* no staff listener: not started as asked */
	if (!p) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		srv_forget(pid);
		s->pid = 0;
		char why[320];
		snprintf(why, sizeof why, "server did not start (it printed \"%s\")", line);
		log_tail(s, why);
		return -1;
	}
	s->port = atoi(p + strlen("http://127.0.0.1:"));
	snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
	return 0;
}

int srv_start(struct srv *s, const char *extra_ini)
{
	memset(s, 0, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "/tmp/signaal-test-XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(s->log, sizeof s->log, "%s/%s.log", srv_log_dir(), strrchr(s->dir, '/') + 1);
	char data[300];
	snprintf(data, sizeof data, "%s/var", s->dir);
	char ini[320];
	snprintf(ini, sizeof ini, "%s/signaal.ini", data);
	char store_ini[450];
	if (pg_database(s, store_ini, sizeof store_ini) != 0) {
		log_tail(s, "createdb failed");
		return -1;
	}
	/* init reads DIR/signaal.ini too: it must make the same database. */
	if (store_ini[0] && (mkdir(data, 0700) != 0 || write_ini(ini, store_ini) != 0))
		return -1;
	char *init[] = {(char *)signaal_bin(), "init", "--data", data, "--org", "velsen", NULL};
	if (run_wait(init, s->log) != 0) {
		log_tail(s, "signaal init failed");
		return -1;
	}
	for (size_t i = 0; srv_extra_orgs && srv_extra_orgs[i]; i++) {
		char *add[] = {(char *)signaal_bin(),     "--data", data, "org", "add", "--org",
		               (char *)srv_extra_orgs[i], NULL};
		if (run_wait(add, s->log) != 0) {
			log_tail(s, "signaal org add failed");
			return -1;
		}
	}
	FILE *f = fopen(ini, "w");
	if (!f)
		return -1;
	const char *src = getenv("SIGNAAL_SOURCE_DIR") ? getenv("SIGNAAL_SOURCE_DIR") : ".";
	char templates[300];
	snprintf(templates, sizeof templates, "%s/templates", src);
	fprintf(f,
	        "[paths]\ncontent = %s/content\ntemplates = %s\nstatic = %s/static\n"
	        "locale = %s\n%s",
	        src, srv_templates_dir ? srv_templates_dir : templates, src,
	        getenv("SIGNAAL_LOCALE_DIR") ? getenv("SIGNAAL_LOCALE_DIR") : "build/locale",
	        extra_ini ? extra_ini : "");
	fputs(store_ini[0] ? "\n" : "", f);
	fputs(store_ini, f);
	fclose(f);

	return serve_data(s, data);
}

/* The content of path, NUL-terminated; NULL when it cannot be read.
 * Caller frees. */
static char *srv_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[1024];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	char *out = strdup(buf_str(&b));
	buf_free(&b);
	return out;
}

/* Copies file from into to (mode 0600); 0 or -1. */
static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb");
	int fd = open(to, O_WRONLY | O_CREAT | O_EXCL, 0600);
	FILE *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
	int rc = in && out ? 0 : -1;
	char buf[4096];
	size_t n;
	while (!rc && (n = fread(buf, 1, sizeof buf, in)) > 0)
		rc = fwrite(buf, 1, n, out) == n ? 0 : -1;
	if (in)
		fclose(in);
	if (out)
		rc = fclose(out) || rc ? -1 : 0;
	else if (fd >= 0)
		close(fd);
	return rc;
}

int srv_start_beside(struct srv *s, const struct srv *first)
{
	memset(s, 0, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "/tmp/signaal-test-XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(s->log, sizeof s->log, "%s/%s.log", srv_log_dir(), strrchr(s->dir, '/') + 1);
	memcpy(s->store_url, first->store_url, sizeof s->store_url);
	char data[300], from[320], to[320];
	snprintf(data, sizeof data, "%s/var", s->dir);
	if (mkdir(data, 0700) != 0)
		return -1;
	const char *files[] = {"signaal.key", "signaal.ini"};
	for (size_t i = 0; i < 2; i++) {
		snprintf(from, sizeof from, "%s/var/%s", first->dir, files[i]);
		snprintf(to, sizeof to, "%s/%s", data, files[i]);
		if (copy_file(from, to) != 0)
			return -1;
	}
	/* On SQLite the two share first's file, as two processes on one
	 * machine may. */
	char *ini = srv_file(to);
	bool own_store = ini && strstr(ini, "[store]");
	free(ini);
	if (!own_store) {
		FILE *f = fopen(to, "a");
		if (!f)
			return -1;
		fprintf(f, "\n[store]\nurl = sqlite:%s/var/signaal.db\n", first->dir);
		fclose(f);
	}
	return serve_data(s, data);
}

int srv_stop(struct srv *s)
{
	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGTERM);
	int st;
	if (waitpid(s->pid, &st, 0) < 0)
		return -1;
	srv_forget(s->pid);
	s->pid = 0;
	int rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (rc != 0) {
		char why[64];
		snprintf(why, sizeof why, "server %s %d",
		         WIFEXITED(st) ? "exited with" : "killed by signal",
		         WIFEXITED(st)     ? WEXITSTATUS(st)
		         : WIFSIGNALED(st) ? WTERMSIG(st)
		                           : -1);
		log_tail(s, why);
	}
	return rc;
}

int srv_stop_within(struct srv *s, unsigned seconds)
{
	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGTERM);
	int st = 0;
	pid_t got = 0;
	for (unsigned i = 0; i < seconds * 20 && got == 0; i++) {
		got = waitpid(s->pid, &st, WNOHANG);
		if (got == 0)
			usleep(50 * 1000);
	}
	if (got == 0) {
		log_tail(s, "server did not stop after SIGTERM; killed");
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &st, 0);
		srv_forget(s->pid);
		s->pid = 0;
		return -2;
	}
	srv_forget(s->pid);
	s->pid = 0;
	int rc = got > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (rc != 0)
		log_tail(s, "server did not exit 0 on SIGTERM");
	return rc;
}

char *srv_log(const struct srv *s)
{
	FILE *f = fopen(s->log, "r");
	if (!f)
		return strdup("");
	struct buf b = BUF_INIT;
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_append(&b, tmp, n);
	fclose(f);
	return buf_steal(&b);
}

const char *http_source;

int http_bind_source(int fd, const char *source)
{
	if (!source)
		return 0;
	struct sockaddr_in a = {.sin_family = AF_INET};
	if (inet_pton(AF_INET, source, &a.sin_addr) != 1)
		return -1;
	return bind(fd, (struct sockaddr *)&a, sizeof a);
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	buf_append(ud, p, size * nmemb);
	return size * nmemb;
}

static int perform(const struct srv *s, const char *path, const char *ctype, const char *body,
                   size_t len, bool post, const char *const *headers, struct res *r)
{
	memset(r, 0, sizeof *r);
	CURL *c = curl_easy_init();
	if (!c)
		return -1;
	char url[2048];
	snprintf(url, sizeof url, "%s%s", s->base, path);
	struct curl_slist *hl = NULL;
	for (size_t i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	char ct[200];
	if (post && ctype) {
		snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
		hl = curl_slist_append(hl, ct);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "SignaalTestAgent/1.0");
	curl_easy_setopt(c, CURLOPT_REFERER, "http://referrer.example/secret-page");
	if (http_source)
		curl_easy_setopt(c, CURLOPT_INTERFACE, http_source);
	if (post) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	}
	if (post)
		body_secrets(s, ctype, body, len);
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	if (rc == CURLE_OK && r->body.len && r->body.data[0] == '{')
		json_secrets(s, r->body.data, r->body.len); /* a receipt, a token */
	/* The receipt on the page after a report (templates/report-done.html). */
	char code[64];
	if (rc == CURLE_OK && r->body.len && html_receipt(buf_str(&r->body), code, sizeof code))
		srv_secret(s, code);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}

bool html_receipt(const char *html, char *out, size_t outsz)
{
	const char *p = strstr(html, "id=\"bonnetje\">");
	if (!p || !outsz)
		return false;
	p += strlen("id=\"bonnetje\">");
	/* Its text, tags left out, up to the end of its paragraph. */
	size_t n = 0;
	const char *end = strstr(p, "</p>");
	for (bool tag = false; *p && p != end; p++) {
		if (*p == '<')
			tag = true;
		else if (*p == '>')
			tag = false;
		else if (!tag && n + 1 < outsz)
			out[n++] = *p;
	}
	out[n] = '\0';
	return n > 0;
}

int http_get(const struct srv *s, const char *path, const char *const *headers, struct res *r)
{
	return perform(s, path, NULL, NULL, 0, false, headers, r);
}

int http_post(const struct srv *s, const char *path, const char *content_type, const char *body,
              size_t len, const char *const *headers, struct res *r)
{
	return perform(s, path, content_type, body, len, true, headers, r);
}

int http_raw(const struct srv *s, const void *req, size_t len, struct buf *answer)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	struct timeval tv = {10, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (http_bind_source(fd, http_source) != 0 ||
	    connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	/* Sends in pieces and stops as soon as the server answers: a server
	 * that refuses a request early closes the connection, and bytes still
	 * being sent then would reset it before the answer is read. */
	const char *p = req;
	size_t off = 0;
	while (off < len) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, 0) > 0)
			break;
		size_t piece = len - off < 4096 ? len - off : 4096;
		ssize_t w = send(fd, p + off, piece, MSG_NOSIGNAL);
		if (w <= 0)
			break;
		off += (size_t)w;
		if (off < len)
			usleep(1000);
	}
	shutdown(fd, SHUT_WR);
	char tmp[4096];
	ssize_t n;
	while ((n = recv(fd, tmp, sizeof tmp, 0)) > 0)
		buf_append(answer, tmp, (size_t)n);
	close(fd);
	const char *sp = strchr(buf_str(answer), ' ');
	return sp ? atoi(sp + 1) : -1;
}

bool res_header(const struct res *r, const char *name, char *out, size_t outsz)
{
	const char *h = buf_str(&r->headers);
	size_t nl = strlen(name);
	for (const char *line = h; *line;) {
		const char *end = strstr(line, "\r\n");
		if (!end)
			break;
		if ((size_t)(end - line) > nl && strncasecmp(line, name, nl) == 0 &&
		    line[nl] == ':') {
			const char *v = line + nl + 1;
			while (*v == ' ')
				v++;
			size_t vl = (size_t)(end - v);
			if (vl >= outsz)
				vl = outsz - 1;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return true;
		}
		line = end + 2;
	}
	return false;
}

void res_free(struct res *r)
{
	buf_free(&r->headers);
	buf_free(&r->body);
}

int http_csrf(const struct srv *s, const char *path, char *cookie_hdr, size_t chsz, char *token,
              size_t toksz)
{
	struct res r;
	if (http_get(s, path, NULL, &r) != 0)
		return -1;
	int rc = -1;
	char sc[256];
	const char *field = strstr(buf_str(&r.body), "name=\"csrf\" value=\"");
	if (res_header(&r, "Set-Cookie", sc, sizeof sc) && field) {
		size_t cl = strcspn(sc, ";");
		field += strlen("name=\"csrf\" value=\"");
		size_t tl = strcspn(field, "\"");
		if (tl < toksz &&
		    (size_t)snprintf(cookie_hdr, chsz, "Cookie: %.*s", (int)cl, sc) < chsz) {
			memcpy(token, field, tl);
			token[tl] = '\0';
			rc = 0;
		}
	}
	res_free(&r);
	return rc;
}

int suite_start(struct srv *s, const char *ini)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return srv_start(s, ini);
}

int suite_stop(struct srv *s)
{
	int st = srv_stop(s);
	curl_global_cleanup();
	return st == 0 ? 0 : -1;
}

static const char *file_holds(const char *path, const char *const *needles)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	struct buf b = BUF_INIT;
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, fp)) > 0)
		buf_append(&b, tmp, n);
	fclose(fp);
	const char *found = NULL;
	for (size_t i = 0; needles[i] && !found; i++)
		if (b.len && memmem(b.data, b.len, needles[i], strlen(needles[i])))
			found = needles[i];
	buf_free(&b);
	return found;
}

static const char *dir_holds(const char *dir, const char *const *needles, char *where, size_t wsz,
                             int *files)
{
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	const char *found = NULL;
	struct dirent *e;
	while (!found && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[600];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			found = dir_holds(path, needles, where, wsz, files);
		} else {
			(*files)++;
			if ((found = file_holds(path, needles)) != NULL)
				snprintf(where, wsz, "%s", path);
		}
	}
	closedir(d);
	return found;
}

const char *srv_data_problem(const struct srv *s, const char *const *needles)
{
	static char msg[800];
	char data[300], where[600];
	snprintf(data, sizeof data, "%s/var", s->dir);
	int files = 0;
	const char *found = dir_holds(data, needles, where, sizeof where, &files);
	if (found)
		snprintf(msg, sizeof msg, "%s holds \"%s\"", where, found);
	else if (files < 2)
		snprintf(msg, sizeof msg, "only %d files read in %s", files, data);
	return found || files < 2 ? msg : NULL;
}

char *text_repeat(const char *prefix, const char *unit, size_t n)
{
	size_t p = strlen(prefix), u = strlen(unit);
	char *s = malloc(p + n * u + 1);
	if (!s)
		abort();
	memcpy(s, prefix, p);
	for (size_t i = 0; i < n; i++)
		memcpy(s + p + i * u, unit, u);
	s[p + n * u] = '\0';
	return s;
}

static int query_sqlite(const struct srv *s, const char *sql, struct buf *out, bool write)
{
	char path[300];
	snprintf(path, sizeof path, "%s/var/signaal.db", s->dir);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (sqlite3_open_v2(path, &db, write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY,
	                    NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 10000) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "srv_query: %s: %s\n", path, db ? sqlite3_errmsg(db) : "no memory");
		goto out;
	}
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *v = sqlite3_column_text(st, i);
			buf_printf(out, "%s%s", i ? "|" : "", v ? (const char *)v : "");
		}
		buf_puts(out, "\n");
	}
	if (step == SQLITE_DONE)
		rc = 0;
	else
		fprintf(stderr, "srv_query: %s\n", sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

static int query(const struct srv *s, const char *sql, struct buf *out, bool write)
{
	if (!s->store_url[0])
		return query_sqlite(s, sql, out, write);
#ifdef SIGNAAL_HAVE_PG
	PGconn *c = PQconnectdb(s->store_url);
	PGresult *r = NULL;
	int rc = -1;
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "srv_query: %s\n", PQerrorMessage(c));
		goto out;
	}
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "srv_query: %s\n", PQerrorMessage(c));
		goto out;
	}
	for (int row = 0; row < PQntuples(r); row++) {
		for (int i = 0; i < PQnfields(r); i++)
			buf_printf(out, "%s%s", i ? "|" : "", PQgetvalue(r, row, i));
		buf_puts(out, "\n");
	}
	rc = 0;
out:
	PQclear(r);
	PQfinish(c);
	return rc;
#else
	fprintf(stderr, "srv_query: built without libpq\n");
	return -1;
#endif
}

int srv_query(const struct srv *s, const char *sql, struct buf *out)
{
	return query(s, sql, out, false);
}

int srv_change(const struct srv *s, const char *sql, struct buf *out)
{
	return query(s, sql, out, true);
}
