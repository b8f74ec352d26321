#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# The Debian package as a user meets it, on the release the suite runs on
# (the host, or the Debian root of devtools/test.sh):
#   1. dpkg-buildpackage -us -uc -b of a copy of the tree, against this
#      release's DPDK and the SDK headers setup.sh put in the build dir;
#      lintian reports no error and no warning;
#   2. the packages depend on this release's DPDK ABI (librte-*23 on
#      Debian 12, *25 on 13) and on no other;
#   3. apt-get installs them: the plugin lands alone in
#      /usr/lib/<multiarch>/failsafe-uevent/pmds, not in DPDK's PMD
#      directory, the tools in /usr/bin with their man pages;
#   4. Debian's dpdk-testpmd -d <that directory> keeps a fail-safe port
#      forwarding through yanks of its preferred sub-device;
#   5. OVS-DPDK with dpdk-extra="-d <that directory>" does the same
#      (test/ovs/test_ovs_failsafe.sh, FS_DEB_OVS_CYCLES yanks);
#   6. apt-get purge leaves nothing behind: no path of the packages that
#      was not there before, nothing new under /usr, /etc, /opt or dpkg's
#      info that no other package owns, nothing of before gone.
# A package left installed by an earlier run is purged first; the
# packages are purged on every exit path.
: "${FS_PLUGIN_DIR:=unset}"
. "$(dirname "$0")/../lib/common.sh"

src=${FS_SOURCE_ROOT:?}
build=${FS_BUILD_ROOT:?}
PKGS=(failsafe-uevent failsafe-uevent-tools)
# Enough cycles for the loop to outlast several of OVS's statistics updates
# (every 5 s, its minimum): with 3 the loop could end before the column
# moved once, and the OVS test then rightly said so.
OVS_CYCLES=${FS_DEB_OVS_CYCLES:-20}
YANKS=${FS_DEB_YANKS:-3}
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
want_dir=/usr/lib/$multiarch/failsafe-uevent/pmds
plugin=librte_net_failsafe_uevent.so
# DPDK's own PMD directory is named after its ABI: pmds-23.0, pmds-25.0.
debian_pmds=$(ls -d "/usr/lib/$multiarch"/dpdk/pmds-* 2>/dev/null | sort -V | tail -n1)
abi=${debian_pmds##*/pmds-}
abi=${abi%%.*}
fs_log "DPDK $(dpkg-query -W -f='${Version}' libdpdk-dev), ABI $abi ($debian_pmds)"
[ -n "$abi" ] || { fs_log "FAIL: no DPDK PMD directory in /usr/lib/$multiarch/dpdk"; exit 1; }

# Known to dpkg in any state (installed, half-installed, config-files).
pkg_known() { dpkg-query -W -f='${db:Status-Abbrev}\n' "$1" 2>/dev/null | grep -q '[a-z]'; }
pkg_installed() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | grep -q '^ii'; }
purge_ours() {
	local known=() p
	for p in "${PKGS[@]}"; do
		pkg_known "$p" && known+=("$p")
	done
	[ ${#known[@]} -eq 0 ] && return 0
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${known[@]}" \
		> "$FS_TMP/purge.log" 2>&1
	local rc=$?
	[ $rc -eq 0 ] || cat "$FS_TMP/purge.log"
	return $rc
}
FS_CLEANUP_HOOKS+=(purge_ours)
all_of() {	# all_of <predicate> <package...>
	local f=$1 p
	shift
	for p in "$@"; do "$f" "$p" || return 1; done
}
none_of() {	# none_of <predicate> <package...>
	local f=$1 p
	shift
	for p in "$@"; do "$f" "$p" && return 1; done
	return 0
}

left=()
for p in "${PKGS[@]}"; do
	pkg_known "$p" && left+=("$p $(dpkg-query -W -f='${Version} ${db:Status-Abbrev}' "$p")")
done
if [ ${#left[@]} -gt 0 ]; then
	fs_log "left from an earlier run: ${left[*]}; purging it first"
	purge_ours || { fs_log "FAIL: cannot purge ${PKGS[*]}"; exit 1; }
fi

# Every path under the places a package writes to, dpkg's records too.
snapshot() {
	find /usr /etc /opt /var/lib/dpkg/info -xdev 2>/dev/null | LC_ALL=C sort
}
snapshot > "$FS_TMP/before.list"

# --- build ------------------------------------------------------------------

pkgdir=$FS_TMP/pkg
mkdir -p "$pkgdir/src"
# The tree as committed would be, without build directories or .git (a
# worktree's .git names a path outside the Debian root).
for f in LICENSE MAINTAINERS README.md app debian devtools doc drivers lib \
		meson.build meson_options.txt test; do
	cp -a "$src/$f" "$pkgdir/src/" || { fs_log "FAIL: cannot copy $f"; exit 1; }
done
t=$SECONDS
(cd "$pkgdir/src" && env -u MALLOC_PERTURB_ FS_BUILD_DIR="$build" \
	DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc -b) \
	> "$FS_TMP/build.log" 2>&1
rc=$?
fs_log "dpkg-buildpackage -us -uc -b: exit $rc in $((SECONDS - t)) s"
[ $rc -eq 0 ] || tail -n 40 "$FS_TMP/build.log"
fs_check "dpkg-buildpackage -us -uc -b builds the packages" [ $rc -eq 0 ]
[ $rc -eq 0 ] || fs_done
grep 'sdk_headers' "$pkgdir/src/obj-$multiarch/meson-logs/meson-log.txt" | head -n1

version=$(cd "$pkgdir/src" && dpkg-parsechangelog -S Version)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb_main=$pkgdir/failsafe-uevent_${version}_$arch.deb
deb_tools=$pkgdir/failsafe-uevent-tools_${version}_$arch.deb
changes=$pkgdir/failsafe-uevent_${version}_$arch.changes
fs_check "both packages and the .changes are there" \
	test -f "$deb_main" -a -f "$deb_tools" -a -f "$changes"

t=$SECONDS
lintian --fail-on error,warning "$changes" > "$FS_TMP/lintian.log" 2>&1
rc=$?
grep -v 'running with root privileges' "$FS_TMP/lintian.log" | sed 's/^/    lintian: /'
fs_log "lintian $(dpkg-query -W -f='${Version}' lintian): exit $rc in $((SECONDS - t)) s"
fs_check "lintian: no error, no warning" [ $rc -eq 0 ]

# --- the DPDK ABI --------------------------------------------------------

depends=$(dpkg-deb -f "$deb_main" Depends)
fs_log "failsafe-uevent Depends: $depends"
fs_log "failsafe-uevent-tools Depends: $(dpkg-deb -f "$deb_tools" Depends)"
for lib in eal ethdev bus-vdev bus-pci; do
	fs_check "failsafe-uevent depends on librte-$lib$abi" \
		grep -Eq "(^|, )librte-$lib$abi( |,|$)" <<< "$depends"
done
# librte-<name><ABI>: the ABI is the name's trailing number.
others=$( (dpkg-deb -f "$deb_main" Depends; dpkg-deb -f "$deb_tools" Depends) |
	tr ',|' '\n\n' | sed -n 's/^ *\(librte-[a-z0-9-]*[a-z]\)\([0-9][0-9]*\)\( .*\)\{0,1\}$/\1\2 \2/p' |
	awk -v abi="$abi" '$2 != abi { print $1 }' | sort -u | paste -sd' ')
fs_check "no dependency on another DPDK ABI than $abi${others:+: $others}" [ -z "$others" ]

# --- install ----------------------------------------------------------------

DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	"$deb_main" "$deb_tools" > "$FS_TMP/install.log" 2>&1
rc=$?
[ $rc -eq 0 ] || cat "$FS_TMP/install.log"
fs_check "apt-get install of both packages" [ $rc -eq 0 ]
fs_check "both packages are installed" all_of pkg_installed "${PKGS[@]}"
# dpkg -L lists "/." first: the root, not a path of ours.
dpkg -L "${PKGS[@]}" 2>/dev/null | grep -vx '/\.' | LC_ALL=C sort -u > "$FS_TMP/ours.list"

so=$(grep "/$plugin\$" "$FS_TMP/ours.list")
fs_log "plugin installed as: $so"
fs_check "the plugin is in $want_dir" [ "$so" = "$want_dir/$plugin" ]
fs_check "it is alone there" [ "$(ls -A "$want_dir" 2>/dev/null)" = "$plugin" ]
fs_check "nothing of ours in DPDK's PMD directories" \
	not grep -q '/dpdk/pmds-' "$FS_TMP/ours.list"
# DPDK refuses a plugin under a world-writable directory.
ww=$(d=$want_dir; while [ "$d" != / ]; do
	[ -n "$(find "$d" -maxdepth 0 -perm -0002)" ] && echo "$d"; d=$(dirname "$d")
done)
fs_check "no world-writable directory above it${ww:+: $ww}" [ -z "$ww" ]
for tool in dpdk-test-hotplug dpdk-hotplug-bind dpdk-bench-datapath; do
	fs_check "$tool in /usr/bin, its man page in section 1" \
		test -x "/usr/bin/$tool" -a -f "/usr/share/man/man1/$tool.1.gz"
done
fs_check "the guides are in /usr/share/doc/failsafe-uevent/guides" \
	test -f /usr/share/doc/failsafe-uevent/guides/nics/failsafe_uevent.rst.gz
dpdk-hotplug-bind > /dev/null 2>&1
fs_check "dpdk-hotplug-bind runs (usage, exit 2)" [ $? -eq 2 ]
FS_PLUGIN_DIR=$want_dir

# --- Debian's dpdk-testpmd -d <installed dir> through yanks ---------------

tp_start_ab "" hotplug_poll=60000
# Seen from the test in a Debian root, maps names the root's host path:
# the installed file is known by its suffix and its inode.
mapped() {
	local ino
	ino=$(stat -c %i "$want_dir/$plugin") &&
		awk -v ino="$ino" -v f="$want_dir/$plugin" \
			'$5 == ino && substr($6, length($6) - length(f) + 1) == f { m = 1 }
			 END { exit !m }' "/proc/$TP_PID/maps"
}
fs_check "testpmd mapped $want_dir/$plugin" mapped
fs_check "port 0 is ours (Firmware-version: failsafe-uevent)" \
	eval 'tp_cmd "show port info 0" | grep -q "Firmware-version: failsafe-uevent"'
tp_cmd start > /dev/null
fs_check "testpmd: traffic leaves through the preferred vA0" fs_rx_grows vA1 3
switched=0 returned=0
for i in $(seq 1 "$YANKS"); do
	fs_veth_del vA0
	fs_rx_grows vB1 2 && switched=$((switched + 1))
	fs_veth_add vA0 vA1
	fs_rx_grows vA1 2 && returned=$((returned + 1))
done
fs_check "testpmd: every yank moved traffic to vB0 ($switched/$YANKS)" [ "$switched" -eq "$YANKS" ]
fs_check "testpmd: every re-plug brought it back to vA0 ($returned/$YANKS)" [ "$returned" -eq "$YANKS" ]
removals=$(tp_xstat 0 fs_sub0_removals)
fs_check "testpmd: the PMD counted $YANKS removals (got ${removals:-none})" \
	[ "${removals:-0}" -eq "$YANKS" ]
tp_cmd stop > /dev/null
tp_quit
fs_check "testpmd exited cleanly" [ $? -eq 0 ]
ip netns del "$FS_NETNS"
FS_NETNS=""

# --- OVS-DPDK with dpdk-extra="-d <installed dir>" ------------------------

fs_log "OVS-DPDK: test/ovs/test_ovs_failsafe.sh with -d $want_dir, $OVS_CYCLES yanks"
FS_PLUGIN_DIR=$want_dir FS_OVS_CYCLES=$OVS_CYCLES FS_TEST_NAME=deb_ovs \
	bash "$src/test/ovs/test_ovs_failsafe.sh" 2>&1 | sed 's/^/    /'
rc=${PIPESTATUS[0]}
fs_check "OVS-DPDK over the installed plugin through $OVS_CYCLES yanks (test_ovs_failsafe.sh exit $rc)" \
	[ "$rc" -eq 0 ]

# --- purge --------------------------------------------------------------

purge_ours
fs_check "apt-get purge of both packages" [ $? -eq 0 ]
fs_check "dpkg knows neither package any more" none_of pkg_known "${PKGS[@]}"
snapshot > "$FS_TMP/after.list"
# Paths of the packages that were not there before: none may be left.
stale=$(LC_ALL=C comm -23 "$FS_TMP/ours.list" "$FS_TMP/before.list" |
	while read -r f; do [ -e "$f" ] || [ -L "$f" ] && echo "$f"; done)
fs_check "no path of the packages left${stale:+: $stale}" [ -z "$stale" ]
# Anything else new, unless another package owns it (a concurrent apt run)
# or it is Python's byte-code cache (the OVS test's traffic generator).
new=$(LC_ALL=C comm -13 "$FS_TMP/before.list" "$FS_TMP/after.list" |
	grep -v '/__pycache__\(/\|$\)' | while read -r f; do dpkg -S "$f" > /dev/null 2>&1 || echo "$f"; done)
fs_check "nothing new under /usr /etc /opt /var/lib/dpkg/info${new:+: $new}" [ -z "$new" ]
gone=$(LC_ALL=C comm -12 "$FS_TMP/ours.list" "$FS_TMP/before.list" |
	while read -r f; do [ -e "$f" ] || echo "$f"; done)
fs_check "every shared directory the packages used is still there${gone:+ (gone: $gone)}" \
	[ -z "$gone" ]
fs_done
