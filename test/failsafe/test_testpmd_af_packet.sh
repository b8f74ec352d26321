#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Debian's dpdk-testpmd with our plugin (-d) in a private netns, over
# net_af_packet sub-devices on veth pairs:
#   failsafe0 = dev(af_packet on vA0), dev(af_packet on vB0)   port 0 (subs 1, 2)
#   failsafe1 = dev(af_packet on vC0)                          port 3 (sub 4)
# Frames injected on vA1 reach failsafe0 and are forwarded (io, mac) out of
# failsafe1, where vC1 counts them; txonly is seen on the peers.  MTU,
# promiscuous, all-multicast and MAC commands on failsafe0 must reach both
# kernel interfaces, where `ip link` shows them.
. "$(dirname "$0")/../lib/common.sh"

FS0=0
FS1=3
N=2000

fs_netns_create
fs_veth_add vA0 vA1
fs_veth_add vB0 vB1
fs_veth_add vC0 vC1

# shellcheck disable=SC2046
tp_start --netns $(fs_eal_args) \
	--vdev 'net_failsafe0,dev(net_af_packet0,iface=vA0),dev(net_af_packet1,iface=vB0),hotplug_poll=100' \
	--vdev 'net_failsafe1,dev(net_af_packet2,iface=vC0),hotplug_poll=100' \
	-- -i --forward-mode=io
fs_check "testpmd started with the plugin in the netns" tp_alive


# link_has <iface> <pattern>: `ip link show` of a netns interface matches.
link_has() { ip -n "$FS_NETNS" -o link show "$1" | grep -q -- "$2"; }
link_lacks() { ! link_has "$@"; }

# fwd_inject <mode>: forward N frames injected on vA1; print what vC1 got.
fwd_inject() {
	local before after
	tp_cmd "set fwd $1" >/dev/null
	tp_cmd start >/dev/null
	before=$(fs_rx_packets vC1)
	local k0
	k0=$(fs_rx_packets vA0)
	fs_inject vA1 $N
	fs_log "$1: vA0 kernel rx grew by $(( $(fs_rx_packets vA0) - k0 ))" >&2
	fs_wait_for 5 fs_rx_above vC1 $((before + N - 1))
	after=$(fs_rx_packets vC1)
	tp_cmd stop >/dev/null
	echo $((after - before))
}

for mode in io mac; do
	tp_cmd "clear port stats all" >/dev/null
	got=$(fwd_inject $mode)
	rx0=$(tp_port_stat $FS0 RX-packets)
	tx3=$(tp_port_stat $FS1 TX-packets)
	fs_log "$mode: injected $N on vA1, failsafe0 RX=$rx0, failsafe1 TX=$tx3, vC1 got $got"
	fs_check "$mode: failsafe0 received the $N frames" [ "${rx0:-0}" -ge $N ]
	fs_check "$mode: failsafe1 sent them" [ "${tx3:-0}" -ge $N ]
	fs_check "$mode: vC1 received them" [ "${got:-0}" -ge $N ]
done

# mac mode rewrote the source MAC to failsafe1's: capture one frame on vC1.
fs1_mac=$(tp_cmd "show port info $FS1" | sed -n 's/^MAC address: *//p' | tr 'A-F' 'a-f')
vc0_mac=$(ip -n "$FS_NETNS" -o link show vC0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
fs_check "failsafe1's MAC is its sub-device's ($fs1_mac)" [ "$fs1_mac" = "$vc0_mac" ]

# txonly: failsafe0 sends through its preferred sub-device (vA0 -> vA1).
tp_cmd "set fwd txonly" >/dev/null
a_before=$(fs_rx_packets vA1)
b_before=$(fs_rx_packets vB1)
tp_cmd start >/dev/null
fs_check "txonly: vA1 receives failsafe0's packets" fs_wait_for 5 fs_rx_above vA1 $((a_before + 1000))
fs_check "txonly: vC1 receives failsafe1's packets" fs_rx_grows vC1 5
tp_cmd stop >/dev/null
b_after=$(fs_rx_packets vB1)
fs_log "txonly: vB1 received $((b_after - b_before)) (the standby sub-device)"
fs_check "txonly: the standby sub-device vB0 sent (almost) nothing" \
	[ $((b_after - b_before)) -lt 100 ]
tx0=$(tp_port_stat $FS0 TX-packets)
fs_check "txonly: failsafe0 TX-packets counted ($tx0)" [ "${tx0:-0}" -gt 1000 ]

# --- show commands -----------------------------------------------------------
fs_check "show port stats all" grep -q "statistics for port $FS1 " <<<"$(tp_cmd 'show port stats all')"
xstats=$(tp_cmd "show port xstats all")
fs_check "show port xstats all: our counters and the sub-devices'" \
	bash -c 'grep -q "^fs_active_subdevices: 2$" <<<"$1" && grep -q "^sub1_" <<<"$1"' _ "$xstats"
fs_check "show port info all" \
	[ "$(tp_cmd 'show port info all' | grep -c '^Driver name: net_failsafe$')" -eq 2 ]

# --- configuration reaches both kernel interfaces ----------------------------
tp_cmd "port config mtu $FS0 1400" >/dev/null
fs_check "MTU 1400 reached vA0" link_has vA0 'mtu 1400 '
fs_check "MTU 1400 reached vB0" link_has vB0 'mtu 1400 '
fs_check "MTU of failsafe0 reads 1400" \
	grep -q '^MTU: 1400$' <<<"$(tp_cmd "show port info $FS0")"

# testpmd turns promiscuous mode on at start.
fs_check "promiscuous on vA0 (testpmd default)" link_has vA0 PROMISC
fs_check "promiscuous on vB0 (testpmd default)" link_has vB0 PROMISC
tp_cmd "set promisc $FS0 off" >/dev/null
fs_check "promisc off reached vA0" link_lacks vA0 PROMISC
fs_check "promisc off reached vB0" link_lacks vB0 PROMISC
tp_cmd "set promisc $FS0 on" >/dev/null
fs_check "promisc on reached vA0" link_has vA0 PROMISC
fs_check "promisc on reached vB0" link_has vB0 PROMISC

# net_af_packet (22.11) has no all-multicast control: the port must say
# so rather than pretend, and leave the kernel interfaces as they were.
out=$(tp_cmd "set allmulti $FS0 on")
fs_check "allmulti on is refused: af_packet cannot do it" grep -qi 'error\|not supported' <<<"$out"
fs_check "failsafe0 reports all-multicast off" \
	grep -q '^Allmulticast mode: disabled' <<<"$(tp_cmd "show port info $FS0")"
fs_check "vA0 untouched" link_lacks vA0 ALLMULTI
fs_check "vB0 untouched" link_lacks vB0 ALLMULTI
tp_cmd "set allmulti $FS0 off" >/dev/null
fs_check "allmulti off is accepted" \
	grep -q '^Allmulticast mode: disabled' <<<"$(tp_cmd "show port info $FS0")"

tp_cmd "mac_addr set $FS0 02:fa:00:00:0a:01" >/dev/null
fs_check "mac_addr set reached vA0" link_has vA0 'link/ether 02:fa:00:00:0a:01 '
fs_check "mac_addr set reached vB0" link_has vB0 'link/ether 02:fa:00:00:0a:01 '
out=$(tp_cmd "mac_addr add $FS0 02:fa:00:00:0a:02")
fs_log "mac_addr add: $(grep -i 'error\|fail' <<<"$out" | head -n1)"
fs_check "mac_addr add beyond af_packet's one address is refused" grep -qi 'error\|fail' <<<"$out"
fs_check "vA0 keeps the default MAC" link_has vA0 'link/ether 02:fa:00:00:0a:01 '

# Still forwarding after all of it.
tp_cmd "clear port stats all" >/dev/null
got=$(fwd_inject io)
fs_check "io forwarding after the configuration changes (vC1 got $got)" [ "${got:-0}" -ge $N ]
tp_quit
fs_check "testpmd exited cleanly" [ $? -eq 0 ]
fs_done
