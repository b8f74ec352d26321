/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */
#ifndef TH_TRAFFIC_H
#define TH_TRAFFIC_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>

#include "th_timeline.h"

#define TH_ETHERTYPE 0x88b5	/* IEEE local experimental */
#define TH_MAGIC 0x7e57f5a1u
#define TH_HIST_BUCKETS 4096	/* 0.25 us each, last one is overflow */
#define TH_HIST_NS 250

/* Burst-call timings of one phase (steady state, or one yank window). */
struct th_burst_stats {
	uint64_t tx_max_cyc;
	uint64_t rx_max_cyc;
	uint64_t tx_calls;
	uint64_t rx_calls;
	uint64_t reordered;
	uint64_t tx_rejected;	/* frames tx_burst did not take */
};

struct th_hist {
	uint32_t tx[TH_HIST_BUCKETS];
	uint32_t rx[TH_HIST_BUCKETS];
};

/*
 * Shared between the traffic lcore (the only writer of everything below
 * except the two control words) and the control thread, which reads the
 * counters and sets tx_stop, stop and phase.
 */
struct th_traffic {
	uint16_t port;		/* the port under test */
	uint16_t rx_port;	/* the receiver on vR0 */
	struct rte_mempool *mp;
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	uint32_t rate_pps;
	uint64_t hz;
	uint64_t t0;		/* tsc at start: timeline origin */

	/* control words */
	volatile uint32_t phase;	/* 0 steady, i + 1 inside yank i */
	volatile bool tx_stop;
	volatile bool stop;

	/* sequence accounting */
	uint8_t *seen;		/* times each sequence number arrived */
	uint32_t *sent_us;	/* when its tx_burst call began, us after t0 */
	uint64_t cap;		/* sequence numbers available */
	uint64_t next_seq;	/* read by control with __atomic loads */
	uint64_t received;
	uint64_t duplicated;
	uint64_t reordered;
	uint64_t max_seen;
	uint64_t tx_rejected;	/* refused by tx_burst, counted once */
	uint64_t tx_skipped;	/* backlog dropped to hold the rate */
	uint64_t foreign;	/* frames on vR0 that are not ours */
	uint64_t port_rx;	/* frames the port under test received */

	struct th_burst_stats *phases;	/* nb_phases entries */
	unsigned int nb_phases;
	struct th_hist hist[2];		/* [0] steady, [1] yank windows */
	struct th_timeline *tl;
};

int th_traffic_init(struct th_traffic *t, unsigned int nb_phases,
		    uint64_t cap);
void th_traffic_free(struct th_traffic *t);
/* The traffic lcore's loop: lcore_function_t. */
int th_traffic_loop(void *arg);
/* Counts per sequence range [from, to): sent, lost, duplicated. */
/*
 * Sequence numbers in [from, to) not seen yet; may run while the traffic
 * lcore receives (a frame arriving during the scan may be counted).
 */
uint64_t th_traffic_unseen(const struct th_traffic *t, uint64_t from,
			   uint64_t to);
void th_traffic_range(const struct th_traffic *t, uint64_t from, uint64_t to,
		      uint64_t *received, uint64_t *lost, uint64_t *dup);
double th_cyc_to_us(const struct th_traffic *t, uint64_t cyc);
/* Percentile (0..1) of a histogram, in microseconds. */
double th_hist_pct_us(const uint32_t *h, double pct);

#endif
