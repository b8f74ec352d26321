/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

#ifndef FAKE_SYSFS_H
#define FAKE_SYSFS_H

/*
 * A fake sysfs tree in a temporary directory, shaped like the parts of
 * /sys we read: class/net/<if>/{ifindex,address,device}, bus/pci/devices/
 * <addr>/{vendor,device,driver,driver_override,net/<if>}, bus/pci/drivers/
 * <drv>/{bind,unbind}, bus/pci/drivers_probe.
 */

/* Create the tree; returns its root (static buffer) or NULL. */
const char *fake_sysfs_create(void);
/* Remove it recursively. */
void fake_sysfs_destroy(void);
/* Create the tree and point the library at it: its root, or NULL. */
const char *fake_sysfs_use(void);
/* A cmocka teardown: the library back on /sys, the tree removed. */
int fake_sysfs_teardown(void **state);
int fake_sysfs_add_driver(const char *driver);
int fake_sysfs_add_pci(const char *addr, const char *vendor,
		const char *device, const char *driver);
int fake_sysfs_add_virtio_netdev(const char *ifname, int ifindex,
		const char *mac, const char *pci_addr);
int fake_sysfs_add_netdev(const char *ifname, int ifindex, const char *mac,
		const char *pci_addr);
int fake_sysfs_del_netdev(const char *ifname);
/* Write a whole file under the root. */
int fake_sysfs_write(const char *rel, const char *content);
/* Read a whole file under the root into buf; length or -1. */
int fake_sysfs_read(const char *rel, char *buf, int size);
/* Point devices/<addr>/driver at drivers/<driver>, or remove it (NULL). */
int fake_sysfs_link_driver(const char *addr, const char *driver);

#endif /* FAKE_SYSFS_H */
