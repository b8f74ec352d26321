#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Runs inside the QEMU guest (chroot on the host's root, see init.sh):
# binds the guest's two NICs, starts Debian's dpdk-testpmd with a
# net_failsafe port over them sending (txonly), then follows the host's
# yanks: for each device_del of NIC 0 it reports what the PMD did, for
# each device_add it waits for the PMD to take the device back by itself.
# Reports go to run_qemu.py (see guest_lib.sh).  Parameters come from the
# kernel command line: guest_lib.sh's and
#   fsq.bind=uio|vfio
set -uo pipefail

# shellcheck source=test/qemu/guest_lib.sh
. "$(dirname "$0")/guest_lib.sh"

BIND=$(arg fsq.bind)
NIC0=0000:01:00.0
case $BIND in
uio) DRIVER=uio_pci_generic ;;
vfio) DRIVER=vfio-pci ;;
*) say "error {\"why\": \"unknown fsq.bind '$BIND'\"}"; exit 2 ;;
esac

bind_nic $NIC0 $DRIVER
bind_nic $NIC1 $DRIVER
stage_pmds bus_pci bus_vdev mempool_ring net_e1000 net_virtio net_vmxnet3
failsafe_port $DRIVER

# DPDK 22.11's EAL gives a vfio-pci device MSI-X whenever vfio-pci lists
# the MSI-X index, which it does (with 0 vectors) for a device with no
# MSI-X capability.  QEMU's e1000 (82540EM) has no capability at all: its
# interrupt is never enabled ("Error enabling MSI-X interrupts"), and
# net_e1000_em, which learns its link from the LSC interrupt, reports the
# link down for good though the NIC sends.  INTx works for it.
msix_capable() {	# msix_capable <pci address>
	python3 - "$1" <<'PY'
import sys
c = open("/sys/bus/pci/devices/%s/config" % sys.argv[1], "rb").read()
p = c[0x34] if c[6] & 0x10 else 0
for _ in range(48):
    if p == 0 or p + 1 >= len(c):
        break
    if c[p] == 0x11:
        sys.exit(0)
    p = c[p + 1]
sys.exit(1)
PY
}
VFIO_INTR=default
eal_intr=()
if [ "$BIND" = vfio ] && ! msix_capable $NIC0; then
	VFIO_INTR=legacy
	eal_intr=(--vfio-intr=legacy)
fi

# net_vmxnet3 takes 512 descriptors or more per ring.
DESC=256
[ "$(cat /sys/bus/pci/devices/$NIC0/vendor)" = 0x15ad ] && DESC=512
testpmd_up 120 $DESC "${eal_intr[@]}" -b $NIC0 -b $NIC1
say "ready {\"startup_s\": $TP_STARTUP_S, \"vfio_intr\": \"$VFIO_INTR\", \"tx\": $TX, \"xstats\": $(xstats)}"

for i in $(seq 1 "$CYCLES"); do
	off=$(tp_offset)
	say "yank-ready {\"cycle\": $i}"
	nic_left $NIC0 || break
	report_removed "$i" "$off" || break
	off=$(tp_offset)
	say "add-ready {\"cycle\": $i}"
	nic_back $NIC0 || break
	# e1000's probe alone takes 30 s or more under TCG (its PHY set-up)
	report_added "$i" "$off" 90 || break
done
finish
