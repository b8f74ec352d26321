/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * kernel_rcu_expedite_begin/end on a fake sysfs tree: the knob goes to 1
 * for the outermost pair only and back as found; a knob at 1 is left
 * alone; a missing or odd knob is refused and nothing is held.
 */

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hotplug.h"
#include "kernel_rcu.h"
#include "fake_sysfs.h"

#define KNOB "kernel/rcu_expedited"

static const char *root;

static int
setup(void **state)
{
	char dir[PATH_MAX];

	(void)state;
	root = fake_sysfs_use();
	if (root == NULL)
		return -1;
	snprintf(dir, sizeof(dir), "%s/kernel", root);
	return mkdir(dir, 0755);
}

static char *
knob(void)
{
	static char buf[16];

	if (fake_sysfs_read(KNOB, buf, sizeof(buf)) < 0)
		return NULL;
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static void
test_nested_pairs_restore(void **state)
{
	(void)state;
	assert_int_equal(fake_sysfs_write(KNOB, "0\n"), 0);
	assert_int_equal(kernel_rcu_expedite_begin(), 0);
	assert_string_equal(knob(), "1");
	assert_int_equal(kernel_rcu_expedite_begin(), 0);
	assert_int_equal(kernel_rcu_expedite_depth(), 2);
	kernel_rcu_expedite_end();
	assert_string_equal(knob(), "1");
	kernel_rcu_expedite_end();
	assert_string_equal(knob(), "0");
	assert_int_equal(kernel_rcu_expedite_depth(), 0);
}

static void
test_already_expedited_left_alone(void **state)
{
	(void)state;
	assert_int_equal(fake_sysfs_write(KNOB, "1\n"), 0);
	assert_int_equal(kernel_rcu_expedite_begin(), 0);
	kernel_rcu_expedite_end();
	assert_string_equal(knob(), "1");
	/* Someone else turned it off meanwhile: ours owed nothing. */
	assert_int_equal(kernel_rcu_expedite_begin(), 0);
	assert_int_equal(fake_sysfs_write(KNOB, "0\n"), 0);
	kernel_rcu_expedite_end();
	assert_string_equal(knob(), "0");
}

static void
test_bad_knob_refused(void **state)
{
	char path[PATH_MAX];

	(void)state;
	assert_int_equal(fake_sysfs_write(KNOB, "2\n"), 0);
	assert_int_equal(kernel_rcu_expedite_begin(), -EINVAL);
	assert_int_equal(kernel_rcu_expedite_depth(), 0);
	assert_string_equal(knob(), "2");

	snprintf(path, sizeof(path), "%s/" KNOB, root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(kernel_rcu_expedite_begin(), -ENOENT);
	assert_int_equal(kernel_rcu_expedite_depth(), 0);
	assert_null(knob());
}

static void
test_end_without_begin(void **state)
{
	(void)state;
	assert_int_equal(fake_sysfs_write(KNOB, "0\n"), 0);
	kernel_rcu_expedite_end();
	assert_int_equal(kernel_rcu_expedite_depth(), 0);
	assert_string_equal(knob(), "0");
	/* Still usable afterwards. */
	assert_int_equal(kernel_rcu_expedite_begin(), 0);
	kernel_rcu_expedite_end();
	assert_string_equal(knob(), "0");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nested_pairs_restore, setup, fake_sysfs_teardown),
		cmocka_unit_test_setup_teardown(test_already_expedited_left_alone, setup, fake_sysfs_teardown),
		cmocka_unit_test_setup_teardown(test_bad_knob_refused, setup, fake_sysfs_teardown),
		cmocka_unit_test_setup_teardown(test_end_without_begin, setup, fake_sysfs_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
