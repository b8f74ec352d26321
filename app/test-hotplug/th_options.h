/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */
#ifndef TH_OPTIONS_H
#define TH_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TH_MAX_SUBS 4
#define TH_MAX_COMPARE 2

enum th_mode { TH_MODE_YANK, TH_MODE_THROUGHPUT };

/* What sits under the port the traffic goes through. */
enum th_target { TH_TARGET_OURS, TH_TARGET_DEBIAN, TH_TARGET_BONDING };

enum th_huge { TH_HUGE_AUTO, TH_HUGE_ON, TH_HUGE_OFF };

struct th_options {
	enum th_mode mode;
	/* yank mode */
	unsigned int cycles;
	unsigned int nb_subs;
	unsigned int yank_sub;	/* the sub-device every cycle yanks */
	unsigned int rate_pps;
	unsigned int warmup_ms;
	unsigned int down_ms;	/* how long a yanked device stays away */
	unsigned int settle_ms;	/* longest wait for traffic to come back */
	unsigned int gap_ms;	/* steady state between two yanks */
	bool replace_mac;
	const char *yank_cmd;	/* shell command instead of rtnetlink */
	const char *restore_cmd;
	const char *devargs;	/* the port's devargs, overriding ours */
	enum th_target compare[TH_MAX_COMPARE];
	unsigned int nb_compare;
	bool live;
	/* throughput mode */
	unsigned int tp_seconds;
	unsigned int tp_repeat;
	unsigned int tp_paired_rounds;	/* 0: no paired run */
	unsigned int tp_il_rounds;	/* 0: no dpdk-bench-datapath run */
	bool rcu_expedited;	/* yank: /sys/kernel/rcu_expedited = 1 for the run */
	bool probe_rcu;		/* yank: ours with rcu_expedite=on */
	enum th_huge huge;
	/* common */
	const char *plugin_dir;
	const char *json_path;
	const char *png_path;	/* NULL: no PNG */
	const char *work_dir;	/* per-run files (timelines, fragments) */
	/* internal: one measured run, started by the supervisor */
	bool worker;
	enum th_target target;
	const char *netns;
	const char *out_prefix;
};

/* Fills opt from argv; returns 0, 1 when --help was asked, or -EINVAL. */
int th_options_parse(struct th_options *opt, int argc, char **argv);
void th_usage(const char *prog, FILE *f);
const char *th_target_name(enum th_target t);
/* Builds the argv of a worker for target t; argv has room for 64 entries. */
int th_options_worker_argv(const struct th_options *opt, enum th_target t,
			   const char *netns, const char *prefix,
			   char **argv, char *buf, size_t bufsz);

#endif
