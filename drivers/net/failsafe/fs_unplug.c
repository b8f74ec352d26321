/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * A sub-device removed by someone else: the application's rte_dev_remove
 * (testpmd's "device detach"), under traffic.
 *
 * Its PMD's remove closes the port and frees its queues at once (net_af_packet
 * unmaps its rings), and nothing tells us before: RTE_ETH_EVENT_DESTROY comes
 * after the close, owning the port does not stop rte_dev_remove, and a PMD's
 * remove calls its own close function, not dev_ops->dev_close, so wrapping
 * the ethdev ops would not see it either.  The one step every bus takes
 * first is to call the remove of the driver the device points at (vdev:
 * dev->device.driver; PCI: dev->driver).  So while we hold a sub-device, its
 * device points at a copy of its bus driver whose remove first takes the
 * sub-device out of the datapath and waits for the grace period, and only
 * then calls the PMD's remove.
 *
 * A removal that cannot be made safe in bounded time (the port lock busy,
 * a queue still inside a burst after FS_UNPLUG_GRACE_MS, our own close of it
 * under way) is refused with -EBUSY, never let through: the sub-device is
 * out of the datapath by then and we close it ourselves once no burst can
 * reach it.  The copy is swapped back before the PMD's remove runs, so the
 * PMD never sees it there; between probe and removal, code that compares
 * a device's driver pointer with its own (net/enic's dev_is_enic) would
 * not recognise it.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bus_pci_driver.h>
#include <bus_vdev_driver.h>
#include <rte_bus.h>
#include <rte_cycles.h>

#include "fs_private.h"
#include "fs_alarm.h"

/* How long a remover may wait for the port lock (it holds EAL locks). */
#define FS_UNPLUG_LOCK_MS	500
/*
 * And for the bursts in flight: microseconds, unless the lcore inside one
 * was preempted, which on a loaded machine lasts well over 100 ms.
 */
#define FS_UNPLUG_GRACE_MS	1000

enum fs_unplug_bus {
	FS_UNPLUG_NONE = 0,
	FS_UNPLUG_VDEV,
	FS_UNPLUG_PCI,
};

struct fs_unplug {
	union {
		struct rte_vdev_driver vdev;
		struct rte_pci_driver pci;
	} copy;			/* what the device points at while hooked */
	enum fs_unplug_bus bus;
	struct rte_device *dev;	/* hooked device, or NULL */
	union {
		const struct rte_vdev_driver *vdev;
		struct rte_pci_driver *pci;
	} orig;			/* its PMD's driver */
	struct fs_sub *sub;
};

/* The device points at its PMD's driver again. */
static void
fs_unplug_restore(struct fs_unplug *u)
{
	struct rte_device *dev = u->dev;

	if (dev == NULL)
		return;
	if (u->bus == FS_UNPLUG_VDEV) {
		dev->driver = &u->orig.vdev->driver;
	} else {
		struct rte_pci_device *pdev = RTE_DEV_TO_PCI(dev);

		pdev->driver = u->orig.pci;
		dev->driver = &u->orig.pci->driver;
	}
	u->dev = NULL;
}

/*
 * Bounded: the remover may hold the vdev bus lock, which a thread holding
 * the port lock may be waiting for (a probe by the alarm).
 */
static int
fs_unplug_lock(struct fs_priv *priv)
{
	uint64_t deadline = fs_time_ns() + FS_UNPLUG_LOCK_MS * 1000000ULL;

	while (pthread_mutex_trylock(&priv->lock) != 0) {
		if (fs_time_ns() >= deadline)
			return -EBUSY;
		rte_delay_us_sleep(100);
	}
	return 0;
}

/*
 * Under lock: out of the datapath, and no burst inside it any more.
 * On failure the sub-device stays out of the active set; the alarm
 * closes it after the grace period, as after a REMOVE uevent.
 */
static int
fs_unplug_yield(struct fs_sub *sub)
{
	struct fs_priv *priv = sub->priv;
	struct fs_retired *r;
	int ret;

	if (priv->closing || sub->state == FS_SUB_CLOSING)
		return fs_sub_fail(sub, -EBUSY, "removal of %s refused: its fail-safe port is closing it",
				   sub->dev_name);
	/*
	 * Another thread is inside its probe, replay or start, without the
	 * lock, and owns its last_error meanwhile: logged only.
	 */
	if (fs_sub_unlocked_step(sub)) {
		sub->removed_unlocked = true;
		FS_PORT_LOG(ERR, priv, "sub-device %u: removal of %s refused: it is %s; it is closed once that ends",
			    sub->idx, sub->dev_name, fs_sub_state_name(sub->state));
		return -EBUSY;
	}
	ret = fs_sub_remove(sub, FS_RM_UNPLUG, fs_time_ns());
	if (ret < 0)
		return ret;
	ret = fs_switch_sync(priv, FS_UNPLUG_GRACE_MS);
	if (ret < 0)
		return fs_sub_fail(sub, -EBUSY, "removal of %s refused: a queue stayed inside a burst for %d ms; closed once it leaves",
				   sub->dev_name, FS_UNPLUG_GRACE_MS);
	/* Its remover closes it: the grace periods must not. */
	for (r = priv->retired; r != NULL; r = r->next)
		r->sub_mask &= ~RTE_BIT32(sub->idx);
	fs_sub_detach_begin(sub);	/* restores the device's driver */
	fs_registry_bars_del(sub);
	return 0;
}

static int
fs_unplug_prepare(struct fs_unplug *u)
{
	struct fs_sub *sub = u->sub;
	struct fs_priv *priv = sub->priv;
	int ret;

	if (fs_unplug_lock(priv) < 0) {
		FS_PORT_LOG(ERR, priv, "sub-device %u: removal of %s refused: port lock busy for %d ms",
			    sub->idx, sub->dev_name, FS_UNPLUG_LOCK_MS);
		return -EBUSY;
	}
	/* Unhooked while we waited: our own close has it. */
	if (u->dev == NULL)
		ret = fs_sub_fail(sub, -EBUSY, "removal of %s refused: its fail-safe port is closing it",
				  sub->dev_name);
	else
		ret = fs_unplug_yield(sub);
	pthread_mutex_unlock(&priv->lock);
	fs_lsc_emit_pending(priv);
	return ret;
}

/*
 * The PMD's remove has run.  The slot is finished by the alarm: the
 * port lock is not to be waited for here, still inside the EAL's hotplug.
 */
static void
fs_unplug_finish(struct fs_unplug *u, int ret)
{
	struct fs_sub *sub = u->sub;

	if (ret != 0)
		FS_PORT_LOG(WARNING, sub->priv, "sub-device %u: its PMD did not remove %s (%d); closing it",
			    sub->idx, sub->dev_name, ret);
	__atomic_store_n(&sub->unplugged, ret == 0 ? FS_UNPLUG_GONE :
			 FS_UNPLUG_FAILED, __ATOMIC_RELEASE);
	fs_alarm_kick(sub->priv);
}

static int
fs_unplug_vdev_remove(struct rte_vdev_device *vdev)
{
	struct fs_unplug *u = container_of(vdev->device.driver,
					   struct fs_unplug, copy.vdev.driver);
	const struct rte_vdev_driver *orig = u->orig.vdev;
	int ret = fs_unplug_prepare(u);

	if (ret < 0)
		return ret;
	ret = orig->remove(vdev);
	fs_unplug_finish(u, ret);
	return ret;
}

static int
fs_unplug_pci_remove(struct rte_pci_device *pdev)
{
	struct fs_unplug *u = container_of(pdev->driver, struct fs_unplug,
					   copy.pci);
	struct rte_pci_driver *orig = u->orig.pci;
	int ret = fs_unplug_prepare(u);

	if (ret < 0)
		return ret;
	ret = orig->remove != NULL ? orig->remove(pdev) : 0;
	fs_unplug_finish(u, ret);
	return ret;
}

static void
fs_unplug_hook_vdev(struct fs_unplug *u, struct rte_device *dev)
{
	u->orig.vdev = container_of(dev->driver, const struct rte_vdev_driver,
				    driver);
	u->copy.vdev = *u->orig.vdev;
	u->copy.vdev.remove = fs_unplug_vdev_remove;
	u->bus = FS_UNPLUG_VDEV;
	u->dev = dev;
	dev->driver = &u->copy.vdev.driver;
}

static void
fs_unplug_hook_pci(struct fs_unplug *u, struct rte_device *dev)
{
	struct rte_pci_device *pdev = RTE_DEV_TO_PCI(dev);

	u->orig.pci = pdev->driver;
	u->copy.pci = *pdev->driver;
	u->copy.pci.remove = fs_unplug_pci_remove;
	u->bus = FS_UNPLUG_PCI;
	u->dev = dev;
	pdev->driver = &u->copy.pci;
	dev->driver = &u->copy.pci.driver;
}

/* Under lock, once the sub-device's port is ours. */
int
fs_unplug_hook(struct fs_sub *sub)
{
	struct rte_device *dev = rte_eth_devices[sub->port_id].device;
	const char *bus;

	if (dev == NULL || dev->driver == NULL)
		return -ENODEV;
	if (sub->unplug == NULL) {
		sub->unplug = calloc(1, sizeof(*sub->unplug));
		if (sub->unplug == NULL)
			return -ENOMEM;
		sub->unplug->sub = sub;
	}
	fs_unplug_restore(sub->unplug);
	bus = rte_bus_name(rte_bus_find_by_device(dev));
	if (strcmp(bus, "vdev") == 0)
		fs_unplug_hook_vdev(sub->unplug, dev);
	else if (strcmp(bus, "pci") == 0 && RTE_DEV_TO_PCI(dev)->driver != NULL)
		fs_unplug_hook_pci(sub->unplug, dev);
	else
		return -ENOTSUP;
	return 0;
}

/* Under lock: the slot lets go of its device (closed by us, or released). */
void
fs_unplug_unhook(struct fs_sub *sub)
{
	if (sub->unplug != NULL)
		fs_unplug_restore(sub->unplug);
}

/* At port close, once no device can point at the copy. */
void
fs_unplug_free(struct fs_sub *sub)
{
	fs_unplug_unhook(sub);
	free(sub->unplug);
	sub->unplug = NULL;
}

/*
 * Under lock: finish a slot whose device someone else removed, or close
 * it ourselves if its PMD refused; closing as in fs_switch_reclaim().
 */
void
fs_unplug_settle(struct fs_sub *sub, uint32_t *closing)
{
	struct fs_priv *priv = sub->priv;
	uint8_t st = __atomic_exchange_n(&sub->unplugged, FS_UNPLUG_NO,
					 __ATOMIC_ACQ_REL);

	if (st == FS_UNPLUG_NO)
		return;
	if (st == FS_UNPLUG_FAILED) {
		if (closing != NULL) {
			*closing |= RTE_BIT32(sub->idx);
		} else {
			fs_sub_detach_close(sub);
			fs_sub_detach_end(sub);
		}
		return;
	}
	FS_PORT_LOG(INFO, priv, "sub-device %u (%s) removed by the application",
		    sub->idx, sub->dev_name);
	fs_sub_released(sub, "removed by the application");
	/* Its remover may still be inside the EAL's hotplug code. */
	priv->probe_after_ns = fs_time_ns() + FS_RELEASE_SETTLE_US * 1000ULL;
}
