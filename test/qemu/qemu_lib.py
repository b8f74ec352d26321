# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
"""What the guest runners share (run_qemu.py, run_scenario.py).

One guest boot: each NIC's wire is a QEMU UDP socket netdev whose far end
is a socket of this process, which counts every frame per NIC with its
arrival time, so a switch shows up as the moment frames stop arriving on
one wire and start on the other, and losses as the difference between the
port's TX counter and the frames counted.  The guest reports on the serial
console ("@@FSQ <event> <json>"); a runner drives the cycles from those
reports, with QMP for the host's device_del and device_add.  Everything is
bounded by --timeout; QEMU (the only process started) is killed by its PID
on every exit path.
"""

import argparse
import json
import os
import queue
import select
import signal
import socket
import subprocess
import threading
import time

GAP_S = 0.002       # a pause longer than this on a wire starts a new run
NICS = ("nic0", "nic1")     # slot 0 (the preferred one) and slot 1's wires
# The machine, kernel arguments and virtio options of a guest with vfio-pci
# behind the emulated IOMMU.
VFIO_MACHINE = "q35,kernel-irqchip=split"
VFIO_CMDLINE = " intel_iommu=on iommu=pt"
VFIO_IOMMU = ["-device", "intel-iommu,intremap=on,caching-mode=on"]
VIRTIO_IOMMU = ",iommu_platform=on,ats=on"
# The host's root, read-only: the guest runs its userland in a chroot.
VIRTFS = ["-virtfs", "local,path=/,mount_tag=hostroot,security_model=none,"
                     "readonly=on,multidevs=remap"]


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


def ms(v):
    return None if v is None else round(v * 1000, 2)


def mac(i):
    """NIC i's MAC (slot i's wire)."""
    return "02:00:00:00:00:%02x" % (i + 1)


# --- the QEMU command line ---------------------------------------------------

def guest_cmdline(a, **fsq):
    """The guest kernel's arguments: the console, and the guest script's
    parameters (fsq.<name>=<value>) read by init.sh and guest_lib.sh."""
    args = dict(script=a.guest_script, variant=a.variant, cycles=a.cycles,
                plugin=a.plugin, **fsq)
    return ("console=ttyS0 quiet loglevel=3 panic=-1 hugepages=256 " +
            " ".join("fsq.%s=%s" % kv for kv in args.items()))


def qemu_base(a, qmp_path, machine="q35"):
    """q35 under TCG, its console on stdio, QMP on qmp_path, the kernel."""
    return [a.qemu, "-M", machine, "-accel", "tcg", "-cpu", "max",
            "-smp", "2", "-m", "1536", "-nodefaults", "-display", "none",
            "-no-reboot", "-serial", "stdio", "-monitor", "none",
            "-qmp", "unix:%s,server=on,wait=off" % qmp_path,
            "-kernel", a.kernel, "-initrd", a.initrd]


def root_port(i):
    return ["-device", "pcie-root-port,id=rp%d,chassis=%d,slot=%d" % (i, i, i)]


def netdev(i, wire):
    """Netdev n<i>: a UDP socket whose far end is the wire's."""
    return ["-netdev", "socket,id=n%d,udp=127.0.0.1:%d,localaddr=127.0.0.1:0"
            % (i, wire.port)]


# --- one boot ----------------------------------------------------------------

class Guest:
    """A booted guest as a runner drives it: its reports, QMP and wires."""

    def __init__(self, a, result, budget, wires, console, qmp, t_boot):
        self.a = a
        self.result = result
        self.budget = budget
        self.wires = wires
        self.console = console
        self.qmp = qmp
        self.t_boot = t_boot
        self.blocked = None     # the device whose removal did not end

    def expect(self, cap, *names):
        return self.console.expect(self.budget, cap, *names)

    def start(self, ready_cap, before=()):
        """Up to traffic: the "boot" report, each (report, cap) of before
        (kept in the result under its name), then "ready", returned."""
        r = self.result
        _, _, boot = self.expect(120, "boot")
        r["guest_boot_uptime_s"] = float(boot["raw"].split("=")[-1]) \
            if "raw" in boot else None
        for name, cap in before:
            r[name] = self.expect(cap, name)[2]
        t, _, ready = self.expect(ready_cap, "ready")
        r["boot_to_traffic_s"] = round(t - self.t_boot, 1)
        r["testpmd_startup_s"] = ready.get("startup_s")
        time.sleep(0.5)
        r["traffic_before_yank"] = self.wires["nic0"].count > 0
        return ready

    def cycles(self, count, remove, add):
        """count cycles of remove(c, i), which takes slot 0's device away
        and returns the moment (None: the removal did not end, the run
        stops), and add(c, i), which brings one back and returns the
        moment; the guest's reports and the wires' times go in c."""
        cycles = self.result["cycles"] = []
        w0, w1 = self.wires["nic0"], self.wires["nic1"]
        for i in range(1, count + 1):
            c = {"cycle": i}
            cycles.append(c)
            t_del = remove(c, i)
            if t_del is None:
                break
            _, _, rem = self.expect(150, "removed")
            c["removed"] = rem
            last0 = w0.last_before(t_del + 5)
            first1 = w1.first_after(t_del - 1)
            c["wire_last_nic0_after_del_ms"] = ms(last0 - t_del) if last0 else None
            c["wire_first_nic1_after_del_ms"] = ms(first1 - t_del) if first1 else None
            if last0 and first1:
                c["wire_outage_ms"] = ms(max(0.0, first1 - last0))
            if not rem.get("alive", False) or rem.get("blocked"):
                break
            t_add = add(c, i)
            _, _, added = self.expect(150, "added")
            c["added"] = added
            back0 = w0.first_after(t_add)
            c["wire_first_nic0_after_add_ms"] = ms(back0 - t_add) if back0 else None
            if not added.get("alive", False):
                break

    def device_del(self, c, dev):
        """The host's removal of dev once the guest is ready for it; None
        when QEMU reports no DEVICE_DELETED (the guest holds it)."""
        self.expect(120, "yank-ready")
        t_del = time.monotonic()
        c["device_del"] = self.qmp.cmd("device_del", id=dev)
        t_gone = self.qmp.wait_event("DEVICE_DELETED", dev, t_del,
                                     self.budget.left(self.a.del_timeout))
        c["device_deleted_s"] = None if t_gone is None else round(t_gone - t_del, 3)
        if t_gone is None:
            c["removal_blocked"] = True
            self.blocked = dev
            return None
        return t_del

    def device_add(self, c, **args):
        """The host's device_add once the guest is ready for it."""
        self.expect(60, "add-ready")
        t_add = time.monotonic()
        c["device_add"] = self.qmp.cmd("device_add", **args)
        return t_add

    def guest_event(self, cap, name):
        """A removal or add the guest makes itself: when its report came."""
        return self.expect(cap, name)[0]

    def finish(self):
        """The guest stops the traffic: the totals, then testpmd's exit."""
        r = self.result
        self.expect(120, "stopping")
        _, _, stopped = self.expect(120, "stopped")
        time.sleep(0.5)  # let the last frames land
        r["stopped"] = stopped
        counted = sum(w.count for w in self.wires.values())
        drops = [w.kernel_drops() for w in self.wires.values()]
        r["frames_counted"] = {n: w.count for n, w in self.wires.items()}
        r["host_socket_drops"] = drops
        tx = stopped.get("tx", 0)
        r["port_tx_packets"] = tx
        lost = tx - counted - sum(d or 0 for d in drops)
        r["packets_lost_total"] = lost
        r["packets_lost_per_yank"] = round(lost / max(1, len(r["cycles"])), 1)
        _, _, r["quit"] = self.expect(120, "quit")
        t_quit = time.monotonic()
        if self.blocked:
            t_gone = self.qmp.wait_event("DEVICE_DELETED", self.blocked,
                                         self.t_boot, self.budget.left(30))
            r["device_deleted_after_quit_s"] = \
                None if t_gone is None else round(t_gone - t_quit, 3)


def pump_wires(wires):
    """Count every wire's frames in a thread of its own, until the event
    returned with it is set: (thread, event)."""
    stop = threading.Event()

    def pump():
        socks = {w.sock: w for w in wires.values()}
        while not stop.is_set():
            r, _, _ = select.select(list(socks), [], [], 0.1)
            for s in r:
                socks[s].drain()
    pumping = threading.Thread(target=pump, daemon=True)
    pumping.start()
    return pumping, stop


def boot(a, result, make_cmd, drive):
    """Boot QEMU with make_cmd(wires, qmp_path), run drive(guest), wait for
    the guest's power-off; QEMU is killed on every other way out."""
    budget = Budget(a.timeout)
    wires = {nic: Wire(nic) for nic in NICS}
    pumping, stop = pump_wires(wires)

    qmp_path = os.path.join(a.workdir, "qmp.sock")
    cmd = make_cmd(wires, qmp_path)
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
        drive(Guest(a, result, budget, wires, console, qmp, t_boot))
        qemu.wait(timeout=budget.left(30))
        result["qemu_rc"] = qemu.returncode
    finally:
        stop.set()
        if qemu.poll() is None:
            qemu.kill()
            qemu.wait()
        pumping.join(1)     # not draining a socket closed under it
        for w in wires.values():
            w.sock.close()
        result["wall_s"] = round(time.monotonic() - t_boot, 1)


# --- the verdict -------------------------------------------------------------

def released_check(x, n):
    """vfio holds a removal until the release: stopped, closed, never
    remapped (the device was still there)."""
    return ("cycle %d: released, not remapped (stop, close)" % n,
            x.get("fs_last_remove_remap_ns", 1) == 0 and
            0 < x.get("fs_last_remove_stop_ns", 0) <=
            x.get("fs_last_remove_close_ns", 0))


def remapped_check(x, n):
    return ("cycle %d: BARs remapped (fs_last_remove_remap_ns > 0)" % n,
            x.get("fs_last_remove_remap_ns", 0) > 0)


def device_deleted_check(c, n):
    return ("cycle %d: DEVICE_DELETED within 1 s" % n,
            (c.get("device_deleted_s") or 99) < 1.0)


def checks(a, r, removal, add, removal_checks):
    """The checks of one run, as (description, ok) pairs; the baseline's
    are its cycles only.  removal names a removal ("yank"), add the way
    back ("device_add"); removal_checks(a, c, xstats, n) gives a run's own
    checks of cycle n's removal."""
    out = []
    cyc = r.get("cycles", [])
    out.append(("%d cycles run" % a.cycles, len(cyc) == a.cycles and
                all("added" in c for c in cyc)))
    if a.variant != "ours":
        return out
    out.append(("traffic on nic0 before the first %s" % removal,
                r.get("traffic_before_yank", False)))
    for c in cyc:
        rem, added = c.get("removed", {}), c.get("added", {})
        x = rem.get("xstats", {})
        n = c["cycle"]
        out += removal_checks(a, c, x, n)
        out.append(("cycle %d: datapath switched to sub-device 1" % n,
                    rem.get("switched") is True and
                    x.get("fs_tx_subdevice") == 1))
        out.append(("cycle %d: frames on nic1's wire after the %s" % (n, removal),
                    c.get("wire_first_nic1_after_del_ms") is not None))
        out.append(("cycle %d: switched back after %s" % (n, add),
                    added.get("switched_back") is True))
        out.append(("cycle %d: frames on nic0's wire after %s" % (n, add),
                    c.get("wire_first_nic0_after_add_ms") is not None))
    st = r.get("stopped", {})
    out.append(("port TX-packets monotonic", st.get("monotonic") is True))
    out.append(("testpmd alive at the end", st.get("alive") is True))
    out.append(("testpmd exited cleanly (rc 0)",
                r.get("quit", {}).get("rc") == "0"))
    return out


# --- a runner's main ---------------------------------------------------------

def parser(doc, timeout):
    """A runner's argument parser, with the arguments every runner takes."""
    p = argparse.ArgumentParser(description=doc.split("\n")[0])
    p.add_argument("--kernel", required=True)
    p.add_argument("--initrd", required=True)
    p.add_argument("--plugin", required=True)
    p.add_argument("--guest-script", required=True)
    p.add_argument("--variant", choices=["ours", "debian"], default="ours")
    p.add_argument("--cycles", type=int, default=2)
    p.add_argument("--timeout", type=float, default=timeout)
    p.add_argument("--del-timeout", type=float, default=10)
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--workdir", required=True)
    p.add_argument("--json", required=True)
    return p


def main(a, result, run, verdict, tag):
    """run(a, result), then verdict(a, result); result (with the checks)
    written to --json, the checks printed; 0 when all passed."""
    def on_signal(sig, _frame):
        raise KeyboardInterrupt("signal %d" % sig)
    signal.signal(signal.SIGTERM, on_signal)

    ok = False
    try:
        run(a, result)
        found = verdict(a, result)
        result["checks"] = [{"what": w, "ok": bool(o)} for w, o in found]
        ok = all(o for _, o in found)
    except (Deadline, RuntimeError, KeyboardInterrupt, OSError,
            subprocess.TimeoutExpired, queue.Empty) as e:
        result["error"] = "%s: %s" % (type(e).__name__, e)
    result["ok"] = ok
    with open(a.json, "w") as f:
        json.dump(result, f, indent=1)
    for c in result.get("checks", []):
        print("%s %s: %s" % (tag, "ok" if c["ok"] else "FAIL", c["what"]))
    if "error" in result:
        print("%s error: %s" % (tag, result["error"]))
    return 0 if ok else 1
