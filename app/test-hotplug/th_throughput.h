/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */
#ifndef TH_THROUGHPUT_H
#define TH_THROUGHPUT_H

#include "th_json.h"
#include "th_options.h"

/* --mode throughput: testpmd io forwarding over net_null, side by side. */
int th_throughput_main(const struct th_options *opt);

/* th_tp_paired.c: direct and ours taking turns inside one testpmd. */
#define TH_PAIRED_NB_CFG	3	/* direct, ours_1sub, ours_2sub */
#define TH_PAIRED_MAX_ROUNDS	200

struct th_paired {
	unsigned int rounds;
	double mpps[TH_PAIRED_NB_CFG][TH_PAIRED_MAX_ROUNDS];
	double ratio[TH_PAIRED_NB_CFG][TH_PAIRED_MAX_ROUNDS];	/* [0] unused */
	double mpps_sum[TH_PAIRED_NB_CFG][3];	/* median, min, max */
	double ratio_sum[TH_PAIRED_NB_CFG][3];
};

extern const char *const th_paired_names[TH_PAIRED_NB_CFG];

/* Median, min and max of the n (<= TH_PAIRED_MAX_ROUNDS) values that are
 * not NAN; NAN when there is none. */
void th_tp_summary(const double *v, unsigned int n, double out[3]);

/* huge_dir NULL: --no-huge.  Returns 0 when every configuration measured. */
int th_tp_paired(const struct th_options *o, const char *huge_dir,
		 unsigned int run, struct th_paired *p);
void th_tp_paired_print(const char *memory, const struct th_paired *p);
void th_tp_paired_json(struct th_json *j, const struct th_paired *p);

/* th_tp_interleaved.c: dpdk-bench-datapath, ~1 ms turns in one process. */
#define TH_TP_MAX_REPEAT	50
enum {
	TH_IL_DIRECT, TH_IL_DIRECT_B, TH_IL_OURS1, TH_IL_OURS2, TH_IL_BONDING,
	TH_IL_DEBIAN, TH_IL_NB_CFG
};

/* Per process: each lays its queues out anew. */
struct th_il_cfg {
	double mpps[TH_TP_MAX_REPEAT];	/* its packets over its turns' time */
	double ratio[TH_TP_MAX_REPEAT];	/* median per round against direct */
	double p10[TH_TP_MAX_REPEAT];
	double p90[TH_TP_MAX_REPEAT];
	double mpps_sum[3];		/* median, min, max over processes */
	double ratio_sum[3];
};

struct th_interleaved {
	unsigned int rounds;
	unsigned int procs;
	struct th_il_cfg cfg[TH_IL_NB_CFG];
	double debian_direct_mpps[TH_TP_MAX_REPEAT];	/* beside debian */
};

extern const char *const th_il_names[TH_IL_NB_CFG];

/*
 * o->tp_repeat processes of each kind; huge_dir NULL: --no-huge.  Returns
 * 0 when every configuration measured.
 */
int th_tp_interleaved(const struct th_options *o, const char *huge_dir,
		      unsigned int run, struct th_interleaved *il);
void th_tp_interleaved_print(const char *memory, const struct th_interleaved *il);
void th_tp_interleaved_json(struct th_json *j, const struct th_interleaved *il);

#endif
