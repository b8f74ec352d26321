#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# The plugin compiles against a newer DPDK's driver interface: a build of
# its own (-Dsdk_headers) with the driver-SDK headers of shared/dpdk-sdk/
# <release> over the installed DPDK's public ones, meson's feature checks
# included.  Warnings that come from that mix of headers (dev_driver.h
# redefining what the older rte_dev.h defines) are not ours; any error, or
# a warning in our own sources, fails.
#   test_sdk_newer.sh <major.minor>
set -uo pipefail
src=${FS_SOURCE_ROOT:?}
rel=${1:?usage: test_sdk_newer.sh <major.minor>}
sdk=${FS_SDK_FALLBACK:-$src/../shared/dpdk-sdk}/$rel

[ -d "$sdk" ] || { echo "FAIL: no $rel headers in $sdk"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/sdk"
for f in $(grep -v '^#' "$src/devtools/sdk-headers.txt"); do
	cp "$sdk/$f" "$tmp/sdk/" || { echo "FAIL: $sdk lacks $f"; exit 1; }
done
if ! meson setup "$tmp/build" "$src" -Dsdk_headers="$tmp/sdk" -Dtests=false \
		> "$tmp/setup.log" 2>&1; then
	cat "$tmp/setup.log"
	echo "FAIL: meson setup against DPDK $rel's driver headers"
	exit 1
fi
grep -E '^(Checking|Header)' "$tmp/setup.log"
ninja -C "$tmp/build" drivers/librte_net_failsafe_uevent.so > "$tmp/build.log" 2>&1
rc=$?
ours=$(grep -E '(warning|error):' "$tmp/build.log" | grep -v "^$tmp/sdk/" || true)
echo "errors and warnings in our sources: ${ours:-none}"
grep -cE "^$tmp/sdk/.*warning:" "$tmp/build.log" |
	sed 's/^/warnings from mixing the headers: /'
[ $rc -eq 0 ] || { tail -n 30 "$tmp/build.log"; echo "FAIL: build against DPDK $rel's driver headers"; exit 1; }
[ -z "$ours" ] || { echo "FAIL: our sources warn against DPDK $rel"; exit 1; }
echo "ok: the plugin builds against DPDK $rel's driver interface"
