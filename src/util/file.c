#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int file_read(int dirfd, const char *path, int extra_flags, size_t max, char **out, size_t *len)
{
	char *data = NULL;
	size_t got = 0;
	int rc = 0;
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | extra_flags);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = FILE_NOT_REGULAR;
		goto out;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
		rc = FILE_TOO_BIG;
		goto out;
	}
	/* One byte more than the size, to notice a file that grew since fstat. */
	size_t want = (size_t)st.st_size;
	data = malloc(want + 2);
	if (!data) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, data + got, want + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got > want) {
			rc = got > max ? FILE_TOO_BIG : -EAGAIN;
			goto out;
		}
	}
	data[got] = '\0';
	*out = data;
	*len = got;
	data = NULL;
out:
	free(data);
	close(fd);
	return rc;
}
