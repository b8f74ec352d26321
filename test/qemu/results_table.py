#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
"""The guide's Results table (reStructuredText) from pci_hotplug.sh runs.

Usage: results_table.py FSQ_OUT/results.json [...]

One row per run, in the order given.  Columns as the guide explains them:
cycles switched back / asked; the PMD's switch (fs_last_remove_switch_ns)
and release (fs_last_remove_close_ns) after the first signal; QMP
DEVICE_DELETED after device_del; the wire outage; the first frame on
nic0's wire after device_add; the port's TX counter minus the frames
counted, per yank.
"""

import json
import re
import sys


def span(values, fmt):
    v = [x for x in values if x is not None]
    if not v:
        return "-"
    lo, hi = min(v), max(v)
    return fmt % lo if fmt % lo == fmt % hi else (fmt % lo) + "-" + (fmt % hi)


def blocked_for(r):
    """A removal that never ended: the longest anyone waited for it."""
    if "NIC 0 never left" in r.get("error", ""):
        return ">60"    # guest.sh's wait
    return ">10"        # run_qemu.py's --del-timeout


def failed(r):
    """Which checks failed, cycles folded: "failed: <check> (cycles 1, 3)"."""
    what = {}
    for c in r.get("checks", []):
        if c["ok"]:
            continue
        m = re.match(r"cycle (\d+): (.*)", c["what"])
        text = m.group(2) if m else c["what"]
        what.setdefault(text, []).append(m.group(1) if m else None)
    if not what:
        return "failed: " + (r.get("error") or "?")[:40]
    parts = []
    for text, cycles in what.items():
        n = [x for x in cycles if x]
        parts.append(text + (" (cycle%s %s)" % ("s" if len(n) > 1 else "",
                                                 ", ".join(n)) if n else ""))
    return "failed: " + "; ".join(parts)


def row(r):
    name = "%s, %s, %s" % (r.get("variant"), r.get("bind"), r.get("yanked"))
    if r.get("vfio_intr") == "legacy":
        name += " (INTx)"
    asked = r.get("cycles_asked")
    cycles = r.get("cycles")
    if cycles is None:
        why = (r.get("error") or "no cycle")[:40]
        return [name, "0/%s" % asked, "-", "-", "-", "-", "-", "-", why]
    switch, deleted, outage, released, back = [], [], [], [], []
    done = 0
    for c in cycles:
        rem = (c.get("removed") or {}).get("xstats", {})
        add = c.get("added") or {}
        deleted.append(c.get("device_deleted_s"))
        outage.append(c.get("wire_outage_ms"))
        if rem.get("fs_last_remove_switch_ns"):
            switch.append(rem["fs_last_remove_switch_ns"] / 1e6)
        # The release may end after the "removed" report: read it later.
        rel = add.get("xstats", {}).get("fs_last_remove_close_ns") or \
            rem.get("fs_last_remove_close_ns")
        if rel:
            released.append(rel / 1e6)
        if add.get("switched_back"):
            done += 1
            back.append(c.get("wire_first_nic0_after_add_ms"))
    lost = r.get("packets_lost_per_yank")
    lost = "-" if lost is None else "%.0f" % lost
    if r.get("variant") == "debian":
        blocked = any(c.get("removal_blocked") for c in cycles)
        failed_over = any(c.get("wire_first_nic1_after_del_ms") is not None
                          for c in cycles)
        if blocked:
            verdict = "baseline: removal blocked"
            after = r.get("device_deleted_after_quit_s")
            if after is not None:
                verdict += " until exit"
        elif failed_over:
            verdict = "baseline: failed over"
        else:
            verdict = "baseline: never fails over"
            lost = "all"
        if not blocked and "quit" not in r and "quit" in r.get("error", ""):
            verdict += ", exit hangs"
        return [name, "%d/%s" % (done, asked), "-",
                blocked_for(r) if blocked else span(deleted, "%.2f"),
                span(outage, "%.0f") if failed_over else "-", "-", "-",
                "-" if blocked else lost, verdict]
    verdict = "ok" if r.get("ok") else failed(r)
    return [name, "%d/%s" % (done, asked), span(switch, "%.2f"),
            span(deleted, "%.2f"), span(outage, "%.0f"),
            span(released, "%.0f"), span(back, "%.0f"), lost, verdict]


def main():
    rows = []
    for path in sys.argv[1:]:
        for r in json.load(open(path)).get("runs", []):
            rows.append(row(r))
    head = ["Run", "Cycles", "Switch ms", "DEV_DEL s", "Outage ms",
            "Released ms", "Back ms", "Lost/yank", "Verdict"]
    width = [max(len(x[i]) for x in rows + [head]) for i in range(len(head))]
    rule = "  ".join("=" * w for w in width)

    def line(cells):
        return "  ".join(c.ljust(w) for c, w in zip(cells, width)).rstrip()
    print(rule)
    print(line(head))
    print(rule)
    for r in rows:
        print(line(r))
    print(rule)


if __name__ == "__main__":
    main()
