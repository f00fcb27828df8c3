# A guest without tmem reads a file set twice its RAM twice: the second pass
# comes from disk again, nothing reaches cleancache, and rewritten and
# truncated files read back with their new contents.
# lab-timeout: 180
# lab-disks: data:@data-fileset
. /lab/dom0-lib.sh
lab_plan 8
lab_ok "guest g1 starts" guest_start g1 128 "lab.run=files" /dev/vda
guest_wait g1 150
lab_cmp "pass 1 verified the whole set" "$(guest_result g1 pass1_verified_pages)" -eq 65536
lab_cmp "pass 1 found no bad page" "$(guest_result g1 pass1_file_mismatches)" -eq 0
lab_cmp "pass 2 found no bad page" "$(guest_result g1 pass2_file_mismatches)" -eq 0
lab_cmp "after rewrite+truncate no stale page" "$(guest_result g1 pass3_file_mismatches)" -eq 0
p1=$(guest_result g1 pass1_read_kib)
lab_cmp "pass 2 read most of the set from disk again (KiB)" "$(guest_result g1 pass2_read_kib)" -gt $((${p1:-0} * 8 / 10))
lab_cmp "no cleancache hit without tmem" "$(guest_result g1 workload_cleancache_hits)" -eq 0
lab_cmp "guest workload exit status" "$(guest_result g1 guest_rc)" -eq 0
lab_finish
