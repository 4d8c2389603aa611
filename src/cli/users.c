/* users: `signaal user ...` and `signaal token ...` (contract.md, "The
 * binary"), and the one-time staff login of `signaal init --demo`.
 *
 * Passwords are read from the terminal without echo (asked twice), or
 * from the first line of standard input when that is no terminal. A
 * refused password is exit 1 with the reason (in Dutch, as the login
 * pages say it). The audit actor is the OS user ("os:NAME"). */
#include "cli/cli.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "app/setup.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "crypto/keyfile.h"
#include "domain/accounts.h"
#include "store/store.h"
#include "store/users.h"
#include "util/str.h"

struct cli_acc {
	struct store *s;
	struct accounts a;
	char actor[80];
};

static void cli_acc_close(struct cli_acc *c)
{
	accounts_wipe(&c->a);
	store_close(c->s);
	c->s = NULL;
}

/* Opens the data directory's store and key (checked against the store). */
static int cli_acc_open(const char *data_dir, const struct config *cfg, struct cli_acc *c)
{
	memset(c, 0, sizeof *c);
	struct passwd *pw = getpwuid(getuid());
	snprintf(c->actor, sizeof c->actor, "os:%s", pw && pw->pw_name ? pw->pw_name : "?");
	struct buf url = BUF_INIT, key = BUF_INIT, err = BUF_INIT;
	unsigned char master[KEYFILE_KEY_BYTES];
	int rc = setup_store_url(cfg->store_url, data_dir, &url);
	if (!rc)
		rc = buf_printf(&key, "%s/%s", data_dir, SETUP_KEY_FILE);
	if (!rc)
		rc = keyfile_load(buf_str(&key), master, &err);
	if (!rc)
		rc = store_open(buf_str(&url), 0, &c->s, &err);
	const char *where =
	    strstr(buf_str(&url), "://") ? "the PostgreSQL database" : buf_str(&url);
	if (!rc)
		rc = setup_key_check(c->s, master, where, buf_str(&key), &err);
	if (!rc)
		rc = accounts_init(&c->a, c->s, master);
	sodium_memzero(master, sizeof master);
	if (rc) {
		fprintf(stderr, "signaal: %s\n",
		        err.len ? buf_str(&err) : store_strerror(rc < 0 ? rc : -EIO));
		store_close(c->s);
		c->s = NULL;
	}
	buf_free(&url);
	buf_free(&key);
	buf_free(&err);
	return rc ? CLI_EXIT_USER : 0;
}

/* Reads one line (without its newline) into out; false at the end of
 * input or when it does not fit. */
static bool read_line(FILE *in, char *out, size_t n)
{
	if (!fgets(out, (int)n, in))
		return false;
	size_t len = strlen(out);
	if (len && out[len - 1] == '\n')
		out[--len] = '\0';
	else if (!feof(in))
		return false; /* longer than the buffer */
	if (len && out[len - 1] == '\r')
		out[--len] = '\0';
	return true;
}

static bool ask_hidden(const char *prompt, char *out, size_t n)
{
	struct termios old, quiet;
	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) != 0)
		return false;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	bool ok = read_line(stdin, out, n);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return ok;
}

/* The new user's password: 0, or an exit status. */
static int read_password(char out[PASSWORD_MAX_BYTES + 2])
{
	if (!isatty(STDIN_FILENO)) {
		if (!read_line(stdin, out, PASSWORD_MAX_BYTES + 2)) {
			fprintf(stderr,
			        "signaal: no password on standard input (its first line)\n");
			return CLI_EXIT_USER;
		}
		return 0;
	}
	char again[PASSWORD_MAX_BYTES + 2];
	bool ok = ask_hidden("Wachtwoord: ", out, PASSWORD_MAX_BYTES + 2) &&
	          ask_hidden("Nog een keer: ", again, sizeof again);
	bool same = ok && strcmp(out, again) == 0;
	sodium_memzero(again, sizeof again);
	if (!same) {
		fprintf(stderr, "signaal: %s\n",
		        ok ? "de twee wachtwoorden zijn niet gelijk" : "geen wachtwoord gelezen");
		return CLI_EXIT_USER;
	}
	return 0;
}

static int one_login(const struct cli_args *a, const char *what, const char **login)
{
	if (a->nrest != 2 || !accounts_login_valid(a->rest[1])) {
		fprintf(stderr,
		        "signaal: %s needs one LOGIN ([a-z0-9._-], starting with a letter)\n",
		        what);
		return CLI_EXIT_USAGE;
	}
	*login = a->rest[1];
	return 0;
}

static int user_add(const struct cli_args *a, struct cli_acc *c)
{
	const char *login;
	int rc = one_login(a, "user add", &login);
	if (rc)
		return rc;
	unsigned roles;
	if (!a->org || !a->role || roles_parse(a->role, &roles) != 0) {
		fprintf(stderr, "signaal: user add needs --org ID and --role ROLE[,ROLE] (intake, "
		                "handler, care, analyst, admin)\nusage: signaal user add --org ID "
		                "--role ROLE[,ROLE] [--af] LOGIN\n");
		return CLI_EXIT_USAGE;
	}
	if (a->af && !(roles & ROLE_HANDLER)) {
		fprintf(stderr, "signaal: --af marks a handler; give --role handler too\n");
		return CLI_EXIT_USAGE;
	}
	char pw[PASSWORD_MAX_BYTES + 2];
	rc = read_password(pw);
	if (rc)
		return rc;
	const char *why = NULL;
	struct accounts_new_user u = {a->org, login, roles, a->af, pw, false};
	rc = accounts_user_add(&c->a, c->actor, &u, &why);
	sodium_memzero(pw, sizeof pw);
	char names[ROLES_TEXT_MAX];
	roles_format(roles, names);
	switch (rc) {
	case 0:
		printf("user %s added to %s with role %s%s\n", login, a->org, names,
		       a->af ? " (aandachtsfunctionaris)" : "");
		return 0;
	case ACCOUNTS_WEAK:
		fprintf(stderr, "signaal: wachtwoord geweigerd: %s\n", why);
		return CLI_EXIT_USER;
	case ACCOUNTS_EXISTS:
		fprintf(stderr, "signaal: user %s exists already\n", login);
		return CLI_EXIT_USER;
	case ACCOUNTS_NO_ORG:
		fprintf(stderr, "signaal: --org: no organisation \"%s\" (see signaal org list)\n",
		        a->org);
		return CLI_EXIT_USER;
	default:
		fprintf(stderr, "signaal: cannot add user %s: %s\n", login,
		        rc > 0 ? "refused" : store_strerror(rc));
		return CLI_EXIT_USER;
	}
}

static int print_user(void *ctx, const struct store_user *u)
{
	(void)ctx;
	char names[ROLES_TEXT_MAX];
	roles_format(u->roles, names);
	printf("%s\t%s\t%s%s\t%s\t%s\n", u->login, u->org, names, u->af ? ",af" : "",
	       u->disabled ? "disabled" : "active", u->totp_enrolled ? "2fa" : "no-2fa");
	return 0;
}

static int user_change(const struct cli_args *a, struct cli_acc *c, const char *what)
{
	const char *login;
	char usage[32];
	snprintf(usage, sizeof usage, "user %s", what);
	int rc = one_login(a, usage, &login);
	if (rc)
		return rc;
	if (strcmp(what, "reset-2fa") == 0)
		rc = accounts_user_reset_2fa(&c->a, c->actor, NULL, login);
	else
		rc = accounts_user_set_disabled(&c->a, c->actor, NULL, login,
		                                strcmp(what, "disable") == 0);
	if (rc == ACCOUNTS_NO_USER) {
		fprintf(stderr, "signaal: no user %s\n", login);
		return CLI_EXIT_USER;
	}
	if (rc) {
		fprintf(stderr, "signaal: user %s %s: %s\n", what, login,
		        rc > 0 ? "refused" : store_strerror(rc));
		return CLI_EXIT_USER;
	}
	if (strcmp(what, "reset-2fa") == 0)
		printf("second factor of %s reset: the next login enrols again\n", login);
	else
		printf("user %s %s\n", login,
		       strcmp(what, "disable") == 0 ? "disabled" : "enabled");
	return 0;
}

int cli_user(const struct cli_args *a, const struct config *cfg)
{
	const char *sub = a->nrest ? a->rest[0] : "";
	bool known = strcmp(sub, "add") == 0 || strcmp(sub, "list") == 0 ||
	             strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0 ||
	             strcmp(sub, "reset-2fa") == 0;
	if (!known) {
		fprintf(stderr, "signaal: user takes add, list, disable, enable or reset-2fa\n");
		return CLI_EXIT_USAGE;
	}
	if (strcmp(sub, "list") == 0 && a->nrest != 1) {
		fprintf(stderr, "usage: signaal user list [--org ID]\n");
		return CLI_EXIT_USAGE;
	}
	struct cli_acc c;
	int rc = cli_acc_open(a->data_dir, cfg, &c);
	if (rc)
		return rc;
	if (strcmp(sub, "add") == 0) {
		rc = user_add(a, &c);
	} else if (strcmp(sub, "list") == 0) {
		rc = store_user_list(c.s, a->org, print_user, NULL);
		if (rc) {
			fprintf(stderr, "signaal: %s\n", store_strerror(rc < 0 ? rc : -EIO));
			rc = CLI_EXIT_USER;
		}
	} else {
		rc = user_change(a, &c, sub);
	}
	cli_acc_close(&c);
	return rc;
}

static void day_of(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int print_token(void *ctx, const struct store_token *t)
{
	int64_t now = *(int64_t *)ctx;
	char day[11];
	day_of(t->expires, day);
	printf("%lld\t%s\texpires %s\t%s\n", (long long)t->id, t->login, day,
	       t->revoked          ? "revoked"
	       : now >= t->expires ? "expired"
	       : t->user_disabled  ? "user disabled"
	                           : "active");
	return 0;
}

int cli_token(const struct cli_args *a, const struct config *cfg)
{
	const char *sub = a->nrest ? a->rest[0] : "";
	int64_t now = (int64_t)time(NULL);
	if (strcmp(sub, "create") == 0 && a->nrest == 2 && accounts_login_valid(a->rest[1])) {
		uint64_t days = TOKEN_DAYS_DEFAULT;
		if (a->days && str_parse_u64(a->days, 1, TOKEN_DAYS_MAX, &days) != 0) {
			fprintf(stderr, "signaal: --days: a number from 1 to %u\n", TOKEN_DAYS_MAX);
			return CLI_EXIT_USAGE;
		}
		struct cli_acc c;
		int rc = cli_acc_open(a->data_dir, cfg, &c);
		if (rc)
			return rc;
		char tok[SECRET_HEX_LEN + 1];
		int64_t id = 0;
		rc = accounts_token_create(&c.a, c.actor, NULL, a->rest[1], (unsigned)days, now,
		                           tok, &id);
		if (rc == 0) {
			char day[11];
			day_of(now + (int64_t)days * 86400, day);
			printf("token %lld for %s, expires %s (shown once): %s\n", (long long)id,
			       a->rest[1], day, tok);
		} else if (rc == ACCOUNTS_NO_USER) {
			fprintf(stderr, "signaal: no user %s\n", a->rest[1]);
		} else {
			fprintf(stderr, "signaal: cannot create a token: %s\n",
			        rc > 0 ? "refused" : store_strerror(rc));
		}
		sodium_memzero(tok, sizeof tok);
		cli_acc_close(&c);
		return rc ? CLI_EXIT_USER : 0;
	}
	if (strcmp(sub, "list") == 0 && a->nrest <= 2) {
		struct cli_acc c;
		int rc = cli_acc_open(a->data_dir, cfg, &c);
		if (rc)
			return rc;
		int64_t uid = 0;
		if (a->nrest == 2) {
			struct store_user u;
			rc = store_user_by_login(c.s, a->rest[1], &u);
			if (rc == STORE_NOT_FOUND)
				fprintf(stderr, "signaal: no user %s\n", a->rest[1]);
			uid = u.id;
		}
		if (!rc)
			rc = store_token_list(c.s, uid, print_token, &now);
		if (rc < 0)
			fprintf(stderr, "signaal: %s\n", store_strerror(rc));
		cli_acc_close(&c);
		return rc ? CLI_EXIT_USER : 0;
	}
	if (strcmp(sub, "revoke") == 0 && a->nrest == 2) {
		uint64_t id;
		if (str_parse_u64(a->rest[1], 1, (uint64_t)INT64_MAX, &id) != 0) {
			fprintf(stderr,
			        "signaal: token revoke needs the token's ID (token list)\n");
			return CLI_EXIT_USAGE;
		}
		struct cli_acc c;
		int rc = cli_acc_open(a->data_dir, cfg, &c);
		if (rc)
			return rc;
		rc = accounts_token_revoke(&c.a, c.actor, NULL, (int64_t)id);
		if (rc == 0)
			printf("token %llu revoked\n", (unsigned long long)id);
		else if (rc == ACCOUNTS_NO_TOKEN)
			fprintf(stderr, "signaal: no token %llu\n", (unsigned long long)id);
		else
			fprintf(stderr, "signaal: %s\n", rc > 0 ? "refused" : store_strerror(rc));
		cli_acc_close(&c);
		return rc ? CLI_EXIT_USER : 0;
	}
	fprintf(stderr, "usage: signaal token create LOGIN [--days N] | token list [LOGIN] | "
	                "token revoke ID\n");
	return CLI_EXIT_USAGE;
}

int cli_demo_login(const char *data_dir, const struct config *cfg, const char *org)
{
	struct cli_acc c;
	int rc = cli_acc_open(data_dir, cfg, &c);
	if (rc)
		return rc;
	char once[PASSWORD_RANDOM_LEN + 1];
	password_random(once);
	const char *why = NULL;
	struct accounts_new_user u = {org,   CLI_DEMO_LOGIN, ROLE_ADMIN | ROLE_HANDLER,
	                              false, once,           true};
	rc = accounts_user_add(&c.a, c.actor, &u, &why);
	if (rc == 0) {
		bool v6 = cfg->listen.ipv6;
		printf(
		    "staff login, shown only now: user %s, one-time password %s\n"
		    "log in at http://%s%s%s:%u/staf/inloggen (you then choose your own password "
		    "and set up a second factor)\n",
		    CLI_DEMO_LOGIN, once, v6 ? "[" : "", cfg->listen.host, v6 ? "]" : "",
		    (unsigned)cfg->listen.port);
	} else if (rc == ACCOUNTS_EXISTS) {
		rc = 0; /* made by an earlier init: its password was shown then */
	} else {
		fprintf(stderr, "signaal: cannot create the staff login: %s\n",
		        rc > 0 ? "refused" : store_strerror(rc));
	}
	sodium_memzero(once, sizeof once);
	cli_acc_close(&c);
	return rc ? CLI_EXIT_USER : 0;
}
