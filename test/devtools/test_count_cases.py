#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
"""devtools/count-cases.py, the closing count's arithmetic, over made-up
meson test records: each cmocka case counts once; a failed, skipped or
never-reported case fails; a test without TAP counts once."""

import importlib.util
import os
import sys

spec = importlib.util.spec_from_file_location(
    'count_cases', os.path.join(os.environ['FS_SOURCE_ROOT'],
                                'devtools', 'count-cases.py'))
cc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cc)


def rec(name, result, stdout):
    return {'name': name, 'result': result, 'stdout': stdout}


CASES = [
    ('three cases pass', (3, 0, 1, 3),
     [rec('all_ok', 'OK', '1..3\nok 1 - a\nlog line\nok 2 - b\nok 3 - c\n# ok - all')]),
    ('a failed case', (2, 1, 1, 3),
     [rec('one_fails', 'FAIL',
          '1..3\nok 1 - a\nnot ok 2 - b\n# x.c:7: error: Failure!\nok 3 - c')]),
    ('skipped cases (cmocka 1.1.5 and 1.1.7) fail', (1, 2, 1, 3),
     [rec('skips', 'OK', '1..3\nnot ok 1 # SKIP a\nok 2 # SKIP b\nok 3 - c')]),
    ('cases never reported fail', (2, 3, 1, 5),
     [rec('crash', 'FAIL', '1..5\nok 1 - a\nok 2 - b')]),
    ('a failed group set-up fails every case', (0, 4, 1, 4),
     [rec('setup', 'FAIL', '1..4\nnot ok 0 - t [  FAILED  ] GROUP SETUP\n# ok - t')]),
    ('a failure after every case passed', (2, 1, 1, 3),
     [rec('exit_error', 'FAIL', '1..2\nok 1 - a\nok 2 - b')]),
    ('no plan, failed: one', (0, 1, 0, 0),
     [rec('no_plan', 'FAIL', 'it crashed before its plan')]),
    ('two groups in one program', (3, 0, 1, 3),
     [rec('two_groups', 'OK', '1..2\nok 1 - a\nok 2 - b\n1..1\nok 1 - c')]),
    ('other tests count once, a skip fails', (1, 2, 0, 0),
     [rec('shell_ok', 'OK', 'ok: something\nPASS: 10 yanks'),
      rec('shell_fail', 'FAIL', 'FAIL: x'),
      rec('shell_skip', 'SKIP', 'skip: no netns')]),
    ('a timeout before the plan: one', (0, 1, 0, 0),
     [rec('timeout', 'TIMEOUT', '')]),
    ('cases and tests add up', (3, 0, 1, 2),
     [rec('mixed', 'OK', '1..2\nok 1 - a\nok 2 - b'), rec('shell', 'OK', 'PASS')]),
]

fails = 0
for what, want, records in CASES:
    got = cc.count(records)
    if got == want:
        print('ok: %s %s' % (what, got))
    else:
        print('FAIL: %s: got %s, want %s' % (what, got, want))
        fails += 1
print('PASS: count-cases' if fails == 0 else 'FAIL: %d' % fails)
sys.exit(1 if fails else 0)
