/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The ADD worker (fs_worker.c): every ADD runs in its one thread, the
 * monitor only queues it, so a REMOVE of another sub-device is switched
 * while an ADD is in a slow step; a port closing with an ADD running or
 * queued waits for the one running only, and frees nothing under it.
 * The slow step is the test hook where a PCI bind would run (up to 2 s);
 * the sub-devices are net_af_packet over veth pairs in a private netns.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* pthread_getname_np */
#endif
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
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

#include <rte_ethdev.h>

#include "fs_ethdev_common.h"

#define SLOW_MS		1500	/* the hook's "bind" */

static struct {
	char thread[16];
	pthread_t tid;
	volatile int entered;
	unsigned int sleep_ms;
} hook;

static void
slow_add_hook(struct fs_sub *sub)
{
	(void)sub;
	hook.tid = pthread_self();
	pthread_getname_np(hook.tid, hook.thread, sizeof(hook.thread));
	__atomic_store_n(&hook.entered, 1, __ATOMIC_RELEASE);
	usleep(hook.sleep_ms * 1000);
}

static uint64_t
fs_time_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void
net_event(struct hotplug_event *ev, enum hotplug_action action,
	  const char *ifname)
{
	memset(ev, 0, sizeof(*ev));
	ev->action = action;
	ev->subsystem = HOTPLUG_SUBSYS_NET;
	ev->rx_ns = fs_time_now_ns();
	snprintf(ev->name, sizeof(ev->name), "%s", ifname);
	snprintf(ev->ifname, sizeof(ev->ifname), "%s", ifname);
	ev->ifindex = (int)if_nametoindex(ifname);
}

/* As lib/hotplug's monitor thread would, here in the caller's thread. */
static uint64_t
deliver(enum hotplug_action action, const char *ifname)
{
	void (*process)(const struct hotplug_event *) =
		PLUGIN_FN(hotplug_callback_process);
	struct hotplug_event ev;
	uint64_t t0 = now_ms();

	net_event(&ev, action, ifname);
	process(&ev);
	return now_ms() - t0;
}

static bool
wait_hook_entered(void)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (!__atomic_load_n(&hook.entered, __ATOMIC_ACQUIRE) &&
	       now_ms() < deadline)
		usleep(1000);
	return __atomic_load_n(&hook.entered, __ATOMIC_ACQUIRE);
}

/* A started port over fswa0 (slot 0) and fswb0 (slot 1), slot 0 emptied. */
static uint16_t
port_with_slot0_gone(const char *name, const char *args)
{
	uint16_t port;

	assert_int_equal(sh("ip link add fswa0 type veth peer name fswa1 && ip link set fswa0 up && ip link set fswa1 up && "
			    "ip link add fswb0 type veth peer name fswb1 && ip link set fswb0 up && ip link set fswb1 up"), 0);
	port = fs_create(name, args);
	if (!priv_of(port)->uevent_on)
		return port;
	port_start_both(port);
	deliver(HOTPLUG_ACTION_REMOVE, "fswa0");
	assert_true(wait_sub_xstat(port, 0, "state", SUB_EMPTY));
	return port;
}

static void
veths_del(void)
{
	sh("ip link del fswa0 2>/dev/null; ip link del fswb0 2>/dev/null");
}

/*
 * For a test of a slow step: the port of port_with_slot0_gone() and the
 * hook's sleep set; skipped without a private netns or uevents.
 */
static uint16_t
slow_port(const char *name, const char *args, unsigned int sleep_ms)
{
	uint16_t port;

	if (!netns_ok)
		skip();
	port = port_with_slot0_gone(name, args);
	if (!priv_of(port)->uevent_on) {
		fs_destroy(name);
		veths_del();
		skip();
	}
	memset(&hook, 0, sizeof(hook));
	hook.sleep_ms = sleep_ms;
	return port;
}

/*
 * While sub-device A's ADD is in its slow step (where a PCI bind waits
 * for the driver), the monitor is free at once and a REMOVE of B is
 * switched well under that time; the ADD ran in the worker thread, and
 * A is back once it is done.
 */
static void
test_remove_not_behind_slow_add(void **state)
{
	uint64_t add_ms, rm_ms, b_state;
	struct fs_priv *priv;
	uint16_t port;

	(void)state;
	port = slow_port("net_failsafe70", "dev(net_af_packet70,iface=fswa0),dev(net_af_packet71,iface=fswb0),hotplug_poll=60000", SLOW_MS);
	priv = priv_of(port);
	priv->add_test_hook = slow_add_hook;
	add_ms = deliver(HOTPLUG_ACTION_ADD, "fswa0");
	assert_true(wait_hook_entered());
	rm_ms = deliver(HOTPLUG_ACTION_REMOVE, "fswb0");
	b_state = sub_xstat(port, 1, "state");
	assert_int_equal(PLUGIN_FN(fs_worker_flush)(WAIT_MS), 0);
	priv->add_test_hook = NULL;
	print_message("ADD handed over in %" PRIu64 " ms, REMOVE of B switched in %" PRIu64
		      " ms (B state %" PRIu64 ") while the ADD slept %u ms in thread '%s'\n",
		      add_ms, rm_ms, b_state, SLOW_MS, hook.thread);
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));
	fs_destroy("net_failsafe70");
	veths_del();
	assert_true(add_ms < 200);
	assert_true(rm_ms < SLOW_MS / 3);
	/* Out of the set: retiring, closing or closed, by how far the alarm got. */
	assert_true(b_state == SUB_RETIRING || b_state == SUB_CLOSING ||
		    b_state == SUB_EMPTY);
	assert_false(pthread_equal(hook.tid, pthread_self()));
	assert_non_null(strstr(hook.thread, "fs-add"));
}

/* The unlocked step of A's join that the hook holds. */
enum held_step {
	HELD_PROBE,	/* the EAL probe */
	HELD_REPLAY,	/* the port's configuration given to it */
	HELD_REPLAYED,	/* after that, before it is settled */
	HELD_START,	/* the sub-device's start */
};

static void
hold(struct fs_priv *priv, enum held_step step, bool on)
{
	void (*fn)(struct fs_sub *) = on ? slow_add_hook : NULL;

	if (step == HELD_PROBE)
		priv->probe_test_hook = fn;
	else if (step == HELD_REPLAY)
		priv->replay_test_hook = fn;
	else if (step == HELD_REPLAYED)
		priv->replayed_test_hook = fn;
	else
		priv->start_test_hook = fn;
}

static const uint64_t held_state[] = {
	[HELD_PROBE] = SUB_PROBING,
	[HELD_REPLAY] = SUB_CONFIGURING,
	[HELD_REPLAYED] = SUB_CONFIGURING,
	[HELD_START] = SUB_STARTING,
};

static const char *
fs_args_of(char *buf, size_t len, const char *sub_a, const char *sub_b)
{
	snprintf(buf, len, "dev(%s,iface=fswa0),dev(%s,iface=fswb0),hotplug_poll=60000",
		 sub_a, sub_b);
	return buf;
}

/*
 * While A's ADD is held in an unlocked step, a REMOVE of B is switched
 * and an application op answers well under the hold; A is back after.
 */
static void
remove_not_behind_held(enum held_step step, const char *name,
		       const char *sub_a, const char *sub_b)
{
	uint64_t rm_ms, op_ms, a_state, b_state;
	struct fs_priv *priv;
	char args[256];
	uint16_t port;

	port = slow_port(name, fs_args_of(args, sizeof(args), sub_a, sub_b), SLOW_MS);
	priv = priv_of(port);
	hold(priv, step, true);
	deliver(HOTPLUG_ACTION_ADD, "fswa0");
	assert_true(wait_hook_entered());
	rm_ms = deliver(HOTPLUG_ACTION_REMOVE, "fswb0");
	op_ms = now_ms();
	assert_int_equal(rte_eth_stats_reset(port), 0);
	op_ms = now_ms() - op_ms;
	b_state = sub_xstat(port, 1, "state");
	a_state = sub_xstat(port, 0, "state");
	assert_int_equal(PLUGIN_FN(fs_worker_flush)(WAIT_MS), 0);
	hold(priv, step, false);
	print_message("REMOVE of B switched in %" PRIu64 " ms (B state %" PRIu64
		      "), an op took %" PRIu64 " ms, while A (state %" PRIu64
		      ") was held %u ms in thread '%s'\n", rm_ms, b_state,
		      op_ms, a_state, SLOW_MS, hook.thread);
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));
	fs_destroy(name);
	veths_del();
	assert_int_equal(a_state, held_state[step]);
	assert_true(rm_ms < SLOW_MS / 3);
	assert_true(op_ms < SLOW_MS / 3);
	/* Out of the set: retiring, closing or closed, by how far the alarm got. */
	assert_true(b_state == SUB_RETIRING || b_state == SUB_CLOSING ||
		    b_state == SUB_EMPTY);
	assert_non_null(strstr(hook.thread, "fs-add"));
}

/*
 * A's own REMOVE while A is held in an unlocked step: the step finishes,
 * then the slot is torn down and the removal counted, rather than A
 * started on a device that has left.  A port closed while A is held
 * waits for it and leaves nothing open.
 */
static void
remove_or_close_while_held(enum held_step step, const char *name,
			   const char *sub_a, const char *sub_b)
{
	struct fs_priv *priv;
	uint64_t removals;
	char args[256];
	uint16_t port;

	port = slow_port(name, fs_args_of(args, sizeof(args), sub_a, sub_b), 300);
	priv = priv_of(port);
	removals = sub_xstat(port, 0, "removals");
	hold(priv, step, true);
	deliver(HOTPLUG_ACTION_ADD, "fswa0");
	assert_true(wait_hook_entered());
	deliver(HOTPLUG_ACTION_REMOVE, "fswa0");
	assert_int_equal(PLUGIN_FN(fs_worker_flush)(WAIT_MS), 0);
	assert_true(wait_sub_xstat(port, 0, "state", SUB_EMPTY));
	assert_true(sub_xstat(port, 0, "removals") == removals + 1);
	assert_true(port_of(sub_a) == RTE_MAX_ETHPORTS);

	/* Closed while A is held again. */
	memset(&hook, 0, sizeof(hook));
	hook.sleep_ms = 300;
	deliver(HOTPLUG_ACTION_ADD, "fswa0");
	assert_true(wait_hook_entered());
	fs_destroy(name);
	assert_int_equal(PLUGIN_FN(fs_worker_flush)(WAIT_MS), 0);
	assert_true(port_of(sub_a) == RTE_MAX_ETHPORTS);
	assert_true(port_of(sub_b) == RTE_MAX_ETHPORTS);
	veths_del();
}

/*
 * A port closed while its ADD sleeps in the worker and another is
 * queued: the close drops the queued one, waits for the running one
 * (bounded by its step) and the worker touches nothing freed.  Another
 * port's ADD still runs afterwards.
 */
static void
test_close_drains_its_adds(void **state)
{
	uint64_t close_ms;
	struct fs_priv *priv;
	uint16_t port;

	(void)state;
	port = slow_port("net_failsafe71", "dev(net_af_packet72,iface=fswa0),dev(net_af_packet73,iface=fswb0),hotplug_poll=60000", 500);
	priv = priv_of(port);
	priv->add_test_hook = slow_add_hook;
	deliver(HOTPLUG_ACTION_ADD, "fswa0");
	assert_true(wait_hook_entered());
	deliver(HOTPLUG_ACTION_ADD, "fswa0");	/* queued behind it */
	close_ms = now_ms();
	fs_destroy("net_failsafe71");
	close_ms = now_ms() - close_ms;
	assert_int_equal(PLUGIN_FN(fs_worker_flush)(WAIT_MS), 0);
	print_message("closed in %" PRIu64 " ms with an ADD running\n", close_ms);
	assert_true(close_ms < WAIT_MS);
	veths_del();

	/* The worker serves the next port. */
	port = port_with_slot0_gone("net_failsafe72", "dev(net_af_packet74,iface=fswa0),dev(net_af_packet75,iface=fswb0),hotplug_poll=60000");
	deliver(HOTPLUG_ACTION_ADD, "fswa0");
	assert_int_equal(PLUGIN_FN(fs_worker_flush)(WAIT_MS), 0);
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));
	fs_destroy("net_failsafe72");
	veths_del();
}

/* The application's thread, in dev_start. */
static void *
start_port(void *arg)
{
	uint16_t port = *(uint16_t *)arg;

	return (void *)(intptr_t)rte_eth_dev_start(port);
}

/*
 * dev_start joins its sub-devices in the application's thread the same
 * way: A's slow start runs without the port lock, and a REMOVE of B
 * meanwhile is switched at once.
 */
static void
test_remove_not_behind_dev_start(void **state)
{
	struct fs_priv *priv;
	uint64_t rm_ms;
	pthread_t tid;
	char args[256];
	uint16_t port;
	void *ret;

	(void)state;
	if (!netns_ok)
		skip();
	assert_int_equal(sh("ip link add fswa0 type veth peer name fswa1 && ip link set fswa0 up && ip link set fswa1 up && "
			    "ip link add fswb0 type veth peer name fswb1 && ip link set fswb0 up && ip link set fswb1 up"), 0);
	port = fs_create("net_failsafe78", fs_args_of(args, sizeof(args), "net_af_packet86", "net_af_packet87"));
	priv = priv_of(port);
	if (!priv->uevent_on) {
		fs_destroy("net_failsafe78");
		veths_del();
		skip();
	}
	port_setup(port, 1);	/* its first start: nothing counted yet */
	memset(&hook, 0, sizeof(hook));
	hook.sleep_ms = SLOW_MS;
	priv->start_test_hook = slow_add_hook;
	assert_int_equal(pthread_create(&tid, NULL, start_port, &port), 0);
	assert_true(wait_hook_entered());
	rm_ms = deliver(HOTPLUG_ACTION_REMOVE, "fswb0");
	assert_int_equal(pthread_join(tid, &ret), 0);
	priv->start_test_hook = NULL;
	print_message("REMOVE of B switched in %" PRIu64 " ms while dev_start held A's start %u ms\n",
		      rm_ms, SLOW_MS);
	assert_int_equal((intptr_t)ret, 0);
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_STARTED);
	fs_destroy("net_failsafe78");
	veths_del();
	assert_true(rm_ms < SLOW_MS / 3);
}

/*
 * The application removes A's device (rte_dev_remove) while A is held in
 * an unlocked step after its probe: refused (-EBUSY) rather than closed
 * under the step; A is closed once the step ends, and the removal counted.
 */
static void
app_remove_while_held(enum held_step step, const char *name,
		      const char *sub_a, const char *sub_b)
{
	struct rte_eth_dev_info info;
	struct fs_priv *priv;
	uint64_t removals;
	char args[256];
	uint16_t port, a;

	port = slow_port(name, fs_args_of(args, sizeof(args), sub_a, sub_b), 300);
	priv = priv_of(port);
	removals = sub_xstat(port, 0, "removals");
	hold(priv, step, true);
	deliver(HOTPLUG_ACTION_ADD, "fswa0");
	assert_true(wait_hook_entered());
	a = port_of(sub_a);
	assert_true(a < RTE_MAX_ETHPORTS);
	assert_int_equal(rte_eth_dev_info_get(a, &info), 0);
	assert_int_equal(rte_dev_remove(info.device), -EBUSY);
	assert_int_equal(PLUGIN_FN(fs_worker_flush)(WAIT_MS), 0);
	hold(priv, step, false);
	assert_true(wait_sub_xstat(port, 0, "state", SUB_EMPTY));
	assert_true(sub_xstat(port, 0, "removals") == removals + 1);
	assert_true(port_of(sub_a) == RTE_MAX_ETHPORTS);
	fs_destroy(name);
	veths_del();
}

/* A's REMOVE, then A's ADD held in the step by the hook. */
static void
readd_held(uint16_t port, enum held_step step, unsigned int sleep_ms)
{
	deliver(HOTPLUG_ACTION_REMOVE, "fswa0");
	assert_true(wait_sub_xstat(port, 0, "state", SUB_EMPTY));
	memset(&hook, 0, sizeof(hook));
	hook.sleep_ms = sleep_ms;
	deliver(HOTPLUG_ACTION_ADD, "fswa0");
	assert_true(wait_hook_entered());
	assert_int_equal(sub_xstat(port, 0, "state"), held_state[step]);
}

/*
 * What the application changes while A is held in its replay or its
 * start is not lost: A ends with the port's promiscuous mode and MTU
 * (an op waits for a replay, which reads them; a start is redone after
 * one); a port stopped meanwhile leaves A stopped, and the next
 * dev_start starts it.
 */
static void
port_changes_while_held(enum held_step step, const char *name,
			const char *sub_a, const char *sub_b)
{
	struct fs_priv *priv;
	uint16_t port, a, mtu;
	char args[256];
	int promisc;

	port = slow_port(name, fs_args_of(args, sizeof(args), sub_a, sub_b), 300);
	priv = priv_of(port);
	hold(priv, step, true);
	deliver(HOTPLUG_ACTION_ADD, "fswa0");
	assert_true(wait_hook_entered());
	promisc = rte_eth_promiscuous_get(port);
	assert_true(promisc >= 0);
	if (promisc)
		assert_int_equal(rte_eth_promiscuous_disable(port), 0);
	else
		assert_int_equal(rte_eth_promiscuous_enable(port), 0);
	assert_int_equal(rte_eth_dev_set_mtu(port, 1400), 0);
	assert_int_equal(PLUGIN_FN(fs_worker_flush)(WAIT_MS), 0);
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));
	a = port_of(sub_a);
	assert_true(a < RTE_MAX_ETHPORTS);
	assert_int_equal(rte_eth_promiscuous_get(a), !promisc);
	assert_int_equal(rte_eth_dev_get_mtu(a, &mtu), 0);
	assert_int_equal(mtu, 1400);

	/* Stopped while A is held: A ends configured and stopped. */
	readd_held(port, step, 300);
	assert_int_equal(rte_eth_dev_stop(port), 0);
	assert_int_equal(PLUGIN_FN(fs_worker_flush)(WAIT_MS), 0);
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_CONFIGURED);
	a = port_of(sub_a);
	assert_true(a < RTE_MAX_ETHPORTS);
	assert_int_equal(rte_eth_devices[a].data->dev_started, 0);
	hold(priv, step, false);
	assert_int_equal(rte_eth_dev_start(port), 0);
	assert_int_equal(sub_xstat(port, 0, "state"), SUB_STARTED);
	fs_destroy(name);
	veths_del();
}

/* In the worker, after each replay of A: the application flips promiscuous mode. */
static struct {
	uint16_t port;
	unsigned int calls;
} flip;

static void
flip_promisc_hook(struct fs_sub *sub)
{
	(void)sub;
	flip.calls++;
	if (rte_eth_promiscuous_get(flip.port) == 1)
		rte_eth_promiscuous_disable(flip.port);
	else
		rte_eth_promiscuous_enable(flip.port);
}

/*
 * An op after every unlocked replay of A: after a few, A is replayed
 * once under the port lock, so it joins with the port's last setting.
 */
static void
test_port_keeps_changing_after_replay(void **state)
{
	struct fs_priv *priv;
	uint16_t port, a;
	char args[256];

	(void)state;
	port = slow_port("net_failsafe85", fs_args_of(args, sizeof(args), "net_af_packet100", "net_af_packet101"), 0);
	priv = priv_of(port);
	memset(&flip, 0, sizeof(flip));
	flip.port = port;
	priv->replayed_test_hook = flip_promisc_hook;
	deliver(HOTPLUG_ACTION_ADD, "fswa0");
	assert_int_equal(PLUGIN_FN(fs_worker_flush)(WAIT_MS), 0);
	priv->replayed_test_hook = NULL;
	assert_true(wait_sub_xstat(port, 0, "state", SUB_STARTED));
	a = port_of("net_af_packet100");
	assert_true(a < RTE_MAX_ETHPORTS);
	print_message("%u unlocked replays, each followed by a change\n", flip.calls);
	assert_true(flip.calls >= 2);
	assert_int_equal(rte_eth_promiscuous_get(a), rte_eth_promiscuous_get(port));
	fs_destroy("net_failsafe85");
	veths_del();
}

/* A test of a held step: one of the bodies above, its step and names. */
#define HELD_TEST(test, body, step, name, sub_a, sub_b) \
static void \
test(void **state) \
{ \
	(void)state; \
	body(step, name, sub_a, sub_b); \
}

/* A's probe slow (a PCI PMD's, or net_af_packet's waiting for RCU). */
HELD_TEST(test_remove_not_behind_slow_probe, remove_not_behind_held, HELD_PROBE,
	  "net_failsafe73", "net_af_packet76", "net_af_packet77")
HELD_TEST(test_remove_or_close_during_probe, remove_or_close_while_held, HELD_PROBE,
	  "net_failsafe74", "net_af_packet78", "net_af_packet79")
/* A's start slow (a PMD setting its link up can take seconds). */
HELD_TEST(test_remove_not_behind_slow_start, remove_not_behind_held, HELD_START,
	  "net_failsafe75", "net_af_packet80", "net_af_packet81")
HELD_TEST(test_remove_or_close_during_start, remove_or_close_while_held, HELD_START,
	  "net_failsafe77", "net_af_packet84", "net_af_packet85")
/* A's replay slow (a PCI PMD's configure and queue set-up reset rings). */
HELD_TEST(test_remove_not_behind_slow_replay, remove_not_behind_held, HELD_REPLAY,
	  "net_failsafe80", "net_af_packet90", "net_af_packet91")
HELD_TEST(test_remove_or_close_during_replay, remove_or_close_while_held, HELD_REPLAY,
	  "net_failsafe81", "net_af_packet92", "net_af_packet93")
HELD_TEST(test_app_remove_during_start, app_remove_while_held, HELD_START,
	  "net_failsafe79", "net_af_packet88", "net_af_packet89")
HELD_TEST(test_app_remove_during_replay, app_remove_while_held, HELD_REPLAY,
	  "net_failsafe82", "net_af_packet94", "net_af_packet95")
HELD_TEST(test_port_changes_during_start, port_changes_while_held, HELD_START,
	  "net_failsafe76", "net_af_packet82", "net_af_packet83")
HELD_TEST(test_port_changes_during_replay, port_changes_while_held, HELD_REPLAY,
	  "net_failsafe83", "net_af_packet96", "net_af_packet97")
/* Between the replay and its settling, the ops skip A and do not wait. */
HELD_TEST(test_port_changes_after_replay, port_changes_while_held, HELD_REPLAYED,
	  "net_failsafe84", "net_af_packet98", "net_af_packet99")

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remove_not_behind_slow_add),
		cmocka_unit_test(test_close_drains_its_adds),
		cmocka_unit_test(test_remove_not_behind_slow_probe),
		cmocka_unit_test(test_remove_or_close_during_probe),
		cmocka_unit_test(test_remove_not_behind_slow_start),
		cmocka_unit_test(test_port_changes_during_start),
		cmocka_unit_test(test_remove_or_close_during_start),
		cmocka_unit_test(test_remove_not_behind_dev_start),
		cmocka_unit_test(test_app_remove_during_start),
		cmocka_unit_test(test_remove_not_behind_slow_replay),
		cmocka_unit_test(test_remove_or_close_during_replay),
		cmocka_unit_test(test_app_remove_during_replay),
		cmocka_unit_test(test_port_changes_during_replay),
		cmocka_unit_test(test_port_changes_after_replay),
		cmocka_unit_test(test_port_keeps_changing_after_replay),
	};

	if (getenv("FS_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("FS_TEST_FILTER"));
	private_netns();
	return cmocka_run_group_tests(tests, eal_setup, eal_teardown);
}
