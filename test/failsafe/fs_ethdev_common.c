/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * What the fail-safe ethdev programs (test_fs_<concern>.c) share: the
 * EAL set-up with the plugin loaded with -d and two ports made at init
 * (net_failsafe0 over net_null, net_failsafe1 over net_ring), and the
 * helpers their cases use.
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
#include "fs_test_eal.h"

struct rte_mempool *mp;
bool netns_ok;	/* a private netns and its /sys: veth pairs allowed */
unsigned int mp_start_in_use;

/*
 * Out of memory on demand: the next allocation of an active set by this
 * thread fails.  The plugin's calloc resolves to this one, which the
 * executable exports because the DPDK libraries it links call calloc.
 */
void *__libc_calloc(size_t n, size_t size);
__thread unsigned int set_allocs_to_fail;

__attribute__((visibility("default"))) void *
calloc(size_t n, size_t size)
{
	if (set_allocs_to_fail > 0 && n == 1 &&
	    size == sizeof(struct fs_active)) {
		set_allocs_to_fail--;
		return NULL;
	}
	return __libc_calloc(n, size);
}

uint16_t
port_of(const char *name)
{
	uint16_t pid;

	if (rte_eth_dev_get_port_by_name(name, &pid) != 0)
		return RTE_MAX_ETHPORTS;
	return pid;
}

/* An xstat by name; UINT64_MAX - 1 when the port has none of that name. */
uint64_t
xstat(uint16_t port, const char *name)
{
	uint64_t id, val;

	if (rte_eth_xstats_get_id_by_name(port, name, &id) != 0)
		return UINT64_MAX - 1;
	if (rte_eth_xstats_get_by_id(port, &id, &val, 1) != 1)
		return UINT64_MAX - 1;
	return val;
}

uint64_t
sub_xstat(uint16_t port, unsigned int sub, const char *what)
{
	char name[RTE_ETH_XSTATS_NAME_SIZE];

	snprintf(name, sizeof(name), "fs_sub%u_%s", sub, what);
	return xstat(port, name);
}

/* Wait (bounded) until a sub-device's xstat reaches a value. */
bool
wait_sub_xstat(uint16_t port, unsigned int sub, const char *what, uint64_t want)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (now_ms() < deadline) {
		if (sub_xstat(port, sub, what) == want)
			return true;
		usleep(1000);
	}
	return sub_xstat(port, sub, what) == want;
}

bool
wait_sub_counter_above(uint16_t port, unsigned int sub, const char *what,
		       uint64_t than)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (now_ms() < deadline) {
		uint64_t v = sub_xstat(port, sub, what);

		if (v != UINT64_MAX - 1 && v > than)
			return true;
		usleep(1000);
	}
	return false;
}

void
port_setup_desc(uint16_t port, uint16_t nq, uint16_t nb_desc,
		const struct rte_eth_conf *conf)
{
	uint16_t q;

	assert_int_equal(rte_eth_dev_configure(port, nq, nq, conf), 0);
	for (q = 0; q < nq; q++) {
		assert_int_equal(rte_eth_rx_queue_setup(port, q, nb_desc,
				 rte_eth_dev_socket_id(port), NULL, mp), 0);
		assert_int_equal(rte_eth_tx_queue_setup(port, q, nb_desc,
				 rte_eth_dev_socket_id(port), NULL), 0);
	}
}

void
port_setup_conf(uint16_t port, uint16_t nq, const struct rte_eth_conf *conf)
{
	port_setup_desc(port, nq, 256, conf);
}

void
port_setup(uint16_t port, uint16_t nq)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	/* A test that failed half-way may have left the port started. */
	rte_eth_dev_stop(port);
	port_setup_conf(port, nq, &conf);
}

/* One queue pair, started, with both sub-devices started. */
void
port_start_both(uint16_t port)
{
	port_setup(port, 1);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));
	assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));
}

/* RX one burst on every queue, TX it back on the same queue; free leftovers. */
uint64_t
forward_once(uint16_t port, uint16_t nq, uint64_t *txd)
{
	struct rte_mbuf *pkts[BURST];
	uint64_t got = 0;
	uint16_t q, n, s;

	for (q = 0; q < nq; q++) {
		n = rte_eth_rx_burst(port, q, pkts, BURST);
		got += n;
		s = rte_eth_tx_burst(port, q, pkts, n);
		if (txd != NULL)
			*txd += s;
		rte_pktmbuf_free_bulk(pkts + s, n - s);
	}
	return got;
}

/* Send n fresh packets on queue q; returns how many the port took. */
uint16_t
send_fresh(uint16_t port, uint16_t q, uint16_t n)
{
	struct rte_mbuf *pkts[BURST];
	uint16_t s, i;

	assert_true(n <= BURST);
	assert_int_equal(rte_pktmbuf_alloc_bulk(mp, pkts, n), 0);
	for (i = 0; i < n; i++) {
		char *d = rte_pktmbuf_append(pkts[i], 64);

		assert_non_null(d);
		memset(d, 0, 64);
		d[63] = (char)q;
		d[62] = (char)i;
	}
	s = rte_eth_tx_burst(port, q, pkts, n);
	rte_pktmbuf_free_bulk(pkts + s, n - s);
	return s;
}

void
stats_of(uint16_t port, struct rte_eth_stats *st)
{
	assert_int_equal(rte_eth_stats_get(port, st), 0);
}

uint16_t
send_counted(uint16_t port, uint16_t q, uint16_t sub_port, uint64_t *sub_sent)
{
	struct rte_eth_stats a, b;
	uint16_t s;

	stats_of(sub_port, &a);
	s = send_fresh(port, q, BURST);
	stats_of(sub_port, &b);
	*sub_sent = b.opackets - a.opackets;
	return s;
}

void
assert_mempool_back(void)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (rte_mempool_in_use_count(mp) != mp_start_in_use &&
	       now_ms() < deadline)
		usleep(1000);
	assert_int_equal(rte_mempool_in_use_count(mp), mp_start_in_use);
}

void
close_port(uint16_t port)
{
	if (!rte_eth_dev_is_valid_port(port))
		return;
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
}

/* A private fail-safe port for one test, created and removed by it. */
uint16_t
fs_create(const char *name, const char *args)
{
	uint16_t port;

	assert_int_equal(rte_eal_hotplug_add("vdev", name, args), 0);
	port = port_of(name);
	assert_true(port < RTE_MAX_ETHPORTS);
	return port;
}

void
fs_destroy(const char *name)
{
	rec_refuse_probe(false);	/* its sub-devices may be removed */
	close_port(port_of(name));
	assert_int_equal(rte_eal_hotplug_remove("vdev", name), 0);
}

/*
 * lib/hotplug lives inside the plugin (linked in statically): its state is
 * reached through the plugin's own symbols, not a second copy.
 */
void *
plugin_sym(const char *name)
{
	char path[512];
	void *h, *sym;

	snprintf(path, sizeof(path), "%s/librte_net_failsafe_uevent.so",
		 getenv("FS_PLUGIN_DIR"));
	h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	if (h == NULL)
		fail_msg("plugin not loaded from %s: %s", path, dlerror());
	sym = dlsym(h, name);
	dlclose(h);
	if (sym == NULL)
		fail_msg("plugin has no %s", name);
	return sym;
}

struct fs_priv *
priv_of(uint16_t port)
{
	assert_true(port < RTE_MAX_ETHPORTS);
	return rte_eth_devices[port].data->dev_private;
}

static bool
sub_has_mac(uint16_t sub_port, const struct rte_ether_addr *mac)
{
	const struct rte_eth_dev_data *d = rte_eth_devices[sub_port].data;
	unsigned int i;

	for (i = 0; i < 64 && d->mac_addrs != NULL; i++)
		if (rte_is_same_ether_addr(&d->mac_addrs[i], mac))
			return true;
	return false;
}

void
sub_matches(uint16_t port, const char *sub_name,
	    const struct rte_ether_addr *extra, int line)
{
	uint16_t sp = port_of(sub_name);
	struct rte_ether_addr pm, sm;
	uint16_t pmtu, smtu;

	if (getenv("FS_TEST_LOG") != NULL)
		print_message("checking %s against port %u (line %d)\n",
			      sub_name, port, line);
	assert_true(sp < RTE_MAX_ETHPORTS);
	assert_int_equal(rte_eth_dev_get_mtu(port, &pmtu), 0);
	assert_int_equal(rte_eth_dev_get_mtu(sp, &smtu), 0);
	assert_int_equal(smtu, pmtu);
	/*
	 * A mode the port has on, the sub-device has on.  Off is best effort:
	 * net_null is always promiscuous and cannot turn it off (-ENOTSUP,
	 * which loses no traffic and is tolerated by design).
	 */
	if (rte_eth_promiscuous_get(port) == 1)
		assert_int_equal(rte_eth_promiscuous_get(sp), 1);
	if (rte_eth_allmulticast_get(port) == 1)
		assert_int_equal(rte_eth_allmulticast_get(sp), 1);
	assert_int_equal(rte_eth_macaddr_get(port, &pm), 0);
	assert_int_equal(rte_eth_macaddr_get(sp, &sm), 0);
	assert_memory_equal(&pm, &sm, sizeof(pm));
	if (extra != NULL)
		assert_true(sub_has_mac(sp, extra));
}

void
raise_rmv(const char *sub_name)
{
	uint16_t sp = port_of(sub_name);

	assert_true(sp < RTE_MAX_ETHPORTS);
	rte_eth_dev_callback_process(&rte_eth_devices[sp], RTE_ETH_EVENT_INTR_RMV,
				     NULL);
}

int
sh(const char *cmd)
{
	int ret = system(cmd);

	if (ret != 0)
		print_message("'%s' failed: %d\n", cmd, ret);
	return ret;
}

unsigned int
count_lines(const char *text, const char *what)
{
	unsigned int n = 0;
	const char *p;

	for (p = text; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

/* The sub-device leaves and stays away until rec_refuse_probe(false). */
bool
rmv_and_away(uint16_t port, unsigned int sub, const char *sub_name)
{
	rec_refuse_probe(true);
	raise_rmv(sub_name);
	return wait_sub_xstat(port, sub, "state", SUB_EMPTY);
}

/* An RMV event on a sub-device, then (bounded) until it is back and started. */
bool
rmv_and_back(uint16_t port, unsigned int sub, const char *sub_name)
{
	uint64_t adds = sub_xstat(port, sub, "additions");

	raise_rmv(sub_name);
	return wait_sub_counter_above(port, sub, "additions", adds) &&
		wait_sub_xstat(port, sub, "state", SUB_STARTED) &&
		wait_sub_xstat(port, sub, "active", 1);
}

int
eal_setup(void **state)
{
	struct fs_test_eal e;

	if (fs_test_eal_args(&e, NULL, "0", true) != 0 ||
	    fs_test_eal_add(&e, "--vdev",
			    "net_failsafe0,dev(net_null0),dev(net_null1),hotplug_poll=20") != 0 ||
	    fs_test_eal_add(&e, "--vdev",
			    "net_failsafe1,dev(net_ring0),dev(net_ring1),hotplug_poll=20") != 0 ||
	    (mp = fs_test_eal_init_pool(&e, "fs_test_mp", NB_MBUF, 0)) == NULL)
		return -1;
	*state = mp;
	mp_start_in_use = rte_mempool_in_use_count(mp);
	return 0;
}

int
eal_teardown(void **state)
{
	close_port(port_of("net_failsafe0"));
	close_port(port_of("net_failsafe1"));
	return fs_test_eal_teardown(state);
}

void
cases_filter(void)
{
	if (getenv("FS_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("FS_TEST_FILTER"));
}

/* Interfaces made in a namespace of our own vanish with the process. */
void
private_netns(void)
{
	if (unshare(CLONE_NEWNET | CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0 ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL) != 0) {
		fprintf(stderr, "no private netns (%s): tests that need interfaces are skipped\n",
			strerror(errno));
		return;
	}
	netns_ok = system("ip link set lo up") == 0;
}
