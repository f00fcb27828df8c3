# Live migration of a guest that is swapping hard: lab.mib MiB (default 256)
# of checksummed pages are filled through swap on xvda, then the last
# lab.hot MiB of them (default 160, more than the guest's RAM) are read,
# verified and partly rewritten round after round (frontswap stores and
# loads, or disk swap without tmem=1) while dom0 migrates the guest. The
# pages filled first stay swapped out, cold, through the migration: a
# client frozen while it is saved refuses new pages, but these were stored
# before. A heartbeat measures how long the guest stood still.
#
# Handshake with dom0 (each step a RESULT line or a labwait key):
#   RESULT filled=1    the first fill is done, the loop runs: dom0 migrates
#   "migrated"         dom0 is done; the guest stops the loop and the
#                      heartbeat, lets swap settle, then
#   RESULT held_pages  pages frontswap holds now, and holds still while
#   "counted"          dom0 has read xl tmem-list; then
#   RESULT held_pages_after, a final verification of every page, results.
# lab.hold=S (default 900) bounds the wait for "migrated".
. /lab/run/lib.sh
mib=$(lab_arg mib)
hold=$(lab_arg hold)
hot=$(lab_arg hot)
mkswap /dev/xvda >/dev/null && swapon /dev/xvda || { echo "RESULT swapon=failed"; exit 1; }
echo "RESULT swapon=ok"
# The boot-time KUnit suites use a fake backend; whatever they left counted
# is not this workload's.
base=$(frontswap_stored)
heartbeat /tmp/hb.stop > /tmp/hb.out 2>&1 &
hb=$!
memstress -m "${mib:-256}" -s 42 -L /tmp/stop -H "${hot:-160}" -w /tmp/go > /tmp/ms.out 2>&1 &
ms=$!
if ! wait_output /tmp/ms.out '^RESULT filled=' "$ms"; then
	touch /tmp/hb.stop
	cat /tmp/ms.out
	echo "RESULT memstress_rc=died"
	exit 1
fi
dump_counters fill_
echo "RESULT filled=1"
labwait migrated "${hold:-900}" >/dev/null || echo "RESULT migrated_signal=missing"
touch /tmp/stop
touch /tmp/hb.stop
wait "$hb"
cat /tmp/hb.out
wait_output /tmp/ms.out '^RESULT loop_stopped=' "$ms" || echo "RESULT loop_stopped=missing"
# Nothing runs now but this script: let reclaim finish what it started.
sleep 2
labwait counted 300 >/dev/null &
w=$!
sleep 1
echo "RESULT held_pages=$(($(frontswap_stored) - base))"
wait "$w" || echo "RESULT counted_signal=missing"
echo "RESULT held_pages_after=$(($(frontswap_stored) - base))"
touch /tmp/go
wait "$ms"
rc=$?
cat /tmp/ms.out
echo "RESULT memstress_rc=$rc"
dump_counters end_
echo "RESULT frontswap_load_errors=$(cat /sys/kernel/debug/frontswap/load_errors 2>/dev/null)"
swapoff /dev/xvda && echo "RESULT swapoff=ok" || echo "RESULT swapoff=failed"
exit $rc
