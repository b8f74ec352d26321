#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# A re-created interface that its administrator brings up while the PMD's
# ADD is bringing the sub-device up must stay up.  net_af_packet sets
# promiscuous mode (our replay, and ethdev's restore at every start) by
# reading the interface's flags and writing them back, IFF_PROMISC
# changed: an `ip link set up` between the read and the write was undone,
# and the interface stayed down with nothing to say so (seen as a re-plug
# that never took traffic back under OVS, about 1 in 300 at load 20).
# The shim slow_ifflags.so holds every SIOCSIFFLAGS for 500 ms, so the
# admin's up (150 ms after the interface appears) falls in that window
# every time.
. "$(dirname "$0")/../lib/common.sh"

SHIM="$FS_BUILD_ROOT/test/failsafe/libfs_slow_ifflags.so"
CYCLES=${FS_ADMIN_UP_CYCLES:-3}
[ -f "$SHIM" ] || { fs_log "FAIL: $SHIM missing (ninja -C build)"; exit 1; }

fs_netns_create
fs_veth_add vA0 vA1
fs_veth_add vB0 vB1
# shellcheck disable=SC2046
LD_PRELOAD=$SHIM FS_SLOW_SIOCSIFFLAGS_MS=500 tp_start --netns $(fs_eal_args) \
	--vdev 'net_failsafe0,dev(net_af_packet0,iface=vA0),dev(net_af_packet1,iface=vB0),hotplug_poll=60000' \
	-- -i --forward-mode=txonly
tp_cmd start >/dev/null
fs_check "traffic leaves through the preferred sub-device vA0" fs_rx_grows vA1 5

admin_up() { ip -n "$FS_NETNS" -o link show "$1" | grep -q '[<,]UP[,>]'; }

up=0 back=0
for i in $(seq 1 "$CYCLES"); do
	fs_veth_del vA0
	fs_rx_grows vB1 3
	ip -n "$FS_NETNS" link add vA0 type veth peer name vA1
	ip -n "$FS_NETNS" link set vA1 up
	sleep 0.15
	ip -n "$FS_NETNS" link set vA0 up
	# Both held writes are over (probe, replay, start) well before 3 s.
	fs_wait_for 3 [ "$(tp_xstat 0 fs_sub0_state)" = 3 ]
	sleep 1.5
	if admin_up vA0; then
		up=$((up + 1))
	else
		fs_log "cycle $i: $(ip -n "$FS_NETNS" -o link show vA0 | cut -d' ' -f2-3)"
	fi
	fs_rx_grows vA1 3 && back=$((back + 1))
done
fs_check "vA0, brought up during the ADD, is still up after it ($up/$CYCLES)" \
	[ "$up" -eq "$CYCLES" ]
fs_check "traffic back on vA0 after every re-plug ($back/$CYCLES)" \
	[ "$back" -eq "$CYCLES" ]
restored=$(grep -c 'sub-device 0: vA0 was brought up during its bring-up.*brought it up again' "$TP_OUT")
fs_check "the PMD logged each restored up ($restored/$CYCLES)" [ "$restored" -eq "$CYCLES" ]
fs_check "testpmd survived" tp_alive
tp_cmd stop >/dev/null
tp_quit
fs_check "testpmd exited cleanly" [ $? -eq 0 ]
fs_done
