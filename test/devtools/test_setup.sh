#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# devtools/setup.sh: a second run downloads nothing and is fast; a source
# version the archives do not have fails with a clear message and leaves
# the system's apt configuration as it was.
set -uo pipefail
src=${FS_SOURCE_ROOT:?}
build=${FS_BUILD_ROOT:?}
fails=0
check() {
	if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fails=$((fails + 1)); fi
}

apt_state() { find /etc/apt -type f -exec md5sum {} + | sort | md5sum; }
before=$(apt_state)

out=$(mktemp)
start=$(date +%s%N)
FS_BUILD_DIR=$build bash "$src/devtools/setup.sh" > "$out" 2>&1
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
cat "$out"
check "second run succeeds" [ $rc -eq 0 ]
check "second run downloads nothing" bash -c '! grep -qE "downloading|updating private" "$1"' _ "$out"
check "second run reuses the unpacked headers" grep -q 'already in' "$out"
echo "second run took $ms ms"
check "second run finishes in under 60 s" [ "$ms" -lt 60000 ]

# A version that does not exist: clear error, no headers, no build.
tmpb=$(mktemp -d)
FS_BUILD_DIR=$tmpb FS_SETUP_NO_BUILD=1 FS_DPDK_SOURCE_VERSION=0.0.0-0nonexistent \
	bash "$src/devtools/setup.sh" > "$out" 2>&1
rc=$?
cat "$out"
check "missing version fails" [ $rc -ne 0 ]
check "missing version names itself" grep -q 'dpdk version 0.0.0-0nonexistent not found' "$out"
check "no headers unpacked for it" [ ! -e "$tmpb/sdk/0.0.0-0nonexistent/.complete" ]
rm -rf "$tmpb" "$out"

check "system apt configuration unchanged" [ "$before" = "$(apt_state)" ]
[ $fails -eq 0 ]
