# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
# shellcheck shell=bash
#
# Debian's dpdk-testpmd, driven through a FIFO, and fs_wait_for: sourced
# by common.sh (the host's shell tests) and by the QEMU guest's scripts
# (test/qemu).
#   FS_TMP         where the FIFO and testpmd's output go
#   FS_PLUGIN_DIR  the plugin directory testpmd loads (-d)
#   TP_DEBIAN=1    no plugin: Debian's own net_failsafe, as a baseline
#   TP_START_S     seconds for the first prompt (60)
#   TP_CMD_S       seconds for a command's prompt (30)
# tp_stuck <why> is called when testpmd does not answer in time; it does
# nothing here, and a script may define its own after sourcing this.

TP_PID=${TP_PID:-}
TP_OUT=""
TP_FD=""

tp_stuck() { :; }

# fs_wait_for <seconds> <command...>: poll until the command succeeds.
fs_wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.05
	done
}

# tp_start [--netns] <testpmd arguments...>
tp_start() {
	local pre=()
	if [ "${1:-}" = --netns ]; then
		pre=(ip netns exec "$FS_NETNS")
		shift
	fi
	TP_OUT="$FS_TMP/testpmd.out"
	mkfifo "$FS_TMP/testpmd.in"
	local plugin=(-d "$FS_PLUGIN_DIR")
	[ "${TP_DEBIAN:-0}" = 1 ] && plugin=()
	"${pre[@]}" stdbuf -o0 -e0 dpdk-testpmd "${plugin[@]}" "$@" \
		< "$FS_TMP/testpmd.in" > "$TP_OUT" 2>&1 &
	TP_PID=$!
	exec {TP_FD}> "$FS_TMP/testpmd.in"
	tp_wait_prompts 1 "${TP_START_S:-60}"
}

tp_prompts() { grep -o 'testpmd> ' "$TP_OUT" 2>/dev/null | wc -l; }

tp_wait_prompts() {	# <count> <seconds>
	local deadline=$((SECONDS + $2))
	while [ "$(tp_prompts)" -lt "$1" ]; do
		kill -0 "$TP_PID" 2>/dev/null || return 1
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.1
	done
}

# tp_cmd <command> [seconds]: run it, wait for the next prompt, print its
# output (the prompt's line last).
tp_cmd() {
	local n start s=${2:-${TP_CMD_S:-30}}
	n=$(tp_prompts)
	start=$(wc -c < "$TP_OUT")
	echo "$1" >&"$TP_FD"
	if ! tp_wait_prompts $((n + 1)) "$s"; then
		tp_alive && tp_stuck "'$1' got no prompt in $s s"
		return 1
	fi
	tail -c +$((start + 1)) "$TP_OUT"
}

tp_alive() { kill -0 "$TP_PID" 2>/dev/null; }

# tp_quit [seconds]: quit and return testpmd's exit status (124 on a hang:
# killed after the seconds, 30 by default).
tp_quit() {
	echo quit >&"$TP_FD"
	exec {TP_FD}>&-
	for _ in $(seq 1 $((${1:-30} * 10))); do
		kill -0 "$TP_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$TP_PID" 2>/dev/null; then
		tp_stuck "quit did not end in ${1:-30} s"
		kill -9 "$TP_PID"
		wait "$TP_PID" 2>/dev/null
		TP_PID=""
		return 124
	fi
	wait "$TP_PID"
	local rc=$?
	TP_PID=""
	return $rc
}

# A port counter from "show port stats <port>".
tp_port_stat() {	# <port> <RX-packets|TX-packets|...>
	tp_cmd "show port stats $1" | sed -n "s/.*$2: *\([0-9]*\).*/\1/p" | head -n1
}

tp_xstat() {	# <port> <name>
	tp_cmd "show port xstats $1" | sed -n "s/^$2: *\([0-9]*\)$/\1/p" | head -n1
}
