/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Replay: give a sub-device that joins late the port's live configuration.
 * The source of truth is fs_config, which every op writes under both
 * port locks (ethdev's port data is written after the op returned, so an
 * ADD replayed in between would read the old value), plus the rest of
 * the application's dev_conf.  A join replays under cfg_lock alone
 * (fs_sub_configure_unlocked), other callers under the port lock.  Each
 * setting is given by the function the port's op uses too (fs_settings.c,
 * fs_rss.c, fs_queue.c), so a sub-device is refused here for what the op
 * would refuse while it is present.  Any step that fails refuses the
 * sub-device with the reason; the port keeps running without it.
 */

#include <errno.h>
#include <string.h>

#include "fs_private.h"

static void
fs_conf_for_sub(const struct fs_sub *sub, const struct rte_eth_dev_info *info,
		uint32_t dev_flags, struct rte_eth_conf *conf)
{
	const struct fs_priv *priv = sub->priv;

	*conf = priv->dev->data->dev_conf;
	conf->rxmode.mtu = priv->cfg.mtu;
	conf->rxmode.offloads = priv->cfg.rx_offloads;
	/* Interrupts the sub-device can raise are ours to consume. */
	conf->intr_conf.lsc = !!(dev_flags & RTE_ETH_DEV_INTR_LSC);
	conf->intr_conf.rmv = !!(dev_flags & RTE_ETH_DEV_INTR_RMV);
	/* Our copy: dev_conf's rss_key points into the application. */
	fs_rss_fit(sub, info, &conf->rx_adv_conf.rss_conf, true);
}

int
fs_replay_config(struct fs_sub *sub)
{
	struct fs_priv *priv = sub->priv;
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	int ret;

	ret = rte_eth_dev_info_get(sub->port_id, &info);
	if (ret < 0)
		return fs_sub_fail(sub, ret, "cannot read device info");
	if (priv->nb_rxq > info.max_rx_queues || priv->nb_txq > info.max_tx_queues)
		return fs_sub_fail(sub, -EINVAL,
				   "refused: port uses %u rx / %u tx queues, sub-device has at most %u / %u",
				   priv->nb_rxq, priv->nb_txq,
				   info.max_rx_queues, info.max_tx_queues);
	/* What configure carries, checked first to say why it cannot. */
	ret = fs_setting_join_check(sub, &fs_setting_mtu, NULL);
	if (ret == 0)
		ret = fs_setting_join_check(sub, &fs_setting_rss, NULL);
	if (ret < 0)
		return ret;
	fs_conf_for_sub(sub, &info, rte_eth_devices[sub->port_id].data->dev_flags,
			&conf);
	ret = rte_eth_dev_configure(sub->port_id, priv->nb_rxq, priv->nb_txq,
				    &conf);
	if (ret < 0)
		return fs_sub_fail(sub, ret, "refused: configure failed: %s",
				   rte_strerror(-ret));
	fs_rss_replay_unsized_key(sub);
	/*
	 * rxmode.mtu only tells ethdev what the MTU is: PMDs over a kernel
	 * interface (af_packet, tap, af_xdp) change the interface in mtu_set
	 * alone, so a device that joins late would keep its own MTU.
	 */
	return fs_setting_join(sub, &fs_setting_mtu, NULL);
}

/* Before the sub-device's start: what filters its traffic. */
int
fs_replay_filters(struct fs_sub *sub)
{
	int ret;

	ret = fs_replay_mac_addrs(sub);
	if (ret == 0)
		ret = fs_setting_join(sub, &fs_setting_promisc, NULL);
	if (ret == 0)
		ret = fs_setting_join(sub, &fs_setting_allmulti, NULL);
	if (ret == 0)
		ret = fs_replay_vlan(sub);
	if (ret == 0)
		ret = fs_setting_join(sub, &fs_setting_reta, NULL);
	return ret;
}

/* After its start: flows, queue states and a link set down. */
int
fs_replay_after_start(struct fs_sub *sub)
{
	int ret = fs_flow_replay(sub);

	if (ret == 0)
		ret = fs_replay_queue_states(sub);
	if (ret == 0 && sub->priv->cfg.link_down)
		ret = fs_setting_join(sub, &fs_setting_link, NULL);
	return ret;
}
