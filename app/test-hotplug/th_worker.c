/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 *
 * One measured run: enter the netns the supervisor made, build the links,
 * start the EAL with the port under test (ours, Debian's net_failsafe or
 * net_bonding mode 1) and the receiver, run traffic and yanks, report.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "app_port.h"
#include "dpdk_compat.h"
#include "th_timeline.h"
#include "th_traffic.h"
#include "th_view.h"
#include "th_world.h"
#include "th_worker.h"
#include "th_yank.h"

#define TH_RX_VDEV "net_af_packet9"
#define TH_NB_MBUF 8191
#define TH_NB_DESC 512

static volatile sig_atomic_t th_interrupted;

static void
th_on_signal(int sig)
{
	RTE_SET_USED(sig);
	th_interrupted = 1;
}

/* The --vdev arguments of the port under test. */
static int
th_port_devargs(const struct th_options *o, const struct th_world *w,
		char *buf, size_t sz, char *extra, size_t extra_sz,
		const char **port_name)
{
	size_t off = 0;
	unsigned int i;
	char mac[32];

	extra[0] = '\0';
	if (o->target == TH_TARGET_BONDING) {
		*port_name = "net_bonding0";
		off = snprintf(buf, sz, "net_bonding0,mode=1");
		for (i = 0; i < w->nb_subs && off < sz; i++)
			off += snprintf(buf + off, sz - off, "," FS_BOND_MEMBER_KEY "=net_af_packet%u", i);
		if (off < sz)
			off += snprintf(buf + off, sz - off, ",primary=net_af_packet0");
		/* The members are vdevs of their own, listed before the bond. */
		for (i = 0, off = 0; i < w->nb_subs; i++)
			off += snprintf(extra + off, extra_sz - off,
					"%snet_af_packet%u,iface=%s",
					i ? " " : "", i, w->sub_if[i]);
		return 0;
	}
	*port_name = "net_failsafe0";
	if (o->devargs != NULL && o->target == TH_TARGET_OURS) {
		snprintf(buf, sz, "%s", o->devargs);
		return 0;
	}
	off = snprintf(buf, sz, "net_failsafe0");
	for (i = 0; i < w->nb_subs && off < sz; i++)
		off += snprintf(buf + off, sz - off, ",dev(net_af_packet%u,iface=%s)",
				i, w->sub_if[i]);
	if (o->probe_rcu && off < sz)
		off += snprintf(buf + off, sz - off, ",rcu_expedite=on");
	if (o->replace_mac && off < sz) {
		th_mac_str(w->sub_mac[o->yank_sub], mac, sizeof(mac));
		off += snprintf(buf + off, sz - off, ",match_mac%u=%s",
				o->yank_sub, mac);
	}
	return off < sz ? 0 : -ENOSPC;
}

static int
th_port_setup(uint16_t port, struct rte_mempool *mp)
{
	int ret;

	ret = app_port_start_one(port, TH_NB_DESC, rte_eth_dev_socket_id(port),
				 mp);
	if (ret != 0)
		fprintf(stderr, "test-hotplug: port %u set-up failed: %s\n",
			port, rte_strerror(-ret));
	return ret;
}

/* Expected run time: the timeline must cover it, with room. */
static uint64_t
th_run_ms(const struct th_options *o)
{
	return o->warmup_ms + (uint64_t)o->cycles *
		(o->down_ms + o->settle_ms + o->gap_ms + 100) + 5000;
}

static int
th_eal_start(const struct th_options *o, const char *vdev, const char *extra,
	     const char *log_path)
{
	char *argv[32], prefix[64], rxv[64], buf[1024];
	char *tok, *save = NULL;
	int argc = 0;
	FILE *log;

	snprintf(prefix, sizeof(prefix), "--file-prefix=th%d", (int)getpid());
	snprintf(rxv, sizeof(rxv), "--vdev=%s,iface=vR0", TH_RX_VDEV);
	argv[argc++] = "dpdk-test-hotplug";
	argv[argc++] = "-l";
	argv[argc++] = "0-1";
	argv[argc++] = "--no-pci";
	argv[argc++] = "--no-huge";
	argv[argc++] = "-m";
	argv[argc++] = "1024";
	argv[argc++] = prefix;
	argv[argc++] = "--log-level=pmd.net.failsafe*:info";
	if (o->target == TH_TARGET_OURS) {
		argv[argc++] = "-d";
		argv[argc++] = (char *)o->plugin_dir;
	}
	snprintf(buf, sizeof(buf), "%s", extra);
	for (tok = strtok_r(buf, " ", &save); tok != NULL && argc < 26;
	     tok = strtok_r(NULL, " ", &save)) {
		argv[argc++] = "--vdev";
		argv[argc++] = tok;
	}
	argv[argc++] = "--vdev";
	argv[argc++] = (char *)vdev;
	argv[argc++] = rxv;
	argv[argc] = NULL;

	/* EAL and PMD logs go to a file: the terminal is the live view's. */
	log = fopen(log_path, "w");
	if (log != NULL) {
		setvbuf(log, NULL, _IOLBF, 0);
		rte_openlog_stream(log);
	}
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "test-hotplug: EAL init failed: %s (log: %s)\n",
			rte_strerror(rte_errno), log_path);
		return -1;
	}
	return 0;
}

int
th_worker_main(const struct th_options *o)
{
	struct th_world world;
	struct th_traffic *t = NULL;
	struct th_timeline *tl = NULL;
	struct th_yank_ctx ctx;
	struct th_view view;
	struct rte_ether_addr mac;
	struct th_xstats xs;
	char vdev[512], extra[256], log_path[512], label[16];
	const char *port_name = "";
	unsigned int lcore;
	uint16_t port, rx_port;
	uint64_t run_ms;
	int ret = 1, eal = 0;

	memset(&ctx, 0, sizeof(ctx));
	memset(&world, 0, sizeof(world));
	signal(SIGINT, th_on_signal);
	signal(SIGTERM, th_on_signal);
	if (th_world_enter(&world, o->netns, o->nb_subs) < 0 ||
	    th_world_build(&world) < 0)
		goto out;
	if (th_port_devargs(o, &world, vdev, sizeof(vdev), extra, sizeof(extra),
			    &port_name) < 0)
		goto out;
	snprintf(log_path, sizeof(log_path), "%s.log", o->out_prefix);
	if (th_eal_start(o, vdev, extra, log_path) < 0)
		goto out;
	eal = 1;
	if (rte_eth_dev_get_port_by_name(port_name, &port) != 0 ||
	    rte_eth_dev_get_port_by_name(TH_RX_VDEV, &rx_port) != 0) {
		fprintf(stderr, "test-hotplug: %s or %s did not probe (log: %s)\n",
			port_name, TH_RX_VDEV, log_path);
		goto out;
	}
	lcore = rte_get_next_lcore(-1, 1, 0);
	if (lcore >= RTE_MAX_LCORE) {
		fprintf(stderr, "test-hotplug: need a second lcore (-l 0-1)\n");
		goto out;
	}
	t = calloc(1, sizeof(*t));
	tl = calloc(1, sizeof(*tl));
	ctx.yanks = calloc(o->cycles, sizeof(*ctx.yanks));
	if (t == NULL || tl == NULL || ctx.yanks == NULL)
		goto out;
	run_ms = th_run_ms(o);
	if (th_traffic_init(t, o->cycles + 1,
			    (uint64_t)o->rate_pps * run_ms / 1000 + 1) < 0)
		goto out;
	t->mp = rte_pktmbuf_pool_create("th_pool", TH_NB_MBUF, 256, 0,
					RTE_MBUF_DEFAULT_BUF_SIZE,
					rte_socket_id());
	if (t->mp == NULL || th_port_setup(port, t->mp) != 0 ||
	    th_port_setup(rx_port, t->mp) != 0)
		goto out;
	rte_eth_promiscuous_enable(rx_port);
	rte_eth_macaddr_get(port, &mac);
	memcpy(t->src_mac, mac.addr_bytes, 6);
	memcpy(t->dst_mac, world.rx_mac, 6);
	t->port = port;
	t->rx_port = rx_port;
	t->rate_pps = o->rate_pps;

	ctx.opt = o;
	ctx.world = &world;
	ctx.traffic = t;
	ctx.view = &view;
	ctx.interrupted = &th_interrupted;
	ctx.have_tx_sub = th_xstats_read(port, &xs) > 0 && xs.have[TH_XS_TX_SUB];
	snprintf(label, sizeof(label), "%s", th_target_name(o->target));
	th_view_init(&view, o->live, label, o->nb_subs);
	printf("[%s] port %s over %u sub-devices, %u pps, %u cycles; devargs: %s%s%s\n",
	       label, port_name, o->nb_subs, o->rate_pps, o->cycles,
	       extra, extra[0] ? " " : "", vdev);
	fflush(stdout);

	t->t0 = rte_rdtsc();
	if (th_timeline_init(tl, t->t0, t->hz, run_ms) < 0 ||
	    th_timeline_init_wires(tl, o->nb_subs) < 0)
		goto out;
	t->tl = tl;
	rte_eal_remote_launch(th_traffic_loop, t, lcore);
	th_yank_run(&ctx);
	rte_eal_mp_wait_lcore();
	th_yank_account(&ctx);
	{
		char dat[512], ev[512];

		snprintf(dat, sizeof(dat), "%s.dat", o->out_prefix);
		snprintf(ev, sizeof(ev), "%s.ev", o->out_prefix);
		th_timeline_write(tl, ctx.t_traffic_end, dat, 1, ev);
		snprintf(dat, sizeof(dat), "%s.10ms.dat", o->out_prefix);
		th_timeline_write(tl, ctx.t_traffic_end, dat, 10, NULL);
	}
	if (th_yank_report(&ctx, label, vdev, o->out_prefix) == 0)
		ret = th_interrupted ? 130 : 0;
out:
	free(ctx.yanks);
	if (eal) {
		uint16_t p;

		/* The port under test first: a bond releases its members. */
		if (rte_eth_dev_get_port_by_name(port_name, &p) == 0) {
			rte_eth_dev_stop(p);
			rte_eth_dev_close(p);
		}
		RTE_ETH_FOREACH_DEV(p) {
			rte_eth_dev_stop(p);
			rte_eth_dev_close(p);
		}
		rte_eal_cleanup();
	}
	if (tl != NULL)
		th_timeline_free(tl);
	if (t != NULL)
		th_traffic_free(t);
	free(t);
	free(tl);
	th_world_close(&world);
	return ret;
}
