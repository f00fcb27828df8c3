#!/bin/sh
# PID 1 of the lab's dom0: bring up the Xen control plane, then run the
# scenario named by lab.scenario= on the kernel command line (or a shell),
# then power off, which ends QEMU.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin:/usr/lib/xen/bin
export LD_LIBRARY_PATH=/usr/lib:/usr/lib64

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=755 tmpfs /run
mount -t tmpfs tmpfs /tmp
# The block hotplug script stats /dev/stdin and friends.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /run/xen /run/xenstored /var/log/xen/console /run/lock

t0=$(cut -d' ' -f1 /proc/uptime)
while read -r m; do
	insmod "/lib/modules/$m" || echo "dom0-init: insmod $m failed"
done < /lib/modules/load-order
mount -t xenfs xenfs /proc/xen

xenstored --pid-file /run/xenstored.pid
i=0
until xenstore-read -s / >/dev/null 2>&1; do
	i=$((i + 1))
	if [ "$i" -gt 100 ]; then
		echo "LAB: Bail out! xenstored did not come up"
		poweroff -f
	fi
	sleep 0.1
done
xen-init-dom0 >/dev/null
xenconsoled --pid-file=/run/xenconsoled.pid --log=guest --log-dir=/var/log/xen/console
echo "dom0-init: control plane up at $t0 s -> $(cut -d' ' -f1 /proc/uptime) s"

scenario=$(sed -n 's/.*lab\.scenario=\([^ ]*\).*/\1/p' /proc/cmdline)
if [ -z "$scenario" ] || [ "$scenario" = shell ]; then
	echo "dom0-init: interactive lab; 'poweroff -f' ends it"
	setsid cttyhack sh -l
else
	echo "LAB: BEGIN $scenario"
	if [ -f "/lab/scenarios/$scenario.sh" ]; then
		sh "/lab/scenarios/$scenario.sh"
		echo "LAB: END $scenario rc=$?"
	else
		echo "LAB: Bail out! no scenario $scenario"
	fi
fi
poweroff -f
