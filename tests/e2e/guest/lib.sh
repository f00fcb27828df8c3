# Helpers for guest-side workload scripts.

# dump_counters [PREFIX]: print every frontswap, cleancache and tmem debugfs
# counter as RESULT lines (absent directories print nothing). With PREFIX,
# every key starts with it (a second dump that must not be mistaken for the
# first) and the kernel messages are not repeated.
dump_counters() {
	pfx=${1:-}
	for dir in frontswap cleancache tmem; do
		d=/sys/kernel/debug/$dir
		[ -d "$d" ] || continue
		for f in "$d"/*; do
			[ -f "$f" ] || continue
			echo "RESULT $pfx${dir}_$(basename "$f")=$(cat "$f" 2>/dev/null | tr ' \n' '_' | sed 's/_$//')"
		done
	done
	awk -v p="$pfx" '$1 == "pswpout" || $1 == "pswpin" { print "RESULT " p "vmstat_" $1 "=" $2 }' /proc/vmstat
	[ -z "$pfx" ] || return 0
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

# prefixed PREFIX CMD...: run CMD with its "RESULT K=V" lines printed as
# "RESULT PREFIXK=V", and return CMD's own exit status (a pipe into sed
# would return sed's, which is always 0).
prefixed() {
	_p=$1
	shift
	_r=0
	"$@" > /tmp/prefixed.out || _r=$?
	sed "s/^RESULT /RESULT $_p/" /tmp/prefixed.out
	return $_r
}

# lab_arg NAME: the number given as lab.NAME= on the kernel command line
# (empty when absent).
lab_arg() {
	sed -n "s/.*lab\.$1=\([0-9]*\).*/\1/p" /proc/cmdline
}

# frontswap_stored: pages the frontswap backend holds now (0 without one).
frontswap_stored() {
	cat /sys/kernel/debug/frontswap/stored_pages 2>/dev/null || echo 0
}

# running PID: is PID a live process (not gone, not a zombie)? A background
# job that ended stays a zombie until the shell waits for it.
running() {
	[ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# wait_output FILE PATTERN PID: wait until FILE, the output of background
# process PID, has a line matching PATTERN; fails if PID ends without it.
wait_output() {
	until grep -q "$2" "$1" 2>/dev/null; do
		if ! running "$3"; then
			grep -q "$2" "$1" 2>/dev/null
			return
		fi
		sleep 0.2
	done
}

# memstress_filled OUT ARGS...: memstress ARGS in the background, its output
# in OUT, until it has filled its pages; its PID is then in MS_PID. A
# memstress that ends before is reported (its output, memstress_rc=died)
# and this script exits 1.
memstress_filled() {
	_out=$1
	shift
	memstress "$@" > "$_out" 2>&1 &
	MS_PID=$!
	wait_output "$_out" '^RESULT filled=' "$MS_PID" && return 0
	cat "$_out"
	echo "RESULT memstress_rc=died"
	exit 1
}
