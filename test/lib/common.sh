# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Shared helpers of the shell integration tests: assertions, a private
# network namespace with veth pairs, and Debian's dpdk-testpmd driven
# through a FIFO.  Everything a test creates is removed by fs_cleanup,
# which runs on every exit path.

set -uo pipefail

FS_PLUGIN_DIR=${FS_PLUGIN_DIR:?run through devtools/test.sh (it stages the plugin)}
FS_TEST_NAME=${FS_TEST_NAME:-$(basename "$0" .sh)}
FS_TMP=$(mktemp -d "/tmp/fs-${FS_TEST_NAME}.XXXXXX")
FS_NETNS=""
TP_PID=""
FS_CHECKS=0
FS_FAILS=0
FS_CLEANUP_HOOKS=()

fs_log() { printf '[%s] %s\n' "$FS_TEST_NAME" "$*"; }

fs_cleanup() {
	local h
	for h in "${FS_CLEANUP_HOOKS[@]}"; do
		eval "$h" || true
	done
	if [ -n "$TP_PID" ] && kill -0 "$TP_PID" 2>/dev/null; then
		kill "$TP_PID" 2>/dev/null
		sleep 0.5
		kill -9 "$TP_PID" 2>/dev/null
		wait "$TP_PID" 2>/dev/null
	fi
	# After testpmd: its pages are in use until it is gone.
	fs_huge_release
	[ -n "$FS_NETNS" ] && ip netns del "$FS_NETNS" 2>/dev/null
	[ "${FS_KEEP_TMP:-0}" = 1 ] || rm -rf "$FS_TMP"
}
trap fs_cleanup EXIT
trap 'exit 130' INT TERM

fs_check() {	# fs_check <description> <command...>
	local what=$1
	shift
	FS_CHECKS=$((FS_CHECKS + 1))
	if "$@"; then
		fs_log "ok: $what"
	else
		fs_log "FAIL: $what"
		FS_FAILS=$((FS_FAILS + 1))
	fi
}

fs_done() {
	fs_log "$((FS_CHECKS - FS_FAILS))/$FS_CHECKS checks passed"
	[ "$FS_FAILS" -eq 0 ] && [ "$FS_CHECKS" -gt 0 ]
	exit
}

# Common EAL arguments: never touch the machine's PCI devices.
FS_PREFIX="fs$$"
fs_eal_args() {
	echo "-l 0-1 --no-huge -m 1024 --no-pci --file-prefix $FS_PREFIX --log-level=pmd.net.failsafe.uevent:info"
}

# --- hugepages, for a test that needs shared memory (a secondary) ----------

FS_HUGE_DIR=""
FS_HUGE_PREV=""

# fs_huge_reserve <pages>: make that many free default-size hugepages
# (raising nr_hugepages only by what is missing, as app/test-hotplug
# does) and mount hugetlbfs on a private directory, FS_HUGE_DIR, for
# --huge-dir.  fs_cleanup unmounts it and restores nr_hugepages.
fs_huge_reserve() {
	local want=$1 free prev kb
	kb=$(sed -n 's/^Hugepagesize: *\([0-9]*\) kB/\1/p' /proc/meminfo)
	prev=$(cat /proc/sys/vm/nr_hugepages) || return 1
	free=$(sed -n 's/^HugePages_Free: *//p' /proc/meminfo)
	if [ "$free" -lt "$want" ]; then
		FS_HUGE_PREV=$prev
		echo $((prev + want - free)) > /proc/sys/vm/nr_hugepages
		free=$(sed -n 's/^HugePages_Free: *//p' /proc/meminfo)
		if [ "$free" -lt "$want" ]; then
			fs_log "only $free of $want hugepages could be reserved"
			fs_huge_release
			return 1
		fi
	fi
	FS_HUGE_DIR="$FS_TMP/huge"
	mkdir -p "$FS_HUGE_DIR" &&
		mount -t hugetlbfs -o "size=$((want * kb))k" nodev "$FS_HUGE_DIR" ||
		{ FS_HUGE_DIR=""; fs_huge_release; return 1; }
}

fs_huge_release() {
	if [ -n "$FS_HUGE_DIR" ]; then
		umount "$FS_HUGE_DIR" 2>/dev/null || umount -l "$FS_HUGE_DIR"
		rmdir "$FS_HUGE_DIR" 2>/dev/null
		FS_HUGE_DIR=""
	fi
	if [ -n "$FS_HUGE_PREV" ]; then
		echo "$FS_HUGE_PREV" > /proc/sys/vm/nr_hugepages ||
			fs_log "could not restore nr_hugepages to $FS_HUGE_PREV"
		FS_HUGE_PREV=""
	fi
}

# fs_telemetry <command>: ask the running DPDK process with Debian's client.
fs_telemetry() {
	echo "$1" | timeout 10 dpdk-telemetry.py -f "$FS_PREFIX" 2>&1
}

# --- private network namespace with veth pairs ----------------------------

fs_netns_create() {
	FS_NETNS="fs-${FS_TEST_NAME:0:12}-$$"
	ip netns add "$FS_NETNS"
	ip -n "$FS_NETNS" link set lo up
}

fs_in_netns() { ip netns exec "$FS_NETNS" "$@"; }

fs_veth_add() {	# fs_veth_add <name> <peer> [mac]: the MAC is there at ADD time
	local addr=()
	[ -n "${3:-}" ] && addr=(address "$3")
	ip -n "$FS_NETNS" link add "$1" "${addr[@]}" type veth peer name "$2" ||
		return 1
	ip -n "$FS_NETNS" link set "$1" up && ip -n "$FS_NETNS" link set "$2" up
}

# not <command...>: succeeds when the command fails (for fs_check).
not() { ! "$@"; }

# fs_interrupt <pid>: SIGINT a background child of this shell, give it
# 30 s to exit (then SIGKILL) and reap it; returns its exit status.
fs_interrupt() {
	local i
	kill -INT "$1"
	for i in $(seq 1 300); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$1" 2>/dev/null && kill -9 "$1"
	wait "$1"
}

# fs_rx_grows <ifname> [seconds]: the interface receives within the time.
fs_rx_grows() {
	local before
	before=$(fs_rx_packets "$1")
	fs_wait_for "${2:-2}" fs_rx_above "$1" "$((before + 100))"
}

fs_rx_above() { [ "$(fs_rx_packets "$1")" -gt "$2" ]; }

fs_veth_del() { ip -n "$FS_NETNS" link del "$1"; }

# fs_inject <iface> <count>: broadcast frames into an interface of the
# netns, a burst of 16 at a time (af_packet's ring on the far end is small).
fs_inject() {
	fs_in_netns python3 - "$1" "$2" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
frame = b"\xff" * 6 + b"\x02\xaa\x00\x00\x00\x01" + b"\x88\xb5" + bytes(46)
for i in range(int(sys.argv[2])):
    s.send(frame)
    if i % 16 == 15:
        time.sleep(0.001)
PY
}

fs_rx_packets() {	# packets received by an interface of the netns
	fs_in_netns cat "/sys/class/net/$1/statistics/rx_packets" 2>/dev/null ||
		echo 0
}

# --- Debian's dpdk-testpmd, driven through a FIFO ----------------------------

# shellcheck source=test/lib/testpmd.sh
. "$(dirname "${BASH_SOURCE[0]}")/testpmd.sh"

# tp_start_ab <vA0's MAC or ""> <more devargs or "">: the yank set-up.  A
# private netns with veth pairs vA0-vA1 and vB0-vB1, and testpmd in it
# (txonly, not started) with net_failsafe0 over net_af_packet sub-devices
# on vA0 and vB0; traffic shows on the peers vA1 and vB1.
tp_start_ab() {
	local args=${2:+,$2}
	fs_netns_create
	fs_veth_add vA0 vA1 "$1"
	fs_veth_add vB0 vB1
	# shellcheck disable=SC2046
	tp_start --netns $(fs_eal_args) \
		--vdev "net_failsafe0,dev(net_af_packet0,iface=vA0),dev(net_af_packet1,iface=vB0)$args" \
		-- -i --forward-mode=txonly
}
