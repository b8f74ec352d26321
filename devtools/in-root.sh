#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Run a command inside a Debian root made by debian-root.sh, with the
# host's kernel: a private mount namespace, the checkout at /src and the
# shared/ folder beside it (read-only) at /shared, so /src/../shared holds
# the SDK fallback as on the host.  A host FS_SDK_FALLBACK folder (for a
# checkout with no shared/ beside it) is bound read-only at /sdk-fallback
# and named to the command as FS_SDK_FALLBACK.
#
#   in-root.sh <root> <command> [args...]
#
# The root is bound onto itself so that `ip netns add` can make its
# mounts; proc, sys and dev come from the host, /run is a fresh tmpfs.
# Everything is unmounted with the namespace when the command ends.
set -euo pipefail

root=${1:?usage: in-root.sh <root> <command> [args...]}
shift
[ $# -gt 0 ] || { echo "in-root: no command" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
shared=$(readlink -f "$top/../shared" 2>/dev/null || true)
sdk=${FS_SDK_FALLBACK:-}
if [ -n "$sdk" ]; then
	[ -d "$sdk" ] || { echo "in-root: FS_SDK_FALLBACK=$sdk is not a folder" >&2; exit 2; }
	sdk=$(readlink -f "$sdk")
fi

[ -f "$root/.failsafe-uevent-root" ] ||
	{ echo "in-root: $root is not a root made by debian-root.sh" >&2; exit 2; }

if [ "${FS_IN_ROOT_NS:-}" != 1 ]; then
	exec env FS_IN_ROOT_NS=1 FS_SDK_FALLBACK="$sdk" unshare --mount --propagation private \
		bash "$0" "$root" "$@"
fi

mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=0755 tmpfs "$root/run"
mkdir -p "$root/src" "$root/shared"
mount --bind "$top" "$root/src"
if [ -n "$shared" ] && [ -d "$shared" ]; then
	mount --bind "$shared" "$root/shared"
	mount -o remount,bind,ro "$root/shared"
fi
inner_sdk=
if [ -n "$sdk" ]; then
	mkdir -p "$root/sdk-fallback"
	mount --bind "$sdk" "$root/sdk-fallback"
	mount -o remount,bind,ro "$root/sdk-fallback"
	inner_sdk=/sdk-fallback
fi
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
exec chroot "$root" env -u FS_IN_ROOT_NS FS_SDK_FALLBACK="$inner_sdk" "$@"
