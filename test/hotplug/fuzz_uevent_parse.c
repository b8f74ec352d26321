/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/* libFuzzer target: the parser must never read out of bounds or crash. */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hotplug.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hotplug_event ev;
	const char *reason = NULL;
	int ret;

	ret = hotplug_uevent_parse((const char *)data, size, &ev, &reason);
	if (ret == 0) {
		/* everything the callers read must be terminated */
		if (strnlen(ev.name, sizeof(ev.name)) == sizeof(ev.name) ||
				strnlen(ev.devpath, sizeof(ev.devpath)) ==
					sizeof(ev.devpath) ||
				reason != NULL)
			__builtin_trap();
	} else if (reason == NULL) {
		__builtin_trap();
	}
	return 0;
}
