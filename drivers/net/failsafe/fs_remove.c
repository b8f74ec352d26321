/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The one removal path.  Every trigger that takes a sub-device's traffic
 * away ends in fs_sub_remove(slot, cause, receipt time):
 *
 * - lib/hotplug's monitor (fs_hotplug.c): a REMOVE uevent, the old name of
 *   a MOVE, a removal found by resync, a BAR that faulted, an rtnetlink
 *   link-down;
 * - EAL's RTE_DEV_EVENT_REMOVE (here): vfio's release request, or EAL's
 *   own uevent monitor, checked with sysfs;
 * - the sub-PMD's own events (here): RTE_ETH_EVENT_INTR_RMV, and
 *   RTE_ETH_EVENT_DESTROY when someone else releases its port;
 * - the application's rte_dev_remove of the sub-device (fs_unplug.c).
 *
 * It switches at once (one publish), remaps a PCI device's BARs when the
 * cause says the device is gone, records the timings of priv->hp and logs
 * one line.  The slot is then RETIRING and closed after the grace period,
 * or, for a port someone else released, emptied by its caller.  Callbacks
 * that run in the interrupt thread never wait for the port lock: they
 * leave the receipt time for the alarm, which calls the same function.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bus_pci_driver.h>
#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_string_fns.h>

#include "hotplug.h"

#include "fs_private.h"
#include "fs_alarm.h"

struct fs_cause {
	const char *what;	/* for the log line */
	bool gone;		/* the device is gone: remap its BARs now */
	bool link;		/* only its link: TX moves, the slot stays */
};

static const struct fs_cause fs_causes[FS_RM_MAX] = {
	[FS_RM_UEVENT] = { "REMOVE uevent", true, false },
	[FS_RM_RENAME] = { "renamed (MOVE uevent)", true, false },
	[FS_RM_RESYNC] = { "gone (found by resync)", true, false },
	[FS_RM_SIGBUS] = { "a BAR faulted (SIGBUS)", true, false },
	/* checked with sysfs first (fs_dev_event_remove) */
	[FS_RM_DEV_EVENT] = { "REMOVE device event", true, false },
	/* still there, still doing DMA until stopped: no remap */
	[FS_RM_VFIO] = { "release requested by the kernel (vfio)", false, false },
	[FS_RM_PMD_RMV] = { "RMV event from its PMD", false, false },
	/* closed by whoever released it, which unmaps its BARs */
	[FS_RM_RELEASED] = { "its port was released", false, false },
	[FS_RM_UNPLUG] = { "its device is being removed by the application", false, false },
	[FS_RM_LINK_DOWN] = { "link down (rtnetlink); TX moved off it", false, true },
	[FS_RM_LINK_WATCH] = { "link down (seen by the link watch); TX moved off it", false, true },
};

/* Under lock: the kernel says its link is down; it stays in the set. */
static int
fs_remove_link(struct fs_sub *sub, const struct fs_cause *c, uint64_t rx_ns)
{
	struct fs_hotplug_times *t = &sub->priv->hp;
	int ret = fs_switch_link_down(sub);

	if (ret < 0)
		return ret;
	t->link_down_events++;
	t->last_link_down_switch_ns = sub->priv->last_publish_ns - rx_ns;
	t->last_link_down_rx_ns = rx_ns;
	fs_link_refresh(sub->priv);
	FS_PORT_LOG(INFO, sub->priv, "sub-device %u (%s): %s; datapath switched in %.1f us",
		    sub->idx, sub->iface, c->what,
		    t->last_link_down_switch_ns / 1000.0);
	return 0;
}

/*
 * Under lock.  Out of the active set at once; then, for a device gone
 * from sysfs, its BARs are remapped to dummy pages before anything else
 * can fault on them (uio and sysfs resource mappings are dead already).
 * A repeated removal, or one of a slot with no port, does nothing.
 * Returns 0, or -ENOMEM when the set could not be published (the alarm
 * retries it).
 */
int
fs_sub_remove(struct fs_sub *sub, enum fs_remove_cause cause, uint64_t rx_ns)
{
	const struct fs_cause *c = &fs_causes[cause];
	struct fs_priv *priv = sub->priv;
	struct fs_hotplug_times *t = &priv->hp;
	struct rte_pci_device *pdev;
	char remap[48] = "";
	int ret;

	if (c->link)
		return fs_sub_usable(sub) ? fs_remove_link(sub, c, rx_ns) : 0;
	if (fs_sub_unlocked_step(sub)) {
		/* Not in the set yet: closed once that step ends. */
		sub->removed_unlocked = true;
		if (c->gone && fs_sub_is_pci(sub))
			sub->pci_gone = true;	/* released in its own thread */
		FS_PORT_LOG(NOTICE, priv, "sub-device %u (%s) leaves while %s: %s",
			    sub->idx, sub->dev_name, fs_sub_state_name(sub->state),
			    c->what);
		return 0;
	}
	if (!fs_sub_usable(sub))
		return 0;
	ret = fs_switch_remove_sub(sub, c->what);
	if (ret < 0)
		return ret;
	t->remove_events++;
	t->last_remove_switch_ns = priv->last_publish_ns - rx_ns;
	t->last_remove_rx_ns = rx_ns;
	t->last_remove_remap_ns = 0;
	t->last_remove_stop_ns = 0;
	t->last_remove_close_ns = 0;
	sub->remove_rx_ns = rx_ns;
	if (c->gone && fs_sub_is_pci(sub))
		sub->pci_gone = true;
	pdev = c->gone ? fs_sub_pci_dev(sub) : NULL;
	if (pdev != NULL) {
		ret = hotplug_remap_device(pdev);
		t->last_remove_remap_ns = fs_time_ns() - rx_ns;
		snprintf(remap, sizeof(remap), ret < 0 ?
			 "; BAR remap FAILED" : "; BARs remapped in %.1f us",
			 t->last_remove_remap_ns / 1000.0);
	}
	FS_PORT_LOG(NOTICE, priv, "sub-device %u (%s) leaves: %s; datapath switched in %.1f us%s",
		    sub->idx, sub->dev_name, c->what,
		    t->last_remove_switch_ns / 1000.0, remap);
	return 0;
}

/* The argument of the fs callback this thread is inside, if any. */
__thread const void *fs_cb_self;

/*
 * DPDK's callback unregisters return -EAGAIN, leaving the callback in,
 * while it runs (usually in the interrupt thread).  Ours never wait for
 * the port lock, so a retry ends soon; the bound turns a stuck callback
 * into a log line instead of a hang, and a callback never waits for
 * itself (self: its argument).  Returns -1 once unregistered, else the
 * milliseconds waited.
 */
int
fs_cb_unregister(int (*unregister)(const void *ctx), const void *ctx,
		 const void *self)
{
	int i;

	for (i = 0; ; i++) {
		if (unregister(ctx) != -EAGAIN)
			return -1;
		if (fs_cb_self == self || i == FS_CB_UNREG_TRIES)
			return i;
		usleep(1000);
	}
}

/*
 * The sub-device's port is being released by someone else (rte_dev_remove,
 * rte_eth_dev_close by the application): this runs in the releasing
 * thread before the port's memory goes, so the sub-device leaves the
 * datapath and its counters are kept here, synchronously.
 */
static void
fs_sub_destroyed(struct fs_sub *sub)
{
	struct fs_priv *priv = sub->priv;

	pthread_mutex_lock(&priv->lock);
	if (fs_sub_port_open(sub) && !priv->closing) {
		struct fs_retired *r;

		fs_sub_remove(sub, FS_RM_RELEASED, fs_time_ns());
		fs_registry_bars_del(sub);
		fs_unplug_unhook(sub);
		/* Released by its remover: the grace period must not close it. */
		for (r = priv->retired; r != NULL; r = r->next)
			r->sub_mask &= ~RTE_BIT32(sub->idx);
		if (fs_switch_wait(priv, FS_SYNC_GRACE_MS) < 0)
			FS_PORT_LOG(WARNING, priv, "sub-device %u: a queue stayed inside a burst for %d ms",
				    sub->idx, FS_SYNC_GRACE_MS);
		fs_stats_fold(sub);
		fs_flow_forget_sub(sub);
		/*
		 * ethdev keeps a released port's callbacks: off now, while the
		 * port id is valid (DESTROY, running, is left for the reap).
		 */
		fs_sub_callbacks(sub, false);
		/* Its port and device are gone: nothing to stop or close. */
		fs_sub_released(sub, "its port was released");
		/*
		 * Its remover is still inside the EAL's hotplug code, which is
		 * not safe against a probe from another thread (the devargs
		 * list): no probe by the alarm until it is surely out.
		 */
		priv->probe_after_ns = fs_time_ns() + FS_RELEASE_SETTLE_US * 1000ULL;
		fs_alarm_arm(priv, FS_RELEASE_SETTLE_US);
	}
	pthread_mutex_unlock(&priv->lock);
	fs_lsc_emit_pending(priv);
}

static int
fs_sub_event_handle(uint16_t port_id, enum rte_eth_event_type type,
		    struct fs_sub *sub)
{
	struct fs_priv *priv = sub->priv;

	if (priv->cb_test_hook != NULL)
		priv->cb_test_hook(sub);
	/* A stale entry left on a released port whose id was reused. */
	if (port_id != sub->port_id)
		return 0;
	if (type == RTE_ETH_EVENT_DESTROY) {
		fs_sub_destroyed(sub);
		return 0;
	}
	if (type == RTE_ETH_EVENT_INTR_RMV) {
		/* Usually the interrupt thread: switch now if the lock is free,
		 * never wait for it.
		 */
		uint64_t now = fs_time_ns();

		if (pthread_mutex_trylock(&priv->lock) == 0) {
			if (!priv->closing)
				fs_sub_remove(sub, FS_RM_PMD_RMV, now);
			pthread_mutex_unlock(&priv->lock);
			fs_lsc_emit_pending(priv);
			return 0;
		}
		__atomic_store_n(&sub->rmv_rx_ns, now, __ATOMIC_RELEASE);
	}
	fs_alarm_kick(priv);
	return 0;
}

static int
fs_sub_event_cb(uint16_t port_id, enum rte_eth_event_type type, void *arg,
		void *ret_param)
{
	const void *outer = fs_cb_self;
	int ret;

	RTE_SET_USED(ret_param);
	fs_cb_self = arg;
	ret = fs_sub_event_handle(port_id, type, arg);
	fs_cb_self = outer;
	return ret;
}

static const enum rte_eth_event_type fs_sub_events[] = {
	RTE_ETH_EVENT_INTR_RMV, RTE_ETH_EVENT_INTR_LSC, RTE_ETH_EVENT_DESTROY,
};

/*
 * Unregister, waiting for a running call to end.  When it cannot end (we
 * are inside it) or does not, the entry stays and is marked for
 * fs_sub_callbacks_reap().
 */
struct fs_sub_cb {
	struct fs_sub *sub;
	uint16_t port_id;
	enum rte_eth_event_type ev;
};

static int
fs_sub_cb_unregister(const void *ctx)
{
	const struct fs_sub_cb *c = ctx;

	return rte_eth_dev_callback_unregister(c->port_id, c->ev,
					       fs_sub_event_cb, c->sub);
}

static void
fs_sub_callback_off(struct fs_sub *sub, uint16_t port_id,
		    enum rte_eth_event_type ev)
{
	const struct fs_sub_cb c = { sub, port_id, ev };
	int waited = fs_cb_unregister(fs_sub_cb_unregister, &c, sub);

	if (waited < 0)
		return;
	sub->cb_stale = true;
	if (fs_cb_self != sub)
		FS_PORT_LOG(ERR, sub->priv, "sub-device %u: event %d callback still running after %d ms",
			    sub->idx, ev, waited);
}

/*
 * Remove entries an earlier unregister had to leave.  By port RTE_ETH_ALL
 * first: their port may be released by now, and ethdev refuses a released
 * port id but keeps its callback list; no callback runs on a released
 * port.  That call's result, though, speaks only of the last port id, so
 * an entry still running elsewhere is found by asking each live port.
 * Only while the slot has no registered port (before registering, at
 * close), or the live entries would go too.
 */
void
fs_sub_callbacks_reap(struct fs_sub *sub)
{
	unsigned int i;
	uint16_t p;

	if (!sub->cb_stale)
		return;
	sub->cb_stale = false;
	for (i = 0; i < RTE_DIM(fs_sub_events); i++) {
		rte_eth_dev_callback_unregister(RTE_ETH_ALL, fs_sub_events[i],
						fs_sub_event_cb, sub);
		for (p = 0; p < RTE_MAX_ETHPORTS; p++)
			if (rte_eth_dev_is_valid_port(p))
				fs_sub_callback_off(sub, p, fs_sub_events[i]);
	}
}

void
fs_sub_callbacks(struct fs_sub *sub, bool on)
{
	unsigned int i;

	if (on)
		fs_sub_callbacks_reap(sub);
	/* Same (port, event, fn, arg) both ways, or unregister finds nothing. */
	for (i = 0; i < RTE_DIM(fs_sub_events); i++) {
		if (on)
			rte_eth_dev_callback_register(sub->port_id,
					fs_sub_events[i], fs_sub_event_cb, sub);
		else
			fs_sub_callback_off(sub, sub->port_id, fs_sub_events[i]);
	}
}

/* The kernel event a removal of this slot's device would be, if any. */
static bool
fs_sub_remove_event(const struct fs_sub *sub, struct hotplug_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->action = HOTPLUG_ACTION_REMOVE;
	if (fs_sub_is_pci(sub)) {
		ev->subsystem = HOTPLUG_SUBSYS_PCI;
		strlcpy(ev->pci_addr, sub->pci_addr, sizeof(ev->pci_addr));
		strlcpy(ev->name, sub->pci_addr, sizeof(ev->name));
		return true;
	}
	if (sub->iface[0] == '\0')
		return false;
	ev->subsystem = HOTPLUG_SUBSYS_NET;
	snprintf(ev->ifname, sizeof(ev->ifname), "%s", sub->iface);
	snprintf(ev->name, sizeof(ev->name), "%s", sub->iface);
	ev->ifindex = sub->ifindex > 0 ? sub->ifindex :
		hotplug_ifname_to_ifindex(sub->iface);
	return true;
}

static bool
fs_sub_is_vfio(const struct fs_sub *sub)
{
	const struct rte_pci_device *pdev = fs_sub_pci_dev(sub);

	return pdev != NULL && pdev->kdrv == RTE_PCI_KDRV_VFIO;
}

/*
 * Under lock: an RTE_DEV_EVENT_REMOVE named this slot's device.  Debian's
 * EAL raises it from two places.  Its vfio request handler: the kernel
 * holds the device's removal until we let go, so sysfs still shows it;
 * release it, in vfio's order (stop, close), without a remap.  Its own
 * uevent monitor, when the application started one (testpmd --hot-plug):
 * that one takes forged and synthetic uevents, so the removal is checked
 * with sysfs as lib/hotplug's monitor checks its own, and a device still
 * there is left alone.  A vfio device still there cannot be told from a
 * forged event; releasing it is the only way the kernel's removal ends,
 * and if it was not leaving, hotplug_poll takes it back (after
 * FS_POLL_HOLD_MS, or at once on its ADD).  A sub-device
 * with no kernel identity (a vdev) has nothing to check.
 */
void
fs_dev_event_remove(struct fs_sub *sub, uint64_t rx_ns)
{
	struct fs_priv *priv = sub->priv;
	struct hotplug_event ev;
	bool gone;

	if (priv->closing || (!fs_sub_usable(sub) && !fs_sub_unlocked_step(sub)))
		return;
	if (fs_sub_is_vfio(sub) && hotplug_pci_present(sub->pci_addr)) {
		fs_hotplug_poll_hold(sub);
		fs_sub_remove(sub, FS_RM_VFIO, rx_ns);
		return;
	}
	gone = !fs_sub_remove_event(sub, &ev) || hotplug_remove_confirmed(&ev);
	if (!gone) {
		FS_PORT_LOG(NOTICE, priv, "sub-device %u (%s): device event REMOVE ignored: sysfs still shows %s (forged or synthetic)",
			    sub->idx, sub->dev_name, ev.name);
		return;
	}
	fs_sub_remove(sub, FS_RM_DEV_EVENT, rx_ns);
}

/*
 * RTE_DEV_EVENT_REMOVE callbacks run in the interrupt thread: never wait
 * there for the port lock, the alarm finishes it.
 */
static void
fs_dev_event_handle(const char *device_name, enum rte_dev_event_type type,
		    void *arg)
{
	struct fs_priv *priv = arg;
	struct fs_sub *sub;
	uint64_t now = fs_time_ns();

	if (priv->cb_test_hook != NULL)
		priv->cb_test_hook(priv);
	if (type != RTE_DEV_EVENT_REMOVE || device_name == NULL)
		return;
	if (pthread_mutex_trylock(&priv->lock) != 0) {
		FS_FOREACH_SUB(priv, sub)
			if (strcmp(sub->dev_name, device_name) == 0)
				__atomic_store_n(&sub->dev_rmv_rx_ns, now,
						 __ATOMIC_RELEASE);
		fs_alarm_kick(priv);
		return;
	}
	FS_FOREACH_SUB(priv, sub)
		if (strcmp(sub->dev_name, device_name) == 0)
			fs_dev_event_remove(sub, now);
	pthread_mutex_unlock(&priv->lock);
	fs_lsc_emit_pending(priv);
}

static void
fs_dev_event_cb(const char *device_name, enum rte_dev_event_type type,
		void *arg)
{
	const void *outer = fs_cb_self;

	fs_cb_self = arg;
	fs_dev_event_handle(device_name, type, arg);
	fs_cb_self = outer;
}

static int
fs_dev_cb_unregister(const void *priv)
{
	return rte_dev_event_callback_unregister(NULL, fs_dev_event_cb,
						 (void *)(uintptr_t)priv);
}

/* Returns once fs_dev_event_cb can no longer run with priv. */
void
fs_dev_events_off(struct fs_priv *priv)
{
	int waited = fs_cb_unregister(fs_dev_cb_unregister, priv, priv);

	if (waited >= 0)
		FS_PORT_LOG(ERR, priv, "device event callback still running after %d ms%s: it may see the closed port",
			    waited, fs_cb_self == priv ? " (closed from inside it)" : "");
}

/* Without it, a vfio device's removal waits for the close. */
void
fs_dev_events_on(struct fs_priv *priv)
{
	int ret = rte_dev_event_callback_register(NULL, fs_dev_event_cb, priv);

	if (ret < 0 && ret != -EEXIST)
		FS_PORT_LOG(WARNING, priv, "no vfio release requests (rte_dev_event_callback_register: %s): a vfio device is released at its REMOVE uevent only",
			    rte_strerror(-ret));
}

/* Attached at probe, before the sub-device can be configured or started. */
static void
fs_removal_watch_attach(struct fs_sub *sub)
{
	int ret;

	fs_sub_callbacks(sub, true);
	ret = fs_unplug_hook(sub);
	if (ret < 0)
		FS_PORT_LOG(NOTICE, sub->priv, "sub-device %u: a removal by the application is not intercepted (%s): it must not happen under traffic",
			    sub->idx, strerror(-ret));
}

static void
fs_removal_watch_detach(struct fs_sub *sub)
{
	fs_sub_callbacks(sub, false);
	fs_unplug_unhook(sub);
}

const struct fs_sub_watch fs_removal_watch = {
	.attach = fs_removal_watch_attach,
	.detach = fs_removal_watch_detach,
};
