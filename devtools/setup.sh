#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# One-shot, idempotent set-up on Debian 12, as root:
#   1. install every package the project needs;
#   2. fetch the Debian source package of dpdk matching the installed
#      libdpdk-dev exactly (private apt configuration, system apt untouched)
#      and unpack only the driver-SDK headers into build/sdk/;
#   3. configure and build into build/.
# Safe to run again at any time: nothing is downloaded twice.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${FS_BUILD_DIR:-$top/build}
cache=${FS_SDK_CACHE:-/var/cache/failsafe-uevent-sdk}
sdk_list="$top/devtools/sdk-headers.txt"

packages=(libdpdk-dev dpdk dpdk-dev libmnl-dev libcmocka-dev meson ninja-build
	pkg-config gcc iproute2 python3 python3-pyelftools dpkg-dev xz-utils
	clang libclang-rt-14-dev valgrind gdb gnuplot-nox openvswitch-switch-dpdk
	qemu-system-x86 busybox-static cpio kmod)

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
		cat "$dest/apt-source.err" >&2
		rm -rf "$dest"
		die "source package $src version $ver not found in the configured archives; the installed libdpdk-dev needs exactly this version"
	fi
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
	local src ver upstream dest out tarball
	src=$(dpkg-query -W -f='${source:Package}' libdpdk-dev 2>/dev/null) ||
		die "libdpdk-dev is not installed"
	ver=${FS_DPDK_SOURCE_VERSION:-$(dpkg-query -W -f='${source:Version}' libdpdk-dev)}
	out="$build/sdk/$ver"
	if [ -f "$out/.complete" ]; then
		log "driver SDK headers for dpdk $ver already in $out"
		return
	fi
	upstream=${ver#*:}
	upstream=${upstream%-*}
	dest="$cache/$ver"
	tarball=$(ls "$dest"/"${src}"_"${upstream}".orig.tar.* 2>/dev/null | head -n1 || true)
	if [ -z "$tarball" ]; then
		fetch_source "$src" "$ver" "$dest"
		tarball=$(ls "$dest"/"${src}"_"${upstream}".orig.tar.* 2>/dev/null | head -n1 || true)
		[ -n "$tarball" ] || die "download of $src $ver gave no orig tarball in $dest"
	else
		log "using cached $tarball"
	fi
	rm -rf "$out"
	unpack_headers "$tarball" "$out"
	touch "$out/.complete"
	ln -sfn "$ver" "$build/sdk/current"
	log "driver SDK headers for dpdk $ver unpacked into $out"
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
