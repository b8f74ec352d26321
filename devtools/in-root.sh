#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Run a command inside a Debian root made by debian-root.sh, with the
# host's kernel: a private mount namespace, the checkout at /src and the
# shared/ folder beside it (read-only) at /shared, so /src/../shared holds
# the SDK fallback as on the host.
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

[ -f "$root/.failsafe-uevent-root" ] ||
	{ echo "in-root: $root is not a root made by debian-root.sh" >&2; exit 2; }

if [ "${FS_IN_ROOT_NS:-}" != 1 ]; then
	exec env FS_IN_ROOT_NS=1 unshare --mount --propagation private \
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
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
exec chroot "$root" env -u FS_IN_ROOT_NS "$@"
