/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Who is who, as sysfs says it now: interface name, ifindex, MAC, PCI
 * address, PCI vendor:device, bound driver.  The sysfs root is a variable
 * so that tests run on a fake tree in a temporary directory.  Note that
 * /sys/class/net shows the network namespace of whoever mounted sysfs:
 * a process moved to another netns must remount it (ip netns exec does).
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <rte_common.h>
#include <rte_ether.h>

#include "hotplug_private.h"

#define SYSFS_DEFAULT "/sys"

/* Written by tests before anything runs; read by the monitor thread. */
static char sysfs_root[PATH_MAX] = SYSFS_DEFAULT;

int
hotplug_sysfs_root_set(const char *root)
{
	if (root == NULL)
		root = SYSFS_DEFAULT;
	if (strlen(root) >= sizeof(sysfs_root) - 64)
		return -ENAMETOOLONG;
	snprintf(sysfs_root, sizeof(sysfs_root), "%s", root);
	return 0;
}

const char *
hotplug_sysfs_root_get(void)
{
	return sysfs_root;
}

int
hotplug_sysfs_path(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n, m;

	n = snprintf(buf, size, "%s/", sysfs_root);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	m = vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= size - n)
		return -ENAMETOOLONG;
	return 0;
}

/* A name that is safe as one path component. */
static bool
component_valid(const char *name, size_t max)
{
	size_t len;

	if (name == NULL)
		return false;
	len = strnlen(name, max);
	if (len == 0 || len >= max || strchr(name, '/') != NULL)
		return false;
	return strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

static bool
path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/*
 * First line of a small sysfs attribute, without the newline.
 * -ENOENT when it is not there, -EIO when it cannot be read.
 */
int
hotplug_sysfs_read(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		/* gone (or a parent gone) is absent; anything else unreadable */
		return errno == ENOENT || errno == ENOTDIR ? -ENOENT : -EIO;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Last component of a symlink's target. */
static int
read_link_base(const char *path, char *buf, size_t size)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;

	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base != NULL ? base + 1 : target;
	if (strlen(base) >= size)
		return -ENOSPC;
	snprintf(buf, size, "%s", base);
	return 0;
}

static int
copy_name(char *buf, size_t size, const char *name)
{
	if (buf == NULL || strlen(name) >= size)
		return -ENOSPC;
	snprintf(buf, size, "%s", name);
	return 0;
}

bool
hotplug_netdev_present(const char *ifname)
{
	char path[PATH_MAX];

	if (!component_valid(ifname, HOTPLUG_IFNAME_MAX))
		return false;
	if (hotplug_sysfs_path(path, sizeof(path), "class/net/%s", ifname) < 0)
		return false;
	return path_exists(path);
}

bool
hotplug_pci_present(const char *pci_addr)
{
	char path[PATH_MAX];

	if (!hotplug_pci_addr_valid(pci_addr))
		return false;
	if (hotplug_sysfs_path(path, sizeof(path), "bus/pci/devices/%s",
			pci_addr) < 0)
		return false;
	return path_exists(path);
}

bool
hotplug_device_present(const char *name)
{
	if (hotplug_pci_addr_valid(name))
		return hotplug_pci_present(name);
	return hotplug_netdev_present(name);
}

static int
netdev_attr(const char *ifname, const char *attr, char *buf, size_t size)
{
	char path[PATH_MAX];
	int ret;

	if (!component_valid(ifname, HOTPLUG_IFNAME_MAX))
		return -EINVAL;
	ret = hotplug_sysfs_path(path, sizeof(path), "class/net/%s/%s",
			ifname, attr);
	if (ret < 0)
		return ret;
	ret = hotplug_sysfs_read(path, buf, size);
	if (ret == -ENOENT)
		return -ENODEV;
	return ret;
}

int
hotplug_ifname_to_ifindex(const char *ifname)
{
	char val[32];
	char *end;
	long v;
	int ret;

	ret = netdev_attr(ifname, "ifindex", val, sizeof(val));
	if (ret < 0)
		return ret;
	errno = 0;
	v = strtol(val, &end, 10);
	if (errno != 0 || end == val || *end != '\0' || v <= 0 || v > INT_MAX)
		return -EIO;
	return (int)v;
}

/* The carrier file: the kernel fails its reads (EINVAL) while the link is down. */
static int
netdev_carrier_file(const char *ifname)
{
	char val[8];
	int ret;

	ret = netdev_attr(ifname, "carrier", val, sizeof(val));
	if (ret == -EIO && hotplug_netdev_present(ifname))
		return 0;
	if (ret < 0)
		return ret;
	if (strcmp(val, "1") == 0)
		return 1;
	if (strcmp(val, "0") == 0)
		return 0;
	return -EIO;
}

/*
 * operstate first: reading carrier takes the RTNL lock, which the kernel
 * holds while it unregisters a device (any device of the namespace), so
 * a carrier read during a yank waits for the yank; operstate does not.
 * "unknown" (a driver that does not report its link) asks carrier.
 */
int
hotplug_netdev_carrier(const char *ifname)
{
	static const char *const no_carrier[] = { "down", "lowerlayerdown",
		"notpresent", "dormant", "testing" };
	char val[16];
	unsigned int i;
	int ret;

	ret = netdev_attr(ifname, "operstate", val, sizeof(val));
	if (ret == -ENODEV && hotplug_netdev_present(ifname))
		return netdev_carrier_file(ifname);	/* no operstate file */
	if (ret < 0)
		return ret;
	if (strcmp(val, "up") == 0)
		return 1;
	for (i = 0; i < sizeof(no_carrier) / sizeof(no_carrier[0]); i++)
		if (strcmp(val, no_carrier[i]) == 0)
			return 0;
	if (strcmp(val, "unknown") == 0)
		return netdev_carrier_file(ifname);
	return -EIO;
}

int
hotplug_netdev_ifreq(int fd, unsigned long req, const char *ifname,
		struct ifreq *ifr)
{
	if (ifname == NULL || ifname[0] == '\0' ||
			strlen(ifname) >= sizeof(ifr->ifr_name))
		return -EINVAL;
	memset(ifr, 0, sizeof(*ifr));
	memcpy(ifr->ifr_name, ifname, strlen(ifname));
	return ioctl(fd, req, ifr) < 0 ? -errno : 0;
}

/*
 * One socket for every interface ioctl of the process (the monitor's
 * ifindex lookups and link confirmations, hotplug_netdev_running), opened
 * at first use: a socket per call cost more than the ioctl.  It answers
 * for the network namespace the process was in when it was opened.
 * Never closed: threads may ask while the process exits, and the kernel
 * closes it then.
 */
static int netdev_fd = -1;

int
hotplug_netdev_fd(void)
{
	int fd = __atomic_load_n(&netdev_fd, __ATOMIC_ACQUIRE);
	int none = -1;

	if (fd >= 0)
		return fd;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (!__atomic_compare_exchange_n(&netdev_fd, &none, fd, false,
			__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		close(fd);	/* another thread won */
		fd = none;
	}
	return fd;
}

int
hotplug_netdev_running(const char *ifname)
{
	struct ifreq ifr;
	int fd = hotplug_netdev_fd();
	int ret;

	if (fd < 0)
		return fd;
	ret = hotplug_netdev_ifreq(fd, SIOCGIFFLAGS, ifname, &ifr);
	if (ret == 0)
		ret = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	return ret;
}

/*
 * The first interface in the sysfs folder path that match() accepts
 * (NULL: any), copied to buf; none is returned when there is none.
 */
typedef bool (*netdev_match_fn)(const char *ifname, const void *arg);

static int
netdev_find(const char *path, netdev_match_fn match, const void *arg,
		char *buf, size_t size, int none)
{
	struct dirent *de;
	int ret = none;
	DIR *dir;

	dir = opendir(path);
	if (dir == NULL)
		return none;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (match == NULL || match(de->d_name, arg)) {
			ret = copy_name(buf, size, de->d_name);
			break;
		}
	}
	closedir(dir);
	return ret;
}

static bool
netdev_has_ifindex(const char *ifname, const void *arg)
{
	return hotplug_ifname_to_ifindex(ifname) == *(const int *)arg;
}

int
hotplug_ifindex_to_ifname(int ifindex, char *buf, size_t size)
{
	char path[PATH_MAX];
	int ret;

	if (ifindex <= 0)
		return -EINVAL;
	ret = hotplug_sysfs_path(path, sizeof(path), "class/net");
	if (ret < 0)
		return ret;
	return netdev_find(path, netdev_has_ifindex, &ifindex, buf, size,
			-ENODEV);
}

int
hotplug_ifname_to_mac(const char *ifname, struct rte_ether_addr *mac)
{
	char val[64];
	int ret;

	if (mac == NULL)
		return -EINVAL;
	ret = netdev_attr(ifname, "address", val, sizeof(val));
	if (ret < 0)
		return ret;
	if (rte_ether_unformat_addr(val, mac) < 0)
		return -EIO;
	return 0;
}

static bool
netdev_has_mac(const char *ifname, const void *arg)
{
	struct rte_ether_addr cur;

	return hotplug_ifname_to_mac(ifname, &cur) == 0 &&
		rte_is_same_ether_addr(&cur, arg);
}

int
hotplug_mac_to_ifname(const struct rte_ether_addr *mac, char *buf,
		size_t size)
{
	char path[PATH_MAX];
	int ret;

	if (mac == NULL)
		return -EINVAL;
	ret = hotplug_sysfs_path(path, sizeof(path), "class/net");
	if (ret < 0)
		return ret;
	return netdev_find(path, netdev_has_mac, mac, buf, size, -ENODEV);
}

/*
 * The PCI function behind an interface's device link: the link names it,
 * or names a child of it (virtio-net: virtio<N> under the function).
 */
static int
netdev_pci_base(const char *dev_link, char *base, size_t size)
{
	char real[PATH_MAX];
	char *slash;

	if (read_link_base(dev_link, base, size) < 0)
		return -ENXIO;
	if (hotplug_pci_addr_valid(base))
		return 0;
	if (realpath(dev_link, real) == NULL)
		return -ENXIO;
	slash = strrchr(real, '/');
	if (slash == NULL)
		return -ENXIO;
	*slash = '\0';
	slash = strrchr(real, '/');
	if (slash == NULL || !hotplug_pci_addr_valid(slash + 1))
		return -ENXIO;
	return copy_name(base, size, slash + 1);
}

int
hotplug_ifname_to_pci(const char *ifname, char *buf, size_t size)
{
	char path[PATH_MAX];
	char base[PATH_MAX];
	int ret;

	if (!component_valid(ifname, HOTPLUG_IFNAME_MAX))
		return -EINVAL;
	if (!hotplug_netdev_present(ifname))
		return -ENODEV;
	ret = hotplug_sysfs_path(path, sizeof(path), "class/net/%s/device",
			ifname);
	if (ret < 0)
		return ret;
	/* Virtual interfaces (veth, tap) have no device link. */
	if (netdev_pci_base(path, base, sizeof(base)) < 0)
		return -ENXIO;
	return copy_name(buf, size, base);
}

int
hotplug_pci_to_ifname(const char *pci_addr, char *buf, size_t size)
{
	char path[PATH_MAX];
	int ret;

	if (!hotplug_pci_addr_valid(pci_addr))
		return -EINVAL;
	if (!hotplug_pci_present(pci_addr))
		return -ENODEV;
	ret = hotplug_sysfs_path(path, sizeof(path), "bus/pci/devices/%s/net",
			pci_addr);
	if (ret < 0)
		return ret;
	return netdev_find(path, NULL, NULL, buf, size, -ENXIO);
}

static int
pci_hex_attr(const char *pci_addr, const char *attr, uint16_t *out)
{
	char path[PATH_MAX];
	char val[32];
	char *end;
	unsigned long v;
	int ret;

	ret = hotplug_sysfs_path(path, sizeof(path), "bus/pci/devices/%s/%s",
			pci_addr, attr);
	if (ret < 0)
		return ret;
	ret = hotplug_sysfs_read(path, val, sizeof(val));
	if (ret < 0)
		return ret == -ENOENT ? -ENODEV : ret;
	errno = 0;
	v = strtoul(val, &end, 16);
	if (errno != 0 || end == val || *end != '\0' || v > UINT16_MAX)
		return -EIO;
	*out = (uint16_t)v;
	return 0;
}

int
hotplug_pci_to_id(const char *pci_addr, uint16_t *vendor, uint16_t *device)
{
	int ret;

	if (!hotplug_pci_addr_valid(pci_addr) || vendor == NULL ||
			device == NULL)
		return -EINVAL;
	if (!hotplug_pci_present(pci_addr))
		return -ENODEV;
	ret = pci_hex_attr(pci_addr, "vendor", vendor);
	if (ret == 0)
		ret = pci_hex_attr(pci_addr, "device", device);
	return ret;
}

int
hotplug_pci_driver(const char *pci_addr, char *buf, size_t size)
{
	char path[PATH_MAX];
	int ret;

	if (!hotplug_pci_addr_valid(pci_addr) || buf == NULL || size == 0)
		return -EINVAL;
	if (!hotplug_pci_present(pci_addr))
		return -ENODEV;
	ret = hotplug_sysfs_path(path, sizeof(path), "bus/pci/devices/%s/driver",
			pci_addr);
	if (ret < 0)
		return ret;
	ret = read_link_base(path, buf, size);
	if (ret == -ENOENT) {
		buf[0] = '\0';
		return 0;
	}
	return ret;
}
