/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The slot state machine (fs_slot.c) alone: its table of transitions,
 * a refused one leaves the state as it was and says so, every one is
 * logged at DEBUG with its cause, and the predicates other files ask.
 * No EAL: only rte_log is used.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fs_private.h"

int fs_logtype;

static struct fs_priv priv = { .name = "net_failsafe_slot" };

struct edge {
	enum fs_sub_state from, to;
};

/* The diagram of fs_slot.h, edge by edge. */
static const struct edge allowed[] = {
	{ FS_SUB_EMPTY, FS_SUB_PROBING },
	{ FS_SUB_PROBING, FS_SUB_PROBED },
	{ FS_SUB_PROBING, FS_SUB_EMPTY },
	{ FS_SUB_PROBED, FS_SUB_CONFIGURED },
	{ FS_SUB_PROBED, FS_SUB_CONFIGURING },
	{ FS_SUB_CONFIGURING, FS_SUB_CONFIGURED },
	{ FS_SUB_CONFIGURING, FS_SUB_PROBED },
	{ FS_SUB_PROBED, FS_SUB_RETIRING },
	{ FS_SUB_PROBED, FS_SUB_CLOSING },
	{ FS_SUB_CONFIGURED, FS_SUB_PROBED },
	{ FS_SUB_CONFIGURED, FS_SUB_STARTED },
	{ FS_SUB_CONFIGURED, FS_SUB_STARTING },
	{ FS_SUB_STARTING, FS_SUB_STARTED },
	{ FS_SUB_STARTING, FS_SUB_CONFIGURED },
	{ FS_SUB_CONFIGURED, FS_SUB_RETIRING },
	{ FS_SUB_CONFIGURED, FS_SUB_CLOSING },
	{ FS_SUB_STARTED, FS_SUB_CONFIGURED },
	{ FS_SUB_STARTED, FS_SUB_RETIRING },
	{ FS_SUB_STARTED, FS_SUB_CLOSING },
	{ FS_SUB_RETIRING, FS_SUB_CLOSING },
	{ FS_SUB_CLOSING, FS_SUB_EMPTY },
};

static bool
listed(enum fs_sub_state from, enum fs_sub_state to)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(allowed); i++)
		if (allowed[i].from == from && allowed[i].to == to)
			return true;
	return false;
}

static void
test_table_is_the_diagram(void **state)
{
	unsigned int from, to;

	(void)state;
	for (from = 0; from < FS_SUB_STATE_MAX; from++)
		for (to = 0; to < FS_SUB_STATE_MAX; to++)
			assert_int_equal(fs_sub_transition_allowed(from, to),
					 listed(from, to));
	assert_false(fs_sub_transition_allowed(FS_SUB_STATE_MAX, FS_SUB_EMPTY));
	assert_false(fs_sub_transition_allowed(FS_SUB_EMPTY, FS_SUB_STATE_MAX));
}

/* Each state has a name, and no two share one. */
static void
test_state_names(void **state)
{
	unsigned int a, b;

	(void)state;
	for (a = 0; a < FS_SUB_STATE_MAX; a++) {
		assert_string_not_equal(fs_sub_state_name(a), "invalid");
		for (b = a + 1; b < FS_SUB_STATE_MAX; b++)
			assert_string_not_equal(fs_sub_state_name(a),
						fs_sub_state_name(b));
	}
	assert_string_equal(fs_sub_state_name(FS_SUB_STATE_MAX), "invalid");
	assert_string_equal(fs_sub_state_name(FS_SUB_RETIRING), "retiring");
}


/* A whole life, each step logged once at DEBUG with its cause. */
static void
test_life_logged(void **state)
{
	static const enum fs_sub_state life[] = {
		FS_SUB_PROBING, FS_SUB_PROBED, FS_SUB_CONFIGURED,
		FS_SUB_STARTED, FS_SUB_RETIRING, FS_SUB_CLOSING, FS_SUB_EMPTY,
	};
	struct fs_sub sub = { .priv = &priv, .idx = 1 };
	char *text = NULL;
	size_t len = 0;
	unsigned int i;
	FILE *f;

	(void)state;
	f = open_memstream(&text, &len);
	assert_non_null(f);
	rte_openlog_stream(f);
	for (i = 0; i < RTE_DIM(life); i++)
		assert_int_equal(fs_sub_set_state(&sub, life[i], "a test"), 0);
	/* The same state again changes nothing and says nothing. */
	assert_int_equal(fs_sub_set_state(&sub, FS_SUB_EMPTY, "again"), 0);
	rte_openlog_stream(NULL);
	fclose(f);
	assert_int_equal(sub.state, FS_SUB_EMPTY);
	assert_non_null(strstr(text, "sub-device 1: empty -> probing (a test)"));
	assert_non_null(strstr(text, "sub-device 1: started -> retiring (a test)"));
	assert_non_null(strstr(text, "sub-device 1: closing -> empty (a test)"));
	assert_null(strstr(text, "again"));
	free(text);
}

/* A refused transition is a logged bug: the state stays, -EINVAL. */
static void
test_refused_is_logged(void **state)
{
	struct fs_sub sub = { .priv = &priv, .idx = 2 };
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	f = open_memstream(&text, &len);
	assert_non_null(f);
	rte_openlog_stream(f);
	assert_int_equal(fs_sub_set_state(&sub, FS_SUB_STARTED, "skipping"),
			 -EINVAL);
	sub.state = FS_SUB_RETIRING;
	assert_int_equal(fs_sub_set_state(&sub, FS_SUB_STARTED, "back"),
			 -EINVAL);
	assert_int_equal(fs_sub_set_state(&sub, FS_SUB_EMPTY, "no close"),
			 -EINVAL);
	rte_openlog_stream(NULL);
	fclose(f);
	assert_int_equal(sub.state, FS_SUB_RETIRING);
	assert_non_null(strstr(text, "bug: empty -> started refused (skipping)"));
	assert_non_null(strstr(text, "bug: retiring -> started refused (back)"));
	free(text);
}

static void
test_predicates(void **state)
{
	struct fs_sub sub = { .priv = &priv };
	unsigned int s;

	(void)state;
	for (s = 0; s < FS_SUB_STATE_MAX; s++) {
		sub.state = s;
		assert_int_equal(fs_sub_usable(&sub),
				 s == FS_SUB_PROBED || s == FS_SUB_CONFIGURED ||
				 s == FS_SUB_STARTED);
		assert_int_equal(fs_sub_configured(&sub),
				 s == FS_SUB_CONFIGURED || s == FS_SUB_STARTED);
		assert_int_equal(fs_sub_port_open(&sub),
				 s != FS_SUB_EMPTY && s != FS_SUB_CLOSING &&
				 s != FS_SUB_PROBING && s != FS_SUB_CONFIGURING &&
				 s != FS_SUB_STARTING);
		assert_int_equal(fs_sub_leaving(&sub),
				 s == FS_SUB_RETIRING || s == FS_SUB_CLOSING);
		assert_int_equal(fs_sub_unlocked_step(&sub),
				 s == FS_SUB_PROBING || s == FS_SUB_CONFIGURING ||
				 s == FS_SUB_STARTING);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_is_the_diagram),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_life_logged),
		cmocka_unit_test(test_refused_is_logged),
		cmocka_unit_test(test_predicates),
	};

	fs_logtype = rte_log_register("pmd.net.failsafe.slot_test");
	rte_log_set_level(fs_logtype, RTE_LOG_DEBUG);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
