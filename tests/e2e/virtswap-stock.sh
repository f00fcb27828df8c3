# virtswap on Debian 13's stock 6.12 kernel (the lab's dom0 kernel package,
# unpatched), the module built outside the tree against Debian's packaged
# headers: a 512 MiB device, swapon, 384 MiB of checksummed mixed pages
# through 128 MiB of RAM. Xen's persistent pool for the device holds the
# pages; every page verifies; after swapoff, when nothing uses the device,
# Xen's counts (good puts, good gets, flushes) equal the device's and
# neither holds a page.
# lab-xen: tmem
# lab-timeout: 900
. /lab/dom0-lib.sh
lab_plan 23
lab_ok "tmem answers control operations" tmem_available
virtswap_start 6.12 6.12.117+deb13-amd64 ""
virtswap_fill_checks "$vs_id"
lab_note "device after the fill: mm_stat $(guest_result g1 fill_vs_mm_stat)," \
	"$(guest_result g1 fill_vs_stored_same_filled) same-filled pages kept in the guest"
virtswap_finish "$vs_id"
lab_cmp "the swap layer freed slots (notifications)" "$(guest_result g1 end_vs_notify_free)" -gt 0
lab_finish
