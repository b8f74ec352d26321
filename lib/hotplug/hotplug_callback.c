/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Event callbacks.  They run without any lock held, so a callback may
 * register or unregister (itself or others) and may take its own locks.
 * An entry that is running is pinned (refcount) and only marked removed;
 * whoever drops the last reference frees it, so the list walk never
 * follows a freed pointer.
 */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "hotplug_private.h"

struct callback {
	TAILQ_ENTRY(callback) next;
	char name[HOTPLUG_NAME_MAX]; /* "" = every device */
	hotplug_event_cb cb;
	void *arg;
	unsigned int running;        /* dispatchers inside cb right now */
	unsigned int waiters;        /* unregisters waiting for running == 0 */
	bool removed;
};

TAILQ_HEAD(callback_list, callback);

static struct callback_list callbacks = TAILQ_HEAD_INITIALIZER(callbacks);
static pthread_mutex_t callback_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t callback_idle = PTHREAD_COND_INITIALIZER;
/*
 * The entry this thread is running, for unregister's wait: waiting for
 * it would wait for ourselves, waiting for any other entry is needed.
 */
static __thread struct callback *running_here;

static int
name_key(const char *device_name, char *key)
{
	if (device_name == NULL) {
		key[0] = '\0';
		return 0;
	}
	if (device_name[0] == '\0' ||
			strnlen(device_name, HOTPLUG_NAME_MAX) >= HOTPLUG_NAME_MAX)
		return -EINVAL;
	snprintf(key, HOTPLUG_NAME_MAX, "%s", device_name);
	return 0;
}

/* Called with callback_lock held. */
static struct callback *
callback_find(const char *key, hotplug_event_cb cb, void *arg)
{
	struct callback *c;

	TAILQ_FOREACH(c, &callbacks, next)
		if (!c->removed && c->cb == cb && c->arg == arg &&
				strcmp(c->name, key) == 0)
			return c;
	return NULL;
}

int
hotplug_callback_register(const char *device_name, hotplug_event_cb cb,
		void *arg)
{
	char key[HOTPLUG_NAME_MAX];
	struct callback *c;
	int ret;

	if (cb == NULL || name_key(device_name, key) < 0)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	memcpy(c->name, key, sizeof(c->name));
	c->cb = cb;
	c->arg = arg;
	pthread_mutex_lock(&callback_lock);
	ret = callback_find(key, cb, arg) != NULL ? -EEXIST : 0;
	if (ret == 0)
		TAILQ_INSERT_TAIL(&callbacks, c, next);
	pthread_mutex_unlock(&callback_lock);
	if (ret < 0)
		free(c);
	return ret;
}

/* Called with callback_lock held: free if nobody runs it any more. */
static void
callback_release(struct callback *c)
{
	if (!c->removed || c->running > 0)
		return;
	if (c->waiters > 0) {
		/* the last waiter frees it */
		pthread_cond_broadcast(&callback_idle);
		return;
	}
	TAILQ_REMOVE(&callbacks, c, next);
	free(c);
}

int
hotplug_callback_unregister(const char *device_name, hotplug_event_cb cb,
		void *arg)
{
	char key[HOTPLUG_NAME_MAX];
	struct callback *c;

	if (cb == NULL || name_key(device_name, key) < 0)
		return -EINVAL;
	pthread_mutex_lock(&callback_lock);
	c = callback_find(key, cb, arg);
	if (c == NULL) {
		pthread_mutex_unlock(&callback_lock);
		return -ENOENT;
	}
	c->removed = true;
	/*
	 * Wait until calls running in other threads end, so that the caller
	 * may free arg; also from inside another callback, where returning
	 * early freed arg under a running call.  From inside the entry itself
	 * that would wait for ourselves: it is freed when the call returns.
	 */
	if (c != running_here) {
		c->waiters++;
		while (c->running > 0)
			pthread_cond_wait(&callback_idle, &callback_lock);
		c->waiters--;
	}
	callback_release(c);
	pthread_mutex_unlock(&callback_lock);
	return 0;
}

static bool
callback_matches(const struct callback *c, const struct hotplug_event *ev)
{
	return !c->removed && (c->name[0] == '\0' ||
		strcmp(c->name, ev->name) == 0);
}

static void
callback_run(struct callback *c, const struct hotplug_event *ev)
{
	int ret = c->cb(ev, c->arg);

	if (ret < 0)
		HOTPLUG_LOG(WARNING, "callback for %s on %s %s failed: %s",
			c->name[0] != '\0' ? c->name : "*",
			hotplug_action_str(ev->action), ev->name,
			strerror(-ret));
}

void
hotplug_callback_process(const struct hotplug_event *ev)
{
	struct callback *outer = running_here; /* a callback may dispatch */
	struct callback *c, *next;

	if (ev == NULL)
		return;
	hotplug_registry_apply(ev);
	pthread_mutex_lock(&callback_lock);
	for (c = TAILQ_FIRST(&callbacks); c != NULL; c = next) {
		if (callback_matches(c, ev)) {
			c->running++;
			pthread_mutex_unlock(&callback_lock);
			running_here = c;
			callback_run(c, ev);
			running_here = outer;
			pthread_mutex_lock(&callback_lock);
			c->running--;
		}
		next = TAILQ_NEXT(c, next);
		callback_release(c);
	}
	pthread_mutex_unlock(&callback_lock);
}
