/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

#ifndef FS_SLOT_H
#define FS_SLOT_H

#include <stdbool.h>

struct fs_sub;

/*
 * Life of a sub-device slot, one state at a time:
 *
 *   EMPTY -> PROBING -> PROBED <---------> CONFIGURED <-> STARTED
 *     ^         |        |   ^              ^   |  ^        ^
 *     |         |        v   |              |   v  |        |
 *     +---------+      CONFIGURING ---------+  STARTING ----+
 *      (failed)
 *
 *   PROBED, CONFIGURED, STARTED -> RETIRING -> CLOSING -> EMPTY
 *                          (out of the active set) (stopped, closed, detached)
 *
 * PROBED, CONFIGURED and STARTED may also go to CLOSING at once (a
 * failed join, the port's close).  PROBING, CONFIGURING and STARTING:
 * its EAL probe, its replay or its start runs without the port lock (in
 * the ADD worker, or dev_start); nobody else acts on the slot meanwhile
 * (a removal is only noted), and that thread settles it (CONFIGURING
 * goes back to PROBED when the replay failed, STARTING to CONFIGURED
 * when the start failed or the port changed under it).  Only the
 * control side, under the port lock, moves a slot, and only through
 * fs_sub_set_state(); the uevent filter reads the state without the
 * lock, the datapath never: it sees the published active set only.  The
 * values are the
 * "state" xstat.
 */
enum fs_sub_state {
	FS_SUB_EMPTY = 0,	/* devargs known, no ethdev port */
	FS_SUB_PROBED,		/* ethdev port exists and is owned by us */
	FS_SUB_CONFIGURED,	/* port configuration and queues replayed */
	FS_SUB_STARTED,		/* started; in the active set while the port is */
	FS_SUB_RETIRING,	/* out of the set, waiting for the grace period */
	FS_SUB_CLOSING,		/* being stopped and closed, maybe unlocked */
	FS_SUB_PROBING,		/* being probed, maybe unlocked (appended: xstat values) */
	FS_SUB_STARTING,	/* its port starting, unlocked */
	FS_SUB_CONFIGURING,	/* being given the port's configuration, unlocked */
	FS_SUB_STATE_MAX
};

const char *fs_sub_state_name(enum fs_sub_state state);
bool fs_sub_transition_allowed(enum fs_sub_state from, enum fs_sub_state to);

/*
 * The one way a slot changes state: checked against the table, logged at
 * DEBUG with its cause.  A refused transition is a bug: logged at ERR,
 * the state left as it was, -EINVAL.  The same state again is a no-op.
 */
int fs_sub_set_state(struct fs_sub *sub, enum fs_sub_state to,
		     const char *cause);
/* Without the lock too (a relaxed load): a slot moves one step at a time. */
enum fs_sub_state fs_sub_state(const struct fs_sub *sub);

/* Usable: its port may be configured, started and used (PROBED..STARTED). */
bool fs_sub_usable(const struct fs_sub *sub);
/* Holds the port configuration (CONFIGURED, STARTED) and is not leaving. */
bool fs_sub_configured(const struct fs_sub *sub);
/* Its port is open, counters readable (usable or RETIRING). */
bool fs_sub_port_open(const struct fs_sub *sub);
/* On its way out (RETIRING, CLOSING): nothing new starts on it. */
bool fs_sub_leaving(const struct fs_sub *sub);
/* In a step another thread runs without the lock (PROBING, CONFIGURING, STARTING). */
bool fs_sub_unlocked_step(const struct fs_sub *sub);

#endif /* FS_SLOT_H */
