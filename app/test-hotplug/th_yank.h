/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */
#ifndef TH_YANK_H
#define TH_YANK_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "th_options.h"
#include "th_traffic.h"
#include "th_view.h"
#include "th_world.h"
#include "th_xstats.h"

/* One yank/re-add cycle as measured. */
struct th_yank {
	unsigned int sub;	/* the yanked sub-device */
	int tx_before;		/* fs_tx_subdevice before the yank, -1: unknown */
	bool carried_tx;	/* the yanked one carried TX (or unknown) */
	char iface_old[16];
	char iface_new[16];
	int del_rc, add_rc;
	uint64_t seq_from, seq_to;
	/*
	 * The first sequence number not yet sent when the delete began, and
	 * how many frames sent before it had not arrived then: what was in
	 * the sub-device's queues and wire, the most a yank should lose.
	 */
	uint64_t seq_del, in_flight;
	uint64_t lost_in_flight;	/* of those, never arrived */
	uint64_t lost_after_delete;	/* sent after the delete, never arrived */
	/*
	 * The PMD's first notice of the yank (link-down, else REMOVE), as a
	 * tsc through a clock pair read at the delete; 0: none.  Frames whose
	 * tx_burst began before it went to the device while nobody could
	 * know; the rest are the PMD's to save.
	 */
	uint64_t tsc_ref, mono_ref_ns, t_notice;
	uint64_t sent_before_notice, lost_before_notice, lost_after_notice;
	uint64_t t_start, t_del, t_switch, t_add, t_back, t_end; /* tsc, 0: never */
	struct th_xstats xs_before, xs_after;
	uint64_t sent, received, lost, duplicated, reordered, tx_rejected;
	unsigned int outage_ms;
	/* The first runs of consecutive lost frames: first one, length. */
	unsigned int nb_loss_runs;
	int64_t loss_run_at[8];	/* its sequence number minus seq_del */
	uint64_t loss_run_len[8];
};

struct th_yank_ctx {
	const struct th_options *opt;
	struct th_world *world;
	struct th_traffic *traffic;
	struct th_view *view;
	volatile sig_atomic_t *interrupted;
	bool have_tx_sub;	/* the port reports fs_tx_subdevice */
	/* Wire sampler: last counter of each pair, and whether it was there. */
	uint64_t wire_last[TH_MAX_SUBS];
	bool wire_seen[TH_MAX_SUBS];
	uint32_t wire_bin;	/* bin of the last sample */
	struct th_yank *yanks;
	unsigned int nb_yanks;	/* done */
	uint64_t t_traffic_end;
};

/* Runs warm-up and every cycle; stops early when *interrupted is set. */
int th_yank_run(struct th_yank_ctx *c);
/* Fills the per-yank counters once the traffic has stopped. */
void th_yank_account(struct th_yank_ctx *c);
/* JSON fragment, summary lines for the supervisor, table on stdout. */
int th_yank_report(struct th_yank_ctx *c, const char *target,
		   const char *devargs, const char *prefix);

#endif
