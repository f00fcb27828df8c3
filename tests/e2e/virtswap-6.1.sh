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
virtswap_fill_checks "$vs_id"
virtswap_finish "$vs_id"
lab_finish
