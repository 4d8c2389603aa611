#include "app/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"
#include "util/str.h"

enum key_type {
	KT_LISTEN,
	KT_LISTEN_OPT, /* KT_LISTEN, or empty for none (port 0) */
	KT_UINT,
	KT_CHOICE,
	KT_BOOL,
	KT_ID,
	KT_TEXT,
	KT_COLOUR,
	KT_URL,
	KT_PATH,
	KT_ADDRESS,
	KT_STORE,
};

struct key_def {
	const char *section, *name;
	const char *def; /* default, in the file's syntax */
	const char *doc; /* one line for docs/CONFIG.md */
	enum key_type type;
	size_t off;  /* of the field in struct config */
	size_t size; /* of a char[] field */
	unsigned min, max;
	const char *const *choices; /* KT_CHOICE: NULL-terminated, index = enum value */
	void (*set_choice)(struct config *c, unsigned idx);
};

static const char *const cookie_choices[] = {"auto", "on", "off", NULL};
static const char *const level_choices[] = {"debug", "info", "warn", "error", NULL};

static void set_cookies(struct config *c, unsigned idx)
{
	c->secure_cookies = (enum config_cookies)idx;
}

static void set_level(struct config *c, unsigned idx)
{
	c->log_level = (enum log_level)idx;
}

#define STR(f) offsetof(struct config, f), sizeof(((struct config *)0)->f)
#define NUM(f) offsetof(struct config, f), 0

/* Every key of signaal.ini: the one place for defaults and limits, and the
 * source of docs/CONFIG.md (a unit test keeps the two equal). */
static const struct key_def keys[] = {
    {"server", "listen", "127.0.0.1:8080",
     "Address and port to serve on: an IPv4 address, `[IPv6]` or `localhost`, port 1-65535.",
     KT_LISTEN, NUM(listen), 0, 0, NULL, NULL},
    {"server", "threads", "0",
     "Worker threads of the HTTP server, 1-64; 0 = one per online CPU but one, at least one"
     " (the TLS proxy in front needs a core too; more threads than free cores only lengthen"
     " the latency tail); with PostgreSQL 0 = two per online CPU, at most 6 (a worker waits"
     " for the database with its core free).",
     KT_UINT, NUM(threads), 0, CONFIG_MAX_THREADS, NULL, NULL},
    {"server", "trusted_proxy", "",
     "Numeric IPv4 or IPv6 address of the reverse proxy in front of Signaal (TLS), or empty."
     " For requests from it, the client is the last address in `X-Forwarded-For` (used only"
     " for throttling, in memory, never logged) and `X-Forwarded-Proto: https` counts.",
     KT_ADDRESS, STR(trusted_proxy), 0, 0, NULL, NULL},
    {"server", "secure_cookies", "auto",
     "`auto`, `on` or `off`: `Secure` cookies; `on` also sends HSTS. `auto` marks cookies"
     " `Secure` for requests that the trusted proxy says came over HTTPS"
     " (`X-Forwarded-Proto: https`).",
     KT_CHOICE, NUM(secure_cookies), 0, 0, cookie_choices, set_cookies},
    {"server", "max_connections", "512",
     "Connections served at once, 16-20000. At the limit the connection that has idled"
     " longest is closed for a new client; when none idles, new ones wait.",
     KT_UINT, NUM(max_connections), CONFIG_MIN_CONNECTIONS, CONFIG_MAX_CONNECTIONS, NULL, NULL},
    {"server", "max_connections_per_source", "32",
     "Connections at once from one address (IPv6: one /64), 0-20000; 0 = no limit. Held in"
     " memory only as a keyed hash, never written. The trusted proxy is exempt: set its"
     " `limit_conn` (docs/OPERATIONS.md).",
     KT_UINT, NUM(max_connections_per_source), 0, CONFIG_MAX_CONNECTIONS, NULL, NULL},
    {"server", "header_timeout", "10",
     "Seconds a client has to send a request's headers, 1-300, however slowly it sends"
     " them; then its connection is closed.",
     KT_UINT, NUM(header_timeout), 1, CONFIG_MAX_HTTP_TIMEOUT, NULL, NULL},
    {"server", "body_timeout", "30",
     "Seconds a client has to send a request's body after its headers, 1-300.", KT_UINT,
     NUM(body_timeout), 1, CONFIG_MAX_HTTP_TIMEOUT, NULL, NULL},
    {"staff", "listen", "",
     "Address and port of a second listener for the staff, as `[server] listen`; empty ="
     " none. When set, every staff path (each route whose policy is not public: `/staf/`,"
     " the staff API) is served only here, and `[server] listen` answers those paths 404 as"
     " if they did not exist; public pages and static files are served on both. Must differ"
     " from `[server] listen` (docs/OPERATIONS.md).",
     KT_LISTEN_OPT, NUM(staff_listen), 0, 0, NULL, NULL},
    {"site", "org", "velsen", "Id of the organisation this site serves (a-z 0-9 _ -).", KT_ID,
     STR(org), 0, 0, NULL, NULL},
    {"site", "quick_exit_url", "https://www.google.nl/search?q=weerbericht",
     "Where the quick-exit button goes: an `https://` URL (`http://` only for a loopback host).",
     KT_URL, STR(quick_exit_url), 0, 0, NULL, NULL},
    {"site", "name", "",
     "Name shown on the site; empty means the organisation's name from the database.", KT_TEXT,
     STR(site_name), 0, 0, NULL, NULL},
    {"site", "colour_primary", "#0b5394", "Main colour of the theme, `#rrggbb`.", KT_COLOUR,
     STR(colour_primary), 0, 0, NULL, NULL},
    {"site", "colour_accent", "#b45f06", "Accent colour of the theme, `#rrggbb`.", KT_COLOUR,
     STR(colour_accent), 0, 0, NULL, NULL},
    {"paths", "content", "./content", "Directory of the content files (forms, signals, regions).",
     KT_PATH, STR(content_dir), 0, 0, NULL, NULL},
    {"paths", "templates", "./templates", "Directory of the HTML templates.", KT_PATH,
     STR(templates_dir), 0, 0, NULL, NULL},
    {"paths", "static", "./static", "Directory of static files (CSS, JS, images).", KT_PATH,
     STR(static_dir), 0, 0, NULL, NULL},
    {"paths", "locale", "./build/locale", "Directory of compiled translations (`.mo` files).",
     KT_PATH, STR(locale_dir), 0, 0, NULL, NULL},
    {"intake", "max_reports_per_minute", "30",
     "Reports accepted per source per minute, 0-10000; 0 = no limit."
     " Sources are held in memory only, never written.",
     KT_UINT, NUM(max_reports_per_minute), 0, CONFIG_MAX_REPORTS_PER_MINUTE, NULL, NULL},
    {"staff", "idle_timeout", "1800",
     "Seconds a staff session lives without a request, 60-14400 (30 minutes by default);"
     " then the next page asks to log in again.",
     KT_UINT, NUM(staff_idle_timeout), SESSION_IDLE_MIN_S, SESSION_IDLE_MAX_S, NULL, NULL},
    {"staff", "absolute_timeout", "43200",
     "Seconds a staff session lives at most since its login, 600-86400 (12 hours by"
     " default), however active.",
     KT_UINT, NUM(staff_absolute_timeout), SESSION_ABSOLUTE_MIN_S, SESSION_ABSOLUTE_MAX_S, NULL,
     NULL},
    {"figures", "public_min_cell", "5",
     "Threshold of the public figures, 1-100: counts from 1 to one below it are shown"
     " as `<N`.",
     KT_UINT, NUM(public_min_cell), 1, PUBLIC_MIN_CELL_MAX, NULL, NULL},
    {"store", "url", "",
     "The database: empty for the SQLite file `DIR/signaal.db`; `sqlite:PATH` for another"
     " SQLite file; or `postgresql://[user@]host[:port]/dbname[?...]` for PostgreSQL 15 or"
     " later, which several servers may share (a password is better kept in `~/.pgpass`"
     " than here).",
     KT_STORE, STR(store_url), 0, 0, NULL, NULL},
    {"log", "level", "info", "`debug`, `info`, `warn` or `error`.", KT_CHOICE, NUM(log_level), 0, 0,
     level_choices, set_level},
    {"log", "access", "on", "`on` or `off`: one log line per request (never the client address).",
     KT_BOOL, NUM(log_access), 0, 0, NULL, NULL},
};

#define NKEYS (sizeof keys / sizeof keys[0])

_Static_assert(CONFIG_MAX_THREADS == 64, "update the docs string of [server] threads");
_Static_assert(HTTP_THREADS_PER_CPU_REMOTE == 2 && STORE_PG_CONNS - 2 == 6,
               "update the docs string of [server] threads");
_Static_assert(HTTP_MAX_CONNECTIONS == 512 && HTTP_MAX_CONNECTIONS_PER_SOURCE == 32 &&
                   HTTP_HEADER_TIMEOUT_S == 10 && HTTP_BODY_TIMEOUT_S == 30,
               "update the defaults of [server] max_connections and the timeouts");
_Static_assert(CONFIG_MIN_CONNECTIONS == 16 && CONFIG_MAX_CONNECTIONS == 20000 &&
                   CONFIG_MAX_HTTP_TIMEOUT == 300,
               "update the docs of [server] max_connections and the timeouts");
_Static_assert(CONFIG_MAX_REPORTS_PER_MINUTE == 10000, "update the docs of max_reports");
_Static_assert(PUBLIC_MIN_CELL_MAX == 100, "update the docs of public_min_cell");
_Static_assert(PUBLIC_MIN_CELL_DEFAULT == 5, "update the default of public_min_cell");
_Static_assert(CONFIG_MAX_LINE == 190, "update the docs of the line length");

/* --- value parsers: 0, or -EINVAL with the reason in why ------------------ */

static bool is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int parse_port(const char *s, uint16_t *port, struct buf *why)
{
	uint64_t v;
	if (str_parse_u64(s, 1, 65535, &v)) {
		if (why)
			buf_puts(why, "port is not a whole number 1..65535");
		return -EINVAL;
	}
	*port = (uint16_t)v;
	return 0;
}

int config_parse_listen(const char *s, struct config_listen *out, struct buf *why)
{
	struct config_listen l = {0};
	const char *port;
	size_t hlen;
	if (!s || !*s) {
		if (why)
			buf_puts(why, "empty; expected HOST:PORT");
		return -EINVAL;
	}
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':') {
			if (why)
				buf_puts(why, "expected [IPv6]:PORT");
			return -EINVAL;
		}
		hlen = (size_t)(end - s - 1);
		port = end + 2;
		l.ipv6 = true;
		if (hlen == 0 || hlen > CONFIG_MAX_HOST)
			goto bad_host;
		memcpy(l.host, s + 1, hlen);
		unsigned char a[16];
		if (inet_pton(AF_INET6, l.host, a) != 1)
			goto bad_host;
	} else {
		const char *colon = strrchr(s, ':');
		if (!colon) {
			if (why)
				buf_puts(why, "expected HOST:PORT");
			return -EINVAL;
		}
		if (memchr(s, ':', (size_t)(colon - s))) {
			if (why)
				buf_puts(why, "an IPv6 address needs brackets, as in [::1]:8080");
			return -EINVAL;
		}
		hlen = (size_t)(colon - s);
		port = colon + 1;
		if (hlen == 0 || hlen > CONFIG_MAX_HOST)
			goto bad_host;
		memcpy(l.host, s, hlen);
		unsigned char a[4];
		if (strcmp(l.host, "localhost") != 0 && inet_pton(AF_INET, l.host, a) != 1)
			goto bad_host;
	}
	if (parse_port(port, &l.port, why))
		return -EINVAL;
	*out = l;
	return 0;
bad_host:
	if (why)
		buf_puts(why, "host is not an IPv4 address, [IPv6] address or localhost");
	return -EINVAL;
}

/* The family of a parsed listen host, and whether it is the wildcard. */
static int listen_family(const struct config_listen *l, bool *any)
{
	unsigned char a[16] = {0}, zero[16] = {0};
	if (l->ipv6) {
		*any = inet_pton(AF_INET6, l->host, a) == 1 && memcmp(a, zero, 16) == 0;
		return AF_INET6;
	}
	*any = strcmp(l->host, "0.0.0.0") == 0;
	return AF_INET;
}

/* [server] threads = 0: on SQLite one worker per online CPU but one (at
 * least one). Signaal always shares its machine with the TLS proxy in
 * front of it, whose work per request is larger than serving a kept page;
 * workers on every core fight it for the CPU and lengthen the latency tail
 * (seen in bench/http, where wrk plays that part). On PostgreSQL a worker
 * spends much of a staff request waiting for the database's answers with
 * its core idle (bench/staff: one worker on two cores served half the
 * inbox pages that four did), so HTTP_THREADS_PER_CPU_REMOTE per online
 * CPU, at most the store's connections but those of its two writer
 * threads (intake and audit), so that no worker waits for a connection. */
unsigned config_default_threads(long cpus, bool remote)
{
	long n = remote ? cpus * (long)HTTP_THREADS_PER_CPU_REMOTE : cpus - 1;
	long max = remote ? (long)STORE_PG_CONNS - 2 : (long)CONFIG_MAX_THREADS;
	return n < 1 ? 1 : n > max ? (unsigned)max : (unsigned)n;
}

bool config_listen_clash(const struct config_listen *a, const struct config_listen *b)
{
	if (a->port != b->port || a->port == 0)
		return false;
	bool any_a, any_b;
	int fa = listen_family(a, &any_a), fb = listen_family(b, &any_b);
	if (fa != fb)
		return false;
	const char *ha = strcmp(a->host, "localhost") == 0 ? "127.0.0.1" : a->host;
	const char *hb = strcmp(b->host, "localhost") == 0 ? "127.0.0.1" : b->host;
	if (any_a || any_b || strcmp(ha, hb) == 0)
		return true;
	if (fa == AF_INET6) { /* the same address written two ways */
		unsigned char x[16], y[16];
		return inet_pton(AF_INET6, ha, x) == 1 && inet_pton(AF_INET6, hb, y) == 1 &&
		       memcmp(x, y, 16) == 0;
	}
	return false;
}

static bool host_is_loopback(const char *host, size_t n)
{
	char h[CONFIG_MAX_HOST + 1];
	unsigned char a[16];
	if (n == 9 && strncmp(host, "localhost", 9) == 0)
		return true;
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		if (n - 2 > CONFIG_MAX_HOST)
			return false;
		memcpy(h, host + 1, n - 2);
		h[n - 2] = '\0';
		return inet_pton(AF_INET6, h, a) == 1 && strcmp(h, "::1") == 0;
	}
	if (n > CONFIG_MAX_HOST)
		return false;
	memcpy(h, host, n);
	h[n] = '\0';
	return inet_pton(AF_INET, h, a) == 1 && a[0] == 127;
}

/* A URL for a link: absolute, http(s), with a plain host. Characters that
 * could break out of an attribute are refused even though templates escape,
 * because the value is an operator's choice and should look like one. */
static int parse_url(const char *v, struct buf *why)
{
	const char *rest;
	bool https;
	size_t n = strlen(v);
	if (n > CONFIG_MAX_URL) {
		buf_printf(why, "longer than %u characters", CONFIG_MAX_URL);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c <= 0x20 || c >= 0x7f || strchr("\"'<>\\`{}|^", c)) {
			buf_puts(why,
			         "contains a space, quote or other character not allowed in a URL");
			return -EINVAL;
		}
	}
	if (str_starts(v, "https://")) {
		https = true;
		rest = v + 8;
	} else if (str_starts(v, "http://")) {
		https = false;
		rest = v + 7;
	} else {
		buf_puts(why, "not an https:// URL");
		return -EINVAL;
	}
	size_t alen = strcspn(rest, "/?#");
	if (alen == 0) {
		buf_puts(why, "URL has no host");
		return -EINVAL;
	}
	if (memchr(rest, '@', alen)) {
		buf_puts(why, "URL must not contain a user name (@)");
		return -EINVAL;
	}
	/* Split host and port; a bracketed IPv6 host may hold colons. */
	size_t hlen = alen;
	if (rest[0] == '[') {
		const char *end = memchr(rest, ']', alen);
		if (!end) {
			buf_puts(why, "URL host has '[' without ']'");
			return -EINVAL;
		}
		hlen = (size_t)(end - rest) + 1;
		char h[CONFIG_MAX_HOST + 1];
		unsigned char a[16];
		if (hlen - 2 > CONFIG_MAX_HOST) {
			buf_puts(why, "URL host is too long");
			return -EINVAL;
		}
		memcpy(h, rest + 1, hlen - 2);
		h[hlen - 2] = '\0';
		if (inet_pton(AF_INET6, h, a) != 1) {
			buf_puts(why, "URL host is not an IPv6 address");
			return -EINVAL;
		}
	} else {
		const char *colon = memchr(rest, ':', alen);
		if (colon)
			hlen = (size_t)(colon - rest);
		if (hlen == 0) {
			buf_puts(why, "URL has no host");
			return -EINVAL;
		}
		for (size_t i = 0; i < hlen; i++) {
			unsigned char c = (unsigned char)rest[i];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '.' || c == '-')) {
				buf_puts(why,
				         "URL host may hold only letters, digits, '.' and '-'");
				return -EINVAL;
			}
		}
	}
	if (hlen < alen) {
		char port[8];
		size_t plen = alen - hlen - 1;
		uint16_t p;
		if (rest[hlen] != ':' || plen == 0 || plen >= sizeof port) {
			buf_puts(why, "URL port is not a whole number 1..65535");
			return -EINVAL;
		}
		memcpy(port, rest + hlen + 1, plen);
		port[plen] = '\0';
		if (parse_port(port, &p, NULL)) {
			buf_puts(why, "URL port is not a whole number 1..65535");
			return -EINVAL;
		}
	}
	if (!https && !host_is_loopback(rest, hlen)) {
		buf_puts(why, "not an https:// URL (http:// is allowed only for a loopback host)");
		return -EINVAL;
	}
	return 0;
}

static int parse_value(const struct key_def *k, const char *v, struct config *c, struct buf *why)
{
	char *base = (char *)c;
	size_t n = strlen(v);
	switch (k->type) {
	case KT_LISTEN:
		return config_parse_listen(v, (struct config_listen *)(base + k->off), why);
	case KT_LISTEN_OPT:
		if (!*v) {
			memset(base + k->off, 0, sizeof(struct config_listen));
			return 0;
		}
		return config_parse_listen(v, (struct config_listen *)(base + k->off), why);
	case KT_UINT: {
		uint64_t u;
		if (str_parse_u64(v, k->min, k->max, &u)) {
			buf_printf(why, "not a whole number %u..%u", k->min, k->max);
			return -EINVAL;
		}
		*(unsigned *)(base + k->off) = (unsigned)u;
		return 0;
	}
	case KT_CHOICE:
		for (unsigned i = 0; k->choices[i]; i++) {
			if (strcmp(v, k->choices[i]) == 0) {
				k->set_choice(c, i);
				return 0;
			}
		}
		buf_puts(why, "not one of");
		for (unsigned i = 0; k->choices[i]; i++)
			buf_printf(why, "%s %s", i ? "," : "", k->choices[i]);
		return -EINVAL;
	case KT_BOOL: {
		static const char *const yes[] = {"on", "yes", "true"};
		static const char *const no[] = {"off", "no", "false"};
		for (size_t i = 0; i < 3; i++) {
			if (strcmp(v, yes[i]) == 0 || strcmp(v, no[i]) == 0) {
				*(bool *)(base + k->off) = strcmp(v, yes[i]) == 0;
				return 0;
			}
		}
		buf_puts(why, "not on or off");
		return -EINVAL;
	}
	case KT_ID:
		if (!str_is_id(v, k->size - 1)) {
			buf_printf(why, "not an id (1-%zu characters of a-z 0-9 _ -)", k->size - 1);
			return -EINVAL;
		}
		break;
	case KT_TEXT:
		if (n >= k->size || !str_text_valid(v, n, false)) {
			buf_printf(why, "not one line of UTF-8 text of at most %zu bytes",
			           k->size - 1);
			return -EINVAL;
		}
		break;
	case KT_COLOUR:
		if (n != 7 || v[0] != '#' || !is_hex((unsigned char)v[1]) ||
		    !is_hex((unsigned char)v[2]) || !is_hex((unsigned char)v[3]) ||
		    !is_hex((unsigned char)v[4]) || !is_hex((unsigned char)v[5]) ||
		    !is_hex((unsigned char)v[6])) {
			buf_puts(why, "not a colour #rrggbb");
			return -EINVAL;
		}
		for (size_t i = 0; i < 8; i++) {
			char ch = v[i];
			base[k->off + i] = (ch >= 'A' && ch <= 'F') ? (char)(ch - 'A' + 'a') : ch;
		}
		return 0;
	case KT_URL:
		if (parse_url(v, why))
			return -EINVAL;
		break;
	case KT_ADDRESS: {
		unsigned char a[sizeof(struct in6_addr)];
		if (n && inet_pton(AF_INET, v, a) != 1 && inet_pton(AF_INET6, v, a) != 1) {
			buf_puts(why, "not a numeric IPv4 or IPv6 address (or empty)");
			return -EINVAL;
		}
		if (n >= k->size) {
			buf_printf(why, "longer than %zu bytes", k->size - 1);
			return -EINVAL;
		}
		break;
	}
	case KT_STORE:
		if (n && strncmp(v, "sqlite:", 7) != 0 && strncmp(v, "postgresql://", 13) != 0 &&
		    strncmp(v, "postgres://", 11) != 0) {
			buf_puts(why, "not empty, sqlite:PATH or postgresql://...");
			return -EINVAL;
		}
		if (n >= k->size || !str_text_valid(v, n, false)) {
			buf_printf(why, "not one line of at most %zu bytes", k->size - 1);
			return -EINVAL;
		}
		if (n == 7 && strncmp(v, "sqlite:", 7) == 0) {
			buf_puts(why, "sqlite: without a path");
			return -EINVAL;
		}
		break;
	case KT_PATH:
		if (n == 0) {
			buf_puts(why, "empty; a path is required");
			return -EINVAL;
		}
		if (n >= k->size || !str_text_valid(v, n, false)) {
			buf_printf(why,
			           "not a path of at most %zu bytes without control characters",
			           k->size - 1);
			return -EINVAL;
		}
		break;
	default:
		return -EINVAL;
	}
	/* The string types that fell through fit their field (checked above). */
	memcpy(base + k->off, v, n + 1);
	return 0;
}

int config_defaults(struct config *c)
{
	struct buf why = BUF_INIT;
	int rc = 0;
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < NKEYS && !rc; i++)
		rc = parse_value(&keys[i], keys[i].def, c, &why);
	buf_free(&why);
	return rc;
}

/* --- loading -------------------------------------------------------------- */

struct load_ctx {
	struct config *c;
	struct buf msg; /* the first error, without "FILE:LINE: " */
	bool failed;
	bool seen[NKEYS];
};

/* A [hosts] line: "host.name = org" (a DNS name without port; compared
 * case-insensitively, kept in lower case). */
static int on_host(struct load_ctx *l, const char *name, const char *value)
{
	char q[80];
	size_t n = strlen(name);
	bool ok = n > 0 && n <= CONFIG_MAX_HOSTNAME && name[0] != '.' && name[0] != '-';
	for (size_t i = 0; ok && i < n; i++) {
		unsigned char ch = (unsigned char)name[i];
		ok = isalnum(ch) || ch == '.' || ch == '-';
	}
	if (!ok)
		buf_printf(&l->msg,
		           "[hosts] %s: not a host name (1-%u characters of a-z 0-9 . -, "
		           "without a port)",
		           log_quote(name, q, sizeof q), CONFIG_MAX_HOSTNAME);
	else if (!str_is_id(value, ID_MAX_LEN))
		buf_printf(&l->msg,
		           "[hosts] %s: not an organisation id (1-%u characters of a-z 0-9 _ -)",
		           name, ID_MAX_LEN);
	for (size_t i = 0; ok && i < l->c->nhosts; i++)
		if (strcasecmp(l->c->hosts[i].name, name) == 0) {
			buf_printf(&l->msg, "[hosts] %s: given twice", name);
			ok = false;
		}
	if (ok && l->c->nhosts == CONFIG_MAX_HOSTS) {
		buf_printf(&l->msg, "[hosts] %s: more than %u host names", name, CONFIG_MAX_HOSTS);
		ok = false;
	}
	if (!ok || l->msg.len) {
		l->failed = true;
		return 0;
	}
	struct config_host *h = &l->c->hosts[l->c->nhosts++];
	for (size_t i = 0; i <= n; i++)
		h->name[i] = (char)tolower((unsigned char)name[i]);
	snprintf(h->org, sizeof h->org, "%s", value);
	return 1;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *l = user;
	/* inih goes on after an error; only the first is reported, and it is
	 * the one whose line inih returns. */
	if (l->failed)
		return 0;
	if (strcmp(section, "hosts") == 0)
		return on_host(l, name, value);
	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(section, keys[i].section) || strcmp(name, keys[i].name))
			continue;
		if (l->seen[i]) {
			buf_printf(&l->msg, "[%s] %s: given twice", section, name);
			l->failed = true;
			return 0;
		}
		l->seen[i] = true;
		struct buf why = BUF_INIT;
		if (parse_value(&keys[i], value, l->c, &why)) {
			buf_printf(&l->msg, "[%s] %s: %s", section, name, buf_str(&why));
			l->failed = true;
		} else if (keys[i].type == KT_LISTEN || keys[i].type == KT_LISTEN_OPT) {
			/* Checked at whichever of the two comes last; the other
			 * one holds its default or its value. */
			if (config_listen_clash(&l->c->listen, &l->c->staff_listen)) {
				buf_printf(&l->msg,
				           "[%s] %s: the same address and port as [%s] listen; the"
				           " staff listener needs one of its own",
				           section, name,
				           strcmp(section, "staff") == 0 ? "server" : "staff");
				l->failed = true;
			}
		}
		buf_free(&why);
		return l->failed ? 0 : 1;
	}
	char q[80];
	buf_printf(&l->msg, "[%s] %s: unknown key", section, log_quote(name, q, sizeof q));
	l->failed = true;
	return 0;
}

static bool section_known(const char *s, size_t n)
{
	if (n == 5 && strncmp(s, "hosts", 5) == 0)
		return true;
	for (size_t i = 0; i < NKEYS; i++)
		if (strlen(keys[i].section) == n && strncmp(keys[i].section, s, n) == 0)
			return true;
	return false;
}

/* Checks the lines inih would accept and we would not, and removes leading
 * blanks: an indented line is then an ordinary line, never inih's
 * continuation of the previous value. Reports the first problem with its
 * line number in *line. */
static int prescan(char *text, size_t len, int *line, struct buf *why)
{
	char *out = text;
	const char *p = text, *end = text + len;
	bool in_section = false;
	*line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		(*line)++;
		if ((size_t)(le - p) > CONFIG_MAX_LINE) {
			buf_printf(why, "line longer than %u bytes", CONFIG_MAX_LINE);
			return -EINVAL;
		}
		if (memchr(p, '\0', (size_t)(le - p))) {
			buf_puts(why, "NUL byte in the file");
			return -EINVAL;
		}
		while (p < le && (*p == ' ' || *p == '\t'))
			p++;
		const char *e = le;
		while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (p == e || *p == ';' || *p == '#') {
			/* blank or comment */
		} else if (*p == '[') {
			const char *close = memchr(p, ']', (size_t)(e - p));
			if (!close) {
				buf_puts(why, "section header without ']'");
				return -EINVAL;
			}
			if (!section_known(p + 1, (size_t)(close - p - 1))) {
				char name[CONFIG_MAX_LINE + 1], q[80];
				memcpy(name, p + 1, (size_t)(close - p - 1));
				name[close - p - 1] = '\0';
				buf_printf(why, "unknown section [%s]",
				           log_quote(name, q, sizeof q));
				return -EINVAL;
			}
			in_section = true;
		} else if (!memchr(p, '=', (size_t)(e - p)) && !memchr(p, ':', (size_t)(e - p))) {
			buf_puts(why, "expected 'key = value' or '[section]'");
			return -EINVAL;
		} else if (!in_section) {
			buf_puts(why, "key before the first [section]");
			return -EINVAL;
		}
		size_t n = (size_t)(le - p);
		memmove(out, p, n);
		out += n;
		if (nl)
			*out++ = '\n';
		p = nl ? nl + 1 : end;
	}
	*out = '\0';
	return 0;
}

static int read_file(const char *path, char **out, size_t *len, struct buf *err)
{
	int rc = file_read(AT_FDCWD, path, 0, CONFIG_MAX_FILE_BYTES, out, len);
	if (rc < 0)
		buf_printf(err, "%s: cannot open: %s", path, strerror(-rc));
	else if (rc > 0)
		buf_printf(err, "%s: not a regular file of at most %u bytes", path,
		           CONFIG_MAX_FILE_BYTES);
	return rc > 0 ? -EFBIG : rc;
}

int config_load(const char *path, struct config *c, struct buf *err)
{
	struct buf dummy = BUF_INIT;
	struct load_ctx l = {.c = c};
	char *text = NULL;
	size_t len = 0;
	int line, rc;
	if (!err)
		err = &dummy;
	config_defaults(c);
	rc = read_file(path, &text, &len, err);
	if (rc)
		goto out;
	struct buf why = BUF_INIT;
	if (prescan(text, len, &line, &why)) {
		buf_printf(err, "%s:%d: %s", path, line, buf_str(&why));
		buf_free(&why);
		rc = CONFIG_INVALID;
		goto out;
	}
	line = ini_parse_string(text, on_key, &l);
	if (line < 0) {
		rc = -ENOMEM;
		buf_printf(err, "%s: out of memory", path);
	} else if (line > 0 || l.failed) {
		rc = CONFIG_INVALID;
		buf_printf(err, "%s:%d: %s", path, line,
		           l.failed ? buf_str(&l.msg) : "expected 'key = value' or '[section]'");
	}
out:
	if (rc)
		config_defaults(c);
	free(text);
	buf_free(&l.msg);
	buf_free(&dummy);
	return rc;
}

/* --- documentation -------------------------------------------------------- */

int config_doc(struct buf *out)
{
	int rc =
	    buf_puts(out, "# Configuration: `signaal.ini`\n"
	                  "\n"
	                  "Generated from the key table in `src/app/config.c`; a unit test "
	                  "fails when this file\n"
	                  "and the table differ (regenerate with `test_config --write-docs`).\n"
	                  "\n"
	                  "Every subcommand reads `--config FILE`, by default `DIR/signaal.ini` "
	                  "when it exists\n"
	                  "(`DIR` is `--data`, default `./var`). A key that is not set keeps "
	                  "its default.\n"
	                  "An unknown section or key, a key given twice, or a bad value stops "
	                  "the program\n"
	                  "with `FILE:LINE: [section] key: reason`.\n"
	                  "\n"
	                  "Syntax: `[section]` headers and `key = value` lines; lines starting "
	                  "with `;` or `#`\n"
	                  "are comments, and ` ;` after a value starts a comment too. Values "
	                  "are not quoted.\n"
	                  "Lines are at most 190 bytes.\n");
	const char *section = "";
	for (size_t i = 0; i < NKEYS && !rc; i++) {
		const struct key_def *k = &keys[i];
		if (strcmp(section, k->section)) {
			section = k->section;
			rc = buf_printf(out,
			                "\n## [%s]\n\n| key | default | meaning |\n|---|---|---|\n",
			                section);
		}
		if (!rc)
			rc =
			    buf_printf(out, "| `%s` | %s%s%s | %s |\n", k->name, *k->def ? "`" : "",
			               *k->def ? k->def : "(empty)", *k->def ? "`" : "", k->doc);
	}
	if (!rc)
		rc = buf_printf(out,
		                "\n## [hosts]\n\n"
		                "One server can serve several organisations of the same data "
		                "directory (`signaal org add`).\n"
		                "Each line maps a host name to the organisation served on it: "
		                "`meldpunt.example.nl = velsen`.\n"
		                "The Host header is compared without its port and without regard "
		                "to case; a request\n"
		                "for any other name gets `[site] org`. Every organisation named "
		                "must be in the database.\n"
		                "At most %u names.\n",
		                CONFIG_MAX_HOSTS);
	if (!rc)
		rc = buf_puts(out, "\n## Example\n\n```ini\n");
	section = "";
	for (size_t i = 0; i < NKEYS && !rc; i++) {
		const struct key_def *k = &keys[i];
		if (strcmp(section, k->section)) {
			rc = buf_printf(out, "%s[%s]\n", *section ? "\n" : "", k->section);
			section = k->section;
		}
		if (!rc)
			rc = buf_printf(out, "%s =%s%s\n", k->name, *k->def ? " " : "", k->def);
	}
	if (!rc)
		rc = buf_puts(out, "```\n");
	return rc;
}
