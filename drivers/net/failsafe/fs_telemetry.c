/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Telemetry: /failsafe/ports lists our ports, /failsafe/port,<id> shows
 * one: its sub-devices, the last hotplug timings and the uevent monitor's
 * counters (forged events dropped among them).
 */

#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "hotplug.h"

#include "fs_private.h"

static struct fs_priv *
fs_telemetry_port(uint16_t port_id)
{
	if (!rte_eth_dev_is_valid_port(port_id) ||
	    rte_eth_devices[port_id].dev_ops != &fs_ops ||
	    rte_eal_process_type() != RTE_PROC_PRIMARY)
		return NULL;
	return fs_priv(&rte_eth_devices[port_id]);
}

static int
fs_tel_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint16_t pid;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	RTE_ETH_FOREACH_DEV(pid)
		if (fs_telemetry_port(pid) != NULL)
			rte_tel_data_add_array_int(d, pid);
	return 0;
}

static struct rte_tel_data *
fs_tel_sub(const struct fs_sub *sub)
{
	struct rte_tel_data *s = rte_tel_data_alloc();

	if (s == NULL)
		return NULL;
	rte_tel_data_start_dict(s);
	rte_tel_data_add_dict_string(s, "devargs", sub->devargs[0] ?
				     sub->devargs : sub->priv->args.sub[sub->idx].spec);
	rte_tel_data_add_dict_string(s, "state", fs_sub_state_name(sub->state));
	rte_tel_data_add_dict_int(s, "active",
				  fs_switch_in_set(sub->priv, sub));
	rte_tel_data_add_dict_int(s, "port_id",
				  fs_sub_port_open(sub) ||
				  (fs_sub_unlocked_step(sub) &&
				   fs_sub_state(sub) != FS_SUB_PROBING) ?
				  sub->port_id : -1);
#define FS_TEL_SUB(field) rte_tel_data_add_dict_uint(s, #field, sub->field);
	FS_SUB_COUNTERS(FS_TEL_SUB)
#undef FS_TEL_SUB
	/* The thread in an unlocked step may be writing it. */
	rte_tel_data_add_dict_string(s, "last_error", fs_sub_unlocked_step(sub) ?
				     "" : sub->last_error);
	return s;
}

static void
fs_tel_hotplug(struct rte_tel_data *d, const struct fs_priv *priv)
{
	const struct fs_hotplug_times *t = &priv->hp;
	struct hotplug_monitor_stats m;

	rte_tel_data_add_dict_int(d, "uevent", priv->uevent_on);
#define FS_TEL_HP(field) rte_tel_data_add_dict_uint(d, #field, t->field);
	FS_HOTPLUG_TIMES(FS_TEL_HP)
#undef FS_TEL_HP
	hotplug_monitor_stats_get(&m);
#define FS_TEL_MON(field, name) rte_tel_data_add_dict_uint(d, name, m.field);
	HOTPLUG_MONITOR_STATS(FS_TEL_MON)
#undef FS_TEL_MON
}

static int
fs_tel_port(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct fs_priv *priv;
	struct fs_sub *sub;
	char *end;
	long pid;

	RTE_SET_USED(cmd);
	if (params == NULL || params[0] == '\0')
		return -EINVAL;
	pid = strtol(params, &end, 10);
	if (*end != '\0' || pid < 0 || pid >= RTE_MAX_ETHPORTS)
		return -EINVAL;
	priv = fs_telemetry_port(pid);
	if (priv == NULL)
		return -ENODEV;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&priv->lock);
	rte_tel_data_add_dict_string(d, "name", priv->name);
	rte_tel_data_add_dict_string(d, "version", FS_VERSION);
	rte_tel_data_add_dict_int(d, "started", priv->started);
	rte_tel_data_add_dict_int(d, "active_subdevices", priv->active->nb_paths);
	rte_tel_data_add_dict_int(d, "tx_subdevice", priv->active->nb_paths ?
				  priv->active->sub_idx[0] : -1);
	rte_tel_data_add_dict_uint(d, "switches", priv->switches);
	rte_tel_data_add_dict_uint(d, "hotplug_poll_ms", priv->args.hotplug_poll_ms);
	fs_tel_hotplug(d, priv);
	FS_FOREACH_SUB(priv, sub) {
		char key[16];
		struct rte_tel_data *s = fs_tel_sub(sub);

		snprintf(key, sizeof(key), "sub%u", sub->idx);
		if (s != NULL)
			rte_tel_data_add_dict_container(d, key, s, 0);
	}
	pthread_mutex_unlock(&priv->lock);
	return 0;
}

RTE_INIT(fs_telemetry_init)
{
	rte_telemetry_register_cmd("/failsafe/ports", fs_tel_ports,
		"Ports run by failsafe-uevent. Takes no parameters");
	rte_telemetry_register_cmd("/failsafe/port", fs_tel_port,
		"Sub-devices, hotplug timings and uevent counters of a fail-safe port. Parameters: int port_id");
}
