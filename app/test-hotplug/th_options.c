/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 *
 * Command line of dpdk-test-hotplug.  Everything is checked here, before
 * anything is created, so a bad option never leaves a half-built netns.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "th_options.h"

enum {
	OPT_MODE = 256, OPT_CYCLES, OPT_SHORT, OPT_SUBDEVS, OPT_RATE,
	OPT_WARMUP, OPT_DOWN, OPT_SETTLE, OPT_GAP, OPT_REPLACE_MAC,
	OPT_YANK_CMD, OPT_RESTORE_CMD, OPT_DEVARGS, OPT_COMPARE, OPT_NO_LIVE,
	OPT_SECONDS, OPT_REPEAT, OPT_PAIRED, OPT_INTERLEAVED, OPT_RCU_EXPEDITED,
	OPT_HUGE, OPT_PLUGIN_DIR, OPT_JSON, OPT_PNG, OPT_NO_PNG, OPT_WORK_DIR,
	OPT_WORKER, OPT_TARGET, OPT_NETNS,
	OPT_OUT_PREFIX, OPT_YANK_SUB, OPT_PROBE_RCU, OPT_HELP,
};

static const struct option th_long_opts[] = {
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "cycles", required_argument, NULL, OPT_CYCLES },
	{ "short", no_argument, NULL, OPT_SHORT },
	{ "subdevs", required_argument, NULL, OPT_SUBDEVS },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "warmup-ms", required_argument, NULL, OPT_WARMUP },
	{ "down-ms", required_argument, NULL, OPT_DOWN },
	{ "settle-ms", required_argument, NULL, OPT_SETTLE },
	{ "gap-ms", required_argument, NULL, OPT_GAP },
	{ "replace-mac", no_argument, NULL, OPT_REPLACE_MAC },
	{ "rcu-expedited", no_argument, NULL, OPT_RCU_EXPEDITED },
	{ "probe-rcu-expedite", no_argument, NULL, OPT_PROBE_RCU },
	{ "yank-sub", required_argument, NULL, OPT_YANK_SUB },
	{ "yank-cmd", required_argument, NULL, OPT_YANK_CMD },
	{ "restore-cmd", required_argument, NULL, OPT_RESTORE_CMD },
	{ "devargs", required_argument, NULL, OPT_DEVARGS },
	{ "compare", required_argument, NULL, OPT_COMPARE },
	{ "no-live", no_argument, NULL, OPT_NO_LIVE },
	{ "seconds", required_argument, NULL, OPT_SECONDS },
	{ "repeat", required_argument, NULL, OPT_REPEAT },
	{ "paired-rounds", required_argument, NULL, OPT_PAIRED },
	{ "interleaved-rounds", required_argument, NULL, OPT_INTERLEAVED },
	{ "huge", required_argument, NULL, OPT_HUGE },
	{ "plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "png", required_argument, NULL, OPT_PNG },
	{ "no-png", no_argument, NULL, OPT_NO_PNG },
	{ "work-dir", required_argument, NULL, OPT_WORK_DIR },
	{ "worker", no_argument, NULL, OPT_WORKER },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "out-prefix", required_argument, NULL, OPT_OUT_PREFIX },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

void
th_usage(const char *prog, FILE *f)
{
	fprintf(f,
"usage: %s [options]\n"
"\n"
"Yank bench of the fail-safe PMD: builds a private netns with veth pairs,\n"
"sends sequence-numbered traffic through a fail-safe port over\n"
"net_af_packet sub-devices, deletes and re-creates the kernel devices\n"
"under it and reports loss, switch times and burst stalls.\n"
"\n"
"  --mode yank|throughput  what to run (default yank)\n"
"yank mode:\n"
"  --cycles K          yank/re-add cycles (default 10)\n"
"  --short             2 cycles, short waits (the test suite's mode)\n"
"  --subdevs N         sub-devices, 2..%d (default 2)\n"
"  --rate PPS          offered rate, packets/s (default 20000)\n"
"  --warmup-ms MS      steady state before the first yank (default 1000)\n"
"  --down-ms MS        time a yanked device stays away (default 300)\n"
"  --settle-ms MS      longest wait for traffic to come back (default 3000)\n"
"  --gap-ms MS         steady state between yanks (default 500)\n"
"  --yank-sub N        sub-device yanked at every cycle, 0..subdevs-1\n"
"                      (default 0, the preferred one: vA0; 1 is vB0...)\n"
"  --replace-mac       re-add as a new interface carrying the old MAC\n"
"                      (the port gets match_mac<N>=<addr>)\n"
"  --yank-cmd CMD      run CMD (sh -c, inside the netns) instead of deleting\n"
"                      the yanked interface; $TH_IFACE names it\n"
"  --restore-cmd CMD   run CMD instead of re-creating the veth pair (the\n"
"                      default, also after --yank-cmd: CMD must then have\n"
"                      deleted the interface); needs --yank-cmd\n"
"  --devargs STR       devargs of the port under test (ours only)\n"
"  --compare WHAT      also run debian (Debian's net_failsafe) or bonding\n"
"                      (net_bonding mode 1); repeat or comma-separate\n"
"  --no-live           no live view (events are still printed)\n"
"  --rcu-expedited     set /sys/kernel/rcu_expedited to 1 for the run and\n"
"                      restore it: af_packet's socket set-up waits for RCU\n"
"                      grace periods, most of an ADD's time\n"
"  --probe-rcu-expedite  ours with rcu_expedite=on: the PMD expedites RCU\n"
"                      only while it probes or closes a sub-device\n"
"throughput mode:\n"
"  --seconds S         measured seconds per run (default 5)\n"
"  --repeat R          interleaved repetitions (default 3)\n"
"  --paired-rounds N   rounds of the paired run, direct and ours taking\n"
"                      turns in one testpmd (default 15, 0: none)\n"
"  --interleaved-rounds N  rounds of dpdk-bench-datapath, every\n"
"                      configuration forwarding ~1 ms in turn in one\n"
"                      process (default 2000, 0: none)\n"
"  --huge auto|on|off  hugepages: both settings when they can be reserved\n"
"                      (auto, default), only with, only without\n"
"common:\n"
"  --plugin-dir DIR    directory holding our plugin (default $FS_PLUGIN_DIR)\n"
"  --json FILE         result file (default test-hotplug.json)\n"
"  --png FILE          timeline image (default test-hotplug.png)\n"
"  --no-png            no timeline image\n"
"  --work-dir DIR      per-run files (default: a temporary directory in\n"
"                      $TMPDIR, removed on exit unless a run failed)\n"
"  -h, --help          this text\n",
		prog, TH_MAX_SUBS);
}

const char *
th_target_name(enum th_target t)
{
	switch (t) {
	case TH_TARGET_OURS: return "ours";
	case TH_TARGET_DEBIAN: return "debian";
	case TH_TARGET_BONDING: return "bonding";
	}
	return "?";
}

static int
th_parse_target(const char *s, enum th_target *t)
{
	if (strcmp(s, "ours") == 0)
		*t = TH_TARGET_OURS;
	else if (strcmp(s, "debian") == 0)
		*t = TH_TARGET_DEBIAN;
	else if (strcmp(s, "bonding") == 0)
		*t = TH_TARGET_BONDING;
	else
		return -EINVAL;
	return 0;
}

static int
th_parse_uint(const char *name, const char *s, unsigned int min,
	      unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' ||
	    v < min || v > max) {
		fprintf(stderr, "test-hotplug: --%s %s: want a number in %u..%u\n",
			name, s, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int
th_add_compare(struct th_options *opt, const char *list)
{
	char buf[64], *tok, *save = NULL;
	enum th_target t;
	unsigned int i;

	if (strlen(list) >= sizeof(buf))
		goto bad;
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (th_parse_target(tok, &t) < 0 || t == TH_TARGET_OURS)
			goto bad;
		for (i = 0; i < opt->nb_compare; i++)
			if (opt->compare[i] == t)
				break;
		if (i == opt->nb_compare)
			opt->compare[opt->nb_compare++] = t;
	}
	return 0;
bad:
	fprintf(stderr, "test-hotplug: --compare %s: want debian, bonding or both (comma-separated)\n",
		list);
	return -EINVAL;
}

int
th_options_parse(struct th_options *opt, int argc, char **argv)
{
	bool is_short = false, cycles_set = false;
	const char *env;
	int c, ret = 0;

	memset(opt, 0, sizeof(*opt));
	opt->mode = TH_MODE_YANK;
	opt->cycles = 10;
	opt->nb_subs = 2;
	opt->rate_pps = 20000;
	opt->warmup_ms = 1000;
	opt->down_ms = 300;
	opt->settle_ms = 3000;
	opt->gap_ms = 500;
	opt->live = true;
	opt->tp_seconds = 5;
	opt->tp_repeat = 3;
	opt->tp_paired_rounds = 15;
	opt->tp_il_rounds = 2000;
	opt->huge = TH_HUGE_AUTO;
	opt->json_path = "test-hotplug.json";
	opt->png_path = "test-hotplug.png";
	env = getenv("FS_PLUGIN_DIR");
	opt->plugin_dir = env != NULL && env[0] != '\0' ? env : NULL;

	optind = 1;
	opterr = 0;
	while (ret == 0 &&
	       (c = getopt_long(argc, argv, "h", th_long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_MODE:
			if (strcmp(optarg, "yank") == 0)
				opt->mode = TH_MODE_YANK;
			else if (strcmp(optarg, "throughput") == 0)
				opt->mode = TH_MODE_THROUGHPUT;
			else {
				fprintf(stderr, "test-hotplug: --mode %s: want yank or throughput\n",
					optarg);
				ret = -EINVAL;
			}
			break;
		case OPT_CYCLES:
			ret = th_parse_uint("cycles", optarg, 1, 1000, &opt->cycles);
			cycles_set = true;
			break;
		case OPT_SHORT:
			is_short = true;
			break;
		case OPT_SUBDEVS:
			ret = th_parse_uint("subdevs", optarg, 2, TH_MAX_SUBS,
					    &opt->nb_subs);
			break;
		case OPT_RATE:
			ret = th_parse_uint("rate", optarg, 100, 1000000,
					    &opt->rate_pps);
			break;
		case OPT_WARMUP:
			ret = th_parse_uint("warmup-ms", optarg, 100, 60000,
					    &opt->warmup_ms);
			break;
		case OPT_DOWN:
			ret = th_parse_uint("down-ms", optarg, 1, 60000,
					    &opt->down_ms);
			break;
		case OPT_SETTLE:
			ret = th_parse_uint("settle-ms", optarg, 10, 60000,
					    &opt->settle_ms);
			break;
		case OPT_GAP:
			ret = th_parse_uint("gap-ms", optarg, 10, 60000,
					    &opt->gap_ms);
			break;
		case OPT_YANK_SUB:
			ret = th_parse_uint("yank-sub", optarg, 0, TH_MAX_SUBS - 1,
					    &opt->yank_sub);
			break;
		case OPT_RCU_EXPEDITED:
			opt->rcu_expedited = true;
			break;
		case OPT_PROBE_RCU:
			opt->probe_rcu = true;
			break;
		case OPT_REPLACE_MAC:
			opt->replace_mac = true;
			break;
		case OPT_YANK_CMD:
			opt->yank_cmd = optarg;
			break;
		case OPT_RESTORE_CMD:
			opt->restore_cmd = optarg;
			break;
		case OPT_DEVARGS:
			opt->devargs = optarg;
			break;
		case OPT_COMPARE:
			ret = th_add_compare(opt, optarg);
			break;
		case OPT_NO_LIVE:
			opt->live = false;
			break;
		case OPT_SECONDS:
			ret = th_parse_uint("seconds", optarg, 1, 600,
					    &opt->tp_seconds);
			break;
		case OPT_REPEAT:
			ret = th_parse_uint("repeat", optarg, 1, 50,
					    &opt->tp_repeat);
			break;
		case OPT_PAIRED:
			ret = th_parse_uint("paired-rounds", optarg, 0, 200,
					    &opt->tp_paired_rounds);
			break;
		case OPT_INTERLEAVED:
			ret = th_parse_uint("interleaved-rounds", optarg, 0,
					    100000, &opt->tp_il_rounds);
			break;
		case OPT_HUGE:
			if (strcmp(optarg, "auto") == 0)
				opt->huge = TH_HUGE_AUTO;
			else if (strcmp(optarg, "on") == 0)
				opt->huge = TH_HUGE_ON;
			else if (strcmp(optarg, "off") == 0)
				opt->huge = TH_HUGE_OFF;
			else {
				fprintf(stderr, "test-hotplug: --huge %s: want auto, on or off\n",
					optarg);
				ret = -EINVAL;
			}
			break;
		case OPT_PLUGIN_DIR:
			opt->plugin_dir = optarg;
			break;
		case OPT_JSON:
			opt->json_path = optarg;
			break;
		case OPT_PNG:
			opt->png_path = optarg;
			break;
		case OPT_NO_PNG:
			opt->png_path = NULL;
			break;
		case OPT_WORK_DIR:
			opt->work_dir = optarg;
			break;
		case OPT_WORKER:
			opt->worker = true;
			break;
		case OPT_TARGET:
			if (th_parse_target(optarg, &opt->target) < 0) {
				fprintf(stderr, "test-hotplug: --target %s: unknown\n",
					optarg);
				ret = -EINVAL;
			}
			break;
		case OPT_NETNS:
			opt->netns = optarg;
			break;
		case OPT_OUT_PREFIX:
			opt->out_prefix = optarg;
			break;
		case OPT_HELP:
		case 'h':
			return 1;
		default:
			if (optopt != 0 && optopt < 256)
				fprintf(stderr, "test-hotplug: bad option -%c\n", optopt);
			else
				fprintf(stderr, "test-hotplug: bad option %s\n",
					argv[optind - 1]);
			ret = -EINVAL;
		}
	}
	if (ret != 0)
		return ret;
	if (optind < argc) {
		fprintf(stderr, "test-hotplug: unexpected argument '%s'\n",
			argv[optind]);
		return -EINVAL;
	}
	if (is_short) {
		if (!cycles_set)
			opt->cycles = 2;
		opt->warmup_ms = 500;
		opt->down_ms = 200;
		opt->gap_ms = 300;
	}
	if (opt->yank_sub >= opt->nb_subs) {
		fprintf(stderr, "test-hotplug: --yank-sub %u: there are %u sub-devices (--subdevs), want 0..%u\n",
			opt->yank_sub, opt->nb_subs, opt->nb_subs - 1);
		return -EINVAL;
	}
	if (opt->restore_cmd != NULL && opt->yank_cmd == NULL) {
		fprintf(stderr, "test-hotplug: --restore-cmd needs --yank-cmd\n");
		return -EINVAL;
	}
	if (opt->replace_mac && opt->yank_cmd != NULL) {
		fprintf(stderr, "test-hotplug: --replace-mac and --yank-cmd exclude each other\n");
		return -EINVAL;
	}
	if (opt->worker && (opt->netns == NULL || opt->out_prefix == NULL)) {
		fprintf(stderr, "test-hotplug: --worker needs --netns and --out-prefix\n");
		return -EINVAL;
	}
	if (opt->plugin_dir == NULL &&
	    (opt->worker ? opt->target == TH_TARGET_OURS : true)) {
		fprintf(stderr, "test-hotplug: no plugin directory: give --plugin-dir or set FS_PLUGIN_DIR (devtools/plugin-dir.sh prints one)\n");
		return -EINVAL;
	}
	return 0;
}

int
th_options_worker_argv(const struct th_options *opt, enum th_target t,
		       const char *netns, const char *prefix,
		       char **argv, char *buf, size_t bufsz)
{
	int argc = 0;
	size_t used = 0;

#define TH_ARG(...) do { \
	int n_ = snprintf(buf + used, bufsz - used, __VA_ARGS__); \
	if (n_ < 0 || (size_t)n_ >= bufsz - used || argc >= 62) \
		return -ENOSPC; \
	argv[argc++] = buf + used; \
	used += n_ + 1; \
} while (0)

	TH_ARG("dpdk-test-hotplug");
	TH_ARG("--worker");
	TH_ARG("--target=%s", th_target_name(t));
	TH_ARG("--netns=%s", netns);
	TH_ARG("--out-prefix=%s", prefix);
	TH_ARG("--cycles=%u", opt->cycles);
	TH_ARG("--subdevs=%u", opt->nb_subs);
	TH_ARG("--yank-sub=%u", opt->yank_sub);
	TH_ARG("--rate=%u", opt->rate_pps);
	TH_ARG("--warmup-ms=%u", opt->warmup_ms);
	TH_ARG("--down-ms=%u", opt->down_ms);
	TH_ARG("--settle-ms=%u", opt->settle_ms);
	TH_ARG("--gap-ms=%u", opt->gap_ms);
	if (opt->replace_mac)
		TH_ARG("--replace-mac");
	if (opt->probe_rcu)
		TH_ARG("--probe-rcu-expedite");
	if (opt->yank_cmd != NULL)
		TH_ARG("--yank-cmd=%s", opt->yank_cmd);
	if (opt->restore_cmd != NULL)
		TH_ARG("--restore-cmd=%s", opt->restore_cmd);
	if (opt->devargs != NULL && t == TH_TARGET_OURS)
		TH_ARG("--devargs=%s", opt->devargs);
	if (!opt->live)
		TH_ARG("--no-live");
	if (opt->plugin_dir != NULL)
		TH_ARG("--plugin-dir=%s", opt->plugin_dir);
#undef TH_ARG
	argv[argc] = NULL;
	return argc;
}
