/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Settings: what the application set on the port, given to one
 * sub-device.  Each setting is one struct fs_setting whose apply gives a
 * sub-device the value recorded in fs_config, and both paths use it:
 *  - the port's op records the new value, checks that every sub-device
 *    with the configuration can take it, then applies it to each; on a
 *    refusal it puts the old record back and applies that to the ones
 *    already done, so a refused change leaves nothing half done;
 *  - replay (fs_replay.c) checks and applies it to a sub-device that
 *    joins later, which stays out if it refuses.
 * So a sub-device that cannot take a setting is treated alike in both:
 * the change is refused while it is present, and it does not join while
 * the port has the setting.  An ENOTSUP that loses nothing (turning a
 * mode off, a default MAC a sub-device cannot change) is no refusal,
 * in either path.  The rules, setting by setting, are in
 * doc/guides/nics/failsafe_uevent.rst.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fs_private.h"

int
fs_setting_refuse(struct fs_sub *sub, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sub->last_error, sizeof(sub->last_error), fmt, ap);
	va_end(ap);
	return err;
}

/* For a check or an apply that needs the sub-device's limits. */
int
fs_setting_info(struct fs_sub *sub, struct rte_eth_dev_info *info)
{
	int ret = rte_eth_dev_info_get(sub->port_id, info);

	if (ret < 0)
		return fs_setting_refuse(sub, ret, "cannot read device info: %s",
					 rte_strerror(-ret));
	return 0;
}

/* A refusal of the op: says which sub-device and why. */
static void
fs_settings_log(struct fs_sub *sub, const struct fs_setting *s, int ret)
{
	struct fs_priv *priv = sub->priv;

	if (ret != -ENOTSUP || s->cap_bit == 0) {
		FS_PORT_LOG(ERR, priv, "sub-device %u (%s) refused the change: %s",
			    sub->idx, sub->dev_name, sub->last_error);
		return;
	}
	/* Asked again at every port start (OVS): once is enough. */
	if (sub->notsup_logged & s->cap_bit)
		return;
	sub->notsup_logged |= s->cap_bit;
	FS_PORT_LOG(INFO, priv, "sub-device %u (%s) cannot do %s: the port cannot either while it is present",
		    sub->idx, sub->dev_name, s->what);
}

int
fs_settings_apply(struct fs_priv *priv, const struct fs_setting *s,
		  const void *arg, struct fs_sub **failed)
{
	struct fs_sub *sub;
	int ret = 0;

	*failed = NULL;
	/* Validate first: a sub-device that cannot is found before any changes. */
	FS_FOREACH_SUB(priv, sub) {
		if (!fs_sub_configured(sub) || s->check == NULL)
			continue;
		ret = s->check(sub, arg);
		if (ret < 0) {
			fs_settings_log(sub, s, ret);
			return ret;
		}
	}
	FS_FOREACH_SUB(priv, sub) {
		if (!fs_sub_configured(sub))
			continue;
		ret = s->apply(sub, arg);
		if (ret < 0) {
			fs_settings_log(sub, s, ret);
			*failed = sub;
			return ret;
		}
	}
	return 0;
}

void
fs_settings_undo(struct fs_priv *priv, const struct fs_setting *s,
		 const void *arg, const struct fs_sub *failed)
{
	struct fs_sub *sub;

	if (failed == NULL)
		return;
	FS_FOREACH_SUB(priv, sub) {
		if (sub == failed)
			return;
		if (fs_sub_configured(sub))
			s->apply(sub, arg);
	}
}

static void
fs_setting_join_log(struct fs_sub *sub)
{
	FS_PORT_LOG(ERR, sub->priv, "sub-device %u (%s) cannot join: %s",
		    sub->idx, sub->dev_name, sub->last_error);
}

int
fs_setting_join_check(struct fs_sub *sub, const struct fs_setting *s,
		      const void *arg)
{
	int ret = s->check != NULL ? s->check(sub, arg) : 0;

	if (ret < 0)
		fs_setting_join_log(sub);
	return ret;
}

int
fs_setting_join(struct fs_sub *sub, const struct fs_setting *s,
		const void *arg)
{
	int ret = fs_setting_join_check(sub, s, arg);

	if (ret < 0)
		return ret;
	ret = s->apply(sub, arg);
	if (ret < 0)
		fs_setting_join_log(sub);
	return ret;
}

/* An ENOTSUP that loses nothing: said once, not a refusal. */
static int
fs_setting_tolerate(struct fs_sub *sub, uint8_t bit, const char *what)
{
	if (!(sub->notsup_logged & bit)) {
		sub->notsup_logged |= bit;
		FS_PORT_LOG(WARNING, sub->priv, "sub-device %u (%s) cannot change its %s; it keeps its own",
			    sub->idx, sub->dev_name, what);
	}
	return 0;
}

/* --- promiscuous and all-multicast modes ------------------------------ */

static int
fs_mode_apply(struct fs_sub *sub, bool on, int (*enable)(uint16_t),
	      int (*disable)(uint16_t), const char *what)
{
	int ret = on ? enable(sub->port_id) : disable(sub->port_id);

	/* Not being able to turn a mode off does not lose traffic. */
	if (ret == -ENOTSUP && !on)
		return 0;
	if (ret < 0)
		return fs_setting_refuse(sub, ret, "%s %s: %s", what,
					 on ? "on" : "off", rte_strerror(-ret));
	return 0;
}

static int
fs_promisc_apply(struct fs_sub *sub, const void *arg)
{
	RTE_SET_USED(arg);
	return fs_mode_apply(sub, sub->priv->cfg.promisc,
			     rte_eth_promiscuous_enable,
			     rte_eth_promiscuous_disable, "promiscuous mode");
}

static int
fs_allmulti_apply(struct fs_sub *sub, const void *arg)
{
	RTE_SET_USED(arg);
	return fs_mode_apply(sub, sub->priv->cfg.allmulti,
			     rte_eth_allmulticast_enable,
			     rte_eth_allmulticast_disable, "all-multicast mode");
}

const struct fs_setting fs_setting_promisc = {
	.what = "promiscuous mode",
	.apply = fs_promisc_apply,
	.cap_bit = FS_NOTSUP_PROMISC,
};

const struct fs_setting fs_setting_allmulti = {
	.what = "all-multicast mode",
	.apply = fs_allmulti_apply,
	.cap_bit = FS_NOTSUP_ALLMULTI,
};

static int
fs_mode_set(struct rte_eth_dev *dev, const struct fs_setting *s, bool on,
	    bool *record)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_sub *failed;
	bool old;
	int ret;

	fs_config_lock(priv);
	old = *record;
	*record = on;
	ret = fs_settings_apply(priv, s, NULL, &failed);
	if (ret < 0) {
		*record = old;
		fs_settings_undo(priv, s, NULL, failed);
	}
	fs_config_unlock(priv);
	return ret;
}

int
fs_promisc_enable(struct rte_eth_dev *dev)
{
	return fs_mode_set(dev, &fs_setting_promisc, true,
			   &fs_priv(dev)->cfg.promisc);
}

int
fs_promisc_disable(struct rte_eth_dev *dev)
{
	return fs_mode_set(dev, &fs_setting_promisc, false,
			   &fs_priv(dev)->cfg.promisc);
}

int
fs_allmulti_enable(struct rte_eth_dev *dev)
{
	return fs_mode_set(dev, &fs_setting_allmulti, true,
			   &fs_priv(dev)->cfg.allmulti);
}

int
fs_allmulti_disable(struct rte_eth_dev *dev)
{
	return fs_mode_set(dev, &fs_setting_allmulti, false,
			   &fs_priv(dev)->cfg.allmulti);
}

/* --- MAC addresses -------------------------------------------------------- */

static int
fs_mac_default_apply(struct fs_sub *sub, const void *arg)
{
	struct rte_ether_addr *mac = &sub->priv->cfg.mac[0];
	struct rte_ether_addr cur;
	int ret;

	RTE_SET_USED(arg);
	if (rte_eth_macaddr_get(sub->port_id, &cur) == 0 &&
	    rte_is_same_ether_addr(&cur, mac))
		return 0;
	ret = rte_eth_dev_default_mac_addr_set(sub->port_id, mac);
	if (ret == -ENOTSUP)
		return fs_setting_tolerate(sub, FS_NOTSUP_MAC, "MAC address");
	if (ret < 0)
		return fs_setting_refuse(sub, ret, "MAC address " RTE_ETHER_ADDR_PRT_FMT ": %s",
					 RTE_ETHER_ADDR_BYTES(mac), rte_strerror(-ret));
	return 0;
}

const struct fs_setting fs_setting_mac = {
	.what = "MAC address",
	.apply = fs_mac_default_apply,
};

/*
 * One extra MAC slot: the sub-device loses the address the slot had
 * (req->old, if any) and gains the recorded one (if any).  Replay gives
 * no old address.
 */
static int
fs_mac_slot_apply(struct fs_sub *sub, const void *arg)
{
	const struct fs_mac_req *req = arg;
	struct rte_ether_addr *mac = &sub->priv->cfg.mac[req->index];
	struct rte_ether_addr old = req->old;
	int ret;

	/* ethdev forgets a removed address whatever the device says. */
	if (!rte_is_zero_ether_addr(&old) && !rte_is_same_ether_addr(&old, mac))
		rte_eth_dev_mac_addr_remove(sub->port_id, &old);
	if (rte_is_zero_ether_addr(mac))
		return 0;
	ret = rte_eth_dev_mac_addr_add(sub->port_id, mac, 0);
	if (ret < 0)
		return fs_setting_refuse(sub, ret, "extra MAC %u: %s", req->index,
					 rte_strerror(-ret));
	return 0;
}

const struct fs_setting fs_setting_mac_slot = {
	.what = "extra MAC address",
	.apply = fs_mac_slot_apply,
};

/* Record mac at index, apply; on refusal the slot gets its old one back. */
static int
fs_mac_slot_set(struct fs_priv *priv, const struct fs_setting *s,
		uint32_t index, const struct rte_ether_addr *mac)
{
	struct fs_mac_req req = { .index = index, .old = priv->cfg.mac[index] };
	struct fs_mac_req undo = { .index = index, .old = *mac };
	struct fs_sub *failed;
	int ret;

	priv->cfg.mac[index] = *mac;
	ret = fs_settings_apply(priv, s, &req, &failed);
	if (ret < 0) {
		priv->cfg.mac[index] = req.old;
		fs_settings_undo(priv, s, &undo, failed);
	}
	return ret;
}

int
fs_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	struct fs_priv *priv = fs_priv(dev);
	int ret;

	fs_config_lock(priv);
	ret = fs_mac_slot_set(priv, &fs_setting_mac, 0, addr);
	fs_config_unlock(priv);
	return ret;
}

int
fs_mac_addr_add(struct rte_eth_dev *dev, struct rte_ether_addr *addr,
		uint32_t index, uint32_t vmdq)
{
	struct fs_priv *priv = fs_priv(dev);
	int ret;

	RTE_SET_USED(vmdq);
	/* Index 0: the default address, added to another pool by ethdev. */
	if (index >= FS_MAX_MAC)
		return -EINVAL;
	fs_config_lock(priv);
	ret = fs_mac_slot_set(priv, &fs_setting_mac_slot, index, addr);
	fs_config_unlock(priv);
	return ret;
}

void
fs_mac_addr_remove(struct rte_eth_dev *dev, uint32_t index)
{
	static const struct rte_ether_addr none;
	struct fs_priv *priv = fs_priv(dev);

	if (index == 0 || index >= FS_MAX_MAC)
		return;
	fs_config_lock(priv);
	/* Removing never fails: ethdev forgets the address now. */
	fs_mac_slot_set(priv, &fs_setting_mac_slot, index, &none);
	fs_config_unlock(priv);
}

int
fs_replay_mac_addrs(struct fs_sub *sub)
{
	struct fs_mac_req req;
	int ret;

	ret = fs_setting_join(sub, &fs_setting_mac, NULL);
	memset(&req, 0, sizeof(req));
	for (req.index = 1; ret == 0 && req.index < FS_MAX_MAC; req.index++)
		ret = fs_setting_join(sub, &fs_setting_mac_slot, &req);
	return ret;
}

/* --- MTU ------------------------------------------------------------------ */

static int
fs_mtu_check(struct fs_sub *sub, const void *arg)
{
	uint16_t mtu = sub->priv->cfg.mtu;
	struct rte_eth_dev_info info;
	int ret;

	RTE_SET_USED(arg);
	ret = fs_setting_info(sub, &info);
	if (ret < 0)
		return ret;
	if (mtu < info.min_mtu || mtu > info.max_mtu)
		return fs_setting_refuse(sub, -EINVAL, "MTU %u is outside its range %u..%u",
					 mtu, info.min_mtu, info.max_mtu);
	return 0;
}

/*
 * A sub-device without mtu_set can still run with the MTU when its
 * configure was given it (a joining one): ENOTSUP is a refusal only
 * while its MTU is another.
 */
static int
fs_mtu_apply(struct fs_sub *sub, const void *arg)
{
	uint16_t mtu = sub->priv->cfg.mtu, cur;
	int ret;

	RTE_SET_USED(arg);
	ret = rte_eth_dev_set_mtu(sub->port_id, mtu);
	if (ret == -ENOTSUP && rte_eth_dev_get_mtu(sub->port_id, &cur) == 0 &&
	    cur == mtu)
		return 0;
	if (ret < 0)
		return fs_setting_refuse(sub, ret, "MTU %u: %s", mtu,
					 rte_strerror(-ret));
	return 0;
}

const struct fs_setting fs_setting_mtu = {
	.what = "MTU",
	.check = fs_mtu_check,
	.apply = fs_mtu_apply,
};

int
fs_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_sub *failed;
	uint16_t old;
	int ret;

	fs_config_lock(priv);
	old = priv->cfg.mtu;
	priv->cfg.mtu = mtu;
	ret = fs_settings_apply(priv, &fs_setting_mtu, NULL, &failed);
	if (ret < 0) {
		priv->cfg.mtu = old;
		fs_settings_undo(priv, &fs_setting_mtu, NULL, failed);
	}
	fs_config_unlock(priv);
	return ret;
}

/* --- VLAN ----------------------------------------------------------------- */

static bool
fs_vlan_recorded(const struct fs_config *cfg, uint16_t vid)
{
	return cfg->vlan_filter[vid / 64] & RTE_BIT64(vid % 64);
}

static void
fs_vlan_record(struct fs_config *cfg, uint16_t vid, bool on)
{
	if (on)
		cfg->vlan_filter[vid / 64] |= RTE_BIT64(vid % 64);
	else
		cfg->vlan_filter[vid / 64] &= ~RTE_BIT64(vid % 64);
}

static int
fs_vlan_filter_apply(struct fs_sub *sub, const void *arg)
{
	uint16_t vid = *(const uint16_t *)arg;
	bool on = fs_vlan_recorded(&sub->priv->cfg, vid);
	int ret = rte_eth_dev_vlan_filter(sub->port_id, vid, on);

	if (ret < 0)
		return fs_setting_refuse(sub, ret, "VLAN filter %u %s: %s", vid,
					 on ? "on" : "off", rte_strerror(-ret));
	return 0;
}

const struct fs_setting fs_setting_vlan_filter = {
	.what = "VLAN filter",
	.apply = fs_vlan_filter_apply,
};

int
fs_vlan_filter_set(struct rte_eth_dev *dev, uint16_t vid, int on)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_sub *failed;
	bool old;
	int ret;

	fs_config_lock(priv);
	old = fs_vlan_recorded(&priv->cfg, vid);
	fs_vlan_record(&priv->cfg, vid, on != 0);
	ret = fs_settings_apply(priv, &fs_setting_vlan_filter, &vid, &failed);
	if (ret < 0) {
		fs_vlan_record(&priv->cfg, vid, old);
		fs_settings_undo(priv, &fs_setting_vlan_filter, &vid, failed);
	}
	fs_config_unlock(priv);
	return ret;
}

static int
fs_vlan_offload_apply(struct fs_sub *sub, const void *arg)
{
	const struct fs_config *cfg = &sub->priv->cfg;
	int ret;

	RTE_SET_USED(arg);
	if (!cfg->vlan_offload_set)
		return 0;
	ret = rte_eth_dev_set_vlan_offload(sub->port_id, cfg->vlan_offload_mask);
	if (ret < 0)
		return fs_setting_refuse(sub, ret, "VLAN offload 0x%x: %s",
					 cfg->vlan_offload_mask, rte_strerror(-ret));
	return 0;
}

const struct fs_setting fs_setting_vlan_offload = {
	.what = "VLAN offload",
	.apply = fs_vlan_offload_apply,
};

static int
fs_vlan_offload_mask(uint64_t rx_offloads)
{
	int mask = 0;

	if (rx_offloads & RTE_ETH_RX_OFFLOAD_VLAN_STRIP)
		mask |= RTE_ETH_VLAN_STRIP_OFFLOAD;
	if (rx_offloads & RTE_ETH_RX_OFFLOAD_VLAN_FILTER)
		mask |= RTE_ETH_VLAN_FILTER_OFFLOAD;
	if (rx_offloads & RTE_ETH_RX_OFFLOAD_VLAN_EXTEND)
		mask |= RTE_ETH_VLAN_EXTEND_OFFLOAD;
	if (rx_offloads & RTE_ETH_RX_OFFLOAD_QINQ_STRIP)
		mask |= RTE_ETH_QINQ_STRIP_OFFLOAD;
	return mask;
}

int
fs_vlan_offload_set(struct rte_eth_dev *dev, int changed)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_config *cfg = &priv->cfg;
	struct fs_sub *failed;
	bool old_set;
	int old_mask, ret;

	RTE_SET_USED(changed);
	fs_config_lock(priv);
	old_set = cfg->vlan_offload_set;
	old_mask = cfg->vlan_offload_mask;
	/* ethdev wrote the wanted offloads before calling us. */
	cfg->vlan_offload_mask = fs_vlan_offload_mask(dev->data->dev_conf.rxmode.offloads);
	cfg->vlan_offload_set = true;
	ret = fs_settings_apply(priv, &fs_setting_vlan_offload, NULL, &failed);
	if (ret < 0) {
		/* Back to the offloads as they were, set or configured. */
		cfg->vlan_offload_mask = fs_vlan_offload_mask(cfg->rx_offloads);
		fs_settings_undo(priv, &fs_setting_vlan_offload, NULL, failed);
		cfg->vlan_offload_set = old_set;
		cfg->vlan_offload_mask = old_mask;
	} else {
		cfg->rx_offloads = dev->data->dev_conf.rxmode.offloads;
	}
	fs_config_unlock(priv);
	return ret;
}

int
fs_replay_vlan(struct fs_sub *sub)
{
	const struct fs_config *cfg = &sub->priv->cfg;
	unsigned int w, b;
	uint16_t vid;
	int ret;

	ret = fs_setting_join(sub, &fs_setting_vlan_offload, NULL);
	for (w = 0; ret == 0 && w < FS_VLAN_WORDS; w++) {
		for (b = 0; ret == 0 && cfg->vlan_filter[w] != 0 && b < 64; b++) {
			if (!(cfg->vlan_filter[w] & RTE_BIT64(b)))
				continue;
			vid = w * 64 + b;
			ret = fs_setting_join(sub, &fs_setting_vlan_filter, &vid);
		}
	}
	return ret;
}

/* --- link up/down ------------------------------------------------------------ */

static int
fs_link_apply(struct fs_sub *sub, const void *arg)
{
	bool down = sub->priv->cfg.link_down;
	int ret;

	RTE_SET_USED(arg);
	ret = down ? rte_eth_dev_set_link_down(sub->port_id) :
		rte_eth_dev_set_link_up(sub->port_id);
	if (ret < 0)
		return fs_setting_refuse(sub, ret, "link %s: %s",
					 down ? "down" : "up", rte_strerror(-ret));
	return 0;
}

const struct fs_setting fs_setting_link = {
	.what = "link up/down",
	.apply = fs_link_apply,
};
