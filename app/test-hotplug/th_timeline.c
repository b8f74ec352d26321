/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 *
 * Timeline recorder: per-millisecond packet counts and the events of the
 * run (yank, switch, add, switch back), written as gnuplot data.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "th_timeline.h"

int
th_timeline_init(struct th_timeline *tl, uint64_t t0, uint64_t hz,
		 uint32_t nb_bins)
{
	memset(tl, 0, sizeof(*tl));
	tl->t0 = t0;
	tl->cyc_per_ms = hz / 1000;
	tl->nb_bins = nb_bins;
	tl->sent = calloc(nb_bins, sizeof(*tl->sent));
	tl->rcvd = calloc(nb_bins, sizeof(*tl->rcvd));
	tl->txsub = malloc(nb_bins);
	if (tl->sent == NULL || tl->rcvd == NULL || tl->txsub == NULL)
		return -ENOMEM;
	memset(tl->txsub, 0x7f, nb_bins);	/* not sampled yet */
	return 0;
}

int
th_timeline_init_wires(struct th_timeline *tl, unsigned int nb)
{
	unsigned int i;

	if (nb > TH_MAX_SUBS)
		return -EINVAL;
	for (i = 0; i < nb; i++) {
		tl->wire[i] = calloc(tl->nb_bins, sizeof(*tl->wire[i]));
		if (tl->wire[i] == NULL)
			return -ENOMEM;
		tl->nb_wires = i + 1;
	}
	return 0;
}

void
th_timeline_free(struct th_timeline *tl)
{
	unsigned int i;

	for (i = 0; i < tl->nb_wires; i++) {
		free(tl->wire[i]);
		tl->wire[i] = NULL;
	}
	tl->nb_wires = 0;
	free(tl->sent);
	free(tl->rcvd);
	free(tl->txsub);
	tl->sent = tl->rcvd = NULL;
	tl->txsub = NULL;
}

void
th_timeline_set_txsub(struct th_timeline *tl, uint64_t tsc, int sub)
{
	tl->txsub[th_timeline_bin(tl, tsc)] = sub;
}

double
th_timeline_ms(const struct th_timeline *tl, uint64_t tsc)
{
	return (double)(tsc - tl->t0) / (double)tl->cyc_per_ms;
}

const struct th_event *
th_timeline_event(struct th_timeline *tl, uint64_t tsc,
		  enum th_event_kind kind, const char *fmt, ...)
{
	struct th_event *e;
	va_list ap;

	if (tl->nb_ev == TH_EV_MAX)
		return NULL;
	e = &tl->ev[tl->nb_ev++];
	e->t_ms = th_timeline_ms(tl, tsc);
	e->kind = kind;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	return e;
}

/* The sub-device of bin b: the last sample at or before it. */
static int
th_txsub_at(const struct th_timeline *tl, uint32_t b, int *last)
{
	if (tl->txsub[b] != 0x7f)
		*last = tl->txsub[b];
	return *last;
}

void
th_timeline_rates(const struct th_timeline *tl, uint64_t tsc,
		  unsigned int window_ms, double *pps, unsigned int nb)
{
	uint32_t end = th_timeline_bin(tl, tsc), b, from;
	int last = -1, s;

	memset(pps, 0, nb * sizeof(*pps));
	from = end > window_ms ? end - window_ms : 0;
	/* Find the sub-device in force at the window's start. */
	for (b = from + 1; b-- > 0;)
		if (tl->txsub[b] != 0x7f) {
			last = tl->txsub[b];
			break;
		}
	for (b = from; b < end; b++) {
		s = th_txsub_at(tl, b, &last);
		s = s >= 0 && (unsigned int)s < nb - 1 ? s : (int)nb - 1;
		pps[s] += tl->rcvd[b];
	}
	for (s = 0; s < (int)nb; s++)
		pps[s] *= 1000.0 / (end > from ? end - from : 1);
}

uint64_t
th_timeline_wire_sum(const struct th_timeline *tl, unsigned int sub,
		     uint64_t from, uint64_t to)
{
	uint32_t b, e = th_timeline_bin(tl, to);
	uint64_t n = 0;

	if (sub >= tl->nb_wires)
		return 0;
	for (b = th_timeline_bin(tl, from); b < e; b++)
		n += tl->wire[sub][b];
	return n;
}

void
th_timeline_wire_rates(const struct th_timeline *tl, uint64_t tsc,
		       unsigned int window_ms, double *pps)
{
	uint32_t end = th_timeline_bin(tl, tsc), from, b;
	unsigned int s;

	from = end > window_ms ? end - window_ms : 0;
	for (s = 0; s < tl->nb_wires; s++) {
		pps[s] = 0;
		for (b = from; b < end; b++)
			pps[s] += tl->wire[s][b];
		pps[s] *= 1000.0 / (end > from ? end - from : 1);
	}
}

unsigned int
th_timeline_outage(const struct th_timeline *tl, uint64_t from, uint64_t to)
{
	uint32_t b, e = th_timeline_bin(tl, to);
	unsigned int n = 0;

	for (b = th_timeline_bin(tl, from); b < e; b++)
		if (tl->rcvd[b] == 0)
			n++;
	return n;
}

int
th_timeline_write(const struct th_timeline *tl, uint64_t end_tsc,
		  const char *dat_path, unsigned int width, const char *ev_path)
{
	uint32_t end = th_timeline_bin(tl, end_tsc), b, k;
	uint64_t sent, rcvd, wire[TH_MAX_SUBS];
	FILE *f;
	int last = -1, sub = -1;
	unsigned int i;

	f = fopen(dat_path, "w");
	if (f == NULL)
		return -errno;
	fprintf(f, "# ms sent rcvd txsub wire0..wire%d (frames per ms, mean over %u ms)\n",
		(int)tl->nb_wires - 1, width);
	for (b = 0; b + width <= end; b += width) {
		sent = rcvd = 0;
		memset(wire, 0, sizeof(wire));
		for (k = b; k < b + width; k++) {
			sent += tl->sent[k];
			rcvd += tl->rcvd[k];
			sub = th_txsub_at(tl, k, &last);
			for (i = 0; i < tl->nb_wires; i++)
				wire[i] += tl->wire[i][k];
		}
		fprintf(f, "%u %.2f %.2f %d", b, (double)sent / width,
			(double)rcvd / width, sub);
		for (i = 0; i < tl->nb_wires; i++)
			fprintf(f, " %.2f", (double)wire[i] / width);
		fputc('\n', f);
	}
	fclose(f);
	if (ev_path == NULL)
		return 0;
	f = fopen(ev_path, "w");
	if (f == NULL)
		return -errno;
	fprintf(f, "# ms kind text\n");
	for (i = 0; i < tl->nb_ev; i++)
		fprintf(f, "%.3f %d \"%s\"\n", tl->ev[i].t_ms, tl->ev[i].kind,
			tl->ev[i].text);
	fclose(f);
	return 0;
}
