#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Runs inside the QEMU guest (chroot on the host's root, see init.sh):
# binds the guest's two NICs, starts Debian's dpdk-testpmd with a
# net_failsafe port over them sending (txonly), then follows the host's
# yanks: for each device_del of NIC 0 it reports what the PMD did, for
# each device_add it waits for the PMD to take the device back by itself.
# Every report is one console line "@@FSQ <event> <json>" that
# run_qemu.py parses.  Parameters come from the kernel command line:
#   fsq.variant=ours|debian  fsq.bind=uio|vfio  fsq.cycles=N
#   fsq.plugin=<path of librte_net_failsafe_uevent.so>
set -uo pipefail

arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | tail -1; }
say() { echo "@@FSQ $*" > /dev/console; }

VARIANT=$(arg fsq.variant)
BIND=$(arg fsq.bind)
CYCLES=$(arg fsq.cycles)
PLUGIN=$(arg fsq.plugin)
NIC0=0000:01:00.0
NIC1=0000:02:00.0
case $BIND in
uio) DRIVER=uio_pci_generic ;;
vfio) DRIVER=vfio-pci ;;
*) say "error {\"why\": \"unknown fsq.bind '$BIND'\"}"; exit 2 ;;
esac
# Named after the DPDK ABI: pmds-23.0 on Debian 12, pmds-25.0 on 13.
PMDDIR=$(ls -d /usr/lib/x86_64-linux-gnu/dpdk/pmds-* | sort -V | tail -n1)

# --- the initial bind: our hotplug_bind_driver, as the PMD's ADD path does ---
BIND_TOOL=$(dirname "$PLUGIN")/../app/hotplug-bind/dpdk-hotplug-bind
for a in $NIC0 $NIC1; do
	out=$("$BIND_TOOL" "$a" "$DRIVER" 5000 2>&1) ||
		{ say "error {\"why\": \"cannot bind $a to $DRIVER: ${out//\"/}\"}"; exit 1; }
done

# Only the PMDs needed, in a 0755 tmpfs over Debian's PMD directory: the
# EAL would otherwise dlopen ~190 libraries over 9p (about 90 s).  Needed
# are those testpmd links to (they live there too) and the ones we use.
pmds="bus_pci bus_vdev mempool_ring net_e1000 net_virtio net_vmxnet3"
[ "$VARIANT" = debian ] && pmds="$pmds net_failsafe"
stage=/tmp/pmds
mkdir -p $stage
for f in $(ldd /usr/bin/dpdk-testpmd | awk -v d="$PMDDIR/" 'index($3, d) == 1 { print $3 }') \
	$(for l in $pmds; do ls "$PMDDIR/librte_$l".so.*; done); do
	cp -a "$f" "$(readlink -f "$f")" $stage/
done
mount -t tmpfs -o mode=0755 tmpfs "$PMDDIR"
cp -a $stage/. "$PMDDIR/"
plugin=()
devargs="net_failsafe0,dev($NIC0),dev($NIC1)"
if [ "$VARIANT" = ours ]; then
	install -d -m 0755 /run/fsq-plugin
	install -m 0644 "$PLUGIN" /run/fsq-plugin/
	plugin=(-d /run/fsq-plugin)
	devargs="$devargs,bind_driver=$DRIVER"
fi

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

# --- testpmd through a FIFO ---
# net_vmxnet3 takes 512 descriptors or more per ring.
DESC=256
[ "$(cat /sys/bus/pci/devices/$NIC0/vendor)" = 0x15ad ] && DESC=512

TP_OUT=/tmp/testpmd.out
mkfifo /tmp/testpmd.in
stdbuf -o0 -e0 dpdk-testpmd "${plugin[@]}" -l 0-1 -n 1 \
	--file-prefix fsq "${eal_intr[@]}" -b $NIC0 -b $NIC1 --vdev "$devargs" \
	--log-level=pmd.net.failsafe.uevent:info --log-level=pmd.net.failsafe:info \
	-- -i --no-mlockall --port-topology=loop --forward-mode=txonly --rxq=1 --txq=1 \
	--rxd=$DESC --txd=$DESC --total-num-mbufs=4096 \
	< /tmp/testpmd.in > "$TP_OUT" 2>&1 &
TP_PID=$!
exec {TP_FD}> /tmp/testpmd.in
# The PMD's log and testpmd's own messages go to the console as well, for
# whoever reads console.log.
tail -n +1 -f "$TP_OUT" |
	grep -a --line-buffered -v 'testpmd> \|^ \|^$\|^[A-Za-z0-9_]*: [0-9]*$\|####' |
	sed -u 's/^/[testpmd] /' > /dev/console &
TAIL_PID=$!

cleanup() {
	kill "$TAIL_PID" 2>/dev/null
	if kill -0 "$TP_PID" 2>/dev/null; then
		kill "$TP_PID"; sleep 1; kill -9 "$TP_PID" 2>/dev/null
	fi
}
trap cleanup EXIT

stacks() {	# stacks <why>: every thread's backtrace, to the console
	say "stuck {\"why\": \"$1\"}"
	# Cheap first (gdb may take a minute to load symbols under TCG):
	# each thread's name, state, kernel wait and syscall.
	for t in /proc/"$TP_PID"/task/*; do
		echo "[task] $(cat "$t/comm") $(awk '{ print $3 }' "$t/stat") $(cat "$t/wchan") $(cut -d' ' -f1,9 "$t/syscall")"
	done 2>/dev/null > /dev/console
	timeout 60 gdb -p "$TP_PID" -batch -ex 'thread apply all bt' 2>&1 |
		grep -a '^#\|^Thread' | sed 's/^/[gdb] /' > /dev/console
}
prompts() { grep -o 'testpmd> ' "$TP_OUT" | wc -l; }
wait_prompts() {	# <count> <seconds>
	local deadline=$((SECONDS + $2))
	while [ "$(prompts)" -lt "$1" ]; do
		kill -0 "$TP_PID" 2>/dev/null || return 1
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.1
	done
}
tp_cmd() {	# tp_cmd <command> [seconds]: output of the command
	local n start
	n=$(prompts)
	start=$(stat -c %s "$TP_OUT")
	echo "$1" >&"$TP_FD"
	if ! wait_prompts $((n + 1)) "${2:-90}"; then
		stacks "'$1' got no prompt in ${2:-90} s"
		return 1
	fi
	tail -c +$((start + 1)) "$TP_OUT" | sed '$d'
}
xstats() {	# all of port 0's xstats as one JSON object
	tp_cmd "show port xstats 0" | awk '
		$1 ~ /:$/ && $2 ~ /^[0-9]+$/ { n = substr($1, 1, length($1) - 1)
			printf "%s\"%s\": %s", (c++ ? ", " : "{"), n, $2 }
		END { print (c ? "}" : "{}") }'
}
xstat() { tp_cmd "show port xstats 0" | awk -v k="$1:" '$1 == k { print $2 }'; }
port_tx() { tp_cmd "show port stats 0" | awk '/TX-packets/ { print $2; exit }'; }
log_tail() {	# PMD log lines since byte $1, as a JSON array
	tail -c +$(($1 + 1)) "$TP_OUT" | grep -i 'failsafe\|sub-device\|sub_device' |
		grep -v 'testpmd>' | head -20 | python3 -c \
		'import json,sys; print(json.dumps([l.rstrip() for l in sys.stdin]))'
}
alive() { kill -0 "$TP_PID" 2>/dev/null; }

t0=$SECONDS
if ! wait_prompts 1 120; then
	alive || { wait "$TP_PID"; echo "testpmd exited: status $?"; dmesg | grep -a 'segfault\|trap' | tail -3; } >> "$TP_OUT"
	say "error {\"why\": \"testpmd did not start\", \"log\": $(grep -v "^ " "$TP_OUT" | tail -30 | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')}"
	exit 1
fi
tp_cmd start >/dev/null
sleep 2
say "ready {\"startup_s\": $((SECONDS - t0)), \"vfio_intr\": \"$VFIO_INTR\", \"tx\": $(port_tx), \"xstats\": $(xstats)}"

present() { [ -e "/sys/bus/pci/devices/$NIC0" ]; }
wait_until() {	# wait_until <seconds> <command...>
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.05
	done
}
tx_sub_is() { [ "$(xstat fs_tx_subdevice)" = "$1" ]; }
logged() { tail -c +$(($1 + 1)) "$TP_OUT" | grep -q "$2"; }

prev_tx=$(port_tx)
monotonic=true
for i in $(seq 1 "$CYCLES"); do
	off=$(stat -c %s "$TP_OUT")
	say "yank-ready {\"cycle\": $i}"
	wait_until 60 bash -c "! [ -e /sys/bus/pci/devices/$NIC0 ]" ||
		{ say "error {\"why\": \"NIC 0 never left\"}"; break; }
	switched=false
	# From the log: the control path may be busy closing the device.
	[ "$VARIANT" = ours ] && wait_until 5 logged "$off" "datapath switched" && switched=true
	t=$(date +%s.%N)
	tp_cmd "show port xstats 0" 30 > /dev/null || wait_prompts $(($(prompts) + 1)) 120
	ctl_wait=$(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
	sleep 1
	alive || { say "removed {\"cycle\": $i, \"alive\": false}"; break; }
	tx=$(port_tx)
	[ "${tx:-0}" -ge "${prev_tx:-0}" ] || monotonic=false
	prev_tx=$tx
	say "removed {\"cycle\": $i, \"alive\": true, \"switched\": $switched, \"control_wait_s\": $ctl_wait, \"tx\": ${tx:-0}, \"xstats\": $(xstats), \"log\": $(log_tail "$off")}"
	off=$(stat -c %s "$TP_OUT")
	say "add-ready {\"cycle\": $i}"
	wait_until 60 present || { say "error {\"why\": \"NIC 0 never came back\"}"; break; }
	back=false
	if [ "$VARIANT" = ours ]; then
		# e1000's probe alone takes 30 s or more under TCG (its PHY set-up)
		wait_until 90 tx_sub_is 0 && back=true || stacks "no switch back 90 s after the ADD"
	fi
	sleep 1
	alive || { say "added {\"cycle\": $i, \"alive\": false}"; break; }
	driver=$(basename "$(readlink /sys/bus/pci/devices/$NIC0/driver)" 2>/dev/null)
	tx=$(port_tx)
	[ "${tx:-0}" -ge "${prev_tx:-0}" ] || monotonic=false
	prev_tx=$tx
	say "added {\"cycle\": $i, \"alive\": true, \"switched_back\": $back, \"driver\": \"$driver\", \"tx\": ${tx:-0}, \"xstats\": $(xstats), \"log\": $(log_tail "$off")}"
done

# The end: stop (the host drains its counters), read the totals, quit.
say "stopping {}"
alive && tp_cmd stop 60 >/dev/null
tx=$(port_tx)
say "stopped {\"tx\": ${tx:-0}, \"monotonic\": $monotonic, \"alive\": $(alive && echo true || echo false), \"xstats\": $(xstats)}"
t=$SECONDS
echo quit >&"$TP_FD"
exec {TP_FD}>&-
rc=timeout
for _ in $(seq 1 600); do
	alive || { wait "$TP_PID"; rc=$?; break; }
	sleep 0.1
done
[ "$rc" = timeout ] && stacks "quit did not end in 60 s"
say "quit {\"rc\": \"$rc\", \"quit_s\": $((SECONDS - t)), \"tail\": $(tail -15 "$TP_OUT" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')}"
