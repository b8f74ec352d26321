#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# The 'unit' suite needs no root: each of its tests, as meson would run
# it (command and environment from `meson introspect --tests`), passes
# as the user nobody, in a directory of its own, within seconds.  Run as
# another user already, it runs them as that user.
set -uo pipefail
build=${FS_BUILD_ROOT:?}
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ "$(id -u)" -eq 0 ]; then
	chown nobody "$tmp"
	as=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
	who=nobody
else
	as=()
	who=$(id -un)
fi
# The tests' binaries must be reachable by that user.
if ! "${as[@]}" test -r "$build/build.ninja"; then
	echo "FAIL: $who cannot read $build (a parent directory is closed)"
	exit 1
fi

meson introspect --tests "$build" | python3 -c '
import json, shlex, sys
for t in json.load(sys.stdin):
    if any(s.endswith(":unit") for s in t["suite"]) and t["name"] != "unit_unprivileged":
        env = " ".join(shlex.quote(k + "=" + v) for k, v in sorted(t["env"].items()))
        print(t["name"], t["timeout"], env, "--", " ".join(shlex.quote(c) for c in t["cmd"]))
' >"$tmp/list"
n=$(wc -l <"$tmp/list")
[ "$n" -gt 0 ] || { echo "FAIL: no test in suite unit"; exit 1; }

while read -r name tmo rest; do
	envs=${rest%% -- *}
	cmd=${rest#* -- }
	start=$(date +%s%N)
	# shellcheck disable=SC2086
	out=$(cd "$tmp" && eval "timeout $tmo ${as[*]} env $envs $cmd" 2>&1)
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	if [ "$rc" -eq 0 ] && ! grep -q '# SKIP' <<<"$out"; then
		echo "ok: $name as $who in $ms ms"
	else
		echo "FAIL: $name as $who: exit $rc in $ms ms"
		tail -n 20 <<<"$out" | sed 's/^/    /'
		fails=$((fails + 1))
	fi
done <"$tmp/list"
[ "$fails" -eq 0 ] && echo "PASS: $n unit tests as $who" || { echo "FAIL: $fails of $n"; exit 1; }
