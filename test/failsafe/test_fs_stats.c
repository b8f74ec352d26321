/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The fail-safe port through the ethdev API, with the EAL initialised
 * once and the plugin loaded with -d (fs_ethdev_common.c); here
 * statistics that never go backwards across a sub-device removed behind
 * the driver's back.
 */

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <ethdev_driver.h>
#include <rte_alarm.h>
#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "fs_ethdev_common.h"

static void
assert_stats_monotonic(const struct rte_eth_stats *a, const struct rte_eth_stats *b)
{
	if (b->ipackets < a->ipackets || b->opackets < a->opackets ||
	    b->ibytes < a->ibytes || b->obytes < a->obytes)
		fail_msg("stats went backwards: ipackets %" PRIu64 " -> %" PRIu64
			 ", opackets %" PRIu64 " -> %" PRIu64,
			 a->ipackets, b->ipackets, a->opackets, b->opackets);
}

/*
 * A sub-device removed behind the driver's back (rte_eal_hotplug_remove):
 * the port keeps forwarding on the other one, its statistics never go
 * backwards, and hotplug_poll brings the sub-device back.
 */
static void
test_stats_across_hotplug_remove(void **state)
{
	uint16_t port = port_of("net_failsafe0");
	struct rte_eth_stats a, b, c;
	uint64_t txd = 0, adds;
	int i;

	(void)state;
	port_start_both(port);
	/* From zero, so that the port's count can be compared with ours. */
	assert_int_equal(rte_eth_stats_reset(port), 0);
	for (i = 0; i < 100; i++)
		forward_once(port, 1, &txd);
	stats_of(port, &a);
	assert_true(a.ipackets > 0 && a.opackets > 0);
	adds = sub_xstat(port, 0, "additions");

	assert_int_equal(rte_eal_hotplug_remove("vdev", "net_null0"), 0);
	assert_true(port_of("net_null0") == RTE_MAX_ETHPORTS);
	/* No burst may reach the released port; the other one carries on. */
	for (i = 0; i < 100; i++)
		forward_once(port, 1, &txd);
	stats_of(port, &b);
	assert_stats_monotonic(&a, &b);
	assert_true(b.ipackets > a.ipackets);
	assert_true(b.opackets > a.opackets);
	assert_int_equal(xstat(port, "fs_tx_subdevice"), 1);

	/* hotplug_poll re-probes it; the datapath keeps running meanwhile. */
	{
		uint64_t deadline = now_ms() + WAIT_MS;

		while (now_ms() < deadline &&
		       !(sub_xstat(port, 0, "state") == SUB_STARTED &&
			 sub_xstat(port, 0, "additions") > adds)) {
			forward_once(port, 1, &txd);
			usleep(500);
		}
	}
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_STARTED);
	assert_true(port_of("net_null0") < RTE_MAX_ETHPORTS);
	assert_int_equal(xstat(port, "fs_tx_subdevice"), 0);
	for (i = 0; i < 100; i++)
		forward_once(port, 1, &txd);
	stats_of(port, &c);
	assert_stats_monotonic(&b, &c);
	assert_true(c.opackets > b.opackets);
	assert_int_equal(c.opackets, txd);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	assert_mempool_back();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_across_hotplug_remove),
	};

	/* FS_TEST_FILTER=test_name runs one test (by hand, while debugging). */
	if (getenv("FS_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("FS_TEST_FILTER"));
	private_netns();
	return cmocka_run_group_tests(tests, eal_setup, eal_teardown);
}
