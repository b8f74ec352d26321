/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Settings (fs_settings.c, fs_rss.c, fs_queue.c): each one reaches a
 * sub-device through one function, whether the application's op asks
 * for it or a sub-device joins later, so the two paths agree on what a
 * sub-device that cannot take a setting gets.  Sub-devices are net_fsrec
 * (test_pmd_rec.c), which record what they were given and take limits
 * from their devargs.
 */

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
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
#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "fs_ethdev_common.h"
#include "fs_test_eal.h"

#define SUB_CONFIGURED	2	/* enum fs_sub_state FS_SUB_CONFIGURED */

/* --- helpers ------------------------------------------------------------ */

static struct rec_priv *
rec_named(const char *name)
{
	struct rec_priv *r = rec_of(port_of(name));

	if (r == NULL)
		fail_msg("%s is not there", name);
	return r;
}

/* A sub-device's last error, copied under the port lock. */
static void
sub_error(uint16_t port, unsigned int sub, char *out, size_t size)
{
	struct fs_priv *priv = priv_of(port);

	pthread_mutex_lock(&priv->lock);
	snprintf(out, size, "%s", priv->subs[sub].last_error);
	pthread_mutex_unlock(&priv->lock);
}

/* Wait (bounded) until a sub-device's last error holds a text. */
static bool
wait_sub_error(uint16_t port, unsigned int sub, const char *text)
{
	uint64_t deadline = now_ms() + WAIT_MS;
	char err[128];

	do {
		sub_error(port, sub, err, sizeof(err));
		if (strstr(err, text) != NULL)
			return true;
		usleep(1000);
	} while (now_ms() < deadline);
	print_message("sub-device %u last error: '%s'\n", sub, err);
	return false;
}

/* --- descriptors ---------------------------------------------------------- */

/*
 * A descriptor count is fitted to each sub-device's limits, in the queue
 * setup op as in replay: the port offers the largest alignment of its
 * sub-devices, which need not be a multiple of each one's.
 */
static void
test_desc_fitted_in_op_and_replay(void **state)
{
	struct rte_eth_conf conf;
	struct rec_priv *a, *b;
	uint16_t port;

	(void)state;
	port = fs_create("net_failsafe50",
			 "dev(net_fsrec50,desc_align=4),dev(net_fsrec51,desc_align=6),hotplug_poll=20");
	memset(&conf, 0, sizeof(conf));
	port_setup_desc(port, 1, 18, &conf);
	a = rec_named("net_fsrec50");
	b = rec_named("net_fsrec51");
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_CONFIGURED);
	assert_int_equal(sub_xstat(port, 1, "state"), SUB_CONFIGURED);
	assert_int_equal(a->rx_desc[0], 20);
	assert_int_equal(a->tx_desc[0], 20);
	assert_int_equal(b->rx_desc[0], 18);
	assert_int_equal(b->tx_desc[0], 18);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));
	assert_true(rmv_and_back(port, 0, "net_fsrec50"));
	a = rec_named("net_fsrec50");
	assert_int_equal(a->rx_desc[0], 20);
	assert_int_equal(a->tx_desc[0], 20);
	fs_destroy("net_failsafe50");
}

/* --- MTU ------------------------------------------------------------------ */

/*
 * An MTU above one sub-device's maximum is refused by the op before any
 * sub-device is touched, naming the one that cannot.  (ethdev checks
 * the port's limits before the op; a sub-device joining in between is
 * what the op itself must catch: called directly here.)
 */
static void
test_mtu_refused_naming_sub(void **state)
{
	struct rte_eth_dev *dev;
	struct rec_priv *a;
	unsigned int calls;
	char err[128];
	uint16_t port, mtu;

	(void)state;
	port = fs_create("net_failsafe51",
			 "dev(net_fsrec52),dev(net_fsrec53,max_mtu=1500),hotplug_poll=20");
	port_start_both(port);
	a = rec_named("net_fsrec52");
	calls = a->nb_mtu_set;
	assert_int_equal(rte_eth_dev_set_mtu(port, 9000), -EINVAL);
	dev = &rte_eth_devices[port];
	assert_int_equal(dev->dev_ops->mtu_set(dev, 9000), -EINVAL);
	assert_int_equal(a->nb_mtu_set, calls);
	assert_int_equal(priv_of(port)->cfg.mtu, RTE_ETHER_MTU);
	sub_error(port, 1, err, sizeof(err));
	assert_non_null(strstr(err, "MTU 9000"));
	assert_int_equal(sub_xstat(port, 1, "state"), SUB_STARTED);
	/* One both can take reaches both. */
	assert_int_equal(rte_eth_dev_set_mtu(port, 1400), 0);
	assert_int_equal(rte_eth_dev_get_mtu(port_of("net_fsrec53"), &mtu), 0);
	assert_int_equal(mtu, 1400);
	fs_destroy("net_failsafe51");
}

/*
 * A sub-device that cannot take the port's MTU does not join, and says
 * why: it never runs with another MTU than the port's.
 */
static void
test_mtu_replay_refuses_sub(void **state)
{
	uint16_t port;
	int i;

	(void)state;
	port = fs_create("net_failsafe52",
			 "dev(net_fsrec54),dev(net_fsrec55,max_mtu=1500),hotplug_poll=20");
	port_start_both(port);
	assert_true(rmv_and_away(port, 1, "net_fsrec55"));
	assert_int_equal(rte_eth_dev_set_mtu(port, 9000), 0);
	rec_refuse_probe(false);
	assert_true(wait_sub_error(port, 1, "MTU 9000"));
	for (i = 0; i < 100; i++) {
		assert_int_not_equal(sub_xstat(port, 1, "state"), SUB_STARTED);
		usleep(2000);
	}
	/* Back to an MTU it can take: it joins. */
	assert_int_equal(rte_eth_dev_set_mtu(port, 1500), 0);
	assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));
	fs_destroy("net_failsafe52");
}

/* --- RSS ------------------------------------------------------------------ */

static uint16_t
rss_port_start(const char *name, const char *args)
{
	struct rte_eth_conf conf;
	uint16_t port;

	port = fs_create(name, args);
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP;
	port_setup_desc(port, 2, 256, &conf);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));
	assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));
	return port;
}

/*
 * A caller's key buffer as large as the port's hash_key_size is enough:
 * a sub-device with a longer key must not write past it.
 */
static void
test_rss_conf_get_small_buffer(void **state)
{
	struct rte_eth_dev_info info;
	struct rte_eth_rss_conf rc;
	uint8_t buf[64 + 16];
	unsigned int i;
	uint16_t port;

	(void)state;
	port = rss_port_start("net_failsafe53",
			      "dev(net_fsrec56,key_size=52),dev(net_fsrec57),hotplug_poll=20");
	assert_int_equal(rte_eth_dev_info_get(port, &info), 0);
	assert_int_equal(info.hash_key_size, REC_KEY_SIZE);
	memset(buf, 0x5a, sizeof(buf));
	memset(&rc, 0, sizeof(rc));
	rc.rss_key = buf;
	rc.rss_key_len = info.hash_key_size;
	assert_int_equal(rte_eth_dev_rss_hash_conf_get(port, &rc), 0);
	for (i = info.hash_key_size; i < sizeof(buf); i++)
		if (buf[i] != 0x5a)
			fail_msg("byte %u past the %u-byte key was written", i,
				 info.hash_key_size);
	assert_int_equal(rc.rss_key_len, info.hash_key_size);
	/* Too small for any sub-device's key: refused, nothing written. */
	memset(buf, 0x5a, sizeof(buf));
	rc.rss_key_len = 8;
	assert_int_equal(rte_eth_dev_rss_hash_conf_get(port, &rc), -EINVAL);
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0x5a);
	fs_destroy("net_failsafe53");
}

/*
 * A hash update across sub-devices with different key sizes: the hash
 * types reach all of them, the key those of its length; the others keep
 * their own key, as a sub-device joining later does.
 */
static void
test_rss_update_mixed_key_sizes(void **state)
{
	struct rte_eth_rss_conf rc;
	struct rec_priv *longer, *same;
	uint8_t key[REC_KEY_SIZE], got[REC_KEY_SIZE];
	unsigned int i;
	uint16_t port;

	(void)state;
	port = rss_port_start("net_failsafe54",
			      "dev(net_fsrec58,key_size=52),dev(net_fsrec59),hotplug_poll=20");
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0x30 + i);
	memset(&rc, 0, sizeof(rc));
	rc.rss_hf = RTE_ETH_RSS_IPV4;
	rc.rss_key = key;
	rc.rss_key_len = sizeof(key);
	assert_int_equal(rte_eth_dev_rss_hash_update(port, &rc), 0);
	longer = rec_named("net_fsrec58");
	same = rec_named("net_fsrec59");
	assert_int_equal(same->rss_key_len, sizeof(key));
	assert_memory_equal(same->rss_key, key, sizeof(key));
	assert_int_not_equal(longer->rss_key_len, sizeof(key));
	assert_int_equal(longer->rss_hf, RTE_ETH_RSS_IPV4);
	assert_int_equal(same->rss_hf, RTE_ETH_RSS_IPV4);
	/* Read back: the key the port was given. */
	memset(&rc, 0, sizeof(rc));
	rc.rss_key = got;
	rc.rss_key_len = sizeof(got);
	assert_int_equal(rte_eth_dev_rss_hash_conf_get(port, &rc), 0);
	assert_memory_equal(got, key, sizeof(key));
	assert_int_equal(rc.rss_hf, RTE_ETH_RSS_IPV4);
	/* The same at replay. */
	assert_true(rmv_and_back(port, 0, "net_fsrec58"));
	longer = rec_named("net_fsrec58");
	assert_int_not_equal(longer->rss_key_len, sizeof(key));
	assert_int_equal(longer->rss_hf, RTE_ETH_RSS_IPV4);
	fs_destroy("net_failsafe54");
}

/*
 * The port reports the RSS hash algorithms every sub-device has, and one
 * of them given at configure reaches the sub-devices.
 */
static void
test_rss_algo_capa(void **state)
{
#ifdef FS_HAS_RSS_ALGO_CAPA
	const uint32_t both = RTE_ETH_HASH_ALGO_CAPA_MASK(DEFAULT) |
		RTE_ETH_HASH_ALGO_CAPA_MASK(SIMPLE_XOR);
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	char args[160];
	uint16_t port;

	(void)state;
	snprintf(args, sizeof(args), "dev(net_fsrec60,algo_capa=0x%x),dev(net_fsrec61,algo_capa=0x%x),hotplug_poll=20",
		 both | RTE_ETH_HASH_ALGO_CAPA_MASK(TOEPLITZ), both);
	port = fs_create("net_failsafe55", args);
	assert_int_equal(rte_eth_dev_info_get(port, &info), 0);
	assert_int_equal(info.rss_algo_capa, both);
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP;
	conf.rx_adv_conf.rss_conf.algorithm = RTE_ETH_HASH_FUNCTION_SIMPLE_XOR;
	port_setup_desc(port, 1, 256, &conf);
	assert_int_equal(rec_named("net_fsrec60")->rss_algo,
			 RTE_ETH_HASH_FUNCTION_SIMPLE_XOR);
	assert_int_equal(rec_named("net_fsrec61")->rss_algo,
			 RTE_ETH_HASH_FUNCTION_SIMPLE_XOR);
	/* Toeplitz is not the port's: ethdev refuses it. */
	conf.rx_adv_conf.rss_conf.algorithm = RTE_ETH_HASH_FUNCTION_TOEPLITZ;
	assert_int_equal(rte_eth_dev_configure(port, 1, 1, &conf), -EINVAL);
	fs_destroy("net_failsafe55");
#else
	(void)state;
	print_message("this DPDK has no RSS hash algorithm capabilities\n");
#endif
}

/* --- queue state ---------------------------------------------------------- */

/*
 * A queue set up for deferred start and started later by the application
 * is started on a sub-device that joins afterwards, as a stopped one is
 * stopped there.
 */
static void
test_queue_state_replayed(void **state)
{
	struct rte_eth_rxconf rxconf;
	struct rte_eth_conf conf;
	struct rte_eth_dev_data *sd;
	uint16_t port, q;

	(void)state;
	port = fs_create("net_failsafe56", "dev(net_fsrec62),dev(net_fsrec63),hotplug_poll=20");
	memset(&conf, 0, sizeof(conf));
	memset(&rxconf, 0, sizeof(rxconf));
	assert_int_equal(rte_eth_dev_configure(port, 3, 3, &conf), 0);
	for (q = 0; q < 3; q++) {
		rxconf.rx_deferred_start = q == 1;
		assert_int_equal(rte_eth_rx_queue_setup(port, q, 256,
				 rte_eth_dev_socket_id(port), &rxconf, mp), 0);
		assert_int_equal(rte_eth_tx_queue_setup(port, q, 256,
				 rte_eth_dev_socket_id(port), NULL), 0);
	}
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));
	sd = rte_eth_devices[port_of("net_fsrec63")].data;
	assert_int_equal(sd->rx_queue_state[1], RTE_ETH_QUEUE_STATE_STOPPED);
	assert_int_equal(rte_eth_dev_rx_queue_start(port, 1), 0);
	assert_int_equal(rte_eth_dev_rx_queue_stop(port, 2), 0);
	assert_int_equal(sd->rx_queue_state[1], RTE_ETH_QUEUE_STATE_STARTED);
	assert_int_equal(sd->rx_queue_state[2], RTE_ETH_QUEUE_STATE_STOPPED);
	assert_true(rmv_and_back(port, 1, "net_fsrec63"));
	sd = rte_eth_devices[port_of("net_fsrec63")].data;
	assert_int_equal(sd->rx_queue_state[0], RTE_ETH_QUEUE_STATE_STARTED);
	assert_int_equal(sd->rx_queue_state[1], RTE_ETH_QUEUE_STATE_STARTED);
	assert_int_equal(sd->rx_queue_state[2], RTE_ETH_QUEUE_STATE_STOPPED);
	fs_destroy("net_failsafe56");
}

/* --- main ----------------------------------------------------------------- */

/* No port made at init: each case makes its own. */
static int
rules_setup(void **state)
{
	struct fs_test_eal e;

	if (fs_test_eal_args(&e, NULL, "0", true) != 0)
		return -1;
	mp = fs_test_eal_init_pool(&e, "fs_settings_mp", 2047, 0);
	*state = mp;
	return mp == NULL ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_desc_fitted_in_op_and_replay),
		cmocka_unit_test(test_mtu_refused_naming_sub),
		cmocka_unit_test(test_mtu_replay_refuses_sub),
		cmocka_unit_test(test_rss_conf_get_small_buffer),
		cmocka_unit_test(test_rss_update_mixed_key_sizes),
		cmocka_unit_test(test_rss_algo_capa),
		cmocka_unit_test(test_queue_state_replayed),
	};

	cases_filter();
	return cmocka_run_group_tests(tests, rules_setup, fs_test_eal_teardown);
}
