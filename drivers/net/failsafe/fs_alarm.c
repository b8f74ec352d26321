/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Floor 0 (util): when a port's alarm runs.  What it does (fs_deferred.c)
 * is installed by fs_alarm_init(), so this file never names a floor above.
 * Process-local, unlike the port's private data, which secondaries map
 * at other addresses: only the primary arms alarms.
 */

#include <rte_alarm.h>

#include "fs_private.h"
#include "fs_alarm.h"

static void (*fs_alarm_work)(struct fs_priv *priv);

static void
fs_alarm_cb(void *arg)
{
	struct fs_priv *priv = arg;

	if (!__atomic_load_n(&priv->closing, __ATOMIC_ACQUIRE))
		fs_alarm_work(priv);
}

/* Once, before any port's alarm is armed. */
void
fs_alarm_init(void (*work)(struct fs_priv *priv))
{
	fs_alarm_work = work;
}

/*
 * A sooner deadline adds an alarm rather than moving the pending one: a
 * surplus run finds nothing to do, and cancelling would wait for a run
 * in progress.  Alarms are counted, not compared by time: the EAL times
 * them on another clock than ours, so one may run a little before the
 * deadline computed here, and an alarm run that took it for a surplus one
 * would never be armed again.
 */
void
fs_alarm_arm(struct fs_priv *priv, uint64_t us)
{
	uint64_t due;

	if (priv->closing || us == UINT64_MAX)
		return;
	due = fs_time_ns() + us * 1000;
	if (priv->alarms_pending > 0 && due >= priv->alarm_due_ns)
		return;
	if (rte_eal_alarm_set(us, fs_alarm_cb, priv) == 0) {
		priv->alarms_pending++;
		priv->alarm_due_ns = due;
	}
}

/* Under lock, in the alarm's work: one of ours has run. */
void
fs_alarm_ran(struct fs_priv *priv)
{
	if (priv->alarms_pending > 0)
		priv->alarms_pending--;	/* a kick is not counted */
	/*
	 * Which of the others is due when is not kept; none is later than
	 * FS_ALARM_MAX_US from now, the longest this file ever asks for.
	 */
	priv->alarm_due_ns = priv->alarms_pending > 0 ?
		fs_time_ns() + FS_ALARM_MAX_US * 1000ULL : 0;
}

void
fs_alarm_kick(struct fs_priv *priv)
{
	if (!__atomic_load_n(&priv->closing, __ATOMIC_ACQUIRE))
		rte_eal_alarm_set(1, fs_alarm_cb, priv);
}

void
fs_alarm_cancel(struct fs_priv *priv)
{
	rte_eal_alarm_cancel(fs_alarm_cb, priv);
	priv->alarms_pending = 0;
}

/* The lock was busy: run again soon, not counted as an armed alarm. */
void
fs_alarm_retry(struct fs_priv *priv)
{
	rte_eal_alarm_set(FS_ALARM_FAST_US, fs_alarm_cb, priv);
}
