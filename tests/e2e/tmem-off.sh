# The patched Xen booted without `tmem`: every tmem operation is refused,
# the guest booted with tmem=1 says so once, stays out of the way, and
# swaps to its disk with every page intact.
# lab-timeout: 150
# lab-disks: swap:512M
. /lab/dom0-lib.sh
lab_plan 7
lab_ok "xl tmem-list fails cleanly when tmem is off" sh -c '! xl tmem-list -a > /tmp/off.txt 2>&1'
lab_note "xl said: $(head -n 1 /tmp/off.txt)"
lab_ok "guest g1 starts" guest_start g1 128 "tmem=1 lab.run=swap lab.mib=256" /dev/vda
guest_wait g1 150
log=/var/log/xen/console/guest-g1.log
lab_cmp "the driver said once that tmem is not there" "$(grep -c 'KLOG xen-tmem: .*not used' "$log")" -eq 1
lab_cmp "no frontswap store" "$(guest_result g1 workload_frontswap_stores)" -eq 0
lab_cmp "every page read back intact" "$(guest_result g1 mismatches)" -eq 0
lab_cmp "the guest swapped to disk" "$(guest_result g1 vmstat_pswpout)" -gt 10000
lab_cmp "guest workload exit status" "$(guest_result g1 guest_rc)" -eq 0
lab_finish
