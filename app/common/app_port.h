/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/* What the applications share: a port made ready to forward. */

#ifndef APP_PORT_H
#define APP_PORT_H

#include <stdint.h>

struct rte_mempool;

/*
 * Configure one RX and one TX queue of nb_desc descriptors on socket (RX
 * buffers from mp), then start the port: 0 or the first ethdev error.
 */
int app_port_start_one(uint16_t port, uint16_t nb_desc, int socket,
		       struct rte_mempool *mp);

#endif /* APP_PORT_H */
