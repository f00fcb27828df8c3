# xl save -c: a checkpoint of a running guest whose swapped-out pages are in
# tmem. The guest keeps running with its pages in place and verifies them;
# then it is destroyed and the checkpoint restored: the copy resumes at the
# checkpoint's moment, its tmem client holds the checkpoint's pages, and it
# verifies them twice.
#
# The swap disk is part of the checkpoint too: the original goes on using
# /dev/vda after the checkpoint, so the checkpoint leaves it paused (xl save
# -c -p) while dom0 lists its tmem client and copies the disk to /dev/vdc;
# the copy is restored with that disk (its configuration given to xl
# restore). Paused, the guest cannot store what its resume makes it swap
# out, so Xen's counts are the checkpoint's own.
# lab-xen: tmem
# lab-timeout: 1500
# lab-disks: swap:512M save:1G snap:512M
. /lab/dom0-lib.sh

# gone DOMID: the domain is gone, and so is its tmem client.
gone() {
	domid_gone "$1" 30 && tmem_client_gone "$1" 20
}

lab_plan 27
lab_ok "tmem answers control operations" tmem_available
lab_ok "guest g1 starts" guest_start g1 128 "tmem=1 lab.run=holdswap lab.holds=2 lab.hold=1500" /dev/vda
lab_ok "g1 filled 256 MiB and holds" guest_wait_for g1 filled 400
old=$(xl domid g1)

lab_ok "xl tmem-list before the checkpoint" tmem_list_save /tmp/tl.before
pools0=$(tmem_pools /tmp/tl.before "$old")
pp=$(tmem_pp_pool /tmp/tl.before "$old")
pc0=$(TMEM_LIST=/tmp/tl.before tmem_field P Pc "$old" "${pp:-x}")
lab_note "g1 (domain $old): pools '$pools0', persistent pool ${pp:-none} holds ${pc0:-?} pages;" \
	"the guest counts frontswap_stored_pages=$(guest_result g1 frontswap_stored_pages)"
lab_cmp "the persistent pool holds the swapped-out pages" "${pc0:-0}" -gt 25000

# The checkpoint, then a copy of the swap disk as it is at that moment.
w0=$(disk_sectors_written vdb)
t0=$(lab_now)
xl save -c -p g1 /dev/vdb > /run/save.log 2>&1
rc=$?
save_s=$(lab_elapsed "$t0")
sed 's/^/LAB: # xl save -c -p: /' /run/save.log | tail -n 20
kept=no
domain_paused g1 "$old" && kept=yes
lab_ok "xl tmem-list after the checkpoint" tmem_list_save /tmp/tl.ck
t0=$(lab_now)
dd if=/dev/vda of=/dev/vdc bs=1M conv=fsync 2>/run/dd.log || lab_note "copying the swap disk failed: $(tail -n 1 /run/dd.log)"
lab_note "swap disk copied in $(lab_elapsed "$t0") s"
xl unpause g1
sync
save_mib=$(( ($(disk_sectors_written vdb) - w0) / 2048 ))
lab_cmp "xl save -c -p g1 /dev/vdb exit status" "$rc" -eq 0
sent=$(tmem_pages_sent /run/save.log)
lab_cmp "the checkpoint carried every tmem page (xl save's count)" "${sent:-}" -eq "${pc0:-x}"
lab_ok "g1 was left paused as domain $old" [ "$kept" = yes ]
lab_ok "g1 runs again after xl unpause" domain_runs g1 "$old"
lab_note "checkpoint: $save_s s, $save_mib MiB written to /dev/vdb"

pc_ck=$(TMEM_LIST=/tmp/tl.ck tmem_field P Pc "$old" "${pp:-x}")
lab_cmp "the checkpoint left the pool's pages in place" "${pc_ck:-}" -eq "${pc0:-x}"
lab_ok "the client is not frozen after the checkpoint (fr:0)" \
	[ "$(TMEM_LIST=/tmp/tl.ck tmem_field C fr "$old")" = 0 ]

# The original verifies its pages, then holds again; it is destroyed.
guest_signal g1 resume
guest_wait_for g1 pass1_done 900
lab_cmp "the original's pages verified after the checkpoint" "$(guest_result g1 pass1_mismatches)" -eq 0
lab_ok "xl destroy g1" xl destroy g1
lab_ok "the original's domain and tmem client are gone" gone "$old"

# The checkpoint restored, with the copy of the disk.
sed 's#target=/dev/vda#target=/dev/vdc#' /run/g1.cfg > /run/g1-snap.cfg
restore_checked "the checkpoint" "$old" "$pools0" "$pc0" /run/g1-snap.cfg /dev/vdb

# The copy is where the checkpoint was: holding for its first "resume".
guest_signal g1 resume
guest_wait_for g1 pass1_done 900
lab_cmp "the restored copy's pages verified" "$(guest_result g1 pass1_mismatches)" -eq 0
guest_signal g1 resume2
guest_wait g1 900
lab_cmp "and verified again after a second hold" "$(guest_result g1 pass2_mismatches)" -eq 0
lab_cmp "no frontswap load failed in the copy" "$(guest_result g1 frontswap_load_errors)" -eq 0
lab_cmp "memstress exit status" "$(guest_result g1 memstress_rc)" -eq 0
lab_cmp "guest workload exit status" "$(guest_result g1 guest_rc)" -eq 0
lab_note "save-checkpoint: tmem_pages=${pc0:-?} checkpoint_s=$save_s restore_s=$restore_s save_mib=$save_mib"
lab_finish
