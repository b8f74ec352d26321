/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Small helpers every C test may use, EAL or not: a monotonic clock for
 * bounded waits, and counts read from /proc for leak checks.
 */

#ifndef FS_TEST_UTIL_H
#define FS_TEST_UTIL_H

#include <dirent.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Milliseconds of CLOCK_MONOTONIC: the deadline of every bounded wait. */
static inline uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* Entries of a directory, dot entries aside; -1 when it cannot be read. */
static inline int
count_dir(const char *path)
{
	struct dirent *de;
	DIR *d = opendir(path);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/*
 * Threads of this process once the one just joined is gone: pthread_join()
 * returns when the thread clears its tid, a moment before the kernel drops
 * it from /proc/self/task.  Waits (bounded, 1 s) for want, returns the count.
 */
static inline int
tasks_settled(int want)
{
	int i, n = count_dir("/proc/self/task");

	for (i = 0; i < 1000 && n != want; i++) {
		usleep(1000);
		n = count_dir("/proc/self/task");
	}
	return n;
}

static inline int
remove_entry(const char *path, const struct stat *st, int flag,
	     struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);	/* what cannot go stays: the rest is still removed */
	return 0;
}

/* rm -r dir: what a test made below /tmp or its runtime directory. */
static inline void
remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif /* FS_TEST_UTIL_H */
