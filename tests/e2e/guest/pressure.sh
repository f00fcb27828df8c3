# Fill tmem with persistent pages (a paused working set of lab.mib MiB,
# default 320, pushed out through frontswap) and ephemeral ones (a file set
# read through cleancache), then hold until dom0 has squeezed Xen's memory
# and signals "squeezed" (at most lab.hold seconds, default 120); afterwards
# both must verify.
. /lab/run/lib.sh
mib=$(sed -n 's/.*lab\.mib=\([0-9]*\).*/\1/p' /proc/cmdline)
hold=$(sed -n 's/.*lab\.hold=\([0-9]*\).*/\1/p' /proc/cmdline)
mkswap /dev/xvda >/dev/null && swapon /dev/xvda || { echo "RESULT swapon=failed"; exit 1; }
memstress -m "${mib:-320}" -s 9 -r 1 -w /tmp/go > /tmp/a.out &
a=$!
until grep -q filled /tmp/a.out; do sleep 0.2; done
mount -t ext4 /dev/xvdb /mnt || { echo "RESULT mount=failed"; exit 1; }
frc=0
prefixed pass1_ filestress verify /mnt/set || frc=1
echo "RESULT ready=1"
# dom0 creates the squeezing domain now
labwait squeezed "${hold:-120}" >/dev/null || echo "RESULT squeeze_signal=missing"
prefixed pass2_ filestress verify /mnt/set || frc=1
touch /tmp/go
wait "$a"
rc=$?
cat /tmp/a.out
dump_counters
echo "RESULT counters_done=1"
sleep 3
# The files must verify too: either failing fails the guest.
[ "$frc" = 0 ] || rc=1
exit $rc
