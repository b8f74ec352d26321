#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Malformed devargs through Debian's dpdk-testpmd: the probe fails with one
# log line naming the problem, and testpmd exits without crashing.  (The
# full table of malformed inputs is the fs_args unit test.)
. "$(dirname "$0")/../lib/common.sh"

cases=(
	"dev()|empty dev()"
	"dev(net_null0),foo=1|unknown key 'foo'"
	"dev(net_null0|unbalanced '('"
	"dev(net_null0)),mac=02:00:00:00:00:01|unbalanced ')'"
	"dev(net_null0),mac=nonsense|not a MAC address"
	"dev(net_null0),hotplug_poll=soon|want milliseconds"
)
for c in "${cases[@]}"; do
	devargs=${c%%|*}
	want=${c#*|}
	# shellcheck disable=SC2046
	out=$(timeout 60 dpdk-testpmd -d "$FS_PLUGIN_DIR" $(fs_eal_args) \
		--vdev "net_failsafe0,$devargs" -- --total-num-mbufs=2048 \
		--forward-mode=io --auto-start --stats-period=0 </dev/null 2>&1)
	rc=$?
	fs_check "'$devargs': message names the problem ($want)" \
		grep -qF "net_failsafe0: invalid devargs: " <<<"$out"
	fs_check "'$devargs': reason '$want'" grep -qF "$want" <<<"$out"
	# The vdev bus logs the failed probe and testpmd goes on with no
	# fail-safe port; it must end by itself, not by a signal or a hang.
	fs_check "'$devargs': testpmd exited without a crash (rc=$rc)" \
		[ "$rc" -lt 128 ] && [ "$rc" -ne 124 ]
	fs_check "'$devargs': no fail-safe port was created" \
		bash -c '! grep -q "failsafe-uevent .* probed" <<<"$1"' _ "$out"
done
fs_done
