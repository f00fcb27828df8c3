# Helpers for guest-side workload scripts.

# dump_counters: print every frontswap, cleancache and tmem debugfs counter
# as RESULT lines (absent directories print nothing).
dump_counters() {
	for dir in frontswap cleancache tmem; do
		d=/sys/kernel/debug/$dir
		[ -d "$d" ] || continue
		for f in "$d"/*; do
			[ -f "$f" ] || continue
			echo "RESULT ${dir}_$(basename "$f")=$(cat "$f" 2>/dev/null | tr ' \n' '_' | sed 's/_$//')"
		done
	done
	awk '$1 == "pswpout" || $1 == "pswpin" { print "RESULT vmstat_" $1 "=" $2 }' /proc/vmstat
	# The tmem driver's messages are at KERN_INFO, below the console level.
	dmesg | sed -n 's/^\[ *[0-9.]*\] \(xen-tmem: .*\)/KLOG \1/p'
}

# hold_begin / hold_end: keep this guest's state (swapped-out pages, cached
# files) until dom0 has looked at it and signals "released" (at most 60 s).
# Only scenarios that look pass lab.inspect=1; the others go straight on.
# The waiter starts before the counters are dumped, so that the pages its
# start-up swaps in are in the counts dom0 compares with Xen's.
hold_begin() {
	HOLD_PID=""
	grep -qw 'lab\.inspect=1' /proc/cmdline || return 0
	labwait released 60 >/dev/null &
	HOLD_PID=$!
}

hold_end() {
	[ -n "$HOLD_PID" ] || return 0
	wait "$HOLD_PID" || echo "RESULT hold_release=missing"
}
