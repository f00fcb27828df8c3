# make bench-e2e, dom0 side: the same guest (kernel, 128 MiB, disks) runs the
# same workloads under seven configurations, three rounds interleaved (disk,
# zswap, tmem, tmem-lzo, zswap-capped, virtswap-own, virtswap, then again) in
# one boot: virtswap-own has virtswap built into the project's kernel as its
# swap disk, virtswap is Debian's stock 6.12 kernel with the module, running
# workload (a) only. One BENCH line per run, with its round; e2e-report.py
# reports medians with min and max.
# zswap-capped is the like-for-like zswap: the guest is given, as RAM, the
# host memory tmem-lzo took at its peak in the same round, and zswap's pool
# may hold just that much (max_pool_percent).
# tmem_host_mib is the peak: dom0 samples Xen's free memory every second
# while workload (a) runs.
# The guest's disks are real disks: QEMU opens their files with cache=none
# (O_DIRECT on the host's block device), so swap writes reach the disk
# instead of the host's page cache (the tests' cache=unsafe). On the 2-core
# lab machine, quiet, that changed little: disk swap of workload (a) took
# 37.9 s with cache=unsafe and 38.9 s with cache=none (its disk is fast).
# lab-xen: tmem
# lab-memory: 2048
# lab-timeout: 5400
# lab-disks: swap:512M data:@data-fileset
# lab-disk-cache: none
. /lab/dom0-lib.sh

ROUNDS=3
GUEST_MIB=128

# sample_free: the lowest of Xen's free memory seen so far, in min_free
# (run by guest_wait_for at each poll while workload (a) runs).
sample_free() {
	free_now=$(free_mib)
	if [ -n "$free_now" ] && [ "$free_now" -lt "$min_free" ]; then
		min_free=$free_now
	fi
}

# run_config CONFIG ROUND GUEST_CMDLINE COMPRESS(0|1|-) [MEMORY_MIB]
run_config() {
	cfg=$1
	round=$2
	name=b-$cfg
	guest_start "$name" "${5:-$GUEST_MIB}" "$3 lab.run=bench lab.inspect=1" /dev/vda /dev/vdb || return 1
	guest_wait_for "$name" swapon 120 || return 1
	# A configuration that was not set up as named yields no figures:
	# e2e-report.py refuses a BENCH line whose configured is not ok.
	configured=ok
	# The frontswap pool (and so the tmem client) exists from swapon on.
	if [ "$4" != - ] && ! xl tmem-set -p "$4" "$name"; then
		lab_note "xl tmem-set -p $4 $name failed"
		configured=tmem-set-failed
	fi
	f1=$(free_mib)
	guest_signal "$name" configured || configured=signal-failed
	min_free=$f1
	GUEST_WAIT_EACH=sample_free
	guest_wait_for "$name" a_seconds 1200 || configured=no-workload-a
	GUEST_WAIT_EACH=
	host_mib=$((f1 - min_free))
	guest_wait_for "$name" counters_done 1200
	xl tmem-list -l -a > "/tmp/tmem-$cfg-$round.txt" 2>&1
	guest_signal "$name" released
	guest_wait "$name" 60
	r() { guest_result "$name" "$1"; }
	# Workload (b) is left out where the kernel cannot mount its disk.
	b1=$(r b1_file_mismatches) b2=$(r b2_file_mismatches)
	bm=$([ -n "$b1$b2" ] && echo $(( ${b1:-0} + ${b2:-0} )))
	echo "BENCH: config=$cfg a_seconds=$(r a_seconds) a_mismatches=$(r mismatches)" \
		"a_pswpout=$(r a_pswpout) a_pswpin=$(r a_pswpin)" \
		"a_swap_write_kib=$(r a_swap_write_kib) a_swap_read_kib=$(r a_swap_read_kib)" \
		"a_user_s=$(r a_user_s) a_sys_s=$(r a_sys_s) a_iowait_s=$(r a_iowait_s) a_steal_s=$(r a_steal_s)" \
		"a_frontswap_stores=$(r a_frontswap_stores) a_frontswap_loads=$(r a_frontswap_loads)" \
		"b_pass1_seconds=$(r b_pass1_seconds) b_pass2_seconds=$(r b_pass2_seconds)" \
		"b_pass1_read_kib=$(r b_pass1_read_kib) b_pass2_read_kib=$(r b_pass2_read_kib)" \
		"b_mismatches=$bm" \
		"b_cleancache_gets=$(r b_cleancache_gets) b_cleancache_puts=$(r b_cleancache_puts)" \
		"tmem_host_mib=$host_mib guest_rc=$(r guest_rc) configured=$configured" \
		"round=$round guest_mib=${5:-$GUEST_MIB}"
}

lab_plan $((7 * ROUNDS))
for round in $(seq "$ROUNDS"); do
	lab_ok "round $round: config disk ran" run_config disk "$round" "" -
	lab_ok "round $round: config zswap ran" run_config zswap "$round" \
		"zswap.enabled=1 zswap.compressor=lzo" -
	lab_ok "round $round: config tmem ran" run_config tmem "$round" "tmem=1" 0
	lab_ok "round $round: config tmem-lzo ran" run_config tmem-lzo "$round" "tmem=1" 1
	# The host memory tmem-lzo took at its peak, given to the guest as RAM
	# with zswap's pool capped at it.
	cap_mib=$host_mib
	[ "$cap_mib" -gt 0 ] 2>/dev/null || cap_mib=1
	pct=$((cap_mib * 100 / (GUEST_MIB + cap_mib)))
	[ "$pct" -gt 0 ] || pct=1
	lab_note "round $round: zswap-capped gets $cap_mib MiB more RAM, max_pool_percent=$pct"
	lab_ok "round $round: config zswap-capped ran" run_config zswap-capped "$round" \
		"zswap.enabled=1 zswap.compressor=lzo zswap.max_pool_percent=$pct" - \
		$((GUEST_MIB + cap_mib))
	# virtswap as the swap disk: built into the project's kernel, to weigh
	# the driver against frontswap on the same kernel; then on Debian's
	# unpatched 6.12 (workload (a) only there). Each config once a round:
	# one run of the stock kernel took 18% longer than the one before it, in
	# the same boot (40.60 s, then 48.00 s).
	lab_ok "round $round: config virtswap-own ran" run_config virtswap-own "$round" "lab.virtswap=1" -
	GUEST_KERNEL="$LAB_GUEST_DIR/vmlinuz-stock-6.12"
	export GUEST_KERNEL
	lab_ok "round $round: config virtswap ran" run_config virtswap "$round" "lab.virtswap=1" -
	unset GUEST_KERNEL
done
for c in disk zswap tmem tmem-lzo zswap-capped virtswap-own virtswap; do
	sed "s/^/LAB: # tmem-list $c: /" "/tmp/tmem-$c-1.txt" | head -n 12
done
lab_finish
