# Benchmark workloads (make bench-e2e): (a) 384 MiB of mixed anonymous pages
# through a 128 MiB guest, (b) a 256 MiB file set on xvdb read twice.
# Reports wall times and the guest's own swap and disk figures.
. /lab/run/lib.sh
stat_field() { awk -v f="$2" '{ print $f }' "/sys/block/$1/stat"; }
vm() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
mkswap /dev/xvda >/dev/null && swapon /dev/xvda || { echo "RESULT swapon=failed"; exit 1; }
echo "RESULT swapon=ok"
# dom0 configures this guest's tmem client, then lets the workload start.
labwait configured 60 >/dev/null || echo "RESULT configure_signal=missing"
o0=$(vm pswpout); i0=$(vm pswpin); w0=$(stat_field xvda 7); r0=$(stat_field xvda 3)
t0=$(cut -d' ' -f1 /proc/uptime)
memstress -m 384 -s 42 -r 2 > /tmp/a.out
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
grep -E 'mismatches' /tmp/a.out
echo "RESULT a_seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
echo "RESULT a_pswpout=$(($(vm pswpout) - o0))"
echo "RESULT a_pswpin=$(($(vm pswpin) - i0))"
echo "RESULT a_swap_write_kib=$((($(stat_field xvda 7) - w0) / 2))"
echo "RESULT a_swap_read_kib=$((($(stat_field xvda 3) - r0) / 2))"
swapoff /dev/xvda || echo "RESULT swapoff=failed"
mount -t ext4 /dev/xvdb /mnt || { echo "RESULT mount=failed"; exit 1; }
r0=$(stat_field xvdb 3)
t0=$(cut -d' ' -f1 /proc/uptime)
filestress verify /mnt/set | sed 's/^RESULT /RESULT b1_/' || rc=1
r1=$(stat_field xvdb 3)
t1=$(cut -d' ' -f1 /proc/uptime)
filestress verify /mnt/set | sed 's/^RESULT /RESULT b2_/' || rc=1
r2=$(stat_field xvdb 3)
t2=$(cut -d' ' -f1 /proc/uptime)
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
