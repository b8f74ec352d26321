/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The fail-safe port through the ethdev API, with the EAL initialised
 * once and the plugin loaded with -d (fs_ethdev_common.c); here sub-
 * device devargs resolved at probe and re-plug: fd() and exec(), exec()
 * off the port lock, and two ports keeping their own mac= and
 * hotplug_poll=.
 */

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <ethdev_driver.h>
#include <rte_alarm.h>
#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "fs_ethdev_common.h"

struct late_writer {
	pthread_t tid;
	int fd;
	unsigned int delay_ms;
	const char *text;
};

static void *
late_writer_run(void *arg)
{
	struct late_writer *w = arg;

	usleep(w->delay_ms * 1000);
	if (write(w->fd, w->text, strlen(w->text)) < 0)
		perror("late_writer");
	return NULL;
}

/*
 * fd(): a descriptor with no data yet (its writer is alive) must not hold
 * the probe, nor later the interrupt thread re-probing every hotplug_poll;
 * the line written later is taken by the next poll.
 */
static void
test_fd_devargs_never_block(void **state)
{
	struct late_writer w = { .delay_ms = 1500, .text = "net_null14\n" };
	char args[128];
	uint64_t t0, probe_ms;
	uint16_t port;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	w.fd = p[1];
	assert_int_equal(pthread_create(&w.tid, NULL, late_writer_run, &w), 0);
	snprintf(args, sizeof(args), "fd(%d),dev(net_null15),hotplug_poll=20", p[0]);
	t0 = now_ms();
	port = fs_create("net_failsafe12", args);
	probe_ms = now_ms() - t0;
	assert_true(port < RTE_MAX_ETHPORTS);
	print_message("probe with an empty fd() took %" PRIu64 " ms\n", probe_ms);
	assert_true(probe_ms < 1000);
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_EMPTY);
	assert_true(sub_xstat(port, 0, "probe_failures") >= 1);
	assert_int_equal(sub_xstat(port, 1, "state"), 1);
	pthread_join(w.tid, NULL);
	/* hotplug_poll reads the line now there. */
	assert_true(wait_sub_xstat(port, 0, "state", 1));
	assert_true(port_of("net_null14") < RTE_MAX_ETHPORTS);
	fs_destroy("net_failsafe12");
	close(p[0]);
	close(p[1]);
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static bool
wait_port_gone(const char *name)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (port_of(name) < RTE_MAX_ETHPORTS && now_ms() < deadline)
		usleep(1000);
	return port_of(name) == RTE_MAX_ETHPORTS;
}

/*
 * exec(): the sub-device is what the command prints, and the command runs
 * again when the slot is re-probed, so a changed answer is taken.
 */
static void
test_exec_reruns_on_replug(void **state)
{
	char path[64], args[160];
	uint64_t sent;
	uint16_t port;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/fs-ethdev-exec-%d", getpid());
	write_text(path, "net_null50\n");
	snprintf(args, sizeof(args), "exec(cat %s),dev(net_null51),hotplug_poll=20", path);
	port = fs_create("net_failsafe19", args);
	assert_true(port < RTE_MAX_ETHPORTS);
	assert_int_equal(sub_xstat(port, 0, "state"), 1);
	assert_true(port_of("net_null50") < RTE_MAX_ETHPORTS);
	assert_string_equal(priv_of(port)->subs[0].dev_name, "net_null50");
	port_setup(port, 1);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));

	write_text(path, "net_null52\n");
	assert_true(rmv_and_back(port, 0, "net_null50"));
	assert_true(wait_port_gone("net_null50"));
	assert_true(port_of("net_null52") < RTE_MAX_ETHPORTS);
	assert_string_equal(priv_of(port)->subs[0].dev_name, "net_null52");
	/* The new one leads and carries the traffic. */
	assert_int_equal(xstat(port, "fs_tx_subdevice"), 0);
	assert_int_equal(send_counted(port, 0, port_of("net_null52"), &sent), BURST);
	assert_int_equal(sent, BURST);
	fs_destroy("net_failsafe19");
	assert_true(port_of("net_null52") == RTE_MAX_ETHPORTS);
	unlink(path);
	assert_mempool_back();
}

#define MAC_A	{{ 0x02, 0x00, 0x00, 0x00, 0x16, 0x01 }}
#define MAC_B	{{ 0x02, 0x00, 0x00, 0x00, 0x17, 0x01 }}

/*
 * Two ports in one process keep their own mac= and hotplug_poll=: A polls
 * every 20 ms, B never; a removal on each shows which one polls.
 */
static void
test_two_ports_keep_own_devargs(void **state)
{
	const struct rte_ether_addr want_a = MAC_A, want_b = MAC_B;
	struct rte_ether_addr got;
	uint64_t t0, adds_b;
	uint16_t pa, pb;

	(void)state;
	pa = fs_create("net_failsafe16", "dev(net_null40),dev(net_null41),"
		       "mac=02:00:00:00:16:01,hotplug_poll=20");
	pb = fs_create("net_failsafe17", "dev(net_null42),dev(net_null43),"
		       "mac=02:00:00:00:17:01,hotplug_poll=0");
	assert_true(pa < RTE_MAX_ETHPORTS && pb < RTE_MAX_ETHPORTS);
	port_setup(pa, 1);
	port_setup(pb, 1);
	assert_int_equal(rte_eth_dev_start(pa), 0);
	assert_int_equal(rte_eth_dev_start(pb), 0);
	assert_int_equal(rte_eth_macaddr_get(pa, &got), 0);
	assert_memory_equal(&got, &want_a, sizeof(got));
	assert_int_equal(rte_eth_macaddr_get(pb, &got), 0);
	assert_memory_equal(&got, &want_b, sizeof(got));
	assert_sub_matches(pa, "net_null41", NULL);
	assert_sub_matches(pb, "net_null43", NULL);

	adds_b = sub_xstat(pb, 1, "additions");
	raise_rmv("net_null43");
	t0 = now_ms();
	assert_true(rmv_and_back(pa, 1, "net_null41"));
	assert_sub_matches(pa, "net_null41", NULL);
	/* B's slot empties and stays empty: nothing polls it. */
	assert_true(wait_sub_xstat(pb, 1, "state", SUB_EMPTY));
	while (now_ms() < t0 + 300) {
		assert_int_equal(sub_xstat(pb, 1, "state"), SUB_EMPTY);
		usleep(10 * 1000);
	}
	assert_int_equal(sub_xstat(pb, 1, "additions"), adds_b);
	assert_int_equal(xstat(pb, "fs_active_subdevices"), 1);
	/* And each port kept its MAC. */
	assert_int_equal(rte_eth_macaddr_get(pa, &got), 0);
	assert_memory_equal(&got, &want_a, sizeof(got));
	assert_int_equal(rte_eth_macaddr_get(pb, &got), 0);
	assert_memory_equal(&got, &want_b, sizeof(got));
	fs_destroy("net_failsafe16");
	fs_destroy("net_failsafe17");
}

static volatile uint64_t alarm_fired_ms;

static void
alarm_mark(void *arg)
{
	(void)arg;
	alarm_fired_ms = now_ms();
}

/*
 * exec() (issue 17 item 3): a command that prints nothing and hangs is
 * killed after its bound (5 s), and while it runs, as when hotplug_poll
 * runs it again, neither the port lock nor the interrupt thread waits
 * for it: the lock is taken and an alarm runs within milliseconds.  The
 * port's close kills it.
 */
static void
test_exec_runs_off_lock(void **state)
{
	uint64_t t0, probe_ms, lock_ms = 0, alarm_ms = 0, w;
	struct fs_priv *priv;
	uint16_t port;
	pid_t pid;
	int i;

	(void)state;
	t0 = now_ms();
	port = fs_create("net_failsafe31", "exec(sleep 10),dev(net_null81),hotplug_poll=20");
	probe_ms = now_ms() - t0;
	priv = priv_of(port);
	print_message("probe: %" PRIu64 " ms; slot 0: '%s'\n", probe_ms,
		      priv->subs[0].last_error);
	assert_true(probe_ms >= 4500 && probe_ms < 7000);
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_EMPTY);
	assert_non_null(strstr(priv->subs[0].last_error,
			       "exec(sleep 10): printed no devargs within 5000 ms"));
	assert_int_equal(sub_xstat(port, 1, "state"), 1);
	/* hotplug_poll runs it again: 1 s with it running. */
	for (i = 0; i < 50; i++) {
		usleep(20000);
		w = now_ms();
		pthread_mutex_lock(&priv->lock);
		pthread_mutex_unlock(&priv->lock);
		lock_ms = RTE_MAX(lock_ms, now_ms() - w);
		alarm_fired_ms = 0;
		w = now_ms();
		assert_int_equal(rte_eal_alarm_set(1000, alarm_mark, NULL), 0);
		while (alarm_fired_ms == 0 && now_ms() - w < 12000)
			usleep(1000);
		alarm_ms = RTE_MAX(alarm_ms, alarm_fired_ms - w);
	}
	pid = priv->subs[0].exec.pid;
	print_message("while it runs (pid %d): lock waited %" PRIu64 " ms, alarm late %" PRIu64 " ms at most\n",
		      (int)pid, lock_ms, alarm_ms);
	assert_true(lock_ms < 200);
	assert_true(alarm_ms < 200);
	assert_true(pid > 0);
	fs_destroy("net_failsafe31");
	assert_int_equal(kill(pid, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fd_devargs_never_block),
		cmocka_unit_test(test_exec_reruns_on_replug),
		cmocka_unit_test(test_two_ports_keep_own_devargs),
		cmocka_unit_test(test_exec_runs_off_lock),
	};

	return run_cases(tests);
}
