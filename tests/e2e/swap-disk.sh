# A guest without tmem swaps 256 MiB (twice its RAM) through 128 MiB to its disk:
# every page verifies and no frontswap counter moves.
# lab-timeout: 330
# lab-disks: swap:512M
. /lab/dom0-lib.sh
lab_plan 7
lab_ok "guest g1 starts" guest_start g1 128 "lab.run=swap lab.mib=256" /dev/vda
guest_wait g1 300
lab_cmp "guest swapped out pages to disk" "$(guest_result g1 vmstat_pswpout)" -gt 10000
lab_cmp "every page read back intact" "$(guest_result g1 mismatches)" -eq 0
lab_cmp "all pages were checked" "$(guest_result g1 checked)" -eq $((256 * 256 * 2))
lab_cmp "no frontswap store without tmem" "$(guest_result g1 workload_frontswap_stores)" -eq 0
lab_ok "swapoff succeeded" [ "$(guest_result g1 swapoff)" = ok ]
lab_cmp "guest workload exit status" "$(guest_result g1 guest_rc)" -eq 0
lab_finish
