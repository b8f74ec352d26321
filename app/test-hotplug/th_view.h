/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */
#ifndef TH_VIEW_H
#define TH_VIEW_H

#include <stdbool.h>

#include "th_timeline.h"
#include "th_traffic.h"

/* The live terminal view: event lines, and a progress line on a tty. */
struct th_view {
	bool live;		/* a progress line is drawn */
	bool drawn;		/* one is on screen now */
	const char *label;
	unsigned int nb_subs;
};

void th_view_init(struct th_view *v, bool want_live, const char *label,
		  unsigned int nb_subs);
void th_view_event(struct th_view *v, const struct th_event *e);
void th_view_progress(struct th_view *v, const struct th_traffic *t,
		      uint64_t now, const char *state);
void th_view_end(struct th_view *v);

#endif
