# Self-ballooning (issue 14). g1, a 256 MiB guest booted with tmem=1 and
# the kernel's defaults, has all nine knobs with their documented defaults,
# takes good values and refuses bad ones; idle, it balloons itself down
# toward what it has committed (xl list and Xen's free memory see it),
# goes up to a raised floor, up again under a 300 MiB load whose rest
# frontswap takes, with every page intact, and down again afterwards.
# tmem-maxmem plans and sets maxima within what the host has.
# g2, booted with tmem.selfballooning=0, keeps its memory.
# lab-xen: tmem
# lab-timeout: 900
# lab-disks: swap:512M
. /lab/dom0-lib.sh
lab_plan 39
lab_ok "tmem answers control operations" tmem_available
GUEST_TMEM_POLICY=
lab_ok "g1 starts with tmem=1 only" guest_start g1 256 "tmem=1 lab.run=selfballoon" /dev/vda
lab_ok "g1 reported its knobs and its memory" guest_wait_for g1 boot_kb 120
for kv in selfballooning=1 selfballoon_interval=5 selfballoon_downhysteresis=8 \
	selfballoon_uphysteresis=1 frontswap_selfshrinking=1 frontswap_hysteresis=20 \
	frontswap_inertia=3; do
	lab_cmp "default ${kv%=*}" "$(guest_result g1 "knob_${kv%=*}")" -eq "${kv#*=}"
done
# 256 MiB at boot: a floor of 40 MiB + RAM/4, a reserve of RAM/10.
lab_cmp "default selfballoon_min_usable_mb (40 + RAM/4)" "$(guest_result g1 knob_selfballoon_min_usable_mb)" -ge 90
lab_cmp "default selfballoon_reserved_mb (RAM/10)" "$(guest_result g1 knob_selfballoon_reserved_mb)" -ge 20
boot_kb=$(guest_result g1 boot_kb)
free0=$(free_mib)
lab_ok "signal g1 that Xen's free memory is read" guest_signal g1 measured
lab_ok "g1 tested its knobs" guest_wait_for g1 rw_unchanged 60
lab_cmp "every knob takes a good value and reads it back" "$(guest_result g1 rw_good)" -eq 9
lab_cmp "bad values are refused (0, abc, 1001)" "$(guest_result g1 rw_bad_rejected)" -eq 3
lab_cmp "and change nothing" "$(guest_result g1 rw_unchanged)" -eq 1
lab_ok "g1 settled while idle" guest_wait_for g1 idle 200
idle_kb=$(guest_result g1 idle_kb)
lab_note "g1: $boot_kb KiB at boot, $idle_kb KiB idle after $(guest_result g1 idle_s) s," \
	"Committed_AS $(guest_result g1 idle_committed_kb) KiB"
lab_cmp "idle, g1 ballooned below 60% of its boot memory" "$idle_kb" -lt $((boot_kb * 6 / 10))
lab_cmp "but not below what it has committed" "$idle_kb" -gt "$(guest_result g1 idle_committed_kb)"
xl list g1 | sed 's/^/LAB: # /'
lab_cmp "xl list shows g1's smaller memory (MiB)" "$(guest_mem_mib g1)" -le \
	$((idle_kb / 1024 + 4))
free1=$(free_mib)
lab_note "Xen's free memory: $free0 MiB before, $free1 MiB after g1 ballooned down"
lab_cmp "Xen's free memory grew by at least 90% of what g1 gave back (MiB)" \
	$((free1 - free0)) -ge $(((boot_kb - idle_kb) * 9 / 10 / 1024))
# The host's policy: maxima that add up to what the guests can have.
lab_ok "tmem-maxmem -n plans g1's maximum" sh -c 'tmem-maxmem -n > /tmp/plan'
sed 's/^/LAB: # tmem-maxmem: /' /tmp/plan
lab_cmp "g1's maximum is at least its target" "$(sed -n 's/^g1 target=[0-9]* maxmem=//p' /tmp/plan)" -ge \
	"$(sed -n 's/^g1 target=\([0-9]*\) .*/\1/p' /tmp/plan)"
lab_cmp "the maxima add up to at most the budget" "$(sed -n 's/^total .*maxmem=//p' /tmp/plan)" -le \
	"$(sed -n 's/^total budget=\([0-9]*\) .*/\1/p' /tmp/plan)"
lab_ok "tmem-maxmem sets them (xl mem-max)" tmem-maxmem
lab_ok "signal g1 to go on" guest_signal g1 go
lab_ok "g1 went up to a raised floor" guest_wait_for g1 floor_kb 120
lab_cmp "to at least 150 MiB" "$(guest_result g1 floor_kb)" -ge $((150 * 1024))
lab_ok "g1 ran its load, settled again and swapped off" guest_wait_for g1 swapoff 600
lab_cmp "under load g1 rose by more than 100 MiB" "$(guest_result g1 load_max_kb)" -gt $((idle_kb + 100 * 1024))
lab_cmp "frontswap took the rest (stores)" "$(guest_result g1 frontswap_succ_stores)" -gt 10000
lab_cmp "every page read back intact" "$(guest_result g1 mismatches)" -eq 0
lab_cmp "memstress exit status" "$(guest_result g1 memstress_rc)" -eq 0
lab_cmp "after the load g1 went down again (below 70% of its peak)" "$(guest_result g1 after_kb)" -lt \
	$(($(guest_result g1 load_max_kb) * 7 / 10))
guest_wait g1 120
GUEST_TMEM_POLICY="tmem.selfballooning=0"
lab_ok "g2 starts with tmem.selfballooning=0" guest_start g2 256 "tmem=1 lab.run=selfballoon lab.fixed=1" /dev/vda
lab_ok "g2 reported its memory 20 s after boot" guest_wait_for g2 fixed_kb 120
lab_cmp "g2 says self-ballooning is off" "$(guest_result g2 knob_selfballooning)" -eq 0
lab_cmp "and kept its memory" "$(guest_result g2 fixed_kb)" -eq "$(guest_result g2 boot_kb)"
guest_wait g2 60
lab_finish
