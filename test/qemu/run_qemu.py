#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
"""Boot the QEMU guest, yank its preferred NIC under traffic, report JSON.

The guest (init.sh + guest.sh) runs dpdk-testpmd over net_failsafe on two
PCI NICs, the model yanked (slot 0, preferred) and virtio-net-pci (slot 1;
e1000e when virtio is yanked), each on a pcie-root-port.  This process
answers the guest's "yank-ready" with QMP device_del and "add-ready" with
device_add; the wires, the console, QMP and QEMU's end are qemu_lib.py's.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_lib as ql  # noqa: E402

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


def qemu_cmd(a, wires, qmp_path):
    cmdline = ql.guest_cmdline(a, bind=a.bind)
    machine = "q35"
    iommu = []
    if a.bind == "vfio":
        cmdline += ql.VFIO_CMDLINE
        machine = ql.VFIO_MACHINE
        iommu = ql.VFIO_IOMMU
    cmd = ql.qemu_base(a, qmp_path, machine) + iommu + \
        ["-append", cmdline] + ql.VIRTFS
    for i, nic in enumerate(NICS):
        cmd += ql.root_port(i + 1) + ql.netdev(i, wires[nic]) + \
            ["-device", nic_device_args(a, nic, i)]
    return cmd


def virtio_extra(a, model):
    return ql.VIRTIO_IOMMU if a.bind == "vfio" and model.startswith("virtio") \
        else ""


def nic_device_args(a, nic, i):
    model, bus, _ = NICS[nic]
    return "%s,id=%s,bus=%s,netdev=n%d,mac=%s%s" % (
        model, nic, bus, i, ql.mac(i), virtio_extra(a, model))


def device_add_args(a, nic, i):
    model, bus, _ = NICS[nic]
    args = {"driver": model, "id": nic, "bus": bus, "netdev": "n%d" % i,
            "mac": ql.mac(i)}
    if virtio_extra(a, model):
        args.update(iommu_platform="on", ats="on")
    return args


def run(a, result):
    def drive(g):
        result["vfio_intr"] = g.start(240).get("vfio_intr")
        g.cycles(a.cycles, lambda c, i: g.device_del(c, "nic0"),
                 lambda c, i: g.device_add(c, **device_add_args(a, "nic0", 0)))
        g.finish()
    ql.boot(a, result, lambda wires, qmp: qemu_cmd(a, wires, qmp), drive)


def removal_checks(a, c, x, n):
    return [ql.device_deleted_check(c, n),
            ql.released_check(x, n) if a.bind == "vfio"
            else ql.remapped_check(x, n)]


def verdict(a, r):
    return ql.checks(a, r, "yank", "device_add", removal_checks)


def main():
    p = ql.parser(__doc__, 300)
    p.add_argument("--bind", choices=["uio", "vfio"], default="uio")
    p.add_argument("--yank", choices=list(MODELS), default="e1000e",
                   help="model of the preferred NIC, the one yanked")
    a = p.parse_args()
    set_nics(a.yank)
    result = {"variant": a.variant, "bind": a.bind, "yanked": NICS["nic0"][0],
              "cycles_asked": a.cycles}
    return ql.main(a, result, run, verdict,
                   "[qemu %s/%s/%s]" % (a.variant, a.bind, a.yank))


if __name__ == "__main__":
    sys.exit(main())
