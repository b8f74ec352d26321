/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Resync: when uevents were lost (ENOBUFS, SEQNUM gap) the registry may
 * be wrong about a tracked device.  sysfs is the truth; for each tracked
 * device whose presence (or, for a net device, whose instance) differs
 * from the registry, dispatch the events the kernel sent and we missed,
 * marked resync.  Only tracked devices are rescanned: they are the ones
 * somebody acts on, and the scan stays cheap.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hotplug_private.h"

#define RESYNC_MAX 256

/* ifindex: of the instance added (ADD) or gone (REMOVE); 0 if none. */
static void
resync_event_fill(struct hotplug_event *ev, const char *name,
		enum hotplug_action action, int ifindex)
{
	struct timespec ts;

	memset(ev, 0, sizeof(*ev));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ev->rx_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	ev->action = action;
	ev->resync = true;
	snprintf(ev->name, sizeof(ev->name), "%s", name);
	if (hotplug_pci_addr_valid(name)) {
		ev->subsystem = HOTPLUG_SUBSYS_PCI;
		snprintf(ev->pci_addr, sizeof(ev->pci_addr), "%s", name);
		if (action == HOTPLUG_ACTION_ADD)
			hotplug_pci_to_id(name, &ev->pci_vendor,
				&ev->pci_device);
	} else {
		ev->subsystem = HOTPLUG_SUBSYS_NET;
		snprintf(ev->ifname, sizeof(ev->ifname), "%s", name);
		ev->ifindex = ifindex > 0 ? ifindex : 0;
	}
}

static void
resync_dispatch(const char *name, enum hotplug_action action, int ifindex)
{
	struct hotplug_event ev;

	resync_event_fill(&ev, name, action, ifindex);
	HOTPLUG_LOG(INFO, "resync: %s %s (ifindex %d)",
		hotplug_action_str(action), name, ev.ifindex);
	hotplug_callback_process(&ev);
}

/*
 * Presence alone misses an interface deleted and re-created under the
 * same name: for net devices the ifindex tells the instances apart.  A
 * PCI device re-added at the same address has nothing comparable in
 * sysfs, so for PCI only presence counts.
 */
static unsigned int
resync_one(const char *name)
{
	bool present = hotplug_device_present(name);
	int known = hotplug_registry_present(name);
	int old = hotplug_registry_ifindex(name);
	int cur = 0;

	if (present && !hotplug_pci_addr_valid(name))
		cur = hotplug_ifname_to_ifindex(name);
	if (known < 0)
		return 0;	/* untracked meanwhile */
	if (!known && present) {
		resync_dispatch(name, HOTPLUG_ACTION_ADD, cur);
		return 1;
	}
	if (known && !present) {
		resync_dispatch(name, HOTPLUG_ACTION_REMOVE, old);
		return 1;
	}
	if (!known || old <= 0 || cur <= 0 || cur == old)
		return 0;
	resync_dispatch(name, HOTPLUG_ACTION_REMOVE, old);
	resync_dispatch(name, HOTPLUG_ACTION_ADD, cur);
	return 2;
}

int
hotplug_resync_replaced(const struct hotplug_event *add)
{
	int old;

	if (add->action != HOTPLUG_ACTION_ADD ||
			add->subsystem != HOTPLUG_SUBSYS_NET ||
			add->ifindex <= 0 ||
			hotplug_registry_present(add->name) != 1)
		return 0;
	old = hotplug_registry_ifindex(add->name);
	if (old <= 0 || old == add->ifindex)
		return 0;
	resync_dispatch(add->name, HOTPLUG_ACTION_REMOVE, old);
	return 1;
}

int
hotplug_resync(void)
{
	char (*names)[HOTPLUG_NAME_MAX];
	unsigned int i, n, made = 0;

	/* A snapshot, so callbacks may track and untrack meanwhile. */
	names = calloc(RESYNC_MAX, HOTPLUG_NAME_MAX);
	if (names == NULL) {
		HOTPLUG_LOG(ERR, "resync: out of memory");
		return -ENOMEM;
	}
	n = hotplug_registry_tracked(names, RESYNC_MAX);
	for (i = 0; i < n; i++)
		made += resync_one(names[i]);
	free(names);
	hotplug_monitor_stat_resync(made);
	return (int)made;
}
