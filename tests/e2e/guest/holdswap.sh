# Swapped-out pages across xl save / restore: fill lab.mib MiB (default 256)
# of checksummed pages through swap on xvda, report "filled" and hold while
# dom0 saves, checkpoints or restores this guest; on dom0's "resume" signal
# verify every page (two rounds, the second after rewriting a third of them).
# With lab.holds=N (default 1), after verification K < N the guest holds
# again until "resumeK+1" and verifies again. lab.hold=S (default 600) is
# how long each hold may last.
#
# The guest's domain id changes on restore; labwait's relative xenstore path
# follows it. Output: memstress's pass lines as each pass ends, then its
# results, memstress_rc, the counters again with the prefix "end_", and
# frontswap_load_errors (pages frontswap held but could not give back).
. /lab/run/lib.sh
mib=$(lab_arg mib)
holds=$(lab_arg holds)
hold=$(lab_arg hold)
holds=${holds:-1}
hold=${hold:-600}
mkswap /dev/xvda >/dev/null && swapon /dev/xvda || { echo "RESULT swapon=failed"; exit 1; }
echo "RESULT swapon=ok"
memstress_filled /tmp/ms.out -m "${mib:-256}" -s 42 -w /tmp/go -p "$holds"
ms=$MS_PID
# The waiter starts before the counters are read, so that what its start
# swaps in or out is in the counts dom0 compares with Xen's.
labwait resume "$hold" >/dev/null &
w=$!
dump_counters
echo "RESULT filled=1"
wait "$w" || echo "RESULT resume_signal=missing"
k=1
while :; do
	if [ "$k" -eq 1 ]; then
		touch /tmp/go
	else
		touch "/tmp/go.$k"
	fi
	wait_output /tmp/ms.out "^RESULT pass${k}_done=" "$ms" || break
	grep "^RESULT pass${k}_" /tmp/ms.out
	[ "$k" -lt "$holds" ] || break
	k=$((k + 1))
	labwait "resume$k" "$hold" >/dev/null || echo "RESULT resume${k}_signal=missing"
done
wait "$ms"
rc=$?
grep -v '^RESULT pass' /tmp/ms.out
echo "RESULT memstress_rc=$rc"
dump_counters end_
echo "RESULT frontswap_load_errors=$(cat /sys/kernel/debug/frontswap/load_errors 2>/dev/null)"
swapoff /dev/xvda && echo "RESULT swapoff=ok" || echo "RESULT swapoff=failed"
exit $rc
