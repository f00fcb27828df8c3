# Self-ballooning (issue 14), in a guest booted with tmem=1 and nothing else
# about it: report the knobs' values, write each (good and bad values), then
# with a 1 s interval and a 32 MiB floor let the guest balloon itself down
# while idle, up to a raised floor, up again under a 300 MiB swap load that
# frontswap takes the rest of, and down again once the load is gone.
# With lab.fixed=1 (a guest booted with tmem.selfballooning=0) only report
# the knobs and the guest's memory at boot and 20 s (4 default intervals)
# later.
#
# Output: knob_NAME=value for the nine knobs, boot_kb (self-ballooning
# held off until dom0 signals "measured"), then (not fixed) rw_good, rw_bad_rejected, rw_unchanged; idle_kb, idle_s,
# idle_committed_kb, idle=1 (dom0 then signals "go"); floor_kb; the load's
# memstress results, load_max_kb, memstress_rc; after_kb, after_s;
# frontswap stores; or (fixed) fixed_kb.
. /lab/run/lib.sh
mem=/sys/devices/system/xen_memory/xen_memory0
sb=$mem/selfballoon
knobs="selfballooning selfballoon_interval selfballoon_downhysteresis
selfballoon_uphysteresis selfballoon_min_usable_mb selfballoon_reserved_mb
frontswap_selfshrinking frontswap_hysteresis frontswap_inertia"

cur_kb() {
	cat "$mem/info/current_kb"
}

committed_kb() {
	awk '$1 == "Committed_AS:" { print $2 }' /proc/meminfo
}

# settle LIMIT_S: wait until the guest's memory has not changed for 5 s
# (at most LIMIT_S s); prints the seconds it took.
settle() {
	t=0 same=0 last=$(cur_kb)
	while [ "$t" -lt "$1" ] && [ "$same" -lt 5 ]; do
		sleep 1
		t=$((t + 1))
		now=$(cur_kb)
		if [ "$now" = "$last" ]; then
			same=$((same + 1))
		else
			same=0
		fi
		last=$now
	done
	echo "$t"
}

for k in $knobs; do
	echo "RESULT knob_$k=$(cat "$sb/$k" 2>/dev/null || echo missing)"
done
if [ "$(lab_arg fixed)" = 1 ]; then
	echo "RESULT boot_kb=$(cur_kb)"
	sleep 20
	echo "RESULT fixed_kb=$(cur_kb)"
	exit 0
fi

# Held at the toolstack's target while dom0 reads Xen's free memory.
echo 0 > "$sb/selfballooning"
settle 30 >/dev/null
labwait measured 120 >/dev/null &
w=$!
echo "RESULT boot_kb=$(cur_kb)"
wait "$w" || echo "RESULT measured_signal=missing"
echo 1 > "$sb/selfballooning"

# Every knob takes a good value and reads it back; out-of-range and
# non-numeric values are refused and change nothing.
good=0
for k in $knobs; do
	old=$(cat "$sb/$k")
	case $k in
	selfballooning | frontswap_selfshrinking) new=$((1 - old)) ;;
	*) new=$((old + 3)) ;;
	esac
	echo "$new" > "$sb/$k" 2>/dev/null && [ "$(cat "$sb/$k")" = "$new" ] && good=$((good + 1))
	echo "$old" > "$sb/$k"
done
echo "RESULT rw_good=$good"
before=$(cat "$sb/selfballoon_interval" "$sb/selfballoon_downhysteresis" "$sb/frontswap_inertia")
bad=0
echo 0 > "$sb/selfballoon_interval" 2>/dev/null || bad=$((bad + 1))
echo abc > "$sb/selfballoon_downhysteresis" 2>/dev/null || bad=$((bad + 1))
echo 1001 > "$sb/frontswap_inertia" 2>/dev/null || bad=$((bad + 1))
echo "RESULT rw_bad_rejected=$bad"
after=$(cat "$sb/selfballoon_interval" "$sb/selfballoon_downhysteresis" "$sb/frontswap_inertia")
[ "$before" = "$after" ] && echo "RESULT rw_unchanged=1" || echo "RESULT rw_unchanged=0"

mkswap /dev/xvda >/dev/null && swapon /dev/xvda || { echo "RESULT swapon=failed"; exit 1; }
echo 1 > "$sb/selfballoon_interval"
echo 32 > "$sb/selfballoon_min_usable_mb"

# Idle: down toward what the guest has committed.
s=$(settle 120)
echo "RESULT idle_kb=$(cur_kb)"
echo "RESULT idle_s=$s"
echo "RESULT idle_committed_kb=$(committed_kb)"
labwait go 120 >/dev/null &
w=$!
echo "RESULT idle=1"
wait "$w" || echo "RESULT go_signal=missing"

# A floor above what the guest needs: up to it.
echo 150 > "$sb/selfballoon_min_usable_mb"
settle 30 >/dev/null
echo "RESULT floor_kb=$(cur_kb)"
echo 32 > "$sb/selfballoon_min_usable_mb"

# Under load: up again, the rest to frontswap.
memstress -m 300 -s 7 > /tmp/ms.out 2>&1 &
ms=$!
max=0
while running "$ms"; do
	c=$(cur_kb)
	[ "$c" -gt "$max" ] && max=$c
	sleep 1
done
wait "$ms"
rc=$?
cat /tmp/ms.out
echo "RESULT load_max_kb=$max"
echo "RESULT memstress_rc=$rc"

# The load is gone: down again.
s=$(settle 120)
echo "RESULT after_kb=$(cur_kb)"
echo "RESULT after_s=$s"
dump_counters
swapoff /dev/xvda && echo "RESULT swapoff=ok" || echo "RESULT swapoff=failed"
exit "$rc"
