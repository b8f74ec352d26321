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
 * Devarg key_size=<n> sets the RSS key size it reports (default 40).
 */
#define REC_MAX_MAC	8
#define REC_KEY_SIZE	40

struct rec_priv {
	struct rte_ether_addr mac[REC_MAX_MAC];	/* the ethdev data's mac_addrs */
	uint8_t key_size;
	uint8_t rss_key[64];		/* as read at configure */
	uint8_t rss_key_len;		/* 0: configure gave no key */
	unsigned int nb_configure;
	unsigned int nb_mac_set;	/* mac_addr_set op calls */
	unsigned int nb_promisc_on;	/* promiscuous_enable op calls */
};

/* While set, a net_fsrec probe fails: a sub-device stays away. */
void rec_refuse_probe(bool refuse);

/* The recorder of a net_fsrec port, or NULL if it is not one. */
struct rec_priv *rec_of(uint16_t port_id);

#endif /* TEST_PMD_REC_H */
