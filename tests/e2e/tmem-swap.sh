# A 128 MiB guest booted with tmem=1 swaps 384 MiB of mixed pages on a Xen
# with tmem: frontswap takes them, every page verifies, the disk sees almost
# nothing, and xl tmem-list's counters match the guest's.
# lab-xen: tmem
# lab-timeout: 180
# lab-disks: swap:512M
. /lab/dom0-lib.sh
lab_plan 11
lab_ok "tmem answers control operations" tmem_available
lab_ok "guest g1 starts" guest_start g1 128 "tmem=1 lab.run=swap lab.inspect=1" /dev/vda
id=$(xl domid g1)
guest_inspect g1 150
stores=$(guest_result g1 frontswap_succ_stores)
loads=$(guest_result g1 frontswap_loads)
lab_cmp "every page read back intact" "$(guest_result g1 mismatches)" -eq 0
lab_cmp "frontswap stored pages" "${stores:-0}" -gt 50000
lab_cmp "frontswap loaded pages" "${loads:-0}" -gt 50000
lab_ok "the guest's pool is persistent private (PT:PP)" [ "$(tmem_field P PT "$id")" = PP ]
lab_cmp "tmem's good puts match the guest's stores" "$(tmem_field P ps "$id")" -eq "${stores:-x}"
lab_cmp "tmem's good gets match the guest's loads" "$(tmem_field P gs "$id")" -eq "${loads:-x}"
lab_cmp "pages went to tmem, not disk (pswpout)" "$(guest_result g1 vmstat_pswpout)" -lt $((${stores:-0} / 20))
lab_ok "swapoff succeeded" [ "$(guest_result g1 swapoff)" = ok ]
lab_cmp "guest workload exit status" "$(guest_result g1 guest_rc)" -eq 0
lab_finish
