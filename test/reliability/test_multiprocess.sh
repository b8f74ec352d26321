#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# A secondary process attaching to a fail-safe port, first on a quiet
# port, then while the primary switches.  The primary is Debian's
# testpmd forwarding (txonly) through net_failsafe over af_packet on vA0
# and vB0 in a private netns; Debian's dpdk-proc-info attaches as a
# secondary with the plugin loaded.  proc-info shows one of --stats,
# --xstats, --show-port per run (the first given wins), so each is asked
# for on its own.
#
# Hugepages, unlike every other test: a --no-huge primary keeps its
# memory private, so a secondary stops in rte_eal_init ("Cannot init
# memory") before any driver runs and never reaches the fail-safe ops.
# 256 default-size pages are reserved on a private hugetlbfs mount and
# given back on every exit path (fs_cleanup).
#
# Issue 17 item 1: the secondary followed the primary's heap pointers
# (active set, learned xstat names) under the process-shared port lock,
# died of SIGSEGV holding it, and the primary's monitor then waited on
# that lock for good: the next `ip link del` moved nothing.  So after
# the secondaries the primary must still fail over and come back.
#
# The second part keeps the old race: secondaries attach again and again
# while vA0 is yanked and re-created.  EAL's rte_dev_probe() and
# rte_dev_remove() in the primary ask every secondary to attach/detach
# too, and one that registered its mp socket and then exited makes them
# fail with -ENOMSG; the slot is then retried at the next hotplug_poll
# tick (1 s here).
. "$(dirname "$0")/../lib/common.sh"

ATTACHES=${FS_MP_ATTACHES:-10}
[ "${FS_LONG:-0}" = 1 ] && ATTACHES=${FS_MP_ATTACHES:-100}
HUGEPAGES=256

if ! fs_huge_reserve "$HUGEPAGES"; then
	fs_log "FAIL: cannot reserve $HUGEPAGES hugepages"
	exit 1
fi
fs_log "hugepages: $HUGEPAGES free on $FS_HUGE_DIR (nr_hugepages $(cat /proc/sys/vm/nr_hugepages), was ${FS_HUGE_PREV:-unchanged})"

fs_netns_create
fs_veth_add vA0 vA1
fs_veth_add vB0 vB1
tp_start --netns -l 0-1 --huge-dir "$FS_HUGE_DIR" --no-pci \
	--file-prefix "$FS_PREFIX" --log-level=pmd.net.failsafe.uevent:info \
	--vdev 'net_failsafe0,dev(net_af_packet0,iface=vA0),dev(net_af_packet1,iface=vB0),hotplug_poll=1000' \
	-- -i --forward-mode=txonly --total-num-mbufs=8192
tp_cmd start >/dev/null
fs_check "primary forwards through vA0" fs_rx_grows vA1

# secondary <name> <proc-info option>: one dpdk-proc-info run; its exit
# status in SEC_RC.  Waited for in the background, so that a timeout of
# the whole test still runs fs_cleanup (bash defers a trap while a
# foreground child runs).
SEC_PID=""
SEC_RC=""
# Its own session, so the cleanup reaches proc-info itself, not only the
# ip netns exec around it (a live secondary keeps the hugetlbfs busy).
FS_CLEANUP_HOOKS+=('[ -z "$SEC_PID" ] || kill -9 -- "-$SEC_PID" 2>/dev/null; rm -rf "/var/run/dpdk/$FS_PREFIX"')
secondary() {
	setsid ip netns exec "$FS_NETNS" timeout 10 dpdk-proc-info -d "$FS_PLUGIN_DIR" \
		--proc-type=secondary --file-prefix "$FS_PREFIX" \
		--huge-dir "$FS_HUGE_DIR" --no-pci \
		--log-level=lib.eal:notice -- "$2" \
		> "$FS_TMP/secondary.$1" 2>&1 &
	SEC_PID=$!
	wait "$SEC_PID"
	SEC_RC=$?
	SEC_PID=""
}

# Part 1: quiet attaches, then the failover they must not have frozen.
quiet_bad=0
for opt in --xstats --xstats --stats --show-port; do
	secondary "q$opt" "$opt"
	fs_check "quiet secondary $opt exits without a signal or a hang (status $SEC_RC)" \
		[ "$SEC_RC" -lt 124 ]
	[ "$SEC_RC" -lt 124 ] ||
		{ quiet_bad=1; tail -n 20 "$FS_TMP/secondary.q$opt"; }
done
fs_check "the secondary reached the port's extended statistics" \
	grep -q 'NIC extended statistics for port 0' "$FS_TMP/secondary.q--xstats"
fs_check "the secondary reached the port's statistics" \
	grep -q 'NIC statistics for port 0' "$FS_TMP/secondary.q--stats"
fs_check "primary alive after the quiet secondaries" tp_alive
fs_veth_del vA0
fs_check "after the secondaries, ip link del vA0 moves TX to vB0 within 2 s" \
	fs_rx_grows vB1 2
fs_veth_add vA0 vA1
fs_check "re-added vA0 carries the traffic again within 5 s" fs_rx_grows vA1 5
if [ "$quiet_bad" = 1 ]; then
	# A dead secondary may hold the port lock: no use racing on top.
	fs_log "part 2 skipped: the quiet secondaries failed already"
	fs_done
fi

# Part 2: attaches during yanks.
yanker() {	# bounded: 200 yanks or 60 s
	local i end=$((SECONDS + 60))
	for i in $(seq 1 200); do
		[ $SECONDS -lt $end ] || break
		[ -e "$FS_TMP/stop-yanking" ] && break
		ip -n "$FS_NETNS" link del vA0 2>/dev/null
		sleep 0.05
		ip -n "$FS_NETNS" link add vA0 type veth peer name vA1 2>/dev/null
		ip -n "$FS_NETNS" link set vA0 up 2>/dev/null
		ip -n "$FS_NETNS" link set vA1 up 2>/dev/null
		sleep 0.05
	done
}
yanker &
YANKER=$!
FS_CLEANUP_HOOKS+=("touch $FS_TMP/stop-yanking; kill $YANKER 2>/dev/null; wait $YANKER 2>/dev/null")

clean=0
signalled=0
hung=0
for i in $(seq 1 "$ATTACHES"); do
	opt=--stats
	[ $((i % 2)) = 0 ] && opt=--xstats
	secondary "$i" "$opt"
	if [ "$SEC_RC" -eq 124 ]; then
		hung=$((hung + 1))
	elif [ "$SEC_RC" -lt 128 ]; then
		clean=$((clean + 1))
	else
		signalled=$((signalled + 1))
		fs_log "secondary $i ($opt): status $SEC_RC"
		tail -n 20 "$FS_TMP/secondary.$i"
	fi
	tp_alive || break
done
touch "$FS_TMP/stop-yanking"
wait "$YANKER" 2>/dev/null
fs_log "secondaries during yanks: $clean ended cleanly, $signalled by a signal, $hung hung"
fs_check "no secondary hung ($hung)" [ "$hung" -eq 0 ]
fs_check "no secondary died of a signal ($signalled)" [ "$signalled" -eq 0 ]
fs_check "primary alive after $ATTACHES secondary attaches during yanks" tp_alive
ip -n "$FS_NETNS" link show vA0 >/dev/null 2>&1 || fs_veth_add vA0 vA1
fs_check "primary forwards through vA0 again within 5 s (hotplug_poll 1 s)" \
	fs_rx_grows vA1 5
fs_veth_del vA0
fs_check "and still fails over: ip link del vA0 moves TX to vB0 within 2 s" \
	fs_rx_grows vB1 2
fs_veth_add vA0 vA1
fs_check "re-added vA0 carries the traffic again within 5 s" fs_rx_grows vA1 5
fs_log "primary's hotplug requests that a dying secondary failed: $(grep -c 'request to secondary' "$TP_OUT"); probes refused with ENOMSG: $(grep -c 'failed: No message of desired type' "$TP_OUT")"
fs_check "primary answers (port stats)" tp_cmd "show port stats 0" >/dev/null
tp_cmd stop >/dev/null
tp_quit
fs_check "primary exited cleanly" [ $? -eq 0 ]
fs_done
