# virtswap on Debian 12's stock 6.1 kernel, unpatched, the module built
# outside the tree against Debian's packaged 6.1 headers (where the device
# offers ->rw_page for synchronous swap-in): the workload and the exact
# checks of virtswap-stock.
# lab-xen: tmem
# lab-timeout: 900
. /lab/dom0-lib.sh
lab_plan 22
lab_ok "tmem answers control operations" tmem_available
virtswap_start 6.1 6.1.0-50-amd64 ""
lab_ok "g1 filled 384 MiB through virtswap" guest_wait_for g1 filled 600
lab_cmp "the device put pages into tmem" "$(guest_result g1 fill_vs_stored_tmem)" -gt 50000
lab_cmp "tmem refused none of them" "$(guest_result g1 fill_vs_write_failed)" -eq 0
virtswap_filled "$vs_id"
virtswap_finish "$vs_id"
lab_finish
