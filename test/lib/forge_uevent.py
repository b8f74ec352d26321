# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
"""Send a uevent from user space, as an attacker would: forge_uevent.py
<add|remove> <ifname> <ifindex>.  The kernel's uevents come from netlink
port id 0; this one comes from ours, and must be dropped."""
import socket
import sys

NETLINK_KOBJECT_UEVENT = 15
action, ifname, ifindex = sys.argv[1], sys.argv[2], sys.argv[3]
devpath = f"/devices/virtual/net/{ifname}"
fields = [f"{action}@{devpath}", f"ACTION={action}", f"DEVPATH={devpath}",
          "SUBSYSTEM=net", f"INTERFACE={ifname}", f"IFINDEX={ifindex}",
          "SEQNUM=4294967000"]
msg = b"\0".join(f.encode() for f in fields) + b"\0"
s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_KOBJECT_UEVENT)
s.bind((0, 0))
s.sendto(msg, (0, 1))
