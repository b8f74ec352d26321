#!/bin/busybox sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# /init of the guest's initramfs (busybox).  Mounts the kernel file
# systems, loads the modules listed in /modules.order (boot) and
# /modules.<fsq.bind> (binding under test), mounts the host's root over 9p
# read-only on /host, prepares it for a chroot, runs the guest script
# named by fsq.script= with bash in that chroot, and powers off whatever
# happens, so the host never waits for a hung guest longer than its own
# time limit.
/bin/busybox mkdir -p /proc /sys /dev /tmp /run /host
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/hugepages
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs -o mode=0755 tmpfs /run

arg() {	# arg <name>: value of <name>= on the kernel command line
	tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | tail -1
}

say() { echo "@@FSQ $*" > /dev/console; }

bye() {
	say "poweroff $1"
	sync
	poweroff -f
	sleep 5
	echo o > /proc/sysrq-trigger
}

load() {	# load <list>: insmod each module of the list, in order
	local m
	[ -f "$1" ] || return 0
	while read -r m; do
		[ -n "$m" ] || continue
		insmod "/lib/modules/$m" || { say "error insmod $m"; return 1; }
	done < "$1"
}

load /modules.boot || bye insmod
load "/modules.$(arg fsq.bind)" || bye insmod
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose \
	hostroot /host || bye mount-9p
mount -t hugetlbfs nodev /dev/hugepages
# The chroot: the guest's own /dev, /proc, /sys, hugetlbfs and fresh
# tmpfs over /run and /tmp (the host's are not ours to write).
mount -o bind /dev /host/dev
mount -o bind /dev/pts /host/dev/pts
mount -o bind /dev/hugepages /host/dev/hugepages
mount -t proc proc /host/proc
mount -t sysfs sysfs /host/sys
mount -t tmpfs -o mode=0755 tmpfs /host/run
mount -t tmpfs -o mode=1777 tmpfs /host/tmp
script=$(arg fsq.script)
say "boot uptime=$(cut -d' ' -f1 /proc/uptime)"
chroot /host /bin/bash "$script"
bye "rc=$?"
