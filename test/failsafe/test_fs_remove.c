/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The fail-safe port through the ethdev API, with the EAL initialised
 * once and the plugin loaded with -d (fs_ethdev_common.c); here removal:
 * an RMV event moving TX, the vfio release request, a forged device
 * event, the grace period held by a queue in a burst, a removal retried
 * after ENOMEM, and LSC to the application.
 */

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
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
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "fs_ethdev_common.h"

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

/* Sub-device 0 back as the preferred TX target; the port stopped. */
static void
back_preferred_then_stop(uint16_t port)
{
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));
	assert_true(wait_sub_xstat(port, 0, "active", 1));
	assert_int_equal(xstat(port, "fs_tx_subdevice"), 0);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	assert_mempool_back();
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
	uint64_t removals, deadline, sent;

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
	assert_int_equal(send_counted(port, 0, p.sub1, &sent), BURST);
	assert_int_equal(sent, BURST);
	back_preferred_then_stop(port);
}

/*
 * The vfio release request, as Debian's EAL raises it: the sub-device
 * named leaves the port (TX moves to the other), and comes back by poll.
 */
static void
test_vfio_request_removes_sub(void **state)
{
	uint16_t port = port_of("net_failsafe0");
	uint64_t removals, deadline, stop_ns, close_ns, sent;

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
	assert_int_equal(send_counted(port, 0, port_of("net_null1"), &sent), BURST);
	assert_int_equal(sent, BURST);
	/* A request about a device that is not a sub-device changes nothing. */
	rte_dev_event_callback_process("net_nosuch0", RTE_DEV_EVENT_REMOVE);
	back_preferred_then_stop(port);
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
	assert_int_equal(sub_xstat(port, 1, "state"), SUB_RETIRING);
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

/* A driver whose stop on a removed device does not return (e1000e under TCG). */
static volatile int release_entered;
static volatile int release_go;

static void
stuck_release_hook(struct fs_sub *sub)
{
	uint64_t deadline = now_ms() + 10 * WAIT_MS;

	(void)sub;
	release_entered = 1;
	while (!release_go && now_ms() < deadline)
		usleep(1000);
}

/* Sub-device 0's next release sticks in the hook, as on a gone PCI device. */
static void
arm_stuck_release(struct fs_priv *priv)
{
	release_entered = 0;
	release_go = 0;
	priv->release_test_hook = stuck_release_hook;
	/* What a REMOVE uevent of a PCI sub-device sets. */
	pthread_mutex_lock(&priv->lock);
	priv->subs[0].pci_gone = true;
	pthread_mutex_unlock(&priv->lock);
}

static void
set_flag(void *arg)
{
	__atomic_store_n((int *)arg, 1, __ATOMIC_RELEASE);
}

/* The EAL interrupt thread runs a fresh alarm within ms. */
static bool
intr_thread_free(unsigned int ms)
{
	uint64_t deadline = now_ms() + ms;
	int ran = 0;

	if (rte_eal_alarm_set(1, set_flag, &ran) != 0)
		return false;
	while (!__atomic_load_n(&ran, __ATOMIC_ACQUIRE) && now_ms() < deadline)
		usleep(1000);
	if (!__atomic_load_n(&ran, __ATOMIC_ACQUIRE)) {
		rte_eal_alarm_cancel(set_flag, &ran);
		return false;
	}
	return true;
}

static bool
port_lock_free(struct fs_priv *priv, unsigned int ms)
{
	uint64_t deadline = now_ms() + ms;

	do {
		if (pthread_mutex_trylock(&priv->lock) == 0) {
			pthread_mutex_unlock(&priv->lock);
			return true;
		}
		usleep(1000);
	} while (now_ms() < deadline);
	return false;
}

/*
 * Issue 19: a removed sub-device whose driver's stop never returns.  The
 * release runs in its own thread: the interrupt thread and the port lock
 * stay free, traffic goes on over the other sub-device, one line names
 * the sub-device and its driver once the bound is overrun, and when the
 * driver returns at last the slot empties and the device comes back.
 */
static void
test_stuck_release_bounded(void **state)
{
	int level = rte_log_get_level(rte_log_register("pmd.net.failsafe.uevent"));
	uint64_t adds, deadline;
	struct fs_priv *priv;
	char *text = NULL;
	size_t len = 0;
	uint16_t port;
	FILE *f;

	(void)state;
	port = fs_create("net_failsafe45", "dev(net_null94),dev(net_null95),hotplug_poll=20");
	port_start_both(port);
	adds = sub_xstat(port, 0, "additions");
	priv = priv_of(port);
	arm_stuck_release(priv);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	rte_log_set_level_pattern("pmd.net.failsafe.uevent", RTE_LOG_INFO);
	rte_openlog_stream(f);
	raise_rmv("net_null94");
	deadline = now_ms() + WAIT_MS;
	while (!release_entered && now_ms() < deadline)
		usleep(1000);
	assert_true(release_entered);
	assert_true(intr_thread_free(500));
	assert_true(port_lock_free(priv, 500));
	assert_true(forward_once(port, 1, NULL) > 0);
	assert_int_equal(xstat(port, "fs_tx_subdevice"), 1);
	/* Past the bound: one line, the slot still closing. */
	usleep((FS_RELEASE_BOUND_MS + 500) * 1000);
	assert_true(intr_thread_free(500));
	assert_int_not_equal(sub_xstat(port, 0, "state"), SUB_EMPTY);
	fflush(f);
	assert_int_equal(count_lines(text, "sub-device 0 (net_null94, driver net_null): release not done after"), 1);
	/* The driver returns: the slot empties and the device is back. */
	release_go = 1;
	assert_true(wait_sub_counter_above(port, 0, "additions", adds));
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));
	assert_true(wait_sub_xstat(port, 0, "active", 1));
	priv->release_test_hook = NULL;
	rte_openlog_stream(NULL);
	rte_log_set_level_pattern("pmd.net.failsafe.uevent", level);
	fclose(f);
	print_message("log: %s", text);
	assert_int_equal(count_lines(text, "sub-device 0 (net_null94, driver net_null): released after"), 1);
	free(text);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	fs_destroy("net_failsafe45");
	assert_mempool_back();
}

/* The sub-device's port is owned by the stuck release, not free. */
static bool
owned_by_release(uint16_t sub_port)
{
	struct rte_eth_dev_owner owner;

	return rte_eth_dev_is_valid_port(sub_port) &&
		rte_eth_dev_owner_get(sub_port, &owner) == 0 &&
		owner.id != RTE_ETH_DEV_NO_OWNER &&
		strcmp(owner.name, "fs-release") == 0;
}

static bool
wait_delay_callback(void (*cb)(unsigned int))
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (rte_delay_us != cb && now_ms() < deadline)
		usleep(1000);
	return rte_delay_us == cb;
}

/*
 * Issue 19: the port closes while a release is stuck in its driver (it
 * waits no longer than the bound), then the driver returns.  Meanwhile
 * the stuck sub-device's port is nobody's to use: not the application's
 * (testpmd closes every port it sees at exit) and not the same port
 * probed again, which must not take a port whose driver is inside a
 * call; when the thread ends it closes it alone, the device comes back
 * to the new port, and the process has its delay callback back.
 */
static void
test_stuck_release_outlives_close(void **state)
{
	static const char args[] = "dev(net_null90),dev(net_null91),hotplug_poll=20";
	void (*delay_before)(unsigned int);
	uint64_t deadline, t0;
	struct fs_priv *priv;
	uint16_t port, sub_port, pid;
	bool listed = false;

	(void)state;
	rte_delay_us_callback_register(rte_delay_us_block);
	delay_before = rte_delay_us;
	port = fs_create("net_failsafe48", args);
	port_start_both(port);
	sub_port = port_of("net_null90");
	priv = priv_of(port);
	arm_stuck_release(priv);
	raise_rmv("net_null90");
	deadline = now_ms() + WAIT_MS;
	while (!release_entered && now_ms() < deadline)
		usleep(1000);
	assert_true(release_entered);
	priv->release_test_hook = NULL;	/* the other sub-device closes */
	assert_true(rte_delay_us != delay_before);
	/* The close waits the bound at most, then leaves the release. */
	t0 = now_ms();
	fs_destroy("net_failsafe48");
	assert_true(now_ms() - t0 < FS_RELEASE_BOUND_MS + 2000);
	assert_true(owned_by_release(sub_port));
	RTE_ETH_FOREACH_DEV(pid)
		listed = listed || pid == sub_port;
	assert_false(listed);
	/* The same port again: its slot does not take the orphan's port. */
	port = fs_create("net_failsafe48", args);
	port_setup(port, 1);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(wait_sub_xstat(port, 1, "state", SUB_STARTED));
	usleep(200 * 1000);	/* ten polls */
	/* Read between two polls: each tries an (unlocked) probe and fails. */
	assert_true(wait_sub_xstat(port, 0, "state", SUB_EMPTY));
	assert_true(owned_by_release(sub_port));
	assert_true(rte_delay_us != delay_before);
	/* The driver returns: the thread finishes alone. */
	release_go = 1;
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));
	assert_true(wait_delay_callback(delay_before));
	assert_false(owned_by_release(port_of("net_null90")));
	assert_true(forward_once(port, 1, NULL) > 0);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	fs_destroy("net_failsafe48");
	assert_mempool_back();
}

/* A driver's poll on a dead register, as net_e1000_em's NVM read: timed. */
static volatile uint64_t delayed_ms = UINT64_MAX;
static volatile uint64_t long_delay_ms;

static void
slow_poll_release_hook(struct fs_sub *sub)
{
	uint64_t t0 = now_ms();
	unsigned int i;

	(void)sub;
	for (i = 0; i < 100000; i++)
		rte_delay_us(5);	/* the NVM read's turns */
	/* net_e1000_em's DELAY() calls it directly. */
	rte_delay_us_sleep(20 * 1000 * 1000);
	usleep(20 * 1000 * 1000);
	delayed_ms = now_ms() - t0;
	/* A long one may wait for another thread (ixgbe's close): spent. */
	t0 = now_ms();
	rte_delay_us(50 * 1000);
	long_delay_ms = now_ms() - t0;
}

/*
 * Issue 19: the release of a PCI device whose hardware is gone skips the
 * driver's delays (testpmd's rte_delay_us_sleep made each 5 us poll of
 * a dead register a millisecond or more), in its own thread only.
 */
static void
test_gone_release_skips_delays(void **state)
{
	uint64_t adds, t0;
	struct fs_priv *priv;
	uint16_t port;

	(void)state;
	rte_delay_us_callback_register(rte_delay_us_sleep);
	port = fs_create("net_failsafe46", "dev(net_null96),dev(net_null97),hotplug_poll=20");
	port_setup(port, 1);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));
	adds = sub_xstat(port, 0, "additions");
	priv = priv_of(port);
	delayed_ms = UINT64_MAX;
	priv->release_test_hook = slow_poll_release_hook;
	/* What a REMOVE uevent of a PCI sub-device sets. */
	pthread_mutex_lock(&priv->lock);
	priv->subs[0].pci_gone = true;
	pthread_mutex_unlock(&priv->lock);
	raise_rmv("net_null96");
	assert_true(wait_sub_counter_above(port, 0, "additions", adds));
	priv->release_test_hook = NULL;
	print_message("delay in the release: %" PRIu64 " ms, a long one %" PRIu64
		      " ms\n", delayed_ms, long_delay_ms);
	assert_true(delayed_ms < 1000);
	assert_true(long_delay_ms >= 49);
	/* Everyone else still waits. */
	t0 = now_ms();
	rte_delay_us(50 * 1000);
	assert_true(now_ms() - t0 >= 49);
	t0 = now_ms();
	rte_delay_us_sleep(50 * 1000);
	assert_true(now_ms() - t0 >= 49);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	fs_destroy("net_failsafe46");
	rte_delay_us_callback_register(rte_delay_us_block);
	assert_mempool_back();
}

/*
 * Issue 19: net_vmxnet3 reads its queue descriptors' counters in
 * stats_get, and has none before a configure: testpmd died at once over
 * a vmxnet3 sub-device.  A sub-device never configured has counted
 * nothing: its stats are not asked for.
 */
static void
test_no_stats_before_configure(void **state)
{
	struct rte_eth_xstat_name *names;
	struct rte_eth_stats st;
	struct rec_priv *r;
	uint16_t port;
	int n;

	(void)state;
	port = fs_create("net_failsafe47", "dev(net_fsrec64),dev(net_null98),hotplug_poll=20");
	r = rec_of(port_of("net_fsrec64"));
	assert_non_null(r);
	usleep(100 * 1000);	/* alarm runs: its stats snapshot */
	assert_int_equal(rte_eth_stats_get(port, &st), 0);
	n = rte_eth_xstats_get_names(port, NULL, 0);
	assert_true(n > 0);
	names = calloc(n, sizeof(*names));
	assert_non_null(names);
	assert_int_equal(rte_eth_xstats_get_names(port, names, n), n);
	free(names);
	assert_int_equal(rte_eth_stats_reset(port), 0);
	assert_int_equal(r->nb_stats_unconfigured, 0);
	port_setup(port, 1);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));
	assert_int_equal(rte_eth_stats_get(port, &st), 0);
	assert_int_equal(r->nb_stats_unconfigured, 0);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	fs_destroy("net_failsafe47");
	assert_mempool_back();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rmv_event_switches_tx),
		cmocka_unit_test(test_vfio_request_removes_sub),
		cmocka_unit_test(test_forged_dev_event_remove_ignored),
		cmocka_unit_test(test_lsc_only_on_link_change),
		cmocka_unit_test(test_grace_held_by_queue_in_burst),
		cmocka_unit_test(test_remove_retried_after_enomem),
		cmocka_unit_test(test_stuck_release_bounded),
		cmocka_unit_test(test_stuck_release_outlives_close),
		cmocka_unit_test(test_gone_release_skips_delays),
		cmocka_unit_test(test_no_stats_before_configure),
	};

	/* FS_TEST_FILTER=test_name runs one test (by hand, while debugging). */
	if (getenv("FS_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("FS_TEST_FILTER"));
	private_netns();
	return cmocka_run_group_tests(tests, eal_setup, eal_teardown);
}
