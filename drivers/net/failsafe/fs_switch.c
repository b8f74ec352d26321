/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Switching: build a new active set, publish it with one pointer store,
 * and retire the old one once no queue can still be reading it.
 *
 * A queue has left the old set when its rte_rcu_qsbr slot reported a
 * quiescent state after the set was replaced, or when it is outside any
 * burst (in_burst == 0) after membarrier() forced every running thread of
 * the process through a full barrier.  The second rule is what keeps a
 * queue nobody polls (an idle TX queue, say) from holding a removal
 * forever; without membarrier() the control side waits FS_GRACE_NO_MB_NS
 * instead, long enough for any store buffer to drain.
 */

#include <errno.h>
#include <inttypes.h>
#include <linux/membarrier.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "hotplug.h"

#include "fs_private.h"
#include "fs_alarm.h"

#define FS_GRACE_NO_MB_NS	(10 * 1000 * 1000ULL)

static struct fs_active fs_empty_set;	/* never freed, never written */

/*
 * The set becomes the port's.  A secondary process cannot follow
 * priv->active (this process's heap), so what it may show of the set
 * goes beside it, in the shared private data.
 */
static void
fs_active_store(struct fs_priv *priv, struct fs_active *set)
{
	uint32_t mask = 0;
	uint16_t i;

	__atomic_store_n(&priv->active, set, __ATOMIC_RELEASE);
	__atomic_store_n(&priv->pub_nb_paths, set->nb_paths, __ATOMIC_RELAXED);
	__atomic_store_n(&priv->pub_tx_sub, set->nb_paths > 0 ?
			 set->sub_idx[0] : UINT16_MAX, __ATOMIC_RELAXED);
	for (i = 0; i < set->nb_paths; i++)
		mask |= RTE_BIT32(set->sub_idx[i]);
	__atomic_store_n(&priv->pub_active_mask, mask, __ATOMIC_RELAXED);
}

static int
fs_membarrier(int cmd)
{
	return syscall(__NR_membarrier, cmd, 0, 0);
}

int
fs_switch_init(struct fs_priv *priv, uint32_t nb_readers)
{
	size_t sz = rte_rcu_qsbr_get_memsize(nb_readers);

	priv->qsbr = rte_zmalloc_socket("fs_qsbr", sz, RTE_CACHE_LINE_SIZE,
					priv->dev->data->numa_node);
	if (priv->qsbr == NULL)
		return -ENOMEM;
	if (rte_rcu_qsbr_init(priv->qsbr, nb_readers) != 0) {
		rte_free(priv->qsbr);
		priv->qsbr = NULL;
		return -rte_errno;
	}
	priv->nb_readers = nb_readers;
	fs_active_store(priv, &fs_empty_set);
	priv->membarrier_ok =
		fs_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0;
	if (!priv->membarrier_ok)
		FS_PORT_LOG(INFO, priv, "membarrier unavailable (%s); grace periods wait %llu ms for idle queues",
			    strerror(errno), FS_GRACE_NO_MB_NS / 1000000);
	return 0;
}

static void
fs_active_free(struct fs_active *set)
{
	if (set == &fs_empty_set)
		return;
	free(set->views);
	free(set);
}

/*
 * What queue qid sees of set: its view, or nothing while the application
 * has it stopped, so a stopped queue stops even on a sub-PMD that cannot.
 */
static const struct fs_view *
fs_view_of(const struct fs_priv *priv, const struct fs_active *set,
	   uint16_t qid, bool tx)
{
	const struct rte_eth_dev_data *data = priv->dev->data;
	const uint8_t *state = tx ? data->tx_queue_state : data->rx_queue_state;
	uint16_t nb = tx ? set->nb_txq : set->nb_rxq;

	if (qid >= nb || state[qid] == RTE_ETH_QUEUE_STATE_STOPPED)
		return &fs_empty_view;
	return &set->views[tx ? set->nb_rxq + qid : qid];
}

static void
fs_view_store(struct fs_priv *priv, const struct fs_active *set,
	      uint16_t qid, bool tx)
{
	struct fs_queue *q = fs_queue_of(priv, qid, tx);

	if (q != NULL)
		__atomic_store_n(&q->view, fs_view_of(priv, set, qid, tx),
				 __ATOMIC_RELEASE);
}

/* Points every queue of the port at its view of set. */
static void
fs_views_publish(struct fs_priv *priv, const struct fs_active *set)
{
	uint16_t i;

	for (i = 0; i < priv->nb_rxq; i++)
		fs_view_store(priv, set, i, false);
	for (i = 0; i < priv->nb_txq; i++)
		fs_view_store(priv, set, i, true);
}

/* Under priv->lock: a queue's state changed; it sees the set accordingly. */
void
fs_switch_queue_state(struct fs_priv *priv, uint16_t qid, bool tx)
{
	fs_view_store(priv, priv->active, qid, tx);
}

/*
 * The application starts or stops one queue: its sub-devices' queues
 * follow, and so does what the port's queue sees of the set.
 */
static int
fs_queue_state_set(struct rte_eth_dev *dev, uint16_t qid, bool tx, bool start)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_queue_ref ref = { .qid = qid, .tx = tx };
	uint8_t *state = tx ? dev->data->tx_queue_state : dev->data->rx_queue_state;
	struct fs_sub *failed;
	uint8_t old;
	int ret;

	pthread_mutex_lock(&priv->lock);
	old = state[qid];
	state[qid] = start ? RTE_ETH_QUEUE_STATE_STARTED :
		RTE_ETH_QUEUE_STATE_STOPPED;
	ret = fs_settings_apply(priv, &fs_setting_queue_state, &ref, &failed);
	if (ret < 0) {
		state[qid] = old;
		fs_settings_undo(priv, &fs_setting_queue_state, &ref, failed);
	} else {
		fs_switch_queue_state(priv, qid, tx);
	}
	pthread_mutex_unlock(&priv->lock);
	return ret;
}

int
fs_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	return fs_queue_state_set(dev, qid, false, true);
}

int
fs_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	return fs_queue_state_set(dev, qid, false, false);
}

int
fs_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	return fs_queue_state_set(dev, qid, true, true);
}

int
fs_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	return fs_queue_state_set(dev, qid, true, false);
}

void
fs_switch_fini(struct fs_priv *priv)
{
	fs_switch_reclaim(priv, true, NULL);
	fs_views_publish(priv, &fs_empty_set);
	fs_active_free(priv->active);
	fs_active_store(priv, &fs_empty_set);
	rte_free(priv->qsbr);
	priv->qsbr = NULL;
}

/*
 * A sub-device whose link is down (its PMD says so, or the kernel
 * interface it sits on has no carrier) does not lead: a returning device
 * takes TX back only once its link is up.
 */
static bool
fs_sub_link_ok(const struct fs_sub *sub)
{
	struct rte_eth_link link;
	int running;

	if (rte_eth_link_get_nowait(sub->port_id, &link) == 0 &&
	    link.link_status == RTE_ETH_LINK_DOWN)
		return false;
	if (sub->iface[0] == '\0')
		return true;
	/*
	 * The flags first: while a delete runs, the interface is closed but
	 * operstate still says up, and once it is unlisted sysfs says nothing.
	 */
	running = hotplug_netdev_running(sub->iface);
	if (running == 0 || running == -ENODEV)
		return false;
	return hotplug_netdev_carrier(sub->iface) != 0;
}

/* Is it in the published active set (whatever its link)? */
bool
fs_switch_in_set(const struct fs_priv *priv, const struct fs_sub *sub)
{
	const struct fs_active *set = priv->active;
	uint16_t i;

	for (i = 0; i < set->nb_paths; i++)
		if (set->sub_idx[i] == sub->idx)
			return true;
	return false;
}

/* Under priv->lock: has a started sub-device's link changed since the set? */
bool
fs_switch_links_changed(struct fs_priv *priv)
{
	struct fs_sub *sub;

	FS_FOREACH_SUB(priv, sub)
		if (fs_switch_in_set(priv, sub) &&
		    fs_sub_link_ok(sub) != sub->link_ok)
			return true;
	return false;
}

/* Under priv->lock: a sub-device of the set whose link is down now. */
bool
fs_switch_link_lost(struct fs_priv *priv, const struct fs_sub *sub)
{
	return fs_switch_in_set(priv, sub) && sub->link_ok &&
		!fs_sub_link_ok(sub);
}

/*
 * Each queue's hops, in the set's order.  A sub-device without that queue
 * (it never should be) is left out of the view rather than called.
 */
static void
fs_views_fill(struct fs_priv *priv, struct fs_active *set)
{
	uint16_t q, p;

	for (q = 0; q < set->nb_rxq + set->nb_txq; q++) {
		struct fs_view *v = &set->views[q];
		bool tx = q >= set->nb_rxq;
		uint16_t qid = tx ? q - set->nb_rxq : q;

		for (p = 0; p < set->nb_paths; p++) {
			const struct fs_sub *sub = &priv->subs[set->sub_idx[p]];
			const struct rte_eth_fp_ops *ops = &rte_eth_fp_ops[sub->port_id];
			struct fs_hop *hop = &v->hop[v->nb_hops];

			hop->subq = tx ? ops->txq.data[qid] : ops->rxq.data[qid];
			if (hop->subq == NULL)
				continue;
			if (tx)
				hop->tx = ops->tx_pkt_burst;
			else
				hop->rx = ops->rx_pkt_burst;
			v->nb_hops++;
		}
	}
}

/*
 * Started, healthy sub-devices, links up first, each group in slot order.
 * fresh_links false keeps the link states of the last build: a removal
 * changes no other sub-device's link, and reading a carrier from sysfs
 * waits for the RTNL lock, which the kernel holds while it unregisters
 * the very device being removed (hundreds of microseconds, more under
 * load).  The alarm's link watch catches real changes.  Sub-devices in
 * leaving are left out: they are about to retire.
 */
static struct fs_active *
fs_active_build(struct fs_priv *priv, bool fresh_links, uint32_t leaving)
{
	uint32_t in = 0;
	struct fs_active *set;
	struct fs_sub *sub;
	size_t nb_views;
	int pass;

	set = calloc(1, sizeof(*set));
	if (set == NULL)
		return NULL;
	FS_FOREACH_SUB(priv, sub) {
		bool member = priv->started && sub->state == FS_SUB_STARTED &&
			!(leaving & RTE_BIT32(sub->idx));

		in |= member ? RTE_BIT32(sub->idx) : 0;
		sub->link_ok = member &&
			(fresh_links ? fs_sub_link_ok(sub) : sub->link_ok);
	}
	for (pass = 0; pass < 2; pass++)
		FS_FOREACH_SUB(priv, sub)
			if ((in & RTE_BIT32(sub->idx)) &&
			    sub->link_ok == (pass == 0))
				set->sub_idx[set->nb_paths++] = sub->idx;
	if (set->nb_paths == 0)
		return set;	/* every queue sees fs_empty_view */
	set->nb_rxq = priv->nb_rxq;
	set->nb_txq = priv->nb_txq;
	nb_views = set->nb_rxq + set->nb_txq;
	if (nb_views == 0)
		return set;
	set->views = aligned_alloc(RTE_CACHE_LINE_SIZE,
				   nb_views * sizeof(*set->views));
	if (set->views == NULL) {
		free(set);
		return NULL;
	}
	memset(set->views, 0, nb_views * sizeof(*set->views));
	fs_views_fill(priv, set);
	return set;
}

static bool
fs_reader_left(const struct fs_priv *priv, const struct fs_queue *q,
	       const struct fs_retired *r, uint64_t now)
{
	/* qsbr_cnt is public in rte_rcu_qsbr.h; the per-reader view is
	 * needed to combine it with the idle test below.
	 */
	uint64_t cnt = __atomic_load_n(&priv->qsbr->qsbr_cnt[q->reader_id].cnt,
				       __ATOMIC_ACQUIRE);

	/*
	 * A slot still offline has finished no burst yet, but may be inside
	 * its first one: only in_burst can tell.
	 */
	if (cnt != __RTE_QSBR_CNT_THR_OFFLINE && cnt >= r->token)
		return true;
	if (__atomic_load_n(&q->in_burst, __ATOMIC_ACQUIRE) != 0)
		return false;
	return priv->membarrier_ok || now >= r->deadline_ns;
}

static bool
fs_queues_left(struct fs_priv *priv, struct fs_queue *const *queues,
	       uint16_t nb, const struct fs_retired *r, uint64_t now)
{
	uint16_t i;

	for (i = 0; i < nb; i++)
		if (queues[i] != NULL &&
		    !fs_reader_left(priv, queues[i], r, now))
			return false;
	return true;
}

static bool
fs_grace_done(struct fs_priv *priv, const struct fs_retired *r)
{
	uint64_t now = fs_time_ns();

	return fs_queues_left(priv, priv->rxq, priv->nb_rxq, r, now) &&
		fs_queues_left(priv, priv->txq, priv->nb_txq, r, now);
}

/*
 * closing: where to leave the sub-devices to close for a caller that
 * closes them without the lock (fs_deferred.c); NULL closes them here.
 */
static void
fs_retired_finish(struct fs_priv *priv, struct fs_retired *r, uint32_t *closing)
{
	struct fs_sub *sub;

	fs_active_free(r->set);
	FS_FOREACH_SUB(priv, sub) {
		if (!(r->sub_mask & RTE_BIT32(sub->idx)))
			continue;
		if (closing == NULL)
			fs_sub_teardown(sub);
		else if (fs_sub_detach_begin(sub))
			*closing |= RTE_BIT32(sub->idx);
		else if (sub->state != FS_SUB_CLOSING)
			fs_sub_detach_end(sub);
	}
	free(r);
}

/* A grace period this old is worth a log line: it names the queue. */
#define FS_GRACE_WARN_NS	(1000ULL * 1000 * 1000)

static bool
fs_queue_holds(const struct fs_priv *priv, const struct fs_queue *q,
	       const struct fs_retired *r, uint64_t now)
{
	if (q == NULL || fs_reader_left(priv, q, r, now))
		return false;
	FS_PORT_LOG(WARNING, priv, "a grace period is %.0f ms old: %s queue %u holds it (qsbr %" PRIu64 ", token %" PRIu64 ", in burst %u)",
		    (now - r->born_ns) / 1e6, q->is_tx ? "tx" : "rx", q->qid,
		    __atomic_load_n(&priv->qsbr->qsbr_cnt[q->reader_id].cnt,
				    __ATOMIC_RELAXED),
		    r->token, (unsigned int)q->in_burst);
	return true;
}

/* Once per retired set: which queue keeps a sub-device from closing. */
static void
fs_grace_warn(struct fs_priv *priv, struct fs_retired *r)
{
	uint64_t now = fs_time_ns();
	uint16_t i;

	if (r->warned || now - r->born_ns < FS_GRACE_WARN_NS)
		return;
	r->warned = true;
	for (i = 0; i < priv->nb_rxq; i++)
		if (fs_queue_holds(priv, priv->rxq[i], r, now))
			return;
	for (i = 0; i < priv->nb_txq; i++)
		if (fs_queue_holds(priv, priv->txq[i], r, now))
			return;
}

/* Under priv->lock.  force: the caller knows no burst can run (port closed). */
void
fs_switch_reclaim(struct fs_priv *priv, bool force, uint32_t *closing)
{
	struct fs_retired **pr = &priv->retired;

	/* Sets retire in order: a later one cannot be done before an earlier. */
	while (*pr != NULL) {
		struct fs_retired *r = *pr;

		if (!force && !fs_grace_done(priv, r)) {
			fs_grace_warn(priv, r);
			break;
		}
		*pr = r->next;
		fs_retired_finish(priv, r, closing);
	}
	if (priv->retired != NULL)
		fs_alarm_arm(priv, FS_ALARM_FAST_US);
}

static int fs_switch_publish_links(struct fs_priv *priv, uint32_t teardown_mask,
				   bool fresh_links);

/*
 * Under priv->lock.  Publish the active set that matches the slots' states
 * now; sub-devices in teardown_mask are closed once the old set is unused.
 */
int
fs_switch_publish(struct fs_priv *priv, uint32_t teardown_mask)
{
	return fs_switch_publish_links(priv, teardown_mask, teardown_mask == 0);
}

/*
 * Under priv->lock: the kernel said the link is down.  Trust that and
 * read no other link: sysfs may not say so yet, and the kernel holds the
 * RTNL lock while it deletes an interface.
 */
int
fs_switch_link_down(struct fs_sub *sub)
{
	int ret;

	sub->link_ok = false;
	ret = fs_switch_publish_links(sub->priv, 0, false);
	if (ret < 0) {
		/* Not published: let the link watch see the change again. */
		sub->link_ok = true;
		FS_PORT_LOG(ERR, sub->priv, "cannot publish a new active set: out of memory");
	}
	return ret;
}

static int
fs_switch_publish_links(struct fs_priv *priv, uint32_t teardown_mask,
			bool fresh_links)
{
	struct fs_active *set = fs_active_build(priv, fresh_links, teardown_mask);
	struct fs_retired *r, **tail;
	struct fs_active *old;

	if (set == NULL)
		return -ENOMEM;
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		fs_active_free(set);
		return -ENOMEM;
	}
	old = priv->active;
	fs_views_publish(priv, set);
	fs_active_store(priv, set);
	priv->last_publish_ns = fs_time_ns();
	priv->switches++;
	r->set = old;
	r->sub_mask = teardown_mask;
	r->token = rte_rcu_qsbr_start(priv->qsbr);
	if (priv->membarrier_ok &&
	    fs_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0)
		priv->membarrier_ok = false;
	r->born_ns = fs_time_ns();
	r->deadline_ns = r->born_ns + FS_GRACE_NO_MB_NS;
	for (tail = &priv->retired; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = r;
	/* Teardown is slow (stop, close): the alarm does it, off this path. */
	fs_alarm_arm(priv, 1);
	return 0;
}

/*
 * Under priv->lock: finish every open grace period now, for callers that
 * must not return while a burst may still use a sub-device.
 */
int
fs_switch_wait(struct fs_priv *priv, unsigned int timeout_ms)
{
	uint64_t deadline = fs_time_ns() + timeout_ms * 1000000ULL;

	for (;;) {
		fs_switch_reclaim(priv, false, NULL);
		if (priv->retired == NULL)
			return 0;
		if (fs_time_ns() >= deadline)
			return -ETIMEDOUT;
		rte_pause();
	}
}

/*
 * Under priv->lock: wait until no burst can still see a set published
 * before now, without finishing any retired set (its teardowns stay with
 * the alarm).  Sets retire in order, so the newest one decides.  Past
 * the first check it sleeps: the lcore it waits for may share a core.
 */
int
fs_switch_sync(struct fs_priv *priv, unsigned int timeout_ms)
{
	uint64_t deadline = fs_time_ns() + timeout_ms * 1000000ULL;
	const struct fs_retired *last = priv->retired;

	if (last == NULL)
		return 0;
	while (last->next != NULL)
		last = last->next;
	while (!fs_grace_done(priv, last)) {
		if (fs_time_ns() >= deadline)
			return -ETIMEDOUT;
		rte_delay_us_sleep(20);
	}
	return 0;
}

/*
 * Under priv->lock: take a sub-device out of the datapath, close it later
 * (RETIRING).  The caller (fs_sub_remove) logs why.
 * Without memory for the new set it stays in, not retiring (which nothing
 * would ever finish), and the alarm tries again.
 */
int
fs_switch_remove_sub(struct fs_sub *sub, const char *why)
{
	struct fs_priv *priv = sub->priv;

	if (!fs_sub_usable(sub))
		return 0;
	/* Publish first: logging is a system call the switch need not wait for. */
	if (fs_switch_publish(priv, RTE_BIT32(sub->idx)) < 0) {
		sub->remove_retry = why;
		fs_alarm_arm(priv, FS_ALARM_FAST_US);
		FS_PORT_LOG(ERR, priv, "sub-device %u (%s) must leave (%s) but a new active set cannot be published: out of memory; retrying",
			    sub->idx, sub->dev_name, why);
		return -ENOMEM;
	}
	fs_sub_set_state(sub, FS_SUB_RETIRING, why);
	sub->removals++;
	sub->remove_retry = NULL;
	fs_link_refresh(priv);
	return 0;
}

/*
 * Under priv->lock (the alarm): a removal that could not be published.
 * A slot emptied meanwhile (its port released) is out of any set built
 * from now on; the one still published must be replaced all the same.
 */
void
fs_switch_remove_retry(struct fs_sub *sub)
{
	const char *why = "retried: the last publish ran out of memory";

	if (fs_sub_usable(sub)) {
		if (fs_switch_remove_sub(sub, sub->remove_retry) == 0)
			FS_PORT_LOG(NOTICE, sub->priv, "sub-device %u (%s) leaves: %s",
				    sub->idx, sub->dev_name, why);
		return;
	}
	if (fs_switch_publish(sub->priv, 0) < 0) {
		fs_alarm_arm(sub->priv, FS_ALARM_FAST_US);
		return;
	}
	sub->remove_retry = NULL;
	FS_PORT_LOG(NOTICE, sub->priv, "sub-device %u (%s) left: %s",
		    sub->idx, sub->dev_name, why);
	fs_link_refresh(sub->priv);
}
