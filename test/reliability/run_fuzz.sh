#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Bounded fuzz run: new inputs go to a scratch corpus in the build
# directory, the committed seeds are only read.  The fake sysfs trees of
# the identity target live in TMPDIR (tmpfs when there is one).
# usage: run_fuzz.sh <fuzzer> <seed dir> <work dir> <seconds> [libFuzzer args]
set -eu
fuzzer=$1
seeds=$2
work=$3
secs=$4
shift 4
mkdir -p "$work/corpus"
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=/dev/shm
	export TMPDIR
fi
exec "$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$work/" "$@" "$work/corpus" "$seeds"
