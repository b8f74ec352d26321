/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

#ifndef TEST_PMD_REC_H
#define TEST_PMD_REC_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

/*
 * net_fsrec<N>: a sub-device for the tests that keeps what it was given
 * and counts the ops ethdev called, where net_null has one MAC slot,
 * ignores the RSS key of configure and cannot turn promiscuous off.
 * Devargs: key_size=<n> the RSS key size it reports (default 40);
 * max_mtu=<n> its largest MTU (default 9000); desc_align=<n> the
 * multiple its rx and tx descriptor counts must be (default 1);
 * algo_capa=<n> the RSS hash algorithms it reports, where DPDK has them;
 * vlan_fail=1 its vlan_offload_set fails (-EIO), as a device that
 * reports VLAN stripping but cannot switch it at run time.
 */
#define REC_MAX_MAC	8
#define REC_KEY_SIZE	40
#define REC_MAX_QUEUES	4

struct rec_priv {
	struct rte_ether_addr mac[REC_MAX_MAC];	/* the ethdev data's mac_addrs */
	uint8_t key_size;
	uint8_t rss_key[64];		/* as read at configure */
	uint8_t rss_key_len;		/* 0: configure gave no key */
	unsigned int nb_configure;
	unsigned int nb_mac_set;	/* mac_addr_set op calls */
	unsigned int nb_promisc_on;	/* promiscuous_enable op calls */
	/* limits it reports (devargs) */
	uint16_t max_mtu;
	uint16_t desc_align;
	uint32_t algo_capa;
	uint8_t vlan_fail;
	/* what it was given */
	unsigned int nb_mtu_set;	/* mtu_set op calls */
	uint16_t rx_desc[REC_MAX_QUEUES];	/* descriptors at queue setup */
	uint16_t tx_desc[REC_MAX_QUEUES];
	bool rx_deferred[REC_MAX_QUEUES];
	uint64_t rss_hf;		/* as of configure or the last update */
	unsigned int nb_rss_update;	/* rss_hash_update op calls */
	int rss_algo;			/* enum rte_eth_hash_function, or 0 */
	bool vlan_strip;		/* as of configure or the last vlan_offload_set */
	/* stats read before any configure (net_vmxnet3 crashes there) */
	unsigned int nb_stats_unconfigured;
};

/* While set, a net_fsrec probe fails: a sub-device stays away. */
void rec_refuse_probe(bool refuse);

/* The recorder of a net_fsrec port, or NULL if it is not one. */
struct rec_priv *rec_of(uint16_t port_id);

#endif /* TEST_PMD_REC_H */
