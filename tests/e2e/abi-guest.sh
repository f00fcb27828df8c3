# The ABI conformance suite, written once for userspace and the guest,
# against the real Xen: every command, flag combination and error code,
# XSA-15 classes included. Then the guest's live KUnit suite.
# lab-xen: tmem
# lab-timeout: 120
. /lab/dom0-lib.sh
lab_plan 8
lab_ok "guest starts" guest_start g1 128 "lab.run=abi"
guest_wait g1 90
lab_cmp "tmem_abi.ko loaded" "$(guest_result g1 abi_insmod_rc)" -eq 0
lab_cmp "the suite's fresh-client count is compiled in" "$(guest_result g1 abi_expected)" -ge 400
lab_cmp "every ABI check ran and passed" "$(guest_result g1 abi_passed)" -eq "$(guest_result g1 abi_expected)"
lab_cmp "no ABI case failed" "$(guest_result g1 abi_failed)" -eq 0
lab_cmp "live KUnit suite passed" "$(guest_result g1 live_suites_ok)" -eq 1
lab_cmp "no live KUnit case failed" "$(guest_result g1 live_not_ok)" -eq 0
lab_cmp "no live KUnit case skipped" "$(guest_result g1 live_skipped)" -eq 0
lab_finish
