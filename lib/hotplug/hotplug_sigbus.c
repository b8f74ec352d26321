/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * SIGBUS safety net.  Between a surprise removal and the remap done by the
 * REMOVE path, a datapath may touch a dead BAR.  The handler repairs a
 * fault inside a registered region by remapping the region and returning,
 * so the access is retried on a zero page.
 *
 * A region is armed from the moment it is registered (after the probe),
 * not from the device's FAULT: for uio and sysfs resource mappings the
 * kernel revokes the BARs before it even sends the REMOVE uevent, and a
 * doorbell write in that window must not kill the process.  A live BAR
 * never faults, so being armed early costs nothing.  Regions leave the
 * table before their BARs are unmapped (close), whose addresses may then
 * be reused by anything.
 *
 * The handler is async-signal-safe: it reads the region table through
 * atomics only, takes no lock, does not log; it counts repairs in an
 * atomic that the monitor thread reports later.  Any other SIGBUS goes to
 * the handler that was installed before ours, unchanged.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include <bus_pci_driver.h>

#include "hotplug_private.h"

#define SIGBUS_REGIONS 64

struct sigbus_region {
	uint32_t used;      /* atomic; published after the fields below */
	uint32_t faulted;   /* atomic; set by the handler, taken by report */
	uintptr_t start;
	size_t len;
	char name[HOTPLUG_NAME_MAX];
};

static struct sigbus_region regions[SIGBUS_REGIONS];
static pthread_mutex_t sigbus_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int install_refcnt;
static struct sigaction previous;
static uint64_t fault_count;     /* atomic, written by the handler */
static uint64_t fault_reported;  /* monitor thread */

/* Give the signal to whoever had it before us. */
static void
sigbus_chain(int sig, siginfo_t *si, void *uc)
{
	if (previous.sa_flags & SA_SIGINFO) {
		previous.sa_sigaction(sig, si, uc);
		return;
	}
	if (previous.sa_handler == SIG_IGN)
		return;
	if (previous.sa_handler != SIG_DFL) {
		previous.sa_handler(sig);
		return;
	}
	/* Default action: die of SIGBUS, as if we were never installed. */
	signal(sig, SIG_DFL);
	raise(sig);
}

static bool
sigbus_repair(uintptr_t addr)
{
	unsigned int i;

	for (i = 0; i < SIGBUS_REGIONS; i++) {
		struct sigbus_region *r = &regions[i];

		if (!__atomic_load_n(&r->used, __ATOMIC_ACQUIRE))
			continue;
		if (addr < r->start || addr - r->start >= r->len)
			continue;
		__atomic_store_n(&r->faulted, 1, __ATOMIC_RELEASE);
		return hotplug_remap_raw((void *)r->start, r->len) == 0;
	}
	return false;
}

static void
sigbus_handler(int sig, siginfo_t *si, void *uc)
{
	int saved_errno = errno;

	if (si != NULL && sigbus_repair((uintptr_t)si->si_addr)) {
		__atomic_fetch_add(&fault_count, 1, __ATOMIC_RELAXED);
		errno = saved_errno;
		return;
	}
	errno = saved_errno;
	sigbus_chain(sig, si, uc);
}

int
hotplug_sigbus_install(void)
{
	struct sigaction sa;
	int ret = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigbus_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	pthread_mutex_lock(&sigbus_lock);
	if (install_refcnt == 0 && sigaction(SIGBUS, &sa, &previous) < 0)
		ret = -errno;
	if (ret == 0)
		install_refcnt++;
	pthread_mutex_unlock(&sigbus_lock);
	if (ret < 0)
		HOTPLUG_LOG(ERR, "sigaction(SIGBUS): %s", strerror(-ret));
	return ret;
}

int
hotplug_sigbus_uninstall(void)
{
	int ret = 0;

	pthread_mutex_lock(&sigbus_lock);
	if (install_refcnt == 0)
		ret = -EALREADY;
	else if (--install_refcnt == 0 &&
			sigaction(SIGBUS, &previous, NULL) < 0)
		ret = -errno;
	pthread_mutex_unlock(&sigbus_lock);
	return ret;
}

int
hotplug_sigbus_region_add(const char *name, void *addr, size_t len)
{
	unsigned int i;
	int ret = -ENOSPC;

	if (name == NULL || addr == NULL || len == 0 ||
			strnlen(name, HOTPLUG_NAME_MAX) >= HOTPLUG_NAME_MAX)
		return -EINVAL;
	pthread_mutex_lock(&sigbus_lock);
	for (i = 0; i < SIGBUS_REGIONS; i++) {
		struct sigbus_region *r = &regions[i];

		if (__atomic_load_n(&r->used, __ATOMIC_RELAXED))
			continue;
		r->start = (uintptr_t)addr;
		r->len = len;
		snprintf(r->name, sizeof(r->name), "%s", name);
		__atomic_store_n(&r->used, 1, __ATOMIC_RELEASE);
		ret = 0;
		break;
	}
	pthread_mutex_unlock(&sigbus_lock);
	if (ret < 0)
		HOTPLUG_LOG(ERR, "%s: SIGBUS region table full", name);
	return ret;
}

int
hotplug_sigbus_region_del(const char *name)
{
	unsigned int i;
	int n = 0;

	if (name == NULL)
		return -EINVAL;
	pthread_mutex_lock(&sigbus_lock);
	for (i = 0; i < SIGBUS_REGIONS; i++) {
		struct sigbus_region *r = &regions[i];

		if (!__atomic_load_n(&r->used, __ATOMIC_RELAXED) ||
				strcmp(r->name, name) != 0)
			continue;
		__atomic_store_n(&r->used, 0, __ATOMIC_RELEASE);
		n++;
	}
	pthread_mutex_unlock(&sigbus_lock);
	return n > 0 ? n : -ENOENT;
}

int
hotplug_sigbus_device_add(struct rte_pci_device *pdev)
{
	unsigned int i;
	int ret = 0;

	if (pdev == NULL)
		return -EINVAL;
	for (i = 0; i < PCI_MAX_RESOURCE && ret == 0; i++) {
		struct rte_mem_resource *res = &pdev->mem_resource[i];

		if (res->addr != NULL && res->len != 0)
			ret = hotplug_sigbus_region_add(pdev->name, res->addr,
				res->len);
	}
	return ret;
}

uint64_t
hotplug_sigbus_faults(void)
{
	return __atomic_load_n(&fault_count, __ATOMIC_RELAXED);
}

void
hotplug_sigbus_report(void)
{
	uint64_t n = hotplug_sigbus_faults();
	struct hotplug_event ev;
	unsigned int i;

	if (n == fault_reported)
		return;
	HOTPLUG_LOG(WARNING, "%" PRIu64 " SIGBUS fault(s) on device BARs "
		"repaired by remapping", n - fault_reported);
	fault_reported = n;
	/*
	 * A repaired BAR reads zeros from now on: whatever the kernel says
	 * of the device (a PCI error or a reset leaves it listed), it is
	 * unusable, so its users hear of it as a removal.
	 */
	for (i = 0; i < SIGBUS_REGIONS; i++) {
		struct sigbus_region *r = &regions[i];

		if (!__atomic_load_n(&r->used, __ATOMIC_ACQUIRE) ||
		    !__atomic_exchange_n(&r->faulted, 0, __ATOMIC_ACQ_REL))
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.action = HOTPLUG_ACTION_REMOVE;
		ev.subsystem = HOTPLUG_SUBSYS_PCI;
		ev.rx_ns = hotplug_now_ns();
		ev.fault = true;
		snprintf(ev.name, sizeof(ev.name), "%s", r->name);
		snprintf(ev.pci_addr, sizeof(ev.pci_addr), "%.*s",
			 (int)sizeof(ev.pci_addr) - 1, r->name);
		HOTPLUG_LOG(WARNING, "%s: a BAR faulted: reported as removed",
			    r->name);
		hotplug_callback_process(&ev);
	}
}
