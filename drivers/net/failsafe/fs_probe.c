/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/* The vdev driver: probe and remove of a fail-safe port. */

#include <errno.h>
#include <string.h>

#include <ethdev_vdev.h>
#include <rte_malloc.h>

#include "fs_private.h"
#include "fs_alarm.h"

static int
fs_lock_init(pthread_mutex_t *lock)
{
	pthread_mutexattr_t attr;
	int ret;

	/*
	 * Recursive: an application callback may call back into the port.
	 * Process-shared: it lives in the port's shared private data.  No
	 * secondary process takes it (fs_secondary.c): one that died holding
	 * it would stop the primary's failover.
	 */
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	ret = pthread_mutex_init(lock, &attr);
	pthread_mutexattr_destroy(&attr);
	return -ret;
}

static void
fs_mac_init(struct fs_priv *priv)
{
	struct rte_ether_addr *mac = &priv->dev->data->mac_addrs[0];
	const struct fs_sub *sub;

	if (priv->args.mac_set) {
		*mac = priv->args.mac;
		return;
	}
	/* net_ring, for one, reports 00:00:00:00:00:00: not an address to adopt. */
	FS_FOREACH_SUB(priv, sub)
		if (fs_sub_usable(sub) &&
		    rte_eth_macaddr_get(sub->port_id, mac) == 0 &&
		    rte_is_valid_assigned_ether_addr(mac))
			return;
	rte_eth_random_addr(mac->addr_bytes);
	FS_PORT_LOG(NOTICE, priv, "no sub-device with a valid MAC and no mac= given: using random MAC " RTE_ETHER_ADDR_PRT_FMT,
		    RTE_ETHER_ADDR_BYTES(mac));
}

static int
fs_priv_init(struct fs_priv *priv, struct rte_eth_dev *dev, const char *name,
	     const struct fs_args *args)
{
	uint8_t i;
	int ret;

	snprintf(priv->name, sizeof(priv->name), "%s", name);
	priv->dev = dev;
	priv->port_id = dev->data->port_id;
	priv->args = *args;
	priv->nb_subs = args->nb_subs;
	priv->cfg.mtu = dev->data->mtu;
	TAILQ_INIT(&priv->flows);
	for (i = 0; i < priv->nb_subs; i++) {
		priv->subs[i].priv = priv;
		priv->subs[i].idx = i;
		priv->subs[i].port_id = RTE_MAX_ETHPORTS;
		fs_exec_init(&priv->subs[i].exec);
		if (args->sub[i].kind == FS_SUB_DEV)
			fs_sub_identity(&priv->subs[i], args->sub[i].spec);
	}
	ret = fs_lock_init(&priv->lock);
	if (ret < 0)
		return ret;
	ret = fs_lock_init(&priv->cfg_lock);
	if (ret < 0)
		goto unlock_init;
	if (rte_eth_dev_owner_new(&priv->owner.id) != 0) {
		ret = -EBUSY;
		goto cfg_unlock_init;
	}
	snprintf(priv->owner.name, sizeof(priv->owner.name), "%s", name);
	ret = fs_switch_init(priv, 2 * FS_MAX_QUEUES);
	if (ret == 0)
		return 0;
	/* Close never runs for a port that failed here: undo what we took. */
	rte_eth_dev_owner_delete(priv->owner.id);
cfg_unlock_init:
	pthread_mutex_destroy(&priv->cfg_lock);
unlock_init:
	pthread_mutex_destroy(&priv->lock);
	return ret;
}

static int
fs_probe_secondary(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev =
		rte_eth_dev_attach_secondary(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return -ENODEV;
	/* Per process: rte_eth_dev_info_get() follows it to the driver name. */
	dev->device = &vdev->device;
	/*
	 * The active set holds the primary's function pointers: a secondary
	 * process can read the port's state but not run its datapath, and
	 * must not take the port lock (fs_secondary.c).
	 */
	dev->dev_ops = &fs_secondary_ops;
	dev->rx_pkt_burst = fs_burst_none;
	dev->tx_pkt_burst = fs_burst_none;
	rte_eth_dev_probing_finish(dev);
	return 0;
}

static int
fs_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	char err[FS_ARGS_ERR_MAX];
	struct rte_eth_dev *dev;
	struct fs_priv *priv;
	struct fs_args args;
	struct fs_sub *sub;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return fs_probe_secondary(vdev);
	/* What the floors below run without naming it (fs_private.h). */
	fs_alarm_init(fs_deferred_tick);
	fs_sub_watch_init(&fs_removal_watch);
	ret = fs_args_parse(rte_vdev_device_args(vdev), &args, err, sizeof(err));
	if (ret < 0) {
		FS_LOG(ERR, "%s: invalid devargs: %s", name, err);
		return ret;
	}
	/* Every ADD of every port of this process runs in its thread. */
	ret = fs_worker_get();
	if (ret < 0)
		return ret;
	dev = rte_eth_vdev_allocate(vdev, sizeof(*priv));
	if (dev == NULL) {
		fs_worker_put();
		return -ENOMEM;
	}
	dev->data->mac_addrs = rte_zmalloc(name,
			FS_MAX_MAC * sizeof(struct rte_ether_addr), 0);
	priv = fs_priv(dev);
	ret = dev->data->mac_addrs == NULL ? -ENOMEM :
		fs_priv_init(priv, dev, name, &args);
	if (ret < 0) {
		FS_LOG(ERR, "%s: cannot initialise: %s", name, rte_strerror(-ret));
		rte_eth_dev_release_port(dev);
		fs_worker_put();
		return ret;
	}
	dev->dev_ops = &fs_ops;
	dev->rx_pkt_burst = fs_rx_burst;
	dev->tx_pkt_burst = fs_tx_burst;
	dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC |
		RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
	/* The application's thread may wait for exec() commands: not locked. */
	fs_subs_exec_prefetch(priv);
	pthread_mutex_lock(&priv->lock);
	FS_FOREACH_SUB(priv, sub)
		fs_sub_probe(sub, false);
	fs_mac_init(priv);
	priv->cfg.mac[0] = dev->data->mac_addrs[0];
	priv->next_poll_ns = fs_time_ns() + args.hotplug_poll_ms * 1000000ULL;
	fs_deferred_run(priv, NULL);
	pthread_mutex_unlock(&priv->lock);
	/* Refcounted in lib/hotplug: the first port installs, the last removes. */
	priv->sigbus_on = hotplug_sigbus_install() == 0;
	if (args.uevent)
		fs_hotplug_attach(priv);
	FS_PORT_LOG(INFO, priv, "%s probed: port %u over %u sub-device(s)",
		    FS_VERSION, priv->port_id, priv->nb_subs);
	rte_eth_dev_probing_finish(dev);
	return 0;
}

static int
fs_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	/*
	 * Closed already (by the application): nothing is left to release.
	 * A secondary's closed port keeps its shared data, so it is still
	 * found by name, but unused here.
	 */
	if (dev == NULL || dev->state == RTE_ETH_DEV_UNUSED)
		return 0;
	return rte_eth_dev_close(dev->data->port_id);
}

static struct rte_vdev_driver fs_vdev_driver = {
	.probe = fs_probe,
	.remove = fs_remove,
};

RTE_PMD_REGISTER_VDEV(FS_DRIVER_NAME, fs_vdev_driver);
RTE_PMD_REGISTER_ALIAS(FS_DRIVER_NAME, eth_failsafe);
RTE_PMD_REGISTER_PARAM_STRING(FS_DRIVER_NAME,
	"dev(<devargs>) exec(<command>) fd(<n>) mac=<addr> hotplug_poll=<ms> "
	"exec_timeout=<ms> "
	"uevent=on|off bind_driver=<kernel driver> "
	"match_mac<N>=<addr> match_pci<N>=<vendor>:<device>");
