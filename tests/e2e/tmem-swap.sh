# A 128 MiB guest booted with tmem=1 swaps mixed pages on a Xen with tmem,
# first as a PV guest (machine frames), then the same kernel as a PVH guest
# (guest frames, HAP paging): frontswap takes the pages, every page
# verifies, the disk sees almost nothing, and xl tmem-list's counters match
# the guest's. The PV guest swaps 256 MiB through 128 MiB; the PVH guest
# 192 MiB, because under emulation a PVH guest's memory work is about twice
# as slow as a PV guest's.
# lab-xen: tmem
# lab-timeout: 420
# lab-disks: swap:512M
. /lab/dom0-lib.sh

# swap_checks NAME TYPE MIB MIN: NAME boots as a TYPE guest, swaps MIB MiB,
# and frontswap stores and loads more than MIN pages (10 checks).
swap_checks() {
	GUEST_TYPE=$2 lab_ok "guest $1 starts as $2" guest_start "$1" 128 \
		"tmem=1 lab.run=swap lab.mib=$3 lab.inspect=1" /dev/vda
	id=$(xl domid "$1")
	guest_inspect "$1" 300
	stores=$(guest_result "$1" frontswap_succ_stores)
	loads=$(guest_result "$1" frontswap_loads)
	lab_cmp "$1: every page read back intact" "$(guest_result "$1" mismatches)" -eq 0
	lab_cmp "$1: frontswap stored pages" "${stores:-0}" -gt "$4"
	lab_cmp "$1: frontswap loaded pages" "${loads:-0}" -gt "$4"
	lab_ok "$1: the guest's pool is persistent private (PT:PP)" [ "$(tmem_field P PT "$id")" = PP ]
	lab_cmp "$1: tmem's good puts match the guest's stores" "$(tmem_field P ps "$id")" -eq "${stores:-x}"
	lab_cmp "$1: tmem's good gets match the guest's loads" "$(tmem_field P gs "$id")" -eq "${loads:-x}"
	lab_cmp "$1: pages went to tmem, not disk (pswpout)" \
		"$(guest_result "$1" vmstat_pswpout)" -lt $((${stores:-0} / 20))
	lab_ok "$1: swapoff succeeded" [ "$(guest_result "$1" swapoff)" = ok ]
	lab_cmp "$1: guest workload exit status" "$(guest_result "$1" guest_rc)" -eq 0
}

lab_plan 23
lab_ok "tmem answers control operations" tmem_available
swap_checks g1 pv 256 50000
swap_checks g2 pvh 192 10000
lab_ok "the PVH guest's tmem driver runs on guest frames" \
	grep -q "xen-tmem: enabled in a PVH guest (guest frames)" "/var/log/xen/console/guest-g2.log"
lab_ok "the PV guest's runs on machine frames" \
	grep -q "xen-tmem: enabled in a PV guest (machine frames)" "/var/log/xen/console/guest-g1.log"
lab_finish
