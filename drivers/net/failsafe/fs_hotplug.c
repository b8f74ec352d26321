/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Kernel hotplug -> sub-device removal and return.
 *
 * REMOVE, MOVE, a SIGBUS or resync removal and rtnetlink link-down (from
 * lib/hotplug's monitor thread): matched to the slot here, handed to the
 * one removal path, fs_sub_remove() (fs_remove.c).
 *
 * ADD: the monitor thread only queues it for the ADD worker
 * (fs_worker.c), in whose thread fs_hotplug_add_run() matches it to an
 * empty slot (its own interface or PCI address, or a match_mac<N>/
 * match_pci<N> rule for a replacement), binds it to its driver (PCI)
 * without the port lock, then probes it, gives it the port's
 * configuration, starts it, and publishes the active set again,
 * preferred sub-device first.
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

#define FS_BIND_TIMEOUT_MS	2000
#define FS_ADD_WAIT_US		10000	/* an ADD waiting for dev_start's probe or start */

/*
 * Names are reused: under a burst of yanks, events about an earlier
 * interface of the same name arrive after a later one was probed.  An
 * ADD is stale by lib/hotplug's one check (hotplug_event_stale); any
 * other event is stale for a slot that holds another ifindex.
 */
static bool
fs_event_stale(const struct hotplug_event *ev, const struct fs_sub *sub)
{
	if (ev->action == HOTPLUG_ACTION_ADD)
		return hotplug_event_stale(ev);
	return ev->subsystem == HOTPLUG_SUBSYS_NET && ev->ifindex > 0 &&
		sub->state != FS_SUB_EMPTY && sub->ifindex > 0 &&
		sub->ifindex != ev->ifindex;
}

/* Name only: no system call, so it may run on every event. */
static bool
fs_event_names_sub(const struct hotplug_event *ev, const struct fs_sub *sub)
{
	if (ev->subsystem == HOTPLUG_SUBSYS_NET)
		return sub->iface[0] != '\0' &&
			strncmp(ev->ifname, sub->iface, sizeof(sub->iface)) == 0;
	if (ev->subsystem == HOTPLUG_SUBSYS_PCI)
		return fs_sub_is_pci(sub) &&
			strncmp(ev->pci_addr, sub->pci_addr, sizeof(sub->pci_addr)) == 0;
	return false;
}

static bool
fs_event_is_sub(const struct hotplug_event *ev, const struct fs_sub *sub)
{
	return fs_event_names_sub(ev, sub) && !fs_event_stale(ev, sub);
}

/*
 * Could a match rule give this ADD the slot?  Only while the slot is
 * vacant; read without the lock by the uevent filter, where a slot seen
 * occupied a moment too long is the same as the ADD arriving a moment
 * earlier.
 */
static bool
fs_rule_may_apply(const struct fs_sub *sub, const struct hotplug_event *ev)
{
	const struct fs_sub_args *sa = &sub->priv->args.sub[sub->idx];

	if (ev->action != HOTPLUG_ACTION_ADD)
		return false;
	if (fs_sub_usable(sub))
		return false;
	if (ev->subsystem == HOTPLUG_SUBSYS_PCI)
		return sa->match_pci_id_set && ev->pci_vendor == sa->match_vendor &&
			ev->pci_device == sa->match_device;
	return ev->subsystem == HOTPLUG_SUBSYS_NET && sa->match_mac_set;
}

/*
 * Without the port lock and without a system call: is this event about
 * a slot's identity, or an ADD a match rule might take?  Most are
 * neither (other interfaces, other PCI devices).  An identity being
 * rewritten meanwhile says "maybe": the locked path decides.
 */
static bool
fs_event_may_concern(struct fs_priv *priv, const struct hotplug_event *ev)
{
	uint32_t seq = __atomic_load_n(&priv->id_seq, __ATOMIC_ACQUIRE);
	const struct fs_sub *sub;
	bool named = false;

	if (seq & 1)
		return true;
	FS_FOREACH_SUB(priv, sub)
		named = named || fs_event_names_sub(ev, sub);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (__atomic_load_n(&priv->id_seq, __ATOMIC_RELAXED) != seq || named)
		return true;
	FS_FOREACH_SUB(priv, sub)
		if (fs_rule_may_apply(sub, ev))
			return true;
	return false;
}

/* Slot-owned devargs with the replacement's identity written in. */
static int
fs_rewrite_devargs(struct fs_sub *sub, const struct hotplug_event *ev)
{
	const char *old = sub->devargs;
	char out[FS_DEVARGS_MAX];
	const char *p;
	int n;

	if (ev->subsystem == HOTPLUG_SUBSYS_PCI) {
		/* "<pci addr>[,args]" */
		p = strchr(old, ',');
		n = snprintf(out, sizeof(out), "%s%s", ev->pci_addr, p ? p : "");
		if (n < 0 || (size_t)n >= sizeof(out))
			return fs_sub_fail(sub, -ENAMETOOLONG, "cannot rewrite '%s' for replacement %s: too long",
					   old, ev->name);
	} else {
		n = fs_args_replace_iface(old, sub->iface, ev->ifname, out,
					  sizeof(out));
		if (n == -EINVAL)
			return fs_sub_fail(sub, n, "replacement interface '%s' not taken: a name with ',' or '=' cannot be written in devargs (iface=)",
					   ev->ifname);
		if (n < 0)
			return fs_sub_fail(sub, n, "cannot rewrite '%s' for replacement %s: %s",
					   old, ev->name, strerror(-n));
	}
	snprintf(sub->devargs_override, sizeof(sub->devargs_override), "%s", out);
	return 0;
}

/* The new interface's MAC, read once per event and only when a rule needs it. */
struct fs_ev_mac {
	int ret;	/* 1: not read yet */
	struct rte_ether_addr mac;
};

static bool
fs_rule_matches(const struct fs_sub *sub, const struct hotplug_event *ev,
		struct fs_ev_mac *m)
{
	const struct fs_sub_args *sa = &sub->priv->args.sub[sub->idx];

	if (!fs_rule_may_apply(sub, ev))
		return false;
	if (ev->subsystem == HOTPLUG_SUBSYS_PCI)
		return true;
	if (sub->iface[0] == '\0' && !fs_sub_is_pci(sub))
		return false;
	if (m->ret == 1)
		m->ret = hotplug_ifname_to_mac(ev->ifname, &m->mac);
	return m->ret == 0 && rte_is_same_ether_addr(&m->mac, &sa->match_mac);
}

/*
 * The slot an ADD fills: its own device first, then a replacement rule.
 * System calls (staleness, the MAC) only for an ADD that may be ours.
 */
static struct fs_sub *
fs_hotplug_add_slot(struct fs_priv *priv, const struct hotplug_event *ev,
		    bool *replacement)
{
	struct fs_ev_mac m = { .ret = 1 };
	struct fs_sub *sub;

	FS_FOREACH_SUB(priv, sub)
		if (fs_event_names_sub(ev, sub)) {
			*replacement = false;
			/* a later ADD for the same name follows */
			return hotplug_event_stale(ev) ? NULL : sub;
		}
	FS_FOREACH_SUB(priv, sub)
		if (fs_rule_may_apply(sub, ev)) {
			if (hotplug_event_stale(ev))
				return NULL;
			break;
		}
	for (; sub < &priv->subs[priv->nb_subs]; sub++)
		if (fs_rule_matches(sub, ev, &m)) {
			*replacement = true;
			return sub;
		}
	return NULL;
}

/*
 * A MAC rule that gave a PCI slot a new interface: the slot takes the
 * interface's PCI device, as a PCI replacement would; *pev is that
 * device's ADD.
 */
static int
fs_mac_rule_pci_event(struct fs_sub *sub, const struct hotplug_event *ev,
		      struct hotplug_event *pev)
{
	int ret;

	ret = hotplug_ifname_to_pci(ev->ifname, pev->pci_addr,
				    sizeof(pev->pci_addr));
	if (ret < 0)
		return fs_sub_fail(sub, ret, "interface %s has the slot's MAC but no PCI device: %s",
				   ev->ifname, strerror(-ret));
	pev->subsystem = HOTPLUG_SUBSYS_PCI;
	snprintf(pev->name, sizeof(pev->name), "%s", pev->pci_addr);
	return 0;
}

/*
 * take: the device went away and came back (we saw it go, or saw the
 * kernel's ADD), so another driver may have it only because the kernel
 * probed it first.  Otherwise only an unbound device is bound: a devargs
 * typo must not take a host NIC.  The library refuses either way a
 * device with an interface up.  A refusal is said once per slot: the poll
 * asks again at every tick.
 */
static int
fs_hotplug_bound(struct fs_priv *priv, struct fs_sub *sub, const char *pci_addr,
		 bool take, int ret)
{
	char cur[HOTPLUG_DRIVER_MAX] = "";

	if (ret == 0) {
		sub->pci_gone = false;
		sub->bind_refused = false;
		return 0;
	}
	if (ret != -EBUSY)
		return fs_sub_fail(sub, ret, "cannot bind %s to %s: %s", pci_addr,
				   priv->args.bind_driver, strerror(-ret));
	if (sub->bind_refused)
		return ret;
	sub->bind_refused = true;
	hotplug_pci_driver(pci_addr, cur, sizeof(cur));
	return fs_sub_fail(sub, ret, "%s not bound to %s: %s owns it%s; unbind it to let the port take it",
			   pci_addr, priv->args.bind_driver, cur,
			   take ? " with an interface up" :
			   " and it was never this port's");
}

/* Without the port lock: it may wait FS_BIND_TIMEOUT_MS for the driver. */
static int
fs_hotplug_bind(struct fs_priv *priv, const char *pci_addr, bool take)
{
	return hotplug_bind_driver(pci_addr, priv->args.bind_driver,
				   FS_BIND_TIMEOUT_MS,
				   take ? HOTPLUG_BIND_TAKE : 0);
}

/*
 * Before hotplug_poll probes an empty PCI slot: the ADD path's bind, for
 * a device that is back with another driver (its bind lost to the
 * kernel's own probe, or its ADD was not seen), which the PCI bus could
 * otherwise never probe.  Only an unbound device, or one this slot saw
 * go away.  Under lock: which slots, and the address to bind.
 */
static bool
fs_hotplug_poll_wants_bind(const struct fs_sub *sub, char *addr, size_t len)
{
	struct fs_priv *priv = sub->priv;
	char cur[HOTPLUG_DRIVER_MAX];

	if (!priv->args.uevent || !fs_sub_is_pci(sub) ||
	    sub->state != FS_SUB_EMPTY || fs_hotplug_poll_held(sub))
		return false;
	if (hotplug_pci_driver(sub->pci_addr, cur, sizeof(cur)) < 0 ||
	    strcmp(cur, priv->args.bind_driver) == 0)
		return false;	/* not there, or ready for its probe */
	snprintf(addr, len, "%s", sub->pci_addr);
	return true;
}

/* What a returning sub-device does once published, for the log. */
static const char *
fs_add_role(const struct fs_priv *priv, const struct fs_sub *sub)
{
	const struct fs_active *set = priv->active;

	if (set->nb_paths > 0 && set->sub_idx[0] == sub->idx)
		return "TX switched back to it";
	return sub->link_ok ? "receiving; TX stays where it is" :
		"waiting for its link before it leads";
}

/*
 * Under lock, in the ADD worker: the empty slot this ADD fills, its
 * replacement devargs written, or NULL.  *pev: the ADD to act on, the
 * PCI device's for a PCI slot a MAC rule gave an interface.  *take: the
 * bind may take the device from another driver.
 */
static struct fs_sub *
fs_hotplug_add_claim(struct fs_priv *priv, const struct hotplug_event *ev,
		     struct hotplug_event *pev, bool *replacement, bool *take)
{
	struct fs_sub *sub;
	bool by_mac;

	sub = fs_hotplug_add_slot(priv, ev, replacement);
	/* An unconfigured port takes it too, as its probe took the others. */
	if (sub == NULL)
		return NULL;
	sub->poll_hold_ns = 0;	/* its ADD came: the poll may take it again */
	if (fs_sub_leaving(sub) || fs_sub_unlocked_step(sub)) {
		/*
		 * Its predecessor is still leaving, or dev_start is probing,
		 * replaying or starting it: come back once that is over.
		 */
		sub->pending_ev = *ev;
		sub->add_pending = true;
		fs_alarm_arm(priv, FS_ALARM_FAST_US);
		return NULL;
	}
	if (sub->state != FS_SUB_EMPTY)
		return NULL;	/* still here: an ADD for a present device changes nothing */
	*pev = *ev;
	by_mac = *replacement && ev->subsystem == HOTPLUG_SUBSYS_NET &&
		fs_sub_is_pci(sub);
	if (by_mac && fs_mac_rule_pci_event(sub, ev, pev) < 0)
		return NULL;
	if (*replacement && fs_rewrite_devargs(sub, pev) < 0)
		return NULL;
	/*
	 * The kernel's own ADD: the device has just come, and a driver that
	 * has it probed it meanwhile.  A synthetic ADD (written to sysfs, or
	 * made by a rescan) proves no such thing.  A replacement never went
	 * away and came back: only an unbound one is taken, or a match rule
	 * would take every new device with that id (a host's new VF).  A
	 * MAC names one device: its kernel driver, which made the interface,
	 * gives it up (not while the interface is up: the bind refuses).
	 */
	*take = by_mac || (!*replacement &&
		(sub->pci_gone || (!ev->synth && !ev->resync)));
	return sub;
}

/* Under lock, in the ADD worker: probe, replay, start, publish. */
static void
fs_hotplug_add_join(struct fs_priv *priv, struct fs_sub *sub,
		    const struct hotplug_event *ev, bool replacement)
{
	struct fs_hotplug_times *t = &priv->hp;
	int ret;

	ret = fs_sub_join_timed(sub, t, ev->rx_ns);
	if (ret == -EAGAIN && sub->exec.pid != 0) {
		FS_PORT_LOG(INFO, priv, "sub-device %u (%s): its exec() command runs; the worker probes it once it answers",
			    sub->idx, ev->name);
		return;
	}
	if (ret < 0 || sub->state != FS_SUB_STARTED) {
		if (ret == 0 || priv->closing)
			return;	/* port not started: it joins at start */
		FS_PORT_LOG(ERR, priv, "sub-device %u (%s) did not come back: %s",
			    sub->idx, ev->name, sub->last_error);
		return;
	}
	fs_switch_publish(priv, 0);
	fs_link_refresh(priv);
	t->add_events++;
	t->last_add_switch_ns = fs_time_ns() - ev->rx_ns;
	FS_PORT_LOG(INFO, priv, "sub-device %u back as %s%s: ADD received, bound %.2f, probed %.2f%s, configured %.2f, started %.2f, published %.2f ms later; %s",
		    sub->idx, sub->devargs, replacement ? " (replacement)" : "",
		    t->last_add_bind_ns / 1e6, t->last_add_probe_ns / 1e6,
		    sub->probed_rcu_expedited ? " (RCU expedited)" : "",
		    t->last_add_configure_ns / 1e6, t->last_add_start_ns / 1e6,
		    t->last_add_switch_ns / 1e6, fs_add_role(priv, sub));
}

/*
 * In the ADD worker, port lock not held: one ADD, the lock taken for
 * the claim and for the join, not for the bind between them (up to
 * FS_BIND_TIMEOUT_MS), so a REMOVE of another sub-device does not wait
 * for it.  Only this thread fills a slot from an event, so the slot
 * claimed is still for this ADD after the bind, unless dev_start joined
 * it meanwhile or the port is closing.
 */
void
fs_hotplug_add_run(struct fs_priv *priv, const struct hotplug_event *ev)
{
	bool replacement = false, take = false;
	struct hotplug_event pev;
	struct fs_sub *sub = NULL;
	int bound = 0;

	pthread_mutex_lock(&priv->lock);
	if (!priv->closing)
		sub = fs_hotplug_add_claim(priv, ev, &pev, &replacement, &take);
	pthread_mutex_unlock(&priv->lock);
	if (sub == NULL)
		return;
	ev = &pev;
	FS_PORT_LOG(DEBUG, priv, "sub-device %u: ADD of %s in the ADD worker",
		    sub->idx, ev->name);
	if (priv->add_test_hook != NULL)
		priv->add_test_hook(sub);
	if (ev->subsystem == HOTPLUG_SUBSYS_PCI)
		bound = fs_hotplug_bind(priv, ev->pci_addr, take);
	pthread_mutex_lock(&priv->lock);
	if (!priv->closing && sub->state == FS_SUB_EMPTY &&
	    (ev->subsystem != HOTPLUG_SUBSYS_PCI ||
	     fs_hotplug_bound(priv, sub, ev->pci_addr, take, bound) == 0)) {
		priv->hp.last_add_bind_ns = fs_time_ns() - ev->rx_ns;
		fs_hotplug_add_join(priv, sub, ev, replacement);
	}
	pthread_mutex_unlock(&priv->lock);
	fs_lsc_emit_pending(priv);
}

/* Under lock, in the alarm: the ADD that waited for its slot, to the worker. */
void
fs_hotplug_pending_add(struct fs_sub *sub)
{
	if (!sub->add_pending || fs_sub_leaving(sub) || sub->priv->closing)
		return;
	if (fs_sub_unlocked_step(sub)) {
		fs_alarm_arm(sub->priv, FS_ADD_WAIT_US);	/* not over yet */
		return;
	}
	if (fs_worker_queue_add(sub->priv, &sub->pending_ev) == 0)
		sub->add_pending = false;
}

/*
 * In the ADD worker, port lock not held: what the alarm queued, slots
 * whose exec() command answered and a hotplug_poll tick; the poll's
 * binds without the lock, as an ADD's.
 */
void
fs_hotplug_join_run(struct fs_priv *priv)
{
	char addr[FS_MAX_SUBDEVS][sizeof(priv->subs[0].pci_addr)];
	bool take[FS_MAX_SUBDEVS];
	int bound[FS_MAX_SUBDEVS];
	uint32_t bind = 0;
	struct fs_sub *sub;
	bool poll, changed;

	pthread_mutex_lock(&priv->lock);
	poll = priv->poll_due && !priv->closing;
	priv->poll_due = false;
	FS_FOREACH_SUB(priv, sub) {
		take[sub->idx] = sub->pci_gone;
		if (poll && fs_hotplug_poll_wants_bind(sub, addr[sub->idx],
						       sizeof(addr[0])))
			bind |= RTE_BIT32(sub->idx);
	}
	pthread_mutex_unlock(&priv->lock);
	FS_FOREACH_SUB(priv, sub)
		if (bind & RTE_BIT32(sub->idx))
			bound[sub->idx] = fs_hotplug_bind(priv, addr[sub->idx],
							  take[sub->idx]);
	pthread_mutex_lock(&priv->lock);
	if (priv->closing) {
		pthread_mutex_unlock(&priv->lock);
		return;
	}
	FS_FOREACH_SUB(priv, sub)
		if ((bind & RTE_BIT32(sub->idx)) && sub->state == FS_SUB_EMPTY)
			fs_hotplug_bound(priv, sub, addr[sub->idx], take[sub->idx],
					 bound[sub->idx]);
	changed = fs_subs_join(priv, true);
	if (poll && fs_subs_join(priv, false))
		changed = true;
	if (changed) {
		fs_switch_publish(priv, 0);
		fs_link_refresh(priv);
	}
	pthread_mutex_unlock(&priv->lock);
	fs_lsc_emit_pending(priv);
}

static bool
fs_event_wanted(const struct hotplug_event *ev)
{
	switch (ev->action) {
	case HOTPLUG_ACTION_MOVE:	/* a PCI device is never renamed */
		return ev->subsystem == HOTPLUG_SUBSYS_NET;
	case HOTPLUG_ACTION_ADD:
	case HOTPLUG_ACTION_REMOVE:
		return ev->subsystem == HOTPLUG_SUBSYS_NET ||
			ev->subsystem == HOTPLUG_SUBSYS_PCI;
	case HOTPLUG_ACTION_LINK_DOWN:
	case HOTPLUG_ACTION_LINK_UP:
		return ev->subsystem == HOTPLUG_SUBSYS_NET;
	default:
		return false;
	}
}

/*
 * Under lock: rtnetlink says a sub-device's interface went down or came
 * up.  Down moves TX away at once: an interface being deleted is closed
 * (and drops what it is given) well before its REMOVE uevent.  Up
 * re-reads every link, so a returning preferred device leads again.
 */
static void
fs_hotplug_link(struct fs_priv *priv, struct fs_sub *sub,
		const struct hotplug_event *ev)
{
	bool up = ev->action == HOTPLUG_ACTION_LINK_UP;

	if (!fs_switch_in_set(priv, sub) || sub->link_ok == up)
		return;
	/*
	 * The event may have waited for the lock behind this very device's
	 * return (an ADD replayed by the alarm): ask the flags again, a
	 * cheap ioctl that takes no RTNL.
	 */
	if (hotplug_event_stale(ev))
		return;
	if (!up) {
		fs_sub_remove(sub, FS_RM_LINK_DOWN, ev->rx_ns);
		return;
	}
	fs_switch_publish(priv, 0);
	fs_link_refresh(priv);
	FS_PORT_LOG(INFO, priv, "sub-device %u (%s): link up (rtnetlink)",
		    sub->idx, sub->iface);
}

static void fs_uevent_handle(struct fs_priv *priv, const struct hotplug_event *ev);

/*
 * A renamed interface (MOVE): the old name is gone and the new one is
 * there, so a slot configured with either hears a REMOVE or an ADD, as
 * if the device had been unplugged and plugged in under the new name.
 * The ifindex stays: the REMOVE is not stale for the slot that had it.
 */
static void
fs_uevent_move(struct fs_priv *priv, const struct hotplug_event *ev)
{
	struct hotplug_event e = *ev;

	if (ev->old_name[0] != '\0') {
		e.action = HOTPLUG_ACTION_REMOVE;
		/* The parser checked it is an interface name: it fits. */
		snprintf(e.name, sizeof(e.name), "%s", ev->old_name);
		snprintf(e.ifname, sizeof(e.ifname), "%.*s",
			 (int)sizeof(e.ifname) - 1, ev->old_name);
		fs_uevent_handle(priv, &e);
		e = *ev;
	}
	e.action = HOTPLUG_ACTION_ADD;
	fs_uevent_handle(priv, &e);
}

static enum fs_remove_cause
fs_remove_cause_of(const struct hotplug_event *ev)
{
	if (ev->fault)
		return FS_RM_SIGBUS;
	if (ev->resync)
		return FS_RM_RESYNC;
	return ev->old_name[0] != '\0' ? FS_RM_RENAME : FS_RM_UEVENT;
}

/*
 * One event: a removal or a link change under the lock, an ADD queued;
 * the application hears of it afterwards.
 */
static void
fs_uevent_handle(struct fs_priv *priv, const struct hotplug_event *ev)
{
	struct fs_sub *sub;

	if (ev->action == HOTPLUG_ACTION_MOVE) {
		fs_uevent_move(priv, ev);
		return;
	}
	if (__atomic_load_n(&priv->closing, __ATOMIC_ACQUIRE) ||
	    !fs_event_may_concern(priv, ev))
		return;
	if (ev->action == HOTPLUG_ACTION_ADD) {
		/* Matched, bound and probed in the ADD worker, not here. */
		fs_worker_queue_add(priv, ev);
		return;
	}
	pthread_mutex_lock(&priv->lock);
	if (priv->closing) {
		pthread_mutex_unlock(&priv->lock);
		return;
	}
	if (ev->action == HOTPLUG_ACTION_REMOVE) {
		FS_FOREACH_SUB(priv, sub) {
			if (!fs_event_is_sub(ev, sub))
				continue;
			/* Its slot may be empty already (vfio released it). */
			if (ev->subsystem == HOTPLUG_SUBSYS_PCI)
				fs_hotplug_poll_hold(sub);
			/* The monitor confirmed it with sysfs. */
			fs_sub_remove(sub, fs_remove_cause_of(ev), ev->rx_ns);
		}
	} else {
		FS_FOREACH_SUB(priv, sub)
			if (fs_event_is_sub(ev, sub))
				fs_hotplug_link(priv, sub, ev);
	}
	pthread_mutex_unlock(&priv->lock);
}

/*
 * The LSC callback goes last, once per kernel event (both halves of a
 * MOVE included): an application may close the port from inside it, and
 * nothing here may touch priv after that.
 */
static int
fs_uevent_cb(const struct hotplug_event *ev, void *arg)
{
	struct fs_priv *priv = arg;

	/* Cheap filter first: most events are not ours. */
	if (!fs_event_wanted(ev))
		return 0;
	fs_uevent_handle(priv, ev);
	fs_lsc_emit_pending(priv);
	return 0;
}

int
fs_hotplug_attach(struct fs_priv *priv)
{
	struct fs_sub *sub;
	int ret;

	ret = hotplug_monitor_start();
	if (ret < 0) {
		FS_PORT_LOG(NOTICE, priv, "uevent monitor unavailable (%s): hotplug_poll only",
			    strerror(-ret));
		return ret;
	}
	ret = hotplug_callback_register(NULL, fs_uevent_cb, priv);
	if (ret < 0) {
		hotplug_monitor_stop();
		return ret;
	}
	ret = hotplug_monitor_watch_links();
	if (ret < 0)
		FS_PORT_LOG(NOTICE, priv, "no rtnetlink link events (%s): TX leaves a deleted interface at its REMOVE uevent",
			    strerror(-ret));
	fs_dev_events_on(priv);
	pthread_mutex_lock(&priv->lock);
	priv->uevent_on = true;
	FS_FOREACH_SUB(priv, sub)
		if (sub->iface[0] != '\0')
			hotplug_device_track(sub->iface);
		else if (fs_sub_is_pci(sub))
			hotplug_device_track(sub->pci_addr);
	pthread_mutex_unlock(&priv->lock);
	return 0;
}

void
fs_hotplug_detach(struct fs_priv *priv)
{
	if (!priv->uevent_on)
		return;
	/* Outside the port lock: unregister waits for a running callback. */
	hotplug_callback_unregister(NULL, fs_uevent_cb, priv);
	fs_dev_events_off(priv);
	hotplug_monitor_stop();
	priv->uevent_on = false;
}

/*
 * Its device is there now: a slot refused while present (a failed replay,
 * a race with the device going) will get no ADD, so it is polled.
 */
bool
fs_hotplug_present(const struct fs_sub *sub)
{
	if (sub->iface[0] != '\0')
		return hotplug_netdev_present(sub->iface);
	return fs_sub_is_pci(sub) && hotplug_pci_present(sub->pci_addr);
}

/* A slot that uevents describe needs no polling while the monitor runs. */
bool
fs_hotplug_covers(const struct fs_sub *sub)
{
	return sub->priv->uevent_on &&
		(sub->iface[0] != '\0' || fs_sub_is_pci(sub));
}

/*
 * Under lock: the kernel is removing its PCI device.  Between vfio's
 * release request and the device's deletion (`echo 0 > sriov_numvfs`)
 * sysfs still shows it, unbound: hotplug_poll would bind and probe a
 * device on its way out, and log its failure.  The slot is left to the
 * device's ADD, FS_POLL_HOLD_MS at most, after which the poll takes a
 * device that stayed (a release request with no removal behind it).
 */
void
fs_hotplug_poll_hold(struct fs_sub *sub)
{
	if (fs_sub_is_pci(sub) && sub->priv->uevent_on)
		sub->poll_hold_ns = fs_time_ns() + FS_POLL_HOLD_MS * 1000000ULL;
}

/* Under lock: hotplug_poll leaves this slot alone. */
bool
fs_hotplug_poll_held(const struct fs_sub *sub)
{
	return sub->poll_hold_ns != 0 && fs_time_ns() < sub->poll_hold_ns;
}
