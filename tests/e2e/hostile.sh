# A hostile guest attacks tmem for 30 s (bad pool ids, reserved flags,
# foreign and out-of-range frames, ops on destroyed pools, floods of puts
# beyond its memory, floods of zero pages that cost only metadata, pool
# destroys of tens of thousands of pages, pool create/put/destroy churn,
# floods of objects whose oids were chosen to share one hash chain under
# the hash Xen used before its keyed one) while an honest guest swaps
# through tmem: Xen stays up, the honest guest verifies clean, every answer
# the attacker got is one the ABI allows, its persistent pages never exceed
# its own maximum memory and the metadata Xen holds for it never exceeds
# its metadata limit (tmem-list Mb <= Ml), which Xen's command line set
# (tmem_meta_limit=32M, half the default).
# lab-xen: tmem tmem_meta_limit=32M
# lab-memory: 2048
# lab-timeout: 240
# lab-disks: swap:512M
. /lab/dom0-lib.sh
lab_plan 22
lab_ok "honest guest starts" guest_start honest 128 "tmem=1 lab.run=swap" /dev/vda
lab_ok "hostile guest starts" guest_start hostile 128 "lab.run=hostile lab.seed=$(date +%s)"
hid=$(xl domid hostile)
# Watch the attacker's persistent pages and metadata from dom0 while it
# runs: "pages metadata_bytes metadata_limit metadata_high_water".  A flood
# can fill and flush its metadata between two samples, so the judgement of
# the metadata account rests on Xen's own high-water mark (Mm), which the
# samples only cross-check.
peak=0 meta_peak=0 meta_over=0 meta_limit=0 meta_max=0
while [ -z "$(guest_result hostile counters_done)" ] && xl domid hostile >/dev/null 2>&1; do
	set -- $(xl tmem-list -l -a 2>/dev/null | awk -v ci="$hid" '
		function val(k,   i, n, kv) {
			n = split($0, kv, ","); for (i = 1; i <= n; i++) if (index(kv[i], k ":") == 1) return substr(kv[i], length(k) + 2)
			return 0
		}
		index($0, "P=CI:" ci ",") == 1 && /PT:PP/ { s += val("Pc") }
		index($0, "C=CI:" ci ",") == 1 { mb = val("Mb"); ml = val("Ml"); mm = val("Mm") }
		END { print s + 0, mb + 0, ml + 0, mm + 0 }')
	[ "${1:-0}" -gt "$peak" ] && peak=$1
	[ "${2:-0}" -gt "$meta_peak" ] && meta_peak=$2
	[ "${3:-0}" -gt 0 ] && meta_limit=$3
	[ "${2:-0}" -gt "${3:-0}" ] && meta_over=$((meta_over + 1))
	[ "${4:-0}" -gt "$meta_max" ] && meta_max=$4
	sleep 1
done
guest_wait hostile 90
guest_wait honest 150
r() { guest_result hostile "$1"; }
# Its own maximum: Xen's maximum reservation for the domain less what the
# guest holds, as the module read it from Xen at load.
allowance=$(r hostile_quota_pages)
lab_note "attacker: $(r hostile_ops) ops, $(r hostile_errors) refused, $(r hostile_enomem) ENOMEM, peak $(r hostile_max_persistent_pages) persistent pages (dom0 saw $peak), allowance $allowance"
# g KEY: KEY of Xen's G= line, all from one LIST taken once both guests are
# done (each LIST is itself a timed call, so live reads would drift apart).
glist=$(xl tmem-list -l -a | grep '^G=')
g() { printf '%s\n' "$glist" | awk -F'[=,]' -v k="$1" '{ for (i = 2; i <= NF; i++) if (index($i, k ":") == 1) print substr($i, length(k) + 2) }'; }
lab_note "churn: $(r hostile_churns) bursts, $(r hostile_churn_pools) pools made and destroyed; collision floods: $(r hostile_collision_floods), at most $(r hostile_collision_objects) objects"
lab_note "metadata floods: $(r hostile_meta_floods) run, $(r hostile_meta_flood_enomem) stopped by -ENOMEM, at most $(r hostile_meta_flood_pages) zero pages; dom0 sampled at most $meta_peak metadata bytes, Xen's high-water mark is $meta_max, of a $meta_limit-byte limit"
lab_note "longest tmem call in Xen $(g Lc) us: guest op $(g Lg) us (cmd $(g Lo)), control $(g Lt) us (cmd $(g Lq)), domain teardown step $(g Lk) us, allocator reclaim $(g Lr) us; $(g L1) of $(g Ln) calls took over 1 ms"
# Work units: loop steps of one call (pages put, got, flushed, examined or
# released; client and pool slots visited). A call that took long with few
# of them was held up from outside the engine, not made long by a guest.
lab_note "the longest call did $(g Lw) work units; the most work in one call was $(g Wm) units, in $(g Wt) us"
# The same, for make bench-hostile (which boots this scenario on the
# instruction clock with one CPU for its max_call_us).
echo "BENCH: hostile-calls max_call_us=$(g Lc) max_call_cmd=$(g Lo) max_call_work=$(g Lw) max_work=$(g Wm) max_work_us=$(g Wt) calls_over_1ms=$(g L1) calls=$(g Ln)"
# The bound: eviction's most pages examined in one call (4096), and a leaf.
lab_cmp "no tmem call did more than 4160 work units" "$(g Wm)" -le 4160
lab_ok "Xen is still up" xl info
lab_cmp "the attack ran to its end" "$(r hostile_done)" -eq 1
lab_cmp "the attacker issued operations" "$(r hostile_ops)" -gt 10000
lab_cmp "every answer was one the ABI allows" "$(r hostile_violations)" -eq 0
lab_cmp "the attacker had the tmem client to itself" "$(r hostile_exclusive)" -eq 1
lab_cmp "its floods were stopped with -ENOMEM" "$(r hostile_flood_enomem)" -ge 1
lab_cmp "its maximum leaves room beyond its 128 MiB (pages)" "${allowance:-0}" -gt 65536
lab_cmp "its persistent pages never exceeded its maximum (module's count)" "$(r hostile_max_persistent_pages)" -le "$allowance"
lab_cmp "nor as dom0 saw them" "$peak" -le "$allowance"
lab_cmp "a metadata flood was stopped with -ENOMEM" "$(r hostile_meta_flood_enomem)" -ge 1
lab_cmp "its churn bursts made and destroyed pools" "$(r hostile_churn_pools)" -gt 0
lab_cmp "its collision floods stored objects" "$(r hostile_collision_objects)" -gt 0
lab_cmp "Xen charged the attacker's floods to its metadata account (high-water bytes)" "$meta_max" -gt 1048576
lab_cmp "its metadata limit is the one tmem_meta_limit= set (bytes)" "$meta_limit" -eq 33554432
lab_cmp "its metadata high-water mark stayed within that limit (bytes)" "$meta_max" -le "$meta_limit"
lab_cmp "no dom0 sample saw metadata over the limit (samples over)" "$meta_over" -eq 0
lab_cmp "the module unloaded cleanly" "$(r hostile_rmmod_rc)" -eq 0
lab_cmp "the honest guest's pages all verified" "$(guest_result honest mismatches)" -eq 0
lab_cmp "the honest guest finished" "$(guest_result honest guest_rc)" -eq 0
lab_finish
