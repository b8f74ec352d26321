/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Devargs of a fail-safe port.  Sub-devices are written dev(...), exec(...)
 * or fd(...) and carry commas of their own, which rte_kvargs cannot nest;
 * so the top level is split here at depth-0 commas, sub-device tokens are
 * taken out, and the remaining key=value pairs go through rte_kvargs.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_kvargs.h>

#include "fs_args.h"
#include "fs_exec.h"

#define FS_KV_MAC		"mac"
#define FS_KV_POLL		"hotplug_poll"
#define FS_KV_UEVENT		"uevent"
#define FS_KV_BIND		"bind_driver"
#define FS_KV_RCU		"rcu_expedite"
#define FS_KV_MATCH_MAC		"match_mac"
#define FS_KV_MATCH_PCI		"match_pci"
#define FS_KV_EXEC_TIMEOUT	"exec_timeout"

static const char * const fs_plain_keys[] = {
	FS_KV_MAC, FS_KV_POLL, FS_KV_UEVENT, FS_KV_BIND, FS_KV_RCU,
	FS_KV_EXEC_TIMEOUT,
};

static const char * const fs_sub_keywords[] = {
	[FS_SUB_DEV] = "dev",
	[FS_SUB_EXEC] = "exec",
	[FS_SUB_FD] = "fd",
};

struct fs_parse {
	struct fs_args *args;
	char *err;
	size_t err_len;
};

static int __rte_format_printf(2, 3)
fs_fail(struct fs_parse *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->err_len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int
fs_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (*s == '\0' || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || *out > max)
		return -EINVAL;
	return 0;
}

static int
fs_parse_unicast_mac(const char *s, struct rte_ether_addr *mac)
{
	if (strlen(s) != RTE_ETHER_ADDR_FMT_SIZE - 1 ||
	    rte_ether_unformat_addr(s, mac) < 0)
		return -EINVAL;
	if (!rte_is_unicast_ether_addr(mac) || rte_is_zero_ether_addr(mac))
		return -ERANGE;
	return 0;
}

/* A "dev(...)", "exec(...)" or "fd(...)" token. */
static int
fs_parse_sub(struct fs_parse *p, const char *tok, size_t len,
	     enum fs_sub_kind kind)
{
	const char *kw = fs_sub_keywords[kind];
	size_t kw_len = strlen(kw);
	const char *inner = tok + kw_len + 1;
	size_t inner_len = len - kw_len - 2;
	struct fs_sub_args *sa;
	unsigned long fd;

	if (tok[len - 1] != ')')
		return fs_fail(p, "'%.*s': text after the closing ')' of %s()",
			       (int)len, tok, kw);
	if (memchr(inner, '(', inner_len) != NULL)
		return fs_fail(p, "'%.*s': nested parentheses; a sub-device cannot itself take dev()/exec()/fd()",
			       (int)len, tok);
	if (inner_len == 0)
		return fs_fail(p, "empty %s(): give the sub-device's devargs, e.g. dev(net_null0)",
			       kw);
	if (p->args->nb_subs == FS_MAX_SUBDEVS)
		return fs_fail(p, "too many sub-devices: at most %d",
			       FS_MAX_SUBDEVS);
	if (inner_len >= FS_DEVARGS_MAX)
		return fs_fail(p, "%s(): argument longer than %d characters",
			       kw, FS_DEVARGS_MAX - 1);
	sa = &p->args->sub[p->args->nb_subs];
	memset(sa, 0, sizeof(*sa));
	sa->kind = kind;
	sa->fd = -1;
	memcpy(sa->spec, inner, inner_len);
	sa->spec[inner_len] = '\0';
	if (kind == FS_SUB_FD) {
		if (fs_parse_uint(sa->spec, INT32_MAX, &fd) < 0)
			return fs_fail(p, "fd(%s): not a file descriptor number",
				       sa->spec);
		/* Said now, in the probe's one line, not at every re-probe. */
		if (fcntl((int)fd, F_GETFD) < 0)
			return fs_fail(p, "fd(%s): not an open file descriptor (%s)",
				       sa->spec, strerror(errno));
		sa->fd = (int)fd;
	}
	p->args->nb_subs++;
	return 0;
}

/* Keys are fixed, or a fixed prefix followed by a slot number. */
static bool
fs_key_is_slot_key(const char *key, size_t key_len, const char *prefix)
{
	size_t n = strlen(prefix);

	return key_len == n + 1 && strncmp(key, prefix, n) == 0 &&
		key[n] >= '0' && key[n] < '0' + FS_MAX_SUBDEVS;
}

static bool
fs_key_is_known(const char *key, size_t key_len)
{
	size_t i;

	for (i = 0; i < RTE_DIM(fs_plain_keys); i++)
		if (strlen(fs_plain_keys[i]) == key_len &&
		    strncmp(key, fs_plain_keys[i], key_len) == 0)
			return true;
	return fs_key_is_slot_key(key, key_len, FS_KV_MATCH_MAC) ||
		fs_key_is_slot_key(key, key_len, FS_KV_MATCH_PCI);
}

static int
fs_check_kv_token(struct fs_parse *p, const char *tok, size_t len)
{
	const char *eq = memchr(tok, '=', len);
	size_t key_len;
	size_t i;

	if (eq == NULL)
		return fs_fail(p, "'%.*s' is neither key=value nor dev()/exec()/fd()",
			       (int)len, tok);
	key_len = eq - tok;
	for (i = 0; i < RTE_DIM(fs_sub_keywords); i++)
		if (strlen(fs_sub_keywords[i]) == key_len &&
		    strncmp(tok, fs_sub_keywords[i], key_len) == 0)
			return fs_fail(p, "'%.*s': write %s(<devargs>), not %s=",
				       (int)len, tok, fs_sub_keywords[i],
				       fs_sub_keywords[i]);
	if (!fs_key_is_known(tok, key_len))
		return fs_fail(p, "unknown key '%.*s' (known: mac, hotplug_poll, exec_timeout, uevent, rcu_expedite, bind_driver, match_mac<N>, match_pci<N>, dev(), exec(), fd())",
			       (int)key_len, tok);
	if (eq + 1 == tok + len)
		return fs_fail(p, "key '%.*s' has no value", (int)key_len, tok);
	/* rte_kvargs splits "a=b=c" as key b, value c: the key checked
	 * above would not be the one applied.
	 */
	if (memchr(eq + 1, '=', tok + len - eq - 1) != NULL)
		return fs_fail(p, "'%.*s': '=' in the value of key '%.*s'",
			       (int)len, tok, (int)key_len, tok);
	return 0;
}

static int
fs_classify_token(struct fs_parse *p, const char *tok, size_t len,
		  char *kv, size_t kv_size)
{
	size_t used = strlen(kv);
	size_t i;
	int ret;

	for (i = 0; i < RTE_DIM(fs_sub_keywords); i++) {
		size_t n = strlen(fs_sub_keywords[i]);

		if (len > n && strncmp(tok, fs_sub_keywords[i], n) == 0 &&
		    tok[n] == '(')
			return fs_parse_sub(p, tok, len, i);
	}
	ret = fs_check_kv_token(p, tok, len);
	if (ret < 0)
		return ret;
	if (used + len + 2 > kv_size)
		return fs_fail(p, "devargs too long");
	snprintf(kv + used, kv_size - used, "%s%.*s", used ? "," : "",
		 (int)len, tok);
	return 0;
}

/* Split at commas outside parentheses. */
static int
fs_split(struct fs_parse *p, const char *params, char *kv, size_t kv_size)
{
	const char *tok = params;
	const char *c;
	int depth = 0;
	int ret;

	for (c = params; ; c++) {
		if (*c == '(') {
			depth++;
		} else if (*c == ')') {
			if (--depth < 0)
				return fs_fail(p, "unbalanced ')' at offset %td",
					       c - params);
		} else if ((*c == ',' && depth == 0) || *c == '\0') {
			if (*c == '\0' && depth != 0)
				return fs_fail(p, "unbalanced '(': missing ')' at end of '%s'",
					       tok);
			if (c == tok)
				return fs_fail(p, "empty argument at offset %td",
					       tok - params);
			ret = fs_classify_token(p, tok, c - tok, kv, kv_size);
			if (ret < 0)
				return ret;
			if (*c == '\0')
				return 0;
			tok = c + 1;
		}
	}
}

static int
fs_kv_mac(const char *key, const char *value, void *opaque)
{
	struct fs_parse *p = opaque;
	int ret = fs_parse_unicast_mac(value, &p->args->mac);

	if (ret == -ERANGE)
		return fs_fail(p, "%s=%s: not a unicast address", key, value);
	if (ret < 0)
		return fs_fail(p, "%s=%s: not a MAC address (want xx:xx:xx:xx:xx:xx)",
			       key, value);
	p->args->mac_set = true;
	return 0;
}

static int
fs_kv_poll(const char *key, const char *value, void *opaque)
{
	struct fs_parse *p = opaque;
	unsigned long ms;

	if (fs_parse_uint(value, FS_HOTPLUG_POLL_MAX, &ms) < 0)
		return fs_fail(p, "%s=%s: want milliseconds, 0 (off) to %d",
			       key, value, FS_HOTPLUG_POLL_MAX);
	p->args->hotplug_poll_ms = ms;
	return 0;
}

static int
fs_kv_exec_timeout(const char *key, const char *value, void *opaque)
{
	struct fs_parse *p = opaque;
	unsigned long ms;

	if (fs_parse_uint(value, FS_EXEC_TIMEOUT_MAX, &ms) < 0 || ms == 0)
		return fs_fail(p, "%s=%s: want milliseconds, 1 to %d",
			       key, value, FS_EXEC_TIMEOUT_MAX);
	p->args->exec_timeout_ms = ms;
	return 0;
}

static int
fs_onoff(struct fs_parse *p, const char *key, const char *value, bool *out)
{
	if (strcmp(value, "on") == 0 || strcmp(value, "1") == 0)
		*out = true;
	else if (strcmp(value, "off") == 0 || strcmp(value, "0") == 0)
		*out = false;
	else
		return fs_fail(p, "%s=%s: want on or off", key, value);
	return 0;
}

static int
fs_kv_uevent(const char *key, const char *value, void *opaque)
{
	struct fs_parse *p = opaque;

	return fs_onoff(p, key, value, &p->args->uevent);
}

static int
fs_kv_rcu(const char *key, const char *value, void *opaque)
{
	struct fs_parse *p = opaque;

	return fs_onoff(p, key, value, &p->args->rcu_expedite);
}

static int
fs_kv_bind(const char *key, const char *value, void *opaque)
{
	struct fs_parse *p = opaque;
	const char *c;

	for (c = value; *c != '\0'; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return fs_fail(p, "%s=%s: not a kernel driver name",
				       key, value);
	if (strlen(value) >= sizeof(p->args->bind_driver))
		return fs_fail(p, "%s=%s: driver name too long", key, value);
	strcpy(p->args->bind_driver, value);
	return 0;
}

static int
fs_slot_of_key(struct fs_parse *p, const char *key)
{
	int slot = key[strlen(key) - 1] - '0';

	if (slot >= p->args->nb_subs)
		return fs_fail(p, "%s: there is no sub-device %d (only %u given)",
			       key, slot, p->args->nb_subs);
	return slot;
}

static int
fs_kv_match_mac(const char *key, const char *value, void *opaque)
{
	struct fs_parse *p = opaque;
	struct fs_sub_args *sa;
	int slot = fs_slot_of_key(p, key);

	if (slot < 0)
		return slot;
	sa = &p->args->sub[slot];
	if (fs_parse_unicast_mac(value, &sa->match_mac) < 0)
		return fs_fail(p, "%s=%s: not a unicast MAC address", key, value);
	sa->match_mac_set = true;
	return 0;
}

static int
fs_kv_match_pci(const char *key, const char *value, void *opaque)
{
	struct fs_parse *p = opaque;
	struct fs_sub_args *sa;
	unsigned int vendor, device;
	int slot = fs_slot_of_key(p, key);
	int n = 0;

	if (slot < 0)
		return slot;
	sa = &p->args->sub[slot];
	if (sscanf(value, "%4x:%4x%n", &vendor, &device, &n) != 2 ||
	    value[n] != '\0' || strlen(value) != 9)
		return fs_fail(p, "%s=%s: want <vendor>:<device> in hex, e.g. 8086:10d3",
			       key, value);
	sa->match_vendor = vendor;
	sa->match_device = device;
	sa->match_pci_id_set = true;
	return 0;
}

static int
fs_kv_apply(struct fs_parse *p, struct rte_kvargs *kvl, const char *key,
	    arg_handler_t fn)
{
	unsigned int n = rte_kvargs_count(kvl, key);

	if (n > 1)
		return fs_fail(p, "key '%s' given %u times", key, n);
	if (n == 0)
		return 0;
	return rte_kvargs_process(kvl, key, fn, p) < 0 ? -EINVAL : 0;
}

static int
fs_kv_parse(struct fs_parse *p, const char *kv)
{
	struct rte_kvargs *kvl;
	char key[32];
	int ret;
	int i;

	if (kv[0] == '\0')
		return 0;
	kvl = rte_kvargs_parse(kv, NULL);
	if (kvl == NULL)
		return fs_fail(p, "cannot parse '%s' as key=value pairs", kv);
	ret = fs_kv_apply(p, kvl, FS_KV_MAC, fs_kv_mac);
	if (ret == 0)
		ret = fs_kv_apply(p, kvl, FS_KV_POLL, fs_kv_poll);
	if (ret == 0)
		ret = fs_kv_apply(p, kvl, FS_KV_EXEC_TIMEOUT, fs_kv_exec_timeout);
	if (ret == 0)
		ret = fs_kv_apply(p, kvl, FS_KV_UEVENT, fs_kv_uevent);
	if (ret == 0)
		ret = fs_kv_apply(p, kvl, FS_KV_RCU, fs_kv_rcu);
	if (ret == 0)
		ret = fs_kv_apply(p, kvl, FS_KV_BIND, fs_kv_bind);
	for (i = 0; ret == 0 && i < FS_MAX_SUBDEVS; i++) {
		snprintf(key, sizeof(key), FS_KV_MATCH_MAC "%d", i);
		ret = fs_kv_apply(p, kvl, key, fs_kv_match_mac);
		if (ret == 0) {
			snprintf(key, sizeof(key), FS_KV_MATCH_PCI "%d", i);
			ret = fs_kv_apply(p, kvl, key, fs_kv_match_pci);
		}
	}
	rte_kvargs_free(kvl);
	return ret;
}

int
fs_args_parse(const char *params, struct fs_args *args,
	      char *err, size_t err_len)
{
	struct fs_parse p = { .args = args, .err = err, .err_len = err_len };
	char kv[FS_DEVARGS_MAX * 2];
	unsigned int i;
	int ret;

	memset(args, 0, sizeof(*args));
	args->hotplug_poll_ms = FS_HOTPLUG_POLL_DEFAULT;
	args->exec_timeout_ms = FS_EXEC_TIMEOUT_DEFAULT;
	args->uevent = true;
	strcpy(args->bind_driver, "vfio-pci");
	err[0] = '\0';
	kv[0] = '\0';
	if (params == NULL || params[0] == '\0')
		return fs_fail(&p, "no sub-device: give at least one dev(<devargs>)");
	if (strlen(params) >= sizeof(kv))
		return fs_fail(&p, "devargs longer than %zu characters",
			       sizeof(kv) - 1);
	ret = fs_split(&p, params, kv, sizeof(kv));
	if (ret < 0)
		return ret;
	if (args->nb_subs == 0)
		return fs_fail(&p, "no sub-device: give at least one dev(<devargs>)");
	ret = fs_kv_parse(&p, kv);
	for (i = 0; i < args->nb_subs; i++)
		args->sub[i].exec_timeout_ms = args->exec_timeout_ms;
	return ret;
}

/* Blocks up to the command's bound: for callers that may (tests, tools). */
static int
fs_resolve_exec(const struct fs_sub_args *sa, char *out, size_t out_len,
		char *err, size_t err_len)
{
	struct fs_exec x;
	int ret;

	fs_exec_init(&x);
	ret = fs_exec_start(&x, sa->spec, sa->exec_timeout_ms);
	if (ret < 0) {
		snprintf(err, err_len, "exec(%s): cannot run it: %s", sa->spec,
			 strerror(-ret));
		return ret;
	}
	fs_exec_wait(&x);
	ret = fs_exec_take(&x, sa->spec, out, out_len, err, err_len);
	fs_exec_stop(&x);
	return ret;
}

static uint64_t
fs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* Wait at most ms for fd to be readable: 1 readable, 0 not, -errno. */
static int
fs_fd_wait(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret;

	do {
		ret = poll(&pfd, 1, ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (ret > 0 && (pfd.revents & POLLNVAL))
		return -EBADF;
	return ret;
}

/*
 * One line, one byte at a time, so that what follows stays for the next
 * probe.  Nothing to read yet: -EAGAIN at once; a line begun but not
 * ended: at most FS_FD_LINE_MS for the rest, then -ETIMEDOUT.
 */
static int
fs_fd_read_line(int fd, char *out, size_t out_len)
{
	uint64_t deadline = 0;
	size_t n = 0;
	ssize_t r;
	char c;
	int ret;

	for (;;) {
		int wait_ms = deadline == 0 ? 0 : (int)(deadline - RTE_MIN(deadline, fs_now_ms()));

		ret = fs_fd_wait(fd, wait_ms);
		if (ret < 0)
			return ret;
		if (ret == 0)
			return n == 0 ? -EAGAIN : -ETIMEDOUT;
		r = read(fd, &c, 1);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0)
			return -errno;
		if (r == 0 || c == '\n')
			break;
		if (n + 1 >= out_len)
			return -ENAMETOOLONG;
		if (c != '\r')
			out[n++] = c;
		if (deadline == 0)
			deadline = fs_now_ms() + FS_FD_LINE_MS;
	}
	out[n] = '\0';
	return n == 0 ? -ENODATA : 0;
}

/*
 * Re-probes run in the EAL interrupt thread (hotplug_poll): a read that
 * waits for a writer would stall every alarm and interrupt of the
 * process, so the descriptor is only read as far as it has data.
 */
static int
fs_resolve_fd(const struct fs_sub_args *sa, char *out, size_t out_len,
	      char *err, size_t err_len)
{
	int ret = fs_fd_read_line(sa->fd, out, out_len);

	switch (ret) {
	case 0:
		return 0;
	case -EAGAIN:
		snprintf(err, err_len, "fd(%d): no devargs to read yet (not waiting for a writer)",
			 sa->fd);
		break;
	case -ETIMEDOUT:
		snprintf(err, err_len, "fd(%d): devargs line not ended within %d ms (write it with one write(), newline included)",
			 sa->fd, FS_FD_LINE_MS);
		break;
	case -ENODATA:
		snprintf(err, err_len, "fd(%d): no devargs line to read", sa->fd);
		break;
	case -ENAMETOOLONG:
		snprintf(err, err_len, "fd(%d): devargs line longer than %zu characters",
			 sa->fd, out_len - 1);
		break;
	default:
		snprintf(err, err_len, "fd(%d): %s", sa->fd, strerror(-ret));
		break;
	}
	return ret;
}

int
fs_args_resolve(const struct fs_sub_args *sa, char *out, size_t out_len,
		char *err, size_t err_len)
{
	switch (sa->kind) {
	case FS_SUB_DEV:
		if (strlen(sa->spec) >= out_len)
			return -ENAMETOOLONG;
		strcpy(out, sa->spec);
		return 0;
	case FS_SUB_EXEC:
		return fs_resolve_exec(sa, out, out_len, err, err_len);
	case FS_SUB_FD:
		return fs_resolve_fd(sa, out, out_len, err, err_len);
	}
	return -EINVAL;
}

/*
 * A replacement's interface written into a slot's devargs in place of
 * iface=<old>.  rte_kvargs has no escape: a kernel name may hold ',' or
 * '=' (only '/', ':' and blanks are refused), which would add keys of
 * its choosing, so such a name is refused.
 */
int
fs_args_replace_iface(const char *devargs, const char *old_if,
		      const char *new_if, char *out, size_t out_len)
{
	size_t old_len = strlen(old_if);
	const char *p = devargs;
	int n;

	if (new_if[0] == '\0' || strpbrk(new_if, ",=") != NULL)
		return -EINVAL;
	/* The whole value of an iface key, not a prefix of another. */
	for (p = strstr(p, "iface="); p != NULL; p = strstr(p + 1, "iface=")) {
		const char *v = p + strlen("iface=");

		if ((p == devargs || p[-1] == ',') &&
		    strncmp(v, old_if, old_len) == 0 &&
		    (v[old_len] == ',' || v[old_len] == '\0'))
			break;
	}
	if (p == NULL)
		return -ENOENT;
	n = snprintf(out, out_len, "%.*siface=%s%s", (int)(p - devargs),
		     devargs, new_if, p + strlen("iface=") + old_len);
	if (n < 0 || (size_t)n >= out_len)
		return -ENAMETOOLONG;
	return 0;
}
