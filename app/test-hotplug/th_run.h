/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */
#ifndef TH_RUN_H
#define TH_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "th_json.h"
#include "th_options.h"

/* Set by SIGINT/SIGTERM in the supervisor; forwarded to the running child. */
extern volatile sig_atomic_t th_sup_interrupted;

void th_sup_signals(void);
/*
 * Starts argv (path: exe, or argv[0] through PATH when exe is NULL), with
 * its stdout into *out_fd when out_fd is not NULL; returns the PID.
 */
pid_t th_spawn(const char *exe, char *const argv[], int *out_fd);
/* The same, with stdin from *in_fd too (a pipe's write end is returned). */
pid_t th_spawn_io(const char *exe, char *const argv[], int *in_fd,
		  int *out_fd);
/* Waits for pid, ending it (SIGTERM, then SIGKILL) past timeout_s or on an
 * interrupt; returns its exit status, 128 + signal when killed. */
int th_reap(pid_t pid, unsigned int timeout_s);
/* Reads a whole file; NULL when it cannot. */
char *th_slurp(const char *path);
/* A temporary work directory unless opt gives one; NULL on failure. */
const char *th_work_dir(const struct th_options *opt, char *buf, size_t sz);
void th_work_dir_remove(const struct th_options *opt, const char *dir);
void th_json_machine(struct th_json *j);
/* A number from a procfs/sysfs file, -1 when unreadable; and back. */
long th_read_long(const char *path);
int th_write_long(const char *path, long v);
/* A table cell: v printed with fmt, "-" when it is NaN (not measured). */
void th_cell(char *buf, size_t sz, double v, const char *fmt);

/*
 * --rcu-expedited: RCU grace periods expedited for the run (af_packet's
 * socket set-up waits for several), the previous value restored after.
 */
struct th_rcu_state {
	long prev;
	bool changed;
};
int th_rcu_expedite(struct th_rcu_state *st);
void th_rcu_restore(struct th_rcu_state *st);

int th_supervise_yank(const struct th_options *opt);

#endif
