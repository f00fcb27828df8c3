# virtswap on Debian 13's stock 6.12 kernel (the lab's dom0 kernel package,
# unpatched), the module built outside the tree against Debian's packaged
# headers, across xl save / xl restore and a live migration: a 512 MiB
# device, swapon, 384 MiB of checksummed mixed pages through 128 MiB of
# RAM, held and saved: the stream carries the device's pool's pages, and
# the restored domain's client has the same pool and as many pages as the
# stream carried. The restored guest, running, is then migrated live to
# this host: the stream carries the pool again and the migrated client
# holds it. After that every page verifies, the swap layer freed slots,
# and swapoff leaves Xen holding just the swap header, as the device
# counts. A localhost migration holds two copies of the guest a while.
# (virtswap-fallback compares Xen's puts, gets and flushes with the
# device's on this kernel; a restored pool counts them since the restore.)
# lab-xen: tmem
# lab-memory: 3072
# lab-timeout: 1200
# lab-disks: save:1G
. /lab/dom0-lib.sh
lab_plan 40
lab_ok "tmem answers control operations" tmem_available
virtswap_start 6.12 6.12.117+deb13-amd64 ""
virtswap_fill_checks "$vs_id"
old=$vs_id
lab_ok "xl tmem-list before the save" tmem_list_save /tmp/tl.before
pools0=$(tmem_pools /tmp/tl.before "$old")
# The guest runs until it acknowledges the suspend (a paused one cannot),
# so the stream's own count is what the restored pool must hold.
xl save g1 /dev/vda > /run/save.log 2>&1
rc=$?
sed 's/^/LAB: # xl save: /' /run/save.log | tail -n 20
lab_cmp "xl save g1 /dev/vda exit status" "$rc" -eq 0
sent=$(tmem_pages_sent /run/save.log)
lab_note "g1 (domain $old): pools '$pools0', $(virtswap_pool_field /tmp/tl.before "$old" Pc) pages" \
	"listed before the save, ${sent:-no} pages in the stream"
lab_cmp "the stream carried the device's pool's pages" "${sent:-0}" -gt 50000
lab_ok "g1 no longer exists after the save" no_domain g1
lab_ok "the saved domain's tmem client is gone" tmem_client_gone "$old" 20
restore_checked "the saved virtswap guest" "$old" "$pools0" "$sent" /dev/vda
# Live, while the processes that touch swapped-out pages run on.
migrate g1
migration_checks g1
msent=$(tmem_pages_sent /run/g1.migrate.log)
lab_ok "the restored domain's tmem client is gone" tmem_client_gone "$MIG_OLD" 20
lab_ok "xl tmem-list after the migration" tmem_list_save /tmp/tl.migrated
lab_note "migration: ${msent:-no} tmem pages in the stream;" \
	"the migrated pool holds $(virtswap_pool_field /tmp/tl.migrated "${MIG_NEW:-x}" Pc)"
lab_ok "the migrated client has the saved guest's pools ('$pools0')" \
	same_text "$pools0" "$(tmem_pools /tmp/tl.migrated "${MIG_NEW:-x}")"
lab_cmp "the migrated persistent pool holds the device's pages" \
	"$(virtswap_pool_field /tmp/tl.migrated "${MIG_NEW:-x}" Pc)" -gt 50000
virtswap_finish "${MIG_NEW:-x}" restored
lab_cmp "the swap layer freed slots (notifications)" "$(guest_result g1 end_vs_notify_free)" -gt 0
lab_finish
