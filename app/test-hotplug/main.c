/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 *
 * dpdk-test-hotplug: the fail-safe PMD's yank bench and throughput bench.
 *
 * The process started by the user is a supervisor that never touches DPDK:
 * each measured run is this program re-executed as a worker (--worker) in
 * a netns of its own, so a crash or a hang of one run cannot leave a netns,
 * a veth or a hugepage reservation behind.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "th_options.h"
#include "th_run.h"
#include "th_throughput.h"
#include "th_worker.h"

int
main(int argc, char **argv)
{
	struct th_options opt;
	int ret;

	ret = th_options_parse(&opt, argc, argv);
	if (ret > 0) {
		th_usage(argv[0], stdout);
		return 0;
	}
	if (ret < 0) {
		th_usage(argv[0], stderr);
		return 2;
	}
	if (opt.worker)
		return th_worker_main(&opt);
	if (geteuid() != 0) {
		fprintf(stderr, "test-hotplug: run as root (network namespaces, veth, hugepages)\n");
		return 2;
	}
	if (opt.plugin_dir != NULL && access(opt.plugin_dir, R_OK | X_OK) != 0) {
		fprintf(stderr, "test-hotplug: plugin directory %s is not readable\n",
			opt.plugin_dir);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (opt.mode == TH_MODE_THROUGHPUT)
		return th_throughput_main(&opt);
	return th_supervise_yank(&opt);
}
