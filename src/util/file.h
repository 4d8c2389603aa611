/* file: reading a whole small file with a size limit, the one way every
 * module reads its files (configuration, content, templates, static files,
 * key file). */
#ifndef SIGNAAL_UTIL_FILE_H
#define SIGNAAL_UTIL_FILE_H

#include <stddef.h>

enum {
	FILE_TOO_BIG = 1,     /* larger than max (also when it grew while read) */
	FILE_NOT_REGULAR = 2, /* a directory, FIFO, device ... */
};

/* Reads the regular file path (relative to dirfd; AT_FDCWD for the working
 * directory) of at most max bytes. extra_flags may add O_NOFOLLOW. Opens
 * non-blocking, so that a FIFO fails the regular-file check instead of
 * hanging. On 0, *out (caller frees) holds *len bytes plus a NUL. Returns
 * 0, FILE_TOO_BIG, FILE_NOT_REGULAR or -errno (-ENOENT when missing). */
int file_read(int dirfd, const char *path, int extra_flags, size_t max, char **out, size_t *len);

#endif
