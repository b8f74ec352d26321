/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The slot state machine: one table of allowed transitions, one function
 * that applies them, and the predicates every other file asks instead of
 * comparing states itself.
 */

#include <errno.h>

#include "fs_private.h"

#define FS_TO(s)	(1u << (s))

static const unsigned int fs_next[FS_SUB_STATE_MAX] = {
	[FS_SUB_EMPTY] = FS_TO(FS_SUB_PROBING),
	[FS_SUB_PROBING] = FS_TO(FS_SUB_PROBED) | FS_TO(FS_SUB_EMPTY),
	[FS_SUB_PROBED] = FS_TO(FS_SUB_CONFIGURED) | FS_TO(FS_SUB_CONFIGURING) |
		FS_TO(FS_SUB_RETIRING) | FS_TO(FS_SUB_CLOSING),
	/* back to PROBED: its replay failed, or the port lost its configuration */
	[FS_SUB_CONFIGURING] = FS_TO(FS_SUB_CONFIGURED) | FS_TO(FS_SUB_PROBED),
	/* back to PROBED: a new port configuration is replayed */
	[FS_SUB_CONFIGURED] = FS_TO(FS_SUB_PROBED) | FS_TO(FS_SUB_STARTED) |
		FS_TO(FS_SUB_STARTING) | FS_TO(FS_SUB_RETIRING) |
		FS_TO(FS_SUB_CLOSING),
	/* back to CONFIGURED: its start failed, or the port changed meanwhile */
	[FS_SUB_STARTING] = FS_TO(FS_SUB_STARTED) | FS_TO(FS_SUB_CONFIGURED),
	/* back to CONFIGURED: the port was stopped */
	[FS_SUB_STARTED] = FS_TO(FS_SUB_CONFIGURED) | FS_TO(FS_SUB_RETIRING) |
		FS_TO(FS_SUB_CLOSING),
	[FS_SUB_RETIRING] = FS_TO(FS_SUB_CLOSING),
	[FS_SUB_CLOSING] = FS_TO(FS_SUB_EMPTY),
};

static const char * const fs_state_names[FS_SUB_STATE_MAX] = {
	[FS_SUB_EMPTY] = "empty",
	[FS_SUB_PROBED] = "probed",
	[FS_SUB_CONFIGURED] = "configured",
	[FS_SUB_STARTED] = "started",
	[FS_SUB_RETIRING] = "retiring",
	[FS_SUB_CLOSING] = "closing",
	[FS_SUB_PROBING] = "probing",
	[FS_SUB_STARTING] = "starting",
	[FS_SUB_CONFIGURING] = "configuring",
};

const char *
fs_sub_state_name(enum fs_sub_state state)
{
	if ((unsigned int)state >= FS_SUB_STATE_MAX)
		return "invalid";
	return fs_state_names[state];
}

bool
fs_sub_transition_allowed(enum fs_sub_state from, enum fs_sub_state to)
{
	if ((unsigned int)from >= FS_SUB_STATE_MAX ||
	    (unsigned int)to >= FS_SUB_STATE_MAX)
		return false;
	return (fs_next[from] & FS_TO(to)) != 0;
}

enum fs_sub_state
fs_sub_state(const struct fs_sub *sub)
{
	return __atomic_load_n(&sub->state, __ATOMIC_RELAXED);
}

int
fs_sub_set_state(struct fs_sub *sub, enum fs_sub_state to, const char *cause)
{
	enum fs_sub_state from = sub->state;

	if (from == to)
		return 0;
	if (!fs_sub_transition_allowed(from, to)) {
		FS_PORT_LOG(ERR, sub->priv, "sub-device %u: bug: %s -> %s refused (%s)",
			    sub->idx, fs_sub_state_name(from),
			    fs_sub_state_name(to), cause);
		return -EINVAL;
	}
	/* Release: the uevent filter reads it without the lock. */
	__atomic_store_n(&sub->state, to, __ATOMIC_RELEASE);
	FS_PORT_LOG(DEBUG, sub->priv, "sub-device %u: %s -> %s (%s)", sub->idx,
		    fs_sub_state_name(from), fs_sub_state_name(to), cause);
	return 0;
}

bool
fs_sub_usable(const struct fs_sub *sub)
{
	enum fs_sub_state s = fs_sub_state(sub);

	return s == FS_SUB_PROBED || s == FS_SUB_CONFIGURED ||
		s == FS_SUB_STARTED;
}

bool
fs_sub_configured(const struct fs_sub *sub)
{
	enum fs_sub_state s = fs_sub_state(sub);

	return s == FS_SUB_CONFIGURED || s == FS_SUB_STARTED;
}

bool
fs_sub_port_open(const struct fs_sub *sub)
{
	return fs_sub_usable(sub) || fs_sub_state(sub) == FS_SUB_RETIRING;
}

bool
fs_sub_leaving(const struct fs_sub *sub)
{
	enum fs_sub_state s = fs_sub_state(sub);

	return s == FS_SUB_RETIRING || s == FS_SUB_CLOSING;
}

bool
fs_sub_unlocked_step(const struct fs_sub *sub)
{
	enum fs_sub_state s = fs_sub_state(sub);

	return s == FS_SUB_PROBING || s == FS_SUB_CONFIGURING ||
		s == FS_SUB_STARTING;
}
