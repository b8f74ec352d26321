/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The fail-safe port through the ethdev API, with the EAL initialised
 * once and the plugin loaded with -d (fs_ethdev_common.c); here replay
 * of the port's settings (MAC, MTU, promiscuous, all-multicast) to a
 * returning sub-device, exactly, and in the window before ethdev records
 * a value.
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

/* MAC/MTU/promisc/allmulti set on the port are replayed to a returning sub. */
static void
test_replay_to_returning_sub(void **state)
{
	struct rte_ether_addr mac = {{ 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 }};
	struct rte_ether_addr extra = {{ 0x02, 0x11, 0x22, 0x33, 0x44, 0x66 }};
	struct rte_ether_addr orig;
	uint16_t port = port_of("net_failsafe0");
	struct rte_eth_dev_info info;
	uint16_t mtu;
	uint64_t adds;
	int ret;

	(void)state;
	/* net_null takes MTU, MAC, promiscuous and all-multicast changes. */
	port_setup(port, 2);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));
	assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));
	assert_int_equal(rte_eth_macaddr_get(port, &orig), 0);
	assert_int_equal(rte_eth_dev_set_mtu(port, 1400), 0);
	assert_int_equal(rte_eth_promiscuous_enable(port), 0);
	assert_int_equal(rte_eth_allmulticast_enable(port), 0);
	assert_int_equal(rte_eth_dev_default_mac_addr_set(port, &mac), 0);
	/* Applied to the present sub-devices right away. */
	assert_sub_matches(port, "net_null0", NULL);
	assert_sub_matches(port, "net_null1", NULL);
	/*
	 * The port offers what every sub-device can: net_null has one MAC
	 * slot, so an extra MAC is refused cleanly and changes nothing.
	 */
	assert_int_equal(rte_eth_dev_info_get(port, &info), 0);
	ret = rte_eth_dev_mac_addr_add(port, &extra, 0);
	if (info.max_mac_addrs <= 1)
		assert_true(ret < 0);
	else
		assert_int_equal(ret, 0);
	assert_sub_matches(port, "net_null1", NULL);

	/* Sub-device 1 leaves on an RMV event and comes back by hotplug_poll. */
	adds = sub_xstat(port, 1, "additions");
	raise_rmv("net_null1");
	assert_true(wait_sub_counter_above(port, 1, "additions", adds));
	assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));
	assert_sub_matches(port, "net_null1", NULL);
	assert_true(wait_sub_xstat(port, 1, "active", 1));
	assert_int_equal(xstat(port, "fs_active_subdevices"), 2);

	/*
	 * Changes made while it is away (usually: it returns hotplug_poll
	 * later, and whether or not it is back yet, it must end up equal).
	 */
	adds = sub_xstat(port, 1, "additions");
	raise_rmv("net_null1");
	assert_int_equal(rte_eth_dev_set_mtu(port, 1280), 0);
	assert_int_equal(rte_eth_promiscuous_disable(port), 0);
	assert_int_equal(rte_eth_dev_default_mac_addr_set(port, &orig), 0);
	assert_true(wait_sub_counter_above(port, 1, "additions", adds));
	assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));
	assert_sub_matches(port, "net_null1", NULL);
	assert_int_equal(rte_eth_dev_get_mtu(port_of("net_null1"), &mtu), 0);
	assert_int_equal(mtu, 1280);

	/* Restored for the next tests. */
	assert_int_equal(rte_eth_dev_stop(port), 0);
	assert_int_equal(rte_eth_dev_set_mtu(port, 1500), 0);
	assert_int_equal(rte_eth_allmulticast_disable(port), 0);
	assert_sub_matches(port, "net_null0", NULL);
}

/* --- replay from the port's recorded configuration ---------------------- */

static bool
same_mode(int port_mode, int sub_mode)
{
	return port_mode == sub_mode;
}

/*
 * A sub-device has exactly the port's settings: the default MAC, each
 * extra MAC once and no other, MTU, promiscuous and all-multicast.
 */
static void
sub_exact(uint16_t port, const char *sub_name, int line)
{
	const struct rte_eth_dev_data *pd = rte_eth_devices[port].data;
	uint16_t sp = port_of(sub_name), pmtu, smtu;
	const struct rte_eth_dev_data *sd;
	unsigned int i, j, np = 0, ns = 0, seen;

	if (sp >= RTE_MAX_ETHPORTS || rec_of(sp) == NULL)
		fail_msg("line %d: %s is not there", line, sub_name);
	sd = rte_eth_devices[sp].data;
	assert_int_equal(rte_eth_dev_get_mtu(port, &pmtu), 0);
	assert_int_equal(rte_eth_dev_get_mtu(sp, &smtu), 0);
	if (pmtu != smtu)
		fail_msg("line %d: %s MTU %u, port %u", line, sub_name, smtu, pmtu);
	if (!same_mode(rte_eth_promiscuous_get(port), rte_eth_promiscuous_get(sp)) ||
	    !same_mode(rte_eth_allmulticast_get(port), rte_eth_allmulticast_get(sp)))
		fail_msg("line %d: %s promisc %d allmulti %d, port %d %d", line,
			 sub_name, rte_eth_promiscuous_get(sp),
			 rte_eth_allmulticast_get(sp), rte_eth_promiscuous_get(port),
			 rte_eth_allmulticast_get(port));
	if (!rte_is_same_ether_addr(&pd->mac_addrs[0], &sd->mac_addrs[0]))
		fail_msg("line %d: %s default MAC " RTE_ETHER_ADDR_PRT_FMT ", port "
			 RTE_ETHER_ADDR_PRT_FMT, line, sub_name,
			 RTE_ETHER_ADDR_BYTES(&sd->mac_addrs[0]),
			 RTE_ETHER_ADDR_BYTES(&pd->mac_addrs[0]));
	for (i = 0; i < REC_MAX_MAC; i++)
		ns += !rte_is_zero_ether_addr(&sd->mac_addrs[i]);
	for (i = 0; i < FS_MAX_MAC; i++) {
		if (rte_is_zero_ether_addr(&pd->mac_addrs[i]))
			continue;
		np++;
		for (j = 0, seen = 0; j < REC_MAX_MAC; j++)
			seen += rte_is_same_ether_addr(&pd->mac_addrs[i], &sd->mac_addrs[j]);
		if (seen != 1)
			fail_msg("line %d: %s has port MAC %u (" RTE_ETHER_ADDR_PRT_FMT
				 ") %u times", line, sub_name, i,
				 RTE_ETHER_ADDR_BYTES(&pd->mac_addrs[i]), seen);
	}
	if (np != ns)
		fail_msg("line %d: %s has %u MACs, port %u", line, sub_name, ns, np);
}

#define assert_sub_exact(port, sub) sub_exact(port, sub, __LINE__)

static void
rec_mac(struct rte_ether_addr *a, uint8_t n)
{
	memset(a, 0, sizeof(*a));
	a->addr_bytes[0] = 0x02;
	a->addr_bytes[1] = 0x5e;
	a->addr_bytes[5] = n;
}

/*
 * The port's ops with a window held open: after our op returned (port
 * lock released), before ethdev records the value in the port's data,
 * sub-device 1 leaves and is re-added, replayed from whatever the port
 * holds at that moment.
 */
static struct {
	struct eth_dev_ops ops;
	const struct eth_dev_ops *real;
	uint16_t port;
	const char *sub_name;
	bool armed;
	bool back;
} race;

static void
race_window(int ret)
{
	if (ret != 0 || !race.armed)
		return;
	race.armed = false;
	race.back = rmv_and_back(race.port, 1, race.sub_name);
}

static int
race_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	int ret = race.real->mtu_set(dev, mtu);

	race_window(ret);
	return ret;
}

static int
race_promisc_on(struct rte_eth_dev *dev)
{
	int ret = race.real->promiscuous_enable(dev);

	race_window(ret);
	return ret;
}

static int
race_promisc_off(struct rte_eth_dev *dev)
{
	int ret = race.real->promiscuous_disable(dev);

	race_window(ret);
	return ret;
}

static int
race_allmulti_on(struct rte_eth_dev *dev)
{
	int ret = race.real->allmulticast_enable(dev);

	race_window(ret);
	return ret;
}

static int
race_mac_set(struct rte_eth_dev *dev, struct rte_ether_addr *a)
{
	int ret = race.real->mac_addr_set(dev, a);

	race_window(ret);
	return ret;
}

static int
race_mac_add(struct rte_eth_dev *dev, struct rte_ether_addr *a, uint32_t i,
	     uint32_t pool)
{
	int ret = race.real->mac_addr_add(dev, a, i, pool);

	race_window(ret);
	return ret;
}

static void
race_mac_remove(struct rte_eth_dev *dev, uint32_t i)
{
	race.real->mac_addr_remove(dev, i);
	race_window(0);
}

static void
race_ops_install(uint16_t port, const char *sub_name)
{
	race.real = rte_eth_devices[port].dev_ops;
	race.ops = *race.real;
	race.ops.mtu_set = race_mtu_set;
	race.ops.promiscuous_enable = race_promisc_on;
	race.ops.promiscuous_disable = race_promisc_off;
	race.ops.allmulticast_enable = race_allmulti_on;
	race.ops.mac_addr_set = race_mac_set;
	race.ops.mac_addr_add = race_mac_add;
	race.ops.mac_addr_remove = race_mac_remove;
	race.port = port;
	race.sub_name = sub_name;
	rte_eth_devices[port].dev_ops = &race.ops;
}

#define RACE(port, call) do { \
	race.armed = true; \
	race.back = false; \
	assert_int_equal((call), 0); \
	assert_true(race.back); \
	assert_sub_exact(port, race.sub_name); \
} while (0)

/*
 * Issue 17 item 6: ethdev records mtu, mac_addrs, promiscuous and
 * all_multicast after our op returned.  A sub-device re-added in that
 * window must still get the new value.
 */
static void
test_replay_race_with_ethdev_record(void **state)
{
	struct rte_ether_addr a, e1, e2;
	uint16_t port;

	(void)state;
	port = fs_create("net_failsafe26", "dev(net_fsrec0),dev(net_fsrec1),hotplug_poll=20");
	port_start_both(port);
	rec_mac(&a, 1);
	rec_mac(&e1, 2);
	rec_mac(&e2, 3);
	race_ops_install(port, "net_fsrec1");
	RACE(port, rte_eth_dev_set_mtu(port, 1400));
	RACE(port, rte_eth_promiscuous_enable(port));
	RACE(port, rte_eth_allmulticast_enable(port));
	RACE(port, rte_eth_dev_default_mac_addr_set(port, &a));
	RACE(port, rte_eth_dev_mac_addr_add(port, &e1, 0));
	RACE(port, rte_eth_dev_mac_addr_add(port, &e2, 0));
	RACE(port, rte_eth_dev_mac_addr_remove(port, &e1));
	RACE(port, rte_eth_promiscuous_disable(port));
	rte_eth_devices[port].dev_ops = race.real;
	assert_sub_exact(port, "net_fsrec0");
	fs_destroy("net_failsafe26");
}

/*
 * A returning sub-device gets exactly the port's settings, including
 * the highest-index extra MAC, without a removed one, and with what
 * changed while it was away; and a port start re-applies them once.
 */
static void
test_replay_exact_settings(void **state)
{
	struct rte_ether_addr m[REC_MAX_MAC], d;
	struct rte_eth_dev_info info;
	unsigned int i, mac_set, promisc_on;
	struct rec_priv *r;
	uint16_t port;

	(void)state;
	port = fs_create("net_failsafe27", "dev(net_fsrec2),dev(net_fsrec3),hotplug_poll=20");
	port_start_both(port);
	assert_int_equal(rte_eth_dev_info_get(port, &info), 0);
	assert_int_equal(info.max_mac_addrs, REC_MAX_MAC);
	for (i = 1; i < REC_MAX_MAC; i++) {
		rec_mac(&m[i], 0x10 + i);
		assert_int_equal(rte_eth_dev_mac_addr_add(port, &m[i], 0), 0);
	}
	assert_true(rte_is_same_ether_addr(&rte_eth_devices[port].data->mac_addrs[REC_MAX_MAC - 1],
					   &m[REC_MAX_MAC - 1]));
	assert_int_equal(rte_eth_dev_mac_addr_remove(port, &m[3]), 0);
	assert_int_equal(rte_eth_dev_set_mtu(port, 1400), 0);
	assert_int_equal(rte_eth_promiscuous_enable(port), 0);
	assert_int_equal(rte_eth_allmulticast_enable(port), 0);
	assert_true(rmv_and_back(port, 1, "net_fsrec3"));
	assert_sub_exact(port, "net_fsrec3");

	/* Changed while it is away, for sure: its probe fails meanwhile. */
	assert_true(rmv_and_away(port, 1, "net_fsrec3"));
	assert_int_equal(rte_eth_dev_set_mtu(port, 1280), 0);
	assert_int_equal(rte_eth_promiscuous_disable(port), 0);
	assert_int_equal(rte_eth_dev_mac_addr_remove(port, &m[REC_MAX_MAC - 1]), 0);
	assert_int_equal(rte_eth_dev_mac_addr_add(port, &m[3], 0), 0);
	rec_mac(&d, 0x77);
	assert_int_equal(rte_eth_dev_default_mac_addr_set(port, &d), 0);
	rec_refuse_probe(false);
	assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));
	assert_sub_exact(port, "net_fsrec3");
	assert_sub_exact(port, "net_fsrec2");

	/*
	 * A port start: each sub-device's own ethdev restores it once after
	 * its start; the port's settings reach it through our replay, so
	 * ethdev re-applying them through our ops is one pass too many,
	 * which only a get_restore_flags op can stop.
	 */
	assert_int_equal(rte_eth_promiscuous_enable(port), 0);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	r = rec_of(port_of("net_fsrec2"));
	assert_non_null(r);
	mac_set = r->nb_mac_set;
	promisc_on = r->nb_promisc_on;
	assert_int_equal(rte_eth_dev_start(port), 0);
	print_message("port start: sub mac_addr_set %u, promiscuous_enable %u\n",
		      r->nb_mac_set - mac_set, r->nb_promisc_on - promisc_on);
	/* On 22.11 ethdev's pass reaches our op, which finds it done. */
	assert_int_equal(r->nb_mac_set - mac_set, 1);
	assert_int_equal(r->nb_promisc_on - promisc_on, 1);
	assert_sub_exact(port, "net_fsrec2");
	assert_sub_exact(port, "net_fsrec3");
	fs_destroy("net_failsafe27");
}

static bool
rec_strips(const char *name)
{
	struct rec_priv *r = rec_of(port_of(name));

	assert_non_null(r);
	return r->vlan_strip;
}

/*
 * VLAN stripping set on the port reaches a returning sub-device; a new
 * configuration without it takes it off every sub-device, present or
 * returning, as a configure does on hardware.
 */
static void
test_replay_vlan_offload(void **state)
{
	struct rte_eth_conf conf;
	uint16_t port;

	(void)state;
	port = fs_create("net_failsafe28", "dev(net_fsrec4),dev(net_fsrec5),hotplug_poll=20");
	port_start_both(port);
	assert_int_equal(rte_eth_dev_set_vlan_offload(port, RTE_ETH_VLAN_STRIP_OFFLOAD), 0);
	assert_true(rec_strips("net_fsrec4"));
	assert_true(rec_strips("net_fsrec5"));
	assert_true(rmv_and_back(port, 1, "net_fsrec5"));
	assert_true(rec_strips("net_fsrec5"));

	assert_int_equal(rte_eth_dev_stop(port), 0);
	memset(&conf, 0, sizeof(conf));
	port_setup_conf(port, 1, &conf);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_int_equal(rte_eth_dev_get_vlan_offload(port) & RTE_ETH_VLAN_STRIP_OFFLOAD, 0);
	assert_false(rec_strips("net_fsrec4"));
	assert_false(rec_strips("net_fsrec5"));
	assert_true(rmv_and_back(port, 1, "net_fsrec5"));
	assert_false(rec_strips("net_fsrec5"));
	fs_destroy("net_failsafe28");
}

/*
 * A VLAN offload change that one sub-device refuses fails, and the one
 * that took it is put back, whether or not the port had one set since
 * its configure.
 */
static void
test_refused_vlan_offload_undone(void **state)
{
	uint16_t port;

	(void)state;
	port = fs_create("net_failsafe29", "dev(net_fsrec6),dev(net_fsrec7,vlan_fail=1),hotplug_poll=20");
	port_start_both(port);
	assert_int_not_equal(rte_eth_dev_set_vlan_offload(port, RTE_ETH_VLAN_STRIP_OFFLOAD), 0);
	assert_int_equal(rte_eth_dev_get_vlan_offload(port) & RTE_ETH_VLAN_STRIP_OFFLOAD, 0);
	assert_false(rec_strips("net_fsrec6"));
	fs_destroy("net_failsafe29");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_to_returning_sub),
		cmocka_unit_test(test_replay_race_with_ethdev_record),
		cmocka_unit_test(test_replay_exact_settings),
		cmocka_unit_test(test_replay_vlan_offload),
		cmocka_unit_test(test_refused_vlan_offload_undone),
	};

	return run_cases(tests);
}
