#!/usr/bin/env bash
# make demo: boot the lab with the demo scenario and show what tmem did.
set -euo pipefail
echo "demo: booting Xen (with tmem) + dom0 under QEMU (software emulation); a 128 MiB"
echo "demo: guest booted with tmem=1 swaps 256 MiB and reads 256 MiB of files twice."
echo "demo: About two minutes."
status=0
"$TOP/tools/lab/run-scenario.sh" demo || status=$?
echo
sed -n 's/.*DEMO: //p' "$LAB_DIR/demo.log" | tr -d '\r'
echo
if ! grep -q 'this Xen has tmem' "$LAB_DIR/demo.log"; then
	echo "demo: this hypervisor answered no tmem operation: the guest used its disk."
fi
echo "demo: full serial log: $LAB_DIR/demo.log"
exit "$status"
