#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
"""The xstats listed in doc/guides/nics/failsafe_uevent.rst ("Statistics")
are the ones the code's lists make, no more, no fewer: FS_HOTPLUG_TIMES and
FS_SUB_COUNTERS (fs_private.h), HOTPLUG_MONITOR_STATS (hotplug.h), and the
port's and slot's own entries (fs_port_xstats, fs_sub_xstats in
fs_stats.c).  test_fs_stats checks at run time that xstats and telemetry
show those same lists."""

import os
import re
import sys

root = os.environ['FS_SOURCE_ROOT']


def read(path):
    with open(os.path.join(root, path)) as f:
        return f.read()


def xmacro(text, name):
    """The first argument of each X(...) in '#define name(X) ...'."""
    m = re.search(r'#define %s\(X\)((?:.*\\\n)*.*)' % name, text)
    if m is None:
        sys.exit('FAIL: no #define %s(X)' % name)
    return [a.split(',')[0].strip() for a in re.findall(r'X\(([^)]*)\)', m.group(1))]


def xmacro_names(text, name):
    """The quoted name (second argument) of each X(field, "name")."""
    m = re.search(r'#define %s\(X\)((?:.*\\\n)*.*)' % name, text)
    if m is None:
        sys.exit('FAIL: no #define %s(X)' % name)
    return re.findall(r'X\(\w+, "([^"]+)"\)', m.group(1))


def table(text, name):
    """The string names of a const table '<name>[] = { { "a", ... }, ... };'."""
    m = re.search(r'%s\[\] = \{(.*?)\n\};' % name, text, re.S)
    if m is None:
        sys.exit('FAIL: no table %s' % name)
    return re.findall(r'\{ "(\w+)",', m.group(1))


priv = read('drivers/net/failsafe/fs_private.h')
stats = read('drivers/net/failsafe/fs_stats.c')
hotplug = read('lib/hotplug/hotplug.h')

port = table(stats, 'fs_port_xstats')
port += ['fs_' + n for n in xmacro(priv, 'FS_HOTPLUG_TIMES')]
port += ['fs_' + n for n in xmacro_names(hotplug, 'HOTPLUG_MONITOR_STATS')]
sub = ['fs_sub<N>_' + n for n in table(stats, 'fs_sub_xstats')]
sub += ['fs_sub<N>_' + n for n in xmacro(priv, 'FS_SUB_COUNTERS')]
code = set(port + sub)

doc = read('doc/guides/nics/failsafe_uevent.rst')
m = re.search(r'\nStatistics\n-+\n(.*?)\n[^\n]+\n-+\n', doc, re.S)
if m is None:
    sys.exit('FAIL: no Statistics section in failsafe_uevent.rst')
listed = set()
for line in m.group(1).splitlines():
    if line.startswith('``fs_'):	# a definition list's term
        listed.update(re.findall(r'``(fs_[\w<>]+)``', line))

fails = 0
for n in sorted(code - listed):
    print('FAIL: %s is an xstat the guide does not list' % n)
    fails += 1
for n in sorted(listed - code):
    print('FAIL: the guide lists %s, which no list in the code makes' % n)
    fails += 1
if len(port) != len(set(port)):
    print('FAIL: a name is in two of the port\'s lists')
    fails += 1
if fails == 0:
    print('PASS: %d xstats, as the guide lists them' % len(code))
sys.exit(1 if fails else 0)
