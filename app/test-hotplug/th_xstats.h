/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */
#ifndef TH_XSTATS_H
#define TH_XSTATS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The fail-safe port's own xstats (fs_*), read by name: a name the PMD
 * does not have (Debian's failsafe, bonding, an older build of ours) reads
 * as absent, never as zero.
 */
enum th_xs {
	TH_XS_ACTIVE, TH_XS_SWITCHES, TH_XS_TX_SUB,
	TH_XS_REMOVE_SWITCH_NS, TH_XS_REMOVE_CLOSE_NS, TH_XS_ADD_SWITCH_NS,
	TH_XS_REMOVE_EVENTS, TH_XS_ADD_EVENTS,
	TH_XS_SUB0_REMOVALS, TH_XS_SUB0_ADDITIONS, TH_XS_SUB0_STATE,
	TH_XS_LINK_DOWN_SWITCH_NS, TH_XS_LINK_DOWN_EVENTS,
	TH_XS_REMOVE_RX_NS, TH_XS_LINK_DOWN_RX_NS,
	TH_XS_COUNT
};

struct th_xstats {
	uint64_t val[TH_XS_COUNT];
	bool have[TH_XS_COUNT];
};

extern const char *const th_xs_names[TH_XS_COUNT];

/* Reads every fs_* value of port; returns how many were present. */
int th_xstats_read(uint16_t port, struct th_xstats *xs);

#endif
