/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Expedited kernel RCU grace periods for the length of an ADD's probe.
 * net_af_packet's socket set-up (two rings and a bind) waits for a grace
 * period at each step, about 8 ms apiece on a 250 Hz kernel, and that is
 * most of an ADD here; /sys/kernel/rcu_expedited turns each into tens of
 * microseconds.  The knob is machine-wide and makes every grace period
 * interrupt every CPU, so it is held only around the probe, nested across
 * the ports of this process, and put back as it was found.
 */

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include <rte_log.h>

#include "hotplug_private.h"
#include "kernel_rcu.h"

RTE_LOG_REGISTER(kernel_rcu_logtype, lib.kernel_rcu, INFO);
#define KRCU_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, kernel_rcu_logtype, "kernel_rcu: %s(): " fmt "\n", \
		__func__, ##__VA_ARGS__)

static pthread_mutex_t rcu_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int rcu_depth;
static bool rcu_raised;		/* we wrote 1 and owe the 0 */
static bool rcu_finished;	/* the process is exiting: raise no more */
/* The knob we raised, kept: the sysfs root may move before we lower it. */
static char rcu_path[PATH_MAX];

int
kernel_rcu_expedite_begin(void)
{
	char path[PATH_MAX], val[16];
	int ret = 0;

	pthread_mutex_lock(&rcu_lock);
	if (rcu_finished)
		ret = -ESHUTDOWN;
	else if (rcu_depth == 0) {
		ret = hotplug_sysfs_path(path, sizeof(path), "kernel/rcu_expedited");
		if (ret == 0)
			ret = hotplug_sysfs_read(path, val, sizeof(val));
		if (ret == 0 && strcmp(val, "0") == 0) {
			ret = hotplug_sysfs_write(path, "1");
			rcu_raised = ret == 0;
			if (rcu_raised)
				snprintf(rcu_path, sizeof(rcu_path), "%s", path);
		} else if (ret == 0 && strcmp(val, "1") != 0) {
			KRCU_LOG(ERR, "%s reads '%s', not 0 or 1: left alone",
				path, val);
			ret = -EINVAL;
		} else if (ret < 0) {
			KRCU_LOG(ERR, "cannot read %s: %s", path,
				strerror(-ret));
		}
	}
	if (ret == 0)
		rcu_depth++;
	pthread_mutex_unlock(&rcu_lock);
	return ret;
}

static void
rcu_lower(void)
{
	if (rcu_raised)
		hotplug_sysfs_write(rcu_path, "0");
	rcu_raised = false;
}

void
kernel_rcu_expedite_end(void)
{
	pthread_mutex_lock(&rcu_lock);
	if (rcu_depth == 0)
		KRCU_LOG(ERR, "kernel_rcu_expedite_end() without a begin");
	else if (--rcu_depth == 0)
		rcu_lower();
	pthread_mutex_unlock(&rcu_lock);
}

int
kernel_rcu_expedite_depth(void)
{
	int d;

	pthread_mutex_lock(&rcu_lock);
	d = (int)rcu_depth;
	pthread_mutex_unlock(&rcu_lock);
	return d;
}

/*
 * An exit in the middle of a probe still puts the knob back, and a
 * thread still probing after this cannot raise it again.  A process
 * killed (or crashing) inside a probe leaves it at 1: see the guide.
 */
RTE_FINI(kernel_rcu_fini)
{
	pthread_mutex_lock(&rcu_lock);
	rcu_finished = true;
	rcu_depth = 0;
	rcu_lower();
	pthread_mutex_unlock(&rcu_lock);
}
