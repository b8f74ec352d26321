/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

#ifndef FS_PRIVATE_H
#define FS_PRIVATE_H

#include <net/if.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_ether.h>
#include <rte_flow.h>
#include <rte_log.h>
#include <rte_rcu_qsbr.h>

#include "dpdk_compat.h"
#include "hotplug.h"

#include "fs_args.h"
#include "fs_exec.h"
#include "fs_slot.h"

#define FS_DRIVER_NAME		net_failsafe
#define FS_VERSION		"failsafe-uevent " FS_VERSION_STRING
#define FS_MAX_QUEUES		64
#define FS_MAX_MAC		64
#define FS_VLAN_WORDS		(RTE_ETHER_MAX_VLAN_ID + 1) / 64
#define FS_RETA_MAX		512

extern int fs_logtype;

/*
 * A sub-device's release (its driver's stop and close, the device's
 * removal) still running after this long is logged: its driver is stuck
 * on a device that is gone (fs_release.c).
 */
#define FS_RELEASE_BOUND_MS	2000

/*
 * After the kernel removes a PCI sub-device (vfio's release request, its
 * REMOVE), hotplug_poll leaves the slot to the device's ADD this long at
 * most: the kernel deletes a released device a moment later, and sysfs
 * shows it until then (fs_hotplug.c).
 */
#define FS_POLL_HOLD_MS		5000

#define FS_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, fs_logtype, "failsafe: %s(): " fmt "\n", \
		__func__, ##__VA_ARGS__)
#define FS_PORT_LOG(level, priv, fmt, ...) \
	rte_log(RTE_LOG_ ## level, fs_logtype, "failsafe: %s: " fmt "\n", \
		(priv)->name, ##__VA_ARGS__)

struct fs_priv;

/*
 * A slot's counters, one list for the struct, the xstats ("fs_sub<N>_"
 * name) and telemetry (name, in the slot's dict): removals and additions
 * done, probes that failed.
 */
#define FS_SUB_COUNTERS(X) \
	X(removals) \
	X(additions) \
	X(probe_failures)

struct fs_sub {
	struct fs_priv *priv;
	uint8_t idx;
	enum fs_sub_state state;	/* fs_sub_set_state() only (fs_slot.c) */
	bool link_ok;		/* link up when the set was built */
	bool add_pending;	/* an ADD came while it was leaving */
	bool cb_stale;		/* an ethdev callback kept registered (was running) */
	/*
	 * Removals seen where the port lock could not be waited for (the
	 * interrupt thread), for the alarm: when each was received, or 0.
	 */
	uint64_t rmv_rx_ns;	/* its PMD's RTE_ETH_EVENT_INTR_RMV */
	uint64_t dev_rmv_rx_ns;	/* RTE_DEV_EVENT_REMOVE naming its device */
	const char *remove_retry;	/* cause of a removal not published yet */
	uint8_t unplugged;	/* FS_UNPLUG_*: removed by someone else */
	struct fs_unplug *unplug;	/* its bus driver's stand-in (fs_unplug.c) */
	bool probed_rcu_expedited;	/* its last probe had kernel RCU expedited */
	bool removed_unlocked;	/* a removal came during an unlocked step */
	/*
	 * Started since its probe: it has counters, which a replay or a
	 * start without the lock would hide from the port's stats
	 * (CONFIGURING and STARTING are not read).
	 */
	bool has_run;
	/*
	 * Its PCI device was seen gone from sysfs: once back, hotplug_poll
	 * may take it from the kernel driver that probed it meanwhile.
	 */
	bool pci_gone;
	struct fs_release *release;	/* its release in flight (fs_release.c) */
	uint64_t poll_hold_ns;	/* hotplug_poll leaves it until then, or its ADD */
	bool bind_refused;	/* a refused bind was logged: said once */
	uint16_t port_id;
	char devargs[FS_DEVARGS_MAX];	/* as last resolved (exec/fd) */
	char bus[32];
	char dev_name[RTE_DEV_NAME_MAX_LEN];
	/* identity, for matching kernel events */
	char iface[IFNAMSIZ];		/* iface= of the devargs, or "" */
	int ifindex;			/* of iface when probed, or 0 */
	char pci_addr[RTE_DEV_NAME_MAX_LEN];	/* for PCI sub-devices, or "" */
	char devargs_override[FS_DEVARGS_MAX];	/* a replacement's devargs */
	struct fs_exec exec;		/* exec() slot: its command, if any */
	uint64_t remove_rx_ns;		/* when its REMOVE was received */
	uint64_t remove_stop_ns;	/* when it was stopped, for priv->hp */
	struct hotplug_event pending_ev;	/* valid while add_pending */
#define FS_SUB_COUNTER_FIELD(field) uint64_t field;
	FS_SUB_COUNTERS(FS_SUB_COUNTER_FIELD)
#undef FS_SUB_COUNTER_FIELD
	uint8_t notsup_logged;		/* FS_NOTSUP_*: said once, not at every start */
	char last_error[128];
};
#define FS_UNPLUG_NO		0
#define FS_UNPLUG_GONE		1	/* its PMD's remove ran */
#define FS_UNPLUG_FAILED	2	/* its PMD's remove failed: close it */
#define FS_NOTSUP_PROMISC	RTE_BIT32(0)
#define FS_NOTSUP_ALLMULTI	RTE_BIT32(1)
#define FS_NOTSUP_MAC		RTE_BIT32(2)

/* One sub-device queue a burst can reach: its burst function and queue. */
struct fs_hop {
	union {
		eth_rx_burst_t rx;
		eth_tx_burst_t tx;
	};
	void *subq;
};

/*
 * What one queue of the port sees of the active set, so that a burst
 * touches its own queue, this view and its rte_rcu_qsbr slot, nothing
 * else: hop[0] is the TX target; RX polls every hop.
 */
struct fs_view {
	uint16_t nb_hops;
	struct fs_hop hop[FS_MAX_SUBDEVS];
} __rte_cache_aligned;

/*
 * Immutable once published.  sub_idx[0] is the TX target (the preferred
 * healthy sub-device).  One view per queue of the port, rx then tx.
 */
struct fs_active {
	uint16_t nb_paths;
	uint8_t sub_idx[FS_MAX_SUBDEVS];
	uint16_t nb_rxq;
	uint16_t nb_txq;
	struct fs_view *views;
};

extern const struct fs_view fs_empty_view;

/*
 * Per queue, written only by the lcore polling that queue; the first
 * cache line holds everything a burst reads or writes.
 */
struct fs_queue {
	const struct fs_view *view;	/* published by fs_switch_publish */
	struct rte_rcu_qsbr *qsbr;
	uint32_t reader_id;	/* rte_rcu_qsbr slot */
	volatile uint8_t in_burst;
	bool is_tx;
	uint16_t qid;
	uint16_t rr;		/* rx: first hop to poll next time */
	struct fs_priv *priv;
	/* recorded setup, for replay */
	uint16_t nb_desc;
	unsigned int socket_id;
	union {
		struct rte_eth_rxconf rxconf;
		struct rte_eth_txconf txconf;
	};
	struct rte_mempool *mp;
} __rte_cache_aligned;

/* A retired active set, freed once every queue has passed a quiescent point. */
struct fs_retired {
	struct fs_retired *next;
	struct fs_active *set;
	uint64_t token;
	uint64_t deadline_ns;
	uint64_t born_ns;
	bool warned;		/* said which queue holds it (FS_GRACE_WARN_NS) */
	uint32_t sub_mask;	/* sub-devices to tear down after the grace period */
};

struct fs_flow {
	TAILQ_ENTRY(fs_flow) next;
	struct rte_flow_conv_rule *rule;	/* deep copy for replay */
	struct rte_flow *sub_flow[FS_MAX_SUBDEVS];
};

/*
 * Port configuration recorded for replay to sub-devices joining later.
 * Each op records here, under both port locks, what it applied: ethdev
 * writes its own copy (mtu, mac_addrs, promiscuous, all_multicast) only
 * after the op returned and the lock is gone, too late for a sub-device
 * replayed in between.
 */
struct fs_config {
	bool configured;
	uint16_t mtu;
	bool promisc;
	bool allmulti;
	struct rte_ether_addr mac[FS_MAX_MAC];	/* [0] default; zero: free slot */
	uint64_t vlan_filter[FS_VLAN_WORDS];
	struct rte_eth_rss_conf rss;	/* rss_key points to rss_key[] or is NULL */
	uint8_t rss_key[64];
	uint16_t reta_size;
	struct rte_eth_rss_reta_entry64 reta[FS_RETA_MAX / RTE_ETH_RETA_GROUP_SIZE];
	/*
	 * dev_conf's RX offloads, with the VLAN ones as last set: ethdev
	 * writes a vlan_offload_set's into dev_conf before the op, and
	 * takes them back if it fails.
	 */
	uint64_t rx_offloads;
	int vlan_offload_mask;
	bool vlan_offload_set;	/* since the last configure */
	bool link_down;		/* set_link_down requested */
};

/*
 * The port's hotplug timings and counters, one list for the struct, the
 * xstats ("fs_" name) and telemetry (name).  last_remove_remap_ns is 0
 * when the device was not remapped (still there); link_down_events counts
 * TX moved by an rtnetlink link-down; the *_rx_ns are when the last ones
 * were received (CLOCK_MONOTONIC), so that a test can tell frames sent
 * before the kernel said anything from the rest.
 */
#define FS_HOTPLUG_TIMES(X) \
	X(remove_events) \
	X(add_events) \
	X(last_remove_switch_ns) \
	X(last_remove_remap_ns) \
	X(last_remove_stop_ns) \
	X(last_remove_close_ns) \
	X(last_add_bind_ns) \
	X(last_add_probe_ns) \
	X(last_add_configure_ns) \
	X(last_add_start_ns) \
	X(last_add_switch_ns) \
	X(link_down_events) \
	X(last_link_down_switch_ns) \
	X(last_remove_rx_ns) \
	X(last_link_down_rx_ns)

struct fs_hotplug_times {
#define FS_HOTPLUG_FIELD(field) uint64_t field;
	FS_HOTPLUG_TIMES(FS_HOTPLUG_FIELD)
#undef FS_HOTPLUG_FIELD
};

/* A sub-device xstat name, learned once: its position is its id. */
struct fs_xname {
	uint8_t slot;
	uint32_t hint;		/* its index in the sub-device's list last time */
	char name[RTE_ETH_XSTATS_NAME_SIZE];
};
#define FS_XNAMES_MAX 4096

struct fs_stats_acc {
	struct rte_eth_stats st;
};

struct fs_priv {
	char name[RTE_ETH_NAME_MAX_LEN];
	struct rte_eth_dev *dev;
	uint16_t port_id;
	pthread_mutex_t lock;
	/*
	 * Taken before lock by the ops that change the configuration a
	 * joining sub-device is given (fs_config_lock), and alone by a
	 * replay (fs_replay.c): it reads that configuration while a
	 * removal, a publish or a counter read still gets the port lock.
	 */
	pthread_mutex_t cfg_lock;
	struct fs_args args;
	struct rte_eth_dev_owner owner;
	struct fs_sub subs[FS_MAX_SUBDEVS];
	uint8_t nb_subs;

	/*
	 * The port's queues as the control threads see them, under lock:
	 * ethdev frees data->rx_queues/tx_queues without our lock (a
	 * configure with no queue of a kind, a configure that fails).
	 */
	struct fs_queue *rxq[FS_MAX_QUEUES];
	struct fs_queue *txq[FS_MAX_QUEUES];
	uint16_t nb_rxq;	/* as of the last dev_configure */
	uint16_t nb_txq;

	/* datapath-visible */
	struct fs_active *active;	/* this process's heap: primary only */
	/* What a secondary may know of it: written with each publish. */
	uint16_t pub_nb_paths;
	uint16_t pub_tx_sub;		/* UINT16_MAX: none */
	uint32_t pub_active_mask;	/* bit per slot in the set */
	struct rte_rcu_qsbr *qsbr;
	uint32_t nb_readers;
	bool membarrier_ok;

	struct fs_retired *retired;
	uint32_t alarms_pending;	/* set by fs_alarm_arm, not yet run */
	uint64_t alarm_due_ns;		/* none later than this is pending */
	bool started;
	bool closing;
	bool lsc_pending;
	/* Test only: runs first in our device and ethdev event callbacks. */
	void (*cb_test_hook)(void *arg);
	/* Test only: runs in an ADD's unlocked step, where a bind would. */
	void (*add_test_hook)(struct fs_sub *sub);
	void (*probe_test_hook)(struct fs_sub *sub);	/* before the EAL probe */
	void (*replay_test_hook)(struct fs_sub *sub);	/* before its replay */
	void (*replayed_test_hook)(struct fs_sub *sub);	/* after, both locks free */
	void (*start_test_hook)(struct fs_sub *sub);	/* before its unlocked start */
	/* Test only: runs first in a sub-device's release, as its driver would. */
	void (*release_test_hook)(struct fs_sub *sub);
	bool poll_due;		/* a hotplug_poll tick for the worker */
	uint64_t next_poll_ns;
	uint64_t probe_after_ns;	/* no alarm probe before (fs_sub_destroyed) */
	bool exec_busy;		/* an exec() command runs or is not reaped */

	struct fs_config cfg;
	/*
	 * Bumped by every op that changes what a joining sub-device is given
	 * before its start (fs_config_lock): a replay or a start run
	 * without the lock is redone when this moved meanwhile.
	 */
	uint32_t cfg_gen;
	TAILQ_HEAD(, fs_flow) flows;
	struct fs_stats_acc acc;
	/* The totals a secondary process reads (fs_stats.c); stats_seq is
	 * odd while the primary writes them.
	 */
	struct rte_eth_stats snap;
	uint32_t stats_seq;
	struct fs_xname *xnames;	/* sub-device xstats, in id order */
	unsigned int nb_xnames;
	unsigned int cap_xnames;
	struct fs_hotplug_times hp;
	bool uevent_on;
	/*
	 * Even while no slot identity (iface, pci_addr) is being written:
	 * the uevent filter reads identities without the port lock.
	 */
	uint32_t id_seq;
	bool sigbus_on;		/* holds a reference on lib/hotplug's SIGBUS handler */
	bool rcu_warned;	/* said once that rcu_expedite=on cannot work */
	struct rte_eth_link link;
	uint64_t switches;
	uint64_t last_publish_ns;
	uint64_t grace_forced;
};

static inline struct fs_priv *
fs_priv(const struct rte_eth_dev *dev)
{
	return dev->data->dev_private;
}

/*
 * Both locks, for an op that changes the configuration a sub-device is
 * given when it joins (fs_replay.c) or whether the port is started:
 * the configuration is written under both, so either lock reads it.
 */
static inline void
fs_config_lock(struct fs_priv *priv)
{
	pthread_mutex_lock(&priv->cfg_lock);
	pthread_mutex_lock(&priv->lock);
	priv->cfg_gen++;
}

static inline void
fs_config_unlock(struct fs_priv *priv)
{
	pthread_mutex_unlock(&priv->lock);
	pthread_mutex_unlock(&priv->cfg_lock);
}

static inline struct fs_queue *
fs_queue_of(const struct fs_priv *priv, uint16_t qid, bool tx)
{
	return tx ? priv->txq[qid] : priv->rxq[qid];
}

#define FS_FOREACH_SUB(priv, s) \
	for ((s) = &(priv)->subs[0]; (s) < &(priv)->subs[(priv)->nb_subs]; (s)++)

/*
 * The PMD's files stand on five floors; a file calls only into its own
 * floor and the floors below (devtools/check-floors.py, test "floors").
 * What a lower floor must reach above (the alarm's work, the removal
 * watch) is installed by the driver at probe.
 */

/* ---- Floor 0: util (and fs_args.h, fs_exec.h, fs_slot.h, fs_alarm.h) */

/* fs_log.c: log type, clock, a slot's last error */
uint64_t fs_time_ns(void);
int fs_sub_fail(struct fs_sub *sub, int err, const char *fmt, ...)
	__rte_format_printf(3, 4);

/* ---- Floor 1: sub-device lifecycle */

/* fs_subdev.c: sub-device lifecycle */
/* What watches a probed sub-device for its removal (floor 3). */
struct fs_sub_watch {
	void (*attach)(struct fs_sub *sub);	/* after the probe */
	void (*detach)(struct fs_sub *sub);	/* before the close */
};
void fs_sub_watch_init(const struct fs_sub_watch *watch);
/*
 * unlocked: the caller holds the port lock once (the ADD worker,
 * dev_start), and it is dropped around the EAL probe.
 */
int fs_sub_probe(struct fs_sub *sub, bool unlocked);
int fs_sub_configure(struct fs_sub *sub);
void fs_sub_teardown(struct fs_sub *sub);
bool fs_sub_detach_begin(struct fs_sub *sub);
void fs_sub_detach_close(struct fs_sub *sub);
void fs_sub_detach_end(struct fs_sub *sub);
void fs_sub_released(struct fs_sub *sub, const char *cause);
bool fs_rcu_begin(struct fs_sub *sub);

/*
 * Its port may be asked for counters: open and configured once.  Never
 * configured, it counted nothing, and some PMDs crash there (net_vmxnet3
 * reads queue descriptors a configure allocates).
 */
static inline bool
fs_sub_counts(const struct fs_sub *sub)
{
	return fs_sub_port_open(sub) &&
		rte_eth_devices[sub->port_id].data->dev_configured;
}
void fs_plug_remove(const char *bus, const char *name);

int fs_sub_join(struct fs_sub *sub);
struct hotplug_up_watch;
void fs_sub_up_watch_begin(struct fs_sub *sub, struct hotplug_up_watch *w);
void fs_sub_up_watch_end(struct fs_sub *sub, struct hotplug_up_watch *w);
/*
 * Probe, replay, start: the port lock held once by the caller and
 * dropped around each (PROBING, CONFIGURING, STARTING).
 */
int fs_sub_join_timed(struct fs_sub *sub, struct fs_hotplug_times *t,
		      uint64_t rx_ns);

/* fs_resolve.c: a slot's devargs and identity, its exec() command */
int fs_sub_resolve(struct fs_sub *sub, struct rte_devargs *da);
int fs_sub_ifindex(const struct fs_sub *sub);
void fs_sub_identity(struct fs_sub *sub, const char *devargs);
void fs_subs_exec_prefetch(struct fs_priv *priv);
bool fs_subs_exec_service(struct fs_priv *priv, bool *answered);
void fs_subs_exec_stop(struct fs_priv *priv);
#define FS_EXEC_POLL_US	10000	/* alarm period while a command runs */

/* fs_release.c: a retired sub-device's release, in a thread of its own */
struct fs_release;
int fs_release_start(struct fs_sub *sub);
int fs_release_sync(struct fs_sub *sub);
bool fs_release_reap(struct fs_priv *priv);
uint64_t fs_release_next_us(const struct fs_priv *priv, uint64_t now);
void fs_release_drain(struct fs_priv *priv, bool final);

/* fs_registry.c: what lib/hotplug keeps of a probed sub-device */
void fs_registry_forget(struct fs_sub *sub);
void fs_registry_add(struct fs_sub *sub);
void fs_registry_bars_del(struct fs_sub *sub);
bool fs_sub_is_pci(const struct fs_sub *sub);
struct rte_pci_device *fs_sub_pci_dev(const struct fs_sub *sub);

/* fs_replay.c: recorded configuration -> a sub-device that joins */
int fs_replay_config(struct fs_sub *sub);
int fs_replay_after_start(struct fs_sub *sub);
int fs_replay_filters(struct fs_sub *sub);

/*
 * fs_settings.c: one setting, from fs_config to one sub-device, for the
 * port's op and for replay alike.  check (may be NULL) changes nothing;
 * apply gives the recorded value.  Both return 0 or a negative errno,
 * with the reason in the sub-device's last_error (fs_setting_refuse);
 * an ENOTSUP that loses nothing is 0.  cap_bit (FS_NOTSUP_*): ENOTSUP
 * is a capability the sub-device lacks, said once at INFO by the op.
 */
struct fs_setting {
	const char *what;
	int (*check)(struct fs_sub *sub, const void *arg);
	int (*apply)(struct fs_sub *sub, const void *arg);
	uint8_t cap_bit;
};

/* An extra MAC slot: the address it had, which the sub-device loses. */
struct fs_mac_req {
	uint32_t index;
	struct rte_ether_addr old;
};

/* A queue of the port, for fs_setting_queue_state. */
struct fs_queue_ref {
	uint16_t qid;
	bool tx;
};

int fs_setting_refuse(struct fs_sub *sub, int err, const char *fmt, ...)
	__rte_format_printf(3, 4);
int fs_setting_info(struct fs_sub *sub, struct rte_eth_dev_info *info);
/*
 * Under lock: check every sub-device with the configuration, then apply
 * to each; on a refusal, log it and return it with *failed the one that
 * refused in the apply pass (NULL: none was changed).  The caller puts
 * the old record back and calls fs_settings_undo with it.
 */
int fs_settings_apply(struct fs_priv *priv, const struct fs_setting *s,
		      const void *arg, struct fs_sub **failed);
void fs_settings_undo(struct fs_priv *priv, const struct fs_setting *s,
		      const void *arg, const struct fs_sub *failed);
/* Replay: check and apply to a joining sub-device; a refusal is logged. */
int fs_setting_join(struct fs_sub *sub, const struct fs_setting *s,
		    const void *arg);
int fs_setting_join_check(struct fs_sub *sub, const struct fs_setting *s,
			  const void *arg);
extern const struct fs_setting fs_setting_promisc;
extern const struct fs_setting fs_setting_allmulti;
extern const struct fs_setting fs_setting_mac;		/* default MAC */
extern const struct fs_setting fs_setting_mac_slot;	/* arg: fs_mac_req */
extern const struct fs_setting fs_setting_mtu;
extern const struct fs_setting fs_setting_vlan_filter;	/* arg: uint16_t vid */
extern const struct fs_setting fs_setting_vlan_offload;
extern const struct fs_setting fs_setting_link;
int fs_replay_mac_addrs(struct fs_sub *sub);
int fs_replay_vlan(struct fs_sub *sub);
int fs_promisc_enable(struct rte_eth_dev *dev);
int fs_promisc_disable(struct rte_eth_dev *dev);
int fs_allmulti_enable(struct rte_eth_dev *dev);
int fs_allmulti_disable(struct rte_eth_dev *dev);
int fs_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr);
int fs_mac_addr_add(struct rte_eth_dev *dev, struct rte_ether_addr *addr,
		    uint32_t index, uint32_t vmdq);
void fs_mac_addr_remove(struct rte_eth_dev *dev, uint32_t index);
int fs_mtu_set(struct rte_eth_dev *dev, uint16_t mtu);
int fs_vlan_filter_set(struct rte_eth_dev *dev, uint16_t vid, int on);
int fs_vlan_offload_set(struct rte_eth_dev *dev, int changed);

/* fs_rss.c: RSS hash, key and redirection table */
extern const struct fs_setting fs_setting_rss;
extern const struct fs_setting fs_setting_reta;
bool fs_rss_key_fits(const struct fs_config *cfg,
		     const struct rte_eth_rss_conf *conf);
void fs_rss_conf_record(struct fs_config *cfg,
			const struct rte_eth_rss_conf *conf);
void fs_rss_fit(const struct fs_sub *sub, const struct rte_eth_dev_info *info,
		struct rte_eth_rss_conf *rss, bool at_configure);
void fs_rss_replay_unsized_key(struct fs_sub *sub);
int fs_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf);
int fs_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf);
int fs_reta_update(struct rte_eth_dev *dev,
		   struct rte_eth_rss_reta_entry64 *reta, uint16_t size);
int fs_reta_query(struct rte_eth_dev *dev,
		  struct rte_eth_rss_reta_entry64 *reta, uint16_t size);

/* fs_queue.c: queue setup, and each queue's started state for replay */
extern const struct fs_setting fs_setting_queue_setup;	/* arg: fs_queue */
extern const struct fs_setting fs_setting_queue_state;	/* arg: fs_queue_ref */
int fs_replay_queues(struct fs_sub *sub);
int fs_replay_queue_states(struct fs_sub *sub);
int fs_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		      unsigned int socket_id, const struct rte_eth_rxconf *conf,
		      struct rte_mempool *mp);
int fs_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		      unsigned int socket_id, const struct rte_eth_txconf *conf);
void fs_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
void fs_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid);

/* fs_flow.c */
extern const struct rte_flow_ops fs_flow_ops;
int fs_flow_replay(struct fs_sub *sub);
void fs_flow_forget_sub(struct fs_sub *sub);
void fs_flow_free_all(struct fs_priv *priv);

/* fs_stats.c */
int fs_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats
		 FS_STATS_GET_QSTATS);
int fs_stats_reset(struct rte_eth_dev *dev);
void fs_stats_fold(struct fs_sub *sub);
void fs_stats_snapshot(struct fs_priv *priv);
int fs_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats,
		  unsigned int n);
int fs_xstats_get_names(struct rte_eth_dev *dev,
			struct rte_eth_xstat_name *names, unsigned int size);
int fs_xstats_reset(struct rte_eth_dev *dev);
void fs_xstats_forget(struct fs_priv *priv);
int fs_stats_get_shared(struct rte_eth_dev *dev, struct rte_eth_stats *stats
			FS_STATS_GET_QSTATS);
int fs_xstats_get_shared(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats,
			 unsigned int n);
int fs_xstats_get_names_shared(struct rte_eth_dev *dev,
			       struct rte_eth_xstat_name *names,
			       unsigned int size);

/* ---- Floor 2: switching */

/* fs_switch.c: active set, grace periods, queue start/stop */
int fs_switch_init(struct fs_priv *priv, uint32_t nb_readers);
void fs_switch_fini(struct fs_priv *priv);
int fs_switch_publish(struct fs_priv *priv, uint32_t teardown_mask);
void fs_switch_reclaim(struct fs_priv *priv, bool force, uint32_t *closing);
int fs_switch_remove_sub(struct fs_sub *sub, const char *why);
void fs_switch_remove_retry(struct fs_sub *sub);
int fs_switch_link_down(struct fs_sub *sub);
void fs_switch_queue_state(struct fs_priv *priv, uint16_t qid, bool tx);
int fs_switch_wait(struct fs_priv *priv, unsigned int timeout_ms);
int fs_switch_sync(struct fs_priv *priv, unsigned int timeout_ms);
bool fs_switch_link_lost(struct fs_priv *priv, const struct fs_sub *sub);
bool fs_switch_in_set(const struct fs_priv *priv, const struct fs_sub *sub);
bool fs_switch_links_changed(struct fs_priv *priv);
#define FS_SYNC_GRACE_MS 100
int fs_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid);
int fs_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid);
int fs_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid);
int fs_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid);

/* fs_link.c: the port's link and its LSC */
void fs_link_refresh(struct fs_priv *priv);
void fs_lsc_emit_pending(struct fs_priv *priv);		/* lock not held */

/* fs_rxtx.c */
uint16_t fs_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb);
uint16_t fs_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb);
uint16_t fs_burst_none(void *queue, struct rte_mbuf **pkts, uint16_t nb);

/* ---- Floor 3: events */

/*
 * fs_deferred.c: the port alarm's work (fs_alarm.h).  It finishes grace
 * periods, acts on sub-device RMV events, has the ADD worker (fs_worker.c)
 * re-probe empty slots every hotplug_poll ms, probe a slot whose exec()
 * command answered and take an ADD that waited for its slot.  It never
 * blocks the interrupt thread: when the port lock is busy it tries again
 * a little later.
 */
void fs_deferred_tick(struct fs_priv *priv);
/* Under lock; closing NULL: close retired sub-devices here too. */
void fs_deferred_run(struct fs_priv *priv, uint32_t *closing);

/* fs_remove.c: the one removal path, and the callbacks that feed it */
enum fs_remove_cause {
	FS_RM_UEVENT,		/* REMOVE uevent */
	FS_RM_RENAME,		/* the old name of a MOVE uevent */
	FS_RM_RESYNC,		/* lib/hotplug's resync found it gone */
	FS_RM_SIGBUS,		/* a BAR faulted */
	FS_RM_DEV_EVENT,	/* RTE_DEV_EVENT_REMOVE, sysfs agrees */
	FS_RM_VFIO,		/* vfio's release request: still present */
	FS_RM_PMD_RMV,		/* its PMD's RTE_ETH_EVENT_INTR_RMV */
	FS_RM_RELEASED,		/* its port released by someone else */
	FS_RM_UNPLUG,		/* rte_dev_remove by the application */
	FS_RM_LINK_DOWN,	/* rtnetlink link-down: TX moves, it stays */
	FS_RM_LINK_WATCH,	/* the link watch saw it down first: same */
	FS_RM_MAX
};
int fs_sub_remove(struct fs_sub *sub, enum fs_remove_cause cause,
		  uint64_t rx_ns);
void fs_sub_callbacks(struct fs_sub *sub, bool on);
void fs_sub_callbacks_reap(struct fs_sub *sub);
void fs_dev_events_on(struct fs_priv *priv);
void fs_dev_events_off(struct fs_priv *priv);
void fs_dev_event_remove(struct fs_sub *sub, uint64_t rx_ns);
#define FS_CB_UNREG_TRIES	2000	/* one per millisecond */
/* The argument of the fs callback this thread is inside, if any. */
extern __thread const void *fs_cb_self;
int fs_cb_unregister(int (*unregister)(const void *ctx), const void *ctx,
		     const void *self);
extern const struct fs_sub_watch fs_removal_watch;

/* fs_unplug.c: a sub-device removed by someone else */
int fs_unplug_hook(struct fs_sub *sub);
void fs_unplug_unhook(struct fs_sub *sub);
void fs_unplug_free(struct fs_sub *sub);
void fs_unplug_settle(struct fs_sub *sub, uint32_t *closing);

/* fs_hotplug.c: kernel uevents -> sub-device removal and return */
int fs_hotplug_attach(struct fs_priv *priv);
void fs_hotplug_detach(struct fs_priv *priv);
void fs_hotplug_pending_add(struct fs_sub *sub);
void fs_hotplug_add_run(struct fs_priv *priv, const struct hotplug_event *ev);
void fs_hotplug_join_run(struct fs_priv *priv);
bool fs_hotplug_covers(const struct fs_sub *sub);
bool fs_hotplug_present(const struct fs_sub *sub);
void fs_hotplug_poll_hold(struct fs_sub *sub);
bool fs_hotplug_poll_held(const struct fs_sub *sub);

/* fs_worker.c: the one thread every ADD runs in */
int fs_worker_get(void);
void fs_worker_put(void);
int fs_worker_queue_add(struct fs_priv *priv, const struct hotplug_event *ev);
int fs_worker_queue_join(struct fs_priv *priv);
void fs_worker_cancel(struct fs_priv *priv);
int fs_worker_flush(unsigned int timeout_ms);
bool fs_worker_is_self(void);
bool fs_subs_join(struct fs_priv *priv, bool answered_only);

/* ---- Floor 4: ethdev ops and the driver */

/* fs_ethdev.c */
extern const struct eth_dev_ops fs_ops;
void fs_infos_fill(struct fs_priv *priv, struct rte_eth_dev_info *info);
int fs_fw_version_get(struct rte_eth_dev *dev, char *fw, size_t size);

/* fs_secondary.c: what a secondary process may do with a port */
extern const struct eth_dev_ops fs_secondary_ops;

#endif /* FS_PRIVATE_H */
