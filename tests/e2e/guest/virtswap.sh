# virtswap on whatever kernel this guest booted (a stock Debian one in the
# virtswap scenarios): load the module built for it with a 512 MiB device
# (with lab.backing=1, /dev/xvda backs it; built into the kernel, it is set
# up and at the end reset through sysfs), swap on it, fill 384 MiB of
# checksummed pages through 128 MiB of RAM, report the device's counters
# and hold until dom0 says "listed"; verify every page (rewriting a third),
# swapoff, report again and hold until "verified_listed"; unload.
. /lab/run/lib.sh
backing=$(lab_arg backing)
echo "RESULT kernel=$(uname -r)"
# vs_counters PREFIX: every counter of the device, by name.
vs_counters() {
	awk -v p="$1" '{ print "RESULT " p "vs_" $1 "=" $2 }' /sys/kernel/debug/virtswap/virtswap0
	for f in mm_stat io_stat errors; do
		echo "RESULT ${1}vs_$f=$(tr -s ' ' '_' < "/sys/block/virtswap0/$f")"
	done
}
builtin=0
if [ -d /sys/block/virtswap0 ]; then
	# Built into this kernel (the project's): set it up through sysfs.
	builtin=1
	d=/sys/block/virtswap0
	{ [ "$backing" != 1 ] || echo /dev/xvda > "$d/backing_dev"; } &&
		echo 512M > "$d/disksize"
	echo "RESULT virtswap_insmod_rc=$?"
	echo "RESULT virtswap_sysfs_disksize=$(cat "$d/disksize")"
else
	args="disksize_mb=512"
	[ "$backing" = 1 ] && args="$args backing_dev=/dev/xvda"
	insmod "/lab/kmod/$(uname -r)/virtswap.ko" $args
	echo "RESULT virtswap_insmod_rc=$?"
fi
# With lab.latemax=1 dom0 raises this guest's maximum only after its balloon
# driver started, and says so; no page may reach tmem before that.
if [ "$(lab_arg latemax)" = 1 ]; then
	labwait maxmem 120 >/dev/null || echo "RESULT maxmem_signal=missing"
fi
mkswap /dev/virtswap0 >/dev/null && swapon /dev/virtswap0 || { echo "RESULT swapon=failed"; exit 1; }
echo "RESULT swapon=ok"
memstress_filled /tmp/ms.out -m 384 -s 42 -w /tmp/go
ms=$MS_PID
labwait listed 300 >/dev/null &
w=$!
vs_counters fill_
echo "RESULT filled=1"
wait "$w" || echo "RESULT listed_signal=missing"
touch /tmp/go
wait "$ms"
rc=$?
cat /tmp/ms.out | grep '^RESULT'
echo "RESULT memstress_rc=$rc"
# After swapoff nothing uses the device: its counters stand still while
# dom0 compares them with Xen's.
swapoff /dev/virtswap0 && echo "RESULT swapoff=ok" || echo "RESULT swapoff=failed"
labwait verified_listed 300 >/dev/null &
w=$!
vs_counters end_
echo "RESULT verified=1"
wait "$w" || echo "RESULT verified_listed_signal=missing"
if [ "$builtin" = 1 ]; then
	# Built in: reset frees what it holds (its pool) as rmmod would.
	echo 1 > /sys/block/virtswap0/reset
else
	rmmod virtswap
fi
echo "RESULT rmmod_rc=$?"
exit $rc
