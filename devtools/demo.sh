#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# The live demo: yanks the preferred sub-device of a fail-safe port ten
# times under traffic, in a private netns, and shows what the application
# saw.  Builds first when needed (devtools/setup.sh).  Extra arguments go to
# dpdk-test-hotplug, e.g.:
#   devtools/demo.sh --compare debian,bonding
#   devtools/demo.sh --replace-mac --cycles 5
#   devtools/demo.sh --mode throughput
# The same on the other Debian release (12 <-> 13), in the root the test
# command uses; its results land in demo-<codename>/ of the checkout:
#   devtools/demo.sh --on trixie --compare debian,bonding
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${FS_BUILD_DIR:-$top/build}
app=$build/app/test-hotplug/dpdk-test-hotplug
out=${FS_DEMO_OUT:-$PWD}

[ "$(id -u)" = 0 ] || { echo "demo: run as root (network namespaces)" >&2; exit 1; }
if [ "${1:-}" = --on ]; then
	release=${2:?demo: --on needs a Debian codename (bookworm, trixie)}
	shift 2
	root=$(bash "$top/devtools/debian-root.sh" "$release")
	mkdir -p "$top/demo-$release"
	exec env FS_BUILD_DIR=/var/tmp/failsafe-uevent-build \
		FS_DEMO_OUT="/src/demo-$release" \
		bash "$top/devtools/in-root.sh" "$root" \
		bash /src/devtools/demo.sh "$@"
fi
# Idempotent and quick once done: installs, fetches headers, (re)builds.
bash "$top/devtools/setup.sh"
plugin_dir=$(bash "$top/devtools/plugin-dir.sh" "$build")

exec "$app" --plugin-dir "$plugin_dir" \
	--json "$out/test-hotplug.json" --png "$out/test-hotplug.png" "$@"
