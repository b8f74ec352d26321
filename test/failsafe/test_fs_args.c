/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/* Devargs parser: good inputs give the right options, bad ones one clear reason. */

#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fs_args.h"
#include "fs_test_util.h"

struct bad_case {
	const char *devargs;
	const char *reason;	/* substring the error must contain */
};

static const struct bad_case bad_cases[] = {
	{ NULL, "no sub-device" },
	{ "", "no sub-device" },
	{ "dev()", "empty dev()" },
	{ "exec()", "empty exec()" },
	{ "fd()", "empty fd()" },
	{ "dev(net_null0", "unbalanced '('" },
	{ "dev(net_null0))", "unbalanced ')'" },
	{ ")dev(net_null0)", "unbalanced ')'" },
	{ "dev(net_null0)x", "text after the closing ')'" },
	{ "dev(dev(net_null0))", "nested parentheses" },
	{ "dev(net_null0),,dev(net_null1)", "empty argument" },
	{ "dev(net_null0),", "empty argument" },
	{ "dev(net_null0),foo=1", "unknown key 'foo'" },
	{ "dev(net_null0),bogus", "neither key=value" },
	{ "dev=net_null0", "write dev(<devargs>), not dev=" },
	{ "dev(net_null0),mac=zz:00:00:00:00:01", "not a MAC address" },
	{ "dev(net_null0),mac=01:00:5e:00:00:01", "not a unicast address" },
	{ "dev(net_null0),mac=00:00:00:00:00:00", "not a unicast address" },
	{ "dev(net_null0),mac=", "has no value" },
	{ "dev(net_null0),hotplug_poll=abc", "want milliseconds" },
	{ "dev(net_null0),hotplug_poll=-5", "want milliseconds" },
	{ "dev(net_null0),hotplug_poll=99999999999", "want milliseconds" },
	{ "dev(net_null0),hotplug_poll=10,hotplug_poll=20", "given 2 times" },
	{ "dev(net_null0),uevent=maybe", "want on or off" },
	{ "dev(net_null0),rcu_expedite=yes", "rcu_expedite=yes: want on or off" },
	{ "fd(abc)", "fd(abc): not a file descriptor number" },
	{ "fd(-1)", "fd(-1): not a file descriptor number" },
	{ "fd(999)", "fd(999): not an open file descriptor" },
	{ "dev(net_null0),match_mac1=02:00:00:00:00:01", "no sub-device 1" },
	{ "dev(net_null0),match_mac0=nope", "not a unicast MAC" },
	{ "dev(net_null0),match_pci0=8086", "want <vendor>:<device>" },
	{ "dev(net_null0),match_pci0=8086:10d3x", "want <vendor>:<device>" },
	{ "dev(net_null0),match_pci9=8086:10d3", "unknown key 'match_pci9'" },
	{ "dev(net_null0),bind_driver=../evil", "not a kernel driver name" },
	{ "dev(a),dev(b),dev(c),dev(d),dev(e),dev(f),dev(g),dev(h),dev(i)",
	  "too many sub-devices: at most 8" },
};

static void
test_bad_devargs(void **state)
{
	char err[FS_ARGS_ERR_MAX];
	struct fs_args args;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		int ret = fs_args_parse(c->devargs, &args, err, sizeof(err));

		if (ret == 0 || strstr(err, c->reason) == NULL)
			fail_msg("devargs '%s': want error containing '%s', got %d '%s'",
				 c->devargs ? c->devargs : "(null)", c->reason,
				 ret, err);
		/* One line, as it goes into the log. */
		assert_null(strchr(err, '\n'));
	}
	assert_true(i >= 20);
}

static void
test_full_devargs(void **state)
{
	char err[FS_ARGS_ERR_MAX];
	struct fs_args a;

	(void)state;
	assert_int_equal(fs_args_parse("dev(net_af_packet0,iface=vA0,qpairs=1),"
				       "exec(echo net_null1),fd(0),mac=02:00:00:00:00:0a,"
				       "hotplug_poll=50,uevent=off,rcu_expedite=on,"
				       "bind_driver=uio_pci_generic,"
				       "match_mac0=02:00:00:00:00:01,match_pci1=8086:10d3",
				       &a, err, sizeof(err)), 0);
	assert_int_equal(a.nb_subs, 3);
	assert_int_equal(a.sub[0].kind, FS_SUB_DEV);
	assert_string_equal(a.sub[0].spec, "net_af_packet0,iface=vA0,qpairs=1");
	assert_int_equal(a.sub[1].kind, FS_SUB_EXEC);
	assert_string_equal(a.sub[1].spec, "echo net_null1");
	assert_int_equal(a.sub[2].kind, FS_SUB_FD);
	assert_int_equal(a.sub[2].fd, 0);
	assert_true(a.mac_set);
	assert_int_equal(a.mac.addr_bytes[5], 0x0a);
	assert_int_equal(a.hotplug_poll_ms, 50);
	assert_false(a.uevent);
	assert_true(a.rcu_expedite);
	assert_string_equal(a.bind_driver, "uio_pci_generic");
	assert_true(a.sub[0].match_mac_set);
	assert_int_equal(a.sub[0].match_mac.addr_bytes[5], 1);
	assert_true(a.sub[1].match_pci_id_set);
	assert_int_equal(a.sub[1].match_vendor, 0x8086);
	assert_int_equal(a.sub[1].match_device, 0x10d3);
}

static void
test_defaults(void **state)
{
	char err[FS_ARGS_ERR_MAX];
	struct fs_args a;

	(void)state;
	assert_int_equal(fs_args_parse("dev(net_null0)", &a, err, sizeof(err)), 0);
	assert_int_equal(a.nb_subs, 1);
	assert_int_equal(a.hotplug_poll_ms, FS_HOTPLUG_POLL_DEFAULT);
	assert_true(a.uevent);
	assert_false(a.rcu_expedite);
	assert_false(a.mac_set);
	assert_string_equal(a.bind_driver, "vfio-pci");
}

static void
test_max_subdevices(void **state)
{
	char err[FS_ARGS_ERR_MAX];
	struct fs_args a;

	(void)state;
	assert_int_equal(fs_args_parse("dev(a),dev(b),dev(c),dev(d),dev(e),"
				       "dev(f),dev(g),dev(h)", &a, err,
				       sizeof(err)), 0);
	assert_int_equal(a.nb_subs, 8);
	assert_string_equal(a.sub[7].spec, "h");
}

static void
test_resolve_exec_and_fd(void **state)
{
	char err[FS_ARGS_ERR_MAX], out[FS_DEVARGS_MAX];
	struct fs_args a;
	int p[2];

	(void)state;
	assert_int_equal(fs_args_parse("exec(printf 'net_ring0\\n')", &a, err,
				       sizeof(err)), 0);
	assert_int_equal(fs_args_resolve(&a.sub[0], out, sizeof(out), err,
					 sizeof(err)), 0);
	assert_string_equal(out, "net_ring0");
	assert_int_equal(fs_args_parse("exec(true)", &a, err, sizeof(err)), 0);
	assert_true(fs_args_resolve(&a.sub[0], out, sizeof(out), err,
				    sizeof(err)) < 0);
	assert_non_null(strstr(err, "printed no devargs"));

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "net_null3\n", 10), 10);
	close(p[1]);
	snprintf(out, sizeof(out), "fd(%d)", p[0]);
	assert_int_equal(fs_args_parse(out, &a, err, sizeof(err)), 0);
	assert_int_equal(fs_args_resolve(&a.sub[0], out, sizeof(out), err,
					 sizeof(err)), 0);
	assert_string_equal(out, "net_null3");
	close(p[0]);
	a.sub[0].fd = 1000;
	assert_true(fs_args_resolve(&a.sub[0], out, sizeof(out), err,
				    sizeof(err)) < 0);
	assert_non_null(strstr(err, "fd(1000)"));
}

/*
 * A command that hangs must never hang the test: past GUARD_S the alarm
 * kills what it left (its pid is in guard_pidfile) and fails the test.
 */
#define GUARD_S	12
static char guard_pidfile[64];

static void
guard_fire(int sig)
{
	static const char msg[] = "exec() resolution did not return in time\n";
	char buf[16] = "";
	ssize_t n;
	int fd;

	(void)sig;
	fd = open(guard_pidfile, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		if (n > 0 && atoi(buf) > 1)
			kill(atoi(buf), SIGKILL);
		close(fd);
	}
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

static void
guard_arm(void)
{
	snprintf(guard_pidfile, sizeof(guard_pidfile), "/tmp/fs-args-exec-%d",
		 getpid());
	unlink(guard_pidfile);
	signal(SIGALRM, guard_fire);
	alarm(GUARD_S);
}

static void
guard_disarm(void)
{
	alarm(0);
	signal(SIGALRM, SIG_DFL);
}

static pid_t
pidfile_read(void)
{
	FILE *f = fopen(guard_pidfile, "r");
	int pid = 0;

	if (f != NULL) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return pid;
}

/* Gone, or a zombie no longer ours to reap: killed either way. */
static bool
pid_dead(pid_t pid)
{
	char path[64], st[256];
	FILE *f;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return true;
	p = fgets(st, sizeof(st), f);
	fclose(f);
	p = p != NULL ? strrchr(st, ')') : NULL;
	return p != NULL && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

static bool
wait_pid_dead(pid_t pid, unsigned int ms)
{
	uint64_t deadline = now_ms() + ms;

	while (!pid_dead(pid) && now_ms() < deadline)
		usleep(10000);
	return pid_dead(pid);
}

/*
 * Resolve the exec() of spec_fmt (its %s: the pid file the command writes)
 * under the guard; returns what resolve did, its time and the pid written.
 */
static int
resolve_exec(const char *spec_fmt, char *out, char *err, uint64_t *ms,
	     pid_t *pid)
{
	char spec[FS_DEVARGS_MAX];
	struct fs_args a;
	uint64_t t0;
	int ret;

	guard_arm();
	snprintf(spec, sizeof(spec), spec_fmt, guard_pidfile);
	assert_int_equal(fs_args_parse(spec, &a, err, FS_ARGS_ERR_MAX), 0);
	t0 = now_ms();
	ret = fs_args_resolve(&a.sub[0], out, FS_DEVARGS_MAX, err, FS_ARGS_ERR_MAX);
	*ms = now_ms() - t0;
	guard_disarm();
	*pid = pidfile_read();
	print_message("resolve: %d '%s' in %" PRIu64 " ms, pid %d\n",
		      ret, ret == 0 ? out : err, *ms, (int)*pid);
	return ret;
}

/* Issue 17 item 3: the line is taken at once, the rest of the command killed. */
static void
test_exec_prints_then_keeps_running(void **state)
{
	char err[FS_ARGS_ERR_MAX], out[FS_DEVARGS_MAX];
	uint64_t ms;
	pid_t pid;

	(void)state;
	assert_int_equal(resolve_exec("exec(echo $$ >%s; echo net_null7; exec sleep 600)",
				      out, err, &ms, &pid), 0);
	assert_string_equal(out, "net_null7");
	assert_true(ms < 2000);
	assert_true(pid > 1);
	assert_true(wait_pid_dead(pid, 2000));
	unlink(guard_pidfile);
}

/*
 * Prints nothing and hangs: killed after the bound, with its whole
 * process group (the sleep in the background is a grandchild).
 */
static void
test_exec_silent_hang_is_killed(void **state)
{
	char err[FS_ARGS_ERR_MAX], out[FS_DEVARGS_MAX];
	uint64_t ms;
	pid_t pid;

	(void)state;
	assert_int_equal(resolve_exec("exec(sleep 600 & echo $! >%s; wait)",
				      out, err, &ms, &pid), -ETIMEDOUT);
	assert_non_null(strstr(err, "printed no devargs within"));
	assert_true(ms >= 4500 && ms < 7000);
	assert_true(pid > 1);
	assert_true(wait_pid_dead(pid, 2000));
	unlink(guard_pidfile);
}

struct resolver {
	pthread_t tid;
	struct fs_args a;
	char out[FS_DEVARGS_MAX];
	char err[FS_ARGS_ERR_MAX];
	int ret;
};

static void *
resolver_run(void *arg)
{
	struct resolver *r = arg;

	r->ret = fs_args_resolve(&r->a.sub[0], r->out, sizeof(r->out), r->err,
				 sizeof(r->err));
	return NULL;
}

/* The descriptors of a process, in order, as "0 1 2". */
static void
fd_list(pid_t pid, char *out, size_t size)
{
	char path[64];
	int fds[64], n = 0, i, j;
	struct dirent *e;
	DIR *d;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL && n < 64)
		if (e->d_name[0] != '.')
			fds[n++] = atoi(e->d_name);
	closedir(d);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int t = fds[j];

			fds[j] = fds[j - 1];
			fds[j - 1] = t;
		}
	for (i = 0; i < n; i++)
		snprintf(out + strlen(out), size - strlen(out), "%s%d",
			 i ? " " : "", fds[i]);
}

/*
 * The command inherits stdin, stdout and stderr, nothing else: not a
 * descriptor the process opened without O_CLOEXEC (DPDK opens many).
 * Its /proc/<pid>/fd is read while it sleeps.
 */
static void
test_exec_inherits_no_descriptor(void **state)
{
	char spec[FS_DEVARGS_MAX], list[256] = "";
	struct resolver r;
	uint64_t deadline;
	pid_t pid = 0;
	int leak;

	(void)state;
	memset(&r, 0, sizeof(r));
	guard_arm();
	leak = open("/dev/null", O_RDONLY);	/* no O_CLOEXEC, on purpose */
	assert_true(leak > 2);
	snprintf(spec, sizeof(spec), "exec(echo $$ >%s; sleep 1; echo net_null8)",
		 guard_pidfile);
	assert_int_equal(fs_args_parse(spec, &r.a, r.err, sizeof(r.err)), 0);
	assert_int_equal(pthread_create(&r.tid, NULL, resolver_run, &r), 0);
	deadline = now_ms() + 900;
	while (pid <= 0 && now_ms() < deadline) {
		usleep(10000);
		pid = pidfile_read();
	}
	usleep(100000);	/* the echo's redirection undone */
	if (pid > 0)
		fd_list(pid, list, sizeof(list));
	pthread_join(r.tid, NULL);
	guard_disarm();
	close(leak);
	unlink(guard_pidfile);
	print_message("the command (pid %d) had descriptors: %s (ours without O_CLOEXEC: %d)\n",
		      (int)pid, list, leak);
	assert_int_equal(r.ret, 0);
	assert_string_equal(r.out, "net_null8");
	assert_string_equal(list, "0 1 2");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_devargs),
		cmocka_unit_test(test_full_devargs),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_max_subdevices),
		cmocka_unit_test(test_resolve_exec_and_fd),
		cmocka_unit_test(test_exec_prints_then_keeps_running),
		cmocka_unit_test(test_exec_silent_hang_is_killed),
		cmocka_unit_test(test_exec_inherits_no_descriptor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
