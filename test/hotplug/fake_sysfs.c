/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_sysfs.h"
#include "fs_test_util.h"
#include "hotplug.h"

static char root[PATH_MAX];

static int
mkdir_one(const char *path)
{
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* mkdir -p <root>/<rel> */
static int
mkpath(const char *rel)
{
	char path[PATH_MAX];
	char *p;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir_one(path) < 0)
			return -1;
		*p = '/';
	}
	return mkdir_one(path);
}

int
fake_sysfs_write(const char *rel, const char *content)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fputs(content, f);
	return fclose(f) == 0 ? 0 : -1;
}

int
fake_sysfs_read(const char *rel, char *buf, int size)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

static int
symlink_rel(const char *target, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	unlink(path);
	return symlink(target, path);
}

const char *
fake_sysfs_create(void)
{
	snprintf(root, sizeof(root), "/tmp/fake-sysfs-XXXXXX");
	if (mkdtemp(root) == NULL)
		return NULL;
	if (mkpath("class/net") < 0 || mkpath("bus/pci/devices") < 0 ||
			mkpath("bus/pci/drivers") < 0 ||
			mkpath("devices/pci0000:00") < 0 ||
			mkpath("devices/virtual/net") < 0 ||
			fake_sysfs_write("bus/pci/drivers_probe", "") < 0)
		return NULL;
	return root;
}

void
fake_sysfs_destroy(void)
{
	if (root[0] != '\0' && strncmp(root, "/tmp/fake-sysfs-", 16) == 0)
		remove_tree(root);
	root[0] = '\0';
}

const char *
fake_sysfs_use(void)
{
	if (fake_sysfs_create() == NULL || hotplug_sysfs_root_set(root) < 0)
		return NULL;
	return root;
}

int
fake_sysfs_teardown(void **state)
{
	(void)state;
	hotplug_sysfs_root_set(NULL);
	fake_sysfs_destroy();
	return 0;
}

int
fake_sysfs_add_driver(const char *driver)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "bus/pci/drivers/%s", driver);
	if (mkpath(rel) < 0)
		return -1;
	snprintf(rel, sizeof(rel), "bus/pci/drivers/%s/unbind", driver);
	if (fake_sysfs_write(rel, "") < 0)
		return -1;
	snprintf(rel, sizeof(rel), "bus/pci/drivers/%s/bind", driver);
	return fake_sysfs_write(rel, "");
}

int
fake_sysfs_link_driver(const char *addr, const char *driver)
{
	char rel[PATH_MAX], target[PATH_MAX];

	snprintf(rel, sizeof(rel), "devices/pci0000:00/%s/driver", addr);
	if (driver == NULL) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", root, rel);
		return unlink(path);
	}
	snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
	return symlink_rel(target, rel);
}

int
fake_sysfs_add_pci(const char *addr, const char *vendor, const char *device,
		const char *driver)
{
	char rel[PATH_MAX], target[PATH_MAX];

	snprintf(rel, sizeof(rel), "devices/pci0000:00/%s/net", addr);
	if (mkpath(rel) < 0)
		return -1;
	snprintf(rel, sizeof(rel), "devices/pci0000:00/%s/vendor", addr);
	fake_sysfs_write(rel, vendor);
	snprintf(rel, sizeof(rel), "devices/pci0000:00/%s/device", addr);
	fake_sysfs_write(rel, device);
	snprintf(rel, sizeof(rel), "devices/pci0000:00/%s/driver_override",
		addr);
	fake_sysfs_write(rel, "(null)\n");
	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s",
		addr);
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s", addr);
	if (symlink_rel(target, rel) < 0)
		return -1;
	if (driver != NULL)
		return fake_sysfs_link_driver(addr, driver);
	return 0;
}

/* An interface's directory dir, with its ifindex and address. */
static int
netdev_dir(const char *dir, int ifindex, const char *mac)
{
	char rel[PATH_MAX], val[32];

	if (mkpath(dir) < 0)
		return -1;
	snprintf(rel, sizeof(rel), "%s/ifindex", dir);
	snprintf(val, sizeof(val), "%d\n", ifindex);
	fake_sysfs_write(rel, val);
	snprintf(rel, sizeof(rel), "%s/address", dir);
	snprintf(val, sizeof(val), "%s\n", mac);
	fake_sysfs_write(rel, val);
	return 0;
}

/* class/net/<ifname> -> its directory. */
static int
netdev_class_link(const char *dir, const char *ifname)
{
	char rel[PATH_MAX], target[PATH_MAX];

	snprintf(target, sizeof(target), "../../%s", dir);
	snprintf(rel, sizeof(rel), "class/net/%s", ifname);
	return symlink_rel(target, rel);
}

/* A virtio-net interface: its device is virtio<N>, a child of the function. */
int
fake_sysfs_add_virtio_netdev(const char *ifname, int ifindex, const char *mac,
		const char *pci_addr)
{
	char rel[PATH_MAX], dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "devices/pci0000:00/%s/virtio0/net/%s",
		pci_addr, ifname);
	if (netdev_dir(dir, ifindex, mac) < 0)
		return -1;
	snprintf(rel, sizeof(rel), "%s/device", dir);
	if (symlink_rel("../../../virtio0", rel) < 0)
		return -1;
	return netdev_class_link(dir, ifname);
}

int
fake_sysfs_add_netdev(const char *ifname, int ifindex, const char *mac,
		const char *pci_addr)
{
	char rel[PATH_MAX], target[PATH_MAX];
	char dir[PATH_MAX];

	if (pci_addr != NULL)
		snprintf(dir, sizeof(dir), "devices/pci0000:00/%s/net/%s",
			pci_addr, ifname);
	else
		snprintf(dir, sizeof(dir), "devices/virtual/net/%s", ifname);
	if (netdev_dir(dir, ifindex, mac) < 0)
		return -1;
	if (pci_addr != NULL) {
		snprintf(rel, sizeof(rel), "%s/device", dir);
		snprintf(target, sizeof(target), "../../../%s", pci_addr);
		symlink_rel(target, rel);
	}
	return netdev_class_link(dir, ifname);
}

int
fake_sysfs_del_netdev(const char *ifname)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/class/net/%s", root, ifname);
	return unlink(path);
}
