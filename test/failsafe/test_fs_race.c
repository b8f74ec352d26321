/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Datapath race: two lcores forward through one fail-safe port (one queue
 * each) while the main lcore takes sub-devices away and lets hotplug_poll
 * bring them back, 1000 times.  Three lcores share the two cores
 * (--lcores 0@0,1@1,2@1), so a forwarding lcore is often preempted inside
 * a burst: the grace period has to wait for it, not assume it.
 *
 * What must hold afterwards: no crash; every mbuf back in the pool; the
 * port counted exactly the packets the application saw go through it (a
 * packet sent on a sub-device after its counters were folded, i.e. on a
 * closed sub-device, would be missing); its counters never went backwards.
 */

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <ethdev_driver.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "fs_ethdev_common.h"
#include "fs_test_eal.h"

#define RACE_NB_MBUF	4095
#define NB_QUEUES	2
#define RMV_CYCLES	1000
#define DESTROY_CYCLES	100
#define TOTAL_S		60	/* the whole test, whatever happens */

struct worker {
	uint16_t port;
	uint16_t queue;
	uint64_t rx;
	uint64_t tx;
	uint64_t bursts;
} __rte_cache_aligned;

static uint16_t fs_port;
static struct worker workers[NB_QUEUES];
static volatile bool stop_workers;

static bool
wait_sub_started(unsigned int sub)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	do {
		if (sub_xstat(fs_port, sub, "state") == SUB_STARTED &&
		    sub_xstat(fs_port, sub, "active") == 1)
			return true;
		usleep(200);
	} while (now_ms() < deadline);
	return false;
}

static int
forward_loop(void *arg)
{
	struct worker *w = arg;
	struct rte_mbuf *pkts[BURST];
	uint16_t n, s;

	while (!__atomic_load_n(&stop_workers, __ATOMIC_RELAXED)) {
		n = rte_eth_rx_burst(w->port, w->queue, pkts, BURST);
		s = rte_eth_tx_burst(w->port, w->queue, pkts, n);
		if (s < n)
			rte_pktmbuf_free_bulk(pkts + s, n - s);
		w->rx += n;
		w->tx += s;
		w->bursts++;
	}
	return 0;
}

static void
workers_start(void)
{
	unsigned int lcore, i = 0;

	stop_workers = false;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (i == NB_QUEUES)
			break;
		memset(&workers[i], 0, sizeof(workers[i]));
		workers[i].port = fs_port;
		workers[i].queue = i;
		assert_int_equal(rte_eal_remote_launch(forward_loop, &workers[i],
						       lcore), 0);
		i++;
	}
	assert_int_equal(i, NB_QUEUES);
}

static void
workers_stop(uint64_t *rx, uint64_t *tx, uint64_t *bursts)
{
	unsigned int i;

	__atomic_store_n(&stop_workers, true, __ATOMIC_RELAXED);
	rte_eal_mp_wait_lcore();
	*rx = *tx = *bursts = 0;
	for (i = 0; i < NB_QUEUES; i++) {
		*rx += workers[i].rx;
		*tx += workers[i].tx;
		*bursts += workers[i].bursts;
	}
}

static void
port_start(void)
{
	port_setup(fs_port, NB_QUEUES);
	assert_int_equal(rte_eth_stats_reset(fs_port), 0);
	assert_int_equal(rte_eth_dev_start(fs_port), 0);
	assert_true(wait_sub_started(0));
	assert_true(wait_sub_started(1));
}

/* Stats never go backwards; returns the new reading. */
static void
check_monotonic(struct rte_eth_stats *last)
{
	struct rte_eth_stats st;

	assert_int_equal(rte_eth_stats_get(fs_port, &st), 0);
	if (st.ipackets < last->ipackets || st.opackets < last->opackets)
		fail_msg("port stats went backwards: ipackets %" PRIu64 " -> %" PRIu64
			 ", opackets %" PRIu64 " -> %" PRIu64, last->ipackets,
			 st.ipackets, last->opackets, st.opackets);
	*last = st;
}

static void
check_after(uint64_t rx, uint64_t tx, uint64_t bursts, uint64_t t0)
{
	struct rte_eth_stats st;

	assert_int_equal(rte_eth_stats_get(fs_port, &st), 0);
	print_message("%" PRIu64 " bursts, rx %" PRIu64 " tx %" PRIu64
		      "; port ipackets %" PRIu64 " opackets %" PRIu64 "; %" PRIu64 " ms\n",
		      bursts, rx, tx, st.ipackets, st.opackets, now_ms() - t0);
	assert_true(rx > 0 && tx > 0);
	/* Exactly what the application saw: nothing lost, nothing sent late. */
	assert_int_equal(st.ipackets, rx);
	assert_int_equal(st.opackets, tx);
	assert_int_equal(rte_eth_dev_stop(fs_port), 0);
	assert_mempool_back();
}

/* Remove by RMV event (the PMD's own signal), re-add by hotplug_poll. */
static void
test_race_rmv(void **state)
{
	struct rte_eth_stats last;
	uint64_t rx, tx, bursts, t0 = now_ms(), removals;
	unsigned int i, k;
	char name[32];
	uint16_t sp;

	(void)state;
	memset(&last, 0, sizeof(last));
	port_start();
	workers_start();
	for (i = 0; i < RMV_CYCLES; i++) {
		k = i % 2;
		snprintf(name, sizeof(name), "net_null%u", k);
		if (!wait_sub_started(k)) {
			workers_stop(&rx, &tx, &bursts);
			fail_msg("cycle %u: sub-device %u did not come back in %d ms",
				 i, k, WAIT_MS);
		}
		sp = port_of(name);
		assert_true(sp < RTE_MAX_ETHPORTS);
		removals = sub_xstat(fs_port, k, "removals");
		rte_eth_dev_callback_process(&rte_eth_devices[sp],
					     RTE_ETH_EVENT_INTR_RMV, NULL);
		/* Immediate or deferred to the alarm: it must happen. */
		{
			uint64_t deadline = now_ms() + WAIT_MS;

			while (sub_xstat(fs_port, k, "removals") == removals &&
			       now_ms() < deadline)
				usleep(100);
		}
		if (sub_xstat(fs_port, k, "removals") == removals) {
			workers_stop(&rx, &tx, &bursts);
			fail_msg("cycle %u: RMV on sub-device %u was not acted on", i, k);
		}
		if (i % 50 == 0)
			check_monotonic(&last);
	}
	assert_true(wait_sub_started(0));
	assert_true(wait_sub_started(1));
	check_monotonic(&last);
	workers_stop(&rx, &tx, &bursts);
	assert_true(sub_xstat(fs_port, 0, "removals") >= RMV_CYCLES / 2);
	assert_true(sub_xstat(fs_port, 1, "removals") >= RMV_CYCLES / 2);
	check_after(rx, tx, bursts, t0);
}

/*
 * Removed behind the port's back (rte_eal_hotplug_remove releases the
 * sub-device's port while the lcores forward), re-added by hotplug_poll.
 */
static void
test_race_hotplug_remove(void **state)
{
	struct rte_eth_stats last;
	uint64_t rx, tx, bursts, t0 = now_ms();
	unsigned int i, k;
	char name[32];

	(void)state;
	memset(&last, 0, sizeof(last));
	port_start();
	workers_start();
	for (i = 0; i < DESTROY_CYCLES; i++) {
		k = i % 2;
		snprintf(name, sizeof(name), "net_null%u", k);
		/*
		 * Both back first: the EAL's hotplug calls are not safe against
		 * each other, so this remove must not meet the port's own
		 * re-probe of the other sub-device (see doc/guides/nics).
		 */
		if (!wait_sub_started(k) || !wait_sub_started(k ^ 1)) {
			workers_stop(&rx, &tx, &bursts);
			fail_msg("cycle %u: a sub-device did not come back in %d ms",
				 i, WAIT_MS);
		}
		if (rte_eal_hotplug_remove("vdev", name) != 0) {
			workers_stop(&rx, &tx, &bursts);
			fail_msg("cycle %u: rte_eal_hotplug_remove(%s) failed", i, name);
		}
		if (i % 10 == 0)
			check_monotonic(&last);
	}
	assert_true(wait_sub_started(0));
	assert_true(wait_sub_started(1));
	check_monotonic(&last);
	workers_stop(&rx, &tx, &bursts);
	check_after(rx, tx, bursts, t0);
}

static void
on_timeout(int sig)
{
	static const char msg[] = "test_fs_race: time limit reached, aborting\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

static int
race_setup(void **state)
{
	struct fs_test_eal e;

	if (fs_test_eal_args(&e, NULL, "0@0,1@1,2@1", true) != 0 ||
	    fs_test_eal_add(&e, "--vdev",
			    "net_failsafe0,dev(net_null0),dev(net_null1),hotplug_poll=1") != 0 ||
	    (mp = fs_test_eal_init_pool(&e, "fs_race_mp", RACE_NB_MBUF, 64)) == NULL)
		return -1;
	*state = mp;
	mp_start_in_use = rte_mempool_in_use_count(mp);
	fs_port = port_of("net_failsafe0");
	return fs_port == RTE_MAX_ETHPORTS ? -1 : 0;
}

static int
race_teardown(void **state)
{
	close_port(fs_port);
	return fs_test_eal_teardown(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_race_rmv),
		cmocka_unit_test(test_race_hotplug_remove),
	};

	/*
	 * A crash with lcores still forwarding cannot be recovered from:
	 * let it end the process at once instead of cmocka carrying on.
	 */
	setenv("CMOCKA_TEST_ABORT", "1", 0);
	signal(SIGALRM, on_timeout);
	alarm(TOTAL_S);
	cases_filter();
	return cmocka_run_group_tests(tests, race_setup, race_teardown);
}
