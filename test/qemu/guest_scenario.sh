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
# Reports are console lines "@@FSQ <event> <json>", as guest.sh's.
# Parameters come from the kernel command line:
#   fsq.scenario=sriov|macswap  fsq.variant=ours|debian  fsq.cycles=N
#   fsq.plugin=<librte_net_failsafe_uevent.so>  fsq.kroot=<kernel root>
#   fsq.match=<extra devargs of slot 0's rule, ours only>
set -uo pipefail

arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | tail -1; }
say() { echo "@@FSQ $*" > /dev/console; }
json_str() { python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))'; }

SCENARIO=$(arg fsq.scenario)
VARIANT=$(arg fsq.variant)
CYCLES=$(arg fsq.cycles)
PLUGIN=$(arg fsq.plugin)
KROOT=$(arg fsq.kroot)
MATCH=$(arg fsq.match)
NVFS=2
NIC1=0000:02:00.0
PMDDIR=$(ls -d /usr/lib/x86_64-linux-gnu/dpdk/pmds-* | sort -V | tail -n1)
BIND_TOOL=$(dirname "$PLUGIN")/../app/hotplug-bind/dpdk-hotplug-bind

wait_until() {	# wait_until <seconds> <command...>
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.05
	done
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
kmod() {	# kmod <module>: load it and its dependencies from the guest kernel's tree
	modprobe -d "$KROOT" "$1" 2>&1 ||
		{ say "error {\"why\": \"modprobe $1 failed\"}"; exit 1; }
}
bind() {	# bind <pci address> <driver>
	local out
	out=$("$BIND_TOOL" "$1" "$2" 5000 2>&1) ||
		{ say "error {\"why\": \"cannot bind $1 to $2: ${out//\"/}\"}"; exit 1; }
}
group() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")" 2>/dev/null; }

# --- the scenario's devices ---
case $SCENARIO in
sriov)
	PF=0000:01:00.0
	DRIVER=vfio-pci
	kmod igb
	wait_until 20 test -d /sys/bus/pci/devices/$PF/net ||
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
bind "$NIC0" $DRIVER
bind $NIC1 $DRIVER
# A virtio NIC that comes back gets an interface too (the next cycle's
# replacement); loaded once both NICs are bound.
[ "$SCENARIO" = macswap ] && kmod virtio_net
say "devices {\"nic0\": \"$NIC0\", \"nic0_id\": \"$(cat /sys/bus/pci/devices/$NIC0/vendor):$(cat /sys/bus/pci/devices/$NIC0/device)\", \"nic0_group\": \"$(group "$NIC0")\", \"nic1_group\": \"$(group $NIC1)\", \"pf_group\": \"$(group "${PF:-none}")\", \"baseline\": {${base:-}}}"

# Only the PMDs needed, in a 0755 tmpfs over Debian's PMD directory (see
# guest.sh: the EAL would otherwise dlopen ~190 libraries over 9p).
pmds="bus_pci bus_vdev mempool_ring net_e1000 net_virtio"
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
	devargs="$devargs,bind_driver=$DRIVER${MATCH:+,$MATCH}"
fi

TP_OUT=/tmp/testpmd.out
mkfifo /tmp/testpmd.in
stdbuf -o0 -e0 dpdk-testpmd "${plugin[@]}" -l 0-1 -n 1 \
	--file-prefix fsq -b "$NIC0" -b $NIC1 ${NEW0:+-b $NEW0} --vdev "$devargs" \
	--log-level=pmd.net.failsafe.uevent:info --log-level=pmd.net.failsafe:info \
	-- -i --no-mlockall --port-topology=loop --forward-mode=txonly --rxq=1 --txq=1 \
	--rxd=256 --txd=256 --total-num-mbufs=4096 \
	< /tmp/testpmd.in > "$TP_OUT" 2>&1 &
TP_PID=$!
exec {TP_FD}> /tmp/testpmd.in
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

stacks() {
	say "stuck {\"why\": \"$1\"}"
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
tp_cmd() {	# tp_cmd <command> [seconds]
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
xstats() {
	tp_cmd "show port xstats 0" | awk '
		$1 ~ /:$/ && $2 ~ /^[0-9]+$/ { n = substr($1, 1, length($1) - 1)
			printf "%s\"%s\": %s", (c++ ? ", " : "{"), n, $2 }
		END { print (c ? "}" : "{}") }'
}
xstat() { tp_cmd "show port xstats 0" | awk -v k="$1:" '$1 == k { print $2 }'; }
port_tx() { tp_cmd "show port stats 0" | awk '/TX-packets/ { print $2; exit }'; }
log_tail() {
	tail -c +$(($1 + 1)) "$TP_OUT" | grep -i 'failsafe\|sub-device\|sub_device\|vfio\|EAL' |
		grep -v 'testpmd>' | head -25 | python3 -c \
		'import json,sys; print(json.dumps([l.rstrip() for l in sys.stdin]))'
}
alive() { kill -0 "$TP_PID" 2>/dev/null; }
tx_sub_is() { [ "$(xstat fs_tx_subdevice)" = "$1" ]; }
logged() { tail -c +$(($1 + 1)) "$TP_OUT" | grep -q "$2"; }
present() { [ -e "/sys/bus/pci/devices/$1" ]; }
absent() { ! present "$1"; }
driver_of() { basename "$(readlink "/sys/bus/pci/devices/$1/driver")" 2>/dev/null; }

t0=$SECONDS
if ! wait_prompts 1 180; then
	say "error {\"why\": \"testpmd did not start\", \"log\": $(grep -v "^ " "$TP_OUT" | tail -30 | json_str)}"
	exit 1
fi
tp_cmd start >/dev/null
sleep 2
say "ready {\"startup_s\": $((SECONDS - t0)), \"tx\": $(port_tx), \"xstats\": $(xstats)}"

# remove_sriov / add_sriov: the guest's own removal and return of the VFs.
# The write to sriov_numvfs returns once vfio-pci let the VF go, that is
# once the process released it: its duration is the release's.
remove_sriov() {
	rm -f /tmp/numvfs.rc
	t=$(now)
	(echo 0 > "$sriov"; echo $? > /tmp/numvfs.rc) &
	if wait_until 60 test -f /tmp/numvfs.rc; then
		rm_s=$(since "$t")
		rm_blocked=false
	else
		rm_s=null
		rm_blocked=true
	fi
}
add_sriov() {
	t=$(now)
	echo $NVFS > "$sriov" 2>/dev/null
	add_rc=$?
	add_s=$(since "$t")
	NIC0=$(basename "$(readlink /sys/bus/pci/devices/$PF/virtfn0)" 2>/dev/null)
}

prev_tx=$(port_tx)
monotonic=true
gone=$NIC0
for i in $(seq 1 "$CYCLES"); do
	off=$(stat -c %s "$TP_OUT")
	extra=""
	if [ "$SCENARIO" = sriov ]; then
		say "vf-remove {\"cycle\": $i}"
		remove_sriov
		extra="\"numvfs_0_s\": $rm_s, \"blocked\": $rm_blocked, "
	else
		say "yank-ready {\"cycle\": $i}"
		wait_until 60 absent "$NIC0" ||
			{ say "error {\"why\": \"NIC 0 never left\"}"; break; }
	fi
	switched=false
	[ "$VARIANT" = ours ] && wait_until 5 logged "$off" "datapath switched" && switched=true
	tp_cmd "show port xstats 0" 30 > /dev/null || wait_prompts $(($(prompts) + 1)) 120
	sleep 1
	alive || { say "removed {\"cycle\": $i, \"alive\": false}"; break; }
	tx=$(port_tx)
	[ "${tx:-0}" -ge "${prev_tx:-0}" ] || monotonic=false
	prev_tx=$tx
	say "removed {\"cycle\": $i, \"alive\": true, ${extra}\"switched\": $switched, \"tx\": ${tx:-0}, \"xstats\": $(xstats), \"log\": $(log_tail "$off")}"
	[ "$SCENARIO" = sriov ] && [ "$rm_blocked" = true ] && break
	off=$(stat -c %s "$TP_OUT")
	extra=""
	if [ "$SCENARIO" = sriov ]; then
		say "vf-add {\"cycle\": $i}"
		add_sriov
		extra="\"numvfs_n_rc\": $add_rc, \"numvfs_n_s\": $add_s, \"vf\": \"$NIC0\", "
	else
		say "add-ready {\"cycle\": $i}"
		# The replacement's address: slot 0's is free at the next cycle.
		NIC0=$( [ "$gone" = 0000:01:00.0 ] && echo $NEW0 || echo 0000:01:00.0)
		wait_until 60 present "$NIC0" ||
			{ say "error {\"why\": \"NIC 0 never came back\"}"; break; }
		gone=$NIC0
		sleep 0.5
		ifs=$(ls /sys/bus/pci/devices/$NIC0/net 2>/dev/null | tr '\n' ' ')
		extra="\"new_address\": \"$NIC0\", \"kernel_ifaces\": \"$ifs\", "
	fi
	back=false
	if [ "$VARIANT" = ours ]; then
		wait_until 20 tx_sub_is 0 && back=true || stacks "no switch back 20 s after the ADD"
	fi
	sleep 1
	alive || { say "added {\"cycle\": $i, \"alive\": false}"; break; }
	tx=$(port_tx)
	[ "${tx:-0}" -ge "${prev_tx:-0}" ] || monotonic=false
	prev_tx=$tx
	say "added {\"cycle\": $i, \"alive\": true, ${extra}\"switched_back\": $back, \"driver\": \"$(driver_of "$NIC0")\", \"tx\": ${tx:-0}, \"xstats\": $(xstats), \"log\": $(log_tail "$off")}"
done

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
say "quit {\"rc\": \"$rc\", \"quit_s\": $((SECONDS - t)), \"tail\": $(tail -15 "$TP_OUT" | json_str)}"
