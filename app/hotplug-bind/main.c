/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * dpdk-hotplug-bind: bind a PCI device to a kernel driver the way the
 * fail-safe PMD's ADD path does (hotplug_bind_driver), for the first
 * bind before an application starts.  No EAL is needed.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotplug.h"

#define BIND_DEFAULT_TIMEOUT_MS	2000

static void
usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s <pci address DDDD:BB:DD.F> <driver> [timeout ms]\n"
		"  binds the device to the driver (vfio-pci, uio_pci_generic ...)\n"
		"  through driver_override and drivers_probe, and waits until sysfs\n"
		"  shows the bind (default %u ms)\n",
		prog, BIND_DEFAULT_TIMEOUT_MS);
}

static int
parse_timeout(const char *s, unsigned int *ms)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' ||
	    v == 0 || v > 600000)
		return -EINVAL;
	*ms = (unsigned int)v;
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned int timeout_ms = BIND_DEFAULT_TIMEOUT_MS;
	int ret;

	if (argc < 3 || argc > 4) {
		usage(argv[0]);
		return 2;
	}
	if (argc == 4 && parse_timeout(argv[3], &timeout_ms) < 0) {
		fprintf(stderr, "%s: timeout '%s' is not a number of ms in 1..600000\n",
			argv[0], argv[3]);
		return 2;
	}
	/* The operator names the device: take it from its driver, unless
	 * one of its interfaces is up (then the tool says -EBUSY).
	 */
	ret = hotplug_bind_driver(argv[1], argv[2], timeout_ms,
				  HOTPLUG_BIND_TAKE);
	if (ret < 0) {
		fprintf(stderr, "%s: cannot bind %s to %s: %s\n",
			argv[0], argv[1], argv[2], strerror(-ret));
		return 1;
	}
	printf("%s bound to %s\n", argv[1], argv[2]);
	return 0;
}
