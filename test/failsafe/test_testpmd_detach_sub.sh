#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# The application removes a sub-device under traffic (issue 17, item 2):
# Debian's dpdk-testpmd with our plugin in a private netns,
#   failsafe0 = dev(af_packet on vA0), dev(af_packet on vB0)   port 0 (subs 1, 2)
# forwards (txonly) through vA0 while `device detach net_af_packet0` runs.
# net_af_packet's remove closes its port and unmaps its rings at once, so a
# burst still inside it, or one started after, crashes or spins for ever.
# testpmd must neither crash nor hang, TX must move to vB0 (vB1 receives
# what vA1 did), and the port must stay usable.  hotplug_poll=0: otherwise
# the port probes vA0's slot again 50 ms after the detach, as the guide
# says, and TX goes back to vA0 after a window too short to measure on a
# loaded machine.  The race is timing-bound:
# ROUNDS runs of it.  The ethdev calls on a sub-device port (port close,
# port detach) must be refused: the port belongs to the fail-safe port.
. "$(dirname "$0")/../lib/common.sh"

FS0=0
SUB_A=1
ROUNDS=${FS_DETACH_ROUNDS:-4}

fs_netns_create
fs_veth_add vA0 vA1
fs_veth_add vB0 vB1

# shellcheck disable=SC2046
start_testpmd() {
	tp_start --netns $(fs_eal_args) \
		--vdev 'net_failsafe0,dev(net_af_packet0,iface=vA0),dev(net_af_packet1,iface=vB0),hotplug_poll=0' \
		-- -i --forward-mode=txonly --txpkts=64
}

# tp_died: testpmd is gone; say how, once.
tp_died() {
	local rc
	wait "$TP_PID" 2>/dev/null
	rc=$?
	fs_log "testpmd died (exit $rc); last lines:"
	tail -n 15 "$TP_OUT" | sed 's/^/    /'
	TP_PID=""
}

# One run: traffic through vA0, detach its device, see TX on vB0.
round() {
	local r=$1 out a_before b_before moved

	start_testpmd
	fs_check "round $r: testpmd started" tp_alive
	tp_alive || return
	if [ "$r" = 1 ]; then
		out=$(tp_cmd "port close $SUB_A")
		fs_log "port close $SUB_A: $(grep -iv '^testpmd>' <<<"$out" | head -n1)"
		fs_check "port close of a sub-device port is refused" \
			grep -qi 'invalid port' <<<"$out"
		out=$(tp_cmd "port detach $SUB_A")
		fs_check "port detach of a sub-device port is refused" \
			grep -qi 'invalid port' <<<"$out"
	fi
	a_before=$(fs_rx_packets vA1)
	tp_cmd start >/dev/null
	fs_check "round $r: txonly goes out through vA0" \
		fs_wait_for 5 fs_rx_above vA1 $((a_before + 1000))
	# Let the TX lcore run a little, at a different point each round.
	sleep "0.$((r * 2))"
	b_before=$(fs_rx_packets vB1)
	out=$(tp_cmd "device detach net_af_packet0" 20)
	if ! tp_alive; then
		fs_check "round $r: testpmd survives device detach" false
		tp_died
		return
	fi
	fs_check "round $r: device detach returned (no hang)" \
		grep -q 'Removing a device' <<<"$out"
	fs_log "round $r: $(grep -i 'detached\|failed' <<<"$out" | head -n1)"
	# A TX lcore preempted inside a burst for a second (a loaded
	# machine) makes the port refuse; it then closes the device itself.
	if grep -q 'Device net_af_packet0 is detached' <<<"$out"; then
		fs_check "round $r: net_af_packet0 detached" true
	else
		fs_check "round $r: net_af_packet0 detached, or refused by the port" \
			grep -q 'removal of net_af_packet0 refused' "$TP_OUT"
	fi
	moved=true
	fs_wait_for 5 fs_rx_above vB1 $((b_before + 1000)) || moved=false
	fs_check "round $r: TX moved to vB0 (vB1 received)" $moved
	$moved || fs_log "round $r: vB1 got $(($(fs_rx_packets vB1) - b_before)); the port said:
$(grep 'failsafe:' "$TP_OUT" | tail -n 8)"
	out=$(tp_cmd stop 20)
	fs_check "round $r: stop returns (no lcore stuck in a burst)" \
		grep -q 'Done' <<<"$out"
	fs_check "round $r: failsafe0 counts its TX" \
		[ "$(tp_port_stat $FS0 TX-packets)" -gt 1000 ]
	b_before=$(fs_rx_packets vB1)
	tp_cmd start >/dev/null
	fs_check "round $r: failsafe0 forwards again after a restart" \
		fs_wait_for 5 fs_rx_above vB1 $((b_before + 1000))
	tp_cmd stop 20 >/dev/null
	grep -i 'grace period\|stayed inside' "$TP_OUT" | head -n3 |
		sed "s/^/[$FS_TEST_NAME] round $r: /"
	tp_quit
	fs_check "round $r: testpmd exited cleanly" [ $? -eq 0 ]
	# The TX of this round must not be counted as the next one's.
	rm -f "$FS_TMP/testpmd.in"
}

for r in $(seq 1 "$ROUNDS"); do
	round "$r"
	if [ -n "$TP_PID" ]; then
		kill -9 "$TP_PID" 2>/dev/null
		wait "$TP_PID" 2>/dev/null
		TP_PID=""
	fi
	[ -n "$TP_FD" ] && { exec {TP_FD}>&- ; } 2>/dev/null
	rm -f "$FS_TMP/testpmd.in"
done
fs_done
