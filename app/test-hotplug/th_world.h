/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */
#ifndef TH_WORLD_H
#define TH_WORLD_H

#include <stdint.h>

#include "th_options.h"

/*
 * The private world of one run: a netns holding a bridge br0, one veth
 * pair per sub-device (X0 carries the sub-device, X1 sits in the bridge)
 * and a receive pair vR0/vR1 (vR1 in the bridge, the receiver on vR0).
 * Deleting X0 takes X1 with it, so nothing the receiver needs goes away.
 */
struct th_world {
	char netns[64];
	unsigned int nb_subs;
	char sub_if[TH_MAX_SUBS][16];	/* current name of each X0 */
	uint8_t sub_mac[TH_MAX_SUBS][6];
	uint8_t rx_mac[6];
	unsigned int replacements;	/* names handed out by --replace-mac */
	struct mnl_socket *nl;
	unsigned int seq;
};

/* Supervisor side: create and delete the named netns (ip netns). */
int th_netns_add(const char *name);
void th_netns_del(const char *name);
/* Run argv, wait for it, return its exit status or -errno. */
int th_run_wait(char *const argv[], int quiet);

/* Worker side, after entering the netns. */
int th_world_enter(struct th_world *w, const char *netns, unsigned int nb_subs);
int th_world_build(struct th_world *w);
/* Delete sub-device i's veth pair (rtnetlink). */
int th_world_yank(struct th_world *w, unsigned int i);
/* Re-create it, under a new name when rename is set; same MAC. */
int th_world_restore(struct th_world *w, unsigned int i, int rename);
/* Frames sub-device i has put on its wire: rx_packets of its pair's
 * bridge end; -ENOENT while the pair is away.  A new pair starts at 0. */
int th_world_wire_rx(const struct th_world *w, unsigned int i, uint64_t *rx);
void th_world_close(struct th_world *w);
void th_mac_str(const uint8_t mac[6], char *buf, size_t sz);

#endif
