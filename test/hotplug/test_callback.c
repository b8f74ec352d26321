/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/* Callback semantics: matching, errors, unregister from inside, waits. */

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hotplug.h"

struct counter {
	int calls;
	int ret;
};

static int
count_cb(const struct hotplug_event *ev, void *arg)
{
	struct counter *c = arg;

	(void)ev;
	c->calls++;
	return c->ret;
}

static void
fire(const char *name)
{
	struct hotplug_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.action = HOTPLUG_ACTION_CHANGE;
	ev.subsystem = HOTPLUG_SUBSYS_NET;
	snprintf(ev.name, sizeof(ev.name), "%s", name);
	hotplug_callback_process(&ev);
}

static void
test_match_by_name(void **state)
{
	struct counter all = { 0, 0 }, a = { 0, 0 }, b = { 0, 0 };

	(void)state;
	assert_int_equal(hotplug_callback_register(NULL, count_cb, &all), 0);
	assert_int_equal(hotplug_callback_register("a0", count_cb, &a), 0);
	assert_int_equal(hotplug_callback_register("0000:00:03.0", count_cb,
		&b), 0);
	assert_int_equal(hotplug_callback_register("a0", count_cb, &a),
		-EEXIST);
	fire("a0");
	fire("0000:00:03.0");
	fire("other");
	assert_int_equal(all.calls, 3);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 1);
	assert_int_equal(hotplug_callback_unregister(NULL, count_cb, &all), 0);
	assert_int_equal(hotplug_callback_unregister("a0", count_cb, &a), 0);
	assert_int_equal(hotplug_callback_unregister("0000:00:03.0", count_cb,
		&b), 0);
	fire("a0");
	assert_int_equal(a.calls, 1);
}

static void
test_unregister_errors(void **state)
{
	struct counter a = { 0, 0 }, other = { 0, 0 };

	(void)state;
	assert_int_equal(hotplug_callback_unregister("x", count_cb, &a),
		-ENOENT);
	assert_int_equal(hotplug_callback_register("x", count_cb, &a), 0);
	/* another arg, another name: not the registered triple */
	assert_int_equal(hotplug_callback_unregister("x", count_cb, &other),
		-ENOENT);
	assert_int_equal(hotplug_callback_unregister(NULL, count_cb, &a),
		-ENOENT);
	assert_int_equal(hotplug_callback_unregister("x", count_cb, &a), 0);
	assert_int_equal(hotplug_callback_unregister("x", count_cb, &a),
		-ENOENT);
	assert_int_equal(hotplug_callback_register("x", NULL, &a), -EINVAL);
}

static void
test_error_does_not_stop_others(void **state)
{
	struct counter bad = { 0, -EIO }, good = { 0, 0 };

	(void)state;
	assert_int_equal(hotplug_callback_register(NULL, count_cb, &bad), 0);
	assert_int_equal(hotplug_callback_register(NULL, count_cb, &good), 0);
	fire("e0");
	fire("e0");
	assert_int_equal(bad.calls, 2);
	assert_int_equal(good.calls, 2);
	hotplug_callback_unregister(NULL, count_cb, &bad);
	hotplug_callback_unregister(NULL, count_cb, &good);
}

static int
self_unregister_cb(const struct hotplug_event *ev, void *arg)
{
	struct counter *c = arg;

	(void)ev;
	c->calls++;
	assert_int_equal(hotplug_callback_unregister(NULL, self_unregister_cb,
		arg), 0);
	return 0;
}

/* Unregisters the next callback in the list, which must then not run. */
static struct counter victim;

static int
kill_next_cb(const struct hotplug_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	return hotplug_callback_unregister(NULL, count_cb, &victim);
}

static void
test_unregister_inside(void **state)
{
	struct counter self = { 0, 0 }, after = { 0, 0 };

	(void)state;
	assert_int_equal(hotplug_callback_register(NULL, self_unregister_cb,
		&self), 0);
	assert_int_equal(hotplug_callback_register(NULL, count_cb, &after), 0);
	fire("s0");
	fire("s0");
	assert_int_equal(self.calls, 1);
	assert_int_equal(after.calls, 2);
	hotplug_callback_unregister(NULL, count_cb, &after);

	memset(&victim, 0, sizeof(victim));
	assert_int_equal(hotplug_callback_register(NULL, kill_next_cb, NULL),
		0);
	assert_int_equal(hotplug_callback_register(NULL, count_cb, &victim),
		0);
	fire("s1");
	assert_int_equal(victim.calls, 0);
	hotplug_callback_unregister(NULL, kill_next_cb, NULL);
}

/* unregister from another thread returns only after the call ended. */
static volatile int slow_inside, slow_done;

static int
slow_cb(const struct hotplug_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	slow_inside = 1;
	usleep(200 * 1000);
	slow_done = 1;
	return 0;
}

static void *
fire_thread(void *arg)
{
	(void)arg;
	fire("w0");
	return NULL;
}

static void
test_unregister_waits(void **state)
{
	pthread_t t;
	int i;

	(void)state;
	assert_int_equal(hotplug_callback_register(NULL, slow_cb, NULL), 0);
	assert_int_equal(pthread_create(&t, NULL, fire_thread, NULL), 0);
	for (i = 0; i < 1000 && !slow_inside; i++)
		usleep(1000);
	assert_true(slow_inside);
	assert_int_equal(hotplug_callback_unregister(NULL, slow_cb, NULL), 0);
	assert_true(slow_done);
	pthread_join(t, NULL);
}

/*
 * unregister from a thread that is itself dispatching (another callback)
 * still waits for a call running in a third thread: the caller frees arg.
 */
static int
unregister_slow_cb(const struct hotplug_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	return hotplug_callback_unregister("w0", slow_cb, NULL);
}

static void
test_unregister_from_callback_waits(void **state)
{
	pthread_t t;
	int i;

	(void)state;
	slow_inside = slow_done = 0;
	assert_int_equal(hotplug_callback_register("w0", slow_cb, NULL), 0);
	assert_int_equal(hotplug_callback_register("k0", unregister_slow_cb,
		NULL), 0);
	assert_int_equal(pthread_create(&t, NULL, fire_thread, NULL), 0);
	for (i = 0; i < 1000 && !slow_inside; i++)
		usleep(1000);
	assert_true(slow_inside);
	fire("k0");
	assert_true(slow_done);
	pthread_join(t, NULL);
	assert_int_equal(hotplug_callback_unregister("k0", unregister_slow_cb,
		NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_by_name),
		cmocka_unit_test(test_unregister_errors),
		cmocka_unit_test(test_error_does_not_stop_others),
		cmocka_unit_test(test_unregister_inside),
		cmocka_unit_test(test_unregister_waits),
		cmocka_unit_test(test_unregister_from_callback_waits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
