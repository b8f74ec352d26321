/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * What a burst pays to be visible to grace periods, in TSC cycles per
 * burst, for the two ways of letting an idle queue pass a grace period:
 *   flag:   the fail-safe datapath (plain in-burst stores, control side
 *           uses membarrier) plus the rte_rcu_qsbr quiescent report;
 *   online: rte_rcu_qsbr_thread_online/offline around every burst (a full
 *           fence each time) plus the quiescent report.
 * Prints one JSON object.  No EAL needed.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_rcu_qsbr.h>

#define ITERS 20000000u

static volatile uint8_t in_burst;
static int target;
static void *volatile active = &target;

static uint64_t
run_flag(struct rte_rcu_qsbr *v)
{
	uint64_t start = rte_rdtsc_precise();
	unsigned int i;

	for (i = 0; i < ITERS; i++) {
		in_burst = 1;
		rte_compiler_barrier();
		(void)__atomic_load_n(&active, __ATOMIC_ACQUIRE);
		__atomic_store_n(&in_burst, 0, __ATOMIC_RELEASE);
		rte_rcu_qsbr_quiescent(v, 0);
	}
	return rte_rdtsc_precise() - start;
}

static uint64_t
run_online(struct rte_rcu_qsbr *v)
{
	uint64_t start = rte_rdtsc_precise();
	unsigned int i;

	for (i = 0; i < ITERS; i++) {
		rte_rcu_qsbr_thread_online(v, 0);
		(void)__atomic_load_n(&active, __ATOMIC_ACQUIRE);
		rte_rcu_qsbr_quiescent(v, 0);
		rte_rcu_qsbr_thread_offline(v, 0);
	}
	return rte_rdtsc_precise() - start;
}

int
main(void)
{
	struct rte_rcu_qsbr *v = aligned_alloc(RTE_CACHE_LINE_SIZE,
			RTE_ALIGN_CEIL(rte_rcu_qsbr_get_memsize(1), RTE_CACHE_LINE_SIZE));
	double flag = 1e300, online = 1e300;
	int r;

	if (v == NULL || rte_rcu_qsbr_init(v, 1) != 0)
		return 1;
	rte_rcu_qsbr_thread_register(v, 0);
	rte_rcu_qsbr_thread_online(v, 0);
	/* Best of five, interleaved: the machine is shared and noisy. */
	for (r = 0; r < 5; r++) {
		double f = (double)run_flag(v) / ITERS;
		double o = (double)run_online(v) / ITERS;

		flag = f < flag ? f : flag;
		online = o < online ? o : online;
	}
	printf("{\"iterations\": %u, \"flag_membarrier_cycles_per_burst\": %.2f, "
	       "\"qsbr_online_offline_cycles_per_burst\": %.2f, \"ratio\": %.2f}\n",
	       ITERS, flag, online, online / flag);
	free(v);
	return 0;
}
