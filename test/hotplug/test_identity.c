/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/* Identity resolution on a fake sysfs tree. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>

#include "hotplug.h"
#include "fake_sysfs.h"

#define PCI_A "0000:00:03.0"
#define PCI_B "0000:00:04.0"

static int
setup(void **state)
{
	(void)state;
	if (fake_sysfs_use() == NULL)
		return -1;
	fake_sysfs_add_driver("e1000e");
	fake_sysfs_add_pci(PCI_A, "0x8086\n", "0x10d3\n", "e1000e");
	fake_sysfs_add_pci(PCI_B, "0x1af4\n", "0x1041\n", NULL);
	fake_sysfs_add_netdev("eth0", 2, "52:54:00:12:34:56", PCI_A);
	fake_sysfs_add_netdev("veth0", 9, "aa:bb:cc:dd:ee:ff", NULL);
	fake_sysfs_add_virtio_netdev("eth1", 3, "52:54:00:12:34:60", PCI_B);
	return 0;
}

static void
test_presence(void **state)
{
	(void)state;
	assert_true(hotplug_netdev_present("eth0"));
	assert_true(hotplug_netdev_present("veth0"));
	assert_false(hotplug_netdev_present("eth9"));
	assert_false(hotplug_netdev_present("../eth0"));
	assert_true(hotplug_pci_present(PCI_A));
	assert_false(hotplug_pci_present("0000:00:09.0"));
	assert_false(hotplug_pci_present("../../etc"));
	assert_true(hotplug_device_present(PCI_B));
	assert_true(hotplug_device_present("eth0"));
	assert_false(hotplug_device_present("nothing"));
}

static void
test_ifindex(void **state)
{
	char name[16];

	(void)state;
	assert_int_equal(hotplug_ifname_to_ifindex("eth0"), 2);
	assert_int_equal(hotplug_ifname_to_ifindex("veth0"), 9);
	assert_int_equal(hotplug_ifname_to_ifindex("eth9"), -ENODEV);
	assert_int_equal(hotplug_ifindex_to_ifname(9, name, sizeof(name)), 0);
	assert_string_equal(name, "veth0");
	assert_int_equal(hotplug_ifindex_to_ifname(99, name, sizeof(name)),
		-ENODEV);
	assert_int_equal(hotplug_ifindex_to_ifname(9, name, 3), -ENOSPC);
}

static void
test_mac(void **state)
{
	struct rte_ether_addr mac, want = {
		.addr_bytes = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };
	char name[16];

	(void)state;
	assert_int_equal(hotplug_ifname_to_mac("eth0", &mac), 0);
	assert_true(rte_is_same_ether_addr(&mac, &want));
	assert_int_equal(hotplug_ifname_to_mac("eth9", &mac), -ENODEV);
	assert_int_equal(hotplug_mac_to_ifname(&want, name, sizeof(name)), 0);
	assert_string_equal(name, "eth0");
	want.addr_bytes[5] = 0x57;
	assert_int_equal(hotplug_mac_to_ifname(&want, name, sizeof(name)),
		-ENODEV);
}

static void
test_pci(void **state)
{
	char buf[32];
	uint16_t v, d;

	(void)state;
	assert_int_equal(hotplug_ifname_to_pci("eth0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, PCI_A);
	/* virtio-net: the device link names virtio0, under the function. */
	assert_int_equal(hotplug_ifname_to_pci("eth1", buf, sizeof(buf)), 0);
	assert_string_equal(buf, PCI_B);
	assert_int_equal(hotplug_ifname_to_pci("veth0", buf, sizeof(buf)),
		-ENXIO);
	assert_int_equal(hotplug_ifname_to_pci("eth9", buf, sizeof(buf)),
		-ENODEV);
	assert_int_equal(hotplug_pci_to_ifname(PCI_A, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "eth0");
	assert_int_equal(hotplug_pci_to_ifname(PCI_B, buf, sizeof(buf)),
		-ENXIO);
	assert_int_equal(hotplug_pci_to_ifname("0000:00:09.0", buf,
		sizeof(buf)), -ENODEV);
	assert_int_equal(hotplug_pci_to_id(PCI_A, &v, &d), 0);
	assert_int_equal(v, 0x8086);
	assert_int_equal(d, 0x10d3);
	assert_int_equal(hotplug_pci_to_id("0000:00:09.0", &v, &d), -ENODEV);
	assert_int_equal(hotplug_pci_driver(PCI_A, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "e1000e");
	assert_int_equal(hotplug_pci_driver(PCI_B, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(hotplug_pci_driver("0000:00:09.0", buf, sizeof(buf)),
		-ENODEV);
}

static void
test_removal_seen(void **state)
{
	(void)state;
	fake_sysfs_add_netdev("tmp0", 30, "02:00:00:00:00:01", NULL);
	assert_int_equal(hotplug_ifname_to_ifindex("tmp0"), 30);
	fake_sysfs_del_netdev("tmp0");
	assert_int_equal(hotplug_ifname_to_ifindex("tmp0"), -ENODEV);
	assert_false(hotplug_netdev_present("tmp0"));
}

/*
 * One file of car0 written after the other, and the carrier read after
 * each write: first without an operstate file (the carrier file decides),
 * then with one, which wins over the carrier file but for "unknown".
 */
static const struct {
	const char *file;
	const char *value;
	int carrier;
} carrier_steps[] = {
	{ "carrier", "1\n", 1 },
	{ "carrier", "0\n", 0 },
	{ "operstate", "up\n", 1 },
	{ "operstate", "lowerlayerdown\n", 0 },
	{ "carrier", "1\n", 0 },
	{ "operstate", "down\n", 0 },
	{ "operstate", "unknown\n", 1 },
	{ "operstate", "bogus\n", -EIO },
};

static void
test_carrier(void **state)
{
	char rel[64];
	size_t i;
	int got;

	(void)state;
	fake_sysfs_add_netdev("car0", 40, "02:00:00:00:00:40", NULL);
	for (i = 0; i < RTE_DIM(carrier_steps); i++) {
		snprintf(rel, sizeof(rel), "class/net/car0/%s",
			 carrier_steps[i].file);
		assert_int_equal(fake_sysfs_write(rel, carrier_steps[i].value), 0);
		got = hotplug_netdev_carrier("car0");
		if (got != carrier_steps[i].carrier)
			fail_msg("step %zu (%s %s): carrier %d, want %d", i,
				 carrier_steps[i].file, carrier_steps[i].value,
				 got, carrier_steps[i].carrier);
	}
	fake_sysfs_del_netdev("car0");
	assert_int_equal(hotplug_netdev_carrier("car0"), -ENODEV);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_presence),
		cmocka_unit_test(test_ifindex),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_pci),
		cmocka_unit_test(test_removal_seen),
		cmocka_unit_test(test_carrier),
	};

	return cmocka_run_group_tests(tests, setup, fake_sysfs_teardown);
}
