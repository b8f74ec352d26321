#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
"""Boot run_qemu.py's guest with link_intr_guest.sh, count NIC 0's wire.

The measurement behind the guide's "e1000 under vfio": testpmd alone on
the NIC, three interrupt set-ups; each "mode-end" line of the console
copy printed here carries the frames counted so far on each wire.  No
yank.  Paths as pci_hotplug.sh has them; the build (for the bind tool)
and this directory must be outside /tmp, which the guest does not see:

  python3 test/qemu/diag/link_intr.py --bind vfio --yank e1000 \\
     --kernel <cache>/kernel-<v>/boot/vmlinuz-<v> \\
     --initrd <cache>/initramfs-<v>-<sum>.img \\
     --plugin <build>/drivers/librte_net_failsafe_uevent.so \\
     --workdir <dir>
"""

import argparse
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import qemu_lib as ql  # noqa: E402
import run_qemu as rq  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for k in ("kernel", "initrd", "plugin", "workdir"):
        p.add_argument("--" + k, required=True)
    p.add_argument("--bind", choices=["uio", "vfio"], default="vfio")
    p.add_argument("--yank", choices=list(rq.MODELS), default="e1000")
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--timeout", type=float, default=600)
    a = p.parse_args()
    a.guest_script = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                  "link_intr_guest.sh")
    a.variant, a.cycles = "ours", 0
    rq.set_nics(a.yank)
    os.makedirs(a.workdir, exist_ok=True)
    wires = {n: ql.Wire(n) for n in ql.NICS}
    _, stop = ql.pump_wires(wires)

    cmd = rq.qemu_cmd(a, wires, os.path.join(a.workdir, "qmp.sock"))
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE,
                            stderr=open(os.path.join(a.workdir, "qemu.err"),
                                        "w"))
    end = time.monotonic() + a.timeout
    done = False
    killer = threading.Timer(a.timeout, qemu.kill)
    killer.start()
    try:
        with open(os.path.join(a.workdir, "console.log"), "w") as log:
            for raw in qemu.stdout:
                line = raw.decode(errors="replace").rstrip()
                if "@@FSQ mode-" in line:
                    line += "  [wires: %s]" % {n: w.count
                                               for n, w in wires.items()}
                log.write(line + "\n")
                print(line, flush=True)
                if "@@FSQ done" in line:
                    done = True
                if done or "@@FSQ poweroff" in line or \
                        "@@FSQ error" in line or time.monotonic() > end:
                    break
    finally:
        killer.cancel()
        stop.set()
        if qemu.poll() is None:
            qemu.kill()
        qemu.wait()
        host_drops = {n: w.kernel_drops() for n, w in wires.items()}
        print("wires %s, host socket drops %s" %
              ({n: w.count for n, w in wires.items()}, host_drops))
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main())
