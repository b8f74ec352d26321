/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Floor 1 (sub-device lifecycle): EMPTY -> PROBING -> PROBED ->
 * CONFIGURING -> CONFIGURED -> STARTING -> STARTED and back.
 * fs_sub_teardown() is the only place that stops, closes and detaches a
 * sub-device, so no port is ever released twice.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_devargs.h>
#include <rte_dev.h>

#include "hotplug.h"
#include "kernel_rcu.h"

#include "fs_private.h"

/*
 * What watches a probed sub-device for its removal (floor 3, fs_remove.c),
 * installed by the port's driver: this floor attaches it at probe and
 * detaches it before the close without naming a floor above.
 */
static const struct fs_sub_watch *fs_watch;

void
fs_sub_watch_init(const struct fs_sub_watch *watch)
{
	fs_watch = watch;
}

/* The ethdev port of a device: its own name first, then its children. */
static int
fs_sub_find_port(const char *name, uint16_t *port_id)
{
	struct rte_eth_dev_info info;
	uint16_t pid;

	if (rte_eth_dev_get_port_by_name(name, port_id) == 0)
		return 0;
	for (pid = 0; pid < RTE_MAX_ETHPORTS; pid++) {
		if (!rte_eth_dev_is_valid_port(pid) ||
		    rte_eth_dev_info_get(pid, &info) != 0 ||
		    info.device == NULL)
			continue;
		if (strcmp(rte_dev_name(info.device), name) == 0) {
			*port_id = pid;
			return 0;
		}
	}
	return -ENODEV;
}

static int
fs_sub_take_ownership(struct fs_sub *sub)
{
	struct fs_priv *priv = sub->priv;
	struct rte_eth_dev_owner cur;

	if (rte_eth_dev_owner_get(sub->port_id, &cur) == 0 &&
	    cur.id != RTE_ETH_DEV_NO_OWNER && cur.id != priv->owner.id)
		return fs_sub_fail(sub, -EBUSY, "port %u (%s) is already owned by %s",
				   sub->port_id, sub->dev_name, cur.name);
	if (cur.id == priv->owner.id)
		return 0;
	if (rte_eth_dev_owner_set(sub->port_id, &priv->owner) != 0)
		return fs_sub_fail(sub, -EBUSY, "cannot take ownership of port %u",
				   sub->port_id);
	return 0;
}

/*
 * The EAL's hotplug calls are not safe against each other from two
 * threads (they share the devargs list).  Every ADD runs in the one ADD
 * worker (fs_worker.c), but the plug lock stays: dev_start and a port's
 * probe join sub-devices in the application's thread, and closes run in
 * the interrupt thread (the alarm closing a retired sub-device), the
 * application's (dev_close, a failed configure) and a remover's
 * (fs_unplug.c); the same process may hold several fail-safe ports too.
 * It also guards fs_probing, which the RTE_ETH_EVENT_NEW claim reads.
 * So they go one at a time, process-wide.  Taken with or without a port
 * lock, never the other way round.
 */
static pthread_mutex_t fs_plug_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fs_sub *fs_probing;	/* written under fs_plug_lock */
static bool fs_claimed;		/* its port is taken: one per probe */
static bool fs_claim_on;

/*
 * RTE_ETH_EVENT_NEW, raised inside the probe: own the sub-device's port
 * before anyone else can see it.  Between the probe's end and our taking
 * it, an application walking its ports (testpmd's "start", OVS) found a
 * port it did not know and had not started.
 */
static int
fs_claim_new_port(uint16_t port_id, enum rte_eth_event_type type, void *arg,
		  void *ret_param)
{
	struct fs_sub *sub = __atomic_load_n(&fs_probing, __ATOMIC_ACQUIRE);
	/* Not valid for the ethdev API yet: it is attached after this event. */
	const struct rte_device *dev = rte_eth_devices[port_id].device;

	RTE_SET_USED(arg);
	RTE_SET_USED(ret_param);
	/*
	 * One device may make several ports (a dual-port NIC): the port
	 * uses the first (fs_sub_find_port), the others stay the
	 * application's.
	 */
	if (type != RTE_ETH_EVENT_NEW || sub == NULL || dev == NULL ||
	    fs_claimed || strcmp(rte_dev_name(dev), sub->dev_name) != 0)
		return 0;
	fs_claimed = true;
	if (rte_eth_dev_owner_set(port_id, &sub->priv->owner) != 0)
		FS_PORT_LOG(WARNING, sub->priv, "sub-device %u: cannot own new port %u yet",
			    sub->idx, port_id);
	return 0;
}

/*
 * rcu_expedite=on: net_af_packet's socket set-up and close wait for
 * kernel RCU grace periods; expedite them for the probe and the close
 * only (lib/kernel_rcu).  Both go on without it when the knob cannot be
 * written.  May run without the port lock (a close by the alarm).
 */
bool
fs_rcu_begin(struct fs_sub *sub)
{
	struct fs_priv *priv = sub->priv;
	int ret;

	if (!priv->args.rcu_expedite)
		return false;
	ret = kernel_rcu_expedite_begin();
	if (ret == 0)
		return true;
	if (!__atomic_exchange_n(&priv->rcu_warned, true, __ATOMIC_RELAXED))
		FS_PORT_LOG(WARNING, priv, "rcu_expedite=on: cannot expedite kernel RCU (%s); probes and closes wait for normal grace periods",
			    strerror(-ret));
	return false;
}

static int
fs_plug_add(struct fs_sub *sub, const char *args)
{
	bool rcu;
	int ret;

	pthread_mutex_lock(&fs_plug_lock);
	/* After the lock: not held while another port's probe runs. */
	rcu = fs_rcu_begin(sub);
	if (!fs_claim_on)
		fs_claim_on = rte_eth_dev_callback_register(RTE_ETH_ALL,
				RTE_ETH_EVENT_NEW, fs_claim_new_port, NULL) == 0;
	fs_claimed = false;
	__atomic_store_n(&fs_probing, sub, __ATOMIC_RELEASE);
	ret = rte_eal_hotplug_add(sub->bus, sub->dev_name, args);
	__atomic_store_n(&fs_probing, NULL, __ATOMIC_RELEASE);
	if (rcu)
		kernel_rcu_expedite_end();
	pthread_mutex_unlock(&fs_plug_lock);
	sub->probed_rcu_expedited = rcu;
	return ret;
}

void
fs_plug_remove(const char *bus, const char *name)
{
	pthread_mutex_lock(&fs_plug_lock);
	rte_eal_hotplug_remove(bus, name);
	pthread_mutex_unlock(&fs_plug_lock);
}

/* What a probe carries from its locked start to its locked end. */
struct fs_probe {
	struct rte_devargs da;
	int ifindex;		/* of its interface before the probe */
	int ret;		/* the EAL's */
	bool moved;		/* its interface was re-created meanwhile */
	bool no_port;		/* probed, but no ethdev port came of it */
	uint16_t port_id;
};

/* Locked: its devargs resolved, EMPTY -> PROBING. */
static int
fs_sub_probe_begin(struct fs_sub *sub, struct fs_probe *p)
{
	int ret;

	memset(p, 0, sizeof(*p));
	ret = fs_sub_resolve(sub, &p->da);
	if (ret < 0) {
		rte_devargs_reset(&p->da);
		if (ret != -EAGAIN || sub->exec.pid == 0)
			sub->probe_failures++;	/* a running command is no failure */
		return ret;
	}
	/* The stale-event check compares with the interface probed now. */
	p->ifindex = fs_sub_ifindex(sub);
	sub->ifindex = p->ifindex;
	sub->removed_unlocked = false;
	return fs_sub_set_state(sub, FS_SUB_PROBING, "probing");
}

/*
 * Lock optional: the EAL probe.  PROBING keeps every other path off the
 * slot, so only p and the EAL are written here.
 */
static void
fs_sub_probe_plug(struct fs_sub *sub, struct fs_probe *p)
{
	if (sub->priv->probe_test_hook != NULL)
		sub->priv->probe_test_hook(sub);
	p->ret = fs_plug_add(sub, p->da.args != NULL ? p->da.args : "");
	rte_devargs_reset(&p->da);
	/* The interface was re-created under the probe: which one is bound
	 * is unknown, so give up; its ADD event brings it back.
	 */
	if (p->ret == 0 && p->ifindex != fs_sub_ifindex(sub)) {
		p->moved = true;
		fs_plug_remove(sub->bus, sub->dev_name);
	} else if ((p->ret == 0 || p->ret == -EEXIST) &&
		   fs_sub_find_port(sub->dev_name, &p->port_id) < 0) {
		p->no_port = true;
		fs_plug_remove(sub->bus, sub->dev_name);
	}
}

/* Locked: why the probe failed, in the slot's last error. */
static int
fs_sub_probe_error(struct fs_sub *sub, const struct fs_probe *p)
{
	if (p->moved)
		return fs_sub_fail(sub, -EAGAIN, "interface %s changed during the probe",
				   sub->iface);
	/* Since 23.11 EAL refuses hotplug devargs that do not fit its
	 * multi-process message, where older releases cut them short.
	 */
	if (p->ret == -E2BIG)
		return fs_sub_fail(sub, p->ret, "probe of '%s' refused: devargs too long for this DPDK's hotplug (bus, name and arguments must fit in 127 bytes)",
				   sub->devargs);
	if (p->ret < 0 && p->ret != -EEXIST)
		return fs_sub_fail(sub, p->ret, "probe of '%s' failed: %s",
				   sub->devargs, rte_strerror(-p->ret));
	if (p->no_port)
		return fs_sub_fail(sub, -ENODEV, "'%s' was probed but has no ethdev port",
				   sub->dev_name);
	return 0;
}

/*
 * Locked, after a step run without the lock (probe, replay, start): a
 * removal that came meanwhile, or the port's close, closes it again.
 */
static int
fs_sub_settle_unlocked(struct fs_sub *sub, const char *step)
{
	struct fs_priv *priv = sub->priv;
	bool removed = sub->removed_unlocked;

	if (!removed && !priv->closing)
		return 0;
	if (removed)
		sub->removals++;
	sub->removed_unlocked = false;
	fs_sub_teardown(sub);
	return fs_sub_fail(sub, -ENODEV, "%s during its %s: closed again",
			   removed ? "removed" : "the port closed", step);
}

/* Locked: PROBING -> PROBED, or back to EMPTY. */
static int
fs_sub_probe_end(struct fs_sub *sub, struct fs_probe *p)
{
	int ret = fs_sub_probe_error(sub, p);

	if (ret == 0) {
		sub->port_id = p->port_id;
		ret = fs_sub_take_ownership(sub);
	}
	if (ret == 0)
		ret = fs_sub_set_state(sub, FS_SUB_PROBED, "probed");
	if (ret < 0) {
		fs_sub_set_state(sub, FS_SUB_EMPTY, "probe failed");
		sub->port_id = RTE_MAX_ETHPORTS;
		sub->probe_failures++;
		return ret;
	}
	if (fs_watch != NULL)
		fs_watch->attach(sub);
	/* A device probed is there, however it came back (bound already). */
	if (!sub->removed_unlocked)
		sub->pci_gone = false;
	/* Another device: the join's publish replaces any set left stale. */
	sub->remove_retry = NULL;
	sub->notsup_logged = 0;	/* another device: it may say otherwise */
	sub->has_run = false;
	fs_registry_add(sub);
	sub->last_error[0] = '\0';
	FS_PORT_LOG(INFO, sub->priv, "sub-device %u probed: %s (port %u)",
		    sub->idx, sub->devargs, sub->port_id);
	return fs_sub_settle_unlocked(sub, "probe");
}

/*
 * EMPTY -> PROBED.  unlocked: the caller holds the port lock once (the
 * ADD worker, dev_start); the EAL probe runs without it, so a removal of
 * another sub-device, or the application's control path, does not wait
 * for a slow probe.
 */
int
fs_sub_probe(struct fs_sub *sub, bool unlocked)
{
	struct fs_probe p;
	int ret;

	if (sub->state != FS_SUB_EMPTY)
		return 0;
	if (unlocked && sub->priv->closing)
		return -ESHUTDOWN;	/* its close waits for this thread */
	ret = fs_sub_probe_begin(sub, &p);
	if (ret < 0)
		return ret;
	if (unlocked)
		pthread_mutex_unlock(&sub->priv->lock);
	fs_sub_probe_plug(sub, &p);
	if (unlocked)
		pthread_mutex_lock(&sub->priv->lock);
	return fs_sub_probe_end(sub, &p);
}

/*
 * Locked, before a replay or a start without the lock: none on a closing
 * port (its close waits for this thread); from here a removal of the
 * slot is only noted, for the step's end.
 */
static int
fs_sub_unlocked_begin(struct fs_sub *sub, enum fs_sub_state to,
		      const char *cause)
{
	if (sub->priv->closing)
		return -ESHUTDOWN;
	sub->removed_unlocked = false;
	return fs_sub_set_state(sub, to, cause);
}

/* The port's configuration, as recorded in fs_config, given to it. */
static int
fs_sub_replay(struct fs_sub *sub)
{
	int ret;

	if (sub->priv->replay_test_hook != NULL)
		sub->priv->replay_test_hook(sub);
	ret = fs_replay_config(sub);
	if (ret == 0)
		ret = fs_replay_queues(sub);
	if (ret == 0)
		ret = fs_replay_filters(sub);
	return ret;
}

/* Locked: PROBED -> CONFIGURED, when the port itself is configured. */
int
fs_sub_configure(struct fs_sub *sub)
{
	int ret;

	if (sub->state != FS_SUB_PROBED || !sub->priv->cfg.configured)
		return 0;
	ret = fs_sub_replay(sub);
	if (ret < 0)
		return ret;
	return fs_sub_set_state(sub, FS_SUB_CONFIGURED, "configuration replayed");
}

#define FS_REPLAY_TRIES	3	/* unlocked replays before one under the lock */

/*
 * Locked, after the replay without it: CONFIGURING -> CONFIGURED, or
 * back to PROBED.  An op that ran between its last replay and here
 * skipped this sub-device: replayed again, under the lock, after
 * FS_REPLAY_TRIES replays that an op overtook.
 */
static int
fs_sub_configure_end(struct fs_sub *sub, bool configured, bool changed,
		     int ret)
{
	if (ret < 0)
		fs_sub_set_state(sub, FS_SUB_PROBED, "replay failed");
	else if (!configured)
		fs_sub_set_state(sub, FS_SUB_PROBED, "the port lost its configuration");
	else
		fs_sub_set_state(sub, FS_SUB_CONFIGURED, "configuration replayed");
	if (fs_sub_settle_unlocked(sub, "replay") < 0)
		return -ENODEV;
	if (ret < 0 || !changed)
		return ret;
	FS_PORT_LOG(DEBUG, sub->priv, "sub-device %u: the port kept changing during its replay: replayed under the lock",
		    sub->idx);
	fs_sub_set_state(sub, FS_SUB_PROBED, "port changed after its replay");
	return fs_sub_configure(sub);
}

/*
 * One replay under cfg_lock alone, which is let go before the port lock
 * is taken again: no thread takes cfg_lock holding the port lock.  True
 * when an op changed the configuration since the replay read it.
 */
static bool
fs_sub_replay_unlocked(struct fs_sub *sub, bool *configured, int *ret)
{
	struct fs_priv *priv = sub->priv;
	uint32_t cfg_gen;

	pthread_mutex_unlock(&priv->lock);
	pthread_mutex_lock(&priv->cfg_lock);
	cfg_gen = priv->cfg_gen;
	/* A reconfigure that no sub-device took drops the configuration. */
	*configured = priv->cfg.configured;
	*ret = *configured ? fs_sub_replay(sub) : 0;
	pthread_mutex_unlock(&priv->cfg_lock);
	if (priv->replayed_test_hook != NULL)
		priv->replayed_test_hook(sub);
	pthread_mutex_lock(&priv->lock);
	return priv->cfg_gen != cfg_gen;
}

/*
 * PROBED -> CONFIGURING -> CONFIGURED (or back to PROBED), without the
 * port lock, held once by the caller (the ADD worker, dev_start).  A
 * PMD's configure and queue set-up can reset a device and allocate its
 * rings; a removal and the application's other ops must not wait for
 * them.  The replay reads fs_config and the queues under cfg_lock,
 * which every op that writes them takes first: those ops wait for it,
 * the rest do not.  An op that ran after the replay let cfg_lock go
 * skipped this sub-device, which is replayed again.
 */
static int
fs_sub_configure_unlocked(struct fs_sub *sub)
{
	struct fs_priv *priv = sub->priv;
	bool configured, changed;
	unsigned int tries = 0;
	int ret;

	if (sub->state != FS_SUB_PROBED || !priv->cfg.configured)
		return 0;
	ret = fs_sub_unlocked_begin(sub, FS_SUB_CONFIGURING, "configuring");
	if (ret < 0)
		return ret;
	do {
		changed = fs_sub_replay_unlocked(sub, &configured, &ret);
	} while (changed && ret == 0 && ++tries < FS_REPLAY_TRIES &&
		 !sub->removed_unlocked && !priv->closing);
	return fs_sub_configure_end(sub, configured, changed, ret);
}

/* Locked: CONFIGURED -> STARTED. */
static int
fs_sub_start_locked(struct fs_sub *sub)
{
	int ret = rte_eth_dev_start(sub->port_id);

	if (ret < 0)
		return fs_sub_fail(sub, ret, "start failed: %s", rte_strerror(-ret));
	sub->has_run = true;
	return fs_sub_set_state(sub, FS_SUB_STARTED, "started");
}

/*
 * Locked, after the start without the lock: STARTING -> STARTED; or back
 * to CONFIGURED and given the port's configuration again, under the
 * lock, when an op changed it meanwhile (skipping this sub-device).
 */
static int
fs_sub_start_end(struct fs_sub *sub, uint32_t cfg_gen, int ret)
{
	struct fs_priv *priv = sub->priv;

	if (ret < 0) {
		fs_sub_set_state(sub, FS_SUB_CONFIGURED, "start failed");
		if (fs_sub_settle_unlocked(sub, "start") < 0)
			return -ENODEV;
		return fs_sub_fail(sub, ret, "start failed: %s", rte_strerror(-ret));
	}
	sub->has_run = true;
	fs_sub_set_state(sub, FS_SUB_STARTED, "started");
	ret = fs_sub_settle_unlocked(sub, "start");
	if (ret < 0 || priv->cfg_gen == cfg_gen)
		return ret;
	FS_PORT_LOG(DEBUG, priv, "sub-device %u: the port changed during its start: replayed again",
		    sub->idx);
	rte_eth_dev_stop(sub->port_id);
	fs_sub_set_state(sub, FS_SUB_CONFIGURED, "port changed during its start");
	fs_sub_set_state(sub, FS_SUB_PROBED, "port changed during its start");
	ret = fs_sub_configure(sub);
	if (ret < 0 || sub->state != FS_SUB_CONFIGURED || !priv->started)
		return ret;
	return fs_sub_start_locked(sub);
}

/*
 * Without the lock, held once by the caller (the ADD worker, dev_start):
 * a PMD's start can take seconds (link set-up), and another sub-device's
 * removal or the application's ops must not wait for it; they skip a
 * STARTING one.
 */
static int
fs_sub_start_unlocked(struct fs_sub *sub)
{
	struct fs_priv *priv = sub->priv;
	uint32_t cfg_gen = priv->cfg_gen;
	int ret;

	ret = fs_sub_unlocked_begin(sub, FS_SUB_STARTING, "starting");
	if (ret < 0)
		return ret;
	pthread_mutex_unlock(&priv->lock);
	if (priv->start_test_hook != NULL)
		priv->start_test_hook(sub);
	ret = rte_eth_dev_start(sub->port_id);
	pthread_mutex_lock(&priv->lock);
	return fs_sub_start_end(sub, cfg_gen, ret);
}

/*
 * CONFIGURED -> STARTED, when the port itself is started.  One that ran
 * before (dev_start after dev_stop) starts under the lock: the port's
 * counters go on reading it.
 */
static int
fs_sub_start(struct fs_sub *sub)
{
	int ret;

	if (sub->state != FS_SUB_CONFIGURED || !sub->priv->started)
		return 0;
	ret = sub->has_run ? fs_sub_start_locked(sub) : fs_sub_start_unlocked(sub);
	if (ret < 0 || sub->state != FS_SUB_STARTED)
		return ret;
	return fs_replay_after_start(sub);
}

/*
 * Any state -> EMPTY, in three steps so that the slow one (stopping and
 * closing a device can take a kernel RCU grace period or more) may run
 * without the port lock.  Callers made sure no burst can reach it.
 *
 * begin (locked): keep its counters, forget its flows and callbacks, and
 * move it to CLOSING; from here every reader skips it.
 */
bool
fs_sub_detach_begin(struct fs_sub *sub)
{
	if (!fs_sub_port_open(sub))
		return false;
	fs_stats_fold(sub);
	fs_flow_forget_sub(sub);
	if (fs_watch != NULL)
		fs_watch->detach(sub);
	fs_sub_set_state(sub, FS_SUB_CLOSING, "closing");
	return true;
}

/* close (lock optional): nobody else touches a closing sub-device. */
void
fs_sub_detach_close(struct fs_sub *sub)
{
	/* An ADD for this slot waits for the close: keep it short. */
	bool rcu = fs_rcu_begin(sub);

	if (sub->priv->release_test_hook != NULL)
		sub->priv->release_test_hook(sub);
	/*
	 * Stop, then close: a vfio device still does DMA into mbufs until it
	 * is stopped, and close both frees those mbufs and unmaps its BARs.
	 * The SIGBUS safety net covers the stop's register writes and leaves
	 * before the unmap, whose addresses may be reused.
	 */
	if (rte_eth_devices[sub->port_id].data->dev_started)
		rte_eth_dev_stop(sub->port_id);
	if (sub->remove_rx_ns != 0)
		sub->remove_stop_ns = fs_time_ns() - sub->remove_rx_ns;
	fs_registry_bars_del(sub);
	rte_eth_dev_close(sub->port_id);
	fs_plug_remove(sub->bus, sub->dev_name);
	if (rcu)
		kernel_rcu_expedite_end();
}

static void
fs_sub_empty(struct fs_sub *sub, const char *cause)
{
	if (fs_sub_set_state(sub, FS_SUB_EMPTY, cause) < 0)
		return;
	sub->remove_rx_ns = 0;
	sub->remove_stop_ns = 0;
	sub->port_id = RTE_MAX_ETHPORTS;
}

/* end (locked): the slot is empty and may be filled again. */
void
fs_sub_detach_end(struct fs_sub *sub)
{
	if (sub->state == FS_SUB_CLOSING) {
		if (sub->remove_rx_ns != 0) {
			sub->priv->hp.last_remove_stop_ns = sub->remove_stop_ns;
			sub->priv->hp.last_remove_close_ns =
				fs_time_ns() - sub->remove_rx_ns;
		}
		FS_PORT_LOG(INFO, sub->priv, "sub-device %u (%s) closed",
			    sub->idx, sub->dev_name);
	}
	fs_sub_empty(sub, "closed");
}

/*
 * Locked: someone else closed its port (and detached its device), so
 * there is nothing to stop or close; the slot is empty, no close timed.
 */
void
fs_sub_released(struct fs_sub *sub, const char *cause)
{
	fs_sub_set_state(sub, FS_SUB_CLOSING, cause);
	fs_sub_empty(sub, cause);
}

/* All three steps, under the lock. */
void
fs_sub_teardown(struct fs_sub *sub)
{
	int ret;

	if (sub->state == FS_SUB_CLOSING)
		return;	/* the alarm is closing it and will finish */
	if (fs_sub_detach_begin(sub)) {
		/* Its driver may never return on a dead device: bounded. */
		ret = sub->pci_gone ? fs_release_sync(sub) : -ENOTSUP;
		if (ret == 0 || ret == -EINPROGRESS)
			return;	/* emptied, or the alarm will */
		fs_sub_detach_close(sub);
	}
	fs_sub_detach_end(sub);
}

/*
 * Around a bring-up (probe, replay, start) of a sub-device on a kernel
 * interface: net_af_packet writes the interface's flags back as it read
 * them, with IFF_PROMISC changed, so an administrator's `ip link set up`
 * in between (a re-created interface is brought up just as its ADD is
 * handled) was lost and the interface stayed down.  Put it back.
 */
void
fs_sub_up_watch_begin(struct fs_sub *sub, struct hotplug_up_watch *w)
{
	w->nl = NULL;
	if (sub->iface[0] != '\0' && sub->state != FS_SUB_STARTED)
		(void)hotplug_up_watch_begin(w, sub->iface);
}

void
fs_sub_up_watch_end(struct fs_sub *sub, struct hotplug_up_watch *w)
{
	int ret = hotplug_up_watch_end(w);

	if (ret > 0)
		FS_PORT_LOG(NOTICE, sub->priv, "sub-device %u: %s was brought up during its bring-up, whose flags write (promiscuous mode) took it down again: brought it up again",
			    sub->idx, sub->iface);
	else if (ret < 0)
		FS_PORT_LOG(WARNING, sub->priv, "sub-device %u: keeping %s up across its bring-up failed: %s",
			    sub->idx, sub->iface, strerror(-ret));
}

/*
 * Bring one slot as far as the port is; on failure leave it empty.  The
 * one join: the ADD worker's (times recorded from the event's receipt)
 * and dev_start's (t NULL) alike.
 */
int
fs_sub_join_timed(struct fs_sub *sub, struct fs_hotplug_times *t,
		  uint64_t rx_ns)
{
	bool was_empty = sub->state == FS_SUB_EMPTY;
	struct hotplug_up_watch w;
	int ret;

	if (fs_sub_leaving(sub))
		return -EBUSY;
	fs_sub_up_watch_begin(sub, &w);
	ret = fs_sub_probe(sub, true);
	if (t != NULL)
		t->last_add_probe_ns = fs_time_ns() - rx_ns;
	/* As for the start: one that ran has counters to keep readable. */
	if (ret == 0)
		ret = sub->has_run ? fs_sub_configure(sub) :
			fs_sub_configure_unlocked(sub);
	if (t != NULL)
		t->last_add_configure_ns = fs_time_ns() - rx_ns;
	if (ret == 0)
		ret = fs_sub_start(sub);
	if (t != NULL)
		t->last_add_start_ns = fs_time_ns() - rx_ns;
	fs_sub_up_watch_end(sub, &w);
	if (ret < 0) {
		fs_sub_teardown(sub);
		return ret;
	}
	if (was_empty && sub->state == FS_SUB_STARTED)
		sub->additions++;
	return 0;
}

int
fs_sub_join(struct fs_sub *sub)
{
	return fs_sub_join_timed(sub, NULL, 0);
}
