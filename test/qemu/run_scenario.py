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

Frames are counted on the NICs' wires as for run_qemu.py (qemu_lib.py does
both).  The moment of a guest-made removal is when its "vf-remove" report
reaches the host (a console line: a few ms late at most).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_lib as ql  # noqa: E402

MAC0 = ql.mac(0)
MAC1 = ql.mac(1)
# macswap: slot 0's device at each cycle's device_add (odd, even cycles).
SWAP = [("e1000e", "rp3", "nic0r"), ("virtio-net-pci", "rp1", "nic0")]


def qemu_cmd(a, wires, qmp_path):
    cmdline = ql.guest_cmdline(a, scenario=a.scenario, kroot=a.kroot,
                               match=a.match if a.variant == "ours" else "")
    machine = "q35"
    nics = []
    if a.scenario == "sriov":
        machine = ql.VFIO_MACHINE
        cmdline += ql.VFIO_CMDLINE + " fsq.bind=vfio"
        nics = ql.VFIO_IOMMU + [
            "-device", "igb,id=pf0,bus=rp1,netdev=n0,mac=%s" % MAC0,
            "-device", "virtio-net-pci,id=nic1,bus=rp2,netdev=n1,mac=%s%s"
                       % (MAC1, ql.VIRTIO_IOMMU)]
    else:
        cmdline += " fsq.bind=uio"
        nics = ["-device", "virtio-net-pci,id=nic0,bus=rp1,netdev=n0,mac=%s"
                % MAC0,
                "-device", "virtio-net-pci,id=nic1,bus=rp2,netdev=n1,mac=%s"
                % MAC1]
    cmd = ql.qemu_base(a, qmp_path, machine) + ql.VIRTFS
    for i in (1, 2, 3):
        cmd += ql.root_port(i)
    for i, nic in enumerate(ql.NICS):
        cmd += ql.netdev(i, wires[nic])
    return cmd + nics + ["-append", cmdline]


def run(a, result):
    current = ["nic0"]      # macswap: slot 0's device id now

    def host_del(g, c):
        return g.device_del(c, current[0])

    def host_add(g, c, i):
        model, bus, current[0] = SWAP[(i - 1) % 2]
        t_add = g.device_add(c, driver=model, id=current[0], bus=bus,
                             netdev="n0", mac=MAC0)
        c["added_model"] = model
        return t_add

    def drive(g):
        g.start(300, before=[("devices", 240)])
        if a.scenario == "sriov":
            g.cycles(a.cycles, lambda c, i: g.guest_event(120, "vf-remove"),
                     lambda c, i: g.guest_event(60, "vf-add"))
        else:
            g.cycles(a.cycles, lambda c, i: host_del(g, c),
                     lambda c, i: host_add(g, c, i))
        g.finish()
    ql.boot(a, result, lambda wires, qmp: qemu_cmd(a, wires, qmp), drive)


def removal_checks(a, c, x, n):
    if a.scenario != "sriov":
        return [ql.device_deleted_check(c, n)]
    # vfio holds the VF's removal until the process lets go: the write to
    # sriov_numvfs returns once the VF is released.
    return [("cycle %d: VFs removed (sriov_numvfs 0 returned)" % n,
             c.get("removed", {}).get("blocked") is False),
            ql.released_check(x, n)]


def verdict(a, r):
    return ql.checks(a, r, "removal", "the add", removal_checks)


def main():
    p = ql.parser(__doc__, 600)
    p.add_argument("--scenario", choices=["sriov", "macswap"], required=True)
    p.add_argument("--kroot", required=True,
                   help="the guest kernel's unpacked package (its modules)")
    p.add_argument("--match", default="",
                   help="slot 0's replacement rule (ours), e.g. match_mac0=<mac>")
    a = p.parse_args()
    result = {"scenario": a.scenario, "variant": a.variant, "match": a.match,
              "cycles_asked": a.cycles}
    return ql.main(a, result, run, verdict,
                   "[qemu %s/%s]" % (a.scenario, a.variant))


if __name__ == "__main__":
    sys.exit(main())
