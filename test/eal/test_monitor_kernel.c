/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The monitor against the real kernel.  The process moves itself into a
 * private network namespace (and a private mount namespace with its own
 * sysfs, as `ip netns exec` does) before any thread exists, so every veth
 * it makes dies with it on any exit path, including a crash.
 *
 * Exit status 77 (skip) when namespaces are not available.
 */

#include <errno.h>
#include <inttypes.h>
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>

#include <cmocka.h>

#include "hotplug.h"
#include "hotplug_private.h"

#define WAIT_MS 5000
#define MAX_SEEN 512

struct seen {
	enum hotplug_action action;
	char name[HOTPLUG_NAME_MAX];
	int ifindex;
	bool resync;
	uint64_t rx_ns;
};

static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static struct seen seen[MAX_SEEN];
static unsigned int n_seen;
static unsigned int slow_first_ms;

static int
record_cb(const struct hotplug_event *ev, void *arg)
{
	(void)arg;
	if (slow_first_ms > 0) {
		unsigned int ms = slow_first_ms;

		slow_first_ms = 0;
		usleep(ms * 1000);
	}
	pthread_mutex_lock(&seen_lock);
	if (n_seen < MAX_SEEN) {
		seen[n_seen].action = ev->action;
		seen[n_seen].ifindex = ev->ifindex;
		seen[n_seen].resync = ev->resync;
		seen[n_seen].rx_ns = ev->rx_ns;
		snprintf(seen[n_seen].name, HOTPLUG_NAME_MAX, "%s", ev->name);
		n_seen++;
	}
	pthread_mutex_unlock(&seen_lock);
	return 0;
}

static void
seen_reset(void)
{
	pthread_mutex_lock(&seen_lock);
	n_seen = 0;
	pthread_mutex_unlock(&seen_lock);
}

/* Index of the first event matching, -1 if none. */
static int
seen_find(enum hotplug_action action, const char *name)
{
	unsigned int i;
	int ret = -1;

	pthread_mutex_lock(&seen_lock);
	for (i = 0; i < n_seen && ret < 0; i++)
		if (seen[i].action == action && strcmp(seen[i].name, name) == 0)
			ret = (int)i;
	pthread_mutex_unlock(&seen_lock);
	return ret;
}

static int
seen_wait(enum hotplug_action action, const char *name)
{
	int i, idx = -1;

	for (i = 0; i < WAIT_MS && idx < 0; i++) {
		idx = seen_find(action, name);
		if (idx < 0)
			usleep(1000);
	}
	return idx;
}

/* Last action seen for name, -1 if none. */
static int
seen_last(const char *name)
{
	unsigned int i;
	int ret = -1;

	pthread_mutex_lock(&seen_lock);
	for (i = 0; i < n_seen; i++)
		if (strcmp(seen[i].name, name) == 0)
			ret = (int)seen[i].action;
	pthread_mutex_unlock(&seen_lock);
	return ret;
}

static void
run(const char *cmd)
{
	int ret = system(cmd);

	if (ret != 0)
		fail_msg("command failed (%d): %s", ret, cmd);
}

static int
count_dir(const char *path)
{
	struct dirent *de;
	DIR *d = opendir(path);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
test_veth_add_remove(void **state)
{
	int ia, ib, ra, rb, ifa, ifb;
	unsigned int i;

	(void)state;
	seen_reset();
	assert_int_equal(hotplug_monitor_start(), 0);
	assert_int_equal(hotplug_callback_register(NULL, record_cb, NULL), 0);
	run("ip link add fsA0 type veth peer name fsB0");
	ia = seen_wait(HOTPLUG_ACTION_ADD, "fsA0");
	ib = seen_wait(HOTPLUG_ACTION_ADD, "fsB0");
	assert_true(ia >= 0 && ib >= 0);
	ifa = hotplug_ifname_to_ifindex("fsA0");
	ifb = hotplug_ifname_to_ifindex("fsB0");
	assert_int_equal(seen[ia].ifindex, ifa);
	assert_int_equal(seen[ib].ifindex, ifb);
	assert_false(seen[ia].resync);
	assert_true(seen[ia].rx_ns > 0);
	run("ip link del fsA0");
	ra = seen_wait(HOTPLUG_ACTION_REMOVE, "fsA0");
	rb = seen_wait(HOTPLUG_ACTION_REMOVE, "fsB0");
	assert_true(ra > ia && rb > ib);
	assert_int_equal(seen[ra].ifindex, ifa);
	assert_int_equal(seen[rb].ifindex, ifb);
	/* exactly those interfaces, once each way */
	pthread_mutex_lock(&seen_lock);
	for (i = 0; i < n_seen; i++)
		assert_true(strcmp(seen[i].name, "fsA0") == 0 ||
			strcmp(seen[i].name, "fsB0") == 0);
	assert_int_equal(n_seen, 4);
	pthread_mutex_unlock(&seen_lock);
	assert_int_equal(hotplug_callback_unregister(NULL, record_cb, NULL), 0);
	assert_int_equal(hotplug_monitor_stop(), 0);
	assert_int_equal(hotplug_monitor_stop(), -EALREADY);
}

/* A root process forges a kernel-looking uevent on the kernel's group. */
static int
send_forged_remove(const char *ifname)
{
	struct sockaddr_nl dst = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	char buf[512];
	int fd, n, ret;

	n = snprintf(buf, sizeof(buf), "remove@/devices/virtual/net/%s%c"
		"ACTION=remove%cDEVPATH=/devices/virtual/net/%s%c"
		"SUBSYSTEM=net%cINTERFACE=%s%cIFINDEX=%d%cSEQNUM=999999%c",
		ifname, 0, 0, ifname, 0, 0, ifname, 0,
		hotplug_ifname_to_ifindex(ifname), 0, 0);
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	ret = sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&dst,
		sizeof(dst)) == n ? 0 : -errno;
	close(fd);
	return ret;
}

static void
test_spoofed_uevent_dropped(void **state)
{
	struct hotplug_monitor_stats st0, st;
	int i;

	(void)state;
	run("ip link add vX type veth peer name vY");
	assert_int_equal(hotplug_device_track("vX"), 0);
	assert_int_equal(hotplug_device_state("vX"), HOTPLUG_DEV_PARSED);
	assert_int_equal(hotplug_monitor_start(), 0);
	seen_reset();
	assert_int_equal(hotplug_callback_register(NULL, record_cb, NULL), 0);
	hotplug_monitor_stats_get(&st0);
	assert_int_equal(send_forged_remove("vX"), 0);
	for (i = 0; i < WAIT_MS; i++) {
		hotplug_monitor_stats_get(&st);
		if (st.dropped_sender > st0.dropped_sender)
			break;
		usleep(1000);
	}
	assert_int_equal(st.dropped_sender, st0.dropped_sender + 1);
	assert_int_equal(st.accepted, st0.accepted);
	usleep(50 * 1000);
	assert_int_equal(seen_find(HOTPLUG_ACTION_REMOVE, "vX"), -1);
	assert_int_equal(hotplug_device_state("vX"), HOTPLUG_DEV_PARSED);
	assert_int_equal(hotplug_callback_unregister(NULL, record_cb, NULL), 0);
	assert_int_equal(hotplug_monitor_stop(), 0);
	run("ip link del vX");
	hotplug_device_untrack("vX");
}

static void
test_start_stop_cycles(void **state)
{
	int fds0, tasks0, i;

	(void)state;
	fds0 = count_dir("/proc/self/fd");
	tasks0 = count_dir("/proc/self/task");
	for (i = 0; i < 100; i++) {
		assert_int_equal(hotplug_monitor_start(), 0);
		/* several ports share one monitor */
		assert_int_equal(hotplug_monitor_start(), 0);
		assert_true(hotplug_monitor_running());
		assert_int_equal(count_dir("/proc/self/task"), tasks0 + 1);
		assert_int_equal(hotplug_monitor_stop(), 0);
		assert_true(hotplug_monitor_running());
		assert_int_equal(hotplug_monitor_stop(), 0);
		assert_false(hotplug_monitor_running());
	}
	assert_int_equal(count_dir("/proc/self/fd"), fds0);
	assert_int_equal(count_dir("/proc/self/task"), tasks0);
}

#define FLOOD_PAIRS 12

static void
test_enobufs_resync(void **state)
{
	struct hotplug_monitor_stats st;
	char name[16], cmd[128];
	FILE *batch;
	int i, tries;
	bool settled = false;

	(void)state;
	for (i = 0; i < FLOOD_PAIRS; i++) {
		snprintf(name, sizeof(name), "fl%d", i);
		assert_int_equal(hotplug_device_track(name), 0);
		assert_int_equal(hotplug_device_state(name), HOTPLUG_DEV_FAULT);
	}
	hotplug_monitor_stats_reset();
	hotplug_monitor_rcvbuf_set(1); /* the kernel's minimum */
	assert_int_equal(hotplug_monitor_start(), 0);
	hotplug_monitor_rcvbuf_set(0);
	seen_reset();
	slow_first_ms = 300; /* stall the thread so the socket overruns */
	assert_int_equal(hotplug_callback_register(NULL, record_cb, NULL), 0);

	batch = fopen("/tmp/fs-eal-flood.batch", "w");
	assert_non_null(batch);
	for (i = 0; i < FLOOD_PAIRS; i++)
		fprintf(batch, "link add fl%d type veth peer name fp%d\n", i, i);
	for (i = 0; i < FLOOD_PAIRS; i += 2)
		fprintf(batch, "link del fl%d\n", i);
	fclose(batch);
	snprintf(cmd, sizeof(cmd), "ip -batch /tmp/fs-eal-flood.batch");
	i = system(cmd);
	unlink("/tmp/fs-eal-flood.batch");
	assert_int_equal(i, 0);

	/* settled: every tracked device's state matches sysfs */
	for (tries = 0; tries < WAIT_MS && !settled; tries++) {
		usleep(1000);
		hotplug_monitor_stats_get(&st);
		settled = st.enobufs > 0;
		for (i = 0; i < FLOOD_PAIRS && settled; i++) {
			snprintf(name, sizeof(name), "fl%d", i);
			settled = (hotplug_device_state(name) ==
				HOTPLUG_DEV_FAULT) == (i % 2 == 0);
		}
	}
	print_message("received %" PRIu64 " enobufs %" PRIu64 " resyncs %"
		PRIu64 " resync events %" PRIu64 " gaps %" PRIu64 "\n",
		st.received, st.enobufs, st.resyncs, st.resync_events,
		st.seqnum_gaps);
	assert_true(st.enobufs > 0);
	assert_true(st.resyncs > 0);
	assert_true(settled);
	/* and what callbacks were told ends in the same state */
	for (i = 0; i < FLOOD_PAIRS; i++) {
		snprintf(name, sizeof(name), "fl%d", i);
		if (i % 2 == 0)
			assert_int_not_equal(seen_last(name),
				HOTPLUG_ACTION_ADD);
		else
			assert_int_equal(seen_last(name), HOTPLUG_ACTION_ADD);
		hotplug_device_untrack(name);
	}
	assert_int_equal(hotplug_callback_unregister(NULL, record_cb, NULL), 0);
	assert_int_equal(hotplug_monitor_stop(), 0);
}

/* Private netns plus a sysfs that shows it; nothing survives us. */
static int
enter_private_netns(void)
{
	if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0)
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	umount2("/sys", MNT_DETACH);
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) < 0)
		return -errno;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_veth_add_remove),
		cmocka_unit_test(test_spoofed_uevent_dropped),
		cmocka_unit_test(test_start_stop_cycles),
		cmocka_unit_test(test_enobufs_resync),
	};
	int ret = enter_private_netns();

	if (ret < 0) {
		fprintf(stderr, "skip: private netns: %s\n", strerror(-ret));
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
