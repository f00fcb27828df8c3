# Page-cache workload on the ext4 data disk (xvda): read a 256 MiB file set
# twice (twice the guest's RAM), then rewrite and truncate files, drop the
# page cache and verify again, so a stale page from anywhere shows up.
. /lab/run/lib.sh
dev=xvda
read_kib() {
	# field 3 of /sys/block/DEV/stat: sectors read
	echo $(($(awk '{ print $3 }' "/sys/block/$dev/stat") / 2))
}
mount -t ext4 "/dev/$dev" /mnt || { echo "RESULT mount=failed"; exit 1; }
rc=0
# The boot-time KUnit suites exercise cleancache with a fake backend, so the
# workload's own hits are counted from here.
cc_hits() { cat /sys/kernel/debug/cleancache/succ_gets 2>/dev/null || echo 0; }
cc0=$(cc_hits)
r0=$(read_kib)
prefixed pass1_ filestress verify /mnt/set || rc=1
r1=$(read_kib)
prefixed pass2_ filestress verify /mnt/set || rc=1
r2=$(read_kib)
echo "RESULT pass1_read_kib=$((r1 - r0))"
echo "RESULT pass2_read_kib=$((r2 - r1))"
echo "RESULT workload_cleancache_hits=$(($(cc_hits) - cc0))"
filestress rewrite /mnt/set 3 || rc=1
filestress truncate /mnt/set 5 || rc=1
sync
echo 3 > /proc/sys/vm/drop_caches
prefixed pass3_ filestress verify /mnt/set || rc=1
hold_begin
dump_counters
echo "RESULT counters_done=1"
hold_end
umount /mnt
exit $rc
