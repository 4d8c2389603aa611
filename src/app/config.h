/* config: signaal.ini, read with inih into a struct of typed values.
 *
 * Owns: the list of keys with their defaults, limits and meaning (one table
 * in config.c, which also writes docs/CONFIG.md), and the parsing and
 * validation of every value. Anything unknown or out of range is an error
 * naming file, line, section and key; nothing is silently ignored.
 *
 * A struct config holds no pointers: copy it freely, nothing to free. */
#ifndef SIGNAAL_APP_CONFIG_H
#define SIGNAAL_APP_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "limits.h"
#include "util/buf.h"
#include "util/log.h"

enum {
	CONFIG_INVALID = 1, /* the file breaks a rule; err says where and why */
};

enum config_cookies {
	CONFIG_COOKIES_AUTO, /* Secure when the trusted proxy says https */
	CONFIG_COOKIES_ON,
	CONFIG_COOKIES_OFF,
};

struct config_listen {
	char host[CONFIG_MAX_HOST + 1]; /* without brackets: "127.0.0.1", "::1", "localhost" */
	uint16_t port;                  /* 1..65535 */
	bool ipv6;                      /* host is an IPv6 address */
};

/* A [hosts] line. */
struct config_host {
	char name[CONFIG_MAX_HOSTNAME + 1]; /* lower case, without port */
	char org[ID_MAX_LEN + 1];
};

struct config {
	/* [server] */
	struct config_listen listen;
	unsigned threads;
	char trusted_proxy[CONFIG_MAX_HOST + 1]; /* numeric address, or "" */
	enum config_cookies secure_cookies;
	unsigned max_connections;
	unsigned max_connections_per_source; /* 0 = no limit */
	unsigned header_timeout;             /* seconds */
	unsigned body_timeout;               /* seconds */
	/* [staff] */
	/* The staff listener; port 0 (the default, an empty value) means none:
	 * everything is served on [server] listen. */
	struct config_listen staff_listen;
	/* [site] */
	char org[ID_MAX_LEN + 1];
	char quick_exit_url[CONFIG_MAX_URL + 1];
	char site_name[NAME_MAX_LEN + 1]; /* "" means the organisation's name */
	char colour_primary[8];           /* "#rrggbb", lower case */
	char colour_accent[8];
	/* [hosts] */
	struct config_host hosts[CONFIG_MAX_HOSTS];
	size_t nhosts;
	/* [paths] */
	char content_dir[CONFIG_MAX_PATH + 1];
	char templates_dir[CONFIG_MAX_PATH + 1];
	char static_dir[CONFIG_MAX_PATH + 1];
	char locale_dir[CONFIG_MAX_PATH + 1];
	/* [intake] */
	unsigned max_reports_per_minute; /* per source; 0 = no limit */
	unsigned staff_idle_timeout;     /* [staff] seconds, SESSION_IDLE_MIN_S.. */
	unsigned staff_absolute_timeout; /* [staff] seconds, SESSION_ABSOLUTE_MIN_S.. */
	/* [figures] */
	unsigned public_min_cell;
	/* [store] */
	char store_url[CONFIG_MAX_STORE_URL + 1]; /* "" means DIR/signaal.db */
	/* [log] */
	enum log_level log_level;
	bool log_access;
};

/* Fills c with the documented defaults. Returns 0 (the defaults pass the
 * same validation as the file; -EINVAL would mean a bug in the table). */
int config_defaults(struct config *c);
/* Starts from the defaults and applies path. Returns 0, CONFIG_INVALID with
 * err = "FILE:LINE: [section] key: reason", or negative errno when the file
 * cannot be read (err says so). On failure c holds the defaults. */
int config_load(const char *path, struct config *c, struct buf *err);
/* Parses HOST:PORT as [server] listen does (also for serve --listen):
 * IPv4, [IPv6] or localhost, port 1..65535. 0 or -EINVAL; why (may be
 * NULL) gets the reason. */
int config_parse_listen(const char *s, struct config_listen *out, struct buf *why);
/* The worker threads of [server] threads = 0 on a machine with cpus
 * online CPUs; remote: the store is PostgreSQL (store_remote()). */
unsigned config_default_threads(long cpus, bool remote);
/* True when the two listen addresses cannot both be bound: the same port
 * on the same address ("localhost" is 127.0.0.1) or on a wildcard address
 * (0.0.0.0, [::]) of the same family. */
bool config_listen_clash(const struct config_listen *a, const struct config_listen *b);
/* Appends docs/CONFIG.md as generated from the key table. */
int config_doc(struct buf *out);

#endif
