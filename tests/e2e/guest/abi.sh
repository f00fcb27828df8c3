# The ABI conformance suite (tests/abi) run against the real hypervisor
# through hypercall 38, then the guest's live KUnit suite. This guest boots
# without tmem=1, so the suite has the client to itself (fresh=1).
insmod /lab/modules/tmem_abi.ko fresh=1
echo "RESULT abi_insmod_rc=$?"
echo "RESULT abi_passed=$(cat /sys/module/tmem_abi/parameters/passed 2>/dev/null)"
echo "RESULT abi_failed=$(cat /sys/module/tmem_abi/parameters/failed 2>/dev/null)"
echo "RESULT abi_expected=$(cat /sys/module/tmem_abi/parameters/expected 2>/dev/null)"
dmesg | sed -n 's/^\[ *[0-9.]*\] \(tmem_abi: .*\)/KLOG \1/p' | grep -v ': ok ' | tail -n 40
insmod /lab/modules/tmem_live_test.ko
echo "RESULT live_insmod_rc=$?"
dmesg | sed -n 's/^\[ *[0-9.]*\] //p' | grep -E '^(    )?(not )?ok [0-9]+ |# Totals' | sed 's/^/KLOG kunit: /'
echo "RESULT live_suites_ok=$(dmesg | sed -n 's/^\[ *[0-9.]*\] //p' | grep -c -E '^ok [0-9]+ xen_tmem_live')"
echo "RESULT live_not_ok=$(dmesg | sed -n 's/^\[ *[0-9.]*\] //p' | grep -c -E 'not ok [0-9]+ ')"
# On a Xen booted with tmem a skipped live case is a failure, not a pass.
echo "RESULT live_skipped=$(dmesg | sed -n 's/^\[ *[0-9.]*\] //p' | grep -E '^(    )?ok [0-9]+ ' | grep -c '# SKIP')"
