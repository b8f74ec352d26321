/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 *
 * Interleaved throughput: dpdk-bench-datapath forwards over every
 * configuration in one process, each taking ~1 ms turns, so neighbouring
 * turns see the same host (see its header).  Ours, bonding and the direct
 * pair share one process; Debian's fail-safe needs a process without our
 * plugin, with its own direct pair, and is compared through that.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "th_json.h"
#include "th_run.h"
#include "th_testpmd.h"
#include "th_throughput.h"

#define TH_IL_STEPS	"1000"
#define TH_IL_OUT_MAX	4096

const char *const th_il_names[TH_IL_NB_CFG] = {
	"direct", "direct_b", "ours_1sub", "ours_2sub", "bonding", "debian",
};

/* Beside us when installed, in its own directory in the build tree. */
static int
th_il_exe(char *buf, size_t sz)
{
	static const char *const rel[] = {
		"%s/../bench-datapath/dpdk-bench-datapath",
		"%s/dpdk-bench-datapath",
	};
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;
	unsigned int i;

	if (n <= 0)
		return -errno;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash != NULL)
		*slash = '\0';
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(buf, sz, rel[i], self);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	fprintf(stderr, "test-hotplug: interleaved: no dpdk-bench-datapath beside %s\n",
		self);
	return -ENOENT;
}

/*
 * Reads the child's whole output, at most until deadline_s; out is a
 * string whatever happens.  0 at end of file, -ETIMEDOUT, -errno.
 */
static int
th_il_read(int fd, char *out, size_t sz, double deadline_s)
{
	size_t len = 0;
	int ret = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double left = deadline_s - th_now_s();
		ssize_t n;
		int r;

		if (left <= 0 || th_sup_interrupted) {
			ret = -ETIMEDOUT;
			break;
		}
		r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		if (r <= 0)
			continue;
		n = read(fd, out + len, sz - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ret = -errno;
		if (n <= 0)
			break;
		len += n;
		if (len == sz - 1)
			break;
	}
	out[len] = '\0';
	return ret;
}

static int
th_il_index(const char *name)
{
	int i;

	for (i = 0; i < TH_IL_NB_CFG; i++)
		if (strcmp(th_il_names[i], name) == 0)
			return i;
	return -1;
}

/*
 * "config <name> <driver> <slice> <overall>" and "ratio <name> <median>
 * <p10> <p90>" of process k; the direct pair of the second process, the
 * one beside debian, is kept apart.
 */
static void
th_il_parse(char *out, bool second, unsigned int k, struct th_interleaved *il)
{
	char *line, *save = NULL;

	for (line = strtok_r(out, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[32], driver[16];
		double a, b, c;
		int i;

		if (sscanf(line, "config %31s %15s %lf %lf", name, driver, &a, &b) == 4) {
			i = th_il_index(name);
			if (i == TH_IL_DIRECT && second)
				il->debian_direct_mpps[k] = b;
			else if (i >= 0)
				il->cfg[i].mpps[k] = b;
		} else if (sscanf(line, "ratio %31s %lf %lf %lf", name, &a, &b, &c) == 4) {
			i = th_il_index(name);
			if (i > 0) {
				il->cfg[i].ratio[k] = a;
				il->cfg[i].p10[k] = b;
				il->cfg[i].p90[k] = c;
			}
		}
	}
}

static int
th_il_run(const struct th_options *o, const char *exe, const char *huge_dir,
	  const char *configs, unsigned int run, unsigned int k,
	  struct th_interleaved *il)
{
	bool second = strstr(configs, "debian") != NULL;
	char prefix[64], rounds[16], *out;
	char *argv[32];
	int argc = 0, fd = -1, rc, rd;
	pid_t pid;

	snprintf(prefix, sizeof(prefix), "--file-prefix=thil%d-%u-%u", (int)getpid(),
		 run, k);
	snprintf(rounds, sizeof(rounds), "%u", il->rounds);
	argv[argc++] = (char *)exe;
	argv[argc++] = "-l";
	argv[argc++] = "1";
	argv[argc++] = "--no-pci";
	argv[argc++] = prefix;
	argv[argc++] = "--log-level=lib.eal:error";
	argv[argc++] = "--no-telemetry";
	argv[argc++] = "--log-level=lib.ethdev:warning";
	/* net_null refuses promiscuous mode; bonding and Debian say so at stop. */
	argv[argc++] = "--log-level=pmd.net.bonding:crit";
	if (second)
		argv[argc++] = "--log-level=pmd.net.failsafe:crit";
	else
		argv[argc++] = "--log-level=pmd.net.failsafe.uevent:warning";
	if (huge_dir != NULL) {
		argv[argc++] = "--huge-dir";
		argv[argc++] = (char *)huge_dir;
		argv[argc++] = "-m";
		argv[argc++] = "96";
	} else {
		argv[argc++] = "--no-huge";
		argv[argc++] = "-m";
		argv[argc++] = "1024";
	}
	if (!second && o->plugin_dir != NULL) {
		argv[argc++] = "-d";
		argv[argc++] = (char *)o->plugin_dir;
	}
	argv[argc++] = "--";
	argv[argc++] = "--configs";
	argv[argc++] = (char *)configs;
	argv[argc++] = "--rounds";
	argv[argc++] = rounds;
	argv[argc++] = "--steps";
	argv[argc++] = TH_IL_STEPS;
	argv[argc] = NULL;

	out = malloc(TH_IL_OUT_MAX);
	pid = th_spawn(exe, argv, &fd);
	if (out == NULL || pid < 0) {
		free(out);
		if (fd >= 0)
			close(fd);
		if (pid > 0)
			kill(pid, SIGTERM);
		th_reap(pid, 5);
		return -1;
	}
	/* ~1.5 ms per turn here, 10x as slow is a hang. */
	rd = th_il_read(fd, out, TH_IL_OUT_MAX, th_now_s() + 60 + il->rounds * 0.06);
	close(fd);
	if (rd < 0 && pid > 0)
		kill(pid, SIGTERM);
	rc = th_reap(pid, 10);
	if (rc == 0 && rd == 0)
		th_il_parse(out, second, k, il);
	else if (!th_sup_interrupted)
		fprintf(stderr, "test-hotplug: dpdk-bench-datapath --configs %s: %s (exit %d)\n",
			configs, rd < 0 ? strerror(-rd) : "failed", rc);
	if (rc == 0 && rd < 0)
		rc = -1;
	free(out);
	return rc == 0 ? 0 : -1;
}

static void
th_il_reset(struct th_interleaved *il, unsigned int rounds, unsigned int procs)
{
	unsigned int i, k;

	memset(il, 0, sizeof(*il));
	il->rounds = rounds;
	il->procs = procs;
	for (k = 0; k < TH_TP_MAX_REPEAT; k++) {
		il->debian_direct_mpps[k] = NAN;
		for (i = 0; i < TH_IL_NB_CFG; i++) {
			il->cfg[i].mpps[k] = NAN;
			il->cfg[i].ratio[k] = i == TH_IL_DIRECT ? 1.0 : NAN;
			il->cfg[i].p10[k] = il->cfg[i].p90[k] = NAN;
		}
	}
}

int
th_tp_interleaved(const struct th_options *o, const char *huge_dir,
		  unsigned int run, struct th_interleaved *il)
{
	char exe[PATH_MAX];
	unsigned int i, k;
	int ret;

	th_il_reset(il, o->tp_il_rounds, o->tp_repeat);
	ret = th_il_exe(exe, sizeof(exe));
	/* Each process lays its queues out anew: several, and their median. */
	for (k = 0; k < il->procs && ret == 0; k++) {
		ret = th_il_run(o, exe, huge_dir,
				"direct,direct_b,ours_1sub,ours_2sub,bonding",
				run, k, il);
		if (ret == 0)
			ret = th_il_run(o, exe, huge_dir, "direct,debian", run, k, il);
	}
	for (i = 0; i < TH_IL_NB_CFG; i++) {
		th_tp_summary(il->cfg[i].ratio, il->procs, il->cfg[i].ratio_sum);
		th_tp_summary(il->cfg[i].mpps, il->procs, il->cfg[i].mpps_sum);
		if (!(il->cfg[i].ratio_sum[0] > 0) || !(il->cfg[i].mpps_sum[0] > 0))
			ret = -1;
	}
	return th_sup_interrupted ? -1 : ret;
}

/* Ours against Debian's, each through the direct pair of its own process. */
static double
th_il_vs_debian(const struct th_interleaved *il, int c)
{
	return il->cfg[c].ratio_sum[0] / il->cfg[TH_IL_DEBIAN].ratio_sum[0];
}

void
th_tp_interleaved_print(const char *memory, const struct th_interleaved *il)
{
	int c;

	printf("%s, interleaved (dpdk-bench-datapath, %u processes of %u rounds of ~1 ms turns):\n",
	       memory, il->procs, il->rounds);
	for (c = 1; c < TH_IL_NB_CFG; c++) {
		char what[32];

		snprintf(what, sizeof(what), "%s/direct:", th_il_names[c]);
		printf("  %-17s median %.3f over processes (min %.3f, max %.3f)%s\n",
		       what, il->cfg[c].ratio_sum[0], il->cfg[c].ratio_sum[1],
		       il->cfg[c].ratio_sum[2],
		       c == TH_IL_DIRECT_B ? ", the method's floor" :
		       c == TH_IL_DEBIAN ? ", against its own process's direct" : "");
	}
	printf("  ours/debian %.3f (1 sub) %.3f (2 subs)\n",
	       th_il_vs_debian(il, TH_IL_OURS1), th_il_vs_debian(il, TH_IL_OURS2));
}

static void
th_il_json_series(struct th_json *j, const char *key, const double *v,
		  unsigned int n)
{
	unsigned int k;

	th_json_arr_open(j, key);
	for (k = 0; k < n; k++)
		th_json_dbl(j, NULL, v[k]);
	th_json_arr_close(j);
}

void
th_tp_interleaved_json(struct th_json *j, const struct th_interleaved *il)
{
	int c;

	th_json_obj_open(j, "interleaved");
	th_json_str(j, "engine", "dpdk-bench-datapath -l 1 -- --steps " TH_IL_STEPS);
	th_json_str(j, "method", "one process forwards io-style over every configuration in turn, " TH_IL_STEPS " two-way steps (~1 ms) per turn, order rotated; a process's ratio = median over rounds of that round's Mpps over that round's direct Mpps; direct_b is a second direct pair (the method's floor); debian runs in a second process (no plugin) with its own direct pair; summaries are medians over processes");
	th_json_u64(j, "rounds", il->rounds);
	th_json_u64(j, "processes", il->procs);
	th_il_json_series(j, "debian_process_direct_mpps", il->debian_direct_mpps,
			  il->procs);
	th_json_obj_open(j, "configs");
	for (c = 0; c < TH_IL_NB_CFG; c++) {
		const struct th_il_cfg *k = &il->cfg[c];

		th_json_obj_open(j, th_il_names[c]);
		th_json_dbl(j, "mpps", k->mpps_sum[0]);
		th_il_json_series(j, "mpps_per_process", k->mpps, il->procs);
		th_json_dbl(j, "vs_direct", k->ratio_sum[0]);
		th_il_json_series(j, "vs_direct_per_process", k->ratio, il->procs);
		th_il_json_series(j, "vs_direct_p10_per_process", k->p10, il->procs);
		th_il_json_series(j, "vs_direct_p90_per_process", k->p90, il->procs);
		th_json_obj_close(j);
	}
	th_json_obj_close(j);
	th_json_dbl(j, "ours_1sub_vs_debian", th_il_vs_debian(il, TH_IL_OURS1));
	th_json_dbl(j, "ours_2sub_vs_debian", th_il_vs_debian(il, TH_IL_OURS2));
	th_json_obj_close(j);
}
