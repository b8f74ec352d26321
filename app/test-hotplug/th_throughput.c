/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 *
 * --mode throughput: Debian's dpdk-testpmd in io forwarding over net_null,
 * one process per configuration, configurations interleaved R times, with
 * and without hugepages.  Forwarded packets are read twice from "show fwd
 * stats all" a measured interval apart; the result is the median Mpps.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dpdk_compat.h"
#include "th_json.h"
#include "th_run.h"
#include "th_testpmd.h"
#include "th_throughput.h"

#define TH_TP_WARMUP_MS 1500
#define TH_TP_HUGEPAGES 64

struct th_tp_cfg {
	const char *name;
	const char *what;
	bool plugin;
	const char *vdev[7];	/* NULL-terminated */
	const char *portmask;
};

static const struct th_tp_cfg th_tp_cfgs[] = {
	{ "direct", "net_null, no fail-safe", false,
	  { "net_null0", "net_null1" }, NULL },
	{ "debian", "Debian's net_failsafe over net_null", false,
	  { "net_failsafe0,dev(net_null0)", "net_failsafe1,dev(net_null1)" }, NULL },
	{ "ours_1sub", "ours over 1 net_null", true,
	  { "net_failsafe0,dev(net_null0)", "net_failsafe1,dev(net_null1)" }, NULL },
	{ "ours_2sub", "ours over 2 net_null", true,
	  { "net_failsafe0,dev(net_null0),dev(net_null2)",
	    "net_failsafe1,dev(net_null1),dev(net_null3)" }, NULL },
	{ "bonding", "net_bonding mode 1 over 2 net_null", false,
	  { "net_null0", "net_null1", "net_null2", "net_null3",
	    "net_bonding0,mode=1," FS_BOND_MEMBER_KEY "=net_null0," FS_BOND_MEMBER_KEY "=net_null2",
	    "net_bonding1,mode=1," FS_BOND_MEMBER_KEY "=net_null1," FS_BOND_MEMBER_KEY "=net_null3" }, "0x30" },
};
#define TH_TP_NB_CFG (sizeof(th_tp_cfgs) / sizeof(th_tp_cfgs[0]))

struct th_huge_state {
	long prev;		/* nr_hugepages before us */
	bool changed;
	bool mounted;
	char mnt[64];
};

static long
th_huge_free(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "HugePages_Free: %ld", &v) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return v;
}

static void
th_huge_release(struct th_huge_state *h)
{
	if (h->mounted) {
		if (umount2(h->mnt, MNT_DETACH) < 0)
			fprintf(stderr, "test-hotplug: umount %s: %s\n", h->mnt,
				strerror(errno));
		rmdir(h->mnt);
		h->mounted = false;
	}
	if (h->changed) {
		if (th_write_long("/proc/sys/vm/nr_hugepages", h->prev) < 0)
			fprintf(stderr, "test-hotplug: could not restore nr_hugepages to %ld\n",
				h->prev);
		h->changed = false;
	}
}

/* Reserves TH_TP_HUGEPAGES free default-size pages and mounts them. */
static int
th_huge_reserve(struct th_huge_state *h)
{
	long fr;

	memset(h, 0, sizeof(*h));
	h->prev = th_read_long("/proc/sys/vm/nr_hugepages");
	if (h->prev < 0)
		return -ENOENT;
	fr = th_huge_free();
	if (fr < TH_TP_HUGEPAGES) {
		h->changed = true;
		if (th_write_long("/proc/sys/vm/nr_hugepages",
				  h->prev + TH_TP_HUGEPAGES - (fr < 0 ? 0 : fr)) < 0 ||
		    th_huge_free() < TH_TP_HUGEPAGES) {
			th_huge_release(h);
			return -ENOMEM;
		}
	}
	snprintf(h->mnt, sizeof(h->mnt), "/run/test-hotplug-huge-%d", (int)getpid());
	if (mkdir(h->mnt, 0700) < 0 ||
	    mount("nodev", h->mnt, "hugetlbfs", 0, NULL) < 0) {
		fprintf(stderr, "test-hotplug: hugetlbfs on %s: %s\n", h->mnt,
			strerror(errno));
		rmdir(h->mnt);
		th_huge_release(h);
		return -EIO;
	}
	h->mounted = true;
	return 0;
}

/* One testpmd process; returns Mpps, NAN when the run failed. */
static double
th_tp_run(const struct th_options *o, const struct th_tp_cfg *c,
	  const struct th_huge_state *h, unsigned int run)
{
	struct th_testpmd_args args = {
		.huge_dir = h != NULL ? h->mnt : NULL,
		.plugin_dir = c->plugin ? o->plugin_dir : NULL,
		.vdevs = c->vdev,
		.portmask = c->portmask,
	};
	struct th_testpmd t;
	char prefix[64];
	long long a, b;
	double ta, tb, mpps = NAN;
	int rc;

	snprintf(prefix, sizeof(prefix), "thtp%d-%u", (int)getpid(), run);
	args.file_prefix = prefix;
	if (th_testpmd_start(&t, &args) < 0)
		return NAN;
	th_testpmd_cmd(&t, "start\n");
	th_sleep_s(TH_TP_WARMUP_MS / 1000.0);
	a = th_testpmd_fwd_rx(&t, 30);
	ta = th_now_s();
	if (a >= 0) {
		th_sleep_s(o->tp_seconds);
		b = th_testpmd_fwd_rx(&t, 30);
		tb = th_now_s();
		if (b > a)
			mpps = (double)(b - a) / (tb - ta) / 1e6;
	}
	rc = th_testpmd_quit(&t);
	if (rc != 0 && !isnan(mpps))
		fprintf(stderr, "test-hotplug: testpmd (%s) exited with %d after measuring\n",
			c->name, rc);
	return mpps;
}

struct th_tp_setting {
	const char *memory;	/* "hugepages" or "no-huge" */
	bool used;
	double mpps[TH_TP_NB_CFG][TH_TP_MAX_REPEAT];
	double median[TH_TP_NB_CFG];
	bool paired_ok;
	struct th_paired paired;
	struct th_interleaved il;
};

static double
th_ratio(const struct th_tp_setting *s, unsigned int a, unsigned int b)
{
	return s->median[a] / s->median[b];
}

int
th_throughput_main(const struct th_options *o)
{
	struct th_tp_setting set[2] = { { .memory = "hugepages" },
					{ .memory = "no-huge" } };
	struct th_huge_state huge;
	bool have_huge = false;
	unsigned int si, r, ci, run = 0;
	double sum[3];
	struct th_json j;
	FILE *f;
	int ret = 0;

	th_sup_signals();
	if (o->huge != TH_HUGE_OFF) {
		have_huge = th_huge_reserve(&huge) == 0;
		if (!have_huge && o->huge == TH_HUGE_ON) {
			fprintf(stderr, "test-hotplug: cannot reserve %d hugepages\n",
				TH_TP_HUGEPAGES);
			return 1;
		}
		if (!have_huge)
			printf("throughput: no hugepages could be reserved; --no-huge only\n");
	}
	set[0].used = have_huge;
	set[1].used = o->huge != TH_HUGE_ON;
	printf("throughput: testpmd io forwarding over net_null, 2 ports, 1 forwarding core; %u s windows after %.1f s warm-up, %u interleaved rounds\n",
	       o->tp_seconds, TH_TP_WARMUP_MS / 1000.0, o->tp_repeat);
	for (r = 0; r < o->tp_repeat && !th_sup_interrupted; r++)
		for (si = 0; si < 2; si++) {
			if (!set[si].used)
				continue;
			for (ci = 0; ci < TH_TP_NB_CFG && !th_sup_interrupted; ci++) {
				double v = th_tp_run(o, &th_tp_cfgs[ci],
						     si == 0 ? &huge : NULL, run++);

				set[si].mpps[ci][r] = v;
				printf("  round %u %-9s %-10s %7.2f Mpps\n", r + 1,
				       set[si].memory, th_tp_cfgs[ci].name, v);
			}
		}
	for (si = 0; si < 2 && o->tp_paired_rounds > 0; si++) {
		if (!set[si].used || th_sup_interrupted)
			continue;
		printf("  paired run, %s: %u rounds\n", set[si].memory,
		       o->tp_paired_rounds);
		set[si].paired_ok = th_tp_paired(o, si == 0 ? huge.mnt : NULL,
						 run++, &set[si].paired) == 0;
		if (!set[si].paired_ok)
			ret = 1;
	}
	for (si = 0; si < 2 && o->tp_il_rounds > 0; si++) {
		if (!set[si].used || th_sup_interrupted)
			continue;
		printf("  interleaved run, %s: %u rounds\n", set[si].memory,
		       o->tp_il_rounds);
		if (th_tp_interleaved(o, si == 0 ? huge.mnt : NULL, run++,
				      &set[si].il) != 0)
			ret = 1;
	}
	if (have_huge)
		th_huge_release(&huge);
	if (th_sup_interrupted)
		return 130;

	printf("\n%-10s %-38s", "config", "what");
	for (si = 0; si < 2; si++)
		if (set[si].used)
			printf(" %12s", set[si].memory);
	printf("   (median Mpps)\n");
	for (ci = 0; ci < TH_TP_NB_CFG; ci++) {
		printf("%-10s %-38s", th_tp_cfgs[ci].name, th_tp_cfgs[ci].what);
		for (si = 0; si < 2; si++) {
			if (!set[si].used)
				continue;
			th_tp_summary(set[si].mpps[ci], o->tp_repeat, sum);
			set[si].median[ci] = sum[0];
			printf(" %12.2f", set[si].median[ci]);
			if (isnan(set[si].median[ci]))
				ret = 1;
		}
		printf("\n");
	}
	for (si = 0; si < 2; si++) {
		if (!set[si].used)
			continue;
		printf("%s: ours/direct %.3f (1 sub) %.3f (2 subs); ours/debian %.3f (1 sub) %.3f (2 subs); bonding/direct %.3f\n",
		       set[si].memory, th_ratio(&set[si], 2, 0), th_ratio(&set[si], 3, 0),
		       th_ratio(&set[si], 2, 1), th_ratio(&set[si], 3, 1),
		       th_ratio(&set[si], 4, 0));
		if (o->tp_paired_rounds > 0)
			th_tp_paired_print(set[si].memory, &set[si].paired);
		if (o->tp_il_rounds > 0)
			th_tp_interleaved_print(set[si].memory, &set[si].il);
	}

	f = fopen(o->json_path, "w");
	if (f == NULL) {
		fprintf(stderr, "test-hotplug: %s: %s\n", o->json_path, strerror(errno));
		return 1;
	}
	th_json_init(&j, f);
	th_json_obj_open(&j, NULL);
	th_json_str(&j, "tool", "dpdk-test-hotplug");
	th_json_str(&j, "mode", "throughput");
	th_json_machine(&j);
	th_json_obj_open(&j, "method");
	th_json_str(&j, "engine", TH_TESTPMD_ENGINE);
	th_json_str(&j, "metric", "forwarded packets (accumulated RX-packets of show fwd stats all) per second over the window, 2 ports, 1 forwarding core");
	th_json_u64(&j, "window_s", o->tp_seconds);
	th_json_dbl(&j, "warmup_s", TH_TP_WARMUP_MS / 1000.0);
	th_json_u64(&j, "rounds", o->tp_repeat);
	th_json_bool(&j, "hugepages_used", have_huge);
	th_json_obj_close(&j);
	th_json_arr_open(&j, "settings");
	for (si = 0; si < 2; si++) {
		if (!set[si].used)
			continue;
		th_json_obj_open(&j, NULL);
		th_json_str(&j, "memory", set[si].memory);
		th_json_arr_open(&j, "configs");
		for (ci = 0; ci < TH_TP_NB_CFG; ci++) {
			th_json_obj_open(&j, NULL);
			th_json_str(&j, "config", th_tp_cfgs[ci].name);
			th_json_str(&j, "what", th_tp_cfgs[ci].what);
			th_json_arr_open(&j, "mpps");
			for (r = 0; r < o->tp_repeat; r++)
				th_json_dbl(&j, NULL, set[si].mpps[ci][r]);
			th_json_arr_close(&j);
			th_json_dbl(&j, "median_mpps", set[si].median[ci]);
			th_json_obj_close(&j);
		}
		th_json_arr_close(&j);
		th_json_obj_open(&j, "ratios");
		th_json_dbl(&j, "ours_1sub_vs_direct", th_ratio(&set[si], 2, 0));
		th_json_dbl(&j, "ours_2sub_vs_direct", th_ratio(&set[si], 3, 0));
		th_json_dbl(&j, "ours_1sub_vs_debian", th_ratio(&set[si], 2, 1));
		th_json_dbl(&j, "ours_2sub_vs_debian", th_ratio(&set[si], 3, 1));
		th_json_dbl(&j, "debian_vs_direct", th_ratio(&set[si], 1, 0));
		th_json_dbl(&j, "bonding_vs_direct", th_ratio(&set[si], 4, 0));
		th_json_obj_close(&j);
		if (o->tp_paired_rounds > 0)
			th_tp_paired_json(&j, &set[si].paired);
		if (o->tp_il_rounds > 0)
			th_tp_interleaved_json(&j, &set[si].il);
		th_json_obj_close(&j);
	}
	th_json_arr_close(&j);
	th_json_obj_close(&j);
	fclose(f);
	printf("results: %s\n", o->json_path);
	return ret;
}
