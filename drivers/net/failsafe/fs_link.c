/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Floor 2 (switching): the port's link follows the sub-device TX leads
 * with, and the application hears of a change (LSC) outside the lock.
 */

#include <string.h>

#include "fs_private.h"

/*
 * Link of the TX sub-device, which leads because its link is up; down
 * when no active sub-device has a link.
 */
void
fs_link_refresh(struct fs_priv *priv)
{
	const struct fs_active *set = priv->active;
	struct rte_eth_link link;

	memset(&link, 0, sizeof(link));
	link.link_autoneg = RTE_ETH_LINK_AUTONEG;
	if (set->nb_paths > 0) {
		const struct fs_sub *sub = &priv->subs[set->sub_idx[0]];

		if (rte_eth_link_get_nowait(sub->port_id, &link) != 0)
			memset(&link, 0, sizeof(link));
		link.link_status = sub->link_ok ? RTE_ETH_LINK_UP :
			RTE_ETH_LINK_DOWN;
	}
	if (rte_eth_linkstatus_set(priv->dev, &link) == 0 &&
	    priv->dev->data->dev_conf.intr_conf.lsc)
		priv->lsc_pending = true;
}

/* Lock not held: the application's callback may call into the port. */
void
fs_lsc_emit_pending(struct fs_priv *priv)
{
	if (__atomic_exchange_n(&priv->lsc_pending, false, __ATOMIC_ACQ_REL))
		rte_eth_dev_callback_process(priv->dev, RTE_ETH_EVENT_INTR_LSC,
					     NULL);
}
