#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
"""Count passed and failed test cases in a meson testlog.json.

A cmocka program (its output is TAP: test/meson.build sets
CMOCKA_MESSAGE_OUTPUT=TAP) counts each of its cases: "ok N - name" passes;
"not ok N", a skipped case ("# SKIP": a skip proves nothing) and a case
its plan announced but that never reported (a crash, a timeout, a failed
group set-up) fail.  A program that failed with every case passed (an
error at exit, in the teardown) counts one failure more; one that failed
before printing its plan counts as one failed case.

Any other test (shell integration tests, plain C programs) is one case:
passed when meson says OK, failed otherwise, skipped included.

Prints "passed failed programs cases" on one line: what devtools/test.sh
reads.  --details prints a line per test on stderr.
"""

import json
import re
import sys

PLAN = re.compile(r'^1\.\.(\d+)\s*$')
CASE = re.compile(r'^(not )?ok (\d+)\b(.*)$')


def tap_counts(stdout):
    """(passed, failed, planned) of TAP output, or None when it has no plan."""
    groups = []
    for line in stdout.splitlines():
        m = PLAN.match(line)
        if m:
            groups.append({'plan': int(m.group(1)), 'seen': {}})
            continue
        m = CASE.match(line)
        if m and groups and int(m.group(2)) >= 1:
            ok = m.group(1) is None and '# SKIP' not in m.group(3)
            groups[-1]['seen'][int(m.group(2))] = ok
    if not groups:
        return None
    passed = failed = planned = 0
    for g in groups:
        seen = {n: ok for n, ok in g['seen'].items() if n <= g['plan']}
        p = sum(1 for ok in seen.values() if ok)
        passed += p
        failed += g['plan'] - p
        planned += g['plan']
    return passed, failed, planned


def count(records, details=None):
    passed = failed = programs = cases = 0
    for r in records:
        ok = r['result'] in ('OK', 'EXPECTEDFAIL')
        tap = tap_counts(r.get('stdout') or '')
        if tap is None:
            p, f = (1, 0) if ok else (0, 1)
        else:
            p, f, _ = tap
            if not ok and f == 0:
                f = 1
            programs += 1
            cases += p + f
        passed += p
        failed += f
        if details is not None:
            print('%-60s %-8s %3d passed %3d failed%s' % (
                r['name'], r['result'], p, f,
                '' if tap is None else ' (cases)'), file=details)
    return passed, failed, programs, cases


def main(argv):
    args = [a for a in argv[1:] if a != '--details']
    if len(args) != 1:
        print('usage: count-cases.py [--details] <testlog.json>', file=sys.stderr)
        return 2
    with open(args[0]) as f:
        records = [json.loads(line) for line in f if line.strip()]
    details = sys.stderr if '--details' in argv else None
    print(*count(records, details))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
