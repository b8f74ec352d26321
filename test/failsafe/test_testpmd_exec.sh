#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Issue 17 item 3: an exec() sub-device whose command prints its line and
# keeps running, as the third sub-device next to two net_af_packet ones on
# veth pairs.  popen/pclose waited for the command to exit: testpmd never
# got to its prompt.  Now the line is taken, the command's process group
# killed, and testpmd starts and forwards.
. "$(dirname "$0")/../lib/common.sh"

N=1000
PIDFILE="$FS_TMP/exec.pid"

# What the command left, if this test fails before the port killed it.
exec_leftover_kill() {
	local pid
	pid=$(cat "$PIDFILE" 2>/dev/null) || return 0
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	return 0
}
FS_CLEANUP_HOOKS+=(exec_leftover_kill)

fs_netns_create
fs_veth_add vA0 vA1
fs_veth_add vB0 vB1

start=$SECONDS
# shellcheck disable=SC2046
tp_start --netns $(fs_eal_args) \
	--vdev "net_failsafe0,dev(net_af_packet0,iface=vA0),dev(net_af_packet1,iface=vB0),exec(sh -c 'echo \$\$ >$PIDFILE; echo net_null7,no-rx=1; exec sleep 600')" \
	-- -i --forward-mode=io
took=$((SECONDS - start))
fs_check "testpmd reached its prompt within 20 s (took ${took} s)" \
	bash -c '[ "$1" -gt 0 ] && [ "$2" -le 20 ]' _ "$(tp_prompts)" "$took"
# No prompt: every command below would wait for one in vain.
[ "$(tp_prompts)" -gt 0 ] || fs_done
fs_check "the exec() sub-device was probed from the command's line" \
	grep -q "sub-device 2 probed: net_null7" "$TP_OUT"

pid=$(cat "$PIDFILE" 2>/dev/null)
fs_log "the command ran as pid ${pid:-?}"
# gone, or a zombie left to init: not running
not_running() { [ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*[ZX]' "/proc/$1/status"; }
fs_check "the command (sleep 600) was killed once it had answered" \
	fs_wait_for 5 not_running "${pid:-0}"


tp_cmd "clear port stats all" >/dev/null
tp_cmd start >/dev/null
before=$(fs_rx_packets vA1)
fs_inject vA1 $N
# io forwarding on one port: back out of the port, through vA0 to vA1.
# net_null7 receives nothing (no-rx=1): only the injected frames count.
fs_check "forwarding: vA1 gets the frames back" \
	fs_wait_for 10 fs_rx_above vA1 $((before + N - 1))
tp_cmd stop >/dev/null
rx=$(tp_port_stat 0 RX-packets)
tx=$(tp_port_stat 0 TX-packets)
fs_log "failsafe0 RX=$rx TX=$tx"
fs_check "failsafe0 received and sent the $N frames" \
	[ "${rx:-0}" -ge $N ] && [ "${tx:-0}" -ge $N ]
xs=$(tp_cmd "show port xstats 0")
fs_check "three sub-devices active" grep -q "^fs_active_subdevices: 3$" <<<"$xs"
tp_quit
fs_check "testpmd exited cleanly" [ $? -eq 0 ]
fs_done
