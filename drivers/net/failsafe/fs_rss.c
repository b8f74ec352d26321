/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * RSS settings (see fs_settings.c for how settings reach sub-devices):
 * the hash types and key, recorded at configure and by hash updates,
 * and the redirection table.  Sub-devices may differ in key size: the
 * port reports the smallest, and a sub-device with another size hashes
 * with its own key rather than being refused, at an update as when it
 * joins; reads come from a sub-device whose key fits the caller's buffer.
 */

#include <errno.h>
#include <string.h>

#include "fs_private.h"

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

bool
fs_rss_key_fits(const struct fs_config *cfg, const struct rte_eth_rss_conf *conf)
{
	return conf->rss_key == NULL || conf->rss_key_len <= sizeof(cfg->rss_key);
}

void
fs_rss_conf_record(struct fs_config *cfg, const struct rte_eth_rss_conf *conf)
{
	cfg->rss = *conf;
	cfg->rss.rss_key = NULL;
	cfg->rss.rss_key_len = 0;
	if (conf->rss_key != NULL)
		fs_rss_key_record(cfg, conf->rss_key, conf->rss_key_len);
}

/*
 * The recorded RSS configuration as this sub-device can take it: hash
 * types it has, and the key only when of its size (ethdev refuses
 * another length since 23.11, and a PMD before it would read past it).
 * A sub-device that reports no size (0) may still take a key (22.11's
 * net_null): not at configure, where ethdev refuses it since 23.11, but
 * by an update (fs_rss_update_sub), as it keeps its own key if refused.
 */
void
fs_rss_fit(const struct fs_sub *sub, const struct rte_eth_dev_info *info,
	   struct rte_eth_rss_conf *rss, bool at_configure)
{
	*rss = sub->priv->cfg.rss;
	rss->rss_hf &= info->flow_type_rss_offloads;
	if (rss->rss_key == NULL || rss->rss_key_len == info->hash_key_size ||
	    (info->hash_key_size == 0 && !at_configure))
		return;
	if (info->hash_key_size != 0)
		FS_PORT_LOG(INFO, sub->priv, "sub-device %u takes %u-byte RSS keys, not %u: it keeps its own key",
			    sub->idx, info->hash_key_size, rss->rss_key_len);
	rss->rss_key = NULL;
	rss->rss_key_len = 0;
}

static int
fs_rss_update_sub(struct fs_sub *sub, const struct rte_eth_dev_info *info,
		  struct rte_eth_rss_conf *rss)
{
	int ret = rte_eth_dev_rss_hash_update(sub->port_id, rss);

	if (ret < 0 && info->hash_key_size == 0 && rss->rss_key != NULL) {
		rss->rss_key = NULL;
		rss->rss_key_len = 0;
		ret = rte_eth_dev_rss_hash_update(sub->port_id, rss);
	}
	return ret;
}

/* After configure: the key to a sub-device that reports no key size. */
void
fs_rss_replay_unsized_key(struct fs_sub *sub)
{
	const struct fs_config *cfg = &sub->priv->cfg;
	struct rte_eth_dev_info info;
	struct rte_eth_rss_conf rss;

	if (cfg->rss.rss_key == NULL ||
	    !(sub->priv->dev->data->dev_conf.rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG) ||
	    rte_eth_dev_info_get(sub->port_id, &info) != 0 ||
	    info.hash_key_size != 0)
		return;
	fs_rss_fit(sub, &info, &rss, false);
	/* Refused, it keeps its own key, as one of another key size does. */
	fs_rss_update_sub(sub, &info, &rss);
}

/* A hash algorithm the sub-device lacks is a refusal, said as such. */
int
fs_rss_check(struct fs_sub *sub, const void *arg)
{
#ifdef FS_HAS_RSS_ALGO_CAPA
	unsigned int algo = sub->priv->cfg.rss.algorithm;
	struct rte_eth_dev_info info;
	int ret;

	RTE_SET_USED(arg);
	ret = fs_setting_info(sub, &info);
	if (ret < 0)
		return ret;
	if (algo >= 32 || !(info.rss_algo_capa & RTE_ETH_HASH_ALGO_TO_CAPA(algo)))
		return fs_setting_refuse(sub, -EINVAL, "RSS hash algorithm %u is not among its 0x%x",
					 algo, info.rss_algo_capa);
#else
	RTE_SET_USED(sub);
	RTE_SET_USED(arg);
#endif
	return 0;
}

static int
fs_rss_apply(struct fs_sub *sub, const void *arg)
{
	struct rte_eth_dev_info info;
	struct rte_eth_rss_conf rss;
	int ret;

	RTE_SET_USED(arg);
	ret = fs_setting_info(sub, &info);
	if (ret < 0)
		return ret;
	fs_rss_fit(sub, &info, &rss, false);
	ret = fs_rss_update_sub(sub, &info, &rss);
	if (ret < 0)
		return fs_setting_refuse(sub, ret, "RSS hash update: %s",
					 rte_strerror(-ret));
	return 0;
}

const struct fs_setting fs_setting_rss = {
	.what = "RSS hash",
	.check = fs_rss_check,
	.apply = fs_rss_apply,
};

int
fs_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_config *cfg = &priv->cfg;
	struct rte_eth_rss_conf old;
	uint8_t old_key[sizeof(cfg->rss_key)];
	struct fs_sub *failed;
	int ret;

	if (!fs_rss_key_fits(cfg, conf))
		return -EINVAL;
	fs_config_lock(priv);
	old = cfg->rss;
	memcpy(old_key, cfg->rss_key, sizeof(old_key));
	cfg->rss.rss_hf = conf->rss_hf;
#ifdef FS_HAS_RSS_ALGO_CAPA
	cfg->rss.algorithm = conf->algorithm;
#endif
	if (conf->rss_key != NULL)
		fs_rss_key_record(cfg, conf->rss_key, conf->rss_key_len);
	ret = fs_settings_apply(priv, &fs_setting_rss, NULL, &failed);
	if (ret < 0) {
		cfg->rss = old;
		memcpy(cfg->rss_key, old_key, sizeof(old_key));
		fs_settings_undo(priv, &fs_setting_rss, NULL, failed);
	}
	fs_config_unlock(priv);
	return ret;
}

/* The first sub-device with the configuration whose key fits in len bytes. */
static const struct fs_sub *
fs_rss_reader(const struct fs_priv *priv, uint8_t len, bool want_key)
{
	struct rte_eth_dev_info info;
	const struct fs_sub *sub;

	FS_FOREACH_SUB(priv, sub) {
		if (!fs_sub_configured(sub))
			continue;
		if (!want_key)
			return sub;
		if (rte_eth_dev_info_get(sub->port_id, &info) == 0 &&
		    info.hash_key_size <= len)
			return sub;
	}
	return NULL;
}

int
fs_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct fs_priv *priv = fs_priv(dev);
	const struct fs_sub *sub;
	bool want_key = conf->rss_key != NULL;
	int ret = -ENODEV;

	pthread_mutex_lock(&priv->lock);
	sub = fs_rss_reader(priv, conf->rss_key_len, want_key);
	if (sub != NULL)
		ret = rte_eth_dev_rss_hash_conf_get(sub->port_id, conf);
	else if (want_key && fs_rss_reader(priv, UINT8_MAX, false) != NULL)
		ret = -EINVAL;
	pthread_mutex_unlock(&priv->lock);
	if (ret == -EINVAL)
		FS_PORT_LOG(ERR, priv, "an RSS key of %u bytes holds no sub-device's key",
			    conf->rss_key_len);
	return ret;
}

/* --- redirection table ---------------------------------------------------- */

static int
fs_reta_check(struct fs_sub *sub, const void *arg)
{
	uint16_t size = sub->priv->cfg.reta_size;
	struct rte_eth_dev_info info;
	int ret;

	RTE_SET_USED(arg);
	if (size == 0)
		return 0;
	ret = fs_setting_info(sub, &info);
	if (ret < 0)
		return ret;
	if (info.reta_size != size)
		return fs_setting_refuse(sub, -EINVAL, "RETA of %u entries does not fit its %u",
					 size, info.reta_size);
	return 0;
}

/* Every entry recorded so far: those already there are rewritten alike. */
static int
fs_reta_apply(struct fs_sub *sub, const void *arg)
{
	struct fs_config *cfg = &sub->priv->cfg;
	int ret;

	RTE_SET_USED(arg);
	if (cfg->reta_size == 0)
		return 0;
	ret = rte_eth_dev_rss_reta_update(sub->port_id, cfg->reta, cfg->reta_size);
	if (ret < 0)
		return fs_setting_refuse(sub, ret, "RETA: %s", rte_strerror(-ret));
	return 0;
}

const struct fs_setting fs_setting_reta = {
	.what = "RSS redirection table",
	.check = fs_reta_check,
	.apply = fs_reta_apply,
};

static void
fs_reta_record(struct fs_config *cfg, const struct rte_eth_rss_reta_entry64 *reta,
	       uint16_t size)
{
	unsigned int i, g, b;

	if (cfg->reta_size != size)
		memset(cfg->reta, 0, sizeof(cfg->reta));
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

int
fs_reta_update(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *reta,
	       uint16_t size)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_config *cfg = &priv->cfg;
	struct rte_eth_rss_reta_entry64 old[RTE_DIM(cfg->reta)];
	uint16_t old_size;
	struct fs_sub *failed;
	int ret;

	if (size > FS_RETA_MAX)
		return -EINVAL;
	fs_config_lock(priv);
	old_size = cfg->reta_size;
	memcpy(old, cfg->reta, sizeof(old));
	fs_reta_record(cfg, reta, size);
	ret = fs_settings_apply(priv, &fs_setting_reta, NULL, &failed);
	if (ret < 0) {
		cfg->reta_size = old_size;
		memcpy(cfg->reta, old, sizeof(old));
		fs_settings_undo(priv, &fs_setting_reta, NULL, failed);
	}
	fs_config_unlock(priv);
	return ret;
}

int
fs_reta_query(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *reta,
	      uint16_t size)
{
	struct fs_priv *priv = fs_priv(dev);
	const struct fs_sub *sub;
	int ret = -ENODEV;

	pthread_mutex_lock(&priv->lock);
	sub = fs_rss_reader(priv, 0, false);
	if (sub != NULL)
		ret = rte_eth_dev_rss_reta_query(sub->port_id, reta, size);
	pthread_mutex_unlock(&priv->lock);
	return ret;
}
