#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum log_level min_level = LOG_INFO;

void log_set_level(enum log_level lvl)
{
	min_level = lvl;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};
	if (lvl < min_level)
		return;
	char line[2048];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%SZ ", &tm);
	n += (size_t)snprintf(line + n, sizeof line - n, "%s ", names[lvl]);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - n, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n = strlen(line);
	/* One event, one line: a newline in a message would forge a second. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20)
			line[i] = ' ';
	fprintf(stderr, "%s\n", line);
}

char *log_quote(const char *s, char *out, size_t outsz)
{
	if (outsz < 3) {
		if (outsz)
			out[0] = '\0';
		return out;
	}
	size_t o = 0;
	out[o++] = '"';
	for (const char *p = s ? s : ""; *p && o + 2 < outsz; p++) {
		unsigned char c = (unsigned char)*p;
		/* Bytes beyond ASCII too: a bidirectional control would show
		 * the operator a line other than the one written. */
		out[o++] = (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') ? '?' : (char)c;
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}
