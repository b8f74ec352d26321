#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Real kernel uevents in a private netns: Debian's testpmd sends (txonly)
# through net_failsafe over two net_af_packet sub-devices on vA0 and vB0.
# `ip link del vA0` moves the traffic to vB0 (seen on its peer vB1) and
# re-creating vA0 brings it back to vA1 long before any poll would:
# hotplug_poll is set to 60 s.  20 cycles in one run; port stats never go
# back.  Then a forged uevent changes nothing, and a replacement with the
# slot's MAC under another name takes the slot.  A port with
# rcu_expedite=on expedites each ADD's probe and restores the knob.
. "$(dirname "$0")/../lib/common.sh"

CYCLES=${FS_YANK_CYCLES:-20}
MAC_A=02:fa:11:00:00:0a

tp_start_ab "$MAC_A" "hotplug_poll=60000,match_mac0=$MAC_A,mac=$MAC_A"
tp_cmd start >/dev/null
fs_check "traffic leaves through the preferred sub-device vA0" fs_rx_grows vA1

tx_count() { tp_port_stat 0 TX-packets; }
prev_tx=$(tx_count)
monotonic=1
switched=0
returned=0
for i in $(seq 1 "$CYCLES"); do
	fs_veth_del vA0
	fs_rx_grows vB1 2 && switched=$((switched + 1))
	fs_veth_add vA0 vA1
	fs_rx_grows vA1 2 && returned=$((returned + 1))
	tx=$(tx_count)
	[ "${tx:-0}" -ge "${prev_tx:-0}" ] || monotonic=0
	prev_tx=$tx
done
fs_log "cycles=$CYCLES switched=$switched returned=$returned tx=$prev_tx"
fs_check "every yank moved traffic to vB0 ($switched/$CYCLES)" [ "$switched" -eq "$CYCLES" ]
fs_check "every re-plug brought traffic back to vA0 within 2 s, poll is 60 s ($returned/$CYCLES)" \
	[ "$returned" -eq "$CYCLES" ]
fs_check "port TX-packets never went backwards" [ "$monotonic" -eq 1 ]
fs_check "testpmd survived $CYCLES yanks" tp_alive
removals=$(tp_xstat 0 fs_sub0_removals)
fs_check "the PMD counted $CYCLES removals of sub-device 0 (got $removals)" \
	[ "${removals:-0}" -eq "$CYCLES" ]
fs_check "uevent-to-switch time is reported" \
	[ -n "$(tp_xstat 0 fs_last_remove_switch_ns)" ]
# A delete closes the interface before its REMOVE uevent: TX leaves then.
link_downs=$(tp_xstat 0 fs_link_down_events)
fs_check "every yank moved TX at the link-down that precedes REMOVE ($link_downs/$CYCLES)" \
	[ "${link_downs:-0}" -eq "$CYCLES" ]

# An administrative down is a link event too; up brings TX back.
ip -n "$FS_NETNS" link set vA0 down
fs_check "ip link set vA0 down moves traffic to vB0" fs_rx_grows vB1 2
ip -n "$FS_NETNS" link set vA0 up
fs_check "ip link set vA0 up brings it back to vA0" fs_rx_grows vA1 2
fs_check "the admin down counted as a link-down, not as a removal" \
	[ "$(tp_xstat 0 fs_link_down_events)" -eq $((CYCLES + 1)) ] && \
	[ "$(tp_xstat 0 fs_sub0_removals)" -eq "$CYCLES" ]

# A returning device whose link is not up yet does not take TX back.
fs_veth_del vA0
fs_rx_grows vB1 2
ip -n "$FS_NETNS" link add vA0 address "$MAC_A" type veth peer name vA1
ip -n "$FS_NETNS" link set vA0 up
fs_wait_for 2 [ "$(tp_xstat 0 fs_sub0_state)" = 3 ]
sleep 0.3
fs_check "returned vA0 without carrier (peer down) does not lead: TX stays on vB0" \
	[ "$(tp_xstat 0 fs_tx_subdevice)" = 1 ]
ip -n "$FS_NETNS" link set vA1 up
fs_check "once its carrier is up, vA0 takes TX back" fs_rx_grows vA1 2

# A uevent forged by a user-space process is not the kernel's: ignored.
ifindex=$(fs_in_netns cat /sys/class/net/vA0/ifindex)
removals=$(tp_xstat 0 fs_sub0_removals)
fs_in_netns python3 "$(dirname "$0")/../lib/forge_uevent.py" remove vA0 "$ifindex"
sleep 0.3
fs_check "forged REMOVE left traffic on vA0" fs_rx_grows vA1 1
fs_check "forged REMOVE counted no removal" \
	[ "$(tp_xstat 0 fs_sub0_removals)" -eq "$removals" ]
fs_check "forged REMOVE dropped and counted by the monitor" \
	[ "$(tp_xstat 0 fs_uevents_dropped_sender)" -ge 1 ]

# The interface never comes back; a replacement with the slot's MAC does.
fs_veth_del vA0
fs_rx_grows vB1 2
fs_veth_add vC0 vC1 "$MAC_A"
fs_check "replacement vC0 (same MAC, new name) takes slot 0 and carries traffic" \
	fs_rx_grows vC1 2
tp_cmd stop >/dev/null
tp_quit
fs_check "testpmd exited cleanly" [ $? -eq 0 ]

# rcu_expedite=on: each ADD's probe runs with the kernel's RCU expedited
# (the PMD logs it), and the machine-wide knob is back as found after.
rcu_before=$(cat /sys/kernel/rcu_expedited)
rm -f "$FS_TMP/testpmd.in"
fs_veth_del vC0
fs_veth_add vA0 vA1
# shellcheck disable=SC2046
tp_start --netns $(fs_eal_args) \
	--vdev 'net_failsafe0,dev(net_af_packet0,iface=vA0),dev(net_af_packet1,iface=vB0),hotplug_poll=60000,rcu_expedite=on' \
	-- -i --forward-mode=txonly
tp_cmd start >/dev/null
back=0
for i in 1 2 3; do
	fs_veth_del vA0
	fs_rx_grows vB1 2
	fs_veth_add vA0 vA1
	fs_rx_grows vA1 2 && back=$((back + 1))
done
fs_check "rcu_expedite=on: traffic back on vA0 after every re-plug ($back/3)" [ "$back" -eq 3 ]
expedited=$(grep -c 'back as net_af_packet0,iface=vA0: ADD received.*(RCU expedited)' "$TP_OUT")
fs_check "rcu_expedite=on: every ADD's probe was expedited ($expedited/3)" [ "$expedited" -eq 3 ]
fs_check "rcu_expedite=on: /sys/kernel/rcu_expedited back to $rcu_before" \
	[ "$(cat /sys/kernel/rcu_expedited)" = "$rcu_before" ]
tp_cmd stop >/dev/null
tp_quit
fs_check "rcu_expedite=on: testpmd exited cleanly" [ $? -eq 0 ]
fs_check "rcu_expedite=on: knob still $rcu_before after exit" \
	[ "$(cat /sys/kernel/rcu_expedited)" = "$rcu_before" ]

# Baseline, reported and not asserted: Debian's own net_failsafe.
rm -f "$FS_TMP/testpmd.in"
# shellcheck disable=SC2046
TP_DEBIAN=1 tp_start --netns $(fs_eal_args) \
	--vdev 'net_failsafe0,dev(net_af_packet0,iface=vA0),dev(net_af_packet1,iface=vB0)' \
	-- -i --forward-mode=txonly
tp_cmd start >/dev/null
fs_rx_grows vA1 2 && base_a=sends || base_a=silent
fs_veth_del vA0
fs_rx_grows vB1 2 && base_switch=yes || base_switch=no
fs_veth_add vA0 vA1
fs_rx_grows vA1 3 && base_back=yes || base_back=no
fs_log "baseline (Debian's net_failsafe): vA0 $base_a before; after ip link del vA0 traffic moved to vB0: $base_switch; back on vA0 within 3 s of re-creating it: $base_back"
tp_quit
fs_done
