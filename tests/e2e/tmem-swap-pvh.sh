# The same guest kernel as a PVH guest (guest frame numbers, HAP paging)
# swaps through tmem: every page verifies and xl tmem-list's counters match
# the guest's. 192 MiB through 128 MiB: under emulation a PVH guest's memory
# work is about twice as slow as a PV guest's.
# lab-xen: tmem
# lab-timeout: 180
# lab-disks: swap:512M
. /lab/dom0-lib.sh
GUEST_TYPE=pvh
lab_plan 9
lab_ok "guest g1 starts as PVH" guest_start g1 128 "tmem=1 lab.run=swap lab.mib=192 lab.inspect=1" /dev/vda
id=$(xl domid g1)
guest_inspect g1 150
stores=$(guest_result g1 frontswap_succ_stores)
loads=$(guest_result g1 frontswap_loads)
lab_ok "the guest's tmem driver runs on guest frames (PVH)" \
	grep -q "xen-tmem: enabled in a PVH guest (guest frames)" "/var/log/xen/console/guest-g1.log"
lab_cmp "every page read back intact" "$(guest_result g1 mismatches)" -eq 0
lab_cmp "frontswap stored pages" "${stores:-0}" -gt 10000
lab_cmp "frontswap loaded pages" "${loads:-0}" -gt 10000
lab_cmp "tmem's good puts match the guest's stores" "$(tmem_field P ps "$id")" -eq "${stores:-x}"
lab_cmp "tmem's good gets match the guest's loads" "$(tmem_field P gs "$id")" -eq "${loads:-x}"
lab_ok "swapoff succeeded" [ "$(guest_result g1 swapoff)" = ok ]
lab_cmp "guest workload exit status" "$(guest_result g1 guest_rc)" -eq 0
lab_finish
