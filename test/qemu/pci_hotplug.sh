#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Real PCI hot-unplug under DPDK, in a QEMU guest (q35, TCG): the
# preferred NIC of a net_failsafe port is yanked with QMP device_del while
# dpdk-testpmd sends, then put back with device_add, for a few cycles;
# with our plugin (-d) and, as a baseline, with Debian's net_failsafe.
# See doc/guides/howto/pci_hotplug_qemu.rst.
#
#   FSQ_CYCLES=2            yanks per run
#   FSQ_BINDS="uio"         uio and/or vfio (vfio-pci behind intel-iommu)
#   FSQ_VARIANTS="ours debian"
#   FSQ_YANKS="virtio e1000e"  model of the preferred NIC, the one yanked:
#                           virtio, e1000e, e1000, vmxnet3
#   FSQ_RUN_TIMEOUT=300     seconds, per guest boot
#   FSQ_CACHE=/var/cache/failsafe-uevent-qemu   kernel and initramfs
#   FSQ_OUT=<dir>           where results.json and the logs go
#   FS_BUILD_DIR=<build>    plugin from <build>/drivers
#   FSQ_SCENARIOS="sriov macswap"  run these (run_scenario.py,
#                           guest_scenario.sh) instead of the yank matrix:
#     sriov    igb VF (slot 0) + virtio, vfio-pci; VFs removed and made
#              again with sriov_numvfs (QEMU >= 8.0: Debian 13's)
#     macswap  virtio (slot 0) replaced by an e1000e with the same MAC at
#              another PCI address, uio_pci_generic
#   FSQ_MATCH="match_mac0=02:00:00:00:00:01"  slot 0's rule, macswap, ours
#
# Exit status: 0 when every run of our plugin passed its checks (the
# baseline is reported, never judged); 77 when the guest cannot be made.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${FS_BUILD_DIR:-${FS_BUILD_ROOT:-$top/build}}
cache=${FSQ_CACHE:-/var/cache/failsafe-uevent-qemu}
cycles=${FSQ_CYCLES:-2}
binds=${FSQ_BINDS:-uio}
variants=${FSQ_VARIANTS:-ours debian}
yanks=${FSQ_YANKS:-virtio e1000e}
run_timeout=${FSQ_RUN_TIMEOUT:-300}
out=${FSQ_OUT:-$(mktemp -d /tmp/fsq-qemu.XXXXXX)}
mkdir -p "$out"
log() { echo "[qemu] $*"; }

need_pkgs=()
command -v qemu-system-x86_64 >/dev/null || need_pkgs+=(qemu-system-x86)
# grep reads the whole list: with pipefail, grep -q's early exit could
# fail the pipeline (busybox killed by SIGPIPE) and ask for a reinstall.
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -x insmod > /dev/null ||
	need_pkgs+=(busybox-static)
command -v cpio >/dev/null || need_pkgs+=(cpio)
command -v depmod >/dev/null || need_pkgs+=(kmod)
if [ ${#need_pkgs[@]} -gt 0 ]; then
	log "installing ${need_pkgs[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"${need_pkgs[@]}" > "$out/apt.log" 2>&1; then
		apt-get update > /dev/null 2>&1
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			"${need_pkgs[@]}" > "$out/apt.log" 2>&1 ||
			{ log "cannot install ${need_pkgs[*]} (see $out/apt.log)"; exit 77; }
	fi
fi

# The release's default kernel (what linux-image-amd64 depends on: 6.1 on
# Debian 12, 6.12 on 13), unpacked (never installed) in the cache; one
# download for every later run.
kernel_package() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n1
}
mkdir -p "$cache"
name=$(kernel_package)
if [ -z "$name" ] || [ ! -d "$cache/kernel-${name#linux-image-}" ]; then
	apt-get update -q > "$out/update.log" 2>&1
	name=$(kernel_package)
fi
[ -n "$name" ] || { log "linux-image-amd64 names no kernel in apt's lists"; exit 77; }
kpkg="$cache/kernel-${name#linux-image-}"
if [ ! -d "$kpkg" ]; then
	log "fetching $name"
	(cd "$cache" && apt-get download "$name" > "$out/download.log" 2>&1) ||
		{ log "apt-get download $name failed (see $out/download.log)"; exit 77; }
	dpkg -x "$cache/${name}_"*.deb "$kpkg.tmp" && mv "$kpkg.tmp" "$kpkg"
	rm -f "$cache/${name}_"*.deb
fi
# Debian 13's packages put modules under usr/lib (merged /usr); the
# initramfs recipe reads lib/modules.
if [ ! -d "$kpkg/lib/modules" ] && [ -d "$kpkg/usr/lib/modules" ]; then
	mkdir -p "$kpkg/lib"
	ln -sfn ../usr/lib/modules "$kpkg/lib/modules"
fi
kver=$(basename "$(ls -d "$kpkg"/lib/modules/*)")
kernel="$kpkg/boot/vmlinuz-$kver"
# The initramfs is rebuilt when its recipe changes.
sum=$(cat "$here/init.sh" "$here/mkinitramfs.sh" | md5sum | cut -c1-8)
initrd="$cache/initramfs-$kver-$sum.img"
if [ ! -f "$initrd" ]; then
	log "building $initrd"
	bash "$here/mkinitramfs.sh" "$kpkg" "$kver" "$initrd" || exit 77
fi
plugin="$build/drivers/librte_net_failsafe_uevent.so"
[ -f "$plugin" ] || { log "$plugin not built"; exit 77; }
bind_tool="$build/app/hotplug-bind/dpdk-hotplug-bind"
[ -x "$bind_tool" ] || { log "$bind_tool not built"; exit 77; }
# The guest sees the host's root but a fresh tmpfs over /tmp: a checkout
# or build under /tmp is invisible there.  Stage what the guest runs in
# the cache, in the tree's layout (the scripts find their libraries and
# the bind tool relative to themselves and to the plugin), for this run
# only.
stage=$(mktemp -d "$cache/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/drivers" "$stage/app/hotplug-bind" "$stage/qemu" "$stage/lib"
install -m 0644 "$plugin" "$stage/drivers/"
install -m 0755 "$bind_tool" "$stage/app/hotplug-bind/"
install -m 0755 "$here/guest.sh" "$here/guest_scenario.sh" "$stage/qemu/"
install -m 0644 "$here/guest_lib.sh" "$stage/qemu/"
install -m 0644 "$here/../lib/testpmd.sh" "$stage/lib/"
plugin="$stage/drivers/$(basename "$plugin")"

rc=0
results=()
# launch <run name> <variant> <runner> [runner arguments...]: one guest
# boot, bounded in time, its result.json in $out/<run name>; a failure of
# our plugin's run fails the whole.
launch() {
	local w="$out/$1" v=$2 runner=$3 r
	shift 3
	mkdir -p "$w"
	timeout -k 10 $((${run_timeout%.*} + 30)) python3 "$here/$runner" "$@" \
		--kernel "$kernel" --initrd "$initrd" --plugin "$plugin" \
		--variant "$v" --cycles "$cycles" --timeout "$run_timeout" \
		--workdir "$w" --json "$w/result.json"
	r=$?
	[ "$v" = ours ] && [ $r -ne 0 ] && rc=1
	results+=("$w/result.json")
}

if [ -n "${FSQ_SCENARIOS:-}" ]; then
	match=${FSQ_MATCH:-match_mac0=02:00:00:00:00:01}
	if [[ " $FSQ_SCENARIOS " == *" sriov "* ]] &&
	   ! qemu-system-x86_64 -device help 2>/dev/null | grep -q '"igb"'; then
		log "$(qemu-system-x86_64 --version | head -n1) has no igb device (QEMU >= 8.0 needed: run it in a Debian 13 root)"
		exit 77
	fi
	for s in $FSQ_SCENARIOS; do
		for v in $variants; do
			m=
			[ "$s" = macswap ] && [ "$v" = ours ] && m=$match
			log "scenario $s, $v, $cycles cycle(s)${m:+, $m}; logs in $out/$s-$v"
			launch "$s-$v" "$v" run_scenario.py --scenario "$s" --kroot "$kpkg" \
				--guest-script "$stage/qemu/guest_scenario.sh" --match "$m"
		done
	done
else
	for b in $binds; do
	for y in $yanks; do
		for v in $variants; do
			log "run: $v, $b, $y yanked, $cycles cycle(s); logs in $out/$v-$b-$y"
			launch "$v-$b-$y" "$v" run_qemu.py --bind "$b" --yank "$y" \
				--guest-script "$stage/qemu/guest.sh"
		done
	done
	done
fi
python3 - "$out/results.json" "${results[@]}" <<'PY'
import json, sys
runs = []
for p in sys.argv[2:]:
    try:
        runs.append(json.load(open(p)))
    except (OSError, ValueError) as e:
        runs.append({"file": p, "error": str(e)})
json.dump({"runs": runs}, open(sys.argv[1], "w"), indent=1)
PY
log "results: $out/results.json"
exit $rc
