#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Yanks racing the control path: while a background loop deletes and
# re-creates vA0 (real uevents), testpmd stops, reconfigures (MTU, queues,
# promisc, MAC), starts and reads stats of the fail-safe port again and
# again.  No deadlock (every command answers), no crash, and the port
# forwards afterwards; quitting (stop + close) during yanks works too.
. "$(dirname "$0")/../lib/common.sh"

ROUNDS=${FS_CONTROL_ROUNDS:-8}

tp_start_ab "" ""

yanker() {	# bounded: 400 yanks or 120 s, whichever first
	local i end=$((SECONDS + 120))
	for i in $(seq 1 400); do
		[ $SECONDS -lt $end ] || break
		[ -e "$FS_TMP/stop-yanking" ] && break
		ip -n "$FS_NETNS" link del vA0 2>/dev/null
		sleep 0.0$((RANDOM % 5 + 1))
		ip -n "$FS_NETNS" link add vA0 type veth peer name vA1 2>/dev/null
		ip -n "$FS_NETNS" link set vA0 up 2>/dev/null
		ip -n "$FS_NETNS" link set vA1 up 2>/dev/null
		sleep 0.0$((RANDOM % 5 + 1))
	done
}
yanker &
YANKER=$!
FS_CLEANUP_HOOKS+=("touch $FS_TMP/stop-yanking; kill $YANKER 2>/dev/null; wait $YANKER 2>/dev/null")

answered=0
for r in $(seq 1 "$ROUNDS"); do
	ok=1
	for cmd in "port stop 0" "port config mtu 0 $((1400 + r))" \
		   "port config all rxq 1" "port config all txq 1" \
		   "port start 0" "set promisc 0 on" "mac_addr add 0 02:00:00:00:0$((r % 10)):01" \
		   "show port stats 0" "show port xstats 0" "start" "stop"; do
		tp_cmd "$cmd" 20 >/dev/null || { ok=0; fs_log "no answer to '$cmd'"; break; }
	done
	[ $ok -eq 1 ] && answered=$((answered + 1))
	tp_alive || break
done
fs_check "every control command answered during yanks ($answered/$ROUNDS rounds)" \
	[ "$answered" -eq "$ROUNDS" ]
fs_check "testpmd alive after $ROUNDS rounds of control under yanks" tp_alive

touch "$FS_TMP/stop-yanking"
wait "$YANKER" 2>/dev/null
# Leave vA0 present, then the port must forward through some sub-device.
ip -n "$FS_NETNS" link show vA0 >/dev/null 2>&1 || fs_veth_add vA0 vA1
tp_cmd start >/dev/null
sleep 0.5
either_receives() { fs_rx_grows vA1 3 || fs_rx_grows vB1 3; }
fs_check "port forwards after the storm (vA1 or vB1 receives)" either_receives
[ "$FS_FAILS" -eq 0 ] || tp_cmd "show port xstats 0" | grep '^fs_'
tp_cmd stop >/dev/null

# Quit (stop + close) while yanks go on.
yanker &
YANKER=$!
sleep 0.3
tp_quit
rc=$?
fs_check "testpmd closed the port and exited during yanks (rc=$rc)" [ "$rc" -eq 0 ]
fs_done
