/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * The EAL arguments every C test starts with: no PCI device touched, no
 * hugepage needed, a file prefix of its own (so that tests never share a
 * runtime directory), and our plugin from FS_PLUGIN_DIR when the test
 * loads it.  FS_TEST_LOG=<level or pattern:level> adds a --log-level.
 */

#ifndef FS_TEST_EAL_H
#define FS_TEST_EAL_H

#include <stdbool.h>

#define FS_TEST_EAL_MAX_ARGS 48

struct fs_test_eal {
	int argc;
	char *argv[FS_TEST_EAL_MAX_ARGS + 1];
	char prefix[64];
};

/*
 * Start the list: <name> --lcores <lcores> --no-pci --no-huge -m 1024
 * --file-prefix <name>-<pid> [-d $FS_PLUGIN_DIR] [--log-level $FS_TEST_LOG].
 * name NULL: the program's own.  Returns -EINVAL (and says why on stderr)
 * when plugin is asked for and FS_PLUGIN_DIR is not set.
 */
int fs_test_eal_args(struct fs_test_eal *e, const char *name,
		     const char *lcores, bool plugin);

/* Append an option and its value (value NULL: a flag); -E2BIG when full. */
int fs_test_eal_add(struct fs_test_eal *e, const char *opt, const char *value);

/* rte_eal_init over the list; on failure says why on stderr. */
int fs_test_eal_init(struct fs_test_eal *e);

struct rte_mempool;

/*
 * rte_eal_init over the list, then the pool of n mbufs (cache: per lcore)
 * the test's ports take from; NULL (and why on stderr) when either fails.
 */
struct rte_mempool *fs_test_eal_init_pool(struct fs_test_eal *e,
					  const char *pool, unsigned int n,
					  unsigned int cache);

/*
 * A cmocka group teardown: frees the pool its set-up left in *state
 * (NULL: none), then cleans the EAL up.
 */
int fs_test_eal_teardown(void **state);

#endif /* FS_TEST_EAL_H */
