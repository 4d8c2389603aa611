/* fuzz_file.h: the one file of the harnesses that read their input from a
 * file (fuzz_config, fuzz_keyfile): its path in a private temporary
 * directory (on /dev/shm when there is one, so that the many writes stay
 * in memory), removed with the directory when the fuzzer exits. */
#ifndef SIGNAAL_FUZZ_FILE_H
#define SIGNAAL_FUZZ_FILE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char fuzz_dir[64];
static char fuzz_path[96];

static void fuzz_file_cleanup(void)
{
	unlink(fuzz_path);
	rmdir(fuzz_dir);
}

/* Makes the directory and sets fuzz_path to name inside it; aborts when
 * it cannot (a harness without its file would test nothing). */
static void fuzz_file_init(const char *name)
{
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/signaal-fuzz-XXXXXX",
	         access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(fuzz_dir))
		abort();
	snprintf(fuzz_path, sizeof fuzz_path, "%s/%s", fuzz_dir, name);
	atexit(fuzz_file_cleanup);
}

#endif
