#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# The plugin as users meet it: alone in <builddir>/drivers (so -d loads
# exactly it), with the SONAME the docs give, which must not clash with
# Debian's librte_net_failsafe.so.<ABI> (23 on Debian 12, 25 on 13), and
# installed into our own
# <prefix>/<libdir>/failsafe-uevent/pmds, never Debian's PMD directory.
set -uo pipefail
src=${FS_SOURCE_ROOT:?}
build=${FS_BUILD_ROOT:?}
# Debian's PMD directory is named after the DPDK ABI: pmds-23.0, pmds-25.0.
debian_pmds=$(ls -d /usr/lib/x86_64-linux-gnu/dpdk/pmds-* 2>/dev/null | sort -V | tail -n1)
deb_so=$(basename "$(ls "$debian_pmds"/librte_net_failsafe.so.* 2>/dev/null | head -n1)")
echo "Debian's PMD directory: '$debian_pmds', its failsafe: '$deb_so'"
fails=0
check() {
	if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fails=$((fails + 1)); fi
}

soname() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p'; }

# The name the docs promise: README says what -d loads, the guide its SONAME.
readme_so=$(grep -o '`-d build/drivers` loads `[^`]*`' "$src/README.md" |
	sed 's/.*loads `\(.*\)`/\1/')
guide_so=$(tr '\n' ' ' < "$src/doc/guides/getting_started.rst" |
	sed -n 's/.*Its SONAME,[[:space:]]*``\([^`]*\)``.*/\1/p')
echo "README: -d loads '$readme_so'; guide: SONAME '$guide_so'"
check "README names the plugin" [ -n "$readme_so" ]
check "the guide names the SONAME" [ -n "$guide_so" ]

mapfile -t sos < <(find "$build/drivers" -maxdepth 1 -name '*.so*' \
	\( -type f -o -type l \) -printf '%f\n')
echo "in $build/drivers: ${sos[*]}"
check "build/drivers holds exactly one .so" [ ${#sos[@]} -eq 1 ]
so="$build/drivers/${sos[0]:-none}"
name=$(soname "$so")
echo "SONAME of $so: '$name'"
check "the plugin has a SONAME" [ -n "$name" ]
check "Debian's failsafe PMD is installed" [ -n "$deb_so" ]
check "SONAME is not Debian's $deb_so" [ "$name" != "$deb_so" ]
deb_name=$(soname "$debian_pmds/$deb_so")
check "SONAME differs from Debian's failsafe PMD's ($deb_name)" \
	test -n "$deb_name" -a "$name" != "$deb_name"
check "SONAME is the one the guide gives" [ "$name" = "$guide_so" ]
check "the plugin is the file the README names" [ "${sos[0]:-}" = "$readme_so" ]

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root
deb_before=$(ls -la "$debian_pmds")
# --no-rebuild: meson test has built already; a second ninja in the same
# build dir would race with whatever else runs there.
meson install -C "$build" --no-rebuild --destdir "$dest" > "$tmp/install.log" 2>&1
rc=$?
cat "$tmp/install.log"
check "meson install --destdir succeeds" [ $rc -eq 0 ]
prefix=$(meson introspect --buildoptions "$build" |
	python3 -c 'import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
want="$dest$prefix/lib/x86_64-linux-gnu/failsafe-uevent/pmds"
echo "installed files:"
(cd "$dest" && find . ! -type d | sort)
check "plugin installed into $prefix/lib/x86_64-linux-gnu/failsafe-uevent/pmds" \
	[ -f "$want/$readme_so" ]
check "installed plugin keeps the SONAME" [ "$(soname "$want/$readme_so")" = "$name" ]
check "nothing else lands in our PMD directory" \
	[ "$(ls "$want" 2>/dev/null)" = "$readme_so" ]
check "no file of ours in any dpdk/pmds-* directory" \
	[ -z "$(find "$dest" -path '*/dpdk/pmds-*' ! -type d)" ]
check "nothing installed into Debian's $debian_pmds" \
	[ ! -e "$dest$debian_pmds" ]
check "Debian's $debian_pmds itself untouched" \
	[ "$deb_before" = "$(ls -la "$debian_pmds")" ]
[ $fails -eq 0 ]
