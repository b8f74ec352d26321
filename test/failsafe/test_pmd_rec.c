/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * net_fsrec: a vdev PMD that only records (see test_pmd_rec.h).  Bursts
 * move nothing; every op a fail-safe replay uses succeeds.
 */

#include <stdlib.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_kvargs.h>

#include "dpdk_compat.h"
#include "test_pmd_rec.h"

#define REC_DRIVER net_fsrec

static bool rec_refusing;

void
rec_refuse_probe(bool refuse)
{
	__atomic_store_n(&rec_refusing, refuse, __ATOMIC_RELEASE);
}

static uint16_t
rec_burst(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	RTE_SET_USED(q);
	RTE_SET_USED(pkts);
	RTE_SET_USED(n);
	return 0;
}

static int
rec_configure(struct rte_eth_dev *dev)
{
	struct rec_priv *r = dev->data->dev_private;
	const struct rte_eth_rss_conf *rss = &dev->data->dev_conf.rx_adv_conf.rss_conf;

	r->nb_configure++;
	r->rss_hf = rss->rss_hf;
	r->vlan_strip = !!(dev->data->dev_conf.rxmode.offloads &
			   RTE_ETH_RX_OFFLOAD_VLAN_STRIP);
#ifdef FS_HAS_RSS_ALGO_CAPA
	r->rss_algo = rss->algorithm;
#endif
	r->rss_key_len = 0;
	if (rss->rss_key != NULL && rss->rss_key_len <= sizeof(r->rss_key)) {
		memcpy(r->rss_key, rss->rss_key, rss->rss_key_len);
		r->rss_key_len = rss->rss_key_len;
	}
	return 0;
}

static int
rec_info(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	const struct rec_priv *r = dev->data->dev_private;

	info->max_rx_queues = 4;
	info->max_tx_queues = 4;
	info->max_mac_addrs = REC_MAX_MAC;
	info->max_rx_pktlen = 9018;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = r->max_mtu;
	info->hash_key_size = r->key_size;
	info->flow_type_rss_offloads = RTE_ETH_RSS_IP;
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_VLAN_STRIP;
	info->rx_desc_lim.nb_align = r->desc_align;
	info->tx_desc_lim.nb_align = r->desc_align;
#ifdef FS_HAS_RSS_ALGO_CAPA
	if (r->algo_capa != 0)
		info->rss_algo_capa = r->algo_capa;
#endif
	return 0;
}

/* Queues start as set up: a deferred one stays stopped. */
static int
rec_start(struct rte_eth_dev *dev)
{
	const struct rec_priv *r = dev->data->dev_private;
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues && q < REC_MAX_QUEUES; q++)
		dev->data->rx_queue_state[q] = r->rx_deferred[q] ?
			RTE_ETH_QUEUE_STATE_STOPPED : RTE_ETH_QUEUE_STATE_STARTED;
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		dev->data->tx_queue_state[q] = RTE_ETH_QUEUE_STATE_STARTED;
	return 0;
}

static int
rec_rxq_start(struct rte_eth_dev *dev, uint16_t qid)
{
	dev->data->rx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
	return 0;
}

static int
rec_rxq_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	dev->data->rx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STOPPED;
	return 0;
}

static int
rec_ok(struct rte_eth_dev *dev)
{
	RTE_SET_USED(dev);
	return 0;
}

static int
rec_close(struct rte_eth_dev *dev)
{
	/* Part of dev_private: ethdev must not free it. */
	dev->data->mac_addrs = NULL;
	return 0;
}

static int
rec_link_update(struct rte_eth_dev *dev, int wait)
{
	struct rte_eth_link link = {
		.link_speed = RTE_ETH_SPEED_NUM_10G,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_status = dev->data->dev_started ? RTE_ETH_LINK_UP :
			RTE_ETH_LINK_DOWN,
	};

	RTE_SET_USED(wait);
	return rte_eth_linkstatus_set(dev, &link);
}

static int
rec_rxq_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
	      unsigned int socket, const struct rte_eth_rxconf *conf,
	      struct rte_mempool *mp)
{
	struct rec_priv *r = dev->data->dev_private;

	RTE_SET_USED(socket);
	RTE_SET_USED(mp);
	if (qid < REC_MAX_QUEUES) {
		r->rx_desc[qid] = nb_desc;
		r->rx_deferred[qid] = conf->rx_deferred_start;
	}
	dev->data->rx_queues[qid] = dev->data->dev_private;
	return 0;
}

static int
rec_txq_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
	      unsigned int socket, const struct rte_eth_txconf *conf)
{
	struct rec_priv *r = dev->data->dev_private;

	RTE_SET_USED(socket);
	RTE_SET_USED(conf);
	if (qid < REC_MAX_QUEUES)
		r->tx_desc[qid] = nb_desc;
	dev->data->tx_queues[qid] = dev->data->dev_private;
	return 0;
}

static int
rec_promisc_on(struct rte_eth_dev *dev)
{
	struct rec_priv *r = dev->data->dev_private;

	r->nb_promisc_on++;
	return 0;
}

static int
rec_mac_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	struct rec_priv *r = dev->data->dev_private;

	RTE_SET_USED(addr);
	r->nb_mac_set++;
	return 0;
}

static int
rec_mac_add(struct rte_eth_dev *dev, struct rte_ether_addr *addr,
	    uint32_t index, uint32_t pool)
{
	RTE_SET_USED(dev);
	RTE_SET_USED(addr);
	RTE_SET_USED(index);
	RTE_SET_USED(pool);
	return 0;
}

static void
rec_mac_remove(struct rte_eth_dev *dev, uint32_t index)
{
	RTE_SET_USED(dev);
	RTE_SET_USED(index);
}

static int
rec_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct rec_priv *r = dev->data->dev_private;

	RTE_SET_USED(mtu);
	r->nb_mtu_set++;
	return 0;
}

/* ethdev wrote the wanted offloads before calling it. */
static int
rec_vlan_offload_set(struct rte_eth_dev *dev, int mask)
{
	struct rec_priv *r = dev->data->dev_private;

	if (r->vlan_fail)
		return -EIO;
	if (mask & RTE_ETH_VLAN_STRIP_MASK)
		r->vlan_strip = !!(dev->data->dev_conf.rxmode.offloads &
				   RTE_ETH_RX_OFFLOAD_VLAN_STRIP);
	return 0;
}

static int
rec_rss_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct rec_priv *r = dev->data->dev_private;

	r->nb_rss_update++;
	r->rss_hf = conf->rss_hf;
	if (conf->rss_key != NULL && conf->rss_key_len <= sizeof(r->rss_key)) {
		memcpy(r->rss_key, conf->rss_key, conf->rss_key_len);
		r->rss_key_len = conf->rss_key_len;
	}
	return 0;
}

/* As hardware PMDs do: the caller's buffer holds hash_key_size bytes. */
static int
rec_rss_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	const struct rec_priv *r = dev->data->dev_private;

	conf->rss_hf = r->rss_hf;
	if (conf->rss_key != NULL) {
		memcpy(conf->rss_key, r->rss_key,
		       RTE_MIN(r->key_size, sizeof(r->rss_key)));
		conf->rss_key_len = r->key_size;
	}
	return 0;
}

static int
rec_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st
	      FS_STATS_GET_QSTATS)
{
	struct rec_priv *r = dev->data->dev_private;

	if (!dev->data->dev_configured)
		r->nb_stats_unconfigured++;
	memset(st, 0, sizeof(*st));
	return 0;
}

static const struct eth_dev_ops rec_ops = {
	.dev_configure = rec_configure,
	.dev_start = rec_start,
	.dev_stop = rec_ok,
	.dev_close = rec_close,
	.dev_infos_get = rec_info,
	.link_update = rec_link_update,
	.rx_queue_setup = rec_rxq_setup,
	.tx_queue_setup = rec_txq_setup,
	.promiscuous_enable = rec_promisc_on,
	.promiscuous_disable = rec_ok,
	.allmulticast_enable = rec_ok,
	.allmulticast_disable = rec_ok,
	.mac_addr_set = rec_mac_set,
	.mac_addr_add = rec_mac_add,
	.mac_addr_remove = rec_mac_remove,
	.mtu_set = rec_mtu_set,
	.rss_hash_update = rec_rss_update,
	.vlan_offload_set = rec_vlan_offload_set,
	.rss_hash_conf_get = rec_rss_get,
	.rx_queue_start = rec_rxq_start,
	.rx_queue_stop = rec_rxq_stop,
	.stats_get = rec_stats_get,
};

static int
rec_u8(const char *key, const char *value, void *arg)
{
	RTE_SET_USED(key);
	*(uint8_t *)arg = (uint8_t)atoi(value);
	return 0;
}

static int
rec_u16(const char *key, const char *value, void *arg)
{
	RTE_SET_USED(key);
	*(uint16_t *)arg = (uint16_t)atoi(value);
	return 0;
}

static int
rec_u32(const char *key, const char *value, void *arg)
{
	RTE_SET_USED(key);
	*(uint32_t *)arg = (uint32_t)strtoul(value, NULL, 0);
	return 0;
}

static void
rec_args(struct rte_vdev_device *vdev, struct rec_priv *r)
{
	static const char *const keys[] = {
		"key_size", "max_mtu", "desc_align", "algo_capa", "vlan_fail",
		NULL
	};
	struct rte_kvargs *kv = NULL;

	r->key_size = REC_KEY_SIZE;
	r->max_mtu = 9000;
	r->desc_align = 1;
	if (rte_vdev_device_args(vdev) != NULL)
		kv = rte_kvargs_parse(rte_vdev_device_args(vdev), keys);
	if (kv == NULL)
		return;
	rte_kvargs_process(kv, "key_size", rec_u8, &r->key_size);
	rte_kvargs_process(kv, "max_mtu", rec_u16, &r->max_mtu);
	rte_kvargs_process(kv, "desc_align", rec_u16, &r->desc_align);
	rte_kvargs_process(kv, "algo_capa", rec_u32, &r->algo_capa);
	rte_kvargs_process(kv, "vlan_fail", rec_u8, &r->vlan_fail);
	rte_kvargs_free(kv);
}

static int
rec_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct rte_eth_dev *dev;
	struct rec_priv *r;

	if (__atomic_load_n(&rec_refusing, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	dev = rte_eth_vdev_allocate(vdev, sizeof(*r));
	if (dev == NULL)
		return -ENOMEM;
	r = dev->data->dev_private;
	rec_args(vdev, r);
	/* 02:ec:00:00:00:<n>: each instance its own locally administered MAC. */
	r->mac[0].addr_bytes[0] = 0x02;
	r->mac[0].addr_bytes[1] = 0xec;
	r->mac[0].addr_bytes[5] = (uint8_t)atoi(name + strlen(RTE_STR(REC_DRIVER)));
	dev->data->mac_addrs = r->mac;
	dev->dev_ops = &rec_ops;
	dev->rx_pkt_burst = rec_burst;
	dev->tx_pkt_burst = rec_burst;
	rte_eth_dev_probing_finish(dev);
	return 0;
}

static int
rec_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0;
	return rte_eth_dev_close(dev->data->port_id);
}

struct rec_priv *
rec_of(uint16_t port_id)
{
	if (!rte_eth_dev_is_valid_port(port_id) ||
	    rte_eth_devices[port_id].dev_ops != &rec_ops)
		return NULL;
	return rte_eth_devices[port_id].data->dev_private;
}

static struct rte_vdev_driver rec_driver = {
	.probe = rec_probe,
	.remove = rec_remove,
};

RTE_PMD_REGISTER_VDEV(REC_DRIVER, rec_driver);
