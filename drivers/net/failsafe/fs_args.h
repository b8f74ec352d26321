/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

#ifndef FS_ARGS_H
#define FS_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>

#define FS_MAX_SUBDEVS		8
#define FS_DEVARGS_MAX		512
#define FS_HOTPLUG_POLL_DEFAULT	2000	/* ms, as DPDK's fail-safe */
#define FS_HOTPLUG_POLL_MAX	3600000
#define FS_ARGS_ERR_MAX		256
#define FS_FD_LINE_MS		50	/* for the rest of a begun fd() line */
#define FS_EXEC_TIMEOUT_DEFAULT	5000	/* ms an exec() command has for its line */
#define FS_EXEC_TIMEOUT_MAX	600000

/* How a slot obtains the devargs of its sub-device. */
enum fs_sub_kind {
	FS_SUB_DEV,	/* dev(<devargs>): given literally */
	FS_SUB_EXEC,	/* exec(<command>): first line of the command's stdout */
	FS_SUB_FD,	/* fd(<n>): first line read from an inherited descriptor */
};

struct fs_sub_args {
	enum fs_sub_kind kind;
	char spec[FS_DEVARGS_MAX];	/* devargs, command, or fd number */
	int fd;
	unsigned int exec_timeout_ms;	/* the port's exec_timeout */
	/* match rules letting a replacement device take this slot */
	bool match_mac_set;
	struct rte_ether_addr match_mac;
	bool match_pci_id_set;
	uint16_t match_vendor;
	uint16_t match_device;
};

/* Options of one fail-safe port: never process-wide. */
struct fs_args {
	uint8_t nb_subs;
	struct fs_sub_args sub[FS_MAX_SUBDEVS];
	bool mac_set;
	struct rte_ether_addr mac;
	uint32_t hotplug_poll_ms;	/* 0: no polling */
	uint32_t exec_timeout_ms;	/* bound of an exec() command */
	bool uevent;
	bool rcu_expedite;	/* expedited kernel RCU while probing */
	char bind_driver[32];		/* kernel driver for PCI sub-devices on ADD */
};

/*
 * Parse the fail-safe devargs string (the part after "net_failsafeN,").
 * Returns 0 or -EINVAL with a one-line reason in err.
 */
int fs_args_parse(const char *params, struct fs_args *args,
		  char *err, size_t err_len);

/*
 * Resolve a slot's devargs: the literal, or the output of exec()/fd().
 * exec() blocks up to exec_timeout_ms: the PMD runs commands with
 * fs_exec_* instead, off its lock and threads.
 */
int fs_args_resolve(const struct fs_sub_args *sa, char *out, size_t out_len,
		    char *err, size_t err_len);

/*
 * devargs with iface=<old_if> replaced by new_if: -EINVAL for a name
 * that cannot be written in devargs (',' or '='), -ENOENT when devargs
 * has no iface=<old_if>, -ENAMETOOLONG.
 */
int fs_args_replace_iface(const char *devargs, const char *old_if,
			  const char *new_if, char *out, size_t out_len);

#endif /* FS_ARGS_H */
