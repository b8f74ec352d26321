/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 *
 * Paired throughput: the direct net_null ports and our fail-safe ports
 * live in one testpmd process and take turns forwarding in short slices.
 * Separate processes on a shared VM drift by more than the differences we
 * look for (one run's hugepage medians scattered from 58 to 93 Mpps);
 * slices a second apart see the same host, the same mempool and the same
 * memory layout, so the per-round ratio is what is left of the driver.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "th_json.h"
#include "th_run.h"
#include "th_testpmd.h"
#include "th_throughput.h"

#define TH_PAIRED_WARM_S	0.2
#define TH_PAIRED_SLICE_S	0.5

static const char *const th_paired_vdevs[] = {
	"net_null0", "net_null1",
	"net_failsafe0,dev(net_null2)", "net_failsafe1,dev(net_null3)",
	"net_failsafe2,dev(net_null4),dev(net_null5)",
	"net_failsafe3,dev(net_null6),dev(net_null7)",
	NULL,
};

/* The testpmd names of each configuration's two ports. */
static const char *const th_paired_ports[TH_PAIRED_NB_CFG][2] = {
	{ "net_null0", "net_null1" },
	{ "net_failsafe0", "net_failsafe1" },
	{ "net_failsafe2", "net_failsafe3" },
};

const char *const th_paired_names[TH_PAIRED_NB_CFG] = {
	"direct", "ours_1sub", "ours_2sub",
};

/* Stops forwarding and swallows the statistics block "stop" prints. */
static int
th_paired_stop(struct th_testpmd *t)
{
	th_testpmd_cmd(t, "stop\n");
	return th_testpmd_read_fwd_rx(t, 30) < 0 ? -1 : 0;
}

/* One slice of one configuration; Mpps, NAN on failure. */
static double
th_paired_slice(struct th_testpmd *t, const int ports[2])
{
	char cmd[64];
	long long a, b;
	double ta, tb;

	snprintf(cmd, sizeof(cmd), "set portlist %d,%d\nstart\n", ports[0], ports[1]);
	th_testpmd_cmd(t, cmd);
	th_sleep_s(TH_PAIRED_WARM_S);
	a = th_testpmd_fwd_rx(t, 30);
	ta = th_now_s();
	th_sleep_s(TH_PAIRED_SLICE_S);
	b = th_testpmd_fwd_rx(t, 30);
	tb = th_now_s();
	if (th_paired_stop(t) < 0 || a < 0 || b <= a)
		return NAN;
	return (double)(b - a) / (tb - ta) / 1e6;
}

static int
th_cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void
th_tp_summary(const double *v, unsigned int n, double out[3])
{
	double s[TH_PAIRED_MAX_ROUNDS];
	unsigned int i, k = 0;

	for (i = 0; i < n; i++)
		if (!isnan(v[i]))
			s[k++] = v[i];
	if (k == 0) {
		out[0] = out[1] = out[2] = NAN;
		return;
	}
	qsort(s, k, sizeof(*s), th_cmp_dbl);
	out[0] = k % 2 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
	out[1] = s[0];
	out[2] = s[k - 1];
}

static int
th_paired_find_ports(struct th_testpmd *t, int ports[][2])
{
	unsigned int c, i;

	for (c = 0; c < TH_PAIRED_NB_CFG; c++)
		for (i = 0; i < 2; i++) {
			ports[c][i] = th_testpmd_port(t, th_paired_ports[c][i]);
			if (ports[c][i] < 0) {
				fprintf(stderr, "test-hotplug: paired: testpmd lists no port %s\n",
					th_paired_ports[c][i]);
				return -1;
			}
		}
	return 0;
}

int
th_tp_paired(const struct th_options *o, const char *huge_dir,
	     unsigned int run, struct th_paired *p)
{
	struct th_testpmd_args args = {
		.huge_dir = huge_dir,
		.plugin_dir = o->plugin_dir,
		.vdevs = th_paired_vdevs,
	};
	struct th_testpmd t;
	int ports[TH_PAIRED_NB_CFG][2];
	char prefix[64];
	unsigned int r, k, c;
	int ret = 0;

	memset(p, 0, sizeof(*p));
	p->rounds = o->tp_paired_rounds;
	snprintf(prefix, sizeof(prefix), "thpair%d-%u", (int)getpid(), run);
	args.file_prefix = prefix;
	if (th_testpmd_start(&t, &args) < 0)
		return -1;
	if (th_paired_find_ports(&t, ports) < 0) {
		th_testpmd_quit(&t);
		return -1;
	}
	for (r = 0; r < p->rounds && !th_sup_interrupted; r++) {
		/* Rotate the order so no configuration always follows another. */
		for (k = 0; k < TH_PAIRED_NB_CFG; k++) {
			c = (r + k) % TH_PAIRED_NB_CFG;
			p->mpps[c][r] = th_paired_slice(&t, ports[c]);
		}
		for (c = 1; c < TH_PAIRED_NB_CFG; c++)
			p->ratio[c][r] = p->mpps[c][r] / p->mpps[0][r];
	}
	if (th_testpmd_quit(&t) != 0 && !th_sup_interrupted)
		fprintf(stderr, "test-hotplug: paired testpmd did not exit cleanly\n");
	for (c = 0; c < TH_PAIRED_NB_CFG; c++) {
		th_tp_summary(p->mpps[c], p->rounds, p->mpps_sum[c]);
		th_tp_summary(p->ratio[c], p->rounds, p->ratio_sum[c]);
		if (isnan(p->mpps_sum[c][0]))
			ret = -1;
	}
	return th_sup_interrupted ? -1 : ret;
}

void
th_tp_paired_print(const char *memory, const struct th_paired *p)
{
	unsigned int c;

	printf("%s, paired in one testpmd (%u rounds of %.1f s slices):", memory,
	       p->rounds, TH_PAIRED_SLICE_S);
	for (c = 0; c < TH_PAIRED_NB_CFG; c++)
		printf(" %s %.2f", th_paired_names[c], p->mpps_sum[c][0]);
	printf(" Mpps\n");
	for (c = 1; c < TH_PAIRED_NB_CFG; c++)
		printf("  %s/direct per round: median %.3f (min %.3f, max %.3f)\n",
		       th_paired_names[c], p->ratio_sum[c][0], p->ratio_sum[c][1],
		       p->ratio_sum[c][2]);
}

static void
th_paired_json_series(struct th_json *j, const char *key, const double *v,
		      unsigned int n, const double sum[3])
{
	unsigned int r;

	th_json_obj_open(j, key);
	th_json_dbl(j, "median", sum[0]);
	th_json_dbl(j, "min", sum[1]);
	th_json_dbl(j, "max", sum[2]);
	th_json_arr_open(j, "per_round");
	for (r = 0; r < n; r++)
		th_json_dbl(j, NULL, v[r]);
	th_json_arr_close(j);
	th_json_obj_close(j);
}

void
th_tp_paired_json(struct th_json *j, const struct th_paired *p)
{
	char key[48];
	unsigned int c;

	th_json_obj_open(j, "paired");
	th_json_str(j, "method", "one testpmd holding all configurations; each round forwards every configuration for one slice, order rotated; ratio = that round's Mpps over that round's direct Mpps");
	th_json_u64(j, "rounds", p->rounds);
	th_json_dbl(j, "slice_s", TH_PAIRED_SLICE_S);
	th_json_dbl(j, "warmup_s", TH_PAIRED_WARM_S);
	th_json_obj_open(j, "mpps");
	for (c = 0; c < TH_PAIRED_NB_CFG; c++)
		th_paired_json_series(j, th_paired_names[c], p->mpps[c],
				      p->rounds, p->mpps_sum[c]);
	th_json_obj_close(j);
	th_json_obj_open(j, "ratios");
	for (c = 1; c < TH_PAIRED_NB_CFG; c++) {
		snprintf(key, sizeof(key), "%s_vs_direct", th_paired_names[c]);
		th_paired_json_series(j, key, p->ratio[c], p->rounds,
				      p->ratio_sum[c]);
	}
	th_json_obj_close(j);
	th_json_obj_close(j);
}
