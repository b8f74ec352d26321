#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Build the guest's initramfs: busybox-static, init.sh as /init, and the
# modules the guest needs, in load order (modprobe --show-depends), for
# the boot (9p over virtio) and for each binding (uio, vfio).
#   mkinitramfs.sh <kernel root from dpkg -x> <kernel version> <output>
set -euo pipefail

kroot=$1
kver=$2
out=$3
here=$(cd "$(dirname "$0")" && pwd)

boot_mods="netfs fscache 9pnet virtio_ring virtio 9pnet_virtio 9p
	virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci"
declare -A bind_mods=(
	[uio]="uio uio_pci_generic"
	[vfio]="vfio vfio_iommu_type1 irqbypass vfio_virqfd vfio-pci-core vfio-pci"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/lib/modules"
cp /bin/busybox "$work/bin/busybox"
install -m 0755 "$here/init.sh" "$work/init"
[ -f "$kroot/lib/modules/$kver/modules.dep" ] || depmod -b "$kroot" "$kver"

# list <name> <modules...>: copy each module (and what it needs) once and
# write the load order to /modules.<name>.
list() {
	local name=$1 m ko rel
	shift
	: > "$work/modules.$name"
	# A module that later kernels merged into another (fscache into
	# netfs, vfio_virqfd into vfio by 6.12) is not an error.
	for m in "$@"; do
		modprobe -d "$kroot" -S "$kver" --show-depends "$m" 2>/dev/null ||
			echo "mkinitramfs: no module $m in $kver (merged or built in)" >&2
	done | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' | while read -r ko; do
		rel=${ko#*/lib/modules/$kver/}
		mkdir -p "$work/lib/modules/$(dirname "$rel")"
		cp "$ko" "$work/lib/modules/$rel"
		grep -qxF "$rel" "$work"/modules.* 2>/dev/null ||
			echo "$rel" >> "$work/modules.$name"
	done
}
# shellcheck disable=SC2086
list boot $boot_mods
for b in "${!bind_mods[@]}"; do
	# shellcheck disable=SC2086
	list "$b" ${bind_mods[$b]}
done
(cd "$work" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
