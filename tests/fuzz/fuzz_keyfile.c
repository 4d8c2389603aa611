/* Fuzzes the reader of the key file (crypto/keyfile.c) through
 * keyfile_load(), as `signaal serve` and every command with the data
 * directory call it. The first byte picks the file's mode (0600, 0400,
 * 0640 or 0604); the rest is the file, written in a private temporary
 * directory (on /dev/shm when there is one).
 *
 * The format is strict, so the harness knows the answer: 0 exactly for
 * "signaal-key v1\n", 64 lower-case hex digits and at most one "\n", in a
 * file only its owner may read, with master holding those bytes;
 * KEYFILE_INSECURE for a mode open to others (whatever the file holds);
 * KEYFILE_FORMAT for anything else; master wiped and a message that does
 * not repeat the file's contents on every failure. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/keyfile.h"
#include "fuzz_file.h"
#include "limits.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER "signaal-key v1\n"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_file_init("signaal.key");
	return 0;
}

static int hexval(uint8_t c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The format, written out plainly; fills want on success. */
static bool well_formed(const uint8_t *p, size_t n, unsigned char want[KEYFILE_KEY_BYTES])
{
	size_t h = sizeof HEADER - 1;
	if (n != h + 64 && !(n == h + 65 && p[n - 1] == '\n'))
		return false;
	if (memcmp(p, HEADER, h) != 0)
		return false;
	for (size_t i = 0; i < KEYFILE_KEY_BYTES; i++) {
		int hi = hexval(p[h + 2 * i]), lo = hexval(p[h + 2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		want[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const mode_t modes[] = {0600, 0400, 0640, 0604};
	if (size < 1 || size > 4 * KEYFILE_MAX_BYTES)
		return -1;
	mode_t mode = modes[data[0] % 4];
	data++;
	size--;
	unlink(fuzz_path);
	int fd = open(fuzz_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size || fchmod(fd, mode) != 0 ||
	    close(fd) != 0)
		abort();

	unsigned char master[KEYFILE_KEY_BYTES], want[KEYFILE_KEY_BYTES];
	static const unsigned char zero[KEYFILE_KEY_BYTES];
	memset(master, 0xAA, sizeof master);
	struct buf err = BUF_INIT;
	int rc = keyfile_load(fuzz_path, master, &err);
	bool secure = !(mode & 077);
	bool ok = well_formed(data, size, want);
	if (!secure) {
		if (rc != KEYFILE_INSECURE)
			abort();
	} else if (ok) {
		if (rc != 0 || memcmp(master, want, sizeof master) != 0 || err.len)
			abort();
	} else if (rc != KEYFILE_FORMAT) {
		abort();
	}
	if (rc != 0) {
		if (memcmp(master, zero, sizeof master) != 0 || !err.len)
			abort();
		/* The message names the file, never the key in it. */
		size_t h = sizeof HEADER - 1;
		bool hex = size >= h + 16;
		for (size_t i = 0; hex && i < 16; i++)
			hex = hexval(data[h + i]) >= 0;
		if (hex && memmem(buf_str(&err), err.len, data + h, 16))
			abort();
	}
	buf_free(&err);
	return 0;
}
