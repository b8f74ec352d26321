#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Debian's dpdk-testpmd with our plugin (-d), two fail-safe ports: one over
# two net_null, one over two net_ring (whose TX loops back to its RX).
# Forwarding in io, mac and txonly modes moves counted packets; the show
# commands work on all ports; MTU, promiscuous, all-multicast and MAC
# commands reach every sub-device.  testpmd refuses to show a port that is
# owned (our sub-devices), so those are read back through Debian's
# telemetry client (/ethdev/info, /ethdev/stats).
#
# Port ids: failsafe0 = 0, its net_null0/1 = 1, 2; failsafe1 = 3, its
# net_ring0/1 = 4, 5.
. "$(dirname "$0")/../lib/common.sh"

FS0=0
FS1=3
NULL_SUBS="1 2"
RING_SUBS="4 5"

# shellcheck disable=SC2046
tp_start $(fs_eal_args) \
	--vdev 'net_failsafe0,dev(net_null0),dev(net_null1),hotplug_poll=100' \
	--vdev 'net_failsafe1,dev(net_ring0),dev(net_ring1),hotplug_poll=100' \
	-- -i --forward-mode=io
fs_check "testpmd started with the plugin" tp_alive

# tel <command> <port> <key>: one value of a telemetry dictionary.
tel() {
	fs_telemetry "$1,$2" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
    print(list(d.values())[0][sys.argv[1]])
except Exception:
    pass' "$3"
}

# The sub-devices are where we think they are.
for p in $NULL_SUBS $RING_SUBS; do
	name=$(tel /ethdev/info "$p" name)
	case $p in 1) want=net_null0 ;; 2) want=net_null1 ;; 4) want=net_ring0 ;; *) want=net_ring1 ;; esac
	fs_check "port $p is sub-device $want ('$name')" [ "$name" = "$want" ]
done

# over_1000 <values...>: every value is a count above 1000.
over_1000() {
	local v
	for v in "$@"; do
		[ "${v:-0}" -gt 1000 ] || return 1
	done
}

# info <port> <field>: a field of "show port info" (fail-safe ports).
info() { tp_cmd "show port info $1" | sed -n "s/^$2: *//p" | head -n1; }

# fwd_run <mode>: clear, forward for a while, stop; print "rx0 tx0 rx3 tx3".
fwd_run() {
	tp_cmd "set fwd $1" >/dev/null
	tp_cmd "clear port stats all" >/dev/null
	tp_cmd start >/dev/null
	sleep 1
	tp_cmd stop >/dev/null
	echo "$(tp_port_stat $FS0 RX-packets) $(tp_port_stat $FS0 TX-packets)" \
		"$(tp_port_stat $FS1 RX-packets) $(tp_port_stat $FS1 TX-packets)"
}

# io: failsafe0 receives from net_null and sends to failsafe1, whose ring
# brings the packets back on failsafe1's RX, which sends them to failsafe0.
read -r rx0 tx0 rx3 tx3 < <(fwd_run io)
fs_log "io: port 0 rx=$rx0 tx=$tx0, port 3 rx=$rx3 tx=$tx3"
fs_check "io: failsafe0 received (net_null)" [ "${rx0:-0}" -gt 1000 ]
fs_check "io: failsafe1 sent what failsafe0 received" [ "${tx3:-0}" -gt 1000 ]
fs_check "io: failsafe1 received its looped-back packets (net_ring)" [ "${rx3:-0}" -gt 1000 ]
fs_check "io: failsafe0 sent them on" [ "${tx0:-0}" -gt 1000 ]
fs_check "io: no more sent on failsafe0 than failsafe1 received" [ "${tx0:-0}" -le "${rx3:-0}" ]

read -r rx0 tx0 rx3 tx3 < <(fwd_run mac)
fs_log "mac: port 0 rx=$rx0 tx=$tx0, port 3 rx=$rx3 tx=$tx3"
fs_check "mac: packets forwarded both ways" over_1000 "$rx0" "$tx3" "$rx3" "$tx0"

read -r rx0 tx0 rx3 tx3 < <(fwd_run txonly)
fs_log "txonly: port 0 tx=$tx0, port 3 tx=$tx3"
fs_check "txonly: failsafe0 sent" [ "${tx0:-0}" -gt 1000 ]
# Nobody reads failsafe1's ring in txonly: it stops when the ring is full.
fs_check "txonly: failsafe1 sent" [ "${tx3:-0}" -gt 0 ]

# TX went to the preferred sub-device of failsafe1 (net_ring0 = port 4).
sub_tx=$(tel /ethdev/stats 4 opackets)
sub1_tx=$(tel /ethdev/stats 5 opackets)
fs_log "sub-device TX: port 4 $sub_tx, port 5 $sub1_tx"
fs_check "TX goes through failsafe1's preferred sub-device" [ "${sub_tx:-0}" -gt 0 ]
fs_check "and not through the other one" [ "${sub1_tx:-1}" -eq 0 ]

# --- show commands -----------------------------------------------------------
stats=$(tp_cmd "show port stats all")
fs_check "show port stats all covers both fail-safe ports" \
	bash -c 'grep -q "statistics for port 0 " <<<"$1" && grep -q "statistics for port 3 " <<<"$1"' _ "$stats"
xstats=$(tp_cmd "show port xstats all")
fs_check "show port xstats all has our counters for both ports" \
	[ "$(grep -c '^fs_active_subdevices: 2$' <<<"$xstats")" -eq 2 ]
fs_check "show port xstats all has the sub-devices' own, prefixed" \
	bash -c 'grep -q "^sub0_rx_good_packets: " <<<"$1" && grep -q "^sub1_tx_good_packets: " <<<"$1"' _ "$xstats"
infos=$(tp_cmd "show port info all")
fs_check "show port info all lists both fail-safe ports" \
	[ "$(grep -c '^Driver name: net_failsafe$' <<<"$infos")" -eq 2 ]
fs_check "show port info all shows the link" grep -q '^Link status: up' <<<"$infos"
fs_check "testpmd still alive after the show commands" tp_alive

# --- configuration reaches every sub-device ----------------------------------
# MTU: net_null takes it (net_ring has no MTU support, failsafe1 refuses).
tp_cmd "port config mtu $FS0 1400" >/dev/null
fs_check "MTU 1400 on failsafe0" [ "$(info $FS0 MTU)" = 1400 ]
for p in $NULL_SUBS; do
	fs_check "MTU 1400 reached sub-device port $p" [ "$(tel /ethdev/info "$p" mtu)" = 1400 ]
done
out=$(tp_cmd "port config mtu $FS1 1400")
fs_check "MTU on failsafe1 over net_ring is refused with an error" \
	grep -qi 'fail\|not supported' <<<"$out"
fs_check "a refused MTU leaves failsafe1 at 1500" [ "$(info $FS1 MTU)" = 1500 ]

# promiscuous and all-multicast: net_ring turns them on and off.
for mode in promisc allmulti; do
	case $mode in
	promisc) field="Promiscuous mode" key=promiscuous ;;
	allmulti) field="Allmulticast mode" key=all_multicast ;;
	esac
	for st in off on; do
		tp_cmd "set $mode $FS1 $st" >/dev/null
		want=$([ $st = on ] && echo enabled || echo disabled)
		fs_check "$mode $st on failsafe1" [ "$(info $FS1 "$field")" = "$want" ]
		want=$([ $st = on ] && echo 1 || echo 0)
		for p in $RING_SUBS; do
			fs_check "$mode $st reached sub-device port $p" \
				[ "$(tel /ethdev/info "$p" $key)" = "$want" ]
		done
	done
	# net_null is always promiscuous / all-multicast: "on" must reach it.
	tp_cmd "set $mode $FS0 on" >/dev/null
	for p in $NULL_SUBS; do
		fs_check "$mode on reached sub-device port $p" \
			[ "$(tel /ethdev/info "$p" $key)" = 1 ]
	done
done

# MAC: net_null takes a new default MAC.
tp_cmd "mac_addr set $FS0 02:fa:00:00:00:01" >/dev/null
fs_check "mac_addr set on failsafe0" [ "$(info $FS0 'MAC address')" = 02:FA:00:00:00:01 ]
for p in $NULL_SUBS; do
	fs_check "mac_addr set reached sub-device port $p" \
		[ "$(tel /ethdev/info "$p" mac_addr)" = 02:FA:00:00:00:01 ]
done
# An extra MAC: the port offers what all sub-devices can, one MAC here, so
# it is refused with a message, and nothing changes.
out=$(tp_cmd "mac_addr add $FS0 02:fa:00:00:00:02")
fs_log "mac_addr add: $(grep -i 'error\|fail' <<<"$out" | head -n1)"
fs_check "mac_addr add beyond the sub-devices' capacity is refused" \
	grep -qi 'error\|fail' <<<"$out"
fs_check "the default MAC is unchanged after the refused add" \
	[ "$(tel /ethdev/info 1 mac_addr)" = 02:FA:00:00:00:01 ]

# Forwarding still works after all of it.
read -r rx0 tx0 rx3 tx3 < <(fwd_run io)
fs_check "io forwarding after the configuration changes" over_1000 "$rx0" "$tx3"
tp_quit
fs_check "testpmd exited cleanly" [ $? -eq 0 ]
fs_done
