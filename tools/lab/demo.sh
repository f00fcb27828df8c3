#!/usr/bin/env bash
# make demo: boot the lab with the demo scenario and show what tmem did.
set -euo pipefail
echo "demo: booting Xen + dom0 under QEMU (software emulation); a 128 MiB guest"
echo "demo: booted with tmem=1 swaps 256 MiB of mixed pages. About a minute."
status=0
"$TOP/tools/lab/run-scenario.sh" demo || status=$?
echo
sed -n 's/.*DEMO: //p' "$LAB_DIR/demo.log" | tr -d '\r'
echo
if grep -q 'this Xen has tmem' "$LAB_DIR/demo.log"; then
	echo "demo: the hypervisor kept the guest's swapped pages (left) as the guest's"
	echo "demo: frontswap counters (right) show."
else
	echo "demo: NOT YET: this hypervisor has no tmem (the hypercall-38 series has not"
	echo "demo: landed), so the guest swapped to its virtual disk; see vmstat_pswpout."
fi
echo "demo: full serial log: $LAB_DIR/demo.log"
exit "$status"
