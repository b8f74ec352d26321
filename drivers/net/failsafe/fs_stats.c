/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Port statistics are the sum of the present sub-devices plus what the
 * departed ones had counted (folded in fs_sub_teardown), so they never go
 * backwards across a removal.  Extended statistics are ours first, then
 * the sub-devices' own, prefixed "sub<N>_", at ids that never move.
 *
 * A secondary process reads the port's private data (shared memory)
 * without the port lock, which a process that dies inside would leave
 * held for the primary's monitor, and never follows the primary's heap
 * pointers (the active set, the learned names).  Nor does it read the
 * sub-devices' ports: the primary detaches them at any time, and the
 * secondary's EAL releases its view of such a port in another thread,
 * under a reader in the middle of rte_eth_stats_get (a crash seen once in
 * 40 attaches during yanks).  It reads the totals the primary publishes
 * at each of its own reads and at every alarm run (at least every
 * FS_LINK_WATCH_US while started), and our own extended entries; the
 * sub-devices' own entries need the names the primary learned, so they
 * are the primary's.
 */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_pause.h>

#include "hotplug.h"

#include "fs_private.h"

static void
fs_stats_add(struct rte_eth_stats *acc, const struct rte_eth_stats *st)
{
	acc->ipackets += st->ipackets;
	acc->opackets += st->opackets;
	acc->ibytes += st->ibytes;
	acc->obytes += st->obytes;
	acc->imissed += st->imissed;
	acc->ierrors += st->ierrors;
	acc->oerrors += st->oerrors;
	acc->rx_nombuf += st->rx_nombuf;
	fs_compat_stats_add_queues(acc, st);
}

/* Under lock: acc plus the present sub-devices. */
static void
fs_stats_total(struct fs_priv *priv, struct rte_eth_stats *stats)
{
	struct rte_eth_stats st;
	struct fs_sub *sub;

	*stats = priv->acc.st;
	FS_FOREACH_SUB(priv, sub)
		if (fs_sub_counts(sub) &&
		    rte_eth_stats_get(sub->port_id, &st) == 0)
			fs_stats_add(stats, &st);
}

/* Under lock: the totals a secondary reads, odd stats_seq while written. */
static void
fs_stats_publish(struct fs_priv *priv, const struct rte_eth_stats *stats)
{
	__atomic_fetch_add(&priv->stats_seq, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy(&priv->snap, stats, sizeof(priv->snap));
	__atomic_fetch_add(&priv->stats_seq, 1, __ATOMIC_RELEASE);
}

void
fs_stats_snapshot(struct fs_priv *priv)
{
	struct rte_eth_stats stats;

	fs_stats_total(priv, &stats);
	fs_stats_publish(priv, &stats);
}

void
fs_stats_fold(struct fs_sub *sub)
{
	struct rte_eth_stats st;

	if (fs_sub_counts(sub) && rte_eth_stats_get(sub->port_id, &st) == 0)
		fs_stats_add(&sub->priv->acc.st, &st);
}

int
fs_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats
	     FS_STATS_GET_QSTATS)
{
	struct fs_priv *priv = fs_priv(dev);

	pthread_mutex_lock(&priv->lock);
	fs_stats_total(priv, stats);
	fs_stats_publish(priv, stats);
	pthread_mutex_unlock(&priv->lock);
	return 0;
}

/* Under lock: what both resets do to our side. */
static void
fs_stats_acc_clear(struct fs_priv *priv)
{
	memset(&priv->acc, 0, sizeof(priv->acc));
}

int
fs_stats_reset(struct rte_eth_dev *dev)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_sub *sub;

	pthread_mutex_lock(&priv->lock);
	fs_stats_acc_clear(priv);
	FS_FOREACH_SUB(priv, sub)
		if (fs_sub_counts(sub))
			rte_eth_stats_reset(sub->port_id);
	fs_stats_snapshot(priv);
	pthread_mutex_unlock(&priv->lock);
	return 0;
}

/* A bounded wait for a writer that holds the sequence odd. */
#define FS_STATS_SEQ_TRIES 1000

/* Without the lock: the primary's last published totals. */
int
fs_stats_get_shared(struct rte_eth_dev *dev, struct rte_eth_stats *stats
		    FS_STATS_GET_QSTATS)
{
	struct fs_priv *priv = fs_priv(dev);
	uint32_t seq;
	unsigned int i;

	for (i = 0; i < FS_STATS_SEQ_TRIES; i++) {
		seq = __atomic_load_n(&priv->stats_seq, __ATOMIC_ACQUIRE);
		if ((seq & 1) == 0) {
			memcpy(stats, &priv->snap, sizeof(*stats));
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (__atomic_load_n(&priv->stats_seq, __ATOMIC_RELAXED) == seq)
				return 0;
		}
		rte_pause();
	}
	return -EAGAIN;
}

/* Our own counters: a name and how to read it. */
struct fs_xstat_def {
	const char *name;
	uint64_t (*read)(const struct fs_priv *priv, const struct fs_sub *sub);
};

static uint64_t
fs_x_active(const struct fs_priv *priv, const struct fs_sub *sub)
{
	RTE_SET_USED(sub);
	return __atomic_load_n(&priv->pub_nb_paths, __ATOMIC_RELAXED);
}

static uint64_t
fs_x_switches(const struct fs_priv *priv, const struct fs_sub *sub)
{
	RTE_SET_USED(sub);
	return priv->switches;
}

static uint64_t
fs_x_tx_sub(const struct fs_priv *priv, const struct fs_sub *sub)
{
	uint16_t tx = __atomic_load_n(&priv->pub_tx_sub, __ATOMIC_RELAXED);

	RTE_SET_USED(sub);
	return tx == UINT16_MAX ? UINT64_MAX : tx;
}

static const struct fs_xstat_def fs_port_xstats[] = {
	{ "fs_active_subdevices", fs_x_active },
	{ "fs_switches", fs_x_switches },
	{ "fs_tx_subdevice", fs_x_tx_sub },
};

/* Hotplug timings and counters, read by offset, named from their lists. */
struct fs_xstat_off {
	const char *name;
	size_t off;
};

static const struct fs_xstat_off fs_hp_xstats[] = {
#define FS_HP_XSTAT(field) \
	{ "fs_" #field, offsetof(struct fs_hotplug_times, field) },
	FS_HOTPLUG_TIMES(FS_HP_XSTAT)
#undef FS_HP_XSTAT
};

static const struct fs_xstat_off fs_monitor_xstats[] = {
#define FS_MON_XSTAT(field, name) \
	{ "fs_" name, offsetof(struct hotplug_monitor_stats, field) },
	HOTPLUG_MONITOR_STATS(FS_MON_XSTAT)
#undef FS_MON_XSTAT
};

static uint64_t
fs_x_state(const struct fs_priv *priv, const struct fs_sub *sub)
{
	RTE_SET_USED(priv);
	return sub->state;
}

static uint64_t
fs_x_is_active(const struct fs_priv *priv, const struct fs_sub *sub)
{
	/* Not priv->active: a secondary reads this too (shared walk). */
	return !!(__atomic_load_n(&priv->pub_active_mask, __ATOMIC_RELAXED) &
		  RTE_BIT32(sub->idx));
}

/* fs_x_removals() and the like: a slot's counter. */
#define FS_SUB_X_READ(field) \
static uint64_t \
fs_x_##field(const struct fs_priv *priv, const struct fs_sub *sub) \
{ \
	RTE_SET_USED(priv); \
	return sub->field; \
}
FS_SUB_COUNTERS(FS_SUB_X_READ)
#undef FS_SUB_X_READ

static const struct fs_xstat_def fs_sub_xstats[] = {
	{ "state", fs_x_state },
	{ "active", fs_x_is_active },
#define FS_SUB_XSTAT(field) { #field, fs_x_##field },
	FS_SUB_COUNTERS(FS_SUB_XSTAT)
#undef FS_SUB_XSTAT
};

/*
 * A sub-device's own xstats, fetched once per walk.  Names are looked up
 * through the hint of each learned entry, so a walk stays linear.
 */
struct fs_sub_xs {
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *vals;
	int cnt;
};

static void
fs_sub_xs_fetch(const struct fs_sub *sub, struct fs_sub_xs *xs)
{
	int cnt;

	memset(xs, 0, sizeof(*xs));
	if (!fs_sub_counts(sub))
		return;
	cnt = rte_eth_xstats_get_names(sub->port_id, NULL, 0);
	if (cnt <= 0)
		return;
	xs->names = calloc(cnt, sizeof(*xs->names));
	xs->vals = calloc(cnt, sizeof(*xs->vals));
	if (xs->names != NULL && xs->vals != NULL &&
	    rte_eth_xstats_get_names(sub->port_id, xs->names, cnt) == cnt &&
	    rte_eth_xstats_get(sub->port_id, xs->vals, cnt) == cnt) {
		xs->cnt = cnt;
		return;
	}
	free(xs->names);
	free(xs->vals);
	memset(xs, 0, sizeof(*xs));
}

static int
fs_sub_xs_find(const struct fs_sub_xs *xs, struct fs_xname *e)
{
	int i;

	if (e->hint < (uint32_t)xs->cnt &&
	    strcmp(xs->names[e->hint].name, e->name) == 0)
		return e->hint;
	for (i = 0; i < xs->cnt; i++)
		if (strcmp(xs->names[i].name, e->name) == 0) {
			e->hint = i;
			return i;
		}
	return -1;
}

/* Append the names a present sub-device shows for the first time. */
static void
fs_xnames_learn(struct fs_priv *priv, uint8_t slot, const struct fs_sub_xs *xs)
{
	struct fs_xname *e;
	int i;
	unsigned int j;

	for (i = 0; i < xs->cnt; i++) {
		bool known = false;

		for (j = 0; j < priv->nb_xnames && !known; j++)
			known = priv->xnames[j].slot == slot &&
				strcmp(priv->xnames[j].name, xs->names[i].name) == 0;
		if (known)
			continue;
		if (priv->nb_xnames == FS_XNAMES_MAX)
			return;
		if (priv->nb_xnames == priv->cap_xnames) {
			unsigned int cap = RTE_MAX(64u, priv->cap_xnames * 2);

			e = realloc(priv->xnames, cap * sizeof(*e));
			if (e == NULL)
				return;
			priv->xnames = e;
			priv->cap_xnames = cap;
		}
		e = &priv->xnames[priv->nb_xnames++];
		e->slot = slot;
		e->hint = i;
		snprintf(e->name, sizeof(e->name), "%s", xs->names[i].name);
	}
}

void
fs_xstats_forget(struct fs_priv *priv)
{
	free(priv->xnames);
	priv->xnames = NULL;
	priv->nb_xnames = 0;
	priv->cap_xnames = 0;
}

/* Where a walk puts what it finds: names, values, or only the count. */
struct fs_xs_out {
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *vals;
	unsigned int size;
	unsigned int n;
};

static void
fs_xs_put(struct fs_xs_out *o, const char *name, uint64_t value)
{
	if (o->n < o->size && o->names != NULL)
		snprintf(o->names[o->n].name, sizeof(o->names[o->n].name),
			 "%s", name);
	if (o->n < o->size && o->vals != NULL) {
		o->vals[o->n].id = o->n;
		o->vals[o->n].value = value;
	}
	o->n++;
}

static uint64_t
fs_xs_u64_at(const void *base, size_t off)
{
	return *(const uint64_t *)((const char *)base + off);
}

/* Entries read from the shared private data alone: any process. */
static void
fs_xstats_walk_shared(const struct fs_priv *priv, struct fs_xs_out *o)
{
	const struct fs_sub *sub;
	unsigned int i;

	for (i = 0; i < RTE_DIM(fs_port_xstats); i++)
		fs_xs_put(o, fs_port_xstats[i].name,
			  fs_port_xstats[i].read(priv, NULL));
	for (i = 0; i < RTE_DIM(fs_hp_xstats); i++)
		fs_xs_put(o, fs_hp_xstats[i].name,
			  fs_xs_u64_at(&priv->hp, fs_hp_xstats[i].off));
	FS_FOREACH_SUB(priv, sub) {
		for (i = 0; i < RTE_DIM(fs_sub_xstats); i++) {
			char nm[RTE_ETH_XSTATS_NAME_SIZE];

			snprintf(nm, sizeof(nm), "fs_sub%u_%s", sub->idx,
				 fs_sub_xstats[i].name);
			fs_xs_put(o, nm, fs_sub_xstats[i].read(priv, sub));
		}
	}
}

/* This process's uevent monitor: the primary's, the one that runs. */
static void
fs_xstats_walk_monitor(struct fs_xs_out *o)
{
	struct hotplug_monitor_stats mon;
	unsigned int i;

	hotplug_monitor_stats_get(&mon);
	for (i = 0; i < RTE_DIM(fs_monitor_xstats); i++)
		fs_xs_put(o, fs_monitor_xstats[i].name,
			  fs_xs_u64_at(&mon, fs_monitor_xstats[i].off));
}

/* The sub-devices' own entries, by the names learned so far (primary). */
static void
fs_xstats_walk_subs(struct fs_priv *priv, struct fs_xs_out *o)
{
	struct fs_sub_xs xs[FS_MAX_SUBDEVS];
	struct fs_sub *sub;
	unsigned int i;

	FS_FOREACH_SUB(priv, sub) {
		fs_sub_xs_fetch(sub, &xs[sub->idx]);
		fs_xnames_learn(priv, sub->idx, &xs[sub->idx]);
	}
	for (i = 0; i < priv->nb_xnames; i++) {
		struct fs_xname *e = &priv->xnames[i];
		const struct fs_sub_xs *sx = &xs[e->slot];
		char nm[RTE_ETH_XSTATS_NAME_SIZE * 2];
		int k = fs_sub_xs_find(sx, e);

		snprintf(nm, sizeof(nm), "sub%u_%s", e->slot, e->name);
		fs_xs_put(o, nm, k < 0 ? 0 : sx->vals[k].value);
	}
	FS_FOREACH_SUB(priv, sub) {
		free(xs[sub->idx].names);
		free(xs[sub->idx].vals);
	}
}

/*
 * One walk serves names and values: it fills whichever array is given,
 * up to size entries, and returns how many there are in all.
 *
 * Applications such as OVS learn xstat ids once (at port configuration)
 * and then read by id, so an id keeps its meaning for the life of the
 * port: our own entries are fixed, and a sub-device's entries are learned
 * the first time they are seen, appended, and kept; while the slot is
 * empty, or its new device lacks a name, they read 0.  Under the lock.
 */
static int
fs_xstats_walk(struct fs_priv *priv, struct rte_eth_xstat_name *names,
	       struct rte_eth_xstat *vals, unsigned int size)
{
	struct fs_xs_out o = { .names = names, .vals = vals, .size = size };

	fs_xstats_walk_shared(priv, &o);
	fs_xstats_walk_monitor(&o);
	fs_xstats_walk_subs(priv, &o);
	return o.n;
}

int
fs_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats,
	      unsigned int n)
{
	struct fs_priv *priv = fs_priv(dev);
	int ret;

	pthread_mutex_lock(&priv->lock);
	ret = fs_xstats_walk(priv, NULL, xstats, xstats != NULL ? n : 0);
	pthread_mutex_unlock(&priv->lock);
	return ret;
}

int
fs_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
		    unsigned int size)
{
	struct fs_priv *priv = fs_priv(dev);
	int ret;

	pthread_mutex_lock(&priv->lock);
	ret = fs_xstats_walk(priv, names, NULL, names != NULL ? size : 0);
	pthread_mutex_unlock(&priv->lock);
	return ret;
}

/*
 * A secondary process: the same first ids as the primary's, read without
 * the lock.  The monitor's counters live in the primary's memory and the
 * sub-devices' names in its heap, so the list stops before them.
 */
int
fs_xstats_get_shared(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats,
		     unsigned int n)
{
	struct fs_xs_out o = { .vals = xstats, .size = xstats != NULL ? n : 0 };

	fs_xstats_walk_shared(fs_priv(dev), &o);
	return o.n;
}

int
fs_xstats_get_names_shared(struct rte_eth_dev *dev,
			   struct rte_eth_xstat_name *names, unsigned int size)
{
	struct fs_xs_out o = { .names = names, .size = names != NULL ? size : 0 };

	fs_xstats_walk_shared(fs_priv(dev), &o);
	return o.n;
}

int
fs_xstats_reset(struct rte_eth_dev *dev)
{
	struct fs_priv *priv = fs_priv(dev);
	struct fs_sub *sub;

	/* ethdev calls this instead of stats_reset: reset both. */
	pthread_mutex_lock(&priv->lock);
	fs_stats_acc_clear(priv);
	FS_FOREACH_SUB(priv, sub) {
		if (!fs_sub_counts(sub))
			continue;
		rte_eth_xstats_reset(sub->port_id);
		rte_eth_stats_reset(sub->port_id);
	}
	fs_stats_snapshot(priv);
	pthread_mutex_unlock(&priv->lock);
	return 0;
}
