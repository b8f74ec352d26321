/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */
#include <stdio.h>

#include "th_throughput.h"

int
th_throughput_main(const struct th_options *opt)
{
	(void)opt;
	fprintf(stderr, "test-hotplug: throughput mode not built yet\n");
	return 1;
}
