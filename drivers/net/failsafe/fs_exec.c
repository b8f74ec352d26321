/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * exec() commands, bounded.  popen() waits for the command to exit and
 * hands it every descriptor the process opened without O_CLOEXEC (DPDK
 * opens many): a command that prints its line and keeps running stalled
 * the caller for good.  Here nothing waits for more than the line: the
 * caller polls (fs_exec_poll) or waits up to a deadline (fs_exec_wait),
 * and the command's process group is killed once it has answered or run
 * out of time.  The reap never blocks, except in fs_exec_stop (bounded).
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>

#include "fs_exec.h"

extern char **environ;

static uint64_t
fs_exec_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

void
fs_exec_init(struct fs_exec *x)
{
	memset(x, 0, sizeof(*x));
	x->fd = -1;
}

/*
 * A pipe end must not be 0, 1 or 2 (a daemon may have closed its stdio),
 * or the child's dup2/open onto those would clobber it.
 */
static int
fs_exec_above_stdio(int *fd)
{
	int moved;

	if (*fd > 2)
		return 0;
	moved = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
	if (moved < 0)
		return -errno;
	close(*fd);
	*fd = moved;
	return 0;
}

static int
fs_exec_pipe(int p[2])
{
	int ret;

	/* Close-on-exec on both ends: the child gets the write end as its
	 * stdout through dup2, which clears the flag there only.
	 */
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	ret = fs_exec_above_stdio(&p[0]);
	if (ret == 0)
		ret = fs_exec_above_stdio(&p[1]);
	if (ret < 0) {
		close(p[0]);
		close(p[1]);
	}
	return ret;
}

/* The write end must block in the child: a shell does not expect EAGAIN. */
static int
fs_exec_spawn(const char *cmd, int out_fd, pid_t *pid)
{
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)cmd, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int ret;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	/* Its own session: one kill(-pid) reaches all it started, and it
	 * has no terminal to read the application's input from.
	 */
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID |
				 POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	/* Our threads block signals and the application may ignore some. */
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	ret = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (ret == 0)
		ret = posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	/* Whatever the process opened without O_CLOEXEC stays here. */
	if (ret == 0)
		ret = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	if (ret == 0)
		ret = posix_spawn(pid, "/bin/sh", &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return -ret;
}

int
fs_exec_start(struct fs_exec *x, const char *cmd, unsigned int timeout_ms)
{
	int p[2];
	int ret;

	if (x->pid != 0 && !fs_exec_reap(x))
		return -EBUSY;
	ret = fs_exec_pipe(p);
	if (ret < 0)
		return ret;
	/* O_NONBLOCK is per open file description: take it off the child's end. */
	ret = fcntl(p[1], F_SETFL, 0) < 0 ? -errno :
		fs_exec_spawn(cmd, p[1], &x->pid);
	close(p[1]);
	if (ret < 0) {
		close(p[0]);
		x->pid = 0;
		return ret;
	}
	x->fd = p[0];
	x->done = false;
	x->ret = 0;
	x->len = 0;
	x->timeout_ms = timeout_ms;
	x->deadline_ms = fs_exec_now_ms() + timeout_ms;
	return 0;
}

static void
fs_exec_kill(pid_t pid, int sig)
{
	/*
	 * Negative: the whole group, grandchildren included.  The leader
	 * made its session before exec, so no group means no leader either:
	 * never fall back to the bare pid, which may be another process's
	 * by now.
	 */
	kill(-pid, sig);
}

/* Answered or out of time: keep the answer, let the command go. */
static void
fs_exec_finish(struct fs_exec *x, int ret)
{
	close(x->fd);
	x->fd = -1;
	x->line[x->len] = '\0';
	x->ret = ret;
	x->done = true;
	fs_exec_kill(x->pid, SIGTERM);
	x->deadline_ms = fs_exec_now_ms() + FS_EXEC_KILL_MS;
	fs_exec_reap(x);
}

bool
fs_exec_reap(struct fs_exec *x)
{
	pid_t r;

	if (x->pid == 0)
		return true;
	if (x->fd >= 0)
		return false;	/* still running: fs_exec_poll ends it */
	if (fs_exec_now_ms() >= x->deadline_ms)
		fs_exec_kill(x->pid, SIGKILL);
	do {
		r = waitpid(x->pid, NULL, WNOHANG);
	} while (r < 0 && errno == EINTR);
	if (r == 0)
		return false;
	/*
	 * Reaped (or ECHILD: the application reaps with SIGCHLD ignored or
	 * its own waitpid(-1)).  The leader is gone, what it left in its
	 * group is not welcome either.
	 */
	kill(-x->pid, SIGKILL);
	x->pid = 0;
	return true;
}

/* 0: the line is complete (or EOF), -EAGAIN: read all there was. */
static int
fs_exec_read(struct fs_exec *x)
{
	char buf[256];
	ssize_t n;
	char *nl;

	for (;;) {
		n = read(x->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return -EAGAIN;
		if (n < 0)
			return -errno;
		if (n == 0)
			return x->len > 0 ? 0 : -ENODATA;
		nl = memchr(buf, '\n', n);
		if (nl != NULL)
			n = nl - buf;
		if (x->len + n >= sizeof(x->line))
			return -ENAMETOOLONG;
		memcpy(x->line + x->len, buf, n);
		x->len += n;
		if (nl != NULL)
			return 0;
	}
}

int
fs_exec_poll(struct fs_exec *x)
{
	int ret;

	if (!fs_exec_running(x))
		return x->done ? 0 : -EAGAIN;
	ret = fs_exec_read(x);
	if (ret == -EAGAIN && fs_exec_now_ms() >= x->deadline_ms)
		ret = -ETIMEDOUT;
	if (ret == -EAGAIN)
		return ret;
	if (x->len > 0 && x->line[x->len - 1] == '\r')
		x->len--;
	fs_exec_finish(x, ret);
	return 0;
}

void
fs_exec_wait(struct fs_exec *x)
{
	struct pollfd pfd = { .events = POLLIN };
	uint64_t now;

	while (fs_exec_running(x) && fs_exec_poll(x) == -EAGAIN) {
		now = fs_exec_now_ms();
		pfd.fd = x->fd;
		/* +1: wake past the deadline, not just before it. */
		poll(&pfd, 1, now < x->deadline_ms ? (int)(x->deadline_ms - now) + 1 : 1);
	}
}

int
fs_exec_take(struct fs_exec *x, const char *cmd, char *out, size_t out_len,
	     char *err, size_t err_len)
{
	int ret = x->ret;

	if (!x->done)
		return -EAGAIN;
	x->done = false;
	if (ret == 0 && x->len >= out_len)
		ret = -ENAMETOOLONG;
	switch (ret) {
	case 0:
		memcpy(out, x->line, x->len + 1);
		return 0;
	case -ETIMEDOUT:
		snprintf(err, err_len, "exec(%s): printed no devargs within %u ms; its process group is killed",
			 cmd, x->timeout_ms);
		break;
	case -ENODATA:
		snprintf(err, err_len, "exec(%s): printed no devargs before closing its output",
			 cmd);
		break;
	case -ENAMETOOLONG:
		snprintf(err, err_len, "exec(%s): devargs line longer than %zu characters",
			 cmd, RTE_MIN(out_len, sizeof(x->line)) - 1);
		break;
	default:
		snprintf(err, err_len, "exec(%s): %s", cmd, strerror(-ret));
		break;
	}
	return ret;
}

void
fs_exec_stop(struct fs_exec *x)
{
	unsigned int i;

	if (fs_exec_running(x))
		fs_exec_finish(x, -ECANCELED);
	x->done = false;
	/* SIGTERM, SIGKILL when due: the group is gone within the bound
	 * unless a task sleeps uninterruptibly in the kernel.
	 */
	for (i = 0; i < FS_EXEC_KILL_MS + 100 && !fs_exec_reap(x); i++)
		usleep(1000);
	x->pid = 0;	/* still there: a zombie until the process exits */
}
