/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The fail-safe port through the ethdev API, with the EAL initialised
 * once and the plugin loaded with -d (fs_ethdev_common.c); here
 * statistics that never go backwards across a sub-device removed behind
 * the driver's back.
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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

#include "hotplug.h"

#include "fs_ethdev_common.h"

static void
assert_stats_monotonic(const struct rte_eth_stats *a, const struct rte_eth_stats *b)
{
	if (b->ipackets < a->ipackets || b->opackets < a->opackets ||
	    b->ibytes < a->ibytes || b->obytes < a->obytes)
		fail_msg("stats went backwards: ipackets %" PRIu64 " -> %" PRIu64
			 ", opackets %" PRIu64 " -> %" PRIu64,
			 a->ipackets, b->ipackets, a->opackets, b->opackets);
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

/* --- the three views of each counter list -------------------------------- */

#define TEL_BUF		65536
#define MAX_KEYS	256

/* A telemetry reply's keys at one nesting depth (1: the command's dict). */
struct tel_keys {
	unsigned int n;
	char key[MAX_KEYS][64];
};

/*
 * The keys of the dict at depth want (the reply's outermost object is
 * depth 0, its one member the command's answer at depth 1); under
 * "sub0" only when sub0 is set.  Enough JSON for rte_telemetry's output:
 * objects, arrays, strings with escapes, numbers.
 */
static void
tel_keys_at(const char *js, int want, const char *within, struct tel_keys *k)
{
	char last[64] = "", inside[64] = "";
	int depth = -1, i;
	const char *p;

	k->n = 0;
	for (p = js; *p != '\0'; p++) {
		if (*p == '{' || *p == '[') {
			depth++;
			if (depth == want && within != NULL)
				snprintf(inside, sizeof(inside), "%s", last);
		} else if (*p == '}' || *p == ']') {
			depth--;
		} else if (*p == '"') {
			char str[64];

			for (i = 0, p++; *p != '\0' && *p != '"'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				if (i < (int)sizeof(str) - 1)
					str[i++] = *p;
			}
			str[i] = '\0';
			if (p[1] != ':')
				continue;
			snprintf(last, sizeof(last), "%s", str);
			if (depth == want && k->n < MAX_KEYS &&
			    (within == NULL || strcmp(inside, within) == 0))
				snprintf(k->key[k->n++], sizeof(k->key[0]), "%s", str);
		}
	}
}

static bool
tel_has(const struct tel_keys *k, const char *key)
{
	unsigned int i;

	for (i = 0; i < k->n; i++)
		if (strcmp(k->key[i], key) == 0)
			return true;
	return false;
}

/* One command through the EAL's telemetry socket; the reply in buf. */
static void
tel_query(const char *cmd, char *buf, size_t size)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	ssize_t n;
	int fd;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/dpdk_telemetry.v2",
		 rte_eal_get_runtime_dir());
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	assert_true(fd >= 0);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		fail_msg("telemetry socket %s: %s", sun.sun_path, strerror(errno));
	n = recv(fd, buf, size - 1, 0);		/* its greeting */
	assert_true(n > 0);
	assert_int_equal(send(fd, cmd, strlen(cmd), 0), (ssize_t)strlen(cmd));
	n = recv(fd, buf, size - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	close(fd);
}

static bool
xname_has(const struct rte_eth_xstat_name *names, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i].name, name) == 0)
			return true;
	return false;
}

/* The port's own entries that are neither a list's nor a slot's. */
static const char * const port_gauges[] = {
	"active_subdevices", "switches", "tx_subdevice",
};

/* Telemetry's port entries that are not counters. */
static const char * const tel_port_info[] = {
	"name", "version", "started", "hotplug_poll_ms", "uevent",
};

static bool
in_list(const char * const *list, unsigned int n, const char *s)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

/*
 * Each counter list (FS_HOTPLUG_TIMES, HOTPLUG_MONITOR_STATS,
 * FS_SUB_COUNTERS) shows the same names in its struct, in the xstats
 * ("fs_" and "fs_sub<N>_" names, read through rte_eth_xstats_get_names)
 * and in telemetry (/failsafe/port over the EAL's socket): no entry of
 * one view is missing from another, and the structs hold nothing else.
 */
static void
test_counter_views_agree(void **state)
{
	static const char * const times[] = {
#define NAME1(f) #f,
		FS_HOTPLUG_TIMES(NAME1)
	};
	static const char * const mon[] = {
#define NAME2(f, name) name,
		HOTPLUG_MONITOR_STATS(NAME2)
	};
	static const char * const subc[] = {
		FS_SUB_COUNTERS(NAME1)
#undef NAME1
#undef NAME2
	};
	uint16_t port = port_of("net_failsafe0");
	struct rte_eth_xstat_name *names;
	struct tel_keys *top, *sub0;
	char cmd[64], nm[RTE_ETH_XSTATS_NAME_SIZE], *buf;
	unsigned int i, own = 0;
	int n;

	(void)state;
	/* The structs are their lists and nothing else. */
	assert_int_equal(sizeof(struct fs_hotplug_times), RTE_DIM(times) * sizeof(uint64_t));
	assert_int_equal(sizeof(struct hotplug_monitor_stats), RTE_DIM(mon) * sizeof(uint64_t));

	n = rte_eth_xstats_get_names(port, NULL, 0);
	assert_true(n > 0);
	names = calloc(n, sizeof(*names));
	assert_non_null(names);
	assert_int_equal(rte_eth_xstats_get_names(port, names, n), n);
	buf = malloc(TEL_BUF);
	top = malloc(sizeof(*top));
	sub0 = malloc(sizeof(*sub0));
	assert_true(buf != NULL && top != NULL && sub0 != NULL);
	snprintf(cmd, sizeof(cmd), "/failsafe/port,%u", port);
	tel_query(cmd, buf, TEL_BUF);
	tel_keys_at(buf, 1, NULL, top);
	tel_keys_at(buf, 2, "sub0", sub0);
	print_message("%d xstats, %u telemetry keys, %u in sub0\n", n, top->n, sub0->n);

	for (i = 0; i < RTE_DIM(times); i++) {
		snprintf(nm, sizeof(nm), "fs_%s", times[i]);
		if (!xname_has(names, n, nm) || !tel_has(top, times[i]))
			fail_msg("FS_HOTPLUG_TIMES %s: xstat %d, telemetry %d", times[i],
				 xname_has(names, n, nm), tel_has(top, times[i]));
	}
	for (i = 0; i < RTE_DIM(mon); i++) {
		snprintf(nm, sizeof(nm), "fs_%s", mon[i]);
		if (!xname_has(names, n, nm) || !tel_has(top, mon[i]))
			fail_msg("HOTPLUG_MONITOR_STATS %s: xstat %d, telemetry %d", mon[i],
				 xname_has(names, n, nm), tel_has(top, mon[i]));
	}
	for (i = 0; i < RTE_DIM(subc); i++) {
		snprintf(nm, sizeof(nm), "fs_sub0_%s", subc[i]);
		if (!xname_has(names, n, nm) || !tel_has(sub0, subc[i]))
			fail_msg("FS_SUB_COUNTERS %s: xstat %d, telemetry %d", subc[i],
				 xname_has(names, n, nm), tel_has(sub0, subc[i]));
	}
	/* And back: each of the port's own xstats is in telemetry, and no
	 * telemetry entry lacks its xstat. */
	for (i = 0; i < (unsigned int)n; i++) {
		const char *x = names[i].name;

		if (strncmp(x, "fs_", 3) != 0 || strncmp(x, "fs_sub", 6) == 0)
			continue;
		own++;
		if (!tel_has(top, x + 3))
			fail_msg("xstat %s is not in telemetry", x);
	}
	assert_int_equal(own, RTE_DIM(port_gauges) + RTE_DIM(times) + RTE_DIM(mon));
	for (i = 0; i < top->n; i++) {
		const char *t = top->key[i];

		if (in_list(tel_port_info, RTE_DIM(tel_port_info), t) ||
		    (strncmp(t, "sub", 3) == 0 && t[3] >= '0' && t[3] <= '9'))
			continue;
		snprintf(nm, sizeof(nm), "fs_%s", t);
		if (!xname_has(names, n, nm))
			fail_msg("telemetry %s has no xstat %s", t, nm);
	}
	for (i = 0; i < RTE_DIM(port_gauges); i++)
		assert_true(tel_has(top, port_gauges[i]));
	free(names);
	free(buf);
	free(top);
	free(sub0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_across_hotplug_remove),
		cmocka_unit_test(test_counter_views_agree),
	};

	return run_cases(tests);
}
