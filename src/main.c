/* main: the command line of Signaal (docs/CONTRACT.md, "The binary").
 *
 * Exit status: 0 success, 1 a user error (a message on stderr naming the
 * file, line and field where there is one), 2 bad usage. */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/config.h"
#include "app/setup.h"
#include "cli/cli.h"
#include "content/content.h"
#include "http/server.h"
#include "pages/page.h"
#include "pages/policy.h"
#include "routes.h"
#include "site/site.h"
#include "store/store.h"
#include "util/log.h"
#include "util/str.h"

#define EXIT_USER  1
#define EXIT_USAGE 2

static const char usage_text[] =
    "usage: signaal [--data DIR] [--config FILE] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  serve [--listen HOST:PORT] [--staff-listen HOST:PORT]\n"
    "                                 run the server (default 127.0.0.1:8080);\n"
    "                                 staff paths only on --staff-listen if given\n"
    "  init [--org ID] [--name NAME] [--region REGION] [--demo]\n"
    "                                 create the data directory, database, key\n"
    "                                 file and first organisation\n"
    "  org add --org ID [--name NAME] [--region REGION]\n"
    "                                 add an organisation to the data directory\n"
    "  org list                       list the organisations\n"
    "  import reports --org ID FILE.csv\n"
    "                                 import historical reports; all or nothing\n"
    "  export reports --org ID [--year Y] [--format csv|json|excel]\n"
    "                                 export reports (no free text, no personal data)\n"
    "  backup FILE                    consistent copy of the database while servers\n"
    "                                 run (the key file is not in it)\n"
    "  restore FILE [--force]         replace the database by a backup (same key;\n"
    "                                 --force to replace existing reports)\n"
    "  audit verify                   check the audit log's chain; names the first\n"
    "                                 bad entry\n"
    "  audit list [--since DATE] [--actor LOGIN] [--action A]\n"
    "                                 the audit log's entries, oldest first\n"
    "  user add --org ID --role ROLE[,ROLE] [--af] LOGIN\n"
    "                                 add a staff account (password from the\n"
    "                                 terminal, or the first line of stdin)\n"
    "  user list [--org ID] | user disable|enable|reset-2fa LOGIN\n"
    "  token create LOGIN [--days N] | token list [LOGIN] | token revoke ID\n"
    "                                 API tokens (printed once)\n"
    "\n"
    "options:\n"
    "  --data DIR      data directory (default ./var)\n"
    "  --config FILE   configuration (default DIR/signaal.ini if present)\n";

static int usage(const char *problem)
{
	if (problem)
		fprintf(stderr, "signaal: %s\n\n", problem);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

struct cli {
	const char *data_dir;
	const char *config_path;
	const char *command;
	/* command options */
	const char *listen;
	const char *staff_listen; /* serve --staff-listen */
	const char *org;
	const char *name;
	const char *region;
	const char *year;
	const char *format;
	bool personal;
	bool force;
	bool demo; /* init --demo */
	const char *since;
	const char *actor;
	const char *action;
	bool af;
	const char *role;
	const char *days;
	int nrest;
	char **rest;
};

/* Parses global and command options in any order. Returns 0 or EXIT_USAGE. */
static int parse_args(int argc, char **argv, struct cli *cli)
{
	static const struct {
		const char *flag;
		size_t off;
	} opts[] = {
	    {"--data", offsetof(struct cli, data_dir)},
	    {"--config", offsetof(struct cli, config_path)},
	    {"--listen", offsetof(struct cli, listen)},
	    {"--staff-listen", offsetof(struct cli, staff_listen)},
	    {"--org", offsetof(struct cli, org)},
	    {"--name", offsetof(struct cli, name)},
	    {"--region", offsetof(struct cli, region)},
	    {"--year", offsetof(struct cli, year)},
	    {"--format", offsetof(struct cli, format)},
	    {"--since", offsetof(struct cli, since)},
	    {"--actor", offsetof(struct cli, actor)},
	    {"--action", offsetof(struct cli, action)},
	    {"--role", offsetof(struct cli, role)},
	    {"--days", offsetof(struct cli, days)},
	};
	cli->data_dir = "./var";
	cli->rest = calloc((size_t)argc, sizeof *cli->rest);
	if (!cli->rest)
		return EXIT_USER;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_text, stdout);
			exit(0);
		}
		bool matched = false;
		for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++) {
			if (strcmp(a, opts[k].flag) != 0)
				continue;
			if (i + 1 >= argc) {
				fprintf(stderr, "signaal: %s needs a value\n", a);
				return EXIT_USAGE;
			}
			*(const char **)((char *)cli + opts[k].off) = argv[++i];
			matched = true;
		}
		if (matched)
			continue;
		if (strcmp(a, "--personal") == 0) {
			cli->personal = true;
			continue;
		}
		if (strcmp(a, "--demo") == 0) {
			cli->demo = true;
			continue;
		}
		if (strcmp(a, "--force") == 0) {
			cli->force = true;
			continue;
		}
		if (strcmp(a, "--af") == 0) {
			cli->af = true;
			continue;
		}
		if (a[0] == '-' && a[1] == '-') {
			fprintf(stderr, "signaal: unknown option %s\n", a);
			return EXIT_USAGE;
		}
		if (!cli->command)
			cli->command = a;
		else
			cli->rest[cli->nrest++] = argv[i];
	}
	return 0;
}

/* Loads defaults, then the configuration file: --config, or DIR/signaal.ini
 * when it exists. */
static int load_config(const struct cli *cli, struct config *cfg)
{
	config_defaults(cfg);
	char path[4096];
	const char *p = cli->config_path;
	if (!p) {
		snprintf(path, sizeof path, "%s/signaal.ini", cli->data_dir);
		struct stat sb;
		if (stat(path, &sb) != 0)
			return 0;
		p = path;
	}
	struct buf err = BUF_INIT;
	int rc = config_load(p, cfg, &err);
	if (rc)
		fprintf(stderr, "signaal: %s\n",
		        err.len ? buf_str(&err) : strerror(rc < 0 ? -rc : rc));
	buf_free(&err);
	return rc ? EXIT_USER : 0;
}

/* serve's --listen and --staff-listen: HOST:PORT as in signaal.ini, or
 * HOST:0 for a free port (tests, benchmarks), into *out. 0 or EXIT_USAGE. */
static int listen_option(const char *flag, const char *v, struct config_listen *out, bool *any_port)
{
	char tmp[CONFIG_MAX_HOST + 16];
	bool any = str_ends(v, ":0") && strlen(v) < sizeof tmp;
	snprintf(tmp, sizeof tmp, "%s", v);
	if (any)
		tmp[strlen(tmp) - 1] = '1';
	struct buf why = BUF_INIT;
	int rc = config_parse_listen(tmp, out, &why);
	if (rc) {
		fprintf(stderr, "signaal: %s: %s\n", flag, buf_str(&why));
		buf_free(&why);
		return EXIT_USAGE;
	}
	if (any)
		out->port = 0;
	*any_port = any;
	return 0;
}

static int cmd_serve(const struct cli *cli, struct config *cfg)
{
	if (cli->nrest)
		return usage("serve takes no arguments");
	bool staff_any = false, any = false;
	if (cli->listen && listen_option("--listen", cli->listen, &cfg->listen, &any))
		return EXIT_USAGE;
	if (cli->staff_listen &&
	    listen_option("--staff-listen", cli->staff_listen, &cfg->staff_listen, &staff_any))
		return EXIT_USAGE;
	bool staff = cfg->staff_listen.port != 0 || staff_any;
	if (staff && config_listen_clash(&cfg->listen, &cfg->staff_listen)) {
		fprintf(stderr, "signaal: the staff listener ([staff] listen) needs an address and "
		                "port of its own, not the same as [server] listen\n");
		return EXIT_USER;
	}
	/* Every thread inherits this mask, so only sigwait() sees them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct buf err = BUF_INIT;
	struct site *site = NULL;
	int rc = site_open(cfg, cli->data_dir, &site, &err);
	if (rc) {
		fprintf(stderr, "signaal: %s\n",
		        err.len ? buf_str(&err) : strerror(rc < 0 ? -rc : rc));
		buf_free(&err);
		return EXIT_USER;
	}
	struct server_opts so = {
	    .host = cfg->listen.host,
	    .port = cfg->listen.port,
	    .staff_host = staff ? cfg->staff_listen.host : NULL,
	    .staff_port = cfg->staff_listen.port,
	    .threads = cfg->threads ? cfg->threads
	                            : config_default_threads(sysconf(_SC_NPROCESSORS_ONLN),
	                                                     store_remote(site->store)),
	    .max_connections = cfg->max_connections,
	    .max_per_source = cfg->max_connections_per_source,
	    .header_timeout_s = cfg->header_timeout,
	    .body_timeout_s = cfg->body_timeout,
	    .access_log = cfg->log_access,
	    .secure = cfg->secure_cookies == CONFIG_COOKIES_ON,
	    .secure_auto = cfg->secure_cookies == CONFIG_COOKIES_AUTO,
	    .trusted_proxy = cfg->trusted_proxy,
	    .routes = site_routes,
	    .nroutes = site_nroutes,
	    .site = site,
	    .org_for = site_org_for_request,
	    .org_key = site_org_key,
	    .error_page = page_error,
	    .authorize = policy_authorize,
	    .policy_public = policy_is_public,
	    .csrf_ok = policy_csrf_ok,
	};
	struct server *srv = NULL;
	rc = server_start(&so, &srv, &err);
	if (rc) {
		fprintf(stderr, "signaal: %s\n", buf_str(&err));
		buf_free(&err);
		site_close(site);
		return EXIT_USER;
	}
	bool v6 = cfg->listen.ipv6;
	printf("listening on http://%s%s%s:%u\n", v6 ? "[" : "", cfg->listen.host, v6 ? "]" : "",
	       (unsigned)server_port(srv));
	if (staff) {
		bool sv6 = cfg->staff_listen.ipv6;
		printf("staff listening on http://%s%s%s:%u\n", sv6 ? "[" : "",
		       cfg->staff_listen.host, sv6 ? "]" : "", (unsigned)server_staff_port(srv));
	}
	fflush(stdout);
	log_info("signaal serving %zu organisation(s), by default %s", site->norgs,
	         site->default_org->id);
	int sig = server_wait_signal();
	log_info("signal %d: draining requests in flight", sig);
	server_stop(srv);
	site_close(site);
	log_info("stopped");
	return 0;
}

/* The organisation of init and org add: a profile from content/orgs/ and
 * the options (which win). On success so points into the profile, cli and
 * districts (which must hold ORG_PROFILE_DISTRICTS). */
#define ORG_PROFILE_DISTRICTS 64
static int resolve_org(const struct cli *cli, const struct config *cfg,
                       const struct content *content, const char *org, struct setup_org *so,
                       const char **districts)
{
	if (!str_is_id(org, ID_MAX_LEN)) {
		fprintf(stderr,
		        "signaal: --org: \"%s\" is not an id (a-z, 0-9, - and _, at most %u)\n",
		        org, ID_MAX_LEN);
		return EXIT_USAGE;
	}
	const json_t *profile = content_org_profile(content, org);
	const char *name = cli->name;
	const char *region = cli->region;
	size_t nd = 0;
	if (profile) {
		if (!name)
			name = json_string_value(json_object_get(profile, "name"));
		if (!region)
			region = json_string_value(json_object_get(profile, "region"));
		size_t i;
		json_t *d;
		json_array_foreach(json_object_get(profile, "districts"), i, d)
		{
			if (nd < ORG_PROFILE_DISTRICTS)
				districts[nd++] = json_string_value(d);
		}
	}
	if (!name || !region) {
		fprintf(stderr,
		        "signaal: organisation \"%s\" has no profile in %s/orgs; give --name and "
		        "--region\n",
		        org, cfg->content_dir);
		return EXIT_USER;
	}
	if (!content_region(content, "nl", region)) {
		fprintf(stderr, "signaal: --region: \"%s\" is not a region in %s/regions\n", region,
		        cfg->content_dir);
		return EXIT_USER;
	}
	*so = (struct setup_org){org, name, region, districts, nd};
	return 0;
}

/* init, and org add (which needs the data directory init made). */
static int create_org(const struct cli *cli, struct config *cfg, bool first)
{
	const char *org = cli->org ? cli->org : cfg->org;
	struct buf err = BUF_INIT;
	struct content *content = NULL;
	int rc = content_load(cfg->content_dir, &content, &err);
	if (rc) {
		fprintf(stderr, "signaal: %s\n", buf_str(&err));
		buf_free(&err);
		return EXIT_USER;
	}
	const char *districts[ORG_PROFILE_DISTRICTS];
	struct setup_org so;
	rc = resolve_org(cli, cfg, content, org, &so, districts);
	if (rc)
		goto out;
	rc = EXIT_USER;
	char key[4096];
	struct stat sb;
	snprintf(key, sizeof key, "%s/%s", cli->data_dir, SETUP_KEY_FILE);
	if (!first && stat(key, &sb) != 0) {
		fprintf(stderr,
		        "signaal: %s: no data directory here; run signaal init --data %s first\n",
		        cli->data_dir, cli->data_dir);
		goto out;
	}
	/* init is idempotent for the directory, key and database: org add
	 * reuses it, and an organisation that exists is refused. */
	char actor[AUDIT_ACTOR_MAX_LEN + 1];
	cli_audit_actor(actor);
	int sr = setup_init_as(cli->data_dir, cfg->store_url, &so, actor, !first, &err);
	if (sr == STORE_CONFLICT && !first) {
		fprintf(stderr, "signaal: organisation \"%s\" exists already\n", org);
		goto out;
	}
	if (sr != 0) {
		fprintf(stderr, "signaal: %s\n", buf_str(&err));
		goto out;
	}
	if (first) {
		printf("data directory %s ready: organisation %s (%s), region %s, %zu districts\n",
		       cli->data_dir, org, so.name, so.region, so.ndistricts);
		if (cli->demo && cli_demo(cli->data_dir, cfg, content, org) != 0)
			goto out;
	} else
		printf("organisation %s (%s) added, region %s, %zu districts\n", org, so.name,
		       so.region, so.ndistricts);
	if (first && cli->demo && cli_demo_login(cli->data_dir, cfg, org) != 0)
		goto out;
	rc = 0;
out:
	buf_free(&err);
	content_free(content);
	return rc;
}

static int cmd_init(const struct cli *cli, struct config *cfg)
{
	if (cli->nrest)
		return usage("init takes no arguments besides its options");
	return create_org(cli, cfg, true);
}

/* org list: one line per organisation, "ID<TAB>NAME<TAB>REGION". */
static int org_list(const struct cli *cli, const struct config *cfg)
{
	char path[4096];
	struct stat sb;
	snprintf(path, sizeof path, "%s/%s", cli->data_dir, SETUP_DB_FILE);
	if (!cfg->store_url[0] && stat(path, &sb) != 0) {
		fprintf(stderr, "signaal: %s: no database here; run signaal init --data %s first\n",
		        cli->data_dir, cli->data_dir);
		return EXIT_USER;
	}
	struct buf err = BUF_INIT;
	struct store *st = NULL;
	struct store_org *list = NULL;
	size_t n = 0;
	int rc = store_open(cfg->store_url[0] ? cfg->store_url : path, 0, &st, &err);
	if (rc == 0)
		rc = store_org_list(st, &list, &n);
	if (rc) {
		fprintf(stderr, "signaal: %s\n", err.len ? buf_str(&err) : store_strerror(rc));
		rc = EXIT_USER;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s\t%s\n", list[i].id, list[i].name, list[i].region);
	free(list);
	store_close(st);
	buf_free(&err);
	return rc;
}

static int cmd_org(const struct cli *cli, struct config *cfg)
{
	if (cli->nrest == 1 && strcmp(cli->rest[0], "add") == 0) {
		if (!cli->org)
			return usage("org add needs --org ID");
		return create_org(cli, cfg, false);
	}
	if (cli->nrest == 1 && strcmp(cli->rest[0], "list") == 0)
		return org_list(cli, cfg);
	return usage("org takes add or list");
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "signaal: libsodium cannot start\n");
		return EXIT_USER;
	}
	struct cli cli = {0};
	int rc = parse_args(argc, argv, &cli);
	if (rc)
		goto out;
	if (!cli.command) {
		rc = usage("no command given");
		goto out;
	}
	struct config cfg;
	rc = load_config(&cli, &cfg);
	if (rc)
		goto out;
	log_set_level(cfg.log_level);
	if (strcmp(cli.command, "serve") == 0)
		rc = cmd_serve(&cli, &cfg);
	else if (strcmp(cli.command, "init") == 0)
		rc = cmd_init(&cli, &cfg);
	else if (strcmp(cli.command, "org") == 0)
		rc = cmd_org(&cli, &cfg);
	else if (strcmp(cli.command, "import") == 0 || strcmp(cli.command, "export") == 0) {
		struct cli_args a = {.data_dir = cli.data_dir,
		                     .org = cli.org,
		                     .year = cli.year,
		                     .format = cli.format,
		                     .personal = cli.personal,
		                     .nrest = cli.nrest,
		                     .rest = cli.rest};
		rc = cli.command[0] == 'i' ? cli_import(&a, &cfg) : cli_export(&a, &cfg);
	} else if (strcmp(cli.command, "backup") == 0 || strcmp(cli.command, "restore") == 0) {
		struct cli_args a = {.data_dir = cli.data_dir,
		                     .nrest = cli.nrest,
		                     .rest = cli.rest,
		                     .force = cli.force};
		rc = cli.command[0] == 'b' ? cli_backup(&a, &cfg) : cli_restore(&a, &cfg);
	} else if (strcmp(cli.command, "audit") == 0) {
		struct cli_args a = {.data_dir = cli.data_dir,
		                     .nrest = cli.nrest,
		                     .rest = cli.rest,
		                     .since = cli.since,
		                     .actor = cli.actor,
		                     .action = cli.action};
		rc = cli_audit(&a, &cfg);
	} else if (strcmp(cli.command, "user") == 0 || strcmp(cli.command, "token") == 0) {
		struct cli_args a = {.data_dir = cli.data_dir,
		                     .org = cli.org,
		                     .nrest = cli.nrest,
		                     .rest = cli.rest,
		                     .role = cli.role,
		                     .af = cli.af,
		                     .days = cli.days};
		rc = cli.command[0] == 'u' ? cli_user(&a, &cfg) : cli_token(&a, &cfg);
	} else
		rc = usage("unknown command");
out:
	free(cli.rest);
	return rc;
}
