/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The uevent monitor: one NETLINK_KOBJECT_UEVENT socket bound to the
 * kernel's group, read by one control thread through epoll.  The thread
 * drains the socket on every wakeup (a burst of hotplug events must not
 * wait one epoll round each), accepts only what the kernel itself sent,
 * and turns a lost-events condition into a sysfs resync instead of dying.
 */

#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <pthread.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <rte_lcore.h>

#include "dpdk_compat.h"

#include "hotplug_private.h"

/* The group the kernel multicasts uevents to (udev re-sends on 2). */
#define UEVENT_GROUP_KERNEL 1
/* Large enough for a boot-time storm; the kernel caps it without
 * CAP_NET_ADMIN (rmem_max), hence the fallback.
 */
#define MONITOR_RCVBUF (16 * 1024 * 1024)
/* Wake up this often even when idle, to report SIGBUS repairs. */
#define MONITOR_TICK_MS 1000
/* A REMOVE uevent leaves before kobject_del(): wait this long for sysfs. */
#define REMOVE_CONFIRM_TRIES 20
#define REMOVE_CONFIRM_US 500
#define ADD_LISTED_TRIES 200
#define ADD_LISTED_US 50

struct monitor {
	pthread_mutex_t lock;   /* start/stop and refcnt */
	pthread_cond_t stopped; /* stopping went back to false */
	unsigned int refcnt;
	bool running;
	bool stopping;          /* the last stop() is joining the thread */
	bool self_stop;         /* ... or it came from the thread, which ends itself */
	struct mnl_socket *nl;
	struct mnl_socket *link_nl;	/* rtnetlink links, once asked for */
	int link_fd;            /* its fd, read by the thread; -1: none */
	int epfd;
	int stopfd;
	pthread_t thread;
	uint64_t last_seqnum;   /* monitor thread only */
	bool resync_pending;    /* monitor thread only */
	int rcvbuf_test;        /* test hook; 0 = default */
	int rcvbuf;             /* effective size */
};

static struct monitor mon = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.stopped = PTHREAD_COND_INITIALIZER,
	.link_fd = -1,
	.epfd = -1,
	.stopfd = -1,
};

static struct hotplug_monitor_stats stats;

#define STAT_INC(field) __atomic_fetch_add(&stats.field, 1, __ATOMIC_RELAXED)

void
hotplug_monitor_stats_get(struct hotplug_monitor_stats *st)
{
	const uint64_t *src = (const uint64_t *)&stats;
	uint64_t *dst = (uint64_t *)st;
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < sizeof(stats) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}

void
hotplug_monitor_stats_reset(void)
{
	uint64_t *p = (uint64_t *)&stats;
	size_t i;

	for (i = 0; i < sizeof(stats) / sizeof(uint64_t); i++)
		__atomic_store_n(&p[i], 0, __ATOMIC_RELAXED);
}

void
hotplug_monitor_stat_resync(unsigned int events)
{
	STAT_INC(resyncs);
	__atomic_fetch_add(&stats.resync_events, events, __ATOMIC_RELAXED);
}

void
hotplug_monitor_rcvbuf_set(int bytes)
{
	mon.rcvbuf_test = bytes;
}

int
hotplug_monitor_rcvbuf_get(void)
{
	int ret;

	pthread_mutex_lock(&mon.lock);
	ret = mon.running ? mon.rcvbuf : -ENOTCONN;
	pthread_mutex_unlock(&mon.lock);
	return ret;
}

/* Lock-free: a callback may ask while stop() holds the lock. */
bool
hotplug_monitor_running(void)
{
	return __atomic_load_n(&mon.running, __ATOMIC_ACQUIRE);
}

uint64_t
hotplug_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* Receive path (monitor thread) */

/* Kernel messages carry port id 0 and, with SO_PASSCRED, uid 0. */
bool
hotplug_monitor_sender_is_kernel(const struct msghdr *msg,
		const struct sockaddr_nl *sa)
{
	struct cmsghdr *cm;

	if (msg->msg_namelen != sizeof(*sa) || sa->nl_pid != 0)
		return false;
	for (cm = CMSG_FIRSTHDR((struct msghdr *)(uintptr_t)msg); cm != NULL;
			cm = CMSG_NXTHDR((struct msghdr *)(uintptr_t)msg, cm)) {
		const struct ucred *cred;

		if (cm->cmsg_level != SOL_SOCKET ||
				cm->cmsg_type != SCM_CREDENTIALS ||
				cm->cmsg_len < CMSG_LEN(sizeof(*cred)))
			continue;
		cred = (const struct ucred *)CMSG_DATA(cm);
		return cred->uid == 0;
	}
	return false;
}

/*
 * A uevent may be synthetic (root wrote to a sysfs uevent file) or stale
 * (the device came and went before we read it): act only on what sysfs
 * confirms.  A REMOVE whose interface exists with another ifindex is a
 * real removal followed by a new device of the same name.
 */
/*
 * if_nametoindex() opens and closes a socket at every call, which was
 * most of the 30-40 us a REMOVE spent being confirmed here (measured on
 * veth); the process's kept socket serves every call.
 */
static unsigned int
netdev_index(const char *ifname)
{
	int fd = hotplug_netdev_fd();
	struct ifreq ifr;

	if (fd < 0)
		return if_nametoindex(ifname);
	if (hotplug_netdev_ifreq(fd, SIOCGIFINDEX, ifname, &ifr) < 0)
		return 0;
	return (unsigned int)ifr.ifr_ifindex;
}

/*
 * A link message read late (the thread was busy probing) may be older
 * than the link's state: act only on what SIOCGIFFLAGS says now.  It
 * reads the flags under RCU, not RTNL, so it answers during a delete.
 */
bool
hotplug_monitor_link_confirmed(const struct hotplug_event *ev)
{
	bool down = ev->action == HOTPLUG_ACTION_LINK_DOWN;
	int running;

	if (hotplug_netdev_fd() < 0)
		return true;	/* cannot ask: believe the kernel's message */
	if (netdev_index(ev->ifname) != (unsigned int)ev->ifindex)
		return down;	/* gone, or the name is another link's now */
	running = hotplug_netdev_running(ev->ifname);
	if (running < 0)
		return down;
	return running == !down;
}

bool
hotplug_remove_confirmed(const struct hotplug_event *ev)
{
	int i;

	/* The kernel unlists a netdev before it announces the removal, but
	 * deletes its sysfs directory only after: ask the netdev list first,
	 * so a real removal is confirmed without waiting.
	 */
	if (ev->subsystem == HOTPLUG_SUBSYS_NET &&
			strcmp(hotplug_sysfs_root_get(), "/sys") == 0) {
		unsigned int idx = netdev_index(ev->ifname);

		if (idx == 0 || (int)idx != ev->ifindex)
			return true;
	}
	for (i = 0; i < REMOVE_CONFIRM_TRIES; i++) {
		if (ev->subsystem == HOTPLUG_SUBSYS_NET) {
			int idx = hotplug_ifname_to_ifindex(ev->ifname);

			if (idx < 0 || idx != ev->ifindex)
				return true;
		} else if (!hotplug_pci_present(ev->pci_addr)) {
			return true;
		}
		usleep(REMOVE_CONFIRM_US);
	}
	return false;
}

/*
 * The interface a name stands for now: the netdev list itself on the real
 * sysfs, else (a test's tree) what that sysfs says; 0 when none.
 */
static int
current_ifindex(const char *ifname)
{
	int idx;

	if (strcmp(hotplug_sysfs_root_get(), "/sys") == 0)
		return (int)netdev_index(ifname);
	idx = hotplug_ifname_to_ifindex(ifname);
	return idx > 0 ? idx : 0;
}

bool
hotplug_event_stale(const struct hotplug_event *ev)
{
	int cur;

	if (ev->subsystem != HOTPLUG_SUBSYS_NET || ev->ifindex <= 0)
		return false;
	switch (ev->action) {
	case HOTPLUG_ACTION_LINK_UP:
	case HOTPLUG_ACTION_LINK_DOWN:
		return !hotplug_monitor_link_confirmed(ev);
	case HOTPLUG_ACTION_ADD:
	case HOTPLUG_ACTION_MOVE:
		/* A later ADD of the same name follows: this one is over. */
		cur = current_ifindex(ev->ifname);
		return cur > 0 && cur != ev->ifindex;
	default:
		return false;
	}
}

/*
 * The kernel announces a new netdev (and creates its sysfs directory) in
 * register_netdevice() before it lists the device by name: for a moment
 * SIOCGIFINDEX, if_nametoindex() and so every PMD probe (af_packet, tap,
 * af_xdp) answer ENODEV.  Hand the ADD on only once the name resolves to
 * the announced ifindex; the window is microseconds, the wait is bounded.
 */
static bool
add_confirmed(const struct hotplug_event *ev)
{
	int i;

	if (!hotplug_device_present(ev->name))
		return false;
	if (ev->subsystem != HOTPLUG_SUBSYS_NET || ev->ifindex <= 0 ||
			strcmp(hotplug_sysfs_root_get(), "/sys") != 0)
		return true;
	for (i = 0; i < ADD_LISTED_TRIES; i++) {
		if (current_ifindex(ev->ifname) == ev->ifindex)
			return true;
		if (hotplug_event_stale(ev))
			return false;	/* the name is another device's now */
		usleep(ADD_LISTED_US);
	}
	return false;
}

static bool
event_confirmed(const struct hotplug_event *ev)
{
	if (ev->subsystem != HOTPLUG_SUBSYS_NET &&
			ev->subsystem != HOTPLUG_SUBSYS_PCI)
		return true;
	if (ev->action == HOTPLUG_ACTION_ADD)
		return add_confirmed(ev);
	if (ev->action == HOTPLUG_ACTION_REMOVE)
		return hotplug_remove_confirmed(ev);
	/*
	 * A rename sends MOVE before the new name resolves (dev_change_name
	 * rehashes it after the uevent), the ADD window again: wait for it
	 * the same way, but pass it on anyway, since the old name is gone
	 * whatever became of the new one (a consumer checks the ifindex).
	 */
	if (ev->action == HOTPLUG_ACTION_MOVE)
		add_confirmed(ev);
	return true;
}

/* Returns true when events were probably lost. */
static bool
seqnum_check(uint64_t seqnum)
{
	bool gap = mon.last_seqnum != 0 && seqnum != mon.last_seqnum + 1;

	mon.last_seqnum = seqnum;
	if (gap)
		STAT_INC(seqnum_gaps);
	return gap;
}

static void
monitor_dispatch(struct hotplug_event *ev, uint64_t rx_ns)
{
	ev->rx_ns = rx_ns;
	if (!event_confirmed(ev)) {
		STAT_INC(synthetic_ignored);
		HOTPLUG_LOG(INFO, "%s %s ignored: sysfs disagrees%s",
			hotplug_action_str(ev->action), ev->name,
			ev->synth ? " (synthetic)" : "");
		return;
	}
	STAT_INC(accepted);
	HOTPLUG_LOG(DEBUG, "%s %s %s seq %" PRIu64,
		hotplug_action_str(ev->action),
		hotplug_subsystem_str(ev->subsystem), ev->name, ev->seqnum);
	/* An ADD under a new ifindex means the old one's REMOVE was lost. */
	if (hotplug_resync_replaced(ev) > 0)
		__atomic_fetch_add(&stats.resync_events, 1, __ATOMIC_RELAXED);
	hotplug_callback_process(ev);
}

void
hotplug_monitor_handle(const char *buf, size_t len, uint64_t rx_ns)
{
	struct hotplug_event ev;
	const char *reason;
	int ret;

	ret = hotplug_uevent_parse(buf, len, &ev, &reason);
	/*
	 * Every kernel uevent takes a SEQNUM, including those we go on to
	 * ignore (a net device's queue kobjects): follow all of them, or
	 * each ignored one would look like lost events.
	 */
	if (ev.seqnum != 0 && seqnum_check(ev.seqnum))
		mon.resync_pending = true;
	if (ret == -ENOTSUP) {
		STAT_INC(ignored_subsystem);
	} else if (ret < 0) {
		STAT_INC(dropped_malformed);
		HOTPLUG_LOG(WARNING, "malformed uevent dropped: %s", reason);
	} else {
		monitor_dispatch(&ev, rx_ns);
	}
}

/*
 * The kernel reports an overrun once, then drops silently until the
 * queue has been drained; so resync only once it is empty, or a drop
 * between our rescan and the end of the queue would go unnoticed.
 */
static void
monitor_enobufs(void)
{
	STAT_INC(enobufs);
	HOTPLUG_LOG(WARNING, "uevent socket overrun, events lost: resync");
	/* Later SEQNUMs jump anyway; do not count that as another gap. */
	mon.last_seqnum = 0;
	mon.resync_pending = true;
}

static void
monitor_drained(void)
{
	if (!mon.resync_pending)
		return;
	mon.resync_pending = false;
	hotplug_resync();
}

/* 1: one datagram handled, 0: socket drained, < 0: fatal. */
static int
monitor_read_one(int fd)
{
	char buf[HOTPLUG_UEVENT_MAX];
	char ctrl[CMSG_SPACE(sizeof(struct ucred))];
	struct sockaddr_nl sa;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = {
		.msg_name = &sa,
		.msg_namelen = sizeof(sa),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctrl,
		.msg_controllen = sizeof(ctrl),
	};
	uint64_t rx_ns;
	ssize_t n;

	n = recvmsg(fd, &msg, MSG_DONTWAIT);
	rx_ns = hotplug_now_ns();
	if (n < 0) {
		if (errno == EINTR)
			return 1;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			monitor_drained();
			return 0;
		}
		if (errno == ENOBUFS) {
			monitor_enobufs();
			return 1;
		}
		HOTPLUG_LOG(ERR, "recvmsg: %s", strerror(errno));
		return -errno;
	}
	STAT_INC(received);
	if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		STAT_INC(dropped_truncated);
		HOTPLUG_LOG(WARNING, "truncated datagram dropped (%zd bytes)", n);
		return 1;
	}
	if (!hotplug_monitor_sender_is_kernel(&msg, &sa)) {
		STAT_INC(dropped_sender);
		HOTPLUG_LOG(WARNING, "uevent not from the kernel dropped "
			"(port id %u)", sa.nl_pid);
		return 1;
	}
	hotplug_monitor_handle(buf, (size_t)n, rx_ns);
	return 1;
}

static void
monitor_read_links(void)
{
	unsigned int events = 0, dropped = 0, stale = 0;
	int ret = hotplug_link_drain(mon.link_nl, &events, &dropped, &stale);

	__atomic_fetch_add(&stats.link_events, events, __ATOMIC_RELAXED);
	__atomic_fetch_add(&stats.link_dropped, dropped, __ATOMIC_RELAXED);
	__atomic_fetch_add(&stats.link_stale, stale, __ATOMIC_RELAXED);
	if (ret < 0) {
		/*
		 * Uevents still work: stop listening to links, loudly, and
		 * close the socket so that watch_links() can open a new one.
		 * The lock is free to take: a stop joins without it.
		 */
		HOTPLUG_LOG(ERR, "rtnetlink link socket: %s; link events off",
			strerror(-ret));
		pthread_mutex_lock(&mon.lock);
		epoll_ctl(mon.epfd, EPOLL_CTL_DEL, mon.link_fd, NULL);
		__atomic_store_n(&mon.link_fd, -1, __ATOMIC_RELEASE);
		mnl_socket_close(mon.link_nl);
		mon.link_nl = NULL;
		pthread_mutex_unlock(&mon.lock);
	}
}

static void monitor_close(void);

static void *
monitor_thread(void *arg)
{
	int fd = mnl_socket_get_fd(mon.nl);
	bool stop = false;

	(void)arg;
	while (!stop) {
		struct epoll_event evs[3];	/* uevents, links, stop */
		bool links = false, uevents = false;
		int n, i;

		n = epoll_wait(mon.epfd, evs, RTE_DIM(evs), MONITOR_TICK_MS);
		if (n < 0 && errno != EINTR) {
			HOTPLUG_LOG(ERR, "epoll_wait: %s", strerror(errno));
			break;
		}
		/*
		 * Links before uevents, whatever order epoll lists them in:
		 * a deleted interface goes down before its REMOVE is sent, and
		 * a loaded machine can wake us once for both.  The other order
		 * releases the slot first and loses the link-down's timing.
		 */
		for (i = 0; i < n; i++) {
			if (evs[i].data.fd == mon.stopfd)
				stop = true;
			else if (evs[i].data.fd == __atomic_load_n(&mon.link_fd,
					__ATOMIC_ACQUIRE))
				links = true;
			else
				uevents = true;
		}
		/* A callback may stop the monitor: dispatch nothing after. */
		if (links)
			monitor_read_links();
		if (uevents)
			while (__atomic_load_n(&mon.running, __ATOMIC_ACQUIRE) &&
			       monitor_read_one(fd) > 0)
				;
		if (__atomic_load_n(&mon.running, __ATOMIC_ACQUIRE))
			hotplug_sigbus_report();
	}
	/* Stopped from one of its callbacks: nobody joins, we clean up. */
	pthread_mutex_lock(&mon.lock);
	if (mon.self_stop) {
		mon.self_stop = false;
		monitor_close();
		mon.stopping = false;
		pthread_cond_broadcast(&mon.stopped);
	}
	pthread_mutex_unlock(&mon.lock);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Start / stop */

static void
socket_size_rcvbuf(int fd)
{
	int size = mon.rcvbuf_test > 0 ? mon.rcvbuf_test : MONITOR_RCVBUF;
	socklen_t len = sizeof(mon.rcvbuf);

	if (mon.rcvbuf_test > 0 ||
			setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
				sizeof(size)) < 0) {
		/* No CAP_NET_ADMIN: take what rmem_max allows. */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size,
				sizeof(size)) < 0)
			HOTPLUG_LOG(WARNING, "SO_RCVBUF: %s", strerror(errno));
	}
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &mon.rcvbuf, &len) < 0)
		mon.rcvbuf = -errno;
}

static int
socket_open(void)
{
	int on = 1;
	int fd;

	mon.nl = mnl_socket_open2(NETLINK_KOBJECT_UEVENT,
			SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (mon.nl == NULL) {
		HOTPLUG_LOG(ERR, "uevent socket: %s", strerror(errno));
		return -errno;
	}
	fd = mnl_socket_get_fd(mon.nl);
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0) {
		HOTPLUG_LOG(ERR, "SO_PASSCRED: %s", strerror(errno));
		return -errno;
	}
	socket_size_rcvbuf(fd);
	if (mnl_socket_bind(mon.nl, UEVENT_GROUP_KERNEL,
			MNL_SOCKET_AUTOPID) < 0) {
		HOTPLUG_LOG(ERR, "bind uevent group: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static int
epoll_add(int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	if (epoll_ctl(mon.epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	return 0;
}

static void
monitor_close(void)
{
	if (mon.nl != NULL)
		mnl_socket_close(mon.nl);
	mon.nl = NULL;
	if (mon.link_nl != NULL)
		mnl_socket_close(mon.link_nl);
	mon.link_nl = NULL;
	mon.link_fd = -1;
	if (mon.epfd >= 0)
		close(mon.epfd);
	mon.epfd = -1;
	if (mon.stopfd >= 0)
		close(mon.stopfd);
	mon.stopfd = -1;
}

/* A control thread needs the EAL's control cpuset, so an initialised EAL. */
static int
thread_create(void)
{
	int ret;

	if (rte_lcore_count() > 0)
		return hotplug_ctrl_thread_create(&mon.thread, "hotplug-mon",
				monitor_thread, NULL);
	ret = pthread_create(&mon.thread, NULL, monitor_thread, NULL);
	if (ret != 0)
		return -ret;
	pthread_setname_np(mon.thread, "hotplug-mon");
	return 0;
}

static int
monitor_open(void)
{
	int ret;

	ret = socket_open();
	if (ret == 0) {
		mon.epfd = epoll_create1(EPOLL_CLOEXEC);
		mon.stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (mon.epfd < 0 || mon.stopfd < 0)
			ret = -errno;
	}
	if (ret == 0)
		ret = epoll_add(mnl_socket_get_fd(mon.nl));
	if (ret == 0)
		ret = epoll_add(mon.stopfd);
	if (ret == 0) {
		mon.last_seqnum = 0;
		mon.resync_pending = false;
		ret = thread_create();
		if (ret < 0)
			HOTPLUG_LOG(ERR, "monitor thread: %s", strerror(-ret));
	}
	if (ret < 0)
		monitor_close();
	return ret;
}

/* The monitor thread itself, while it is being stopped and joined. */
static bool
monitor_stopping_self(void)
{
	return mon.stopping && pthread_equal(pthread_self(), mon.thread);
}

int
hotplug_monitor_start(void)
{
	int ret = 0;

	pthread_mutex_lock(&mon.lock);
	if (monitor_stopping_self())
		ret = -EBUSY;	/* stop() is joining us: we cannot wait */
	while (ret == 0 && mon.stopping)
		pthread_cond_wait(&mon.stopped, &mon.lock);
	if (ret == 0 && mon.refcnt == 0) {
		ret = monitor_open();
		__atomic_store_n(&mon.running, ret == 0, __ATOMIC_RELEASE);
		if (ret == 0)
			HOTPLUG_LOG(DEBUG, "monitor started, rcvbuf %d",
				mon.rcvbuf);
	}
	if (ret == 0)
		mon.refcnt++;
	pthread_mutex_unlock(&mon.lock);
	return ret;
}

int
hotplug_monitor_watch_links(void)
{
	int ret = 0;

	pthread_mutex_lock(&mon.lock);
	if (mon.refcnt == 0 || mon.stopping) {
		ret = -ENOTCONN;
	} else if (mon.link_nl == NULL) {
		mon.link_nl = hotplug_link_open();
		if (mon.link_nl == NULL) {
			ret = -errno;
		} else {
			int fd = mnl_socket_get_fd(mon.link_nl);

			__atomic_store_n(&mon.link_fd, fd, __ATOMIC_RELEASE);
			ret = epoll_add(fd);
		}
		if (ret < 0) {
			HOTPLUG_LOG(WARNING, "no link events: %s", strerror(-ret));
			if (mon.link_nl != NULL)
				mnl_socket_close(mon.link_nl);
			mon.link_nl = NULL;
			__atomic_store_n(&mon.link_fd, -1, __ATOMIC_RELEASE);
		}
	}
	pthread_mutex_unlock(&mon.lock);
	return ret;
}

/*
 * Join without the lock: a callback still running in the thread may call
 * anything that takes it (rcvbuf_get, start), and would never return.
 */
static void
monitor_join(void)
{
	uint64_t one = 1;

	mon.stopping = true;
	__atomic_store_n(&mon.running, false, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&mon.lock);
	if (write(mon.stopfd, &one, sizeof(one)) < 0)
		HOTPLUG_LOG(ERR, "wake monitor: %s", strerror(errno));
	pthread_join(mon.thread, NULL);
	pthread_mutex_lock(&mon.lock);
	monitor_close();
	mon.stopping = false;
	pthread_cond_broadcast(&mon.stopped);
}

/*
 * The last stop() from a callback, in the monitor thread: it cannot join
 * itself, so it detaches and tells the loop to end; the thread closes
 * the descriptors on its way out (monitor_thread) and start() waits for
 * that like for a join.
 */
static void
monitor_end_self(void)
{
	uint64_t one = 1;

	mon.stopping = true;
	mon.self_stop = true;
	__atomic_store_n(&mon.running, false, __ATOMIC_RELEASE);
	pthread_detach(mon.thread);
	if (write(mon.stopfd, &one, sizeof(one)) < 0)
		HOTPLUG_LOG(ERR, "wake monitor: %s", strerror(errno));
}

int
hotplug_monitor_stop(void)
{
	int ret = 0;

	pthread_mutex_lock(&mon.lock);
	if (mon.refcnt == 0 || mon.stopping)
		ret = -EALREADY;
	else if (--mon.refcnt > 0)
		;	/* other users keep it running */
	else if (pthread_equal(pthread_self(), mon.thread))
		monitor_end_self();
	else
		monitor_join();
	pthread_mutex_unlock(&mon.lock);
	return ret;
}
