# make bench-e2e, dom0 side: the same guest (kernel, 128 MiB, disks) runs the
# same workloads under four configurations in one boot, then with virtswap
# as its swap disk (built in); and Debian's stock 6.12 kernel with virtswap
# runs workload (a); one BENCH line each.
# The guest's disks are real disks: QEMU opens their files with cache=none
# (O_DIRECT on the host's block device), so swap writes reach the disk
# instead of the host's page cache (the tests' cache=unsafe). On the 2-core
# lab machine, quiet, that changed little: disk swap of workload (a) took
# 37.9 s with cache=unsafe and 38.9 s with cache=none (its disk is fast).
# lab-xen: tmem
# lab-memory: 2048
# lab-timeout: 1500
# lab-disks: swap:512M data:@data-fileset
# lab-disk-cache: none
. /lab/dom0-lib.sh

# run_config NAME GUEST_CMDLINE COMPRESS(0|1|-)
run_config() {
	cfg=$1
	name=b-$cfg
	guest_start "$name" 128 "$2 lab.run=bench lab.inspect=1" /dev/vda /dev/vdb || return 1
	guest_wait_for "$name" swapon 120 || return 1
	# A configuration that was not set up as named yields no figures:
	# e2e-report.py refuses a BENCH line whose configured is not ok.
	configured=ok
	# The frontswap pool (and so the tmem client) exists from swapon on.
	if [ "$3" != - ] && ! xl tmem-set -p "$3" "$name"; then
		lab_note "xl tmem-set -p $3 $name failed"
		configured=tmem-set-failed
	fi
	guest_signal "$name" configured || configured=signal-failed
	f1=$(free_mib)
	guest_wait_for "$name" counters_done 1200
	f2=$(free_mib)
	xl tmem-list -l -a > "/tmp/tmem-$cfg.txt" 2>&1
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
		"tmem_host_mib=$((f1 - f2)) guest_rc=$(r guest_rc) configured=$configured"
}

lab_plan 6
lab_ok "config disk ran" run_config disk "" -
lab_ok "config zswap ran" run_config zswap "zswap.enabled=1 zswap.compressor=lzo" -
lab_ok "config tmem ran" run_config tmem "tmem=1" 0
lab_ok "config tmem-lzo ran" run_config tmem-lzo "tmem=1" 1
# virtswap as the swap disk: built into the project's kernel, to weigh the
# driver against frontswap on the same kernel; then on Debian's unpatched
# 6.12 (workload (a) only there).
lab_ok "config virtswap-own ran" run_config virtswap-own "lab.virtswap=1" -
GUEST_KERNEL="$LAB_GUEST_DIR/vmlinuz-stock-6.12"
export GUEST_KERNEL
lab_ok "config virtswap ran" run_config virtswap "lab.virtswap=1" -
unset GUEST_KERNEL
for c in disk zswap tmem tmem-lzo virtswap-own virtswap; do
	sed "s/^/LAB: # tmem-list $c: /" "/tmp/tmem-$c.txt" | head -n 12
done
lab_finish
