# Benchmark workloads (make bench-e2e): (a) 384 MiB of mixed anonymous pages
# through a 128 MiB guest, (b) a 256 MiB file set on xvdb read twice.
# Reports wall times and the guest's own swap and disk figures. Swap is
# xvda, or with lab.virtswap=1 a 512 MiB /dev/virtswap0 (built in, or the
# module built for this stock kernel: (b) is then left out, its ext4 being
# a module the image does not carry).
. /lab/run/lib.sh
stat_field() { awk -v f="$2" '{ print $f }' "/sys/block/$1/stat"; }
vm() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
# cpu_times: "user system iowait steal" in clock ticks (USER_HZ, 100 a second)
cpu_times() { awk '$1 == "cpu" { print $2 + $3, $4 + $7 + $8, $6, $9; exit }' /proc/stat; }
# cpu_report PREFIX "BEFORE" "AFTER": seconds spent in each state in between
cpu_report() {
	echo "$2 $3" | awk -v p="$1" '{
		printf "RESULT %s_user_s=%.2f\nRESULT %s_sys_s=%.2f\n", p, ($5 - $1) / 100, p, ($6 - $2) / 100
		printf "RESULT %s_iowait_s=%.2f\nRESULT %s_steal_s=%.2f\n", p, ($7 - $3) / 100, p, ($8 - $4) / 100
	}'
}
# counter DIR NAME: a debugfs counter (0 without one). The figures below are
# differences over one workload, so the kunit tests run at boot do not count.
counter() { cat "/sys/kernel/debug/$1/$2" 2>/dev/null || echo 0; }
swapdev=xvda
if [ "$(lab_arg virtswap)" = 1 ]; then
	if [ -d /sys/block/virtswap0 ]; then
		echo 512M > /sys/block/virtswap0/disksize
	else
		insmod "/lab/kmod/$(uname -r)/virtswap.ko" disksize_mb=512
	fi || { echo "RESULT swapon=failed"; exit 1; }
	swapdev=virtswap0
fi
mkswap "/dev/$swapdev" >/dev/null && swapon "/dev/$swapdev" || { echo "RESULT swapon=failed"; exit 1; }
echo "RESULT swapon=ok"
# dom0 configures this guest's tmem client, then lets the workload start.
labwait configured 60 >/dev/null || echo "RESULT configure_signal=missing"
o0=$(vm pswpout); i0=$(vm pswpin); w0=$(stat_field "$swapdev" 7); r0=$(stat_field "$swapdev" 3)
s0=$(counter frontswap succ_stores); l0=$(counter frontswap loads)
c0=$(cpu_times)
t0=$(cut -d' ' -f1 /proc/uptime)
memstress -m 384 -s 42 -r 2 > /tmp/a.out
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
c1=$(cpu_times)
cpu_report a "$c0" "$c1"
grep -E 'mismatches' /tmp/a.out
echo "RESULT a_seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
echo "RESULT a_pswpout=$(($(vm pswpout) - o0))"
echo "RESULT a_pswpin=$(($(vm pswpin) - i0))"
echo "RESULT a_swap_write_kib=$((($(stat_field "$swapdev" 7) - w0) / 2))"
echo "RESULT a_swap_read_kib=$((($(stat_field "$swapdev" 3) - r0) / 2))"
echo "RESULT a_frontswap_stores=$(($(counter frontswap succ_stores) - s0))"
echo "RESULT a_frontswap_loads=$(($(counter frontswap loads) - l0))"
swapoff "/dev/$swapdev" || echo "RESULT swapoff=failed"
if [ "$swapdev" = virtswap0 ] && ! [ -d /sys/kernel/debug/frontswap ]; then
	echo "RESULT counters_done=1"
	exit $rc
fi
mount -t ext4 /dev/xvdb /mnt || { echo "RESULT mount=failed"; exit 1; }
r0=$(stat_field xvdb 3)
g0=$(counter cleancache succ_gets); p0=$(counter cleancache puts)
t0=$(cut -d' ' -f1 /proc/uptime)
prefixed b1_ filestress verify /mnt/set || rc=1
r1=$(stat_field xvdb 3)
t1=$(cut -d' ' -f1 /proc/uptime)
prefixed b2_ filestress verify /mnt/set || rc=1
r2=$(stat_field xvdb 3)
t2=$(cut -d' ' -f1 /proc/uptime)
echo "RESULT b_cleancache_gets=$(($(counter cleancache succ_gets) - g0))"
echo "RESULT b_cleancache_puts=$(($(counter cleancache puts) - p0))"
echo "RESULT b_pass1_read_kib=$(((r1 - r0) / 2))"
echo "RESULT b_pass2_read_kib=$(((r2 - r1) / 2))"
echo "RESULT b_pass1_seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
echo "RESULT b_pass2_seconds=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", b - a }')"
hold_begin
dump_counters
echo "RESULT counters_done=1"
hold_end
umount /mnt
exit $rc
