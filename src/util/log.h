/* log: one line per event on stderr, "time level message".
 *
 * Never log a secret, a report body, or a client address, user agent or
 * referrer. User-supplied strings go through log_quote(), which strips
 * control bytes and all but ASCII, and bounds the length. */
#ifndef SIGNAAL_UTIL_LOG_H
#define SIGNAAL_UTIL_LOG_H

#include <stddef.h>

enum log_level {
	LOG_DEBUG,
	LOG_INFO,
	LOG_WARN,
	LOG_ERROR
};

void log_set_level(enum log_level lvl);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* Writes s as a double-quoted string into out (size outsz), replacing
 * control bytes, bytes beyond ASCII (a right-to-left override would
 * disguise the line) and quotes by '?', cut to fit. Returns out. */
char *log_quote(const char *s, char *out, size_t outsz);

#endif
