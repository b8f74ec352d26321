#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Event storm in a private netns: Debian's testpmd sends (txonly) through
# net_failsafe over af_packet sub-devices on vA0 and vB0 while ip -batch
# creates thousands of veth interfaces that are not ours (vX<n>, vY<n>),
# with vA0 yanked and re-created in the middle of them, and then deletes
# them all at once (one group deletion: single deletions cost an RCU
# grace period each and would take minutes).  Every interface makes
# three uevents (the device and its rx-0/tx-0 queues) each way.
#
# Round 1 is the storm as it comes: whether the 16 MiB socket buffer
# overflows depends on how fast the monitor thread drains it.  Round 2
# stops testpmd (SIGSTOP, a stalled consumer) for the length of the storm,
# which overflows the buffer for sure, and ends with vA0 absent, so the
# sub-device set has to be rebuilt from sysfs by the resync alone.  After
# each round: sub-device 0 is in the state the kernel says, traffic is
# where it should be, testpmd answers.  hotplug_poll is 60 s: polling
# cannot be what recovers.
#
# CI: 5,000 pairs (10,000 interfaces) in round 1, half that in round 2.
# FS_LONG=1: 20,000 pairs (40,000 interfaces) in each.
. "$(dirname "$0")/../lib/common.sh"

if [ "${FS_LONG:-0}" = 1 ]; then
	PAIRS=${FS_STORM_PAIRS:-20000}
	PAIRS2=$PAIRS
else
	PAIRS=${FS_STORM_PAIRS:-5000}
	PAIRS2=$((PAIRS / 2))	# 30,000 uevents: over 32 MiB of skbs
fi
YANKS=${FS_STORM_YANKS:-10}
MAC_A=02:fa:11:00:00:0a
GROUP=77
STARTED=3	# FS_SUB_STARTED
EMPTY=0		# FS_SUB_EMPTY
T0=$SECONDS

tp_start_ab "$MAC_A" "hotplug_poll=60000,mac=$MAC_A"
# a test killed mid-storm must not leave testpmd stopped
FS_CLEANUP_HOOKS+=("kill -CONT $TP_PID 2>/dev/null")
tp_cmd start >/dev/null
fs_check "traffic leaves through the preferred sub-device vA0" fs_rx_grows vA1

# storm_batch <first pair> <count> <final vA0: present|absent>
storm_batch() {
	local first=$1 count=$2 final=$3 i every
	every=$((count / YANKS))
	[ "$every" -gt 0 ] || every=1
	for ((i = first; i < first + count; i++)); do
		echo "link add vX$i group $GROUP type veth peer name vY$i"
		if (((i - first) % every == every - 1)); then
			echo "link del vA0"
			echo "link add vA0 address $MAC_A type veth peer name vA1"
			echo "link set vA0 up"
			echo "link set vA1 up"
		fi
	done
	echo "link del vA0"
	[ "$final" = present ] || return 0
	echo "link add vA0 address $MAC_A type veth peer name vA1"
	echo "link set vA0 up"
	echo "link set vA1 up"
}

xs() { tp_xstat 0 "$1"; }

sub0_state_is() { [ "$(xs fs_sub0_state)" = "$1" ]; }

sub1_started() { [ "$(xs fs_sub1_state)" = $STARTED ]; }

# storm <round> <first pair> <pairs> <final> <stop testpmd: 0|1>
storm() {
	local round=$1 first=$2 pairs=$3 final=$4 stop=$5 t enob0 res0 enob res
	enob0=$(xs fs_uevents_enobufs)
	res0=$(xs fs_uevents_resyncs)
	storm_batch "$first" "$pairs" "$final" > "$FS_TMP/storm$round.batch"
	t=$SECONDS
	[ "$stop" = 1 ] && kill -STOP "$TP_PID"
	ip -n "$FS_NETNS" -force -batch "$FS_TMP/storm$round.batch" ||
		fs_log "ip -batch reported errors (round $round)"
	ip -n "$FS_NETNS" link del group "$GROUP"
	[ "$stop" = 1 ] && kill -CONT "$TP_PID"
	fs_log "round $round: $((pairs * 2)) interfaces and $YANKS yanks created and deleted in $((SECONDS - t)) s (testpmd stopped: $stop)"
	fs_check "round $round: testpmd alive after the storm" tp_alive
	fs_check "round $round: testpmd answers within 30 s" \
		tp_cmd "show port info 0" >/dev/null
	if [ "$final" = present ]; then
		fs_check "round $round: vA0 present -> fs_sub0_state $STARTED within 15 s" \
			fs_wait_for 15 sub0_state_is $STARTED
		fs_check "round $round: traffic back on vA1" fs_rx_grows vA1 5
	else
		fs_check "round $round: vA0 absent -> fs_sub0_state $EMPTY within 15 s" \
			fs_wait_for 15 sub0_state_is $EMPTY
		fs_check "round $round: traffic on vB1" fs_rx_grows vB1 5
	fi
	fs_check "round $round: vB0 untouched (fs_sub1_state $STARTED)" \
		sub1_started
	enob=$(xs fs_uevents_enobufs)
	# The resync runs once the monitor has drained its backlog: wait.
	[ "$enob" -gt "$enob0" ] &&
		fs_wait_for 15 eval '[ "$(xs fs_uevents_resyncs)" -gt "$res0" ]'
	res=$(xs fs_uevents_resyncs)
	fs_log "round $round: fs_uevents_enobufs $enob0 -> $enob, fs_uevents_resyncs $res0 -> $res, received $(xs fs_uevents_received), accepted $(xs fs_uevents_accepted)"
	fs_log "round $round: sub0 state $(xs fs_sub0_state) active $(xs fs_sub0_active) removals $(xs fs_sub0_removals) additions $(xs fs_sub0_additions) probe_failures $(xs fs_sub0_probe_failures); vA0 in the kernel: $(fs_in_netns test -e /sys/class/net/vA0 && echo yes || echo no)"
	STORM_ENOBUFS=$((enob - enob0))
	STORM_RESYNCS=$((res - res0))
}

storm 1 0 "$PAIRS" present 0
if [ "$STORM_ENOBUFS" -gt 0 ]; then
	fs_check "round 1: overflow recovered by resync ($STORM_RESYNCS)" \
		[ "$STORM_RESYNCS" -gt 0 ]
else
	fs_log "round 1: no ENOBUFS: the monitor drained $((PAIRS * 12)) uevents as fast as the kernel sent them"
	fs_log "round 1: resyncs without overflow come from SEQNUM gaps (uevents of other namespaces)"
fi
storm 2 "$PAIRS" "$PAIRS2" absent 1
fs_check "round 2: the stalled monitor overflowed (enobufs +$STORM_ENOBUFS)" \
	[ "$STORM_ENOBUFS" -gt 0 ]
fs_check "round 2: overflow recovered by resync ($STORM_RESYNCS)" \
	[ "$STORM_RESYNCS" -gt 0 ]

# The kernel's state again: vA0 back, traffic back.
fs_veth_add vA0 vA1 "$MAC_A"
fs_check "vA0 re-created after the storms -> fs_sub0_state $STARTED" \
	fs_wait_for 10 sub0_state_is $STARTED
fs_check "traffic back on vA1" fs_rx_grows vA1 5
tp_cmd stop >/dev/null
tp_quit
fs_check "testpmd exited cleanly" [ $? -eq 0 ]
fs_log "total $((SECONDS - T0)) s"
fs_done
