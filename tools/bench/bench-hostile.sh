# make bench-hostile, dom0 side: what a hostile guest costs everyone else,
# in one boot. A measuring guest (tests/e2e/guest/tmembench.sh) times its
# own tmem puts and gets for lab.seconds while nothing else uses tmem
# ("quiet"), then again while a hostile guest (tmem_hostile.ko, with no
# memory headroom: maxmem = memory) attacks ("attack"). dom0 samples Xen's
# free memory and the data pages tmem holds every second meanwhile: what
# Xen's free memory lost beyond those pages is heap (metadata) growth.
# Then 20 cycles of create / attack / destroy of the hostile guest, and
# Xen's free memory after them against before. One BENCH line; the
# userspace figure (chosen oids) is added by make bench-hostile.
# lab-xen: tmem
# lab-memory: 2048
# lab-timeout: 1800
. /lab/dom0-lib.sh
SECONDS_MEASURED=15
CYCLES=20

# hostile_run NAME SECONDS: the attacker (no headroom) for SECONDS, to its
# end; its tmem client must be gone after it.
hostile_run() {
	GUEST_MAXMEM=128 guest_start "$1" 128 "lab.run=hostile lab.seconds=$2 lab.seed=$(date +%s)" ||
		return 1
	hr_id=$(xl domid "$1") || return 1
	guest_wait "$1" $(($2 + 120))
	tmem_client_gone "$hr_id" 20
}
# sample UNTIL_CMD...: once a second until UNTIL_CMD succeeds, the same
# dom0 work in both phases (so that it weighs on both alike): Xen's free
# memory less the hostile guest's own and less the data pages tmem gained
# since the baseline (growth_max, MiB), and the attacker's metadata
# account (meta_max, meta_limit, bytes).
sample() {
	until "$@"; do
		f=$(free_mib) fc=$(tmem_field G Fc)
		hm=$(guest_mem_mib hostile)
		if [ -n "$hid" ] && [ -n "$hm" ]; then
			g=$(( free0 - f - hm - ((${fc:-0} - ${fc0:-0}) * 4 / 1024) ))
			[ "$g" -gt "$growth_max" ] && growth_max=$g
			mb=$(tmem_field C Mb "$hid") ml=$(tmem_field C Ml "$hid")
			[ "${mb:-0}" -gt "$meta_max" ] && meta_max=${mb:-0}
			[ "${ml:-0}" -gt 0 ] && meta_limit=$ml
		fi
		sleep 1
	done
}
has_result() {
	[ -n "$(guest_result "$1" "$2")" ] || ! xl domid "$1" >/dev/null 2>&1
}
attack_over() {
	has_result hostile counters_done
}

lab_plan 8
lab_ok "tmem answers control operations" tmem_available
lab_ok "measuring guest starts" guest_start m 128 "lab.run=tmembench lab.seconds=$SECONDS_MEASURED"
lab_ok "its puts and gets against copies ran" guest_wait_for m ready 300
r() { guest_result m "$1"; }

# long_calls: "calls timed in Xen, those over 1 ms" so far.
long_calls() {
	echo "$(tmem_field G Ln) $(tmem_field G L1)"
}
# per_million "N0 L0" "N1 L1": calls over 1 ms per million calls in between.
per_million() {
	echo "$1 $2" | awk '{ n = $3 - $1; printf "%.1f\n", (n > 0) ? ($4 - $2) * 1e6 / n : 0 }'
}

hid="" growth_max=0 meta_max=0 meta_limit=0
free0=$(free_mib)
fc0=$(tmem_field G Fc)
lc0=$(long_calls)
guest_signal m quiet
sample has_result m quiet_get_max_ns
lab_ok "quiet latency measured" [ -n "$(r quiet_get_max_ns)" ]
lc1=$(long_calls)

# The attack: it runs 20 s longer than the measurement, which starts 5 s in.
GUEST_MAXMEM=128 guest_start hostile 128 "lab.run=hostile lab.seconds=$((SECONDS_MEASURED + 20)) lab.seed=$(date +%s)"
hid=$(xl domid hostile)
guest_wait_for hostile hostile_insmod_rc 120
sleep 5
guest_signal m attack
sample has_result m attack_get_max_ns
lab_ok "attack latency measured" [ -n "$(r attack_get_max_ns)" ]
sample attack_over
guest_wait hostile 120
lc2=$(long_calls)
lab_note "attacker (domain $hid): $(guest_result hostile hostile_ops) ops, $(guest_result hostile hostile_meta_floods) metadata floods, $(guest_result hostile hostile_meta_flood_enomem) stopped by -ENOMEM, $(guest_result hostile hostile_churn_pools) pools churned, $(guest_result hostile hostile_collision_objects) colliding objects at most; metadata at most $meta_max of $meta_limit bytes; heap growth at most $growth_max MiB"
max_call_us=$(tmem_field G Lc)
lab_note "longest tmem call in Xen so far: $max_call_us us (longest guest op $(tmem_field G Lg) us, cmd $(tmem_field G Lo); control $(tmem_field G Lt) us; teardown step $(tmem_field G Lk) us; allocator reclaim $(tmem_field G Lr) us)"
# Calls over 1 ms, per million, while only the measuring guest used tmem
# and while the attacker did too: under QEMU/TCG the host's own scheduling
# of the emulator lengthens calls at random, so the rate says more than
# the single longest call.
lq=$(per_million "$lc0" "$lc1") la=$(per_million "$lc1" "$lc2")
lab_note "tmem calls over 1 ms: $lq per million quiet ($lc0 -> $lc1), $la per million under attack ($lc1 -> $lc2)"

# Create / attack / destroy, CYCLES times.
guest_wait m 60
sleep 2
free_c0=$(free_mib)
ok_cycles=0
for i in $(seq 1 "$CYCLES"); do
	hostile_run "h$i" 5 && ok_cycles=$((ok_cycles + 1))
	xl destroy "h$i" 2>/dev/null || true
done
sleep 2
free_c1=$(free_mib)
lab_cmp "every create/attack/destroy cycle ran" "$ok_cycles" -eq "$CYCLES"
lab_note "Xen free memory: $free_c0 MiB before $CYCLES cycles, $free_c1 MiB after"

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f\n", b / a; else print "NA" }'
}
pr=$(ratio "$(r quiet_put_p99_ns)" "$(r attack_put_p99_ns)")
gr=$(ratio "$(r quiet_get_p99_ns)" "$(r attack_get_p99_ns)")
lab_note "put p99: quiet $(r quiet_put_p99_ns) ns, attack $(r attack_put_p99_ns) ns ($pr); get p99: quiet $(r quiet_get_p99_ns) ns, attack $(r attack_get_p99_ns) ns ($gr); pairs $(r quiet_pairs) / $(r attack_pairs), errors $(r quiet_errors) / $(r attack_errors)"
worst=$(echo "$pr $gr" | awk '{ print ($1 > $2) ? $1 : $2 }')
lab_cmp "the measuring guest's calls all succeeded" "$(( $(r quiet_errors) + $(r attack_errors) + $(r putget_errors) ))" -eq 0
lab_ok "Xen is still up" xl info
echo "BENCH: hostile heap_growth_mib=$growth_max meta_limit_mib=$(( meta_limit / 1048576 )) max_call_us=$max_call_us honest_p99_ratio=$worst put_p99_ratio=$pr get_p99_ratio=$gr leak_mib_20_cycles=$(( free_c0 - free_c1 )) over_1ms_per_million_quiet=$lq over_1ms_per_million_attack=$la xen_putget_vs_memcpy=$(awk -v x="$(r putget_putget_x1000)" 'BEGIN { printf "%.2f\n", x / 1000 }') tmem_ns_per_page=$(r putget_tmem_ns_per_page) memcpy_ns_per_page=$(r putget_memcpy_ns_per_page)"
lab_finish
