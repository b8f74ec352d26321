/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

#include <string.h>

#include <rte_ethdev.h>

#include "app_port.h"

int
app_port_start_one(uint16_t port, uint16_t nb_desc, int socket,
		   struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, nb_desc, socket, NULL, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, nb_desc, socket, NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	return ret;
}
