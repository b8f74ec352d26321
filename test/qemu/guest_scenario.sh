#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Runs inside the QEMU guest (chroot on the host's root, see init.sh) for
# the scenarios of run_scenario.py, beside guest.sh's yank matrix:
#
#   sriov    slot 0 is a VF of an igb PF (kernel igb driver), slot 1 a
#            virtio NIC, both vfio-pci.  The guest itself removes the VFs
#            (echo 0 > sriov_numvfs) and creates them again; the PMD must
#            release the VF, then bind, probe and switch back to the new
#            one with no manual step.
#   macswap  slot 0 is a virtio NIC the host deletes (device_del) and
#            replaces (device_add) by an e1000e at another PCI address
#            carrying the same MAC; the kernel's e1000e driver gives it an
#            interface, so a match_mac0 rule can see it.
#
# Reports go to run_scenario.py (see guest_lib.sh).  Parameters come from
# the kernel command line: guest_lib.sh's and
#   fsq.scenario=sriov|macswap  fsq.kroot=<kernel root>
#   fsq.match=<extra devargs of slot 0's rule, ours only>
set -uo pipefail

# shellcheck source=test/qemu/guest_lib.sh
. "$(dirname "$0")/guest_lib.sh"

SCENARIO=$(arg fsq.scenario)
KROOT=$(arg fsq.kroot)
MATCH=$(arg fsq.match)
NVFS=2

kmod() {	# kmod <module>: load it and its dependencies from the guest kernel's tree
	modprobe -d "$KROOT" "$1" 2>&1 ||
		{ say "error {\"why\": \"modprobe $1 failed\"}"; exit 1; }
}
group() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")" 2>/dev/null; }

# --- the scenario's devices ---
case $SCENARIO in
sriov)
	PF=0000:01:00.0
	DRIVER=vfio-pci
	kmod igb
	fs_wait_for 20 test -d /sys/bus/pci/devices/$PF/net ||
		{ say "error {\"why\": \"igb did not take the PF\"}"; exit 1; }
	PFIF=$(ls /sys/bus/pci/devices/$PF/net | head -n1)
	# The PF's own frames (IPv6 autoconfiguration) would be counted on
	# the wire; the VFs have a link only while the PF is up.
	echo 1 > /proc/sys/net/ipv6/conf/"$PFIF"/disable_ipv6
	ip link set "$PFIF" up
	sriov=/sys/bus/pci/devices/$PF/sriov_numvfs
	echo $NVFS > "$sriov" ||
		{ say "error {\"why\": \"cannot create $NVFS VFs\"}"; exit 1; }
	# The kernel's own cost of removing and making the VFs (TCG), with
	# no process holding them: the baseline of the cycles' times.
	t=$(now); echo 0 > "$sriov"; base="\"numvfs_0_s\": $(since "$t")"
	t=$(now); echo $NVFS > "$sriov"; base="$base, \"numvfs_n_s\": $(since "$t")"
	NIC0=$(basename "$(readlink /sys/bus/pci/devices/$PF/virtfn0)")
	;;
macswap)
	NIC0=0000:01:00.0
	NEW0=0000:03:00.0
	DRIVER=uio_pci_generic
	# The replacement's kernel driver: it gives it an interface and a MAC.
	kmod e1000e
	;;
*) say "error {\"why\": \"unknown fsq.scenario '$SCENARIO'\"}"; exit 2 ;;
esac
bind_nic "$NIC0" $DRIVER
bind_nic $NIC1 $DRIVER
# A virtio NIC that comes back gets an interface too (the next cycle's
# replacement); loaded once both NICs are bound.
[ "$SCENARIO" = macswap ] && kmod virtio_net
say "devices {\"nic0\": \"$NIC0\", \"nic0_id\": \"$(cat /sys/bus/pci/devices/$NIC0/vendor):$(cat /sys/bus/pci/devices/$NIC0/device)\", \"nic0_group\": \"$(group "$NIC0")\", \"nic1_group\": \"$(group $NIC1)\", \"pf_group\": \"$(group "${PF:-none}")\", \"baseline\": {${base:-}}}"

stage_pmds bus_pci bus_vdev mempool_ring net_e1000 net_virtio
failsafe_port $DRIVER "$MATCH"
testpmd_up 180 256 -b "$NIC0" -b $NIC1 ${NEW0:+-b $NEW0}
say "ready {\"startup_s\": $TP_STARTUP_S, \"tx\": $TX, \"xstats\": $(xstats)}"

# remove_sriov / add_sriov: the guest's own removal and return of the VFs,
# as JSON fields of the cycle's report.  The write to sriov_numvfs returns
# once vfio-pci let the VF go, that is once the process released it: its
# duration is the release's.
remove_sriov() {
	local t
	say "vf-remove {\"cycle\": $1}"
	rm -f /tmp/numvfs.rc
	t=$(now)
	# shellcheck disable=SC2320 # that echo's status is the write's
	(echo 0 > "$sriov"; echo $? > /tmp/numvfs.rc) &
	if fs_wait_for 60 test -f /tmp/numvfs.rc; then
		RM_BLOCKED=false
		extra="\"numvfs_0_s\": $(since "$t"), \"blocked\": false, "
	else
		RM_BLOCKED=true
		extra="\"numvfs_0_s\": null, \"blocked\": true, "
	fi
}
add_sriov() {
	local t rc
	say "vf-add {\"cycle\": $1}"
	t=$(now)
	echo $NVFS > "$sriov" 2>/dev/null
	# shellcheck disable=SC2320 # that echo's status is the write's
	rc=$?
	extra="\"numvfs_n_rc\": $rc, \"numvfs_n_s\": $(since "$t"), "
	NIC0=$(basename "$(readlink /sys/bus/pci/devices/$PF/virtfn0)" 2>/dev/null)
	extra="$extra\"vf\": \"$NIC0\", "
}
# The host's replacement: at the other address, slot 0's being free at the
# next cycle.
swap_back() {
	local ifs
	say "add-ready {\"cycle\": $1}"
	NIC0=$( [ "$NIC0" = 0000:01:00.0 ] && echo $NEW0 || echo 0000:01:00.0)
	nic_back "$NIC0" || return 1
	sleep 0.5
	# None yet is an answer too: the kernel's driver may still be probing.
	ifs=$(ls /sys/bus/pci/devices/$NIC0/net 2>/dev/null | tr '\n' ' ') || true
	extra="\"new_address\": \"$NIC0\", \"kernel_ifaces\": \"$ifs\", "
}

for i in $(seq 1 "$CYCLES"); do
	off=$(tp_offset)
	extra=""
	if [ "$SCENARIO" = sriov ]; then
		remove_sriov "$i"
	else
		say "yank-ready {\"cycle\": $i}"
		nic_left "$NIC0" || break
	fi
	report_removed "$i" "$off" "$extra" || break
	[ "${RM_BLOCKED:-false}" = true ] && break
	off=$(tp_offset)
	if [ "$SCENARIO" = sriov ]; then
		add_sriov "$i"
	else
		swap_back "$i" || break
	fi
	report_added "$i" "$off" 20 "$extra" || break
done
finish
