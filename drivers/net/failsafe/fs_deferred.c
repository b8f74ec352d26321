/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Floor 3 (events): the port's deferred control work, run on its alarm
 * (fs_alarm.c).  It finishes grace periods, acts on sub-device RMV
 * events, hands the ADD worker the slots to probe, watches links, and
 * closes retired sub-devices without the port lock.
 */

#include "fs_private.h"
#include "fs_alarm.h"

static bool
fs_deferred_needs_poll(const struct fs_priv *priv)
{
	const struct fs_sub *sub;

	if (priv->args.hotplug_poll_ms == 0)
		return false;
	FS_FOREACH_SUB(priv, sub)
		if (sub->state == FS_SUB_EMPTY &&
		    (!fs_hotplug_covers(sub) || fs_hotplug_present(sub)))
			return true;
	return false;
}

static void
fs_deferred_rmv(struct fs_priv *priv)
{
	struct fs_sub *sub;

	FS_FOREACH_SUB(priv, sub) {
		uint64_t rx = __atomic_exchange_n(&sub->rmv_rx_ns, 0,
						  __ATOMIC_ACQ_REL);

		if (rx != 0)
			fs_sub_remove(sub, FS_RM_PMD_RMV, rx);
		rx = __atomic_exchange_n(&sub->dev_rmv_rx_ns, 0, __ATOMIC_ACQ_REL);
		if (rx != 0)
			fs_dev_event_remove(sub, rx);
	}
}

/* Removals that ran out of memory, and devices someone else removed. */
static void
fs_deferred_subs(struct fs_priv *priv, uint32_t *closing)
{
	struct fs_sub *sub;

	FS_FOREACH_SUB(priv, sub) {
		if (sub->remove_retry)
			fs_switch_remove_retry(sub);
		fs_unplug_settle(sub, closing);
	}
}

/*
 * The link watch saw a link change before its rtnetlink message was read
 * (the lock was busy, or the machine loaded): a link that went down moves
 * TX through the one removal path, as the message would have; a link that
 * came back joins the set with the next publish.
 */
static void
fs_deferred_link_watch(struct fs_priv *priv, uint64_t now)
{
	struct fs_sub *sub;

	FS_FOREACH_SUB(priv, sub)
		if (fs_switch_link_lost(priv, sub))
			fs_sub_remove(sub, FS_RM_LINK_WATCH, now);
	fs_switch_publish(priv, 0);
}

/* When the alarm must run again; UINT64_MAX: not before an event. */
static uint64_t
fs_deferred_next_us(const struct fs_priv *priv, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	if (priv->retired != NULL)
		next = FS_ALARM_FAST_US;
	if (fs_deferred_needs_poll(priv))
		next = RTE_MIN(next, RTE_MIN((priv->next_poll_ns - now) / 1000 + 1,
					     (uint64_t)FS_ALARM_MAX_US));
	if (priv->started)
		next = RTE_MIN(next, (uint64_t)FS_LINK_WATCH_US);
	if (now < priv->probe_after_ns)
		next = RTE_MIN(next, (priv->probe_after_ns - now) / 1000 + 1);
	if (priv->exec_busy)
		next = RTE_MIN(next, (uint64_t)FS_EXEC_POLL_US);
	return RTE_MIN(next, fs_release_next_us(priv, now));
}

void
fs_deferred_run(struct fs_priv *priv, uint32_t *closing)
{
	uint64_t now = fs_time_ns();
	struct fs_sub *sub;
	bool join = false;

	if (priv->closing)
		return;
	fs_deferred_rmv(priv);
	fs_deferred_subs(priv, closing);
	fs_release_reap(priv);
	fs_switch_reclaim(priv, false, closing);
	priv->exec_busy = fs_subs_exec_service(priv, &join);
	/* The probes themselves run in the ADD worker: queued, not done here. */
	if (now >= priv->probe_after_ns) {
		FS_FOREACH_SUB(priv, sub)
			fs_hotplug_pending_add(sub);
		if (fs_deferred_needs_poll(priv) && now >= priv->next_poll_ns) {
			priv->next_poll_ns = now + priv->args.hotplug_poll_ms * 1000000ULL;
			priv->poll_due = true;
			join = true;
		}
		if (join)
			fs_worker_queue_join(priv);
	}
	if (priv->started && fs_switch_links_changed(priv))
		fs_deferred_link_watch(priv, now);
	fs_link_refresh(priv);
	fs_stats_snapshot(priv);
	fs_alarm_arm(priv, fs_deferred_next_us(priv, now));
}

/*
 * Close retired sub-devices without the port lock, so that a REMOVE or an
 * ADD of another device, or the application's control path, never waits
 * for a slow close; then empty their slots, and let the alarm's next
 * run hand the ADDs that waited for them to the ADD worker (fs_deferred_run).
 */
static void
fs_deferred_close(struct fs_priv *priv, uint32_t closing)
{
	uint32_t inline_mask = 0;
	struct fs_sub *sub;

	/*
	 * A device whose hardware is gone in its own thread (fs_release.c):
	 * its driver may never return, and then holds only that thread.
	 */
	FS_FOREACH_SUB(priv, sub)
		if ((closing & RTE_BIT32(sub->idx)) &&
		    (!sub->pci_gone || fs_release_start(sub) < 0)) {
			fs_sub_detach_close(sub);
			inline_mask |= RTE_BIT32(sub->idx);
		}
	pthread_mutex_lock(&priv->lock);
	FS_FOREACH_SUB(priv, sub)
		if (inline_mask & RTE_BIT32(sub->idx))
			fs_sub_detach_end(sub);
	fs_alarm_arm(priv, FS_ALARM_FAST_US);
	pthread_mutex_unlock(&priv->lock);
}

/* The port alarm's work (installed by fs_alarm_init). */
void
fs_deferred_tick(struct fs_priv *priv)
{
	uint32_t closing = 0;

	/* Never wait for the lock in the interrupt thread. */
	if (pthread_mutex_trylock(&priv->lock) != 0) {
		fs_alarm_retry(priv);
		return;
	}
	fs_alarm_ran(priv);
	fs_deferred_run(priv, &closing);
	pthread_mutex_unlock(&priv->lock);
	if (closing != 0)
		fs_deferred_close(priv, closing);
	fs_lsc_emit_pending(priv);
}
