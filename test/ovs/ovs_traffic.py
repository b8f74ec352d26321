#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
"""Paced, numbered traffic for the OVS integration test.

Sends frames of a local experimental ethertype at a fixed rate on one
interface (or in turn on several) and receives them on others, keeping the
set of sequence numbers seen.  An interface may vanish and come back (it is
the peer of a veth being yanked): its socket is reopened as soon as it
exists again; what is sent meanwhile is counted as a send error.

Driven through a control FIFO, one command a line:
  mark <name>     sequence numbers from here on belong to interval <name>
  report <file>   write a JSON report to <file> (atomically)
  quit            stop
The report gives, per interval, the frames sent and the frames that no
interface received; a frame still in flight when the report is taken is
not counted as lost if it was sent less than --grace seconds earlier.
"""

import argparse
import errno
import json
import os
import select
import socket
import struct
import sys
import time

ETH_P = 0x88B5		# IEEE local experimental ethertype
MAGIC = b"FSOVSTST"
PACKET_OUTGOING = 4


def frame(run_id, seq):
	payload = MAGIC + struct.pack("!IQ", run_id, seq)
	hdr = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + \
		struct.pack("!H", ETH_P)
	return (hdr + payload).ljust(64, b"\0")


class Sender:
	"""A packet socket to send on an interface that may come and go."""

	def __init__(self, ifname):
		self.ifname = ifname
		self.sock = None
		self.next_try = 0.0

	def send(self, data, now):
		"""Send one frame; False if it could not be sent."""
		if self.sock is None and now >= self.next_try:
			self.next_try = now + 0.01
			try:
				s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
				s.bind((self.ifname, 0))
				self.sock = s
			except OSError:
				pass
		if self.sock is None:
			return False
		try:
			self.sock.send(data)
			return True
		except OSError as e:
			# The interface was deleted: bind again once it is back.
			if e.errno in (errno.ENXIO, errno.ENODEV):
				self.sock.close()
				self.sock = None
			return False


class Receiver:
	"""A packet socket on an interface that may come and go."""

	def __init__(self, ifname):
		self.ifname = ifname
		self.sock = None
		self.frames = 0
		self.reopens = 0
		self.next_try = 0.0

	def ensure_open(self, now):
		if self.sock is not None or now < self.next_try:
			return
		self.next_try = now + 0.01
		try:
			s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
					  socket.htons(ETH_P))
			s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
			s.bind((self.ifname, ETH_P))
			s.setblocking(False)
		except OSError:
			return
		self.sock = s
		self.reopens += 1

	def drain(self, run_id, seen):
		while self.sock is not None:
			try:
				data, addr = self.sock.recvfrom(2048)
			except BlockingIOError:
				return
			except OSError as e:
				# ENETDOWN / ENXIO: the interface is gone.
				if e.errno not in (errno.ENETDOWN, errno.ENXIO,
						   errno.ENODEV):
					raise
				self.sock.close()
				self.sock = None
				return
			if addr[2] == PACKET_OUTGOING or data[14:22] != MAGIC:
				continue
			rid, seq = struct.unpack("!IQ", data[22:34])
			if rid != run_id:
				continue
			self.frames += 1
			seen.add(seq)


def report(path, args, sent, sent_at, seen, marks, rxs, tx_errors):
	now = time.monotonic()
	# Frames sent within the grace period may still be on their way.
	settled = sent
	while settled > 0 and now - sent_at[settled - 1] < args.grace:
		settled -= 1
	bounds = [m[1] for m in marks] + [settled]
	intervals = []
	for i, (name, start) in enumerate(marks):
		end = max(start, min(bounds[i + 1], settled))
		lost = sum(1 for s in range(start, end) if s not in seen)
		intervals.append({"name": name, "sent": end - start, "lost": lost})
	out = {
		"sent": sent, "settled": settled,
		"received": len(seen),
		"lost": sum(1 for s in range(settled) if s not in seen),
		"tx_errors": tx_errors,
		"rx": {r.ifname: {"frames": r.frames, "opens": r.reopens}
		       for r in rxs},
		"intervals": intervals,
	}
	tmp = path + ".tmp"
	with open(tmp, "w") as f:
		json.dump(out, f, indent=1)
	os.rename(tmp, path)


def main():
	ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	ap.add_argument("--tx", action="append", required=True,
			help="interface to send on (repeatable: in turn)")
	ap.add_argument("--rx", action="append", default=[],
			help="interface to receive on (repeatable)")
	ap.add_argument("--rate", type=int, default=4000, help="frames/s")
	ap.add_argument("--ctl", required=True, help="control FIFO")
	ap.add_argument("--grace", type=float, default=0.2)
	ap.add_argument("--max-seconds", type=float, default=600,
			help="stop on its own after this long")
	args = ap.parse_args()

	run_id = os.getpid()
	txs = [Sender(i) for i in args.tx]
	rxs = [Receiver(i) for i in args.rx]
	# O_RDWR: the FIFO never reports EOF when a writer closes it.
	ctl_fd = os.open(args.ctl, os.O_RDWR | os.O_NONBLOCK)
	ctl_buf = b""
	seen = set()
	marks = [("start", 0)]
	sent_at = []
	sent = 0
	tx_errors = 0
	for r in rxs:
		r.ensure_open(0.0)
	t0 = time.monotonic()
	period = 1.0 / args.rate

	while True:
		now = time.monotonic()
		if now - t0 > args.max_seconds:
			break
		due = int((now - t0) / period) + 1
		# After a stall, send at most 10 ms worth at once: slide the
		# clock rather than skip sequence numbers.
		cap = max(1, args.rate // 100)
		if due - sent > cap:
			t0 += (due - sent - cap) * period
			due = sent + cap
		while sent < due:
			if not txs[sent % len(txs)].send(frame(run_id, sent), now):
				tx_errors += 1
			sent_at.append(now)
			sent += 1
		for r in rxs:
			r.ensure_open(now)
			r.drain(run_id, seen)
		socks = [r.sock for r in rxs if r.sock is not None]
		rd, _, _ = select.select(socks + [ctl_fd], [], [], 0.001)
		if ctl_fd not in rd:
			continue
		try:
			ctl_buf += os.read(ctl_fd, 4096)
		except BlockingIOError:
			pass
		while b"\n" in ctl_buf:
			line, ctl_buf = ctl_buf.split(b"\n", 1)
			cmd = line.decode().split()
			if not cmd:
				continue
			if cmd[0] == "mark":
				marks.append((cmd[1], sent))
			elif cmd[0] == "report":
				for r in rxs:
					r.drain(run_id, seen)
				report(cmd[1], args, sent, sent_at, seen, marks,
				       rxs, tx_errors)
			elif cmd[0] == "quit":
				return 0
	return 0


if __name__ == "__main__":
	sys.exit(main())
