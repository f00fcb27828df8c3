#!/bin/sh
# PID 1 of a lab guest: run the workload named by lab.run= on the kernel
# command line, report, power off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin:/lab/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmpfs /tmp

# A stock kernel has its block frontend as a module: load what the image
# carries for this kernel, in order.
kmod=/lab/kmod/$(uname -r)
if [ -f "$kmod/load-order" ]; then
	while read -r m; do
		insmod "$kmod/$m" || echo "guest-init: insmod $m failed"
	done < "$kmod/load-order"
fi

run=$(sed -n 's/.*lab\.run=\([^ ]*\).*/\1/p' /proc/cmdline)
echo "guest-init: $(uname -r), running '${run:-shell}'"
if [ -n "$run" ] && [ -f "/lab/run/$run.sh" ]; then
	sh "/lab/run/$run.sh"
	echo "RESULT guest_rc=$?"
elif [ -n "$run" ]; then
	echo "guest-init: no workload $run"
	echo "RESULT guest_rc=127"
else
	setsid cttyhack sh -l
fi
sync
poweroff -f
