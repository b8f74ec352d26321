/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The fail-safe port through the ethdev API, with the EAL initialised once
 * and the plugin loaded with -d: configure/start/stop/close cycles, queue
 * counts, bursts, statistics across a sub-device removed behind the
 * driver's back, replay to a sub-device that joins later, an RMV event
 * moving TX, API misuse, LSC events to the application, exec() re-run on
 * re-plug, per-port mac=/hotplug_poll=, RSS/RETA and queue start/stop.
 * Sub-devices are net_null (RX allocates, TX frees) and net_ring (TX on
 * queue q comes back on RX queue q).
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

#include "fs_private.h"
#include "test_pmd_rec.h"

#define NB_MBUF		8191
#define BURST		32
#define POLL_MS		20		/* hotplug_poll of the ports */
#define WAIT_MS		5000		/* bound of every wait on the control side */
#define SUB_STARTED	3		/* enum fs_sub_state FS_SUB_STARTED */
#define SUB_EMPTY	0

static struct rte_mempool *mp;
static bool netns_ok;	/* a private netns and its /sys: veth pairs allowed */
static unsigned int mp_start_in_use;

/* --- helpers ------------------------------------------------------------ */

/*
 * Out of memory on demand: the next allocation of an active set by this
 * thread fails.  The plugin's calloc resolves to this one, which the
 * executable exports because the DPDK libraries it links call calloc.
 */
void *__libc_calloc(size_t n, size_t size);
static __thread unsigned int set_allocs_to_fail;

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

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static uint16_t
port_of(const char *name)
{
	uint16_t pid;

	if (rte_eth_dev_get_port_by_name(name, &pid) != 0)
		return RTE_MAX_ETHPORTS;
	return pid;
}

/* An xstat by name; UINT64_MAX - 1 when the port has none of that name. */
static uint64_t
xstat(uint16_t port, const char *name)
{
	uint64_t id, val;

	if (rte_eth_xstats_get_id_by_name(port, name, &id) != 0)
		return UINT64_MAX - 1;
	if (rte_eth_xstats_get_by_id(port, &id, &val, 1) != 1)
		return UINT64_MAX - 1;
	return val;
}

static uint64_t
sub_xstat(uint16_t port, unsigned int sub, const char *what)
{
	char name[RTE_ETH_XSTATS_NAME_SIZE];

	snprintf(name, sizeof(name), "fs_sub%u_%s", sub, what);
	return xstat(port, name);
}

/* Wait (bounded) until a sub-device's xstat reaches a value. */
static bool
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

static bool
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

static void
port_setup_conf(uint16_t port, uint16_t nq, const struct rte_eth_conf *conf)
{
	uint16_t q;

	assert_int_equal(rte_eth_dev_configure(port, nq, nq, conf), 0);
	for (q = 0; q < nq; q++) {
		assert_int_equal(rte_eth_rx_queue_setup(port, q, 256,
				 rte_eth_dev_socket_id(port), NULL, mp), 0);
		assert_int_equal(rte_eth_tx_queue_setup(port, q, 256,
				 rte_eth_dev_socket_id(port), NULL), 0);
	}
}

static void
port_setup(uint16_t port, uint16_t nq)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	/* A test that failed half-way may have left the port started. */
	rte_eth_dev_stop(port);
	port_setup_conf(port, nq, &conf);
}

/* One queue pair, started, with both sub-devices started. */
static void
port_start_both(uint16_t port)
{
	port_setup(port, 1);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));
	assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));
}

/* RX one burst on every queue, TX it back on the same queue; free leftovers. */
static uint64_t
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
static uint16_t
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

static void
stats_of(uint16_t port, struct rte_eth_stats *st)
{
	assert_int_equal(rte_eth_stats_get(port, st), 0);
}

static void
assert_stats_monotonic(const struct rte_eth_stats *a, const struct rte_eth_stats *b)
{
	if (b->ipackets < a->ipackets || b->opackets < a->opackets ||
	    b->ibytes < a->ibytes || b->obytes < a->obytes)
		fail_msg("stats went backwards: ipackets %" PRIu64 " -> %" PRIu64
			 ", opackets %" PRIu64 " -> %" PRIu64,
			 a->ipackets, b->ipackets, a->opackets, b->opackets);
}

static void
assert_mempool_back(void)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (rte_mempool_in_use_count(mp) != mp_start_in_use &&
	       now_ms() < deadline)
		usleep(1000);
	assert_int_equal(rte_mempool_in_use_count(mp), mp_start_in_use);
}

static void
close_port(uint16_t port)
{
	if (!rte_eth_dev_is_valid_port(port))
		return;
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
}

/* A private fail-safe port for one test, created and removed by it. */
static uint16_t
fs_create(const char *name, const char *args)
{
	assert_int_equal(rte_eal_hotplug_add("vdev", name, args), 0);
	return port_of(name);
}

static void
fs_destroy(const char *name)
{
	close_port(port_of(name));
	assert_int_equal(rte_eal_hotplug_remove("vdev", name), 0);
}

/*
 * lib/hotplug lives inside the plugin (linked in statically): its state is
 * reached through the plugin's own symbols, not a second copy.
 */
static void *
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

#define PLUGIN_FN(fn) ((__typeof__(&fn))plugin_sym(#fn))

static struct fs_priv *
priv_of(uint16_t port)
{
	assert_true(port < RTE_MAX_ETHPORTS);
	return rte_eth_devices[port].data->dev_private;
}

/* Holds a port's lock from another thread, as a slow control call would. */
struct lock_holder {
	pthread_t tid;
	pthread_mutex_t *lock;
	volatile int held;
	volatile int release;
};

static void *
lock_holder_run(void *arg)
{
	struct lock_holder *h = arg;
	uint64_t deadline = now_ms() + 3000;

	pthread_mutex_lock(h->lock);
	h->held = 1;
	while (!h->release && now_ms() < deadline)
		usleep(1000);
	pthread_mutex_unlock(h->lock);
	return NULL;
}

static void
lock_hold(struct lock_holder *h, pthread_mutex_t *lock)
{
	memset(h, 0, sizeof(*h));
	h->lock = lock;
	assert_int_equal(pthread_create(&h->tid, NULL, lock_holder_run, h), 0);
	while (!h->held)
		usleep(100);
}

static void
lock_release(struct lock_holder *h)
{
	h->release = 1;
	pthread_join(h->tid, NULL);
}

/* A fake sysfs with one interface, whose attribute opens inotify reports. */
struct fake_sysfs {
	char root[64];
	char dir[128];
	int ino;
};

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
fake_sysfs_make(struct fake_sysfs *fs, const char *ifname, int ifindex,
		const char *mac)
{
	char path[256], text[32];

	snprintf(fs->root, sizeof(fs->root), "/tmp/fs-ethdev-sysfs-XXXXXX");
	assert_non_null(mkdtemp(fs->root));
	snprintf(path, sizeof(path), "%s/class", fs->root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/class/net", fs->root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(fs->dir, sizeof(fs->dir), "%s/class/net/%s", fs->root, ifname);
	assert_int_equal(mkdir(fs->dir, 0755), 0);
	snprintf(text, sizeof(text), "%d\n", ifindex);
	write_file(fs->dir, "ifindex", text);
	snprintf(text, sizeof(text), "%s\n", mac);
	write_file(fs->dir, "address", text);
	fs->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	assert_true(fs->ino >= 0);
	assert_true(inotify_add_watch(fs->ino, fs->dir, IN_OPEN) >= 0);
	assert_int_equal(PLUGIN_FN(hotplug_sysfs_root_set)(fs->root), 0);
}

/* Names of the attributes opened since the last call, comma separated. */
static void
fake_sysfs_opened(struct fake_sysfs *fs, char *out, size_t size)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	char *p;

	out[0] = '\0';
	while ((n = read(fs->ino, buf, sizeof(buf))) > 0)
		for (p = buf; p < buf + n;
		     p += sizeof(struct inotify_event) + ((struct inotify_event *)p)->len) {
			const struct inotify_event *e = (const void *)p;

			snprintf(out + strlen(out), size - strlen(out), "%s%s",
				 out[0] ? "," : "", e->len ? e->name : ".");
		}
}

static void
fake_sysfs_remove(struct fake_sysfs *fs)
{
	char cmd[128];

	PLUGIN_FN(hotplug_sysfs_root_set)(NULL);
	close(fs->ino);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fs->root);
	if (system(cmd) != 0)
		print_message("could not remove %s\n", fs->root);
}

static void
net_event(struct hotplug_event *ev, enum hotplug_action action,
	  const char *ifname, int ifindex)
{
	memset(ev, 0, sizeof(*ev));
	ev->action = action;
	ev->subsystem = HOTPLUG_SUBSYS_NET;
	ev->rx_ns = 1;
	snprintf(ev->name, sizeof(ev->name), "%s", ifname);
	snprintf(ev->ifname, sizeof(ev->ifname), "%s", ifname);
	ev->ifindex = ifindex;
}

static void
pci_event(struct hotplug_event *ev, enum hotplug_action action,
	  const char *addr, uint16_t vendor, uint16_t device)
{
	memset(ev, 0, sizeof(*ev));
	ev->action = action;
	ev->subsystem = HOTPLUG_SUBSYS_PCI;
	ev->rx_ns = 1;
	snprintf(ev->name, sizeof(ev->name), "%s", addr);
	snprintf(ev->pci_addr, sizeof(ev->pci_addr), "%s", addr);
	ev->pci_vendor = vendor;
	ev->pci_device = device;
}

/* --- tests -------------------------------------------------------------- */

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

static void
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

static void
raise_rmv(const char *sub_name)
{
	uint16_t sp = port_of(sub_name);

	assert_true(sp < RTE_MAX_ETHPORTS);
	rte_eth_dev_callback_process(&rte_eth_devices[sp], RTE_ETH_EVENT_INTR_RMV,
				     NULL);
}

#define assert_sub_matches(port, sub, extra) sub_matches(port, sub, extra, __LINE__)

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

/* What the interrupt thread saw around an RMV event it raised. */
struct rmv_probe {
	uint16_t port;
	uint16_t sub0;
	uint16_t sub1;
	uint64_t tx_sub;	/* fs_tx_subdevice right after the callback */
	uint16_t sent;
	uint64_t sub1_sent;	/* opackets of sub-device 1 for that burst */
	volatile int done;
};

static uint16_t
send_fresh_nocheck(uint16_t port, uint16_t n)
{
	struct rte_mbuf *pkts[BURST];
	uint16_t s, i;

	if (n > BURST || rte_pktmbuf_alloc_bulk(mp, pkts, n) != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (rte_pktmbuf_append(pkts[i], 64) == NULL)
			break;
	s = rte_eth_tx_burst(port, 0, pkts, n);
	rte_pktmbuf_free_bulk(pkts + s, n - s);
	return s;
}

/*
 * Runs as an alarm, in the EAL interrupt thread where PMDs raise RMV; no
 * cmocka assertion here (they jump), only records.
 */
static void
rmv_in_intr_thread(void *arg)
{
	struct rmv_probe *p = arg;
	struct rte_eth_stats a, b;

	rte_eth_stats_get(p->sub1, &a);
	rte_eth_dev_callback_process(&rte_eth_devices[p->sub0],
				     RTE_ETH_EVENT_INTR_RMV, NULL);
	p->tx_sub = xstat(p->port, "fs_tx_subdevice");
	p->sent = send_fresh_nocheck(p->port, BURST);
	rte_eth_stats_get(p->sub1, &b);
	p->sub1_sent = b.opackets - a.opackets;
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
}

/*
 * An RMV event on the TX sub-device moves TX to the next one within the
 * callback: the very next burst goes to the other sub-device.
 */
static void
test_rmv_event_switches_tx(void **state)
{
	uint16_t port = port_of("net_failsafe0");
	struct rmv_probe p = { .port = port };
	struct rte_eth_stats s1a, s1b;
	uint64_t removals, deadline;

	(void)state;
	port_start_both(port);
	assert_int_equal(xstat(port, "fs_tx_subdevice"), 0);
	p.sub0 = port_of("net_null0");
	p.sub1 = port_of("net_null1");
	removals = sub_xstat(port, 0, "removals");

	/* The port alarm runs in that thread too, so it cannot hold the lock. */
	assert_int_equal(rte_eal_alarm_set(1, rmv_in_intr_thread, &p), 0);
	deadline = now_ms() + WAIT_MS;
	while (!__atomic_load_n(&p.done, __ATOMIC_ACQUIRE) && now_ms() < deadline)
		usleep(100);
	assert_true(p.done);
	assert_int_equal(p.tx_sub, 1);
	assert_int_equal(p.sent, BURST);
	assert_int_equal(p.sub1_sent, BURST);
	assert_true(sub_xstat(port, 0, "removals") > removals);
	/* And the application's next burst too. */
	stats_of(p.sub1, &s1a);
	assert_int_equal(send_fresh(port, 0, BURST), BURST);
	stats_of(p.sub1, &s1b);
	assert_int_equal(s1b.opackets - s1a.opackets, BURST);
	/* And it comes back as the preferred TX target. */
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));
	assert_true(wait_sub_xstat(port, 0, "active", 1));
	assert_int_equal(xstat(port, "fs_tx_subdevice"), 0);
	assert_int_equal(rte_eth_dev_stop(port), 0);
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

#define RULE_MAC	"02:aa:00:00:00:01"

static void
process_all(const struct hotplug_event *evs, unsigned int n)
{
	void (*process)(const struct hotplug_event *) =
		PLUGIN_FN(hotplug_callback_process);
	unsigned int i;

	for (i = 0; i < n; i++)
		process(&evs[i]);
}

/*
 * Events about devices that are not the port's are dropped without its
 * lock and without a system call, even with match rules given, as long
 * as the rules' slots are full; a MAC rule reads the MAC of an ADD only
 * while its slot is empty.  The attribute opens are seen on a fake sysfs;
 * the lock is held by another thread, so taking it would stall here.
 */
static void
test_foreign_uevents_are_cheap(void **state)
{
	struct hotplug_event foreign[4], add;
	char opened_full[256], opened_foreign[256], opened_add[256];
	uint64_t full_ms, foreign_ms;
	struct lock_holder h;
	struct fake_sysfs fs;
	uint16_t full, vacant;

	(void)state;
	full = fs_create("net_failsafe10", "dev(net_null10),dev(net_null11),match_mac1=" RULE_MAC
			 ",match_pci0=8086:10d3,hotplug_poll=20");
	if (!priv_of(full)->uevent_on) {
		fs_destroy("net_failsafe10");
		skip();
	}
	assert_int_equal(sub_xstat(full, 1, "state"), 1);
	net_event(&foreign[0], HOTPLUG_ACTION_ADD, "fsx0", 77);
	net_event(&foreign[1], HOTPLUG_ACTION_REMOVE, "fsx0", 77);
	pci_event(&foreign[2], HOTPLUG_ACTION_ADD, "0000:99:00.0", 0x8086, 0x10d3);
	pci_event(&foreign[3], HOTPLUG_ACTION_REMOVE, "0000:99:00.0", 0x8086, 0x10d3);
	net_event(&add, HOTPLUG_ACTION_ADD, "fsx0", 77);
	fake_sysfs_make(&fs, "fsx0", 77, RULE_MAC);

	/* Every slot with a rule is full: nothing to read, nothing to lock. */
	lock_hold(&h, &priv_of(full)->lock);
	full_ms = now_ms();
	process_all(foreign, RTE_DIM(foreign));
	full_ms = now_ms() - full_ms;
	lock_release(&h);
	fake_sysfs_opened(&fs, opened_full, sizeof(opened_full));
	fs_destroy("net_failsafe10");

	/* A MAC rule for an empty slot: only a net ADD is worth its MAC. */
	vacant = fs_create("net_failsafe11", "dev(net_af_packet12,iface=fsxnone0),dev(net_null12),match_mac0="
			   RULE_MAC ",hotplug_poll=0");
	assert_int_equal(sub_xstat(vacant, 0, "state"), SUB_EMPTY);
	lock_hold(&h, &priv_of(vacant)->lock);
	foreign_ms = now_ms();
	process_all(&foreign[1], 3);
	foreign_ms = now_ms() - foreign_ms;
	lock_release(&h);
	fake_sysfs_opened(&fs, opened_foreign, sizeof(opened_foreign));
	process_all(&add, 1);
	fake_sysfs_opened(&fs, opened_add, sizeof(opened_add));
	process_all(&foreign[1], 1);
	fake_sysfs_remove(&fs);
	fs_destroy("net_failsafe11");

	print_message("full slots: %" PRIu64 " ms, opened '%s'; empty slot: foreign %" PRIu64
		      " ms, opened '%s'; ADD opened '%s'\n", full_ms, opened_full,
		      foreign_ms, opened_foreign, opened_add);
	assert_true(full_ms < 1000);
	assert_string_equal(opened_full, "");
	assert_true(foreign_ms < 1000);
	assert_string_equal(opened_foreign, "");
	assert_non_null(strstr(opened_add, "address"));
}

struct late_writer {
	pthread_t tid;
	int fd;
	unsigned int delay_ms;
	const char *text;
};

static void *
late_writer_run(void *arg)
{
	struct late_writer *w = arg;

	usleep(w->delay_ms * 1000);
	if (write(w->fd, w->text, strlen(w->text)) < 0)
		perror("late_writer");
	return NULL;
}

/*
 * fd(): a descriptor with no data yet (its writer is alive) must not hold
 * the probe, nor later the interrupt thread re-probing every hotplug_poll;
 * the line written later is taken by the next poll.
 */
static void
test_fd_devargs_never_block(void **state)
{
	struct late_writer w = { .delay_ms = 1500, .text = "net_null14\n" };
	char args[128];
	uint64_t t0, probe_ms;
	uint16_t port;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	w.fd = p[1];
	assert_int_equal(pthread_create(&w.tid, NULL, late_writer_run, &w), 0);
	snprintf(args, sizeof(args), "fd(%d),dev(net_null15),hotplug_poll=20", p[0]);
	t0 = now_ms();
	port = fs_create("net_failsafe12", args);
	probe_ms = now_ms() - t0;
	assert_true(port < RTE_MAX_ETHPORTS);
	print_message("probe with an empty fd() took %" PRIu64 " ms\n", probe_ms);
	assert_true(probe_ms < 1000);
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_EMPTY);
	assert_true(sub_xstat(port, 0, "probe_failures") >= 1);
	assert_int_equal(sub_xstat(port, 1, "state"), 1);
	pthread_join(w.tid, NULL);
	/* hotplug_poll reads the line now there. */
	assert_true(wait_sub_xstat(port, 0, "state", 1));
	assert_true(port_of("net_null14") < RTE_MAX_ETHPORTS);
	fs_destroy("net_failsafe12");
	close(p[0]);
	close(p[1]);
}

static int
sh(const char *cmd)
{
	int ret = system(cmd);

	if (ret != 0)
		print_message("'%s' failed: %d\n", cmd, ret);
	return ret;
}

/* Bounded wait for lib/hotplug's registry to show a state. */
static bool
wait_registry(const char *name, int want)
{
	int (*state)(const char *) = PLUGIN_FN(hotplug_device_state);
	uint64_t deadline = now_ms() + WAIT_MS;

	while (state(name) != want && now_ms() < deadline)
		usleep(1000);
	return state(name) == want;
}

/*
 * lib/hotplug's registry follows the sub-device: PROBED once probed, FAULT
 * when its interface goes, PROBED again when it is back, PARSED once the
 * port let it go.  (Whether the SIGBUS handler is installed cannot be
 * seen here: cmocka puts its own over it around every test.)
 */
static void
test_registry_follows_sub_device(void **state)
{
	uint16_t port;
	bool back, released;

	(void)state;
	if (!netns_ok)
		skip();
	assert_int_equal(sh("ip link add fsr0 type veth peer name fsr1 && ip link set fsr0 up && ip link set fsr1 up"), 0);
	port = fs_create("net_failsafe13", "dev(net_af_packet13,iface=fsr0),dev(net_null16),hotplug_poll=20");
	assert_int_equal(sub_xstat(port, 0, "state"), 1);
	assert_true(wait_registry("fsr0", HOTPLUG_DEV_PROBED));
	assert_int_equal(sh("ip link del fsr0"), 0);
	assert_true(wait_registry("fsr0", HOTPLUG_DEV_FAULT));
	assert_true(wait_sub_xstat(port, 0, "state", SUB_EMPTY));
	assert_int_equal(sh("ip link add fsr0 type veth peer name fsr1 && ip link set fsr0 up && ip link set fsr1 up"), 0);
	back = wait_sub_xstat(port, 0, "state", 1) &&
		wait_registry("fsr0", HOTPLUG_DEV_PROBED);
	fs_destroy("net_failsafe13");
	released = wait_registry("fsr0", HOTPLUG_DEV_PARSED);
	sh("ip link del fsr0");
	assert_true(back);
	assert_true(released);
}

/*
 * A closed port no longer tracks its slots' names: the registry is 256
 * entries, and a name left tracked holds one for good.
 */
static void
test_registry_untracked_at_close(void **state)
{
	(void)state;
	fs_create("net_failsafe42", "dev(net_af_packet42,iface=fsgone42),dev(net_null42),uevent=on");
	assert_true(wait_registry("fsgone42", HOTPLUG_DEV_FAULT));
	fs_destroy("net_failsafe42");
	assert_int_equal(PLUGIN_FN(hotplug_device_state)("fsgone42"), -ENOENT);
}

/*
 * A renamed interface (MOVE uevent): the slot configured with the new
 * name takes it at once, and the slot that had the old name lets it go,
 * without waiting for hotplug_poll (a minute here).
 */
static void
test_rename_is_add_and_remove(void **state)
{
	uint16_t port;
	bool joined, left;

	(void)state;
	if (!netns_ok)
		skip();
	assert_int_equal(sh("ip link add fsmt0 type veth peer name fsmp0 && ip link set fsmp0 up"), 0);
	port = fs_create("net_failsafe43", "dev(net_af_packet43,iface=fsmv0),dev(net_null43),hotplug_poll=60000");
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_EMPTY);
	assert_int_equal(sh("ip link set fsmt0 name fsmv0 && ip link set fsmv0 up"), 0);
	joined = wait_sub_xstat(port, 0, "state", 1);
	sh("ip link set fsmv0 down && ip link set fsmv0 name fsmt0");
	left = joined && wait_sub_xstat(port, 0, "state", SUB_EMPTY);
	fs_destroy("net_failsafe43");
	sh("ip link del fsmt0; ip link del fsmv0 2>/dev/null");
	assert_true(joined);
	assert_true(left);
}

static unsigned int
count_lines(const char *text, const char *what)
{
	unsigned int n = 0;
	const char *p;

	for (p = text; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

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

/*
 * The vfio release request, as Debian's EAL raises it: the sub-device
 * named leaves the port (TX moves to the other), and comes back by poll.
 */
static void
test_vfio_request_removes_sub(void **state)
{
	uint16_t port = port_of("net_failsafe0");
	uint64_t removals, deadline, stop_ns, close_ns;
	struct rte_eth_stats a, b;

	(void)state;
	port_start_both(port);
	assert_int_equal(xstat(port, "fs_tx_subdevice"), 0);
	removals = sub_xstat(port, 0, "removals");
	rte_dev_event_callback_process("net_null0", RTE_DEV_EVENT_REMOVE);
	deadline = now_ms() + WAIT_MS;
	while (xstat(port, "fs_tx_subdevice") != 1 && now_ms() < deadline)
		usleep(100);
	assert_int_equal(xstat(port, "fs_tx_subdevice"), 1);
	assert_true(sub_xstat(port, 0, "removals") > removals);
	/*
	 * Released in vfio's order: stopped, then closed (which unmaps the
	 * BARs); never remapped, for the device is still there and still
	 * does DMA until it is stopped.
	 */
	while (xstat(port, "fs_last_remove_close_ns") == 0 && now_ms() < deadline)
		usleep(100);
	stop_ns = xstat(port, "fs_last_remove_stop_ns");
	close_ns = xstat(port, "fs_last_remove_close_ns");
	assert_true(stop_ns > 0 && stop_ns != UINT64_MAX - 1);
	assert_true(close_ns >= stop_ns && close_ns != UINT64_MAX - 1);
	assert_int_equal(xstat(port, "fs_last_remove_remap_ns"), 0);
	stats_of(port_of("net_null1"), &a);
	assert_int_equal(send_fresh(port, 0, BURST), BURST);
	stats_of(port_of("net_null1"), &b);
	assert_int_equal(b.opackets - a.opackets, BURST);
	/* A request about a device that is not a sub-device changes nothing. */
	rte_dev_event_callback_process("net_nosuch0", RTE_DEV_EVENT_REMOVE);
	assert_true(wait_sub_xstat(port, 0, "active", 1));
	assert_int_equal(xstat(port, "fs_tx_subdevice"), 0);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	assert_mempool_back();
}

/*
 * An RTE_DEV_EVENT_REMOVE may come from EAL's own monitor (an application
 * ran rte_dev_event_monitor_start, testpmd --hot-plug), which takes
 * forged and synthetic uevents: for a sub-device whose interface sysfs
 * still shows, under the same ifindex, it changes nothing.
 */
static void
test_forged_dev_event_remove_ignored(void **state)
{
	uint64_t removals, events;
	uint16_t port;

	(void)state;
	if (!netns_ok)
		skip();
	assert_int_equal(sh("ip link add fsf0 type veth peer name fsf1 && ip link set fsf0 up && ip link set fsf1 up"), 0);
	port = fs_create("net_failsafe29", "dev(net_af_packet29,iface=fsf0),dev(net_null29),hotplug_poll=20");
	port_start_both(port);
	assert_int_equal(xstat(port, "fs_tx_subdevice"), 0);
	removals = sub_xstat(port, 0, "removals");
	events = xstat(port, "fs_remove_events");
	rte_dev_event_callback_process("net_af_packet29", RTE_DEV_EVENT_REMOVE);
	usleep(100 * 1000);
	assert_int_equal(sub_xstat(port, 0, "removals"), removals);
	assert_int_equal(xstat(port, "fs_remove_events"), events);
	assert_int_equal(sub_xstat(port, 0, "active"), 1);
	assert_int_equal(xstat(port, "fs_tx_subdevice"), 0);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	fs_destroy("net_failsafe29");
	sh("ip link del fsf0");
}

/* --- LSC, exec(), per-port devargs, RSS/RETA and queue ops -------------- */

/* What the application's LSC callback saw; it may run in any thread. */
struct lsc_log {
	uint32_t n;
	uint8_t last;	/* the port's link status when the event came */
};

static int
lsc_cb(uint16_t port, enum rte_eth_event_type type, void *arg, void *ret)
{
	struct lsc_log *l = arg;

	(void)ret;
	if (type != RTE_ETH_EVENT_INTR_LSC)
		return 0;
	__atomic_store_n(&l->last, rte_eth_devices[port].data->dev_link.link_status,
			 __ATOMIC_RELEASE);
	__atomic_add_fetch(&l->n, 1, __ATOMIC_ACQ_REL);
	return 0;
}

static uint32_t
lsc_count(struct lsc_log *l)
{
	return __atomic_load_n(&l->n, __ATOMIC_ACQUIRE);
}

/* Bounded wait for the n-th event; true if it came with that link status. */
static bool
wait_lsc(struct lsc_log *l, uint32_t n, uint8_t status)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (lsc_count(l) < n && now_ms() < deadline)
		usleep(1000);
	return lsc_count(l) == n &&
		__atomic_load_n(&l->last, __ATOMIC_ACQUIRE) == status;
}

static uint8_t
link_status(uint16_t port)
{
	struct rte_eth_link link;

	assert_int_equal(rte_eth_link_get_nowait(port, &link), 0);
	return link.link_status;
}

/* An RMV event on a sub-device, then (bounded) until it is back and started. */
static bool
rmv_and_back(uint16_t port, unsigned int sub, const char *sub_name)
{
	uint64_t adds = sub_xstat(port, sub, "additions");

	raise_rmv(sub_name);
	return wait_sub_counter_above(port, sub, "additions", adds) &&
		wait_sub_xstat(port, sub, "state", SUB_STARTED) &&
		wait_sub_xstat(port, sub, "active", 1);
}

#define LSC_POLL_MS	200
#define LSC_QUIET_MS	250	/* more than two link-watch rounds (100 ms) */

/*
 * LSC reaches the application when the port's link status changes, and
 * only then: the link is the leading sub-device's, down once no active
 * sub-device is left.  net_null has no set_link_up/down: the port says so
 * and its link does not move.
 */
static void
test_lsc_only_on_link_change(void **state)
{
	struct lsc_log l = { 0 };
	struct rte_eth_conf conf;
	uint16_t port;

	(void)state;
	port = fs_create("net_failsafe15", "dev(net_null20),dev(net_null21),hotplug_poll="
			 RTE_STR(LSC_POLL_MS));
	assert_true(port < RTE_MAX_ETHPORTS);
	memset(&conf, 0, sizeof(conf));
	conf.intr_conf.lsc = 1;
	port_setup_conf(port, 1, &conf);
	assert_int_equal(rte_eth_dev_callback_register(port, RTE_ETH_EVENT_INTR_LSC,
						       lsc_cb, &l), 0);
	assert_int_equal(link_status(port), RTE_ETH_LINK_DOWN);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(wait_lsc(&l, 1, RTE_ETH_LINK_UP));
	assert_int_equal(link_status(port), RTE_ETH_LINK_UP);

	/* Nothing happens: nothing is said, though the link is watched. */
	usleep(LSC_QUIET_MS * 1000);
	assert_int_equal(lsc_count(&l), 1);

	/* Unsupported by net_null: an error, and the link stays up. */
	assert_int_equal(rte_eth_dev_set_link_down(port), -ENOTSUP);
	assert_int_equal(rte_eth_dev_set_link_up(port), -ENOTSUP);
	assert_int_equal(link_status(port), RTE_ETH_LINK_UP);
	assert_int_equal(lsc_count(&l), 1);

	/* The second sub-device leaves and comes back: sub-device 0 leads. */
	assert_true(rmv_and_back(port, 1, "net_null21"));
	assert_int_equal(lsc_count(&l), 1);
	assert_int_equal(link_status(port), RTE_ETH_LINK_UP);

	/*
	 * Both leave, well within a poll period of the last re-probe: the
	 * first removal moves the lead, the second takes the link down.
	 */
	raise_rmv("net_null20");
	assert_int_equal(lsc_count(&l), 1);
	raise_rmv("net_null21");
	assert_true(wait_lsc(&l, 2, RTE_ETH_LINK_DOWN));
	assert_int_equal(link_status(port), RTE_ETH_LINK_DOWN);
	/* hotplug_poll brings them back: up again, said once. */
	assert_true(wait_sub_xstat(port, 0, "active", 1));
	assert_true(wait_sub_xstat(port, 1, "active", 1));
	assert_true(wait_lsc(&l, 3, RTE_ETH_LINK_UP));
	assert_int_equal(link_status(port), RTE_ETH_LINK_UP);

	assert_int_equal(rte_eth_dev_stop(port), 0);
	assert_true(wait_lsc(&l, 4, RTE_ETH_LINK_DOWN));
	assert_int_equal(rte_eth_dev_callback_unregister(port, RTE_ETH_EVENT_INTR_LSC,
							 lsc_cb, &l), 0);
	fs_destroy("net_failsafe15");
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static bool
wait_port_gone(const char *name)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (port_of(name) < RTE_MAX_ETHPORTS && now_ms() < deadline)
		usleep(1000);
	return port_of(name) == RTE_MAX_ETHPORTS;
}

/*
 * exec(): the sub-device is what the command prints, and the command runs
 * again when the slot is re-probed, so a changed answer is taken.
 */
static void
test_exec_reruns_on_replug(void **state)
{
	char path[64], args[160];
	struct rte_eth_stats a, b;
	uint16_t port;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/fs-ethdev-exec-%d", getpid());
	write_text(path, "net_null50\n");
	snprintf(args, sizeof(args), "exec(cat %s),dev(net_null51),hotplug_poll=20", path);
	port = fs_create("net_failsafe19", args);
	assert_true(port < RTE_MAX_ETHPORTS);
	assert_int_equal(sub_xstat(port, 0, "state"), 1);
	assert_true(port_of("net_null50") < RTE_MAX_ETHPORTS);
	assert_string_equal(priv_of(port)->subs[0].dev_name, "net_null50");
	port_setup(port, 1);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));

	write_text(path, "net_null52\n");
	assert_true(rmv_and_back(port, 0, "net_null50"));
	assert_true(wait_port_gone("net_null50"));
	assert_true(port_of("net_null52") < RTE_MAX_ETHPORTS);
	assert_string_equal(priv_of(port)->subs[0].dev_name, "net_null52");
	/* The new one leads and carries the traffic. */
	assert_int_equal(xstat(port, "fs_tx_subdevice"), 0);
	stats_of(port_of("net_null52"), &a);
	assert_int_equal(send_fresh(port, 0, BURST), BURST);
	stats_of(port_of("net_null52"), &b);
	assert_int_equal(b.opackets - a.opackets, BURST);
	fs_destroy("net_failsafe19");
	assert_true(port_of("net_null52") == RTE_MAX_ETHPORTS);
	unlink(path);
	assert_mempool_back();
}

#define MAC_A	{{ 0x02, 0x00, 0x00, 0x00, 0x16, 0x01 }}
#define MAC_B	{{ 0x02, 0x00, 0x00, 0x00, 0x17, 0x01 }}

/*
 * Two ports in one process keep their own mac= and hotplug_poll=: A polls
 * every 20 ms, B never; a removal on each shows which one polls.
 */
static void
test_two_ports_keep_own_devargs(void **state)
{
	const struct rte_ether_addr want_a = MAC_A, want_b = MAC_B;
	struct rte_ether_addr got;
	uint64_t t0, adds_b;
	uint16_t pa, pb;

	(void)state;
	pa = fs_create("net_failsafe16", "dev(net_null40),dev(net_null41),"
		       "mac=02:00:00:00:16:01,hotplug_poll=20");
	pb = fs_create("net_failsafe17", "dev(net_null42),dev(net_null43),"
		       "mac=02:00:00:00:17:01,hotplug_poll=0");
	assert_true(pa < RTE_MAX_ETHPORTS && pb < RTE_MAX_ETHPORTS);
	port_setup(pa, 1);
	port_setup(pb, 1);
	assert_int_equal(rte_eth_dev_start(pa), 0);
	assert_int_equal(rte_eth_dev_start(pb), 0);
	assert_int_equal(rte_eth_macaddr_get(pa, &got), 0);
	assert_memory_equal(&got, &want_a, sizeof(got));
	assert_int_equal(rte_eth_macaddr_get(pb, &got), 0);
	assert_memory_equal(&got, &want_b, sizeof(got));
	assert_sub_matches(pa, "net_null41", NULL);
	assert_sub_matches(pb, "net_null43", NULL);

	adds_b = sub_xstat(pb, 1, "additions");
	raise_rmv("net_null43");
	t0 = now_ms();
	assert_true(rmv_and_back(pa, 1, "net_null41"));
	assert_sub_matches(pa, "net_null41", NULL);
	/* B's slot empties and stays empty: nothing polls it. */
	assert_true(wait_sub_xstat(pb, 1, "state", SUB_EMPTY));
	while (now_ms() < t0 + 300) {
		assert_int_equal(sub_xstat(pb, 1, "state"), SUB_EMPTY);
		usleep(10 * 1000);
	}
	assert_int_equal(sub_xstat(pb, 1, "additions"), adds_b);
	assert_int_equal(xstat(pb, "fs_active_subdevices"), 1);
	/* And each port kept its MAC. */
	assert_int_equal(rte_eth_macaddr_get(pa, &got), 0);
	assert_memory_equal(&got, &want_a, sizeof(got));
	assert_int_equal(rte_eth_macaddr_get(pb, &got), 0);
	assert_memory_equal(&got, &want_b, sizeof(got));
	fs_destroy("net_failsafe16");
	fs_destroy("net_failsafe17");
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
	struct rte_eth_stats a, b;
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
	stats_of(s0, &a);
	assert_int_equal(send_fresh(port, 1, BURST), 0);
	stats_of(s0, &b);
	assert_int_equal(b.opackets, a.opackets);
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

/* --- main --------------------------------------------------------------- */

static int
eal_setup(void **state)
{
	const char *plugin = getenv("FS_PLUGIN_DIR");
	char prefix[64];
	char *argv[32];
	int argc = 0;

	(void)state;
	if (plugin == NULL) {
		fprintf(stderr, "FS_PLUGIN_DIR is not set (run through devtools/test.sh)\n");
		return -1;
	}
	snprintf(prefix, sizeof(prefix), "fs-ethdev-%d", getpid());
	argv[argc++] = "test_fs_ethdev";
	argv[argc++] = "-l";
	argv[argc++] = "0";
	argv[argc++] = "--no-pci";
	argv[argc++] = "--no-huge";
	argv[argc++] = "-m";
	argv[argc++] = "512";
	argv[argc++] = "--file-prefix";
	argv[argc++] = prefix;
	argv[argc++] = "-d";
	argv[argc++] = (char *)plugin;
	if (getenv("FS_TEST_LOG") != NULL) {
		argv[argc++] = "--log-level";
		argv[argc++] = getenv("FS_TEST_LOG");
	}
	argv[argc++] = "--vdev";
	argv[argc++] = "net_failsafe0,dev(net_null0),dev(net_null1),hotplug_poll=20";
	argv[argc++] = "--vdev";
	argv[argc++] = "net_failsafe1,dev(net_ring0),dev(net_ring1),hotplug_poll=20";
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "rte_eal_init failed: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	mp = rte_pktmbuf_pool_create("fs_test_mp", NB_MBUF, 0, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (mp == NULL)
		return -1;
	mp_start_in_use = rte_mempool_in_use_count(mp);
	return 0;
}

static int
eal_teardown(void **state)
{
	(void)state;
	close_port(port_of("net_failsafe0"));
	close_port(port_of("net_failsafe1"));
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return 0;
}

/* Interfaces made in a namespace of our own vanish with the process. */
static void
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
	struct rte_eth_stats a, b;
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
	stats_of(s0, &a);
	assert_int_equal(send_fresh(port, 0, BURST), BURST);
	stats_of(s0, &b);
	assert_int_equal(b.opackets - a.opackets, BURST);
	/* The stopped queue sends nothing (net_pcap alone would). */
	stats_of(s0, &a);
	assert_int_equal(send_fresh(port, 1, BURST), 0);
	stats_of(s0, &b);
	assert_int_equal(b.opackets, a.opackets);

	assert_int_equal(rte_eth_dev_tx_queue_start(port, 1), 0);
	assert_int_equal(rte_eth_dev_rx_queue_start(port, 1), 0);
	assert_int_equal(rte_eth_devices[port].data->tx_queue_state[1], RTE_ETH_QUEUE_STATE_STARTED);
	assert_int_equal(rte_eth_devices[s0].data->tx_queue_state[1], RTE_ETH_QUEUE_STATE_STARTED);
	assert_int_equal(rte_eth_devices[s1].data->rx_queue_state[1], RTE_ETH_QUEUE_STATE_STARTED);
	stats_of(s0, &a);
	assert_int_equal(send_fresh(port, 1, BURST), BURST);
	stats_of(s0, &b);
	assert_int_equal(b.opackets - a.opackets, BURST);
	fs_destroy("net_failsafe23");
	unlink(rx);
	unlink(tx0);
	unlink(tx1);
	assert_mempool_back();
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
 * A queue inside a burst holds the grace period: the removed sub-device
 * stays open, a warning after a second names the queue, and the close
 * goes through as soon as the queue leaves.  (The burst is simulated by
 * in_burst itself: no PMD here can be made to block.)
 */
static void
test_grace_held_by_queue_in_burst(void **state)
{
	int level = rte_log_get_level(rte_log_register("pmd.net.failsafe.uevent"));
	struct fs_queue *q;
	char *text = NULL;
	size_t len = 0;
	uint16_t port;
	FILE *f;

	(void)state;
	port = fs_create("net_failsafe24", "dev(net_null72),dev(net_null73),hotplug_poll=0");
	port_setup(port, 1);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));
	q = rte_eth_devices[port].data->tx_queues[0];
	f = open_memstream(&text, &len);
	assert_non_null(f);
	rte_log_set_level_pattern("pmd.net.failsafe.uevent", RTE_LOG_INFO);
	rte_openlog_stream(f);
	__atomic_store_n(&q->in_burst, 1, __ATOMIC_RELEASE);
	raise_rmv("net_null73");
	/* Out of the active set at once, but not closed while held. */
	assert_true(wait_sub_xstat(port, 1, "active", 0));
	usleep(1300 * 1000);
	assert_int_equal(sub_xstat(port, 1, "state"), SUB_STARTED);
	__atomic_store_n(&q->in_burst, 0, __ATOMIC_RELEASE);
	assert_true(wait_sub_xstat(port, 1, "state", SUB_EMPTY));
	rte_openlog_stream(NULL);
	rte_log_set_level_pattern("pmd.net.failsafe.uevent", level);
	fclose(f);
	print_message("log: %s", text);
	assert_int_equal(count_lines(text, "tx queue 0 holds it"), 1);
	free(text);
	fs_destroy("net_failsafe24");
	assert_mempool_back();
}

/*
 * Issue 17, item 9: a removal whose new active set cannot be allocated
 * must not leave the slot retiring for ever (in the set, refused by every
 * join, in no retired set): the alarm publishes it again.
 */
static void
test_remove_retried_after_enomem(void **state)
{
	uint16_t port;

	(void)state;
	port = fs_create("net_failsafe44", "dev(net_null92),dev(net_null93),hotplug_poll=0");
	port_setup(port, 1);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));
	set_allocs_to_fail = 1;
	raise_rmv("net_null93");	/* publishes in this thread: lock is free */
	assert_int_equal(set_allocs_to_fail, 0);
	assert_true(wait_sub_xstat(port, 1, "active", 0));
	assert_true(wait_sub_xstat(port, 1, "state", SUB_EMPTY));
	assert_int_equal(sub_xstat(port, 1, "removals"), 1);
	assert_int_equal(xstat(port, "fs_active_subdevices"), 1);
	assert_true(forward_once(port, 1, NULL) > 0);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	fs_destroy("net_failsafe44");
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
	struct rte_eth_stats a, b;
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
		stats_of(port_of("net_null74"), &a);
		assert_int_equal(send_fresh(port, 0, BURST), BURST);
		stats_of(port_of("net_null74"), &b);
		assert_int_equal(b.opackets - a.opackets, BURST);
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

/*
 * A replacement's interface name is written into the slot's devargs as
 * iface=<name>; a kernel name may hold ',' or '=', which would splice
 * keys of its own into them.  Refused, with the reason in the log.
 */
static void
test_replacement_iface_not_spliced(void **state)
{
	static const char bad[] = "fsx,qpairs=9";
	struct hotplug_event add;
	struct fake_sysfs fs;
	struct fs_priv *priv;
	uint16_t port;

	(void)state;
	port = fs_create("net_failsafe30", "dev(net_af_packet80,iface=fsxnone1),dev(net_null80),match_mac0="
			 RULE_MAC ",hotplug_poll=0");
	priv = priv_of(port);
	if (!priv->uevent_on) {
		fs_destroy("net_failsafe30");
		skip();
	}
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_EMPTY);
	net_event(&add, HOTPLUG_ACTION_ADD, bad, 78);
	fake_sysfs_make(&fs, bad, 78, RULE_MAC);
	process_all(&add, 1);
	fake_sysfs_remove(&fs);
	print_message("slot 0: devargs_override '%s', last error '%s'\n",
		      priv->subs[0].devargs_override, priv->subs[0].last_error);
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_EMPTY);
	assert_string_equal(priv->subs[0].devargs_override, "");
	assert_non_null(strstr(priv->subs[0].last_error, "'fsx,qpairs=9'"));
	assert_non_null(strstr(priv->subs[0].last_error, "',' or '='"));
	fs_destroy("net_failsafe30");
}

static volatile uint64_t alarm_fired_ms;

static void
alarm_mark(void *arg)
{
	(void)arg;
	alarm_fired_ms = now_ms();
}

/*
 * exec() (issue 17 item 3): a command that prints nothing and hangs is
 * killed after its bound (5 s), and while it runs, as when hotplug_poll
 * runs it again, neither the port lock nor the interrupt thread waits
 * for it: the lock is taken and an alarm runs within milliseconds.  The
 * port's close kills it.
 */
static void
test_exec_runs_off_lock(void **state)
{
	uint64_t t0, probe_ms, lock_ms = 0, alarm_ms = 0, w;
	struct fs_priv *priv;
	uint16_t port;
	pid_t pid;
	int i;

	(void)state;
	t0 = now_ms();
	port = fs_create("net_failsafe31", "exec(sleep 10),dev(net_null81),hotplug_poll=20");
	probe_ms = now_ms() - t0;
	priv = priv_of(port);
	print_message("probe: %" PRIu64 " ms; slot 0: '%s'\n", probe_ms,
		      priv->subs[0].last_error);
	assert_true(probe_ms >= 4500 && probe_ms < 7000);
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_EMPTY);
	assert_non_null(strstr(priv->subs[0].last_error,
			       "exec(sleep 10): printed no devargs within 5000 ms"));
	assert_int_equal(sub_xstat(port, 1, "state"), 1);
	/* hotplug_poll runs it again: 1 s with it running. */
	for (i = 0; i < 50; i++) {
		usleep(20000);
		w = now_ms();
		pthread_mutex_lock(&priv->lock);
		pthread_mutex_unlock(&priv->lock);
		lock_ms = RTE_MAX(lock_ms, now_ms() - w);
		alarm_fired_ms = 0;
		w = now_ms();
		assert_int_equal(rte_eal_alarm_set(1000, alarm_mark, NULL), 0);
		while (alarm_fired_ms == 0 && now_ms() - w < 12000)
			usleep(1000);
		alarm_ms = RTE_MAX(alarm_ms, alarm_fired_ms - w);
	}
	pid = priv->subs[0].exec.pid;
	print_message("while it runs (pid %d): lock waited %" PRIu64 " ms, alarm late %" PRIu64 " ms at most\n",
		      (int)pid, lock_ms, alarm_ms);
	assert_true(lock_ms < 200);
	assert_true(alarm_ms < 200);
	assert_true(pid > 0);
	fs_destroy("net_failsafe31");
	assert_int_equal(kill(pid, 0), -1);
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

static bool
rmv_and_away(uint16_t port, unsigned int sub, const char *sub_name)
{
	rec_refuse_probe(true);
	raise_rmv(sub_name);
	return wait_sub_xstat(port, sub, "state", SUB_EMPTY);
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
		cmocka_unit_test(test_queue_counts),
		cmocka_unit_test(test_rmv_event_switches_tx),
		cmocka_unit_test(test_replay_to_returning_sub),
		cmocka_unit_test(test_stats_across_hotplug_remove),
		cmocka_unit_test(test_api_misuse),
		cmocka_unit_test(test_foreign_uevents_are_cheap),
		cmocka_unit_test(test_fd_devargs_never_block),
		cmocka_unit_test(test_registry_follows_sub_device),
		cmocka_unit_test(test_registry_untracked_at_close),
		cmocka_unit_test(test_rename_is_add_and_remove),
		cmocka_unit_test(test_allmulti_enotsup_logged_once),
		cmocka_unit_test(test_vfio_request_removes_sub),
		cmocka_unit_test(test_forged_dev_event_remove_ignored),
		cmocka_unit_test(test_lsc_only_on_link_change),
		cmocka_unit_test(test_exec_reruns_on_replug),
		cmocka_unit_test(test_two_ports_keep_own_devargs),
		cmocka_unit_test(test_rss_reta_reach_every_sub),
		cmocka_unit_test(test_queue_stop_sub_cannot),
		cmocka_unit_test(test_queue_stop_start),
		cmocka_unit_test(test_reta_forgotten_on_reconfigure),
		cmocka_unit_test(test_grace_held_by_queue_in_burst),
		cmocka_unit_test(test_configure_without_rx_queues),
		cmocka_unit_test(test_replacement_iface_not_spliced),
		cmocka_unit_test(test_exec_runs_off_lock),
		cmocka_unit_test(test_replay_race_with_ethdev_record),
		cmocka_unit_test(test_replay_exact_settings),
		cmocka_unit_test(test_rss_key_copied_at_configure),
		cmocka_unit_test(test_close_waits_for_running_callback),
		cmocka_unit_test(test_remove_retried_after_enomem),
	};

	/* FS_TEST_FILTER=test_name runs one test (by hand, while debugging). */
	if (getenv("FS_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("FS_TEST_FILTER"));
	private_netns();
	return cmocka_run_group_tests(tests, eal_setup, eal_teardown);
}
