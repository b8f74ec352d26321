/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 *
 * Reads the fail-safe port's timings and state from its xstats.  Names are
 * resolved on every read: the ids of a port whose sub-devices come and go
 * are not stable.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "th_xstats.h"

const char *const th_xs_names[TH_XS_COUNT] = {
	[TH_XS_ACTIVE] = "fs_active_subdevices",
	[TH_XS_SWITCHES] = "fs_switches",
	[TH_XS_TX_SUB] = "fs_tx_subdevice",
	[TH_XS_REMOVE_SWITCH_NS] = "fs_last_remove_switch_ns",
	[TH_XS_REMOVE_CLOSE_NS] = "fs_last_remove_close_ns",
	[TH_XS_ADD_SWITCH_NS] = "fs_last_add_switch_ns",
	[TH_XS_REMOVE_EVENTS] = "fs_remove_events",
	[TH_XS_ADD_EVENTS] = "fs_add_events",
	[TH_XS_SUB0_REMOVALS] = "fs_sub0_removals",
	[TH_XS_SUB0_ADDITIONS] = "fs_sub0_additions",
	[TH_XS_SUB0_STATE] = "fs_sub0_state",
	[TH_XS_LINK_DOWN_SWITCH_NS] = "fs_last_link_down_switch_ns",
	[TH_XS_LINK_DOWN_EVENTS] = "fs_link_down_events",
	[TH_XS_REMOVE_RX_NS] = "fs_last_remove_rx_ns",
	[TH_XS_LINK_DOWN_RX_NS] = "fs_last_link_down_rx_ns",
};

int
th_xstats_read(uint16_t port, struct th_xstats *xs)
{
	struct rte_eth_xstat_name *names = NULL;
	struct rte_eth_xstat *vals = NULL;
	int cnt, got, try, k, found = 0;
	unsigned int i;

	for (i = 0; i < TH_XS_COUNT; i++)
		xs->have[i] = false;
	/* Two walks, names then values; the count moves when a sub-device
	 * comes or goes in between, so try again. */
	for (try = 0; try < 3; try++) {
		cnt = rte_eth_xstats_get_names(port, NULL, 0);
		if (cnt <= 0)
			return 0;
		free(names);
		free(vals);
		names = calloc(cnt, sizeof(*names));
		vals = calloc(cnt, sizeof(*vals));
		if (names == NULL || vals == NULL)
			break;
		if (rte_eth_xstats_get_names(port, names, cnt) != cnt)
			continue;
		got = rte_eth_xstats_get(port, vals, cnt);
		if (got != cnt)
			continue;
		for (k = 0; k < cnt; k++) {
			if (vals[k].id >= (uint64_t)cnt ||
			    strncmp(names[vals[k].id].name, "fs_", 3) != 0)
				continue;
			for (i = 0; i < TH_XS_COUNT; i++)
				if (!xs->have[i] &&
				    strcmp(names[vals[k].id].name, th_xs_names[i]) == 0) {
					xs->val[i] = vals[k].value;
					xs->have[i] = true;
					found++;
				}
		}
		break;
	}
	free(names);
	free(vals);
	return found;
}
