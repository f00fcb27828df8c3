# The hostile guest: tmem_hostile.ko attacks hypercall 38 for lab.seconds=S
# (default 30) with malformed and random operations, floods of persistent
# puts and floods of zero pages that cost Xen metadata only, checking every
# answer against the ABI; then it reports and unloads.
. /lab/run/lib.sh
seed=$(lab_arg seed)
secs=$(lab_arg seconds)
insmod /lab/modules/tmem_hostile.ko seconds="${secs:-30}" seed="${seed:-1}"
echo "RESULT hostile_insmod_rc=$?"
p=/sys/module/tmem_hostile/parameters
i=0
until [ "$(cat $p/done 2>/dev/null)" = 1 ] || [ "$i" -ge 150 ]; do
	sleep 1
	i=$((i + 1))
done
for f in done ops ok errors enomem violations max_persistent_pages \
	persistent_pages quota_pages exclusive floods flood_enomem \
	meta_floods meta_flood_enomem meta_flood_pages churns churn_pools \
	collision_floods collision_objects; do
	echo "RESULT hostile_$f=$(cat "$p/$f" 2>/dev/null)"
done
dmesg | sed -n 's/^\[ *[0-9.]*\] \(tmem_hostile: .*\)/KLOG \1/p' | tail -n 30
echo "RESULT counters_done=1"
rmmod tmem_hostile
echo "RESULT hostile_rmmod_rc=$?"
dmesg | sed -n 's/^\[ *[0-9.]*\] \(tmem_hostile: unloaded.*\)/KLOG \1/p'
