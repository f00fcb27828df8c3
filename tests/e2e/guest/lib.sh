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
