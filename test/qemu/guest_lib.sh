# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
# shellcheck shell=bash
#
# What the guest scripts share (guest.sh, guest_scenario.sh), sourced by
# both inside the QEMU guest (chroot on the host's root, see init.sh): the
# parameters from the kernel command line, the reports to the host, the
# NICs' binding, Debian's dpdk-testpmd over a net_failsafe port sending
# (txonly), and each cycle's reports.  Every report is one console line
# "@@FSQ <event> <json>" that qemu_lib.py parses.
#   fsq.variant=ours|debian  fsq.cycles=N
#   fsq.plugin=<path of librte_net_failsafe_uevent.so>
# The port is net_failsafe0 over NIC0 (slot 0, the preferred sub-device,
# the one taken away) and NIC1; a script sets NIC0 before it binds.

# shellcheck source=test/lib/testpmd.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/testpmd.sh"

arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | tail -1; }
say() { echo "@@FSQ $*" > /dev/console; }
json_str() { python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))'; }

VARIANT=$(arg fsq.variant)
# shellcheck disable=SC2034 # the sourcing script's
CYCLES=$(arg fsq.cycles)
PLUGIN=$(arg fsq.plugin)
NIC1=0000:02:00.0
# Named after the DPDK ABI: pmds-23.0 on Debian 12, pmds-25.0 on 13.
PMDDIR=$(ls -d /usr/lib/x86_64-linux-gnu/dpdk/pmds-* | sort -V | tail -n1)
BIND_TOOL=$(dirname "$PLUGIN")/../app/hotplug-bind/dpdk-hotplug-bind
# testpmd.sh's: our plugin copied here (ours), or none (debian); a guest
# under TCG answers slowly.
FS_TMP=/tmp
FS_PLUGIN_DIR=/run/fsq-plugin
[ "$VARIANT" = debian ] && TP_DEBIAN=1
TP_CMD_S=90

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
present() { [ -e "/sys/bus/pci/devices/$1" ]; }
absent() { ! present "$1"; }
driver_of() { basename "$(readlink "/sys/bus/pci/devices/$1/driver")" 2>/dev/null; }

# bind_nic <pci address> <driver>: our hotplug_bind_driver, as the PMD's
# ADD path does.
bind_nic() {
	local out
	out=$("$BIND_TOOL" "$1" "$2" 5000 2>&1) ||
		{ say "error {\"why\": \"cannot bind $1 to $2: ${out//\"/}\"}"; exit 1; }
}

# stage_pmds <pmd...>: only these PMDs (and those testpmd links to: they
# live there too), in a 0755 tmpfs over Debian's PMD directory: the EAL
# would otherwise dlopen ~190 libraries over 9p (about 90 s).  Debian's
# net_failsafe is one of them for the baseline.
stage_pmds() {
	local f l pmds=("$@") stage=/tmp/pmds
	[ "$VARIANT" = debian ] && pmds+=(net_failsafe)
	mkdir -p $stage
	for f in $(ldd /usr/bin/dpdk-testpmd | awk -v d="$PMDDIR/" 'index($3, d) == 1 { print $3 }') \
		$(for l in "${pmds[@]}"; do ls "$PMDDIR/librte_$l".so.*; done); do
		cp -a "$f" "$(readlink -f "$f")" $stage/
	done
	mount -t tmpfs -o mode=0755 tmpfs "$PMDDIR"
	cp -a $stage/. "$PMDDIR/"
}

# failsafe_port <bind driver> [devargs]: DEVARGS, the port over NIC0 and
# NIC1; ours binds to the driver, with the devargs added, from the plugin.
failsafe_port() {
	DEVARGS="net_failsafe0,dev($NIC0),dev($NIC1)"
	[ "$VARIANT" = ours ] || return 0
	install -d -m 0755 "$FS_PLUGIN_DIR"
	install -m 0644 "$PLUGIN" "$FS_PLUGIN_DIR/"
	DEVARGS="$DEVARGS,bind_driver=$1${2:+,$2}"
}

TAIL_PID=""
cleanup() {
	kill "$TAIL_PID" 2>/dev/null
	if tp_alive; then
		kill "$TP_PID"; sleep 1; kill -9 "$TP_PID" 2>/dev/null
	fi
}

# testpmd_up <seconds> <descriptors> [EAL arguments...]: testpmd over
# DEVARGS, its first prompt within the seconds, then sending.  The PMD's
# log and testpmd's own messages go to the console as well, for whoever
# reads console.log.
testpmd_up() {
	local start_s=$1 desc=$2 t0=$SECONDS
	shift 2
	trap cleanup EXIT
	TP_START_S=$start_s tp_start -l 0-1 -n 1 --file-prefix fsq "$@" --vdev "$DEVARGS" \
		--log-level=pmd.net.failsafe.uevent:info --log-level=pmd.net.failsafe:info \
		-- -i --no-mlockall --port-topology=loop --forward-mode=txonly --rxq=1 --txq=1 \
		--rxd="$desc" --txd="$desc" --total-num-mbufs=4096
	local up=$?
	tail -n +1 -f "$TP_OUT" |
		grep -a --line-buffered -v 'testpmd> \|^ \|^$\|^[A-Za-z0-9_]*: [0-9]*$\|####' |
		sed -u 's/^/[testpmd] /' > /dev/console &
	TAIL_PID=$!
	if [ $up -ne 0 ]; then
		tp_alive || { wait "$TP_PID"; echo "testpmd exited: status $?"; dmesg | grep -a 'segfault\|trap' | tail -3; } >> "$TP_OUT"
		say "error {\"why\": \"testpmd did not start\", \"log\": $(grep -v "^ " "$TP_OUT" | tail -30 | json_str)}"
		exit 1
	fi
	# shellcheck disable=SC2034 # the sourcing script's
	TP_STARTUP_S=$((SECONDS - t0))
	tp_cmd start >/dev/null
	sleep 2
	tp_count
}

# tp_stuck <why>: every thread's backtrace, to the console.
tp_stuck() {
	say "stuck {\"why\": \"$1\"}"
	# Cheap first (gdb may take a minute to load symbols under TCG):
	# each thread's name, state, kernel wait and syscall.
	for t in /proc/"$TP_PID"/task/*; do
		echo "[task] $(cat "$t/comm") $(awk '{ print $3 }' "$t/stat") $(cat "$t/wchan") $(cut -d' ' -f1,9 "$t/syscall")"
	done 2>/dev/null > /dev/console
	timeout 60 gdb -p "$TP_PID" -batch -ex 'thread apply all bt' 2>&1 |
		grep -a '^#\|^Thread' | sed 's/^/[gdb] /' > /dev/console
}

xstats() {	# all of port 0's xstats as one JSON object
	tp_cmd "show port xstats 0" | awk '
		$1 ~ /:$/ && $2 ~ /^[0-9]+$/ { n = substr($1, 1, length($1) - 1)
			printf "%s\"%s\": %s", (c++ ? ", " : "{"), n, $2 }
		END { print (c ? "}" : "{}") }'
}
tx_sub_is() { [ "$(tp_xstat 0 fs_tx_subdevice)" = "$1" ]; }
tp_offset() { stat -c %s "$TP_OUT"; }
logged() { tail -c +$(($1 + 1)) "$TP_OUT" | grep -q "$2"; }
log_tail() {	# PMD, EAL and vfio log lines since byte $1, as a JSON array
	tail -c +$(($1 + 1)) "$TP_OUT" | grep -i 'failsafe\|sub-device\|sub_device\|vfio\|EAL' |
		grep -v 'testpmd>' | head -25 | python3 -c \
		'import json,sys; print(json.dumps([l.rstrip() for l in sys.stdin]))'
}

# tp_count: TX, the port's TX counter now; MONOTONIC false for good once
# it went back.
MONOTONIC=true
TX=0
tp_count() {
	local prev=$TX
	TX=$(tp_port_stat 0 TX-packets)
	TX=${TX:-0}
	[ "$TX" -ge "$prev" ] || MONOTONIC=false
}

# nic_left / nic_back <pci address>: the host's device_del and device_add
# seen in the guest, within a minute.
nic_left() {
	fs_wait_for 60 absent "$1" || { say "error {\"why\": \"NIC 0 never left\"}"; return 1; }
}
nic_back() {
	fs_wait_for 60 present "$1" || { say "error {\"why\": \"NIC 0 never came back\"}"; return 1; }
}

# report_removed <cycle> <log offset> [JSON fields]: what the PMD did about slot
# 0's removal, reported; fails when testpmd died.
report_removed() {
	local switched=false t ctl_wait
	# From the log: the control path may be busy closing the device.
	[ "$VARIANT" = ours ] && fs_wait_for 5 logged "$2" "datapath switched" && switched=true
	t=$(now)
	tp_cmd "show port xstats 0" 30 > /dev/null || tp_wait_prompts $(($(tp_prompts) + 1)) 120
	ctl_wait=$(since "$t")
	sleep 1
	tp_alive || { say "removed {\"cycle\": $1, \"alive\": false}"; return 1; }
	tp_count
	say "removed {\"cycle\": $1, \"alive\": true, ${3:-}\"switched\": $switched, \"control_wait_s\": $ctl_wait, \"tx\": $TX, \"xstats\": $(xstats), \"log\": $(log_tail "$2")}"
}

# report_added <cycle> <log offset> <seconds> [JSON fields]: ours must switch
# back to the device now at NIC0 within the seconds, with no manual step;
# reported; fails when testpmd died.
report_added() {
	local back=false
	if [ "$VARIANT" = ours ]; then
		if fs_wait_for "$3" tx_sub_is 0; then
			back=true
		else
			tp_stuck "no switch back $3 s after the ADD"
		fi
	fi
	sleep 1
	tp_alive || { say "added {\"cycle\": $1, \"alive\": false}"; return 1; }
	tp_count
	say "added {\"cycle\": $1, \"alive\": true, ${4:-}\"switched_back\": $back, \"driver\": \"$(driver_of "$NIC0")\", \"tx\": $TX, \"xstats\": $(xstats), \"log\": $(log_tail "$2")}"
}

# finish: stop (the host drains its counters), read the totals, quit.
finish() {
	local t rc
	say "stopping {}"
	tp_alive && tp_cmd stop 60 >/dev/null
	TX=$(tp_port_stat 0 TX-packets)
	say "stopped {\"tx\": ${TX:-0}, \"monotonic\": $MONOTONIC, \"alive\": $(tp_alive && echo true || echo false), \"xstats\": $(xstats)}"
	t=$SECONDS
	tp_quit 60
	rc=$?
	say "quit {\"rc\": \"$rc\", \"quit_s\": $((SECONDS - t)), \"tail\": $(tail -15 "$TP_OUT" | json_str)}"
}
