# Swap integrity: write and re-read lab.mib (default 256) MiB of checksummed
# pages through swap on xvda. Counters are dumped while the pages are still
# swapped out, then the guest holds a few seconds so dom0 can read
# `xl tmem-list` before swapoff brings every page back.
. /lab/run/lib.sh
mib=$(sed -n 's/.*lab\.mib=\([0-9]*\).*/\1/p' /proc/cmdline)
mkswap /dev/xvda >/dev/null && swapon /dev/xvda || { echo "RESULT swapon=failed"; exit 1; }
echo "RESULT swapon=ok"
# The boot-time KUnit suites store a few pages through a fake backend, so
# the workload's own stores are counted from here.
fs_stores() { cat /sys/kernel/debug/frontswap/succ_stores 2>/dev/null || echo 0; }
fs0=$(fs_stores)
memstress -m "${mib:-256}" -s 42 -r 2 &
pid=$!
wait "$pid"
rc=$?
echo "RESULT workload_frontswap_stores=$(($(fs_stores) - fs0))"
hold_begin
dump_counters
echo "RESULT counters_done=1"
hold_end
swapoff /dev/xvda && echo "RESULT swapoff=ok" || echo "RESULT swapoff=failed"
exit $rc
