/* Fuzzes the reader of signaal.ini (app/config.c) through config_load(),
 * as every subcommand calls it: the input is the whole file, written to a
 * file in a private temporary directory (on /dev/shm when there is one).
 *
 * Checks what the program relies on after loading:
 *  - success: every value inside its documented range and form (the
 *    configuration is used without further checks), and no error text;
 *  - CONFIG_INVALID: the error reads "FILE:LINE: ..." with a line of the
 *    file, and the configuration holds the defaults, as documented;
 *  - nothing else (the file is small and readable). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/config.h"
#include "fuzz_file.h"
#include "util/str.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config defaults;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_file_init("signaal.ini");
	if (config_defaults(&defaults) != 0)
		abort();
	return 0;
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static bool text_ok(const char *s, size_t size, bool empty_ok)
{
	return terminated(s, size) && (empty_ok || s[0]) && str_text_valid(s, strlen(s), false);
}

static bool colour_ok(const char *s)
{
	if (s[0] != '#' || strlen(s) != 7)
		return false;
	for (int i = 1; i < 7; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool url_ok(const char *s)
{
	if (!str_starts(s, "https://") && !str_starts(s, "http://"))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("\"'<>\\`{}|^", *p))
			return false;
	return true;
}

static bool address_ok(const char *s)
{
	unsigned char a[16];
	return !s[0] || inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

static void check_valid(const struct config *c)
{
	if (!terminated(c->listen.host, sizeof c->listen.host) || !c->listen.host[0] ||
	    c->listen.port == 0 || c->threads > CONFIG_MAX_THREADS ||
	    !terminated(c->trusted_proxy, sizeof c->trusted_proxy) ||
	    !address_ok(c->trusted_proxy) ||
	    (c->secure_cookies != CONFIG_COOKIES_AUTO && c->secure_cookies != CONFIG_COOKIES_ON &&
	     c->secure_cookies != CONFIG_COOKIES_OFF) ||
	    !terminated(c->org, sizeof c->org) || !str_is_id(c->org, ID_MAX_LEN) ||
	    !terminated(c->quick_exit_url, sizeof c->quick_exit_url) ||
	    !url_ok(c->quick_exit_url) || !text_ok(c->site_name, sizeof c->site_name, true) ||
	    !colour_ok(c->colour_primary) || !colour_ok(c->colour_accent) ||
	    !text_ok(c->content_dir, sizeof c->content_dir, false) ||
	    !text_ok(c->templates_dir, sizeof c->templates_dir, false) ||
	    !text_ok(c->static_dir, sizeof c->static_dir, false) ||
	    !text_ok(c->locale_dir, sizeof c->locale_dir, false) ||
	    c->max_reports_per_minute > CONFIG_MAX_REPORTS_PER_MINUTE || c->public_min_cell < 1 ||
	    c->public_min_cell > PUBLIC_MIN_CELL_MAX || (unsigned)c->log_level > LOG_ERROR)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > CONFIG_MAX_FILE_BYTES)
		return -1;
	int fd = open(fuzz_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd) != 0)
		abort();
	struct config c;
	struct buf err = BUF_INIT;
	int rc = config_load(fuzz_path, &c, &err);
	if (rc == 0) {
		if (err.len)
			abort();
		check_valid(&c);
	} else if (rc == CONFIG_INVALID) {
		/* "PATH:LINE: reason", LINE at most one past the last line. */
		size_t lines = 1;
		for (size_t i = 0; i < size; i++)
			lines += data[i] == '\n';
		const char *e = buf_str(&err);
		size_t pl = strlen(fuzz_path);
		char *end = NULL;
		unsigned long line = strncmp(e, fuzz_path, pl) == 0 && e[pl] == ':'
		                         ? strtoul(e + pl + 1, &end, 10)
		                         : 0;
		if (!end || end == e + pl + 1 || strncmp(end, ": ", 2) != 0 || !end[2] ||
		    line < 1 || line > lines || memcmp(&c, &defaults, sizeof c) != 0) {
			fprintf(stderr, "fuzz_config: error text or state: %s\n", e);
			abort();
		}
	} else {
		fprintf(stderr, "fuzz_config: config_load returned %d: %s\n", rc, buf_str(&err));
		abort();
	}
	buf_free(&err);
	return 0;
}
