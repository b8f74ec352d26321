/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 *
 * The traffic lcore: sends sequence-numbered frames at a fixed rate through
 * the port under test, drains that port's RX, and counts what reaches the
 * receiver per sequence number.  Every rx/tx burst call on the port under
 * test is timed with the TSC and filed under the current phase.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_pause.h>

#include "th_traffic.h"

#define TH_BURST 32
#define TH_FRAME_LEN 64

struct th_payload {
	uint32_t magic;
	uint64_t seq;
	uint64_t tsc;
} __attribute__((__packed__));	/* __rte_packed changed form in 25.03 */

int
th_traffic_init(struct th_traffic *t, unsigned int nb_phases, uint64_t cap)
{
	t->seen = calloc(cap, 1);
	t->sent_us = calloc(cap, sizeof(*t->sent_us));
	t->phases = calloc(nb_phases, sizeof(*t->phases));
	if (t->seen == NULL || t->sent_us == NULL || t->phases == NULL)
		return -ENOMEM;
	t->cap = cap;
	t->nb_phases = nb_phases;
	t->hz = rte_get_tsc_hz();
	return 0;
}

void
th_traffic_free(struct th_traffic *t)
{
	free(t->seen);
	free(t->sent_us);
	free(t->phases);
	t->seen = NULL;
	t->sent_us = NULL;
	t->phases = NULL;
}

double
th_cyc_to_us(const struct th_traffic *t, uint64_t cyc)
{
	return (double)cyc * 1e6 / (double)t->hz;
}

double
th_hist_pct_us(const uint32_t *h, double pct)
{
	uint64_t total = 0, acc = 0;
	unsigned int i;

	for (i = 0; i < TH_HIST_BUCKETS; i++)
		total += h[i];
	if (total == 0)
		return 0;
	for (i = 0; i < TH_HIST_BUCKETS; i++) {
		acc += h[i];
		if ((double)acc >= pct * (double)total)
			break;
	}
	return (double)(i + 1) * TH_HIST_NS / 1000.0;
}

static inline void
th_record(struct th_traffic *t, uint32_t *hist, uint64_t *max, uint64_t cyc)
{
	uint64_t ns = cyc * 1000000000ull / t->hz;
	uint64_t b = ns / TH_HIST_NS;

	hist[b < TH_HIST_BUCKETS ? b : TH_HIST_BUCKETS - 1]++;
	if (cyc > *max)
		*max = cyc;
}

static void
th_fill(struct th_traffic *t, struct rte_mbuf *m, uint64_t seq, uint64_t now)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct th_payload *p = (struct th_payload *)(eh + 1);

	memcpy(&eh->dst_addr, t->dst_mac, 6);
	memcpy(&eh->src_addr, t->src_mac, 6);
	eh->ether_type = rte_cpu_to_be_16(TH_ETHERTYPE);
	p->magic = TH_MAGIC;
	p->seq = seq;
	p->tsc = now;
	memset(p + 1, 0, TH_FRAME_LEN - sizeof(*eh) - sizeof(*p));
	m->data_len = TH_FRAME_LEN;
	m->pkt_len = TH_FRAME_LEN;
}

/* Sends what the rate allows by now; returns nothing, accounts everything. */
static void
th_send(struct th_traffic *t, uint64_t now, struct th_burst_stats *ph,
	uint32_t *hist, uint64_t *offered)
{
	struct rte_mbuf *pkts[TH_BURST];
	uint64_t due = (now - t->t0) * t->rate_pps / t->hz;
	uint64_t backlog = due - *offered, start, cyc, seq;
	uint32_t sent_us;
	uint16_t n, sent, i;

	if (due <= *offered)
		return;
	/* More than 10 ms behind: drop the backlog, keep the rate. */
	if (backlog > t->rate_pps / 100 + TH_BURST) {
		t->tx_skipped += backlog - TH_BURST;
		*offered = due - TH_BURST;
		backlog = TH_BURST;
	}
	n = backlog < TH_BURST ? backlog : TH_BURST;
	seq = t->next_seq;
	if (seq + n > t->cap)
		n = t->cap - seq;
	if (n == 0 || rte_pktmbuf_alloc_bulk(t->mp, pkts, n) != 0)
		return;
	for (i = 0; i < n; i++)
		th_fill(t, pkts[i], seq + i, now);
	start = rte_rdtsc();
	sent = rte_eth_tx_burst(t->port, 0, pkts, n);
	cyc = rte_rdtsc() - start;
	th_record(t, hist, &ph->tx_max_cyc, cyc);
	ph->tx_calls++;
	if (sent < n) {
		/*
		 * Refused frames count once and are not offered again (the
		 * rate stays fixed); their sequence numbers are reused.
		 */
		t->tx_rejected += n - sent;
		ph->tx_rejected += n - sent;
		rte_pktmbuf_free_bulk(pkts + sent, n - sent);
	}
	sent_us = (uint32_t)((start - t->t0) / (t->hz / 1000000));
	for (i = 0; i < sent; i++)
		t->sent_us[seq + i] = sent_us;
	*offered += n;
	th_timeline_add_sent(t->tl, now, sent);
	__atomic_store_n(&t->next_seq, seq + sent, __ATOMIC_RELEASE);
}

static void
th_receive(struct th_traffic *t, uint64_t now, struct th_burst_stats *ph)
{
	struct rte_mbuf *pkts[TH_BURST];
	uint16_t n, i, ours = 0;

	n = rte_eth_rx_burst(t->rx_port, 0, pkts, TH_BURST);
	for (i = 0; i < n; i++) {
		struct rte_ether_hdr *eh =
			rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);
		struct th_payload *p = (struct th_payload *)(eh + 1);

		if (pkts[i]->data_len < sizeof(*eh) + sizeof(*p) ||
		    eh->ether_type != rte_cpu_to_be_16(TH_ETHERTYPE) ||
		    p->magic != TH_MAGIC || p->seq >= t->cap) {
			t->foreign++;
			continue;
		}
		ours++;
		t->received++;
		if (t->seen[p->seq] != UINT8_MAX)
			t->seen[p->seq]++;
		if (t->seen[p->seq] > 1)
			t->duplicated++;
		else if (p->seq + 1 < t->max_seen) {
			t->reordered++;
			ph->reordered++;
		}
		if (p->seq + 1 > t->max_seen)
			t->max_seen = p->seq + 1;
	}
	if (n > 0)
		rte_pktmbuf_free_bulk(pkts, n);
	if (ours > 0)
		th_timeline_add_rcvd(t->tl, now, ours);
}

int
th_traffic_loop(void *arg)
{
	struct th_traffic *t = arg;
	struct rte_mbuf *pkts[TH_BURST];
	uint64_t offered = 0, start, cyc, now;
	uint32_t phase;
	uint16_t n;

	while (!t->stop) {
		phase = t->phase;
		if (unlikely(phase >= t->nb_phases))
			phase = 0;
		now = rte_rdtsc();
		if (!t->tx_stop)
			th_send(t, now, &t->phases[phase],
				t->hist[phase != 0].tx, &offered);
		start = rte_rdtsc();
		n = rte_eth_rx_burst(t->port, 0, pkts, TH_BURST);
		cyc = rte_rdtsc() - start;
		th_record(t, t->hist[phase != 0].rx,
			  &t->phases[phase].rx_max_cyc, cyc);
		t->phases[phase].rx_calls++;
		if (n > 0) {
			t->port_rx += n;
			rte_pktmbuf_free_bulk(pkts, n);
		}
		th_receive(t, now, &t->phases[phase]);
	}
	return 0;
}

uint64_t
th_traffic_unseen(const struct th_traffic *t, uint64_t from, uint64_t to)
{
	uint64_t s, n = 0;

	for (s = from; s < to && s < t->cap; s++)
		n += __atomic_load_n(&t->seen[s], __ATOMIC_RELAXED) == 0;
	return n;
}

void
th_traffic_range(const struct th_traffic *t, uint64_t from, uint64_t to,
		 uint64_t *received, uint64_t *lost, uint64_t *dup)
{
	uint64_t s, r = 0, l = 0, d = 0;

	for (s = from; s < to && s < t->cap; s++) {
		r += t->seen[s];
		if (t->seen[s] == 0)
			l++;
		else
			d += t->seen[s] - 1;
	}
	*received = r;
	*lost = l;
	*dup = d;
}
