/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * libFuzzer target for the sysfs identity reader of lib/hotplug.  Each input
 * describes a small sysfs tree, one record a line, fields split by '|':
 *
 *   N|<ifname>|<ifindex file>|<address file>|<device link target>
 *   P|<pci addr>|<vendor file>|<device file>|<driver link target>|<net if>
 *   D|<relative path>            make a directory (e.g. where a file is due)
 *   L|<relative path>|<target>   make a symbolic link
 *   Q|<name>|<buffer size>       one more name to ask about
 *
 * In file fields, a backslash followed by n stands for a newline.
 * A file field of "-" means "no such file".  The tree is built in a
 * temporary directory, hotplug_sysfs_root_set() points there, and every
 * identity function is called on every name, with output buffers of
 * exact size so that ASan catches any write past them.
 */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_ether.h>

#include "hotplug.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIELDS 6
#define MAX_NAMES 32
#define MAX_LINE 512

static char root[PATH_MAX];
static char names[MAX_NAMES][80];
static size_t sizes[MAX_NAMES];
static unsigned int nb_names;

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static void
tree_remove(void)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/class", root);
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	snprintf(path, sizeof(path), "%s/bus", root);
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	snprintf(path, sizeof(path), "%s/devices", root);
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
at_exit_cleanup(void)
{
	tree_remove();
	rmdir(root);
}

/* A relative path without "..", absolute parts or empty components. */
static int
rel_ok(const char *rel)
{
	const char *c;

	if (rel[0] == '\0' || rel[0] == '/' || strlen(rel) > 200)
		return 0;
	for (c = rel; *c != '\0'; c++)
		if (c[0] == '.' && c[1] == '.')
			return 0;
	return 1;
}

static int
name_ok(const char *name)
{
	return name[0] != '\0' && strchr(name, '/') == NULL &&
		strcmp(name, ".") != 0 && strlen(name) < 64 &&
		strcmp(name, "..") != 0;
}

static void
mkpath(const char *rel)
{
	char path[PATH_MAX];
	char *p;

	if (!rel_ok(rel))
		return;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

static void
put_file(const char *dir, const char *file, const char *content)
{
	char path[PATH_MAX];
	int fd;

	char text[MAX_LINE];
	size_t n = 0;

	if (strcmp(content, "-") == 0)
		return;
	/* a backslash then n stands for a newline: records are lines */
	for (; *content != '\0' && n < sizeof(text); content++) {
		if (content[0] == '\\' && content[1] == 'n') {
			text[n++] = '\n';
			content++;
		} else {
			text[n++] = *content;
		}
	}
	snprintf(path, sizeof(path), "%s/%s/%s", root, dir, file);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return;
	if (write(fd, text, n) < 0)
		(void)0;
	close(fd);
}

static void
put_link(const char *dir, const char *file, const char *target)
{
	char path[PATH_MAX];

	if (target[0] == '\0')
		return;
	snprintf(path, sizeof(path), "%s/%s/%s", root, dir, file);
	if (symlink(target, path) < 0)
		(void)0;
}

static void
add_name(const char *name, size_t size)
{
	if (nb_names == MAX_NAMES)
		return;
	snprintf(names[nb_names], sizeof(names[0]), "%s", name);
	sizes[nb_names] = size;
	nb_names++;
}

static void
record(char *line)
{
	char *f[MAX_FIELDS] = { 0 };
	char dir[PATH_MAX];
	unsigned int n = 0;
	char *tok;

	/* strsep keeps empty fields */
	while (n < MAX_FIELDS && (tok = strsep(&line, "|")) != NULL)
		f[n++] = tok;
	if (n < 2)
		return;
	for (; n < MAX_FIELDS; n++)
		f[n] = (char *)"";
	switch (f[0][0]) {
	case 'N':
		if (!name_ok(f[1]))
			return;
		snprintf(dir, sizeof(dir), "class/net/%s", f[1]);
		mkpath(dir);
		put_file(dir, "ifindex", f[2]);
		put_file(dir, "address", f[3]);
		put_link(dir, "device", f[4]);
		add_name(f[1], 16);
		break;
	case 'P':
		if (!name_ok(f[1]))
			return;
		snprintf(dir, sizeof(dir), "bus/pci/devices/%s", f[1]);
		mkpath(dir);
		put_file(dir, "vendor", f[2]);
		put_file(dir, "device", f[3]);
		put_link(dir, "driver", f[4]);
		if (name_ok(f[5])) {
			snprintf(dir, sizeof(dir), "bus/pci/devices/%s/net/%s",
				f[1], f[5]);
			mkpath(dir);
		}
		add_name(f[1], 16);
		break;
	case 'D':
		mkpath(f[1]);
		break;
	case 'L':
		if (rel_ok(f[1]) && strrchr(f[1], '/') != NULL) {
			snprintf(dir, sizeof(dir), "%.*s",
				(int)(strrchr(f[1], '/') - f[1]), f[1]);
			mkpath(dir);
			put_link(dir, strrchr(f[1], '/') + 1, f[2]);
		}
		break;
	case 'Q':
		add_name(f[1], (size_t)(1 + strtoul(f[2], NULL, 10) % 80));
		break;
	default:
		break;
	}
}

/* An output buffer of exactly size bytes, poisoned around by ASan. */
static void
query_buf(int (*fn)(const char *, char *, size_t), const char *name,
	size_t size)
{
	char *buf = malloc(size);
	int ret;

	if (buf == NULL)
		return;
	ret = fn(name, buf, size);
	if (ret == 0 && strnlen(buf, size) == size)
		__builtin_trap();
	if (ret > 0)
		__builtin_trap();
	free(buf);
}

static void
query(const char *name, size_t size)
{
	struct rte_ether_addr mac;
	uint16_t vendor, device;
	char *buf;
	int idx;

	(void)hotplug_pci_addr_valid(name);
	(void)hotplug_device_present(name);
	(void)hotplug_netdev_present(name);
	(void)hotplug_pci_present(name);
	idx = hotplug_ifname_to_ifindex(name);
	if (idx == 0)
		__builtin_trap(); /* > 0 or -errno, never 0 */
	if (idx > 0) {
		buf = malloc(size);
		if (buf != NULL) {
			if (hotplug_ifindex_to_ifname(idx, buf, size) == 0 &&
					strnlen(buf, size) == size)
				__builtin_trap();
			free(buf);
		}
	}
	if (hotplug_ifname_to_mac(name, &mac) == 0) {
		buf = malloc(size);
		if (buf != NULL) {
			if (hotplug_mac_to_ifname(&mac, buf, size) == 0 &&
					strnlen(buf, size) == size)
				__builtin_trap();
			free(buf);
		}
	}
	query_buf(hotplug_ifname_to_pci, name, size);
	query_buf(hotplug_pci_to_ifname, name, size);
	query_buf(hotplug_pci_driver, name, size);
	(void)hotplug_pci_to_id(name, &vendor, &device);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[MAX_LINE];
	size_t i, start, len;
	unsigned int k;

	if (root[0] == '\0') {
		const char *tmp = getenv("TMPDIR");

		snprintf(root, sizeof(root), "%s/fuzz-sysfs-XXXXXX",
			tmp != NULL ? tmp : "/tmp");
		if (mkdtemp(root) == NULL)
			abort();
		atexit(at_exit_cleanup);
		if (hotplug_sysfs_root_set(root) < 0)
			abort();
	}
	if (size > 4096 || memchr(data, '\0', size) != NULL)
		return 0;
	tree_remove();
	mkpath("class/net");
	mkpath("bus/pci/devices");
	nb_names = 0;
	for (start = 0, i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		len = i - start;
		if (len > 0 && len < MAX_LINE) {
			memcpy(line, data + start, len);
			line[len] = '\0';
			record(line);
		}
		start = i + 1;
	}
	for (k = 0; k < nb_names; k++) {
		query(names[k], sizes[k]);
		query(names[k], 1);
	}
	/* bad arguments */
	if (hotplug_ifindex_to_ifname(0, line, sizeof(line)) != -EINVAL ||
			hotplug_ifname_to_mac("x", NULL) != -EINVAL ||
			hotplug_mac_to_ifname(NULL, line, 1) != -EINVAL)
		__builtin_trap();
	return 0;
}
