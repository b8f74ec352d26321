/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Io forwarding over net_null, several port pairs in one process taking
 * turns in slices of about a millisecond.  testpmd's paired run takes
 * turns every half second through its command line, and this VM's
 * throughput drifts by tens of percent between half seconds; a slice of a
 * millisecond sees the same host as its neighbours, so the per-round ratio
 * to the direct pair is the driver's cost and not the host's.
 *
 * The loop is testpmd's io engine on two ports without its statistics:
 * receive a burst on one port, send it on the other, free what was not
 * sent; both directions in turn.  With less work around the driver than
 * testpmd, a driver's per-burst cost weighs more here, not less.
 *
 * direct_b is a second direct pair: its ratio to direct is the method's
 * floor, what two identical pairs differ by in one process.
 *
 * Output, one line each, for dpdk-test-hotplug to read:
 *   config <name> <driver> <median Mpps of the slices> <Mpps over all>
 *   ratio <name> <median> <p10> <p90>       (per-round, against "direct")
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "app_port.h"
#include "dpdk_compat.h"

#define BD_BURST	32
#define BD_NB_MBUF	16384
#define BD_MAX_CFG	8
#define BD_MAX_ROUNDS	100000

struct bd_cfg {
	const char *name;
	const char *driver;	/* "ours", "debian" or "other": checked */
	const char *vdev[2][2];	/* the two ports: name, args */
	const char *pre[4];	/* vdevs (net_null) a port's args name */
	uint16_t port[2];
	unsigned int nb_up;	/* vdevs of vdev[] created */
	double *mpps;		/* per round */
	uint64_t pkts;
	uint64_t cycles;
};

static struct bd_cfg bd_known[] = {
	{ .name = "direct", .driver = "other",
	  .vdev = { { "net_null0", "" }, { "net_null1", "" } } },
	{ .name = "direct_b", .driver = "other",
	  .vdev = { { "net_null12", "" }, { "net_null13", "" } } },
	{ .name = "ours_1sub", .driver = "ours",
	  .vdev = { { "net_failsafe0", "dev(net_null2)" },
		    { "net_failsafe1", "dev(net_null3)" } } },
	{ .name = "debian", .driver = "debian",
	  .vdev = { { "net_failsafe0", "dev(net_null2)" },
		    { "net_failsafe1", "dev(net_null3)" } } },
	{ .name = "ours_2sub", .driver = "ours",
	  .vdev = { { "net_failsafe2", "dev(net_null4),dev(net_null5)" },
		    { "net_failsafe3", "dev(net_null6),dev(net_null7)" } } },
	{ .name = "bonding", .driver = "other",
	  .vdev = { { "net_bonding0", "mode=1," FS_BOND_MEMBER_KEY "=net_null8," FS_BOND_MEMBER_KEY "=net_null9" },
		    { "net_bonding1", "mode=1," FS_BOND_MEMBER_KEY "=net_null10," FS_BOND_MEMBER_KEY "=net_null11" } },
	  .pre = { "net_null8", "net_null9", "net_null10", "net_null11" } },
};
#define BD_NB_KNOWN (sizeof(bd_known) / sizeof(bd_known[0]))

struct bd_opts {
	struct bd_cfg *cfg[BD_MAX_CFG];
	unsigned int nb_cfg;
	unsigned int rounds;
	unsigned int warm_rounds;
	unsigned int steps;	/* forwarding steps (both directions) per slice */
};

static bool
bd_listed(const struct bd_opts *o, const struct bd_cfg *c)
{
	unsigned int i;

	for (i = 0; i < o->nb_cfg; i++)
		if (o->cfg[i] == c)
			return true;
	return false;
}

static int
bd_parse_configs(struct bd_opts *o, char *list)
{
	char *tok, *save = NULL;
	unsigned int i;

	for (tok = strtok_r(list, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < BD_NB_KNOWN; i++)
			if (strcmp(bd_known[i].name, tok) == 0)
				break;
		if (i == BD_NB_KNOWN || o->nb_cfg == BD_MAX_CFG) {
			fprintf(stderr, "bench-datapath: --configs: unknown or too many: %s\n", tok);
			return -EINVAL;
		}
		if (bd_listed(o, &bd_known[i])) {
			fprintf(stderr, "bench-datapath: --configs: %s given twice\n", tok);
			return -EINVAL;
		}
		o->cfg[o->nb_cfg++] = &bd_known[i];
	}
	if (o->nb_cfg == 0 || strcmp(o->cfg[0]->name, "direct") != 0) {
		fprintf(stderr, "bench-datapath: --configs must start with direct\n");
		return -EINVAL;
	}
	return 0;
}

static int
bd_parse_uint(const char *opt, const char *s, unsigned int lo, unsigned int hi,
	      unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "bench-datapath: %s: '%s' is not a number in %u..%u\n",
			opt, s, lo, hi);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int
bd_parse(struct bd_opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "configs", required_argument, NULL, 'c' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "warm-rounds", required_argument, NULL, 'w' },
		{ "steps", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	char list[256] = "direct,direct_b,ours_1sub,ours_2sub,bonding";
	int c, ret = 0;

	o->rounds = 2000;
	o->warm_rounds = 50;
	o->steps = 1000;
	while (ret == 0 && (c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			snprintf(list, sizeof(list), "%s", optarg);
			break;
		case 'r':
			ret = bd_parse_uint("--rounds", optarg, 1, BD_MAX_ROUNDS, &o->rounds);
			break;
		case 'w':
			ret = bd_parse_uint("--warm-rounds", optarg, 0, 10000, &o->warm_rounds);
			break;
		case 's':
			ret = bd_parse_uint("--steps", optarg, 1, 1000000, &o->steps);
			break;
		default:
			return -EINVAL;
		}
	}
	if (ret == 0 && optind != argc) {
		fprintf(stderr, "bench-datapath: unexpected argument %s\n", argv[optind]);
		return -EINVAL;
	}
	return ret != 0 ? ret : bd_parse_configs(o, list);
}

/* Our driver answers fs_switches; Debian's fail-safe has no such xstat. */
static const char *
bd_driver_of(uint16_t port)
{
	struct rte_eth_dev_info info;
	uint64_t id;

	if (rte_eth_dev_info_get(port, &info) != 0 ||
	    strcmp(info.driver_name, "net_failsafe") != 0)
		return "other";
	return rte_eth_xstats_get_id_by_name(port, "fs_switches", &id) == 0 ?
		"ours" : "debian";
}

static int
bd_cfg_create(struct bd_cfg *c, struct rte_mempool *mp, unsigned int rounds)
{
	const char *name;
	unsigned int i;
	int ret;

	for (i = 0; i < RTE_DIM(c->pre) && c->pre[i] != NULL; i++) {
		ret = rte_vdev_init(c->pre[i], "");
		if (ret != 0) {
			name = c->pre[i];
			goto fail;
		}
	}
	for (i = 0; i < 2; i++) {
		name = c->vdev[i][0];
		ret = rte_vdev_init(name, c->vdev[i][1]);
		if (ret != 0)
			goto fail;
		c->nb_up = i + 1;
		ret = rte_eth_dev_get_port_by_name(name, &c->port[i]);
		if (ret == 0)
			ret = app_port_start_one(c->port[i], 512,
						 (int)rte_socket_id(), mp);
		if (ret != 0)
			goto fail;
		if (strcmp(bd_driver_of(c->port[i]), c->driver) != 0) {
			fprintf(stderr, "bench-datapath: %s: port %s runs %s's driver, not %s's\n",
				c->name, c->vdev[i][0], bd_driver_of(c->port[i]), c->driver);
			return -ENODEV;
		}
	}
	c->mpps = calloc(rounds, sizeof(*c->mpps));
	return c->mpps == NULL ? -ENOMEM : 0;
fail:
	fprintf(stderr, "bench-datapath: %s: cannot create and start %s: %s\n",
		c->name, name, strerror(-ret));
	return ret;
}

/*
 * Stops and removes the ports before rte_eal_cleanup: the EAL's own
 * cleanup removes vdevs in creation order, sub-devices before the port
 * using them, which Debian's fail-safe does not survive.
 */
static void
bd_cfg_destroy(struct bd_cfg *c)
{
	unsigned int i = c->nb_up;
	uint16_t port;

	while (i-- > 0) {
		if (rte_eth_dev_get_port_by_name(c->vdev[i][0], &port) == 0)
			rte_eth_dev_stop(port);
		rte_vdev_uninit(c->vdev[i][0]);
	}
	c->nb_up = 0;
	for (i = 0; i < RTE_DIM(c->pre) && c->pre[i] != NULL; i++)
		rte_vdev_uninit(c->pre[i]);
	free(c->mpps);
	c->mpps = NULL;
}

static inline unsigned int
bd_fwd(uint16_t from, uint16_t to)
{
	struct rte_mbuf *pkts[BD_BURST];
	uint16_t nb, sent;

	nb = rte_eth_rx_burst(from, 0, pkts, BD_BURST);
	if (nb == 0)
		return 0;
	sent = rte_eth_tx_burst(to, 0, pkts, nb);
	if (unlikely(sent < nb))
		rte_pktmbuf_free_bulk(pkts + sent, nb - sent);
	return nb;
}

/* One slice of one configuration: Mpps. */
static double
bd_slice(struct bd_cfg *c, unsigned int steps, double tsc_hz, bool count)
{
	uint64_t t0, dt, pkts = 0;
	unsigned int s;

	t0 = rte_rdtsc();
	for (s = 0; s < steps; s++) {
		pkts += bd_fwd(c->port[0], c->port[1]);
		pkts += bd_fwd(c->port[1], c->port[0]);
	}
	dt = rte_rdtsc() - t0;
	if (count) {
		c->pkts += pkts;
		c->cycles += dt;
	}
	return dt == 0 ? 0 : (double)pkts * tsc_hz / (double)dt / 1e6;
}

static int
bd_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of n sorted values. */
static double
bd_quantile(const double *sorted, unsigned int n, double q)
{
	return sorted[(unsigned int)(q * (n - 1) + 0.5)];
}

/*
 * Ratios first: they pair each configuration's rounds with direct's, and
 * sorting a configuration's own Mpps for its median breaks that pairing.
 */
static void
bd_report(struct bd_opts *o, double tsc_hz)
{
	double *ratio = calloc(o->rounds, sizeof(*ratio));
	unsigned int c, r;

	for (c = 1; c < o->nb_cfg && ratio != NULL; c++) {
		struct bd_cfg *k = o->cfg[c];

		for (r = 0; r < o->rounds; r++)
			ratio[r] = k->mpps[r] / o->cfg[0]->mpps[r];
		qsort(ratio, o->rounds, sizeof(*ratio), bd_cmp);
		printf("ratio %s %.4f %.4f %.4f\n", k->name,
		       bd_quantile(ratio, o->rounds, 0.5),
		       bd_quantile(ratio, o->rounds, 0.1),
		       bd_quantile(ratio, o->rounds, 0.9));
	}
	for (c = 0; c < o->nb_cfg; c++) {
		struct bd_cfg *k = o->cfg[c];

		qsort(k->mpps, o->rounds, sizeof(*k->mpps), bd_cmp);
		printf("config %s %s %.3f %.3f\n", k->name, k->driver,
		       bd_quantile(k->mpps, o->rounds, 0.5),
		       (double)k->pkts * tsc_hz / (double)k->cycles / 1e6);
	}
	free(ratio);
}

static void
bd_run(struct bd_opts *o, double tsc_hz)
{
	unsigned int r, k, c;

	for (r = 0; r < o->warm_rounds + o->rounds; r++) {
		bool count = r >= o->warm_rounds;

		/* Rotate the order so no configuration always follows another. */
		for (k = 0; k < o->nb_cfg; k++) {
			double v;

			c = (r + k) % o->nb_cfg;
			v = bd_slice(o->cfg[c], o->steps, tsc_hz, count);
			if (count)
				o->cfg[c]->mpps[r - o->warm_rounds] = v;
		}
	}
}

int
main(int argc, char **argv)
{
	struct bd_opts o;
	struct rte_mempool *mp;
	unsigned int c;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "bench-datapath: EAL init failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	argc -= ret;
	argv += ret;
	memset(&o, 0, sizeof(o));
	if (bd_parse(&o, argc, argv) != 0) {
		rte_eal_cleanup();
		return 2;
	}
	mp = rte_pktmbuf_pool_create("bd_mbuf", BD_NB_MBUF, 256, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	ret = mp == NULL ? -rte_errno : 0;
	for (c = 0; c < o.nb_cfg && ret == 0; c++)
		ret = bd_cfg_create(o.cfg[c], mp, o.rounds);
	if (ret == 0) {
		bd_run(&o, (double)rte_get_tsc_hz());
		bd_report(&o, (double)rte_get_tsc_hz());
		fflush(stdout);
	}
	while (c-- > 0)
		bd_cfg_destroy(o.cfg[c]);
	rte_eal_cleanup();
	return ret == 0 ? 0 : 1;
}
