# The guest kernel's KUnit suites (frontswap, cleancache, the tmem driver)
# run at boot: the plan names six suites, each must report ok by name, no
# test may fail or be skipped (the guest runs without tmem=1, so even the
# driver's fake-hypercall tests run), and the guest must end cleanly.
# lab-timeout: 90
. /lab/dom0-lib.sh
SUITES="frontswap_disabled frontswap_backend cleancache_disabled cleancache_backend xen_tmem_abi xen_tmem_ops"
lab_plan 13
lab_ok "guest starts" guest_start g1 128 "lab.run=idle loglevel=7"
lab_ok "guest powered off within 60 s" guest_wait g1 60
log=/var/log/xen/console/guest-g1.log
tr -d '\r' < "$log" | sed -n 's/^\[ *[0-9.]*\] //p' > /tmp/kunit.txt
grep -E '^# Totals:|^(not )?ok [0-9]+ ' /tmp/kunit.txt | sed 's/^/LAB: # kunit: /'
lab_ok "the KTAP plan announces 6 suites" grep -qx '1\.\.6' /tmp/kunit.txt
for s in $SUITES; do
	lab_ok "suite $s passed" grep -qE "^ok [0-9]+ $s\$" /tmp/kunit.txt
done
lab_cmp "no KUnit suite or test case failed" "$(grep -c -E '^ *not ok [0-9]+ ' /tmp/kunit.txt)" -eq 0
lab_cmp "no KUnit test was skipped" "$(grep -c '# SKIP' /tmp/kunit.txt)" -eq 0
lab_cmp "every suite's totals say fail:0 skip:0" \
	"$(grep '^# Totals:' /tmp/kunit.txt | grep -vc 'fail:0 skip:0')" -eq 0
lab_cmp "guest workload exit status" "$(guest_result g1 guest_rc)" -eq 0
lab_finish
