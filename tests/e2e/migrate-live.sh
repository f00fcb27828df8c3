# xl migrate (live, to this same host) of a guest that is swapping hard
# through tmem: the guest's persistent pages travel in the migration stream,
# the migrated client holds exactly the pages the guest's frontswap says it
# holds, and every page verifies. The same guest's downtime with tmem
# against without, and the stream's rates, are measured by make
# bench-migrate (tools/bench/bench-migrate.sh).
#
# A localhost migration holds two copies of the guest for a while.
# lab-xen: tmem
# lab-memory: 3072
# lab-timeout: 900
# lab-disks: swap1:512M
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

lab_plan 18
lab_ok "tmem answers control operations" tmem_available

# --- g1: tmem ---------------------------------------------------------------
lab_ok "guest g1 (tmem=1) starts" guest_start g1 128 "tmem=1 lab.run=migswap" /dev/vda
lab_ok "g1 filled 256 MiB and swaps on" guest_wait_for g1 filled 400
tmem_list_save /tmp/tl.g1.before
pools0=$(tmem_pools /tmp/tl.g1.before "$(xl domid g1)")
lab_note "g1 before the migration: pools '$pools0'"
grep '^[CP]=' /tmp/tl.g1.before | sed 's/^/LAB: # before: /'
migrate g1
migration_checks g1
id1=${MIG_NEW:-x}
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
# The 96 MiB filled first (24576 pages) stay swapped out, and part of the
# hot 160 MiB: most in tmem.
lab_cmp "g1 held its cold pages in tmem" "${held:-0}" -gt 20000
guest_wait g1 600
lab_cmp "g1: every page read back intact" "$(guest_result g1 mismatches)" -eq 0
lab_cmp "g1: no frontswap load failed" "$(guest_result g1 frontswap_load_errors)" -eq 0
lab_cmp "g1: memstress exit status" "$(guest_result g1 memstress_rc)" -eq 0
lab_cmp "g1: guest workload exit status" "$(guest_result g1 guest_rc)" -eq 0
lab_cmp "g1: the heartbeat ran through the migration (samples)" "$(guest_result g1 heartbeat_samples)" -gt 1000
downtime_note g1

lab_finish
