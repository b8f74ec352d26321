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
 * fs_alarm.c (floor 0): each port has one rte_alarm, armed for the soonest
 * deadline asked.  What it runs is installed once by fs_alarm_init().
 */
void fs_alarm_init(void (*work)(struct fs_priv *priv));
void fs_alarm_arm(struct fs_priv *priv, uint64_t us);	/* under lock */
void fs_alarm_kick(struct fs_priv *priv);		/* any context */
void fs_alarm_retry(struct fs_priv *priv);		/* the lock was busy */
void fs_alarm_ran(struct fs_priv *priv);		/* under lock */
void fs_alarm_cancel(struct fs_priv *priv);

#endif /* FS_ALARM_H */
