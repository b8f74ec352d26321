#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
"""Boot the QEMU guest, yank its preferred NIC under traffic, report JSON.

The guest (init.sh + guest.sh) runs dpdk-testpmd over net_failsafe on two
PCI NICs, the model yanked (slot 0, preferred) and virtio-net-pci (slot 1;
e1000e when virtio is yanked), each on a pcie-root-port.  Each NIC's wire is a QEMU UDP socket netdev whose far end
is a socket of this process: every frame the guest sends is counted here,
per NIC, with its arrival time, so a switch shows up as the moment frames
stop arriving on one wire and start on the other, and losses as the
difference between the port's TX counter and the frames counted.

The guest reports on the serial console ("@@FSQ <event> <json>"); this
process answers "yank-ready" with QMP device_del and "add-ready" with
device_add.  Everything is bounded by --timeout; QEMU (the only process
started here) is killed by its PID on every exit path.
"""

import argparse
import json
import os
import queue
import select
import signal
import socket
import subprocess
import sys
import threading
import time

GAP_S = 0.002       # a pause longer than this on a wire starts a new run
# id: (device, root port); nic0 (0000:01:00.0) is the failsafe's slot 0,
# the preferred sub-device, the one yanked; nic1 (0000:02:00.0) is slot 1.
# The yanked NIC's model; the other is virtio-net-pci (e1000e when virtio is
# yanked).  e1000 (82540EM) and e1000e are net_e1000_em's, vmxnet3 is
# net_vmxnet3's.
MODELS = {"e1000e": "e1000e", "virtio": "virtio-net-pci", "e1000": "e1000",
          "vmxnet3": "vmxnet3"}
NICS = {}


def set_nics(yank):
    other = "e1000e" if yank == "virtio" else "virtio"
    NICS["nic0"] = (MODELS[yank], "rp1", 0)
    NICS["nic1"] = (MODELS[other], "rp2", 1)


class Deadline(Exception):
    pass


class Wire:
    """The far end of one NIC's UDP netdev: counts frames, keeps runs."""

    def __init__(self, name):
        self.name = name
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.count = 0
        self.runs = []      # [start, end, frames]
        self.lock = threading.Lock()

    def drain(self):
        now = time.monotonic()
        n = 0
        while True:
            try:
                self.sock.recv(65536)
            except BlockingIOError:
                break
            n += 1
        if n == 0:
            return
        with self.lock:
            self.count += n
            if self.runs and now - self.runs[-1][1] <= GAP_S:
                self.runs[-1][1] = now
                self.runs[-1][2] += n
            else:
                self.runs.append([now, now, n])

    def kernel_drops(self):
        """Frames the host kernel dropped on this socket (receive buffer)."""
        hexport = ":%04X" % self.port
        with open("/proc/net/udp") as f:
            for line in f.readlines()[1:]:
                cols = line.split()
                if cols[1].endswith(hexport):
                    return int(cols[-1])
        return None

    def last_before(self, t):
        with self.lock:
            ends = [r[1] for r in self.runs if r[1] <= t]
        return ends[-1] if ends else None

    def first_after(self, t):
        with self.lock:
            for r in self.runs:
                if r[1] >= t:
                    return max(r[0], t)
        return None


class Qmp:
    def __init__(self, path, deadline):
        while True:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                self.sock.close()
                deadline.check("QMP socket")
                time.sleep(0.05)
        self.file = self.sock.makefile("r")
        self.replies = queue.Queue()
        self.events = []
        self.cond = threading.Condition()
        json.loads(self.file.readline())            # greeting
        threading.Thread(target=self._reader, daemon=True).start()
        self.cmd("qmp_capabilities")

    def _reader(self):
        for line in self.file:
            msg = json.loads(line)
            if "event" in msg:
                with self.cond:
                    self.events.append((time.monotonic(), msg))
                    self.cond.notify_all()
            else:
                self.replies.put(msg)

    def cmd(self, name, **args):
        self.sock.sendall(json.dumps({"execute": name, "arguments": args})
                          .encode() + b"\n")
        return self.replies.get(timeout=10)

    def wait_event(self, name, device, since, timeout):
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for t, m in self.events:
                    if (t >= since and m["event"] == name and
                            m.get("data", {}).get("device") == device):
                        return t
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)


class Budget:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def check(self, what):
        if time.monotonic() > self.end:
            raise Deadline("time limit reached waiting for " + what)

    def left(self, cap):
        return max(0.0, min(cap, self.end - time.monotonic()))


class Console:
    """Serial console reader: keeps a log, queues the @@FSQ reports."""

    def __init__(self, stream, log_path):
        self.reports = queue.Queue()
        self.stuck = []     # the guest's "no prompt" reports
        self.log = open(log_path, "w")
        threading.Thread(target=self._reader, args=(stream,),
                         daemon=True).start()

    def _reader(self, stream):
        for raw in stream:
            line = raw.decode(errors="replace").rstrip("\r\n")
            self.log.write(line + "\n")
            self.log.flush()
            at = line.find("@@FSQ ")
            if at < 0:
                continue
            parts = line[at + 6:].split(" ", 1)
            body = parts[1] if len(parts) > 1 else "{}"
            try:
                data = json.loads(body)
            except ValueError:
                data = {"raw": body}
            self.reports.put((time.monotonic(), parts[0], data))
        self.reports.put((time.monotonic(), "eof", {}))

    def expect(self, budget, cap, *names):
        """The next report among names; errors and EOF end the run."""
        while True:
            left = budget.left(cap)
            try:
                t, ev, data = self.reports.get(timeout=left if left else 0.01)
            except queue.Empty:
                raise Deadline("guest report %s" % "/".join(names))
            if ev in names:
                return t, ev, data
            if ev == "stuck":
                self.stuck.append(data)
                continue
            if ev in ("error", "eof", "poweroff"):
                raise RuntimeError("guest: %s %s" % (ev, json.dumps(data)))


def qemu_cmd(a, wires, qmp_path):
    cmdline = ("console=ttyS0 quiet loglevel=3 panic=-1 hugepages=256 "
               "fsq.script=%s fsq.variant=%s fsq.bind=%s fsq.cycles=%d "
               "fsq.plugin=%s" % (a.guest_script, a.variant, a.bind,
                                  a.cycles, a.plugin))
    cmd = [a.qemu, "-M", "q35", "-accel", "tcg", "-cpu", "max",
           "-smp", "2", "-m", "1536", "-nodefaults", "-display", "none",
           "-no-reboot", "-serial", "stdio", "-monitor", "none",
           "-qmp", "unix:%s,server=on,wait=off" % qmp_path,
           "-kernel", a.kernel, "-initrd", a.initrd]
    virtio_extra = ""
    if a.bind == "vfio":
        cmdline += " intel_iommu=on iommu=pt"
        cmd += ["-device", "intel-iommu,intremap=on,caching-mode=on"]
        cmd[2] = "q35,kernel-irqchip=split"
        virtio_extra = ",iommu_platform=on,ats=on"
    cmd += ["-append", cmdline,
            "-virtfs", "local,path=/,mount_tag=hostroot,security_model=none,"
                       "readonly=on,multidevs=remap"]
    for i, (nic, (model, bus, _)) in enumerate(NICS.items()):
        cmd += ["-device", "pcie-root-port,id=%s,chassis=%d,slot=%d"
                % (bus, i + 1, i + 1),
                "-netdev", "socket,id=n%d,udp=127.0.0.1:%d,localaddr=127.0.0.1:0"
                % (i, wires[nic].port),
                "-device", nic_device_args(nic, i, virtio_extra)]
    return cmd


def nic_device_args(nic, i, virtio_extra):
    model, bus, _ = NICS[nic]
    extra = virtio_extra if model.startswith("virtio") else ""
    return "%s,id=%s,bus=%s,netdev=n%d,mac=02:00:00:00:00:%02x%s" % (
        model, nic, bus, i, i + 1, extra)


def device_add_args(nic, i, virtio_extra):
    model, bus, _ = NICS[nic]
    args = {"driver": model, "id": nic, "bus": bus, "netdev": "n%d" % i,
            "mac": "02:00:00:00:00:%02x" % (i + 1)}
    if model.startswith("virtio") and virtio_extra:
        args.update(iommu_platform="on", ats="on")
    return args


def ms(v):
    return None if v is None else round(v * 1000, 2)


def run(a, result):
    budget = Budget(a.timeout)
    wires = {nic: Wire(nic) for nic in NICS}
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
        _, _, boot = console.expect(budget, 120, "boot")
        result["guest_boot_uptime_s"] = float(boot.get("raw", "0").split("=")[-1]) \
            if "raw" in boot else None
        t, _, ready = console.expect(budget, 240, "ready")
        result["boot_to_traffic_s"] = round(t - t_boot, 1)
        result["testpmd_startup_s"] = ready.get("startup_s")
        result["vfio_intr"] = ready.get("vfio_intr")
        time.sleep(0.5)
        result["traffic_before_yank"] = wires["nic0"].count > 0
        cycles = result["cycles"] = []
        virtio_extra = ",iommu_platform=on,ats=on" if a.bind == "vfio" else ""
        for i in range(1, a.cycles + 1):
            c = {"cycle": i}
            cycles.append(c)
            console.expect(budget, 120, "yank-ready")
            t_del = time.monotonic()
            c["device_del"] = qmp.cmd("device_del", id="nic0")
            t_gone = qmp.wait_event("DEVICE_DELETED", "nic0", t_del,
                                    budget.left(a.del_timeout))
            c["device_deleted_s"] = None if t_gone is None else round(t_gone - t_del, 3)
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
            if not rem.get("alive", False):
                break
            console.expect(budget, 60, "add-ready")
            t_add = time.monotonic()
            c["device_add"] = qmp.cmd("device_add", **device_add_args("nic0", 0, virtio_extra))
            _, _, add = console.expect(budget, 150, "added")
            c["added"] = add
            back0 = wires["nic0"].first_after(t_add)
            c["wire_first_nic0_after_add_ms"] = ms(back0 - t_add) if back0 else None
            if not add.get("alive", False):
                break
        console.expect(budget, 120, "stopping")
        _, _, stopped = console.expect(budget, 120, "stopped")
        time.sleep(0.5)  # let the last frames land
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
        _, _, quit_ = console.expect(budget, 90, "quit")
        result["quit"] = quit_
        t_quit = time.monotonic()
        if any(c.get("removal_blocked") for c in cycles):
            t_gone = qmp.wait_event("DEVICE_DELETED", "nic0", t_boot,
                                    budget.left(30))
            result["device_deleted_after_quit_s"] = \
                None if t_gone is None else round(t_gone - t_quit, 3)
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
    """The checks of one run, as (description, ok) pairs."""
    checks = []
    cyc = r.get("cycles", [])
    checks.append(("%d cycles run" % a.cycles, len(cyc) == a.cycles and
                   all("added" in c for c in cyc)))
    if a.variant != "ours":
        return checks
    checks.append(("traffic on nic0 before the first yank",
                   r.get("traffic_before_yank", False)))
    for c in cyc:
        rem, add = c.get("removed", {}), c.get("added", {})
        x = rem.get("xstats", {})
        n = c["cycle"]
        checks.append(("cycle %d: DEVICE_DELETED within 1 s" % n,
                       (c.get("device_deleted_s") or 99) < 1.0))
        checks.append(("cycle %d: datapath switched to sub-device 1" % n,
                       rem.get("switched") is True and
                       x.get("fs_tx_subdevice") == 1))
        checks.append(("cycle %d: frames on nic1's wire after the yank" % n,
                       c.get("wire_first_nic1_after_del_ms") is not None))
        if a.bind == "vfio":
            # vfio holds the removal until the release: stopped, closed,
            # never remapped (the device was still there).
            checks.append(("cycle %d: released, not remapped (stop, close)" % n,
                           x.get("fs_last_remove_remap_ns", 1) == 0 and
                           0 < x.get("fs_last_remove_stop_ns", 0) <=
                           x.get("fs_last_remove_close_ns", 0)))
        else:
            checks.append(("cycle %d: BARs remapped (fs_last_remove_remap_ns > 0)" % n,
                           x.get("fs_last_remove_remap_ns", 0) > 0))
        checks.append(("cycle %d: switched back after device_add" % n,
                       add.get("switched_back") is True))
        checks.append(("cycle %d: frames on nic0's wire after device_add" % n,
                       c.get("wire_first_nic0_after_add_ms") is not None))
    st = r.get("stopped", {})
    checks.append(("port TX-packets monotonic", st.get("monotonic") is True))
    checks.append(("testpmd alive at the end", st.get("alive") is True))
    checks.append(("testpmd exited cleanly (rc 0)",
                   r.get("quit", {}).get("rc") == "0"))
    return checks


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kernel", required=True)
    p.add_argument("--initrd", required=True)
    p.add_argument("--plugin", required=True)
    p.add_argument("--guest-script", required=True)
    p.add_argument("--variant", choices=["ours", "debian"], default="ours")
    p.add_argument("--bind", choices=["uio", "vfio"], default="uio")
    p.add_argument("--yank", choices=list(MODELS), default="e1000e",
                   help="model of the preferred NIC, the one yanked")
    p.add_argument("--cycles", type=int, default=2)
    p.add_argument("--timeout", type=float, default=300)
    p.add_argument("--del-timeout", type=float, default=10)
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--workdir", required=True)
    p.add_argument("--json", required=True)
    a = p.parse_args()
    set_nics(a.yank)

    def on_signal(sig, _frame):
        raise KeyboardInterrupt("signal %d" % sig)
    signal.signal(signal.SIGTERM, on_signal)

    result = {"variant": a.variant, "bind": a.bind, "yanked": NICS["nic0"][0],
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
    for c in result.get("checks", []):
        print("[qemu %s/%s/%s] %s: %s" % (a.variant, a.bind, a.yank,
                                        "ok" if c["ok"] else "FAIL", c["what"]))
    if "error" in result:
        print("[qemu %s/%s/%s] error: %s" % (a.variant, a.bind, a.yank,
                                               result["error"]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
