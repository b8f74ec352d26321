/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Floor 1: what a slot's devargs resolve to (as written, a replacement's,
 * an fd()'s or an exec() command's answer) and the identity kernel
 * events name it by (its interface, or its PCI address); and the exec()
 * commands' service.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_devargs.h>
#include <rte_kvargs.h>
#include <rte_pci.h>

#include "hotplug.h"

#include "fs_private.h"
#include "fs_alarm.h"

/* Kernel events name a PCI device DDDD:BB:DD.F; devargs may say BB:DD.F. */
static void
fs_identity_pci(struct fs_sub *sub, const char *name)
{
	struct rte_pci_addr addr;

	if (rte_pci_addr_parse(name, &addr) == 0)
		rte_pci_device_name(&addr, sub->pci_addr, sizeof(sub->pci_addr));
	else
		snprintf(sub->pci_addr, sizeof(sub->pci_addr), "%s", name);
}

static void
fs_identity_write(struct fs_sub *sub, const struct rte_devargs *da,
		  const char *iface)
{
	struct fs_priv *priv = sub->priv;
	uint32_t seq = priv->id_seq;
	char old_iface[sizeof(sub->iface)], old_pci[sizeof(sub->pci_addr)];

	memcpy(old_iface, sub->iface, sizeof(old_iface));
	memcpy(old_pci, sub->pci_addr, sizeof(old_pci));
	/* Writers hold the port lock; the uevent filter reads without it. */
	__atomic_store_n(&priv->id_seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	sub->iface[0] = '\0';
	sub->pci_addr[0] = '\0';
	if (strcmp(rte_bus_name(da->bus), "pci") == 0)
		fs_identity_pci(sub, da->name);
	else if (iface != NULL)
		snprintf(sub->iface, sizeof(sub->iface), "%s", iface);
	__atomic_store_n(&priv->id_seq, seq + 2, __ATOMIC_RELEASE);
	/* A replacement took the slot: the old name is nobody's any more. */
	if (old_pci[0] != '\0' && strcmp(old_pci, sub->pci_addr) != 0)
		hotplug_device_untrack(old_pci);
	else if (old_pci[0] == '\0' && old_iface[0] != '\0' &&
		 strcmp(old_iface, sub->iface) != 0)
		hotplug_device_untrack(old_iface);
}

static void
fs_identity_from(struct fs_sub *sub, const struct rte_devargs *da)
{
	struct rte_kvargs *kv = NULL;

	if (strcmp(rte_bus_name(da->bus), "pci") != 0 &&
	    da->args != NULL && da->args[0] != '\0')
		kv = rte_kvargs_parse(da->args, NULL);
	fs_identity_write(sub, da, kv != NULL ? rte_kvargs_get(kv, "iface") : NULL);
	rte_kvargs_free(kv);
}

/* What a kernel event about this slot would name: interface or PCI address. */
void
fs_sub_identity(struct fs_sub *sub, const char *devargs)
{
	struct rte_devargs da;

	memset(&da, 0, sizeof(da));
	if (rte_devargs_parse(&da, devargs) != 0)
		return;
	fs_identity_from(sub, &da);
	rte_devargs_reset(&da);
}

/*
 * exec(): the command runs on its own; this only starts it or takes its
 * answer, so no thread waits for it here, whichever calls (the port lock
 * is held).  -EAGAIN while it runs: the alarm takes the answer on a
 * later tick (fs_subs_exec_service) and probes the slot then.
 */
static int
fs_sub_resolve_exec(struct fs_sub *sub)
{
	const struct fs_sub_args *sa = &sub->priv->args.sub[sub->idx];
	struct fs_priv *priv = sub->priv;
	char err[FS_ARGS_ERR_MAX] = "";
	int ret;

	if (!sub->exec.done && !fs_exec_running(&sub->exec)) {
		ret = fs_exec_start(&sub->exec, sa->spec, priv->args.exec_timeout_ms);
		if (ret == -EBUSY)
			ret = -EAGAIN;	/* the last one is still exiting */
		else if (ret < 0)
			return fs_sub_fail(sub, ret, "exec(%s): cannot run it: %s",
					   sa->spec, strerror(-ret));
		priv->exec_busy = true;
		fs_alarm_arm(priv, FS_EXEC_POLL_US);
		if (ret < 0)
			return ret;
	}
	if (fs_exec_poll(&sub->exec) == -EAGAIN)
		return -EAGAIN;
	ret = fs_exec_take(&sub->exec, sa->spec, sub->devargs,
			   sizeof(sub->devargs), err, sizeof(err));
	if (ret < 0)
		return fs_sub_fail(sub, ret, "%s", err);
	return 0;
}

/* Locked: the devargs the slot probes now, its identity from them. */
int
fs_sub_resolve(struct fs_sub *sub, struct rte_devargs *da)
{
	const struct fs_sub_args *sa = &sub->priv->args.sub[sub->idx];
	char err[FS_ARGS_ERR_MAX] = "";
	int ret;

	if (sub->devargs_override[0] != '\0') {
		snprintf(sub->devargs, sizeof(sub->devargs), "%s",
			 sub->devargs_override);
	} else if (sa->kind == FS_SUB_EXEC) {
		ret = fs_sub_resolve_exec(sub);
		if (ret < 0)
			return ret;
	} else {
		ret = fs_args_resolve(sa, sub->devargs, sizeof(sub->devargs),
				      err, sizeof(err));
		/* An fd() still empty is polled often: say so once. */
		if (ret == -EAGAIN && strcmp(err, sub->last_error) == 0)
			return ret;
		if (ret < 0)
			return fs_sub_fail(sub, ret, "%s",
					   err[0] ? err : "cannot resolve devargs");
	}
	if (rte_devargs_parse(da, sub->devargs) != 0)
		return fs_sub_fail(sub, -EINVAL, "'%s': not valid devargs (no bus knows this device)",
				   sub->devargs);
	snprintf(sub->bus, sizeof(sub->bus), "%s", rte_bus_name(da->bus));
	snprintf(sub->dev_name, sizeof(sub->dev_name), "%s", da->name);
	fs_identity_from(sub, da);
	return 0;
}

/* The interface a net sub-device binds to, by index: names are reused. */
int
fs_sub_ifindex(const struct fs_sub *sub)
{
	int idx;

	if (sub->iface[0] == '\0')
		return 0;
	idx = hotplug_ifname_to_ifindex(sub->iface);
	return idx > 0 ? idx : 0;
}

/*
 * Lock not held, in the thread probing the port (the application's): the
 * exec() commands run together, and this waits for them, at most
 * exec_timeout, so that their sub-devices are there when the probe ends.
 */
void
fs_subs_exec_prefetch(struct fs_priv *priv)
{
	struct fs_sub *sub;

	FS_FOREACH_SUB(priv, sub)
		if (priv->args.sub[sub->idx].kind == FS_SUB_EXEC)
			fs_exec_start(&sub->exec, priv->args.sub[sub->idx].spec,
				      priv->args.exec_timeout_ms);
	FS_FOREACH_SUB(priv, sub)
		fs_exec_wait(&sub->exec);
}

/*
 * Service (under lock, never blocking): read what running commands
 * printed and reap those that were killed.  *answered: a slot's command
 * answered and the slot may join (the ADD worker's fs_subs_join).
 * Returns true while one is not finished.
 */
bool
fs_subs_exec_service(struct fs_priv *priv, bool *answered)
{
	bool busy = false;
	struct fs_sub *sub;

	FS_FOREACH_SUB(priv, sub) {
		struct fs_exec *x = &sub->exec;

		if (fs_exec_idle(x))
			continue;
		if (fs_exec_poll(x) == 0 && x->done) {
			if (sub->state != FS_SUB_EMPTY)
				x->done = false;	/* a replacement took the slot */
			else if (!fs_sub_leaving(sub))
				*answered = true;
		}
		fs_exec_reap(x);
		busy |= !fs_exec_idle(x);
	}
	return busy;
}

/* At close, lock not held: no command outlives its port. */
void
fs_subs_exec_stop(struct fs_priv *priv)
{
	struct fs_sub *sub;

	FS_FOREACH_SUB(priv, sub)
		fs_exec_stop(&sub->exec);
}
