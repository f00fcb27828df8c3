# swapoff under load: a 48 MiB working set is filled, pushed out to swap by
# a 160 MiB process, then swapoff must bring every page back (from the
# frontswap backend where it holds them) before the set is verified.
. /lab/run/lib.sh
mkswap /dev/xvda >/dev/null && swapon /dev/xvda || { echo "RESULT swapon=failed"; exit 1; }
memstress -m 48 -s 7 -r 1 -w /tmp/go > /tmp/a.out &
a=$!
until grep -q filled /tmp/a.out; do sleep 0.2; done
prc=0
prefixed pusher_ memstress -m 160 -s 8 -r 1 || prc=1
awk '$1 == "pswpout" { print "RESULT pswpout_before_swapoff=" $2 }' /proc/vmstat
hold_begin
dump_counters
echo "RESULT counters_done=1"
hold_end
swapoff /dev/xvda && echo "RESULT swapoff=ok" || echo "RESULT swapoff=failed"
echo "RESULT after_swapoff_stored_pages=$(cat /sys/kernel/debug/frontswap/stored_pages 2>/dev/null)"
# Hold again while dom0 reads Xen's own count of the pool after swapoff.
echo "RESULT after_swapoff_done=1"
labwait checked 60 >/dev/null || echo "RESULT checked_signal=missing"
touch /tmp/go
wait "$a"
rc=$?
cat /tmp/a.out
awk '/^Swap(Total|Free):/ { print "RESULT meminfo_" $1 "=" $2 }' /proc/meminfo | tr -d ':'
# The pusher must have verified too.
[ "$prc" = 0 ] || rc=1
exit $rc
