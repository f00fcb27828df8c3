# xl tmem-freeze in the middle of a swap storm: while frozen the guest's
# puts fail with -EFROZEN (its pages go to disk) and tmem stores nothing new;
# xl tmem-thaw lets puts succeed again; every page verifies.
# lab-xen: tmem
# lab-timeout: 200
# lab-disks: swap:512M
. /lab/dom0-lib.sh
lab_plan 10
lab_ok "guest g1 starts" guest_start g1 128 "tmem=1 lab.run=swap" /dev/vda
id=$(xl domid g1)
lab_ok "the guest's client stores pages" wait_tmem_field C Pp "$id" 5000 120
lab_ok "xl tmem-freeze g1" xl tmem-freeze g1
lab_ok "tmem-list shows the client frozen (fr:1)" [ "$(TMEM_LIST= tmem_field C fr "$id")" = 1 ]
p1=$(TMEM_LIST= tmem_field C Pp "$id")
sleep 3
p2=$(TMEM_LIST= tmem_field C Pp "$id")
lab_cmp "no persistent put succeeded while frozen" "$p2" -eq "$p1"
lab_ok "xl tmem-thaw g1" xl tmem-thaw g1
sleep 3
p3=$(TMEM_LIST= tmem_field C Pp "$id")
lab_cmp "puts succeed again after thaw" "$p3" -gt "$p2"
guest_wait g1 150
lab_cmp "the guest saw -EFROZEN" "$(guest_error_count g1 EFROZEN)" -gt 0
lab_cmp "every page read back intact" "$(guest_result g1 mismatches)" -eq 0
lab_cmp "guest workload exit status" "$(guest_result g1 guest_rc)" -eq 0
lab_finish
