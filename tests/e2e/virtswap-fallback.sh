# virtswap with a backing disk on the stock 6.12 kernel, while dom0 freezes
# the guest's tmem client part way through the fill and thaws it 10 s
# later: the pages written while it is frozen go to the backing disk
# (each refused put is one page there), those after to tmem again; every
# page verifies, wherever it went.
# lab-xen: tmem
# lab-timeout: 900
# lab-disks: backing:512M
. /lab/dom0-lib.sh
lab_plan 27
lab_ok "tmem answers control operations" tmem_available
virtswap_start 6.12 6.12.117+deb13-amd64 "lab.backing=1" /dev/vda
# Part way: once Xen holds 15000 of the device's pages.
i=0 pc=0
while [ "$i" -lt 600 ] && [ -z "$(guest_result g1 filled)" ]; do
	pc=0
	tmem_list_save /tmp/tl.poll && pc=$(virtswap_pool_field /tmp/tl.poll "$vs_id" Pc)
	[ "${pc:-0}" -gt 15000 ] && break
	sleep 1
	i=$((i + 1))
done
lab_ok "xl tmem-freeze g1 part way (at $pc pages)" xl tmem-freeze g1
sleep 10
lab_ok "xl tmem-thaw g1 10 s later" xl tmem-thaw g1
lab_ok "g1 filled 384 MiB through virtswap" guest_wait_for g1 filled 600
lab_cmp "pages went to the backing disk while frozen" "$(guest_result g1 fill_vs_stored_backing)" -gt 0
lab_cmp "each was a put the frozen client refused" "$(guest_result g1 fill_vs_stored_backing)" -eq \
	"$(guest_result g1 fill_vs_put_failed_frozen)"
lab_cmp "and pages went to tmem" "$(guest_result g1 fill_vs_stored_tmem)" -gt 10000
# Xen holds the swapped-out pages the backing disk does not: together more
# than the 50000 the other virtswap scenarios want of Xen alone.
backing=$(guest_result g1 fill_vs_stored_backing)
virtswap_filled "$vs_id" "$((50000 - ${backing:-0}))"
lab_cmp "Xen refused exactly those puts (pt - ps)" \
	"$(( $(virtswap_pool_field /tmp/tl.vs.fill "$vs_id" pt) - $(virtswap_pool_field /tmp/tl.vs.fill "$vs_id" ps) ))" \
	-eq "$(guest_result g1 fill_vs_put_failed_frozen)"
lab_note "device after the fill: mm_stat $(guest_result g1 fill_vs_mm_stat)"
virtswap_finish "$vs_id"
lab_cmp "pages were read back from the backing disk" "$(guest_result g1 end_vs_loaded_backing)" -gt 0
lab_finish
