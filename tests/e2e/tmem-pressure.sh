# A domain that needs more memory than Xen has free starts, because Xen
# takes ephemeral (cleancache) pages back from tmem; the persistent
# (frontswap) pages of the other guest stay intact.
# lab-xen: tmem
# lab-memory: 2048
# lab-timeout: 240
# lab-disks: swap:512M data:@data-fileset
. /lab/dom0-lib.sh
lab_plan 9
lab_ok "guest g1 starts" guest_start g1 128 "tmem=1 lab.run=pressure" /dev/vda /dev/vdb
id=$(xl domid g1)
guest_wait_for g1 ready 180
free=$(free_mib)
freeable=$(xl tmem-freeable)
eph=$(TMEM_LIST= tmem_field C Ec "$id")
per=$(TMEM_LIST= tmem_field P Pc "$id")
lab_note "free $free MiB, tmem freeable $freeable MiB, g1 ephemeral $eph pages, pool 0 $per pages"
lab_cmp "tmem holds freeable ephemeral memory (MiB)" "${freeable:-0}" -gt 64
need=$((free + ${freeable:-0} / 2))
lab_note "starting g2 with $need MiB: more than the $free MiB free"
evicted0=$(TMEM_LIST= tmem_field G Et)
GUEST_MAXMEM=$need lab_ok "g2 starts with more memory than was free" guest_start g2 "$need" "lab.run=idle"
lab_cmp "Xen evicted ephemeral pages for it" "$(TMEM_LIST= tmem_field G Et)" -gt "${evicted0:-0}"
guest_signal g1 squeezed
guest_wait g2 90
guest_wait g1 150
lab_cmp "g1's persistent pages all verified" "$(guest_result g1 mismatches)" -eq 0
lab_cmp "g1's files verified before the squeeze" "$(guest_result g1 pass1_file_mismatches)" -eq 0
lab_cmp "g1's files verified after the squeeze" "$(guest_result g1 pass2_file_mismatches)" -eq 0
lab_cmp "g2 booted and ran" "$(guest_result g2 guest_rc)" -eq 0
lab_cmp "guest g1 exit status" "$(guest_result g1 guest_rc)" -eq 0
lab_finish
