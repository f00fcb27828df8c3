# Cleancache on a Xen with tmem: a file set twice the guest's RAM, read
# twice, comes mostly from tmem the second time; rewritten and truncated
# files never read back old data.
# lab-xen: tmem
# lab-timeout: 180
# lab-disks: data:@data-fileset
. /lab/dom0-lib.sh
lab_plan 10
lab_ok "guest g1 starts" guest_start g1 128 "tmem=1 lab.run=files lab.inspect=1" /dev/vda
id=$(xl domid g1)
guest_inspect g1 150
lab_ok "the guest has an ephemeral private pool (PT:EP)" grep -q "^P=CI:$id,.*PT:EP" /tmp/tl
lab_cmp "pass 1 verified the whole set" "$(guest_result g1 pass1_verified_pages)" -eq 65536
lab_cmp "pass 1 found no bad page" "$(guest_result g1 pass1_file_mismatches)" -eq 0
lab_cmp "pass 2 found no bad page" "$(guest_result g1 pass2_file_mismatches)" -eq 0
lab_cmp "after rewrite+truncate no stale page" "$(guest_result g1 pass3_file_mismatches)" -eq 0
lab_cmp "cleancache hits on pass 2" "$(guest_result g1 cleancache_succ_gets)" -gt 20000
p1=$(guest_result g1 pass1_read_kib)
lab_cmp "pass 2 read under 20% of pass 1 from disk (KiB)" "$(guest_result g1 pass2_read_kib)" -lt $((${p1:-0} / 5))
lab_cmp "tmem ephemeral gets match the guest's hits" "$(tmem_field C Ge "$id")" -eq "$(guest_result g1 cleancache_succ_gets)"
lab_cmp "guest workload exit status" "$(guest_result g1 guest_rc)" -eq 0
lab_finish
