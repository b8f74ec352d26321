/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Bad inputs at the boundaries of lib/hotplug, without the EAL: callbacks
 * registered and unregistered wrongly, sysfs surprises for the identity
 * reader (a device vanishing between two reads, files that cannot be
 * read, links that go nowhere), and binding to a driver that is not there.
 * Each gets the error code its header documents; nothing crashes.
 */

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_ether.h>

#include "fake_sysfs.h"
#include "hotplug.h"

#define PCI_A	"0000:00:04.0"
#define PCI_GONE "0000:00:09.0"

static const char *root;

static int
cb_count(const struct hotplug_event *ev, void *arg)
{
	(void)ev;
	(*(int *)arg)++;
	return 0;
}

static int
cb_other(const struct hotplug_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	return -EIO;
}

/* Register/unregister misuse: every case has its documented errno. */
static void
test_callback_misuse(void **state)
{
	char long_name[HOTPLUG_NAME_MAX + 8];
	struct hotplug_event ev;
	int hits = 0, other = 0;

	(void)state;
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(hotplug_callback_register("vA0", NULL, NULL), -EINVAL);
	assert_int_equal(hotplug_callback_register(long_name, cb_count, &hits),
		-EINVAL);
	assert_int_equal(hotplug_callback_register("vA0", cb_count, &hits), 0);
	assert_int_equal(hotplug_callback_register("vA0", cb_count, &hits),
		-EEXIST);
	/* same callback, other argument or other device: distinct entries */
	assert_int_equal(hotplug_callback_register("vA0", cb_count, &other), 0);
	assert_int_equal(hotplug_callback_register(NULL, cb_other, NULL), 0);
	/* unregister with the wrong argument, device or callback */
	assert_int_equal(hotplug_callback_unregister("vA0", cb_count, NULL),
		-ENOENT);
	assert_int_equal(hotplug_callback_unregister("vB0", cb_count, &hits),
		-ENOENT);
	assert_int_equal(hotplug_callback_unregister("vA0", cb_other, &hits),
		-ENOENT);
	assert_int_equal(hotplug_callback_unregister(NULL, cb_count, &hits),
		-ENOENT);
	assert_int_equal(hotplug_callback_unregister(long_name, cb_count, &hits),
		-EINVAL);
	assert_int_equal(hotplug_callback_unregister(NULL, NULL, NULL), -EINVAL);
	/* a failing callback does not stop the others */
	memset(&ev, 0, sizeof(ev));
	ev.action = HOTPLUG_ACTION_CHANGE;
	ev.subsystem = HOTPLUG_SUBSYS_NET;
	snprintf(ev.name, sizeof(ev.name), "vA0");
	snprintf(ev.ifname, sizeof(ev.ifname), "vA0");
	hotplug_callback_process(&ev);
	assert_int_equal(hits, 1);
	assert_int_equal(other, 1);
	/* unregistered twice: the second says -ENOENT, and it is really gone */
	assert_int_equal(hotplug_callback_unregister("vA0", cb_count, &hits), 0);
	assert_int_equal(hotplug_callback_unregister("vA0", cb_count, &hits),
		-ENOENT);
	hotplug_callback_process(&ev);
	assert_int_equal(hits, 1);
	assert_int_equal(other, 2);
	assert_int_equal(hotplug_callback_unregister("vA0", cb_count, &other), 0);
	assert_int_equal(hotplug_callback_unregister("vA0", cb_count, &other),
		-ENOENT);
	assert_int_equal(hotplug_callback_unregister(NULL, cb_other, NULL), 0);
	assert_int_equal(hotplug_callback_unregister(NULL, cb_other, NULL),
		-ENOENT);
	/* process with nothing registered, and with an out-of-range action */
	ev.action = (enum hotplug_action)77;
	hotplug_callback_process(&ev);
	assert_string_equal(hotplug_action_str(ev.action), "unknown");
	assert_string_equal(hotplug_subsystem_str((enum hotplug_subsystem)-1),
		"unknown");
	assert_string_equal(hotplug_device_state_str(
		(enum hotplug_device_state)9), "unknown");
}

/* Registry misuse. */
static void
test_registry_misuse(void **state)
{
	(void)state;
	assert_int_equal(hotplug_device_track(NULL), -EINVAL);
	assert_int_equal(hotplug_device_track(""), -EINVAL);
	assert_int_equal(hotplug_device_untrack("never-tracked"), -ENOENT);
	assert_int_equal(hotplug_device_state("never-tracked"), -ENOENT);
	assert_int_equal(hotplug_device_track("vR0"), 0);
	assert_int_equal(hotplug_device_track("vR0"), 0); /* idempotent */
	/* absent in the fake sysfs: GONE */
	assert_int_equal(hotplug_device_state("vR0"), HOTPLUG_DEV_GONE);
	assert_int_equal(hotplug_device_untrack("vR0"), 0);
	assert_int_equal(hotplug_device_untrack("vR0"), -ENOENT);
}

/* Bad names never reach the file system. */
static void
test_identity_bad_names(void **state)
{
	static const char * const bad[] = {
		"", ".", "..", "../../etc", "a/b", "/abs",
		"name-longer-than-ifnamsiz",
	};
	struct rte_ether_addr mac;
	uint16_t v, d;
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++) {
		assert_false(hotplug_netdev_present(bad[i]));
		assert_false(hotplug_device_present(bad[i]));
		assert_int_equal(hotplug_ifname_to_ifindex(bad[i]), -EINVAL);
		assert_int_equal(hotplug_ifname_to_mac(bad[i], &mac), -EINVAL);
		assert_int_equal(hotplug_ifname_to_pci(bad[i], buf, sizeof(buf)),
			-EINVAL);
		assert_int_equal(hotplug_pci_to_ifname(bad[i], buf, sizeof(buf)),
			-EINVAL);
		assert_int_equal(hotplug_pci_to_id(bad[i], &v, &d), -EINVAL);
		assert_int_equal(hotplug_pci_driver(bad[i], buf, sizeof(buf)),
			-EINVAL);
	}
	assert_false(hotplug_netdev_present(NULL));
	assert_false(hotplug_pci_addr_valid(NULL));
	assert_false(hotplug_pci_addr_valid("0000:00:04.0x"));
	assert_false(hotplug_pci_addr_valid("000g:00:04.0"));
	assert_int_equal(hotplug_ifname_to_ifindex(NULL), -EINVAL);
	assert_int_equal(hotplug_ifindex_to_ifname(-1, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(hotplug_pci_to_id(PCI_A, NULL, &d), -EINVAL);
	assert_int_equal(hotplug_pci_driver(PCI_A, NULL, 4), -EINVAL);
	assert_int_equal(hotplug_pci_driver(PCI_A, buf, 0), -EINVAL);
	/* a root longer than the path room is refused, the old one kept */
	{
		char longroot[PATH_MAX];

		memset(longroot, 'r', sizeof(longroot) - 1);
		longroot[sizeof(longroot) - 1] = '\0';
		assert_int_equal(hotplug_sysfs_root_set(longroot), -ENAMETOOLONG);
		assert_string_equal(hotplug_sysfs_root_get(), root);
	}
}

/* Files that exist but cannot be read as what they should be. */
static void
test_identity_unreadable(void **state)
{
	struct rte_ether_addr mac;
	char path[PATH_MAX];
	uint16_t v, d;
	char buf[32];

	(void)state;
	/* vU0: its attributes are directories (read() fails: EISDIR) */
	assert_int_equal(fake_sysfs_add_netdev("vU0", 40, "02:00:00:00:00:40",
		NULL), 0);
	snprintf(path, sizeof(path), "%s/devices/virtual/net/vU0/ifindex", root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/devices/virtual/net/vU0/address", root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_true(hotplug_netdev_present("vU0"));
	assert_int_equal(hotplug_ifname_to_ifindex("vU0"), -EIO);
	assert_int_equal(hotplug_ifname_to_mac("vU0", &mac), -EIO);
	/* vL0: attributes are symbolic links looping on themselves */
	assert_int_equal(fake_sysfs_add_netdev("vL0", 41, "02:00:00:00:00:41",
		NULL), 0);
	snprintf(path, sizeof(path), "%s/devices/virtual/net/vL0/ifindex", root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("ifindex", path), 0);
	assert_int_equal(hotplug_ifname_to_ifindex("vL0"), -EIO);
	/* vG0: garbage in the files */
	assert_int_equal(fake_sysfs_add_netdev("vG0", 42, "not-a-mac", NULL), 0);
	assert_int_equal(fake_sysfs_write("devices/virtual/net/vG0/ifindex",
		"42abc\n"), 0);
	assert_int_equal(hotplug_ifname_to_ifindex("vG0"), -EIO);
	assert_int_equal(hotplug_ifname_to_mac("vG0", &mac), -EIO);
	assert_int_equal(fake_sysfs_write("devices/virtual/net/vG0/ifindex",
		""), 0);
	assert_int_equal(hotplug_ifname_to_ifindex("vG0"), -EIO);
	/* none of them is PCI-backed */
	assert_int_equal(hotplug_ifname_to_pci("vG0", buf, sizeof(buf)), -ENXIO);
	/* a PCI device whose vendor file is garbage, device file missing */
	assert_int_equal(fake_sysfs_add_pci(PCI_A, "0xzz\n", "0x10d3\n", NULL), 0);
	assert_int_equal(hotplug_pci_to_id(PCI_A, &v, &d), -EIO);
	assert_int_equal(fake_sysfs_write("devices/pci0000:00/" PCI_A "/vendor",
		"0x12345\n"), 0);
	assert_int_equal(hotplug_pci_to_id(PCI_A, &v, &d), -EIO);
	assert_int_equal(fake_sysfs_write("devices/pci0000:00/" PCI_A "/vendor",
		"0x8086\n"), 0);
	snprintf(path, sizeof(path), "%s/devices/pci0000:00/" PCI_A "/device",
		root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(hotplug_pci_to_id(PCI_A, &v, &d), -ENODEV);
	/* no net/ directory: present, but no interface */
	snprintf(path, sizeof(path), "%s/devices/pci0000:00/" PCI_A "/net", root);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(hotplug_pci_to_ifname(PCI_A, buf, sizeof(buf)), -ENXIO);
	/* unbound: driver is "" */
	assert_int_equal(hotplug_pci_driver(PCI_A, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	/* a driver name longer than the caller's buffer */
	assert_int_equal(fake_sysfs_add_driver("a-rather-long-driver-name"), 0);
	assert_int_equal(fake_sysfs_link_driver(PCI_A,
		"a-rather-long-driver-name"), 0);
	assert_int_equal(hotplug_pci_driver(PCI_A, buf, 8), -ENOSPC);
	/* gone device */
	assert_int_equal(hotplug_pci_to_id(PCI_GONE, &v, &d), -ENODEV);
	assert_int_equal(hotplug_pci_driver(PCI_GONE, buf, sizeof(buf)), -ENODEV);
	assert_int_equal(hotplug_pci_to_ifname(PCI_GONE, buf, sizeof(buf)),
		-ENODEV);
}

/* A device that vanishes between the two reads of one lookup: the
 * reader takes the first answer or -ENODEV, never garbage or a crash.
 */
struct flapper {
	volatile int stop;
	unsigned long flaps;
};

static void *
flap(void *arg)
{
	struct flapper *f = arg;
	char path[PATH_MAX];

	while (!f->stop) {
		/* the interface, then its attributes, go away; then return */
		fake_sysfs_del_netdev("vF0");
		snprintf(path, sizeof(path), "%s/devices/virtual/net/vF0/ifindex",
			root);
		unlink(path);
		snprintf(path, sizeof(path), "%s/devices/virtual/net/vF0/address",
			root);
		unlink(path);
		fake_sysfs_add_netdev("vF0", 50, "02:00:00:00:00:50", NULL);
		f->flaps++;
	}
	return NULL;
}

static void
test_identity_vanishing(void **state)
{
	struct flapper f = { 0 };
	struct rte_ether_addr mac, want;
	struct timespec t0, t;
	unsigned long ok = 0, gone = 0, n = 0;
	pthread_t th;
	char buf[HOTPLUG_IFNAME_MAX];
	int ret;

	(void)state;
	rte_ether_unformat_addr("02:00:00:00:00:50", &want);
	assert_int_equal(pthread_create(&th, NULL, flap, &f), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {	/* bounded: 2 s or 200,000 lookups */
		ret = hotplug_ifname_to_ifindex("vF0");
		assert_true(ret == 50 || ret == -ENODEV || ret == -EIO);
		ret = hotplug_ifindex_to_ifname(50, buf, sizeof(buf));
		assert_true(ret == 0 || ret == -ENODEV);
		if (ret == 0)
			assert_string_equal(buf, "vF0");
		ret = hotplug_ifname_to_mac("vF0", &mac);
		assert_true(ret == 0 || ret == -ENODEV || ret == -EIO);
		if (ret == 0) {
			assert_true(rte_is_same_ether_addr(&mac, &want));
			ok++;
		} else {
			gone++;
		}
		ret = hotplug_mac_to_ifname(&want, buf, sizeof(buf));
		assert_true(ret == 0 || ret == -ENODEV);
		ret = hotplug_ifname_to_pci("vF0", buf, sizeof(buf));
		assert_true(ret == -ENXIO || ret == -ENODEV);
		n++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (n < 200000 && (t.tv_sec - t0.tv_sec) * 1000000000L +
			(t.tv_nsec - t0.tv_nsec) < 2000000000L);
	f.stop = 1;
	pthread_join(th, NULL);
	print_message("vanishing: %lu lookups, %lu found, %lu gone, %lu flaps\n",
		n, ok, gone, f.flaps);
	assert_true(f.flaps > 0);
}

/* Binding: a driver that is not loaded, a device that is not there. */
static void
test_bind_missing(void **state)
{
	(void)state;
	assert_int_equal(fake_sysfs_add_pci("0000:00:05.0", "0x1af4\n",
		"0x1000\n", NULL), 0);
	assert_int_equal(hotplug_bind_driver("0000:00:05.0", "nosuchdrv", 100, 0),
		-ENOENT);
	assert_int_equal(hotplug_bind_driver(PCI_GONE, "vfio-pci", 100, 0),
		-ENODEV);
	assert_int_equal(hotplug_bind_driver("0000:00:05.0", "../x", 100, 0),
		-EINVAL);
	assert_int_equal(hotplug_bind_driver("0000:00:05.0", "", 100, 0), -EINVAL);
	assert_int_equal(hotplug_bind_driver("0000:00:05.0", NULL, 100, 0),
		-EINVAL);
	assert_int_equal(hotplug_bind_driver("not-pci", "vfio-pci", 100, 0),
		-EINVAL);
	assert_int_equal(hotplug_bind_driver(NULL, "vfio-pci", 100, 0), -EINVAL);
	/* a driver that is there but never binds: bounded wait */
	assert_int_equal(fake_sysfs_add_driver("lazydrv"), 0);
	assert_int_equal(hotplug_bind_driver("0000:00:05.0", "lazydrv", 50, 0),
		-ETIMEDOUT);
}

static int
setup(void **state)
{
	(void)state;
	root = fake_sysfs_use();
	return root == NULL ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_callback_misuse),
		cmocka_unit_test(test_registry_misuse),
		cmocka_unit_test(test_identity_bad_names),
		cmocka_unit_test(test_identity_unreadable),
		cmocka_unit_test(test_identity_vanishing),
		cmocka_unit_test(test_bind_missing),
	};

	return cmocka_run_group_tests(tests, setup, fake_sysfs_teardown);
}
