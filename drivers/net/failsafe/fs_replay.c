/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Replay: give a sub-device that joins late the port's live configuration.
 * The source of truth is fs_config, which every op writes under the port
 * lock (ethdev's port data is written after the op returned, so an ADD
 * replayed in between would read the old value), plus the rest of the
 * application's dev_conf.  Any step that fails refuses the sub-device
 * with the reason; the port keeps running without it.
 */

#include <errno.h>
#include <string.h>

#include "fs_private.h"

/*
 * A key of another length than the sub-device's is refused by its
 * configure (ethdev checks it since 23.11): it hashes with its own key
 * rather than not forwarding at all.
 */
static void
fs_rss_for_sub(const struct fs_sub *sub, const struct rte_eth_dev_info *info,
	       struct rte_eth_rss_conf *rss)
{
	rss->rss_hf &= info->flow_type_rss_offloads;
	if (rss->rss_key == NULL || rss->rss_key_len == info->hash_key_size)
		return;
	FS_PORT_LOG(WARNING, sub->priv, "sub-device %u takes %u-byte RSS keys, not %u: it keeps its own key",
		    sub->idx, info->hash_key_size, rss->rss_key_len);
	rss->rss_key = NULL;
	rss->rss_key_len = 0;
}

static void
fs_conf_for_sub(const struct fs_sub *sub, const struct rte_eth_dev_info *info,
		uint32_t dev_flags, struct rte_eth_conf *conf)
{
	const struct fs_priv *priv = sub->priv;

	*conf = priv->dev->data->dev_conf;
	conf->rxmode.mtu = priv->cfg.mtu;
	/* Interrupts the sub-device can raise are ours to consume. */
	conf->intr_conf.lsc = !!(dev_flags & RTE_ETH_DEV_INTR_LSC);
	conf->intr_conf.rmv = !!(dev_flags & RTE_ETH_DEV_INTR_RMV);
	/* Our copy: dev_conf's rss_key points into the application. */
	conf->rx_adv_conf.rss_conf = priv->cfg.rss;
	fs_rss_for_sub(sub, info, &conf->rx_adv_conf.rss_conf);
}

/*
 * rxmode.mtu only tells ethdev what the MTU is: PMDs over a kernel
 * interface (af_packet, tap, af_xdp) change the interface in mtu_set
 * alone, so a device that joins late would keep its own MTU.
 */
static int
fs_replay_mtu(struct fs_sub *sub, uint16_t mtu)
{
	int ret = rte_eth_dev_set_mtu(sub->port_id, mtu);

	if (ret == -ENOTSUP) {
		FS_PORT_LOG(WARNING, sub->priv, "sub-device %u cannot set its MTU; it keeps its own",
			    sub->idx);
		return 0;
	}
	if (ret < 0)
		return fs_sub_fail(sub, ret, "refused: MTU %u: %s", mtu,
				   rte_strerror(-ret));
	return 0;
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
	fs_conf_for_sub(sub, &info, rte_eth_devices[sub->port_id].data->dev_flags,
			&conf);
	ret = rte_eth_dev_configure(sub->port_id, priv->nb_rxq, priv->nb_txq,
				    &conf);
	if (ret < 0)
		return fs_sub_fail(sub, ret, "refused: configure failed: %s",
				   rte_strerror(-ret));
	return fs_replay_mtu(sub, priv->cfg.mtu);
}

static uint16_t
fs_desc_fit(uint16_t n, const struct rte_eth_desc_lim *lim)
{
	if (lim->nb_max != 0 && n > lim->nb_max)
		n = lim->nb_max;
	if (n < lim->nb_min)
		n = lim->nb_min;
	if (lim->nb_align > 1)
		n = RTE_ALIGN_CEIL(n, lim->nb_align);
	return n;
}

int
fs_replay_queues(struct fs_sub *sub)
{
	const struct fs_priv *priv = sub->priv;
	struct rte_eth_dev_info info;
	uint16_t i;
	int ret;

	ret = rte_eth_dev_info_get(sub->port_id, &info);
	if (ret < 0)
		return fs_sub_fail(sub, ret, "cannot read device info");
	for (i = 0; i < priv->nb_rxq; i++) {
		const struct fs_queue *q = priv->rxq[i];

		if (q == NULL)
			continue;
		ret = rte_eth_rx_queue_setup(sub->port_id, i,
				fs_desc_fit(q->nb_desc, &info.rx_desc_lim),
				q->socket_id, &q->rxconf, q->mp);
		if (ret < 0)
			return fs_sub_fail(sub, ret, "refused: rx queue %u setup: %s",
					   i, rte_strerror(-ret));
	}
	for (i = 0; i < priv->nb_txq; i++) {
		const struct fs_queue *q = priv->txq[i];

		if (q == NULL)
			continue;
		ret = rte_eth_tx_queue_setup(sub->port_id, i,
				fs_desc_fit(q->nb_desc, &info.tx_desc_lim),
				q->socket_id, &q->txconf);
		if (ret < 0)
			return fs_sub_fail(sub, ret, "refused: tx queue %u setup: %s",
					   i, rte_strerror(-ret));
	}
	return 0;
}

/* Extra MAC entries that were removed are zero: replay exactly the live set. */
static int
fs_replay_mac_addrs(struct fs_sub *sub)
{
	struct rte_ether_addr *mac = sub->priv->cfg.mac;
	struct rte_ether_addr cur;
	unsigned int i;
	int ret;

	if (rte_eth_macaddr_get(sub->port_id, &cur) == 0 &&
	    !rte_is_same_ether_addr(&cur, &mac[0])) {
		ret = rte_eth_dev_default_mac_addr_set(sub->port_id, &mac[0]);
		if (ret == -ENOTSUP)
			FS_PORT_LOG(WARNING, sub->priv, "sub-device %u cannot change its MAC; it keeps its own",
				    sub->idx);
		else if (ret < 0)
			return fs_sub_fail(sub, ret, "refused: MAC address: %s",
					   rte_strerror(-ret));
	}
	for (i = 1; i < FS_MAX_MAC; i++) {
		if (rte_is_zero_ether_addr(&mac[i]))
			continue;
		ret = rte_eth_dev_mac_addr_add(sub->port_id, &mac[i], 0);
		if (ret < 0)
			return fs_sub_fail(sub, ret, "refused: extra MAC %u: %s",
					   i, rte_strerror(-ret));
	}
	return 0;
}

static int
fs_replay_mode(struct fs_sub *sub, bool on, int (*enable)(uint16_t),
	       int (*disable)(uint16_t), const char *what)
{
	int ret = on ? enable(sub->port_id) : disable(sub->port_id);

	/* Not being able to turn off a mode does not lose traffic. */
	if (ret == -ENOTSUP && !on)
		return 0;
	if (ret < 0)
		return fs_sub_fail(sub, ret, "refused: %s %s: %s", what,
				   on ? "on" : "off", rte_strerror(-ret));
	return 0;
}

static int
fs_replay_vlan(struct fs_sub *sub)
{
	const struct fs_config *cfg = &sub->priv->cfg;
	unsigned int w, b;
	int ret;

	if (cfg->vlan_offload_set) {
		ret = rte_eth_dev_set_vlan_offload(sub->port_id,
						   cfg->vlan_offload_mask);
		if (ret < 0)
			return fs_sub_fail(sub, ret, "refused: VLAN offload: %s",
					   rte_strerror(-ret));
	}
	for (w = 0; w < FS_VLAN_WORDS; w++) {
		for (b = 0; cfg->vlan_filter[w] != 0 && b < 64; b++) {
			if (!(cfg->vlan_filter[w] & RTE_BIT64(b)))
				continue;
			ret = rte_eth_dev_vlan_filter(sub->port_id, w * 64 + b, 1);
			if (ret < 0)
				return fs_sub_fail(sub, ret, "refused: VLAN filter %u: %s",
						   w * 64 + b, rte_strerror(-ret));
		}
	}
	return 0;
}

static int
fs_replay_reta(struct fs_sub *sub)
{
	struct fs_config *cfg = &sub->priv->cfg;
	struct rte_eth_dev_info info;
	int ret;

	if (cfg->reta_size == 0)
		return 0;
	ret = rte_eth_dev_info_get(sub->port_id, &info);
	if (ret < 0 || info.reta_size != cfg->reta_size)
		return fs_sub_fail(sub, -EINVAL, "refused: RETA of %u entries does not fit the sub-device's %u",
				   cfg->reta_size, info.reta_size);
	ret = rte_eth_dev_rss_reta_update(sub->port_id, cfg->reta, cfg->reta_size);
	if (ret < 0)
		return fs_sub_fail(sub, ret, "refused: RETA: %s", rte_strerror(-ret));
	return 0;
}

int
fs_replay_filters(struct fs_sub *sub)
{
	const struct fs_config *cfg = &sub->priv->cfg;
	int ret;

	ret = fs_replay_mac_addrs(sub);
	if (ret == 0)
		ret = fs_replay_mode(sub, cfg->promisc,
				     rte_eth_promiscuous_enable,
				     rte_eth_promiscuous_disable, "promiscuous");
	if (ret == 0)
		ret = fs_replay_mode(sub, cfg->allmulti,
				     rte_eth_allmulticast_enable,
				     rte_eth_allmulticast_disable, "all-multicast");
	if (ret == 0)
		ret = fs_replay_vlan(sub);
	if (ret == 0)
		ret = fs_replay_reta(sub);
	return ret;
}

static int
fs_replay_queue_states(struct fs_sub *sub)
{
	const struct fs_priv *priv = sub->priv;
	const struct rte_eth_dev_data *data = priv->dev->data;
	uint16_t i;

	for (i = 0; i < priv->nb_rxq; i++)
		if (data->rx_queue_state[i] == RTE_ETH_QUEUE_STATE_STOPPED)
			rte_eth_dev_rx_queue_stop(sub->port_id, i);
	for (i = 0; i < priv->nb_txq; i++)
		if (data->tx_queue_state[i] == RTE_ETH_QUEUE_STATE_STOPPED)
			rte_eth_dev_tx_queue_stop(sub->port_id, i);
	return 0;
}

int
fs_replay_after_start(struct fs_sub *sub)
{
	int ret = fs_flow_replay(sub);

	if (ret == 0)
		ret = fs_replay_queue_states(sub);
	if (ret == 0 && sub->priv->cfg.link_down)
		rte_eth_dev_set_link_down(sub->port_id);
	return ret;
}
