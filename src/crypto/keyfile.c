#include "crypto/keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "limits.h"

#define KEYFILE_HEADER "signaal-key v1\n"
#define HEX_LEN        (2 * KEYFILE_KEY_BYTES)

_Static_assert(KEYFILE_KEY_BYTES == crypto_kdf_KEYBYTES, "master key is a KDF key");
_Static_assert(sizeof KEYFILE_HEADER - 1 + HEX_LEN + 1 <= KEYFILE_MAX_BYTES, "key file size");

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The new name must survive a power cut too, not only the bytes. */
static int fsync_dir_of(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = fd < 0 || fsync(fd) ? -errno : 0;
	if (fd >= 0)
		close(fd);
	free(copy);
	return rc;
}

int keyfile_create(const char *path)
{
	unsigned char key[KEYFILE_KEY_BYTES];
	char text[sizeof KEYFILE_HEADER + HEX_LEN + 1];
	int rc;
	if (sodium_init() < 0)
		return -EIO;
	/* O_EXCL also refuses a symbolic link at path, dangling or not. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	randombytes_buf(key, sizeof key);
	memcpy(text, KEYFILE_HEADER, sizeof KEYFILE_HEADER - 1);
	sodium_bin2hex(text + sizeof KEYFILE_HEADER - 1, HEX_LEN + 1, key, sizeof key);
	text[sizeof KEYFILE_HEADER - 1 + HEX_LEN] = '\n';
	/* umask may have cleared bits of 0600; the owner must read it back. */
	rc = fchmod(fd, 0600) ? -errno : 0;
	if (!rc)
		rc = write_all(fd, text, sizeof KEYFILE_HEADER - 1 + HEX_LEN + 1);
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc)
		rc = fsync_dir_of(path);
	if (rc)
		unlink(path);
	sodium_memzero(key, sizeof key);
	sodium_memzero(text, sizeof text);
	return rc;
}

int keyfile_load(const char *path, unsigned char master[KEYFILE_KEY_BYTES], struct buf *err)
{
	char text[KEYFILE_MAX_BYTES + 1];
	size_t n = 0;
	struct stat st;
	int rc;
	if (sodium_init() < 0)
		return -EIO;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		rc = -errno;
		if (err)
			buf_printf(err, "cannot open key file %s: %s", path,
			           rc == -ELOOP ? "it is a symbolic link" : strerror(-rc));
		goto out_nofd;
	}
	if (fstat(fd, &st)) {
		rc = -errno;
		if (err)
			buf_printf(err, "cannot read key file %s: %s", path, strerror(-rc));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = KEYFILE_INSECURE;
		if (err)
			buf_printf(err, "key file %s is not a regular file", path);
		goto out;
	}
	if (st.st_mode & 077) {
		rc = KEYFILE_INSECURE;
		if (err)
			buf_printf(err,
			           "key file %s has mode %04o: other users could read the key; "
			           "run: chmod 600 %s",
			           path, (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, text + n, sizeof text - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			if (err)
				buf_printf(err, "cannot read key file %s: %s", path, strerror(-rc));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == sizeof text)
			break;
	}
	size_t hdr = sizeof KEYFILE_HEADER - 1;
	const char *hex_end = NULL;
	size_t bin_len = 0;
	bool ok = n > hdr && memcmp(text, KEYFILE_HEADER, hdr) == 0 &&
	          (n == hdr + HEX_LEN || (n == hdr + HEX_LEN + 1 && text[n - 1] == '\n'));
	/* Lower-case hex only: one spelling per key keeps the format strict. */
	for (size_t i = hdr; ok && i < hdr + HEX_LEN; i++)
		ok = (text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f');
	if (ok)
		ok = sodium_hex2bin(master, KEYFILE_KEY_BYTES, text + hdr, HEX_LEN, NULL, &bin_len,
		                    &hex_end) == 0 &&
		     bin_len == KEYFILE_KEY_BYTES && hex_end == text + hdr + HEX_LEN;
	if (!ok) {
		rc = KEYFILE_FORMAT;
		if (err)
			buf_printf(err,
			           "key file %s is not a Signaal key (expected the line "
			           "'signaal-key v1' and 64 hex digits)",
			           path);
		goto out;
	}
	rc = 0;
out:
	close(fd);
out_nofd:
	if (rc)
		sodium_memzero(master, KEYFILE_KEY_BYTES);
	sodium_memzero(text, sizeof text);
	return rc;
}

int keyfile_derive(const unsigned char master[KEYFILE_KEY_BYTES], const char ctx[8], uint64_t id,
                   unsigned char *out, size_t len)
{
	if (!out || len < crypto_kdf_BYTES_MIN || len > crypto_kdf_BYTES_MAX)
		return -EINVAL;
	if (sodium_init() < 0)
		return -EIO;
	return crypto_kdf_derive_from_key(out, len, id, ctx, master) == 0 ? 0 : -EINVAL;
}

int keyfile_check_value(const unsigned char master[KEYFILE_KEY_BYTES],
                        char out[KEYFILE_CHECK_HEX + 1])
{
	static const char label[] = "signaal key check v1";
	unsigned char sub[32], mac[KEYFILE_CHECK_BYTES];
	int rc = keyfile_derive(master, KEYFILE_CTX_CHECK, 0, sub, sizeof sub);
	if (!rc && crypto_generichash(mac, sizeof mac, (const unsigned char *)label,
	                              sizeof label - 1, sub, sizeof sub) != 0)
		rc = -EIO;
	if (!rc)
		sodium_bin2hex(out, KEYFILE_CHECK_HEX + 1, mac, sizeof mac);
	sodium_memzero(sub, sizeof sub);
	sodium_memzero(mac, sizeof mac);
	return rc ? -EIO : 0;
}
