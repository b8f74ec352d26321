/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */
#ifndef TH_TIMELINE_H
#define TH_TIMELINE_H

#include <stdint.h>
#include <stdio.h>

#include "th_options.h"

#define TH_EV_MAX 4096

enum th_event_kind { TH_EV_YANK, TH_EV_SWITCH, TH_EV_ADD, TH_EV_BACK, TH_EV_NOTE };

struct th_event {
	double t_ms;
	enum th_event_kind kind;
	char text[96];
};

/*
 * One bin per millisecond: frames sent (traffic lcore), frames received
 * (traffic lcore) and the sub-device carrying TX as the port reports it
 * (control thread, -1 when unknown).  Each array has a single writer.
 */
struct th_timeline {
	uint64_t t0;		/* tsc of bin 0 */
	uint64_t cyc_per_ms;
	uint32_t nb_bins;
	uint32_t *sent;
	uint32_t *rcvd;
	int8_t *txsub;
	/* Frames each sub-device put on its wire (control thread), sampled
	 * from the veth peers' counters; nb_wires is 0 when not counted. */
	uint32_t *wire[TH_MAX_SUBS];
	unsigned int nb_wires;
	struct th_event ev[TH_EV_MAX];
	unsigned int nb_ev;
};

int th_timeline_init(struct th_timeline *tl, uint64_t t0, uint64_t hz,
		     uint32_t nb_bins);
/* Adds one wire count per sub-device, zero so far. */
int th_timeline_init_wires(struct th_timeline *tl, unsigned int nb);
void th_timeline_free(struct th_timeline *tl);

static inline uint32_t
th_timeline_bin(const struct th_timeline *tl, uint64_t tsc)
{
	uint64_t b = (tsc - tl->t0) / tl->cyc_per_ms;

	return b < tl->nb_bins ? (uint32_t)b : tl->nb_bins - 1;
}

static inline void
th_timeline_add_sent(struct th_timeline *tl, uint64_t tsc, uint32_t n)
{
	tl->sent[th_timeline_bin(tl, tsc)] += n;
}

static inline void
th_timeline_add_rcvd(struct th_timeline *tl, uint64_t tsc, uint32_t n)
{
	tl->rcvd[th_timeline_bin(tl, tsc)] += n;
}

void th_timeline_set_txsub(struct th_timeline *tl, uint64_t tsc, int sub);

static inline void
th_timeline_add_wire(struct th_timeline *tl, uint64_t tsc, unsigned int sub,
		     uint32_t n)
{
	if (sub < tl->nb_wires)
		tl->wire[sub][th_timeline_bin(tl, tsc)] += n;
}

/* Frames on sub-device sub's wire in [from, to). */
uint64_t th_timeline_wire_sum(const struct th_timeline *tl, unsigned int sub,
			      uint64_t from, uint64_t to);
double th_timeline_ms(const struct th_timeline *tl, uint64_t tsc);
const struct th_event *th_timeline_event(struct th_timeline *tl, uint64_t tsc,
					 enum th_event_kind kind,
					 const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Received frames per second over the last window_ms before tsc, split by
 * the sub-device that carried TX (index TH_MAX_SUBS: unknown). */
void th_timeline_rates(const struct th_timeline *tl, uint64_t tsc,
		       unsigned int window_ms, double *pps, unsigned int nb);
/* Frames per second on each of the nb_wires wires over the last window_ms. */
void th_timeline_wire_rates(const struct th_timeline *tl, uint64_t tsc,
			    unsigned int window_ms, double *pps);
/* Milliseconds in [from, to) with nothing received (traffic is offered
 * all the time, whether or not tx_burst takes it). */
unsigned int th_timeline_outage(const struct th_timeline *tl, uint64_t from,
				uint64_t to);
/* Writes <ms> <sent> <rcvd> <txsub> <wire 0>..<wire nb_wires-1> per
 * width-ms bin up to end_tsc, and the events when ev_path is not NULL. */
int th_timeline_write(const struct th_timeline *tl, uint64_t end_tsc,
		      const char *dat_path, unsigned int width,
		      const char *ev_path);

#endif
