/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The fail-safe port through the ethdev API, with the EAL initialised
 * once and the plugin loaded with -d (fs_ethdev_common.c); here settings
 * through the port's ops: all-multicast refused once, RSS hash and RETA
 * on every sub-device, RETA forgotten on reconfiguration, the RSS key
 * copied at configure.
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

/*
 * net_af_packet has no all-multicast: the port refuses it each time (OVS
 * asks at every port start), but says why once, at INFO, not as an error.
 */
static void
test_allmulti_enotsup_logged_once(void **state)
{
	int level = rte_log_get_level(rte_log_register("pmd.net.failsafe.uevent"));
	char *text = NULL;
	size_t len = 0;
	int rets[3], i;
	uint16_t port;
	FILE *f;

	(void)state;
	if (!netns_ok)
		skip();
	assert_int_equal(sh("ip link add fsm0 type veth peer name fsm1 && ip link set fsm0 up && ip link set fsm1 up"), 0);
	port = fs_create("net_failsafe14", "dev(net_af_packet14,iface=fsm0),hotplug_poll=20");
	port_setup(port, 1);
	assert_int_equal(rte_eth_dev_start(port), 0);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	rte_log_set_level_pattern("pmd.net.failsafe.uevent", RTE_LOG_INFO);
	rte_openlog_stream(f);
	for (i = 0; i < 3; i++)
		rets[i] = rte_eth_allmulticast_enable(port);
	rte_openlog_stream(NULL);
	rte_log_set_level_pattern("pmd.net.failsafe.uevent", level);
	fclose(f);
	fs_destroy("net_failsafe14");
	sh("ip link del fsm0");
	print_message("log: %s", text);
	for (i = 0; i < 3; i++)
		assert_int_equal(rets[i], -ENOTSUP);
	assert_int_equal(count_lines(text, "cannot do all-multicast mode"), 1);
	assert_int_equal(count_lines(text, "refused the change"), 0);
	free(text);
}

#define RSS_NQ		4
#define RETA_GROUPS	(RTE_ETH_RSS_RETA_SIZE_128 / RTE_ETH_RETA_GROUP_SIZE)

static void
reta_fill(struct rte_eth_rss_reta_entry64 *reta, uint16_t size, unsigned int seed)
{
	unsigned int i;

	memset(reta, 0, sizeof(*reta) * RETA_GROUPS);
	for (i = 0; i < size; i++) {
		reta[i / RTE_ETH_RETA_GROUP_SIZE].mask = UINT64_MAX;
		reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] =
			(i * 3 + seed) % RSS_NQ;
	}
}

static void
reta_check(uint16_t port, const struct rte_eth_rss_reta_entry64 *want, uint16_t size)
{
	struct rte_eth_rss_reta_entry64 got[RETA_GROUPS];
	unsigned int i;

	memset(got, 0, sizeof(got));
	for (i = 0; i < RETA_GROUPS; i++)
		got[i].mask = UINT64_MAX;
	assert_int_equal(rte_eth_dev_rss_reta_query(port, got, size), 0);
	for (i = 0; i < size; i++) {
		unsigned int g = i / RTE_ETH_RETA_GROUP_SIZE, b = i % RTE_ETH_RETA_GROUP_SIZE;

		assert_int_equal(got[g].reta[b], want[g].reta[b]);
	}
}

static void
rss_check(uint16_t port, uint64_t hf, const uint8_t *key)
{
	struct rte_eth_rss_conf rc;
	uint8_t got[40];

	memset(got, 0, sizeof(got));
	memset(&rc, 0, sizeof(rc));
	rc.rss_key = got;
	rc.rss_key_len = sizeof(got);
	assert_int_equal(rte_eth_dev_rss_hash_conf_get(port, &rc), 0);
	assert_int_equal(rc.rss_hf, hf);
	if (key != NULL)
		assert_memory_equal(got, key, sizeof(got));
}

/* A started port in RSS mode over RSS_NQ queues. */
static uint16_t
rss_port_start(const char *name, const char *args)
{
	struct rte_eth_conf conf;
	uint16_t port;

	port = fs_create(name, args);
	assert_true(port < RTE_MAX_ETHPORTS);
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP;
	port_setup_conf(port, RSS_NQ, &conf);
	assert_int_equal(rte_eth_dev_start(port), 0);
	return port;
}

/*
 * RETA and RSS hash set on the port reach every sub-device and read back
 * as set; a sub-device that joins later gets the RETA and the hash types.
 */
static void
test_rss_reta_reach_every_sub(void **state)
{
	struct rte_eth_rss_reta_entry64 reta[RETA_GROUPS];
	const char *subs[] = { "net_null60", "net_null61" };
	struct rte_eth_rss_conf rc;
	struct rte_eth_dev_info info;
	uint8_t key[40];
	unsigned int i;
	uint16_t port;

	(void)state;
	port = rss_port_start("net_failsafe20", "dev(net_null60),dev(net_null61),hotplug_poll=20");
	assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));
	assert_int_equal(rte_eth_dev_info_get(port, &info), 0);
	assert_int_equal(info.reta_size, RTE_ETH_RSS_RETA_SIZE_128);

	reta_fill(reta, info.reta_size, 1);
	assert_int_equal(rte_eth_dev_rss_reta_update(port, reta, info.reta_size), 0);
	reta_check(port, reta, info.reta_size);
	for (i = 0; i < RTE_DIM(subs); i++)
		reta_check(port_of(subs[i]), reta, info.reta_size);

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0xa0 + i);
	memset(&rc, 0, sizeof(rc));
	rc.rss_hf = RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV4_UDP;
	rc.rss_key = key;
	rc.rss_key_len = sizeof(key);
	assert_int_equal(rte_eth_dev_rss_hash_update(port, &rc), 0);
	rss_check(port, rc.rss_hf, key);
	for (i = 0; i < RTE_DIM(subs); i++)
		rss_check(port_of(subs[i]), rc.rss_hf, key);

	/* A sub-device that joins later is given them. */
	assert_true(rmv_and_back(port, 1, "net_null61"));
	reta_check(port_of("net_null61"), reta, info.reta_size);
	rss_check(port_of("net_null61"), rc.rss_hf, NULL);
	reta_check(port, reta, info.reta_size);
	fs_destroy("net_failsafe20");
}

/*
 * A RETA recorded while the port ran RSS must not outlive a
 * reconfiguration without RSS: a sub-device joining after it is not
 * refused for a table the port no longer has.
 */
static void
test_reta_forgotten_on_reconfigure(void **state)
{
	struct rte_eth_rss_reta_entry64 reta[RETA_GROUPS];
	uint16_t port;

	(void)state;
	port = rss_port_start("net_failsafe22", "dev(net_null64),dev(net_null65),hotplug_poll=20");
	reta_fill(reta, RTE_ETH_RSS_RETA_SIZE_128, 2);
	assert_int_equal(rte_eth_dev_rss_reta_update(port, reta, RTE_ETH_RSS_RETA_SIZE_128), 0);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	port_setup(port, 1);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(rmv_and_back(port, 1, "net_null65"));
	assert_int_equal(xstat(port, "fs_active_subdevices"), 2);
	fs_destroy("net_failsafe22");
}

/*
 * Issue 17 item 9: ethdev keeps the application's rss_key pointer; a
 * sub-device configured later must get the key given at configure even
 * once the application reused that memory.  A sub-device with another
 * key size keeps its own key rather than being refused.
 */
static void
test_rss_key_copied_at_configure(void **state)
{
	struct rte_eth_conf conf;
	struct rec_priv *r;
	uint8_t want[40];
	uint8_t *key;
	uint16_t port;
	unsigned int i;

	(void)state;
	port = fs_create("net_failsafe28", "dev(net_fsrec4),dev(net_fsrec5),dev(net_fsrec6,key_size=52),hotplug_poll=20");
	key = malloc(sizeof(want));
	assert_non_null(key);
	for (i = 0; i < sizeof(want); i++)
		want[i] = key[i] = (uint8_t)(i * 7 + 1);
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP;
	conf.rx_adv_conf.rss_conf.rss_key = key;
	conf.rx_adv_conf.rss_conf.rss_key_len = sizeof(want);
	port_setup_conf(port, 1, &conf);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));
	r = rec_of(port_of("net_fsrec5"));
	assert_non_null(r);
	assert_int_equal(r->rss_key_len, sizeof(want));
	assert_memory_equal(r->rss_key, want, sizeof(want));
	/* The application is done with its key. */
	memset(key, 0xee, sizeof(want));
	assert_true(rmv_and_back(port, 1, "net_fsrec5"));
	r = rec_of(port_of("net_fsrec5"));
	assert_non_null(r);
	assert_int_equal(r->rss_key_len, sizeof(want));
	assert_memory_equal(r->rss_key, want, sizeof(want));
	free(key);
	/* 52-byte keys: taken with its own key, not refused. */
	assert_true(wait_sub_xstat(port, 2, "state", SUB_STARTED));
	r = rec_of(port_of("net_fsrec6"));
	assert_non_null(r);
	assert_int_equal(r->rss_key_len, 0);
	fs_destroy("net_failsafe28");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allmulti_enotsup_logged_once),
		cmocka_unit_test(test_rss_reta_reach_every_sub),
		cmocka_unit_test(test_reta_forgotten_on_reconfigure),
		cmocka_unit_test(test_rss_key_copied_at_configure),
	};

	return run_cases(tests);
}
