/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Remap and the SIGBUS safety net, with a file-backed mapping standing in
 * for a BAR: truncating the file makes later accesses fault exactly as a
 * removed device's BAR does.
 */

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <bus_pci_driver.h>

#include "hotplug.h"
#include "hotplug_private.h"

#define BAR_PAGES 4

struct fake_bar {
	int fd;
	size_t len;
	volatile uint32_t *p;
};

static int
bar_map(struct fake_bar *bar)
{
	char path[] = "/tmp/fs-eal-bar-XXXXXX";

	bar->len = BAR_PAGES * (size_t)sysconf(_SC_PAGESIZE);
	bar->fd = mkstemp(path);
	if (bar->fd < 0)
		return -1;
	unlink(path);
	if (ftruncate(bar->fd, (off_t)bar->len) < 0)
		return -1;
	bar->p = mmap(NULL, bar->len, PROT_READ | PROT_WRITE, MAP_SHARED,
		bar->fd, 0);
	return bar->p == MAP_FAILED ? -1 : 0;
}

static void
bar_unmap(struct fake_bar *bar)
{
	munmap((void *)(uintptr_t)bar->p, bar->len);
	close(bar->fd);
}

/* A datapath stand-in: reads and writes "registers" until told to stop. */
struct poller {
	struct fake_bar *bar;
	volatile int stop;
	volatile uint64_t loops;
};

static void *
poller_main(void *arg)
{
	struct poller *pl = arg;
	size_t words = pl->bar->len / sizeof(uint32_t);
	size_t i = 0;

	while (!pl->stop) {
		pl->bar->p[i % words] = (uint32_t)i;
		(void)pl->bar->p[(i * 7) % words];
		i++;
		pl->loops++;
	}
	return NULL;
}

static void
wait_loops(struct poller *pl, uint64_t more)
{
	uint64_t target = pl->loops + more;
	int i;

	for (i = 0; i < 5000 && pl->loops < target; i++)
		usleep(1000);
	assert_true(pl->loops >= target);
}

static void
test_remap_under_traffic(void **state)
{
	struct fake_bar bar;
	struct poller pl = { .bar = &bar };
	pthread_t t;

	(void)state;
	assert_int_equal(bar_map(&bar), 0);
	bar.p[0] = 0xdeadbeef;
	assert_int_equal(pthread_create(&t, NULL, poller_main, &pl), 0);
	wait_loops(&pl, 10000);
	assert_int_equal(hotplug_remap_region((void *)(uintptr_t)bar.p,
		bar.len), 0);
	/* the "device" disappears: the old mapping would SIGBUS now */
	assert_int_equal(ftruncate(bar.fd, 0), 0);
	wait_loops(&pl, 100000);
	pl.stop = 1;
	pthread_join(t, NULL);
	bar_unmap(&bar);
	assert_int_equal(hotplug_remap_region(NULL, 4096), -EINVAL);
}

static void
test_remap_device(void **state)
{
	struct rte_pci_device pdev;
	struct fake_bar b0, b2;

	(void)state;
	memset(&pdev, 0, sizeof(pdev));
	snprintf(pdev.name, sizeof(pdev.name), "0000:00:05.0");
	assert_int_equal(bar_map(&b0), 0);
	assert_int_equal(bar_map(&b2), 0);
	pdev.mem_resource[0].addr = (void *)(uintptr_t)b0.p;
	pdev.mem_resource[0].len = b0.len;
	pdev.mem_resource[2].addr = (void *)(uintptr_t)b2.p;
	pdev.mem_resource[2].len = b2.len;
	b0.p[1] = 5;
	assert_int_equal(hotplug_remap_device(&pdev), 0);
	assert_int_equal(ftruncate(b0.fd, 0), 0);
	assert_int_equal(ftruncate(b2.fd, 0), 0);
	/* zero pages now, and writable */
	assert_int_equal(b0.p[1], 0);
	b2.p[3] = 1;
	assert_int_equal(b2.p[3], 1);
	bar_unmap(&b0);
	bar_unmap(&b2);
	assert_int_equal(hotplug_remap_device(NULL), -EINVAL);
}

static void
test_sigbus_recovers_registered(void **state)
{
	const char *dev = "0000:00:06.0";
	struct fake_bar bar;
	uint64_t faults0 = hotplug_sigbus_faults();

	(void)state;
	hotplug_sysfs_root_set("/nonexistent-sysfs-for-tests");
	assert_int_equal(bar_map(&bar), 0);
	assert_int_equal(hotplug_sigbus_install(), 0);
	/* tracked and absent from (fake) sysfs: FAULT */
	assert_int_equal(hotplug_device_track(dev), 0);
	assert_int_equal(hotplug_device_state(dev), HOTPLUG_DEV_GONE);
	assert_int_equal(hotplug_sigbus_region_add(dev,
		(void *)(uintptr_t)bar.p, bar.len), 0);
	assert_int_equal(ftruncate(bar.fd, 0), 0);
	/* faults, the handler remaps, the load is retried on a zero page */
	assert_int_equal(bar.p[10], 0);
	bar.p[11] = 3;
	assert_int_equal(hotplug_sigbus_faults(), faults0 + 1);
	assert_int_equal(hotplug_sigbus_region_del(dev), 1);
	assert_int_equal(hotplug_sigbus_region_del(dev), -ENOENT);
	assert_int_equal(hotplug_sigbus_uninstall(), 0);
	hotplug_device_untrack(dev);
	bar_unmap(&bar);
}

/*
 * In a child: a fault outside every tracked BAR must still kill, with or
 * without tracked BARs elsewhere.
 */
static int
child_fault(bool other_bar_tracked)
{
	struct fake_bar bar, tracked;

	/* as in a plain application: cmocka's own handler must not chain */
	signal(SIGBUS, SIG_DFL);
	if (bar_map(&bar) < 0 || bar_map(&tracked) < 0 ||
	    hotplug_sigbus_install() < 0)
		_exit(10);
	if (other_bar_tracked) {
		hotplug_device_track("0000:00:07.0");
		hotplug_sigbus_region_add("0000:00:07.0",
			(void *)(uintptr_t)tracked.p, tracked.len);
		if (ftruncate(tracked.fd, 0) < 0)
			_exit(12);
	}
	if (ftruncate(bar.fd, 0) < 0)
		_exit(11);
	(void)bar.p[0];
	_exit(0); /* the net swallowed a fault it had to pass through */
}

static void
expect_child_dies_of_sigbus(bool other_bar_tracked)
{
	int status = 0;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_fault(other_bar_tracked);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGBUS);
}

static void
test_sigbus_passes_through(void **state)
{
	(void)state;
	hotplug_sysfs_root_set("/nonexistent-sysfs-for-tests");
	expect_child_dies_of_sigbus(false);
	expect_child_dies_of_sigbus(true);
}

/*
 * In a child: a probed device, no FAULT, no REMOVE seen.  uio and sysfs
 * resource mappings are revoked by the kernel before it sends REMOVE:
 * the BAR must read zeros then, not kill.
 */
static int fault_removals;

static int
on_fault_remove(const struct hotplug_event *ev, void *arg)
{
	(void)arg;
	if (ev->action == HOTPLUG_ACTION_REMOVE && ev->fault &&
	    strcmp(ev->pci_addr, "0000:00:08.0") == 0)
		fault_removals++;
	return 0;
}

static void
child_probed_bar_revoked(void)
{
	const char *dev = "0000:00:08.0";
	uint64_t faults0 = hotplug_sigbus_faults();
	struct fake_bar bar;

	signal(SIGBUS, SIG_DFL);
	if (bar_map(&bar) < 0 || hotplug_sigbus_install() < 0)
		_exit(10);
	if (hotplug_device_track(dev) < 0 ||
	    hotplug_sigbus_region_add(dev, (void *)(uintptr_t)bar.p,
			bar.len) < 0)
		_exit(11);
	bar.p[2] = 7;
	if (ftruncate(bar.fd, 0) < 0)
		_exit(12);
	if (bar.p[2] != 0)
		_exit(13);
	bar.p[3] = 1;	/* a doorbell write */
	if (hotplug_sigbus_faults() != faults0 + 1)
		_exit(14);
	/* Zeros from now on: the device's users must hear it is gone. */
	if (hotplug_callback_register(dev, on_fault_remove, NULL) < 0)
		_exit(15);
	hotplug_sigbus_report();
	hotplug_sigbus_report();	/* once per fault, not per report */
	_exit(fault_removals == 1 ? 0 : 16);
}

static void
test_sigbus_armed_from_probe(void **state)
{
	int status = 0;
	pid_t pid;

	(void)state;
	hotplug_sysfs_root_set("/nonexistent-sysfs-for-tests");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_probed_bar_revoked();
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("killed by signal %d", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A previous SA_SIGINFO handler gets faults outside our regions. */
static sigjmp_buf chained_jmp;
static volatile int chained_calls;

static void
previous_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	chained_calls++;
	siglongjmp(chained_jmp, 1);
}

static void
test_sigbus_chains_to_previous(void **state)
{
	struct sigaction sa, old;
	struct fake_bar bar;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = previous_handler;
	sa.sa_flags = SA_SIGINFO;
	assert_int_equal(sigaction(SIGBUS, &sa, &old), 0);
	assert_int_equal(hotplug_sigbus_install(), 0);
	assert_int_equal(bar_map(&bar), 0);
	assert_int_equal(ftruncate(bar.fd, 0), 0);
	if (sigsetjmp(chained_jmp, 1) == 0)
		(void)bar.p[0];
	assert_int_equal(chained_calls, 1);
	assert_int_equal(hotplug_sigbus_uninstall(), 0);
	assert_int_equal(hotplug_sigbus_uninstall(), -EALREADY);
	/* uninstall restored the previous handler */
	assert_int_equal(sigaction(SIGBUS, &old, &sa), 0);
	assert_true(sa.sa_sigaction == previous_handler);
	bar_unmap(&bar);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remap_under_traffic),
		cmocka_unit_test(test_remap_device),
		cmocka_unit_test(test_sigbus_recovers_registered),
		cmocka_unit_test(test_sigbus_passes_through),
		cmocka_unit_test(test_sigbus_armed_from_probe),
		cmocka_unit_test(test_sigbus_chains_to_previous),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
