/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

#ifndef HOTPLUG_H
#define HOTPLUG_H

/**
 * @file
 * Kernel device-event layer: uevent monitor, parser, device registry,
 * callbacks, sysfs identity, BAR remap with a SIGBUS safety net, and
 * driver binding.
 *
 * Every function returning int reports failure as a negative errno value;
 * the errno contract of each is documented below.  Nothing here needs
 * rte_eal_init(), except that the monitor thread is made with
 * an EAL control thread when the EAL is initialised.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HOTPLUG_EXPORT __attribute__((visibility("default")))

struct rte_pci_device;
struct rte_ether_addr;
struct mnl_socket;

/** Longest accepted DEVPATH, including the terminating NUL. */
#define HOTPLUG_DEVPATH_MAX 512
/** Longest device name: interface name, PCI address or devpath basename. */
#define HOTPLUG_NAME_MAX 64
/** Longest driver name, including the terminating NUL. */
#define HOTPLUG_DRIVER_MAX 64
/** Room for a PCI address "DDDD:BB:DD.F" and its NUL. */
#define HOTPLUG_PCI_ADDR_MAX 16
/** Room for an interface name (IFNAMSIZ). */
#define HOTPLUG_IFNAME_MAX 16
/** Largest datagram the parser accepts. */
#define HOTPLUG_UEVENT_MAX 8192

enum hotplug_action {
	HOTPLUG_ACTION_ADD,
	HOTPLUG_ACTION_REMOVE,
	HOTPLUG_ACTION_CHANGE,
	HOTPLUG_ACTION_MOVE,
	HOTPLUG_ACTION_ONLINE,
	HOTPLUG_ACTION_OFFLINE,
	HOTPLUG_ACTION_BIND,
	HOTPLUG_ACTION_UNBIND,
	/** rtnetlink, not uevents: an interface went down (or is being
	 * deleted: the kernel closes it long before the REMOVE uevent).
	 * Only after hotplug_monitor_watch_links().
	 */
	HOTPLUG_ACTION_LINK_DOWN,
	/** rtnetlink: an interface is up and running. */
	HOTPLUG_ACTION_LINK_UP,
};

enum hotplug_subsystem {
	HOTPLUG_SUBSYS_PCI,
	HOTPLUG_SUBSYS_NET,
	HOTPLUG_SUBSYS_UIO,
	HOTPLUG_SUBSYS_VFIO,
};

/** One device event, self-contained (no pointer into the datagram). */
struct hotplug_event {
	enum hotplug_action action;
	enum hotplug_subsystem subsystem;
	uint64_t seqnum;           /**< SEQNUM; 0 for resync events */
	uint64_t rx_ns;            /**< CLOCK_MONOTONIC right after recvmsg */
	/** Name callbacks are matched on: interface (net), PCI address
	 * (pci), devpath basename (uio, vfio).
	 */
	char name[HOTPLUG_NAME_MAX];
	/** MOVE (rename): the name before, last component of DEVPATH_OLD;
	 * "" otherwise or when the kernel did not say.
	 */
	char old_name[HOTPLUG_NAME_MAX];
	char devpath[HOTPLUG_DEVPATH_MAX];
	char ifname[HOTPLUG_IFNAME_MAX];  /**< INTERFACE, or "" */
	int ifindex;                      /**< IFINDEX, or 0 */
	char pci_addr[HOTPLUG_PCI_ADDR_MAX]; /**< PCI_SLOT_NAME, or "" */
	uint16_t pci_vendor;              /**< from PCI_ID, or 0 */
	uint16_t pci_device;
	char driver[HOTPLUG_DRIVER_MAX];  /**< DRIVER, or "" */
	bool synth;   /**< kernel event carried SYNTH_UUID (written to sysfs) */
	bool resync;  /**< made by our resync, not received from the kernel */
	bool fault;   /**< made by the SIGBUS net: a BAR of the device faulted */
};

/** Printable names; "unknown" for an out-of-range value. */
HOTPLUG_EXPORT const char *hotplug_action_str(enum hotplug_action action);
HOTPLUG_EXPORT const char *hotplug_subsystem_str(enum hotplug_subsystem s);

/**
 * Parse one NETLINK_KOBJECT_UEVENT datagram.  Pure: reads at most len
 * bytes of buf, touches nothing but *ev and *reason.
 *
 * @param reason
 *   If not NULL, set to a static string saying why the input was rejected.
 * @return
 *   0 on success; -EINVAL for a malformed datagram; -ENOTSUP for a well
 *   formed event of a subsystem we do not handle, or a libudev message.
 *   On failure *ev is unspecified except ev->seqnum: the SEQNUM value when
 *   that field was read as a number, else 0 (the kernel never sends 0),
 *   so that a caller can follow the kernel's sequence through events it
 *   does not use.
 */
HOTPLUG_EXPORT int hotplug_uevent_parse(const char *buf, size_t len,
		struct hotplug_event *ev, const char **reason);

/* ------------------------------------------------------------------ */
/* Monitor */

/**
 * Start the monitor, or take one more reference on the running one.
 * The netlink socket lives in the network namespace of the caller.
 * While the last stop() is joining the thread, a call from another thread
 * waits for the stop to finish and then starts a new monitor.
 * @return 0; -EBUSY from a callback while the monitor is being stopped;
 *   -errno from socket, bind, epoll or thread creation.
 */
HOTPLUG_EXPORT int hotplug_monitor_start(void);

/**
 * Also dispatch HOTPLUG_ACTION_LINK_DOWN / LINK_UP from rtnetlink's link
 * group, for every callback, until the monitor stops.  Idempotent.
 * @return 0; -ENOTCONN when the monitor is not running; -errno from the
 *   socket.
 */
HOTPLUG_EXPORT int hotplug_monitor_watch_links(void);

/**
 * Drop one reference; the last one stops the thread (joined, with no
 * library lock held, so a callback still running may call any hotplug_
 * function) and closes every descriptor.  From a callback (the monitor
 * thread), the last one cannot join: the thread ends, and closes them,
 * once the callback returns.
 * @return 0; -EALREADY when not running.
 */
HOTPLUG_EXPORT int hotplug_monitor_stop(void);

/** true while the monitor thread runs. */
HOTPLUG_EXPORT bool hotplug_monitor_running(void);

/**
 * The monitor's counters, one list for the struct and for whoever shows
 * them (the PMD's xstats and telemetry): X(field, display name).
 *  - received: datagrams read from the socket;
 *  - accepted: parsed and dispatched;
 *  - dropped_sender: not from the kernel (pid or uid);
 *  - dropped_truncated: MSG_TRUNC;
 *  - dropped_malformed: the parser said -EINVAL;
 *  - ignored_subsystem: the parser said -ENOTSUP;
 *  - enobufs: socket overruns (events lost);
 *  - resyncs: sysfs rescans (ENOBUFS, SEQNUM gap);
 *  - resync_events: events synthesized by rescans, and REMOVEs of an
 *    interface whose successor's ADD arrived first (same name, new
 *    ifindex);
 *  - seqnum_gaps: SEQNUM jumps: events lost, or sent to other network
 *    namespaces (net device uevents reach only the owner's namespace);
 *  - synthetic_ignored: add/remove that sysfs contradicts;
 *  - link_events: link down/up dispatched (rtnetlink);
 *  - link_dropped: rtnetlink messages not from the kernel, truncated or
 *    malformed;
 *  - link_stale: link events the link's state no longer agreed with when
 *    read.
 */
#define HOTPLUG_MONITOR_STATS(X) \
	X(received, "uevents_received") \
	X(accepted, "uevents_accepted") \
	X(dropped_sender, "uevents_dropped_sender") \
	X(dropped_truncated, "uevents_dropped_truncated") \
	X(dropped_malformed, "uevents_dropped_malformed") \
	X(ignored_subsystem, "uevents_ignored_subsystem") \
	X(enobufs, "uevents_enobufs") \
	X(resyncs, "uevents_resyncs") \
	X(resync_events, "uevents_resync_events") \
	X(seqnum_gaps, "uevents_seqnum_gaps") \
	X(synthetic_ignored, "uevents_synthetic_ignored") \
	X(link_events, "link_events") \
	X(link_dropped, "link_dropped") \
	X(link_stale, "link_stale")

struct hotplug_monitor_stats {
#define HOTPLUG_STAT_FIELD(field, name) uint64_t field;
	HOTPLUG_MONITOR_STATS(HOTPLUG_STAT_FIELD)
#undef HOTPLUG_STAT_FIELD
};

/** Snapshot of the counters (kept across stop and start). */
HOTPLUG_EXPORT void hotplug_monitor_stats_get(struct hotplug_monitor_stats *st);
HOTPLUG_EXPORT void hotplug_monitor_stats_reset(void);

/**
 * Rescan sysfs for every tracked device and dispatch an ADD or REMOVE
 * (resync flag set) for each one whose presence differs from the registry;
 * for a net device present under another ifindex than the registry's (it
 * was deleted and re-created), a REMOVE with the old ifindex then an ADD
 * with the new one.  Runs by itself on ENOBUFS and on SEQNUM gaps.
 * @return number of events synthesized.
 */
HOTPLUG_EXPORT int hotplug_resync(void);

/**
 * Is a REMOVE about ev's device true?  A PCI device (ev->pci_addr) must
 * be gone from sysfs; a net device (ev->ifname, ev->ifindex) gone, or its
 * name another ifindex's now.  The kernel sends REMOVE before it deletes
 * the sysfs directory, so a device still there is asked again for up to
 * 10 ms.  The monitor's own check of every REMOVE, for removals others
 * report: EAL's monitor takes forged and synthetic uevents.
 * @return true when sysfs agrees the device is gone.
 */
HOTPLUG_EXPORT bool hotplug_remove_confirmed(const struct hotplug_event *ev);

/**
 * Is ev older than the device it names, now?  Without waiting: an ADD
 * (or MOVE) of an interface whose name is another ifindex's now; a link
 * message the interface's flags no longer agree with (the monitor drops
 * those as it reads them, a consumer that waited may ask again).  The
 * monitor's confirmations and its consumers use this one check.
 */
HOTPLUG_EXPORT bool hotplug_event_stale(const struct hotplug_event *ev);

/* ------------------------------------------------------------------ */
/* Callbacks */

/**
 * Event callback; runs in the monitor thread (or the thread calling
 * hotplug_callback_process()).  A negative return is logged and counted;
 * the other callbacks still run.
 */
typedef int (*hotplug_event_cb)(const struct hotplug_event *ev, void *arg);

/**
 * @param device_name
 *   Interface name, PCI address (DDDD:BB:DD.F) or NULL for every device.
 * @return 0; -EINVAL (cb NULL, name too long); -EEXIST (same triple);
 *   -ENOMEM.
 */
HOTPLUG_EXPORT int hotplug_callback_register(const char *device_name,
		hotplug_event_cb cb, void *arg);

/**
 * Remove the exact (device_name, cb, arg) triple.  Safe from inside any
 * callback.  Waits until calls of it running in other threads end, so arg
 * may be freed on return; from inside that very callback it cannot wait
 * for itself: arg must then outlive the call.
 * @return 0; -EINVAL (cb NULL, name too long); -ENOENT when not
 *   registered.
 */
HOTPLUG_EXPORT int hotplug_callback_unregister(const char *device_name,
		hotplug_event_cb cb, void *arg);

/** Update the registry from ev and run the matching callbacks. */
HOTPLUG_EXPORT void hotplug_callback_process(const struct hotplug_event *ev);

/* ------------------------------------------------------------------ */
/* Device registry */

/*
 * Presence only, as the events (and sysfs at track time) say.  Whether a
 * consumer probed a device is the consumer's state, not the registry's.
 */
enum hotplug_device_state {
	HOTPLUG_DEV_PRESENT, /**< in the system (an ADD was seen, or sysfs) */
	HOTPLUG_DEV_GONE,    /**< removed */
};

HOTPLUG_EXPORT const char *hotplug_device_state_str(enum hotplug_device_state s);

/**
 * Track a device: resync checks it, and its state starts from what sysfs
 * says now (PRESENT or GONE); a later call marks it PRESENT if sysfs
 * shows it.
 * @return 0; -EINVAL; -ENOSPC when the registry is full.
 */
HOTPLUG_EXPORT int hotplug_device_track(const char *name);
/** @return 0; -ENOENT when not tracked. */
HOTPLUG_EXPORT int hotplug_device_untrack(const char *name);

/** @return the state (>= 0) or -ENOENT for an unknown device. */
HOTPLUG_EXPORT int hotplug_device_state(const char *name);

/* ------------------------------------------------------------------ */
/* Identity (sysfs) */

/** Root of sysfs ("/sys" by default; NULL restores it).  -ENAMETOOLONG. */
HOTPLUG_EXPORT int hotplug_sysfs_root_set(const char *root);
HOTPLUG_EXPORT const char *hotplug_sysfs_root_get(void);

/** true if <sysfs>/class/net/<ifname> exists. */
HOTPLUG_EXPORT bool hotplug_netdev_present(const char *ifname);
/** true if <sysfs>/bus/pci/devices/<pci_addr> exists. */
HOTPLUG_EXPORT bool hotplug_pci_present(const char *pci_addr);
/** Dispatches on the name's form: PCI address or interface name. */
HOTPLUG_EXPORT bool hotplug_device_present(const char *name);
/** true if name has the form DDDD:BB:DD.F (hex digits). */
HOTPLUG_EXPORT bool hotplug_pci_addr_valid(const char *name);

/** @return ifindex (> 0); -ENODEV absent; -EINVAL; -EIO unreadable. */
HOTPLUG_EXPORT int hotplug_ifname_to_ifindex(const char *ifname);
/**
 * Carrier of a present interface (down interfaces have none).
 * @return 1 carrier, 0 none; -ENODEV absent; -EIO unreadable.
 */
HOTPLUG_EXPORT int hotplug_netdev_carrier(const char *ifname);
/**
 * Up and running now, from the kernel's flags (SIOCGIFFLAGS, no RTNL):
 * unlike operstate in sysfs, which lags, a closed interface says so at
 * once.  Asks in the network namespace the process was in at its first
 * call (one socket is kept).
 * @return 1 IFF_UP and IFF_RUNNING, 0 not; -ENODEV absent; -errno.
 */
HOTPLUG_EXPORT int hotplug_netdev_running(const char *ifname);
/**
 * An administrator's `ip link set up`, kept across our own bring-up of a
 * sub-device on that interface.  net_af_packet sets promiscuous mode (a
 * replay, and ethdev's restore at every start) by reading the interface's
 * flags (SIOCGIFFLAGS) and writing them back with IFF_PROMISC changed
 * (SIOCSIFFLAGS): an up between the read and the write is undone, and
 * the interface is left down with nothing to say so.
 */
struct hotplug_up_watch {
	struct mnl_socket *nl;	/* rtnetlink links; NULL: nothing watched */
	int ifindex;
};

/**
 * Watch ifname from now on, if it is down (an up one is not at risk: the
 * writes carry IFF_UP back).  The rtnetlink subscription comes before
 * the flags are read, so no later change is missed.
 * @return 0 watching; 1 up, not watched; -ENODEV absent; -errno (not
 * watched).
 */
HOTPLUG_EXPORT int hotplug_up_watch_begin(struct hotplug_up_watch *w,
		const char *ifname);
/**
 * End the watch.  When the interface came up during it and is down
 * again at its end, bring it up again, changing IFF_UP alone
 * (RTM_NEWLINK with ifi_change IFF_UP, as `ip link set up` does).  An up
 * then a down both by someone else within the watch reads the same, and
 * is undone too: the watch lasts a bring-up, a few milliseconds.
 * @return 1 brought up again; 0 nothing to do or not watched; -ENOBUFS
 * messages were lost, nothing done; -errno.  The watch is over in all
 * cases.
 */
HOTPLUG_EXPORT int hotplug_up_watch_end(struct hotplug_up_watch *w);
/** @return 0; -ENODEV no such ifindex; -ENOSPC buffer too small. */
HOTPLUG_EXPORT int hotplug_ifindex_to_ifname(int ifindex, char *buf,
		size_t size);
/** @return 0; -ENODEV absent; -EIO unreadable or not a MAC. */
HOTPLUG_EXPORT int hotplug_ifname_to_mac(const char *ifname,
		struct rte_ether_addr *mac);
/** First interface with that MAC. @return 0; -ENODEV none. */
HOTPLUG_EXPORT int hotplug_mac_to_ifname(const struct rte_ether_addr *mac,
		char *buf, size_t size);
/** @return 0; -ENODEV absent; -ENXIO present but not PCI-backed. */
HOTPLUG_EXPORT int hotplug_ifname_to_pci(const char *ifname, char *buf,
		size_t size);
/** @return 0; -ENODEV no such device; -ENXIO no net interface. */
HOTPLUG_EXPORT int hotplug_pci_to_ifname(const char *pci_addr, char *buf,
		size_t size);
/** @return 0; -ENODEV absent; -EIO unreadable. */
HOTPLUG_EXPORT int hotplug_pci_to_id(const char *pci_addr, uint16_t *vendor,
		uint16_t *device);
/** Bound driver, "" when unbound. @return 0; -ENODEV absent. */
HOTPLUG_EXPORT int hotplug_pci_driver(const char *pci_addr, char *buf,
		size_t size);

/* ------------------------------------------------------------------ */
/* Remap and SIGBUS safety net */

/**
 * Replace [addr, addr + len) (rounded out to pages) by private anonymous
 * zero pages at the same address, atomically for concurrent readers.
 * @return 0; -EINVAL (NULL, 0); -errno from mmap.
 */
HOTPLUG_EXPORT int hotplug_remap_region(void *addr, size_t len);

/** Remap every mapped BAR (mem_resource[]) of pdev. @return 0 or -errno. */
HOTPLUG_EXPORT int hotplug_remap_device(struct rte_pci_device *pdev);

/**
 * Install the SIGBUS handler (reference counted); the previous one (or
 * the default action: death) gets every fault outside a registered
 * region.  @return 0 or -errno.
 */
HOTPLUG_EXPORT int hotplug_sigbus_install(void);
/** Restore the previous handler on the last reference. */
HOTPLUG_EXPORT int hotplug_sigbus_uninstall(void);

/**
 * Register [addr, addr + len) as a BAR of device name.  The region is
 * armed at once: a fault in it is repaired, whatever the device's state
 * (uio and sysfs resource mappings are revoked before the REMOVE uevent).
 * Delete it before the BAR is unmapped.
 * @return 0; -EINVAL; -ENOSPC table full.
 */
HOTPLUG_EXPORT int hotplug_sigbus_region_add(const char *name, void *addr,
		size_t len);
/** Forget every region of name. @return count removed, -ENOENT if none. */
HOTPLUG_EXPORT int hotplug_sigbus_region_del(const char *name);
/** Register every mapped BAR of pdev under its PCI address. */
HOTPLUG_EXPORT int hotplug_sigbus_device_add(struct rte_pci_device *pdev);
/** Faults repaired by the handler since start. */
HOTPLUG_EXPORT uint64_t hotplug_sigbus_faults(void);

/* ------------------------------------------------------------------ */
/* Driver binding */

/**
 * Take the device from the driver it is bound to.  Only for a device the
 * caller saw go away and come back (it was the caller's before): a device
 * named by mistake must not be taken from the host.
 */
#define HOTPLUG_BIND_TAKE	(1u << 0)

/**
 * Bind a PCI device to driver through driver_override and drivers_probe;
 * wait up to timeout_ms for sysfs to show the new driver.  An unbound
 * device is bound.  A device bound to another driver is unbound first
 * with HOTPLUG_BIND_TAKE only, and never while one of its network
 * interfaces is up (flags or operstate): the host is using it.
 * @param flags
 *   0 or HOTPLUG_BIND_TAKE.
 * @return 0 (also when already bound); -EINVAL bad address, driver name
 *   or flags; -ENODEV no such device; -ENOENT driver not loaded; -EBUSY
 *   bound to another driver (without HOTPLUG_BIND_TAKE, or with an
 *   interface up; not logged above DEBUG, the caller says it once);
 *   -ETIMEDOUT; -errno of a sysfs write.
 */
HOTPLUG_EXPORT int hotplug_bind_driver(const char *pci_addr,
		const char *driver, unsigned int timeout_ms, unsigned int flags);

#ifdef __cplusplus
}
#endif

#endif /* HOTPLUG_H */
