#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The failsafe-uevent authors
#
# The scenarios beyond the yank matrix (run_scenario.py, guest_scenario.sh),
# called by pci_hotplug.sh with FSQ_SCENARIOS set, once it has the guest's
# kernel, initramfs and staged plugin:
#   scenarios.sh <kernel> <kernel root> <initrd> <plugin> <guest script>
#
#   FSQ_SCENARIOS="sriov macswap"
#     sriov    igb VF (slot 0) + virtio, vfio-pci; VFs removed and made
#              again with sriov_numvfs (QEMU >= 8.0: Debian 13's)
#     macswap  virtio (slot 0) replaced by an e1000e with the same MAC at
#              another PCI address, uio_pci_generic
#   FSQ_VARIANTS="ours debian"   FSQ_CYCLES=2   FSQ_RUN_TIMEOUT=600
#   FSQ_MATCH="match_mac0=02:00:00:00:00:01"  slot 0's rule, macswap, ours
#   FSQ_OUT=<dir>                results.json, one folder per run
#
# Exit status: 0 when every run of our plugin passed its checks.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
kernel=$1 kroot=$2 initrd=$3 plugin=$4 script=$5
cycles=${FSQ_CYCLES:-2}
variants=${FSQ_VARIANTS:-ours debian}
run_timeout=${FSQ_RUN_TIMEOUT:-600}
out=${FSQ_OUT:?}
match=${FSQ_MATCH:-match_mac0=02:00:00:00:00:01}

qemu=qemu-system-x86_64
if [[ " $FSQ_SCENARIOS " == *" sriov "* ]] &&
   ! "$qemu" -device help 2>/dev/null | grep -q '"igb"'; then
	echo "[qemu] $($qemu --version | head -n1) has no igb device (QEMU >= 8.0 needed: run it in a Debian 13 root)"
	exit 77
fi

rc=0
results=()
for s in $FSQ_SCENARIOS; do
	for v in $variants; do
		w="$out/$s-$v"
		mkdir -p "$w"
		m=
		[ "$s" = macswap ] && [ "$v" = ours ] && m=$match
		echo "[qemu] scenario $s, $v, $cycles cycle(s)${m:+, $m}; logs in $w"
		timeout -k 10 $((${run_timeout%.*} + 30)) python3 "$here/run_scenario.py" \
			--scenario "$s" --kernel "$kernel" --kroot "$kroot" \
			--initrd "$initrd" --plugin "$plugin" --guest-script "$script" \
			--variant "$v" --match "$m" --cycles "$cycles" \
			--timeout "$run_timeout" --workdir "$w" --json "$w/result.json"
		r=$?
		[ "$v" = ours ] && [ $r -ne 0 ] && rc=1
		results+=("$w/result.json")
	done
done
python3 - "$out/results.json" "${results[@]}" <<'PY'
import json, sys
runs = []
for p in sys.argv[2:]:
    try:
        runs.append(json.load(open(p)))
    except (OSError, ValueError) as e:
        runs.append({"file": p, "error": str(e)})
json.dump({"runs": runs}, open(sys.argv[1], "w"), indent=1)
PY
echo "[qemu] results: $out/results.json"
exit $rc
