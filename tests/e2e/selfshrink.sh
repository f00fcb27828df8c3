# Frontswap self-shrinking (issue 14): after a swap burst in a 256 MiB
# guest whose memory stays fixed, frontswap holds thousands of a resident
# process's pages; once self-shrinking is on and swap is quiet, they come
# back into the guest (to a quarter within 31 steps of 1 s: 3 of inertia,
# then 1/20 a step) while swap stays on; Xen's pool shrinks with the
# guest's count, Xen's free memory rises by what the guest's allowance no
# longer holds, and every page of the process verifies.
# lab-xen: tmem
# lab-timeout: 900
# lab-disks: swap:512M
. /lab/dom0-lib.sh
lab_plan 20
lab_ok "tmem answers control operations" tmem_available
GUEST_TMEM_POLICY="tmem.selfballooning=0"
lab_ok "g1 starts (tmem=1 tmem.selfballooning=0)" guest_start g1 256 "tmem=1 lab.run=selfshrink" /dev/vda
id=$(xl domid g1)
lab_ok "the burst ran" guest_wait_for g1 burst 600
lab_cmp "the burst verified every page" "$(guest_result g1 b_mismatches)" -eq 0
lab_cmp "and exited 0" "$(guest_result g1 b_rc)" -eq 0
peak=$(guest_result g1 burst_fs_pages)
lab_cmp "frontswap holds the resident process's pages" "${peak:-0}" -gt 5000
lab_ok "xl tmem-list after the burst" tmem_list_save /tmp/tl.burst
pc0=$(TMEM_LIST=/tmp/tl.burst tmem_field P Pc "$id")
mem0=$(guest_mem_mib g1)
free0=$(free_mib)
lab_ok "signal g1 that dom0 has measured" guest_signal g1 measured
lab_ok "g1 self-shrank" guest_wait_for g1 shrunk 300
left=$(guest_result g1 shrunk_fs_pages)
lab_note "frontswap held $peak pages after the burst, $left after $(guest_result g1 shrink_s) s" \
	"of self-shrinking; the driver brought $(guest_result g1 selfshrunk) back"
lab_cmp "to at most a quarter" "${left:-x}" -le $((peak / 4))
lab_cmp "within 31 steps of 1 s, with 40 s for the steps' own work" "$(guest_result g1 shrink_s)" -le 71
# Within 128: the swap-slot cache frees slots late, 64 at a time, both the
# burst's last ones (frontswap then lost more than was brought back) and
# those of the pages brought back (frontswap still held them).
back=$(guest_result g1 selfshrunk)
lab_ok "the driver brought back what frontswap no longer holds, within 128 ($back of $((peak - left)))" \
	test "${back:-0}" -ge $((peak - left - 128)) -a "${back:-0}" -le $((peak - left + 128))
lab_ok "xl tmem-list after self-shrinking" tmem_list_save /tmp/tl.shrunk
sed 's/^/LAB: # tmem-list: /' /tmp/tl.shrunk | grep "CI:$id,"
lab_cmp "Xen's pool holds what frontswap holds" "$(TMEM_LIST=/tmp/tl.shrunk tmem_field P Pc "$id")" -eq "${left:-x}"
mem1=$(guest_mem_mib g1)
free1=$(free_mib)
lab_note "Xen's pool: $pc0 pages, then $(TMEM_LIST=/tmp/tl.shrunk tmem_field P Pc "$id");" \
	"g1's allowance in use: $mem0 MiB, then $mem1 MiB; Xen's free memory: $free0 MiB, then $free1 MiB"
lab_cmp "g1's allowance gave back its tmem pages' memory (MiB)" $((mem0 - mem1)) -ge 10
d=$(( (free1 - free0) - (mem0 - mem1) ))
lab_ok "Xen's free memory rose by as much, within 2 MiB ($d)" [ "${d#-}" -le 2 ]
lab_ok "signal g1 to verify" guest_signal g1 measured2
lab_ok "g1 verified its resident pages" guest_wait_for g1 memstress_rc 300
lab_cmp "every page read back intact" "$(guest_result g1 mismatches)" -eq 0
lab_cmp "memstress exit status" "$(guest_result g1 memstress_rc)" -eq 0
guest_wait g1 60
lab_finish
