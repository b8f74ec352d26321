#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Short, bounded fuzz run: new inputs go to a scratch corpus in the build
# directory, the committed seeds are only read.
# usage: run_fuzz.sh <fuzzer> <seed dir> <work dir>
set -eu
fuzzer=$1
seeds=$2
work=$3
mkdir -p "$work/corpus"
exec "$fuzzer" -runs=500000 -max_total_time=20 -max_len=8192 \
	-artifact_prefix="$work/" "$work/corpus" "$seeds"
