#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Print the path of a Debian root for another release, with every package
# devtools/setup.sh installs, building it with mmdebstrap when it is not
# cached yet (about three minutes; then cached under /var/cache).
#
#   debian-root.sh <codename>      e.g. trixie, bookworm
#
# A root is rebuilt when the package list changes; it is made in a scratch
# folder and renamed into place, so an interrupted build leaves nothing
# half made.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
release=${1:?usage: debian-root.sh <codename>}
cache=${FS_ROOT_CACHE:-/var/cache/failsafe-uevent-roots}
mirror=${FS_ROOT_MIRROR:-http://deb.debian.org/debian}
root="$cache/$release"

log() { printf 'debian-root: %s\n' "$*" >&2; }
die() { printf 'debian-root: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (mmdebstrap and chroot need it)"
case $release in
*[!a-z]*|'') die "'$release' is not a Debian codename" ;;
esac

# What the root's own setup.sh would install, plus what the runner needs.
packages="$(bash "$top/devtools/setup.sh" --print-packages) ca-certificates"
stamp=$(echo "$release $mirror $packages" | md5sum | cut -c1-16)
if [ -f "$root/.failsafe-uevent-root" ] &&
   [ "$(cat "$root/.failsafe-uevent-root")" = "$stamp" ]; then
	echo "$root"
	exit 0
fi

if ! command -v mmdebstrap >/dev/null; then
	log "installing mmdebstrap"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends mmdebstrap >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null &&
		  apt-get install -y -q --no-install-recommends mmdebstrap >/dev/null; } ||
		die "cannot install mmdebstrap"
fi

mkdir -p "$cache"
scratch="$cache/.$release.new"
rm -rf "$scratch"
trap 'rm -rf "$scratch"' EXIT
log "building a $release root in $root (packages: $packages)"
if ! mmdebstrap --variant=apt --include="${packages// /,}" \
		"$release" "$scratch" "$mirror" > "$cache/$release.log" 2>&1; then
	tail -n 20 "$cache/$release.log" >&2
	die "mmdebstrap $release failed (log: $cache/$release.log)"
fi
echo "$stamp" > "$scratch/.failsafe-uevent-root"
rm -rf "$root"
mv "$scratch" "$root"
trap - EXIT
log "root ready: $root"
echo "$root"
