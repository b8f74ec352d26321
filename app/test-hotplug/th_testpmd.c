/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 *
 * Drives an interactive dpdk-testpmd: commands on its stdin, answers read
 * from its stdout.  Every answer is fenced by a "show fwd stats all",
 * whose accumulated block is the one marker testpmd always prints.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "th_run.h"
#include "th_testpmd.h"

#define TH_TESTPMD_BUF (1 << 20)

double
th_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void
th_sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !th_sup_interrupted)
		;
}

int
th_testpmd_start(struct th_testpmd *t, const struct th_testpmd_args *a)
{
	char *argv[64];
	char prefix[96], portmask[48];
	int argc = 0;
	unsigned int i;

	memset(t, 0, sizeof(*t));
	t->pid = -1;
	t->sz = TH_TESTPMD_BUF;
	t->buf = malloc(t->sz);
	if (t->buf == NULL)
		return -ENOMEM;
	t->buf[0] = '\0';
	snprintf(prefix, sizeof(prefix), "--file-prefix=%s", a->file_prefix);
	/* stdout is a pipe: line-buffer it, or answers come only at exit. */
	argv[argc++] = "stdbuf";
	argv[argc++] = "-oL";
	argv[argc++] = "dpdk-testpmd";
	argv[argc++] = "-l";
	argv[argc++] = "0-1";
	argv[argc++] = "--no-pci";
	argv[argc++] = prefix;
	argv[argc++] = "--log-level=*:error";
	if (a->huge_dir != NULL) {
		argv[argc++] = "--huge-dir";
		argv[argc++] = (char *)a->huge_dir;
		argv[argc++] = "-m";
		argv[argc++] = "100";
	} else {
		argv[argc++] = "--no-huge";
		argv[argc++] = "-m";
		argv[argc++] = "1024";
	}
	if (a->plugin_dir != NULL) {
		argv[argc++] = "-d";
		argv[argc++] = (char *)a->plugin_dir;
	}
	for (i = 0; a->vdevs[i] != NULL && argc < 52; i++) {
		argv[argc++] = "--vdev";
		argv[argc++] = (char *)a->vdevs[i];
	}
	argv[argc++] = "--";
	argv[argc++] = "-i";
	argv[argc++] = "--forward-mode=io";
	argv[argc++] = "--total-num-mbufs=16384";
	if (a->portmask != NULL) {
		snprintf(portmask, sizeof(portmask), "--portmask=%s", a->portmask);
		argv[argc++] = portmask;
	}
	argv[argc] = NULL;
	t->pid = th_spawn_io(NULL, argv, &t->in_fd, &t->out_fd);
	if (t->pid < 0) {
		free(t->buf);
		t->buf = NULL;
		return -ECHILD;
	}
	return 0;
}

void
th_testpmd_cmd(struct th_testpmd *t, const char *cmd)
{
	if (write(t->in_fd, cmd, strlen(cmd)) < 0)
		fprintf(stderr, "test-hotplug: testpmd stdin: %s\n", strerror(errno));
}

/* Drops buf[0, upto) once it has been parsed. */
static void
th_testpmd_consume(struct th_testpmd *t, const char *upto)
{
	size_t n = upto - t->buf;

	t->len -= n;
	memmove(t->buf, upto, t->len + 1);
}

/*
 * Reads until the accumulated RX-packets line of a fwd stats block; on
 * success *line points at it inside t->buf.
 */
static int
th_testpmd_fence(struct th_testpmd *t, double timeout_s, char **line)
{
	double end = th_now_s() + timeout_s;
	struct pollfd p = { .fd = t->out_fd, .events = POLLIN };
	char *acc, *rx;
	ssize_t n;

	for (;;) {
		t->buf[t->len] = '\0';
		acc = strstr(t->buf, "Accumulated forward statistics");
		if (acc != NULL && (rx = strstr(acc, "RX-packets:")) != NULL &&
		    strchr(rx, '\n') != NULL) {
			*line = rx;
			return 0;
		}
		if (th_now_s() > end || th_sup_interrupted)
			return -ETIMEDOUT;
		if (poll(&p, 1, 100) <= 0)
			continue;
		if (t->len + 1 >= t->sz) {	/* keep the tail only */
			memmove(t->buf, t->buf + t->sz / 2, t->len - t->sz / 2);
			t->len -= t->sz / 2;
		}
		n = read(t->out_fd, t->buf + t->len, t->sz - 1 - t->len);
		if (n <= 0)
			return -EPIPE;
		t->len += n;
	}
}

long long
th_testpmd_fwd_rx(struct th_testpmd *t, double timeout_s)
{
	th_testpmd_cmd(t, "show fwd stats all\n");
	return th_testpmd_read_fwd_rx(t, timeout_s);
}

long long
th_testpmd_read_fwd_rx(struct th_testpmd *t, double timeout_s)
{
	long long v;
	char *rx;

	if (th_testpmd_fence(t, timeout_s, &rx) < 0)
		return -1;
	v = strtoll(rx + strlen("RX-packets:"), NULL, 10);
	th_testpmd_consume(t, strchr(rx, '\n') + 1);
	return v;
}

int
th_testpmd_port(struct th_testpmd *t, const char *name)
{
	char *rx, *line, *end;
	int port = -1;

	th_testpmd_cmd(t, "show port summary all\nshow fwd stats all\n");
	if (th_testpmd_fence(t, 30, &rx) < 0)
		return -1;
	/* Summary rows: "<id> <mac> <name> <driver> ..." */
	for (line = t->buf; line < rx && port < 0; line = end + 1) {
		char mac[32], n[64];
		int id;

		end = strchr(line, '\n');
		if (end == NULL || end > rx)
			break;
		if (sscanf(line, "%d %31s %63s", &id, mac, n) == 3 &&
		    strcmp(n, name) == 0)
			port = id;
	}
	th_testpmd_consume(t, strchr(rx, '\n') + 1);
	return port;
}

int
th_testpmd_quit(struct th_testpmd *t)
{
	int rc;

	if (t->pid < 0)
		return -1;
	/* quit stops forwarding itself, and says nothing if it was not on */
	th_testpmd_cmd(t, "quit\n");
	close(t->in_fd);
	/* Drain, so testpmd never blocks on a full pipe while quitting. */
	while (read(t->out_fd, t->buf, t->sz) > 0)
		;
	close(t->out_fd);
	rc = th_reap(t->pid, 30);
	t->pid = -1;
	free(t->buf);
	t->buf = NULL;
	return rc;
}
