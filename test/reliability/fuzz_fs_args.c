/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * libFuzzer target for the fail-safe devargs parser (fs_args_parse).
 * The parser must never read or write out of bounds, must terminate
 * every string it fills, must give a reason for every rejection, and
 * must accept only what the port can use (1..FS_MAX_SUBDEVS slots).
 * Nothing is resolved: exec() and fd() are parsed, never run.
 */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fs_args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const char *params, size_t err_len)
{
	struct fs_args args;
	char *err = malloc(err_len); /* exact size: ASan sees overruns */
	unsigned int i;
	int ret;

	if (err == NULL)
		return;
	ret = fs_args_parse(params, &args, err, err_len);
	if (ret == 0) {
		if (args.nb_subs == 0 || args.nb_subs > FS_MAX_SUBDEVS)
			__builtin_trap();
		for (i = 0; i < args.nb_subs; i++)
			if (strnlen(args.sub[i].spec, FS_DEVARGS_MAX) ==
					FS_DEVARGS_MAX ||
					args.sub[i].spec[0] == '\0')
				__builtin_trap();
		if (strnlen(args.bind_driver, sizeof(args.bind_driver)) ==
				sizeof(args.bind_driver) ||
				args.bind_driver[0] == '\0')
			__builtin_trap();
		if (args.hotplug_poll_ms > FS_HOTPLUG_POLL_MAX)
			__builtin_trap();
	} else {
		if (ret != -EINVAL)
			__builtin_trap();
		/* a reason, terminated inside the caller's buffer */
		if (strnlen(err, err_len) == err_len ||
				(err_len > 1 && err[0] == '\0'))
			__builtin_trap();
	}
	free(err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *params;

	if (size > 4 * FS_DEVARGS_MAX)
		return 0;
	params = malloc(size + 1);
	if (params == NULL)
		return 0;
	memcpy(params, data, size);
	params[size] = '\0';
	check(params, FS_ARGS_ERR_MAX);
	/* a tiny error buffer must truncate, never overflow */
	check(params, 1 + (size % 7));
	free(params);
	return 0;
}
