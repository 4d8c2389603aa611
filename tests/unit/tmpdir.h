/* tmpdir: a temporary directory per test, removed with everything in it.
 * Shared by the unit tests that need real files (store, setup, intake). */
#ifndef SIGNAAL_TEST_TMPDIR_H
#define SIGNAAL_TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

static int tmpdir_rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* Removes dir and everything below it, links not followed. */
static inline void tmpdir_remove(const char *dir)
{
	nftw(dir, tmpdir_rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

#endif
