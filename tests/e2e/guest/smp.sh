# Two vCPUs, two swap devices, and Xen short of memory, in one guest:
#  1. two verifying processes swap at once, one per vCPU (frontswap calls
#     from both vCPUs at once), over two swap devices: the first (busybox
#     swapon sets no priority, so it fills first) is small, and the pages
#     go on to the second;
#  2. the first device, full, is swapped off while a process keeps
#     swapping (its pages move to the second), then on again;
#  3. after dom0 has taken nearly all of Xen's free memory (signal
#     "squeezed"), a process swaps more than tmem can hold: puts are
#     refused and its pages go to disk.
# Every page must verify. Counters are dumped at the end, for dom0 to
# compare with Xen's while the guest holds, and again after.
. /lab/run/lib.sh
for d in xvda xvdb; do
	mkswap "/dev/$d" >/dev/null && swapon "/dev/$d" ||
		{ echo "RESULT swapon=failed"; exit 1; }
done
echo "RESULT swapon=ok"
echo "RESULT cpus=$(grep -c '^processor' /proc/cpuinfo)"
rc=0

# 1. Both vCPUs swapping at once.
memstress -m 128 -s 11 -r 2 > /tmp/pa.out 2>&1 &
pa=$!
memstress -m 128 -s 12 -r 2 > /tmp/pb.out 2>&1 &
pb=$!
wait "$pa" || rc=1
wait "$pb" || rc=1
sed 's/^RESULT /RESULT a_/' /tmp/pa.out
sed 's/^RESULT /RESULT b_/' /tmp/pb.out
echo "RESULT phase1_done=1"

# 2. Swap off the first device under load.
memstress_filled /tmp/pc.out -m 192 -s 13 -r 1 -L /tmp/stop_c
sleep 5
awk '$1 == "/dev/xvda" { print "RESULT first_used_kib=" $4 }' /proc/swaps
if swapoff /dev/xvda; then
	echo "RESULT swapoff_first=ok"
else
	echo "RESULT swapoff_first=failed"
	rc=1
fi
sleep 5
touch /tmp/stop_c
wait "$MS_PID" || rc=1
swapon /dev/xvda || rc=1
sed 's/^RESULT /RESULT c_/' /tmp/pc.out
echo "RESULT phase2_done=1"

# 3. Xen short of memory: dom0 squeezes it, then signals.
labwait squeezed 180 >/dev/null || echo "RESULT squeeze_signal=missing"
fails0=$(cat /sys/kernel/debug/frontswap/failed_stores)
out0=$(awk '$1 == "pswpout" { print $2 }' /proc/vmstat)
prefixed d_ memstress -m 256 -s 14 -r 1 || rc=1
echo "RESULT d_failed_stores=$(($(cat /sys/kernel/debug/frontswap/failed_stores) - fails0))"
echo "RESULT d_pswpout=$(($(awk '$1 == "pswpout" { print $2 }' /proc/vmstat) - out0))"

hold_begin
dump_counters
echo "RESULT counters_done=1"
hold_end
# Again once dom0 has read Xen's: Xen's counts lie between the two dumps
# (pages this script's own commands swap in may come between them).
dump_counters after_
swapoff /dev/xvda && swapoff /dev/xvdb && echo "RESULT swapoff=ok" ||
	{ echo "RESULT swapoff=failed"; rc=1; }
exit $rc
