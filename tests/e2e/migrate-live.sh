# xl migrate (live, to this same host) of a guest that is swapping hard
# through tmem: the guest's persistent pages travel in the migration stream,
# the migrated client holds exactly the pages the guest's frontswap says it
# holds, and every page verifies. Then the same guest without tmem (its
# pages on its swap disk) is migrated the same way, for the benchmark line
#   migrate-bench: tmem_pages=N downtime_ms=D downtime_vs_ram=R save_mib_s=S
# (downtime as the guest's heartbeat saw it; R = D / D without tmem; S = MiB
# of RAM and tmem pages over the migration's wall time), and a line
# migrate-rates with tmem's stream rate beside RAM's. They are figures,
# not checks.
#
# A localhost migration holds two copies of the guest for a while.
# lab-xen: tmem
# lab-memory: 3072
# lab-timeout: 1500
# lab-disks: swap1:512M swap2:512M
. /lab/dom0-lib.sh

# between V A B: V lies between A and B (either order), all numbers.
between() {
	[ -n "$1" ] && [ -n "$2" ] && [ -n "$3" ] || return 1
	if [ "$2" -le "$3" ]; then
		[ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
	else
		[ "$1" -ge "$3" ] && [ "$1" -le "$2" ]
	fi
}

lab_plan 30
lab_ok "tmem answers control operations" tmem_available

# --- g1: tmem ---------------------------------------------------------------
lab_ok "guest g1 (tmem=1) starts" guest_start g1 128 "tmem=1 lab.run=migswap" /dev/vda
lab_ok "g1 filled 384 MiB and swaps on" guest_wait_for g1 filled 400
tmem_list_save /tmp/tl.g1.before
pools0=$(tmem_pools /tmp/tl.g1.before "$(xl domid g1)")
lab_note "g1 before the migration: pools '$pools0'"
grep '^[CP]=' /tmp/tl.g1.before | sed 's/^/LAB: # before: /'
migrate g1
migration_checks g1
id1=${MIG_NEW:-x}
mig1_s=$MIG_S
sent1=$(tmem_pages_sent /run/g1.migrate.log)
# Right after the migration: the page count the stream brought (and a
# little the guest has stored or dropped since it resumed).
tmem_list_save /tmp/tl.g1.migrated
pp1=$(tmem_pp_pool /tmp/tl.g1.migrated "$id1")
pc_mig=$(TMEM_LIST=/tmp/tl.g1.migrated tmem_field P Pc "$id1" "${pp1:-x}")
lab_note "g1 right after the migration: persistent pool ${pp1:-none} holds ${pc_mig:-?} pages;" \
	"the stream carried ${sent1:-?} tmem pages"
lab_ok "the source's tmem client is gone" tmem_client_gone "$MIG_OLD" 20

# Stop the loop, then compare counts while the guest stands still.
guest_signal g1 migrated
guest_wait_for g1 held_pages 300
lab_ok "xl tmem-list while g1 holds still" tmem_list_save /tmp/tl.g1.held
guest_signal g1 counted
guest_wait_for g1 held_pages_after 60
held=$(guest_result g1 held_pages)
held_after=$(guest_result g1 held_pages_after)
pc_held=$(TMEM_LIST=/tmp/tl.g1.held tmem_field P Pc "$id1" "${pp1:-x}")
sed 's/^/LAB: # held: /' /tmp/tl.g1.held
lab_note "g1 frontswap holds $held pages (then $held_after); Xen's pool ${pp1:-none} holds ${pc_held:-?}"
lab_ok "the migrated client has the same pools ('$pools0')" \
	same_text "$pools0" "$(tmem_pools /tmp/tl.g1.held "$id1")"
lab_ok "the migrated client is not frozen (fr:0)" \
	[ "$(TMEM_LIST=/tmp/tl.g1.held tmem_field C fr "$id1")" = 0 ]
lab_ok "Xen holds exactly the pages g1's frontswap holds ($pc_held vs $held..$held_after)" \
	between "$pc_held" "$held" "$held_after"
# The 192 MiB filled first (49152 pages) stay swapped out: most in tmem.
lab_cmp "g1 held its cold pages in tmem" "${held:-0}" -gt 30000
guest_wait g1 600
lab_cmp "g1: every page read back intact" "$(guest_result g1 mismatches)" -eq 0
lab_cmp "g1: no frontswap load failed" "$(guest_result g1 frontswap_load_errors)" -eq 0
lab_cmp "g1: memstress exit status" "$(guest_result g1 memstress_rc)" -eq 0
lab_cmp "g1: guest workload exit status" "$(guest_result g1 guest_rc)" -eq 0
lab_cmp "g1: the heartbeat ran through the migration (samples)" "$(guest_result g1 heartbeat_samples)" -gt 1000
d1=$(guest_result g1 heartbeat_max_gap_ms)
lab_note "g1 downtime ${d1:-?} ms (monotonic clock: $(guest_result g1 heartbeat_max_gap_mono_ms) ms," \
	"next longest gap $(guest_result g1 heartbeat_second_gap_ms) ms), loop rounds $(guest_result g1 loop_rounds)"

# --- g2: the same guest without tmem, its pages on its swap disk -------------
lab_ok "guest g2 (no tmem) starts" guest_start g2 128 "lab.run=migswap" /dev/vdb
lab_ok "g2 filled 384 MiB and swaps on" guest_wait_for g2 filled 600
migrate g2
migration_checks g2
mig2_s=$MIG_S
guest_signal g2 migrated
guest_wait_for g2 held_pages 300
guest_signal g2 counted
guest_wait g2 900
lab_cmp "g2 held nothing in frontswap" "$(guest_result g2 held_pages)" -eq 0
lab_cmp "g2's pages went to its swap disk (pswpout)" "$(guest_result g2 end_vmstat_pswpout)" -gt 50000
lab_cmp "g2: every page read back intact" "$(guest_result g2 mismatches)" -eq 0
lab_cmp "g2: memstress exit status" "$(guest_result g2 memstress_rc)" -eq 0
lab_cmp "g2: guest workload exit status" "$(guest_result g2 guest_rc)" -eq 0
lab_cmp "g2: the heartbeat ran through the migration (samples)" "$(guest_result g2 heartbeat_samples)" -gt 1000
d2=$(guest_result g2 heartbeat_max_gap_ms)
lab_note "g2 downtime ${d2:-?} ms (monotonic clock: $(guest_result g2 heartbeat_max_gap_mono_ms) ms," \
	"next longest gap $(guest_result g2 heartbeat_second_gap_ms) ms), migrated in $mig2_s s"

# --- the benchmark line ------------------------------------------------------
ratio=$(awk -v a="${d1:-}" -v b="${d2:-}" 'BEGIN {
	if (a == "" || b == "" || b + 0 <= 0) print "n/a"; else printf "%.2f\n", a / b }')
# The stream's tmem pages as libxc counted them (every round), else the
# pool's count; RAM as the guest's 128 MiB.
rate=$(awk -v p="${sent1:-${pc_mig:-}}" -v s="$mig1_s" 'BEGIN {
	if (p == "" || s + 0 <= 0) print "n/a"; else printf "%.1f\n", (p * 4 / 1024 + 128) / s }')
lab_note "migrate-bench: tmem_pages=${pc_mig:-n/a} downtime_ms=${d1:-n/a} downtime_vs_ram=$ratio save_mib_s=$rate"
# Stream rates in the same boot: tmem pages from libxc's first round (all
# of them, timed by libxc, while the guest runs) against the RAM of the
# no-tmem guest over its whole migration (which also counts the set-up on
# both sides, so the RAM figure is a lower bound).
tmem_rate=$(sed -n 's/.*tmem: d[0-9]*: round 1: \([0-9]*\) pages, .* in \([0-9]*\) ms.*/\1 \2/p' \
	/run/g1.migrate.log | awk '$2 > 0 { printf "%.1f\n", $1 * 4 / 1024 / ($2 / 1000) }')
ram_rate=$(awk -v s="${mig2_s:-}" 'BEGIN { if (s + 0 > 0) printf "%.1f\n", 128 / s }')
lab_note "migrate-rates: tmem_round1_mib_s=${tmem_rate:-n/a} ram_whole_migration_mib_s=${ram_rate:-n/a}"
lab_finish
