/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 *
 * The supervisor: never initialises DPDK itself.  For each target it makes
 * a netns, re-executes this program as a worker inside it, waits (bounded)
 * and deletes the netns whatever happened to the worker; then it joins the
 * results into one JSON file, a comparison table and a PNG timeline.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "th_run.h"
#include "th_world.h"

#define TH_DIM(a) (sizeof(a) / sizeof((a)[0]))

volatile sig_atomic_t th_sup_interrupted;
static volatile pid_t th_sup_child;

static void
th_sup_on_signal(int sig)
{
	th_sup_interrupted = 1;
	if (th_sup_child > 0)
		kill(th_sup_child, SIGTERM);
	(void)sig;
}

void
th_sup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = th_sup_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A child that died on the interrupt must not take us with it while
	 * we write to its stdin: we still have hugepages to give back. */
	signal(SIGPIPE, SIG_IGN);
}

pid_t
th_spawn_io(const char *exe, char *const argv[], int *in_fd, int *out_fd)
{
	int ofd[2] = { -1, -1 }, ifd[2] = { -1, -1 };
	pid_t pid;

	if ((out_fd != NULL && pipe2(ofd, O_CLOEXEC) < 0) ||
	    (in_fd != NULL && pipe2(ifd, O_CLOEXEC) < 0))
		goto fail;
	pid = fork();
	if (pid < 0)
		goto fail;
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		if (out_fd != NULL)
			dup2(ofd[1], STDOUT_FILENO);
		if (in_fd != NULL)
			dup2(ifd[0], STDIN_FILENO);
		if (exe != NULL)
			execv(exe, argv);
		else
			execvp(argv[0], argv);
		fprintf(stderr, "test-hotplug: cannot run %s: %s\n",
			exe != NULL ? exe : argv[0], strerror(errno));
		_exit(127);
	}
	if (out_fd != NULL) {
		close(ofd[1]);
		*out_fd = ofd[0];
	}
	if (in_fd != NULL) {
		close(ifd[0]);
		*in_fd = ifd[1];
	}
	th_sup_child = pid;
	return pid;
fail:
	pid = -errno;
	if (ofd[0] >= 0) {
		close(ofd[0]);
		close(ofd[1]);
	}
	if (ifd[0] >= 0) {
		close(ifd[0]);
		close(ifd[1]);
	}
	return pid;
}

pid_t
th_spawn(const char *exe, char *const argv[], int *out_fd)
{
	return th_spawn_io(exe, argv, NULL, out_fd);
}

int
th_reap(pid_t pid, unsigned int timeout_s)
{
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	unsigned int waited = 0, kill_at = 0;
	bool termed = false;
	int st;

	if (pid < 0)
		return 127;
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			th_sup_child = 0;
			return -errno;
		}
		if (!termed && (th_sup_interrupted || waited >= timeout_s * 20)) {
			if (!th_sup_interrupted)
				fprintf(stderr, "test-hotplug: pid %d ran past %u s, ending it\n",
					(int)pid, timeout_s);
			kill(pid, SIGTERM);
			termed = true;
			kill_at = waited + 10 * 20;
		} else if (termed && waited >= kill_at) {
			kill(pid, SIGKILL);
			kill_at = UINT32_MAX;
		}
		nanosleep(&tick, NULL);
		waited++;
	}
	th_sup_child = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

char *
th_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return NULL;
	do {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

const char *
th_work_dir(const struct th_options *opt, char *buf, size_t sz)
{
	const char *tmp;
	int n;

	if (opt->work_dir != NULL) {
		if (mkdir(opt->work_dir, 0755) < 0 && errno != EEXIST) {
			fprintf(stderr, "test-hotplug: mkdir %s: %s\n",
				opt->work_dir, strerror(errno));
			return NULL;
		}
		return opt->work_dir;
	}
	tmp = getenv("TMPDIR");
	if (tmp == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	n = snprintf(buf, sz, "%s/test-hotplug.XXXXXX", tmp);
	if (n < 0 || (size_t)n >= sz) {
		fprintf(stderr, "test-hotplug: TMPDIR %s: path too long\n", tmp);
		return NULL;
	}
	if (mkdtemp(buf) == NULL) {
		fprintf(stderr, "test-hotplug: mkdtemp %s: %s\n", buf,
			strerror(errno));
		return NULL;
	}
	return buf;
}

void
th_work_dir_remove(const struct th_options *opt, const char *dir)
{
	char path[1024];
	struct dirent *de;
	DIR *d;

	if (opt->work_dir != NULL || dir == NULL)
		return;
	d = opendir(dir);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

long
th_read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f != NULL) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

int
th_write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (f == NULL)
		return -errno;
	ret = fprintf(f, "%ld\n", v) < 0 ? -EIO : 0;
	if (fclose(f) != 0)
		ret = -errno;
	return ret;
}

#define TH_RCU_EXPEDITED "/sys/kernel/rcu_expedited"

int
th_rcu_expedite(struct th_rcu_state *st)
{
	st->prev = th_read_long(TH_RCU_EXPEDITED);
	st->changed = false;
	if (st->prev < 0)
		return -ENOENT;
	if (st->prev == 1)
		return 0;
	if (th_write_long(TH_RCU_EXPEDITED, 1) < 0)
		return -EPERM;
	st->changed = true;
	return 0;
}

void
th_rcu_restore(struct th_rcu_state *st)
{
	if (st->changed && th_write_long(TH_RCU_EXPEDITED, st->prev) < 0)
		fprintf(stderr, "test-hotplug: could not restore %s to %ld\n",
			TH_RCU_EXPEDITED, st->prev);
	st->changed = false;
}

void
th_json_machine(struct th_json *j)
{
	char model[256] = "?", line[512];
	struct utsname u;
	FILE *f;

	f = fopen("/proc/cpuinfo", "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "model name", 10) == 0) {
			char *c = strchr(line, ':');

			if (c != NULL) {
				snprintf(model, sizeof(model), "%s", c + 2);
				model[strcspn(model, "\n")] = '\0';
			}
			break;
		}
	if (f != NULL)
		fclose(f);
	uname(&u);
	th_json_obj_open(j, "machine");
	th_json_str(j, "cpu", model);
	th_json_u64(j, "cpus_online", sysconf(_SC_NPROCESSORS_ONLN));
	th_json_str(j, "kernel", u.release);
	th_json_str(j, "arch", u.machine);
	th_json_int(j, "rcu_expedited", th_read_long(TH_RCU_EXPEDITED));
	th_json_obj_close(j);
}

/* --- yank mode ----------------------------------------------------------- */

#define TH_SUM_KEYS 32

struct th_sum {
	char key[TH_SUM_KEYS][32];
	double val[TH_SUM_KEYS];
	unsigned int n;
	bool ok;
};

static void
th_sum_read(const char *path, struct th_sum *s)
{
	FILE *f = fopen(path, "r");

	memset(s, 0, sizeof(*s));
	if (f == NULL)
		return;
	while (s->n < TH_SUM_KEYS &&
	       fscanf(f, "%31s %lf", s->key[s->n], &s->val[s->n]) == 2)
		s->n++;
	fclose(f);
	s->ok = s->n > 0;
}

static double
th_sum_get(const struct th_sum *s, const char *key)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->key[i], key) == 0)
			return s->val[i];
	return NAN;
}

void
th_cell(char *buf, size_t sz, double v, const char *fmt)
{
	if (isnan(v))
		snprintf(buf, sz, "-");
	else
		snprintf(buf, sz, fmt, v);
}

static const struct {
	const char *key;
	const char *head;
	const char *fmt;
} th_cmp_cols[] = {
	{ "lost", "lost", "%.0f" },
	{ "lost_max", "lost/yank max", "%.0f" },
	{ "rejected", "not sent", "%.0f" },
	{ "dup", "dup", "%.0f" },
	{ "reord", "reord", "%.0f" },
	{ "outage_max", "outage ms max", "%.0f" },
	{ "obs_switch_max", "switch ms max", "%.2f" },
	{ "sw_us_p50", "uevent>sw us p50", "%.1f" },
	{ "obs_back_p50", "back ms p50", "%.1f" },
	{ "steady_tx", "steady txmax us", "%.1f" },
	{ "yank_tx", "yank txmax us", "%.1f" },
};

static void
th_print_comparison(const struct th_options *opt, enum th_target *targets,
		    struct th_sum *sums, unsigned int n)
{
	unsigned int i, k;
	char cell[32];

	printf("\ncomparison: %u yanks of v%c0 each at %u pps (\"-\": not measured; not sent: refused by tx_burst, or skipped while the traffic lcore stalled; outage: ms with nothing received)\n",
	       opt->cycles, 'A' + opt->yank_sub, opt->rate_pps);
	printf("%-8s", "target");
	for (k = 0; k < TH_DIM(th_cmp_cols); k++)
		printf(" %*s", (int)strlen(th_cmp_cols[k].head) > 8 ?
		       (int)strlen(th_cmp_cols[k].head) : 8, th_cmp_cols[k].head);
	printf("\n");
	for (i = 0; i < n; i++) {
		printf("%-8s", th_target_name(targets[i]));
		for (k = 0; k < TH_DIM(th_cmp_cols); k++) {
			int w = strlen(th_cmp_cols[k].head);

			th_cell(cell, sizeof(cell), sums[i].ok ?
				th_sum_get(&sums[i], th_cmp_cols[k].key) : NAN,
				th_cmp_cols[k].fmt);
			printf(" %*s", w > 8 ? w : 8, sums[i].ok ? cell : "failed");
		}
		printf("\n");
	}
}

static void
th_json_comparison(struct th_json *j, enum th_target *targets,
		   struct th_sum *sums, const bool *ok, unsigned int n)
{
	unsigned int i, k;

	th_json_arr_open(j, "comparison");
	for (i = 0; i < n; i++) {
		th_json_obj_open(j, NULL);
		th_json_str(j, "target", th_target_name(targets[i]));
		th_json_bool(j, "completed", ok[i]);
		for (k = 0; k < sums[i].n; k++)
			th_json_dbl(j, sums[i].key[k], sums[i].val[k]);
		th_json_obj_close(j);
	}
	th_json_arr_close(j);
}

static void
th_plot(const struct th_options *opt, const char *dir,
	enum th_target *targets, bool *ok, unsigned int n)
{
	char script[1024], *argv[] = { "gnuplot", script, NULL };
	double ymax = opt->rate_pps / 1000.0 * 1.6 + 1;
	unsigned int i, s, panels = 0;
	FILE *f;
	int rc;

	for (i = 0; i < n; i++)
		panels += ok[i];
	if (opt->png_path == NULL || panels == 0)
		return;
	snprintf(script, sizeof(script), "%s/timeline.gp", dir);
	f = fopen(script, "w");
	if (f == NULL)
		return;
	fprintf(f, "set terminal pngcairo size 1400,%u font 'sans,10'\n",
		120 + 300 * panels);
	fprintf(f, "set output '%s'\n", opt->png_path);
	fprintf(f, "set multiplot layout %u,1\n", panels);
	fprintf(f, "set xlabel 'time (s)'\nset ylabel 'frames received per ms'\n");
	fprintf(f, "set yrange [0:%.1f]\nset key outside right top\nset grid\n", ymax);
	for (i = 0; i < n; i++) {
		const char *t = th_target_name(targets[i]);

		if (!ok[i])
			continue;
		fprintf(f, "set title \"%s: frames per ms (10 ms means): received (points, coloured by the sub-device carrying TX as the port reports it), on each sub-device's wire (lines); yank (red) and re-add (green)\"\n",
			t);
		fprintf(f, "plot '%s/%s.10ms.dat' u ($1/1000):2 w l lw 3 lc rgb '#d0d0d0' t 'sent'", dir, t);
		for (s = 0; s < opt->nb_subs; s++)
			fprintf(f, ", '' u ($1/1000):($4==%u?$3:1/0) w p pt 7 ps 0.5 lc %u t 'rx, TX on sub %u'",
				s, s + 1, s);
		fprintf(f, ", '' u ($1/1000):($4<0?$3:1/0) w p pt 7 ps 0.5 lc rgb 'black' t 'rx'");
		for (s = 0; s < opt->nb_subs; s++)
			fprintf(f, ", '' u ($1/1000):%u w l lw 1.5 lc %u t 'wire of sub %u (v%c0)'",
				5 + s, s + 1, s, 'A' + s);
		fprintf(f, ", '%s/%s.ev' u ($1/1000):($2==0?%.1f:1/0) w impulses lw 2 lc rgb 'red' t 'yank'",
			dir, t, ymax);
		fprintf(f, ", '' u ($1/1000):($2==2?%.1f:1/0) w impulses lw 2 lc rgb 'dark-green' t 're-add'\n",
			ymax);
	}
	fprintf(f, "unset multiplot\n");
	fclose(f);
	rc = th_reap(th_spawn(NULL, argv, NULL), 60);
	if (rc == 127)
		fprintf(stderr, "test-hotplug: gnuplot not found (apt-get install gnuplot-nox): no PNG\n");
	else if (rc != 0)
		fprintf(stderr, "test-hotplug: gnuplot failed (%d): no PNG\n", rc);
	else
		printf("timeline: %s\n", opt->png_path);
}

static unsigned int
th_worker_timeout(const struct th_options *o)
{
	return (o->warmup_ms + o->cycles *
		(o->down_ms + o->settle_ms + o->gap_ms + 200)) / 1000 + 60;
}

int
th_supervise_yank(const struct th_options *opt)
{
	enum th_target targets[1 + TH_MAX_COMPARE];
	struct th_rcu_state rcu = { .changed = false };
	struct th_sum sums[1 + TH_MAX_COMPARE];
	bool ok[1 + TH_MAX_COMPARE] = { false };
	bool partial[1 + TH_MAX_COMPARE] = { false };
	bool keep_dir = false;
	char dirbuf[256], netns[64], prefix[512], path[600], argbuf[8192];
	char *argv[64], *frag;
	const char *dir;
	unsigned int n = 0, i;
	struct th_json j;
	int rc, ret = 0;
	FILE *f;

	targets[n++] = TH_TARGET_OURS;
	for (i = 0; i < opt->nb_compare; i++)
		targets[n++] = opt->compare[i];
	if (opt->rcu_expedited) {
		if (th_rcu_expedite(&rcu) < 0) {
			fprintf(stderr, "test-hotplug: --rcu-expedited: cannot write %s\n",
				TH_RCU_EXPEDITED);
			return 1;
		}
		printf("rcu_expedited: 1 for this run (was %ld, restored at exit)\n",
		       rcu.prev);
	}
	dir = th_work_dir(opt, dirbuf, sizeof(dirbuf));
	if (dir == NULL) {
		th_rcu_restore(&rcu);
		return 1;
	}
	th_sup_signals();
	for (i = 0; i < n && !th_sup_interrupted; i++) {
		snprintf(netns, sizeof(netns), "th-%d-%u", (int)getpid(), i);
		snprintf(prefix, sizeof(prefix), "%s/%s", dir,
			 th_target_name(targets[i]));
		if (th_options_worker_argv(opt, targets[i], netns, prefix, argv,
					   argbuf, sizeof(argbuf)) < 0) {
			fprintf(stderr, "test-hotplug: arguments too long\n");
			ret = 1;
			break;
		}
		if (th_netns_add(netns) < 0) {
			ret = 1;
			break;
		}
		fflush(stdout);
		rc = th_reap(th_spawn("/proc/self/exe", argv, NULL),
			     th_worker_timeout(opt));
		th_netns_del(netns);
		snprintf(path, sizeof(path), "%s.sum", prefix);
		th_sum_read(path, &sums[i]);
		ok[i] = rc == 0 && sums[i].ok;
		/* An interrupted worker still reports the yanks it made. */
		partial[i] = !ok[i] && th_sup_interrupted && rc == 130;
		if (!ok[i] && th_sup_interrupted) {
			fprintf(stderr, "test-hotplug: %s run interrupted (exit %d)\n",
				th_target_name(targets[i]), rc);
		} else if (!ok[i]) {
			fprintf(stderr, "test-hotplug: %s run failed (exit %d); its EAL log: %s.log\n",
				th_target_name(targets[i]), rc, prefix);
			keep_dir = true;
			if (targets[i] == TH_TARGET_OURS)
				ret = 1;
		}
	}
	if (th_sup_interrupted)
		ret = 130;
	for (; i < n; i++)
		sums[i].ok = false, sums[i].n = 0;

	if (n > 1)
		th_print_comparison(opt, targets, sums, n);
	f = fopen(opt->json_path, "w");
	if (f == NULL) {
		fprintf(stderr, "test-hotplug: %s: %s\n", opt->json_path,
			strerror(errno));
		ret = 1;
	} else {
		th_json_init(&j, f);
		th_json_obj_open(&j, NULL);
		th_json_str(&j, "tool", "dpdk-test-hotplug");
		th_json_str(&j, "mode", "yank");
		th_json_bool(&j, "interrupted", th_sup_interrupted != 0);
		th_json_machine(&j);
		th_json_arr_open(&j, "runs");
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/%s.json", dir,
				 th_target_name(targets[i]));
			frag = ok[i] || partial[i] ? th_slurp(path) : NULL;
			if (frag != NULL)
				th_json_raw(&j, NULL, frag);
			free(frag);
		}
		th_json_arr_close(&j);
		th_json_comparison(&j, targets, sums, ok, n);
		th_json_obj_close(&j);
		fclose(f);
		printf("results: %s\n", opt->json_path);
	}
	th_rcu_restore(&rcu);
	th_plot(opt, dir, targets, ok, n);
	/*
	 * A temporary work directory goes on every exit path but one: a run
	 * that failed on its own keeps it, for its EAL log.
	 */
	if (opt->work_dir != NULL)
		printf("per-run files: %s\n", dir);
	else if (keep_dir)
		fprintf(stderr, "test-hotplug: kept %s for the failed run's logs (remove it when done; --work-dir DIR puts them in DIR)\n",
			dir);
	else
		th_work_dir_remove(opt, dir);
	return ret;
}
