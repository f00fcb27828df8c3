# swapoff under load with frontswap on tmem: a paused 48 MiB working set is
# pushed into tmem, swapoff brings every page back from the hypervisor, the
# set verifies and the backend holds nothing afterwards, as the guest counts
# it and as Xen itself does (xl tmem-list: the persistent pool's pages, which
# before swapoff were thousands).
# lab-xen: tmem
# lab-timeout: 150
# lab-disks: swap:512M
. /lab/dom0-lib.sh
lab_plan 11
lab_ok "guest g1 starts" guest_start g1 128 "tmem=1 lab.run=swapoff lab.inspect=1" /dev/vda
guest_wait_for g1 counters_done 120
lab_ok "xl tmem-list before swapoff" tmem_list_save /tmp/tl.before
guest_signal g1 released
id=$(xl domid g1)
pp=$(tmem_pp_pool /tmp/tl.before "$id")
lab_cmp "Xen held the pages before swapoff (Pc)" "$(TMEM_LIST=/tmp/tl.before tmem_field P Pc "$id" "${pp:-x}")" -gt 1000
guest_wait_for g1 after_swapoff_done 120
lab_ok "xl tmem-list after swapoff" tmem_list_save /tmp/tl.after
guest_signal g1 checked
lab_cmp "Xen holds nothing in that pool after swapoff (Pc)" "$(TMEM_LIST=/tmp/tl.after tmem_field P Pc "$id" "${pp:-x}")" -eq 0
guest_wait g1 120
lab_cmp "frontswap held pages before swapoff" "$(guest_result g1 frontswap_stored_pages)" -gt 1000
lab_ok "swapoff succeeded" [ "$(guest_result g1 swapoff)" = ok ]
lab_cmp "frontswap holds nothing after swapoff" "$(guest_result g1 after_swapoff_stored_pages)" -eq 0
lab_cmp "the paused working set verified" "$(guest_result g1 mismatches)" -eq 0
lab_cmp "the pusher's pages verified" "$(guest_result g1 pusher_mismatches)" -eq 0
lab_cmp "guest workload exit status" "$(guest_result g1 guest_rc)" -eq 0
lab_finish
