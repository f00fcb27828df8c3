# virtswap on Debian 12's stock 6.1 kernel, unpatched, the module built
# outside the tree against Debian's packaged 6.1 headers (where the device
# offers ->rw_page for synchronous swap-in): 384 MiB of checksummed mixed
# pages through 128 MiB of RAM; every page verifies; after swapoff, when
# nothing uses the device, Xen's counts (good puts, good gets, flushes)
# equal the device's and both hold just the swap header.
# lab-xen: tmem
# lab-timeout: 900
. /lab/dom0-lib.sh
lab_plan 22
lab_ok "tmem answers control operations" tmem_available
virtswap_start 6.1 6.1.0-50-amd64 ""
virtswap_fill_checks "$vs_id"
virtswap_finish "$vs_id"
lab_finish
