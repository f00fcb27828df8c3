# make bench-density, guest side: a working set that rises and falls.
# After lab.delay= s (so that guests are not in step), lab.phases= times
# (default 3): a busy phase (memstress: lab.mib= MiB, default 160, of
# checksummed pages filled and verified twice) then a quiet phase of
# lab.quiet= s (default 40) with next to nothing in use. Swap is the
# guest's xvda; with lab.selfballoon=1 the self-ballooning interval is 1 s.
#
# Output: phaseK_seconds (the busy phase's memstress time) and
# phaseK_mismatches per phase, then busy_seconds (their sum), mismatches
# (their sum), failed_phases (phases whose memstress failed) and
# density_done=1.
. /lab/run/lib.sh
phases=$(lab_arg phases)
mib=$(lab_arg mib)
quiet=$(lab_arg quiet)
delay=$(lab_arg delay)
phases=${phases:-3}
sb=/sys/devices/system/xen_memory/xen_memory0/selfballoon
[ "$(lab_arg selfballoon)" = 1 ] && echo 1 > "$sb/selfballoon_interval"
mkswap /dev/xvda >/dev/null && swapon /dev/xvda || { echo "RESULT swapon=failed"; exit 1; }
sleep "${delay:-0}"
busy=0 bad=0 failed=0 k=1
while [ "$k" -le "$phases" ]; do
	rc=0
	memstress -m "${mib:-160}" -s "$k" > /tmp/ms.out 2>&1 || rc=$?
	s=$(sed -n 's/^RESULT memstress_seconds=//p' /tmp/ms.out)
	m=$(sed -n 's/^RESULT mismatches=//p' /tmp/ms.out)
	if [ "$rc" -ne 0 ] || [ -z "$s" ] || [ -z "$m" ]; then
		failed=$((failed + 1))
		tail -n 5 /tmp/ms.out
	fi
	echo "RESULT phase${k}_seconds=${s:-NA}"
	echo "RESULT phase${k}_mismatches=${m:-NA}"
	busy=$(awk -v a="$busy" -v b="${s:-0}" 'BEGIN { print a + b }')
	bad=$((bad + ${m:-0}))
	sleep "${quiet:-40}"
	k=$((k + 1))
done
echo "RESULT busy_seconds=$busy"
echo "RESULT mismatches=$bad"
echo "RESULT failed_phases=$failed"
dump_counters
echo "RESULT density_done=1"
