/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Floor 1 (sub-device lifecycle): what lib/hotplug keeps of a probed
 * sub-device, its name in the device registry (resync checks it) and its
 * BARs in the SIGBUS table.
 */

#include <errno.h>
#include <string.h>

#include <bus_pci_driver.h>
#include <rte_bus.h>
#include <rte_dev.h>

#include "hotplug.h"

#include "fs_private.h"

bool
fs_sub_is_pci(const struct fs_sub *sub)
{
	return sub->pci_addr[0] != '\0';
}

/* The name lib/hotplug's registry and SIGBUS table know a slot by, or NULL. */
static const char *
fs_sub_reg_name(const struct fs_sub *sub)
{
	if (fs_sub_is_pci(sub))
		return sub->pci_addr;
	return sub->iface[0] != '\0' ? sub->iface : NULL;
}

struct rte_pci_device *
fs_sub_pci_dev(const struct fs_sub *sub)
{
	struct rte_device *dev;

	if (!fs_sub_is_pci(sub) || sub->port_id >= RTE_MAX_ETHPORTS)
		return NULL;
	dev = rte_eth_devices[sub->port_id].device;
	if (dev == NULL ||
	    strcmp(rte_bus_name(rte_bus_find_by_device(dev)), "pci") != 0)
		return NULL;
	return RTE_DEV_TO_PCI(dev);
}

/*
 * After a successful probe: lib/hotplug tracks the name (resync checks
 * it), and the BARs join the SIGBUS table, armed from now on: uio and
 * sysfs resource mappings are revoked before the kernel says REMOVE.
 */
void
fs_registry_add(struct fs_sub *sub)
{
	const char *name = fs_sub_reg_name(sub);
	struct rte_pci_device *pdev;
	int ret;

	if (name == NULL)
		return;
	ret = hotplug_device_track(name);
	if (ret < 0)
		FS_PORT_LOG(WARNING, sub->priv, "sub-device %u: device registry refused %s: %s",
			    sub->idx, name, strerror(-ret));
	pdev = fs_sub_pci_dev(sub);
	if (pdev == NULL)
		return;
	hotplug_sigbus_region_del(pdev->name);	/* its previous instance's BARs */
	ret = hotplug_sigbus_device_add(pdev);
	if (ret < 0)
		FS_PORT_LOG(WARNING, sub->priv, "sub-device %u: no SIGBUS safety net for its BARs: %s",
			    sub->idx, strerror(-ret));
}

/*
 * The slot no longer stands for its name (port closed, identity
 * rewritten): stop tracking it, or the registry's 256 entries fill up
 * with names nobody waits for.
 */
void
fs_registry_forget(struct fs_sub *sub)
{
	const char *name = fs_sub_reg_name(sub);

	if (name != NULL && name[0] != '\0')
		hotplug_device_untrack(name);
}

/*
 * Before it is closed, while its BARs are still mapped: once unmapped,
 * their addresses may be reused, and the safety net must not remap them.
 */
void
fs_registry_bars_del(struct fs_sub *sub)
{
	struct rte_pci_device *pdev = fs_sub_pci_dev(sub);

	if (pdev != NULL)
		hotplug_sigbus_region_del(pdev->name);
}
