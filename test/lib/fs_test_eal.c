/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "fs_test_eal.h"

int
fs_test_eal_add(struct fs_test_eal *e, const char *opt, const char *value)
{
	if (e->argc + (value != NULL ? 2 : 1) > FS_TEST_EAL_MAX_ARGS)
		return -E2BIG;
	/* The EAL takes char *argv[] but does not write to the strings. */
	e->argv[e->argc++] = (char *)(uintptr_t)opt;
	if (value != NULL)
		e->argv[e->argc++] = (char *)(uintptr_t)value;
	e->argv[e->argc] = NULL;
	return 0;
}

int
fs_test_eal_args(struct fs_test_eal *e, const char *name, const char *lcores,
		 bool plugin)
{
	const char *dir = getenv("FS_PLUGIN_DIR");
	const char *log = getenv("FS_TEST_LOG");

	if (name == NULL)
		name = program_invocation_short_name;
	e->argc = 0;
	if (plugin && dir == NULL) {
		fprintf(stderr, "%s: FS_PLUGIN_DIR is not set (run through devtools/test.sh)\n",
			name);
		return -EINVAL;
	}
	snprintf(e->prefix, sizeof(e->prefix), "%s-%d", name, (int)getpid());
	fs_test_eal_add(e, name, NULL);
	fs_test_eal_add(e, "--lcores", lcores);
	fs_test_eal_add(e, "--no-pci", NULL);
	fs_test_eal_add(e, "--no-huge", NULL);
	fs_test_eal_add(e, "-m", "1024");
	fs_test_eal_add(e, "--file-prefix", e->prefix);
	if (plugin)
		fs_test_eal_add(e, "-d", dir);
	if (log != NULL)
		fs_test_eal_add(e, "--log-level", log);
	return 0;
}

int
fs_test_eal_init(struct fs_test_eal *e)
{
	if (rte_eal_init(e->argc, e->argv) < 0) {
		fprintf(stderr, "%s: rte_eal_init failed: %s\n", e->argv[0],
			rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

struct rte_mempool *
fs_test_eal_init_pool(struct fs_test_eal *e, const char *pool, unsigned int n,
		      unsigned int cache)
{
	struct rte_mempool *mp;

	if (fs_test_eal_init(e) != 0)
		return NULL;
	mp = rte_pktmbuf_pool_create(pool, n, cache, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (mp == NULL)
		fprintf(stderr, "%s: mbuf pool %s: %s\n", e->argv[0], pool,
			rte_strerror(rte_errno));
	return mp;
}

int
fs_test_eal_teardown(void **state)
{
	rte_mempool_free(*state);
	*state = NULL;
	rte_eal_cleanup();
	return 0;
}
