/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The datapath.  A burst reads its queue's view of the published active
 * set once, calls the sub-devices' burst functions on their queues through
 * pointers cached in it, and never takes a lock, performs an atomic
 * read-modify-write or a system call.
 *
 * Grace periods: in_burst is a plain store on entry and a release store on
 * exit; the control side pairs it with membarrier() (fs_switch.c), so it
 * can tell an idle queue from one inside a burst without a fence here.
 * The rte_rcu_qsbr report at the end tells it when a busy queue moved on.
 */

#include "fs_private.h"

static __rte_always_inline const struct fs_view *
fs_burst_enter(struct fs_queue *q)
{
	q->in_burst = 1;
	rte_compiler_barrier();
	return __atomic_load_n(&q->view, __ATOMIC_ACQUIRE);
}

static __rte_always_inline void
fs_burst_leave(struct fs_queue *q)
{
	__atomic_store_n(&q->in_burst, 0, __ATOMIC_RELEASE);
	rte_rcu_qsbr_quiescent(q->qsbr, q->reader_id);
}

/*
 * More than one healthy sub-device: poll them all, starting where the
 * last burst left off so none starves.  Kept out of line so the common
 * single-hop burst saves no registers for a loop it does not run.
 */
static __rte_noinline uint16_t
fs_rx_poll_hops(struct fs_queue *q, const struct fs_view *v,
		struct rte_mbuf **pkts, uint16_t nb)
{
	uint16_t nb_hops = v->nb_hops;
	uint16_t got = 0;
	uint16_t i, h;

	h = q->rr;
	for (i = 0; i < nb_hops && got < nb; i++) {
		const struct fs_hop *hop;

		if (h >= nb_hops)
			h = 0;
		hop = &v->hop[h++];
		got += hop->rx(hop->subq, pkts + got, nb - got);
	}
	q->rr = h;
	return got;
}

uint16_t
fs_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb)
{
	struct fs_queue *q = queue;
	const struct fs_view *v = fs_burst_enter(q);
	uint16_t got = 0;

	if (likely(v->nb_hops == 1))
		got = v->hop[0].rx(v->hop[0].subq, pkts, nb);
	else if (v->nb_hops > 1)
		got = fs_rx_poll_hops(q, v, pkts, nb);
	fs_burst_leave(q);
	return got;
}

uint16_t
fs_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb)
{
	struct fs_queue *q = queue;
	const struct fs_view *v = fs_burst_enter(q);
	uint16_t sent = 0;

	if (likely(v->nb_hops != 0))
		sent = v->hop[0].tx(v->hop[0].subq, pkts, nb);
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
