#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Runs inside the QEMU guest (link_intr.py): Debian's dpdk-testpmd alone
# on NIC 0, no fail-safe, txonly, three ways: LSC interrupt (default),
# --no-lsc-interrupt (link polled), --vfio-intr=legacy (INTx; vfio
# only).  Prints the EAL's interrupt lines, the link before and after 6 s
# of traffic and the port's counters; link_intr.py adds the frames
# counted on the NIC's wire.  Same kernel command line as guest.sh.
set -u

# shellcheck source=test/qemu/guest_lib.sh
. "$(dirname "$0")/../guest_lib.sh"

BIND=$(arg fsq.bind)
NIC0=0000:01:00.0
DRIVER=vfio-pci
[ "$BIND" = uio ] && DRIVER=uio_pci_generic
bind_nic $NIC0 $DRIVER
bind_nic $NIC1 $DRIVER
stage_pmds bus_pci bus_vdev mempool_ring net_e1000 net_virtio net_vmxnet3

echo "[diag] NIC0:" > /dev/console
lspci -vv -s "${NIC0#0000:}" 2>&1 | grep -i 'status:\|capabilities\|interrupt\|kernel' |
	sed 's/^/[diag] /' > /dev/console

run() {	# run <label> <testpmd arguments...>
	local label=$1
	shift
	say "mode-start {\"label\": \"$label\"}"
	(sleep 12; echo "show port info 0"; echo start; sleep 6
	 echo "show port stats 0"; echo "show port info 0"; echo stop; sleep 1
	 echo quit; sleep 5) |
		timeout 120 dpdk-testpmd -l 0-1 -n 1 --file-prefix diag -a $NIC0 "$@" \
		> /tmp/tp-$label.log 2>&1
	grep -a -i 'link\|error\|intr\|interrupt\|msi\|TX-packets\|RX-packets\|vfio\|Probe\|speed' \
		/tmp/tp-$label.log | grep -av '^ *$\|e1000_' | head -60 |
		sed "s/^/[diag $label] /" > /dev/console
	say "mode-end {\"label\": \"$label\"}"
	sleep 2
}
eal="--log-level=eal:debug --log-level=pmd.net.e1000.init:debug"
tp="-i --no-mlockall --forward-mode=txonly --port-topology=loop --rxd=256 --txd=256
	--total-num-mbufs=4096"
run default $eal -- $tp
run nolsc $eal -- $tp --no-lsc-interrupt
[ "$BIND" = vfio ] && run legacy $eal --vfio-intr=legacy -- $tp
say "done {}"
