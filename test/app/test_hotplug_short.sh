#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# dpdk-test-hotplug in its short mode (2 yanks): it exits 0, leaves no
# netns behind, and its JSON has the expected structure with counts that
# add up (sent = received + lost - duplicated, overall and per yank).
# Bad options: usage, exit 2, no netns made.
. "$(dirname "$0")/../lib/common.sh"

app=${FS_BUILD_ROOT:?}/app/test-hotplug/dpdk-test-hotplug
json=$FS_TMP/result.json
netns_before=$(ip netns list | grep -c '^th-' || true)

"$app" --bogus-option >/dev/null 2>"$FS_TMP/bad.err"
rc=$?
fs_check "a bad option exits 2" [ "$rc" -eq 2 ]
fs_check "a bad option prints the usage" grep -q '^usage:' "$FS_TMP/bad.err"
"$app" --plugin-dir "$FS_PLUGIN_DIR" --rate 0 >/dev/null 2>&1
fs_check "a bad value exits 2" [ $? -eq 2 ]
"$app" --plugin-dir "$FS_PLUGIN_DIR" --yank-sub 2 --subdevs 2 \
	>/dev/null 2>"$FS_TMP/ysub.err"
fs_check "--yank-sub past --subdevs exits 2" [ $? -eq 2 ]
fs_check "--yank-sub past --subdevs says why" \
	grep -q -- '--yank-sub 2: there are 2 sub-devices' "$FS_TMP/ysub.err"
fs_check "bad options leave no netns" \
	[ "$(ip netns list | grep -c '^th-' || true)" -eq "$netns_before" ]

"$app" --plugin-dir "$FS_PLUGIN_DIR" --short --no-live \
	--json "$json" --png "$FS_TMP/timeline.png" --work-dir "$FS_TMP/work" \
	> "$FS_TMP/out.txt" 2>&1
rc=$?
cat "$FS_TMP/out.txt"
fs_check "short run exits 0" [ "$rc" -eq 0 ]
fs_check "short run leaves no netns" \
	[ "$(ip netns list | grep -c '^th-' || true)" -eq "$netns_before" ]
fs_check "summary table printed" grep -q '^totals: sent' "$FS_TMP/out.txt"

python3 - "$json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
bad = []
def need(cond, what):
    if not cond:
        bad.append(what)
need(r.get("tool") == "dpdk-test-hotplug" and r.get("mode") == "yank", "header")
need("machine" in r and "cpu" in r["machine"], "machine")
runs = r.get("runs", [])
need(len(runs) == 1 and runs[0]["target"] == "ours", "one run, ours")
for run in runs:
    t = run["totals"]
    for k in ("sent", "received", "lost", "duplicated", "reordered"):
        need(isinstance(t.get(k), int) and t[k] >= 0, "totals." + k)
    need(t["sent"] == t["received"] + t["lost"] - t["duplicated"],
         "sent = received + lost - duplicated (%s)" % t)
    need(t["sent"] > 1000, "traffic flowed (%d sent)" % t["sent"])
    need(t["received"] >= 0.9 * t["sent"], "at least 90%% received")
    need(len(run["yanks"]) == 2, "2 yanks")
    # Each frame received crossed one sub-device's wire; only the frames
    # sent just before a delete can go uncounted.
    w = t.get("wire_frames", [])
    need(len(w) == run["subdevices"] and w[0] > 0 and
         0.95 * t["received"] <= sum(w) <= t["sent"],
         "wire_frames %s against received %d, sent %d" % (w, t["received"], t["sent"]))
    for y in run["yanks"]:
        need(y["sent"] == y["received"] + y["lost"] - y["duplicated"],
             "yank %d adds up" % y["index"])
        need(y["delete_rc"] == 0 and y["add_rc"] == 0, "yank %d links" % y["index"])
        for k in ("observed_switch_ms", "uevent_to_switch_us",
                  "add_to_switch_back_ms", "tx_burst_max_us", "rx_burst_max_us"):
            need(k in y and (y[k] is None or y[k] >= 0), "yank.%s" % k)
        need(len(y.get("wire_frames", [])) == run["subdevices"],
             "yank %d: wire_frames per sub-device" % y["index"])
        if run["target"] != "ours":
            continue
        # While vA0 was away, vB0 carried the traffic: its wire says so.
        need(y["wire_frames"][1] > 0,
             "yank %d: traffic on vB0's wire" % y["index"])
        # Ours reports its own timings and switches at every yank; null
        # would mean the uevent was missed or the switch not seen.
        for k in ("observed_switch_ms", "observed_back_ms",
                  "uevent_to_switch_us", "add_to_switch_back_ms"):
            need(y.get(k) is not None, "yank %d: %s measured" % (y["index"], k))
        # The PMD heard the kernel during the yank; the frames lost after
        # the delete are split at that moment and add up.
        need(y.get("first_notice_after_delete_us") is not None and
             y["first_notice_after_delete_us"] > 0,
             "yank %d: first notice after the delete" % y["index"])
        need(y.get("lost_before_notice") is not None and
             y["lost_before_notice"] + y["lost_after_notice"] ==
             y["lost_after_delete"],
             "yank %d: lost before + after notice = lost after delete" % y["index"])
        need(y["sent_after_delete_before_notice"] >= y["lost_before_notice"],
             "yank %d: no more lost before the notice than sent" % y["index"])
        # What one yank may cost: the frames in flight on the deleted
        # device and in its af_packet ring, far below 100 ms of traffic.
        need(y["lost"] <= run["rate_pps"] * 0.1,
             "yank %d: lost %d <= rate x 0.1 s" % (y["index"], y["lost"]))
        # One TX path at a time, one sending thread: nothing can come
        # twice or overtake.
        need(y["duplicated"] == 0 and y["reordered"] == 0,
             "yank %d: no dup/reorder (%d/%d)" % (y["index"], y["duplicated"],
                                                  y["reordered"]))
    s = run["steady_state"]
    need(s["tx_calls"] > 0 and s["tx_burst_max_us"] > 0, "steady burst timings")
    for k in ("lost_per_yank", "uevent_to_switch_us", "add_to_switch_back_ms",
              "link_down_to_switch_us", "lost_before_notice", "lost_after_notice"):
        need(set(run["summary"][k]) == {"n", "p50", "p99", "max"}, "summary." + k)
need(isinstance(r.get("comparison"), list), "comparison")
for b in bad:
    print("json check failed:", b)
sys.exit(1 if bad else 0)
PY
fs_check "JSON structure and counts" [ $? -eq 0 ]
fs_check "timeline PNG written" [ -s "$FS_TMP/timeline.png" ]

# --yank-cmd alone: the veth pair is still re-created (the default restore),
# so the port gets its sub-device back, and the log says so truthfully.
"$app" --plugin-dir "$FS_PLUGIN_DIR" --short --cycles 1 --settle-ms 2000 \
	--no-live --no-png --yank-cmd 'ip link del "$TH_IFACE"' \
	--json "$FS_TMP/ycmd.json" --work-dir "$FS_TMP/work-ycmd" \
	> "$FS_TMP/ycmd.txt" 2>&1
rc=$?
cat "$FS_TMP/ycmd.txt"
fs_check "--yank-cmd run exits 0" [ "$rc" -eq 0 ]
fs_check "--yank-cmd run logs the re-creation" \
	grep -q '] re-created vA0$' "$FS_TMP/ycmd.txt"
python3 - "$FS_TMP/ycmd.json" <<'PY'
import json, sys
y = json.load(open(sys.argv[1]))["runs"][0]["yanks"]
ok = (len(y) == 1 and y[0]["delete_rc"] == 0 and y[0]["add_rc"] == 0 and
      y[0]["observed_back_ms"] is not None and
      y[0]["add_to_switch_back_ms"] is not None)
if not ok:
    print("yank-cmd run:", y)
sys.exit(0 if ok else 1)
PY
fs_check "--yank-cmd alone: vA0 re-created and TX back on it" [ $? -eq 0 ]

# --yank-sub 1: vB0 goes, TX stays on vA0 and loses nothing; the run
# waits for the PMD to take vB0 back, not for TX to move.
"$app" --plugin-dir "$FS_PLUGIN_DIR" --short --cycles 1 --settle-ms 2000 \
	--yank-sub 1 --no-live --no-png --json "$FS_TMP/ysub.json" \
	--work-dir "$FS_TMP/work-ysub" > "$FS_TMP/ysub.txt" 2>&1
rc=$?
cat "$FS_TMP/ysub.txt"
fs_check "--yank-sub 1 run exits 0" [ "$rc" -eq 0 ]
python3 - "$FS_TMP/ysub.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
y = run["yanks"]
ok = (run["yank_subdevice"] == 1 and len(y) == 1 and y[0]["subdevice"] == 1 and
      y[0]["iface"] == "vB0" and y[0]["delete_rc"] == 0 and
      y[0]["add_rc"] == 0 and y[0]["observed_switch_ms"] is None and
      y[0]["observed_back_ms"] is not None and y[0]["lost"] == 0 and
      y[0]["duplicated"] == 0 and y[0]["reordered"] == 0)
if not ok:
    print("yank-sub run:", run["yank_subdevice"], y)
sys.exit(0 if ok else 1)
PY
fs_check "--yank-sub 1: vB0 yanked and back, TX undisturbed" [ $? -eq 0 ]

# Processes of one supervisor's runs: its workers name their netns after it.
th_workers_of() {
	local f
	for f in /proc/[0-9]*/cmdline; do
		tr '\0' ' ' < "$f" 2>/dev/null | grep -q -- "--netns=th-$1-" &&
			echo "${f//[^0-9]/}"
	done
}

# Ctrl-C: SIGINT to the supervisor (by PID) in the middle of a yank ends
# it with 130, no netns, no worker and no temporary directory left, and
# the JSON says interrupted, with the yanks made so far.
mkdir "$FS_TMP/tmpdir"
TMPDIR=$FS_TMP/tmpdir "$app" --plugin-dir "$FS_PLUGIN_DIR" --short \
	--cycles 10 --no-live --no-png --json "$FS_TMP/int.json" \
	> "$FS_TMP/int.txt" 2>&1 &
sup=$!
FS_CLEANUP_HOOKS+=("kill -9 $sup 2>/dev/null")
# About 1.5 s in: once the first yank is made (vA0 deleted).
for i in $(seq 1 150); do
	grep -q 'yank 1/10' "$FS_TMP/int.txt" && break
	sleep 0.1
done
sleep 0.1
fs_interrupt "$sup"
rc=$?
cat "$FS_TMP/int.txt"
fs_check "SIGINT: exits 130 (got $rc)" [ "$rc" -eq 130 ]
fs_check "SIGINT: no netns of the run left" \
	[ -z "$(ip netns list | grep "^th-$sup-")" ]
left=$(th_workers_of "$sup")
fs_check "SIGINT: no worker process left" [ -z "$left" ]
for p in $left; do kill -9 "$p" 2>/dev/null; done
fs_check "SIGINT: temporary work directory removed" \
	[ -z "$(ls -A "$FS_TMP/tmpdir")" ]
fs_check "SIGINT: no claim that files were kept" \
	not grep -q kept "$FS_TMP/int.txt"
python3 - "$FS_TMP/int.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
runs = r.get("runs", [])
ok = (r.get("interrupted") is True and len(runs) == 1 and
      runs[0]["interrupted"] is True and 1 <= runs[0]["cycles"] < 10 and
      r["comparison"][0]["completed"] is False)
if not ok:
    print("interrupted run's JSON:", {k: r.get(k) for k in ("interrupted", "comparison")},
          [(x["interrupted"], x["cycles"]) for x in runs])
sys.exit(0 if ok else 1)
PY
fs_check "SIGINT: JSON marked interrupted, partial run included" [ $? -eq 0 ]

# A run that fails on its own keeps the temporary directory for its EAL
# log, and says where it is.
TMPDIR=$FS_TMP/tmpdir "$app" --plugin-dir "$FS_PLUGIN_DIR" --short \
	--cycles 1 --no-live --no-png --devargs 'net_failsafe0,nosuchkey=1' \
	--json "$FS_TMP/fail.json" > "$FS_TMP/fail.txt" 2>&1
rc=$?
cat "$FS_TMP/fail.txt"
fs_check "failed run exits 1" [ "$rc" -eq 1 ]
kept=$(sed -n 's/^test-hotplug: kept \([^ ]*\) for.*/\1/p' "$FS_TMP/fail.txt")
fs_check "failed run names the directory it kept" \
	test -n "$kept" -a -s "$kept/ours.log"
fs_check "failed run leaves no netns" \
	[ "$(ip netns list | grep -c '^th-' || true)" -eq "$netns_before" ]
fs_done
