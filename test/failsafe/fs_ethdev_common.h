/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Shared by the fail-safe ethdev programs (test_fs_<concern>.c): the EAL
 * set-up, the ports it makes, and the helpers their cases use.
 */

#ifndef FS_ETHDEV_COMMON_H
#define FS_ETHDEV_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "fs_private.h"
#include "fs_test_util.h"
#include "test_pmd_rec.h"

#define NB_MBUF		8191
#define BURST		32
#define POLL_MS		20		/* hotplug_poll of the ports */
#define WAIT_MS		5000		/* bound of every wait on the control side */
#define SUB_STARTED	3		/* enum fs_sub_state FS_SUB_STARTED */
#define SUB_RETIRING	4		/* FS_SUB_RETIRING */
#define SUB_CLOSING	5		/* FS_SUB_CLOSING */
#define SUB_CONFIGURED	2		/* FS_SUB_CONFIGURED */
#define SUB_PROBING	6		/* FS_SUB_PROBING */
#define SUB_STARTING	7		/* FS_SUB_STARTING */
#define SUB_CONFIGURING	8		/* FS_SUB_CONFIGURING */
#define SUB_EMPTY	0

extern struct rte_mempool *mp;
extern bool netns_ok;	/* a private netns and its /sys: veth pairs allowed */
extern unsigned int mp_start_in_use;
/* The next n active-set allocations of this thread fail. */
extern __thread unsigned int set_allocs_to_fail;

uint16_t port_of(const char *name);
uint64_t xstat(uint16_t port, const char *name);
uint64_t sub_xstat(uint16_t port, unsigned int sub, const char *what);
bool wait_sub_xstat(uint16_t port, unsigned int sub, const char *what,
		    uint64_t want);
bool wait_sub_counter_above(uint16_t port, unsigned int sub, const char *what,
			    uint64_t than);
/* Every queue pair set up with nb_desc descriptors, on the port's socket. */
void port_setup_desc(uint16_t port, uint16_t nq, uint16_t nb_desc,
		     const struct rte_eth_conf *conf);
void port_setup_conf(uint16_t port, uint16_t nq, const struct rte_eth_conf *conf);
void port_setup(uint16_t port, uint16_t nq);
void port_start_both(uint16_t port);
uint64_t forward_once(uint16_t port, uint16_t nq, uint64_t *txd);
uint16_t send_fresh(uint16_t port, uint16_t q, uint16_t n);
void stats_of(uint16_t port, struct rte_eth_stats *st);
/*
 * send_fresh() of a burst on queue q: returns how many the port took, and
 * in *sub_sent how many more packets sub_port counted as sent meanwhile.
 */
uint16_t send_counted(uint16_t port, uint16_t q, uint16_t sub_port,
		      uint64_t *sub_sent);
void assert_mempool_back(void);
void close_port(uint16_t port);
uint16_t fs_create(const char *name, const char *args);
void fs_destroy(const char *name);
void *plugin_sym(const char *name);
#define PLUGIN_FN(fn) ((__typeof__(&fn))plugin_sym(#fn))
struct fs_priv *priv_of(uint16_t port);
void sub_matches(uint16_t port, const char *sub_name,
		 const struct rte_ether_addr *extra, int line);
#define assert_sub_matches(port, sub, extra) sub_matches(port, sub, extra, __LINE__)
void raise_rmv(const char *sub_name);
int sh(const char *cmd);
unsigned int count_lines(const char *text, const char *what);
bool rmv_and_back(uint16_t port, unsigned int sub, const char *sub_name);
bool rmv_and_away(uint16_t port, unsigned int sub, const char *sub_name);

/* The group of every program: two ports made at init, the pool in *state. */
int eal_setup(void **state);
int eal_teardown(void **state);
void private_netns(void);
/* FS_TEST_FILTER=test_name runs that case alone (by hand, while debugging). */
void cases_filter(void);

/* A program's cases over eal_setup/eal_teardown, in a private netns. */
#define run_cases(tests) \
	(cases_filter(), private_netns(), \
	 cmocka_run_group_tests(tests, eal_setup, eal_teardown))

#endif /* FS_ETHDEV_COMMON_H */
