/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

#ifndef HOTPLUG_PRIVATE_H
#define HOTPLUG_PRIVATE_H

#include <stdio.h>

#include <rte_log.h>

#include "hotplug.h"

extern int hotplug_logtype;

#define HOTPLUG_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, hotplug_logtype, "hotplug: %s(): " fmt "\n", \
		__func__, ##__VA_ARGS__)

/* Registry and identity helpers shared inside the library. */

/**
 * One attribute's first line, newline stripped; -ENOENT when it is not
 * there, -EIO when it cannot be read.
 */
int hotplug_sysfs_read(const char *path, char *buf, size_t size);
/** Writes val to an attribute, logging why it could not; -errno. */
int hotplug_sysfs_write(const char *path, const char *val);
/** Path under the sysfs root; -ENAMETOOLONG if it does not fit. */
int hotplug_sysfs_path(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Apply an event's effect on the registry (monitor and process path). */
void hotplug_registry_apply(const struct hotplug_event *ev);

/** Is the registry's view of name PRESENT? */
int hotplug_registry_present(const char *name);

/**
 * The ifindex the registry last saw for name (from an ADD, or sysfs when
 * tracked): 0 when none (PCI devices), -ENOENT when unknown.
 */
int hotplug_registry_ifindex(const char *name);

/** Copy up to max tracked names into names[]; returns the count. */
unsigned int hotplug_registry_tracked(char names[][HOTPLUG_NAME_MAX],
		unsigned int max);

/** hotplug_remap_region() without logging: safe in a signal handler. */
int hotplug_remap_raw(void *addr, size_t len);

/** Log repaired faults counted by the handler since the last call. */
void hotplug_sigbus_report(void);

/** Test hook: receive buffer size for the next start; 0 = default. */
void hotplug_monitor_rcvbuf_set(int bytes);

/** Effective receive buffer size of the running monitor, or -ENOTCONN. */
int hotplug_monitor_rcvbuf_get(void);

/** Count one resync (rescan) and the events it synthesized. */
void hotplug_monitor_stat_resync(unsigned int events);

/**
 * Before a confirmed ADD is dispatched: if the registry holds the name,
 * present, under another ifindex, the REMOVE of that earlier interface
 * was lost; dispatch it (resync flag set).  @return events dispatched.
 */
int hotplug_resync_replaced(const struct hotplug_event *add);

struct msghdr;
struct sockaddr_nl;
struct nlmsghdr;
struct mnl_socket;

struct ifreq;

/**
 * One interface ioctl (SIOCGIFINDEX, SIOCGIFFLAGS) on socket fd, with
 * ifr filled for ifname.  @return 0; -EINVAL for a name that does not
 * fit; -errno of the ioctl (-ENODEV: no such interface).
 */
/** The kept AF_UNIX socket for interface ioctls, or -errno. */
int hotplug_netdev_fd(void);
int hotplug_netdev_ifreq(int fd, unsigned long req, const char *ifname,
		struct ifreq *ifr);

/** CLOCK_MONOTONIC in ns, the clock of hotplug_event.rx_ns. */
uint64_t hotplug_now_ns(void);

/*
 * hotplug_link.c: rtnetlink link messages -> LINK_DOWN / LINK_UP events.
 * Parse one message of len bytes at most: 0 and *ev filled; -ENOTSUP for
 * a message that is not about a link; -EINVAL (with *reason) when
 * malformed.
 */
int hotplug_link_parse(const struct nlmsghdr *nlh, size_t len,
		struct hotplug_event *ev, const char **reason);
/** A socket bound to the link group, or NULL with errno set. */
struct mnl_socket *hotplug_link_open(void);
/**
 * Reads until empty, dispatching what hotplug_monitor_link_confirmed()
 * confirms; 0, or -errno on a fatal error.
 */
int hotplug_link_drain(struct mnl_socket *nl, unsigned int *events,
		unsigned int *dropped, unsigned int *stale);
/** Does the link's state now agree with the event? */
bool hotplug_monitor_link_confirmed(const struct hotplug_event *ev);

/** Did the kernel send this (port id 0, SCM_CREDENTIALS with uid 0)? */
bool hotplug_monitor_sender_is_kernel(const struct msghdr *msg,
		const struct sockaddr_nl *sa);

/**
 * What the monitor thread does with a datagram the kernel sent: parse,
 * follow SEQNUM, confirm, dispatch.  Tests call it while the monitor is
 * stopped (the SEQNUM state belongs to the monitor thread).
 */
void hotplug_monitor_handle(const char *buf, size_t len, uint64_t rx_ns);

#endif /* HOTPLUG_PRIVATE_H */
