/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Queue settings (see fs_settings.c for how settings reach sub-devices):
 * each queue's recorded setup, and whether the application has it
 * started.  The descriptor count is the application's, fitted to each
 * sub-device's limits, in the setup op as when a sub-device joins.
 */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "fs_private.h"

const struct fs_view fs_empty_view;	/* a queue before any publish */

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

/* The nearest count the sub-device takes: within its bounds, aligned. */
static uint16_t
fs_desc_fit(uint16_t n, const struct rte_eth_desc_lim *lim)
{
	if (lim->nb_max != 0 && n > lim->nb_max)
		n = lim->nb_max;
	if (n < lim->nb_min)
		n = lim->nb_min;
	if (lim->nb_align > 1)
		n = RTE_ALIGN_CEIL(n, lim->nb_align);
	if (lim->nb_max != 0 && n > lim->nb_max)
		n = RTE_ALIGN_FLOOR(lim->nb_max, RTE_MAX(lim->nb_align, 1));
	return n;
}

static int
fs_queue_setup_apply(struct fs_sub *sub, const void *arg)
{
	const struct fs_queue *q = arg;
	struct rte_eth_dev_info info;
	uint16_t n;
	int ret;

	ret = fs_setting_info(sub, &info);
	if (ret < 0)
		return ret;
	if (q->is_tx) {
		n = fs_desc_fit(q->nb_desc, &info.tx_desc_lim);
		ret = rte_eth_tx_queue_setup(sub->port_id, q->qid, n,
					     q->socket_id, &q->txconf);
	} else {
		n = fs_desc_fit(q->nb_desc, &info.rx_desc_lim);
		ret = rte_eth_rx_queue_setup(sub->port_id, q->qid, n,
					     q->socket_id, &q->rxconf, q->mp);
	}
	if (ret < 0)
		return fs_setting_refuse(sub, ret, "%s queue %u setup (%u descriptors): %s",
					 q->is_tx ? "tx" : "rx", q->qid, n,
					 rte_strerror(-ret));
	return 0;
}

const struct fs_setting fs_setting_queue_setup = {
	.what = "queue setup",
	.apply = fs_queue_setup_apply,
};

/*
 * A sub-device that cannot take a queue is refused, not the application:
 * the queue is the port's whatever its sub-devices say.
 */
static void
fs_queue_to_subs(struct fs_priv *priv, struct fs_queue *q)
{
	struct fs_sub *sub;

	FS_FOREACH_SUB(priv, sub) {
		if (!fs_sub_configured(sub))
			continue;
		if (fs_setting_join(sub, &fs_setting_queue_setup, q) < 0)
			fs_sub_teardown(sub);
	}
}

static int
fs_queue_setup(struct rte_eth_dev *dev, struct fs_queue *q)
{
	struct fs_priv *priv = fs_priv(dev);

	if (q->is_tx) {
		dev->data->tx_queues[q->qid] = q;
		priv->txq[q->qid] = q;
	} else {
		dev->data->rx_queues[q->qid] = q;
		priv->rxq[q->qid] = q;
	}
	fs_queue_to_subs(priv, q);
	return 0;
}

int
fs_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		  unsigned int socket_id, const struct rte_eth_rxconf *conf,
		  struct rte_mempool *mp)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_queue *q;
	int ret = -ENOMEM;

	fs_config_lock(priv);
	q = fs_queue_new(priv, qid, false, nb_desc, socket_id);
	if (q != NULL) {
		q->rxconf = *conf;
		q->mp = mp;
		ret = fs_queue_setup(dev, q);
	}
	fs_config_unlock(priv);
	return ret;
}

int
fs_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		  unsigned int socket_id, const struct rte_eth_txconf *conf)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_queue *q;
	int ret = -ENOMEM;

	fs_config_lock(priv);
	q = fs_queue_new(priv, qid, true, nb_desc, socket_id);
	if (q != NULL) {
		q->txconf = *conf;
		ret = fs_queue_setup(dev, q);
	}
	fs_config_unlock(priv);
	return ret;
}

void
fs_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct fs_priv *priv = fs_priv(dev);

	fs_config_lock(priv);
	fs_queue_free(priv, priv->rxq[qid]);
	priv->rxq[qid] = NULL;
	dev->data->rx_queues[qid] = NULL;
	fs_config_unlock(priv);
}

void
fs_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct fs_priv *priv = fs_priv(dev);

	fs_config_lock(priv);
	fs_queue_free(priv, priv->txq[qid]);
	priv->txq[qid] = NULL;
	dev->data->tx_queues[qid] = NULL;
	fs_config_unlock(priv);
}

int
fs_replay_queues(struct fs_sub *sub)
{
	const struct fs_priv *priv = sub->priv;
	uint16_t i;
	int ret = 0;

	for (i = 0; ret == 0 && i < priv->nb_rxq; i++)
		if (priv->rxq[i] != NULL)
			ret = fs_setting_join(sub, &fs_setting_queue_setup, priv->rxq[i]);
	for (i = 0; ret == 0 && i < priv->nb_txq; i++)
		if (priv->txq[i] != NULL)
			ret = fs_setting_join(sub, &fs_setting_queue_setup, priv->txq[i]);
	return ret;
}

/* --- queue start/stop ------------------------------------------------------ */

/*
 * The sub-device's queue as the port's (data->*_queue_state, written
 * under the port lock).  One already started is left alone (ethdev
 * would log it); a stop is always asked, as a PMD may not keep states.  A sub-PMD without queue start/stop (net_null,
 * net_ring) is no refusal: the port's own datapath stops the queue, as
 * it sees no sub-device for it.
 */
static int
fs_queue_state_apply(struct fs_sub *sub, const void *arg)
{
	const struct fs_queue_ref *r = arg;
	const struct rte_eth_dev_data *pd = sub->priv->dev->data;
	const struct rte_eth_dev_data *sd = rte_eth_devices[sub->port_id].data;
	bool start;
	int ret;

	if (r->tx) {
		start = pd->tx_queue_state[r->qid] == RTE_ETH_QUEUE_STATE_STARTED;
		if (start && sd->tx_queue_state[r->qid] == RTE_ETH_QUEUE_STATE_STARTED)
			return 0;
		ret = start ? rte_eth_dev_tx_queue_start(sub->port_id, r->qid) :
			rte_eth_dev_tx_queue_stop(sub->port_id, r->qid);
	} else {
		start = pd->rx_queue_state[r->qid] == RTE_ETH_QUEUE_STATE_STARTED;
		if (start && sd->rx_queue_state[r->qid] == RTE_ETH_QUEUE_STATE_STARTED)
			return 0;
		ret = start ? rte_eth_dev_rx_queue_start(sub->port_id, r->qid) :
			rte_eth_dev_rx_queue_stop(sub->port_id, r->qid);
	}
	if (ret == -ENOTSUP)
		return 0;
	if (ret < 0)
		return fs_setting_refuse(sub, ret, "%s queue %u %s: %s",
					 r->tx ? "tx" : "rx", r->qid,
					 start ? "start" : "stop", rte_strerror(-ret));
	return 0;
}

const struct fs_setting fs_setting_queue_state = {
	.what = "queue start/stop",
	.apply = fs_queue_state_apply,
};

/* After the sub-device's start: each queue as the port has it. */
int
fs_replay_queue_states(struct fs_sub *sub)
{
	const struct fs_priv *priv = sub->priv;
	struct fs_queue_ref ref = { .tx = false };
	int ret = 0;

	for (ref.qid = 0; ret == 0 && ref.qid < priv->nb_rxq; ref.qid++)
		ret = fs_setting_join(sub, &fs_setting_queue_state, &ref);
	ref.tx = true;
	for (ref.qid = 0; ret == 0 && ref.qid < priv->nb_txq; ref.qid++)
		ret = fs_setting_join(sub, &fs_setting_queue_state, &ref);
	return ret;
}
