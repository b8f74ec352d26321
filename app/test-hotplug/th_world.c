/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 *
 * The bench's network: a private netns (ip netns, so it has a name the
 * supervisor can delete whatever happens to the worker) and, inside it,
 * links made and deleted over rtnetlink with libmnl: deleting a veth there
 * is a real kernel REMOVE uevent in that netns, re-creating it a real ADD.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "th_world.h"

int
th_run_wait(char *const argv[], int quiet)
{
	pid_t pid;
	int st;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (quiet) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int
th_netns_add(const char *name)
{
	char *add[] = { "ip", "netns", "add", (char *)name, NULL };
	int ret = th_run_wait(add, 0);

	if (ret != 0) {
		fprintf(stderr, "test-hotplug: ip netns add %s failed (%d)\n",
			name, ret);
		return -EIO;
	}
	return 0;
}

void
th_netns_del(const char *name)
{
	char *del[] = { "ip", "netns", "del", (char *)name, NULL };

	if (th_run_wait(del, 1) != 0)
		fprintf(stderr, "test-hotplug: ip netns del %s failed\n", name);
}

void
th_mac_str(const uint8_t mac[6], char *buf, size_t sz)
{
	snprintf(buf, sz, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* Sends one request and waits for its ack; returns 0 or -errno. */
static int
th_nl_talk(struct th_world *w, struct nlmsghdr *nlh, const char *what)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int portid = mnl_socket_get_portid(w->nl);
	ssize_t n;
	int ret;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++w->seq;
	if (mnl_socket_sendto(w->nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		fprintf(stderr, "test-hotplug: %s: sendto: %s\n", what,
			strerror(errno));
		return ret;
	}
	for (;;) {
		n = mnl_socket_recvfrom(w->nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		ret = mnl_cb_run(buf, n, w->seq, portid, NULL, NULL);
		if (ret <= MNL_CB_STOP) {
			ret = ret < 0 ? -errno : 0;
			break;
		}
	}
	if (ret < 0)
		fprintf(stderr, "test-hotplug: %s: %s\n", what, strerror(-ret));
	return ret;
}

static struct nlmsghdr *
th_link_msg(char *buf, uint16_t type, uint16_t flags, unsigned int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return nlh;
}

static int
th_veth_add(struct th_world *w, const char *name, const char *peer,
	    const uint8_t *mac, const uint8_t *peer_mac)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlmsghdr *nlh;
	struct nlattr *linkinfo, *data, *peer_nest;
	struct ifinfomsg *pifm;

	nlh = th_link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mac != NULL)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer_nest = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_mac != NULL)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, peer_mac);
	mnl_attr_nest_end(nlh, peer_nest);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	snprintf(what, sizeof(what), "create veth %s/%s", name, peer);
	return th_nl_talk(w, nlh, what);
}

static int
th_bridge_add(struct th_world *w, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *linkinfo;

	nlh = th_link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, linkinfo);
	return th_nl_talk(w, nlh, "create bridge");
}

/* Puts the link up, and into master when master is not NULL. */
static int
th_link_up(struct th_world *w, const char *name, const char *master)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	unsigned int idx = if_nametoindex(name);
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	if (idx == 0) {
		fprintf(stderr, "test-hotplug: no interface %s\n", name);
		return -ENODEV;
	}
	nlh = th_link_msg(buf, RTM_NEWLINK, 0, idx);
	ifm = mnl_nlmsg_get_payload(nlh);
	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = IFF_UP;
	if (master != NULL) {
		unsigned int midx = if_nametoindex(master);

		if (midx == 0)
			return -ENODEV;
		mnl_attr_put_u32(nlh, IFLA_MASTER, midx);
	}
	snprintf(what, sizeof(what), "set %s up", name);
	return th_nl_talk(w, nlh, what);
}

static int
th_link_del(struct th_world *w, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlmsghdr *nlh;

	nlh = th_link_msg(buf, RTM_DELLINK, 0, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	snprintf(what, sizeof(what), "delete %s", name);
	return th_nl_talk(w, nlh, what);
}

/* bridge fdb add <mac> dev <port> master static: no flooding to the subs. */
static int
th_fdb_static(struct th_world *w, const uint8_t mac[6], const char *port)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;

	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = if_nametoindex(port);
	ndm->ndm_state = NUD_NOARP;
	ndm->ndm_flags = NTF_MASTER;
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	return th_nl_talk(w, nlh, "static fdb entry");
}

static int
th_sysctl(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

int
th_world_enter(struct th_world *w, const char *netns, unsigned int nb_subs)
{
	char path[128];
	unsigned int i;
	int fd;

	memset(w, 0, sizeof(*w));
	snprintf(w->netns, sizeof(w->netns), "%s", netns);
	w->nb_subs = nb_subs;
	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "test-hotplug: cannot enter netns %s: %s\n",
			netns, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	close(fd);
	/*
	 * As ip netns exec does: a mount namespace of our own with sysfs
	 * mounted again, so /sys/class/net shows this netns's interfaces (the
	 * PMD checks uevents against sysfs).
	 */
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0 ||
	    umount2("/sys", MNT_DETACH) < 0 ||
	    mount(w->netns, "/sys", "sysfs", 0, NULL) < 0) {
		fprintf(stderr, "test-hotplug: cannot remount /sys for netns %s: %s\n",
			netns, strerror(errno));
		return -errno;
	}
	w->nl = mnl_socket_open(NETLINK_ROUTE);
	if (w->nl == NULL || mnl_socket_bind(w->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "test-hotplug: rtnetlink socket: %s\n",
			strerror(errno));
		return -errno;
	}
	for (i = 0; i < nb_subs; i++) {
		snprintf(w->sub_if[i], sizeof(w->sub_if[i]), "v%c0", 'A' + i);
		memcpy(w->sub_mac[i], (uint8_t[6]){ 0x02, 0xfe, 0, 0, 0x0a + i, 0 }, 6);
	}
	memcpy(w->rx_mac, (uint8_t[6]){ 0x02, 0xfe, 0, 0, 0xff, 0 }, 6);
	return 0;
}

static void
th_peer_name(const char *x0, char *peer, size_t sz)
{
	size_t n = strlen(x0);

	snprintf(peer, sz, "%.*s1", (int)(n - 1), x0);
}

static int
th_pair_up(struct th_world *w, const char *x0, const uint8_t mac[6])
{
	char peer[16];
	uint8_t pmac[6];
	int ret;

	th_peer_name(x0, peer, sizeof(peer));
	memcpy(pmac, mac, 6);
	pmac[5] = 1;
	ret = th_veth_add(w, x0, peer, mac, pmac);
	if (ret == 0)
		ret = th_link_up(w, peer, "br0");
	if (ret == 0)
		ret = th_link_up(w, x0, NULL);
	return ret;
}

int
th_world_build(struct th_world *w)
{
	uint8_t rpeer[6];
	unsigned int i;
	int ret;

	/* No IPv6 chatter (router solicitations, DAD) on the bench's wires. */
	th_sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	th_sysctl("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	ret = th_link_up(w, "lo", NULL);
	if (ret == 0)
		ret = th_bridge_add(w, "br0");
	if (ret == 0)
		ret = th_link_up(w, "br0", NULL);
	memcpy(rpeer, w->rx_mac, 6);
	rpeer[5] = 1;
	if (ret == 0)
		ret = th_veth_add(w, "vR0", "vR1", w->rx_mac, rpeer);
	if (ret == 0)
		ret = th_link_up(w, "vR1", "br0");
	if (ret == 0)
		ret = th_link_up(w, "vR0", NULL);
	if (ret == 0)
		ret = th_fdb_static(w, w->rx_mac, "vR1");
	for (i = 0; ret == 0 && i < w->nb_subs; i++)
		ret = th_pair_up(w, w->sub_if[i], w->sub_mac[i]);
	return ret;
}

int
th_world_yank(struct th_world *w, unsigned int i)
{
	return th_link_del(w, w->sub_if[i]);
}

int
th_world_restore(struct th_world *w, unsigned int i, int rename)
{
	if (rename) {
		/* A name the port has never seen: only the MAC can match it. */
		w->replacements++;
		snprintf(w->sub_if[i], sizeof(w->sub_if[i]), "vM%u%c0",
			 w->replacements, 'A' + i);
	}
	return th_pair_up(w, w->sub_if[i], w->sub_mac[i]);
}

int
th_world_wire_rx(const struct th_world *w, unsigned int i, uint64_t *rx)
{
	char peer[16], path[96], buf[32];
	ssize_t n;
	int fd;

	th_peer_name(w->sub_if[i], peer, sizeof(peer));
	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/rx_packets",
		 peer);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n <= 0)
		return n < 0 ? (int)n : -EIO;
	buf[n] = '\0';
	*rx = strtoull(buf, NULL, 10);
	return 0;
}

void
th_world_close(struct th_world *w)
{
	if (w->nl != NULL)
		mnl_socket_close(w->nl);
	w->nl = NULL;
}
