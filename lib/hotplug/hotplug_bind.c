/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Bind a PCI device to a chosen kernel driver.  driver_override (rather
 * than new_id) binds exactly this device and no sibling with the same
 * vendor:device; drivers_probe asks the kernel to match it now.  The
 * kernel binds asynchronously to our write returning in some cases, so we
 * wait, with a bound, for sysfs to show the result.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hotplug_private.h"

#define BIND_POLL_US 2000

int
hotplug_sysfs_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		HOTPLUG_LOG(ERR, "open %s: %s", path, strerror(errno));
		return -errno;
	}
	n = write(fd, val, len);
	if (n < 0 || (size_t)n != len) {
		int err = n < 0 ? errno : EIO;

		HOTPLUG_LOG(ERR, "write '%s' to %s: %s", val, path,
			strerror(err));
		close(fd);
		return -err;
	}
	close(fd);
	return 0;
}

static bool
driver_name_valid(const char *driver)
{
	size_t len;

	if (driver == NULL)
		return false;
	len = strnlen(driver, HOTPLUG_DRIVER_MAX);
	return len > 0 && len < HOTPLUG_DRIVER_MAX &&
		strchr(driver, '/') == NULL && driver[0] != '.';
}

static bool
driver_loaded(const char *driver)
{
	char path[PATH_MAX];
	struct stat st;

	if (hotplug_sysfs_path(path, sizeof(path), "bus/pci/drivers/%s",
			driver) < 0)
		return false;
	return stat(path, &st) == 0;
}

/*
 * Does an interface of the device look up, by its flags or its
 * operstate?  Either is enough: operstate lags a change, and a device
 * wrongly judged busy is only left to its kernel driver.
 */
static bool
netdev_up(const char *pci_addr, const char *ifname)
{
	char path[PATH_MAX], val[32];

	if (hotplug_sysfs_path(path, sizeof(path),
			"bus/pci/devices/%s/net/%s/flags", pci_addr, ifname) == 0 &&
	    hotplug_sysfs_read(path, val, sizeof(val)) == 0 &&
	    (strtoul(val, NULL, 16) & IFF_UP) != 0)
		return true;
	return hotplug_sysfs_path(path, sizeof(path),
			"bus/pci/devices/%s/net/%s/operstate", pci_addr, ifname) == 0 &&
		hotplug_sysfs_read(path, val, sizeof(val)) == 0 &&
		strcmp(val, "up") == 0;
}

/*
 * A kernel network driver with an interface up: the host uses this
 * device (a devargs typo may name a host NIC).  Its name goes to ifname.
 */
static bool
netdev_in_use(const char *pci_addr, char *ifname, size_t size)
{
	char path[PATH_MAX];
	struct dirent *de;
	bool up = false;
	DIR *d;

	if (hotplug_sysfs_path(path, sizeof(path), "bus/pci/devices/%s/net",
			pci_addr) < 0)
		return false;
	d = opendir(path);
	if (d == NULL)
		return false;
	while (!up && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		up = netdev_up(pci_addr, de->d_name);
		if (up)
			snprintf(ifname, size, "%.*s", IFNAMSIZ, de->d_name);
	}
	closedir(d);
	return up;
}

/* Unbind from current, unless the host uses the device: -EBUSY. */
static int
unbind_current(const char *pci_addr, const char *current)
{
	char path[PATH_MAX], ifname[HOTPLUG_NAME_MAX];
	int ret;

	/* Not logged here: callers retry, and say it once. */
	if (netdev_in_use(pci_addr, ifname, sizeof(ifname))) {
		HOTPLUG_LOG(DEBUG, "%s: %s has %s up, not taken", pci_addr,
			current, ifname);
		return -EBUSY;
	}
	ret = hotplug_sysfs_path(path, sizeof(path),
			"bus/pci/devices/%s/driver/unbind", pci_addr);
	if (ret < 0)
		return ret;
	HOTPLUG_LOG(INFO, "%s: unbinding from %s", pci_addr, current);
	return hotplug_sysfs_write(path, pci_addr);
}

static int
request_probe(const char *pci_addr, const char *driver)
{
	char path[PATH_MAX];
	int ret;

	ret = hotplug_sysfs_path(path, sizeof(path),
			"bus/pci/devices/%s/driver_override", pci_addr);
	if (ret == 0)
		ret = hotplug_sysfs_write(path, driver);
	if (ret == 0)
		ret = hotplug_sysfs_path(path, sizeof(path),
				"bus/pci/drivers_probe");
	if (ret == 0)
		ret = hotplug_sysfs_write(path, pci_addr);
	return ret;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * A device that has just appeared is probed by the kernel itself: its
 * native driver (virtio-pci, e1000e ...) may take it while we look, after
 * we saw it unbound, and our drivers_probe then finds it taken.  Undo
 * that and ask again, a bounded number of times.  (A device we unbound
 * ourselves is not retried: the unbind may still be on its way.)
 */
#define BIND_STEAL_RETRIES	3

static int
wait_bound(const char *pci_addr, const char *driver, unsigned int timeout_ms,
	   bool was_unbound)
{
	uint64_t deadline = now_ms() + timeout_ms;
	char cur[HOTPLUG_DRIVER_MAX], undone[HOTPLUG_DRIVER_MAX] = "";
	unsigned int retries = 0;
	int ret;

	for (;;) {
		ret = hotplug_pci_driver(pci_addr, cur, sizeof(cur));
		if (ret < 0)
			return ret; /* the device went away meanwhile */
		if (strcmp(cur, driver) == 0)
			return 0;
		if (was_unbound && cur[0] != '\0' && strcmp(cur, undone) != 0 &&
		    retries < BIND_STEAL_RETRIES) {
			retries++;
			memcpy(undone, cur, sizeof(undone));
			HOTPLUG_LOG(NOTICE, "%s: taken by %s meanwhile, asking for %s again",
				pci_addr, cur, driver);
			ret = unbind_current(pci_addr, cur);
			if (ret == 0)
				ret = request_probe(pci_addr, driver);
			if (ret < 0)
				return ret;
			continue;
		}
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		usleep(BIND_POLL_US);
	}
}

int
hotplug_bind_driver(const char *pci_addr, const char *driver,
		unsigned int timeout_ms, unsigned int flags)
{
	char cur[HOTPLUG_DRIVER_MAX];
	int ret;

	if (!hotplug_pci_addr_valid(pci_addr) || !driver_name_valid(driver) ||
	    (flags & ~HOTPLUG_BIND_TAKE) != 0)
		return -EINVAL;
	ret = hotplug_pci_driver(pci_addr, cur, sizeof(cur));
	if (ret < 0) {
		HOTPLUG_LOG(ERR, "%s: no such PCI device", pci_addr);
		return ret;
	}
	if (strcmp(cur, driver) == 0)
		return 0;
	if (!driver_loaded(driver)) {
		HOTPLUG_LOG(ERR, "%s: driver %s not loaded (modprobe %s)",
			pci_addr, driver, driver);
		return -ENOENT;
	}
	if (cur[0] != '\0') {
		if (!(flags & HOTPLUG_BIND_TAKE)) {
			HOTPLUG_LOG(DEBUG, "%s: bound to %s, not taken", pci_addr,
				cur);
			return -EBUSY;
		}
		ret = unbind_current(pci_addr, cur);
		if (ret < 0)
			return ret;
	}
	ret = request_probe(pci_addr, driver);
	if (ret == 0)
		ret = wait_bound(pci_addr, driver, timeout_ms, cur[0] == '\0');
	if (ret == -ETIMEDOUT)
		HOTPLUG_LOG(ERR, "%s: not bound to %s after %u ms", pci_addr,
			driver, timeout_ms);
	else if (ret == 0)
		HOTPLUG_LOG(INFO, "%s: bound to %s", pci_addr, driver);
	return ret;
}
