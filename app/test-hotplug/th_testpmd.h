/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */
#ifndef TH_TESTPMD_H
#define TH_TESTPMD_H

#include <stddef.h>
#include <sys/types.h>

/* An interactive Debian dpdk-testpmd driven through pipes. */
struct th_testpmd {
	pid_t pid;
	int in_fd;
	int out_fd;
	char *buf;		/* output not consumed yet */
	size_t len;
	size_t sz;
};

/* How to start one. */
struct th_testpmd_args {
	const char *file_prefix;
	const char *huge_dir;		/* NULL: --no-huge */
	const char *plugin_dir;		/* NULL: Debian's PMDs only */
	const char *const *vdevs;	/* NULL-terminated */
	const char *portmask;		/* NULL: every port */
};

#define TH_TESTPMD_ENGINE "dpdk-testpmd -l 0-1 -- -i --forward-mode=io --total-num-mbufs=16384"

int th_testpmd_start(struct th_testpmd *t, const struct th_testpmd_args *a);
void th_testpmd_cmd(struct th_testpmd *t, const char *cmd);
/*
 * Asks for "show fwd stats all" and returns the accumulated RX-packets,
 * or -1 when testpmd gave none within timeout_s.
 */
long long th_testpmd_fwd_rx(struct th_testpmd *t, double timeout_s);
/* The same for a block a command already asked for ("stop" prints one). */
long long th_testpmd_read_fwd_rx(struct th_testpmd *t, double timeout_s);
/* The port id testpmd lists for an ethdev name, or -1. */
int th_testpmd_port(struct th_testpmd *t, const char *name);
/* Quits (which stops forwarding), reaps; returns testpmd's exit status. */
int th_testpmd_quit(struct th_testpmd *t);

double th_now_s(void);
void th_sleep_s(double s);

#endif
