/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * rte_flow passthrough: a rule lives on every configured sub-device, and a
 * deep copy (rte_flow_conv) is kept so that a sub-device joining later gets
 * it too.  A rule any sub-device refuses is refused as a whole.
 */

#include <errno.h>
#include <stdlib.h>

#include <rte_flow_driver.h>

#include "fs_private.h"

static bool
fs_flow_sub_eligible(const struct fs_sub *sub)
{
	return fs_sub_configured(sub);
}

static struct fs_flow *
fs_flow_copy(const struct rte_flow_attr *attr,
	     const struct rte_flow_item pattern[],
	     const struct rte_flow_action actions[],
	     struct rte_flow_error *error)
{
	const struct rte_flow_conv_rule src = {
		.attr_ro = attr,
		.pattern_ro = pattern,
		.actions_ro = actions,
	};
	struct fs_flow *flow;
	int size;

	size = rte_flow_conv(RTE_FLOW_CONV_OP_RULE, NULL, 0, &src, error);
	if (size < 0)
		return NULL;
	flow = calloc(1, sizeof(*flow));
	if (flow != NULL)
		flow->rule = malloc(size);
	if (flow == NULL || flow->rule == NULL ||
	    rte_flow_conv(RTE_FLOW_CONV_OP_RULE, flow->rule, size, &src,
			  error) < 0) {
		if (flow != NULL)
			free(flow->rule);
		free(flow);
		rte_flow_error_set(error, ENOMEM, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
				   NULL, "cannot copy the rule for replay");
		return NULL;
	}
	return flow;
}

static void
fs_flow_destroy_on_subs(struct fs_priv *priv, struct fs_flow *flow)
{
	struct rte_flow_error err;
	struct fs_sub *sub;

	FS_FOREACH_SUB(priv, sub) {
		if (flow->sub_flow[sub->idx] == NULL)
			continue;
		rte_flow_destroy(sub->port_id, flow->sub_flow[sub->idx], &err);
		flow->sub_flow[sub->idx] = NULL;
	}
}

static int
fs_flow_validate(struct rte_eth_dev *dev, const struct rte_flow_attr *attr,
		 const struct rte_flow_item pattern[],
		 const struct rte_flow_action actions[],
		 struct rte_flow_error *error)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_sub *sub;
	int ret = 0;

	pthread_mutex_lock(&priv->lock);
	FS_FOREACH_SUB(priv, sub) {
		if (!fs_flow_sub_eligible(sub))
			continue;
		ret = rte_flow_validate(sub->port_id, attr, pattern, actions,
					error);
		if (ret < 0)
			break;
	}
	pthread_mutex_unlock(&priv->lock);
	return ret;
}

static struct rte_flow *
fs_flow_create(struct rte_eth_dev *dev, const struct rte_flow_attr *attr,
	       const struct rte_flow_item pattern[],
	       const struct rte_flow_action actions[],
	       struct rte_flow_error *error)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_flow *flow;
	struct fs_sub *sub;

	flow = fs_flow_copy(attr, pattern, actions, error);
	if (flow == NULL)
		return NULL;
	pthread_mutex_lock(&priv->lock);
	FS_FOREACH_SUB(priv, sub) {
		if (!fs_flow_sub_eligible(sub))
			continue;
		flow->sub_flow[sub->idx] = rte_flow_create(sub->port_id, attr,
							   pattern, actions,
							   error);
		if (flow->sub_flow[sub->idx] == NULL) {
			fs_flow_destroy_on_subs(priv, flow);
			pthread_mutex_unlock(&priv->lock);
			free(flow->rule);
			free(flow);
			return NULL;
		}
	}
	TAILQ_INSERT_TAIL(&priv->flows, flow, next);
	pthread_mutex_unlock(&priv->lock);
	return (struct rte_flow *)flow;
}

static int
fs_flow_destroy(struct rte_eth_dev *dev, struct rte_flow *rte_flow,
		struct rte_flow_error *error)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_flow *flow = (struct fs_flow *)rte_flow;

	if (flow == NULL)
		return rte_flow_error_set(error, EINVAL,
					  RTE_FLOW_ERROR_TYPE_HANDLE, NULL,
					  "NULL flow");
	pthread_mutex_lock(&priv->lock);
	fs_flow_destroy_on_subs(priv, flow);
	TAILQ_REMOVE(&priv->flows, flow, next);
	pthread_mutex_unlock(&priv->lock);
	free(flow->rule);
	free(flow);
	return 0;
}

static int
fs_flow_flush(struct rte_eth_dev *dev, struct rte_flow_error *error)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_sub *sub;
	int ret = 0;

	pthread_mutex_lock(&priv->lock);
	FS_FOREACH_SUB(priv, sub) {
		if (!fs_flow_sub_eligible(sub))
			continue;
		if (rte_flow_flush(sub->port_id, error) < 0)
			ret = -rte_errno;
	}
	FS_FOREACH_SUB(priv, sub)
		fs_flow_forget_sub(sub);
	fs_flow_free_all(priv);
	pthread_mutex_unlock(&priv->lock);
	return ret;
}

const struct rte_flow_ops fs_flow_ops = {
	.validate = fs_flow_validate,
	.create = fs_flow_create,
	.destroy = fs_flow_destroy,
	.flush = fs_flow_flush,
};

int
fs_flow_replay(struct fs_sub *sub)
{
	struct fs_priv *priv = sub->priv;
	struct rte_flow_error err;
	struct fs_flow *flow;

	TAILQ_FOREACH(flow, &priv->flows, next) {
		if (flow->sub_flow[sub->idx] != NULL)
			continue;
		flow->sub_flow[sub->idx] = rte_flow_create(sub->port_id,
				flow->rule->attr, flow->rule->pattern,
				flow->rule->actions, &err);
		if (flow->sub_flow[sub->idx] == NULL)
			return fs_sub_fail(sub, -rte_errno, "refused: flow rule: %s",
					   err.message ? err.message : "rejected");
	}
	return 0;
}

/* The sub-device is going away and its rules with it. */
void
fs_flow_forget_sub(struct fs_sub *sub)
{
	struct fs_flow *flow;

	TAILQ_FOREACH(flow, &sub->priv->flows, next)
		flow->sub_flow[sub->idx] = NULL;
}

void
fs_flow_free_all(struct fs_priv *priv)
{
	struct fs_flow *flow;

	while ((flow = TAILQ_FIRST(&priv->flows)) != NULL) {
		TAILQ_REMOVE(&priv->flows, flow, next);
		fs_flow_destroy_on_subs(priv, flow);
		free(flow->rule);
		free(flow);
	}
}
