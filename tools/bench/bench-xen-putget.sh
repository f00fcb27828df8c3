# make bench-xen-putget, dom0 side: what one tmem put and get cost inside
# Xen, seen from a guest: frame lookup, the domain's charge, reference
# counting, the hypercall and the engine. A measuring guest
# (tests/e2e/guest/tmembench.sh, tmem_bench.ko) loads the module RUNS
# times; each load puts and gets 1024 distinct pages 9 times in a private
# persistent pool and times its own copies of the same pages beside them.
# One BENCH line: medians over the loads, with min and max.
# lab-xen: tmem
# lab-timeout: 900
. /lab/dom0-lib.sh
RUNS=5
lab_plan 5
lab_ok "tmem answers control operations" tmem_available
lab_ok "measuring guest starts" guest_start m 128 \
	"lab.run=tmembench lab.putget_runs=$RUNS lab.latency=0"
lab_ok "its $RUNS loads of puts and gets ran" guest_wait_for m ready 600
guest_wait m 60
r() { guest_result m "$1"; }
# phase N: the guest's name for load N (the first is bench-hostile's).
phase() {
	if [ "$1" = 1 ]; then echo putget; else echo "putget$1"; fi
}
# stat KEY: "median min max" of KEY over the loads.
stat() {
	i=1
	while [ "$i" -le "$RUNS" ]; do
		r "$(phase "$i")_$1"
		i=$((i + 1))
	done | sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "%s %s %s\n", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
# ratio X1000: the module's ratio times 1000, as a ratio.
ratio() {
	awk -v x="$1" 'BEGIN { printf "%.2f", x / 1000 }'
}
errors=0 loaded=0 i=1
while [ "$i" -le "$RUNS" ]; do
	p=$(phase "$i")
	[ "$(r "${p}_insmod_rc")" = 0 ] && loaded=$((loaded + 1))
	errors=$((errors + $(r "${p}_errors" | grep . || echo 1)))
	i=$((i + 1))
done
lab_cmp "every load of the module succeeded" "$loaded" -eq "$RUNS"
lab_cmp "every put and get succeeded" "$errors" -eq 0
set -- $(stat tmem_ns_per_page)
t_med=${1:-NA} t_min=${2:-NA} t_max=${3:-NA}
set -- $(stat memcpy_ns_per_page)
c_med=${1:-NA}
set -- $(stat putget_x1000)
x_med=${1:-0} x_min=${2:-0} x_max=${3:-0}
echo "BENCH: xen-putget runs=$RUNS tmem_ns_per_page=$t_med min=$t_min max=$t_max memcpy_ns_per_page=$c_med xen_putget_vs_memcpy=$(ratio "$x_med") ratio_min=$(ratio "$x_min") ratio_max=$(ratio "$x_max")"
lab_finish
