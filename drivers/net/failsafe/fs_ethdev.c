/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * ethdev ops of the port's life: what it can do (info), configure,
 * start, stop, close and its link; and the ops table.  The settings ops
 * (modes, MAC, MTU, VLAN, RSS, queues) are in fs_settings.c, fs_rss.c
 * and fs_queue.c, each with the one function that gives that setting to
 * a sub-device, for the op and for replay alike.
 */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "fs_private.h"
#include "fs_alarm.h"

static void
fs_info_defaults(struct rte_eth_dev_info *info)
{
	info->max_rx_queues = FS_MAX_QUEUES;
	info->max_tx_queues = FS_MAX_QUEUES;
	info->max_mac_addrs = FS_MAX_MAC;
	info->max_rx_pktlen = UINT32_MAX;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = UINT16_MAX;
	info->rx_desc_lim.nb_max = UINT16_MAX;
	info->tx_desc_lim.nb_max = UINT16_MAX;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim.nb_align = 1;
}

static void
fs_desc_lim_meet(struct rte_eth_desc_lim *acc, const struct rte_eth_desc_lim *l)
{
	acc->nb_max = RTE_MIN(acc->nb_max, l->nb_max);
	acc->nb_min = RTE_MAX(acc->nb_min, l->nb_min);
	acc->nb_align = RTE_MAX(acc->nb_align, l->nb_align);
}

/* What every present sub-device can do: an application can count on it. */
static void
fs_info_meet(struct rte_eth_dev_info *acc, const struct rte_eth_dev_info *s,
	     bool first)
{
	acc->max_rx_queues = RTE_MIN(acc->max_rx_queues, s->max_rx_queues);
	acc->max_tx_queues = RTE_MIN(acc->max_tx_queues, s->max_tx_queues);
	acc->max_mac_addrs = RTE_MIN(acc->max_mac_addrs, s->max_mac_addrs);
	acc->max_rx_pktlen = RTE_MIN(acc->max_rx_pktlen, s->max_rx_pktlen);
	acc->min_mtu = RTE_MAX(acc->min_mtu, s->min_mtu);
	acc->max_mtu = RTE_MIN(acc->max_mtu, s->max_mtu);
	acc->min_rx_bufsize = RTE_MAX(acc->min_rx_bufsize, s->min_rx_bufsize);
	fs_desc_lim_meet(&acc->rx_desc_lim, &s->rx_desc_lim);
	fs_desc_lim_meet(&acc->tx_desc_lim, &s->tx_desc_lim);
	if (first) {
		acc->rx_offload_capa = s->rx_offload_capa;
		acc->tx_offload_capa = s->tx_offload_capa;
		acc->rx_queue_offload_capa = s->rx_queue_offload_capa;
		acc->tx_queue_offload_capa = s->tx_queue_offload_capa;
		acc->flow_type_rss_offloads = s->flow_type_rss_offloads;
		acc->hash_key_size = s->hash_key_size;
		acc->reta_size = s->reta_size;
		acc->speed_capa = s->speed_capa;
		acc->default_rxconf = s->default_rxconf;
		acc->default_txconf = s->default_txconf;
		acc->default_rxportconf = s->default_rxportconf;
		acc->default_txportconf = s->default_txportconf;
		fs_compat_rss_algo_meet(acc, s, true);
		return;
	}
	acc->rx_offload_capa &= s->rx_offload_capa;
	acc->tx_offload_capa &= s->tx_offload_capa;
	acc->rx_queue_offload_capa &= s->rx_queue_offload_capa;
	acc->tx_queue_offload_capa &= s->tx_queue_offload_capa;
	acc->flow_type_rss_offloads &= s->flow_type_rss_offloads;
	acc->hash_key_size = RTE_MIN(acc->hash_key_size, s->hash_key_size);
	if (acc->reta_size != s->reta_size)
		acc->reta_size = 0;
	acc->speed_capa &= s->speed_capa;
	fs_compat_rss_algo_meet(acc, s, false);
}

/*
 * What every present sub-device can do.  Reads only the shared private
 * data and ethdev's shared port ids, so a secondary process may call it
 * without the lock; a sub-device going away meanwhile fails its
 * rte_eth_dev_info_get and is left out.
 */
void
fs_infos_fill(struct fs_priv *priv, struct rte_eth_dev_info *info)
{
	struct rte_eth_dev_info si;
	struct fs_sub *sub;
	bool first = true;

	fs_info_defaults(info);
	FS_FOREACH_SUB(priv, sub) {
		uint16_t port_id = __atomic_load_n(&sub->port_id, __ATOMIC_RELAXED);

		if (!fs_sub_usable(sub) || port_id >= RTE_MAX_ETHPORTS ||
		    rte_eth_dev_info_get(port_id, &si) != 0)
			continue;
		fs_info_meet(info, &si, first);
		first = false;
	}
	info->rx_offload_capa &= ~RTE_ETH_RX_OFFLOAD_TIMESTAMP;
	info->dev_capa &= ~(RTE_ETH_DEV_CAPA_RUNTIME_RX_QUEUE_SETUP |
			    RTE_ETH_DEV_CAPA_RUNTIME_TX_QUEUE_SETUP);
}

static int
fs_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct fs_priv *priv = fs_priv(dev);

	pthread_mutex_lock(&priv->lock);
	fs_infos_fill(priv, info);
	pthread_mutex_unlock(&priv->lock);
	return 0;
}

static int
fs_dev_configure(struct rte_eth_dev *dev)
{
	struct fs_priv *priv = fs_priv(dev);
	const struct rte_eth_rss_conf *rss = &dev->data->dev_conf.rx_adv_conf.rss_conf;
	struct fs_sub *sub;
	unsigned int tried = 0, ok = 0;

	if (!fs_rss_key_fits(&priv->cfg, rss)) {
		FS_PORT_LOG(ERR, priv, "RSS key of %u bytes: at most %zu",
			    rss->rss_key_len, sizeof(priv->cfg.rss_key));
		return -EINVAL;
	}
	fs_config_lock(priv);
	priv->cfg.configured = true;
	/* ethdev set data->mtu from rxmode.mtu before calling us. */
	priv->cfg.mtu = dev->data->mtu;
	/* ethdev released the queues past the new counts already. */
	priv->nb_rxq = dev->data->nb_rx_queues;
	priv->nb_txq = dev->data->nb_tx_queues;
	/*
	 * A new configuration resets RSS as on hardware: its rss_conf wins
	 * over an earlier hash update, and a RETA recorded for the old
	 * queue count would be refused by every sub-device.
	 */
	fs_rss_conf_record(&priv->cfg, rss);
	/* Its own VLAN offloads too: an earlier vlan_offload_set is gone. */
	priv->cfg.rx_offloads = dev->data->dev_conf.rxmode.offloads;
	priv->cfg.vlan_offload_set = false;
	priv->cfg.reta_size = 0;
	memset(priv->cfg.reta, 0, sizeof(priv->cfg.reta));
	FS_FOREACH_SUB(priv, sub) {
		if (!fs_sub_usable(sub))
			continue;
		tried++;
		if (sub->state == FS_SUB_CONFIGURED)
			fs_sub_set_state(sub, FS_SUB_PROBED, "port reconfigured");
		if (fs_sub_configure(sub) == 0)
			ok++;
		else
			fs_sub_teardown(sub);
	}
	if (tried > 0 && ok == 0) {
		/* ethdev rolls back to no queue at all: so do we. */
		priv->cfg.configured = false;
		priv->nb_rxq = priv->nb_txq = 0;
	}
	fs_config_unlock(priv);
	if (tried > 0 && ok == 0) {
		FS_PORT_LOG(ERR, priv, "no sub-device accepts this configuration");
		return -EINVAL;
	}
	return 0;
}

/* A queue set up with deferred start stays stopped until started. */
static uint8_t
fs_queue_start_state(const struct fs_queue *q)
{
	bool deferred;

	if (q == NULL)
		return RTE_ETH_QUEUE_STATE_STOPPED;
	deferred = q->is_tx ? q->txconf.tx_deferred_start :
		q->rxconf.rx_deferred_start;
	return deferred ? RTE_ETH_QUEUE_STATE_STOPPED :
		RTE_ETH_QUEUE_STATE_STARTED;
}

static int
fs_dev_start(struct rte_eth_dev *dev)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_sub *sub;
	unsigned int nb_started = 0;
	uint16_t i;

	fs_config_lock(priv);
	priv->started = true;
	/*
	 * Before the sub-devices join: their replay stops every queue the
	 * port shows as stopped.
	 */
	for (i = 0; i < priv->nb_rxq; i++)
		dev->data->rx_queue_state[i] = fs_queue_start_state(priv->rxq[i]);
	for (i = 0; i < priv->nb_txq; i++)
		dev->data->tx_queue_state[i] = fs_queue_start_state(priv->txq[i]);
	/*
	 * The joins take cfg_lock for each replay, as the worker's do: held
	 * across them, it would keep the worker's replay and other ops
	 * waiting for a probe or a start.
	 */
	pthread_mutex_unlock(&priv->cfg_lock);
	FS_FOREACH_SUB(priv, sub) {
		if (!fs_sub_leaving(sub) && fs_sub_join(sub) == 0 &&
		    sub->state == FS_SUB_STARTED)
			nb_started++;
	}
	fs_switch_publish(priv, 0);
	fs_link_refresh(priv);
	priv->next_poll_ns = fs_time_ns() + priv->args.hotplug_poll_ms * 1000000ULL;
	fs_deferred_run(priv, NULL);
	pthread_mutex_unlock(&priv->lock);
	if (nb_started == 0)
		FS_PORT_LOG(WARNING, priv, "started with no healthy sub-device; traffic flows when one joins");
	fs_lsc_emit_pending(priv);
	return 0;
}

static int
fs_dev_stop(struct rte_eth_dev *dev)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_sub *sub;
	uint16_t i;

	fs_config_lock(priv);
	priv->started = false;
	fs_switch_publish(priv, 0);
	FS_FOREACH_SUB(priv, sub) {
		if (sub->state != FS_SUB_STARTED)
			continue;
		rte_eth_dev_stop(sub->port_id);
		fs_sub_set_state(sub, FS_SUB_CONFIGURED, "port stopped");
	}
	for (i = 0; i < priv->nb_rxq; i++)
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	for (i = 0; i < priv->nb_txq; i++)
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	fs_link_refresh(priv);
	fs_config_unlock(priv);
	fs_lsc_emit_pending(priv);
	return 0;
}

static int
fs_dev_close(struct rte_eth_dev *dev)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_sub *sub;
	uint16_t i;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	fs_hotplug_detach(priv);
	/* A running port alarm may need the lock to finish: cancel first. */
	__atomic_store_n(&priv->closing, true, __ATOMIC_RELEASE);
	fs_alarm_cancel(priv);
	/* Nothing queues for it now: drop its ADDs, wait for a running one. */
	fs_worker_cancel(priv);
	/* Releases in flight: bounded, a stuck one is left behind. */
	fs_release_drain(priv, false);
	pthread_mutex_lock(&priv->lock);
	fs_release_reap(priv);
	priv->started = false;
	fs_switch_fini(priv);
	FS_FOREACH_SUB(priv, sub) {
		fs_unplug_settle(sub, NULL);
		fs_sub_teardown(sub);
		fs_sub_callbacks_reap(sub);
		fs_registry_forget(sub);
		fs_unplug_free(sub);
	}
	fs_flow_free_all(priv);
	fs_xstats_forget(priv);
	for (i = 0; i < FS_MAX_QUEUES; i++) {
		rte_free(priv->rxq[i]);
		rte_free(priv->txq[i]);
		priv->rxq[i] = priv->txq[i] = NULL;
	}
	for (i = 0; i < dev->data->nb_rx_queues && dev->data->rx_queues != NULL; i++)
		dev->data->rx_queues[i] = NULL;
	for (i = 0; i < dev->data->nb_tx_queues && dev->data->tx_queues != NULL; i++)
		dev->data->tx_queues[i] = NULL;
	pthread_mutex_unlock(&priv->lock);
	/* A release stuck now hands its port to the release owner first. */
	fs_release_drain(priv, true);
	rte_eth_dev_owner_delete(priv->owner.id);
	/* A release that ended meanwhile kicked the alarm: no run after this. */
	fs_alarm_cancel(priv);
	pthread_mutex_destroy(&priv->lock);
	pthread_mutex_destroy(&priv->cfg_lock);
	/* No alarm runs any more: nobody else touches the commands. */
	fs_subs_exec_stop(priv);
	if (priv->sigbus_on)
		hotplug_sigbus_uninstall();
	priv->sigbus_on = false;
	fs_worker_put();
	FS_PORT_LOG(INFO, priv, "closed");
	return 0;
}

static int
fs_link_update(struct rte_eth_dev *dev, int wait_to_complete)
{
	struct fs_priv *priv = fs_priv(dev);

	RTE_SET_USED(wait_to_complete);
	pthread_mutex_lock(&priv->lock);
	fs_link_refresh(priv);
	pthread_mutex_unlock(&priv->lock);
	fs_lsc_emit_pending(priv);
	return 0;
}

static int
fs_set_link(struct rte_eth_dev *dev, bool up)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_sub *failed;
	bool old;
	int ret;

	pthread_mutex_lock(&priv->lock);
	old = priv->cfg.link_down;
	priv->cfg.link_down = !up;
	ret = fs_settings_apply(priv, &fs_setting_link, NULL, &failed);
	if (ret < 0) {
		priv->cfg.link_down = old;
		fs_settings_undo(priv, &fs_setting_link, NULL, failed);
	}
	fs_link_refresh(priv);
	pthread_mutex_unlock(&priv->lock);
	fs_lsc_emit_pending(priv);
	return ret;
}

static int
fs_set_link_up(struct rte_eth_dev *dev)
{
	return fs_set_link(dev, true);
}

static int
fs_set_link_down(struct rte_eth_dev *dev)
{
	return fs_set_link(dev, false);
}

int
fs_fw_version_get(struct rte_eth_dev *dev, char *fw, size_t size)
{
	int n = snprintf(fw, size, "%s", FS_VERSION);

	RTE_SET_USED(dev);
	return (size_t)n < size ? 0 : n + 1;
}

static int
fs_flow_ops_get(struct rte_eth_dev *dev, const struct rte_flow_ops **ops)
{
	RTE_SET_USED(dev);
	*ops = &fs_flow_ops;
	return 0;
}

#ifdef FS_HAS_GET_RESTORE_FLAGS
/*
 * Every sub-device that joins, at start or at hotplug, is given the
 * port's MAC list and modes from fs_config before it starts.  ethdev
 * re-applying data->mac_addrs and the modes through our ops after
 * dev_start would do it a second time, and a sub-device refusing that
 * redundant pass would stop the whole port.
 */
static uint64_t
fs_get_restore_flags(struct rte_eth_dev *dev, enum rte_eth_dev_operation op)
{
	RTE_SET_USED(dev);
	RTE_SET_USED(op);
	return 0;
}
#endif

const struct eth_dev_ops fs_ops = {
	.dev_configure = fs_dev_configure,
	.dev_start = fs_dev_start,
	.dev_stop = fs_dev_stop,
	.dev_set_link_up = fs_set_link_up,
	.dev_set_link_down = fs_set_link_down,
	.dev_close = fs_dev_close,
	.promiscuous_enable = fs_promisc_enable,
	.promiscuous_disable = fs_promisc_disable,
	.allmulticast_enable = fs_allmulti_enable,
	.allmulticast_disable = fs_allmulti_disable,
	.link_update = fs_link_update,
	.stats_get = fs_stats_get,
	.stats_reset = fs_stats_reset,
	.xstats_get = fs_xstats_get,
	.xstats_get_names = fs_xstats_get_names,
	.xstats_reset = fs_xstats_reset,
	.fw_version_get = fs_fw_version_get,
	.dev_infos_get = fs_dev_infos_get,
	.mtu_set = fs_mtu_set,
	.vlan_filter_set = fs_vlan_filter_set,
	.vlan_offload_set = fs_vlan_offload_set,
	.rx_queue_start = fs_rx_queue_start,
	.rx_queue_stop = fs_rx_queue_stop,
	.tx_queue_start = fs_tx_queue_start,
	.tx_queue_stop = fs_tx_queue_stop,
	.rx_queue_setup = fs_rx_queue_setup,
	.rx_queue_release = fs_rx_queue_release,
	.tx_queue_setup = fs_tx_queue_setup,
	.tx_queue_release = fs_tx_queue_release,
	.mac_addr_remove = fs_mac_addr_remove,
	.mac_addr_add = fs_mac_addr_add,
	.mac_addr_set = fs_mac_addr_set,
	.reta_update = fs_reta_update,
	.reta_query = fs_reta_query,
	.rss_hash_update = fs_rss_hash_update,
	.rss_hash_conf_get = fs_rss_hash_conf_get,
	.flow_ops_get = fs_flow_ops_get,
#ifdef FS_HAS_GET_RESTORE_FLAGS
	.get_restore_flags = fs_get_restore_flags,
#endif
};
