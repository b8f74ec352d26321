#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Soak: yank/replug cycles of vA0 under traffic (Debian's testpmd, txonly,
# net_failsafe over af_packet on vA0 and vB0, private netns), with the
# plugin under a memory checker:
#
#   asan      (default) the plugin built with -fsanitize=address,undefined
#             in its own build dir; testpmd runs with libasan preloaded so
#             the dlopen'ed plugin works; LeakSanitizer at exit.
#   valgrind  the normal plugin, testpmd under memcheck (slow: few cycles).
#   plain     no checker: the RSS growth without ASan's quarantine.
#
# Every cycle: ip link del vA0, traffic seen on vB1, re-create vA0,
# traffic seen on vA1.  File descriptors and threads of testpmd must be
# the same at cycle 10 and at the end; RSS growth is reported.  Any
# sanitizer report with a frame in our plugin fails the test; reports
# wholly inside Debian's testpmd/DPDK are counted and listed, not failed.
#
# usage: test_soak.sh [asan|valgrind|plain]
# Cycles: asan 50 (FS_LONG=1: 1000); valgrind 5 (FS_LONG=1: 100).
# FS_SOAK_CYCLES overrides.
. "$(dirname "$0")/../lib/common.sh"

MODE=${1:-${FS_SOAK_MODE:-asan}}
if [ "$MODE" != valgrind ]; then
	[ "${FS_LONG:-0}" = 1 ] && def=1000 || def=50
else
	[ "${FS_LONG:-0}" = 1 ] && def=100 || def=5
fi
CYCLES=${FS_SOAK_CYCLES:-$def}
[ "$CYCLES" -ge 12 ] || [ "$MODE" = valgrind ] || CYCLES=12
MAC_A=02:fa:11:00:00:0a
SRC=${FS_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${FS_BUILD_ROOT:-$SRC/build}
OURS='librte_net_failsafe_uevent\.so|drivers/net/failsafe/|lib/hotplug/hotplug_'

plugin_dir=$FS_PLUGIN_DIR
wrap=()
env_extra=()
case $MODE in
asan)
	asan_build=$BUILD/reliability-asan
	if [ ! -f "$asan_build/build.ninja" ]; then
		fs_log "setting up $asan_build"
		meson setup "$asan_build" "$SRC" -Db_sanitize=address,undefined \
			-Dtests=false -Dsdk_headers="$BUILD/sdk/current" \
			> "$FS_TMP/meson-setup.log" 2>&1 ||
			{ cat "$FS_TMP/meson-setup.log"; exit 1; }
	fi
	ninja -C "$asan_build" > "$FS_TMP/ninja.log" 2>&1 ||
		{ cat "$FS_TMP/ninja.log"; exit 1; }
	plugin_dir=$(bash "$SRC/devtools/plugin-dir.sh" "$asan_build") || exit 1
	libasan=$(gcc -print-file-name=libasan.so)
	# libasan must come first; stdbuf's own preload (unbuffered output,
	# for the prompt-driven FIFO protocol) after it.
	env_extra=(LD_PRELOAD="$libasan /usr/libexec/coreutils/libstdbuf.so"
		_STDBUF_O=0 _STDBUF_E=0
		ASAN_OPTIONS="detect_leaks=1:halt_on_error=0:log_path=$FS_TMP/asan:detect_odr_violation=0"
		LSAN_OPTIONS="report_objects=0"
		UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=0:log_path=$FS_TMP/ubsan")
	;;
valgrind)
	command -v valgrind >/dev/null || { fs_log "SKIP: no valgrind"; exit 77; }
	env_extra=(LD_PRELOAD=/usr/libexec/coreutils/libstdbuf.so
		_STDBUF_O=0 _STDBUF_E=0)
	wrap=(valgrind --tool=memcheck --leak-check=full
		--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite
		--num-callers=30 --log-file="$FS_TMP/valgrind.%p")
	;;
plain)
	env_extra=(LD_PRELOAD=/usr/libexec/coreutils/libstdbuf.so
		_STDBUF_O=0 _STDBUF_E=0)
	;;
*)
	fs_log "unknown FS_SOAK_MODE=$MODE"
	exit 1
	;;
esac

# soak_tp_start <testpmd args...>: tp_start of common.sh with our
# environment and wrapper; TP_PID is testpmd itself (ip netns exec, env
# and valgrind all exec), so /proc/$TP_PID is what we measure.
soak_tp_start() {
	TP_OUT="$FS_TMP/testpmd.out"
	mkfifo "$FS_TMP/testpmd.in"
	ip netns exec "$FS_NETNS" env "${env_extra[@]}" "${wrap[@]}" \
		dpdk-testpmd -d "$plugin_dir" "$@" \
		< "$FS_TMP/testpmd.in" > "$TP_OUT" 2>&1 &
	TP_PID=$!
	exec {TP_FD}> "$FS_TMP/testpmd.in"
	tp_wait_prompts 1 180
}

fds() { ls "/proc/$TP_PID/fd" 2>/dev/null | wc -l; }
threads() { ls "/proc/$TP_PID/task" 2>/dev/null | wc -l; }
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$TP_PID/status"; }

# The checker really is in the process, and the plugin is the one built
# for it.
# DPDK heap (rte_malloc) and mbuf pool: invisible to ASan and valgrind.
heap_allocs() {
	fs_telemetry "/eal/heap_info,0" | grep -o '"Alloc_count": *[0-9]*' |
		grep -o '[0-9]*$'
}
mbufs_in_use() {	# of testpmd's mbuf pool, from rte_mempool_dump()
	tp_cmd dump_mempool | awk '
		/^mempool <mb_pool_/ { p = 1 }
		p && /^  size=/ { sub(/.*=/, ""); size = $0 }
		p && /total_cache_count=/ { sub(/.*=/, ""); cache = $0 }
		p && /common_pool_count=/ { sub(/.*=/, ""); print size - cache - $0; exit }'
}

checker_loaded() {
	case $MODE in
	asan) grep -q 'libasan' "/proc/$TP_PID/maps" &&
		grep -q "$plugin_dir/librte_net_failsafe_uevent.so" "/proc/$TP_PID/maps" ;;
	valgrind) grep -q 'memcheck' "/proc/$TP_PID/cmdline" 2>/dev/null ||
		grep -q 'vgpreload_memcheck' "/proc/$TP_PID/maps" ;;
	plain) grep -q "$plugin_dir/librte_net_failsafe_uevent.so" \
		"/proc/$TP_PID/maps" ;;
	esac
}

fs_netns_create
fs_veth_add vA0 vA1 "$MAC_A"
fs_veth_add vB0 vB1
# shellcheck disable=SC2046
soak_tp_start $(fs_eal_args) \
	--vdev "net_failsafe0,dev(net_af_packet0,iface=vA0),dev(net_af_packet1,iface=vB0),hotplug_poll=60000,match_mac0=$MAC_A,mac=$MAC_A" \
	-- -i --forward-mode=txonly --total-num-mbufs=4096 ||
	{ fs_log "testpmd did not start"; cat "$TP_OUT"; exit 1; }
fs_check "mode $MODE: the checker and the plugin are loaded in testpmd" checker_loaded
mbufs_start=$(mbufs_in_use)
tp_cmd start >/dev/null
fs_check "mode $MODE: traffic leaves through vA0" fs_rx_grows vA1 10

wait_s=2
[ "$MODE" = valgrind ] && wait_s=15
switched=0
returned=0
t0=$SECONDS
for i in $(seq 1 "$CYCLES"); do
	fs_veth_del vA0
	fs_rx_grows vB1 "$wait_s" && switched=$((switched + 1))
	fs_veth_add vA0 vA1 "$MAC_A"
	fs_rx_grows vA1 "$wait_s" && returned=$((returned + 1))
	tp_alive || break
	if [ "$i" -eq 10 ] || { [ "$i" -eq 2 ] && [ "$CYCLES" -lt 10 ]; }; then
		fd_ref=$(fds) thr_ref=$(threads) rss_ref=$(rss_kb) ref_cycle=$i
		heap_ref=$(heap_allocs)
	fi
	[ $((i % 100)) -eq 0 ] && fs_log "cycle $i: fds $(fds) threads $(threads) rss $(rss_kb) kB"
done
fd_end=$(fds) thr_end=$(threads) rss_end=$(rss_kb) heap_end=$(heap_allocs)
fs_log "mode $MODE: $CYCLES cycles in $((SECONDS - t0)) s; switched $switched, returned $returned"
fs_log "cycle $ref_cycle -> $CYCLES: fds $fd_ref -> $fd_end, threads $thr_ref -> $thr_end, RSS $rss_ref -> $rss_end kB (growth $((rss_end - rss_ref)) kB)"
fs_check "testpmd survived $CYCLES yank/replug cycles" tp_alive
fs_check "every yank moved traffic to vB0 ($switched/$CYCLES)" \
	[ "$switched" -eq "$CYCLES" ]
fs_check "every replug brought traffic back to vA0 ($returned/$CYCLES)" \
	[ "$returned" -eq "$CYCLES" ]
fs_check "file descriptors constant from cycle $ref_cycle ($fd_ref -> $fd_end)" \
	[ "$fd_ref" -eq "$fd_end" ]
fs_check "threads constant from cycle $ref_cycle ($thr_ref -> $thr_end)" \
	[ "$thr_ref" -eq "$thr_end" ]
removals=$(tp_xstat 0 fs_sub0_removals)
fs_check "the PMD counted every removal ($removals)" \
	[ "${removals:-0}" -eq "$CYCLES" ]
fs_log "DPDK heap allocations (rte_malloc) cycle $ref_cycle -> $CYCLES: $heap_ref -> $heap_end"
fs_check "DPDK heap allocation count constant from cycle $ref_cycle ($heap_ref -> $heap_end)" \
	[ -n "$heap_ref" ] && [ "$heap_ref" = "$heap_end" ]
tp_cmd stop >/dev/null
mbufs_end=$(mbufs_in_use)
fs_check "mbufs in use back to the start once stopped ($mbufs_start -> $mbufs_end)" \
	[ -n "$mbufs_start" ] && [ "$mbufs_start" = "$mbufs_end" ]
tp_quit
rc=$?
fs_check "testpmd exited (status $rc, not a hang)" [ "$rc" -ne 124 ]

# Split the checker's reports into blocks; a block is ours when one of
# its frames is in our plugin or our sources.
report_blocks() {	# <files...>: one report block per NUL-separated record
	awk 'BEGIN { RS = ""; ORS = "\0" } { print }' "$@" 2>/dev/null
}
ours=0
theirs=0
: > "$FS_TMP/ours.txt"
: > "$FS_TMP/theirs.txt"
case $MODE in
asan) files=("$FS_TMP"/asan.* "$FS_TMP"/ubsan.*) ;;
valgrind) files=("$FS_TMP"/valgrind.*) ;;
plain) files=() ;;
esac
for f in "${files[@]}"; do
	[ -f "$f" ] || continue
	while IFS= read -r -d '' blk; do
		case $MODE in
		asan)
			grep -qE 'ERROR: (Address|Leak)Sanitizer|leak of|runtime error' \
				<<< "$blk" || continue ;;
		valgrind)
			grep -qE 'Invalid (read|write|free)|uninitialised|are (definitely|indirectly) lost|Mismatched free|overlap' \
				<<< "$blk" || continue ;;
		esac
		if grep -qE "$OURS" <<< "$blk"; then
			ours=$((ours + 1))
			printf '%s\n\n' "$blk" >> "$FS_TMP/ours.txt"
		else
			theirs=$((theirs + 1))
			printf '%s\n\n' "$blk" >> "$FS_TMP/theirs.txt"
		fi
	done < <(report_blocks "$f")
done
if [ "$MODE" = valgrind ]; then
	fs_log "valgrind summary: $(grep -h -A5 'LEAK SUMMARY' "${files[@]}" 2>/dev/null | grep -E 'definitely|indirectly' | tr -s ' ' | tr '\n' ';')"
	fs_log "valgrind errors: $(grep -h 'ERROR SUMMARY' "${files[@]}" 2>/dev/null | tail -n1)"
fi
fs_log "reports: $ours with a frame in our code, $theirs only in Debian's testpmd/DPDK"
if [ "$theirs" -gt 0 ]; then
	fs_log "first frames of the others (not ours):"
	grep -hE '^ *#[0-3] |^==[0-9]+== +(at|by) ' "$FS_TMP/theirs.txt" | head -n 12
fi
if [ "$ours" -gt 0 ]; then
	fs_log "reports in our code:"
	head -n 80 "$FS_TMP/ours.txt"
fi
fs_check "no $MODE report attributed to our code" [ "$ours" -eq 0 ]
fs_done
