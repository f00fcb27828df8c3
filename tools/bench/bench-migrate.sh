# make bench-migrate, dom0 side: what a live migration costs a guest that
# swaps hard, with tmem and without. The same 128 MiB guest (tests/e2e/
# guest/migswap.sh: lab.mib MiB filled through swap, the last lab.hot MiB
# read and rewritten round after round) is migrated to this host twice in
# one boot: g1 with tmem=1 (its swapped-out pages in Xen, carried by the
# stream), then g2 without tmem (its pages on its swap disk). One line
#   migrate-bench: tmem_pages=N downtime_ms=D downtime_vs_ram=R save_mib_s=S
# (downtime as the guest's heartbeat saw it; R = D / D without tmem; S = MiB
# of RAM and tmem pages over the migration's wall time) and one line
# migrate-rates with tmem's stream rate beside RAM's. The checks only make
# sure the figures come from migrations that worked; migrate-live is the
# test of the migration itself.
# A localhost migration holds two copies of the guest for a while.
# lab-xen: tmem
# lab-memory: 3072
# lab-timeout: 1500
# lab-disks: swap1:512M swap2:512M
. /lab/dom0-lib.sh

# migrated_run NAME ARGS DISK: NAME fills its pages, is migrated while it
# swaps, verifies them and ends (9 checks); sets MIG_S, MIG_NEW, mig_pc (the
# pages its persistent pool held right after the migration, if any).
migrated_run() {
	lab_ok "guest $1 ($2) starts" guest_start "$1" 128 "$2 lab.run=migswap" "$3"
	lab_ok "$1 filled its pages and swaps on" guest_wait_for "$1" filled 600
	migrate "$1"
	migration_checks "$1"
	tmem_list_save "/tmp/tl.$1.migrated"
	mig_pc=$(TMEM_LIST="/tmp/tl.$1.migrated" tmem_field P Pc "${MIG_NEW:-x}" \
		"$(tmem_pp_pool "/tmp/tl.$1.migrated" "${MIG_NEW:-x}")")
	guest_signal "$1" migrated
	guest_wait_for "$1" held_pages 300
	guest_signal "$1" counted
	guest_wait "$1" 900
	lab_cmp "$1: every page read back intact" "$(guest_result "$1" mismatches)" -eq 0
	lab_cmp "$1: guest workload exit status" "$(guest_result "$1" guest_rc)" -eq 0
	lab_cmp "$1: the heartbeat ran through the migration (samples)" \
		"$(guest_result "$1" heartbeat_samples)" -gt 1000
}

lab_plan 21
lab_ok "tmem answers control operations" tmem_available
migrated_run g1 tmem=1 /dev/vda
mig1_s=$MIG_S
pc1=$mig_pc
sent1=$(tmem_pages_sent /run/g1.migrate.log)
d1=$(guest_result g1 heartbeat_max_gap_ms)
migrated_run g2 "" /dev/vdb
mig2_s=$MIG_S
d2=$(guest_result g2 heartbeat_max_gap_ms)
lab_cmp "g2 held nothing in frontswap" "$(guest_result g2 held_pages)" -eq 0
lab_cmp "g2's pages went to its swap disk (pswpout)" "$(guest_result g2 end_vmstat_pswpout)" -gt 25000
downtime_note g1
downtime_note g2

ratio=$(awk -v a="${d1:-}" -v b="${d2:-}" 'BEGIN {
	if (a == "" || b == "" || b + 0 <= 0) print "n/a"; else printf "%.2f\n", a / b }')
# The stream's tmem pages as libxc counted them (every round), else the
# pool's count; RAM as the guest's 128 MiB.
rate=$(awk -v p="${sent1:-${pc1:-}}" -v s="$mig1_s" 'BEGIN {
	if (p == "" || s + 0 <= 0) print "n/a"; else printf "%.1f\n", (p * 4 / 1024 + 128) / s }')
lab_note "migrate-bench: tmem_pages=${pc1:-n/a} downtime_ms=${d1:-n/a} downtime_vs_ram=$ratio save_mib_s=$rate"
# Stream rates in the same boot: tmem pages from libxc's first round (all
# of them, timed by libxc, while the guest runs) against the RAM of the
# no-tmem guest over its whole migration (which also counts the set-up on
# both sides, so the RAM figure is a lower bound).
tmem_rate=$(sed -n 's/.*tmem: d[0-9]*: round 1: \([0-9]*\) pages, .* in \([0-9]*\) ms.*/\1 \2/p' \
	/run/g1.migrate.log | awk '$2 > 0 { printf "%.1f\n", $1 * 4 / 1024 / ($2 / 1000) }')
ram_rate=$(awk -v s="${mig2_s:-}" 'BEGIN { if (s + 0 > 0) printf "%.1f\n", 128 / s }')
lab_note "migrate-rates: tmem_round1_mib_s=${tmem_rate:-n/a} ram_whole_migration_mib_s=${ram_rate:-n/a}"
lab_finish
