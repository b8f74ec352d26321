/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 *
 * Yank controller: runs on the main lcore while the traffic lcore sends.
 * Each cycle deletes a sub-device's kernel interface (--yank-sub, default
 * the preferred one, 0), waits,
 * re-creates it (or a replacement carrying its MAC), and watches the port
 * switch away and back.  Then the per-yank accounting and the reports.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "th_json.h"
#include "th_run.h"
#include "th_yank.h"

#define TH_POLL_US 500
#define TH_VIEW_MS 250
#define TH_BACK_RUN_MS 10	/* receiving this long = traffic is back */

enum th_until { TH_UNTIL_TIME, TH_UNTIL_SWITCH, TH_UNTIL_BACK };

static void
th_sleep_us(unsigned int us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

	nanosleep(&ts, NULL);
}

static uint64_t
th_ms_to_cyc(const struct th_traffic *t, unsigned int ms)
{
	return (uint64_t)ms * (t->hz / 1000);
}

static double
th_cyc_ms(const struct th_traffic *t, uint64_t from, uint64_t to)
{
	return (double)(to - from) * 1000.0 / (double)t->hz;
}

/* Frames arrived in each of the last TH_BACK_RUN_MS bins after since. */
static bool
th_receiving(const struct th_traffic *t, uint64_t since, uint64_t now)
{
	uint32_t b = th_timeline_bin(t->tl, now), first = th_timeline_bin(t->tl, since);
	unsigned int i;

	if (b < first + TH_BACK_RUN_MS + 1)
		return false;
	for (i = 1; i <= TH_BACK_RUN_MS; i++)
		if (t->tl->rcvd[b - i] == 0)
			return false;
	return true;
}

/*
 * Once per timeline bin: what each sub-device put on its wire since the
 * last sample.  This sees which device carries the traffic whatever the
 * port under test reports (Debian's failsafe and bonding report nothing).
 * A pair that was away and is back counts from 0, so all of its counter
 * is new.
 */
static void
th_wire_sample(struct th_yank_ctx *c, uint64_t now)
{
	struct th_timeline *tl = c->traffic->tl;
	uint32_t bin = th_timeline_bin(tl, now);
	unsigned int i;
	uint64_t rx;

	if (tl->nb_wires == 0 || bin == c->wire_bin)
		return;
	c->wire_bin = bin;
	for (i = 0; i < tl->nb_wires; i++) {
		if (th_world_wire_rx(c->world, i, &rx) < 0) {
			c->wire_seen[i] = false;
			continue;
		}
		if (c->wire_seen[i] && rx >= c->wire_last[i])
			th_timeline_add_wire(tl, now, i, rx - c->wire_last[i]);
		else
			th_timeline_add_wire(tl, now, i, rx);
		c->wire_last[i] = rx;
		c->wire_seen[i] = true;
	}
}

/* The counters before the traffic starts: what came before is not ours. */
static void
th_wire_start(struct th_yank_ctx *c)
{
	unsigned int i;

	c->wire_bin = UINT32_MAX;
	for (i = 0; i < c->traffic->tl->nb_wires; i++)
		c->wire_seen[i] = th_world_wire_rx(c->world, i,
						   &c->wire_last[i]) == 0;
}

/*
 * Traffic is back after the re-add of yank y.  With fs_tx_subdevice: TX is
 * on the sub-device that carried it before the yank and, when that was not
 * the yanked one (TX never moved), the PMD has handled an ADD since.
 */
static bool
th_back(const struct th_yank_ctx *c, const struct th_yank *y,
	const struct th_xstats *xs, int txsub, uint64_t since, uint64_t now)
{
	const struct th_xstats *b = &y->xs_before;

	if (!c->have_tx_sub)
		return th_receiving(c->traffic, since, now);
	if (txsub < 0 || txsub != y->tx_before)
		return false;
	if (y->carried_tx)
		return true;
	return xs->have[TH_XS_ADD_EVENTS] && b->have[TH_XS_ADD_EVENTS] &&
	       xs->val[TH_XS_ADD_EVENTS] > b->val[TH_XS_ADD_EVENTS];
}

/*
 * Samples the port until deadline, or until the condition holds for yank y
 * (TX away from the yanked sub-device, or back); returns the tsc at which
 * it held, 0 when it did not.  The sub-device carrying TX goes into the
 * timeline at every sample.
 */
static uint64_t
th_poll(struct th_yank_ctx *c, uint64_t deadline, enum th_until until,
	const struct th_yank *y, uint64_t since, const char *state)
{
	struct th_traffic *t = c->traffic;
	uint64_t now, next_view = 0;
	struct th_xstats xs;
	int txsub;

	while (!*c->interrupted && (now = rte_rdtsc()) < deadline) {
		txsub = -1;
		xs.have[TH_XS_ADD_EVENTS] = false;
		if (c->have_tx_sub && th_xstats_read(t->port, &xs) > 0 &&
		    xs.have[TH_XS_TX_SUB] && xs.val[TH_XS_TX_SUB] < TH_MAX_SUBS)
			txsub = xs.val[TH_XS_TX_SUB];
		/* The read can wait on the PMD's control path: what it shows
		 * is known only once it returns. */
		now = rte_rdtsc();
		if (c->have_tx_sub)
			th_timeline_set_txsub(t->tl, now, txsub);
		th_wire_sample(c, now);
		if (until == TH_UNTIL_SWITCH && txsub >= 0 &&
		    (unsigned int)txsub != y->sub)
			return now;
		if (until == TH_UNTIL_BACK && th_back(c, y, &xs, txsub, since, now))
			return now;
		if (now >= next_view) {
			th_view_progress(c->view, t, now, state);
			next_view = now + th_ms_to_cyc(t, TH_VIEW_MS);
		}
		th_sleep_us(TH_POLL_US);
	}
	return 0;
}

static int
th_shell(const char *cmd, const char *iface)
{
	setenv("TH_IFACE", iface, 1);
	return system(cmd);
}

static void __attribute__((format(printf, 3, 4)))
th_event(struct th_yank_ctx *c, enum th_event_kind kind, const char *fmt, ...)
{
	char text[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	th_view_event(c->view, th_timeline_event(c->traffic->tl, rte_rdtsc(),
						 kind, "%s", text));
}

/*
 * Brings the yanked device back: --restore-cmd when given, else the veth
 * pair is re-created, also after a --yank-cmd (which is then expected to
 * have removed the interface, as the default yank does).
 */
static void
th_yank_restore(struct th_yank_ctx *c, struct th_yank *y)
{
	const struct th_options *o = c->opt;

	if (o->restore_cmd != NULL)
		y->add_rc = th_shell(o->restore_cmd, y->iface_old);
	else
		y->add_rc = th_world_restore(c->world, y->sub, o->replace_mac);
	snprintf(y->iface_new, sizeof(y->iface_new), "%s",
		 c->world->sub_if[y->sub]);
	y->t_add = rte_rdtsc();
	if (o->restore_cmd != NULL)
		th_event(c, TH_EV_ADD, "restore-cmd on %s%s", y->iface_new,
			 y->add_rc != 0 ? " (FAILED)" : "");
	else
		th_event(c, TH_EV_ADD, "%s %s%s", o->replace_mac ?
			 "replacement with the same MAC:" : "re-created",
			 y->iface_new, y->add_rc != 0 ? " (FAILED)" : "");
	if (y->add_rc == -EEXIST && o->yank_cmd != NULL)
		th_event(c, TH_EV_NOTE, "--yank-cmd left %s in place: give --restore-cmd to undo what it did",
			 y->iface_new);
}

/* Where TX is before the yank: the switch is watched only if it moves. */
static void
th_yank_tx_before(struct th_yank_ctx *c, struct th_yank *y)
{
	const struct th_xstats *xs = &y->xs_before;

	y->tx_before = xs->have[TH_XS_TX_SUB] && xs->val[TH_XS_TX_SUB] < TH_MAX_SUBS ?
		(int)xs->val[TH_XS_TX_SUB] : -1;
	y->carried_tx = !c->have_tx_sub || y->tx_before == (int)y->sub;
	if (!y->carried_tx)
		th_event(c, TH_EV_NOTE, "TX was not on %s when it was yanked",
			 y->iface_old);
}

static void
th_yank_back_event(struct th_yank_ctx *c, const struct th_yank *y)
{
	const struct th_traffic *t = c->traffic;
	double ms = th_cyc_ms(t, y->t_add, y->t_back);

	if (!c->have_tx_sub)
		th_event(c, TH_EV_BACK, "receiving again (%s), %.2f ms after the re-add",
			 y->iface_new, ms);
	else if (y->carried_tx)
		th_event(c, TH_EV_BACK, "TX back on %s, seen %.2f ms after the re-add",
			 y->iface_new, ms);
	else
		th_event(c, TH_EV_BACK, "%s back in the port (TX stayed on sub-device %d), seen %.2f ms after the re-add",
			 y->iface_new, y->tx_before, ms);
}

/*
 * Frames older than this many milliseconds at the delete are not in
 * flight: they were lost earlier (a previous yank) or not at all.
 */
#define TH_IN_FLIGHT_MS 50

static void
th_yank_in_flight(const struct th_traffic *t, struct th_yank *y)
{
	uint64_t window = (uint64_t)t->rate_pps * TH_IN_FLIGHT_MS / 1000 + 1;
	uint64_t from;

	y->seq_del = __atomic_load_n(&t->next_seq, __ATOMIC_ACQUIRE);
	from = y->seq_del > window ? y->seq_del - window : 0;
	if (from < y->seq_from)
		from = y->seq_from;
	y->in_flight = th_traffic_unseen(t, from, y->seq_del);
}

/* The PMD times its events with CLOCK_MONOTONIC, the traffic with the tsc. */
static void
th_yank_clock_pair(struct th_yank *y)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	y->tsc_ref = rte_rdtsc();
	y->mono_ref_ns = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void
th_yank_one(struct th_yank_ctx *c, unsigned int i)
{
	const struct th_options *o = c->opt;
	struct th_traffic *t = c->traffic;
	struct th_yank *y = &c->yanks[i];
	char state[32];
	uint64_t at;

	y->sub = o->yank_sub;
	snprintf(y->iface_old, sizeof(y->iface_old), "%s",
		 c->world->sub_if[y->sub]);
	th_xstats_read(t->port, &y->xs_before);
	y->seq_from = __atomic_load_n(&t->next_seq, __ATOMIC_ACQUIRE);
	y->t_start = rte_rdtsc();
	t->phase = i + 1;

	/* The delete takes the counter with it: read what it has first. */
	c->wire_bin = UINT32_MAX;
	th_wire_sample(c, rte_rdtsc());
	th_yank_in_flight(t, y);
	th_yank_clock_pair(y);
	if (o->yank_cmd != NULL)
		y->del_rc = th_shell(o->yank_cmd, y->iface_old);
	else
		y->del_rc = th_world_yank(c->world, y->sub);
	y->t_del = rte_rdtsc();
	th_event(c, TH_EV_YANK, "yank %u/%u: %s %s%s", i + 1, o->cycles,
		 o->yank_cmd != NULL ? "yank-cmd on" : "deleted", y->iface_old,
		 y->del_rc != 0 ? " (FAILED)" : "");
	snprintf(state, sizeof(state), "yank %u/%u down", i + 1, o->cycles);
	th_yank_tx_before(c, y);
	at = !y->carried_tx ? 0 :
		th_poll(c, y->t_del + th_ms_to_cyc(t, o->down_ms),
			TH_UNTIL_SWITCH, y, y->t_del, state);
	if (at != 0) {
		y->t_switch = at;
		th_event(c, TH_EV_SWITCH, "TX left %s, seen %.2f ms after the delete",
			 y->iface_old, th_cyc_ms(t, y->t_del, at));
	}
	th_poll(c, y->t_del + th_ms_to_cyc(t, o->down_ms), TH_UNTIL_TIME, y, 0,
		state);
	if (*c->interrupted)
		goto out;

	th_yank_restore(c, y);
	snprintf(state, sizeof(state), "yank %u/%u re-added", i + 1, o->cycles);
	at = th_poll(c, y->t_add + th_ms_to_cyc(t, o->settle_ms),
		     TH_UNTIL_BACK, y, y->t_add, state);
	if (at != 0) {
		y->t_back = at;
		th_yank_back_event(c, y);
	} else if (!*c->interrupted) {
		th_event(c, TH_EV_NOTE, "traffic not back on %s within %u ms",
			 y->iface_new, o->settle_ms);
	}
	/* The window closes a little after the switch back. */
	th_poll(c, rte_rdtsc() + th_ms_to_cyc(t, 50), TH_UNTIL_TIME, y, 0, state);
out:
	th_xstats_read(t->port, &y->xs_after);
	t->phase = 0;
	y->t_end = rte_rdtsc();
	c->nb_yanks++;
}

int
th_yank_run(struct th_yank_ctx *c)
{
	const struct th_options *o = c->opt;
	struct th_traffic *t = c->traffic;
	unsigned int i;

	th_wire_start(c);
	th_poll(c, rte_rdtsc() + th_ms_to_cyc(t, o->warmup_ms), TH_UNTIL_TIME,
		NULL, 0, "warm-up");
	for (i = 0; i < o->cycles && !*c->interrupted; i++) {
		th_yank_one(c, i);
		th_poll(c, rte_rdtsc() + th_ms_to_cyc(t, o->gap_ms),
			TH_UNTIL_TIME, NULL, 0, "steady");
	}
	/* Stop sending, let what is in flight arrive, then stop. */
	t->tx_stop = true;
	c->t_traffic_end = rte_rdtsc();
	th_sleep_us(300 * 1000);
	/* The last frames sent, into the last bin of the traffic. */
	c->wire_bin = UINT32_MAX;
	th_wire_sample(c, c->t_traffic_end);
	t->stop = true;
	th_view_end(c->view);
	return *c->interrupted ? -EINTR : 0;
}

static void
th_loss_runs(const struct th_traffic *t, struct th_yank *y)
{
	uint64_t s, run = 0;

	for (s = y->seq_from; s <= y->seq_to && s < t->cap; s++) {
		if (s < y->seq_to && t->seen[s] == 0) {
			if (run++ == 0 && y->nb_loss_runs < 8)
				y->loss_run_at[y->nb_loss_runs] =
					(int64_t)s - (int64_t)y->seq_del;
			continue;
		}
		if (run > 0 && y->nb_loss_runs < 8)
			y->loss_run_len[y->nb_loss_runs++] = run;
		run = 0;
	}
}

/* Lost frames sent before the delete began, and after it. */
static void
th_yank_split_loss(const struct th_traffic *t, struct th_yank *y)
{
	uint64_t r, d, del = y->seq_del;

	if (del < y->seq_from || del > y->seq_to)
		del = y->seq_from;	/* the delete never ran */
	th_traffic_range(t, y->seq_from, del, &r, &y->lost_in_flight, &d);
	th_traffic_range(t, del, y->seq_to, &r, &y->lost_after_delete, &d);
}

static bool
th_xs_grew(const struct th_yank *y, enum th_xs v)
{
	return y->xs_before.have[v] && y->xs_after.have[v] &&
		y->xs_after.val[v] > y->xs_before.val[v];
}

/*
 * The earlier of this yank's link-down and REMOVE as the PMD received
 * them, as a tsc; 0: none.  The xstats hold the last of each kind, one
 * per yank here (TX moves once).
 */
static uint64_t
th_yank_notice(const struct th_traffic *t, const struct th_yank *y)
{
	uint64_t ns = UINT64_MAX;
	int64_t d;

	if (th_xs_grew(y, TH_XS_LINK_DOWN_EVENTS) &&
	    y->xs_after.have[TH_XS_LINK_DOWN_RX_NS])
		ns = y->xs_after.val[TH_XS_LINK_DOWN_RX_NS];
	if (th_xs_grew(y, TH_XS_REMOVE_EVENTS) &&
	    y->xs_after.have[TH_XS_REMOVE_RX_NS] &&
	    y->xs_after.val[TH_XS_REMOVE_RX_NS] < ns)
		ns = y->xs_after.val[TH_XS_REMOVE_RX_NS];
	if (ns == UINT64_MAX || ns == 0)
		return 0;
	d = (int64_t)(ns - y->mono_ref_ns);
	return y->tsc_ref + (uint64_t)(int64_t)((double)d * (double)t->hz / 1e9);
}

/* Frames sent after the delete, split at the PMD's first notice. */
static void
th_yank_split_notice(const struct th_traffic *t, struct th_yank *y)
{
	uint64_t s, notice_us;

	y->t_notice = th_yank_notice(t, y);
	y->sent_before_notice = y->lost_before_notice = y->lost_after_notice = 0;
	if (y->t_notice <= t->t0) {
		y->t_notice = 0;
		return;
	}
	/* Send times are whole microseconds: a frame of the notice's own
	 * microsecond counts as sent after it. */
	notice_us = (y->t_notice - t->t0) / (t->hz / 1000000);
	for (s = y->seq_del; s < y->seq_to && s < t->cap; s++) {
		bool before = t->sent_us[s] < notice_us;

		y->sent_before_notice += before;
		if (t->seen[s] != 0)
			continue;
		if (before)
			y->lost_before_notice++;
		else
			y->lost_after_notice++;
	}
}

void
th_yank_account(struct th_yank_ctx *c)
{
	struct th_traffic *t = c->traffic;
	uint64_t end = t->next_seq;
	unsigned int i;

	for (i = 0; i < c->nb_yanks; i++) {
		struct th_yank *y = &c->yanks[i];

		y->seq_to = i + 1 < c->nb_yanks ? c->yanks[i + 1].seq_from : end;
		y->sent = y->seq_to - y->seq_from;
		th_traffic_range(t, y->seq_from, y->seq_to, &y->received,
				 &y->lost, &y->duplicated);
		th_yank_split_loss(t, y);
		th_yank_split_notice(t, y);
		y->reordered = t->phases[i + 1].reordered;
		y->tx_rejected = t->phases[i + 1].tx_rejected;
		y->outage_ms = th_timeline_outage(t->tl, y->t_start, y->t_end);
		th_loss_runs(t, y);
	}
}

/* --- results ------------------------------------------------------------ */

/* A PMD timing of this yank: present, and its event counter moved. */
static double
th_xs_timing(const struct th_yank *y, enum th_xs v, enum th_xs events,
	     double div)
{
	if (!y->xs_after.have[v])
		return NAN;
	if (y->xs_after.have[events] && y->xs_before.have[events] &&
	    y->xs_after.val[events] == y->xs_before.val[events])
		return NAN;
	return (double)y->xs_after.val[v] / div;
}

static int
th_cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct th_dist {
	double p50, p99, max;
	unsigned int n;
};

/* Percentiles over the non-NaN values (nearest rank). */
static struct th_dist
th_dist(const double *v, unsigned int n)
{
	double s[n + 1];
	struct th_dist d = { NAN, NAN, NAN, 0 };
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!isnan(v[i]))
			s[d.n++] = v[i];
	if (d.n == 0)
		return d;
	qsort(s, d.n, sizeof(*s), th_cmp_dbl);
	d.p50 = s[(unsigned int)ceil(0.50 * d.n) - 1];
	d.p99 = s[(unsigned int)ceil(0.99 * d.n) - 1];
	d.max = s[d.n - 1];
	return d;
}

static void
th_json_dist(struct th_json *j, const char *key, struct th_dist d)
{
	th_json_obj_open(j, key);
	th_json_u64(j, "n", d.n);
	th_json_dbl(j, "p50", d.p50);
	th_json_dbl(j, "p99", d.p99);
	th_json_dbl(j, "max", d.max);
	th_json_obj_close(j);
}

struct th_per_yank {
	double obs_switch_ms, obs_back_ms, rm_switch_us, ld_switch_us, rm_close_us,
	       add_back_ms, tx_max_us, rx_max_us, lost, outage, in_flight,
	       lost_after_delete, notice_us, lost_before_notice,
	       lost_after_notice;
};

static void
th_per_yank(const struct th_yank_ctx *c, const struct th_yank *y,
	    unsigned int i, struct th_per_yank *p)
{
	const struct th_traffic *t = c->traffic;

	p->obs_switch_ms = y->t_switch ? th_cyc_ms(t, y->t_del, y->t_switch) : NAN;
	p->obs_back_ms = y->t_back ? th_cyc_ms(t, y->t_add, y->t_back) : NAN;
	p->rm_switch_us = th_xs_timing(y, TH_XS_REMOVE_SWITCH_NS,
				       TH_XS_REMOVE_EVENTS, 1e3);
	p->ld_switch_us = th_xs_timing(y, TH_XS_LINK_DOWN_SWITCH_NS,
				       TH_XS_LINK_DOWN_EVENTS, 1e3);
	p->rm_close_us = th_xs_timing(y, TH_XS_REMOVE_CLOSE_NS,
				      TH_XS_REMOVE_EVENTS, 1e3);
	p->add_back_ms = th_xs_timing(y, TH_XS_ADD_SWITCH_NS,
				      TH_XS_ADD_EVENTS, 1e6);
	p->tx_max_us = th_cyc_to_us(t, t->phases[i + 1].tx_max_cyc);
	p->rx_max_us = th_cyc_to_us(t, t->phases[i + 1].rx_max_cyc);
	p->lost = y->lost;
	p->outage = y->outage_ms;
	p->in_flight = y->in_flight;
	p->lost_after_delete = y->lost_after_delete;
	p->notice_us = y->t_notice ? ((double)y->t_notice - (double)y->tsc_ref) *
		1e6 / (double)t->hz : NAN;
	p->lost_before_notice = y->t_notice ? y->lost_before_notice : NAN;
	p->lost_after_notice = y->t_notice ? y->lost_after_notice : NAN;
}

static void
th_print_table(const struct th_yank_ctx *c, const char *target,
	       const struct th_per_yank *p)
{
	const struct th_traffic *t = c->traffic;
	unsigned int i;
	char a[16], b[16], d[16], e[16];

	printf("\n%s: %u yanks at %u pps (port under test: %s)\n", target,
	       c->nb_yanks, c->opt->rate_pps, target);
	printf("%4s %-8s %7s %5s %6s %9s %11s %14s %10s %12s %9s %9s\n",
	       "yank", "iface", "lost", "dup", "reord", "outage_ms",
	       "switch_ms", "uevent>sw_us", "back_ms", "add>back_ms",
	       "txmax_us", "rxmax_us");
	for (i = 0; i < c->nb_yanks; i++) {
		const struct th_yank *y = &c->yanks[i];

		th_cell(a, sizeof(a), p[i].obs_switch_ms, "%.2f");
		th_cell(b, sizeof(b), p[i].rm_switch_us, "%.1f");
		th_cell(d, sizeof(d), p[i].obs_back_ms, "%.2f");
		th_cell(e, sizeof(e), p[i].add_back_ms, "%.2f");
		printf("%4u %-8s %7lu %5lu %6lu %9u %11s %14s %10s %12s %9.1f %9.1f\n",
		       i + 1, y->iface_old, (unsigned long)y->lost,
		       (unsigned long)y->duplicated, (unsigned long)y->reordered,
		       y->outage_ms, a, b, d, e, p[i].tx_max_us, p[i].rx_max_us);
	}
	printf("steady state: tx burst max %.1f us (p99 %.2f), rx burst max %.1f us (p99 %.2f)\n",
	       th_cyc_to_us(t, t->phases[0].tx_max_cyc),
	       th_hist_pct_us(t->hist[0].tx, 0.99),
	       th_cyc_to_us(t, t->phases[0].rx_max_cyc),
	       th_hist_pct_us(t->hist[0].rx, 0.99));
	printf("yank windows: tx burst p99 %.2f us, rx burst p99 %.2f us\n",
	       th_hist_pct_us(t->hist[1].tx, 0.99),
	       th_hist_pct_us(t->hist[1].rx, 0.99));
}

/* Frames on each sub-device's wire in [from, to); absent when not counted. */
static void
th_json_wires(struct th_json *j, const struct th_timeline *tl, uint64_t from,
	      uint64_t to)
{
	unsigned int s;

	if (tl->nb_wires == 0)
		return;
	th_json_arr_open(j, "wire_frames");
	for (s = 0; s < tl->nb_wires; s++)
		th_json_u64(j, NULL, th_timeline_wire_sum(tl, s, from, to));
	th_json_arr_close(j);
}

static uint64_t
th_lost_total(const struct th_traffic *t)
{
	uint64_t r, l, d;

	th_traffic_range(t, 0, t->next_seq, &r, &l, &d);
	return l;
}

int
th_yank_report(struct th_yank_ctx *c, const char *target,
	       const char *devargs, const char *prefix)
{
	const struct th_traffic *t = c->traffic;
	unsigned int n = c->nb_yanks, i, k;
	struct th_per_yank p[n + 1];
	double col[n + 1];
	struct th_dist lost, obs_sw, obs_back, rm_sw, ld_sw, add_back, outage,
		txm, rxm, inflight, lost_late, notice, lost_pre, lost_post;
	unsigned int over_in_flight = 0;
	double steady_tx = th_cyc_to_us(t, t->phases[0].tx_max_cyc);
	double steady_rx = th_cyc_to_us(t, t->phases[0].rx_max_cyc);
	uint64_t lost_total = th_lost_total(t);
	char path[512];
	struct th_json j;
	FILE *f;

	memset(p, 0, sizeof(p));
	memset(col, 0, sizeof(col));
	for (i = 0; i < n; i++)
		th_per_yank(c, &c->yanks[i], i, &p[i]);
#define TH_COL(field) ({ for (i = 0; i < n; i++) col[i] = p[i].field; th_dist(col, n); })
	lost = TH_COL(lost);
	obs_sw = TH_COL(obs_switch_ms);
	obs_back = TH_COL(obs_back_ms);
	rm_sw = TH_COL(rm_switch_us);
	ld_sw = TH_COL(ld_switch_us);
	add_back = TH_COL(add_back_ms);
	outage = TH_COL(outage);
	txm = TH_COL(tx_max_us);
	rxm = TH_COL(rx_max_us);
	inflight = TH_COL(in_flight);
	lost_late = TH_COL(lost_after_delete);
	notice = TH_COL(notice_us);
	lost_pre = TH_COL(lost_before_notice);
	lost_post = TH_COL(lost_after_notice);
#undef TH_COL
	for (i = 0; i < n; i++)
		over_in_flight += c->yanks[i].lost > c->yanks[i].in_flight;

	th_print_table(c, target, p);
	printf("totals: sent %lu received %lu lost %lu duplicated %lu reordered %lu (sent = received + lost - duplicated: %s)\n",
	       (unsigned long)t->next_seq, (unsigned long)t->received,
	       (unsigned long)lost_total, (unsigned long)t->duplicated,
	       (unsigned long)t->reordered,
	       t->next_seq == t->received + lost_total - t->duplicated ? "ok" : "MISMATCH");
	printf("in flight at the delete: p50 %.0f max %.0f frames; lost after the delete: p50 %.0f max %.0f; yanks losing more than was in flight: %u of %u\n",
	       inflight.p50, inflight.max, lost_late.p50, lost_late.max,
	       over_in_flight, n);
	printf("first notice to the PMD: p50 %.0f max %.0f us after the delete began (%u yanks); lost before it: p50 %.0f max %.0f; lost after it: p50 %.0f max %.0f\n",
	       notice.p50, notice.max, notice.n, lost_pre.p50, lost_pre.max,
	       lost_post.p50, lost_post.max);
	printf("PMD timings: REMOVE uevent to switch p50 %.1f p99 %.1f us (%u); link-down to switch p50 %.1f p99 %.1f us (%u); ADD to switch back p50 %.2f p99 %.2f ms\n",
	       rm_sw.p50, rm_sw.p99, rm_sw.n, ld_sw.p50, ld_sw.p99, ld_sw.n,
	       add_back.p50, add_back.p99);

	snprintf(path, sizeof(path), "%s.json", prefix);
	f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	th_json_init(&j, f);
	th_json_obj_open(&j, NULL);
	th_json_str(&j, "target", target);
	th_json_str(&j, "devargs", devargs);
	th_json_bool(&j, "interrupted", *c->interrupted != 0);
	th_json_u64(&j, "rate_pps", c->opt->rate_pps);
	th_json_u64(&j, "subdevices", c->opt->nb_subs);
	th_json_u64(&j, "yank_subdevice", c->opt->yank_sub);
	th_json_u64(&j, "cycles", c->nb_yanks);
	th_json_u64(&j, "down_ms", c->opt->down_ms);
	th_json_bool(&j, "replace_mac", c->opt->replace_mac);
	th_json_str(&j, "switch_seen_by", c->have_tx_sub ?
		    "fs_tx_subdevice" : "receiver");
	th_json_obj_open(&j, "totals");
	th_json_u64(&j, "sent", t->next_seq);
	th_json_u64(&j, "received", t->received);
	th_json_u64(&j, "lost", lost_total);
	th_json_u64(&j, "duplicated", t->duplicated);
	th_json_u64(&j, "reordered", t->reordered);
	th_json_u64(&j, "tx_rejected", t->tx_rejected);
	th_json_u64(&j, "tx_skipped", t->tx_skipped);
	th_json_u64(&j, "foreign_frames", t->foreign);
	th_json_u64(&j, "port_rx_frames", t->port_rx);
	th_json_wires(&j, t->tl, t->t0, c->t_traffic_end + t->tl->cyc_per_ms);
	th_json_obj_close(&j);
	th_json_obj_open(&j, "steady_state");
	th_json_dbl(&j, "tx_burst_max_us", steady_tx);
	th_json_dbl(&j, "tx_burst_p99_us", th_hist_pct_us(t->hist[0].tx, 0.99));
	th_json_dbl(&j, "rx_burst_max_us", steady_rx);
	th_json_dbl(&j, "rx_burst_p99_us", th_hist_pct_us(t->hist[0].rx, 0.99));
	th_json_u64(&j, "tx_calls", t->phases[0].tx_calls);
	th_json_u64(&j, "rx_calls", t->phases[0].rx_calls);
	th_json_obj_close(&j);
	th_json_arr_open(&j, "yanks");
	for (i = 0; i < n; i++) {
		const struct th_yank *y = &c->yanks[i];

		th_json_obj_open(&j, NULL);
		th_json_u64(&j, "index", i + 1);
		th_json_u64(&j, "subdevice", y->sub);
		th_json_str(&j, "iface", y->iface_old);
		th_json_str(&j, "iface_readded", y->iface_new);
		th_json_int(&j, "delete_rc", y->del_rc);
		th_json_int(&j, "add_rc", y->add_rc);
		th_json_dbl(&j, "t_delete_ms", th_timeline_ms(t->tl, y->t_del));
		th_json_dbl(&j, "t_add_ms", y->t_add ? th_timeline_ms(t->tl, y->t_add) : NAN);
		th_json_u64(&j, "sent", y->sent);
		th_json_u64(&j, "received", y->received);
		th_json_u64(&j, "lost", y->lost);
		th_json_u64(&j, "duplicated", y->duplicated);
		th_json_u64(&j, "reordered", y->reordered);
		th_json_u64(&j, "tx_rejected", y->tx_rejected);
		th_json_u64(&j, "outage_ms", y->outage_ms);
		th_json_u64(&j, "seq_at_delete", y->seq_del);
		th_json_u64(&j, "in_flight_at_delete", y->in_flight);
		th_json_u64(&j, "lost_in_flight", y->lost_in_flight);
		th_json_u64(&j, "lost_after_delete", y->lost_after_delete);
		th_json_dbl(&j, "first_notice_after_delete_us", p[i].notice_us);
		th_json_u64(&j, "sent_after_delete_before_notice", y->sent_before_notice);
		th_json_dbl(&j, "lost_before_notice", p[i].lost_before_notice);
		th_json_dbl(&j, "lost_after_notice", p[i].lost_after_notice);
		th_json_wires(&j, t->tl, y->t_start, y->t_end);
		th_json_arr_open(&j, "loss_runs");
		for (k = 0; k < y->nb_loss_runs; k++) {
			th_json_obj_open(&j, NULL);
			th_json_int(&j, "frames_after_delete", y->loss_run_at[k]);
			th_json_dbl(&j, "sent_at_ms_after_delete",
				    y->loss_run_at[k] * 1e3 / c->opt->rate_pps);
			th_json_u64(&j, "frames", y->loss_run_len[k]);
			th_json_obj_close(&j);
		}
		th_json_arr_close(&j);
		th_json_dbl(&j, "observed_switch_ms", p[i].obs_switch_ms);
		th_json_dbl(&j, "observed_back_ms", p[i].obs_back_ms);
		th_json_dbl(&j, "uevent_to_switch_us", p[i].rm_switch_us);
		th_json_dbl(&j, "link_down_to_switch_us", p[i].ld_switch_us);
		th_json_dbl(&j, "remove_to_close_us", p[i].rm_close_us);
		th_json_dbl(&j, "add_to_switch_back_ms", p[i].add_back_ms);
		th_json_dbl(&j, "tx_burst_max_us", p[i].tx_max_us);
		th_json_dbl(&j, "rx_burst_max_us", p[i].rx_max_us);
		th_json_dbl(&j, "tx_burst_max_vs_steady",
			    steady_tx > 0 ? p[i].tx_max_us / steady_tx : NAN);
		th_json_dbl(&j, "rx_burst_max_vs_steady",
			    steady_rx > 0 ? p[i].rx_max_us / steady_rx : NAN);
		th_json_obj_close(&j);
	}
	th_json_arr_close(&j);
	th_json_obj_open(&j, "summary");
	th_json_dist(&j, "lost_per_yank", lost);
	th_json_dist(&j, "outage_ms", outage);
	th_json_dist(&j, "in_flight_at_delete", inflight);
	th_json_dist(&j, "lost_after_delete", lost_late);
	th_json_dist(&j, "first_notice_after_delete_us", notice);
	th_json_dist(&j, "lost_before_notice", lost_pre);
	th_json_dist(&j, "lost_after_notice", lost_post);
	th_json_u64(&j, "yanks_lost_more_than_in_flight", over_in_flight);
	th_json_dist(&j, "observed_switch_ms", obs_sw);
	th_json_dist(&j, "observed_back_ms", obs_back);
	th_json_dist(&j, "uevent_to_switch_us", rm_sw);
	th_json_dist(&j, "link_down_to_switch_us", ld_sw);
	th_json_dist(&j, "add_to_switch_back_ms", add_back);
	th_json_dist(&j, "yank_tx_burst_max_us", txm);
	th_json_dist(&j, "yank_rx_burst_max_us", rxm);
	th_json_dbl(&j, "yank_tx_burst_p99_us", th_hist_pct_us(t->hist[1].tx, 0.99));
	th_json_dbl(&j, "yank_rx_burst_p99_us", th_hist_pct_us(t->hist[1].rx, 0.99));
	th_json_obj_close(&j);
	th_json_obj_close(&j);
	fclose(f);

	/* Flat lines for the supervisor's comparison table. */
	snprintf(path, sizeof(path), "%s.sum", prefix);
	f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	fprintf(f, "yanks %u\nsent %lu\nlost %lu\ndup %lu\nreord %lu\nrejected %lu\n", n,
		(unsigned long)t->next_seq, (unsigned long)lost_total,
		(unsigned long)t->duplicated, (unsigned long)t->reordered,
		(unsigned long)(t->tx_rejected + t->tx_skipped));
	fprintf(f, "lost_p50 %.0f\nlost_max %.0f\noutage_max %.0f\n",
		lost.p50, lost.max, outage.max);
	fprintf(f, "obs_switch_max %.3f\nobs_back_p50 %.3f\nobs_back_max %.3f\n",
		obs_sw.max, obs_back.p50, obs_back.max);
	fprintf(f, "sw_us_p50 %.1f\nsw_us_p99 %.1f\nback_ms_p50 %.3f\n",
		rm_sw.p50, rm_sw.p99, add_back.p50);
	fprintf(f, "steady_tx %.2f\nsteady_rx %.2f\nyank_tx %.2f\nyank_rx %.2f\n",
		steady_tx, steady_rx, txm.max, rxm.max);
	fclose(f);
	return 0;
}
