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

say() { echo "@@FSQ $*" > /dev/console; }
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | tail -1; }
PLUGIN=$(arg fsq.plugin)
BIND=$(arg fsq.bind)
NIC0=0000:01:00.0
NIC1=0000:02:00.0
DRIVER=vfio-pci
[ "$BIND" = uio ] && DRIVER=uio_pci_generic
BIND_TOOL=$(dirname "$PLUGIN")/../app/hotplug-bind/dpdk-hotplug-bind
for a in $NIC0 $NIC1; do
	"$BIND_TOOL" $a $DRIVER 5000 > /dev/console 2>&1
done

# The PMDs needed only, as guest.sh does (dlopen over 9p is slow).
PMDDIR=$(ls -d /usr/lib/x86_64-linux-gnu/dpdk/pmds-* | sort -V | tail -n1)
stage=/tmp/pmds
mkdir -p $stage
for f in $(ldd /usr/bin/dpdk-testpmd | awk -v d="$PMDDIR/" 'index($3, d) == 1 { print $3 }') \
	$(for l in bus_pci bus_vdev mempool_ring net_e1000 net_virtio net_vmxnet3; do
		ls "$PMDDIR/librte_$l".so.*; done); do
	cp -a "$f" "$(readlink -f "$f")" $stage/ 2>/dev/null
done
mount -t tmpfs -o mode=0755 tmpfs "$PMDDIR"
cp -a $stage/. "$PMDDIR/"

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
