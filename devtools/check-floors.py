#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
"""
Check that no file of the fail-safe PMD calls up a floor.

The floors are the lists of failsafe_floors in drivers/net/failsafe/
meson.build, lowest first.  Who calls whom is read from the built objects
(nm): a file's undefined symbol defined by another file of the PMD is a
call, or a reference to its data.  Exit 1 naming each call that goes up,
0 when there is none.

usage: check-floors.py <source dir> <directory holding the PMD's objects>
"""

import glob
import os
import re
import subprocess
import sys


def floors_of(meson_build):
    text = open(meson_build, encoding="utf-8").read()
    m = re.search(r"failsafe_floors\s*=\s*\[(.*?)\n\]", text, re.S)
    if m is None:
        sys.exit(f"{meson_build}: no failsafe_floors list")
    floors = {}
    for level, group in enumerate(re.findall(r"\[([^\]]*)\]", m.group(1))):
        for name in re.findall(r"'([^']+)\.c'", group):
            floors[name] = level
    return floors


def symbols(obj):
    out = subprocess.run(["nm", obj], check=True, capture_output=True,
                         text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "TDBR":
            defined.add(f[2])
        elif len(f) == 2 and f[0] == "U":
            undefined.add(f[1])
    return defined, undefined


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, objdir = sys.argv[1], sys.argv[2]
    floors = floors_of(os.path.join(src, "drivers/net/failsafe/meson.build"))
    objs = {}
    for obj in glob.glob(os.path.join(objdir, "*.o")):
        m = re.search(r"(fs_[a-z_]+)\.c\.o$", obj)
        if m:
            objs[m.group(1)] = obj
    missing = sorted(set(floors) - set(objs))
    unplaced = sorted(set(objs) - set(floors))
    if missing or unplaced:
        sys.exit(f"objects missing: {missing}; files on no floor: {unplaced}")
    owner, uses = {}, {}
    for name, obj in objs.items():
        defined, undefined = symbols(obj)
        for sym in defined:
            owner[sym] = name
        uses[name] = undefined
    bad = []
    for name in sorted(uses, key=lambda n: (floors[n], n)):
        for sym in sorted(uses[name]):
            to = owner.get(sym)
            if to is not None and floors[to] > floors[name]:
                bad.append(f"{name}.c (floor {floors[name]}) calls up into "
                           f"{to}.c (floor {floors[to]}): {sym}")
    for line in bad:
        print(line)
    print(f"{len(objs)} files on {max(floors.values()) + 1} floors, "
          f"{len(bad)} call(s) up a floor")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
