/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The fail-safe port through the ethdev API, with the EAL initialised
 * once and the plugin loaded with -d (fs_ethdev_common.c); here kernel
 * events: foreign uevents dropped cheaply, lib/hotplug's registry
 * following the sub-device, a rename as ADD and REMOVE, and a
 * replacement's interface name not spliced into devargs.
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

/* Holds a port's lock from another thread, as a slow control call would. */
struct lock_holder {
	pthread_t tid;
	pthread_mutex_t *lock;
	volatile int held;
	volatile int release;
};

static void *
lock_holder_run(void *arg)
{
	struct lock_holder *h = arg;
	uint64_t deadline = now_ms() + 3000;

	pthread_mutex_lock(h->lock);
	h->held = 1;
	while (!h->release && now_ms() < deadline)
		usleep(1000);
	pthread_mutex_unlock(h->lock);
	return NULL;
}

static void
lock_hold(struct lock_holder *h, pthread_mutex_t *lock)
{
	memset(h, 0, sizeof(*h));
	h->lock = lock;
	assert_int_equal(pthread_create(&h->tid, NULL, lock_holder_run, h), 0);
	while (!h->held)
		usleep(100);
}

static void
lock_release(struct lock_holder *h)
{
	h->release = 1;
	pthread_join(h->tid, NULL);
}

/* A fake sysfs with one interface, whose attribute opens inotify reports. */
struct fake_sysfs {
	char root[64];
	char dir[128];
	int ino;
};

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
fake_sysfs_make(struct fake_sysfs *fs, const char *ifname, int ifindex,
		const char *mac)
{
	char path[256], text[32];

	snprintf(fs->root, sizeof(fs->root), "/tmp/fs-ethdev-sysfs-XXXXXX");
	assert_non_null(mkdtemp(fs->root));
	snprintf(path, sizeof(path), "%s/class", fs->root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/class/net", fs->root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(fs->dir, sizeof(fs->dir), "%s/class/net/%s", fs->root, ifname);
	assert_int_equal(mkdir(fs->dir, 0755), 0);
	snprintf(text, sizeof(text), "%d\n", ifindex);
	write_file(fs->dir, "ifindex", text);
	snprintf(text, sizeof(text), "%s\n", mac);
	write_file(fs->dir, "address", text);
	fs->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	assert_true(fs->ino >= 0);
	assert_true(inotify_add_watch(fs->ino, fs->dir, IN_OPEN) >= 0);
	assert_int_equal(PLUGIN_FN(hotplug_sysfs_root_set)(fs->root), 0);
}

/* Names of the attributes opened since the last call, comma separated. */
static void
fake_sysfs_opened(struct fake_sysfs *fs, char *out, size_t size)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	char *p;

	out[0] = '\0';
	while ((n = read(fs->ino, buf, sizeof(buf))) > 0)
		for (p = buf; p < buf + n;
		     p += sizeof(struct inotify_event) + ((struct inotify_event *)p)->len) {
			const struct inotify_event *e = (const void *)p;

			snprintf(out + strlen(out), size - strlen(out), "%s%s",
				 out[0] ? "," : "", e->len ? e->name : ".");
		}
}

static void
fake_sysfs_remove(struct fake_sysfs *fs)
{
	char cmd[128];

	PLUGIN_FN(hotplug_sysfs_root_set)(NULL);
	close(fs->ino);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fs->root);
	if (system(cmd) != 0)
		print_message("could not remove %s\n", fs->root);
}

static void
net_event(struct hotplug_event *ev, enum hotplug_action action,
	  const char *ifname, int ifindex)
{
	memset(ev, 0, sizeof(*ev));
	ev->action = action;
	ev->subsystem = HOTPLUG_SUBSYS_NET;
	ev->rx_ns = 1;
	snprintf(ev->name, sizeof(ev->name), "%s", ifname);
	snprintf(ev->ifname, sizeof(ev->ifname), "%s", ifname);
	ev->ifindex = ifindex;
}

static void
pci_event(struct hotplug_event *ev, enum hotplug_action action,
	  const char *addr, uint16_t vendor, uint16_t device)
{
	memset(ev, 0, sizeof(*ev));
	ev->action = action;
	ev->subsystem = HOTPLUG_SUBSYS_PCI;
	ev->rx_ns = 1;
	snprintf(ev->name, sizeof(ev->name), "%s", addr);
	snprintf(ev->pci_addr, sizeof(ev->pci_addr), "%s", addr);
	ev->pci_vendor = vendor;
	ev->pci_device = device;
}

#define RULE_MAC	"02:aa:00:00:00:01"

static void
process_all(const struct hotplug_event *evs, unsigned int n)
{
	void (*process)(const struct hotplug_event *) =
		PLUGIN_FN(hotplug_callback_process);
	unsigned int i;

	for (i = 0; i < n; i++)
		process(&evs[i]);
	/* An ADD is only queued there: the ADD worker acts on it. */
	assert_int_equal(PLUGIN_FN(fs_worker_flush)(WAIT_MS), 0);
}

/*
 * Events about devices that are not the port's are dropped without its
 * lock and without a system call, even with match rules given, as long
 * as the rules' slots are full; a MAC rule reads the MAC of an ADD only
 * while its slot is empty.  The attribute opens are seen on a fake sysfs;
 * the lock is held by another thread, so taking it would stall here.
 */
static void
test_foreign_uevents_are_cheap(void **state)
{
	struct hotplug_event foreign[4], add;
	char opened_full[256], opened_foreign[256], opened_add[256];
	uint64_t full_ms, foreign_ms;
	struct lock_holder h;
	struct fake_sysfs fs;
	uint16_t full, vacant;

	(void)state;
	full = fs_create("net_failsafe10", "dev(net_null10),dev(net_null11),match_mac1=" RULE_MAC
			 ",match_pci0=8086:10d3,hotplug_poll=20");
	if (!priv_of(full)->uevent_on) {
		fs_destroy("net_failsafe10");
		skip();
	}
	assert_int_equal(sub_xstat(full, 1, "state"), 1);
	net_event(&foreign[0], HOTPLUG_ACTION_ADD, "fsx0", 77);
	net_event(&foreign[1], HOTPLUG_ACTION_REMOVE, "fsx0", 77);
	pci_event(&foreign[2], HOTPLUG_ACTION_ADD, "0000:99:00.0", 0x8086, 0x10d3);
	pci_event(&foreign[3], HOTPLUG_ACTION_REMOVE, "0000:99:00.0", 0x8086, 0x10d3);
	net_event(&add, HOTPLUG_ACTION_ADD, "fsx0", 77);
	fake_sysfs_make(&fs, "fsx0", 77, RULE_MAC);

	/* Every slot with a rule is full: nothing to read, nothing to lock. */
	lock_hold(&h, &priv_of(full)->lock);
	full_ms = now_ms();
	process_all(foreign, RTE_DIM(foreign));
	full_ms = now_ms() - full_ms;
	lock_release(&h);
	fake_sysfs_opened(&fs, opened_full, sizeof(opened_full));
	fs_destroy("net_failsafe10");

	/* A MAC rule for an empty slot: only a net ADD is worth its MAC. */
	vacant = fs_create("net_failsafe11", "dev(net_af_packet12,iface=fsxnone0),dev(net_null12),match_mac0="
			   RULE_MAC ",hotplug_poll=0");
	assert_int_equal(sub_xstat(vacant, 0, "state"), SUB_EMPTY);
	lock_hold(&h, &priv_of(vacant)->lock);
	foreign_ms = now_ms();
	process_all(&foreign[1], 3);
	foreign_ms = now_ms() - foreign_ms;
	lock_release(&h);
	fake_sysfs_opened(&fs, opened_foreign, sizeof(opened_foreign));
	process_all(&add, 1);
	fake_sysfs_opened(&fs, opened_add, sizeof(opened_add));
	process_all(&foreign[1], 1);
	fake_sysfs_remove(&fs);
	fs_destroy("net_failsafe11");

	print_message("full slots: %" PRIu64 " ms, opened '%s'; empty slot: foreign %" PRIu64
		      " ms, opened '%s'; ADD opened '%s'\n", full_ms, opened_full,
		      foreign_ms, opened_foreign, opened_add);
	assert_true(full_ms < 1000);
	assert_string_equal(opened_full, "");
	assert_true(foreign_ms < 1000);
	assert_string_equal(opened_foreign, "");
	assert_non_null(strstr(opened_add, "address"));
}

/* Bounded wait for lib/hotplug's registry to show a state. */
static bool
wait_registry(const char *name, int want)
{
	int (*state)(const char *) = PLUGIN_FN(hotplug_device_state);
	uint64_t deadline = now_ms() + WAIT_MS;

	while (state(name) != want && now_ms() < deadline)
		usleep(1000);
	return state(name) == want;
}

/*
 * lib/hotplug's registry follows the sub-device's presence: PRESENT once
 * probed, GONE when its interface goes, PRESENT again when it is back,
 * and still known (tracked) until the port lets it go.  What the port did
 * with the device is the port's state, not the registry's.  (Whether the
 * SIGBUS handler is installed cannot be
 * seen here: cmocka puts its own over it around every test.)
 */
static void
test_registry_follows_sub_device(void **state)
{
	uint16_t port;
	bool back, released;

	(void)state;
	if (!netns_ok)
		skip();
	assert_int_equal(sh("ip link add fsr0 type veth peer name fsr1 && ip link set fsr0 up && ip link set fsr1 up"), 0);
	port = fs_create("net_failsafe13", "dev(net_af_packet13,iface=fsr0),dev(net_null16),hotplug_poll=20");
	assert_int_equal(sub_xstat(port, 0, "state"), 1);
	assert_true(wait_registry("fsr0", HOTPLUG_DEV_PRESENT));
	assert_int_equal(sh("ip link del fsr0"), 0);
	assert_true(wait_registry("fsr0", HOTPLUG_DEV_GONE));
	assert_true(wait_sub_xstat(port, 0, "state", SUB_EMPTY));
	assert_int_equal(sh("ip link add fsr0 type veth peer name fsr1 && ip link set fsr0 up && ip link set fsr1 up"), 0);
	back = wait_sub_xstat(port, 0, "state", 1) &&
		wait_registry("fsr0", HOTPLUG_DEV_PRESENT);
	fs_destroy("net_failsafe13");
	/* untracked, present: kept like any device the monitor saw */
	released = wait_registry("fsr0", HOTPLUG_DEV_PRESENT);
	sh("ip link del fsr0");
	assert_true(back);
	assert_true(released);
}

/*
 * A closed port no longer tracks its slots' names: the registry is 256
 * entries, and a name left tracked holds one for good.
 */
static void
test_registry_untracked_at_close(void **state)
{
	(void)state;
	fs_create("net_failsafe42", "dev(net_af_packet42,iface=fsgone42),dev(net_null42),uevent=on");
	assert_true(wait_registry("fsgone42", HOTPLUG_DEV_GONE));
	fs_destroy("net_failsafe42");
	assert_int_equal(PLUGIN_FN(hotplug_device_state)("fsgone42"), -ENOENT);
}

/*
 * A renamed interface (MOVE uevent): the slot configured with the new
 * name takes it at once, and the slot that had the old name lets it go,
 * without waiting for hotplug_poll (a minute here).
 */
static void
test_rename_is_add_and_remove(void **state)
{
	uint16_t port;
	bool joined, left;

	(void)state;
	if (!netns_ok)
		skip();
	assert_int_equal(sh("ip link add fsmt0 type veth peer name fsmp0 && ip link set fsmp0 up"), 0);
	port = fs_create("net_failsafe43", "dev(net_af_packet43,iface=fsmv0),dev(net_null43),hotplug_poll=60000");
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_EMPTY);
	assert_int_equal(sh("ip link set fsmt0 name fsmv0 && ip link set fsmv0 up"), 0);
	joined = wait_sub_xstat(port, 0, "state", 1);
	sh("ip link set fsmv0 down && ip link set fsmv0 name fsmt0");
	left = joined && wait_sub_xstat(port, 0, "state", SUB_EMPTY);
	fs_destroy("net_failsafe43");
	sh("ip link del fsmt0; ip link del fsmv0 2>/dev/null");
	assert_true(joined);
	assert_true(left);
}

/*
 * A replacement's interface name is written into the slot's devargs as
 * iface=<name>; a kernel name may hold ',' or '=', which would splice
 * keys of its own into them.  Refused, with the reason in the log.
 */
static void
test_replacement_iface_not_spliced(void **state)
{
	static const char bad[] = "fsx,qpairs=9";
	struct hotplug_event add;
	struct fake_sysfs fs;
	struct fs_priv *priv;
	uint16_t port;

	(void)state;
	port = fs_create("net_failsafe30", "dev(net_af_packet80,iface=fsxnone1),dev(net_null80),match_mac0="
			 RULE_MAC ",hotplug_poll=0");
	priv = priv_of(port);
	if (!priv->uevent_on) {
		fs_destroy("net_failsafe30");
		skip();
	}
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_EMPTY);
	net_event(&add, HOTPLUG_ACTION_ADD, bad, 78);
	fake_sysfs_make(&fs, bad, 78, RULE_MAC);
	process_all(&add, 1);
	fake_sysfs_remove(&fs);
	print_message("slot 0: devargs_override '%s', last error '%s'\n",
		      priv->subs[0].devargs_override, priv->subs[0].last_error);
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_EMPTY);
	assert_string_equal(priv->subs[0].devargs_override, "");
	assert_non_null(strstr(priv->subs[0].last_error, "'fsx,qpairs=9'"));
	assert_non_null(strstr(priv->subs[0].last_error, "',' or '='"));
	fs_destroy("net_failsafe30");
}

/*
 * A MAC rule on a PCI slot: a new interface with the slot's MAC (a NIC of
 * another model, another PCI address, the same MAC) gives the slot its
 * PCI device, whose address is written into the slot's devargs, and
 * whose bind is tried (it fails here: the fake sysfs has no PCI bus).
 */
static void
test_mac_rule_takes_pci_slot(void **state)
{
	static const char new_addr[] = "0000:98:00.0";
	struct hotplug_event add;
	struct fake_sysfs fs;
	struct fs_priv *priv;
	char path[256];
	uint16_t port;

	(void)state;
	port = fs_create("net_failsafe31", "dev(0000:97:00.0),dev(net_null81),match_mac0="
			 RULE_MAC ",hotplug_poll=0");
	priv = priv_of(port);
	if (!priv->uevent_on) {
		fs_destroy("net_failsafe31");
		skip();
	}
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_EMPTY);
	net_event(&add, HOTPLUG_ACTION_ADD, "fsxm0", 79);
	fake_sysfs_make(&fs, "fsxm0", 79, RULE_MAC);
	snprintf(path, sizeof(path), "%s/devices", fs.root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/devices/%s", fs.root, new_addr);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/device", fs.dir);
	assert_int_equal(symlink("../../../devices/0000:98:00.0", path), 0);
	process_all(&add, 1);
	fake_sysfs_remove(&fs);
	print_message("slot 0: devargs_override '%s', last error '%s'\n",
		      priv->subs[0].devargs_override, priv->subs[0].last_error);
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_EMPTY);
	assert_string_equal(priv->subs[0].devargs_override, new_addr);
	assert_non_null(strstr(priv->subs[0].last_error, new_addr));
	fs_destroy("net_failsafe31");
}

/* A fake sysfs where one PCI device is present, bound to vfio-pci. */
static void
fake_pci_make(char *root, size_t len, const char *addr)
{
	char path[256];

	snprintf(root, len, "/tmp/fs-ethdev-pci-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "mkdir -p %s/bus/pci/devices/%s %s/bus/pci/drivers/vfio-pci",
		 root, addr, root);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver", root, addr);
	assert_int_equal(symlink("../../drivers/vfio-pci", path), 0);
	assert_int_equal(PLUGIN_FN(hotplug_sysfs_root_set)(root), 0);
}

static void
fake_pci_remove(const char *root)
{
	char cmd[128];

	PLUGIN_FN(hotplug_sysfs_root_set)(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd) != 0)
		print_message("could not remove %s\n", root);
}

/*
 * Issue 19: `echo 0 > sriov_numvfs` has vfio release a VF, then deletes
 * it; in between sysfs still shows it, and hotplug_poll probed it, to
 * fail ("probe of '0000:01:10.0' failed" in the guest's log).  A slot
 * whose device the kernel removed is left to its ADD by the poll.
 */
static void
test_poll_leaves_removed_pci_to_its_add(void **state)
{
	static const char addr[] = "0000:96:00.0";
	struct hotplug_event ev;
	struct fs_priv *priv;
	uint64_t failures;
	char root[64];
	uint16_t port;

	(void)state;
	fake_pci_make(root, sizeof(root), addr);
	port = fs_create("net_failsafe49", "dev(0000:96:00.0),dev(net_null82),hotplug_poll=20");
	priv = priv_of(port);
	if (!priv->uevent_on) {
		fs_destroy("net_failsafe49");
		fake_pci_remove(root);
		skip();
	}
	/* While it is there the poll probes it (no PCI bus here: it fails). */
	failures = sub_xstat(port, 0, "probe_failures");
	assert_true(wait_sub_counter_above(port, 0, "probe_failures", failures));
	/* The kernel removes it; sysfs still shows it: the poll leaves it. */
	pci_event(&ev, HOTPLUG_ACTION_REMOVE, addr, 0x8086, 0x10ca);
	process_all(&ev, 1);
	assert_int_equal(PLUGIN_FN(fs_worker_flush)(WAIT_MS), 0);
	failures = sub_xstat(port, 0, "probe_failures");
	usleep(300 * 1000);	/* fifteen polls */
	assert_int_equal(sub_xstat(port, 0, "probe_failures"), failures);
	/* Its ADD: probed again at once. */
	pci_event(&ev, HOTPLUG_ACTION_ADD, addr, 0x8086, 0x10ca);
	process_all(&ev, 1);
	assert_true(sub_xstat(port, 0, "probe_failures") > failures);
	/* A removal with no ADD behind it: the poll takes it back later. */
	pci_event(&ev, HOTPLUG_ACTION_REMOVE, addr, 0x8086, 0x10ca);
	process_all(&ev, 1);
	failures = sub_xstat(port, 0, "probe_failures");
	usleep(FS_POLL_HOLD_MS * 1000 / 2);
	assert_int_equal(sub_xstat(port, 0, "probe_failures"), failures);
	usleep(FS_POLL_HOLD_MS * 1000 / 2);
	assert_true(wait_sub_counter_above(port, 0, "probe_failures", failures));
	fs_destroy("net_failsafe49");
	fake_pci_remove(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_foreign_uevents_are_cheap),
		cmocka_unit_test(test_registry_follows_sub_device),
		cmocka_unit_test(test_registry_untracked_at_close),
		cmocka_unit_test(test_rename_is_add_and_remove),
		cmocka_unit_test(test_replacement_iface_not_spliced),
		cmocka_unit_test(test_mac_rule_takes_pci_slot),
		cmocka_unit_test(test_poll_leaves_removed_pci_to_its_add),
	};

	return run_cases(tests);
}
