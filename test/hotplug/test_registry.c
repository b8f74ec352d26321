/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/* Registry transitions, driven by events and by the PMD's side. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotplug.h"

/* An empty sysfs tree: nothing is present unless an event says so. */
static int
setup(void **state)
{
	(void)state;
	return hotplug_sysfs_root_set("/nonexistent-sysfs-for-tests");
}

static void
event(enum hotplug_action action, const char *name)
{
	struct hotplug_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.action = action;
	ev.subsystem = HOTPLUG_SUBSYS_NET;
	snprintf(ev.name, sizeof(ev.name), "%s", name);
	snprintf(ev.ifname, sizeof(ev.ifname), "%s", name);
	hotplug_callback_process(&ev);
}

static void
test_track_absent(void **state)
{
	(void)state;
	assert_int_equal(hotplug_device_state("r0"), -ENOENT);
	assert_int_equal(hotplug_device_track("r0"), 0);
	assert_int_equal(hotplug_device_track("r0"), 0); /* idempotent */
	assert_int_equal(hotplug_device_state("r0"), HOTPLUG_DEV_GONE);
	assert_int_equal(hotplug_device_untrack("r0"), 0);
	assert_int_equal(hotplug_device_untrack("r0"), -ENOENT);
	assert_int_equal(hotplug_device_track(NULL), -EINVAL);
	assert_int_equal(hotplug_device_track(""), -EINVAL);
}

static void
test_event_transitions(void **state)
{
	(void)state;
	assert_int_equal(hotplug_device_track("r1"), 0);
	event(HOTPLUG_ACTION_ADD, "r1");
	assert_int_equal(hotplug_device_state("r1"), HOTPLUG_DEV_PRESENT);
	/* a duplicate ADD changes nothing */
	event(HOTPLUG_ACTION_ADD, "r1");
	assert_int_equal(hotplug_device_state("r1"), HOTPLUG_DEV_PRESENT);
	/* change says nothing about presence */
	event(HOTPLUG_ACTION_CHANGE, "r1");
	assert_int_equal(hotplug_device_state("r1"), HOTPLUG_DEV_PRESENT);
	event(HOTPLUG_ACTION_REMOVE, "r1");
	assert_int_equal(hotplug_device_state("r1"), HOTPLUG_DEV_GONE);
	/* a tracked device stays known while absent */
	event(HOTPLUG_ACTION_ADD, "r1");
	assert_int_equal(hotplug_device_state("r1"), HOTPLUG_DEV_PRESENT);
	hotplug_device_untrack("r1");
}

static void
test_untracked_forgotten_on_remove(void **state)
{
	(void)state;
	event(HOTPLUG_ACTION_ADD, "u0");
	assert_int_equal(hotplug_device_state("u0"), HOTPLUG_DEV_PRESENT);
	event(HOTPLUG_ACTION_REMOVE, "u0");
	assert_int_equal(hotplug_device_state("u0"), -ENOENT);
	/* REMOVE of an unknown device creates nothing */
	event(HOTPLUG_ACTION_REMOVE, "u1");
	assert_int_equal(hotplug_device_state("u1"), -ENOENT);
}

static void
test_pmd_transitions(void **state)
{
	(void)state;
	assert_string_equal(hotplug_device_state_str(HOTPLUG_DEV_PRESENT),
		"present");
	assert_string_equal(hotplug_device_state_str(HOTPLUG_DEV_GONE),
		"gone");
	assert_string_equal(hotplug_device_state_str(
		(enum hotplug_device_state)7), "unknown");
}

static void
test_registry_full(void **state)
{
	char name[16];
	int i, ret = 0;

	(void)state;
	for (i = 0; i < 1000 && ret == 0; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		ret = hotplug_device_track(name);
	}
	assert_int_equal(ret, -ENOSPC);
	assert_true(i > 100);
	while (--i >= 0) {
		snprintf(name, sizeof(name), "f%d", i);
		hotplug_device_untrack(name);
	}
	assert_int_equal(hotplug_device_track("after"), 0);
}

/*
 * Devices nobody tracks (every ADD the kernel sends) must not crowd out a
 * device the PMD tracks: without an entry it has no SIGBUS net and no
 * resync.
 */
static void
test_untracked_make_room(void **state)
{
	char name[16];
	int i;

	(void)state;
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "u%d", i);
		event(HOTPLUG_ACTION_ADD, name);
	}
	assert_int_equal(hotplug_device_track("t0"), 0);
	assert_int_equal(hotplug_device_state("t0"), HOTPLUG_DEV_GONE);
	assert_int_equal(hotplug_device_untrack("t0"), 0);
	/* Untracked, a present device stays known while there is room. */
	event(HOTPLUG_ACTION_ADD, "t1");
	assert_int_equal(hotplug_device_track("t1"), 0);
	assert_int_equal(hotplug_device_untrack("t1"), 0);
	assert_int_equal(hotplug_device_state("t1"), HOTPLUG_DEV_PRESENT);
	assert_int_equal(hotplug_device_untrack("t1"), -ENOENT);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "u%d", i);
		event(HOTPLUG_ACTION_REMOVE, name);
	}
	event(HOTPLUG_ACTION_REMOVE, "t1");
}

/* A rename: the old name is gone, the new one is there. */
static void
test_move_is_remove_and_add(void **state)
{
	struct hotplug_event ev;

	(void)state;
	assert_int_equal(hotplug_device_track("mvA"), 0);
	event(HOTPLUG_ACTION_ADD, "mvA");
	assert_int_equal(hotplug_device_state("mvA"), HOTPLUG_DEV_PRESENT);
	memset(&ev, 0, sizeof(ev));
	ev.action = HOTPLUG_ACTION_MOVE;
	ev.subsystem = HOTPLUG_SUBSYS_NET;
	snprintf(ev.name, sizeof(ev.name), "mvB");
	snprintf(ev.ifname, sizeof(ev.ifname), "mvB");
	snprintf(ev.old_name, sizeof(ev.old_name), "mvA");
	hotplug_callback_process(&ev);
	assert_int_equal(hotplug_device_state("mvA"), HOTPLUG_DEV_GONE);
	assert_int_equal(hotplug_device_state("mvB"), HOTPLUG_DEV_PRESENT);
	assert_int_equal(hotplug_device_untrack("mvA"), 0);
	event(HOTPLUG_ACTION_REMOVE, "mvB");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_track_absent),
		cmocka_unit_test(test_event_transitions),
		cmocka_unit_test(test_untracked_forgotten_on_remove),
		cmocka_unit_test(test_pmd_transitions),
		cmocka_unit_test(test_registry_full),
		cmocka_unit_test(test_untracked_make_room),
		cmocka_unit_test(test_move_is_remove_and_add),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
