#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# The project's test command, on both supported platforms: the suite runs
# on this machine (set-up: packages, SDK headers, build; then every meson
# test), then again on the other Debian release (12 <-> 13) inside a root
# made by devtools/debian-root.sh and entered with devtools/in-root.sh.
# A line per platform, then the sum as the last line: "N passed, N failed",
# where each cmocka case counts as one and each other test as one; the
# exit status is non-zero when anything failed.
#   FS_TEST_SUITES="hotplug failsafe"  run only these suites
#   FS_TEST_PLATFORMS=here         this machine's release only
#   --here                         the same (what the root's run uses)
#   FS_TEST_DETAILS=1              a count per test, on stderr
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${FS_BUILD_DIR:-$top/build}
platforms=${FS_TEST_PLATFORMS:-both}
[ "${1:-}" = --here ] && platforms=here

finish() {
	echo "$1 passed, $2 failed"
	[ "$2" -eq 0 ]
	exit
}

# "debian 12 (bookworm), DPDK 22.11.11": what a platform line names.
platform_name() {
	local id ver cn dpdk
	id=$(. "${1:-}/etc/os-release" && echo "$ID $VERSION_ID ($VERSION_CODENAME)")
	dpdk=$(chroot "${1:-/}" dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null)
	echo "$id, DPDK ${dpdk:-not installed}"
}

other_release() {
	case $(. /etc/os-release && echo "$VERSION_CODENAME") in
	bookworm) echo trixie ;;
	trixie) echo bookworm ;;
	*) echo "" ;;
	esac
}

# run_other: the whole suite in the other release's root; its own closing
# line is read back as that platform's counts.
run_other() {
	local rel root out=$build/other-platform.log
	mkdir -p "$build"
	rel=$(other_release)
	if [ -z "$rel" ]; then
		echo "test: no other platform known for this release" >&2
		return 1
	fi
	root=$(bash "$top/devtools/debian-root.sh" "$rel") || return 1
	other_name=$(platform_name "$root")
	echo "test: ---- $other_name, in $root ----"
	env FS_BUILD_DIR=/var/tmp/failsafe-uevent-build \
		bash "$top/devtools/in-root.sh" "$root" bash -c \
		'rm -rf "$FS_BUILD_DIR" && exec bash /src/devtools/test.sh --here' |
		tee "$out"
	read -r other_passed other_failed < <(tail -n1 "$out" |
		sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
	[ -n "${other_passed:-}" ]
}

if [ "$platforms" != here ]; then
	here_name=$(platform_name)
	echo "test: ---- $here_name, on this machine ----"
	here_log=$(mktemp)
	FS_TEST_PLATFORMS=here bash "$0" | tee "$here_log"
	read -r here_passed here_failed < <(tail -n1 "$here_log" |
		sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
	rm -f "$here_log"
	: "${here_passed:=0}" "${here_failed:=1}"
	other_name="other platform"
	if ! run_other; then
		echo "test: the other platform's run did not finish" >&2
		other_passed=0 other_failed=1
	fi
	echo "$here_name: $here_passed passed, $here_failed failed"
	echo "$other_name: $other_passed passed, $other_failed failed"
	finish $((here_passed + other_passed)) $((here_failed + other_failed))
fi

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

# Each cmocka case counts as one, each other test as one; a skipped case
# or test proves nothing and counts as failed (devtools/count-cases.py).
read -r passed failed programs cases < <(python3 "$top/devtools/count-cases.py" \
	${FS_TEST_DETAILS:+--details} "$log")
[ -n "${passed:-}" ] || { echo "test: could not read $log" >&2; finish 0 1; }
echo "test: $cases cases in $programs cmocka programs, $((passed + failed - cases)) other tests"
[ "$((passed + failed))" -gt 0 ] || { echo "test: no test ran" >&2; finish 0 1; }
finish "$passed" "$failed"
