/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

#ifndef FS_ALARM_H
#define FS_ALARM_H

#include <stdint.h>

struct fs_priv;

/* How soon the port alarm runs again while a grace period is open. */
#define FS_ALARM_FAST_US	1000
/* How often a started port checks its sub-devices' links. */
#define FS_LINK_WATCH_US	100000
/*
 * Longest sleep of the port alarm.  fs_alarm_arm() keeps an armed
 * alarm, so a teardown armed while a hotplug_poll tick is pending (up to
 * an hour away) waits for that tick: the cap bounds that wait.
 */
#define FS_ALARM_MAX_US	100000
/* After another caller released a sub-device: its hotplug call's tail. */
#define FS_RELEASE_SETTLE_US	50000

/*
 * The control side of a port runs deferred work from an rte_alarm: it finishes
 * grace periods, acts on sub-device RMV/LSC events, and has the ADD worker
 * (fs_worker.c) re-probe empty slots every hotplug_poll ms, probe a slot
 * whose exec() command answered and take an ADD that waited for its slot.  It never blocks the interrupt thread: when
 * the port lock is busy it tries again a little later.
 */
void fs_alarm_arm(struct fs_priv *priv, uint64_t us);	/* under lock */
void fs_alarm_kick(struct fs_priv *priv);		/* any context */
void fs_alarm_cancel(struct fs_priv *priv);
/* Under lock; closing NULL: close retired sub-devices here too. */
void fs_alarm_run(struct fs_priv *priv, uint32_t *closing);
void fs_lsc_emit_pending(struct fs_priv *priv);		/* lock not held */

#endif /* FS_ALARM_H */
