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
src=${FS_SOURCE_ROOT:?}
if [ "$(id -u)" -eq 0 ]; then
	as=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
	who=nobody
else
	as=()
	who=$(id -un)
fi
# The tests' binaries must be reachable by that user.  A checkout under
# a closed directory (a private temporary one, say) is reached through
# bind mounts at open paths, in a mount namespace of this test's own.
closed=0
if ! "${as[@]}" test -r "$build/build.ninja"; then
	closed=1
	if [ "${FS_UNIT_NS:-}" != 1 ]; then
		exec env FS_UNIT_NS=1 unshare --mount --propagation private \
			bash "$0" "$@"
	fi
fi

tmp=$(mktemp -d)
map=()
# Unbind before removing: rm -rf through a bind mount of the checkout
# would remove the checkout.  Anything still mounted is left in place.
cleanup() {
	local m
	for m in "$tmp/src" "$tmp/build"; do
		if mountpoint -q "$m" && ! umount "$m"; then
			echo "cannot unmount $m: leaving $tmp"
			return
		fi
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] && chown nobody "$tmp"

if [ "$closed" = 1 ]; then
	mkdir -p "$tmp/src" "$tmp/build"
	mount --bind "$src" "$tmp/src" && mount --bind "$build" "$tmp/build" ||
		{ echo "FAIL: $who cannot read $build, and it cannot be bound elsewhere"; exit 1; }
	map=("$build" "$tmp/build" "$src" "$tmp/src")
	"${as[@]}" test -r "$tmp/build/build.ninja" ||
		{ echo "FAIL: $who cannot read $build even bound at $tmp/build"; exit 1; }
	echo "note: $build is closed to $who: run through $tmp/build"
fi

meson introspect --tests "$build" | python3 -c '
import json, shlex, sys
pairs = list(zip(sys.argv[1::2], sys.argv[2::2]))
def moved(s):
    for old, new in pairs:
        if s == old or s.startswith(old + "/"):
            return new + s[len(old):]
        s = s.replace("=" + old + "/", "=" + new + "/")
    return s
for t in json.load(sys.stdin):
    if any(s.endswith(":unit") for s in t["suite"]) and t["name"] != "unit_unprivileged":
        env = " ".join(shlex.quote(k + "=" + moved(v)) for k, v in sorted(t["env"].items()))
        print(t["name"], t["timeout"], env, "--", " ".join(shlex.quote(moved(c)) for c in t["cmd"]))
' "${map[@]}" >"$tmp/list"
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
