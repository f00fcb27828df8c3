#!/usr/bin/env bash
# Boot the lab (QEMU/TCG -> Xen -> dom0) for one scenario (tests/e2e/NAME.sh,
# or a benchmark tools/bench/NAME.sh) and judge it from the serial log. With the scenario "shell", boot
# interactively instead.
#
# A scenario script may carry header lines:
#   # lab-xen: ARGS        extra Xen command-line options (e.g. "tmem")
#   # lab-memory: MB       RAM of the emulated machine (default 2048)
#   # lab-timeout: S       wall-clock limit for the whole run (default 120)
#   # lab-disks: N:SIZE... raw disks attached in order (dom0 sees vda, vdb, ...);
#                          N:@IMAGE attaches a fresh copy of $LAB_IMAGES/IMAGE.img
#   # lab-disk-cache: MODE QEMU's cache mode for those disks (default unsafe:
#                          the host's page cache absorbs writes, fast for
#                          tests; "none" makes them a real disk, O_DIRECT)
#   # lab-icount: SHIFT    run the machine's clock off its instruction count,
#                          2^SHIFT ns per instruction (QEMU -icount): time
#                          measured inside it is then work done, whatever
#                          the host does to QEMU's threads (one thread runs
#                          all vCPUs then, so a boot is slower)
#   # lab-smp: N           CPUs of the emulated machine (default 2); with
#                          lab-icount and 1 CPU, a time Xen measures across
#                          one call is that call's own instructions: no
#                          other CPU's slice of QEMU's one thread is in it
#
# usage: run-scenario.sh SCENARIO
# env:   LAB_XEN, LAB_DOM0_KERNEL, LAB_DOM0_INITRD, LAB_DIR, TOP;
#        LAB_MONITOR=PATH (the QEMU monitor on that unix socket);
#        LAB_ICOUNT=SHIFT as lab-icount, LAB_SMP=N as lab-smp, for any
#        scenario
set -euo pipefail

scenario=$1
top=${TOP:?}
lab_dir=${LAB_DIR:?}
xen=${LAB_XEN:?}
dom0_kernel=${LAB_DOM0_KERNEL:?}
dom0_initrd=${LAB_DOM0_INITRD:?}

script=""
for d in tests/e2e tools/bench; do
	if [ -f "$top/$d/$scenario.sh" ]; then
		script="$top/$d/$scenario.sh"
		break
	fi
done
header() {
	sed -n "s/^# lab-$1: *//p" "$script" | head -n 1
}

xen_extra=""
memory=2048
timeout=120
disks=""
disk_cache=unsafe
icount=""
smp=2
if [ "$scenario" != shell ]; then
	[ -n "$script" ] || {
		echo "run-scenario: no scenario $scenario in tests/e2e or tools/bench" >&2
		exit 2
	}
	xen_extra=$(header xen)
	memory=$(header memory)
	memory=${memory:-2048}
	timeout=$(header timeout)
	timeout=${timeout:-120}
	disks=$(header disks)
	disk_cache=$(header disk-cache)
	disk_cache=${disk_cache:-unsafe}
	icount=$(header icount)
	smp=$(header smp)
	smp=${smp:-2}
fi
icount=${LAB_ICOUNT:-$icount}
smp=${LAB_SMP:-$smp}

mkdir -p "$lab_dir/disks"
drive_args=()
for d in $disks; do
	name=${d%%:*}
	size=${d#*:}
	img="$lab_dir/disks/$scenario-$name.img"
	rm -f "$img"
	case "$size" in
	@*)
		template="${LAB_IMAGES:?}/${size#@}.img"
		[ -f "$template" ] || { echo "run-scenario: no disk image $template (run 'make images')" >&2; exit 2; }
		cp --sparse=always "$template" "$img"
		;;
	*) truncate -s "$size" "$img" ;;
	esac
	drive_args+=(-drive "file=$img,format=raw,if=virtio,cache=$disk_cache")
done

xen_cmdline="console=com1 com1=115200 dom0_mem=768M,max:768M dom0_max_vcpus=1 noreboot $xen_extra"
dom0_cmdline="console=hvc0 earlyprintk=xen quiet loglevel=4 norandmaps lab.scenario=$scenario"
# svm and npt: Xen can run PVH guests, with nested paging (HAP) rather than
# shadow paging. rdrand: dom0's random pool is ready at once.
qemu=(qemu-system-x86_64 -accel tcg -cpu qemu64,+svm,+npt,+rdrand -smp "$smp" -m "$memory"
	-no-reboot -kernel "$xen" -append "$xen_cmdline"
	-initrd "$dom0_kernel $dom0_cmdline,$dom0_initrd" "${drive_args[@]}")
if [ -n "$icount" ]; then
	# sleep=off: an idle vCPU's clock jumps to its next timer at once.
	qemu+=(-icount "shift=$icount,sleep=off")
fi

if [ "$scenario" = shell ]; then
	echo "run-scenario: interactive lab; in dom0 'poweroff -f' ends it (Ctrl-A X kills QEMU)"
	exec "${qemu[@]}" -nographic
fi

log="$lab_dir/$scenario.log"
start=$(date +%s)
# A QEMU that fails before opening the log must not leave the last run's
# log to be judged.
: > "$log"
monitor=none
[ -z "${LAB_MONITOR:-}" ] || monitor="unix:$LAB_MONITOR,server=on,wait=off"
# timeout(1) ends QEMU at the deadline (status 124); waiting on it returns
# the moment QEMU exits, where a one-second poll lost half a second a boot.
# --foreground keeps QEMU in this script's process group, so a signal to
# the group still reaches it.
timeout --foreground -k 5 "$timeout" "${qemu[@]}" -display none -monitor "$monitor" -serial "file:$log" \
	</dev/null >"$log.qemu" 2>&1 &
qemu_pid=$!
# timeout(1) passes the TERM on to QEMU and kills it 5 s later if need be.
cleanup() {
	if kill -0 "$qemu_pid" 2>/dev/null; then
		kill "$qemu_pid" 2>/dev/null || true
		wait "$qemu_pid" 2>/dev/null || true
	fi
}
trap cleanup EXIT INT TERM

timed_out=0
qemu_rc=0
wait "$qemu_pid" 2>/dev/null || qemu_rc=$?
elapsed=$(($(date +%s) - start))
# 124: QEMU ended at the deadline; 137: it had to be killed after it.
if [ "$qemu_rc" -eq 124 ] || { [ "$qemu_rc" -eq 137 ] && [ "$elapsed" -ge "$timeout" ]; }; then
	timed_out=1
fi
if [ "$timed_out" = 1 ]; then
	echo "run-scenario: $scenario TIMED OUT after $timeout s; last lines of $log:" >&2
	tail -n 25 "$log" | sed 's/^/  | /' >&2
fi
trap - EXIT INT TERM
if [ -s "$log.qemu" ]; then
	sed 's/^/  qemu: /' "$log.qemu" >&2
fi

python3 "$top/tools/lab/parse-log.py" "$log" "$scenario" "$elapsed" "$timed_out"
