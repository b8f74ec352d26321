/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * ethdev ops: each takes the port lock, applies the request to every
 * sub-device that has the configuration (rolling back on failure, so a
 * refused change leaves nothing half done), and records what it applied
 * in fs_config before it lets the lock go: replay reads fs_config only,
 * never ethdev's port data, which ethdev writes after the op returned.
 */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "fs_private.h"
#include "fs_alarm.h"

typedef int (*fs_sub_fn)(uint16_t port_id, const void *arg);

/* A refusal that says what the sub-device is, not what went wrong. */
static void
fs_apply_log(struct fs_sub *sub, int ret, uint8_t cap_bit, const char *cap)
{
	struct fs_priv *priv = sub->priv;

	if (ret != -ENOTSUP || cap_bit == 0) {
		FS_PORT_LOG(ERR, priv, "sub-device %u (%s) refused the change: %s",
			    sub->idx, sub->dev_name, rte_strerror(-ret));
		return;
	}
	/* Asked again at every port start (OVS): once is enough. */
	if (sub->notsup_logged & cap_bit)
		return;
	sub->notsup_logged |= cap_bit;
	FS_PORT_LOG(INFO, priv, "sub-device %u (%s) cannot do %s: the port cannot either while it is present",
		    sub->idx, sub->dev_name, cap);
}

/*
 * Apply fn to every configured sub-device; on the first failure undo the
 * ones already done and return the error.  -ENOTSUP from a sub-device is
 * an error only when tolerate_enotsup is false; with a cap_bit it is a
 * capability the sub-device lacks, logged once per sub-device.
 */
static int
fs_apply_cap(struct fs_priv *priv, fs_sub_fn fn, const void *arg,
	     fs_sub_fn undo, const void *undo_arg, bool tolerate_enotsup,
	     uint8_t cap_bit, const char *cap)
{
	struct fs_sub *sub, *done;
	int ret;

	FS_FOREACH_SUB(priv, sub) {
		if (!fs_sub_configured(sub))
			continue;
		ret = fn(sub->port_id, arg);
		if (ret == -ENOTSUP && tolerate_enotsup)
			continue;
		if (ret < 0)
			goto undo;
	}
	return 0;
undo:
	fs_apply_log(sub, ret, cap_bit, cap);
	for (done = &priv->subs[0]; undo != NULL && done < sub; done++)
		if (fs_sub_configured(done))
			undo(done->port_id, undo_arg);
	return ret;
}

static int
fs_apply(struct fs_priv *priv, fs_sub_fn fn, const void *arg,
	 fs_sub_fn undo, const void *undo_arg, bool tolerate_enotsup)
{
	return fs_apply_cap(priv, fn, arg, undo, undo_arg, tolerate_enotsup,
			    0, NULL);
}

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

/*
 * ethdev keeps the application's rss_key pointer and never copies the
 * key: a sub-device replayed at hotplug time, long after the
 * application freed it, must read our copy.
 */
static void
fs_rss_key_record(struct fs_config *cfg, const uint8_t *key, uint8_t len)
{
	memcpy(cfg->rss_key, key, len);
	cfg->rss.rss_key = cfg->rss_key;
	cfg->rss.rss_key_len = len;
}

static bool
fs_rss_key_fits(const struct fs_config *cfg, const struct rte_eth_rss_conf *conf)
{
	return conf->rss_key == NULL || conf->rss_key_len <= sizeof(cfg->rss_key);
}

static void
fs_rss_conf_record(struct fs_config *cfg, const struct rte_eth_rss_conf *conf)
{
	cfg->rss = *conf;
	cfg->rss.rss_key = NULL;
	cfg->rss.rss_key_len = 0;
	if (conf->rss_key != NULL)
		fs_rss_key_record(cfg, conf->rss_key, conf->rss_key_len);
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
	pthread_mutex_lock(&priv->lock);
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
	pthread_mutex_unlock(&priv->lock);
	if (tried > 0 && ok == 0) {
		FS_PORT_LOG(ERR, priv, "no sub-device accepts this configuration");
		return -EINVAL;
	}
	return 0;
}

static struct fs_queue *
fs_queue_new(struct fs_priv *priv, uint16_t qid, bool is_tx, uint16_t nb_desc,
	     unsigned int socket_id)
{
	struct fs_queue *q;

	q = rte_zmalloc_socket("fs_queue", sizeof(*q), RTE_CACHE_LINE_SIZE,
			       socket_id);
	if (q == NULL)
		return NULL;
	q->view = &fs_empty_view;
	q->qsbr = priv->qsbr;
	q->priv = priv;
	q->qid = qid;
	q->is_tx = is_tx;
	q->nb_desc = nb_desc;
	q->socket_id = socket_id;
	q->reader_id = is_tx ? FS_MAX_QUEUES + qid : qid;
	rte_rcu_qsbr_thread_register(priv->qsbr, q->reader_id);
	return q;
}

static void
fs_queue_free(struct fs_priv *priv, struct fs_queue *q)
{
	if (q == NULL)
		return;
	rte_rcu_qsbr_thread_unregister(priv->qsbr, q->reader_id);
	rte_free(q);
}

static int
fs_sub_rxq_setup(uint16_t port_id, const void *arg)
{
	const struct fs_queue *q = arg;

	return rte_eth_rx_queue_setup(port_id, q->qid, q->nb_desc, q->socket_id,
				      &q->rxconf, q->mp);
}

static int
fs_sub_txq_setup(uint16_t port_id, const void *arg)
{
	const struct fs_queue *q = arg;

	return rte_eth_tx_queue_setup(port_id, q->qid, q->nb_desc, q->socket_id,
				      &q->txconf);
}

/* A sub-device that cannot take a queue is refused, not the application. */
static void
fs_queue_to_subs(struct fs_priv *priv, struct fs_queue *q)
{
	struct fs_sub *sub;
	int ret;

	FS_FOREACH_SUB(priv, sub) {
		if (!fs_sub_configured(sub))
			continue;
		ret = q->is_tx ? fs_sub_txq_setup(sub->port_id, q) :
			fs_sub_rxq_setup(sub->port_id, q);
		if (ret < 0) {
			fs_sub_fail(sub, ret, "refused: %s queue %u setup: %s",
				    q->is_tx ? "tx" : "rx", q->qid,
				    rte_strerror(-ret));
			fs_sub_teardown(sub);
		}
	}
}

static int
fs_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		  unsigned int socket_id, const struct rte_eth_rxconf *conf,
		  struct rte_mempool *mp)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_queue *q;

	pthread_mutex_lock(&priv->lock);
	q = fs_queue_new(priv, qid, false, nb_desc, socket_id);
	if (q == NULL) {
		pthread_mutex_unlock(&priv->lock);
		return -ENOMEM;
	}
	q->rxconf = *conf;
	q->mp = mp;
	dev->data->rx_queues[qid] = q;
	priv->rxq[qid] = q;
	fs_queue_to_subs(priv, q);
	pthread_mutex_unlock(&priv->lock);
	return 0;
}

static int
fs_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		  unsigned int socket_id, const struct rte_eth_txconf *conf)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_queue *q;

	pthread_mutex_lock(&priv->lock);
	q = fs_queue_new(priv, qid, true, nb_desc, socket_id);
	if (q == NULL) {
		pthread_mutex_unlock(&priv->lock);
		return -ENOMEM;
	}
	q->txconf = *conf;
	dev->data->tx_queues[qid] = q;
	priv->txq[qid] = q;
	fs_queue_to_subs(priv, q);
	pthread_mutex_unlock(&priv->lock);
	return 0;
}

static void
fs_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct fs_priv *priv = fs_priv(dev);

	pthread_mutex_lock(&priv->lock);
	fs_queue_free(priv, priv->rxq[qid]);
	priv->rxq[qid] = NULL;
	dev->data->rx_queues[qid] = NULL;
	pthread_mutex_unlock(&priv->lock);
}

static void
fs_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct fs_priv *priv = fs_priv(dev);

	pthread_mutex_lock(&priv->lock);
	fs_queue_free(priv, priv->txq[qid]);
	priv->txq[qid] = NULL;
	dev->data->tx_queues[qid] = NULL;
	pthread_mutex_unlock(&priv->lock);
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

	pthread_mutex_lock(&priv->lock);
	priv->started = true;
	/*
	 * Before the sub-devices join: their replay stops every queue the
	 * port shows as stopped.
	 */
	for (i = 0; i < priv->nb_rxq; i++)
		dev->data->rx_queue_state[i] = fs_queue_start_state(priv->rxq[i]);
	for (i = 0; i < priv->nb_txq; i++)
		dev->data->tx_queue_state[i] = fs_queue_start_state(priv->txq[i]);
	FS_FOREACH_SUB(priv, sub) {
		if (!fs_sub_leaving(sub) && fs_sub_join(sub) == 0 &&
		    sub->state == FS_SUB_STARTED)
			nb_started++;
	}
	fs_switch_publish(priv, 0);
	fs_link_refresh(priv);
	priv->next_poll_ns = fs_time_ns() + priv->args.hotplug_poll_ms * 1000000ULL;
	fs_alarm_run(priv, NULL);
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

	pthread_mutex_lock(&priv->lock);
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
	pthread_mutex_unlock(&priv->lock);
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
	pthread_mutex_lock(&priv->lock);
	priv->started = false;
	fs_switch_fini(priv);
	FS_FOREACH_SUB(priv, sub) {
		fs_unplug_settle(sub, NULL);
		fs_sub_teardown(sub);
		fs_sub_callbacks_reap(sub);
		fs_hotplug_sub_forget(sub);
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
	rte_eth_dev_owner_delete(priv->owner.id);
	pthread_mutex_unlock(&priv->lock);
	pthread_mutex_destroy(&priv->lock);
	/* No alarm runs any more: nobody else touches the commands. */
	fs_subs_exec_stop(priv);
	if (priv->sigbus_on)
		hotplug_sigbus_uninstall();
	priv->sigbus_on = false;
	FS_PORT_LOG(INFO, priv, "closed");
	return 0;
}

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
fs_sub_link_up(uint16_t port_id, const void *arg)
{
	RTE_SET_USED(arg);
	return rte_eth_dev_set_link_up(port_id);
}

static int
fs_sub_link_down(uint16_t port_id, const void *arg)
{
	RTE_SET_USED(arg);
	return rte_eth_dev_set_link_down(port_id);
}

static int
fs_set_link(struct rte_eth_dev *dev, bool up)
{
	struct fs_priv *priv = fs_priv(dev);
	int ret;

	pthread_mutex_lock(&priv->lock);
	ret = fs_apply(priv, up ? fs_sub_link_up : fs_sub_link_down, NULL,
		       up ? fs_sub_link_down : fs_sub_link_up, NULL, false);
	if (ret == 0)
		priv->cfg.link_down = !up;
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

static int
fs_sub_promisc(uint16_t port_id, const void *on)
{
	return *(const bool *)on ? rte_eth_promiscuous_enable(port_id) :
		rte_eth_promiscuous_disable(port_id);
}

static int
fs_sub_allmulti(uint16_t port_id, const void *on)
{
	return *(const bool *)on ? rte_eth_allmulticast_enable(port_id) :
		rte_eth_allmulticast_disable(port_id);
}

static int
fs_mode_set(struct rte_eth_dev *dev, fs_sub_fn fn, bool on, bool *record,
	    uint8_t cap_bit, const char *cap)
{
	struct fs_priv *priv = fs_priv(dev);
	const bool off = !on;
	int ret;

	pthread_mutex_lock(&priv->lock);
	/* Failing to turn a mode off loses no traffic: tolerate -ENOTSUP. */
	ret = fs_apply_cap(priv, fn, &on, fn, &off, !on, cap_bit, cap);
	if (ret == 0)
		*record = on;
	pthread_mutex_unlock(&priv->lock);
	return ret;
}

static int
fs_promisc_enable(struct rte_eth_dev *dev)
{
	return fs_mode_set(dev, fs_sub_promisc, true, &fs_priv(dev)->cfg.promisc,
			   FS_NOTSUP_PROMISC, "promiscuous mode");
}

static int
fs_promisc_disable(struct rte_eth_dev *dev)
{
	return fs_mode_set(dev, fs_sub_promisc, false, &fs_priv(dev)->cfg.promisc,
			   FS_NOTSUP_PROMISC, "promiscuous mode");
}

static int
fs_allmulti_enable(struct rte_eth_dev *dev)
{
	return fs_mode_set(dev, fs_sub_allmulti, true, &fs_priv(dev)->cfg.allmulti,
			   FS_NOTSUP_ALLMULTI, "all-multicast mode");
}

static int
fs_allmulti_disable(struct rte_eth_dev *dev)
{
	return fs_mode_set(dev, fs_sub_allmulti, false, &fs_priv(dev)->cfg.allmulti,
			   FS_NOTSUP_ALLMULTI, "all-multicast mode");
}

static int
fs_sub_mac_set(uint16_t port_id, const void *addr)
{
	return rte_eth_dev_default_mac_addr_set(port_id,
			(struct rte_ether_addr *)(uintptr_t)addr);
}

static int
fs_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	struct fs_priv *priv = fs_priv(dev);
	struct rte_ether_addr old;
	int ret;

	pthread_mutex_lock(&priv->lock);
	old = priv->cfg.mac[0];
	ret = fs_apply(priv, fs_sub_mac_set, addr, fs_sub_mac_set, &old, true);
	if (ret == 0)
		priv->cfg.mac[0] = *addr;
	pthread_mutex_unlock(&priv->lock);
	return ret;
}

static int
fs_sub_mac_add(uint16_t port_id, const void *addr)
{
	return rte_eth_dev_mac_addr_add(port_id,
			(struct rte_ether_addr *)(uintptr_t)addr, 0);
}

static int
fs_sub_mac_del(uint16_t port_id, const void *addr)
{
	return rte_eth_dev_mac_addr_remove(port_id,
			(struct rte_ether_addr *)(uintptr_t)addr);
}

static int
fs_mac_addr_add(struct rte_eth_dev *dev, struct rte_ether_addr *addr,
		uint32_t index, uint32_t vmdq)
{
	struct fs_priv *priv = fs_priv(dev);
	int ret;

	RTE_SET_USED(vmdq);
	if (index >= FS_MAX_MAC)
		return -EINVAL;
	pthread_mutex_lock(&priv->lock);
	ret = fs_apply(priv, fs_sub_mac_add, addr, fs_sub_mac_del, addr, false);
	if (ret == 0)
		priv->cfg.mac[index] = *addr;
	pthread_mutex_unlock(&priv->lock);
	return ret;
}

static void
fs_mac_addr_remove(struct rte_eth_dev *dev, uint32_t index)
{
	struct fs_priv *priv = fs_priv(dev);
	struct rte_ether_addr addr;

	if (index == 0 || index >= FS_MAX_MAC)
		return;
	pthread_mutex_lock(&priv->lock);
	addr = priv->cfg.mac[index];
	fs_apply(priv, fs_sub_mac_del, &addr, NULL, NULL, true);
	/* Whatever a sub-device said: ethdev forgets the address now. */
	memset(&priv->cfg.mac[index], 0, sizeof(priv->cfg.mac[index]));
	pthread_mutex_unlock(&priv->lock);
}

static int
fs_sub_mtu(uint16_t port_id, const void *mtu)
{
	return rte_eth_dev_set_mtu(port_id, *(const uint16_t *)mtu);
}

static int
fs_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct fs_priv *priv = fs_priv(dev);
	uint16_t old;
	int ret;

	pthread_mutex_lock(&priv->lock);
	old = priv->cfg.mtu;
	ret = fs_apply(priv, fs_sub_mtu, &mtu, fs_sub_mtu, &old, false);
	if (ret == 0)
		priv->cfg.mtu = mtu;
	pthread_mutex_unlock(&priv->lock);
	return ret;
}

struct fs_vlan_req {
	uint16_t vid;
	int on;
};

static int
fs_sub_vlan(uint16_t port_id, const void *arg)
{
	const struct fs_vlan_req *r = arg;

	return rte_eth_dev_vlan_filter(port_id, r->vid, r->on);
}

static int
fs_vlan_filter_set(struct rte_eth_dev *dev, uint16_t vid, int on)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_vlan_req req = { vid, on }, undo = { vid, !on };
	int ret;

	pthread_mutex_lock(&priv->lock);
	ret = fs_apply(priv, fs_sub_vlan, &req, fs_sub_vlan, &undo, false);
	if (ret == 0 && on)
		priv->cfg.vlan_filter[vid / 64] |= RTE_BIT64(vid % 64);
	else if (ret == 0)
		priv->cfg.vlan_filter[vid / 64] &= ~RTE_BIT64(vid % 64);
	pthread_mutex_unlock(&priv->lock);
	return ret;
}

static int
fs_sub_vlan_offload(uint16_t port_id, const void *mask)
{
	return rte_eth_dev_set_vlan_offload(port_id, *(const int *)mask);
}

static int
fs_vlan_offload_set(struct rte_eth_dev *dev, int changed)
{
	struct fs_priv *priv = fs_priv(dev);
	uint64_t off = dev->data->dev_conf.rxmode.offloads;
	int mask = 0;
	int ret;

	RTE_SET_USED(changed);
	if (off & RTE_ETH_RX_OFFLOAD_VLAN_STRIP)
		mask |= RTE_ETH_VLAN_STRIP_OFFLOAD;
	if (off & RTE_ETH_RX_OFFLOAD_VLAN_FILTER)
		mask |= RTE_ETH_VLAN_FILTER_OFFLOAD;
	if (off & RTE_ETH_RX_OFFLOAD_VLAN_EXTEND)
		mask |= RTE_ETH_VLAN_EXTEND_OFFLOAD;
	if (off & RTE_ETH_RX_OFFLOAD_QINQ_STRIP)
		mask |= RTE_ETH_QINQ_STRIP_OFFLOAD;
	pthread_mutex_lock(&priv->lock);
	ret = fs_apply(priv, fs_sub_vlan_offload, &mask, NULL, NULL, false);
	if (ret == 0) {
		priv->cfg.vlan_offload_mask = mask;
		priv->cfg.vlan_offload_set = true;
	}
	pthread_mutex_unlock(&priv->lock);
	return ret;
}

static int
fs_sub_rss(uint16_t port_id, const void *conf)
{
	return rte_eth_dev_rss_hash_update(port_id,
			(struct rte_eth_rss_conf *)(uintptr_t)conf);
}

static int
fs_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_config *cfg = &priv->cfg;
	int ret;

	if (!fs_rss_key_fits(cfg, conf))
		return -EINVAL;
	pthread_mutex_lock(&priv->lock);
	ret = fs_apply(priv, fs_sub_rss, conf, NULL, NULL, false);
	if (ret == 0) {
		cfg->rss.rss_hf = conf->rss_hf;
		if (conf->rss_key != NULL)
			fs_rss_key_record(cfg, conf->rss_key, conf->rss_key_len);
	}
	pthread_mutex_unlock(&priv->lock);
	return ret;
}

/* Reads come from the first sub-device that has the configuration. */
static const struct fs_sub *
fs_first_configured(const struct fs_priv *priv)
{
	const struct fs_sub *sub;

	FS_FOREACH_SUB(priv, sub)
		if (fs_sub_configured(sub))
			return sub;
	return NULL;
}

static int
fs_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct fs_priv *priv = fs_priv(dev);
	const struct fs_sub *sub;
	int ret = -ENODEV;

	pthread_mutex_lock(&priv->lock);
	sub = fs_first_configured(priv);
	if (sub != NULL)
		ret = rte_eth_dev_rss_hash_conf_get(sub->port_id, conf);
	pthread_mutex_unlock(&priv->lock);
	return ret;
}

struct fs_reta_req {
	struct rte_eth_rss_reta_entry64 *reta;
	uint16_t size;
};

static int
fs_sub_reta(uint16_t port_id, const void *arg)
{
	const struct fs_reta_req *r = arg;

	return rte_eth_dev_rss_reta_update(port_id, r->reta, r->size);
}

static void
fs_reta_record(struct fs_config *cfg, const struct rte_eth_rss_reta_entry64 *reta,
	       uint16_t size)
{
	unsigned int i, g, b;

	cfg->reta_size = size;
	for (i = 0; i < size; i++) {
		g = i / RTE_ETH_RETA_GROUP_SIZE;
		b = i % RTE_ETH_RETA_GROUP_SIZE;
		if (!(reta[g].mask & RTE_BIT64(b)))
			continue;
		cfg->reta[g].mask |= RTE_BIT64(b);
		cfg->reta[g].reta[b] = reta[g].reta[b];
	}
}

static int
fs_reta_update(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *reta,
	       uint16_t size)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_reta_req req = { reta, size };
	int ret;

	if (size > FS_RETA_MAX)
		return -EINVAL;
	pthread_mutex_lock(&priv->lock);
	ret = fs_apply(priv, fs_sub_reta, &req, NULL, NULL, false);
	if (ret == 0)
		fs_reta_record(&priv->cfg, reta, size);
	pthread_mutex_unlock(&priv->lock);
	return ret;
}

static int
fs_reta_query(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *reta,
	      uint16_t size)
{
	struct fs_priv *priv = fs_priv(dev);
	const struct fs_sub *sub;
	int ret = -ENODEV;

	pthread_mutex_lock(&priv->lock);
	sub = fs_first_configured(priv);
	if (sub != NULL)
		ret = rte_eth_dev_rss_reta_query(sub->port_id, reta, size);
	pthread_mutex_unlock(&priv->lock);
	return ret;
}

int
fs_fw_version_get(struct rte_eth_dev *dev, char *fw, size_t size)
{
	int n = snprintf(fw, size, "%s", FS_VERSION);

	RTE_SET_USED(dev);
	return (size_t)n < size ? 0 : n + 1;
}

struct fs_queue_req {
	uint16_t qid;
	bool tx;
	bool start;
};

static int
fs_sub_queue_state(uint16_t port_id, const void *arg)
{
	const struct fs_queue_req *r = arg;

	if (r->tx)
		return r->start ? rte_eth_dev_tx_queue_start(port_id, r->qid) :
			rte_eth_dev_tx_queue_stop(port_id, r->qid);
	return r->start ? rte_eth_dev_rx_queue_start(port_id, r->qid) :
		rte_eth_dev_rx_queue_stop(port_id, r->qid);
}

static int
fs_queue_state_set(struct rte_eth_dev *dev, uint16_t qid, bool tx, bool start)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_queue_req req = { qid, tx, start }, undo = { qid, tx, !start };
	uint8_t *state = tx ? dev->data->tx_queue_state : dev->data->rx_queue_state;
	int ret;

	pthread_mutex_lock(&priv->lock);
	/*
	 * The port's own datapath stops the queue (it sees no sub-device),
	 * so a sub-PMD without queue stop (net_null, net_ring) is no reason
	 * to refuse; any other refusal is.
	 */
	ret = fs_apply(priv, fs_sub_queue_state, &req, fs_sub_queue_state,
		       &undo, true);
	if (ret == 0) {
		state[qid] = start ? RTE_ETH_QUEUE_STATE_STARTED :
			RTE_ETH_QUEUE_STATE_STOPPED;
		fs_switch_queue_state(priv, qid, tx);
	}
	pthread_mutex_unlock(&priv->lock);
	return ret;
}

static int
fs_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	return fs_queue_state_set(dev, qid, false, true);
}

static int
fs_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	return fs_queue_state_set(dev, qid, false, false);
}

static int
fs_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	return fs_queue_state_set(dev, qid, true, true);
}

static int
fs_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	return fs_queue_state_set(dev, qid, true, false);
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
