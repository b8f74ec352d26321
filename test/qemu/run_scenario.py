#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
"""Boot the QEMU guest for one scenario beyond the yank matrix, report JSON.

Scenarios (the guest side is guest_scenario.sh):
  sriov    an igb NIC (QEMU >= 8.0) whose VF is slot 0, virtio slot 1,
           vfio-pci behind intel-iommu; the guest removes the VFs with
           "echo 0 > sriov_numvfs" and creates them again, each cycle.
  macswap  slot 0 a virtio NIC on root port 1, deleted with device_del and
           replaced with device_add by an e1000e on root port 3 carrying
           the same MAC (then back again at the next cycle); uio.

Frames are counted on the NICs' wires as run_qemu.py does (its Wire, Qmp,
Console and Budget are reused).  The moment of a guest-made removal is
when its "vf-remove" report reaches the host (a console line: a few ms
late at most).  QEMU is killed by its PID on every exit path.
"""

import argparse
import json
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_qemu import Budget, Console, Deadline, Qmp, Wire, ms  # noqa: E402

MAC0 = "02:00:00:00:00:01"
MAC1 = "02:00:00:00:00:02"
# macswap: slot 0's device at each cycle's device_add (odd, even cycles).
SWAP = [("e1000e", "rp3", "nic0r"), ("virtio-net-pci", "rp1", "nic0")]


def qemu_cmd(a, wires, qmp_path):
    cmdline = ("console=ttyS0 quiet loglevel=3 panic=-1 hugepages=256 "
               "fsq.script=%s fsq.scenario=%s fsq.variant=%s fsq.cycles=%d "
               "fsq.plugin=%s fsq.kroot=%s fsq.match=%s"
               % (a.guest_script, a.scenario, a.variant, a.cycles, a.plugin,
                  a.kroot, a.match if a.variant == "ours" else ""))
    machine = "q35"
    cmd = [a.qemu, "-accel", "tcg", "-cpu", "max",
           "-smp", "2", "-m", "1536", "-nodefaults", "-display", "none",
           "-no-reboot", "-serial", "stdio", "-monitor", "none",
           "-qmp", "unix:%s,server=on,wait=off" % qmp_path,
           "-kernel", a.kernel, "-initrd", a.initrd,
           "-virtfs", "local,path=/,mount_tag=hostroot,security_model=none,"
                      "readonly=on,multidevs=remap"]
    for i in (1, 2, 3):
        cmd += ["-device", "pcie-root-port,id=rp%d,chassis=%d,slot=%d"
                % (i, i, i)]
    for i, nic in enumerate(("nic0", "nic1")):
        cmd += ["-netdev", "socket,id=n%d,udp=127.0.0.1:%d,localaddr=127.0.0.1:0"
                % (i, wires[nic].port)]
    if a.scenario == "sriov":
        machine += ",kernel-irqchip=split"
        cmdline += " intel_iommu=on iommu=pt fsq.bind=vfio"
        cmd += ["-device", "intel-iommu,intremap=on,caching-mode=on",
                "-device", "igb,id=pf0,bus=rp1,netdev=n0,mac=%s" % MAC0,
                "-device", "virtio-net-pci,id=nic1,bus=rp2,netdev=n1,mac=%s,"
                           "iommu_platform=on,ats=on" % MAC1]
    else:
        cmdline += " fsq.bind=uio"
        cmd += ["-device", "virtio-net-pci,id=nic0,bus=rp1,netdev=n0,mac=%s"
                % MAC0,
                "-device", "virtio-net-pci,id=nic1,bus=rp2,netdev=n1,mac=%s"
                % MAC1]
    return [cmd[0], "-M", machine] + cmd[1:] + ["-append", cmdline]


def run(a, result):
    budget = Budget(a.timeout)
    wires = {nic: Wire(nic) for nic in ("nic0", "nic1")}
    stop = threading.Event()

    def pump():
        socks = {w.sock: w for w in wires.values()}
        while not stop.is_set():
            r, _, _ = select.select(list(socks), [], [], 0.1)
            for s in r:
                socks[s].drain()
    threading.Thread(target=pump, daemon=True).start()

    qmp_path = os.path.join(a.workdir, "qmp.sock")
    cmd = qemu_cmd(a, wires, qmp_path)
    result["qemu_cmd"] = cmd
    t_boot = time.monotonic()
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE,
                            stderr=open(os.path.join(a.workdir, "qemu.err"),
                                        "w"))
    result["qemu_pid"] = qemu.pid
    try:
        console = Console(qemu.stdout, os.path.join(a.workdir, "console.log"))
        result["control_path_stuck"] = console.stuck
        qmp = Qmp(qmp_path, budget)
        console.expect(budget, 120, "boot")
        _, _, devs = console.expect(budget, 240, "devices")
        result["devices"] = devs
        t, _, ready = console.expect(budget, 300, "ready")
        result["boot_to_traffic_s"] = round(t - t_boot, 1)
        result["testpmd_startup_s"] = ready.get("startup_s")
        time.sleep(0.5)
        result["traffic_before_yank"] = wires["nic0"].count > 0
        cycles = result["cycles"] = []
        current = "nic0"
        for i in range(1, a.cycles + 1):
            c = {"cycle": i}
            cycles.append(c)
            if a.scenario == "sriov":
                t_del, _, _ = console.expect(budget, 120, "vf-remove")
            else:
                console.expect(budget, 120, "yank-ready")
                t_del = time.monotonic()
                c["device_del"] = qmp.cmd("device_del", id=current)
                t_gone = qmp.wait_event("DEVICE_DELETED", current, t_del,
                                        budget.left(a.del_timeout))
                c["device_deleted_s"] = \
                    None if t_gone is None else round(t_gone - t_del, 3)
                if t_gone is None:
                    c["removal_blocked"] = True
                    break
            _, _, rem = console.expect(budget, 150, "removed")
            c["removed"] = rem
            last0 = wires["nic0"].last_before(t_del + 5)
            first1 = wires["nic1"].first_after(t_del - 1)
            c["wire_last_nic0_after_del_ms"] = ms(last0 - t_del) if last0 else None
            c["wire_first_nic1_after_del_ms"] = ms(first1 - t_del) if first1 else None
            if last0 and first1:
                c["wire_outage_ms"] = ms(max(0.0, first1 - last0))
            if not rem.get("alive", False) or rem.get("blocked"):
                break
            if a.scenario == "sriov":
                t_add, _, _ = console.expect(budget, 60, "vf-add")
            else:
                console.expect(budget, 60, "add-ready")
                model, bus, current = SWAP[(i - 1) % 2]
                t_add = time.monotonic()
                c["device_add"] = qmp.cmd("device_add", driver=model,
                                          id=current, bus=bus, netdev="n0",
                                          mac=MAC0)
                c["added_model"] = model
            _, _, add = console.expect(budget, 150, "added")
            c["added"] = add
            back0 = wires["nic0"].first_after(t_add)
            c["wire_first_nic0_after_add_ms"] = ms(back0 - t_add) if back0 else None
            if not add.get("alive", False):
                break
        console.expect(budget, 120, "stopping")
        _, _, stopped = console.expect(budget, 120, "stopped")
        time.sleep(0.5)
        result["stopped"] = stopped
        counted = sum(w.count for w in wires.values())
        drops = [w.kernel_drops() for w in wires.values()]
        result["frames_counted"] = {n: w.count for n, w in wires.items()}
        result["host_socket_drops"] = drops
        tx = stopped.get("tx", 0)
        result["port_tx_packets"] = tx
        lost = tx - counted - sum(d or 0 for d in drops)
        result["packets_lost_total"] = lost
        result["packets_lost_per_yank"] = round(lost / max(1, len(cycles)), 1)
        _, _, quit_ = console.expect(budget, 120, "quit")
        result["quit"] = quit_
        qemu.wait(timeout=budget.left(30))
        result["qemu_rc"] = qemu.returncode
    finally:
        stop.set()
        if qemu.poll() is None:
            qemu.kill()
            qemu.wait()
        for w in wires.values():
            w.sock.close()
        result["wall_s"] = round(time.monotonic() - t_boot, 1)


def verdict(a, r):
    checks = []
    cyc = r.get("cycles", [])
    checks.append(("%d cycles run" % a.cycles, len(cyc) == a.cycles and
                   all("added" in c for c in cyc)))
    if a.variant != "ours":
        return checks
    checks.append(("traffic on nic0 before the first removal",
                   r.get("traffic_before_yank", False)))
    for c in cyc:
        rem, add = c.get("removed", {}), c.get("added", {})
        x = rem.get("xstats", {})
        n = c["cycle"]
        if a.scenario == "sriov":
            # vfio holds the VF's removal until the process lets go: the
            # write to sriov_numvfs returns, the VF released (stop, close)
            # and never remapped (it was still there).
            checks.append(("cycle %d: VFs removed (sriov_numvfs 0 returned)" % n,
                           rem.get("blocked") is False))
            checks.append(("cycle %d: released, not remapped (stop, close)" % n,
                           x.get("fs_last_remove_remap_ns", 1) == 0 and
                           0 < x.get("fs_last_remove_stop_ns", 0) <=
                           x.get("fs_last_remove_close_ns", 0)))
        else:
            checks.append(("cycle %d: DEVICE_DELETED within 1 s" % n,
                           (c.get("device_deleted_s") or 99) < 1.0))
        checks.append(("cycle %d: datapath switched to sub-device 1" % n,
                       rem.get("switched") is True and
                       x.get("fs_tx_subdevice") == 1))
        checks.append(("cycle %d: frames on nic1's wire after the removal" % n,
                       c.get("wire_first_nic1_after_del_ms") is not None))
        checks.append(("cycle %d: switched back after the add" % n,
                       add.get("switched_back") is True))
        checks.append(("cycle %d: frames on nic0's wire after the add" % n,
                       c.get("wire_first_nic0_after_add_ms") is not None))
    st = r.get("stopped", {})
    checks.append(("port TX-packets monotonic", st.get("monotonic") is True))
    checks.append(("testpmd alive at the end", st.get("alive") is True))
    checks.append(("testpmd exited cleanly (rc 0)",
                   r.get("quit", {}).get("rc") == "0"))
    return checks


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scenario", choices=["sriov", "macswap"], required=True)
    p.add_argument("--kernel", required=True)
    p.add_argument("--kroot", required=True,
                   help="the guest kernel's unpacked package (its modules)")
    p.add_argument("--initrd", required=True)
    p.add_argument("--plugin", required=True)
    p.add_argument("--guest-script", required=True)
    p.add_argument("--variant", choices=["ours", "debian"], default="ours")
    p.add_argument("--match", default="",
                   help="slot 0's replacement rule (ours), e.g. match_mac0=<mac>")
    p.add_argument("--cycles", type=int, default=2)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--del-timeout", type=float, default=10)
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--workdir", required=True)
    p.add_argument("--json", required=True)
    a = p.parse_args()

    def on_signal(sig, _frame):
        raise KeyboardInterrupt("signal %d" % sig)
    signal.signal(signal.SIGTERM, on_signal)

    result = {"scenario": a.scenario, "variant": a.variant, "match": a.match,
              "cycles_asked": a.cycles}
    ok = False
    try:
        run(a, result)
        checks = verdict(a, result)
        result["checks"] = [{"what": w, "ok": bool(o)} for w, o in checks]
        ok = all(o for _, o in checks)
    except (Deadline, RuntimeError, KeyboardInterrupt, OSError,
            subprocess.TimeoutExpired, queue.Empty) as e:
        result["error"] = "%s: %s" % (type(e).__name__, e)
    result["ok"] = ok
    with open(a.json, "w") as f:
        json.dump(result, f, indent=1)
    tag = "[qemu %s/%s]" % (a.scenario, a.variant)
    for c in result.get("checks", []):
        print("%s %s: %s" % (tag, "ok" if c["ok"] else "FAIL", c["what"]))
    if "error" in result:
        print("%s error: %s" % (tag, result["error"]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
