/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Device registry: name -> PRESENT / GONE, as the uevents (and sysfs, when
 * a device is tracked) say; what a consumer did with a device is its own
 * business, not kept here.  Resync compares it with sysfs, and the SIGBUS
 * net repairs the devices it says are tracked.  A fixed table bounds memory
 * however many devices the kernel reports: devices nobody tracks are kept
 * only while present and only while there is room, and give their room
 * to a device someone tracks (it needs the entry for its SIGBUS net and
 * its resync).
 */

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "hotplug_private.h"

#define REGISTRY_MAX 256

struct registry_entry {
	bool used;
	bool tracked;
	enum hotplug_device_state state;
	int ifindex;    /* net: the instance last seen; a re-add changes it */
	char name[HOTPLUG_NAME_MAX];
};

static struct registry_entry registry[REGISTRY_MAX];
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

static const char * const state_names[] = {
	[HOTPLUG_DEV_PRESENT] = "present",
	[HOTPLUG_DEV_GONE] = "gone",
};

const char *
hotplug_device_state_str(enum hotplug_device_state s)
{
	if ((unsigned int)s > HOTPLUG_DEV_GONE)
		return "unknown";
	return state_names[s];
}

static bool
name_valid(const char *name)
{
	size_t len;

	if (name == NULL)
		return false;
	len = strnlen(name, HOTPLUG_NAME_MAX);
	return len > 0 && len < HOTPLUG_NAME_MAX;
}

/* Called with registry_lock held. */
static struct registry_entry *
entry_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < REGISTRY_MAX; i++)
		if (registry[i].used && strcmp(registry[i].name, name) == 0)
			return &registry[i];
	return NULL;
}

/* Called with registry_lock held: a free entry, else an untracked one. */
static struct registry_entry *
entry_room(bool evict)
{
	unsigned int i;

	for (i = 0; i < REGISTRY_MAX; i++)
		if (!registry[i].used)
			return &registry[i];
	for (i = 0; evict && i < REGISTRY_MAX; i++)
		if (!registry[i].tracked) {
			HOTPLUG_LOG(DEBUG, "registry full: forgetting untracked %s",
				registry[i].name);
			return &registry[i];
		}
	return NULL;
}

/* Called with registry_lock held; evict: may take an untracked entry. */
static struct registry_entry *
entry_new(const char *name, enum hotplug_device_state state, bool evict)
{
	struct registry_entry *e = entry_room(evict);

	if (e != NULL) {
		memset(e, 0, sizeof(*e));
		e->used = true;
		e->state = state;
		snprintf(e->name, sizeof(e->name), "%s", name);
	}
	return e;
}

/* Called with registry_lock held. */
static void
entry_set_state(struct registry_entry *e, enum hotplug_device_state state)
{
	if (e->state == state)
		return;
	HOTPLUG_LOG(DEBUG, "%s: %s -> %s", e->name,
		hotplug_device_state_str(e->state),
		hotplug_device_state_str(state));
	e->state = state;
}

/* The current instance of a net device, 0 when absent or not net. */
static int
sysfs_ifindex(const char *name)
{
	int idx;

	if (hotplug_pci_addr_valid(name))
		return 0;
	idx = hotplug_ifname_to_ifindex(name);
	return idx > 0 ? idx : 0;
}

int
hotplug_device_track(const char *name)
{
	enum hotplug_device_state state;
	struct registry_entry *e;
	int ifindex = 0;
	int ret = 0;

	if (!name_valid(name))
		return -EINVAL;
	/* sysfs first, outside the lock: it may be slow. */
	state = hotplug_device_present(name) ? HOTPLUG_DEV_PRESENT :
		HOTPLUG_DEV_GONE;
	if (state == HOTPLUG_DEV_PRESENT)
		ifindex = sysfs_ifindex(name);
	pthread_mutex_lock(&registry_lock);
	e = entry_find(name);
	if (e == NULL)
		e = entry_new(name, state, true);
	if (e == NULL) {
		ret = -ENOSPC;
	} else {
		/*
		 * A device back without an ADD seen (a consumer found it by
		 * polling): sysfs says so.  Its absence there proves less: an
		 * ADD's sysfs directory may lag the event.
		 */
		if (state == HOTPLUG_DEV_PRESENT)
			entry_set_state(e, state);
		if (ifindex > 0)
			e->ifindex = ifindex;
		e->tracked = true;
	}
	pthread_mutex_unlock(&registry_lock);
	if (ret < 0)
		HOTPLUG_LOG(ERR, "device registry full (%d tracked devices): %s gets no SIGBUS safety net and no resync; untrack devices that went for good",
			REGISTRY_MAX, name);
	return ret;
}

int
hotplug_device_untrack(const char *name)
{
	struct registry_entry *e;
	int ret = -ENOENT;

	if (!name_valid(name))
		return -EINVAL;
	pthread_mutex_lock(&registry_lock);
	e = entry_find(name);
	if (e != NULL && e->tracked) {
		/* Present, it stays known like any untracked device. */
		e->tracked = false;
		if (e->state == HOTPLUG_DEV_GONE)
			e->used = false;
		ret = 0;
	}
	pthread_mutex_unlock(&registry_lock);
	return ret;
}

/* A copy of name's entry, read under the lock: 0, -EINVAL or -ENOENT. */
static int
entry_copy(const char *name, struct registry_entry *copy)
{
	struct registry_entry *e;
	int ret = -ENOENT;

	if (!name_valid(name))
		return -EINVAL;
	pthread_mutex_lock(&registry_lock);
	e = entry_find(name);
	if (e != NULL) {
		*copy = *e;
		ret = 0;
	}
	pthread_mutex_unlock(&registry_lock);
	return ret;
}

int
hotplug_device_state(const char *name)
{
	struct registry_entry e;
	int ret = entry_copy(name, &e);

	return ret < 0 ? ret : (int)e.state;
}

/* Called with registry_lock held: name is there (ADD). */
static void
registry_add(const char *name, int ifindex)
{
	static bool full_logged;
	struct registry_entry *e = entry_find(name);

	if (e == NULL) {
		e = entry_new(name, HOTPLUG_DEV_PRESENT, false);
		if (e == NULL && !full_logged)
			HOTPLUG_LOG(NOTICE, "device registry full (%d): untracked devices such as %s are not kept; tracked ones still are",
				REGISTRY_MAX, name);
		full_logged = full_logged || e == NULL;
	} else if (e->state == HOTPLUG_DEV_GONE) {
		entry_set_state(e, HOTPLUG_DEV_PRESENT);
	}
	if (e != NULL && ifindex > 0)
		e->ifindex = ifindex;
}

/* Called with registry_lock held: name is gone (REMOVE). */
static void
registry_remove(const char *name)
{
	struct registry_entry *e = entry_find(name);

	if (e == NULL)
		return;
	entry_set_state(e, HOTPLUG_DEV_GONE);
	if (!e->tracked)
		e->used = false;
}

/*
 * Only add, remove and move say something about presence; a move
 * (rename) is the old name gone and the new one there.
 */
void
hotplug_registry_apply(const struct hotplug_event *ev)
{
	if (ev->name[0] == '\0')
		return;
	pthread_mutex_lock(&registry_lock);
	switch (ev->action) {
	case HOTPLUG_ACTION_ADD:
		registry_add(ev->name, ev->ifindex);
		break;
	case HOTPLUG_ACTION_REMOVE:
		registry_remove(ev->name);
		break;
	case HOTPLUG_ACTION_MOVE:
		if (ev->old_name[0] != '\0')
			registry_remove(ev->old_name);
		registry_add(ev->name, ev->ifindex);
		break;
	default:
		break;
	}
	pthread_mutex_unlock(&registry_lock);
}

int
hotplug_registry_present(const char *name)
{
	int state = hotplug_device_state(name);

	if (state < 0)
		return state;
	return state != HOTPLUG_DEV_GONE;
}

int
hotplug_registry_ifindex(const char *name)
{
	struct registry_entry e;
	int ret = entry_copy(name, &e);

	return ret < 0 ? ret : e.ifindex;
}

unsigned int
hotplug_registry_tracked(char names[][HOTPLUG_NAME_MAX], unsigned int max)
{
	unsigned int i, n = 0;

	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < REGISTRY_MAX && n < max; i++) {
		if (!registry[i].used || !registry[i].tracked)
			continue;
		memcpy(names[n], registry[i].name, HOTPLUG_NAME_MAX);
		n++;
	}
	pthread_mutex_unlock(&registry_lock);
	return n;
}
