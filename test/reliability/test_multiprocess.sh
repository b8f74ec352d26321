#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# A secondary process attaching while the primary switches.  The primary
# is Debian's testpmd forwarding (txonly) through net_failsafe over
# af_packet on vA0 and vB0 in a private netns, while vA0 is yanked and
# re-created; meanwhile Debian's dpdk-proc-info attaches again and again
# as a secondary (--stats --xstats) with the plugin loaded.
#
# Every DPDK run of this project uses --no-huge, and a --no-huge primary
# keeps its memory private: the secondary's EAL cannot map it and stops
# in rte_eal_init ("Cannot init memory"), before any driver runs.  So
# what this test can prove under that rule: no secondary hangs or dies
# of a signal other than proc-info's own rte_panic on an EAL init
# failure, and the primary neither notices nor stops forwarding.  What a
# secondary sees of a fail-safe port with shared memory is described in
# doc/guides/prog_guide/reliability.rst.
#
# The secondary is not harmless to the primary's hotplug, though: EAL's
# rte_dev_probe()/rte_dev_remove() in the primary ask every secondary to
# attach/detach too, and one that registered its mp socket and then died
# makes them fail with -ENOMSG ("Failed to send hotplug add request to
# secondary").  The slot is then retried at the next hotplug_poll tick:
# 1 s here, so the port must be back on vA0 within a few seconds.
. "$(dirname "$0")/../lib/common.sh"

ATTACHES=${FS_MP_ATTACHES:-10}
[ "${FS_LONG:-0}" = 1 ] && ATTACHES=${FS_MP_ATTACHES:-100}

fs_netns_create
fs_veth_add vA0 vA1
fs_veth_add vB0 vB1
# shellcheck disable=SC2046
tp_start --netns $(fs_eal_args) \
	--vdev 'net_failsafe0,dev(net_af_packet0,iface=vA0),dev(net_af_packet1,iface=vB0),hotplug_poll=1000' \
	-- -i --forward-mode=txonly
tp_cmd start >/dev/null
fs_check "primary forwards through vA0" fs_rx_grows vA1

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
	fs_in_netns timeout 20 dpdk-proc-info -d "$FS_PLUGIN_DIR" \
		--proc-type=secondary --file-prefix "$FS_PREFIX" --no-pci \
		--no-huge -m 1024 --log-level=lib.eal:notice -- --stats --xstats \
		> "$FS_TMP/secondary.$i" 2>&1
	rc=$?
	if [ "$rc" -eq 124 ]; then
		hung=$((hung + 1))
	elif [ "$rc" -eq 0 ] || { [ "$rc" -eq 134 ] &&
			grep -q 'Cannot init EAL' "$FS_TMP/secondary.$i"; } ||
			[ "$rc" -lt 128 ]; then
		clean=$((clean + 1))
	else
		signalled=$((signalled + 1))
		fs_log "secondary $i: status $rc"
		tail -n 20 "$FS_TMP/secondary.$i"
	fi
	tp_alive || break
done
touch "$FS_TMP/stop-yanking"
wait "$YANKER" 2>/dev/null
fs_log "secondaries: $clean ended cleanly, $signalled by a signal, $hung hung; last one said: $(grep -m1 -E 'Cannot|FATAL|Port' "$FS_TMP/secondary.$ATTACHES" 2>/dev/null)"
fs_check "no secondary hung ($hung)" [ "$hung" -eq 0 ]
fs_check "no secondary died of a signal in a driver ($signalled)" \
	[ "$signalled" -eq 0 ]
fs_check "primary alive after $ATTACHES secondary attaches during yanks" tp_alive
ip -n "$FS_NETNS" link show vA0 >/dev/null 2>&1 || fs_veth_add vA0 vA1
fs_check "primary forwards through vA0 again within 5 s (hotplug_poll 1 s)" \
	fs_rx_grows vA1 5
fs_log "primary's hotplug requests that a dying secondary failed: $(grep -c 'request to secondary' "$TP_OUT"); probes refused with ENOMSG: $(grep -c 'failed: No message of desired type' "$TP_OUT")"
fs_check "primary answers (port stats)" tp_cmd "show port stats 0" >/dev/null
tp_cmd stop >/dev/null
tp_quit
fs_check "primary exited cleanly" [ $? -eq 0 ]
fs_done
