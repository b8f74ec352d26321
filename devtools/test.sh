#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# The project's test command: set up (packages, SDK headers, build), then
# run every meson test.  The last line is "N passed, N failed"; the exit
# status is non-zero when anything failed.
#   FS_TEST_SUITES="eal failsafe"  run only these suites
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${FS_BUILD_DIR:-$top/build}

finish() {
	echo "$1 passed, $2 failed"
	[ "$2" -eq 0 ]
	exit
}

if ! bash "$top/devtools/setup.sh"; then
	echo "test: setup failed" >&2
	finish 0 1
fi
FS_PLUGIN_DIR=$(bash "$top/devtools/plugin-dir.sh" "$build") || finish 0 1
export FS_PLUGIN_DIR
echo "test: plugin loaded from $FS_PLUGIN_DIR"

suites=()
for s in ${FS_TEST_SUITES:-}; do
	suites+=(--suite "$s")
done
log="$build/meson-logs/testlog.json"
rm -f "$log"
meson test -C "$build" --print-errorlogs --num-processes 2 \
	--timeout-multiplier "${FS_TIMEOUT_MULTIPLIER:-1}" "${suites[@]}"
[ -f "$log" ] || { echo "test: meson wrote no test log" >&2; finish 0 1; }

read -r passed failed skipped < <(python3 - "$log" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"):
        p += 1
    elif r == "SKIP":
        s += 1
    else:
        f += 1
print(p, f, s)
PY
)
# A skipped test proves nothing: it counts as failed here.
failed=$((failed + skipped))
[ "$((passed + failed))" -gt 0 ] || { echo "test: no test ran" >&2; finish 0 1; }
finish "$passed" "$failed"
