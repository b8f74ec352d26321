#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# devtools/setup.sh: a second run downloads nothing and is fast, even into
# a fresh build dir (the SDK comes from the cache); a source version the
# archives do not have fails with a clear message and leaves the system's
# apt configuration as it was.  Where no archive serves the dpdk source
# (Debian 13 here), the headers come from shared/dpdk-sdk/: then the warm
# runs must say so and still download nothing.
#
# "Downloads nothing" is proven, not read from setup's own log: an apt-get
# shim first on PATH records every call and refuses the ones that fetch,
# and the cached apt lists and source files keep their mtimes.
set -uo pipefail
src=${FS_SOURCE_ROOT:?}
build=${FS_BUILD_ROOT:?}
cache=${FS_SDK_CACHE:-/var/cache/failsafe-uevent-sdk}
bogus=0.0.0-0nonexistent
fails=0
check() {
	if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fails=$((fails + 1)); fi
}

tmp=$(mktemp -d)
# The bogus version's cache dir is this test's own artefact: setup.sh
# creates it before it learns the version does not exist.
trap 'rm -rf "$tmp" "${cache:?}/$bogus"' EXIT

apt_state() { find /etc/apt -type f -exec md5sum {} + | sort | md5sum; }
before=$(apt_state)

ver=$(dpkg-query -W -f='${source:Version}' libdpdk-dev)
upstream=${ver#*:}
upstream=${upstream%-*}
# What a download would rewrite: the private deb-src index and the source.
cache_stamp() {
	find "$cache/apt/lists" "$cache/$ver" -maxdepth 1 -type f \
		! -name lock ! -name apt-source.err -printf '%p %T@ %s\n' | sort
}
origin=$(cat "$build/sdk/current/.origin")
echo "SDK headers of this build: $origin"
case $origin in
"source package"*)
	stamp=$(cache_stamp)
	check "cache holds the orig tarball of dpdk $ver" \
		grep -q "/dpdk_$upstream.orig.tar" <<<"$stamp"
	warm_origin="using cached $cache/$ver/dpdk_$upstream.orig.tar" ;;
upstream*)
	stamp=$(find "$cache" -maxdepth 1 -name "fallback-$ver" -printf '%p %T@\n')
	check "cache remembers that no archive serves dpdk $ver" \
		test -f "$cache/fallback-$ver"
	warm_origin="using upstream ${upstream%.*} headers from" ;;
*)
	check "the build records where its SDK headers came from" false ;;
esac

mkdir "$tmp/shim"
cat > "$tmp/shim/apt-get" <<EOF
#!/bin/bash
echo "apt-get \$*" >> "$tmp/apt-calls"
case " \$* " in
*" source "*|*" update "*|*" install "*|*download*)
	echo "apt-get shim: refusing to fetch on a warm run: \$*" >&2
	exit 100 ;;
esac
exec /usr/bin/apt-get "\$@"
EOF
chmod +x "$tmp/shim/apt-get"
: > "$tmp/apt-calls"

# setup_warm <build dir> [VAR=value...]: run setup with the shim, timed.
setup_warm() {
	local dir=$1 start
	shift
	start=$(date +%s%N)
	env PATH="$tmp/shim:$PATH" FS_BUILD_DIR="$dir" "$@" \
		bash "$src/devtools/setup.sh" > "$tmp/out" 2>&1
	rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	cat "$tmp/out"
	echo "setup into $dir took $ms ms"
}

setup_warm "$build"
check "second run succeeds" [ $rc -eq 0 ]
check "second run reuses the unpacked headers" grep -q 'already in' "$tmp/out"
check "second run finishes in under 60 s" [ "$ms" -lt 60000 ]

# A fresh build dir must unpack the SDK from the cache, not download it.
# FS_SETUP_NO_BUILD=1: the build step cannot download, and compiling
# everything again here would cost one to two minutes on a loaded machine.
fresh="$tmp/fresh-build"
setup_warm "$fresh" FS_SETUP_NO_BUILD=1
check "fresh build dir run succeeds" [ $rc -eq 0 ]
check "fresh build dir gets headers from the cache, not a download" \
	grep -qF "$warm_origin" "$tmp/out"
check "fresh build dir has complete SDK headers" \
	test -f "$fresh/sdk/$ver/.complete" -a -f "$fresh/sdk/current/ethdev_driver.h"
check "fresh build dir run finishes in under 60 s" [ "$ms" -lt 60000 ]

echo "apt-get calls on warm runs:"
cat "$tmp/apt-calls"
check "warm runs call no fetching apt-get" \
	bash -c '! grep -qE " (source|update|install)( |$)|download" "$1"' _ "$tmp/apt-calls"
if [ "${origin%% *}" = source ]; then
	check "cached apt lists and source files are untouched" \
		[ "$stamp" = "$(cache_stamp)" ]
fi

# A version that does not exist: clear error, no headers, no build.
ls "$cache" > "$tmp/cache-before"
FS_BUILD_DIR="$tmp/bogus-build" FS_SETUP_NO_BUILD=1 FS_DPDK_SOURCE_VERSION=$bogus \
	bash "$src/devtools/setup.sh" > "$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
check "missing version fails" [ $rc -ne 0 ]
check "missing version names itself" \
	grep -qF "setup: error: source package dpdk version $bogus not found" "$tmp/out"
check "missing version names the fallback too" \
	grep -qF "no upstream headers in" "$tmp/out"
check "no headers unpacked for it" [ ! -e "$tmp/bogus-build/sdk/$bogus/.complete" ]
rm -rf "${cache:?}/$bogus"
check "the missing version leaves nothing new in $cache" \
	bash -c '[ "$(ls "$1")" = "$(grep -vxF "$2" "$3")" ]' _ "$cache" "$bogus" "$tmp/cache-before"

check "system apt configuration unchanged" [ "$before" = "$(apt_state)" ]
[ $fails -eq 0 ]
