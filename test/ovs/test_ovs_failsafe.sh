#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Debian's OVS-DPDK (ovs-vswitchd-dpdk 3.1 on Debian's DPDK 22.11) over our
# net_failsafe, started by the test in a private netns with its own
# ovsdb-server and private db/run/log directories; no system service.
#
#   vC1 --(ovs_traffic.py sends)--> vC0 = dpdk port "inj" (net_af_packet2)
#        --> br0 (netdev) --> dpdk port "fs0" = net_failsafe0 over
#        net_af_packet0 on vA0 (preferred) and net_af_packet1 on vB0
#        --> counted on vA1 / vB1 by sequence number
#
# Scenarios: a sub-device missing at port creation joins when it appears;
# vA0 yanked and re-plugged under traffic in both directions (daemon alive,
# port in the bridge with link up while vA0 is gone and after it is back,
# the port's rx and tx counters read live after every yank and re-plug
# never going backwards and rising every cycle, the statistics column
# monotonic, traffic back on vA0, frames lost per yank and per re-plug
# reported); vA0 gone longer than OVS's link poll; traffic in the other
# direction; mtu_request reaches every sub-device, a re-plugged one too;
# link state follows the carrier (peers down, up) and a returning vA0
# without carrier does not take TX until its peer is up; link state
# follows the sub-devices' presence.
#
# FS_OVS_BASELINE=1 runs the same with Debian's own net_failsafe (no -d):
# nothing is asserted, every check is only reported (see the how-to).
. "$(dirname "$0")/../lib/common.sh"

OVS_VSWITCHD=/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk
OVS_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
CYCLES=${FS_OVS_CYCLES:-20}
RATE=${FS_OVS_RATE:-4000}
# The reverse stream, vA1 and vB1 in turn into fs0, during the yank loop.
REV_RATE=${FS_OVS_REV_RATE:-1000}
BASELINE=${FS_OVS_BASELINE:-0}
TRAFFIC="$(dirname "$0")/ovs_traffic.py"
FS_DEVARGS='net_failsafe0,dev(net_af_packet0,iface=vA0),dev(net_af_packet1,iface=vB0)'
# The median yank (and re-plug) may cost at most this long of traffic;
# any single one less than a second (CI shares 2 cores: a descheduled
# PMD thread drops frames at the injecting port as well).
MAX_LOSS_MS=${FS_OVS_MAX_LOSS_MS:-50}
# How long OVS may take to show a carrier change in link_state: it polls a
# DPDK port's link every 5 s, the PMD its sub-devices' every 100 ms.
LINK_S=${FS_OVS_LINK_S:-8}

for bin in "$OVS_VSWITCHD" ovsdb-server ovsdb-tool ovs-vsctl ovs-ofctl ovs-appctl; do
	command -v "$bin" >/dev/null || {
		fs_log "FAIL: $bin missing: apt-get install openvswitch-switch-dpdk"
		exit 1
	}
done

if [ "$BASELINE" = 1 ]; then
	# Observe, do not judge: Debian's failsafe is the reference point.
	fs_check() {
		local what=$1
		shift
		if "$@"; then fs_log "baseline yes: $what"; else fs_log "baseline NO: $what"; fi
	}
	fs_done() { fs_log "baseline run finished (nothing asserted)"; exit 0; }
fi

# --- OVS in the netns, every path private --------------------------------

OVS_DIR="$FS_TMP/ovs"
mkdir -p "$OVS_DIR"
export OVS_RUNDIR="$OVS_DIR" OVS_LOGDIR="$OVS_DIR" OVS_DBDIR="$OVS_DIR" \
	OVS_SYSCONFDIR="$OVS_DIR"
OVSDB_PID=""
VSWITCHD_PID=""
declare -A TRAFFIC_PIDS=()	# ovs_traffic.py per stream name

vsctl() { timeout 30 ovs-vsctl --timeout=20 "$@"; }
ofctl() { timeout 30 ovs-ofctl "$@"; }
# Alive and not a zombie waiting for us to reap it.
pid_alive() { [ -n "$1" ] && [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat"; }
vswitchd_alive() { pid_alive "$VSWITCHD_PID"; }

# stop_pid <pid> <seconds>: TERM, bounded wait, then KILL.
stop_pid() {
	local i
	pid_alive "$1" || return 0
	kill "$1" 2>/dev/null
	for i in $(seq 1 $(($2 * 10))); do
		pid_alive "$1" || return 0
		sleep 0.1
	done
	kill -9 "$1" 2>/dev/null
}

ovs_cleanup() {
	local pid
	for pid in "${TRAFFIC_PIDS[@]}"; do
		stop_pid "$pid" 2
		wait "$pid" 2>/dev/null
	done
	if vswitchd_alive; then
		timeout 10 ovs-appctl -t "$OVS_DIR/ovs-vswitchd.ctl" exit >/dev/null 2>&1
		stop_pid "$VSWITCHD_PID" 10
	fi
	[ -n "$OVSDB_PID" ] && stop_pid "$OVSDB_PID" 5
	wait 2>/dev/null
	# The EAL's runtime directory for our file prefix.
	rm -rf "/var/run/dpdk/$FS_PREFIX"
	if [ "${FS_KEEP_TMP:-0}" != 1 ] && [ -f "$OVS_DIR/ovs-vswitchd.log" ] &&
	   [ "$FS_FAILS" -gt 0 ]; then
		fs_log "ovs-vswitchd.log (last 40 lines):"
		tail -n 40 "$OVS_DIR/ovs-vswitchd.log" | sed 's/^/    /'
	fi
}
FS_CLEANUP_HOOKS+=(ovs_cleanup)

ovs_start() {
	local plugin=(-d "$FS_PLUGIN_DIR")
	[ "$BASELINE" = 1 ] && plugin=()
	ovsdb-tool create "$OVS_DIR/conf.db" "$OVS_SCHEMA" || return 1
	# ip netns exec execs its command: $! is the daemon's own PID.
	ip netns exec "$FS_NETNS" ovsdb-server "$OVS_DIR/conf.db" \
		--remote="punix:$OVS_DIR/db.sock" \
		--pidfile="$OVS_DIR/ovsdb-server.pid" \
		--log-file="$OVS_DIR/ovsdb-server.log" -vconsole:off --no-chdir \
		> "$OVS_DIR/ovsdb-server.out" 2>&1 &
	OVSDB_PID=$!
	fs_wait_for 10 test -S "$OVS_DIR/db.sock" || return 1
	vsctl --no-wait init || return 1
	# OVS adds "-l 0"; with --no-huge it must not add --in-memory, which
	# --legacy-mem (and so an explicit --file-prefix) keeps it from doing.
	vsctl --no-wait set Open_vSwitch . other_config:dpdk-init=true \
		"other_config:dpdk-extra=\"${plugin[*]} --no-huge -m 1024 --no-pci --file-prefix $FS_PREFIX --legacy-mem --log-level=pmd.net.failsafe.uevent:info\"" \
		other_config:pmd-cpu-mask=0x2 other_config:per-port-memory=true \
		other_config:pmd-maxsleep=50 || return 1
	ip netns exec "$FS_NETNS" "$OVS_VSWITCHD" "unix:$OVS_DIR/db.sock" \
		--pidfile="$OVS_DIR/ovs-vswitchd.pid" --unixctl="$OVS_DIR/ovs-vswitchd.ctl" \
		--log-file="$OVS_DIR/ovs-vswitchd.log" -vconsole:off --no-chdir \
		> "$OVS_DIR/ovs-vswitchd.out" 2>&1 &
	VSWITCHD_PID=$!
	fs_wait_for 60 dpdk_initialized
}

dpdk_initialized() {
	vswitchd_alive &&
		[ "$(vsctl get Open_vSwitch . dpdk_initialized 2>/dev/null)" = true ]
}

iface_get() { vsctl get Interface "$1" "$2" 2>/dev/null | tr -d '"'; }
fs_stat() { iface_get fs0 "statistics:$1"; }
link_is() { [ "$(iface_get fs0 link_state)" = "$1" ]; }
port_in_bridge() { vsctl list-ports br0 | grep -qx fs0; }
veth_mtu() { fs_in_netns cat "/sys/class/net/$1/mtu" 2>/dev/null; }
no_error() { [ "$(iface_get fs0 error)" = "[]" ]; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
link_set() { ip -n "$FS_NETNS" link set "$1" "$2"; }

# "<rx packets> <tx packets>" of fs0 as ovs-vswitchd reads them from the
# PMD when asked (ofproto's port stats call netdev_get_stats), unlike the
# statistics column, which is refreshed every 5 s.
live_stats() {
	ofctl dump-ports br0 1 |
		sed -n 's/.* rx pkts=\([0-9]*\),.*/\1/p; s/.* tx pkts=\([0-9]*\),.*/\1/p' |
		paste -sd' '
}

# A packet socket (af_packet's) is bound to the interface in the netns.
af_packet_on() {
	local idx
	idx=$(fs_in_netns cat "/sys/class/net/$1/ifindex" 2>/dev/null) || return 1
	fs_in_netns awk -v i="$idx" 'NR > 1 && $5 == i { f = 1 } END { exit !f }' \
		/proc/net/packet
}

# --- traffic: ovs_traffic.py in the netns, driven through a FIFO ------------
#
# Streams are named: "fwd" (vC1 -> fs0 -> vA1/vB1, the one losses are
# counted on) and "rev" (vA1 and vB1 in turn -> fs0 -> vC1, so that the
# port's RX counters move during the yank loop too).

REPORTS=0

traffic_ctl() { echo "$FS_TMP/traffic.$1.ctl"; }

traffic_start() {	# <stream> <rate> <tx if[,tx if...]> <rx if>...
	local name=$1 rate=$2 tx=$3 ctl a=() i
	shift 3
	ctl=$(traffic_ctl "$name")
	for i in ${tx//,/ }; do a+=(--tx "$i"); done
	for i in "$@"; do a+=(--rx "$i"); done
	rm -f "$ctl"
	mkfifo "$ctl"
	ip netns exec "$FS_NETNS" python3 "$TRAFFIC" "${a[@]}" --rate "$rate" \
		--ctl "$ctl" --max-seconds 400 &
	TRAFFIC_PIDS[$name]=$!
}

# traffic_cmd <stream> <command...>: the generator keeps its FIFO open, so
# the write returns at once while it lives; bounded, as a dead generator
# would leave the write blocked until meson's timeout.
traffic_cmd() {
	local name=$1 pid=${TRAFFIC_PIDS[$1]:-}
	shift
	local why="it is not running"
	if pid_alive "$pid"; then
		timeout 5 bash -c 'echo "$1" > "$2"' _ "$*" "$(traffic_ctl "$name")" &&
			return 0
		why="writing to its FIFO timed out after 5 s"
		pid_alive "$pid" || why+=" (it has exited)"
	fi
	fs_log "FAIL: traffic generator \"$name\" (ovs_traffic.py, pid ${pid:-none}) cannot take \"$*\": $why" >&2
	# From the test's own shell (not a $(...) subshell): stop here.
	if [ "$BASHPID" = "$$" ]; then
		FS_FAILS=$((FS_FAILS + 1))
		fs_done
	fi
	return 1
}

# traffic_report <stream> <python expression on the report r>
traffic_report() {
	local f="$FS_TMP/report.$1.$((REPORTS += 1)).json"
	traffic_cmd "$1" report "$f" || return 1
	fs_wait_for 5 test -f "$f" || return 1
	python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$f" "$2"
}

# The generator has opened its FIFO: a command written now is read.
traffic_ready() {
	local pid=${TRAFFIC_PIDS[$1]:-} ctl fd
	ctl=$(traffic_ctl "$1")
	for fd in /proc/"$pid"/fd/*; do
		# by inode: in another release's root, readlink names the FIFO
		# from the host's root (ip netns exec has its own mounts)
		[ "$fd" -ef "$ctl" ] && return 0
	done
	return 1
}

# sent_at_least <stream> <frames>: the generator has sent that many
# (asked only once it listens, so that waiting for its start-up does not
# read as a generator that stopped taking commands).
sent_at_least() {
	traffic_ready "$1" &&
		[ "$(traffic_report "$1" 'r["sent"]')" -ge "$2" ] 2>/dev/null
}

traffic_stop() {	# <stream>
	local pid=${TRAFFIC_PIDS[$1]:-}
	traffic_cmd "$1" quit
	fs_wait_for 5 eval '! pid_alive $pid'
	wait "$pid" 2>/dev/null
	unset "TRAFFIC_PIDS[$1]"
}

# --- the bridge -------------------------------------------------------------

fs_netns_create
fs_in_netns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1
# vA0 is missing when the port is created; it joins when it appears.
# FS_OVS_LATE_JOIN=0: vA0 is there from the start (for the baseline,
# whose port never recovers from a late join).
LATE_JOIN=${FS_OVS_LATE_JOIN:-1}
[ "$LATE_JOIN" = 1 ] || fs_veth_add vA0 vA1
fs_veth_add vB0 vB1
fs_veth_add vC0 vC1

fs_check "ovsdb-server and ovs-vswitchd-dpdk started, DPDK initialised" ovs_start
vswitchd_alive || fs_done
vsctl add-br br0 -- set bridge br0 datapath_type=netdev &&
vsctl add-port br0 fs0 -- set Interface fs0 type=dpdk \
	"options:dpdk-devargs=\"$FS_DEVARGS\"" ofport_request=1 &&
vsctl add-port br0 inj -- set Interface inj type=dpdk \
	'options:dpdk-devargs="net_af_packet2,iface=vC0,framecnt=4096"' ofport_request=2
ofctl del-flows br0
ofctl add-flow br0 in_port=2,actions=output:1
ofctl add-flow br0 in_port=1,actions=output:2
fs_check "fail-safe port added, no error" no_error
fs_check "fail-safe port link up" fs_wait_for 10 link_is up

traffic_start fwd "$RATE" vC1 vA1 vB1
# The checks below allow seconds from the first frame, not from exec: on
# 2 loaded cores python3 in the netns may take that long to start.
fs_check "the forward stream's generator is sending" \
	fs_wait_for 15 sent_at_least fwd $((RATE / 10))
if [ "$LATE_JOIN" = 1 ]; then
	fs_check "traffic flows through the bridge to vB0" fs_rx_grows vB1 5
	traffic_cmd fwd mark late-join
	fs_veth_add vA0 vA1
	fs_check "vA0, missing at creation, joins when it appears and carries the traffic" \
		fs_rx_grows vA1 3
else
	fs_check "traffic flows through the bridge to vA0" fs_rx_grows vA1 5
fi

# --- yank and re-plug under traffic --------------------------------------

# The reverse stream alternates vA1 and vB1: fs0's RX counters then move
# in every cycle, and vA0's share of them is folded at each yank.
# Nothing else sends into fs0, so its RX counter tells when it flows.
live_rx() { live_stats | cut -d' ' -f1; }
rev_rx0=$(live_rx)
rev_flowing() { local rx; rx=$(live_rx); [ "${rx:-0}" -gt "${rev_rx0:-0}" ]; }
traffic_start rev "$REV_RATE" vA1,vB1 vC1
# The loop judges every cycle by fs0's RX counter, so it must not start
# before the stream does: on 2 loaded cores the generator (python3 in the
# netns) takes up to a few seconds to send its first frame, longer than a
# cycle, and a first cycle over before that saw no RX at all.
fs_check "the reverse stream reaches fs0 before the yank loop" \
	fs_wait_for 15 rev_flowing

# live_sample <label>: fs0's live counters; none may go backwards.
live_bad=""
live_sample() {
	local cur
	read -r -a cur <<< "$(live_stats)"
	if [ "${#cur[@]}" -ne 2 ]; then
		live_bad+=" $1:unreadable"
		return 1
	fi
	[ "${cur[0]}" -ge "${live_prev[0]}" ] && [ "${cur[1]}" -ge "${live_prev[1]}" ] ||
		live_bad+=" $1:${live_prev[*]}->${cur[*]}"
	live_prev=("${cur[@]}")
}

live_prev=(0 0)
live_sample start
live_first=("${live_prev[@]}")
stats_prev_tx=$(fs_stat tx_packets)
stats_first_tx=$stats_prev_tx
stats_monotonic=1
stats_updates=0
switched=0 returned=0 up_all=1 alive_all=1 in_bridge_all=1
gone_up=0 gone_in_bridge=0 rx_rises=0 tx_rises=0
t_yank=$SECONDS
for i in $(seq 1 "$CYCLES"); do
	cycle_start=("${live_prev[@]}")
	traffic_cmd fwd mark "yank$i"
	fs_veth_del vA0
	fs_rx_grows vB1 2 && switched=$((switched + 1))
	# While vA0 is gone, not only once it is back.
	link_is up && gone_up=$((gone_up + 1))
	port_in_bridge && gone_in_bridge=$((gone_in_bridge + 1))
	live_sample "yank$i"
	traffic_cmd fwd mark "replug$i"
	fs_veth_add vA0 vA1
	fs_rx_grows vA1 2 && returned=$((returned + 1))
	vswitchd_alive || { alive_all=0; break; }
	port_in_bridge || in_bridge_all=0
	link_is up || up_all=0
	live_sample "replug$i" &&
		[ "${live_prev[0]}" -gt "${cycle_start[0]}" ] && rx_rises=$((rx_rises + 1))
	[ "${live_prev[1]}" -gt "${cycle_start[1]}" ] && tx_rises=$((tx_rises + 1))
	tx=$(fs_stat tx_packets)
	[ "${tx:-0}" -ge "${stats_prev_tx:-0}" ] || stats_monotonic=0
	[ "${tx:-0}" -gt "${stats_prev_tx:-0}" ] && stats_updates=$((stats_updates + 1))
	stats_prev_tx=$tx
done
fs_log "yank loop: $CYCLES cycles in $((SECONDS - t_yank)) s; live rx/tx packets ${live_first[*]} -> ${live_prev[*]}"
fs_check "ovs-vswitchd kept running through $CYCLES yanks" [ "$alive_all" -eq 1 ]
vswitchd_alive || fs_done
fs_check "every yank moved traffic to vB0 ($switched/$CYCLES)" [ "$switched" -eq "$CYCLES" ]
fs_check "while vA0 was gone, fs0 was in br0 ($gone_in_bridge/$CYCLES) with link_state up ($gone_up/$CYCLES)" \
	[ "$gone_in_bridge" -eq "$CYCLES" ] && [ "$gone_up" -eq "$CYCLES" ]
fs_check "every re-plug brought traffic back to vA0 ($returned/$CYCLES)" \
	[ "$returned" -eq "$CYCLES" ]
fs_check "fs0 stayed in br0 after every cycle" [ "$in_bridge_all" -eq 1 ]
fs_check "fs0 link_state stayed up after every cycle" [ "$up_all" -eq 1 ]
fs_check "live rx and tx packets never went backwards (sampled after every yank and re-plug)${live_bad:+:$live_bad}" \
	[ -z "$live_bad" ]
fs_check "live rx packets rose across every cycle ($rx_rises/$CYCLES), tx packets too ($tx_rises/$CYCLES)" \
	[ "$rx_rises" -eq "$CYCLES" ] && [ "$tx_rises" -eq "$CYCLES" ]

# OVS polls a port's link every 5 s: a longer absence must not show as down.
traffic_cmd fwd mark long-yank
fs_veth_del vA0
gone_samples=0 gone_bad=""
t_gone=$SECONDS
while [ $((SECONDS - t_gone)) -lt 7 ]; do
	gone_samples=$((gone_samples + 1))
	link_is up || gone_bad+=" link_state=$(iface_get fs0 link_state)@$((SECONDS - t_gone))s"
	port_in_bridge || gone_bad+=" not-in-br0@$((SECONDS - t_gone))s"
	live_sample "long-yank$gone_samples"
	sleep 0.5
done
fs_check "vA0 gone for 7 s: fs0 stayed in br0 with link_state up ($gone_samples samples)${gone_bad:+:$gone_bad}" \
	[ -z "$gone_bad" ]
fs_check "traffic stays on vB0 while vA0 is gone" fs_rx_grows vB1 2
traffic_cmd fwd mark long-replug
fs_veth_add vA0 vA1
fs_check "traffic back on vA0 after the long absence" fs_rx_grows vA1 3
traffic_cmd fwd mark steady

# The statistics column: refreshed every 5 s, so judged over the loop.
fs_wait_for 7 eval '[ "$(fs_stat tx_packets)" -gt "$stats_prev_tx" ]'
tx=$(fs_stat tx_packets)
[ "${tx:-0}" -ge "${stats_prev_tx:-0}" ] || stats_monotonic=0
fs_log "OVS statistics column tx_packets $stats_first_tx -> $tx ($stats_updates rises seen in the loop)"
fs_check "OVS statistics tx_packets never went backwards" [ "$stats_monotonic" -eq 1 ]
fs_check "OVS statistics tx_packets rose during the loop ($stats_updates times) and after it ($stats_first_tx -> $tx)" \
	[ "$stats_updates" -ge 1 ] && [ "${tx:-0}" -gt "$stats_prev_tx" ]
live_sample after
fs_check "live rx and tx packets still monotonic after the long absence${live_bad:+:$live_bad}" \
	[ -z "$live_bad" ]

sleep 0.3
rev=$(traffic_report rev '"%d of %d" % (r["received"], r["sent"])')
traffic_stop rev
fs_log "reverse stream (vA1/vB1 -> vC1) during the loop: $rev frames received"
losses=$(traffic_report fwd '" ".join("%s=%d/%d" % (i["name"], i["lost"], i["sent"]) for i in r["intervals"])')
fs_log "frames lost/sent per interval at $RATE frames/s: $losses"
yank_lost=$(traffic_report fwd 'sorted(i["lost"] for i in r["intervals"] if i["name"].startswith("yank"))')
replug_lost=$(traffic_report fwd 'sorted(i["lost"] for i in r["intervals"] if i["name"].startswith("replug"))')
max_loss=$(traffic_report fwd 'max(i["lost"] for i in r["intervals"] if i["name"][:4] in ("yank", "repl"))')
median() { traffic_report fwd "sorted(i['lost'] for i in r['intervals'] if i['name'].startswith('$1'))[$CYCLES // 2]"; }
med_yank=$(median yank)
med_replug=$(median replug)
fs_log "frames lost per yank (sorted): $yank_lost; per re-plug: $replug_lost"
fs_check "median frames lost per yank ($med_yank) and per re-plug ($med_replug) within ${MAX_LOSS_MS} ms of traffic" \
	[ "${med_yank:-999999}" -le "$((RATE * MAX_LOSS_MS / 1000))" ] &&
	[ "${med_replug:-999999}" -le "$((RATE * MAX_LOSS_MS / 1000))" ]
fs_check "no yank or re-plug lost a second of traffic (worst: $max_loss frames)" \
	[ "${max_loss:-999999}" -lt "$RATE" ]
traffic_stop fwd

# --- the other direction, through the re-plugged vA0 --------------------

traffic_start back "$RATE" vA1 vC1
# A second of traffic sent, however long the generator took to start on a
# loaded machine (bounded), then what of it arrived.
fs_wait_for 10 sent_at_least back "$RATE"
sleep 0.3
back=$(traffic_report back 'r["received"]')
traffic_stop back
fs_check "traffic from the re-plugged vA0's peer reaches the other port ($back frames)" \
	[ "${back:-0}" -gt "$((RATE / 2))" ]

# --- MTU through mtu_request ---------------------------------------------

traffic_start fwd "$RATE" vC1 vA1 vB1
fs_wait_for 15 sent_at_least fwd $((RATE / 10))
vsctl set Interface fs0 mtu_request=1400
fs_check "mtu_request=1400 applied (Interface mtu)" \
	fs_wait_for 10 eval '[ "$(iface_get fs0 mtu)" = 1400 ]'
fs_check "ovs-vswitchd survived the MTU change" vswitchd_alive
vswitchd_alive || fs_done
fs_check "vA0 has MTU 1400 ($(veth_mtu vA0))" [ "$(veth_mtu vA0)" = 1400 ]
fs_check "vB0 has MTU 1400 ($(veth_mtu vB0))" [ "$(veth_mtu vB0)" = 1400 ]
fs_check "traffic flows on vA0 after the MTU change" fs_rx_grows vA1 5
fs_veth_del vA0
fs_rx_grows vB1 2
fs_veth_add vA0 vA1
fs_check "re-plugged vA0 is given MTU 1400 too ($(sleep 0.5; veth_mtu vA0))" \
	fs_wait_for 3 eval '[ "$(veth_mtu vA0)" = 1400 ]'
fs_check "traffic back on the re-plugged vA0 after the MTU change" fs_rx_grows vA1 3
vsctl set Interface fs0 mtu_request=1500
fs_check "mtu_request=1500 reaches vA0 and vB0" fs_wait_for 10 eval \
	'[ "$(veth_mtu vA0)" = 1500 ] && [ "$(veth_mtu vB0)" = 1500 ]'

# --- link state follows the carrier -----------------------------------------

# The PMD checks its sub-devices' links (and their interfaces' carrier)
# every 100 ms; OVS polls a DPDK port's link every 5 s.
fs_check "traffic on vA0 before the carrier steps" fs_rx_grows vA1 3
t=$(now_ms)
link_set vA1 down && link_set vB1 down
fs_check "peers vA1 and vB1 down: link_state down within $LINK_S s" \
	fs_wait_for "$LINK_S" link_is down
fs_log "link_state down $(($(now_ms) - t)) ms after both carriers went"
t=$(now_ms)
link_set vB1 up
fs_check "vB1 up: link_state up within $LINK_S s" fs_wait_for "$LINK_S" link_is up
fs_log "link_state up $(($(now_ms) - t)) ms after vB0's carrier came"
fs_check "traffic on vB0 while vA0 has no carrier" fs_rx_grows vB1 3
# A returning vA0 whose peer is still down must not take TX.
traffic_cmd fwd mark carrier-yank
fs_veth_del vA0
fs_rx_grows vB1 2
traffic_cmd fwd mark carrier-replug
ip -n "$FS_NETNS" link add vA0 type veth peer name vA1 && link_set vA0 up
fs_check "vA0 re-created with its peer down is probed again" \
	fs_wait_for 3 af_packet_on vA0
sleep 1
fs_check "traffic stays on vB0 while the returned vA0 has no carrier" fs_rx_grows vB1 2
fs_check "link_state stays up meanwhile" link_is up
traffic_cmd fwd mark carrier-up
link_set vA1 up
fs_check "vA1 up: traffic moves back to vA0" fs_rx_grows vA1 3
sleep 0.3
carrier_lost=$(traffic_report fwd '" ".join("%d/%d" % (i["lost"], i["sent"]) for i in r["intervals"] if i["name"] == "carrier-replug")')
fs_check "frames lost while vA0 returned without carrier: ${carrier_lost:-?} (lost/sent), at most ${MAX_LOSS_MS} ms of traffic" \
	[ "${carrier_lost%%/*}" -le "$((RATE * MAX_LOSS_MS / 1000))" ]
fs_log "frames lost/sent: $(traffic_report fwd '" ".join("%s=%d/%d" % (i["name"], i["lost"], i["sent"]) for i in r["intervals"] if i["name"].startswith("carrier"))')"
traffic_stop fwd

# --- link state follows the sub-devices ---------------------------------

fs_veth_del vA0
fs_veth_del vB0
fs_check "link_state goes down when no sub-device is left" fs_wait_for 12 link_is down
fs_veth_add vB0 vB1
fs_check "link_state comes back up with vB0" fs_wait_for 12 link_is up
fs_check "ovs-vswitchd still running" vswitchd_alive
# OVS reads xstats by id: their layout must not move when sub-devices go.
sleep 5.5
fs_check "ovs-vswitchd could read the port's xstats all along" \
	eval '! grep -q "Cannot get XSTATS" "$OVS_DIR/ovs-vswitchd.log"'

timeout 20 ovs-appctl -t "$OVS_DIR/ovs-vswitchd.ctl" exit
fs_check "ovs-vswitchd exits on request" fs_wait_for 20 eval '! vswitchd_alive'
fs_done
