/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

#include <rte_log.h>

#include "hotplug_private.h"

/* Registered from a constructor, so it works before rte_eal_init(). */
RTE_LOG_REGISTER(hotplug_logtype, lib.hotplug, INFO);
