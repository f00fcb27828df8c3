# The guest kernel's KUnit suites (frontswap, cleancache, the tmem driver)
# run at boot; every top-level suite must pass.
# lab-timeout: 90
. /lab/dom0-lib.sh
lab_plan 4
lab_ok "guest starts" guest_start g1 128 "lab.run=idle loglevel=7"
guest_wait g1 60
log=/var/log/xen/console/guest-g1.log
tr -d '\r' < "$log" | sed -n 's/^\[ *[0-9.]*\] //p' > /tmp/kunit.txt
suites_ok=$(grep -c -E '^ok [0-9]+ ' /tmp/kunit.txt)
suites_bad=$(grep -c -E '^not ok [0-9]+ ' /tmp/kunit.txt)
tests_bad=$(grep -c -E '^ +not ok [0-9]+ ' /tmp/kunit.txt)
grep -E '^# Totals:|^(not )?ok [0-9]+ ' /tmp/kunit.txt | sed 's/^/LAB: # kunit: /'
lab_cmp "KUnit suites passed (frontswap, cleancache, tmem at least)" "$suites_ok" -ge 3
lab_cmp "no KUnit suite failed" "$suites_bad" -eq 0
lab_cmp "no KUnit test case failed" "$tests_bad" -eq 0
lab_finish
