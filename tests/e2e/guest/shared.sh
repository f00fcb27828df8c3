# One side of the shared-pool scenario: tmem_shared.ko puts or gets 64
# pages in the pool named by lab.uuid, reports, and (put side) stays up
# for lab.hold seconds so the other guest can read.
arg() { sed -n "s/.*lab\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
insmod /lab/modules/tmem_shared.ko uuid="$(arg uuid)" mode="$(arg mode)" pages=64 seed=5
echo "RESULT shared_insmod_rc=$?"
for f in pool_rc pool puts_ok puts_failed gets_found gets_missing gets_corrupt gets_error; do
	echo "RESULT shared_$f=$(cat "/sys/module/tmem_shared/parameters/$f" 2>/dev/null)"
done
echo "RESULT shared_done=1"
hold=$(arg hold)
sleep "${hold:-0}"
