/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Link watch: rtnetlink's link group, read by the monitor thread next to
 * the uevent socket.  Deleting an interface first closes it and announces
 * that (RTM_NEWLINK without IFF_UP), then waits for RCU grace periods, and
 * only then sends the REMOVE uevent.  Frames sent in between are dropped
 * by the closed device: on veth at 20 kpps that was 10-13 frames a yank,
 * all of them sent after the delete began.  Reacting to the link going
 * down moves traffic away before the uevent arrives.
 */

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "hotplug_private.h"

/* A link message with every attribute (stats, VF lists) can be large. */
#define LINK_BUF_SIZE (64 * 1024)
#define LINK_RCVBUF (4 * 1024 * 1024)

/*
 * IFLA_IFNAME, checked; -1 when an attribute is malformed or runs past
 * the message (mnl_attr_parse() stops there without saying so).
 */
static int
link_attrs(const struct nlmsghdr *nlh, const struct nlattr **ifname)
{
	const struct nlattr *attr;
	const char *tail = mnl_nlmsg_get_payload_tail(nlh);

	*ifname = NULL;
	mnl_attr_for_each(attr, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(attr) != IFLA_IFNAME)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return -1;
		*ifname = attr;
	}
	return tail - (const char *)attr >= (ptrdiff_t)sizeof(struct nlattr) ?
		-1 : 0;
}

int
hotplug_link_parse(const struct nlmsghdr *nlh, size_t len,
		struct hotplug_event *ev, const char **reason)
{
	const struct nlattr *ifname = NULL;
	const struct ifinfomsg *ifi;
	const char *name;
	const char *why = NULL;

	memset(ev, 0, sizeof(*ev));
	if (len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
			nlh->nlmsg_len > len)
		why = "netlink header truncated";
	else if (nlh->nlmsg_type != RTM_NEWLINK &&
			nlh->nlmsg_type != RTM_DELLINK)
		return -ENOTSUP;
	else if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		why = "ifinfomsg truncated";
	else if (((const struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_family !=
			AF_UNSPEC)
		return -ENOTSUP;	/* a bridge port's view, not the link's */
	else if (link_attrs(nlh, &ifname) < 0)
		why = "malformed attribute";
	else if (ifname == NULL)
		why = "no IFLA_IFNAME";
	if (why == NULL) {
		name = mnl_attr_get_str(ifname);
		if (name[0] == '\0' || strlen(name) >= sizeof(ev->ifname))
			why = "bad interface name";
	}
	if (why != NULL) {
		if (reason != NULL)
			*reason = why;
		return -EINVAL;
	}
	ifi = mnl_nlmsg_get_payload(nlh);
	ev->subsystem = HOTPLUG_SUBSYS_NET;
	ev->ifindex = ifi->ifi_index;
	snprintf(ev->ifname, sizeof(ev->ifname), "%s", name);
	snprintf(ev->name, sizeof(ev->name), "%s", name);
	ev->action = nlh->nlmsg_type == RTM_NEWLINK &&
		(ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING) ?
		HOTPLUG_ACTION_LINK_UP : HOTPLUG_ACTION_LINK_DOWN;
	return 0;
}

struct mnl_socket *
hotplug_link_open(void)
{
	struct mnl_socket *nl;
	int size = LINK_RCVBUF;
	int fd;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (nl == NULL)
		return NULL;
	fd = mnl_socket_get_fd(nl);
	if (mnl_socket_bind(nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;

		mnl_socket_close(nl);
		errno = err;
		return NULL;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return nl;
}

/* The messages of one datagram; counts what it dispatched and dropped. */
static void
link_datagram(const char *buf, size_t n, uint64_t rx_ns,
		unsigned int *events, unsigned int *dropped,
		unsigned int *stale)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int left = (int)n;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		struct hotplug_event ev;
		const char *reason = "";
		int ret = hotplug_link_parse(nlh, (size_t)left, &ev, &reason);

		if (ret == -ENOTSUP)
			continue;
		if (ret < 0) {
			(*dropped)++;
			HOTPLUG_LOG(WARNING, "rtnetlink link message dropped: %s",
				reason);
			continue;
		}
		HOTPLUG_LOG(DEBUG, "%s %s (ifindex %d, flags 0x%x)",
			nlh->nlmsg_type == RTM_DELLINK ? "dellink" : "newlink",
			ev.ifname, ev.ifindex,
			((const struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_flags);
		if (!hotplug_monitor_link_confirmed(&ev)) {
			(*stale)++;
			continue;
		}
		ev.rx_ns = rx_ns;
		(*events)++;
		hotplug_callback_process(&ev);
	}
}

int
hotplug_link_drain(struct mnl_socket *nl, unsigned int *events,
		unsigned int *dropped, unsigned int *stale)
{
	static char buf[LINK_BUF_SIZE];	/* monitor thread only */
	struct sockaddr_nl sa;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg;
	uint64_t rx_ns;
	ssize_t n;

	for (;;) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &sa;
		msg.msg_namelen = sizeof(sa);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		n = recvmsg(mnl_socket_get_fd(nl), &msg, MSG_DONTWAIT);
		rx_ns = hotplug_now_ns();
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == ENOBUFS) {
				/* Lost link messages: the REMOVE uevents and the
				 * PMD's link watch still tell the same story.
				 */
				HOTPLUG_LOG(INFO, "rtnetlink link socket overrun");
				continue;
			}
			return -errno;
		}
		/*
		 * Port id 0 is the kernel's alone.  No uid test, unlike
		 * uevents: in a user namespace that does not map host root,
		 * rtnetlink's zeroed credentials read as the overflow uid.
		 */
		if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
				msg.msg_namelen != sizeof(sa) || sa.nl_pid != 0) {
			(*dropped)++;
			HOTPLUG_LOG(WARNING, "rtnetlink link message dropped: %s",
				(msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ?
				"truncated" : "not from the kernel");
			continue;
		}
		link_datagram(buf, (size_t)n, rx_ns, events, dropped, stale);
	}
}

/* --- keeping an administrator's up across our bring-up ------------------ */

static unsigned int
netdev_ifindex(int fd, const char *ifname)
{
	struct ifreq ifr;

	if (fd < 0 || hotplug_netdev_ifreq(fd, SIOCGIFINDEX, ifname, &ifr) < 0)
		return 0;
	return (unsigned int)ifr.ifr_ifindex;
}

/* 1 IFF_UP, 0 down, -errno; ifindex checked, as the name may move. */
static int
up_watch_flags(const char *ifname, int ifindex)
{
	int fd = hotplug_netdev_fd();
	struct ifreq ifr;
	int ret;

	if (fd < 0)
		return fd;
	ret = hotplug_netdev_ifreq(fd, SIOCGIFFLAGS, ifname, &ifr);
	if (ret < 0)
		return ret;
	if (ifindex != 0 && (int)netdev_ifindex(fd, ifname) != ifindex)
		return -ENODEV;
	return (ifr.ifr_flags & IFF_UP) != 0;
}

int
hotplug_up_watch_begin(struct hotplug_up_watch *w, const char *ifname)
{
	int ret;

	w->nl = NULL;
	w->ifindex = 0;
	/* Cheap answers first: absent, or up already. */
	ret = up_watch_flags(ifname, 0);
	if (ret != 0)
		return ret;
	w->ifindex = (int)netdev_ifindex(hotplug_netdev_fd(), ifname);
	if (w->ifindex == 0)
		return -ENODEV;
	w->nl = hotplug_link_open();
	if (w->nl == NULL)
		return -errno;
	/* Subscribed: read again, so that no later change goes unseen. */
	ret = up_watch_flags(ifname, w->ifindex);
	if (ret != 0) {
		mnl_socket_close(w->nl);
		w->nl = NULL;
	}
	return ret;
}

/* The watched link's part of one datagram: up or down, or deleted. */
static void
up_watch_datagram(const struct hotplug_up_watch *w, const char *buf,
		size_t n, bool *seen_up, bool *up, bool *gone)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int left = (int)n;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

		if ((nlh->nlmsg_type != RTM_NEWLINK &&
		     nlh->nlmsg_type != RTM_DELLINK) ||
		    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi) ||
		    ifi->ifi_family != AF_UNSPEC || ifi->ifi_index != w->ifindex)
			continue;
		if (nlh->nlmsg_type == RTM_DELLINK) {
			*gone = true;
			continue;
		}
		*up = (ifi->ifi_flags & IFF_UP) != 0;
		*seen_up |= *up;
	}
}

/* Every message so far, in order: did the link go up, and is it up now. */
static int
up_watch_read(const struct hotplug_up_watch *w, bool *seen_up, bool *up,
		bool *gone)
{
	struct sockaddr_nl sa;
	socklen_t sa_len;
	char *buf;
	ssize_t n;
	int ret = 0;

	buf = malloc(LINK_BUF_SIZE);
	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		sa_len = sizeof(sa);
		n = recvfrom(mnl_socket_get_fd(w->nl), buf, LINK_BUF_SIZE,
			     MSG_DONTWAIT, (struct sockaddr *)&sa, &sa_len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				ret = -errno;	/* ENOBUFS: some were lost */
			break;
		}
		if (sa_len == sizeof(sa) && sa.nl_pid == 0)
			up_watch_datagram(w, buf, (size_t)n, seen_up, up, gone);
	}
	free(buf);
	return ret;
}

/* `ip link set <ifindex> up`: IFF_UP alone, combined under RTNL. */
static int
up_watch_set_up(int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	unsigned int seq = 1;
	ssize_t n;
	int ret;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl == NULL)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = IFF_UP;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	/* The kernel answers before sendto() returns. */
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	ret = mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl),
			 NULL, NULL) < 0 ? -errno : 0;
out:
	mnl_socket_close(nl);
	return ret;
}

int
hotplug_up_watch_end(struct hotplug_up_watch *w)
{
	bool seen_up = false, up = false, gone = false;
	int ret;

	if (w->nl == NULL)
		return 0;
	ret = up_watch_read(w, &seen_up, &up, &gone);
	mnl_socket_close(w->nl);
	w->nl = NULL;
	if (ret < 0 || gone || !seen_up || up)
		return ret;
	ret = up_watch_set_up(w->ifindex);
	return ret < 0 ? ret : 1;
}
