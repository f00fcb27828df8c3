# swapoff under load with frontswap on tmem: a paused 48 MiB working set is
# pushed into tmem, swapoff brings every page back from the hypervisor, the
# set verifies and the backend holds nothing afterwards.
# lab-xen: tmem
# lab-timeout: 150
# lab-disks: swap:512M
. /lab/dom0-lib.sh
lab_plan 7
lab_ok "guest g1 starts" guest_start g1 128 "tmem=1 lab.run=swapoff" /dev/vda
guest_wait g1 120
lab_cmp "frontswap held pages before swapoff" "$(guest_result g1 frontswap_stored_pages)" -gt 1000
lab_ok "swapoff succeeded" [ "$(guest_result g1 swapoff)" = ok ]
lab_cmp "frontswap holds nothing after swapoff" "$(guest_result g1 after_swapoff_stored_pages)" -eq 0
lab_cmp "the paused working set verified" "$(guest_result g1 mismatches)" -eq 0
lab_cmp "the pusher's pages verified" "$(guest_result g1 pusher_mismatches)" -eq 0
lab_cmp "guest workload exit status" "$(guest_result g1 guest_rc)" -eq 0
lab_finish
