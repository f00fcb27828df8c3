# Frontswap self-shrinking (issue 14), in a guest whose memory stays fixed
# (tmem.selfballooning=0): a resident process A (120 MiB, filled and held)
# and a burst B (200 MiB, filled, verified, gone) push A's pages out to
# frontswap with self-shrinking off; then, with it on (1 s interval,
# the default inertia and hysteresis), wait until frontswap holds at most
# a quarter of what it held after the burst, and turn it off again so
# that dom0 reads a still state; last, A verifies every page it has.
#
# Output: b_* (B's memstress results), b_rc; burst_fs_pages, burst=1 (dom0
# then signals "measured"); shrunk_fs_pages, shrink_s, selfshrunk,
# shrunk=1 (dom0 then signals "measured2"); A's memstress results,
# memstress_rc; the counters; swapoff.
. /lab/run/lib.sh
sb=/sys/devices/system/xen_memory/xen_memory0/selfballoon
echo 0 > "$sb/frontswap_selfshrinking"
echo 1 > "$sb/selfballoon_interval"
mkswap /dev/xvda >/dev/null && swapon /dev/xvda || { echo "RESULT swapon=failed"; exit 1; }

memstress_filled /tmp/a.out -m 120 -s 11 -w /tmp/go_a
a=$MS_PID
prefixed b_ memstress -m 200 -s 12
echo "RESULT b_rc=$?"

peak=$(frontswap_stored)
labwait measured 120 >/dev/null &
w=$!
echo "RESULT burst_fs_pages=$peak"
echo "RESULT burst=1"
wait "$w" || echo "RESULT measured_signal=missing"

echo 1 > "$sb/frontswap_selfshrinking"
t=0
while [ "$(frontswap_stored)" -gt $((peak / 4)) ] && [ "$t" -lt 150 ]; do
	sleep 1
	t=$((t + 1))
done
echo 0 > "$sb/frontswap_selfshrinking"
# a step that was running when it was turned off ends first
sleep 2
labwait measured2 120 >/dev/null &
w=$!
echo "RESULT shrunk_fs_pages=$(frontswap_stored)"
echo "RESULT shrink_s=$t"
echo "RESULT selfshrunk=$(cat /sys/kernel/debug/xen-selfballoon/frontswap_selfshrunk)"
echo "RESULT shrunk=1"
wait "$w" || echo "RESULT measured2_signal=missing"

touch /tmp/go_a
wait "$a"
rc=$?
cat /tmp/a.out
echo "RESULT memstress_rc=$rc"
dump_counters
swapoff /dev/xvda && echo "RESULT swapoff=ok" || echo "RESULT swapoff=failed"
exit "$rc"
