# Paths a one-vCPU guest never takes, in one boot: a guest with two vCPUs
# swaps on both at once over two swap devices while dom0 itself is low on
# memory; it swaps one device off under load, its pages moving to the
# other; then Xen runs out of free memory under its persistent puts, which
# are refused and go to disk.
# Every page verifies, and Xen's counters equal the guest's exactly
# however many vCPUs counted at once.
# lab-xen: tmem
# lab-memory: 1280
# lab-timeout: 720
# lab-disks: swapa:48M swapb:256M
. /lab/dom0-lib.sh
lab_plan 28
GUEST_VCPUS=2 lab_ok "guest g1 starts with 2 vCPUs" guest_start g1 160 \
	"tmem=1 lab.run=smp lab.inspect=1" /dev/vda /dev/vdb
id=$(xl domid g1)

# dom0 low on memory while g1 swaps on both vCPUs: a file in a tmpfs of
# its own (dom0 has no swap, so it stays in RAM) leaves dom0 96 MiB; the
# toolstack must keep answering.
avail_mib() { awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo; }
avail0=$(avail_mib)
mkdir -p /run/dom0-fill
mount -t tmpfs -o size=$((avail0 - 96))m dom0-fill /run/dom0-fill
dd if=/dev/zero of=/run/dom0-fill/f bs=1M count=$((avail0 - 96)) 2>/dev/null
avail_low=$(avail_mib)
lists=0 lists_ok=0
while [ -z "$(guest_result g1 phase1_done)" ] && xl domid g1 >/dev/null 2>&1; do
	lists=$((lists + 1))
	if xl tmem-list -a >/dev/null 2>&1; then
		lists_ok=$((lists_ok + 1))
	fi
	sleep 2
done
avail_end=$(avail_mib)
umount /run/dom0-fill
lab_note "dom0: $avail0 MiB available, $avail_low MiB with the fill, $avail_end at its end; xl tmem-list answered $lists_ok of $lists times meanwhile"
no_oom_kill() { ! dmesg | grep "Out of memory" >/dev/null; }

# Xen out of free memory for the last phase: a paused domain takes all but
# 24 MiB of it.
guest_wait_for g1 phase2_done 400
free0=$(free_mib)
GUEST_PAUSED=1 GUEST_MAXMEM=$((free0 - 24)) lab_ok "a paused domain takes all but 24 MiB of Xen's free memory" \
	guest_start hog $((free0 - 24)) "lab.run=idle"
free_low=$(free_mib)
lab_note "Xen's free memory: $free0 MiB before the domain, $free_low MiB after"
guest_signal g1 squeezed
guest_inspect g1 400
xl destroy hog

# same_count XEN KEY: Xen's count XEN, read while g1 held still, lies
# between g1's count KEY dumped before that and the one dumped after.
same_count() {
	[ -n "$1" ] && [ "$1" -ge "$(guest_result g1 "$2")" ] &&
		[ "$1" -le "$(guest_result g1 "after_$2")" ]
}
stores=$(guest_result g1 frontswap_succ_stores)
loads=$(guest_result g1 frontswap_loads)
lab_note "g1 (dumped before and after Xen's were read): frontswap stores $stores..$(guest_result g1 after_frontswap_succ_stores), loads $loads..$(guest_result g1 after_frontswap_loads), failed stores $(guest_result g1 frontswap_failed_stores)..$(guest_result g1 after_frontswap_failed_stores); Xen: good puts $(tmem_field P ps "$id"), good gets $(tmem_field P gs "$id"), puts refused for memory $(tmem_field P px "$id")"
lab_cmp "g1 runs on 2 vCPUs" "$(guest_result g1 cpus)" -eq 2
lab_cmp "dom0 was low on memory while g1 swapped (MiB available)" "$avail_low" -lt 160
lab_cmp "xl tmem-list was asked while dom0 was low" "$lists" -ge 3
lab_cmp "and answered every time" "$lists_ok" -eq "$lists"
lab_ok "dom0's kernel killed no process for memory" no_oom_kill
lab_cmp "the first vCPU's process checked all its pages" "$(guest_result g1 a_checked)" -ge 32768
lab_cmp "and found none changed" "$(guest_result g1 a_mismatches)" -eq 0
lab_cmp "the second's checked all its pages" "$(guest_result g1 b_checked)" -ge 32768
lab_cmp "and found none changed" "$(guest_result g1 b_mismatches)" -eq 0
lab_cmp "the first swap device was holding pages (KiB used)" "$(guest_result g1 first_used_kib)" -gt 16384
lab_ok "it went off under load" [ "$(guest_result g1 swapoff_first)" = ok ]
lab_cmp "the process swapping meanwhile verified every page" "$(guest_result g1 c_mismatches)" -eq 0
lab_cmp "Xen was left nearly without free memory (MiB)" "$free_low" -le 32
lab_cmp "then frontswap stores were refused" "$(guest_result g1 d_failed_stores)" -gt 0
lab_cmp "Xen counted puts refused for memory" "$(tmem_field P px "$id")" -gt 0
lab_cmp "the refused pages went to disk (pswpout)" "$(guest_result g1 d_pswpout)" -gt 0
lab_cmp "and came back intact" "$(guest_result g1 d_mismatches)" -eq 0
lab_cmp "frontswap stored pages from both vCPUs" "${stores:-0}" -gt 20000
lab_ok "Xen's good puts are the guest's stores, exactly" \
	same_count "$(tmem_field P ps "$id")" frontswap_succ_stores
lab_ok "Xen's good gets are the guest's loads, exactly" \
	same_count "$(tmem_field P gs "$id")" frontswap_loads
lab_ok "Xen's puts refused for memory are the guest's failed stores, exactly" \
	same_count "$(tmem_field P px "$id")" frontswap_failed_stores
lab_ok "the guest's pool is persistent private (PT:PP)" [ "$(tmem_field P PT "$id")" = PP ]
lab_ok "the last swapoff succeeded" [ "$(guest_result g1 swapoff)" = ok ]
lab_cmp "guest workload exit status" "$(guest_result g1 guest_rc)" -eq 0
lab_ok "Xen is still up" xl info
# Its tmem client held a reference on the domain: teardown gave it back.
lab_ok "g1's domain is gone, not left dying" domid_gone "$id" 30
lab_finish
