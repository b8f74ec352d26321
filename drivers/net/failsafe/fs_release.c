/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The release of a retired PCI sub-device whose hardware is gone (its
 * driver's stop and close, then the device's removal from its bus) runs
 * in a thread of its own, one per release, "fs-release"; a live device
 * or a vdev is closed by the alarm, as its driver works.  A driver may never return from a call on a
 * device whose hardware is gone (Debian's net_e1000_em under TCG polled a
 * dead register file for minutes): that thread is then the only one
 * stuck.  The EAL interrupt thread (the port alarm) and the port lock are
 * never held by such a call, traffic goes on over the other sub-devices,
 * and one line names the sub-device, its driver and the call once
 * FS_RELEASE_BOUND_MS is overrun.  The slot stays CLOSING until the
 * driver returns, for its port and device are still the driver's; then
 * the alarm empties it (fs_release_reap) and a waiting ADD takes it.
 *
 * A driver waits for its hardware with rte_delay_us(): on a device that
 * is gone, nothing answers and every poll runs to its timeout, each turn
 * a delay.  net_e1000_em's NVM read polls 100000 times with 5 us delays;
 * under rte_delay_us_sleep (testpmd's choice) each delay is a nanosleep,
 * a millisecond or more in a loaded guest: minutes per register read.
 * So a release of a PCI device whose hardware is gone (its BARs are the
 * dummy pages) waits for nothing, in its thread only: rte_delay_us()
 * through the process's delay callback, which skips delays there and
 * chains to the callback there was elsewhere; and nanosleep, which
 * rte_delay_us_sleep() calls (net_e1000_em calls that directly), through
 * a seccomp filter of that thread alone answering it at once.  The polls
 * end in microseconds; nothing else waits differently.
 *
 * The thread works on copies and touches the slot only under
 * fs_release_lock: a port closing while a release is stuck waits for it
 * no longer than the bound, then leaves it (orphan) and the thread, if
 * its driver ever returns, finishes on its own without the port.  What
 * an orphan still uses is its own: its heap copy (never the slot or the
 * port's private data, freed by the close), the plugin's code (EAL never
 * dlcloses a plugin), and the sub-device's port, handed from the closed
 * port's owner to a process-wide one ("fs-release"): no application
 * (testpmd closes every port it sees at exit) and no port probing the
 * same device again (it finds the port owned) uses a port whose driver
 * is still inside a call.  The delay callback stays while a release of
 * a gone device runs, orphans included, and is put back after the last.
 * Left as it is: rte_eal_cleanup() removes every PCI device through its
 * driver, a stuck one included, under the thread still inside that
 * driver; nothing here can end a driver's call.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <dev_driver.h>
#include <rte_cycles.h>
#include <rte_dev.h>

#include "dpdk_compat.h"
#include "kernel_rcu.h"

#include "fs_private.h"
#include "fs_alarm.h"

struct fs_release {
	struct fs_sub *sub;
	struct fs_priv *priv;
	void (*hook)(struct fs_sub *sub);	/* test only */
	uint16_t port_id;
	bool stop;		/* the port was started */
	bool rcu;		/* kernel RCU expedited for it */
	bool done;		/* all returned: the alarm empties the slot */
	bool orphan;		/* its port closed meanwhile: finish alone */
	bool warned;		/* the overrun was logged */
	bool gone;		/* its hardware is gone: no delays */
	const char *step;	/* the driver call it is in */
	uint64_t start_ns;
	uint64_t stop_ns;	/* when the stop returned */
	char bus[32];
	char dev_name[RTE_DEV_NAME_MAX_LEN];
	char driver[64];
};

#define FS_RELEASE_LONG_DELAY_US	1000

/* Guards every fs_sub.release and the fields the thread shares. */
static pthread_mutex_t fs_release_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fs_release_cond = PTHREAD_COND_INITIALIZER;

/* The delay callback there was; this thread's delays are skipped. */
static void (*fs_delay_prev)(unsigned int us);
static __thread bool fs_delay_skip;
/* Releases of gone devices running, orphans included: the callback's users. */
static unsigned int fs_delay_users;

/* Owns an orphan's port once its fail-safe port is closed. */
static struct rte_eth_dev_owner fs_release_owner;

/*
 * Short delays are a poll's turns, skipped; a long one may wait for
 * another thread (an interrupt handler to finish), so it is still spent,
 * busy: the thread's nanosleeps return at once.
 */
static void
fs_release_delay(unsigned int us)
{
	if (!fs_delay_skip)
		fs_delay_prev(us);
	else if (us >= FS_RELEASE_LONG_DELAY_US)
		rte_delay_us_block(us);
}

/*
 * Before each release of a gone device: the application may have put
 * its own callback in since the last one (testpmd does at start).
 */
static void
fs_release_delay_install(void)
{
	pthread_mutex_lock(&fs_release_lock);
	fs_delay_users++;
	if (rte_delay_us != fs_release_delay) {
		fs_delay_prev = rte_delay_us;
		rte_delay_us_callback_register(fs_release_delay);
	}
	pthread_mutex_unlock(&fs_release_lock);
}

/*
 * Under fs_release_lock, as a release of a gone device ends: after the
 * last one the process has the callback it had (unless the application
 * put in another meanwhile).  fs_delay_prev stays valid for a thread
 * that read the old pointer just before.
 */
static void
fs_release_delay_put(void)
{
	if (fs_delay_users == 0 || --fs_delay_users > 0)
		return;
	if (rte_delay_us == fs_release_delay && fs_delay_prev != NULL)
		rte_delay_us_callback_register(fs_delay_prev);
}

/* The plugin's code goes away with it: put back what was there. */
static void __attribute__((destructor))
fs_release_delay_uninstall(void)
{
	if (rte_delay_us == fs_release_delay && fs_delay_prev != NULL)
		rte_delay_us_callback_register(fs_delay_prev);
}

#if defined(__x86_64__)
#define FS_AUDIT_ARCH	AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FS_AUDIT_ARCH	AUDIT_ARCH_AARCH64
#endif

/*
 * This thread's nanosleeps return 0 at once, without sleeping.  Thread
 * scoped: no_new_privs and a filter without SECCOMP_FILTER_FLAG_TSYNC
 * apply to the calling thread only, and end with it.
 */
static int
fs_release_no_sleep(void)
{
#ifdef FS_AUDIT_ARCH
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FS_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_nanosleep, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clock_nanosleep, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* "errno 0": the call returns 0, a sleep done */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 0),
	};
	struct sock_fprog prog = { .len = RTE_DIM(f), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
		return -errno;
	return 0;
#else
	return -ENOTSUP;
#endif
}

/* Under fs_release_lock: wait for a release to end, 10 ms at most. */
static void
fs_release_wait_tick(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 10 * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&fs_release_cond, &fs_release_lock, &ts);
}

static uint64_t
fs_release_age_ms(const struct fs_release *r, uint64_t now)
{
	return (now - r->start_ns) / 1000000;
}

static void
fs_release_step(struct fs_release *r, const char *step)
{
	pthread_mutex_lock(&fs_release_lock);
	r->step = step;
	pthread_mutex_unlock(&fs_release_lock);
}

static void *
fs_release_main(void *arg)
{
	struct fs_release *r = arg;
	struct fs_sub *sub;
	bool orphan;

	fs_delay_skip = r->gone;
	if (r->gone && fs_release_no_sleep() < 0)
		FS_LOG(NOTICE, "%s: its driver's sleeps stay (no seccomp filter: %s): a poll of a dead register may take long",
		       r->dev_name, strerror(errno));
	pthread_mutex_lock(&fs_release_lock);
	r->step = "dev_stop";
	sub = r->sub;	/* NULL once orphaned: the slot may be freed */
	pthread_mutex_unlock(&fs_release_lock);
	if (r->hook != NULL)
		r->hook(sub);
	if (r->stop)
		rte_eth_dev_stop(r->port_id);
	pthread_mutex_lock(&fs_release_lock);
	r->stop_ns = fs_time_ns();
	/* Its BARs leave the SIGBUS net before close unmaps them. */
	if (!r->orphan)
		fs_registry_bars_del(r->sub);
	r->step = "dev_close";
	pthread_mutex_unlock(&fs_release_lock);
	rte_eth_dev_close(r->port_id);
	fs_release_step(r, "device removal");
	fs_plug_remove(r->bus, r->dev_name);
	if (r->rcu)
		kernel_rcu_expedite_end();
	pthread_mutex_lock(&fs_release_lock);
	orphan = r->orphan;
	if (!orphan) {
		r->done = true;
		fs_alarm_kick(r->priv);
	}
	if (r->gone)
		fs_release_delay_put();
	pthread_cond_broadcast(&fs_release_cond);
	pthread_mutex_unlock(&fs_release_lock);
	if (orphan) {
		FS_LOG(NOTICE, "%s (driver %s): released after %" PRIu64 " ms, its fail-safe port closed meanwhile",
		       r->dev_name, r->driver, fs_release_age_ms(r, fs_time_ns()));
		free(r);
	}
	return NULL;
}

static void
fs_release_driver_name(const struct fs_sub *sub, char *out, size_t len)
{
	const struct rte_device *dev = rte_eth_devices[sub->port_id].device;

	snprintf(out, len, "%s", dev != NULL && dev->driver != NULL ?
		 dev->driver->name : "?");
}

/*
 * Lock not held; the slot is CLOSING (fs_sub_detach_begin), so nobody
 * else touches it.  Returns 0 once the release runs in its thread, or a
 * negative errno: the caller then closes it itself.
 */
int
fs_release_start(struct fs_sub *sub)
{
	struct fs_release *r = calloc(1, sizeof(*r));
	pthread_t tid;
	int ret;

	if (r == NULL)
		return -ENOMEM;
	r->sub = sub;
	r->priv = sub->priv;
	r->hook = sub->priv->release_test_hook;
	r->port_id = sub->port_id;
	r->stop = rte_eth_devices[sub->port_id].data->dev_started != 0;
	r->start_ns = fs_time_ns();
	r->step = "start";
	r->gone = sub->pci_gone;
	if (r->gone)
		fs_release_delay_install();
	snprintf(r->bus, sizeof(r->bus), "%s", sub->bus);
	snprintf(r->dev_name, sizeof(r->dev_name), "%s", sub->dev_name);
	fs_release_driver_name(sub, r->driver, sizeof(r->driver));
	r->rcu = fs_rcu_begin(sub);
	pthread_mutex_lock(&fs_release_lock);
	sub->release = r;
	ret = hotplug_ctrl_thread_create(&tid, "fs-release", fs_release_main, r);
	if (ret < 0)
		sub->release = NULL;
	pthread_mutex_unlock(&fs_release_lock);
	if (ret < 0) {
		if (r->rcu)
			kernel_rcu_expedite_end();
		if (r->gone) {
			pthread_mutex_lock(&fs_release_lock);
			fs_release_delay_put();
			pthread_mutex_unlock(&fs_release_lock);
		}
		free(r);
		FS_PORT_LOG(WARNING, sub->priv, "sub-device %u: no release thread (%s): closed in the caller",
			    sub->idx, strerror(-ret));
		return ret;
	}
	pthread_detach(tid);
	return 0;
}

/* Under fs_release_lock: the one line of an overrun, once. */
static void
fs_release_overrun(struct fs_sub *sub, struct fs_release *r, uint64_t now)
{
	if (r->warned || fs_release_age_ms(r, now) < FS_RELEASE_BOUND_MS)
		return;
	r->warned = true;
	FS_PORT_LOG(ERR, sub->priv, "sub-device %u (%s, driver %s): release not done after %" PRIu64 " ms: the driver's %s has not returned on a removed device; the slot stays closing until it does, traffic goes on without it",
		    sub->idx, r->dev_name, r->driver, fs_release_age_ms(r, now),
		    r->step);
}

/*
 * Under the port lock (the alarm, the port's close): slots whose release
 * returned are emptied, an overrun is logged.  Returns true while one is
 * still running.
 */
bool
fs_release_reap(struct fs_priv *priv)
{
	uint64_t now = fs_time_ns();
	bool running = false;
	struct fs_sub *sub;

	FS_FOREACH_SUB(priv, sub) {
		struct fs_release *r;
		bool done;

		/* done read once, under the lock: the thread may set it now. */
		pthread_mutex_lock(&fs_release_lock);
		r = sub->release;
		done = r != NULL && r->done;
		if (done)
			sub->release = NULL;
		else if (r != NULL)
			fs_release_overrun(sub, r, now);
		pthread_mutex_unlock(&fs_release_lock);
		if (r == NULL)
			continue;
		if (!done) {
			running = true;
			continue;
		}
		if (sub->remove_rx_ns != 0)
			sub->remove_stop_ns = r->stop_ns - sub->remove_rx_ns;
		if (r->warned)
			FS_PORT_LOG(NOTICE, priv, "sub-device %u (%s, driver %s): released after %" PRIu64 " ms",
				    sub->idx, r->dev_name, r->driver,
				    fs_release_age_ms(r, now));
		free(r);
		fs_sub_detach_end(sub);
	}
	return running;
}

/* Under the port lock: when the alarm should next look at the releases. */
uint64_t
fs_release_next_us(const struct fs_priv *priv, uint64_t now)
{
	uint64_t next = UINT64_MAX, due;
	const struct fs_sub *sub;

	pthread_mutex_lock(&fs_release_lock);
	FS_FOREACH_SUB(priv, sub) {
		const struct fs_release *r = sub->release;

		if (r == NULL || r->done || r->warned)
			continue;
		due = r->start_ns + FS_RELEASE_BOUND_MS * 1000000ULL;
		next = RTE_MIN(next, due > now ? (due - now) / 1000 + 1 : 1);
	}
	pthread_mutex_unlock(&fs_release_lock);
	return next;
}

/*
 * Under fs_release_lock: the closing port lets go of a stuck release's
 * port, which the process-wide owner takes, so that it stays hidden
 * from the application and from any other port until the thread closes
 * it (its release clears the owner).
 */
static void
fs_release_orphan_port(struct fs_priv *priv, const struct fs_release *r)
{
	struct rte_eth_dev_owner cur;
	static bool owner_made;
	int ret;

	if (!owner_made) {
		if (rte_eth_dev_owner_new(&fs_release_owner.id) != 0) {
			FS_PORT_LOG(ERR, priv, "port %u (%s): no owner for a stuck release: the application sees it once the port is closed",
				    r->port_id, r->dev_name);
			return;
		}
		snprintf(fs_release_owner.name, sizeof(fs_release_owner.name),
			 "fs-release");
		owner_made = true;
	}
	/*
	 * Only while it is still ours: the release may have closed it
	 * already, its id free or someone else's now.  ethdev cannot hand
	 * an owner over, so the port is unowned between the two calls.
	 */
	if (rte_eth_dev_owner_get(r->port_id, &cur) != 0 ||
	    cur.id != priv->owner.id)
		return;
	ret = rte_eth_dev_owner_unset(r->port_id, priv->owner.id);
	if (ret == 0)
		ret = rte_eth_dev_owner_set(r->port_id, &fs_release_owner);
	if (ret != 0)
		FS_PORT_LOG(ERR, priv, "port %u (%s): not handed to the release owner (%s): the application sees it once the port is closed",
			    r->port_id, r->dev_name, rte_strerror(-ret));
}

/*
 * The port is closing, lock not held, its alarm cancelled: wait for the
 * releases in flight, each no longer than what is left of its bound; one
 * still stuck then is left to finish alone.  Finished ones stay for
 * fs_release_reap(), or, final (the port's last step), are freed.
 */
void
fs_release_drain(struct fs_priv *priv, bool final)
{
	struct fs_sub *sub;

	pthread_mutex_lock(&fs_release_lock);
	FS_FOREACH_SUB(priv, sub) {
		struct fs_release *r;

		while ((r = sub->release) != NULL && !r->done) {
			uint64_t now = fs_time_ns();

			if (fs_release_age_ms(r, now) >= FS_RELEASE_BOUND_MS) {
				fs_release_overrun(sub, r, now);
				FS_PORT_LOG(ERR, priv, "sub-device %u (%s, driver %s): port closed with its release stuck in %s: left to finish alone",
					    sub->idx, r->dev_name, r->driver,
					    r->step);
				fs_release_orphan_port(priv, r);
				r->orphan = true;
				r->sub = NULL;
				sub->release = NULL;
				break;
			}
			fs_release_wait_tick();
		}
		if (final && r != NULL && r->done) {
			sub->release = NULL;
			free(r);
		}
	}
	pthread_mutex_unlock(&fs_release_lock);
}

/*
 * Under the port lock, where the slot must be empty on return (a close, a
 * failed join): a device whose hardware is gone is released in its
 * thread all the same, waited for within the bound.  Returns 0 once the
 * slot is empty, -EINPROGRESS while the release runs on (the slot stays
 * CLOSING for the alarm), another negative errno when no thread could
 * take it (the caller closes it itself).
 */
int
fs_release_sync(struct fs_sub *sub)
{
	uint64_t deadline;
	int ret;

	ret = fs_release_start(sub);
	if (ret < 0)
		return ret;
	deadline = fs_time_ns() + FS_RELEASE_BOUND_MS * 1000000ULL;
	pthread_mutex_lock(&fs_release_lock);
	while (sub->release != NULL && !sub->release->done &&
	       fs_time_ns() < deadline) {
		fs_release_wait_tick();
	}
	pthread_mutex_unlock(&fs_release_lock);
	fs_release_reap(sub->priv);
	return sub->state == FS_SUB_EMPTY ? 0 : -EINPROGRESS;
}
