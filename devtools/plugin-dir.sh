#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# Print a directory from which DPDK's EAL will load our plugin with -d.
#
# The EAL refuses a plugin when the file or any directory above it is
# world-writable ("... is world-writable and insecure"), so a checkout
# under /tmp (or any clone CI makes there) cannot use build/drivers in
# place.  In that case the plugin is copied to a root-owned 0755
# directory under /run, named after the build so runs do not collide.
set -euo pipefail

build=${1:?usage: plugin-dir.sh <builddir>}
so="$build/drivers/librte_net_failsafe_uevent.so"
[ -f "$so" ] || { echo "plugin-dir: $so not built" >&2; exit 1; }

path_is_safe() {
	local p
	p=$(readlink -f "$1")
	while :; do
		[ $(( 0$(stat -c %a "$p") & 02 )) -eq 0 ] || return 1
		[ "$p" = / ] && return 0
		p=$(dirname "$p")
	done
}

if path_is_safe "$so"; then
	readlink -f "$build/drivers"
	exit 0
fi
stage="/run/failsafe-uevent-plugin-$(readlink -f "$build" | md5sum | cut -c1-12)"
install -d -m 0755 -o root -g root "$stage"
install -m 0644 "$so" "$stage/"
echo "plugin-dir: $(readlink -f "$build/drivers") has a world-writable parent; staged the plugin in $stage" >&2
echo "$stage"
