/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 *
 * Live view: every event as a line; on a terminal, a progress line below
 * them with the counters and the rate on each sub-device's wire (or, when
 * the wires are not counted, the receive rate per sub-device carrying TX).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "th_options.h"
#include "th_view.h"

void
th_view_init(struct th_view *v, bool want_live, const char *label,
	     unsigned int nb_subs)
{
	v->live = want_live && isatty(STDOUT_FILENO);
	v->drawn = false;
	v->label = label;
	v->nb_subs = nb_subs;
}

static void
th_view_clear(struct th_view *v)
{
	if (v->drawn)
		fputs("\r\033[K", stdout);
	v->drawn = false;
}

void
th_view_event(struct th_view *v, const struct th_event *e)
{
	if (e == NULL)
		return;
	th_view_clear(v);
	printf("[%s %8.3f s] %s\n", v->label, e->t_ms / 1000.0, e->text);
	fflush(stdout);
}

void
th_view_progress(struct th_view *v, const struct th_traffic *t,
		 uint64_t now, const char *state)
{
	double pps[TH_MAX_SUBS + 1];
	uint64_t sent = __atomic_load_n(&t->next_seq, __ATOMIC_ACQUIRE);
	unsigned int i;
	char rates[128];
	size_t off = 0;

	if (!v->live)
		return;
	if (t->tl->nb_wires > 0) {
		th_timeline_wire_rates(t->tl, now, 200, pps);
		for (i = 0; i < t->tl->nb_wires && off < sizeof(rates); i++)
			off += snprintf(rates + off, sizeof(rates) - off,
					" sub%u %6.0f", i, pps[i]);
	} else {
		th_timeline_rates(t->tl, now, 200, pps, v->nb_subs + 1);
		for (i = 0; i < v->nb_subs && off < sizeof(rates); i++)
			off += snprintf(rates + off, sizeof(rates) - off,
					" sub%u %6.0f", i, pps[i]);
		if (pps[v->nb_subs] > 0 && off < sizeof(rates))
			snprintf(rates + off, sizeof(rates) - off, " ? %6.0f",
				 pps[v->nb_subs]);
	}
	th_view_clear(v);
	/* Counters read while the traffic lcore runs: a live estimate. */
	printf("%s %7.1fs sent %9lu rcvd %9lu dup %lu reord %lu | %s pps:%s | %s",
	       v->label, th_timeline_ms(t->tl, now) / 1000.0,
	       (unsigned long)sent, (unsigned long)t->received,
	       (unsigned long)t->duplicated, (unsigned long)t->reordered,
	       t->tl->nb_wires > 0 ? "wire" : "rx", rates, state);
	fflush(stdout);
	v->drawn = true;
}

void
th_view_end(struct th_view *v)
{
	th_view_clear(v);
	fflush(stdout);
}
