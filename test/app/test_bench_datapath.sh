#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# dpdk-bench-datapath, the interleaved throughput engine: bad options are
# named and refused before any port exists; a configuration whose ports
# do not run the driver it names is refused (our plugin holds
# net_failsafe, so "debian" must fail, and "ours" must fail without it);
# a short run prints a ratio and a config line for every configuration.
# Numbers are not judged here.
. "$(dirname "$0")/../lib/common.sh"

bench=${FS_BUILD_ROOT:?}/app/bench-datapath/dpdk-bench-datapath
eal="-l 1 --no-huge -m 1024 --no-pci --file-prefix $FS_PREFIX --log-level=lib.eal:error"

run() {	# run <out> <bench args...>: EAL args with our plugin
	local out=$1
	shift
	# shellcheck disable=SC2086
	timeout 60 "$bench" $eal -d "$FS_PLUGIN_DIR" -- "$@" > "$out" 2>&1
}

bad() {	# bad <expected message> <bench args...>
	local msg=$1 rc
	shift
	run "$FS_TMP/bad.txt" "$@"
	rc=$?
	fs_check "'$*' exits 2 and says: $msg (rc $rc)" \
		eval '[ "$rc" -eq 2 ] && grep -qF -- "$msg" "$FS_TMP/bad.txt"'
}

bad "--configs: unknown or too many: nosuch" --configs direct,nosuch
bad "--configs must start with direct" --configs ours_1sub
bad "--configs: bonding given twice" --configs direct,bonding,bonding
bad "--rounds: '0' is not a number in 1..100000" --rounds 0
bad "--steps: '12x' is not a number in 1..1000000" --steps 12x
bad "unexpected argument extra" --rounds 5 extra

run "$FS_TMP/deb.txt" --configs direct,debian --rounds 5
rc=$?
fs_check "debian with our plugin loaded is refused (rc $rc)" \
	eval '[ "$rc" -eq 1 ] && grep -qF "port net_failsafe0 runs ours'"'"'s driver, not debian'"'"'s" "$FS_TMP/deb.txt"'

# shellcheck disable=SC2086
timeout 60 "$bench" $eal -- --configs direct,ours_1sub --rounds 5 > "$FS_TMP/nop.txt" 2>&1
rc=$?
fs_check "ours without our plugin is refused (rc $rc)" \
	eval '[ "$rc" -eq 1 ] && grep -qF "runs debian'"'"'s driver, not ours'"'"'s" "$FS_TMP/nop.txt"'

run "$FS_TMP/ok.txt" --rounds 20 --steps 50
rc=$?
cat "$FS_TMP/ok.txt" | grep -E '^(ratio|config) '
fs_check "short run exits 0 (rc $rc)" [ "$rc" -eq 0 ]
for c in direct_b ours_1sub ours_2sub bonding; do
	fs_check "ratio line for $c" grep -qE "^ratio $c [0-9.]+ [0-9.]+ [0-9.]+$" "$FS_TMP/ok.txt"
done
for c in "direct other" "ours_1sub ours" "ours_2sub ours" "bonding other"; do
	fs_check "config line for $c" grep -qE "^config $c [0-9.]+ [0-9.]+$" "$FS_TMP/ok.txt"
done
fs_done
