/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The differences between the DPDK releases we build against (22.11 on
 * Debian 12, 24.11 on Debian 13, 25.11 compile-checked), in one place.
 * The FS_HAS_* macros come from meson feature checks, never from version
 * numbers, so a backport or a distribution patch is seen for what it is.
 */

#ifndef DPDK_COMPAT_H
#define DPDK_COMPAT_H

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include <ethdev_driver.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_telemetry.h>
#include <rte_thread.h>

/* 23.11 renamed bonding's "slave" devarg (and API) to "member". */
#ifdef FS_HAS_BOND_MEMBER
#define FS_BOND_MEMBER_KEY "member"
#else
#define FS_BOND_MEMBER_KEY "slave"
#endif

/*
 * 25.11 moved the per-queue counters out of struct rte_eth_stats into a
 * third argument of the stats_get op.  FS_STATS_GET_QSTATS is that
 * argument where it exists, nothing before.
 */
#ifdef FS_HAS_ETH_QUEUE_STATS
#define FS_STATS_GET_QSTATS , struct eth_queue_stats *qstats __rte_unused
#else
#define FS_STATS_GET_QSTATS
#endif

/* acc += st, per-queue counters included where rte_eth_stats has them. */
static inline void
fs_compat_stats_add_queues(struct rte_eth_stats *acc,
			   const struct rte_eth_stats *st)
{
#ifdef FS_HAS_STATS_QUEUE_FIELDS
	unsigned int q;

	for (q = 0; q < RTE_ETHDEV_QUEUE_STAT_CNTRS; q++) {
		acc->q_ipackets[q] += st->q_ipackets[q];
		acc->q_opackets[q] += st->q_opackets[q];
		acc->q_ibytes[q] += st->q_ibytes[q];
		acc->q_obytes[q] += st->q_obytes[q];
		acc->q_errors[q] += st->q_errors[q];
	}
#else
	RTE_SET_USED(acc);
	RTE_SET_USED(st);
#endif
}

/* 23.03 renamed the unsigned telemetry adders; 24.11 deprecates the old. */
/* 23.11 reports RSS hash algorithms: the port has those all have. */
static inline void
fs_compat_rss_algo_meet(struct rte_eth_dev_info *acc,
			const struct rte_eth_dev_info *s, bool first)
{
#ifdef FS_HAS_RSS_ALGO_CAPA
	acc->rss_algo_capa = first ? s->rss_algo_capa :
		acc->rss_algo_capa & s->rss_algo_capa;
#else
	RTE_SET_USED(acc);
	RTE_SET_USED(s);
	RTE_SET_USED(first);
#endif
}

#ifndef FS_HAS_TEL_DICT_UINT
#define rte_tel_data_add_dict_uint rte_tel_data_add_dict_u64
#endif

typedef void *(*hotplug_thread_fn)(void *arg);

#ifdef FS_HAS_THREAD_CREATE_CONTROL
/* rte_thread_func returns uint32_t, ours a pointer: carry it across. */
struct hotplug_thread_start {
	hotplug_thread_fn fn;
	void *arg;
};

static inline uint32_t
hotplug_thread_trampoline(void *p)
{
	struct hotplug_thread_start start = *(struct hotplug_thread_start *)p;

	free(p);
	start.fn(start.arg);
	return 0;
}
#endif

/*
 * A control thread: on the EAL's control cpuset, named, joinable with
 * pthread_join().  23.11 replaced rte_ctrl_thread_create() with
 * rte_thread_create_control(), whose rte_thread_t wraps the pthread_t.
 * Returns 0 or a negative errno.
 */
static inline int
hotplug_ctrl_thread_create(pthread_t *tid, const char *name,
			   hotplug_thread_fn fn, void *arg)
{
#ifdef FS_HAS_THREAD_CREATE_CONTROL
	struct hotplug_thread_start *start = malloc(sizeof(*start));
	rte_thread_t t;
	int ret;

	if (start == NULL)
		return -ENOMEM;
	start->fn = fn;
	start->arg = arg;
	ret = rte_thread_create_control(&t, name, hotplug_thread_trampoline,
					start);
	if (ret != 0) {
		free(start);
		return ret > 0 ? -ret : ret;
	}
	*tid = (pthread_t)t.opaque_id;
	return 0;
#else
	return rte_ctrl_thread_create(tid, name, NULL, fn, arg);	/* -errno */
#endif
}

#endif /* DPDK_COMPAT_H */
