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

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <cmocka.h>

#include "hotplug.h"
#include "hotplug_private.h"
#include "fs_test_util.h"

#define WAIT_MS 5000
#define MAX_SEEN 512

struct seen {
	enum hotplug_action action;
	uint64_t seqnum;
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
		seen[n_seen].seqnum = ev->seqnum;
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

/*
 * Index of the first event for name with that action at or after index
 * from (and the resync flag set, when resync_only), -1 if none.
 */
static int
seen_match(enum hotplug_action action, const char *name, int from,
	   bool resync_only)
{
	unsigned int i;
	int ret = -1;

	pthread_mutex_lock(&seen_lock);
	for (i = (unsigned int)from; i < n_seen && ret < 0; i++)
		if (seen[i].action == action &&
		    (seen[i].resync || !resync_only) &&
		    strcmp(seen[i].name, name) == 0)
			ret = (int)i;
	pthread_mutex_unlock(&seen_lock);
	return ret;
}

/* Index of the first event matching, -1 if none. */
static int
seen_find(enum hotplug_action action, const char *name)
{
	return seen_match(action, name, 0, false);
}

/* Index of the first event matching after index from, -1 if none in time. */
static int
seen_wait_after(enum hotplug_action action, const char *name, int from)
{
	int i, idx = -1;

	for (i = 0; i < WAIT_MS && idx < 0; i++) {
		idx = seen_match(action, name, from + 1, false);
		if (idx < 0)
			usleep(1000);
	}
	return idx;
}

static int
seen_wait(enum hotplug_action action, const char *name)
{
	return seen_wait_after(action, name, -1);
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

/* Wait until the counter at offset off in the stats reaches want. */
static uint64_t
stat_wait(size_t off, uint64_t want)
{
	struct hotplug_monitor_stats st;
	uint64_t v = 0;
	int i;

	for (i = 0; i < WAIT_MS; i++) {
		hotplug_monitor_stats_get(&st);
		memcpy(&v, (const char *)&st + off, sizeof(v));
		if (v >= want)
			break;
		usleep(1000);
	}
	return v;
}

#define STAT_WAIT(st0, field, n) \
	stat_wait(offsetof(struct hotplug_monitor_stats, field), \
		(st0).field + (n))

/*
 * A veth pair whose first end is tracked (and present), and a running
 * monitor reporting to record_cb from an empty record.
 */
static void
watched_veth_add(const char *name, const char *peer)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "ip link add %s type veth peer name %s",
		 name, peer);
	run(cmd);
	assert_int_equal(hotplug_device_track(name), 0);
	assert_int_equal(hotplug_device_state(name), HOTPLUG_DEV_PRESENT);
	assert_int_equal(hotplug_monitor_start(), 0);
	seen_reset();
	assert_int_equal(hotplug_callback_register(NULL, record_cb, NULL), 0);
}

/* And all of it undone. */
static void
watched_veth_del(const char *name)
{
	char cmd[64];

	assert_int_equal(hotplug_callback_unregister(NULL, record_cb, NULL), 0);
	assert_int_equal(hotplug_monitor_stop(), 0);
	snprintf(cmd, sizeof(cmd), "ip link del %s", name);
	run(cmd);
	hotplug_device_untrack(name);
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

/* One datagram on the kernel's uevent group, as root may send it. */
static int
send_uevent(const char *buf, size_t len)
{
	struct sockaddr_nl dst = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd, ret;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	ret = sendto(fd, buf, len, 0, (struct sockaddr *)&dst,
		sizeof(dst)) == (ssize_t)len ? 0 : -errno;
	close(fd);
	return ret;
}

/*
 * A forged datagram of any action and subsystem, on the kernel's group,
 * with one more KEY=value when extra is not NULL.
 */
static int
send_forged(const char *action, const char *subsystem, const char *name,
	    const char *extra)
{
	bool net = strcmp(subsystem, "net") == 0;
	const char *dir = net ? "virtual/net" : "pci0000:00";
	char buf[512];
	int n;

	n = snprintf(buf, sizeof(buf), "%s@/devices/%s/%s%cACTION=%s%c"
		"DEVPATH=/devices/%s/%s%cSUBSYSTEM=%s%c%s=%s%cSEQNUM=999998%c",
		action, dir, name, 0, action, 0, dir, name, 0, subsystem, 0,
		net ? "INTERFACE" : "PCI_SLOT_NAME", name, 0, 0);
	if (extra != NULL)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%c", extra, 0);
	return send_uevent(buf, (size_t)n);
}

/* A root process forges a kernel-looking remove@ of a real interface. */
static int
send_forged_remove(const char *ifname)
{
	char extra[32];

	snprintf(extra, sizeof(extra), "IFINDEX=%d",
		 hotplug_ifname_to_ifindex(ifname));
	return send_forged("remove", "net", ifname, extra);
}

static void
test_spoofed_uevent_dropped(void **state)
{
	struct hotplug_monitor_stats st0, st;

	(void)state;
	watched_veth_add("vX", "vY");
	hotplug_monitor_stats_get(&st0);
	assert_int_equal(send_forged_remove("vX"), 0);
	STAT_WAIT(st0, dropped_sender, 1);
	hotplug_monitor_stats_get(&st);
	assert_int_equal(st.dropped_sender, st0.dropped_sender + 1);
	assert_int_equal(st.accepted, st0.accepted);
	usleep(50 * 1000);
	assert_int_equal(seen_find(HOTPLUG_ACTION_REMOVE, "vX"), -1);
	assert_int_equal(hotplug_device_state("vX"), HOTPLUG_DEV_PRESENT);
	watched_veth_del("vX");
}

/* Every action, for a tracked interface and a PCI address: none gets in. */
static void
test_spoofed_every_action(void **state)
{
	static const enum hotplug_action actions[] = { HOTPLUG_ACTION_ADD,
		HOTPLUG_ACTION_REMOVE, HOTPLUG_ACTION_CHANGE, HOTPLUG_ACTION_MOVE,
		HOTPLUG_ACTION_ONLINE, HOTPLUG_ACTION_OFFLINE, HOTPLUG_ACTION_BIND,
		HOTPLUG_ACTION_UNBIND };
	static const char *const subsystems[][2] = {
		{ "net", "vX" }, { "pci", "0000:7f:00.0" } };
	const unsigned int nb = RTE_DIM(actions) * RTE_DIM(subsystems);
	struct hotplug_monitor_stats st0, st;
	unsigned int a, k;

	(void)state;
	watched_veth_add("vX", "vY");
	hotplug_monitor_stats_get(&st0);
	for (k = 0; k < RTE_DIM(subsystems); k++)
		for (a = 0; a < RTE_DIM(actions); a++)
			assert_int_equal(send_forged(hotplug_action_str(actions[a]),
						     subsystems[k][0], subsystems[k][1],
						     NULL), 0);
	STAT_WAIT(st0, dropped_sender, nb);
	hotplug_monitor_stats_get(&st);
	assert_int_equal(st.dropped_sender, st0.dropped_sender + nb);
	assert_int_equal(st.accepted, st0.accepted);
	usleep(50 * 1000);
	for (a = 0; a < RTE_DIM(actions); a++)
		for (k = 0; k < RTE_DIM(subsystems); k++)
			assert_int_equal(seen_find(actions[a], subsystems[k][1]), -1);
	assert_int_equal(hotplug_device_state("vX"), HOTPLUG_DEV_PRESENT);
	watched_veth_del("vX");
}

static void
test_start_stop_cycles(void **state)
{
	int fds0, tasks0, i;

	(void)state;
	fds0 = count_dir("/proc/self/fd");
	tasks0 = tasks_settled(1);
	for (i = 0; i < 100; i++) {
		assert_int_equal(hotplug_monitor_start(), 0);
		/* several ports share one monitor */
		assert_int_equal(hotplug_monitor_start(), 0);
		assert_true(hotplug_monitor_running());
		assert_int_equal(tasks_settled(tasks0 + 1), tasks0 + 1);
		assert_int_equal(hotplug_monitor_stop(), 0);
		assert_true(hotplug_monitor_running());
		assert_int_equal(hotplug_monitor_stop(), 0);
		assert_false(hotplug_monitor_running());
	}
	assert_int_equal(count_dir("/proc/self/fd"), fds0);
	assert_int_equal(tasks_settled(tasks0), tasks0);
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
		assert_int_equal(hotplug_device_state(name), HOTPLUG_DEV_GONE);
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
				HOTPLUG_DEV_GONE) == (i % 2 == 0);
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

/* As root, SO_RCVBUFFORCE is allowed: the full size, not rmem_max's. */
static void
test_rcvbuf_root(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(hotplug_monitor_rcvbuf_get(), -ENOTCONN);
	assert_int_equal(hotplug_monitor_start(), 0);
	assert_true(hotplug_monitor_rcvbuf_get() >= 16 * 1024 * 1024);
	assert_int_equal(hotplug_monitor_stop(), 0);
	assert_int_equal(hotplug_monitor_rcvbuf_get(), -ENOTCONN);
}

/* Writing "remove" to a sysfs uevent file makes the kernel itself send
 * a REMOVE (port id 0, uid 0, SYNTH_UUID) for a device that is there.
 */
static void
test_synthetic_remove_ignored(void **state)
{
	struct hotplug_monitor_stats st0, st;
	FILE *f;

	(void)state;
	watched_veth_add("sy0", "sy1");
	hotplug_monitor_stats_get(&st0);
	f = fopen("/sys/class/net/sy0/uevent", "w");
	assert_non_null(f);
	assert_true(fputs("remove", f) >= 0);
	assert_int_equal(fclose(f), 0);
	STAT_WAIT(st0, synthetic_ignored, 1);
	usleep(50 * 1000);
	hotplug_monitor_stats_get(&st);
	assert_int_equal(st.synthetic_ignored, st0.synthetic_ignored + 1);
	assert_int_equal(st.dropped_sender, st0.dropped_sender);
	assert_int_equal(seen_find(HOTPLUG_ACTION_REMOVE, "sy0"), -1);
	assert_int_equal(hotplug_device_state("sy0"), HOTPLUG_DEV_PRESENT);
	watched_veth_del("sy0");
}

/* Larger than the monitor's receive buffer (HOTPLUG_UEVENT_MAX). */
#define OVERSIZE (HOTPLUG_UEVENT_MAX + 1024)

static int
send_oversized_remove(const char *ifname)
{
	char *buf = malloc(OVERSIZE);
	int n, ret;

	if (buf == NULL)
		return -ENOMEM;
	n = snprintf(buf, OVERSIZE, "remove@/devices/virtual/net/%s%c"
		"ACTION=remove%cDEVPATH=/devices/virtual/net/%s%c"
		"SUBSYSTEM=net%cINTERFACE=%s%cIFINDEX=%d%cSEQNUM=999998%c"
		"PAD=", ifname, 0, 0, ifname, 0, 0, ifname, 0,
		hotplug_ifname_to_ifindex(ifname), 0, 0);
	memset(buf + n, 'x', OVERSIZE - (size_t)n - 1);
	buf[OVERSIZE - 1] = '\0';
	ret = send_uevent(buf, OVERSIZE);
	free(buf);
	return ret;
}

/* Truncation is checked before the sender: it is what gets counted. */
static void
test_truncated_dropped(void **state)
{
	struct hotplug_monitor_stats st0, st;

	(void)state;
	watched_veth_add("tr0", "tr1");
	hotplug_monitor_stats_get(&st0);
	assert_int_equal(send_oversized_remove("tr0"), 0);
	STAT_WAIT(st0, dropped_truncated, 1);
	usleep(50 * 1000);
	hotplug_monitor_stats_get(&st);
	assert_int_equal(st.dropped_truncated, st0.dropped_truncated + 1);
	assert_int_equal(st.dropped_sender, st0.dropped_sender);
	assert_int_equal(st.accepted, st0.accepted);
	assert_int_equal(seen_find(HOTPLUG_ACTION_REMOVE, "tr0"), -1);
	assert_int_equal(hotplug_device_state("tr0"), HOTPLUG_DEV_PRESENT);
	watched_veth_del("tr0");
}

/*
 * A gate in the monitor thread: the first callback for a name starting
 * with gate_name blocks until the test opens it (bounded), so the socket
 * overruns exactly while the test changes things.
 */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static const char *gate_name;
static bool gate_closed;
static bool gate_waiting;

static int
gate_cb(const struct hotplug_event *ev, void *arg)
{
	struct timespec until;
	int ret = 0;

	(void)arg;
	pthread_mutex_lock(&gate_lock);
	if (gate_closed && gate_name != NULL &&
			strncmp(ev->name, gate_name, strlen(gate_name)) == 0) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 10;
		gate_waiting = true;
		pthread_cond_broadcast(&gate_cond);
		while (gate_closed && ret == 0)
			ret = pthread_cond_timedwait(&gate_cond, &gate_lock,
				&until);
		gate_closed = false;
		gate_name = NULL;
	}
	pthread_mutex_unlock(&gate_lock);
	return 0;
}

static void
gate_close(const char *name)
{
	pthread_mutex_lock(&gate_lock);
	gate_name = name;
	gate_closed = true;
	gate_waiting = false;
	pthread_mutex_unlock(&gate_lock);
}

/* Wait (bounded) until the monitor thread blocks in the gate. */
static bool
gate_wait_blocked(void)
{
	struct timespec until;
	int ret = 0;
	bool blocked;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WAIT_MS / 1000;
	pthread_mutex_lock(&gate_lock);
	while (!gate_waiting && ret == 0)
		ret = pthread_cond_timedwait(&gate_cond, &gate_lock, &until);
	blocked = gate_waiting;
	pthread_mutex_unlock(&gate_lock);
	return blocked;
}

static void
gate_open(void)
{
	pthread_mutex_lock(&gate_lock);
	gate_closed = false;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

#define FILLER_PAIRS 6

/*
 * A tracked interface deleted and re-created under its name while its
 * uevents are lost: present before, present after, but it is another
 * device; the resync must say REMOVE (old ifindex) then ADD (new one).
 */
static void
test_enobufs_replaced(void **state)
{
	struct hotplug_monitor_stats st0, st;
	int old_idx, new_idx, ir = -1, ia = -1, i;
	FILE *batch;

	(void)state;
	run("ip link add rr0 type veth peer name rp0");
	old_idx = hotplug_ifname_to_ifindex("rr0");
	assert_true(old_idx > 0);
	assert_int_equal(hotplug_device_track("rr0"), 0);
	assert_int_equal(hotplug_device_state("rr0"), HOTPLUG_DEV_PRESENT);
	hotplug_monitor_rcvbuf_set(1); /* the kernel's minimum */
	assert_int_equal(hotplug_monitor_start(), 0);
	hotplug_monitor_rcvbuf_set(0);
	seen_reset();
	assert_int_equal(hotplug_callback_register(NULL, gate_cb, NULL), 0);
	assert_int_equal(hotplug_callback_register(NULL, record_cb, NULL), 0);
	hotplug_monitor_stats_get(&st0);

	/* Whichever end comes first: it reaches an empty socket. */
	gate_close("rg");
	run("ip link add rg0 type veth peer name rg1");
	if (!gate_wait_blocked()) {
		gate_open();
		fail_msg("the monitor never delivered rg0's or rg1's ADD");
	}
	/* Enough uevents to fill the smallest buffer, then the yank. */
	batch = fopen("/tmp/fs-eal-replaced.batch", "w");
	assert_non_null(batch);
	for (i = 0; i < FILLER_PAIRS; i++)
		fprintf(batch, "link add rf%d type veth peer name rq%d\n", i, i);
	fprintf(batch, "link del rr0\n");
	fprintf(batch, "link add rr0 type veth peer name rp0\n");
	fclose(batch);
	i = system("ip -batch /tmp/fs-eal-replaced.batch");
	unlink("/tmp/fs-eal-replaced.batch");
	gate_open();
	assert_int_equal(i, 0);
	new_idx = hotplug_ifname_to_ifindex("rr0");
	assert_true(new_idx > 0 && new_idx != old_idx);

	for (i = 0; i < WAIT_MS && ia < 0; i++) {
		ir = seen_match(HOTPLUG_ACTION_REMOVE, "rr0", 0, true);
		if (ir >= 0)
			ia = seen_find(HOTPLUG_ACTION_ADD, "rr0");
		if (ia < 0)
			usleep(1000);
	}
	hotplug_monitor_stats_get(&st);
	print_message("enobufs %" PRIu64 " resyncs %" PRIu64 " resync events %"
		PRIu64 "\n", st.enobufs - st0.enobufs, st.resyncs - st0.resyncs,
		st.resync_events - st0.resync_events);
	assert_true(st.enobufs > st0.enobufs);
	assert_true(ir >= 0);
	assert_int_equal(seen[ir].ifindex, old_idx);
	assert_true(ia > ir);
	assert_int_equal(seen[ia].ifindex, new_idx);
	/* rr0's own uevents were lost: what told us is the resync */
	assert_int_equal(seen_match(HOTPLUG_ACTION_ADD, "rr0", ir, true), ia);
	assert_int_equal(seen_last("rr0"), HOTPLUG_ACTION_ADD);
	assert_int_equal(hotplug_device_state("rr0"), HOTPLUG_DEV_PRESENT);
	assert_int_equal(hotplug_registry_ifindex("rr0"), new_idx);

	assert_int_equal(hotplug_callback_unregister(NULL, record_cb, NULL), 0);
	assert_int_equal(hotplug_callback_unregister(NULL, gate_cb, NULL), 0);
	assert_int_equal(hotplug_monitor_stop(), 0);
	hotplug_device_untrack("rr0");
	run("ip link del rr0");
	run("ip link del rg0");
	for (i = 0; i < FILLER_PAIRS; i++) {
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "ip link del rf%d", i);
		run(cmd);
	}
}

/*
 * The last stop() while a callback still runs in the monitor thread and
 * calls into the library: stop must not hold the lock the callback needs
 * while it joins the thread.
 */
static int race_rcvbuf;
static int race_start;

static int
race_cb(const struct hotplug_event *ev, void *arg)
{
	(void)arg;
	if (strcmp(ev->name, "sr0") != 0 || ev->action != HOTPLUG_ACTION_ADD)
		return 0;
	gate_cb(ev, NULL);	/* until the test is inside stop() */
	usleep(100 * 1000);	/* and joining */
	race_rcvbuf = hotplug_monitor_rcvbuf_get();
	race_start = hotplug_monitor_start();
	return 0;
}

static void *
stop_thread(void *arg)
{
	*(int *)arg = hotplug_monitor_stop();
	return NULL;
}

static void
test_stop_while_callback_runs(void **state)
{
	struct timespec until;
	pthread_t th;
	int stop_ret = 1;

	(void)state;
	race_rcvbuf = 1;
	race_start = 1;
	assert_int_equal(hotplug_monitor_start(), 0);
	assert_int_equal(hotplug_callback_register(NULL, race_cb, NULL), 0);
	gate_close("sr0");
	run("ip link add sr0 type veth peer name sr1");
	if (!gate_wait_blocked()) {
		gate_open();
		fail_msg("the monitor never delivered sr0's ADD");
	}
	assert_int_equal(pthread_create(&th, NULL, stop_thread, &stop_ret), 0);
	usleep(50 * 1000);	/* stop() is waiting for the thread */
	gate_open();
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	if (pthread_timedjoin_np(th, NULL, &until) != 0) {
		/* Deadlocked: nothing later could run; the netns dies with us. */
		fprintf(stderr, "hotplug_monitor_stop() deadlocked with a "
			"callback calling into the library\n");
		_exit(1);
	}
	assert_int_equal(stop_ret, 0);
	assert_int_equal(race_rcvbuf, -ENOTCONN);
	assert_int_equal(race_start, -EBUSY);
	assert_false(hotplug_monitor_running());
	assert_int_equal(hotplug_callback_unregister(NULL, race_cb, NULL), 0);
	/* and the monitor starts again as usual */
	assert_int_equal(hotplug_monitor_start(), 0);
	assert_true(hotplug_monitor_running());
	assert_int_equal(hotplug_monitor_stop(), 0);
	assert_int_equal(hotplug_monitor_stop(), -EALREADY);
	run("ip link del sr0");
}

/*
 * The reason link events exist: a deleted interface is announced down
 * by rtnetlink before its REMOVE uevent, so traffic can leave it sooner.
 */
static void
test_link_down_before_remove(void **state)
{
	struct hotplug_monitor_stats st0, st;
	int up, down, up2, rm, ifx;

	(void)state;
	seen_reset();
	assert_int_equal(hotplug_monitor_watch_links(), -ENOTCONN);
	assert_int_equal(hotplug_monitor_start(), 0);
	assert_int_equal(hotplug_callback_register(NULL, record_cb, NULL), 0);
	assert_int_equal(hotplug_monitor_watch_links(), 0);
	assert_int_equal(hotplug_monitor_watch_links(), 0);	/* idempotent */
	hotplug_monitor_stats_get(&st0);
	run("ip link add lk0 type veth peer name lk1 && ip link set lk1 up && ip link set lk0 up");
	ifx = hotplug_ifname_to_ifindex("lk0");
	up = seen_wait(HOTPLUG_ACTION_LINK_UP, "lk0");
	assert_true(up >= 0);
	assert_int_equal(seen[up].ifindex, ifx);
	assert_int_equal(hotplug_netdev_running("lk0"), 1);
	assert_int_equal(hotplug_netdev_running(NULL), -EINVAL);
	assert_int_equal(hotplug_netdev_running(""), -EINVAL);
	assert_int_equal(hotplug_netdev_running("a-name-longer-than-ifnamsiz"),
			 -EINVAL);
	assert_int_equal(hotplug_netdev_running("nosuch0"), -ENODEV);
	run("ip link set lk0 down");
	down = seen_wait_after(HOTPLUG_ACTION_LINK_DOWN, "lk0", up);
	assert_true(down > up);
	assert_int_equal(hotplug_netdev_running("lk0"), 0);
	run("ip link set lk0 up");
	up2 = seen_wait_after(HOTPLUG_ACTION_LINK_UP, "lk0", down);
	assert_true(up2 > down);
	run("ip link del lk0");
	rm = seen_wait_after(HOTPLUG_ACTION_REMOVE, "lk0", up2);
	down = seen_wait_after(HOTPLUG_ACTION_LINK_DOWN, "lk0", up2);
	assert_true(rm > up2 && down > up2);
	assert_true(down < rm);
	assert_true(seen[down].rx_ns <= seen[rm].rx_ns);
	assert_int_equal(seen[down].ifindex, ifx);
	hotplug_monitor_stats_get(&st);
	assert_true(st.link_events >= st0.link_events + 4);
	assert_int_equal(st.link_dropped, st0.link_dropped);
	assert_int_equal(hotplug_callback_unregister(NULL, record_cb, NULL), 0);
	assert_int_equal(hotplug_monitor_stop(), 0);
	assert_int_equal(hotplug_monitor_watch_links(), -ENOTCONN);
}

/* Root forges a link-down on rtnetlink's link group: dropped, counted. */
static void
test_spoofed_link_dropped(void **state)
{
	struct sockaddr_nl dst = { .nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK };
	struct hotplug_monitor_stats st0;
	char buf[256];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int fd;

	(void)state;
	seen_reset();
	run("ip link add ls0 type veth peer name ls1 && ip link set ls1 up && ip link set ls0 up");
	assert_int_equal(hotplug_monitor_start(), 0);
	assert_int_equal(hotplug_monitor_watch_links(), 0);
	assert_int_equal(hotplug_callback_register(NULL, record_cb, NULL), 0);
	hotplug_monitor_stats_get(&st0);
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = hotplug_ifname_to_ifindex("ls0");
	ifi->ifi_flags = 0;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "ls0");
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	assert_true(fd >= 0);
	assert_int_equal(sendto(fd, buf, nlh->nlmsg_len, 0,
				(struct sockaddr *)&dst, sizeof(dst)),
			 (ssize_t)nlh->nlmsg_len);
	close(fd);
	assert_true(STAT_WAIT(st0, link_dropped, 1) >= st0.link_dropped + 1);
	/* The forgery never arrived; a real change after it does. */
	assert_int_equal(seen_find(HOTPLUG_ACTION_LINK_DOWN, "ls0"), -1);
	run("ip link set ls0 down");
	assert_true(seen_wait(HOTPLUG_ACTION_LINK_DOWN, "ls0") >= 0);
}

/* After a failed assertion too: leave nothing to the next test. */
static int
teardown_kernel(void **state)
{
	static const char * const links[] = { "sy0", "tr0", "rr0", "rg0",
		"sr0", "rf0", "rf1", "rf2", "rf3", "rf4", "rf5", "lk0", "ls0", "ss0" };
	char cmd[64];
	size_t i;

	(void)state;
	gate_open();
	hotplug_callback_unregister(NULL, record_cb, NULL);
	hotplug_callback_unregister(NULL, gate_cb, NULL);
	hotplug_callback_unregister(NULL, race_cb, NULL);
	for (i = 0; i < 4 && hotplug_monitor_stop() == 0; i++)
		;
	hotplug_monitor_rcvbuf_set(0);
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		hotplug_device_untrack(links[i]);
		snprintf(cmd, sizeof(cmd), "ip link del %s 2>/dev/null",
			links[i]);
		if (system(cmd) < 0)
			fprintf(stderr, "teardown: %s failed\n", cmd);
	}
	return 0;
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

/*
 * The last stop() from a callback (a port closed by the application from
 * its own hotplug callback): the reference is dropped, and the thread
 * ends once the callback returns, instead of -EDEADLK and a monitor that
 * runs for good.
 */
static volatile int self_stop_ret = 1;

static int
self_stop_cb(const struct hotplug_event *ev, void *arg)
{
	(void)arg;
	if (strcmp(ev->name, "ss0") == 0 && ev->action == HOTPLUG_ACTION_ADD &&
			self_stop_ret == 1)
		self_stop_ret = hotplug_monitor_stop();
	return 0;
}

static void
test_stop_from_callback(void **state)
{
	int i;

	(void)state;
	self_stop_ret = 1;
	assert_int_equal(hotplug_monitor_start(), 0);
	assert_int_equal(hotplug_callback_register(NULL, self_stop_cb, NULL),
		0);
	run("ip link add ss0 type veth peer name ss1");
	for (i = 0; i < WAIT_MS && self_stop_ret == 1; i++)
		usleep(1000);
	for (i = 0; i < WAIT_MS && hotplug_monitor_running(); i++)
		usleep(1000);
	assert_int_equal(hotplug_callback_unregister(NULL, self_stop_cb, NULL),
		0);
	assert_int_equal(self_stop_ret, 0);
	assert_false(hotplug_monitor_running());
	assert_int_equal(hotplug_monitor_stop(), -EALREADY);
	/* and it starts again as usual */
	assert_int_equal(hotplug_monitor_start(), 0);
	assert_true(hotplug_monitor_running());
	assert_int_equal(hotplug_monitor_stop(), 0);
	run("ip link del ss0");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_veth_add_remove),
		cmocka_unit_test(test_spoofed_uevent_dropped),
		cmocka_unit_test(test_spoofed_every_action),
		cmocka_unit_test(test_start_stop_cycles),
		cmocka_unit_test(test_enobufs_resync),
		cmocka_unit_test_teardown(test_rcvbuf_root,
			teardown_kernel),
		cmocka_unit_test_teardown(test_synthetic_remove_ignored,
			teardown_kernel),
		cmocka_unit_test_teardown(test_truncated_dropped,
			teardown_kernel),
		cmocka_unit_test_teardown(test_enobufs_replaced,
			teardown_kernel),
		cmocka_unit_test_teardown(test_stop_while_callback_runs,
			teardown_kernel),
		cmocka_unit_test_teardown(test_link_down_before_remove,
			teardown_kernel),
		cmocka_unit_test_teardown(test_spoofed_link_dropped,
			teardown_kernel),
		cmocka_unit_test_teardown(test_stop_from_callback,
			teardown_kernel),
	};
	int ret = enter_private_netns();

	if (ret < 0) {
		fprintf(stderr, "skip: private netns: %s\n", strerror(-ret));
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
