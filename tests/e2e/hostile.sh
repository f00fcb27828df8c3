# A hostile guest attacks tmem for 30 s (bad pool ids, reserved flags,
# foreign and out-of-range frames, ops on destroyed pools, floods of puts
# beyond its memory) while an honest guest swaps through tmem: Xen stays up,
# the honest guest verifies clean, every answer the attacker got is one the
# ABI allows, and its persistent pages never exceed its own maximum memory.
# lab-xen: tmem
# lab-memory: 2048
# lab-timeout: 240
# lab-disks: swap:512M
. /lab/dom0-lib.sh
lab_plan 14
lab_ok "honest guest starts" guest_start honest 128 "tmem=1 lab.run=swap" /dev/vda
lab_ok "hostile guest starts" guest_start hostile 128 "lab.run=hostile lab.seed=$(date +%s)"
hid=$(xl domid hostile)
# Watch the attacker's persistent pages from dom0 while it runs.
peak=0
while [ -z "$(guest_result hostile counters_done)" ] && xl domid hostile >/dev/null 2>&1; do
	now=$(xl tmem-list -l -a 2>/dev/null | awk -v ci="$hid" '
		index($0, "P=CI:" ci ",") == 1 && /PT:PP/ {
			n = split($0, kv, ","); for (i = 1; i <= n; i++) if (kv[i] ~ /^Pc:/) s += substr(kv[i], 4)
		} END { print s + 0 }')
	[ "$now" -gt "$peak" ] && peak=$now
	sleep 2
done
guest_wait hostile 90
guest_wait honest 150
r() { guest_result hostile "$1"; }
# Its own maximum: Xen's maximum reservation for the domain less what the
# guest holds, as the module read it from Xen at load.
allowance=$(r hostile_quota_pages)
lab_note "attacker: $(r hostile_ops) ops, $(r hostile_errors) refused, $(r hostile_enomem) ENOMEM, peak $(r hostile_max_persistent_pages) persistent pages (dom0 saw $peak), allowance $allowance"
lab_ok "Xen is still up" xl info
lab_cmp "the attack ran to its end" "$(r hostile_done)" -eq 1
lab_cmp "the attacker issued operations" "$(r hostile_ops)" -gt 10000
lab_cmp "every answer was one the ABI allows" "$(r hostile_violations)" -eq 0
lab_cmp "the attacker had the tmem client to itself" "$(r hostile_exclusive)" -eq 1
lab_cmp "its floods were stopped with -ENOMEM" "$(r hostile_flood_enomem)" -ge 1
lab_cmp "its maximum leaves room beyond its 128 MiB (pages)" "${allowance:-0}" -gt 65536
lab_cmp "its persistent pages never exceeded its maximum (module's count)" "$(r hostile_max_persistent_pages)" -le "$allowance"
lab_cmp "nor as dom0 saw them" "$peak" -le "$allowance"
lab_cmp "the module unloaded cleanly" "$(r hostile_rmmod_rc)" -eq 0
lab_cmp "the honest guest's pages all verified" "$(guest_result honest mismatches)" -eq 0
lab_cmp "the honest guest finished" "$(guest_result honest guest_rc)" -eq 0
lab_finish
