/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The ADD worker: one control thread per primary process, "fs-add", in
 * which every sub-device return runs (bind, resolve, probe, replay,
 * start, publish), in the order it was queued.
 *
 * Others only queue: lib/hotplug's monitor thread an ADD it matched
 * (fs_hotplug.c), the port alarm an ADD that waited for its slot, an
 * exec() command that answered or a hotplug_poll tick (fs_deferred.c).  So
 * the monitor is back for the next event (a REMOVE) at once, and the
 * interrupt thread never probes.  The application's thread still joins
 * sub-devices in dev_start, which it asked for and waits for, through
 * the same fs_sub_join_timed().
 *
 * One queue for every port of the process, an item naming its port and
 * what to do: one thread keeps the EAL's hotplug calls of ADDs in one
 * order, and a port closing drops its items and waits for the one
 * running (fs_worker_cancel).
 */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/queue.h>

#include "dpdk_compat.h"
#include "hotplug.h"

#include "fs_private.h"

#define FS_WORK_MAX	1024	/* items queued, all ports together */

enum fs_work_kind {
	FS_WORK_ADD,	/* an ADD event for the port */
	FS_WORK_JOIN,	/* exec() answers, hotplug_poll: fs_hotplug_join_run */
};

struct fs_work {
	TAILQ_ENTRY(fs_work) next;
	struct fs_priv *priv;
	enum fs_work_kind kind;
	struct hotplug_event ev;	/* FS_WORK_ADD */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t queued;		/* an item, or stop */
	pthread_cond_t done;		/* the running item finished */
	TAILQ_HEAD(, fs_work) queue;
	unsigned int nb_queued;
	struct fs_priv *busy;		/* the port of the running item */
	unsigned int users;		/* ports of this process */
	unsigned int gen;		/* of the thread that should run */
	bool running;
	bool stop;
	pthread_t tid;
} w = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.queued = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
	.queue = TAILQ_HEAD_INITIALIZER(w.queue),
};

bool
fs_worker_is_self(void)
{
	return w.running && pthread_equal(pthread_self(), w.tid);
}

static void
fs_work_run(struct fs_work *item)
{
	if (item->kind == FS_WORK_ADD)
		fs_hotplug_add_run(item->priv, &item->ev);
	else
		fs_hotplug_join_run(item->priv);
}

/*
 * arg: its generation.  One detached by a close from its own callback
 * ends even if a new port started the next one meanwhile.
 */
static void *
fs_worker_main(void *arg)
{
	unsigned int gen = (unsigned int)(uintptr_t)arg;
	struct fs_work *item;

	pthread_mutex_lock(&w.lock);
	while (!w.stop && w.gen == gen) {
		item = TAILQ_FIRST(&w.queue);
		if (item == NULL) {
			pthread_cond_wait(&w.queued, &w.lock);
			continue;
		}
		TAILQ_REMOVE(&w.queue, item, next);
		w.nb_queued--;
		w.busy = item->priv;
		pthread_mutex_unlock(&w.lock);
		fs_work_run(item);	/* may close the port (LSC callback) */
		free(item);
		pthread_mutex_lock(&w.lock);
		if (w.gen != gen)
			break;	/* a later worker owns busy */
		w.busy = NULL;
		pthread_cond_broadcast(&w.done);
	}
	pthread_mutex_unlock(&w.lock);
	return NULL;
}

/* At a primary port's probe: the first one starts the thread. */
int
fs_worker_get(void)
{
	int ret = 0;

	pthread_mutex_lock(&w.lock);
	if (w.users == 0 && !w.running) {
		w.stop = false;
		w.gen++;
		w.busy = NULL;	/* a detached predecessor's, if any */
		ret = hotplug_ctrl_thread_create(&w.tid, "fs-add", fs_worker_main,
						 (void *)(uintptr_t)w.gen);
		w.running = ret == 0;
	}
	if (ret == 0)
		w.users++;
	pthread_mutex_unlock(&w.lock);
	if (ret < 0)
		FS_LOG(ERR, "cannot start the ADD worker thread: %s",
		       strerror(-ret));
	return ret;
}

/* At a port's close, after fs_worker_cancel: the last one stops it. */
void
fs_worker_put(void)
{
	bool self = fs_worker_is_self();
	pthread_t tid;

	pthread_mutex_lock(&w.lock);
	if (w.users == 0 || --w.users > 0 || !w.running) {
		pthread_mutex_unlock(&w.lock);
		return;
	}
	w.stop = true;
	w.running = false;
	tid = w.tid;
	pthread_cond_broadcast(&w.queued);
	pthread_mutex_unlock(&w.lock);
	/* Closed from a callback the worker ran: it ends on its own. */
	if (self)
		pthread_detach(tid);
	else
		pthread_join(tid, NULL);
}

static int
fs_worker_push(struct fs_priv *priv, enum fs_work_kind kind,
	       const struct hotplug_event *ev)
{
	struct fs_work *item;
	int ret = 0;

	pthread_mutex_lock(&w.lock);
	if (!w.running || __atomic_load_n(&priv->closing, __ATOMIC_ACQUIRE)) {
		ret = -ENODEV;
		goto out;
	}
	if (kind == FS_WORK_JOIN)	/* one is enough: it looks at every slot */
		TAILQ_FOREACH(item, &w.queue, next)
			if (item->priv == priv && item->kind == FS_WORK_JOIN)
				goto out;
	if (w.nb_queued >= FS_WORK_MAX) {
		ret = -ENOSPC;
		goto out;
	}
	item = malloc(sizeof(*item));
	if (item == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	memset(item, 0, sizeof(*item));
	item->priv = priv;
	item->kind = kind;
	if (ev != NULL)
		item->ev = *ev;
	TAILQ_INSERT_TAIL(&w.queue, item, next);
	w.nb_queued++;
	pthread_cond_signal(&w.queued);
out:
	pthread_mutex_unlock(&w.lock);
	return ret;
}

/* Any thread, port lock held or not. */
int
fs_worker_queue_add(struct fs_priv *priv, const struct hotplug_event *ev)
{
	int ret = fs_worker_push(priv, FS_WORK_ADD, ev);

	if (ret < 0 && ret != -ENODEV)
		FS_PORT_LOG(WARNING, priv, "ADD of %s not queued (%s): hotplug_poll may find it",
			    ev->name, strerror(-ret));
	return ret;
}

int
fs_worker_queue_join(struct fs_priv *priv)
{
	return fs_worker_push(priv, FS_WORK_JOIN, NULL);
}

/*
 * At close, port lock not held, priv->closing set and the alarm
 * cancelled (nothing queues for the port any more): drop its items and
 * wait for the one running, which sees closing at its next lock and
 * stops; the wait is one item's unlocked step at most, a bind
 * (FS_BIND_TIMEOUT_MS), a probe, a replay or a start.  From the worker itself (an LSC
 * callback closing the port) nothing runs but the caller.
 */
void
fs_worker_cancel(struct fs_priv *priv)
{
	struct fs_work *item, *tmp;
	bool self = fs_worker_is_self();

	pthread_mutex_lock(&w.lock);
	for (item = TAILQ_FIRST(&w.queue); item != NULL; item = tmp) {
		tmp = TAILQ_NEXT(item, next);
		if (item->priv != priv)
			continue;
		TAILQ_REMOVE(&w.queue, item, next);
		w.nb_queued--;
		free(item);
	}
	while (!self && w.busy == priv)
		pthread_cond_wait(&w.done, &w.lock);
	pthread_mutex_unlock(&w.lock);
}

/*
 * Test and debugging aid, exported for the tests' dlsym: wait until
 * nothing is queued or running, at most timeout_ms.  0, or -ETIMEDOUT.
 */
__attribute__((visibility("default"))) int
fs_worker_flush(unsigned int timeout_ms)
{
	uint64_t deadline = fs_time_ns() + timeout_ms * 1000000ULL;
	struct timespec ts;
	int ret = 0;

	pthread_mutex_lock(&w.lock);
	while (TAILQ_FIRST(&w.queue) != NULL || w.busy != NULL) {
		if (fs_time_ns() >= deadline) {
			ret = -ETIMEDOUT;
			break;
		}
		/* done is broadcast on the realtime clock: poll a little. */
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&w.done, &w.lock, &ts);
	}
	pthread_mutex_unlock(&w.lock);
	return ret;
}

/*
 * Under lock, held once, in the ADD worker: every slot that can join (a
 * hotplug_poll tick), or only those whose exec() command answered; each
 * probe, replay and start without the lock.  True when one joined the set.
 */
bool
fs_subs_join(struct fs_priv *priv, bool answered_only)
{
	bool changed = false;
	struct fs_sub *sub;

	FS_FOREACH_SUB(priv, sub) {
		bool was_active = fs_switch_in_set(priv, sub);

		if (fs_sub_leaving(sub))
			continue;
		if (answered_only ?
		    (!sub->exec.done || sub->state != FS_SUB_EMPTY) :
		    fs_hotplug_poll_held(sub))
			continue;
		if (fs_sub_join_timed(sub, NULL, 0) == 0 && priv->started &&
		    sub->state == FS_SUB_STARTED && !was_active)
			changed = true;
	}
	return changed;
}
