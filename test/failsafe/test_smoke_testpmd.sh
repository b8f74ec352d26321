#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Smoke: Debian's dpdk-testpmd loads our plugin with -d, forwards through
# two fail-safe ports over net_null in io mode, and the ports provably run
# our driver (firmware version and fs_* xstats), where Debian's do not.
. "$(dirname "$0")/../lib/common.sh"

# shellcheck disable=SC2046
tp_start $(fs_eal_args) \
	--vdev 'net_failsafe0,dev(net_null0)' \
	--vdev 'net_failsafe1,dev(net_null1)' \
	-- -i --forward-mode=io
fs_check "testpmd started with the plugin" tp_alive
info=$(tp_cmd "show port info 0")
xstats=$(tp_cmd "show port xstats 0")
fs_check "port 0 reports our firmware version" \
	grep -q '^Firmware-version: failsafe-uevent' <<<"$info"
fs_check "port 0 has our xstats" grep -q '^fs_active_subdevices: 1$' <<<"$xstats"
fs_check "driver name is net_failsafe" grep -q 'Driver name: net_failsafe' <<<"$info"
tel=$(fs_telemetry /failsafe/port,0)
fs_check "telemetry /failsafe/port,0 answers through dpdk-telemetry.py" \
	grep -q '"version": "failsafe-uevent' <<<"$tel"
fs_check "telemetry lists port 0 in /failsafe/ports" \
	grep -q '"/failsafe/ports": \[0, 2\]' <<<"$(fs_telemetry /failsafe/ports)"
tp_cmd start >/dev/null
sleep 2
tp_cmd stop >/dev/null
rx=$(tp_port_stat 0 RX-packets)
# Port 1 is net_null0, owned by failsafe0 and hidden; failsafe1 is port 2.
tx=$(tp_port_stat 2 TX-packets)
fs_log "port 0 RX-packets=$rx, port 2 TX-packets=$tx"
fs_check "io forwarding received packets" [ "${rx:-0}" -gt 1000 ]
fs_check "io forwarding sent packets" [ "${tx:-0}" -gt 1000 ]
tp_quit
fs_check "testpmd exited cleanly" [ $? -eq 0 ]

# Baseline: Debian's own net_failsafe exposes none of this.  Absence
# only means something if that testpmd runs and answers for the port:
# tp_cmd prints nothing when testpmd is dead.
rm -f "$FS_TMP/testpmd.in"
# shellcheck disable=SC2046
TP_DEBIAN=1 tp_start $(fs_eal_args) --vdev 'net_failsafe0,dev(net_null0)' -- -i
fs_check "Debian's testpmd started" tp_alive
info=$(tp_cmd "show port info 0")
fs_check "Debian's testpmd shows port 0" grep -q 'Infos for port 0' <<<"$info"
fs_check "Debian's port 0 is a net_failsafe port" \
	grep -q 'Driver name: net_failsafe' <<<"$info"
fs_check "Debian's failsafe lacks our firmware version" \
	bash -c '! grep -q "failsafe-uevent" <<<"$1"' _ "$info"
xstats=$(tp_cmd "show port xstats 0")
fs_check "Debian's testpmd answers xstats for port 0" \
	grep -q 'NIC extended statistics for port 0' <<<"$xstats"
fs_check "Debian's failsafe lacks our xstats" \
	bash -c '! grep -q fs_active_subdevices <<<"$1"' _ "$xstats"
fs_check "Debian's testpmd still alive after the queries" tp_alive
tp_quit
fs_done
