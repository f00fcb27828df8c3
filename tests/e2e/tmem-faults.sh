# Faults with two guests swapping through tmem at once: one is destroyed in
# the middle of its swap storm (puts in flight); the other keeps running and
# verifies every page; once both are gone Xen's free memory is back to its
# baseline within 1 MiB.
# lab-xen: tmem
# lab-memory: 2048
# lab-timeout: 200
# lab-disks: swap1:512M swap2:512M
. /lab/dom0-lib.sh
lab_plan 10
base=$(free_mib)
lab_note "free memory before the guests: $base MiB"
lab_ok "g1 starts" guest_start g1 128 "tmem=1 lab.run=swap" /dev/vda
lab_ok "g2 starts" guest_start g2 128 "tmem=1 lab.run=swap" /dev/vdb
id1=$(xl domid g1)
id2=$(xl domid g2)
lab_ok "g1 holds 10000+ pages in tmem" wait_tmem_field P Pc "$id1" 10000 120
lab_ok "g2 holds 10000+ pages in tmem" wait_tmem_field P Pc "$id2" 10000 120
lab_ok "xl destroy g2 mid-storm" xl destroy g2
lab_ok "g2's client is gone from xl tmem-list (which answered)" tmem_client_gone "$id2" 10
guest_wait g1 150
lab_cmp "g1 verified every page after g2 died" "$(guest_result g1 mismatches)" -eq 0
lab_cmp "g1 finished its workload" "$(guest_result g1 guest_rc)" -eq 0
i=0
now=$(free_mib)
while [ $((base - now)) -gt 1 ] && [ "$i" -lt 20 ]; do
	sleep 1
	i=$((i + 1))
	now=$(free_mib)
done
lab_cmp "free memory back to baseline within 1 MiB (MiB short)" $((base - now)) -le 1
lab_cmp "and not above it either (MiB over)" $((now - base)) -le 1
lab_finish
