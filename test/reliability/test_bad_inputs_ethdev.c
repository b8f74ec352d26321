/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * API misuse of a fail-safe port through the ethdev API, with the EAL
 * initialised and the plugin loaded with -d: unknown ports, NULL
 * arguments, output arrays and buffers too small, double start/stop/
 * close, queue setup with out-of-range ids and bad sizes, bad RSS and
 * MAC arguments.  Every call returns an error (or the documented count)
 * and never writes past what it was given; the port forwards afterwards.
 * test/failsafe/test_fs_lifecycle.c covers the ordering misuses (start
 * before configure, configure while started); this one the arguments.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_flow.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "fs_test_eal.h"

#define CANARY 0xa5
#define FS_NAME "net_failsafe3"

static struct rte_mempool *mp;
static uint16_t port = RTE_MAX_ETHPORTS;

/* n bytes plus a guard band that must come back untouched */
static void *
guarded(size_t n)
{
	unsigned char *p = malloc(n + 64);

	assert_non_null(p);
	memset(p, CANARY, n + 64);
	return p;
}

static void
guard_intact(const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	for (i = n; i < n + 64; i++)
		assert_int_equal(c[i], CANARY);
}

static void
port_setup(uint16_t nq)
{
	struct rte_eth_conf conf;
	uint16_t q;

	memset(&conf, 0, sizeof(conf));
	assert_int_equal(rte_eth_dev_configure(port, nq, nq, &conf), 0);
	for (q = 0; q < nq; q++) {
		assert_int_equal(rte_eth_rx_queue_setup(port, q, 256,
			SOCKET_ID_ANY, NULL, mp), 0);
		assert_int_equal(rte_eth_tx_queue_setup(port, q, 256,
			SOCKET_ID_ANY, NULL), 0);
	}
}

static void
forwards(void)
{
	struct rte_mbuf *pkts[32];
	uint16_t n, i;

	n = rte_eth_rx_burst(port, 0, pkts, 32);
	assert_true(n > 0);	/* net_null RX always has packets */
	i = rte_eth_tx_burst(port, 0, pkts, n);
	for (; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
}

static void
test_unknown_ports(void **state)
{
	static const uint16_t bad[] = { RTE_MAX_ETHPORTS, RTE_MAX_ETHPORTS + 1,
		UINT16_MAX };
	struct rte_eth_dev_info info;
	struct rte_eth_stats st;
	struct rte_eth_link link;
	struct rte_eth_conf conf;
	struct rte_ether_addr mac;
	size_t i;

	(void)state;
	memset(&conf, 0, sizeof(conf));
	for (i = 0; i < RTE_DIM(bad); i++) {
		uint16_t p = bad[i];

		assert_true(rte_eth_dev_configure(p, 1, 1, &conf) < 0);
		assert_true(rte_eth_dev_start(p) < 0);
		assert_true(rte_eth_dev_stop(p) < 0);
		assert_true(rte_eth_dev_close(p) < 0);
		assert_true(rte_eth_dev_info_get(p, &info) < 0);
		assert_true(rte_eth_stats_get(p, &st) < 0);
		assert_true(rte_eth_stats_reset(p) < 0);
		assert_true(rte_eth_xstats_get(p, NULL, 0) < 0);
		assert_true(rte_eth_link_get_nowait(p, &link) < 0);
		assert_true(rte_eth_macaddr_get(p, &mac) < 0);
		assert_true(rte_eth_promiscuous_enable(p) < 0);
		assert_true(rte_eth_dev_set_mtu(p, 1500) < 0);
		assert_true(rte_eth_rx_queue_setup(p, 0, 256, 0, NULL, mp) < 0);
		assert_true(rte_eth_tx_queue_setup(p, 0, 256, 0, NULL) < 0);
	}
}

static void
test_null_arguments(void **state)
{
	struct rte_flow_error ferr;
	struct rte_flow_attr attr = { .ingress = 1 };

	(void)state;
	assert_int_equal(rte_eth_dev_info_get(port, NULL), -EINVAL);
	assert_int_equal(rte_eth_stats_get(port, NULL), -EINVAL);
	assert_int_equal(rte_eth_link_get_nowait(port, NULL), -EINVAL);
	assert_int_equal(rte_eth_macaddr_get(port, NULL), -EINVAL);
	assert_int_equal(rte_eth_dev_mac_addr_add(port, NULL, 0), -EINVAL);
	assert_true(rte_eth_dev_default_mac_addr_set(port, NULL) < 0);
	assert_true(rte_eth_dev_rss_reta_update(port, NULL, 64) < 0);
	assert_true(rte_eth_dev_rss_reta_query(port, NULL, 64) < 0);
	assert_true(rte_eth_dev_rss_hash_update(port, NULL) < 0);
	assert_true(rte_eth_dev_fw_version_get(port, NULL, 16) < 0);
	/* flows: NULL pattern and actions are refused with a reason */
	memset(&ferr, 0, sizeof(ferr));
	assert_true(rte_flow_validate(port, &attr, NULL, NULL, &ferr) < 0);
	assert_null(rte_flow_create(port, &attr, NULL, NULL, &ferr));
}

/* The PMD fills arrays it is given; never past their size. */
static void
test_short_outputs(void **state)
{
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *vals;
	uint64_t *ids_vals;
	uint64_t bad_id = UINT64_MAX / 2;
	char *fw;
	int n, m;

	(void)state;
	n = rte_eth_xstats_get_names(port, NULL, 0);
	assert_true(n > 10);
	assert_int_equal(rte_eth_xstats_get(port, NULL, 0), n);
	/* one entry short, then only one: the count, nothing written past */
	names = guarded(sizeof(*names) * (n - 1));
	m = rte_eth_xstats_get_names(port, names, n - 1);
	assert_int_equal(m, n);
	guard_intact(names, sizeof(*names) * (n - 1));
	free(names);
	vals = guarded(sizeof(*vals));
	m = rte_eth_xstats_get(port, vals, 1);
	assert_int_equal(m, n);
	guard_intact(vals, sizeof(*vals));
	free(vals);
	/* an id the port does not have */
	ids_vals = guarded(sizeof(uint64_t));
	assert_true(rte_eth_xstats_get_by_id(port, &bad_id, ids_vals, 1) < 0);
	guard_intact(ids_vals, sizeof(uint64_t));
	free(ids_vals);
	assert_true(rte_eth_xstats_get_id_by_name(port, "no_such_xstat",
		&bad_id) < 0);
	/* firmware version: a 4-byte buffer gets a terminated prefix and the
	 * size that was needed
	 */
	fw = guarded(4);
	m = rte_eth_dev_fw_version_get(port, fw, 4);
	assert_true(m > 4);
	assert_int_equal(strnlen(fw, 4), 3);
	guard_intact(fw, 4);
	free(fw);
	assert_int_equal(rte_eth_xstats_reset(port), 0);
}

static void
test_queue_ids(void **state)
{
	struct rte_eth_dev_info info;

	(void)state;
	assert_int_equal(rte_eth_dev_info_get(port, &info), 0);
	/* configured with 2 queues: 2, 1000 and 65535 are out of range */
	assert_true(rte_eth_rx_queue_setup(port, 2, 256, 0, NULL, mp) < 0);
	assert_true(rte_eth_tx_queue_setup(port, 2, 256, 0, NULL) < 0);
	assert_true(rte_eth_rx_queue_setup(port, 1000, 256, 0, NULL, mp) < 0);
	assert_true(rte_eth_tx_queue_setup(port, UINT16_MAX, 256, 0, NULL) < 0);
	assert_true(rte_eth_rx_queue_setup(port, 0, 256, 0, NULL, NULL) < 0);
	assert_true(rte_eth_rx_queue_setup(port, 0, UINT16_MAX, 0, NULL, mp) < 0 ||
		info.rx_desc_lim.nb_max >= UINT16_MAX);
	assert_true(rte_eth_dev_rx_queue_start(port, 2) < 0);
	assert_true(rte_eth_dev_tx_queue_stop(port, UINT16_MAX) < 0);
	/* more queues than the port offers */
	{
		struct rte_eth_conf conf;

		memset(&conf, 0, sizeof(conf));
		assert_true(rte_eth_dev_configure(port, info.max_rx_queues + 1,
			1, &conf) < 0);
	}
	/* the refused calls left the port as it was */
	port_setup(2);
	assert_int_equal(rte_eth_dev_start(port), 0);
	forwards();
	assert_int_equal(rte_eth_dev_stop(port), 0);
}

static void
test_bad_values(void **state)
{
	struct rte_ether_addr zero = { { 0 } };
	struct rte_ether_addr mcast = { { 0x01, 0, 0, 0, 0, 1 } };
	struct rte_eth_rss_conf rss;
	uint8_t key[7] = { 0 };
	uint16_t mtu, mtu2;

	(void)state;
	assert_true(rte_eth_dev_mac_addr_add(port, &zero, 0) < 0);
	assert_true(rte_eth_dev_default_mac_addr_set(port, &mcast) < 0);
	assert_true(rte_eth_dev_mac_addr_remove(port, &mcast) <= 0);
	assert_int_equal(rte_eth_dev_get_mtu(port, &mtu), 0);
	assert_true(rte_eth_dev_set_mtu(port, 0) < 0);
	assert_int_equal(rte_eth_dev_get_mtu(port, &mtu2), 0);
	assert_int_equal(mtu, mtu2);	/* refused: nothing half applied */
	memset(&rss, 0, sizeof(rss));
	rss.rss_key = key;
	rss.rss_key_len = sizeof(key);	/* no PMD takes a 7-byte key */
	rss.rss_hf = RTE_ETH_RSS_IP;
	assert_true(rte_eth_dev_rss_hash_update(port, &rss) < 0);
	assert_true(rte_eth_dev_vlan_filter(port, 4096, 1) < 0);
	/* a NULL list of 4096: refused by ethdev before the PMD */
	assert_true(rte_eth_dev_set_mc_addr_list(port, NULL, 4096) < 0);
	/* still forwards */
	assert_int_equal(rte_eth_dev_start(port), 0);
	forwards();
	assert_int_equal(rte_eth_dev_stop(port), 0);
}

static void
test_double_lifecycle(void **state)
{
	(void)state;
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(rte_eth_dev_close(port) < 0);	/* started: refused */
	forwards();
	assert_int_equal(rte_eth_dev_stop(port), 0);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	assert_int_equal(rte_eth_dev_close(port), 0);
	assert_true(rte_eth_dev_close(port) < 0);
	assert_true(rte_eth_dev_stop(port) < 0);
	assert_true(rte_eth_dev_start(port) < 0);
	assert_true(rte_eth_stats_reset(port) < 0);
	assert_int_equal(rte_eal_hotplug_remove("vdev", FS_NAME), 0);
	assert_true(rte_eal_hotplug_remove("vdev", FS_NAME) < 0);
	/* and a new port of the same name works */
	assert_int_equal(rte_eal_hotplug_add("vdev", FS_NAME,
		"dev(net_null3),hotplug_poll=20"), 0);
	assert_int_equal(rte_eth_dev_get_port_by_name(FS_NAME, &port), 0);
	port_setup(1);
	assert_int_equal(rte_eth_dev_start(port), 0);
	forwards();
	assert_int_equal(rte_eth_dev_stop(port), 0);
	assert_int_equal(rte_eth_dev_close(port), 0);
	assert_int_equal(rte_eal_hotplug_remove("vdev", FS_NAME), 0);
	assert_int_equal(rte_mempool_in_use_count(mp), 0);
}

static int
setup(void **state)
{
	struct fs_test_eal e;

	if (fs_test_eal_args(&e, NULL, "0", true) != 0 ||
	    (mp = fs_test_eal_init_pool(&e, "badin_mp", 4095, 0)) == NULL)
		return -1;
	*state = mp;
	if (rte_eal_hotplug_add("vdev", FS_NAME,
			"dev(net_null3),dev(net_null4),hotplug_poll=20") != 0 ||
			rte_eth_dev_get_port_by_name(FS_NAME, &port) != 0)
		return -1;
	{
		struct rte_eth_conf conf;
		uint16_t q;

		memset(&conf, 0, sizeof(conf));
		if (rte_eth_dev_configure(port, 2, 2, &conf) != 0)
			return -1;
		for (q = 0; q < 2; q++)
			if (rte_eth_rx_queue_setup(port, q, 256, SOCKET_ID_ANY,
					NULL, mp) != 0 ||
					rte_eth_tx_queue_setup(port, q, 256,
					SOCKET_ID_ANY, NULL) != 0)
				return -1;
	}
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_ports),
		cmocka_unit_test(test_null_arguments),
		cmocka_unit_test(test_short_outputs),
		cmocka_unit_test(test_queue_ids),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_double_lifecycle),
	};

	return cmocka_run_group_tests(tests, setup, fs_test_eal_teardown);
}
