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
    for y in run["yanks"]:
        need(y["sent"] == y["received"] + y["lost"] - y["duplicated"],
             "yank %d adds up" % y["index"])
        need(y["delete_rc"] == 0 and y["add_rc"] == 0, "yank %d links" % y["index"])
        for k in ("observed_switch_ms", "uevent_to_switch_us",
                  "add_to_switch_back_ms", "tx_burst_max_us", "rx_burst_max_us"):
            need(k in y and (y[k] is None or y[k] >= 0), "yank.%s" % k)
    s = run["steady_state"]
    need(s["tx_calls"] > 0 and s["tx_burst_max_us"] > 0, "steady burst timings")
    for k in ("lost_per_yank", "uevent_to_switch_us", "add_to_switch_back_ms"):
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
fs_done
