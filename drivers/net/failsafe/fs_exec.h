/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

#ifndef FS_EXEC_H
#define FS_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fs_args.h"

/* After SIGTERM, how long the command's group has before SIGKILL. */
#define FS_EXEC_KILL_MS		200

/*
 * The command of an exec() slot, run by /bin/sh -c in a session (and so a
 * process group) of its own, stdin from /dev/null, stdout into a pipe,
 * stderr inherited, no other descriptor.  Its first line is the answer;
 * then, or once the time is up, its whole group is sent SIGTERM, and
 * SIGKILL FS_EXEC_KILL_MS later if it is still there.
 *
 * idle:    pid == 0
 * running: fd >= 0, no answer yet
 * done:    an answer (ret, line) waits for fs_exec_take()
 * exiting: pid != 0 and fd < 0: killed, not reaped yet
 * (done and exiting may overlap.)
 */
struct fs_exec {
	pid_t pid;		/* session and group leader; 0: none */
	int fd;			/* read end of its stdout; -1: closed */
	bool done;
	int ret;		/* 0, -ETIMEDOUT, -ENODATA, -ENAMETOOLONG, -errno */
	unsigned int timeout_ms;
	uint64_t deadline_ms;	/* its line; after SIGTERM, its exit */
	size_t len;
	char line[FS_DEVARGS_MAX];
};

void fs_exec_init(struct fs_exec *x);
/* Start cmd; -EBUSY while the previous one is not reaped.  Never blocks. */
int fs_exec_start(struct fs_exec *x, const char *cmd, unsigned int timeout_ms);
/* Read what is there: 0 done (an answer to take), -EAGAIN not yet. */
int fs_exec_poll(struct fs_exec *x);
/* If running, block until done, at most until the deadline given at the start. */
void fs_exec_wait(struct fs_exec *x);
/* The answer, once: 0 and the line in out, or -errno and why in err. */
int fs_exec_take(struct fs_exec *x, const char *cmd, char *out, size_t out_len,
		 char *err, size_t err_len);
/* Reap without blocking (SIGKILL when due): true once nothing is left. */
bool fs_exec_reap(struct fs_exec *x);
/* SIGKILL the group and reap it, waiting a bounded time. */
void fs_exec_stop(struct fs_exec *x);

static inline bool
fs_exec_idle(const struct fs_exec *x)
{
	return x->pid == 0 && !x->done;
}

static inline bool
fs_exec_running(const struct fs_exec *x)
{
	return x->fd >= 0;
}

#endif /* FS_EXEC_H */
