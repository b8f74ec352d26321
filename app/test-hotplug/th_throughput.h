/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */
#ifndef TH_THROUGHPUT_H
#define TH_THROUGHPUT_H

#include "th_options.h"

/* --mode throughput: testpmd io forwarding over net_null, side by side. */
int th_throughput_main(const struct th_options *opt);

#endif
