/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The monitor's policy without a kernel: the sender check on crafted
 * message headers, and datagrams fed to the monitor thread's handler
 * (monitor stopped, sysfs faked), so SEQNUM following and the handling
 * of a re-created interface are checked deterministically.  Real uevents
 * are test_monitor_kernel.c's business.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>

#include <cmocka.h>

#include "fake_sysfs.h"
#include "hotplug.h"
#include "hotplug_private.h"

/* ------------------------------------------------------------------ */
/* Sender check */

struct crafted {
	struct sockaddr_nl sa;
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} ctrl;
	struct msghdr msg;
};

/* A header as recvmsg() would fill it; uid < 0: no credentials. */
static void
craft(struct crafted *c, uint32_t nl_pid, long uid)
{
	struct cmsghdr *cm;
	struct ucred cred = { .pid = 0, .uid = 0, .gid = 0 };

	memset(c, 0, sizeof(*c));
	c->sa.nl_family = AF_NETLINK;
	c->sa.nl_pid = nl_pid;
	c->msg.msg_name = &c->sa;
	c->msg.msg_namelen = sizeof(c->sa);
	if (uid < 0)
		return;
	c->msg.msg_control = c->ctrl.buf;
	c->msg.msg_controllen = sizeof(c->ctrl.buf);
	cm = CMSG_FIRSTHDR(&c->msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof(cred));
	cred.uid = (uid_t)uid;
	memcpy(CMSG_DATA(cm), &cred, sizeof(cred));
}

static bool
sender_ok(struct crafted *c)
{
	return hotplug_monitor_sender_is_kernel(&c->msg, &c->sa);
}

static void
test_sender_kernel_accepted(void **state)
{
	struct crafted c;

	(void)state;
	craft(&c, 0, 0);
	assert_true(sender_ok(&c));
}

static void
test_sender_rejected(void **state)
{
	struct crafted c;

	(void)state;
	/* port id 0 is not enough: a non-root sender's credentials */
	craft(&c, 0, 1000);
	assert_false(sender_ok(&c));
	/* nor is port id 0 with no credentials at all */
	craft(&c, 0, -1);
	assert_false(sender_ok(&c));
	/* root, but from a user-space socket */
	craft(&c, 4242, 0);
	assert_false(sender_ok(&c));
	/* an address that is not a netlink one */
	craft(&c, 0, 0);
	c.msg.msg_namelen = sizeof(c.sa) - 1;
	assert_false(sender_ok(&c));
	/* credentials of the wrong type are not credentials */
	craft(&c, 0, 0);
	CMSG_FIRSTHDR(&c.msg)->cmsg_type = SCM_RIGHTS;
	assert_false(sender_ok(&c));
	/* nor a control message too short to hold them */
	craft(&c, 0, 0);
	CMSG_FIRSTHDR(&c.msg)->cmsg_len = CMSG_LEN(sizeof(struct ucred) - 1);
	assert_false(sender_ok(&c));
}

/* ------------------------------------------------------------------ */
/* Datagrams through the monitor's handler */

#define MAX_SEEN 16

static struct hotplug_event seen[MAX_SEEN];
static unsigned int n_seen;

static int
record_cb(const struct hotplug_event *ev, void *arg)
{
	(void)arg;
	if (n_seen < MAX_SEEN)
		seen[n_seen++] = *ev;
	return 0;
}

static void
feed(const char *action, const char *devpath, const char *subsystem,
		const char *ifname, int ifindex, uint64_t seqnum)
{
	char buf[1024];
	int n;

	n = snprintf(buf, sizeof(buf), "%s@%s%cACTION=%s%cDEVPATH=%s%c"
		"SUBSYSTEM=%s%cSEQNUM=%llu%c", action, devpath, 0, action, 0,
		devpath, 0, subsystem, 0, (unsigned long long)seqnum, 0);
	if (ifname != NULL)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n,
			"INTERFACE=%s%cIFINDEX=%d%c", ifname, 0, ifindex, 0);
	assert_true(n > 0 && (size_t)n < sizeof(buf));
	hotplug_monitor_handle(buf, (size_t)n, 1);
}

static void
feed_net(const char *action, const char *ifname, int ifindex, uint64_t seq)
{
	char path[128];

	snprintf(path, sizeof(path), "/devices/virtual/net/%s", ifname);
	feed(action, path, "net", ifname, ifindex, seq);
}

/* A net device's queue kobject: a subsystem the monitor ignores. */
static void
feed_queue(const char *ifname, const char *queue, uint64_t seq)
{
	char path[128];

	snprintf(path, sizeof(path), "/devices/virtual/net/%s/queues/%s",
		ifname, queue);
	feed("add", path, "queues", NULL, 0, seq);
}

static int
setup_fake(void **state)
{
	(void)state;
	if (fake_sysfs_use() == NULL)
		return -1;
	n_seen = 0;
	return hotplug_callback_register(NULL, record_cb, NULL);
}

static int
teardown_fake(void **state)
{
	hotplug_callback_unregister(NULL, record_cb, NULL);
	return fake_sysfs_teardown(state);
}

/*
 * A veth's add is "net v0, queues rx-0, queues tx-0" with consecutive
 * SEQNUMs: skipping the queues must not read as lost events.
 */
static void
test_seqnum_skipped_subsystem(void **state)
{
	struct hotplug_monitor_stats st0, st;

	(void)state;
	feed_net("change", "v0", 7, 100);
	hotplug_monitor_stats_get(&st0);
	feed_queue("v0", "rx-0", 101);
	feed_queue("v0", "tx-0", 102);
	feed_net("change", "v0", 7, 103);
	hotplug_monitor_stats_get(&st);
	assert_int_equal(st.ignored_subsystem, st0.ignored_subsystem + 2);
	assert_int_equal(st.accepted, st0.accepted + 1);
	assert_int_equal(st.seqnum_gaps, st0.seqnum_gaps);
	/* a kernel datagram we refuse still took its SEQNUM */
	feed("change", "/devices/virtual/net/v0", "net", NULL, 0, 104);
	feed_net("change", "v0", 7, 105);
	hotplug_monitor_stats_get(&st);
	assert_int_equal(st.dropped_malformed, st0.dropped_malformed + 1);
	assert_int_equal(st.seqnum_gaps, st0.seqnum_gaps);
	/* while a SEQNUM really missing is still a gap */
	feed_net("change", "v0", 7, 107);
	hotplug_monitor_stats_get(&st);
	assert_int_equal(st.seqnum_gaps, st0.seqnum_gaps + 1);
}

/* Rescan: v0 was deleted and re-created (new ifindex) while events were
 * lost.  Presence alone says nothing changed.
 */
static void
test_resync_replaced(void **state)
{
	(void)state;
	assert_int_equal(fake_sysfs_add_netdev("v0", 7, "02:00:00:00:00:07",
		NULL), 0);
	assert_int_equal(hotplug_device_track("v0"), 0);
	assert_int_equal(hotplug_registry_ifindex("v0"), 7);
	/* unchanged: nothing to say */
	assert_int_equal(hotplug_resync(), 0);
	assert_int_equal(n_seen, 0);

	assert_int_equal(fake_sysfs_del_netdev("v0"), 0);
	assert_int_equal(fake_sysfs_add_netdev("v0", 9, "02:00:00:00:00:07",
		NULL), 0);
	assert_int_equal(hotplug_resync(), 2);
	assert_int_equal(n_seen, 2);
	assert_int_equal(seen[0].action, HOTPLUG_ACTION_REMOVE);
	assert_true(seen[0].resync);
	assert_int_equal(seen[0].ifindex, 7);
	assert_string_equal(seen[0].name, "v0");
	assert_int_equal(seen[1].action, HOTPLUG_ACTION_ADD);
	assert_true(seen[1].resync);
	assert_int_equal(seen[1].ifindex, 9);
	/* the old instance is gone: the new one is present */
	assert_int_equal(hotplug_device_state("v0"), HOTPLUG_DEV_PRESENT);
	assert_int_equal(hotplug_registry_ifindex("v0"), 9);
	assert_int_equal(hotplug_resync(), 0);
	assert_int_equal(hotplug_device_untrack("v0"), 0);
}

/* The REMOVE of the old instance was lost, its successor's ADD was not. */
static void
test_add_of_replacement(void **state)
{
	struct hotplug_monitor_stats st0, st;

	(void)state;
	assert_int_equal(fake_sysfs_add_netdev("v1", 7, "02:00:00:00:00:17",
		NULL), 0);
	assert_int_equal(hotplug_device_track("v1"), 0);
	hotplug_monitor_stats_get(&st0);
	/* the same instance announced again changes nothing */
	feed_net("add", "v1", 7, 200);
	assert_int_equal(n_seen, 1);
	assert_int_equal(hotplug_device_state("v1"), HOTPLUG_DEV_PRESENT);

	assert_int_equal(fake_sysfs_del_netdev("v1"), 0);
	assert_int_equal(fake_sysfs_add_netdev("v1", 12, "02:00:00:00:00:17",
		NULL), 0);
	n_seen = 0;
	feed_net("add", "v1", 12, 201);
	assert_int_equal(n_seen, 2);
	assert_int_equal(seen[0].action, HOTPLUG_ACTION_REMOVE);
	assert_true(seen[0].resync);
	assert_int_equal(seen[0].ifindex, 7);
	assert_int_equal(seen[1].action, HOTPLUG_ACTION_ADD);
	assert_false(seen[1].resync);
	assert_int_equal(seen[1].ifindex, 12);
	assert_int_equal(hotplug_device_state("v1"), HOTPLUG_DEV_PRESENT);
	assert_int_equal(hotplug_registry_ifindex("v1"), 12);
	hotplug_monitor_stats_get(&st);
	assert_int_equal(st.resync_events, st0.resync_events + 1);
	assert_int_equal(hotplug_device_untrack("v1"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sender_kernel_accepted),
		cmocka_unit_test(test_sender_rejected),
		cmocka_unit_test_setup_teardown(test_seqnum_skipped_subsystem,
			setup_fake, teardown_fake),
		cmocka_unit_test_setup_teardown(test_resync_replaced,
			setup_fake, teardown_fake),
		cmocka_unit_test_setup_teardown(test_add_of_replacement,
			setup_fake, teardown_fake),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
