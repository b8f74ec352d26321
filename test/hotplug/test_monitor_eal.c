/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * With the EAL initialised the monitor thread is an EAL control thread
 * (an EAL control thread).  No hugepages, no PCI, no shared config: it
 * touches no device.  Start/stop cycles leave no fd or thread.
 */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "hotplug.h"

#include "fs_test_eal.h"
#include "fs_test_util.h"

/* Is one of our threads named hotplug-mon? */
static int
monitor_thread_seen(void)
{
	char path[300], comm[32];
	struct dirent *de;
	DIR *d = opendir("/proc/self/task");
	int found = 0;

	if (d == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
			de->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(comm, sizeof(comm), f) != NULL &&
				strncmp(comm, "hotplug-mon", 11) == 0)
			found = 1;
		fclose(f);
	}
	closedir(d);
	return found;
}

/* The EAL leaves its runtime directory behind, even with --no-shconf. */
static void
runtime_dir_remove(void)
{
	const char *dir = rte_eal_get_runtime_dir();

	if (dir != NULL && strstr(dir, "/fs-eal-") != NULL)
		remove_tree(dir);
}

int
main(void)
{
	struct fs_test_eal e;
	int fds0, tasks0, i;

	/* "fs-eal": the prefix runtime_dir_remove() checks for. */
	fs_test_eal_args(&e, "fs-eal", "0", false);
	fs_test_eal_add(&e, "--no-shconf", NULL);
	fs_test_eal_add(&e, "--no-telemetry", NULL);
	fs_test_eal_add(&e, "--log-level", "lib.eal:error");
	if (fs_test_eal_init(&e) != 0) {
		fprintf(stderr, "skip: no EAL\n");
		return 77;
	}
	fds0 = count_dir("/proc/self/fd");
	tasks0 = count_dir("/proc/self/task");
	for (i = 0; i < 100; i++) {
		if (hotplug_monitor_start() != 0) {
			fprintf(stderr, "FAIL: start %d\n", i);
			runtime_dir_remove();
			return 1;
		}
		if (i == 0 && !monitor_thread_seen()) {
			fprintf(stderr, "FAIL: no hotplug-mon thread\n");
			runtime_dir_remove();
			return 1;
		}
		if (hotplug_monitor_stop() != 0) {
			fprintf(stderr, "FAIL: stop %d\n", i);
			runtime_dir_remove();
			return 1;
		}
	}
	if (count_dir("/proc/self/fd") != fds0 ||
			tasks_settled(tasks0) != tasks0) {
		fprintf(stderr, "FAIL: leaked fd or thread\n");
		runtime_dir_remove();
		return 1;
	}
	runtime_dir_remove();
	rte_eal_cleanup();
	printf("PASS: 100 start/stop cycles with an EAL control thread\n");
	return 0;
}
