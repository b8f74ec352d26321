/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The fail-safe port through the ethdev API, with the EAL initialised
 * once and the plugin loaded with -d (fs_ethdev_common.c); here queue
 * counts and bursts, queue start/stop over sub-devices that can and
 * cannot, and a port configured without RX queues.
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

/* Drain (bounded) everything a ring-backed port has looped back on queue q. */
static unsigned int
drain(uint16_t port, uint16_t q, bool check_q)
{
	struct rte_mbuf *pkts[BURST];
	unsigned int total = 0, idle = 0, i;
	uint16_t n;

	while (idle < 50 && total < 100000) {
		n = rte_eth_rx_burst(port, q, pkts, BURST);
		if (n == 0) {
			idle++;
			continue;
		}
		idle = 0;
		for (i = 0; i < n; i++) {
			if (check_q)
				assert_int_equal(rte_pktmbuf_mtod(pkts[i], char *)[63], (char)q);
		}
		total += n;
		rte_pktmbuf_free_bulk(pkts, n);
	}
	return total;
}

/* Every queue moves packets, and over net_ring they come back on their queue. */
static void
test_queue_counts(void **state)
{
	uint16_t port = port_of("net_failsafe1");
	struct rte_eth_stats st0, st1;
	uint16_t nq, q;

	(void)state;
	assert_true(port < RTE_MAX_ETHPORTS);
	for (nq = 1; nq <= 4; nq++) {
		port_setup(port, nq);
		assert_int_equal(rte_eth_dev_start(port), 0);
		stats_of(port, &st0);
		for (q = 0; q < nq; q++) {
			assert_int_equal(send_fresh(port, q, BURST), BURST);
			assert_int_equal(send_fresh(port, q, 7), 7);
		}
		for (q = 0; q < nq; q++)
			assert_int_equal(drain(port, q, true), BURST + 7);
		stats_of(port, &st1);
		assert_int_equal(st1.opackets - st0.opackets, nq * (BURST + 7));
		assert_int_equal(st1.ipackets - st0.ipackets, nq * (BURST + 7));
		assert_int_equal(rte_eth_dev_stop(port), 0);
	}
	assert_mempool_back();
}

/* RX one burst on queue q and free it; returns how many came. */
static uint16_t
rx_once(uint16_t port, uint16_t q)
{
	struct rte_mbuf *pkts[BURST];
	uint16_t n = rte_eth_rx_burst(port, q, pkts, BURST);

	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

/*
 * Queue start/stop over sub-devices that cannot (net_null): the port
 * stops the queue in its own datapath, so a stopped queue neither
 * receives nor sends, the other queue goes on, and start resumes it.
 */
static void
test_queue_stop_sub_cannot(void **state)
{
	struct rte_eth_dev_data *d;
	uint64_t sent;
	uint16_t port, s0, q;

	(void)state;
	port = fs_create("net_failsafe21", "dev(net_null62),dev(net_null63),hotplug_poll=20");
	assert_true(port < RTE_MAX_ETHPORTS);
	port_setup(port, 2);
	assert_int_equal(rte_eth_dev_start(port), 0);
	d = rte_eth_devices[port].data;
	s0 = port_of("net_null62");
	assert_true(rx_once(port, 1) > 0);
	assert_int_equal(rte_eth_dev_rx_queue_stop(port, 1), 0);
	assert_int_equal(rte_eth_dev_tx_queue_stop(port, 1), 0);
	assert_int_equal(d->rx_queue_state[1], RTE_ETH_QUEUE_STATE_STOPPED);
	assert_int_equal(d->tx_queue_state[1], RTE_ETH_QUEUE_STATE_STOPPED);
	/* net_null has no queue stop: its queues stay as they were. */
	for (q = 0; q < 2; q++)
		assert_int_equal(rte_eth_devices[s0].data->rx_queue_state[q],
				 RTE_ETH_QUEUE_STATE_STARTED);
	assert_int_equal(rx_once(port, 1), 0);
	assert_int_equal(send_counted(port, 1, s0, &sent), 0);
	assert_int_equal(sent, 0);
	/* queue 0 is untouched */
	assert_true(rx_once(port, 0) > 0);
	assert_int_equal(send_fresh(port, 0, BURST), BURST);
	assert_int_equal(rte_eth_dev_rx_queue_start(port, 1), 0);
	assert_int_equal(rte_eth_dev_tx_queue_start(port, 1), 0);
	assert_int_equal(d->rx_queue_state[1], RTE_ETH_QUEUE_STATE_STARTED);
	assert_true(rx_once(port, 1) > 0);
	assert_int_equal(send_fresh(port, 1, BURST), BURST);
	/* Already started: nothing to do, not an error (ethdev's rule). */
	assert_int_equal(rte_eth_dev_rx_queue_start(port, 1), 0);
	/* A port start starts every queue not set up for deferred start. */
	assert_int_equal(rte_eth_dev_rx_queue_stop(port, 1), 0);
	assert_int_equal(rx_once(port, 1), 0);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_int_equal(d->rx_queue_state[1], RTE_ETH_QUEUE_STATE_STARTED);
	assert_true(rx_once(port, 1) > 0);
	fs_destroy("net_failsafe21");
	assert_mempool_back();
}

/* An empty capture file: the pcap global header and no packet. */
static void
empty_pcap(const char *path)
{
	const uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(hdr, sizeof(hdr), 1, f), 1);
	assert_int_equal(fclose(f), 0);
}

/*
 * Queue stop/start over sub-devices that can (net_pcap): the state changes
 * on the port and on every sub-device, and the other queues keep going.
 */
static void
test_queue_stop_start(void **state)
{
	char rx[64], tx0[64], tx1[64], args[640];
	uint64_t sent;
	uint16_t port, s0, s1;

	(void)state;
	/* Short paths: since 23.11 EAL refuses hotplug devargs over 127
	 * bytes, and each sub-device is hotplugged with its own.
	 */
	snprintf(rx, sizeof(rx), "/tmp/fsq%d-r", getpid());
	snprintf(tx0, sizeof(tx0), "/tmp/fsq%d-0", getpid());
	snprintf(tx1, sizeof(tx1), "/tmp/fsq%d-1", getpid());
	empty_pcap(rx);
	snprintf(args, sizeof(args), "dev(net_pcap70,rx_pcap=%s,rx_pcap=%s,tx_pcap=%s,tx_pcap=%s),"
		 "dev(net_pcap71,rx_pcap=%s,rx_pcap=%s,tx_pcap=%s,tx_pcap=%s),hotplug_poll=20",
		 rx, rx, tx0, tx0, rx, rx, tx1, tx1);
	/* The port's own devargs are longer than that: as from --vdev. */
	assert_int_equal(rte_vdev_init("net_failsafe23", args), 0);
	port = port_of("net_failsafe23");
	assert_true(port < RTE_MAX_ETHPORTS);
	s0 = port_of("net_pcap70");
	s1 = port_of("net_pcap71");
	assert_true(s0 < RTE_MAX_ETHPORTS && s1 < RTE_MAX_ETHPORTS);
	port_setup(port, 2);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));

	assert_int_equal(rte_eth_dev_tx_queue_stop(port, 1), 0);
	assert_int_equal(rte_eth_dev_rx_queue_stop(port, 1), 0);
	assert_int_equal(rte_eth_devices[port].data->tx_queue_state[1], RTE_ETH_QUEUE_STATE_STOPPED);
	assert_int_equal(rte_eth_devices[port].data->rx_queue_state[1], RTE_ETH_QUEUE_STATE_STOPPED);
	assert_int_equal(rte_eth_devices[s0].data->tx_queue_state[1], RTE_ETH_QUEUE_STATE_STOPPED);
	assert_int_equal(rte_eth_devices[s1].data->rx_queue_state[1], RTE_ETH_QUEUE_STATE_STOPPED);
	assert_int_equal(rte_eth_devices[s0].data->tx_queue_state[0], RTE_ETH_QUEUE_STATE_STARTED);
	/* Queue 0 still sends, on the leading sub-device. */
	assert_int_equal(send_counted(port, 0, s0, &sent), BURST);
	assert_int_equal(sent, BURST);
	/* The stopped queue sends nothing (net_pcap alone would). */
	assert_int_equal(send_counted(port, 1, s0, &sent), 0);
	assert_int_equal(sent, 0);

	assert_int_equal(rte_eth_dev_tx_queue_start(port, 1), 0);
	assert_int_equal(rte_eth_dev_rx_queue_start(port, 1), 0);
	assert_int_equal(rte_eth_devices[port].data->tx_queue_state[1], RTE_ETH_QUEUE_STATE_STARTED);
	assert_int_equal(rte_eth_devices[s0].data->tx_queue_state[1], RTE_ETH_QUEUE_STATE_STARTED);
	assert_int_equal(rte_eth_devices[s1].data->rx_queue_state[1], RTE_ETH_QUEUE_STATE_STARTED);
	assert_int_equal(send_counted(port, 1, s0, &sent), BURST);
	assert_int_equal(sent, BURST);
	fs_destroy("net_failsafe23");
	unlink(rx);
	unlink(tx0);
	unlink(tx1);
	assert_mempool_back();
}

/*
 * ethdev frees the port's rx_queues array when it is configured with no
 * RX queue, outside the driver's lock; the driver's own threads work
 * from its own queue arrays.  A TX-only port carries traffic, a
 * sub-device returning meanwhile is replayed with no RX queue, and the
 * port configured back with one RX queue forwards again.
 */
static void
test_configure_without_rx_queues(void **state)
{
	struct rte_eth_conf conf;
	uint64_t sent;
	struct fs_priv *priv;
	uint16_t port;
	int round;

	(void)state;
	memset(&conf, 0, sizeof(conf));
	port = fs_create("net_failsafe25", "dev(net_null74),dev(net_null75),hotplug_poll=20");
	priv = priv_of(port);
	for (round = 0; round < 3; round++) {
		assert_int_equal(rte_eth_dev_configure(port, 0, 1, &conf), 0);
		assert_null(rte_eth_devices[port].data->rx_queues);
		assert_int_equal(priv->nb_rxq, 0);
		assert_int_equal(rte_eth_tx_queue_setup(port, 0, 256,
				 rte_eth_dev_socket_id(port), NULL), 0);
		assert_int_equal(rte_eth_dev_start(port), 0);
		assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));
		assert_true(rmv_and_back(port, 0, "net_null74"));
		assert_int_equal(xstat(port, "fs_tx_subdevice"), 0);
		assert_int_equal(send_counted(port, 0, port_of("net_null74"), &sent), BURST);
		assert_int_equal(sent, BURST);
		assert_int_equal(rte_eth_dev_stop(port), 0);

		port_setup_conf(port, 1, &conf);
		assert_int_equal(priv->nb_rxq, 1);
		assert_non_null(priv->rxq[0]);
		assert_int_equal(rte_eth_dev_start(port), 0);
		assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));
		assert_true(forward_once(port, 1, NULL) > 0);
		assert_int_equal(rte_eth_dev_stop(port), 0);
	}
	fs_destroy("net_failsafe25");
	assert_mempool_back();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_counts),
		cmocka_unit_test(test_queue_stop_sub_cannot),
		cmocka_unit_test(test_queue_stop_start),
		cmocka_unit_test(test_configure_without_rx_queues),
	};

	return run_cases(tests);
}
