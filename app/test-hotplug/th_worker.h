/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */
#ifndef TH_WORKER_H
#define TH_WORKER_H

#include "th_options.h"

/* One measured yank run inside an existing netns; returns an exit code. */
int th_worker_main(const struct th_options *opt);

#endif
