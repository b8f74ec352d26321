/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The datapath.  A burst reads the published active set once, calls the
 * sub-devices' burst functions directly through pointers cached in it, and
 * never takes a lock, performs an atomic read-modify-write or a system call.
 *
 * Grace periods: in_burst is a plain store on entry and a release store on
 * exit; the control side pairs it with membarrier() (fs_switch.c), so it
 * can tell an idle queue from one inside a burst without a fence here.
 * The rte_rcu_qsbr report at the end tells it when a busy queue moved on.
 */

#include "fs_private.h"

static __rte_always_inline const struct fs_active *
fs_burst_enter(struct fs_queue *q)
{
	q->in_burst = 1;
	rte_compiler_barrier();
	return __atomic_load_n(&q->priv->active, __ATOMIC_ACQUIRE);
}

static __rte_always_inline void
fs_burst_leave(struct fs_queue *q)
{
	__atomic_store_n(&q->in_burst, 0, __ATOMIC_RELEASE);
	rte_rcu_qsbr_quiescent(q->priv->qsbr, q->reader_id);
}

uint16_t
fs_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb)
{
	struct fs_queue *q = queue;
	const struct fs_active *set = fs_burst_enter(q);
	uint16_t nb_paths = set->nb_paths;
	uint16_t got = 0;
	uint16_t i, p;

	/* Start where the last burst left off so no sub-device starves. */
	p = q->rr;
	for (i = 0; i < nb_paths && got < nb; i++) {
		const struct fs_path *path;

		if (p >= nb_paths)
			p = 0;
		path = &set->paths[p++];
		got += path->rx_burst(path->rxq[q->qid], pkts + got, nb - got);
	}
	if (unlikely(nb_paths > 1))
		q->rr = p;
	fs_burst_leave(q);
	return got;
}

uint16_t
fs_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb)
{
	struct fs_queue *q = queue;
	const struct fs_active *set = fs_burst_enter(q);
	uint16_t sent = 0;

	if (likely(set->nb_paths != 0)) {
		const struct fs_path *path = &set->paths[0];

		sent = path->tx_burst(path->txq[q->qid], pkts, nb);
	}
	fs_burst_leave(q);
	return sent;
}

/* Used when the port is stopped or in a secondary process. */
uint16_t
fs_burst_none(void *queue, struct rte_mbuf **pkts, uint16_t nb)
{
	RTE_SET_USED(queue);
	RTE_SET_USED(pkts);
	RTE_SET_USED(nb);
	return 0;
}
