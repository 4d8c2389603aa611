/* buf: a growable byte buffer, always NUL-terminated.
 *
 * Owns: the bytes in data. A zeroed struct buf is an empty, valid buffer.
 * Errors: functions return 0 on success, -ENOMEM when growing fails or the
 * buffer would exceed BUF_MAX (limits.h); the buffer is unchanged then. */
#ifndef SIGNAAL_UTIL_BUF_H
#define SIGNAAL_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* NUL-terminated when non-NULL; owned */
	size_t len;
	size_t cap;
};

#define BUF_INIT           \
	{                  \
		NULL, 0, 0 \
	}

int buf_reserve(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Empties the buffer and keeps its memory. */
void buf_reset(struct buf *b);
/* Frees the memory; b becomes an empty buffer. Accepts NULL. */
void buf_free(struct buf *b);
/* Returns the bytes (caller owns, free()), leaving b empty. Never NULL on
 * success: an empty buffer gives "". Returns NULL when out of memory. */
char *buf_steal(struct buf *b);
/* Text of the buffer, "" for an empty one; never NULL. Borrowed. */
const char *buf_str(const struct buf *b);

#endif
