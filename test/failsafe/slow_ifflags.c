/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * LD_PRELOAD shim for tests: ioctl(SIOCSIFFLAGS) sleeps
 * FS_SLOW_SIOCSIFFLAGS_MS before it runs.  A flags read-modify-write
 * (net_af_packet's promiscuous setting, SIOCGIFFLAGS then SIOCSIFFLAGS)
 * then has a window wide enough for a test to change the interface's
 * flags in it every time, as a descheduled thread would now and then.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <linux/sockios.h>

typedef int (*ioctl_fn)(int, unsigned long, ...);

static void
slow_sleep(void)
{
	const char *env = getenv("FS_SLOW_SIOCSIFFLAGS_MS");
	long ms = env != NULL ? strtol(env, NULL, 10) : 0;
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The project builds with hidden visibility: this one is the point. */
__attribute__((visibility("default"))) int
ioctl(int fd, unsigned long request, ...)
{
	static ioctl_fn next;
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (next == NULL)
		next = (ioctl_fn)dlsym(RTLD_NEXT, "ioctl");
	if (request == SIOCSIFFLAGS)
		slow_sleep();
	return next(fd, request, arg);
}
