/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Floor 0 (util): the log type, the one clock every timing is read on,
 * and a slot's last error.  Calls nothing of the PMD.
 */

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "fs_private.h"

RTE_LOG_REGISTER(fs_logtype, pmd.net.failsafe.uevent, NOTICE);

uint64_t
fs_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Keep why a slot failed (telemetry shows it) and log it; returns err. */
int
fs_sub_fail(struct fs_sub *sub, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sub->last_error, sizeof(sub->last_error), fmt, ap);
	va_end(ap);
	FS_PORT_LOG(ERR, sub->priv, "sub-device %u: %s", sub->idx,
		    sub->last_error);
	return err;
}
