/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Resync: when uevents were lost (ENOBUFS, SEQNUM gap) the registry may
 * be wrong about a tracked device.  sysfs is the truth; for each tracked
 * device whose presence differs from the registry, dispatch the event
 * the kernel sent and we missed, marked resync.  Only tracked devices are
 * rescanned: they are the ones somebody acts on, and the scan stays cheap.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hotplug_private.h"

#define RESYNC_MAX 256

static void
resync_event_fill(struct hotplug_event *ev, const char *name, bool present)
{
	struct timespec ts;

	memset(ev, 0, sizeof(*ev));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ev->rx_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	ev->action = present ? HOTPLUG_ACTION_ADD : HOTPLUG_ACTION_REMOVE;
	ev->resync = true;
	snprintf(ev->name, sizeof(ev->name), "%s", name);
	if (hotplug_pci_addr_valid(name)) {
		ev->subsystem = HOTPLUG_SUBSYS_PCI;
		snprintf(ev->pci_addr, sizeof(ev->pci_addr), "%s", name);
		if (present)
			hotplug_pci_to_id(name, &ev->pci_vendor,
				&ev->pci_device);
	} else {
		ev->subsystem = HOTPLUG_SUBSYS_NET;
		snprintf(ev->ifname, sizeof(ev->ifname), "%s", name);
		if (present) {
			int idx = hotplug_ifname_to_ifindex(name);

			ev->ifindex = idx > 0 ? idx : 0;
		}
	}
}

int
hotplug_resync(void)
{
	char (*names)[HOTPLUG_NAME_MAX];
	struct hotplug_event ev;
	unsigned int i, n, made = 0;

	/* A snapshot, so callbacks may track and untrack meanwhile. */
	names = calloc(RESYNC_MAX, HOTPLUG_NAME_MAX);
	if (names == NULL) {
		HOTPLUG_LOG(ERR, "resync: out of memory");
		return -ENOMEM;
	}
	n = hotplug_registry_tracked(names, RESYNC_MAX);
	for (i = 0; i < n; i++) {
		bool present = hotplug_device_present(names[i]);
		int known = hotplug_registry_present(names[i]);

		if (known < 0 || (bool)known == present)
			continue;
		resync_event_fill(&ev, names[i], present);
		HOTPLUG_LOG(INFO, "resync: %s %s", hotplug_action_str(ev.action),
			ev.name);
		hotplug_callback_process(&ev);
		made++;
	}
	free(names);
	hotplug_monitor_stat_resync(made);
	return (int)made;
}
