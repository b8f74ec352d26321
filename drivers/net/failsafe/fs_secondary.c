/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * What a secondary process may do with a fail-safe port: look, not touch.
 *
 * The port's private data is shared memory, but what it points to (the
 * active set, the learned xstat names, the queues' views) is the
 * primary's heap, and the port lock is what the primary's monitor and
 * alarm need to fail over: a secondary that died, or stopped, holding
 * it would freeze the primary.  So a secondary gets its own ops table:
 * nothing in it takes the lock, follows a primary pointer or writes the
 * shared data.  Every op not listed is refused by ethdev with -ENOTSUP.
 */

#include "fs_private.h"

static int
fs_sec_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	fs_infos_fill(fs_priv(dev), info);
	return 0;
}

/* The primary keeps data->dev_link current; ethdev copies it after this. */
static int
fs_sec_link_update(struct rte_eth_dev *dev, int wait_to_complete)
{
	RTE_SET_USED(dev);
	RTE_SET_USED(wait_to_complete);
	return 0;
}

/* The primary owns the port: a secondary only lets go of its own view. */
static int
fs_sec_close(struct rte_eth_dev *dev)
{
	RTE_SET_USED(dev);
	return 0;
}

const struct eth_dev_ops fs_secondary_ops = {
	.dev_close = fs_sec_close,
	.dev_infos_get = fs_sec_infos_get,
	.link_update = fs_sec_link_update,
	.fw_version_get = fs_fw_version_get,
	.stats_get = fs_stats_get_shared,
	.xstats_get = fs_xstats_get_shared,
	.xstats_get_names = fs_xstats_get_names_shared,
};
