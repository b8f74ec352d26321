/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Remap: once a device is gone, its BAR mappings point at nothing and a
 * load or store raises SIGBUS.  Replacing them with private anonymous
 * pages at the same address (one MAP_FIXED mmap, atomic for other threads)
 * turns a late register access by a datapath into a harmless zero read.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bus_pci_driver.h>

#include "hotplug_private.h"

/* Read once, so that the signal handler path makes no libc query. */
static uintptr_t page_size;

static void __attribute__((constructor))
remap_init(void)
{
	page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
}

/* Async-signal-safe: the SIGBUS handler calls it too (no log, no lock). */
int
hotplug_remap_raw(void *addr, size_t len)
{
	uintptr_t page = page_size;
	uintptr_t start, end;
	void *p;

	if (addr == NULL || len == 0)
		return -EINVAL;
	start = (uintptr_t)addr & ~(page - 1);
	end = ((uintptr_t)addr + len + page - 1) & ~(page - 1);
	p = mmap((void *)start, end - start, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	return 0;
}

int
hotplug_remap_region(void *addr, size_t len)
{
	int ret = hotplug_remap_raw(addr, len);

	if (ret < 0)
		HOTPLUG_LOG(ERR, "remap %p+%zu: %s", addr, len, strerror(-ret));
	return ret;
}

int
hotplug_remap_device(struct rte_pci_device *pdev)
{
	unsigned int i, n = 0;
	int ret = 0;

	if (pdev == NULL)
		return -EINVAL;
	for (i = 0; i < PCI_MAX_RESOURCE; i++) {
		struct rte_mem_resource *res = &pdev->mem_resource[i];
		int r;

		if (res->addr == NULL || res->len == 0)
			continue;
		r = hotplug_remap_region(res->addr, res->len);
		if (r < 0 && ret == 0)
			ret = r; /* keep going: every other BAR still matters */
		n += r == 0;
	}
	HOTPLUG_LOG(INFO, "%s: %u BAR(s) remapped to dummy pages",
		pdev->name, n);
	return ret;
}
