# xl save / xl restore of a guest whose swapped-out pages are in tmem: a
# 128 MiB guest (tmem=1) fills 256 MiB through frontswap and holds; the save
# stream (on its own disk, /dev/vdb: dom0's tmpfs is too small) carries its
# persistent tmem pages; the restored domain's client has the same pools,
# the same page count and the same metadata limit, and every page verifies
# after the restore. The same file restored a second time (g1b, on a copy
# of the swap disk) is a second guest with its own copy of the pages, and
# verifies too.
# lab-xen: tmem
# lab-timeout: 900
# lab-disks: swap:512M save:1G copy:512M
. /lab/dom0-lib.sh
lab_plan 30
lab_ok "tmem answers control operations" tmem_available
lab_ok "guest g1 starts" guest_start g1 128 "tmem=1 lab.run=holdswap lab.hold=900" /dev/vda
lab_ok "g1 filled 256 MiB and holds" guest_wait_for g1 filled 400
old=$(xl domid g1)

# Before the save: a metadata limit of its own, which the stream carries
# (TMEM_META_LIMIT).
lab_ok "xl tmem-set -m 48 g1" xl tmem-set -m 48 g1
lab_ok "xl tmem-list before the save" tmem_list_save /tmp/tl.before
pools0=$(tmem_pools /tmp/tl.before "$old")
pp=$(tmem_pp_pool /tmp/tl.before "$old")
pc0=$(TMEM_LIST=/tmp/tl.before tmem_field P Pc "$old" "${pp:-x}")
lab_note "g1 (domain $old): pools '$pools0', persistent pool ${pp:-none} holds ${pc0:-?} pages;" \
	"the guest counts frontswap_stored_pages=$(guest_result g1 frontswap_stored_pages)" \
	"succ_stores=$(guest_result g1 frontswap_succ_stores) failed_stores=$(guest_result g1 frontswap_failed_stores)" \
	"loads=$(guest_result g1 frontswap_loads)"
lab_cmp "the persistent pool holds the swapped-out pages" "${pc0:-0}" -gt 25000
loads0=$(guest_result g1 frontswap_loads)

# Save.
w0=$(disk_sectors_written vdb)
t0=$(lab_now)
xl save g1 /dev/vdb > /run/save.log 2>&1
rc=$?
save_s=$(lab_elapsed "$t0")
sync
save_mib=$(( ($(disk_sectors_written vdb) - w0) / 2048 ))
sed 's/^/LAB: # xl save: /' /run/save.log | tail -n 20
lab_cmp "xl save g1 /dev/vdb exit status" "$rc" -eq 0
sent=$(tmem_pages_sent /run/save.log)
lab_cmp "the stream carried every tmem page (xl save's count)" "${sent:-}" -eq "${pc0:-x}"
lab_ok "g1 no longer exists after the save" no_domain g1
lab_ok "the saved domain's tmem client is gone" tmem_client_gone "$old" 20
lab_note "save: $save_s s, $save_mib MiB written to /dev/vdb" \
	"($(( (${pc0:-0} * 4 + 128 * 1024) / 1024 )) MiB of RAM and tmem pages)"

# The swap disk as the saved guest left it, for a second copy of it.
dd if=/dev/vda of=/dev/vdc bs=1M conv=fsync 2>/run/dd.log ||
	lab_note "copying the swap disk failed: $(tail -n 1 /run/dd.log)"

# Restore.
restore_checked "the saved guest" "$old" "$pools0" "$pc0" /dev/vdb
lab_cmp "the restored client has the saved metadata limit (48 MiB)" \
	"$(TMEM_LIST=/tmp/tl.after tmem_field C Ml "${new:-x}")" -eq 50331648

# The same file restored a second time, as g1b on the copy of the disk:
# a second guest with a tmem client of its own holding the same pages. Both
# stand still while they are counted: the running g1 has gone on swapping
# since its restore, and g1b would as soon as it ran.
sed -e 's/^name = .*/name = "g1b"/' -e 's#target=/dev/vda#target=/dev/vdc#' \
	/run/g1.cfg > /run/g1b.cfg
xl pause g1
tmem_list_save /tmp/tl.paused
pc1a=$(TMEM_LIST=/tmp/tl.paused tmem_field P Pc "${new:-x}" "${pp1:-x}")
xl restore -p /run/g1b.cfg /dev/vdb > /run/restore2.log 2>&1
rc=$?
sed 's/^/LAB: # xl restore (g1b): /' /run/restore2.log | tail -n 8
lab_cmp "a second xl restore of the same file (g1b) exit status" "$rc" -eq 0
second=$(xl domid g1b 2>/dev/null)
lab_ok "xl tmem-list with both copies" tmem_list_save /tmp/tl.two
pc2=$(TMEM_LIST=/tmp/tl.two tmem_field P Pc "${second:-x}" "$(tmem_pp_pool /tmp/tl.two "${second:-x}")")
pc1b=$(TMEM_LIST=/tmp/tl.two tmem_field P Pc "${new:-x}" "${pp1:-x}")
lab_cmp "g1b's own client holds the saved pages too" "${pc2:-}" -eq "${pc0:-x}"
lab_cmp "and g1's client still holds its own (as before g1b's restore)" \
	"${pc1b:-}" -eq "${pc1a:-x}"
xl unpause g1
xl unpause g1b

# Verify, both copies at once.
guest_signal g1 resume
guest_signal g1b resume
guest_wait g1 600
loads1=$(guest_result g1 end_frontswap_loads)
lab_cmp "every page read back intact after the restore" "$(guest_result g1 mismatches)" -eq 0
lab_cmp "no frontswap load failed" "$(guest_result g1 frontswap_load_errors)" -eq 0
lab_cmp "the restored guest loaded its pages from tmem" $((${loads1:-0} - ${loads0:-0})) -gt 25000
lab_cmp "memstress exit status" "$(guest_result g1 memstress_rc)" -eq 0
lab_cmp "guest workload exit status" "$(guest_result g1 guest_rc)" -eq 0
guest_wait g1b 600
lab_cmp "g1b: every page read back intact" "$(guest_result g1b mismatches)" -eq 0
lab_cmp "g1b: no frontswap load failed" "$(guest_result g1b frontswap_load_errors)" -eq 0
lab_cmp "g1b: memstress exit status" "$(guest_result g1b memstress_rc)" -eq 0
lab_note "save-restore: tmem_pages=${pc0:-?} save_s=$save_s restore_s=$restore_s save_mib=$save_mib"
lab_finish
