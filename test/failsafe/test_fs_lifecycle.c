/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The fail-safe port through the ethdev API, with the EAL initialised
 * once and the plugin loaded with -d (fs_ethdev_common.c); here
 * configure/start/stop/close cycles, the driver's identity, API misuse,
 * and close while a callback of ours runs.
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
test_driver_is_ours(void **state)
{
	char fw[128] = "";
	uint16_t port = port_of("net_failsafe0");
	struct rte_eth_dev_info info;

	(void)state;
	assert_true(port < RTE_MAX_ETHPORTS);
	assert_int_equal(rte_eth_dev_fw_version_get(port, fw, sizeof(fw)), 0);
	assert_non_null(strstr(fw, "failsafe-uevent"));
	assert_int_equal(rte_eth_dev_info_get(port, &info), 0);
	assert_string_equal(info.driver_name, "net_failsafe");
	/* The sub-devices are owned by the fail-safe port. */
	assert_int_equal(xstat(port, "fs_sub0_state") >= 1, 1);
	assert_int_equal(xstat(port, "fs_sub1_state") >= 1, 1);
}

/* configure / start / stop / close, repeatedly, with 1..4 queues. */
static void
test_lifecycle_cycles(void **state)
{
	struct rte_eth_stats st;
	unsigned int round;
	uint16_t port, nq;
	int i;

	(void)state;
	for (round = 0; round < 3; round++) {
		port = fs_create("net_failsafe7",
				 "dev(net_null7),dev(net_null8),hotplug_poll=20");
		assert_true(port < RTE_MAX_ETHPORTS);
		for (nq = 1; nq <= 4; nq++) {
			uint64_t got = 0, txd = 0, n;

			port_setup(port, nq);
			for (i = 0; i < 3; i++) {
				assert_int_equal(rte_eth_dev_start(port), 0);
				n = forward_once(port, nq, &txd);
				assert_true(n > 0);
				got += n;
				assert_int_equal(rte_eth_dev_stop(port), 0);
			}
			/* net_null takes every packet it is given. */
			assert_int_equal(txd, got);
			stats_of(port, &st);
			assert_true(st.ipackets > 0);
			assert_true(st.opackets > 0);
		}
		assert_int_equal(rte_eth_dev_close(port), 0);
		assert_false(rte_eth_dev_is_valid_port(port));
		/* The sub-devices went with it. */
		assert_true(port_of("net_null7") == RTE_MAX_ETHPORTS);
		assert_true(port_of("net_null8") == RTE_MAX_ETHPORTS);
		assert_int_equal(rte_eal_hotplug_remove("vdev", "net_failsafe7"), 0);
	}
	assert_mempool_back();
}

/* Misuse of the API gets error codes, never a crash. */
static void
test_api_misuse(void **state)
{
	struct rte_eth_conf conf;
	uint16_t port;

	(void)state;
	port = fs_create("net_failsafe8", "dev(net_null5),hotplug_poll=20");
	assert_true(port < RTE_MAX_ETHPORTS);
	memset(&conf, 0, sizeof(conf));
	/* Start before configure. */
	assert_true(rte_eth_dev_start(port) < 0);
	port_setup(port, 2);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_int_equal(rte_eth_dev_start(port), 0);	/* already started */
	/* Reconfigure / close while started are refused. */
	assert_true(rte_eth_dev_configure(port, 1, 1, &conf) < 0);
	assert_true(rte_eth_dev_close(port) < 0);
	assert_true(rte_eth_rx_queue_setup(port, 0, 256, 0, NULL, mp) < 0);
	/* Queue ids out of range. */
	assert_true(rte_eth_dev_rx_queue_stop(port, 9) < 0);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	assert_int_equal(rte_eth_dev_stop(port), 0);	/* already stopped */
	/* Out-of-range MTU is refused and the old one stays. */
	assert_true(rte_eth_dev_set_mtu(port, 10) < 0);
	/* Restart after stop, reconfigure with fewer queues, restart. */
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(forward_once(port, 2, NULL) > 0);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	port_setup(port, 1);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(forward_once(port, 1, NULL) > 0);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	assert_int_equal(rte_eth_dev_close(port), 0);
	/* Second close: the port is gone, the call says so. */
	assert_true(rte_eth_dev_close(port) < 0);
	assert_true(rte_eth_dev_start(port) < 0);
	assert_int_equal(rte_eal_hotplug_remove("vdev", "net_failsafe8"), 0);
	/* Removing it again: no such device. */
	assert_true(rte_eal_hotplug_remove("vdev", "net_failsafe8") < 0);
	/* A port whose only sub-device cannot be probed still comes up. */
	port = fs_create("net_failsafe9", "dev(net_nosuchdriver0),hotplug_poll=20");
	assert_true(port < RTE_MAX_ETHPORTS);
	port_setup(port, 1);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_int_equal(forward_once(port, 1, NULL), 0);
	assert_int_equal(send_fresh(port, 0, 4), 0);
	fs_destroy("net_failsafe9");
	assert_mempool_back();
}

/*
 * Close while one of our callbacks runs in another thread: DPDK's
 * unregister says -EAGAIN then, and close must not free the port's
 * private data under it.  The test hook holds the callback inside.
 */
static volatile int slow_cb_inside, slow_cb_done;

static void
slow_cb_hook(void *arg)
{
	(void)arg;
	slow_cb_inside = 1;
	usleep(300 * 1000);
	slow_cb_done = 1;
}

static void *
dev_event_thread(void *arg)
{
	(void)arg;
	rte_dev_event_callback_process("net_nosuch40", RTE_DEV_EVENT_REMOVE);
	return NULL;
}

static void *
lsc_event_thread(void *arg)
{
	uint16_t *sp = arg;

	rte_eth_dev_callback_process(&rte_eth_devices[*sp],
				     RTE_ETH_EVENT_INTR_LSC, NULL);
	return NULL;
}

static void
close_under_callback(const char *name, const char *args, const char *sub,
		     void *(*fire)(void *))
{
	uint16_t port = fs_create(name, args);
	uint16_t sp = port_of(sub);
	pthread_t t;
	int i;

	assert_true(sp < RTE_MAX_ETHPORTS);
	slow_cb_inside = slow_cb_done = 0;
	priv_of(port)->cb_test_hook = slow_cb_hook;
	assert_int_equal(pthread_create(&t, NULL, fire, &sp), 0);
	for (i = 0; i < WAIT_MS && !slow_cb_inside; i++)
		usleep(1000);
	assert_true(slow_cb_inside);
	assert_int_equal(rte_eth_dev_close(port), 0);
	/* Returned only once the callback was out. */
	assert_true(slow_cb_done);
	pthread_join(t, NULL);
	assert_int_equal(rte_eal_hotplug_remove("vdev", name), 0);
}

static void
test_close_waits_for_running_callback(void **state)
{
	(void)state;
	close_under_callback("net_failsafe40", "dev(net_null40),uevent=on",
			     "net_null40", dev_event_thread);
	close_under_callback("net_failsafe41", "dev(net_null41),uevent=on",
			     "net_null41", lsc_event_thread);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_driver_is_ours),
		cmocka_unit_test(test_lifecycle_cycles),
		cmocka_unit_test(test_api_misuse),
		cmocka_unit_test(test_close_waits_for_running_callback),
	};

	return run_cases(tests);
}
