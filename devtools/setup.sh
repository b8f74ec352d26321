#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# One-shot, idempotent set-up on Debian 12 (DPDK 22.11) or 13 (DPDK 24.11),
# as root:
#   1. install every package the project needs;
#   2. fetch the Debian source package of dpdk matching the installed
#      libdpdk-dev exactly (private apt configuration, system apt untouched)
#      and unpack only the driver-SDK headers into build/sdk/; when no
#      archive serves that source, take the upstream headers of the same
#      major.minor from shared/dpdk-sdk/ (FS_SDK_FALLBACK), and say so;
#   3. configure and build into build/.
# Safe to run again at any time: nothing is downloaded twice.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${FS_BUILD_DIR:-$top/build}
cache=${FS_SDK_CACHE:-/var/cache/failsafe-uevent-sdk}
sdk_list="$top/devtools/sdk-headers.txt"
sdk_fallback=${FS_SDK_FALLBACK:-$top/../shared/dpdk-sdk}

packages=(libdpdk-dev dpdk dpdk-dev libmnl-dev libcmocka-dev meson ninja-build
	pkg-config gcc iproute2 python3 python3-pyelftools dpkg-dev xz-utils
	clang libclang-rt-dev valgrind gdb gnuplot-nox openvswitch-switch-dpdk
	qemu-system-x86 busybox-static cpio kmod
	build-essential debhelper python3-docutils lintian)
# build-essential, debhelper, python3-docutils (rst2man, for the man pages)
# and lintian: dpkg-buildpackage of debian/ and its check in the suite.
# libclang-rt-dev is Debian's default-clang companion of clang (14 on 12,
# 19 on 13): the sanitizer and libFuzzer runtime of the installed clang.

# devtools/debian-root.sh builds a root with exactly these.
if [ "${1:-}" = --print-packages ]; then
	echo "${packages[*]}"
	exit 0
fi

log() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (apt-get and network namespaces need it)"

install_packages() {
	local missing=() p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		log "all ${#packages[@]} packages present"
		return
	fi
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null || die "apt-get update failed"
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
}

# deb-src entries mirroring the system's deb entries, in a private directory.
write_private_sources() {
	local dir=$1 f n=0
	rm -rf "$dir"
	mkdir -p "$dir"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		sed -e 's/^Types:.*/Types: deb-src/' "$f" > "$dir/$(basename "$f")"
		n=$((n + 1))
	done
	if [ -f /etc/apt/sources.list ] &&
	   grep -q '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list; then
		sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list \
			> "$dir/from-sources-list.list"
		n=$((n + 1))
	fi
	[ "$n" -gt 0 ] || die "no apt sources found in /etc/apt to derive deb-src from"
}

fetch_source() {
	local src=$1 ver=$2 dest=$3 apt_dir=$cache/apt
	local opts=(-o "Dir::Etc::SourceList=/dev/null"
		-o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
		-o "Dir::State::Lists=$apt_dir/lists"
		-o "Dir::Cache=$apt_dir/cache"
		-o "APT::Sandbox::User=root")
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$dest"
	write_private_sources "$apt_dir/sources.list.d"
	log "updating private deb-src index in $apt_dir"
	apt-get "${opts[@]}" update -q >/dev/null ||
		die "private apt-get update for deb-src failed"
	log "downloading source package $src=$ver"
	if ! (cd "$dest" && apt-get "${opts[@]}" source --download-only \
			"$src=$ver" >/dev/null 2>"$dest/apt-source.err"); then
		sed 's/^/setup:   apt: /' "$dest/apt-source.err" >&2
		rm -rf "$dest"
		return 1
	fi
}

# The upstream release headers of the same major.minor: a DPDK LTS keeps
# its ABI across point releases, so v24.11's match Debian's 24.11.x.
copy_fallback_headers() {
	local dir=$1 out=$2 f
	mkdir -p "$out"
	for f in $(grep -v '^#' "$sdk_list"); do
		cp "$dir/$f" "$out/" ||
			{ rm -rf "$out"; die "$dir lacks $f"; }
	done
}

unpack_headers() {
	local tarball=$1 out=$2 tmp
	tmp=$(mktemp -d)
	# shellcheck disable=SC2046
	tar -xf "$tarball" -C "$tmp" --wildcards --no-anchored \
		$(grep -v '^#' "$sdk_list" | sed 's|^|*/|') ||
		{ rm -rf "$tmp"; die "headers listed in $sdk_list missing from $tarball"; }
	mkdir -p "$out"
	find "$tmp" -name '*.h' -exec cp {} "$out/" \;
	rm -rf "$tmp"
}

sdk_headers() {
	local src ver upstream mm dest out tarball
	src=$(dpkg-query -W -f='${source:Package}' libdpdk-dev 2>/dev/null) ||
		die "libdpdk-dev is not installed"
	ver=${FS_DPDK_SOURCE_VERSION:-$(dpkg-query -W -f='${source:Version}' libdpdk-dev)}
	out="$build/sdk/$ver"
	# .origin came later than .complete: a build dir without it is redone.
	if [ -f "$out/.complete" ] && [ -f "$out/.origin" ]; then
		log "driver SDK headers for dpdk $ver already in $out ($(cat "$out/.origin"))"
		return
	fi
	upstream=${ver#*:}
	upstream=${upstream%-*}
	mm=$(echo "$upstream" | cut -d. -f1,2)
	dest="$cache/$ver"
	rm -rf "$out"
	tarball=$(ls "$dest"/"${src}"_"${upstream}".orig.tar.* 2>/dev/null | head -n1 || true)
	if [ -n "$tarball" ]; then
		log "using cached $tarball"
	elif [ -f "$cache/fallback-$ver" ] && [ -d "$sdk_fallback/$mm" ]; then
		log "using upstream $mm headers from $sdk_fallback/$mm: $(cat "$cache/fallback-$ver")"
	elif fetch_source "$src" "$ver" "$dest"; then
		tarball=$(ls "$dest"/"${src}"_"${upstream}".orig.tar.* 2>/dev/null | head -n1 || true)
		[ -n "$tarball" ] || die "download of $src $ver gave no orig tarball in $dest"
	elif [ -d "$sdk_fallback/$mm" ]; then
		echo "no archive serves source package $src $ver" > "$cache/fallback-$ver"
		log "source package $src $ver not served by the configured archives;"
		log "using upstream $mm headers from $sdk_fallback/$mm instead"
	else
		die "source package $src version $ver not found in the configured archives, and no upstream headers in $sdk_fallback/$mm: add a deb-src archive that serves $src $ver, or point FS_SDK_FALLBACK at a folder holding $mm/<the paths in $sdk_list>"
	fi
	if [ -n "$tarball" ]; then
		unpack_headers "$tarball" "$out"
		echo "source package $src $ver" > "$out/.origin"
	else
		copy_fallback_headers "$sdk_fallback/$mm" "$out"
		echo "upstream $mm headers from $sdk_fallback/$mm" > "$out/.origin"
	fi
	touch "$out/.complete"
	ln -sfn "$ver" "$build/sdk/current"
	log "driver SDK headers for dpdk $ver in $out ($(cat "$out/.origin"))"
}

configure_and_build() {
	if [ ! -f "$build/build.ninja" ]; then
		meson setup "$build" "$top" -Dsdk_headers="$build/sdk/current" >/dev/null ||
			die "meson setup failed"
	fi
	ninja -C "$build" >/dev/null || { ninja -C "$build"; die "build failed"; }
	log "built into $build"
}

install_packages
mkdir -p "$build/sdk"
sdk_headers
if [ "${FS_SETUP_NO_BUILD:-0}" != 1 ]; then
	configure_and_build
fi
