#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# dpdk-test-hotplug --mode throughput, as short as it goes: it exits 0 and
# its JSON holds a positive median for every configuration, its ratios,
# a paired block with every round measured, and an interleaved block
# (dpdk-bench-datapath) with every configuration measured.  A Ctrl-C in
# the middle exits 130 and gives back what it took: the hugepages it
# reserved, its hugetlbfs mount, its testpmd processes.  Numbers are not
# judged here.
. "$(dirname "$0")/../lib/common.sh"

app=${FS_BUILD_ROOT:?}/app/test-hotplug/dpdk-test-hotplug
json=$FS_TMP/tp.json

"$app" --mode throughput --plugin-dir "$FS_PLUGIN_DIR" --huge off \
	--seconds 1 --repeat 1 --paired-rounds 3 --interleaved-rounds 200 \
	--json "$json" \
	> "$FS_TMP/tp.txt" 2>&1
rc=$?
grep -E 'ours/|paired|per round|interleaved|/direct' "$FS_TMP/tp.txt"
fs_check "throughput run exits 0 (got $rc)" [ "$rc" -eq 0 ]

python3 - "$json" <<'PY'
import json, math, sys
r = json.load(open(sys.argv[1]))
bad = []
def pos(v):
    return isinstance(v, (int, float)) and not math.isnan(v) and v > 0
if r.get("mode") != "throughput":
    bad.append("mode")
if r.get("method", {}).get("hugepages_used") is not False:
    bad.append("hugepages_used")
sets = r.get("settings", [])
if len(sets) != 1 or sets[0].get("memory") != "no-huge":
    bad.append("settings")
for s in sets:
    names = [c["config"] for c in s["configs"]]
    if names != ["direct", "debian", "ours_1sub", "ours_2sub", "bonding"]:
        bad.append("configs %s" % names)
    bad += ["median %s" % c["config"] for c in s["configs"]
            if not pos(c.get("median_mpps"))]
    bad += ["ratio %s" % k for k, v in s.get("ratios", {}).items() if not pos(v)]
    if len(s.get("ratios", {})) != 6:
        bad.append("ratios")
    p = s.get("paired", {})
    if p.get("rounds") != 3:
        bad.append("paired rounds")
    for k in ("direct", "ours_1sub", "ours_2sub"):
        series = p.get("mpps", {}).get(k, {})
        if len(series.get("per_round", [])) != 3 or \
                not all(pos(v) for v in series["per_round"]):
            bad.append("paired %s" % k)
    for k in ("ours_1sub_vs_direct", "ours_2sub_vs_direct"):
        if not pos(p.get("ratios", {}).get(k, {}).get("median")):
            bad.append("paired ratio %s" % k)
    il = s.get("interleaved", {})
    if il.get("rounds") != 200 or il.get("processes") != 1:
        bad.append("interleaved rounds/processes")
    cfgs = il.get("configs", {})
    if sorted(cfgs) != sorted(["direct", "direct_b", "ours_1sub", "ours_2sub",
                               "bonding", "debian"]):
        bad.append("interleaved configs %s" % sorted(cfgs))
    for k, c in cfgs.items():
        if not pos(c.get("mpps")) or not pos(c.get("vs_direct")):
            bad.append("interleaved %s" % k)
    for k in ("ours_1sub_vs_debian", "ours_2sub_vs_debian"):
        if not pos(il.get(k)):
            bad.append("interleaved %s" % k)
print("json problems:", bad if bad else "none")
sys.exit(1 if bad else 0)
PY
fs_check "JSON: every configuration, ratio, paired round and interleaved configuration measured" [ $? -eq 0 ]

# Ctrl-C during the first testpmd run of the hugepage setting.
huge_before=$(cat /proc/sys/vm/nr_hugepages)
"$app" --mode throughput --plugin-dir "$FS_PLUGIN_DIR" --huge auto \
	--seconds 5 --repeat 1 --paired-rounds 2 --json "$FS_TMP/int.json" \
	> "$FS_TMP/int.txt" 2>&1 &
sup=$!
FS_CLEANUP_HOOKS+=("kill -9 $sup 2>/dev/null")
sleep 3
fs_interrupt "$sup"
rc=$?
tail -n 3 "$FS_TMP/int.txt"
fs_check "SIGINT: exits 130 (got $rc)" [ "$rc" -eq 130 ]
fs_check "SIGINT: nr_hugepages restored ($huge_before)" \
	[ "$(cat /proc/sys/vm/nr_hugepages)" -eq "$huge_before" ]
fs_check "SIGINT: its hugetlbfs is unmounted" \
	not grep -q "test-hotplug-huge-$sup " /proc/mounts
left=""
for f in /proc/[0-9]*/cmdline; do
	tr '\0' ' ' < "$f" 2>/dev/null |
		grep -qE -- "--file-prefix=th(tp|pair|il)$sup-" && left="$left ${f//[^0-9]/}"
done
fs_check "SIGINT: no testpmd of the run left" [ -z "$left" ]
for p in $left; do kill -9 "$p" 2>/dev/null; done
fs_done
