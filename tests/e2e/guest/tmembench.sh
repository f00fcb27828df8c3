# The measuring guest of make bench-hostile: tmem_bench.ko times tmem from
# inside this guest (a pool of the module's own; boot it without tmem=1).
# First puts and gets of 1024 pages against copies of them in the guest
# (putget_*), then, each on dom0's signal, lab.seconds=S (default 15) of
# latency sampling: "quiet" before dom0 starts the attacker, "attack"
# while it runs. Results: RESULT <phase>_<parameter>=... for every
# parameter of the module, and <phase>_insmod_rc.  With lab.putget_runs=N
# and lab.latency=0 (make bench-xen-putget): N putget loads, no latency.
. /lab/run/lib.sh
s=$(lab_arg seconds)
p=/sys/module/tmem_bench/parameters
# run PHASE ARGS...: one load of the module, its results, unload.
run() {
	phase=$1
	shift
	insmod /lab/modules/tmem_bench.ko "$@"
	echo "RESULT ${phase}_insmod_rc=$?"
	for f in pool_rc pairs errors put_p50_ns put_p99_ns put_max_ns \
		get_p50_ns get_p99_ns get_max_ns putget_x1000 tmem_ns_per_page \
		memcpy_ns_per_page; do
		echo "RESULT ${phase}_$f=$(cat "$p/$f" 2>/dev/null)"
	done
	dmesg | sed -n 's/^\[ *[0-9.]*\] \(tmem_bench: .*\)/KLOG \1/p' | tail -n 1
	rmmod tmem_bench
}
run putget mode=putget pages=1024 reps=9
# lab.putget_runs=N: N loads of the putget mode in all (putget, putget2..).
runs=$(lab_arg putget_runs)
i=2
while [ "$i" -le "${runs:-1}" ]; do
	run "putget$i" mode=putget pages=1024 reps=9
	i=$((i + 1))
done
echo "RESULT ready=1"
# lab.latency=0: no latency phases (make bench-xen-putget).
if [ "$(lab_arg latency)" = 0 ]; then
	echo "RESULT guest_rc=0"
	exit 0
fi
for phase in quiet attack; do
	labwait "$phase" 900 >/dev/null || { echo "RESULT ${phase}_signal=missing"; continue; }
	run "$phase" mode=latency seconds="${s:-15}" pages=256
done
echo "RESULT guest_rc=0"
