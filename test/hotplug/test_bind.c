/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Driver binding on a fake sysfs tree.  A helper thread plays the kernel:
 * on a write to drivers/<drv>/unbind it removes the device's driver link,
 * on a write to drivers_probe it binds the device to its driver_override.
 * This machine's own /sys is never touched.
 */

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hotplug.h"
#include "fake_sysfs.h"

#define PCI_A "0000:00:03.0"
#define PCI_B "0000:00:04.0"
/* A host NIC in use: e1000e's, with an interface up. */
#define PCI_UP "0000:00:06.0"

static volatile int kernel_stop;
static volatile int kernel_paused;
static volatile int kernel_unbinds;
/* The next drivers_probe binds the native driver, as for a new device. */
static volatile int kernel_native_first;
static pthread_t kernel_thread;

static const char * const drivers[] = { "e1000e", "vfio-pci" };

static void
strip(char *s)
{
	s[strcspn(s, "\n")] = '\0';
}

static void
kernel_step(void)
{
	char addr[64], drv[64], rel[256];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(rel, sizeof(rel), "bus/pci/drivers/%s/unbind",
			drivers[i]);
		if (fake_sysfs_read(rel, addr, sizeof(addr)) > 0) {
			char cur[64];

			strip(addr);
			fake_sysfs_write(rel, "");
			/* As the kernel: only a driver unbinds its own devices. */
			if (hotplug_pci_driver(addr, cur, sizeof(cur)) == 0 &&
			    strcmp(cur, drivers[i]) == 0) {
				fake_sysfs_link_driver(addr, NULL);
				kernel_unbinds++;
			}
		}
	}
	if (fake_sysfs_read("bus/pci/drivers_probe", addr, sizeof(addr)) <= 0)
		return;
	strip(addr);
	snprintf(rel, sizeof(rel), "devices/pci0000:00/%s/driver_override",
		addr);
	if (kernel_native_first) {
		kernel_native_first = 0;
		fake_sysfs_link_driver(addr, "e1000e");
	} else if (fake_sysfs_read(rel, drv, sizeof(drv)) > 0) {
		strip(drv);
		fake_sysfs_link_driver(addr, drv);
	}
	fake_sysfs_write("bus/pci/drivers_probe", "");
}

static void *
kernel_main(void *arg)
{
	int i;

	(void)arg;
	/* bounded: 60 s at most even if the test forgets to stop us */
	for (i = 0; i < 60000 && !kernel_stop; i++) {
		if (!kernel_paused)
			kernel_step();
		usleep(1000);
	}
	return NULL;
}

static int
setup(void **state)
{
	(void)state;
	if (fake_sysfs_use() == NULL)
		return -1;
	fake_sysfs_add_driver("e1000e");
	fake_sysfs_add_driver("vfio-pci");
	fake_sysfs_add_pci(PCI_A, "0x8086\n", "0x10d3\n", "e1000e");
	fake_sysfs_add_pci(PCI_B, "0x8086\n", "0x10d3\n", NULL);
	fake_sysfs_add_pci(PCI_UP, "0x8086\n", "0x10d3\n", "e1000e");
	fake_sysfs_add_netdev("eno9", 9, "52:54:00:00:00:09", PCI_UP);
	fake_sysfs_write("devices/pci0000:00/" PCI_UP "/net/eno9/flags",
		"0x1003\n");
	fake_sysfs_write("devices/pci0000:00/" PCI_UP "/net/eno9/operstate",
		"up\n");
	return pthread_create(&kernel_thread, NULL, kernel_main, NULL);
}

static int
teardown(void **state)
{
	kernel_stop = 1;
	pthread_join(kernel_thread, NULL);
	return fake_sysfs_teardown(state);
}

static void
test_bind_unbound(void **state)
{
	char drv[64];

	(void)state;
	/* Unbound: bound without HOTPLUG_BIND_TAKE. */
	assert_int_equal(hotplug_bind_driver(PCI_B, "vfio-pci", 2000, 0), 0);
	assert_int_equal(hotplug_pci_driver(PCI_B, drv, sizeof(drv)), 0);
	assert_string_equal(drv, "vfio-pci");
	fake_sysfs_read("devices/pci0000:00/" PCI_B "/driver_override", drv,
		sizeof(drv));
	assert_string_equal(drv, "vfio-pci");
}

static void
test_rebind_unbinds_first(void **state)
{
	int before = kernel_unbinds;
	char drv[64];

	(void)state;
	assert_int_equal(hotplug_bind_driver(PCI_A, "vfio-pci", 2000,
		HOTPLUG_BIND_TAKE), 0);
	assert_int_equal(kernel_unbinds, before + 1);
	assert_int_equal(hotplug_pci_driver(PCI_A, drv, sizeof(drv)), 0);
	assert_string_equal(drv, "vfio-pci");
	/* already bound: nothing written, immediate success */
	assert_int_equal(hotplug_bind_driver(PCI_A, "vfio-pci", 0,
		HOTPLUG_BIND_TAKE), 0);
	assert_int_equal(kernel_unbinds, before + 1);
}

static void
test_errors(void **state)
{
	(void)state;
	assert_int_equal(hotplug_bind_driver("0000:00:09.0", "vfio-pci", 100,
		HOTPLUG_BIND_TAKE), -ENODEV);
	assert_int_equal(hotplug_bind_driver(PCI_B, "igb_uio", 100,
		HOTPLUG_BIND_TAKE), -ENOENT);
	assert_int_equal(hotplug_bind_driver("../../x", "vfio-pci", 100,
		HOTPLUG_BIND_TAKE), -EINVAL);
	assert_int_equal(hotplug_bind_driver(PCI_B, "../vfio", 100,
		HOTPLUG_BIND_TAKE), -EINVAL);
	assert_int_equal(hotplug_bind_driver(PCI_B, NULL, 100,
		HOTPLUG_BIND_TAKE), -EINVAL);
	assert_int_equal(hotplug_bind_driver(PCI_B, "vfio-pci", 100, 0x80),
		-EINVAL);
}

static void
test_timeout(void **state)
{
	(void)state;
	kernel_paused = 1;
	assert_int_equal(hotplug_bind_driver(PCI_B, "e1000e", 50,
		HOTPLUG_BIND_TAKE), -ETIMEDOUT);
	kernel_paused = 0;
	/* the kernel catches up; a retry succeeds */
	assert_int_equal(hotplug_bind_driver(PCI_B, "e1000e", 2000,
		HOTPLUG_BIND_TAKE), 0);
}

/*
 * A device just hot-added: the kernel's own probe gives it its native
 * driver after we found it unbound; the bind must take it back.
 */
static void
test_native_driver_wins_race(void **state)
{
	int before;
	char drv[64];

	(void)state;
	fake_sysfs_add_pci("0000:00:05.0", "0x1af4\n", "0x1041\n", NULL);
	/* Let the fake kernel finish what earlier tests asked of it. */
	usleep(20 * 1000);
	before = kernel_unbinds;
	kernel_native_first = 1;
	assert_int_equal(hotplug_bind_driver("0000:00:05.0", "vfio-pci", 2000, 0),
		0);
	assert_int_equal(hotplug_pci_driver("0000:00:05.0", drv, sizeof(drv)), 0);
	assert_string_equal(drv, "vfio-pci");
	assert_int_equal(kernel_unbinds, before + 1);
}

/*
 * A device whose kernel network driver has an interface up is in use by
 * the host: never taken, whatever devargs say.
 */
static void
test_refuses_interface_up(void **state)
{
	int before = kernel_unbinds;
	char drv[64];

	(void)state;
	assert_int_equal(hotplug_bind_driver(PCI_UP, "vfio-pci", 200,
		HOTPLUG_BIND_TAKE), -EBUSY);
	usleep(20 * 1000);
	assert_int_equal(kernel_unbinds, before);
	assert_int_equal(hotplug_pci_driver(PCI_UP, drv, sizeof(drv)), 0);
	assert_string_equal(drv, "e1000e");
	/* Down (flags and operstate): it may be taken, if asked to. */
	fake_sysfs_write("devices/pci0000:00/" PCI_UP "/net/eno9/flags",
		"0x1002\n");
	assert_int_equal(hotplug_bind_driver(PCI_UP, "vfio-pci", 200,
		HOTPLUG_BIND_TAKE), -EBUSY);
	fake_sysfs_write("devices/pci0000:00/" PCI_UP "/net/eno9/operstate",
		"down\n");
	assert_int_equal(hotplug_bind_driver(PCI_UP, "vfio-pci", 200, 0),
		-EBUSY);
	usleep(20 * 1000);
	assert_int_equal(kernel_unbinds, before);
	assert_int_equal(hotplug_bind_driver(PCI_UP, "vfio-pci", 2000,
		HOTPLUG_BIND_TAKE), 0);
	assert_int_equal(hotplug_pci_driver(PCI_UP, drv, sizeof(drv)), 0);
	assert_string_equal(drv, "vfio-pci");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_unbound),
		cmocka_unit_test(test_rebind_unbinds_first),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_native_driver_wins_race),
		cmocka_unit_test(test_refuses_interface_up),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
