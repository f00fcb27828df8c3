# The demo's guest: swap 256 MiB of mixed pages through a 128 MiB guest,
# then read a 256 MiB file set twice; hold while dom0 reads xl tmem-list.
. /lab/run/lib.sh
mkswap /dev/xvda >/dev/null && swapon /dev/xvda || { echo "RESULT swapon=failed"; exit 1; }
memstress -m 256 -s 42 -r 2 || rc=1
mount -t ext4 /dev/xvdb /mnt || { echo "RESULT mount=failed"; exit 1; }
r0=$(awk '{ print $3 }' /sys/block/xvdb/stat)
prefixed pass1_ filestress verify /mnt/set || rc=1
r1=$(awk '{ print $3 }' /sys/block/xvdb/stat)
prefixed pass2_ filestress verify /mnt/set || rc=1
r2=$(awk '{ print $3 }' /sys/block/xvdb/stat)
echo "RESULT pass1_disk_read_mib=$(((r1 - r0) / 2048))"
echo "RESULT pass2_disk_read_mib=$(((r2 - r1) / 2048))"
hold_begin
dump_counters
echo "RESULT counters_done=1"
hold_end
exit "${rc:-0}"
